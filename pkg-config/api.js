// The JavaScript half of Moments, shared by the script tag and the npm package.
// It fetches the bundle, starts the wasm SDK, hooks `dataLayer` and `history`, keeps `on()`
// handlers, pushes `moments_<event>` to `dataLayer`, and never lets an exception reach the page.
import initWasm, { start as startWasm, call as wasmCall } from "./moments_wasm.js";
import { promptBridge } from "./prompt-bridge.js";
import { domApplier } from "./dom.js";
import { emptyContext } from "./empty-context.js";

let wasmReady = null;
let wasmLoaded = false;

/**
 * Loads and compiles the wasm once (streaming where the server sends application/wasm). Where the
 * page replaced `fetch` by a polyfill whose responses are not the browser's Response (one on
 * XMLHttpRequest), compiles the polyfill's bytes instead.
 */
export function load(wasmUrl) {
  if (!wasmReady) {
    const url = wasmUrl ? { module_or_path: wasmUrl } : undefined;
    wasmReady = initWasm(url)
      .catch((e) => {
        // Not the browser's Response (a TypeError that is no network failure): compile the bytes.
        if (!wasmUrl || !(e instanceof TypeError) || /fetch/i.test(e.message)) throw e;
        return fetch(wasmUrl).then((r) => r.arrayBuffer()).then((b) => initWasm({ module_or_path: b }));
      })
      .then(() => {
        wasmLoaded = true;
      });
  }
  return wasmReady;
}

/** Marks the wasm as loaded by someone else (Node's synchronous start). */
export function markLoaded() {
  wasmLoaded = true;
  wasmReady = Promise.resolve();
}

/** `console[kind](...args)`, where a page's console may throw or be gone. */
export const say = (kind, ...args) => {
  try {
    console[kind](...args);
  } catch (e) {
    /* never into the page */
  }
};

/** An exception's message. */
const why = (e) => String((e && e.message) || e);

/** Checks a bundle (object or JSON text): `{ok, errors: [{path, message, severity}]}`. Never throws. */
export function validate(bundle) {
  try {
    if (!wasmLoaded) throw new Error("Moments is not loaded yet: await init() (or load()) first");
    const text = typeof bundle === "string" ? bundle : JSON.stringify(bundle);
    return JSON.parse(wasmCall(0, 12 /* validate */, text == null ? "" : text, ""));
  } catch (e) {
    return { ok: false, errors: [{ path: "", message: why(e), severity: "error" }] };
  }
}

/** Evaluates one condition against one context. Never throws; false on bad input. */
export function evaluate(condition, context) {
  if (!wasmLoaded) return false;
  try {
    return wasmCall(0, 13 /* evaluate */, JSON.stringify(condition ?? {}), JSON.stringify(context ?? {})) === "1";
  } catch (e) {
    return false;
  }
}

const json = (v) => {
  // Prototype.js's Array#toJSON returns JSON text, which JSON.stringify would quote: set aside.
  const A = Array.prototype;
  const t = Object.getOwnPropertyDescriptor(A, "toJSON");
  try {
    if (t && t.configurable) delete A.toJSON;
    return JSON.stringify(v === undefined ? null : v);
  } catch (e) {
    return "null"; // cycles, BigInt: dropped rather than thrown
  } finally {
    if (t && t.configurable) Object.defineProperty(A, "toJSON", t);
  }
};

/**
 * Calls `f(window.dataLayer)` now, or once the page creates it: an analytics snippet that runs
 * after the SDK is ready (a consent-gated GTM or gtag) still gets the SDK's first events, and its
 * pushes are still watched. The SDK looks for it every LAYER_POLL_MS, and before each event it
 * sends, rather than defining `window.dataLayer` itself: a page may test `"dataLayer" in window`
 * before pushing. Returns a function that gives up waiting.
 */
const waiting = [];
let polling = 0;
function withLayer(f) {
  if (window.dataLayer) {
    f(window.dataLayer);
    return () => {};
  }
  waiting.push(f);
  if (!polling) polling = setInterval(layerCheck, LAYER_POLL_MS);
  return () => {
    const i = waiting.indexOf(f);
    if (i >= 0) waiting.splice(i, 1);
    if (!waiting.length) polling = void clearInterval(polling);
  };
}

