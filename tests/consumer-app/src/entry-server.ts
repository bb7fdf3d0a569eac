// Server-side rendering: the server imports the same modules as the client. Importing moments-sdk
// must not touch window; init() on the server resolves to an inert instance; validate() and
// evaluate() work, so the server can refuse to render with a broken bundle.
import { init, create, validate, evaluate } from "moments-sdk";
import type { Moments } from "moments-sdk";
import { bundle } from "./bundle.js";

export interface ServerRender {
  html: string;
  valid: boolean;
  problems: string[];
  broken: string[];
  evaluated: [boolean, boolean];
  initErrors: string[];
  inert: unknown[];
  createErrors: string[];
  thrown: string[];
  windowDefined: boolean;
}

export async function render(url: string): Promise<ServerRender> {
  const thrown: string[] = [];
  const { ok, errors } = validate(bundle);
  const broken = validate({ version: 1, rules: [{ id: "x", when: { "cart.value": { "$gte ": 1 } }, do: [{ hide: "" }] }] }).errors.map((e) => e.path);
  const evaluated: [boolean, boolean] = [evaluate({ "cart.value": { $gte: 50 } }, { cart: { value: 60 } }), evaluate({ "cart.value": { $gte: 50 } }, { cart: { value: 10 } })];
  // A component's effect would not run on the server, but a careless one calls init anyway.
  const initErrors: string[] = [];
  let m: Moments | null = null;
  try {
    m = await init({ bundle, on: { error: (e) => initErrors.push(e.message) } });
  } catch (e) {
    thrown.push(`init: ${String(e)}`);
  }
  const inert: unknown[] = [];
  try {
    if (m) inert.push(m.track("add_to_cart", { value: 1 }), m.set({ tier: "gold" }), m.context(), m.explain(), m.fire("x"), m.reset(), m.consent(true), m.destroy());
  } catch (e) {
    thrown.push(`inert: ${String(e)}`);
  }
  const createErrors: string[] = [];
  try {
    const c = create({ bundle: "/bundle.json", on: { error: (e) => createErrors.push(e.message) } });
    c.set({ tier: "gold" });
    c.track("app_boot");
    c.on("decision", () => {});
    await c.ready;
    c.destroy();
  } catch (e) {
    thrown.push(`create: ${String(e)}`);
  }
  return {
    html: `<h1 id="hero-title">Run further, feel lighter.</h1><!-- ${url} -->`,
    valid: ok,
    problems: errors.map((e) => `${e.path}: ${e.message}`),
    broken,
    evaluated,
    initErrors,
    inert,
    createErrors,
    thrown,
    windowDefined: typeof (globalThis as { window?: unknown }).window !== "undefined",
  };
}
export { bundle } from "./bundle.js";
