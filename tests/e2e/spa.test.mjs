// A single-page-app shop: www/test/spa/ is "Ridgeline Outfitters", a storefront written the way a
// React/Vue app behaves, in plain JS. Its router uses history.pushState / popstate and renders
// <main> with fresh nodes on every route (title and <meta name="moments:page-type"> updated as it
// renders, after the URL, as routers do); its cart lives in memory and reports to analytics only
// through GA4 `dataLayer.push({event, ecommerce})`; its search box is no <form>: Enter pushes a GA4
// `search` event and routes to /search?q=…. It loads the SDK with the README's script tag (async),
// and its bundle (www/test/spa/bundle.json) is written from the contract alone. What a shop owner
// expects: a page view per route, swaps on elements that only appear after a route change (and
// again after a re-render, never twice), cart rules that follow the GA4 pushes, search moments from
// the app's search, exit intent and abandonment, conversions, handlers, no errors, destroy(); and
// the SPA's hostile cases: a route change during a prompt, 200 rapid route changes, the app
// replacing the whole body.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, newPage, momentsReady, momentsEvents, BASE } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const ROOT = "/test/spa";
const INDEX = readFileSync(new URL("../../www/test/spa/index.html", import.meta.url), "utf8");

/**
 * The app's index.html for a deep link, with the route's page-type meta set by the server (as an
 * SPA rendered on the server does): the SDK's first page view does not depend on whether the app
 * (deferred) renders before the SDK (async) starts.
 */
function served(pathname) {
  const rest = pathname.slice(ROOT.length);
  const type = /^\/c\//.test(rest) ? "category" : /^\/p\//.test(rest) ? "product" : rest === "/cart" ? "cart"
    : rest === "/checkout" ? "checkout" : rest === "/search" ? "search" : "home";
  return INDEX.replace('name="moments:page-type" content="home"', `name="moments:page-type" content="${type}"`);
}

/**
 * Opens `path` (a route of the app, say "/p/TR-100") in a fresh shopper's browser and waits for
 * the SDK. The app's deep links are served its index.html, as an SPA's server does (the test
 * server only serves files). `opts.settings` patches the bundle's settings; `opts.init` is script
 * that runs before the page's own (the shop's pre-load queue file).
 */
async function open(path = "/", opts = {}) {
  const page = await newPage(browser);
  await page.route((url) => url.pathname.startsWith(ROOT + "/") && !/\.(js|css|json)$/.test(url.pathname), (route) =>
    route.fulfill({ contentType: "text/html; charset=utf-8", body: served(new URL(route.request().url()).pathname) }));
  if (opts.settings) {
    await page.route(`**${ROOT}/bundle.json`, async (route) => {
      const b = await (await route.fetch()).json();
      for (const [k, v] of Object.entries(opts.settings)) b.settings[k] = Object.assign({}, b.settings[k], v);
      await route.fulfill({ contentType: "application/json", body: JSON.stringify(b) });
    });
  }
  if (opts.init) await page.addInitScript(opts.init);
  await page.goto(BASE + ROOT + path);
  await momentsReady(page);
  return page;
}

const ctx = (page) => page.evaluate(() => Moments.context());
const text = (page, sel) => page.evaluate((s) => { const e = document.querySelector(s); return e && e.textContent; }, sel);
const count = (page, sel) => page.evaluate((s) => document.querySelectorAll(s).length, sel);
const signals = async (page, name) => (await momentsEvents(page)).filter((e) => e.event === "moments_signal" && e.name === name).length;
const waitSignal = (page, name, n = 1, timeout = 5000) => page.waitForFunction(([name, n]) =>
  (window.dataLayer || []).filter((e) => e && e.event === "moments_signal" && e.name === name).length >= n, [name, n], { timeout });
