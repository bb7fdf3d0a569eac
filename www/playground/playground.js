// The Moments playground: write a bundle, see it checked by the real engine as you type, replay a
// shopper's journey on the demo shop, and watch the edited bundle run in a live preview.
import { load, validate } from "/npm/index.js";
import { parseLines, errorLine } from "./jsonmap.js";
import { Editor } from "./editor.js";
import { Preview } from "./preview.js";
import { parseJourney, runJourney, describe, STEP_HELP } from "./journey.js";
import { EXAMPLES, JOURNEYS, PAGES } from "./examples.js";

const $ = (s) => document.querySelector(s);
const el = (tag, props = {}, ...kids) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids.flat().filter((k) => k != null && k !== false));
  return e;
};
const SAVED = "moments-playground:bundle";
const SAVED_JOURNEY = "moments-playground:journey";
const store = {
  get: (k) => {
    try {
      return localStorage.getItem(k);
    } catch (e) {
      return null;
    }
  },
  set: (k, v) => {
    try {
      localStorage.setItem(k, v);
    } catch (e) {
      /* private mode: nothing kept */
    }
  },
};
/** JSON with two-space indents that keeps short objects and arrays on one line, as bundles are written by hand. */
const inline = (v) =>
  Array.isArray(v) ? `[${v.map(inline).join(", ")}]`
  : v && typeof v === "object" ? (Object.keys(v).length ? `{ ${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`).join(", ")} }` : "{}")
  : JSON.stringify(v);
function layout(v, indent, lead) {
  const one = inline(v);
  if (!v || typeof v !== "object" || indent.length + lead + one.length <= 80) return one;
  const inner = indent + "  ";
  const parts = Array.isArray(v)
    ? v.map((x) => inner + layout(x, inner, 0))
    : Object.entries(v).map(([k, x]) => `${inner}${JSON.stringify(k)}: ${layout(x, inner, JSON.stringify(k).length + 2)}`);
  return Array.isArray(v) ? `[\n${parts.join(",\n")}\n${indent}]` : `{\n${parts.join(",\n")}\n${indent}}`;
}
const pretty = (o) => layout(o, "", 0) + "\n";
const journeyText = (steps) => steps.map((s) => JSON.stringify(s).replace(/":/g, '": ').replace(/,"/g, ', "')).join("\n") + "\n";

let bundle = null; // the last valid bundle object
const examples = EXAMPLES.slice();
const editor = new Editor($("#editor"), () => schedule());
const preview = new Preview($("#preview"), (text, kind) => {
  const s = $("#preview-status");
  s.textContent = text;
  s.dataset.kind = kind;
});

/* ---------- validation ---------- */

let timer = 0;
let applyTimer = 0;
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(check, 120);
}

function check() {
  const text = editor.value;
  store.set(SAVED, text);
  const tree = parseLines(text);
  const res = validate(text);
  const problems = (res.errors || []).map((p) => ({ ...p, ...errorLine(tree, p) }));
  problems.sort((a, b) => (a.severity === "error" ? 0 : 1) - (b.severity === "error" ? 0 : 1) || a.line - b.line);
  editor.mark(problems.map((p) => ({ line: p.line, kind: p.severity === "error" ? "error" : "warning", title: `${p.path ? p.path + ": " : ""}${p.message}` })));
  renderProblems(problems, res.ok);
  let parsed = null;
  if (res.ok) {
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      /* the engine accepted it, so it is JSON */
    }
  }
  bundle = parsed;
  const errors = problems.filter((p) => p.severity === "error").length;
  const status = $("#status");
  status.dataset.kind = res.ok ? "ok" : "error";
  status.textContent = res.ok
    ? `✓ Valid · ${(parsed && parsed.rules && parsed.rules.length) || 0} rules`
    : `✗ ${errors} ${errors === 1 ? "error" : "errors"}`;
  $("#file-name").textContent = parsed && parsed.id ? `${parsed.id}.json` : "";
  $("#run").disabled = !res.ok || running;
  $("#run-hint").hidden = res.ok;
  clearTimeout(applyTimer);
  applyTimer = setTimeout(() => {
    if (!running) preview.setBundle(bundle);
  }, res.ok ? 400 : 0);
  document.documentElement.dataset.ready = "1";
}

function renderProblems(problems, ok) {
  const box = $("#problems");
  const errors = problems.filter((p) => p.severity === "error");
  const warnings = problems.length - errors.length;
  const head = el("div", { className: "problems-head" },
    el("h2", { textContent: "Problems" }),
    el("span", { className: "count " + (errors.length ? "error" : ok ? "ok" : ""), textContent: ok ? (warnings ? `valid · ${warnings} ${warnings === 1 ? "warning" : "warnings"}` : "valid — no problems") : `${errors.length} ${errors.length === 1 ? "error" : "errors"}${warnings ? ` · ${warnings} ${warnings === 1 ? "warning" : "warnings"}` : ""}` }));
  const list = el("ul", { className: "problem-list" });
  for (const p of problems) {
    const li = el("li", { className: "problem " + p.severity },
      el("span", { className: "icon", textContent: p.severity === "error" ? "✗" : "!", ariaHidden: "true" }),
      el("span", { className: "body" },
        p.path ? el("code", { className: "path", textContent: p.path }) : null,
        el("span", { className: "msg", textContent: p.message })),
      el("button", { type: "button", className: "line-link", textContent: `line ${p.line}${p.exact ? "" : "?"}`, title: p.exact ? "Show in the editor" : "The path is not in the text; the nearest part of it is here", onclick: () => editor.jump(p.line) }));
    li.dataset.path = p.path || "";
    li.dataset.line = p.line;
    list.append(li);
  }
  box.replaceChildren(head, problems.length ? list : el("p", { className: "empty", textContent: "The engine accepts this bundle. Replay a journey or try it in the preview →" }));
}

/* ---------- toolbar ---------- */

function fillExamples() {
  const sel = $("#example");
  const opts = [el("option", { value: "", textContent: "Start from…", disabled: true, selected: true })];
  const group = el("optgroup", { label: "Examples" });
  examples.forEach((x, i) => group.append(el("option", { value: "x" + i, textContent: x.title })));
  opts.push(group, el("optgroup", { label: "The demo shop" }, el("option", { value: "default", textContent: "Its live bundle (default.json)" })));
  sel.replaceChildren(...opts);
}

async function chooseExample(value) {
  let text;
  let journey = null;
  if (value === "default") {
    text = await fetch("/bundles/default.json").then((r) => r.text());
  } else {
    const x = examples[Number(value.slice(1))];
    if (!x) return;
    text = x.text || pretty(x.bundle);
    journey = JOURNEYS.find((j) => j.id === x.journey);
  }
  editor.value = text;
  check();
  if (journey) {
    $("#journey").value = journey.id;
    setJourney(journey);
    const first = journey.steps[0];
    if (first && first.type === "page") {
      showPage(first.path);
      preview.navigate(first.path);
    }
  }
  $("#example").value = "";
}

/** Takes the maintained copies of the examples from www/bundles/examples/ where they exist. */
async function exampleFiles() {
  await Promise.all(examples.map(async (x) => {
    try {
      const res = await fetch(`/bundles/examples/${x.id}.json`);
      if (res.ok) x.text = await res.text();
    } catch (e) {
      /* keep the embedded copy */
    }
  }));
}

async function copy() {
  const text = editor.value;
  const done = (msg) => {
    const b = $("#copy");
    b.textContent = msg;
    setTimeout(() => (b.textContent = "Copy bundle"), 1400);
  };
  try {
    await navigator.clipboard.writeText(text);
    done("Copied ✓");
  } catch (e) {
    editor.ta.select();
    done(document.execCommand("copy") ? "Copied ✓" : "Press Ctrl+C");
  }
}

function download() {
  let id = "bundle";
  try {
    id = JSON.parse(editor.value).id || id;
  } catch (e) {
    /* keep "bundle" */
  }
  const a = el("a", { href: URL.createObjectURL(new Blob([editor.value], { type: "application/json" })), download: `${String(id).replace(/[^\w.-]+/g, "-")}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function format() {
  try {
    editor.value = pretty(JSON.parse(editor.value));
    check();
  } catch (e) {
    editor.jump((problemsLine() || 1));
  }
}
const problemsLine = () => Number(($("#problems li.error") || { dataset: {} }).dataset.line) || 0;

