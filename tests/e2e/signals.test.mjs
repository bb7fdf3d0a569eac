// Sensing in a real browser: real DOM events on the demo shop (and one fixture page with short
// timers) raise the contract's signals, seen through the SDK's own `moments_signal` dataLayer
// pushes and `Moments.context()`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, momentsReady, BASE } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Names of the signals the SDK raised so far on this page. */
const signals = (page) => page.evaluate(() =>
  (window.dataLayer || []).filter((e) => e && e.event === "moments_signal").map((e) => e.name));

async function waitSignal(page, name, timeout = 5000) {
  await page.waitForFunction((n) => (window.dataLayer || []).some((e) => e && e.event === "moments_signal" && e.name === n), name, { timeout });
}

const count = (list, name) => list.filter((n) => n === name).length;

test("page_view and scroll_depth 25/50/75/90 once each", async () => {
  const page = await newPage(browser, {});
  await page.setViewportSize({ width: 1280, height: 500 });
  await page.goto(`${BASE}/category.html?c=shoes`);
  await momentsReady(page);
  await waitSignal(page, "page_view");
  for (let i = 0; i <= 20; i++) {
    await page.evaluate((f) => window.scrollTo(0, f * (document.documentElement.scrollHeight - innerHeight)), i / 20);
    await page.waitForTimeout(30);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(50);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await waitSignal(page, "scroll_depth");
  await page.waitForTimeout(100);
  const s = await signals(page);
  assert.equal(count(s, "page_view"), 1);
  assert.equal(count(s, "scroll_depth"), 4, `scroll_depth fired ${count(s, "scroll_depth")} times: ${s}`);
  const ctx = await page.evaluate(() => Moments.context());
  assert.ok(ctx.scroll.maxDepth >= 90, JSON.stringify(ctx.scroll));
  assert.deepEqual(page.errors, []);
});

test("search from the form, from the URL, in Vietnamese", async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/index.html`);
  await momentsReady(page);
  await page.fill("form[role=search] input[type=search]", "giày chạy bộ giảm giá");
  await Promise.all([page.waitForNavigation(), page.press("form[role=search] input[type=search]", "Enter")]);
  await momentsReady(page);
  await waitSignal(page, "search");
  const ctx = await page.evaluate(() => Moments.context());
  assert.equal(ctx.search.query, "giày chạy bộ giảm giá");
  assert.ok(ctx.search.count >= 1);
  assert.equal(ctx.moment, "buy", JSON.stringify(ctx.momentScores));
});

test("view_item from dataLayer, add_to_cart from a click and dataLayer counted once", async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/product.html?id=${await firstProductId(page)}`);
  await momentsReady(page);
  await waitSignal(page, "view_item");
  const size = await page.$("#size-select");
  if (size) await page.selectOption("#size-select", { index: 1 });
  await page.click("#add-to-cart");
  await waitSignal(page, "add_to_cart");
  await page.waitForTimeout(300);
  const s = await signals(page);
  assert.equal(count(s, "add_to_cart"), 1, `add_to_cart ${count(s, "add_to_cart")}×: ${s}`);
  const ctx = await page.evaluate(() => Moments.context());
  assert.equal(ctx.cart.items, 1);
  assert.ok(ctx.cart.value > 0);
});

test("exit intent: the pointer leaving through the top fires it; through the side or a select does not", async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/index.html`);
  await momentsReady(page);
  const leave = (y) => page.evaluate((y) => document.dispatchEvent(new MouseEvent("mouseout", { clientY: y, clientX: 300, relatedTarget: null, bubbles: true })), y);
  await leave(0); // too early: minimum time on page not reached
  await page.waitForTimeout(3300);
  await leave(450); // leaving sideways / a <select> dropdown: no exit intent
  await page.waitForTimeout(500);
  assert.equal(count(await signals(page), "exit_intent"), 0);
  await leave(0);
  await page.evaluate(() => document.dispatchEvent(new MouseEvent("mouseover", { clientY: 5, relatedTarget: null, bubbles: true })));
  await page.waitForTimeout(600); // came back within the grace delay: cancelled
  assert.equal(count(await signals(page), "exit_intent"), 0);
  await leave(0);
  await waitSignal(page, "exit_intent");
});

test("tab_hidden on visibilitychange; SPA navigation is a page_view", async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/index.html`);
  await momentsReady(page);
  await page.evaluate(() => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await waitSignal(page, "tab_hidden");
  await page.evaluate(() => {
    delete document.hidden;
    delete document.visibilityState;
    document.dispatchEvent(new Event("visibilitychange"));
    history.pushState({}, "", "/category.html?c=shoes");
  });
  await page.waitForFunction(() => Moments.context().page.path === "/category.html");
  assert.equal(count(await signals(page), "page_view"), 2);
});