/** The app's router, as its links do it (pushState, then render). */
const go = (page, route) => page.evaluate((r) => shop.navigate(r), route);
const pageviews = (page) => page.evaluate(() => Moments.context().session.pageviews);
/** Waits until every queued MutationObserver callback has run (two animation frames). */
const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const leave = (page) => page.evaluate(() => document.dispatchEvent(new MouseEvent("mouseout", { clientY: 0, clientX: 300, relatedTarget: null, bubbles: true })));
const exitFast = { exitIntent: { minSeconds: 0, delayMs: 0 } };

test("a page view per route: page.path and session.pageviews follow pushState, links, back and forward", async () => {
  const page = await open("/");
  let c = await ctx(page);
  assert.deepEqual([c.page.path, c.page.type, c.session.pageviews], [`${ROOT}/`, "home", 1]);
  await page.click("a.cat-link[href$='/c/shoes']");
  await page.click("a.card-link[href$='/p/TR-100']");
  await page.click("a[href$='/cart']");
  await settle(page); // the page view comes once the app has rendered the route
  c = await ctx(page);
  assert.deepEqual([c.page.path, c.session.pageviews], [`${ROOT}/cart`, 4]);
  assert.equal(await signals(page, "page_view"), 4);
  await page.goBack();
  await page.waitForFunction(() => Moments.context().page.path.endsWith("/p/TR-100"));
  await page.goBack();
  await page.waitForFunction(() => Moments.context().page.path.endsWith("/c/shoes"));
  await page.goForward();
  await page.waitForFunction(() => Moments.context().page.path.endsWith("/p/TR-100"));
  assert.equal(await pageviews(page), 7);
  assert.equal(await signals(page, "page_view"), 7);
  // After popstate the app has rendered before the SDK reads the page: its meta and title hold.
  c = await ctx(page);
  assert.deepEqual([c.page.type, c.page.title], ["product", "Product: Trail Runner 100 · Ridgeline"]);
  // A re-render without a route change (replaceState to the same URL) is no page view.
  await page.evaluate(() => { history.replaceState(history.state, "", location.href); shop.rerender(); });
  assert.equal(await pageviews(page), 7);
  assert.deepEqual(page.errors, []);
});

test("after a pushState route change, page.type and page.title are the new route's (the meta the app renders)", async () => {
  const page = await open("/");
  const seen = [];
  for (const [route, type, title] of [
    ["/c/shoes", "category", "Category · Ridgeline"],
    ["/p/TR-100", "product", "Product: Trail Runner 100 · Ridgeline"],
    ["/cart", "cart", "Your bag · Ridgeline"],
    ["/search?q=boots", "search", "Search · Ridgeline"],
  ]) {
    await go(page, route);
    await settle(page);
    const c = await ctx(page);
    seen.push([c.page.type, c.page.title]);
    assert.deepEqual([c.page.type, c.page.title], [type, title], `${route}: ${JSON.stringify(seen)}`);
  }
  // And what the marketer keyed on page.type happens: the newsletter is hidden in the cart.
  await go(page, "/cart");
  await settle(page);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector(".newsletter")).display), "none");
  assert.deepEqual(page.errors, []);
});

