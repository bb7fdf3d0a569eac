// Compiled by tsc only (never bundled): every documented call under `strict`, and mistakes the
// declarations must reject (each @ts-expect-error line must be an error, or tsc fails).
import { init, create, load, validate, evaluate } from "moments-sdk";
import type {
  Bundle, InitOptions, Moments, MomentsEventMap, ReadyDetail, SignalDetail, DecisionDetail, ActionDetail,
  PromptDetail, PromptClickedDetail, ConversionDetail, ErrorDetail, EmitDetail, Context, Explanation,
  ValidationResult, Problem, TrackProps, Condition, Rule, Action, MomentsGlobal, SignalName,
} from "moments-sdk";
import { bundle } from "./bundle.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_: T): void => {};

export async function documentedCalls(): Promise<void> {
  // init with every documented option, the bundle as a URL, an object, JSON text.
  const m1: Moments = await init({ bundle: "/bundle.json" });
  const m2 = await init({ bundle, consent: "pending", debug: true, storage: "memory", wasmUrl: new URL("/m.wasm", location.href) });
  const m3 = await init({ bundle: JSON.stringify(bundle), consent: true, storage: "session", wasmUrl: "/m.wasm" });
  const m4 = await init({ bundle: { version: 1, rules: [] }, consent: false });
  // create() returns the instance at once, with a ready promise.
  const m = create({ bundle, consent: "granted" });
  assertType<Equal<typeof m, Moments>>(true);
  assertType<Equal<typeof m.ready, Promise<Moments>>>(true);
  assertType<Equal<ReturnType<typeof init>, Promise<Moments>>>(true);
  // on: built-in events with their detail types, custom (emit) events with props.
  m.on("ready", (d) => assertType<Equal<typeof d, ReadyDetail>>(true));
  m.on("signal", (d) => assertType<Equal<typeof d, SignalDetail>>(true));
  m.on("decision", (d) => {
    assertType<Equal<typeof d, DecisionDetail>>(true);
    const v: "shown" | "holdout" = d.variant;
    const s: SignalName = d.signal;
    void v, s;
  });
  m.on("action", (d) => assertType<Equal<typeof d, ActionDetail>>(true));
  m.on("prompt_shown", (d) => assertType<Equal<typeof d, PromptDetail>>(true));
  m.on("prompt_dismissed", (d) => assertType<Equal<typeof d, PromptDetail>>(true));
  m.on("prompt_clicked", (d) => assertType<Equal<typeof d, PromptClickedDetail>>(true));
  m.on("conversion", (d) => {
    assertType<Equal<typeof d, ConversionDetail>>(true);
    const value: number | null = d.value;
    void value;
  });
  m.on("error", (d) => {
    assertType<Equal<typeof d, ErrorDetail>>(true);
    const first: Problem | undefined = d.errors?.[0];
    void first;
  });
  m.on("offer", (props) => assertType<Equal<typeof props, EmitDetail>>(true));
  const h = (d: DecisionDetail): void => void d;
  m.on("decision", h);
  m.off("decision", h);
  // init({on}) handlers: single and arrays, built-in and custom.
  await init({ bundle, on: { ready: (d) => void d.bundle, decision: [(d) => void d.rule, (d) => void d.variant], offer: (p) => void p["code"] } });
  // GA4-shaped commerce events and the README's examples.
  m.track("add_to_cart", { currency: "USD", value: 60, items: [{ item_id: "sku-1", item_name: "Trail Runner", price: 60, quantity: 1 }] });
  m.track("add_to_cart", { id: "sku-1", price: 25, quantity: 1 });
  m.track("purchase", { value: 120, currency: "USD" });
  m.track("search", { query: "trail shoes" });
  m.track("newsletter_signup");
  m.set({ tier: "gold", visits: 3, flags: ["a"] });
  m.consent(true);
  m.consent(false);
  const ctx: Context = m.context();
  const n: number = ctx.cart.items;
  const q: string | null = ctx.search.query;
  const custom: unknown = ctx.custom["tier"];
  void n, q, custom;
  const why: Explanation = m.explain();
  const one: Explanation = m.explain("hero-gold");
  void why, one;
  m.fire("exit_intent");
  m.fire("my_signal");
  m.reset();
  const r: ValidationResult = m.validate(bundle);
  const b: boolean = m.evaluate({ "cart.items": { $gt: 0 } }, { cart: { items: 1 } });
  const another: Promise<Moments> = m.init({ bundle: "/other.json" });
  void r, b, another;
  m.destroy();
  await load();
  await load("/self-hosted/moments.wasm");
  await load(new URL("/self-hosted/moments.wasm", location.href));
  const v: ValidationResult = validate(bundle);
  const vt: ValidationResult = validate(JSON.stringify(bundle));
  const vu: ValidationResult = validate(JSON.parse("{}") as unknown);
  const cond: Condition = { $or: [{ moment: "buy" }, { "abandonment.risk": { $gte: 0.7 } }] };
  const e1: boolean = evaluate(cond, { moment: "buy" });
  void v, vt, vu, e1, m1, m2, m3, m4;
  const opts: InitOptions = { bundle: "/b.json" };
  const rule: Rule = { id: "r", on: "add_to_cart", do: [{ emit: { name: "x", props: { a: 1 } } }] };
  const action: Action = { hide: "#x" };
  void opts, rule, action;
  const keys: Array<keyof MomentsEventMap> = ["ready", "signal", "decision", "action", "prompt_shown", "prompt_dismissed", "prompt_clicked", "conversion", "error"];
  const props: TrackProps = { value: 1, anything: { nested: true } };
  void keys, props;
  // The script-tag global is typed on window, too.
  const g = window.Moments;
  if (g && !Array.isArray(g)) {
    const mg: MomentsGlobal = g;
    mg.push(["track", "add_to_cart", { value: 25 }], (x) => x.debug(true));
  }
}

export async function mistakes(m: Moments): Promise<void> {
  // @ts-expect-error: init needs a bundle
  await init({});
  // @ts-expect-error: storage is local/session/memory
  create({ bundle, storage: "indexeddb" });
  // @ts-expect-error: consent is a boolean or granted/pending
  create({ bundle, consent: "yes" });
  // @ts-expect-error: the decision detail has no `value`
  m.on("decision", (d) => d.value);
  // @ts-expect-error: variant is "shown" | "holdout"
  m.on("decision", (d) => { const v: "control" = d.variant; void v; });
  // @ts-expect-error: the ready detail's bundle is a string
  m.on("ready", (d) => { const n: number = d.bundle; void n; });
  // @ts-expect-error: track needs a name
  m.track();
  // @ts-expect-error: price is a number
  m.track("add_to_cart", { price: "25" });
  // @ts-expect-error: consent takes a boolean
  m.consent("granted");
  // @ts-expect-error: an inline bundle needs rules
  const noRules: Bundle = { version: 1 };
  // @ts-expect-error: an unknown action
  const badAction: Bundle = { version: 1, rules: [{ id: "x", do: [{ redirect: "/sale" }] }] };
  // @ts-expect-error: a rule needs do
  const noDo: Bundle = { version: 1, rules: [{ id: "x" }] };
  // @ts-expect-error: insert position
  const badInsert: Action = { insert: { selector: "#x", position: "inside", html: "" } };
  // @ts-expect-error: validate returns a result, not a boolean
  const ok: boolean = validate(bundle);
  // @ts-expect-error: context() is not a promise
  await m.context().then;
  void noRules, badAction, noDo, badInsert, ok;
}
