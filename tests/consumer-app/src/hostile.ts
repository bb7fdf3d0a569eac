// Hostile input through the public API, as a buggy app or a third-party script might send it.
// Returns what threw (nothing should).
import { validate, evaluate, create } from "moments-sdk";
import type { Moments } from "moments-sdk";

export function hostile(m: Moments | null): string[] {
  const thrown: string[] = [];
  const attempt = (what: string, f: () => unknown): void => {
    try {
      f();
    } catch (e) {
      thrown.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  if (!m) return ["no instance"];
  const circular: Record<string, unknown> = { a: 1 };
  circular["self"] = circular;
  const huge = "x".repeat(1_000_000);
  const any = m as unknown as Record<string, (...args: unknown[]) => unknown>;
  attempt("track(circular)", () => m.track("add_to_cart", circular));
  attempt("track(BigInt)", () => m.track("x", { value: 10n as unknown as number }));
  attempt("track(function)", () => m.track("x", { f: () => 1 }));
  attempt("track(huge name)", () => m.track(huge));
  attempt("track(huge props)", () => m.track("x", { query: huge }));
  attempt("track(null)", () => any["track"]!(null));
  attempt("track(symbol)", () => any["track"]!(Symbol("s")));
  attempt("track(obj with throwing toString)", () => any["track"]!({ toString() { throw new Error("boom"); } }));
  attempt("track(getter that throws)", () => m.track("x", { get price(): number { throw new Error("getter"); } }));
  attempt("set(undefined)", () => any["set"]!(undefined));
  attempt("set(null)", () => any["set"]!(null));
  attempt("set(circular)", () => m.set(circular));
  attempt("set(string)", () => any["set"]!("gold"));
  attempt("set(huge)", () => m.set({ note: huge }));
  attempt("consent('yes')", () => any["consent"]!("yes"));
  attempt("on(null, null)", () => any["on"]!(null, null));
  attempt("on('x', 'not a function')", () => any["on"]!("x", "nope"));
  attempt("off(unknown)", () => any["off"]!("never", () => {}));
  attempt("fire(undefined)", () => any["fire"]!(undefined));
  attempt("fire(object)", () => any["fire"]!({}));
  attempt("explain(object)", () => any["explain"]!({}));
  attempt("context()", () => JSON.stringify(m.context()));
  attempt("validate(circular)", () => validate(circular));
  attempt("validate(BigInt)", () => validate(5n));
  attempt("validate(undefined)", () => (validate as (x?: unknown) => unknown)());
  attempt("evaluate(circular)", () => evaluate(circular as never, circular));
  attempt("evaluate(null, null)", () => (evaluate as (a: unknown, b: unknown) => unknown)(null, null));
  attempt("create(null)", () => (create as unknown as (o: unknown) => Moments)(null).destroy());
  return thrown;
}