test("product-page swaps apply to elements that appear after a route change, again after a re-render, and never twice", async () => {
  const page = await open("/");
  const pdp = () => page.evaluate(() => ({
    badges: [...document.querySelectorAll(".badge-free-returns")].map((e) => e.textContent),
    hot: document.querySelector(".pdp-price").classList.contains("price--hot"),
    help: getComputedStyle(document.querySelector(".size-help")).display !== "none",
    href: document.querySelector(".size-guide").getAttribute("href"),
  }));
  const want = { badges: ["Free returns, 60 days"], hot: true, help: true, href: "/test/spa/guide/sizes" };
  assert.equal(await count(page, ".pdp-badges"), 0, "no product page yet");
  await page.click("a.cat-link[href$='/c/shoes']");
  await page.click("a.card-link[href$='/p/HK-200']");
  await page.waitForSelector(".badge-free-returns");
  assert.deepEqual(await pdp(), want);

  // The app re-renders the view (fresh nodes): the swaps follow, once.
  const old = await page.evaluateHandle(() => document.querySelector(".pdp-badges"));
  await page.evaluate(() => shop.rerender());
  await settle(page);
  assert.equal(await old.evaluate((e) => e.isConnected), false, "the app did render fresh nodes");
  assert.deepEqual(await pdp(), want);
  for (let i = 0; i < 5; i++) await page.evaluate(() => shop.rerender());
  await settle(page);
  assert.deepEqual(await pdp(), want, "five re-renders");

  // Adding to the bag re-renders the view too (the app's way).
  await page.click(".pdp .add-to-cart");
  await waitSignal(page, "add_to_cart");
  await settle(page);
  assert.deepEqual(await pdp(), want, "after add to cart");

  // Back and forth between the category and the product: each product view has one badge, and
  // pages that are not product pages have none.
  for (let i = 0; i < 4; i++) {
    await page.goBack();
    await page.waitForFunction(() => location.pathname.endsWith("/c/shoes") && document.querySelector(".cat-title"));
    await settle(page);
    assert.equal(await count(page, ".badge-free-returns"), 0, `back ${i}`);
    await page.goForward();
    await page.waitForFunction(() => location.pathname.endsWith("/p/HK-200") && document.querySelector(".pdp-title"));
    await settle(page);
    assert.deepEqual(await pdp(), want, `forward ${i}`);
  }
  // Another product, through the app's own link.
  await go(page, "/p/TR-100");
  await settle(page);
  assert.deepEqual(await pdp(), want);
  assert.equal(await count(page, ".pdp-badges > *"), 1);
  assert.deepEqual(page.errors, []);
});

test("GA4 cart pushes drive the cart rules: add_to_cart, remove_from_cart, view_cart; one signal each", async () => {
  const page = await open("/c/shoes");
  await page.click(".card[data-sku='TR-100'] .add-to-cart");
  await waitSignal(page, "add_to_cart", 1);
  let c = (await ctx(page)).cart;
  assert.deepEqual([c.items, c.value, c.currency], [1, 120, "USD"]);
  assert.equal((await ctx(page)).segments.freeShip, true);
  // The header is the app's shell (never re-rendered): the note changes in place.
  await page.waitForFunction(() => document.querySelector(".ship-note").textContent.startsWith("Free shipping unlocked"));
  assert.equal(await text(page, ".ship-note"), "Free shipping unlocked on your 120 USD bag");

  await page.click(".card[data-sku='HK-200'] .add-to-cart");
  await page.click(".card[data-sku='TR-100'] .add-to-cart"); // fresh nodes after each click
  await waitSignal(page, "add_to_cart", 3);
  c = (await ctx(page)).cart;
  assert.deepEqual([c.items, c.value], [3, 420]);
  await page.waitForFunction(() => document.querySelector(".ship-note").textContent.includes("420"));
  assert.equal(await signals(page, "add_to_cart"), 3, "the {ecommerce: null} resets are no events");

  // Home greets a shopper with a bag (a rule on page_view, the hero rendered after the route).
  await page.click("a.logo");
  await page.waitForFunction(() => document.querySelector(".hero-title").textContent.startsWith("Welcome back"));
  assert.equal(await text(page, ".hero-title"), "Welcome back: 3 item(s) in your bag");

  // The cart page: view_cart, then the app's remove buttons.
  await page.click("a[href$='/cart']");
  await waitSignal(page, "view_cart", 1);
  assert.equal(await count(page, ".cart-line"), 2);
  await page.click(".cart-line[data-sku='TR-100'] .remove");
  await waitSignal(page, "remove_from_cart", 1);
  c = (await ctx(page)).cart;
  assert.deepEqual([c.items, c.value], [1, 180]);
  await page.waitForFunction(() => document.querySelector(".ship-note").textContent.includes("180"));
  await page.click(".cart-line[data-sku='HK-200'] .remove");
  await waitSignal(page, "remove_from_cart", 2);
  c = (await ctx(page)).cart;
  assert.deepEqual([c.items, c.value], [0, 0]);
  // An empty bag: on the next route the note is the app's own again (changes last one page view).
  await page.click("a.keep-shopping");
  await page.waitForFunction(() => document.querySelector(".ship-note").textContent === "Free shipping over $100");
  assert.equal(await text(page, ".hero-title"), "Gear for every trail.");
  assert.equal(await signals(page, "view_cart"), 1);
  assert.deepEqual(page.errors, []);
});

