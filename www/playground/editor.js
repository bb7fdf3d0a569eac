// A plain-textarea code editor with a line-number gutter and line marks (errors, warnings).
// Lines never wrap, so line N is always at (N - 1) × line height.

export class Editor {
  constructor(root, onChange) {
    this.ta = root.querySelector("textarea");
    this.gutter = root.querySelector(".gutter-in");
    this.marksEl = root.querySelector(".marks");
    this.lines = 0;
    this.marks = new Map(); // line -> {kind, title}
    this.ta.addEventListener("input", () => {
      this.renderGutter();
      onChange(this.ta.value);
    });
    this.ta.addEventListener("scroll", () => this.sync());
    this.ta.addEventListener("keydown", (e) => this.key(e));
    new ResizeObserver(() => this.sync()).observe(this.ta);
  }

  get value() {
    return this.ta.value;
  }

  /** Replaces the text, keeping it undoable (Ctrl+Z) where the browser allows. */
  set value(text) {
    this.ta.focus({ preventScroll: true });
    this.ta.select();
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      this.ta.value = text;
      this.ta.dispatchEvent(new Event("input"));
    }
    this.ta.setSelectionRange(0, 0);
    this.ta.scrollTop = 0;
  }

  lineHeight() {
    return parseFloat(getComputedStyle(this.ta).lineHeight) || 20;
  }

  padTop() {
    return parseFloat(getComputedStyle(this.ta).paddingTop) || 0;
  }

  /** Sets the marked lines: `[{line, kind: "error"|"warning", title}]`. */
  mark(list) {
    this.marks = new Map();
    for (const m of list) {
      const prev = this.marks.get(m.line);
      if (prev && prev.kind === "error" && m.kind !== "error") continue;
      this.marks.set(m.line, prev && prev.kind === m.kind ? { kind: m.kind, title: prev.title + "\n" + m.title } : m);
    }
    this.lines = -1; // force the gutter to redraw
    this.renderGutter();
  }

  renderGutter() {
    const n = this.ta.value.split("\n").length;
    if (n === this.lines) return;
    this.lines = n;
    const g = document.createDocumentFragment();
    for (let i = 1; i <= n; i++) {
      const d = document.createElement("div");
      d.textContent = i;
      const m = this.marks.get(i);
      if (m) {
        d.className = "ln " + m.kind;
        d.title = m.title;
        d.dataset.line = i;
      }
      g.append(d);
    }
    this.gutter.replaceChildren(g);
    const h = this.lineHeight();
    const top = this.padTop();
    const marks = document.createDocumentFragment();
    for (const [line, m] of this.marks) {
      if (line > n) continue;
      const d = document.createElement("div");
      d.className = "mark " + m.kind;
      d.dataset.line = line;
      d.style.top = `${top + (line - 1) * h}px`;
      d.style.height = `${h}px`;
      marks.append(d);
    }
    this.marksEl.replaceChildren(marks);
    this.sync();
  }

  sync() {
    const y = `translateY(${-this.ta.scrollTop}px)`;
    this.gutter.style.transform = y;
    this.marksEl.style.transform = y;
  }

  /** Selects line `n` and scrolls it into the middle of the view. */
  jump(n) {
    const lines = this.ta.value.split("\n");
    const start = lines.slice(0, n - 1).reduce((s, l) => s + l.length + 1, 0);
    const text = lines[n - 1] || "";
    const indent = text.length - text.trimStart().length;
    this.ta.focus({ preventScroll: true });
    this.ta.setSelectionRange(start + indent, start + text.length);
    this.ta.scrollTop = Math.max(0, (n - 1) * this.lineHeight() - this.ta.clientHeight / 2);
    this.sync();
  }

  key(e) {
    const ta = this.ta;
    const insert = (s) => document.execCommand("insertText", false, s);
    if (e.key === "Tab" && !e.ctrlKey && !e.metaKey && !e.altKey) {
      // Escape first releases the keyboard (Tab then moves focus on), for keyboard users.
      if (this.released) return;
      e.preventDefault();
      if (!e.shiftKey) insert("  ");
    } else if (e.key === "Escape") {
      this.released = true;
      return;
    } else if (e.key === "Enter" && !e.shiftKey && !e.ctrlKey && !e.metaKey) {
      const before = ta.value.slice(0, ta.selectionStart);
      const line = before.slice(before.lastIndexOf("\n") + 1);
      let indent = /^\s*/.exec(line)[0];
      if (/[{[]\s*$/.test(line)) indent += "  ";
      e.preventDefault();
      insert("\n" + indent);
    }
    this.released = false;
  }
}
