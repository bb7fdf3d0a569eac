// The DOM applier of the npm build (dist/npm/dom.js, with the wasm it asks about attributes) on
// its own, for tests/e2e/dom.test.mjs: messages go in as the wasm sends them (src/web/src/dom.rs).
import init from "/npm/moments_wasm.js";
import { domApplier, MAX_REPAIRS, PREHIDE_MS } from "/npm/dom.js";

await init({ module_or_path: "/npm/moments_wasm_bg.wasm" });

/**
 * A new applier: `send(message)` returns its answer; `log` holds what it reported later. An action
 * message without the wasm's firing number gets one of its own (each send its own firing).
 */
window.applier = () => {
  const log = [];
  const handle = domApplier((kind, rule, elements) => log.push([kind, rule, elements]));
  let firing = 0;
  const send = (m) => handle(JSON.stringify(typeof m[0] === "string" && m.length === 5 ? [...m, ++firing] : m));
  return { send, log };
};
/** Puts `html` in the fixture; returns the body's HTML. */
window.fixture = (html) => {
  document.getElementById("fixture").innerHTML = html;
  return document.body.innerHTML;
};
window.sleep = (ms) => new Promise((r) => setTimeout(r, ms));
window.MAX_REPAIRS = MAX_REPAIRS;
window.PREHIDE_MS = PREHIDE_MS;
window.harnessReady = true;