test("the app's search (a GA4 search event and a ?q= route) is one search, with its moment and the results-page swap", async () => {
  const page = await open("/");
  await page.fill(".search-input", "cheap trail shoes deal");
  await page.press(".search-input", "Enter");
  await page.waitForFunction(() => location.search === "?q=cheap%20trail%20shoes%20deal");
  let c = await ctx(page);
  assert.equal(c.search.query, "cheap trail shoes deal");
  assert.equal(c.search.count, 1, "the GA4 event and the route's ?q= are one search");
  assert.equal(c.moment, "buy", JSON.stringify(c.momentScores));
  assert.equal(await signals(page, "search"), 1);

  await page.fill(".search-input", "which hiking boot is best reviews");
  await page.press(".search-input", "Enter");
  await page.waitForFunction(() => location.search.startsWith("?q=which"));
  c = await ctx(page);
  assert.equal(c.search.count, 2);
  assert.deepEqual(c.search.lastQueries, ["cheap trail shoes deal", "which hiking boot is best reviews"]);
  assert.equal(c.moment, "know", JSON.stringify(c.momentScores));
  // Back to the first results: a results page revisited is not a new search.
  await page.goBack();
  await page.waitForFunction(() => location.search.startsWith("?q=cheap"));
  assert.equal((await ctx(page)).search.count, 2);
  assert.deepEqual(page.errors, []);
});

test("the results page's headline follows the search moment (a rule on page.type \"search\")", async () => {
  const page = await open("/");
  await page.fill(".search-input", "cheap trail shoes deal");
  await page.press(".search-input", "Enter");
  await page.waitForFunction(() => document.querySelector(".search-head").textContent.startsWith("Best prices"), null, { timeout: 3000 });
  assert.equal(await text(page, ".search-head"), "Best prices today for “cheap trail shoes deal”");
  await page.fill(".search-input", "which hiking boot is best reviews");
  await page.press(".search-input", "Enter");
  await page.waitForFunction(() => document.querySelector(".search-head").textContent.startsWith("Not sure"), null, { timeout: 3000 });
  assert.equal(await text(page, ".search-head"), "Not sure yet? Compare picks for “which hiking boot is best reviews”");
  assert.deepEqual(page.errors, []);
});

test("a search deep link (/search?q=…) counts once and picks the moment", async () => {
  const page = await open("/search?q=" + encodeURIComponent("rain jacket discount"));
  const c = await ctx(page);
  assert.deepEqual([c.page.type, c.search.query, c.search.count, c.moment], ["search", "rain jacket discount", 1, "buy"]);
  await page.waitForFunction(() => document.querySelector(".search-head").textContent.startsWith("Best prices"));
  assert.equal(await text(page, ".search-head"), "Best prices today for “rain jacket discount”");
  assert.deepEqual(page.errors, []);
});

