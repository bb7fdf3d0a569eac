// The storefront: a shell (cart badge, offer, status) around the routed view, the Moments provider,
// commerce tracking in GA4 shape, and the bundle preview panel.
import { load, validate, evaluate } from "moments-sdk";
import type { Condition, Context, TrackProps, ValidationResult } from "moments-sdk";
import { boundary, useEffect } from "./framework.js";
import { useMoments } from "./moments.js";
import { currentRoute, useRouter } from "./routes.js";
import { store } from "./store.js";
import { SELF_HOSTED_WASM, type AppConfig } from "./config.js";

/** The cart badge reads the SDK's context in render (as the types allow: `context(): Context`). */
export function CartBadge(): string {
  const m = store.m;
  if (!m) return "";
  const ctx: Context = m.context();
  return `${ctx.cart.items} item(s), $${ctx.cart.value}`;
}

function renderBadge(): void {
  const el = document.getElementById("cart-badge");
  if (el) el.textContent = boundary("CartBadge", CartBadge, "");
}

const product = { item_id: "trail-runner", item_name: "Trail Runner", price: 60, quantity: 1 };

async function onAction(action: string, cfg: AppConfig): Promise<void> {
  const m = store.m;
  if (action === "add" && m) {
    const props: TrackProps = { currency: "USD", value: product.price, items: [product] };
    m.track("add_to_cart", props);
  } else if (action === "help" && m) {
    m.track("help_requested");
  } else if (action === "check") {
    await load(cfg.selfHostWasm ? SELF_HOSTED_WASM : undefined);
    const text = (document.getElementById("bundle-text") as HTMLTextAreaElement).value;
    const r: ValidationResult = validate(text);
    const out = document.getElementById("check-result");
    if (out) out.textContent = r.ok ? "ok" : r.errors.map((e) => `${e.severity} ${e.path}: ${e.message}`).join("\n");
  } else if (action === "eval") {
    await load(cfg.selfHostWasm ? SELF_HOSTED_WASM : undefined);
    const cond = JSON.parse((document.getElementById("cond") as HTMLInputElement).value) as Condition;
    const ctx = JSON.parse((document.getElementById("ctx") as HTMLInputElement).value) as Record<string, unknown>;
    const out = document.getElementById("eval-result");
    if (out) out.textContent = String(evaluate(cond, ctx));
  }
}

export function App(cfg: AppConfig): () => string {
  return () => {
    useMoments(cfg);
    useRouter();
    useEffect(() => {
      const onClick = (e: MouseEvent): void => {
        const b = e.target instanceof Element ? e.target.closest("[data-action]") : null;
        const action = b?.getAttribute("data-action");
        if (action) void onAction(action, cfg);
      };
      document.addEventListener("click", onClick);
      // Re-render the badge on every SDK signal (a store subscription).
      const rerender = (): void => {
        renderBadge();
        store.m?.on("signal", renderBadge);
      };
      store.listeners.add(rerender);
      rerender();
      return () => {
        document.removeEventListener("click", onClick);
        store.listeners.delete(rerender);
      };
    });
    const r = currentRoute();
    document.querySelector('meta[name="moments:page-type"]')?.setAttribute("content", r.type);
    document.title = r.title;
    return `<div id="view">${r.view()}</div>
      <p id="offer" hidden></p>
      <p id="status">starting</p>
      <footer><p id="footer-note">Stride shoes since 2020</p></footer>`;
  };
}
