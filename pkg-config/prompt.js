// Prompts (modal, banner, toast, slide-in) and guided conversations, rendered in a shadow root.
// Loaded only when a page may show a prompt: dist/script/moments-prompt.js beside moments.js (the
// script tag fetches it), its own chunk in the npm package (`import("./prompt.js")`). The wasm
// sends each prompt as JSON — URLs already vetted by the engine's safe_url (an unsafe one arrives
// as null), text as text — and keeps what a click means; this file only reports indices back
// (see src/web/src/prompt.rs for the messages).
//
// Each prompt is a `<moments-prompt>` host appended to `<body>` with an open shadow root, so the
// page's styles don't reach in and ours don't leak out. The markup is built as one string in
// which every text and attribute value is escaped; styles come from one constructed stylesheet
// shared by every prompt (allowed by a CSP without 'unsafe-inline'), or a `<style nonce>` where
// constructable stylesheets are missing.
//
// Accessibility: role="dialog" labelled by the title and described by the body; the modal is
// aria-modal, takes focus, traps Tab/Shift-Tab and gives focus back when it closes; Esc, the close
// button (and the modal's backdrop) dismiss. Banners, toasts and slide-ins don't take or trap
// focus. A toast goes away by itself after TOAST_MS, paused while hovered or focused.
//
// One prompt per layout at a time (never two modals): a prompt asked for while another of its
// layout is open waits in a queue ordered by rule priority; a rule whose prompt is open or waiting
// is not shown twice.

/** How long a toast stays (ms) when not hovered or focused. */
export const TOAST_MS = 8000;

// Theming: set these custom properties on the page (on :root, body or moments-prompt); they
// inherit into the shadow root: --moments-accent (buttons, links, focus rings; default #0f766e),
// --moments-on-accent (text on the accent; #fff), --moments-bg (panel background; #fff),
// --moments-fg (panel text; #1f2937), --moments-radius (corners; 14px), --moments-font (font
// family; the system UI font). Under 600 px wide the modal becomes a bottom sheet.
export const CSS = ":host{all:initial}" +
  ".p{--a:var(--moments-accent,#0f766e);--bg:var(--moments-bg,#fff);--r:var(--moments-radius,14px);" +
  "position:fixed;z-index:2147483647;box-sizing:border-box;max-height:calc(100vh - 32px);overflow:auto;" +
  "padding:20px 22px;background:var(--bg);color:var(--moments-fg,#1f2937);border-radius:var(--r);" +
  "box-shadow:0 16px 48px rgba(0,0,0,.28);text-align:left;" +
  "font:15px/1.5 var(--moments-font,system-ui,-apple-system,'Segoe UI',Roboto,sans-serif);animation:f .2s ease-out}" +
  ".p *{box-sizing:border-box}.p:focus,.q:focus{outline:none}" +
  ".bd{position:fixed;inset:0;z-index:2147483646;background:rgba(17,24,39,.5);animation:f .2s}" +
  ".modal{left:50%;top:50%;width:min(440px,calc(100vw - 32px));transform:translate(-50%,-50%)}" +
  ".banner{left:0;right:0;bottom:0;max-height:50vh;border-radius:0;display:flex;flex-wrap:wrap;align-items:center;" +
  "gap:8px 24px;padding:14px 56px 14px 20px;animation-name:u}" +
  ".banner .t{flex:1 1 260px}.banner h2,.banner p{margin:0}" +
  ".banner .im{width:56px;height:56px;margin:0;border-radius:8px}" +
  ".toast{top:16px;left:50%;transform:translateX(-50%);width:min(380px,calc(100vw - 32px));padding:14px 48px 14px 18px}" +
  ".slide-in{right:16px;bottom:16px;width:min(360px,calc(100vw - 32px));animation-name:s}" +
  "h2{margin:0 28px 6px 0;font-size:1.15em;line-height:1.3;font-weight:700}" +
  "p{margin:0 0 14px}" +
  ".im{display:block;width:calc(100% + 44px);max-height:200px;margin:-20px -22px 14px;object-fit:cover;" +
  "border-radius:var(--r) var(--r) 0 0}" +
  ".x{position:absolute;top:8px;right:8px;width:34px;height:34px;padding:0;border:0;border-radius:50%;" +
  "background:var(--bg);color:inherit;font:24px/1 sans-serif;cursor:pointer;opacity:.8}" +
  ".x:hover{opacity:1;background:rgba(127,127,127,.18)}" +
  ".a,.bs{display:flex;flex-wrap:wrap;gap:8px;align-items:center}" +
  ".c,.b,.n{display:inline-flex;align-items:center;justify-content:center;min-height:42px;padding:8px 18px;" +
  "border:2px solid var(--a);border-radius:calc(var(--r)*.6);font:inherit;font-weight:600;text-decoration:none;" +
  "cursor:pointer;background:transparent;color:var(--a)}" +
  ".c,.b:hover{background:var(--a);color:var(--moments-on-accent,#fff)}" +
  ".n{padding:8px 10px;border-color:transparent;color:inherit;font-weight:500;text-decoration:underline}" +
  ".q{margin:10px 0 14px}.toast p{margin:0}" +
  ":focus-visible{outline:3px solid var(--a);outline-offset:2px}" +
  "@media(max-width:599px){.modal{left:0;right:0;top:auto;bottom:0;width:auto;max-height:85vh;transform:none;" +
  "border-radius:var(--r) var(--r) 0 0;animation-name:u}" +
  ".modal .im{border-radius:var(--r) var(--r) 0 0}}" +
  "@keyframes f{from{opacity:0}}@keyframes u{from{transform:translateY(100%)}}@keyframes s{from{transform:translateX(110%)}}" +
  "@media(prefers-reduced-motion:reduce){.p,.bd{animation:none}}";

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** `s` escaped for HTML text and attribute values. */
export const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** A link (`href` is a vetted URL) or, without one, a button: `<a class href data-a…>label</a>`. */
function control(cls, href, attrs, label) {
  return href != null
    ? `<a class="${cls}" href="${esc(href)}"${attrs}>${esc(label)}</a>`
    : `<button type="button" class="${cls}"${attrs}>${esc(label)}</button>`;
}

