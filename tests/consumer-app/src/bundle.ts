// The shop's rule bundle, written in TypeScript against the package's `Bundle` type (the inline
// variant passes this object to init). public/bundle.json is the same bundle as a file (the URL
// variant); the test checks the two are equal.
import type { Bundle } from "moments-sdk";

export const bundle: Bundle = {
  version: 1,
  id: "npm-app",
  settings: { consent: "granted", selectors: { addToCart: "[data-add-to-cart]" } },
  segments: { bigCart: { "cart.value": { $gte: 50 } } },
  rules: [
    {
      id: "hero-gold",
      description: "set() before the first page view: page-view rules see it",
      on: ["page_view"],
      when: { "page.type": "home", "custom.tier": "gold" },
      do: [{ replace: { selector: "#hero-title", text: "Welcome back, {{custom.tier}} member" } }],
    },
    {
      id: "product-badge",
      on: ["page_view"],
      when: { "page.type": "product" },
      do: [
        { replace: { selector: "#product-badge", text: "Selling fast" } },
        { class: { selector: "#product-badge", add: "hot" } },
      ],
    },
    {
      id: "cart-shipping",
      on: ["page_view"],
      when: { "page.type": "cart", "segments.bigCart": true },
      do: [{ replace: { selector: "#ship-note", text: "Free shipping on your {{cart.items}} item(s)" } }],
    },
    {
      id: "big-cart-offer",
      on: ["add_to_cart"],
      when: { "segments.bigCart": true },
      do: [{ emit: { name: "offer", props: { code: "BIG50" } } }],
    },
    {
      id: "boot",
      description: "track() right after create(), before ready",
      on: ["app_boot"],
      do: [{ emit: { name: "boot_seen", props: { ok: true } } }],
    },
    {
      id: "help",
      on: ["help_requested"],
      do: [{ prompt: { layout: "toast", title: "Need a hand?", body: "Free returns for 30 days." } }],
    },
  ],
};