test("exit intent with a bag opens the offer once; a route change in the middle of it leaves one usable prompt and the cap holds", async () => {
  const page = await open("/p/TR-100", { settings: exitFast });
  await page.click(".pdp .add-to-cart");
  await waitSignal(page, "add_to_cart");
  await leave(page);
  await page.waitForFunction(() => document.querySelector("moments-prompt"));
  // The app routes while the modal is open (a timer, a back button, a deep link the app follows).
  await go(page, "/c/shoes");
  await page.goBack();
  await page.waitForFunction(() => location.pathname.endsWith("/p/TR-100") && document.querySelector(".pdp-title"));
  await go(page, "/cart");
  await settle(page);
  // A route change closes the page's prompt (as it undoes the page's changes): none is left
  // trapping the focus, and the app kept routing and rendering underneath.
  assert.equal(await count(page, "moments-prompt"), 0);
  assert.equal(await count(page, ".cart-line"), 1);
  await page.keyboard.press("Tab");
  assert.notEqual(await page.evaluate(() => document.activeElement.localName), "moments-prompt");
  const ev = await momentsEvents(page);
  assert.deepEqual(ev.filter((e) => e.event === "moments_prompt_shown").map((e) => e.rule), ["exit-offer"]);
  // A new route is a new page view: exit intent may fire again, the offer (1 per session) does not.
  await leave(page);
  await waitSignal(page, "exit_intent", 2);
  await settle(page);
  assert.equal(await count(page, "moments-prompt"), 0);
  assert.match((await page.evaluate(() => Moments.explain("exit-offer").rules[0])).reason, /cap/);
  assert.deepEqual(page.errors, []);
});

test("begin_checkout without a purchase: checkout_abandoned and cart_abandoned once each, their emits and the rescue text", async () => {
  const page = await open("/c/socks", { settings: { abandonment: { idleSeconds: 2 } } });
  await page.click(".card[data-sku='SK-01'] .add-to-cart");
  await page.click("a[href$='/cart']");
  await page.click(".to-checkout");
  await waitSignal(page, "begin_checkout");
  assert.ok((await ctx(page)).cart.items === 1);
  await waitSignal(page, "checkout_abandoned", 1, 8000);
  await waitSignal(page, "cart_abandoned", 1, 8000);
  await page.waitForFunction(() => document.querySelector(".checkout-help").textContent.startsWith("Questions?"));
  const ev = await momentsEvents(page);
  assert.equal(ev.filter((e) => e.event === "moments_checkout_rescue").length, 1);
  assert.deepEqual(ev.filter((e) => e.event === "moments_cart_reminder").map((e) => e.channel), ["page"]);
  // Still once, however long the shopper stays away.
  await page.waitForTimeout(2500);
  assert.equal(await signals(page, "checkout_abandoned"), 1);
  assert.equal(await signals(page, "cart_abandoned"), 1);
  assert.deepEqual(page.errors, []);
});

test("a purchase converts: one conversion per decided rule, shown and holdout, with the order value; the bag is empty", async () => {
  const page = await open("/c/shoes", { settings: { abandonment: { idleSeconds: 2 } } });
  await page.click(".card[data-sku='HK-200'] .add-to-cart");
  await page.click("a[href$='/cart']");
  await page.click(".to-checkout");
  await waitSignal(page, "begin_checkout");
  await page.waitForSelector(".checkout-trust .trust");
  assert.equal(await count(page, ".checkout-trust .trust"), 1);
  assert.equal(await text(page, ".checkout-title"), "Checkout", "held out: nothing shown");
  await page.click(".pay");
  await waitSignal(page, "purchase");
  await page.waitForSelector(".thanks-title");
  const ev = await momentsEvents(page);
  const conv = ev.filter((e) => e.event === "moments_conversion");
  const by = Object.fromEntries(conv.map((e) => [e.rule, [e.variant, e.value]]));
  assert.deepEqual(by["checkout-trust"], ["shown", 180]);
  assert.deepEqual(by["checkout-holdout"], ["holdout", 180]);
  assert.equal(conv.filter((e) => e.rule === "checkout-trust").length, 1);
  const c = (await ctx(page)).cart;
  assert.deepEqual([c.items, c.value], [0, 0]);
  // A purchase ends the checkout: idling on the thank-you page abandons nothing.
  await page.waitForTimeout(2600);
  assert.equal(await signals(page, "checkout_abandoned"), 0);
  assert.equal(await signals(page, "cart_abandoned"), 0);
  assert.deepEqual(page.errors, []);
});

