// The app's entry: analytics first, then the app mounted (in StrictMode unless ?strict=0).
import "./analytics.js";
import { init } from "moments-sdk";
import type { Moments } from "moments-sdk";
import { mount, renderErrors, type Root } from "./framework.js";
import { App } from "./app.js";
import { readConfig } from "./config.js";
import { navigate } from "./routes.js";
import { store } from "./store.js";
import { hostile } from "./hostile.js";

const cfg = readConfig(location.search);
const el = document.getElementById("app");
if (!el) throw new Error("#app is missing");
let root: Root | null = mount(el, App(cfg), { strict: cfg.strict });

let second: Moments | null = null;

// What the test drives (the same things the app's own code paths do).
const w = window as unknown as { __app: unknown };
w.__app = {
  store,
  renderErrors,
  cfg,
  navigate,
  unmount(): void {
    root?.unmount();
    root = null;
  },
  mount(): void {
    if (!root) root = mount(el, App(cfg), { strict: cfg.strict });
  },
  /** A second, independent SDK instance: through the instance's init() or the module's. */
  async startSecond(how: "method" | "module"): Promise<string> {
    const opts = { bundle: "/other-bundle.json", storage: "memory" as const, on: { ready: (d: { bundle: string }) => store.events.push(["second", "ready", d]) } };
    if (how === "method") {
      if (!store.m) return "no first instance";
      second = await store.m.init(opts);
    } else {
      second = await init(opts);
    }
    for (const name of ["decision", "prompt_shown", "error", "signal"] as const) second.on(name, (d) => store.events.push(["second", name, d]));
    return "started";
  },
  secondFire(signal: string): void {
    second?.track(signal);
  },
  stopSecond(): void {
    second?.destroy();
    second = null;
  },
  hostile: () => hostile(store.m),
};