/* ---------- journeys ---------- */

let running = false;

function setJourney(j) {
  $("#journey-text").value = journeyText(j.steps);
  store.set(SAVED_JOURNEY, $("#journey-text").value);
}

const num = (v, d = 2) => (typeof v === "number" && isFinite(v) ? v.toFixed(d).replace(/\.?0+$/, "") || "0" : "–");

function meter(value, cls) {
  const m = el("span", { className: "meter " + (cls || "") });
  const fill = el("i");
  fill.style.width = `${Math.round(Math.max(0, Math.min(1, Number(value) || 0)) * 100)}%`;
  m.append(fill);
  return m;
}

function stateCell(c) {
  const scores = c.scores && typeof c.scores === "object" ? c.scores : null;
  const bars = el("span", { className: "scores", title: scores ? Object.entries(scores).map(([k, v]) => `${k} ${num(v)}`).join(" · ") : "momentScores not reported" });
  for (const k of ["know", "go", "do", "buy"]) {
    const b = el("span", { className: "score " + k + (c.moment === k ? " on" : "") });
    const fill = el("i");
    fill.style.height = `${Math.round(Math.max(0, Math.min(1, Number(scores && scores[k]) || 0)) * 100)}%`;
    b.append(fill, el("b", { textContent: k }));
    bars.append(b);
  }
  const risk = typeof c.risk === "number";
  const cart = c.cartItems != null ? `${c.cartItems} · ${c.cartValue != null ? (c.currency === "USD" || !c.currency ? "$" : c.currency + " ") + num(c.cartValue) : "–"}` : "–";
  const facts = el("div", { className: "facts" },
    el("span", { className: "k", textContent: "risk" }), meter(c.risk, risk && c.risk >= 0.6 ? "hot" : ""), el("b", { textContent: num(c.risk) }),
    el("span", { className: "k", textContent: "cart" }), el("b", { textContent: cart }));
  return el("div", { className: "state" },
    el("div", { className: "moment-cell" }, el("span", { className: "moment-name " + (c.moment || "none"), textContent: c.moment || "–" }), bars,
      c.channel ? el("span", { className: "channel", textContent: c.channel, title: "channel" }) : null),
    facts);
}

