// moments-sdk for browsers and bundlers (Vite, webpack, Rollup, esbuild). The wasm is a separate
// asset referenced with `new URL(..., import.meta.url)`, which bundlers copy and fingerprint.
import { init as start, load, validate, evaluate } from "./api.js";

/**
 * Starts Moments on this page. See index.d.ts for the options.
 * @returns {Promise<import("./index").Moments>}
 */
export function init(options = {}) {
  return start({ wasmUrl: new URL("./moments_wasm_bg.wasm", import.meta.url), ...options });
}

export { load, validate, evaluate };