/**
 * Hands every array the page assigns to `window.dataLayer` later to `hook`, for as long as the
 * returned function is not called. One accessor serves every running instance; the last one to
 * stop leaves a plain property holding the page's latest array.
 */
const followers = new Set();
let following = null; // {get, enumerable}: the accessor, while it is installed
function follow(hook) {
  const w = window;
  followers.add(hook);
  const d = Object.getOwnPropertyDescriptor(w, "dataLayer");
  if (!following && d && !d.get && !d.set && d.configurable) {
    let current = d.value;
    const get = () => current;
    const set = (v) => {
      current = v;
      for (const f of followers) {
        try {
          f(v);
        } catch (e) {
          /* never break the page's analytics */
        }
      }
    };
    Object.defineProperty(w, "dataLayer", { configurable: true, enumerable: d.enumerable, get, set });
    following = { get, enumerable: d.enumerable };
  }
  return () => {
    followers.delete(hook);
    const now = Object.getOwnPropertyDescriptor(w, "dataLayer");
    if (followers.size || !following) return;
    if (now && now.get === following.get) {
      Object.defineProperty(w, "dataLayer", { value: now.get(), writable: true, configurable: true, enumerable: following.enumerable });
    }
    following = null;
  };
}

/** Hands a dataLayer the page has created since to everything waiting for it. */
function layerCheck() {
  const dl = window.dataLayer;
  if (!dl || !waiting.length) return;
  polling = void clearInterval(polling);
  for (const g of waiting.splice(0)) {
    try {
      g(dl);
    } catch (e) {
      /* never break the page's analytics */
    }
  }
}

/**
 * Starts Moments. Resolves to the API object in every case: when the bundle cannot be loaded or is
 * invalid, the object is inert and the reasons went to `on("error")` and the console.
 */
export function init(options = {}) {
  return create(options).ready;
}

/** How many calls made before the start are kept for it. */
const EARLY_MAX = 1000;
/** How often the SDK looks for a dataLayer the page has not created yet. */
const LAYER_POLL_MS = 500;
/** The longest a navigation's page view waits for the app to render. */
const AFTER_RENDER_MS = 250;

/**
 * Like `init`, but returns the API object at once (its `ready` promise settles as `init`'s does),
 * so that `on()` handlers can be attached before the first events. `options.on` (`{event: handler}`)
 * does the same for `init`. Calls made before the SDK has started are kept (up to EARLY_MAX):
 * `set`, `consent` and `reset` take effect before the first page view's decisions, `track` and
 * `fire` right after them, each group in order.
 */
