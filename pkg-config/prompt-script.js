// The script-tag build of prompt.js (dist/script/moments-prompt.js): hands `createPrompts` to the
// loader as Moments.__prompt. Written out rather than built with esbuild's --global-name, whose
// export helper walks the exports with for-in and so, on a page that adds an enumerable property
// to Object.prototype (Prototype.js-era code), defines a getter from that property and throws.
import { createPrompts } from "./prompt.js";

if (window.Moments) window.Moments.__prompt = { createPrompts };
