// App state shared by the components, and what the test reads (window.__app).
import type { Moments } from "moments-sdk";

export type LoggedEvent = [mount: number | string, name: string, detail: unknown];

export const store = {
  /** The SDK instance of the current mount (null when unmounted). */
  m: null as Moments | null,
  /** How many times the Moments effect has started. */
  mounts: 0,
  /** Every SDK event an `on` handler received, with the mount that registered it. */
  events: [] as LoggedEvent[],
  listeners: new Set<() => void>(),
  changed(): void {
    for (const f of this.listeners) f();
  },
};