/** The prompt's markup (flow at node `node`, with a Back button when `back`). */
function markup(p, node, back) {
  const modal = p.layout === "modal";
  let s = modal ? '<div class="bd" data-a="x"></div>' : "";
  s += `<div class="p ${esc(p.layout)}" role="dialog" tabindex="-1" aria-labelledby="t"`;
  if (p.body) s += ' aria-describedby="d"';
  else if (p.flow) s += ' aria-describedby="q"';
  if (modal) s += ' aria-modal="true"';
  s += '><button type="button" class="x" data-a="x" aria-label="Close">&times;</button>';
  if (p.image != null) s += `<img class="im" alt="" src="${esc(p.image)}">`;
  s += `<div class="t"><h2 id="t">${esc(p.title)}</h2>`;
  if (p.body) s += `<p id="d">${esc(p.body)}</p>`;
  s += "</div>";
  if (p.flow) s += `<div class="f">${flowMarkup(p, node, back)}</div>`;
  const dismiss = p.dismiss != null ? p.dismiss : p.cta ? "No thanks" : null;
  if (p.cta || dismiss != null) {
    s += '<div class="a">';
    if (p.cta) s += control("c", p.cta.href, ' data-a="c"', p.cta.label);
    if (dismiss != null) s += `<button type="button" class="n" data-a="x">${esc(dismiss)}</button>`;
    s += "</div>";
  }
  return s + "</div>";
}

/** The flow node `node`: its text (focusable, `#q`) and its buttons. */
function flowMarkup(p, node, back) {
  const n = p.flow && p.flow.nodes[node];
  if (!n) return "";
  let s = `<p class="q" id="q" tabindex="-1">${esc(n.text)}</p><div class="bs">`;
  n.buttons.slice(0, 10).forEach((b, i) => {
    s += control("b", b.href, ` data-a="b" data-i="${i}"`, b.label);
  });
  if (back) s += '<button type="button" class="n" data-a="k">Back</button>';
  return s + "</div>";
}