export function create(options = {}) {
  options = options && typeof options === "object" ? options : {};
  const handlers = new Map();
  const undo = [];
  const unsent = []; // SDK events waiting for the page to create dataLayer (their cancels)
  undo.push(() => unsent.forEach((cancel) => cancel()));
  let sdk = null; // the wasm's handle, once started
  let dead = false;
  // Asks the running SDK (nothing before it started or after destroy). The kinds are numbered
  // by `call` in src/web/src/lib.rs (literals here: esbuild does not inline constants).
  const call = (kind, a = "", b = "", n, m) => sdk && wasmCall(sdk, kind, a, b, n, m);
  // Without the answer. Before the start, kept for it: [kind, ...args] (null once started or failed).
  // While a navigation waits for the app to render (`held`), behind it, in order.
  let early = [];
  let held = null;
  const tell = (...args) => {
    if (held) held.push(args);
    else if (sdk) call(...args);
    else if (early && !dead && early.length < EARLY_MAX) early.push(args);
  };
  // A single-page app's navigation (pushState, replaceState, back and forward) becomes a page view
  // once the app has rendered the new route: the page view reads its title and page type. What
  // the page reports meanwhile (its GA4 view_item, a track()) waits behind it, so rules see the
  // events in the order they happened. The URL is the one navigated to.
  const navigated = () => {
    const c = [4 /* navigated */, location.href];
    if (held) return void held.push(c);
    held = [c];
    afterRender(() => {
      for (let i = 0; held && i < held.length; i++) call(...held[i]);
      held = null;
    });
  };
  // The kept calls of one group (state: set, consent, reset; else events), in order.
  const replay = (state) => {
    for (const c of early || []) if ((c[0] !== 1 && c[0] !== 5) === state) call(...c);
  };
  const debug = !!options.debug;

  const dispatch = (name, detail) => {
    if (dead) return; // destroyed: no handler and no dataLayer hears from it again
    // The wasm's messages to the DOM applier (JSON arrays) and to the prompt renderer (objects).
    if (name === "") return detail[0] === "[" ? dom(detail) : prompts.send(detail);
    const list = handlers.get(name);
    if (list) for (const h of [...list]) {
      try {
        h(detail);
      } catch (e) {
        if (debug) say("error", "[moments] handler for", name, "threw", e);
      }
    }
    if (typeof window === "undefined") return;
    const entry = Object.assign({ event: "moments_" + name }, detail && typeof detail === "object" ? detail : {});
    const push = (dl) => {
      if (dl && typeof dl.push === "function") dl.push(entry);
    };
    try {
      layerCheck(); // the events that waited for the page's dataLayer go first
      if (window.dataLayer) push(window.dataLayer);
      else if (unsent.length < 100) unsent.push(withLayer(push)); // until the page's snippet runs
    } catch (e) {
      /* a broken dataLayer is the page's problem, not a reason to throw */
    }
  };
  const fail = (message, errors) => {
    if (debug) say("warn", "[moments]", message, errors || "");
    dispatch("error", { message, errors: errors || [] });
  };
  const guard = (f, otherwise) => (...args) => {
    if (dead) return otherwise && otherwise();
    try {
      return f(...args);
    } catch (e) {
      fail(why(e));
      return otherwise && otherwise();
    }
  };
  // Prompts are rendered by prompt.js, loaded by `options.loadPrompts` only when needed.
  const prompts = promptBridge(options.loadPrompts, guard((what, rule, node, button) => call(10 /* ui */, what, rule, node, button)), fail);
  // Element actions are applied by dom.js; what it changes later (elements that appear) goes back
  // to the wasm as `ui` reports, with the action's kind as `what`.
  const dom = domApplier(guard((kind, rule, elements) => call(10 /* ui */, kind, rule, elements)), fail);
  const noExplanation = () => ({ rules: [], sensing: {} });

  const api = {
    track: guard((name, props) => tell(1 /* track */, String(name), json(props ?? {}))),
    set: guard((attrs) => tell(2 /* set */, json(attrs ?? {}))),
    consent: guard((granted) => tell(6 /* consent */, "", "", granted ? 1 : 0)),
    on: guard((event, h) => {
      if (typeof h !== "function") return;
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event).add(h);
    }),
    off: guard((event, h) => {
      const s = handlers.get(event);
      if (s) s.delete(h);
    }),
    context: guard(() => (sdk ? JSON.parse(call(7 /* context */)) : emptyContext()), emptyContext),
    explain: guard((ruleId) => (sdk ? JSON.parse(call(8 /* explain */, ruleId == null ? "" : String(ruleId), "", ruleId == null ? 0 : 1)) : noExplanation()), noExplanation),
    fire: guard((signal) => tell(5 /* fire */, String(signal))),
    reset: guard(() => tell(9 /* reset */)),
    destroy: guard(() => {
      held = null;
      for (const u of undo.splice(0).reverse()) {
        try {
          u();
        } catch (e) {
          /* keep undoing */
        }
      }
      call(11 /* destroy */);
      sdk = null;
      handlers.clear();
      early = null;
      dead = true;
    }),
    validate,
    evaluate,
    init,
  };

  if (options.on && typeof options.on === "object") {
    for (const [event, h] of Object.entries(options.on)) {
      for (const f of Array.isArray(h) ? h : [h]) api.on(event, f);
    }
  }

  const start = async () => {
    // No DOM (server-side rendering): nothing to start, so nothing to download either.
    if (typeof document === "undefined") throw new Error("no DOM here: only validate() and evaluate() work");
    const loading = load(options.wasmUrl); // compile the wasm while the bundle downloads
    loading.catch(() => {}); // awaited below; no unhandled rejection meanwhile
    let text = options.bundle;
    if (typeof text === "string" && !text.trim().startsWith("{")) {
      const res = await fetch(text, { credentials: "same-origin" }).catch((e) => {
        throw new Error(`bundle ${text}: ${why(e)}`); // "Failed to fetch" alone names nothing
      });
      if (!res.ok) throw new Error(`bundle ${text}: HTTP ${res.status}`);
      text = await res.text();
      if (dead) return; // destroyed while the bundle downloaded (a framework's effect cleanup)
    } else if (text && typeof text === "object") {
      text = JSON.stringify(text);
    }
    if (typeof text !== "string") throw new Error("no bundle: pass init({bundle}) or data-bundle");
    await loading;
    if (dead) return; // destroyed while the wasm compiled: it never starts
    const consent = options.consent === true || options.consent === "granted" ? 1
      : options.consent === false || options.consent === "pending" ? 0 : -1;
    try {
      const storage = { session: 1, memory: 2 }[options.storage] | 0; // else local
      sdk = startWasm(text, consent, debug, storage, dispatch);
    } catch (e) {
      if (typeof e !== "string") throw e;
      early = null;
      fail("bundle refused", JSON.parse(e).errors);
      return;
    }
    replay(true);
    dispatch("ready", { bundle: JSON.parse(text).id || "" });
    // Loading the bundle and the first decisions are two tasks, not one long one: the page
    // stays responsive in between (pre-hidden swap targets stay hidden until begin()).
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (!sdk) return; // a ready handler called destroy()
    call(0 /* begin */); // the page view first, then what the page already asked or pushed to dataLayer
    replay(false);
    early = null;
    if (/"prompt"\s*:/.test(text)) (window.requestIdleCallback || setTimeout)(prompts.preload);
    hookPage(tell, navigated, undo);
  };
  api.ready = start().then(
    () => api,
    (e) => {
      early = null;
      fail(why(e));
      return api;
    },
  );
  return api;
}

