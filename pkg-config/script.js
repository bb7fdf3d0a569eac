// The script-tag entry: <script src="/moments/moments.js" data-bundle="/moments/bundle.json" async>.
// Defines window.Moments, replays calls queued before it loaded (window.Moments = [] + push), and
// loads the wasm from beside this file (so any path or CDN works). Loads once per page.
import { init, validate, evaluate } from "./api.js";

(function () {
  const w = window;
  const prev = w.Moments;
  if (prev && prev.__moments) return; // the tag appeared twice
  const script = document.currentScript ||
    [...document.querySelectorAll("script[src]")].find((s) => /moments(\.min)?\.js(\?|#|$)/.test(s.src));
  const src = (script && script.src) || location.href;
  const attr = (n) => (script ? script.getAttribute(n) : null);
  const params = new URLSearchParams(location.search);
  const queue = Array.isArray(prev) ? prev.slice() : [];
  let real = null;
  const method = (name) => (...args) => {
    if (real) return real[name](...args);
    queue.push([name, ...args]);
  };
  const api = { __moments: true, validate, evaluate };
  for (const m of ["track", "set", "consent", "on", "off", "context", "explain", "reset", "destroy", "fire", "debug"]) api[m] = method(m);
  api.push = (call) => Array.isArray(call) && call.length && method(call[0])(...call.slice(1));
  api.init = (options) => init(options);
  w.Moments = api;

  const bundle = attr("data-bundle");
  if (!bundle) {
    console.warn("[moments] no data-bundle on the script tag; call Moments.init({bundle}) yourself");
    return;
  }
  api.ready = init({
    bundle: new URL(bundle, location.href).href,
    consent: attr("data-consent") || undefined,
    debug: script ? script.hasAttribute("data-debug") || params.get("moments_debug") === "1" : false,
    storage: attr("data-storage") || undefined,
    wasmUrl: new URL("moments.wasm", src).href,
  }).then((m) => {
    real = m;
    for (const [name, ...args] of queue.splice(0)) {
      if (typeof real[name] === "function") real[name](...args);
    }
    return m;
  });
})();
