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
 * Opens `path` (a route of the app, say "/p/TR-100") in a fresh shopper's browser and waits for
 * the SDK. The app's deep links are served its index.html, as an SPA's server does (the test
 * server only serves files). `opts.settings` patches the bundle's settings; `opts.init` is script
 * that runs before the page's own (the shop's pre-load queue file).
 */
async function open(path = "/", opts = {}) {
  const page = await newPage(browser);
  await page.route((url) => url.pathname.startsWith(ROOT + "/") && !/\.(js|css|json)$/.test(url.pathname), (route) =>
    route.fulfill({ contentType: "text/html; charset=utf-8", body: INDEX }));
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

test("after a pushState route change, page.type and page.title are the new route's (the meta the app renders)", {
  todo: "the SDK reads <meta name=moments:page-type> and document.title synchronously inside pushState, before the app renders the route: they lag one route behind (see /tmp/spa-findings.md #1)",
}, async () => {
  const page = await open("/");
  const seen = [];
  for (const [route, type, title] of [
    ["/c/shoes", "category", "Category · Ridgeline"],
    ["/p/TR-100", "product", "Product: Trail Runner 100 · Ridgeline"],
    ["/cart", "cart", "Your bag · Ridgeline"],
    ["/search?q=boots", "search", "Search · Ridgeline"],
  ]) {
    await go(page, route);
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

test("the results page's headline follows the search moment (a rule on page.type \"search\")", {
  todo: "page.type is read before the app renders the route's meta, so on the results page it is still the previous route's (see /tmp/spa-findings.md #1)",
}, async () => {
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