/** The page's CSP nonce: that of the Moments `<script nonce>`, else of any script with one. */
function nonce() {
  const s = document.querySelector("script[nonce][src*=moments]") || document.querySelector("script[nonce]");
  return (s && s.nonce) || "";
}

let sheet = null; // the constructed stylesheet every prompt shares

/** Styles `root`: the shared constructed stylesheet, or a `<style nonce>` (older browsers). */
function style(root) {
  if (!sheet && "adoptedStyleSheets" in document) {
    try {
      const s = new CSSStyleSheet();
      s.replaceSync(CSS);
      sheet = s;
    } catch (e) {
      /* no constructable stylesheets: the <style> below */
    }
  }
  if (sheet) {
    root.adoptedStyleSheets = [sheet];
  } else {
    const el = document.createElement("style");
    const n = nonce();
    if (n) el.setAttribute("nonce", n);
    el.textContent = CSS;
    root.appendChild(el);
  }
}

/**
 * The prompts of one SDK. `report(what, rule, node, button)` tells the wasm what happened:
 * "s" shown, "x" closed by the shopper, "z" closed otherwise, "c" call to action, "b" flow button
 * `button` of node `node`. `html(markup)` makes the markup prompt.js built (every value escaped)
 * what the page's Trusted Types policy accepts. Returns `{show(prompt), closeAll()}`.
 */
