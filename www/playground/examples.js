// Bundles to start from, and the journeys that show them off. The playground loads each example
// from www/bundles/examples/<id>.json when that file is there (the maintained copy, also used by
// `moments simulate`), and falls back to the copy embedded here.

const settings = {
  consent: "granted",
  selectors: { addToCart: "[data-add-to-cart]", searchForm: "form[role=search]" },
  abandonment: { idleSeconds: 45, staleCartHours: 24 },
  exitIntent: { sensitivity: 20, mobile: true },
};

export const EXAMPLES = [
  {
    id: "exit-intent-offer",
    title: "Exit-intent offer",
    journey: "exit-with-cart",
    bundle: {
      version: 1,
      id: "exit-intent-offer",
      settings,
      segments: { bigCart: { "cart.value": { $gte: 100 } } },
      rules: [
        {
          id: "exit-offer-big-cart",
          on: ["exit_intent"],
          when: { "cart.items": { $gt: 0 }, "segments.bigCart": true },
          do: [{ prompt: { layout: "modal", title: "Wait! Free express shipping", body: "Your {{cart.items}} item(s) ship express for free today. Use code FREESHIP.", cta: { label: "Back to cart", href: "/cart.html" } } }],
          cap: { max: 1, per: "session" },
          priority: 20,
        },
        {
          id: "exit-offer",
          on: ["exit_intent"],
          when: { "cart.items": { $gt: 0 } },
          do: [{ prompt: { layout: "modal", title: "Wait! 10% off", body: "Use code STAY10 on your {{cart.items}} item(s).", cta: { label: "Back to cart", href: "/cart.html" } } }],
          cap: { max: 1, per: "session" },
          priority: 10,
        },
      ],
    },
  },
  {
    id: "search-swap",
    title: "Search-based swap",
    journey: "searcher",
    bundle: {
      version: 1,
      id: "search-swap",
      settings,
      rules: [
        {
          id: "rain-search-banner",
          on: ["search", "page_view"],
          when: { "page.type": "search", "search.query": { $regex: "rain|waterproof|áo khoác" } },
          do: [
            { replace: { selector: "#search-title", text: "Ready for the rainy season" } },
            { insert: { selector: "#promo-slot", position: "append", html: "<p class=\"note\">Storm Shell and TrailGrip GTX: fully waterproof, free returns for 30 days.</p>" } },
          ],
        },
        {
          id: "go-search-stores",
          on: ["search"],
          when: { moment: "go" },
          do: [{ insert: { selector: "#promo-slot", position: "prepend", html: "<p class=\"note\">Looking for a store? <a href=\"/stores.html\">Saigon, Hanoi and Portland</a> — open until 21:00.</p>" } }],
          cap: { max: 1, per: "session" },
        },
      ],
    },
  },
  {
    id: "returning-cart",
    title: "Returning cart",
    journey: "returning-with-cart",
    bundle: {
      version: 1,
      id: "returning-cart",
      settings,
      rules: [
        {
          id: "welcome-back-hero",
          on: ["page_view", "returning_with_cart"],
          when: { "page.type": "home", "cart.items": { $gt: 0 } },
          do: [
            { replace: { selector: "#hero-title", text: "Welcome back — your kit is waiting." } },
            { replace: { selector: "#hero-subtitle", text: "{{cart.items}} item(s) saved in your cart." } },
            { attr: { selector: "#hero-cta", name: "href", value: "/cart.html" } },
            { replace: { selector: "#hero-cta", text: "Back to your cart" } },
          ],
        },
        {
          id: "stale-cart-banner",
          on: ["returning_with_cart", "cart_abandoned"],
          when: { "cart.items": { $gt: 0 } },
          do: [{ prompt: { layout: "banner", title: "Still thinking it over?", body: "Your cart is saved. Free shipping on orders over $75.", cta: { label: "View cart", href: "/cart.html" } } }],
          cap: { max: 1, per: "session" },
        },
      ],
    },
  },
  {
    id: "email-welcome",
    title: "Channel welcome (email)",
    journey: "email-visitor",
    bundle: {
      version: 1,
      id: "email-welcome",
      settings,
      rules: [
        {
          id: "email-announcement",
          on: ["page_view"],
          when: { channel: "email" },
          do: [{ replace: { selector: "#announcement-bar", text: "Thanks for reading our newsletter — WELCOME10 takes 10% off today." } }],
        },
        {
          id: "email-welcome-toast",
          on: ["page_view"],
          when: { channel: "email", "visit.returning": { $ne: true } },
          do: [{ prompt: { layout: "toast", title: "Welcome from our newsletter!", body: "Code WELCOME10 is waiting at checkout." } }],
          cap: { max: 1, per: "session" },
        },
      ],
    },
  },
  {
    id: "guided-conversation",
    title: "Guided conversation",
    journey: "undecided-browser",
    bundle: {
      version: 1,
      id: "guided-conversation",
      settings,
      rules: [
        {
          id: "shoe-finder",
          on: ["idle", "exit_intent"],
          when: { "page.type": { $in: ["product", "category"] }, "cart.items": { $in: [0, null] } },
          do: [{
            prompt: {
              layout: "slide-in",
              title: "Can we help you choose?",
              body: "Two questions and we'll point you to the right shoe.",
              flow: {
                start: "where",
                nodes: {
                  where: { text: "Where do you mostly run?", buttons: [
                    { label: "Roads and parks", next: "road" },
                    { label: "Trails and mud", next: "trail" },
                    { label: "Not sure yet", href: "/guide.html" },
                  ] },
                  road: { text: "The AeroRunner 2 is our lightest daily trainer.", buttons: [
                    { label: "Show me", href: "/product.html?id=aero-runner-2" },
                    { label: "Talk to us", emit: { name: "chat_requested", props: { topic: "road" } } },
                  ] },
                  trail: { text: "TrailGrip GTX: 5 mm lugs, fully waterproof.", buttons: [
                    { label: "Show me", href: "/product.html?id=trailgrip-gtx" },
                    { label: "10% off it", do: [{ insert: { selector: "#promo-slot", position: "append", html: "<p class=\"note\">Code STAY10: 10% off TrailGrip GTX today.</p>" } }] },
                  ] },
                },
              },
            },
          }],
          cap: { max: 1, per: "session" },
        },
      ],
    },
  },
];

