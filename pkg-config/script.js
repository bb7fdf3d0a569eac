// The script-tag entry, built into dist/script/moments.js (one classic script, no eval, no inline
// code, so it runs under a strict Content-Security-Policy):
//
//   <script src="/moments/moments.js" data-bundle="/moments/bundle.json" async></script>
//
// - Defines `window.Moments`: the same API as the npm module, usable at once.
// - Replays calls queued before it loaded, in order:
//     window.Moments = window.Moments || []; Moments.push(["track", "add_to_cart", {value: 25}]);
//   `on`/`off` entries are attached before the SDK starts, so they see `ready`, `error` and the first
//   decisions; `set`, `consent` and `reset` take effect before the first page view's decisions;
//   every other call runs, in the order given, once the SDK is ready.
//   `Moments.push(function (m) { ... })` runs the function with the API when it is ready.
// - Loads `moments.wasm` from beside this file (resolved from the script's own URL, so any path or
//   CDN works), with streaming compilation where the server sends `application/wasm`.
// - Attributes: data-bundle (URL, relative to the page), data-consent (granted | pending),
//   data-debug (present = console logs and the debug overlay, moments-debug.js from beside this
//   file; also `?moments_debug=1` or `Moments.debug(true)`), data-storage (local | session | memory).
//   Styles go in constructed stylesheets (allowed by a CSP without 'unsafe-inline'); where a
//   browser lacks them, a <style> carries the nonce of this tag (the SDK reads script[nonce]).
// - Loads once per page, however many times the tag appears. Never throws into the page.
import { create, validate, evaluate, say } from "./api.js";
import { trustedScriptURL } from "./trusted.js";
import { emptyContext } from "./empty-context.js";

/** Calls that change the SDK's state rather than report an event: applied before the first page view. */
const STATE = ["set", "consent", "reset"];

(function () {
  const w = window;
  const prev = w.Moments;
  if (prev && prev.__moments) return; // the tag appeared twice (or the SDK is already here)
  try {
    boot(w, prev);
  } catch (e) {
    say("error", "[moments] could not start:", e);
  }
})();