export function createPrompts(report, html = (s) => s) {
  const open = []; // {rule, p, host, root, node, trail, prev, off, timer, hover, focus}
  const queue = []; // waiting prompts, highest priority first, then first come
  let out = null; // during a step: {ev: reports, focus: element to focus}

  // Runs `f`, then moves focus and reports, once the state is consistent (a report may come back
  // here: an `on()` handler that shows another prompt).
  const run = (f) => {
    if (out) return f();
    out = { ev: [], focus: null };
    let done;
    try {
      f();
    } finally {
      done = out;
      out = null;
    }
    if (done.focus) done.focus.focus();
    for (const e of done.ev) report(...e);
  };
  const find = (rule) => open.find((o) => o.rule === rule);
  const panel = (o) => o.root.querySelector(".p");

  function render(p) {
    const body = document.body;
    if (!body) return null;
    const host = document.createElement("moments-prompt");
    const root = host.attachShadow({ mode: "open" });
    const node = p.flow ? p.flow.start : 0;
    root.innerHTML = html(markup(p, node, false));
    style(root);
    body.appendChild(host);
    const o = { rule: p.rule, p, host, root, node, trail: [], prev: document.activeElement, timer: null, hover: false, focus: false };
    const modal = p.layout === "modal";
    const toast = p.layout === "toast";
    const f = (e) => run(() => onEvent(o, e));
    const on = [[root, "click"], [root, "keydown"]];
    if (modal) on.push([document, "focusin"]);
    if (toast) on.push([host, "mouseenter"], [host, "mouseleave"], [root, "focusin"], [root, "focusout"]);
    for (const [t, k] of on) t.addEventListener(k, f);
    o.off = () => {
      for (const [t, k] of on) t.removeEventListener(k, f);
    };
    if (modal) out.focus = panel(o);
    if (toast) arm(o);
    open.push(o);
    out.ev.push(["s", p.rule, 0, 0]);
    return o;
  }

  /** (Re)starts a toast's timer unless it is hovered or focused. */
  function arm(o) {
    clearTimeout(o.timer);
    o.timer = !o.hover && !o.focus ? setTimeout(() => run(() => close(o.rule, "z")), TOAST_MS) : null;
  }

  function flowTo(o, node) {
    o.node = node;
    const f = o.root.querySelector(".f");
    if (f) f.innerHTML = html(flowMarkup(o.p, node, o.trail.length > 0));
    out.focus = o.root.getElementById("q");
  }

  /** Closes `rule`'s prompt, reported as `how` ("x" closed by the shopper, "z" otherwise, null not
   * at all). Focus goes back where it was if it was inside; the next waiting prompt of that layout
   * opens. */
  function close(rule, how) {
    const o = find(rule);
    if (!o) return;
    open.splice(open.indexOf(o), 1);
    o.off();
    clearTimeout(o.timer);
    if (o.root.activeElement || o.p.layout === "modal") out.focus = o.prev && o.prev.isConnected ? o.prev : null;
    o.host.remove();
    if (how) out.ev.push([how, rule, 0, 0]);
    const q = queue.findIndex((w) => !open.some((x) => x.p.layout === w.layout));
    if (q >= 0) {
      const [p] = queue.splice(q, 1);
      const back = out.focus;
      out.focus = null;
      const n = render(p);
      if (n && out.focus) {
        // The next modal takes focus, and gives it back where the first one would have.
        if (back) n.prev = back;
      } else out.focus = back;
    }
  }

  function onEvent(o, e) {
    if (!open.includes(o)) return;
    const kind = e.type;
    if (kind === "click") {
      const b = e.target && e.target.closest ? e.target.closest("[data-a]") : null;
      const a = b && b.getAttribute("data-a");
      if (a === "x") close(o.rule, "x");
      else if (a === "c") {
        out.ev.push(["c", o.rule, 0, 0]);
        close(o.rule, "z");
      } else if (a === "k") {
        if (o.trail.length) flowTo(o, o.trail.pop());
      } else if (a === "b") press(o, +b.getAttribute("data-i"));
    } else if (kind === "keydown") {
      if (e.key === "Escape" || e.key === "Esc") {
        e.stopPropagation();
        close(o.rule, "x");
      } else if (e.key === "Tab" && o.p.layout === "modal") trap(o, e);
    } else if (kind === "focusin" && o.p.layout === "modal") {
      // Focus went outside the modal (a page script, the browser's UI): bring it back, after
      // this event (focusing here would re-enter this very listener).
      if (e.target !== o.host) {
        const p = panel(o);
        clearTimeout(o.timer);
        o.timer = setTimeout(() => p.focus(), 0);
      }
    } else if (kind === "mouseenter" || kind === "mouseleave") {
      o.hover = kind === "mouseenter";
      arm(o);
    } else if (kind === "focusin" || kind === "focusout") {
      o.focus = kind === "focusin";
      arm(o);
    }
  }

  /** Keeps Tab and Shift-Tab inside the modal, cycling. */
  function trap(o, e) {
    const list = o.root.querySelectorAll("a[href],button");
    if (!list.length) {
      e.preventDefault();
      return;
    }
    const first = list[0];
    const last = list[list.length - 1];
    const active = o.root.activeElement;
    const inside = !!active && active !== panel(o);
    const to = e.shiftKey ? (!inside || active === first ? last : null) : active === last ? first : null;
    if (to) {
      e.preventDefault();
      to.focus();
    }
  }

  /** A flow button: reports the answer, then goes to the next node, or closes (a link is
   * followed by the browser; `emit` and `do` are carried out by the wasm, which has them). */
  function press(o, k) {
    const n = o.p.flow && o.p.flow.nodes[o.node];
    const b = n && n.buttons[k];
    if (!b) return;
    out.ev.push(["b", o.rule, o.node, k]);
    if (b.next != null) {
      o.trail.push(o.node);
      flowTo(o, b.next);
    } else close(o.rule, "z");
  }

  return {
    /** Shows a prompt now, or queues it behind an open one of its layout; ignores it when its
     * rule's prompt is already open or waiting. */
    show(p) {
      run(() => {
        if (find(p.rule) || queue.some((w) => w.rule === p.rule)) return;
        if (open.some((o) => o.p.layout === p.layout)) {
          const at = queue.findIndex((w) => w.priority < p.priority);
          queue.splice(at < 0 ? queue.length : at, 0, p);
        } else render(p);
      });
    },
    /** Closes every prompt and forgets the waiting ones (not reported). */
    closeAll() {
      run(() => {
        queue.length = 0;
        while (open.length) close(open[open.length - 1].rule, null);
      });
    },
  };
}