function renderRow(row) {
  const [kind, detail] = describe(row.step);
  const decisions = row.decisions.map((d) => {
    const chip = el("span", { className: "chip decision " + (d.variant || "shown"), textContent: `${d.variant === "holdout" ? "◐" : "✓"} ${d.rule}`, title: `${d.rule}: ${d.variant || "shown"} on ${d.signal || "?"}` });
    chip.dataset.rule = d.rule;
    chip.dataset.variant = d.variant || "";
    return chip;
  });
  const li = el("li", { className: "row" + (row.decisions.length ? " fired" : "") },
    el("span", { className: "n", textContent: row.index + 1 }),
    el("div", { className: "what" },
      el("div", { className: "step" }, el("b", { textContent: kind }), " ", el("span", { textContent: detail || "" })),
      el("div", { className: "signals" }, row.signals.length ? row.signals.map((s) => el("span", { className: "chip signal", textContent: s })) : el("span", { className: "none", textContent: "no signal" })),
      decisions.length ? el("div", { className: "decisions" }, decisions) : null,
      row.errors.length ? el("div", { className: "row-errors", textContent: row.errors.join(" · ") }) : null),
    stateCell(row.ctx));
  li.dataset.step = row.index + 1;
  $("#timeline-list").append(li);
  li.scrollIntoView({ block: "nearest" });
}

function renderSummary({ rows, explain }) {
  const fired = new Map();
  rows.forEach((r) => r.decisions.forEach((d) => fired.set(d.rule, (fired.get(d.rule) || []).concat(r.index + 1))));
  const rules = (explain && Array.isArray(explain.rules) ? explain.rules : []).filter((r) => !fired.has(r.id));
  const box = el("div", { className: "summary" },
    el("p", {}, el("b", { textContent: fired.size ? `${fired.size} ${fired.size === 1 ? "rule" : "rules"} fired: ` : "No rule fired on this journey." }),
      [...fired].map(([id, at]) => el("span", { className: "chip decision shown", textContent: `${id} · step ${at.join(", ")}` }))),
    rules.length ? el("ul", { className: "why-not" }, rules.map((r) => el("li", {}, el("code", { textContent: r.id }), " ", el("span", { textContent: r.reason || "did not fire" })))) : null);
  $("#timeline-list").after(box);
}