function boot(w, prev) {
  const doc = document;
  const script = doc.currentScript ||
    [...doc.querySelectorAll("script[src]")].find((s) => /(^|\/)moments(\.min)?\.js([?#]|$)/.test(s.src));
  const src = (script && script.src) || doc.baseURI;
  const attr = (n) => (script ? script.getAttribute(n) : null);
  const debugParam = /[?&]moments_debug=1(&|$)/.test(location.search);
  const unhide = prehide(doc, attr("data-prehide"), attr("data-storage"));

  // Calls made before the SDK is ready: the pre-load queue first, then calls on the stub.
  const queue = Array.isArray(prev) ? prev.filter((c) => typeof c === "function" || (Array.isArray(c) && typeof c[0] === "string")) : [];
  let sdk = null; // the API object of api.js, once started
  let ready = false;
  let draining = false;

  const invoke = (call) => {
    if (typeof call === "function") return call(api);
    const [name, ...args] = call;
    const f = sdk && sdk[name];
    return typeof f === "function" ? f(...args) : undefined;
  };
  const drain = () => {
    if (draining) return;
    draining = true;
    try {
      while (queue.length) {
        try {
          invoke(queue.shift());
        } catch (e) {
          /* a queued callback threw: the page's bug, not a reason to stop */
        }
      }
    } finally {
      draining = false;
    }
  };
  const call = (name) => (...args) => {
    try {
      // Handlers attach at once (so they see `ready`); reads answer from what is there now.
      if (sdk && (name === "on" || name === "off")) return sdk[name](...args);
      if (name === "context" || name === "explain") {
        if (sdk && ready) return sdk[name](...args);
        return name === "context" ? emptyContext() : { rules: [], sensing: {} };
      }
      // State (set, consent, reset) goes to the SDK as soon as it is starting: it takes effect
      // before the first page view's decisions. Everything else keeps its place in line behind
      // the queued calls.
      if (sdk && ((ready && !queue.length) || STATE.includes(name))) return sdk[name](...args);
      queue.push([name, ...args]);
    } catch (e) {
      /* never throw into the page */
    }
    return undefined;
  };

  const start = (options) => {
    if (sdk) return api.ready;
    const o = Object.assign({ wasmUrl: new URL("moments.wasm", src).href, loadPrompts }, options);
    sdk = create(o);
    // Handlers first, in the order given, so they see `ready`, `error` and the first decisions;
    // then the state calls, which the SDK applies before the first page view.
    for (let i = 0; i < queue.length; ) {
      const c = queue[i];
      if (Array.isArray(c) && (c[0] === "on" || c[0] === "off" || STATE.includes(c[0]))) {
        queue.splice(i, 1);
        try {
          invoke(c);
        } catch (e) {
          /* ignore */
        }
      } else i++;
    }
    sdk.ready.then(unhide, unhide);
    api.ready = sdk.ready.then(() => {
      ready = true;
      drain();
      return api;
    });
    return api.ready;
  };

  const api = {
    push(...calls) {
      for (const c of calls) {
        if (typeof c === "function") {
          if (ready && !queue.length) {
            try {
              c(api);
            } catch (e) {
              /* the page's bug */
            }
          } else queue.push(c);
        } else if (Array.isArray(c) && typeof c[0] === "string" && typeof api[c[0]] === "function" && c[0] !== "push") {
          api[c[0]](...c.slice(1));
        }
      }
      return queue.length;
    },
    /** Starts the SDK when the tag has no data-bundle; otherwise returns the running SDK's `ready`. */
    init: (options) => {
      try {
        return start(options && typeof options === "object" ? options : {});
      } catch (e) {
        return Promise.resolve(api);
      }
    },
    validate,
    evaluate,
    ready: undefined,
  };
  for (const m of ["track", "set", "consent", "on", "off", "context", "explain", "reset", "destroy", "fire"]) api[m] = call(m);
  Object.defineProperty(api, "__moments", { value: true });

  // The debug overlay lives in moments-debug.js beside this file, fetched only when asked for.
  const nonce = (script && (script.nonce || script.getAttribute("nonce"))) || undefined;
  // Loads `name` from beside this file (with this tag's nonce); returns the <script>, inserted.
  const addScript = (name, onload, onerror) => {
    const s = doc.createElement("script");
    s.src = trustedScriptURL(new URL(name, src).href);
    s.async = true;
    if (nonce) s.nonce = nonce;
    s.onload = onload;
    s.onerror = onerror;
    return (doc.head || doc.documentElement).appendChild(s);
  };
  let overlayRequested = false;
  api.debug = (on) => {
    try {
      api.__debugWanted = on !== false;
      if (!api.__debugWanted) {
        if (api.__overlay) api.__overlay.hide();
      } else if (api.__overlay) {
        api.__overlay.show();
      } else if (!overlayRequested) {
        overlayRequested = true;
        addScript("moments-debug.js");
      }
    } catch (e) {
      /* never throw into the page */
    }
  };
  w.Moments = api;

  // Prompts are rendered by moments-prompt.js beside this file, fetched only when a page may show
  // one (api.js decides when). It registers itself as Moments.__prompt, taken back at once. The
  // element goes as soon as it is inserted: the script still loads and runs.
  const loadPrompts = () => new Promise((resolve, reject) => {
    const s = addScript(
      "moments-prompt.js",
      () => {
        const m = api.__prompt;
        delete api.__prompt;
        if (m) resolve(m);
        else reject(new Error(s.src + " did not load"));
      },
      () => reject(new Error("could not load " + s.src)),
    );
    s.remove();
  });

  const bundle = attr("data-bundle");
  const debug = !!(script && script.hasAttribute("data-debug")) || debugParam;
  if (debug) api.debug(true);
  // Queued calls of the loader itself run now: ["debug", true], and ["init", {bundle}] on a tag
  // without data-bundle (with data-bundle, the tag's settings win).
  for (const c of queue.filter((c) => Array.isArray(c) && (c[0] === "debug" || c[0] === "init"))) {
    queue.splice(queue.indexOf(c), 1);
    if (c[0] === "debug" || !bundle) api[c[0]](...c.slice(1));
  }
  if (!bundle) {
    if (debug) say("warn", "[moments] no data-bundle on the script tag; call Moments.init({bundle}) yourself");
    return;
  }
  const consent = attr("data-consent");
  start({
    bundle: new URL(bundle, doc.baseURI).href,
    consent: consent === "granted" || consent === "pending" ? consent : undefined,
    debug,
    storage: attr("data-storage") || undefined,
  });
}

// No flicker: before the bundle has even been fetched, hide what the page-view rules will swap —
// the selectors in `data-prehide`, or those the SDK remembered on the last page load (written only
// with consent). Released once the first decisions are applied, or after 1.5 s whatever happens.
// A constructed stylesheet needs no 'unsafe-inline' under a CSP.
function prehide(doc, listed, storage) {
  let selectors = listed;
  if (!selectors && storage !== "memory") {
    try {
      selectors = (storage === "session" ? sessionStorage : localStorage).getItem("moments:prehide");
    } catch (e) {
      selectors = null;
    }
  }
  if (!selectors || !("adoptedStyleSheets" in doc)) return () => {};
  let sheet = null;
  try {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(selectors + "{opacity:0!important}");
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  } catch (e) {
    return () => {}; // a selector the browser rejects: show everything rather than guess
  }
  const release = () => {
    if (!sheet) return;
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
    sheet = null;
  };
  setTimeout(release, 1500);
  return release;
}
