// moments-sdk under Node >= 18 (no DOM): validate() and evaluate() work synchronously as soon as
// the module is imported, for bundle checks in a shop's CI. init() resolves to an inert object.
import { readFileSync } from "node:fs";
import { initSync } from "./moments_wasm.js";
import { markLoaded } from "./api.js";

initSync({ module: readFileSync(new URL("./moments_wasm_bg.wasm", import.meta.url)) });
markLoaded();

export { init, load, validate, evaluate } from "./index.js";
