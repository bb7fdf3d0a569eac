// Type-checked (tsc -p .) against the package's index.d.ts: what a TypeScript shop writes.
// Lines marked @ts-expect-error must fail to compile: the types catch those mistakes.
import { init, create, validate, evaluate, load } from "moments-sdk";
import type { Bundle, Rule, Condition, Action, Prompt, Flow, Context, Moments, DecisionDetail, ValidationResult, MomentsGlobal } from "moments-sdk";

const flow: Flow = {
  start: "size",
  nodes: {
    size: { text: "Which size do you wear?", buttons: [{ label: "S–M", next: "fit" }, { label: "Size guide", href: "/size-guide" }, { label: "Talk to us", emit: { name: "chat_requested" } }, { label: "10% off", do: [{ emit: { name: "coupon" } }] }] },
    fit: { text: "Go half a size up." },
  },
};
const prompt: Prompt = { layout: "modal", title: "Wait! 10% off", body: "Use code STAY10 on {{cart.items}} items", cta: { label: "Back to cart", href: "/cart" } };
const when: Condition = { "cart.items": { $gt: 0 }, "segments.bigCart": true, $or: [{ moment: "buy" }, { "abandonment.risk": { $gte: 0.7 } }], "search.lastQueries": { $elemMatch: { $regex: "giày" } } };
const actions: Action[] = [
  { replace: { selector: "#hero", text: "Hi" } },
  { insert: { selector: "#promo", position: "append", html: "<p>Free shipping</p>" } },
  { attr: { selector: "#cta", name: "href", value: "/cart" } },
  { class: { selector: "#banner", add: "urgent", remove: ["quiet"] } },
  { hide: "#popup" },
  { show: "#chat" },
  { prompt },
  { prompt: { layout: "slide-in", title: "Size?", flow } },
  { emit: { name: "offer_shown", props: { code: "STAY10" } } },
];
const rule: Rule = { id: "exit-offer", on: ["exit_intent"], when, do: actions, cap: { max: 1, per: "session" }, priority: 10, schedule: { from: "2026-03-01", until: "2026-04-01", hours: [9, 22], weekdays: ["mon", 5] }, holdout: 0.1 };
const perThreeDays: Rule = { id: "r2", on: "add_to_cart", do: [], cap: { max: 2, per: "3d" } };
const bundle: Bundle = {
  version: 1,
  id: "spring-sale",
  settings: { consent: "granted", selectors: { addToCart: "[data-add-to-cart]" }, abandonment: { idleSeconds: 45, staleCartHours: 24 }, exitIntent: { sensitivity: 20, mobile: true } },
  segments: { bigCart: { "cart.value": { $gte: 100 } } },
  rules: [rule, perThreeDays],
};

// @ts-expect-error: version must be 1
const badVersion: Bundle = { version: 2, rules: [] };
// @ts-expect-error: a replace needs text or html
const badReplace: Action = { replace: { selector: "#x" } };
// @ts-expect-error: unknown layout
const badPrompt: Prompt = { layout: "popup", title: "x" };
// @ts-expect-error: a cap window is session/day/week/lifetime/Nd
const badCap: Rule = { id: "x", do: [], cap: { max: 1, per: "month" } };

async function main(): Promise<void> {
  const m: Moments = await init({
    bundle,
    consent: "pending",
    debug: false,
    storage: "session",
    on: { decision: (d) => console.log(d.rule, d.variant), error: (e) => console.warn(e.message, e.errors?.[0]?.path) },
  });
  m.track("add_to_cart", { id: "sku-1", price: 25, quantity: 1 });
  m.set({ tier: "gold" });
  m.consent(true);
  const onDecision = (d: DecisionDetail): void => {
    const v: "shown" | "holdout" = d.variant;
    void v;
  };
  m.on("decision", onDecision);
  m.off("decision", onDecision);
  m.on("chat_requested", (props) => console.log(props));
  m.on("prompt_clicked", (d) => console.log(d.label, d.node));
  const ctx: Context = m.context();
  const value: number = ctx.cart.value;
  const moment: "know" | "go" | "do" | "buy" | "none" = ctx.moment;
  void value, moment;
  const why = m.explain("exit-offer");
  for (const r of why.rules) console.log(r.id, r.fired, r.reason);
  m.fire("exit_intent");
  m.reset();
  m.destroy();
  await m.ready;
  // @ts-expect-error: consent takes a boolean
  m.consent("yes");

  const later = create({ bundle: "/bundle.json" });
  later.on("ready", (d) => console.log(d.bundle));
  await load();
  const r: ValidationResult = validate(bundle);
  if (!r.ok) for (const e of r.errors) console.error(`${e.path}: ${e.message} (${e.severity})`);
  const yes: boolean = evaluate({ "cart.value": { $gte: 100 } }, { cart: { value: 120 } });
  void yes;

  // The script tag's global, with the pre-load queue.
  window.Moments = window.Moments || [];
  if (Array.isArray(window.Moments)) window.Moments.push(["track", "add_to_cart", { value: 25 }]);
  const g = window.Moments as MomentsGlobal;
  g.push(["set", { tier: "gold" }], (api) => api.track("wishlist"));
}
void main, badVersion, badReplace, badPrompt, badCap;
