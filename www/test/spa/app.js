// Ridgeline Outfitters: a single-page-app shop in plain JS (no framework, no build step), the way
// a React/Vue storefront behaves. It knows nothing about Moments:
// - a client-side router (history.pushState / popstate) that re-renders <main> with fresh nodes on
//   every route, and updates document.title and <meta name="moments:page-type"> as it renders;
// - a cart kept in memory, reported to analytics ONLY as GA4 events on window.dataLayer
//   (view_item, add_to_cart, remove_from_cart, view_cart, begin_checkout, purchase);
// - a search box rendered by the app (no <form>): Enter pushes a GA4 `search` event and routes to
//   /search?q=….
// window.shop is the app's own debugging handle (the tests drive the app through it too).
(function () {
  "use strict";
  var BASE = "/test/spa";
  var CATALOG = [
    { id: "TR-100", name: "Trail Runner 100", price: 120, cat: "shoes" },
    { id: "HK-200", name: "Hiking Boot 200", price: 180, cat: "shoes" },
    { id: "SK-01", name: "Merino Socks", price: 15, cat: "socks" },
    { id: "JK-09", name: "Rain Jacket", price: 95, cat: "jackets" },
  ];
  var CATEGORIES = { shoes: "Shoes", socks: "Socks", jackets: "Jackets" };
  var cart = []; // {id, qty}
  var lastOrder = null;
  var renders = 0;

  window.dataLayer = window.dataLayer || [];
  function ga(event, ecommerce) {
    window.dataLayer.push({ ecommerce: null });
    window.dataLayer.push({ event: event, ecommerce: ecommerce });
  }
  var product = function (id) { return CATALOG.filter(function (p) { return p.id === id; })[0]; };
  var gaItem = function (p, qty) { return { item_id: p.id, item_name: p.name, item_category: p.cat, price: p.price, quantity: qty }; };
  var cartItems = function () { return cart.map(function (l) { return gaItem(product(l.id), l.qty); }); };
  var cartValue = function () { return cart.reduce(function (s, l) { return s + product(l.id).price * l.qty; }, 0); };
  var cartCount = function () { return cart.reduce(function (s, l) { return s + l.qty; }, 0); };
  var usd = function (n) { return "$" + n.toFixed(2); };

  /** A tiny hyperscript: h("a", {href: "/", "data-link": ""}, "Home", child…). */
  function h(tag, attrs) {
    var el = document.createElement(tag);
    for (var k in attrs || {}) if (attrs[k] != null) el.setAttribute(k, attrs[k]);
    var add = function (c) {
      if (c == null) return;
      if (Array.isArray(c)) c.forEach(add);
      else el.append(c);
    };
    for (var i = 2; i < arguments.length; i++) add(arguments[i]);
    return el;
  }
  var link = function (href, text, cls) { return h("a", { href: BASE + href, "data-link": "", class: cls }, text); };

  // ---- routes ----
  function route() {
    var path = location.pathname.replace(/\/index\.html$/, "/");
    var rest = path.indexOf(BASE) === 0 ? path.slice(BASE.length) : path;
    var m;
    if (rest === "" || rest === "/") return { type: "home" };
    if ((m = /^\/c\/([a-z]+)$/.exec(rest)) && CATEGORIES[m[1]]) return { type: "category", cat: m[1] };
    if ((m = /^\/p\/([A-Z0-9-]+)$/.exec(rest)) && product(m[1])) return { type: "product", p: product(m[1]) };
    if (rest === "/cart") return { type: "cart" };
    if (rest === "/checkout") return { type: "checkout" };
    if (rest === "/thanks") return { type: "confirmation" };
    if (rest === "/search") return { type: "search", q: new URLSearchParams(location.search).get("q") || "" };
    return { type: "notfound" };
  }

  var newsletter = function () { return h("aside", { class: "newsletter" }, "Get trail news: ", h("input", { type: "email", "aria-label": "Email" })); };
  var card = function (p) {
    return h("li", { class: "card", "data-sku": p.id }, link("/p/" + p.id, p.name, "card-link"), " ", h("span", { class: "price" }, usd(p.price)),
      " ", h("button", { type: "button", class: "add-to-cart", "data-sku": p.id }, "Add to bag"));
  };

  var VIEWS = {
    home: function () {
      return [
        h("section", { class: "hero" }, h("h1", { class: "hero-title" }, "Gear for every trail."), h("p", { class: "hero-sub" }, "Free returns within 60 days.")),
        h("div", { class: "promo-slot" }),
        h("nav", { class: "cats" }, Object.keys(CATEGORIES).map(function (c) { return [link("/c/" + c, CATEGORIES[c], "cat-link"), " "]; })),
        newsletter(),
      ];
    },
    category: function (r) {
      return [
        h("h1", { class: "cat-title" }, CATEGORIES[r.cat]),
        h("ul", { class: "grid" }, CATALOG.filter(function (p) { return p.cat === r.cat; }).map(card)),
        newsletter(),
      ];
    },
    product: function (r) {
      var p = r.p;
      return [
        h("article", { class: "pdp", "data-sku": p.id },
          h("h1", { class: "pdp-title" }, p.name),
          h("span", { class: "pdp-price" }, usd(p.price)),
          h("div", { class: "pdp-badges" }),
          h("p", { class: "size-help is-hidden" }, "Runs half a size small."),
          h("a", { class: "size-guide", href: "#size" }, "Size guide"),
          h("button", { type: "button", class: "add-to-cart", "data-sku": p.id }, "Add to bag")),
        newsletter(),
      ];
    },
    cart: function () {
      return [
        h("h1", { class: "cart-title" }, "Your bag"),
        h("ul", { class: "cart-lines" }, cart.map(function (l) {
          var p = product(l.id);
          return h("li", { class: "cart-line", "data-sku": p.id }, p.name + " × " + l.qty + " ",
            h("button", { type: "button", class: "remove", "data-sku": p.id }, "Remove"));
        })),
        h("p", { class: "cart-total" }, "Total: " + usd(cartValue())),
        h("p", { class: "cart-note" }, "Orders over $100 ship free."),
        cart.length ? h("button", { type: "button", class: "to-checkout" }, "Checkout") : link("/", "Keep shopping", "keep-shopping"),
        newsletter(),
      ];
    },
    checkout: function () {
      return [
        h("h1", { class: "checkout-title" }, "Checkout"),
        h("p", { class: "checkout-help" }, "Pay securely below."),
        h("div", { class: "checkout-trust" }),
        h("p", { class: "checkout-total" }, "To pay: " + usd(cartValue())),
        h("button", { type: "button", class: "pay" }, "Pay now"),
        newsletter(),
      ];
    },
    confirmation: function () {
      return [h("h1", { class: "thanks-title" }, "Thank you!"), h("p", { class: "order-id" }, lastOrder ? lastOrder.id : "")];
    },
    search: function (r) {
      var q = r.q.toLowerCase();
      var hits = CATALOG.filter(function (p) { return q.split(/\s+/).some(function (w) { return w && (p.name.toLowerCase().indexOf(w) >= 0 || p.cat.indexOf(w) >= 0); }); });
      return [
        h("h1", { class: "search-head" }, "Results for “" + r.q + "”"),
        h("ul", { class: "grid results" }, hits.map(card)),
      ];
    },
    notfound: function () { return [h("h1", null, "Not found"), link("/", "Home")]; },
  };
  var TITLES = { home: "Ridgeline Outfitters", category: "Category", product: "Product", cart: "Your bag", checkout: "Checkout", confirmation: "Thank you", search: "Search", notfound: "Not found" };

  // ---- the shell (header with the search box and the mini cart), mounted once ----
  var header, main, count;
  function mount() {
    var root = document.getElementById("root");
    var input = h("input", { type: "text", class: "search-input", placeholder: "Search gear", "aria-label": "Search", autocomplete: "off" });
    var go = h("button", { type: "button", class: "search-go" }, "Search");
    count = h("b", { class: "mini-count" }, "0");
    header = h("header", { class: "topbar" }, link("/", "Ridgeline", "logo"), input, go,
      h("span", { class: "mini-cart" }, link("/cart", "Bag"), " (", count, ")"),
      h("span", { class: "ship-note" }, "Free shipping over $100"));
    main = h("main", { id: "view" });
    root.replaceChildren(header, main);
    var search = function () {
      var q = input.value.trim();
      if (!q) return;
      window.dataLayer.push({ event: "search", search_term: q });
      navigate("/search?q=" + encodeURIComponent(q));
    };
    go.addEventListener("click", search);
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") search(); });
  }

  /** Renders the current route: title, page-type meta, fresh <main> content. */
  function render(analytics) {
    var r = route();
    document.title = TITLES[r.type] + (r.p ? ": " + r.p.name : "") + " · Ridgeline";
    document.querySelector("meta[name='moments:page-type']").setAttribute("content", r.type);
    main.replaceChildren.apply(main, VIEWS[r.type](r));
    count.textContent = String(cartCount());
    renders++;
    if (!analytics) return;
    if (r.type === "product") ga("view_item", { currency: "USD", value: r.p.price, items: [gaItem(r.p, 1)] });
    if (r.type === "cart") ga("view_cart", { currency: "USD", value: cartValue(), items: cartItems() });
    if (r.type === "checkout") ga("begin_checkout", { currency: "USD", value: cartValue(), items: cartItems() });
  }

  /** Client-side navigation, as a router does it: the URL first, then the render. */
  function navigate(href) {
    history.pushState({ at: Date.now() }, "", BASE + href);
    render(true);
  }

  function add(id) {
    var l = cart.filter(function (x) { return x.id === id; })[0];
    if (l) l.qty += 1;
    else cart.push({ id: id, qty: 1 });
    render(false); // the app re-renders the view on every state change
    var p = product(id);
    ga("add_to_cart", { currency: "USD", value: p.price, items: [gaItem(p, 1)] });
  }
  function remove(id) {
    var l = cart.filter(function (x) { return x.id === id; })[0];
    if (!l) return;
    cart = cart.filter(function (x) { return x !== l; });
    render(false);
    ga("remove_from_cart", { currency: "USD", value: product(id).price * l.qty, items: [gaItem(product(id), l.qty)] });
  }
  function pay() {
    var order = { id: "RO-" + (1000 + renders), value: cartValue(), items: cartItems() };
    cart = [];
    lastOrder = order;
    ga("purchase", { transaction_id: order.id, currency: "USD", value: order.value, items: order.items });
    navigate("/thanks");
  }

  document.addEventListener("click", function (e) {
    var t = e.target instanceof Element ? e.target : null;
    if (!t) return;
    var a = t.closest("a[data-link]");
    if (a) {
      e.preventDefault();
      navigate(a.getAttribute("href").slice(BASE.length));
      return;
    }
    var b = t.closest("button");
    if (!b) return;
    if (b.classList.contains("add-to-cart")) add(b.getAttribute("data-sku"));
    else if (b.classList.contains("remove")) remove(b.getAttribute("data-sku"));
    else if (b.classList.contains("to-checkout")) navigate("/checkout");
    else if (b.classList.contains("pay")) pay();
  });
  window.addEventListener("popstate", function () { render(true); });

  mount();
  render(true);

  window.shop = {
    navigate: navigate,
    rerender: function () { render(false); },
    get renders() { return renders; },
    cart: function () { return JSON.parse(JSON.stringify(cart)); },
    /** What a framework does when it mounts over the whole body: every child replaced. */
    remount: function () {
      var root = h("div", { id: "root" });
      document.body.replaceChildren(root);
      mount();
      render(false);
    },
  };
})();
