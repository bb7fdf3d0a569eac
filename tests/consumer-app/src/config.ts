// How this build of the app is started, from the URL it was first opened with (the test opens
// each variant): ?bundle=url|inline|missing & wasm=self & strict=0 & storage=local|session|memory
import type { StorageKind } from "moments-sdk";

export interface AppConfig {
  bundle: "url" | "inline" | "missing";
  selfHostWasm: boolean;
  strict: boolean;
  storage: StorageKind;
  /** init({consent}) ("pending" to start without storing). */
  consent: "granted" | "pending" | undefined;
  /** Calls the app makes right after create(), before ready: "grant" (consent(true)), "reset", "help" (fire). */
  early: string[];
}

export function readConfig(search: string): AppConfig {
  const q = new URLSearchParams(search);
  const b = q.get("bundle");
  const s = q.get("storage");
  return {
    bundle: b === "inline" || b === "missing" ? b : "url",
    selfHostWasm: q.get("wasm") === "self",
    strict: q.get("strict") !== "0",
    storage: s === "session" || s === "memory" ? s : "local",
    consent: q.get("consent") === "pending" ? "pending" : q.get("consent") === "granted" ? "granted" : undefined,
    early: (q.get("early") || "").split(",").filter(Boolean),
  };
}

/** Where the shop hosts the wasm itself in the self-hosting variant (copied from the package). */
export const SELF_HOSTED_WASM = "/self-hosted/moments.wasm";