test("Moments.on handlers from the pre-load queue see ready and every route's page view; off() stops them", async () => {
  const init = () => {
    window.__seen = [];
    window.__h = (d) => window.__seen.push(d.name);
    window.Moments = window.Moments || [];
    window.Moments.push(["on", "ready", (d) => window.__seen.push("ready:" + d.bundle)]);
    window.Moments.push(["on", "signal", window.__h]);
  };
  const page = await open("/", { init });
  await go(page, "/c/jackets");
  await page.click(".card[data-sku='JK-09'] .add-to-cart");
  await waitSignal(page, "add_to_cart");
  let seen = await page.evaluate(() => window.__seen);
  assert.equal(seen[0], "ready:ridgeline-spa");
  assert.deepEqual(seen.filter((s) => s === "page_view").length, 2);
  assert.ok(seen.includes("add_to_cart"));
  const n = seen.length;
  await page.evaluate(() => Moments.off("signal", window.__h));
  await go(page, "/cart");
  seen = await page.evaluate(() => window.__seen);
  assert.equal(seen.length, n);
  // A handler that throws does not reach the page, and the app keeps routing.
  await page.evaluate(() => Moments.on("signal", () => { throw new Error("handler bug"); }));
  await go(page, "/");
  await settle(page);
  assert.equal(await count(page, ".hero-title"), 1);
  assert.deepEqual(page.errors.filter((e) => !/handler bug/.test(e)), []);
  assert.deepEqual(page.errors.filter((e) => /Uncaught/.test(e)), []);
});

