// A tiny component system, shaped like React's function components: a component renders markup,
// registers effects with useEffect (mount-only here), and each effect may return a cleanup. Under
// `strict` (like React 18's StrictMode in development) every effect is run, cleaned up, and run
// again right away, so code in effects must survive being started, stopped and started again.
// Render errors are caught by an error boundary and recorded (the app keeps running).

export type Cleanup = void | (() => void);
export type Effect = () => Cleanup;
export type Component = () => string;

interface Instance {
  effects: Effect[];
  cleanups: Cleanup[];
}

let current: Instance | null = null;

/** Registers an effect of the component being rendered (runs after mount; cleanup on unmount). */
export function useEffect(effect: Effect): void {
  if (!current) throw new Error("useEffect outside a component render");
  current.effects.push(effect);
}

export const renderErrors: string[] = [];

/** Runs `f` inside an error boundary: a thrown error is recorded and `fallback` returned. */
export function boundary<T>(where: string, f: () => T, fallback: T): T {
  try {
    return f();
  } catch (e) {
    renderErrors.push(`${where}: ${e instanceof Error ? e.message : String(e)}`);
    return fallback;
  }
}

export interface Root {
  unmount(): void;
}

/** Renders `component` into `el`, then runs its effects (twice, with a cleanup between, under strict). */
export function mount(el: Element, component: Component, opts: { strict?: boolean } = {}): Root {
  const inst: Instance = { effects: [], cleanups: [] };
  current = inst;
  try {
    el.innerHTML = boundary("render", component, "");
  } finally {
    current = null;
  }
  const runEffects = (): void => {
    inst.cleanups = inst.effects.map((e) => e());
  };
  const runCleanups = (): void => {
    for (const c of inst.cleanups.splice(0).reverse()) if (typeof c === "function") c();
  };
  runEffects();
  if (opts.strict) {
    runCleanups();
    runEffects();
  }
  return {
    unmount() {
      runCleanups();
      el.innerHTML = "";
    },
  };
}
