// A shop that is not the demo: www/test/foreign/ is a Vietnamese running shop (lang="vi", VND
// prices, its own class names, no data-add-to-cart, a search form without role=search) whose cart
// speaks only GA4 through window.dataLayer — both `dataLayer.push({event, ecommerce})` and
// `gtag("event", …)` — and that loads the SDK with the README's script tag. Its bundle
// (www/test/foreign/bundle.json) is written from the contract alone. What a shop owner expects:
// the cart, searches and micro-moments are sensed from what the page already does, the Vietnamese
// text swaps render and escape, the exit prompt speaks Vietnamese and yields to the keyboard,
// idling with a cart is abandonment, the SDK's events reach the dataLayer, hostile input and odd
// dataLayers never break the page, and destroy() gives it back.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, momentsReady, momentsEvents, BASE } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const HOME = `${BASE}/test/foreign/index.html`;
const RESULTS = `${BASE}/test/foreign/tim-kiem.html`;

/**
 * Opens `url` in a fresh shopper's browser and waits for the SDK. `opts.settings` patches the
 * bundle's settings (served through a route, the file stays as a marketer wrote it); `opts.ga`
 * replaces the shop's GA snippet (www/test/foreign/ga.js) with other code.
 */
async function open(url, opts = {}) {
  const page = await newPage(browser);
  if (opts.settings) {
    await page.route("**/test/foreign/bundle.json", async (route) => {
      const b = await (await route.fetch()).json();
      for (const [k, v] of Object.entries(opts.settings)) b.settings[k] = Object.assign({}, b.settings[k], v);
      await route.fulfill({ contentType: "application/json", body: JSON.stringify(b) });
    });
  }
  if (opts.ga != null) {
    await page.route("**/test/foreign/ga.js", (route) => route.fulfill({ contentType: "text/javascript", body: opts.ga }));
  }
  await page.goto(url);
  await momentsReady(page);
  return page;
}

const ctx = (page) => page.evaluate(() => Moments.context());
const text = (page, sel) => page.evaluate((s) => document.querySelector(s).textContent, sel);
const signals = async (page, name) => (await momentsEvents(page)).filter((e) => e.event === "moments_signal" && e.name === name).length;
const waitSignal = (page, name, n = 1, timeout = 5000) => page.waitForFunction(([name, n]) =>
  (window.dataLayer || []).filter((e) => e && e.event === "moments_signal" && e.name === name).length >= n, [name, n], { timeout });

/** Types `q` in the shop's own search box and submits it (the form goes to tim-kiem.html). */
async function searchFromForm(page, q) {
  await page.fill(".o-tim-kiem .o-nhap", q);
  await Promise.all([page.waitForNavigation(), page.press(".o-tim-kiem .o-nhap", "Enter")]);
  await momentsReady(page);
}

test("add_to_cart from dataLayer.push and from gtag(): one signal each, the cart in VND, Vietnamese swaps", async () => {
  const page = await open(HOME);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector(".mien-phi-ship")).display), "none");

  await page.click(".the-sp[data-ma='GCB-NU-01'] .nut-them"); // dataLayer.push({event, ecommerce})
  await waitSignal(page, "add_to_cart", 1);
  await page.waitForTimeout(200);
  assert.equal(await signals(page, "add_to_cart"), 1);
  let c = (await ctx(page)).cart;
  assert.deepEqual([c.items, c.value, c.currency], [1, 1290000, "VND"]);
  assert.equal(await text(page, ".loi-chao"), "Giỏ hàng của bạn có 1 sản phẩm, tổng 1290000 VND.");

  await page.click(".the-sp[data-ma='AO-KHO-03'] .nut-mua-nhanh"); // gtag("event", "add_to_cart", …)
  await waitSignal(page, "add_to_cart", 2);
  await page.waitForTimeout(200);
  assert.equal(await signals(page, "add_to_cart"), 2);
  c = (await ctx(page)).cart;
  assert.deepEqual([c.items, c.value, c.currency], [2, 1639000, "VND"]);
  assert.equal(await text(page, ".loi-chao"), "Giỏ hàng của bạn có 2 sản phẩm, tổng 1639000 VND.");
  assert.equal((await ctx(page)).segments.gioLon, false);

  // Over 2.000.000 ₫: the segment holds, the free-shipping line shows, the ribbon gets a class.
  await page.click(".the-sp[data-ma='GCB-NAM-02'] .nut-them");
  await waitSignal(page, "add_to_cart", 3);
  await page.waitForFunction(() => getComputedStyle(document.querySelector(".mien-phi-ship")).display !== "none");
  c = await ctx(page);
  assert.deepEqual([c.cart.items, c.cart.value, c.segments.gioLon], [3, 3229000, true]);
  assert.ok(await page.evaluate(() => document.querySelector(".ruy-bang").classList.contains("ruy-bang--vang")));
  // The shop's own cart agrees (the SDK left its markup alone).
  assert.equal(await text(page, ".tong-tien"), "3.229.000 ₫");
  assert.deepEqual(page.errors, []);
});