test("200 rapid route changes: one page view each, no errors, no leftovers, and the SDK still works after", async () => {
  const page = await open("/");
  await page.evaluate(() => {
    const routes = ["/c/shoes", "/p/TR-100", "/p/HK-200", "/cart", "/search?q=boots", "/"];
    for (let i = 0; i < 200; i++) shop.navigate(routes[i % routes.length]);
  });
  await settle(page);
  assert.equal(await pageviews(page), 201);
  assert.equal(await signals(page, "page_view"), 201);
  // The 200th route (i = 199) is /p/TR-100: its swaps once, nothing left from the 199 before.
  assert.equal(await page.evaluate(() => location.pathname), `${ROOT}/p/TR-100`);
  assert.equal(await count(page, ".badge-free-returns"), 1);
  assert.equal(await count(page, ".price--hot"), 1);
  await go(page, "/p/JK-09");
  await settle(page);
  assert.equal(await count(page, ".badge-free-returns"), 1);
  assert.equal(await count(page, "[data-moments-hide], [data-moments-show]"), 1, "only this page's show");
  // Back 3 steps and forward again: still one badge on product pages, none elsewhere.
  await page.goBack();
  await page.waitForFunction(() => !location.pathname.endsWith("/p/JK-09"));
  await settle(page);
  const onProduct = await page.evaluate(() => /\/p\//.test(location.pathname));
  assert.equal(await count(page, ".badge-free-returns"), onProduct ? 1 : 0);
  assert.equal(await count(page, "moments-prompt"), 0);
  assert.deepEqual(page.errors, []);
});

test("the app replacing document.body's children wholesale: swaps follow the new nodes, once", async () => {
  const page = await open("/p/TR-100");
  await page.click(".pdp .add-to-cart");
  await waitSignal(page, "add_to_cart");
  await page.waitForFunction(() => document.querySelector(".ship-note").textContent.startsWith("Free shipping unlocked"));
  await page.evaluate(() => shop.remount());
  await settle(page);
  assert.equal(await text(page, ".ship-note"), "Free shipping unlocked on your 120 USD bag");
  assert.equal(await count(page, ".badge-free-returns"), 1);
  // And again, with a route change and a GA4 push in the same task as the remount.
  await page.evaluate(() => { shop.remount(); shop.navigate("/p/HK-200"); });
  await settle(page);
  assert.equal(await count(page, ".badge-free-returns"), 1);
  assert.equal(await count(page, ".ship-note"), 1);
  assert.equal(await text(page, ".ship-note"), "Free shipping unlocked on your 120 USD bag");
  assert.deepEqual(page.errors, []);
});

test("destroy() gives the SPA back: swaps undone on the current route, hooks removed, routing goes on without events", async () => {
  const page = await open("/p/TR-100");
  await page.click(".pdp .add-to-cart");
  await waitSignal(page, "add_to_cart");
  await page.waitForFunction(() => document.querySelector(".ship-note").textContent.startsWith("Free shipping unlocked"));
  // What the app renders by itself on this route.
  const expected = { note: "Free shipping over $100", price: "pdp-price", help: "size-help is-hidden", href: "#size" };
  await page.evaluate(() => Moments.destroy());
  const after = await page.evaluate(() => ({
    note: document.querySelector(".ship-note").textContent,
    price: document.querySelector(".pdp-price").className,
    help: document.querySelector(".size-help").className,
    href: document.querySelector(".size-guide").getAttribute("href"),
    badges: document.querySelectorAll(".badge-free-returns").length,
    marks: document.querySelectorAll("[data-moments-hide], [data-moments-show]").length,
    push: dataLayer.push === Array.prototype.push,
    pushState: history.pushState === History.prototype.pushState,
    replaceState: history.replaceState === History.prototype.replaceState,
    sheets: document.adoptedStyleSheets.length,
  }));
  assert.deepEqual(after, { ...expected, badges: 0, marks: 0, push: true, pushState: true, replaceState: true, sheets: 0 });
  const n = (await momentsEvents(page)).length;
  await go(page, "/c/shoes");
  await page.click(".card[data-sku='HK-200'] .add-to-cart");
  await page.click("a.card-link[href$='/p/HK-200']");
  await page.goBack();
  await settle(page);
  assert.equal((await momentsEvents(page)).length, n);
  assert.equal(await count(page, ".badge-free-returns"), 0);
  assert.deepEqual(await page.evaluate(() => shop.cart()), [{ id: "TR-100", qty: 1 }, { id: "HK-200", qty: 1 }]);
  assert.deepEqual(page.errors, []);
});

test("on a phone, going back inside the app (product → category) is browsing, not leaving: no exit intent, no abandonment, no offer", async () => {
  const page = await newPage(browser, { mobile: true });
  await page.route((url) => url.pathname.startsWith(ROOT + "/") && !/\.(js|css|json)$/.test(url.pathname), (route) =>
    route.fulfill({ contentType: "text/html; charset=utf-8", body: served(new URL(route.request().url()).pathname) }));
  await page.route(`**${ROOT}/bundle.json`, async (route) => {
    const b = await (await route.fetch()).json();
    b.settings.exitIntent = { ...b.settings.exitIntent, minSeconds: 0, delayMs: 0 };
    await route.fulfill({ contentType: "application/json", body: JSON.stringify(b) });
  });
  await page.goto(BASE + ROOT + "/c/shoes");
  await momentsReady(page);
  assert.equal((await ctx(page)).device.type, "mobile");
  await page.tap(".card[data-sku='TR-100'] .add-to-cart");
  await waitSignal(page, "add_to_cart");
  await page.tap("a.card-link[href$='/p/TR-100']");
  await page.waitForSelector(".pdp-title");
  await page.goBack();
  await page.waitForFunction(() => location.pathname.endsWith("/c/shoes") && document.querySelector(".cat-title"));
  await settle(page);
  const ev = await momentsEvents(page);
  assert.deepEqual(ev.filter((e) => e.event === "moments_signal" && /exit_intent|abandoned/.test(e.name)).map((e) => e.name), []);
  assert.deepEqual(ev.filter((e) => e.event === "moments_prompt_shown").map((e) => e.rule), []);
  assert.equal((await page.evaluate(() => Moments.explain("exit-offer").rules[0])).fired, false);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
