// Stands in for the prompt renderer (prompt.js) until it is loaded: it is fetched only when a page
// may show a prompt (at idle time after start-up when the bundle has a prompt action, else on the
// first one), and prompts asked for before it arrives wait here, in order, then go to it as if they
// had just been asked for (so its queue keeps their order and priorities). `load()` resolves to the
// module (`createPrompts`); `report` goes to the wasm; `fail(message)` to on("error"). Never throws.
//
// A failed load (offline, a blocked URL) is reported once; the prompts waiting for it are told to
// the wasm as closed (so their rules are free again), and the next prompt tries again, at most
// every RETRY_MS; prompts asked for in between are closed the same way.
import { trustedHTML, refusal } from "./trusted.js";

const RETRY_MS = 10000;

export function promptBridge(load, report, fail) {
  let ui = null; // the renderer, once loaded
  let loading = null;
  let failed = -Infinity; // when the last load failed
  let waiting = [];
  const drop = (c) => report("z", c.rule, 0, 0);
  const run = (c) => {
    try {
      if (c.close) ui.closeAll();
      else ui.show(c);
    } catch (e) {
      fail(refusal(e));
    }
  };
  const get = () => {
    if (!loading && load && Date.now() - failed >= RETRY_MS) {
      loading = Promise.resolve()
        .then(load)
        .then((m) => {
          ui = m.createPrompts(report, trustedHTML);
          for (const c of waiting.splice(0)) run(c);
        })
        .catch((e) => {
          loading = null;
          failed = Date.now();
          waiting.splice(0).forEach(drop);
          fail("prompts could not be loaded: " + refusal(e));
        });
    }
    return !!loading;
  };
  return {
    /** Starts loading the renderer (at idle time). */
    preload: get,
    /** A message from the wasm: a prompt to show, or `{close: true}`. */
    send(json) {
      const c = JSON.parse(json);
      if (ui) run(c);
      else if (c.close) waiting = [];
      else if (get()) waiting.push(c);
      else drop(c); // no renderer and none coming (yet): the rule is free again
    },
  };
}