test("a Vietnamese search from the shop's own form: search.query, moment buy, then know", async () => {
  const page = await open(HOME);
  await searchFromForm(page, "giày chạy bộ giá rẻ");
  let c = await ctx(page);
  assert.equal(c.search.query, "giày chạy bộ giá rẻ");
  assert.equal(c.search.count, 1, "one submit is one search");
  assert.equal(c.moment, "buy", JSON.stringify(c.momentScores));
  await page.waitForFunction(() => document.querySelector(".tieu-de-chinh").textContent.startsWith("Giá tốt nhất"));
  assert.equal(await text(page, ".tieu-de-chinh"), "Giá tốt nhất hôm nay cho “giày chạy bộ giá rẻ”");
  assert.equal(await text(page, ".khung-goi-y .vua-tim b"), "giày chạy bộ giá rẻ");

  await searchFromForm(page, "so sánh giày chạy bộ");
  c = await ctx(page);
  assert.equal(c.search.query, "so sánh giày chạy bộ");
  assert.equal(c.search.count, 2);
  assert.deepEqual(c.search.lastQueries, ["giày chạy bộ giá rẻ", "so sánh giày chạy bộ"]);
  assert.equal(c.moment, "know", JSON.stringify(c.momentScores));
  await page.waitForFunction(() => document.querySelector(".tieu-de-chinh").textContent.startsWith("Chưa chắc"));
  assert.equal(await text(page, ".tieu-de-chinh"), "Chưa chắc chọn đôi nào? Xem bảng so sánh cho “so sánh giày chạy bộ”");
  assert.deepEqual(page.errors, []);
});

