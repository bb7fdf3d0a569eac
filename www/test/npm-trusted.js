// The npm build in a browser, without a bundler, under Trusted Types, called before it has
// started: create()'s object keeps the calls, set() takes effect before the first page view's
// decisions (its html swap says the name) and track("ask") right after them (its prompt, with a
// flow, comes from prompt.js by dynamic import).
import { create } from "/npm/index.js";

window.__seen = [];
const m = create({ bundle: "/test/subpath/trusted.json", storage: "memory" });
m.on("decision", (d) => window.__seen.push("decision:" + d.rule));
m.on("fit_chosen", () => window.__seen.push("fit_chosen"));
m.on("error", (d) => window.__seen.push("error:" + d.message));
m.track("ask");
m.set({ name: "Bo <b>" });
m.ready.then(() => {
  window.__seen.push("ready");
  window.__m = m;
});
