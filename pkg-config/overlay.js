// The Moments debug overlay (dist/script/moments-debug.js). Loaded only when asked for
// (`data-debug` on the script tag, `?moments_debug=1`, or `Moments.debug(true)`), so shoppers
// never download it. It uses nothing but the public `window.Moments` API (on, off, context,
// explain, fire, validate) and renders into a shadow root with a constructed stylesheet: page
// styles don't leak in or out, and it needs no inline script or style (CSP-safe).
(function () {
  const M = window.Moments;
  if (!M || M.__overlay) return;

  const QUICK = [["exit_intent", "Exit intent"], ["idle", "Idle"], ["cart_abandoned", "Cart abandoned"]];
  const KEEP = 8; // signals shown
  const CSS = `
:host { all: initial; }
.panel { position: fixed; right: 12px; bottom: 12px; z-index: 2147483646; width: 360px; max-height: min(72vh, 640px);
  display: flex; flex-direction: column; background: #11161d; color: #e6e8eb; border-radius: 12px; overflow: hidden;
  font: 12px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; box-shadow: 0 12px 40px rgba(0,0,0,.35);
  border: 1px solid #2a313b; }
.panel.min { width: auto; }
.panel.min .body { display: none; }
header { display: flex; align-items: center; gap: 8px; padding: 8px 10px; background: #1a2029; }
header b { font-size: 13px; flex: 1; white-space: nowrap; }
header b i { font-style: normal; color: #5eead4; }
header .sum { color: #9aa4b0; font-weight: 400; margin-left: 6px; }
button { font: inherit; color: inherit; background: #262e39; border: 1px solid #36404d; border-radius: 6px; padding: 3px 8px; cursor: pointer; }
button:hover { background: #323c49; }
button:focus-visible, input:focus-visible { outline: 2px solid #5eead4; outline-offset: 1px; }
header button { border: 0; background: none; font-size: 14px; line-height: 1; padding: 2px 6px; }
.body { overflow: auto; padding: 4px 0 8px; }
section { padding: 6px 12px; border-top: 1px solid #222a34; }
section:first-child { border-top: 0; }
h3 { margin: 0 0 4px; font-size: 10.5px; text-transform: uppercase; letter-spacing: .07em; color: #8b95a1; font-weight: 700; }
.grid { display: grid; grid-template-columns: 64px 1fr; gap: 3px 8px; align-items: center; }
.k { color: #8b95a1; }
.moment { font-weight: 800; letter-spacing: .04em; text-transform: uppercase; margin-right: 8px; }
.scores { display: inline-flex; gap: 6px; vertical-align: middle; }
.score { display: inline-flex; flex-direction: column; align-items: center; font-size: 9.5px; color: #9aa4b0; }
.bar { width: 36px; height: 5px; background: #2a313b; border-radius: 3px; overflow: hidden; display: block; margin-bottom: 2px; }
.bar i { display: block; height: 100%; background: #5eead4; }
.score.on { color: #fff; font-weight: 700; }
.risk .bar { width: 120px; display: inline-block; margin: 0 6px 0 0; vertical-align: middle; }
.risk .bar i { background: #f59e0b; }
.risk.hot .bar i { background: #ef4444; }
.fire { display: flex; gap: 6px; flex-wrap: wrap; }
.fire input { font: inherit; flex: 1; min-width: 90px; background: #0b0f14; color: inherit; border: 1px solid #36404d; border-radius: 6px; padding: 3px 6px; }
ul { list-style: none; margin: 0; padding: 0; }
.rule { display: grid; grid-template-columns: 14px 1fr; gap: 0 6px; padding: 3px 0; }
.rule + .rule { border-top: 1px dashed #222a34; }
.rule .mark { color: #6b7480; font-weight: 800; }
.rule.fired .mark { color: #4ade80; }
.rule.holdout .mark { color: #a5b4fc; }
.rule code { font: 600 11.5px ui-monospace, Menlo, Consolas, monospace; color: #fff; }
.rule .why { grid-column: 2; color: #9aa4b0; word-break: break-word; }
.rule.fired .why { color: #86efac; }
.rule.quiet { opacity: .55; }
.rule .count { margin-left: 6px; font-size: 10.5px; color: #4ade80; }
.sig { display: flex; gap: 6px; padding: 1px 0; align-items: baseline; }
.sig time { color: #6b7480; font: 10.5px ui-monospace, Menlo, monospace; flex: none; width: 52px; }
.sig code { font: 11.5px ui-monospace, Menlo, Consolas, monospace; color: #c7d2fe; }
.sig .dec { color: #4ade80; font-weight: 600; }
.err { color: #fca5a5; }
.empty { color: #6b7480; }
`;

  const h = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };
  const call = (name, ...args) => {
    try {
      return typeof M[name] === "function" ? M[name](...args) : undefined;
    } catch (e) {
      return undefined;
    }
  };
  const get = (o, path) => path.split(".").reduce((v, k) => (v == null ? undefined : v[k]), o);
  const num = (v) => (typeof v === "number" && isFinite(v) ? String(Math.round(v * 100) / 100) : "–");
  const bar = (v) => {
    const b = h("span", "bar");
    const i = h("i");
    i.style.width = Math.round(Math.max(0, Math.min(1, Number(v) || 0)) * 100) + "%";
    b.append(i);
    return b;
  };

  // The shadow root and the parts that stay (header, fire buttons); the rest is redrawn.
  const host = h("div");
  host.id = "moments-debug";
  const root = host.attachShadow({ mode: "open" });
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    root.append(h("style", null, CSS)); // browsers without constructed stylesheets
  }
  const panel = h("div", "panel");
  panel.setAttribute("role", "region");
  panel.setAttribute("aria-label", "Moments debug overlay");
  const head = h("header");
  const title = h("b");
  title.append(h("i", null, "◆ "), "Moments debug");
  const sum = h("span", "sum");
  title.append(sum);
  const minBtn = h("button", null, "–");
  minBtn.title = "Minimise";
  minBtn.setAttribute("aria-expanded", "true");
  const closeBtn = h("button", null, "×");
  closeBtn.title = "Close (Moments.debug(false))";
  closeBtn.setAttribute("aria-label", "Close the debug overlay");
  head.append(title, minBtn, closeBtn);
  const body = h("div", "body");
  const state = h("section");
  const fire = h("section");
  const rules = h("section");
  const signals = h("section");
  body.append(state, fire, signals, rules);
  panel.append(head, body);
  root.append(panel);

  fire.append(h("h3", null, "Fire a signal (QA)"));
  const row = h("div", "fire");
  for (const [name, label] of QUICK) {
    const b = h("button", null, label);
    b.dataset.signal = name;
    b.addEventListener("click", () => call("fire", name));
    row.append(b);
  }
  const input = h("input");
  input.placeholder = "any signal…";
  input.setAttribute("aria-label", "Signal name to fire");
  const go = h("button", null, "Fire");
  const fireTyped = () => {
    const v = input.value.trim();
    if (v) call("fire", v);
  };
  go.addEventListener("click", fireTyped);
  input.addEventListener("keydown", (e) => e.key === "Enter" && fireTyped());
  row.append(input, go);
  fire.append(row);

  minBtn.addEventListener("click", () => {
    const min = panel.classList.toggle("min");
    minBtn.textContent = min ? "+" : "–";
    minBtn.setAttribute("aria-expanded", String(!min));
  });
  closeBtn.addEventListener("click", () => (typeof M.debug === "function" ? M.debug(false) : hide()));

  // What happened: the signals (with the decisions they caused) since the overlay opened, and
  // before that what the SDK had pushed to dataLayer.
  const log = [];
  const onSignal = (d) => {
    log.push({ t: new Date(), name: (d && d.name) || "?", decisions: [] });
    if (log.length > KEEP) log.shift();
    soon();
  };
  const fired = new Map(); // rule id -> decisions on this page
  const onDecision = (d) => {
    if (!d || !d.rule) return;
    const s = [...log].reverse().find((x) => x.name === d.signal) || log[log.length - 1];
    if (s) s.decisions.push((d.variant === "holdout" ? "◐ " : "→ ") + d.rule);
    fired.set(d.rule, (fired.get(d.rule) || 0) + 1);
    soon();
  };
  const errors = [];
  const onError = (d) => {
    errors.push((d && d.message) || "error");
    soon();
  };

  // A bundle the SDK refused has no rules to explain: check it again to say why.
  let refusal = null;
  const checkBundle = () => {
    const tag = document.querySelector("script[data-bundle]");
    if (refusal || !tag || typeof M.validate !== "function") return;
    refusal = [];
    // Resolved as the loader resolves it: against the document's base URL (a <base href> counts).
    fetch(new URL(tag.getAttribute("data-bundle"), document.baseURI).href, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error("HTTP " + r.status))))
      .then((text) => {
        const res = M.validate(text);
        refusal = (res.errors || []).filter((p) => p.severity !== "warning").map((p) => (p.path ? p.path + ": " : "") + p.message);
      })
      .catch((e) => (refusal = ["the bundle could not be loaded: " + e.message]))
      .then(soon);
  };

  function render() {
    const ctx = call("context") || {};
    const ex = call("explain") || {};
    const list = Array.isArray(ex.rules) ? ex.rules : [];
    const firing = list.filter((r) => r.fired || fired.has(r.id)).length;
    const moment = get(ctx, "moment");
    sum.textContent = `${moment && moment !== "none" ? moment.toUpperCase() + " · " : ""}${firing}/${list.length} rules fired`;

    const g = h("div", "grid");
    const m = h("span");
    m.append(h("span", "moment", moment || "–"));
    const scores = h("span", "scores");
    for (const k of ["know", "go", "do", "buy"]) {
      const s = h("span", "score" + (moment === k ? " on" : ""));
      s.title = `${k}: ${num(get(ctx, "momentScores." + k))}`;
      s.append(bar(get(ctx, "momentScores." + k)), k);
      scores.append(s);
    }
    m.append(scores);
    const risk = get(ctx, "abandonment.risk");
    const r = h("span", "risk" + (risk >= 0.6 ? " hot" : ""));
    r.append(bar(risk), num(risk));
    const items = get(ctx, "cart.items");
    const value = get(ctx, "cart.value");
    const cart = items == null ? "–" : `${items} item${items === 1 ? "" : "s"}${value ? ` · ${num(value)} ${get(ctx, "cart.currency") || ""}` : ""}`;
    const page = [get(ctx, "page.type"), get(ctx, "journey.stage")].filter(Boolean).join(" · ") || "–";
    for (const [k, v] of [["moment", m], ["risk", r], ["cart", cart], ["channel", get(ctx, "channel") || "–"], ["page", page], ["idle", num(get(ctx, "idle.seconds")) + " s"]]) {
      g.append(h("span", "k", k), typeof v === "string" ? h("span", null, v) : v);
    }
    state.replaceChildren(h("h3", null, "Shopper"), g);

    // Fired first, then the rules that were considered and failed (the clause says why), then the
    // rules the last signal did not concern.
    const quiet = (r) => !r.fired && /^not (triggered|evaluated)/.test(r.reason || "");
    const rank = (r) => (r.fired || fired.has(r.id) ? 0 : quiet(r) ? 2 : 1);
    const ul = h("ul");
    for (const rule of list.map((r, i) => [r, i]).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([r]) => r)) {
      const li = h("li", "rule" + (rule.fired ? (rule.variant === "holdout" ? " holdout" : " fired") : quiet(rule) ? " quiet" : ""));
      li.dataset.rule = rule.id;
      const id = h("code", null, rule.id);
      const n = fired.get(rule.id);
      const name = h("span");
      name.append(id);
      if (n) name.append(h("span", "count", `fired ×${n} on this page`));
      li.append(h("span", "mark", rule.fired ? (rule.variant === "holdout" ? "◐" : "✓") : n ? "•" : "✗"), name, h("span", "why", rule.reason || ""));
      ul.append(li);
    }
    if (!list.length) {
      checkBundle();
      ul.append(h("li", "empty", "No rules: Moments is not running on this page."));
      for (const e of refusal || []) ul.append(h("li", "err", e));
    }
    rules.replaceChildren(h("h3", null, `Rules (${list.length}) — why, at the last signal`), ul);

    const sl = h("ul");
    for (const s of [...log].reverse()) {
      const li = h("li", "sig");
      li.append(h("time", null, s.t ? s.t.toTimeString().slice(0, 8) : "earlier"), h("code", null, s.name));
      if (s.decisions.length) li.append(h("span", "dec", s.decisions.join(" ")));
      sl.append(li);
    }
    if (!log.length) sl.append(h("li", "empty", "No signal yet."));
    for (const e of errors.slice(-3)) sl.append(h("li", "err", e));
    signals.replaceChildren(h("h3", null, "Last signals"), sl);
  }

  let queued = false;
  function soon() {
    if (queued || !host.isConnected) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      try {
        render();
      } catch (e) {
        /* never break the page */
      }
    });
  }

  let timer = 0;
  function show() {
    if (host.isConnected) return;
    (document.body || document.documentElement).append(host);
    call("on", "signal", onSignal);
    call("on", "decision", onDecision);
    call("on", "error", onError);
    timer = setInterval(soon, 1000);
    soon();
  }
  function hide() {
    call("off", "signal", onSignal);
    call("off", "decision", onDecision);
    call("off", "error", onError);
    clearInterval(timer);
    host.remove();
  }

  // Before the overlay arrived: what the SDK had pushed to dataLayer (times unknown).
  for (const e of Array.isArray(window.dataLayer) ? window.dataLayer : []) {
    if (e && e.event === "moments_signal") {
      onSignal(e);
      log[log.length - 1].t = null;
    } else if (e && e.event === "moments_decision") onDecision(e);
  }

  M.__overlay = { show, hide };
  Promise.resolve(M.ready).then(() => M.__debugWanted !== false && show());
})();
