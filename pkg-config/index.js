// moments-sdk for browsers and bundlers. The wasm is a separate asset referenced with
// `new URL(..., import.meta.url)`, which Vite, webpack 5 and Parcel copy and fingerprint (others:
// copy the file and pass `init({wasmUrl})`). Importing this module does nothing by itself (no globals, no network, no DOM), so it
// is safe to import during server-side rendering; `init()` starts the SDK in a browser.
import { create as make, load as loadWasm, validate, evaluate } from "./api.js";

const wasmUrl = () => new URL("./moments_wasm_bg.wasm", import.meta.url);
// Prompts are rendered by prompt.js, loaded only when a page may show one (bundlers split it into
// a chunk of its own).
const loadPrompts = () => import(/* webpackChunkName: "moments-prompt" */ "./prompt.js");

/** Starts Moments on this page (see index.d.ts). Never rejects. */
export function init(options = {}) {
  return create(options).ready;
}

/** Like `init`, but returns the API object synchronously (see index.d.ts). */
export function create(options = {}) {
  const m = make({ wasmUrl: wasmUrl(), loadPrompts, ...options });
  // Another instance (`m.init`) starts like this one: with the bundled wasm and the prompt chunk.
  m.init = init;
  return m;
}

/** Loads and compiles the wasm (once) so that `validate()`/`evaluate()` work before `init()`. */
export function load(url) {
  return loadWasm(url || wasmUrl());
}

export { validate, evaluate };