test("a Vietnamese search from the URL (?q=, ?keyword=, ?s=, ?query=, the shop's own ?tu-khoa=), with or without diacritics", async () => {
  for (const [param, q, moment] of [
    ["tu-khoa", "giày chạy bộ giá rẻ", "buy"], // settings.searchParams

    ["q", "so sánh giày chạy bộ", "know"],
    ["keyword", "giay chay bo gia re", "buy"],
    ["s", "giày chạy bộ rẻ nhất", "buy"], // "cheapest"
    ["query", "giày chạy bộ nào tốt", "know"], // "which running shoe is good"
  ]) {
    const page = await open(`${RESULTS}?${param}=${encodeURIComponent(q)}`);
    await waitSignal(page, "search");
    const c = await ctx(page);
    assert.equal(c.search.query, q, param);
    assert.equal(c.moment, moment, `${q}: ${JSON.stringify(c.momentScores)}`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

test("GA4 search events from dataLayer and gtag set search.query", async () => {
  const page = await open(HOME);
  await page.evaluate(() => gtag("event", "search", { search_term: "so sánh giày chạy bộ" }));
  assert.equal((await ctx(page)).search.query, "so sánh giày chạy bộ");
  assert.equal((await ctx(page)).moment, "know");
  await page.evaluate(() => dataLayer.push({ event: "view_search_results", search_term: "mua giày chạy bộ giảm giá" }));
  const c = await ctx(page);
  assert.equal(c.search.query, "mua giày chạy bộ giảm giá");
  assert.equal(c.moment, "buy", JSON.stringify(c.momentScores));
  assert.deepEqual(page.errors, []);
});

const HOSTILE = [
  '<img src=x onerror="window.__pwned=1">',
  '"><svg onload=window.__pwned=2>{{cart.value}}</svg>',
  "\u202Egiày chạy bộ\u202C 🏃‍♀️👟 giá rẻ",
  "x".repeat(100_000),
  "\u0000\u0007 giày chạy bộ \u2066giá rẻ\u2069",
];

test("hostile searches never throw into the page and never inject markup", async () => {
  const page = await open(HOME);
  const clean = (s) => s.trim().replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, "");
  for (const q of HOSTILE) {
    await page.goto(HOME);
    await momentsReady(page);
    await searchFromForm(page, q);
    const shown = await page.evaluate(() => ({
      pwned: window.__pwned,
      markup: document.querySelectorAll("main img, main svg, main script").length,
      query: Moments.context().search.query,
      goi: document.querySelector(".khung-goi-y .vua-tim b").textContent,
      goiChildren: document.querySelector(".khung-goi-y .vua-tim b").children.length,
      h1: document.querySelector(".tieu-de-chinh").textContent,
    }));
    const label = JSON.stringify(q.slice(0, 40));
    assert.equal(shown.pwned, undefined, label);
    assert.equal(shown.markup, 0, label);
    assert.equal(shown.goiChildren, 0, label);
    // Stored as typed (at most 200 characters), shown as text without control/bidi characters.
    assert.equal(shown.query, [...q.trim()].slice(0, 200).join(""), label);
    assert.equal(shown.goi, clean(shown.query), label);
    assert.ok(!/[\u202a-\u202e\u2066-\u2069]/.test(shown.h1), label);
    if (q.includes("👟")) assert.equal(shown.h1, "Giá tốt nhất hôm nay cho “giày chạy bộ 🏃‍♀️👟 giá rẻ”");
  }
  // The same strings through every other door: track(), dataLayer, gtag, set().
  const r = await page.evaluate((list) => {
    for (const q of list) {
      Moments.track("search", { query: q });
      dataLayer.push({ event: "search", search_term: q });
      gtag("event", "search", { search_term: q + "!" });
      Moments.set({ ten: q });
      Moments.track(q, { q });
    }
    return { pwned: window.__pwned, markup: document.querySelectorAll("main img, main svg, main script").length };
  }, HOSTILE);
  assert.deepEqual(r, { pwned: undefined, markup: 0 });
  assert.deepEqual(page.errors, []);
});

test("exit intent opens the Vietnamese prompt once; Escape closes it and the cap holds", async () => {
  const exitFast = { exitIntent: { minSeconds: 0, delayMs: 0 } };
  const leave = (page) => page.evaluate(() => document.dispatchEvent(new MouseEvent("mouseout", { clientY: 0, clientX: 300, relatedTarget: null, bubbles: true })));
  {
    const empty = await open(HOME, { settings: exitFast });
    await leave(empty); // an empty cart: the rule's condition does not hold
    await waitSignal(empty, "exit_intent");
    await empty.waitForTimeout(300);
    assert.equal(await empty.evaluate(() => document.querySelectorAll("moments-prompt").length), 0);
    // That leave did not use up the page's exit intent: with a cart, the next real one (3 s
    // later) opens the offer.
    await empty.click(".the-sp[data-ma='GCB-NU-01'] .nut-them");
    await empty.waitForTimeout(3100);
    await leave(empty);
    await empty.waitForFunction(() => document.querySelector("moments-prompt"));
    assert.equal(await signals(empty, "exit_intent"), 2);
    await empty.context().close();
  }
  const page = await open(HOME, { settings: exitFast });
  await page.click(".the-sp[data-ma='GCB-NU-01'] .nut-them");
  await page.focus(".o-tim-kiem .o-nhap");
  await leave(page);
  await page.waitForFunction(() => document.querySelector("moments-prompt"));
  // Tab stays inside the modal.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("Tab");
    assert.ok(await page.evaluate(() => document.activeElement && document.activeElement.localName === "moments-prompt"), `Tab ${i + 1} left the modal`);
  }
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector("moments-prompt"));
  assert.equal(await page.evaluate(() => document.activeElement.className), "o-nhap", "focus returns where it was");
  const ev = await momentsEvents(page);
  assert.deepEqual(ev.filter((e) => e.event === "moments_prompt_shown").map((e) => e.rule), ["roi-trang"]);
  assert.deepEqual(ev.filter((e) => e.event === "moments_prompt_dismissed").map((e) => e.rule), ["roi-trang"]);

  // cap: 1 per session. (Exit intent fires once per page view: a single-page-app navigation is
  // a new one.)
  await page.evaluate(() => history.pushState({}, "", "/test/foreign/index.html?trang=2"));
  await page.waitForFunction(() => Moments.context().session.pageviews === 2);
  await leave(page);
  await waitSignal(page, "exit_intent", 2);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => document.querySelectorAll("moments-prompt").length), 0);
  const why = await page.evaluate(() => Moments.explain("roi-trang").rules[0]);
  assert.equal(why.fired, false);
  assert.match(why.reason, /cap/);
  assert.deepEqual(page.errors, []);
});