/**
 * Watches `dataLayer` (entries already there and later pushes) and single-page navigation. A
 * dataLayer the page replaces later (`window.dataLayer = []` after the SDK started) is watched
 * too: `window.dataLayer` becomes an accessor that hooks each new array, where the property can
 * be redefined (not a `var` declaration). The entries already in a new array are read unless
 * they were read before, so a copied array (`dataLayer = dataLayer.slice()`) does not count its
 * events twice.
 */
function hookPage(call, navigated, undo) {
  const w = window;
  const fed = new WeakSet();
  // `again`: an entry already in an array when it is hooked, which may be a copy of one read
  // before. A push is always read: a page may push the same object on every click.
  const feed = (entry, again) => {
    if (!entry || typeof entry !== "object" || (again && fed.has(entry))) return;
    fed.add(entry);
    const name = entry.event;
    if (typeof name === "string" && name.startsWith("moments_")) return;
    call(3 /* datalayer */, json(entry));
  };
  const hooked = new WeakSet();
  const hookLayer = (dl) => {
    // An array, or a tag manager's object with a push method (its entries cannot be listed).
    if (Object(dl) !== dl || typeof dl.push !== "function" || hooked.has(dl)) return;
    hooked.add(dl);
    if (Array.isArray(dl)) for (const e of dl) feed(e, true);
    const orig = dl.push;
    const push = function () {
      const r = orig.apply(this, arguments);
      for (const e of arguments) {
        try {
          feed(e);
        } catch (err) {
          /* never break the page's analytics */
        }
      }
      return r;
    };
    try {
      dl.push = push;
    } catch (e) {
      return; // a frozen array: its pushes cannot be watched
    }
    undo.push(() => {
      if (dl.push === push) dl.push = orig;
    });
  };
  undo.push(withLayer((dl) => {
    hookLayer(dl);
    undo.push(follow(hookLayer));
  }));
  const h = w.history;
  for (const m of ["pushState", "replaceState"]) {
    const orig = h[m];
    const hooked = function () {
      const before = location.href;
      const r = orig.apply(this, arguments);
      if (location.href !== before) navigated();
      return r;
    };
    h[m] = hooked;
    undo.push(() => {
      if (h[m] === hooked) h[m] = orig;
    });
  }
  w.addEventListener("popstate", navigated);
  undo.push(() => w.removeEventListener("popstate", navigated));
}

/**
 * Runs `f` once the page has rendered what it is doing now: after its next frame (a framework
 * renders a route before the frame is painted), or after AFTER_RENDER_MS where no frame comes (a
 * hidden tab).
 */
function afterRender(f) {
  let done = false;
  const go = () => {
    if (!done) {
      done = true;
      f();
    }
  };
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => setTimeout(go, 0));
  setTimeout(go, AFTER_RENDER_MS);
}
