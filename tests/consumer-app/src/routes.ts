// Client-side routing (history.pushState), one view per route, rendered into #view.
import { useEffect } from "./framework.js";
import { bundle } from "./bundle.js";

interface Route {
  type: string;
  title: string;
  view: () => string;
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export const routes: Record<string, Route> = {
  "/": { type: "home", title: "Stride — home", view: () => `<h1 id="hero-title">Run further, feel lighter.</h1><p>New season, new shoes.</p>` },
  "/product/trail-runner": {
    type: "product",
    title: "Trail Runner — Stride",
    view: () => `<h1 id="product-title">Trail Runner</h1><p id="product-badge">In stock</p><p>$60.00</p>
      <button id="add-to-cart" type="button" data-action="add">Add to cart</button>
      <button id="help" type="button" data-action="help">Help</button>`,
  },
  "/cart": { type: "cart", title: "Cart — Stride", view: () => `<h1 id="cart-title">Your cart</h1><p id="ship-note">Shipping calculated at checkout</p>` },
  "/preview": {
    type: "other",
    title: "Bundle preview — Stride",
    view: () => `<h1>Bundle preview</h1>
      <textarea id="bundle-text" rows="8" cols="80">${esc(JSON.stringify(bundle, null, 1))}</textarea>
      <button id="check" type="button" data-action="check">Check</button>
      <pre id="check-result"></pre>
      <input id="cond" value='{"cart.value":{"$gte":50}}'>
      <input id="ctx" value='{"cart":{"value":60}}'>
      <button id="eval" type="button" data-action="eval">Evaluate</button>
      <output id="eval-result"></output>`,
  },
};

const notFound: Route = { type: "other", title: "Not found — Stride", view: () => `<h1>Not found</h1>` };

export function currentRoute(): Route {
  return routes[location.pathname] ?? notFound;
}

/** Renders the route of the current URL: page type meta, title, then the view. */
export function renderRoute(): void {
  const r = currentRoute();
  document.querySelector('meta[name="moments:page-type"]')?.setAttribute("content", r.type);
  document.title = r.title;
  const view = document.getElementById("view");
  if (view) view.innerHTML = r.view();
}

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState({}, "", path);
  renderRoute();
}

/** The router: link clicks and back/forward. */
export function useRouter(): void {
  useEffect(() => {
    const onClick = (e: MouseEvent): void => {
      const a = e.target instanceof Element ? e.target.closest("a[data-link]") : null;
      if (!(a instanceof HTMLAnchorElement) || e.button !== 0 || e.metaKey || e.ctrlKey) return;
      e.preventDefault();
      navigate(a.pathname);
    };
    const onPop = (): void => renderRoute();
    document.addEventListener("click", onClick);
    window.addEventListener("popstate", onPop);
    return () => {
      document.removeEventListener("click", onClick);
      window.removeEventListener("popstate", onPop);
    };
  });
}