test("idle with a cart raises cart_abandoned once; the reminder and the emit follow", async () => {
  const page = await open(HOME, { settings: { abandonment: { idleSeconds: 2 } } });
  await page.waitForTimeout(2600);
  assert.equal(await signals(page, "cart_abandoned"), 0, "an empty cart is never abandoned");
  await page.click(".the-sp[data-ma='GCB-NAM-02'] .nut-them");
  await waitSignal(page, "cart_abandoned", 1, 6000);
  assert.equal(await text(page, ".nhac-nho"), "Bạn còn 1 sản phẩm đang chờ — đừng bỏ lỡ nhé!");
  const ev = await momentsEvents(page);
  assert.deepEqual(ev.filter((e) => e.event === "moments_nhac_gio_hang").map((e) => e.kenh), ["trang"]);
  assert.ok((await ctx(page)).abandonment.risk > 0);
  await page.waitForTimeout(2500);
  assert.equal(await signals(page, "cart_abandoned"), 1, "once per cart state");
  assert.deepEqual(page.errors, []);
});

test("moments_* events reach the shop's dataLayer, the holdout included", async () => {
  const page = await open(HOME);
  await page.click(".the-sp[data-ma='GCB-NU-01'] .nut-them");
  await waitSignal(page, "add_to_cart");
  await page.waitForTimeout(200);
  const ev = await momentsEvents(page);
  const names = new Set(ev.map((e) => e.event));
  for (const n of ["moments_ready", "moments_signal", "moments_decision", "moments_action"]) assert.ok(names.has(n), n);
  assert.equal(ev.find((e) => e.event === "moments_ready").bundle, "chay-bo-sai-gon");
  assert.deepEqual(ev.filter((e) => e.event === "moments_decision" && e.rule === "nhom-doi-chung").map((e) => e.variant), ["holdout"]);
  assert.equal(await text(page, ".ruy-bang"), "Miễn phí đổi size trong 30 ngày", "held out: nothing shown");
  assert.ok(ev.some((e) => e.event === "moments_decision" && e.rule === "loi-chao-gio-hang" && e.variant === "shown"));
  // The shop's own GA4 entries are untouched and in order; the SDK's come after the page's.
  const own = await page.evaluate(() => dataLayer.filter((e) => !(e && typeof e.event === "string" && e.event.startsWith("moments_"))).map((e) => e.event || (e[0] === "js" || e[0] === "config" ? e[0] : e.ecommerce === null ? "reset" : "?")));
  assert.deepEqual(own, ["js", "config", "reset", "add_to_cart"]);
  assert.deepEqual(page.errors, []);
});

test("a dataLayer that is not an array, or that the page replaces, does not break the SDK", async () => {
  const shapes = {
    object: "window.dataLayer = { push: function (e) { (window.__seen = window.__seen || []).push(e && e.event); return 1; } }; function gtag() { dataLayer.push(arguments); }",
    string: 'window.dataLayer = "dataLayer"; function gtag() {}',
    frozen: "window.dataLayer = Object.freeze([]); function gtag() { try { dataLayer.push(arguments); } catch (e) {} }",
    readonlyNull: 'Object.defineProperty(window, "dataLayer", { value: null, writable: false }); function gtag() {}',
    throwing: "window.dataLayer = []; window.dataLayer.push = function () { throw new Error(\"analytics down\"); }; function gtag() {}",
  };
  for (const [name, ga] of Object.entries(shapes)) {
    const page = await open(HOME, { ga });
    await page.evaluate(() => Moments.track("add_to_cart", { id: "GCB-NU-01", price: 1290000, quantity: 1, currency: "VND" }));
    const c = await ctx(page);
    assert.deepEqual([c.cart.items, c.cart.value], [1, 1290000], name);
    assert.equal(await text(page, ".loi-chao"), "Giỏ hàng của bạn có 1 sản phẩm, tổng 1290000 VND.", name);
    if (name === "object") assert.ok((await page.evaluate(() => window.__seen)).includes("moments_ready"), "SDK events go to any push()");
    assert.deepEqual(page.errors, [], name);
    await page.context().close();
  }

  // Replaced after the SDK started: the SDK keeps working, its events go to the new array, and
  // the shop's GA4 pushes into the new array are still read.
  const page = await open(HOME);
  await page.evaluate(() => { window.dataLayer = []; });
  await page.evaluate(() => Moments.track("add_to_cart", { id: "AO-KHO-03", price: 349000, quantity: 2 }));
  assert.equal((await ctx(page)).cart.items, 2);
  assert.ok((await momentsEvents(page)).some((e) => e.event === "moments_signal" && e.name === "add_to_cart"));
  await page.evaluate(() => dataLayer.push({ event: "add_to_cart", ecommerce: { currency: "VND", value: 1290000, items: [{ item_id: "GCB-NU-01", price: 1290000, quantity: 1 }] } }));
  assert.deepEqual([(await ctx(page)).cart.items, (await ctx(page)).cart.value], [3, 1988000], "a push into the new array is read");
  // A copy of the array (its entries already read) counts nothing twice; a later push counts.
  await page.waitForTimeout(1600); // past the 1.5 s in which a repeat is a duplicate anyway
  await page.evaluate(() => { window.dataLayer = window.dataLayer.slice(); });
  assert.equal((await ctx(page)).cart.items, 3, "entries of a copied array are not read again");
  await page.evaluate(() => gtag("event", "add_to_cart", { currency: "VND", value: 349000, items: [{ item_id: "AO-KHO-03", price: 349000, quantity: 1 }] }));
  assert.equal((await ctx(page)).cart.items, 4, "gtag into the copy is read");
  assert.deepEqual(page.errors, []);
  // destroy() leaves a plain property holding the page's latest array.
  const plain = await page.evaluate(() => {
    const before = window.dataLayer;
    Moments.destroy();
    const d = Object.getOwnPropertyDescriptor(window, "dataLayer");
    return [typeof d.get, d.writable, window.dataLayer === before, before.push === Array.prototype.push];
  });
  assert.deepEqual(plain, ["undefined", true, true, true]);
});

