// The Moments "provider": an effect that starts the SDK on mount and destroys it on unmount, the
// way a React app writes useEffect(() => { const m = create(...); return () => m.destroy(); }, []).
import { create } from "moments-sdk";
import type { InitOptions, Moments, MomentsEvent } from "moments-sdk";
import { useEffect } from "./framework.js";
import { store } from "./store.js";
import { bundle } from "./bundle.js";
import { SELF_HOSTED_WASM, type AppConfig } from "./config.js";

const SDK_EVENTS: MomentsEvent[] = ["ready", "signal", "decision", "action", "prompt_shown", "prompt_dismissed", "prompt_clicked", "conversion", "error"];

export function optionsFor(cfg: AppConfig, mount: number): InitOptions {
  return {
    bundle: cfg.bundle === "inline" ? bundle : cfg.bundle === "missing" ? "/no-such-bundle.json" : "/bundle.json",
    storage: cfg.storage,
    consent: cfg.consent,
    // Written the way TypeScript code usually passes an optional setting.
    wasmUrl: cfg.selfHostWasm ? SELF_HOSTED_WASM : undefined,
    on: { error: (e) => store.events.push([mount, "init-error", { message: e.message, errors: e.errors?.length ?? 0 }]) },
  };
}

export function useMoments(cfg: AppConfig): void {
  useEffect(() => {
    const mount = ++store.mounts;
    const m: Moments = create(optionsFor(cfg, mount));
    // Right after create(), before the SDK is ready: the README says these are kept.
    m.set({ tier: "gold" });
    m.track("app_boot");
    for (const call of cfg.early) {
      if (call === "grant") m.consent(true);
      else if (call === "reset") m.reset();
      else if (call === "help") m.fire("help_requested");
    }
    for (const name of SDK_EVENTS) m.on(name, (d) => store.events.push([mount, name, d]));
    m.on("offer", (props) => {
      const el = document.getElementById("offer");
      if (el) {
        el.textContent = `Your code: ${String(props["code"])}`;
        el.hidden = false;
      }
      store.events.push([mount, "offer", props]);
    });
    m.on("boot_seen", (props) => store.events.push([mount, "boot_seen", props]));
    store.m = m;
    store.changed();
    void m.ready.then((ready) => {
      if (store.m === ready) {
        const s = document.getElementById("status");
        if (s) s.textContent = "ready";
        store.changed();
      }
    });
    return () => {
      m.destroy();
      if (store.m === m) store.m = null;
      const s = document.getElementById("status");
      if (s) s.textContent = "stopped";
    };
  });
}
