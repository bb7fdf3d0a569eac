// The npm build in a browser, without a bundler: prompt.js comes by its dynamic import.
import { init } from "/npm/index.js";

window.__shown = 0;
init({ bundle: "/test/prompts-bundle.json", storage: "memory", on: { prompt_shown: () => window.__shown++ } }).then((m) => {
  window.__m = m;
});