test("destroy() gives the page back", async () => {
  const page = await open(HOME, { settings: { exitIntent: { minSeconds: 0, delayMs: 0 } } });
  const before = await page.evaluate(() => ({
    body: document.body.innerHTML,
    push: dataLayer.push === Array.prototype.push,
    pushState: history.pushState === History.prototype.pushState,
    sheets: document.adoptedStyleSheets.length,
  }));
  assert.deepEqual([before.push, before.pushState], [false, false], "the SDK hooks dataLayer.push and pushState");
  await page.click(".the-sp[data-ma='GCB-NU-01'] .nut-them");
  await page.click(".the-sp[data-ma='GCB-NAM-02'] .nut-them");
  await page.evaluate(() => gtag("event", "search", { search_term: "giày chạy bộ giá rẻ" }));
  await page.evaluate(() => document.dispatchEvent(new MouseEvent("mouseout", { clientY: 0, clientX: 300, relatedTarget: null, bubbles: true })));
  await page.waitForFunction(() => document.querySelector("moments-prompt"));
  assert.notEqual(await text(page, ".loi-chao"), "Chào mừng bạn đến với Chạy Bộ Sài Gòn!");

  await page.evaluate(() => Moments.destroy());
  const after = await page.evaluate(() => {
    // The shop's own cart counters changed by the shop itself: put them back to compare the rest.
    document.querySelector(".so-luong").textContent = "0";
    document.querySelector(".tong-tien").textContent = "0 ₫";
    return {
      body: document.body.innerHTML,
      push: dataLayer.push === Array.prototype.push,
      pushState: history.pushState === History.prototype.pushState,
      sheets: document.adoptedStyleSheets.length,
    };
  });
  assert.equal(after.body, before.body);
  assert.deepEqual([after.push, after.pushState, after.sheets], [true, true, 0]);
  // Nothing reacts any more.
  const n = (await momentsEvents(page)).length;
  await page.click(".the-sp[data-ma='AO-KHO-03'] .nut-mua-nhanh");
  await page.evaluate(() => document.dispatchEvent(new MouseEvent("mouseout", { clientY: 0, clientX: 300, relatedTarget: null, bubbles: true })));
  await page.waitForTimeout(400);
  assert.equal((await momentsEvents(page)).length, n);
  assert.equal(await page.evaluate(() => document.querySelectorAll("moments-prompt").length), 0);
  // Inert: calls do nothing, and context() is the context before any page view.
  assert.deepEqual(await page.evaluate(() => { const c = Moments.context(); return [Moments.track("add_to_cart", { price: 1 }) === undefined, c.page.url, c.cart.items, c.moment]; }), [true, "", 0, "none"]);
  assert.deepEqual(page.errors, []);
});