async function run() {
  const { steps, errors } = parseJourney($("#journey-text").value);
  const status = $("#run-status");
  if (errors.length) {
    status.textContent = `Journey line ${errors[0].line}: ${errors[0].message}`;
    status.dataset.kind = "error";
    return;
  }
  if (!bundle || !steps.length) return;
  running = true;
  $("#run").disabled = true;
  document.documentElement.dataset.run = "running";
  status.dataset.kind = "busy";
  status.textContent = `Playing ${steps.length} steps as a new shopper…`;
  const tl = $("#timeline");
  tl.replaceChildren(el("ol", { id: "timeline-list", className: "timeline-list" }));
  try {
    clearTimeout(applyTimer);
    await preview.setBundle(bundle);
    const result = await runJourney(preview, steps, renderRow);
    renderSummary(result);
    const n = result.rows.reduce((s, r) => s + r.decisions.length, 0);
    status.textContent = `Done: ${result.rows.length} steps, ${n} ${n === 1 ? "decision" : "decisions"}.`;
    status.dataset.kind = "ok";
  } catch (e) {
    status.textContent = "The journey stopped: " + ((e && e.message) || e);
    status.dataset.kind = "error";
  } finally {
    running = false;
    $("#run").disabled = !bundle;
    if (preview.bundle !== bundle) preview.setBundle(bundle); // edited while the journey played
    document.documentElement.dataset.run = "done";
    showPage(preview.path());
  }
}

/** Shows `path` in the page picker (an extra entry when it is not one of the listed pages). */
function showPage(path) {
  const sel = $("#page");
  const other = sel.options[0];
  const listed = PAGES.some(([p]) => p === path);
  other.hidden = listed;
  other.textContent = path || "(page)";
  sel.value = listed ? path : "";
}

/* ---------- start ---------- */

function start() {
  fillExamples();
  // The preview shows the shop at desktop width, scaled to fit.
  const box = $(".frame-box");
  new ResizeObserver(() => box.style.setProperty("--scale", String(Math.min(1, box.clientWidth / 1180)))).observe(box);
  $("#example").addEventListener("change", (e) => e.target.value && chooseExample(e.target.value));
  $("#copy").addEventListener("click", copy);
  $("#download").addEventListener("click", download);
  $("#format").addEventListener("click", format);
  const page = $("#page");
  page.replaceChildren(el("option", { value: "", textContent: "(page)", hidden: true }), ...PAGES.map(([p, t]) => el("option", { value: p, textContent: t })));
  page.addEventListener("change", () => page.value && preview.navigate(page.value));
  $("#preview").addEventListener("load", () => showPage(preview.path()));
  $("#reload").addEventListener("click", () => preview.reload());
  $("#new-shopper").addEventListener("click", () => {
    preview.resetShopper();
    preview.reload();
  });
  $("#overlay").addEventListener("change", (e) => preview.setOverlay(e.target.checked));
  const jsel = $("#journey");
  jsel.replaceChildren(...JOURNEYS.map((j) => el("option", { value: j.id, textContent: j.title })));
  jsel.addEventListener("change", () => setJourney(JOURNEYS.find((j) => j.id === jsel.value)));
  $("#journey-text").addEventListener("input", (e) => store.set(SAVED_JOURNEY, e.target.value));
  $("#run").addEventListener("click", run);
  $("#step-help-list").replaceChildren(...STEP_HELP.map(([code, text]) => el("li", {}, el("code", { textContent: code }), " ", el("span", { textContent: text }))));

  const saved = store.get(SAVED);
  editor.value = saved && saved.trim() ? saved : examples[0].text || pretty(examples[0].bundle);
  const savedJourney = store.get(SAVED_JOURNEY);
  if (savedJourney && savedJourney.trim()) {
    $("#journey-text").value = savedJourney;
    jsel.value = "";
  } else {
    setJourney(JOURNEYS[0]);
  }
  check();
  const first = parseJourney($("#journey-text").value).steps[0];
  preview.navigate(first && first.type === "page" ? first.path : "/index.html");
}

Promise.all([load(), exampleFiles()]).then(start, (e) => {
  $("#status").textContent = "The engine did not load: " + ((e && e.message) || e);
  $("#status").dataset.kind = "error";
});