/** Journeys: one step per line. See the player's help for every step type. */
export const JOURNEYS = [
  {
    id: "exit-with-cart",
    title: "Adds to cart, then tries to leave",
    steps: [
      { type: "page", path: "/product.html?id=trailgrip-gtx" },
      { type: "scroll", depth: 60 },
      { type: "add_to_cart", id: "trailgrip-gtx", size: "US 9" },
      { type: "page", path: "/cart.html" },
      { type: "idle" },
      { type: "exit" },
    ],
  },
  {
    id: "searcher",
    title: "Searches for trail shoes, then a deal",
    steps: [
      { type: "page", path: "/index.html" },
      { type: "search", query: "which trail running shoes are best" },
      { type: "scroll", depth: 75 },
      { type: "page", path: "/index.html" },
      { type: "search", query: "running shoes sale" },
      { type: "exit" },
    ],
  },
  {
    id: "returning-with-cart",
    title: "Leaves a cart, comes back",
    steps: [
      { type: "page", path: "/category.html?c=accessories" },
      { type: "add_to_cart", id: "featherlight-cap" },
      { type: "fire", signal: "cart_abandoned" },
      { type: "page", path: "/index.html" },
      { type: "fire", signal: "returning_with_cart" },
    ],
  },
  {
    id: "email-visitor",
    title: "Arrives from the newsletter",
    steps: [
      { type: "page", path: "/index.html?utm_source=newsletter&utm_medium=email&utm_campaign=spring" },
      { type: "scroll", depth: 50 },
      { type: "page", path: "/category.html?c=shoes" },
    ],
  },
  {
    id: "undecided-browser",
    title: "Researches a shoe, hesitates",
    steps: [
      { type: "page", path: "/index.html" },
      { type: "search", query: "how to choose running shoe size" },
      { type: "page", path: "/product.html?id=aero-runner-2" },
      { type: "scroll", depth: 80 },
      { type: "view_item", id: "aero-runner-2" },
      { type: "idle" },
      { type: "exit" },
    ],
  },
];

/** Pages of the demo shop the preview can show. */
export const PAGES = [
  ["/index.html", "Home"],
  ["/category.html?c=shoes", "Category: shoes"],
  ["/product.html?id=trailgrip-gtx", "Product: TrailGrip GTX"],
  ["/cart.html", "Cart"],
  ["/checkout.html", "Checkout"],
  ["/search.html?q=rain+jacket", "Search: rain jacket"],
  ["/stores.html", "Stores"],
  ["/guide.html", "Size guide"],
];
