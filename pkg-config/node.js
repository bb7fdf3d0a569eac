// moments-sdk under Node >= 18, Deno and Bun (no DOM): validate() and evaluate() work synchronously
// (the wasm is compiled on first use, from the file beside this one), for bundle checks in a shop's
// CI. init() resolves to an inert object with an `error` event. Importing this module has no side
// effects and never throws, so server-side rendering can import the package freely.
import { readFileSync } from "node:fs";
// A namespace import, not `{ createRequire }`: webpack (5.106 and later) reads
// `createRequire(import.meta.url).resolve("…")` as `require.resolve` and would bundle the .wasm as a
// WebAssembly module, which fails to build for `target: "node"`.
import * as nodeModule from "node:module";
import { initSync } from "./moments_wasm.js";
import * as api from "./api.js";

let state = 0; // 0 not tried, 1 loaded, -1 failed
let why = "";

// The wasm beside this file; when a server bundle inlined this module (Vite's ssr.noExternal,
// webpack), the installed package's copy.
function wasmBytes() {
  try {
    return readFileSync(new URL("./moments_wasm_bg.wasm", import.meta.url));
  } catch (e) {
    try {
      return readFileSync(nodeModule.createRequire(import.meta.url).resolve("moments-sdk/moments_wasm_bg.wasm"));
    } catch (_) {
      throw e;
    }
  }
}

function ensure() {
  if (state === 0) {
    try {
      initSync({ module: wasmBytes() });
      api.markLoaded();
      state = 1;
    } catch (e) {
      state = -1;
      why = String((e && e.message) || e);
    }
  }
  return state === 1;
}

const failed = () => ({ ok: false, errors: [{ path: "", message: `moments-sdk could not load its wasm: ${why}`, severity: "error" }] });

/** Checks a bundle (object or JSON text): `{ok, errors: [{path, message, severity}]}`. Never throws. */
export function validate(bundle) {
  return ensure() ? api.validate(bundle) : failed();
}

/** Evaluates one condition against one context. Never throws; false on bad input. */
export function evaluate(condition, context) {
  return ensure() ? api.evaluate(condition, context) : false;
}

/** Resolves once the wasm is loaded (it loads synchronously here). */
export function load() {
  return ensure() ? Promise.resolve() : Promise.reject(new Error(why));
}

/** There is no page here: resolves to an inert object after an `error` event. */
export function init(options = {}) {
  ensure();
  return api.init({ ...options, wasmUrl: undefined });
}

/** Like `init`, synchronously. */
export function create(options = {}) {
  ensure();
  return api.create({ ...options, wasmUrl: undefined });
}