test("mobile: a fast scroll back up after reading deep is exit intent", async () => {
  const page = await newPage(browser, { mobile: true });
  await page.goto(`${BASE}/category.html?c=shoes`);
  await momentsReady(page);
  assert.equal((await page.evaluate(() => Moments.context())).device.type, "mobile");
  await page.waitForTimeout(3200);
  const max = await page.evaluate(() => document.documentElement.scrollHeight - innerHeight);
  for (let f = 0; f <= 1; f += 0.1) {
    await page.evaluate((y) => window.scrollTo(0, y), max * f);
    await page.waitForTimeout(40);
  }
  await page.waitForTimeout(300);
  for (let f = 1; f >= 0; f -= 0.25) {
    await page.evaluate((y) => window.scrollTo(0, y), max * f);
    await page.waitForTimeout(20);
  }
  await waitSignal(page, "exit_intent");
});

test("storage that throws: the SDK keeps working in memory and the page sees no exception", async () => {
  const page = await newPage(browser);
  await page.addInitScript(() => {
    Storage.prototype.setItem = () => { throw new DOMException("full", "QuotaExceededError"); };
    Storage.prototype.getItem = () => { throw new DOMException("denied", "SecurityError"); };
  });
  await page.goto(`${BASE}/index.html`);
  await momentsReady(page);
  await page.evaluate(() => Moments.track("add_to_cart", { id: "x", price: 10, quantity: 2 }));
  const ctx = await page.evaluate(() => Moments.context());
  assert.equal(ctx.cart.items, 2);
  assert.deepEqual(page.errors.filter((e) => !/demo-cart/.test(e)), []);
});

test("two tabs of the shop share the cart (storage events)", async () => {
  const context = await browser.newContext();
  const a = await context.newPage();
  const b = await context.newPage();
  await a.goto(`${BASE}/index.html`);
  await b.goto(`${BASE}/index.html`);
  await momentsReady(a);
  await momentsReady(b);
  await a.evaluate(() => Moments.track("add_to_cart", { id: "sku-9", price: 30, quantity: 3 }));
  await b.waitForFunction(() => Moments.context().cart.items === 3, null, { timeout: 5000 });
  await context.close();
});

test("idle after the bundle's idleSeconds, cart_abandoned with a cart", async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/test/signals.html`);
  await momentsReady(page);
  await page.evaluate(() => Moments.track("add_to_cart", { id: "a", price: 20 }));
  await waitSignal(page, "idle", 6000);
  await waitSignal(page, "cart_abandoned", 2000);
  const ctx = await page.evaluate(() => Moments.context());
  assert.ok(ctx.abandonment.risk > 0.3, `risk ${ctx.abandonment.risk}`);
});

async function firstProductId(page) {
  await page.goto(`${BASE}/category.html?c=shoes`);
  return page.evaluate(() => {
    const a = document.querySelector("a[href*='product.html?id=']");
    return a ? new URL(a.href).searchParams.get("id") : "";
  });
}

test("a GA4-only shop whose tag manager creates dataLayer after Moments is ready: the early events wait for it, its pushes are read", async () => {
  const page = await newPage(browser, {});
  await page.goto(`${BASE}/test/late-datalayer.html`);
  await page.waitForFunction(() => window.__bootedAfterReady === true, null, { timeout: 15000 });
  // The SDK looks for the page's dataLayer before each event it sends and twice a second.
  await page.waitForFunction(() => window.dataLayer.some((e) => e.event === "moments_ready"), null, { timeout: 5000 });
  const early = await page.evaluate(() => window.dataLayer.map((e) => e.event + (e.name ? ":" + e.name : "")));
  assert.ok(early.includes("moments_ready"), `moments_ready went into the late dataLayer: ${early}`);
  assert.ok(early.includes("moments_signal:page_view"), `the first page_view went in: ${early}`);
  assert.ok(early.indexOf("moments_ready") < early.indexOf("moments_signal:page_view"), "in the order they happened");
  assert.ok(early.every((e) => e.startsWith("moments_")), `only ours so far: ${early}`);
  // The page keeps its own array (followed through later replacements).
  assert.deepEqual(await page.evaluate(() => {
    const d = Object.getOwnPropertyDescriptor(window, "dataLayer");
    return [window.dataLayer === window.__layer, Array.isArray(window.dataLayer), d.configurable, d.enumerable];
  }), [true, true, true, true]);
  await page.click("#them");
  await waitSignal(page, "add_to_cart");
  const cart = await page.evaluate(() => Moments.context().cart);
  assert.equal(cart.items, 1);
  assert.equal(cart.value, 1290000);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
