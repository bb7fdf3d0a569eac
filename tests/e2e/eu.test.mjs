// A shop that is not the demo: www/test/eu/ is a German running shop (lang="de", prices like
// "1.299,00 €", umlauts and ß in names and searches) with its own cookie banner (CMP, cmp.js) that
// loads the SDK with the README's tag and data-consent="pending", and grants or withdraws with
// Moments.consent() on "Akzeptieren" / "Ablehnen" / "Einwilligung widerrufen". It has no dataLayer
// and no gtag: its cart is Shopify-like (forms posting to /cart/add, sent by shop.js with fetch to
// /cart/add.js, mocked here, then Moments.track("add_to_cart", …) in GA4 shape). Two pages
// (index.html, suche.html). What a privacy-minded shop owner expects: before consent the SDK
// writes nothing anywhere yet personalizes the page from memory; after "Akzeptieren" the shopper
// is remembered across pages and visits; after "Ablehnen" or a withdrawal the stored data is gone
// and stays gone; campaign and search context in German round-trips; storage that throws never
// breaks the page and is reported.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, momentsReady, BASE } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const HOME = `${BASE}/test/eu/index.html`;
const SEARCH = `${BASE}/test/eu/suche.html`;
const CAMPAIGN = "?utm_source=newsletter&utm_medium=email&utm_campaign=Fr%C3%BChjahrs-Aktion%202026";

// Shopify's /cart/add.js answers with the line; prices in cents.
const PRODUCTS = {
  40001: { sku: "LS-ISAR-44", title: "Straßenlaufschuh „Isar“ Größe 44", price: 8995 },
  40002: { sku: "LB-FOEHN-3000", title: "Laufband „Föhnwind 3000“", price: 129900 },
  40003: { sku: "FS-WW-M", title: "Funktionsshirt „Weißwurst“ Größe M", price: 2450 },
};

/** A fresh shopper (a new browser context) whose shop backend answers /cart/add.js. */
async function shopper(opts = {}) {
  const page = await newPage(browser);
  const context = page.context();
  await context.route("**/cart/add.js", async (route) => {
    const body = route.request().postData() || "";
    const field = (n) => (body.match(new RegExp(`name="${n}"\\r\\n\\r\\n([^\\r]*)`)) || [])[1];
    const p = PRODUCTS[field("id")];
    if (!p) return route.fulfill({ status: 404, contentType: "application/json", body: "{}" });
    const quantity = Number(field("quantity") || 1);
    await route.fulfill({ contentType: "application/json", body: JSON.stringify({ id: Number(field("id")), quantity, ...p }) });
  });
  if (opts.init) await context.addInitScript(opts.init);
  if (opts.tag) {
    // The same pages with other script-tag attributes (the files stay as the shop wrote them).
    await context.route(/\/test\/eu\/(index|suche)\.html/, async (route) => {
      const html = await (await route.fetch()).text();
      await route.fulfill({ contentType: "text/html; charset=utf-8", body: html.replace('data-consent="pending"', opts.tag) });
    });
  }
  return page;
}

/** Another page (tab or later visit) in `page`'s browser context, recording errors as newPage does. */
async function another(page) {
  const p = await page.context().newPage();
  p.errors = [];
  p.on("pageerror", (e) => p.errors.push(String(e)));
  p.on("console", (m) => { if (m.type() === "error") p.errors.push(m.text()); });
  return p;
}

async function go(page, url) {
  await page.goto(url);
  await momentsReady(page);
  // cmp.js and shop.js are deferred: they have run once the document is parsed.
  await page.waitForFunction(() => document.readyState !== "loading");
}

/** What the SDK (or anyone but the shop's CMP cookie) keeps on the device. */
const stored = (page) => page.evaluate(() => {
  const dump = (s) => { const o = {}; for (let i = 0; i < s.length; i++) o[s.key(i)] = s.getItem(s.key(i)); return o; };
  return {
    local: dump(localStorage),
    session: dump(sessionStorage),
    cookies: document.cookie.split("; ").filter((c) => c && !c.startsWith("laufhaus_cmp=")),
  };
});
const NOTHING = { local: {}, session: {}, cookies: [] };
const profile = async (page) => JSON.parse((await stored(page)).local["moments:v1"] || "null");

const ctx = (page) => page.evaluate(() => Moments.context());
const text = (page, sel) => page.evaluate((s) => document.querySelector(s).textContent, sel);
const visible = (page, sel) => page.evaluate((s) => getComputedStyle(document.querySelector(s)).display !== "none", sel);

/** Clicks "In den Warenkorb" on product `id` and waits for the SDK to count it. */
async function addToCart(page, id, quantity = 1) {
  const before = (await ctx(page)).cart.items;
  const form = `form:has(input[name=id][value="${id}"])`;
  if (quantity !== 1) await page.fill(`${form} input[name=quantity]`, String(quantity));
  await page.click(`${form} button[type=submit]`);
  await page.waitForFunction((n) => Moments.context().cart.items >= n, before + quantity);
}

/** Waits for Moments event `name` (recorded by a handler the page registered before the tag). */
const RECORD = () => {
  window.__ev = [];
  window.Moments = window.Moments || [];
  for (const n of ["ready", "error", "signal", "decision"]) window.Moments.push(["on", n, (d) => window.__ev.push([n, d])]);
};
const events = (page, name) => page.evaluate((n) => window.__ev.filter((e) => e[0] === n).map((e) => e[1]), name);

test("before consent: nothing is written anywhere, yet the page is personalized from memory (email campaign, cart)", async () => {
  const page = await shopper({ init: RECORD });
  await go(page, HOME + CAMPAIGN);
  assert.equal(await page.isVisible("#cmp"), true, "the banner asks");
  assert.deepEqual(await stored(page), NOTHING);

  const c = await ctx(page);
  assert.deepEqual([c.utm.source, c.utm.medium, c.utm.campaign, c.channel], ["newsletter", "email", "Frühjahrs-Aktion 2026", "email"]);
  assert.equal(await text(page, "#begruessung"), "Schön, dass Sie aus unserem Newsletter kommen (Frühjahrs-Aktion 2026)");

  await addToCart(page, 40002);
  await addToCart(page, 40001, 2);
  const cart = (await ctx(page)).cart;
  assert.deepEqual([cart.items, cart.value, cart.currency], [3, 1478.9, "EUR"]);
  await page.waitForFunction(() => document.querySelector("#warenkorb-hinweis").textContent.includes("3 Artikel"));
  assert.equal(await text(page, "#warenkorb-hinweis"), "Ihr Warenkorb: 3 Artikel für 1478.9 EUR");
  assert.equal(await visible(page, "#versandkostenfrei"), true);
  assert.equal(await text(page, ".warenkorb-summe"), "1.478,90\u00a0€", "the shop's own cart agrees");
  assert.equal(await page.evaluate(() => window.dataLayer), undefined, "no dataLayer made up for the shop");
  assert.deepEqual(await stored(page), NOTHING, "still nothing stored after cart changes");

  // The next page: nothing was stored, so nothing is remembered (the README: "for this page").
  await go(page, `${SEARCH}?q=Laufschuhe`);
  assert.deepEqual(await stored(page), NOTHING);
  const c2 = await ctx(page);
  assert.deepEqual([c2.cart.items, c2.visit.count, c2.session.pageviews], [0, 1, 1]);
  assert.deepEqual(await events(page, "error"), [], "nothing to report");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("Akzeptieren: the profile is stored, follows the shopper across pages and into a second visit (returning, returning_with_cart)", async () => {
  const page = await shopper();
  const T = new Date("2026-03-10T10:00:00+01:00");
  await page.clock.setFixedTime(T);
  await go(page, HOME + CAMPAIGN);
  assert.deepEqual(await stored(page), NOTHING);
  await page.click("#cmp-akzeptieren");
  await page.waitForFunction(() => localStorage.getItem("moments:v1"));
  assert.equal(await page.isVisible("#cmp"), false);
  await addToCart(page, 40001, 2);
  await page.waitForFunction(() => JSON.parse(localStorage.getItem("moments:v1")).cart);
  const s = await stored(page);
  assert.deepEqual(Object.keys(s.session), []);
  assert.deepEqual(s.cookies, [], "the SDK sets no cookies");

  // Same visit, next page: the CMP grants again (its cookie says "ja"); the cart is remembered.
  await go(page, `${BASE}/test/eu/suche.html`);
  assert.equal(await page.isVisible("#cmp"), false, "asked once");
  await page.waitForFunction(() => document.querySelector("#warenkorb-hinweis").textContent.includes("2 Artikel"));
  assert.equal(await text(page, "#warenkorb-hinweis"), "Ihr Warenkorb: 2 Artikel für 179.9 EUR");
  let c = await ctx(page);
  assert.deepEqual([c.visit.count, c.visit.returning, c.session.pageviews, c.channel, c.utm.campaign], [1, false, 2, "email", "Frühjahrs-Aktion 2026"]);
  assert.deepEqual(page.errors, []);
  await page.close();

  // Three days later, a new tab, no campaign: a returning shopper whose cart waited.
  const next = await another(page);
  await next.clock.setFixedTime(new Date(T.getTime() + 3 * 86400_000));
  await next.addInitScript(RECORD);
  await go(next, HOME);
  c = await ctx(next);
  assert.deepEqual([c.visit.count, c.visit.returning, c.cart.items, c.cart.value, c.cart.currency], [2, true, 2, 179.9, "EUR"]);
  assert.equal(c.channel, "direct");
  assert.equal(await text(next, "#stammkunde"), "Willkommen zurück – Ihr 2. Besuch");
  assert.ok((await events(next, "signal")).some((e) => e.name === "returning_with_cart"), "returning_with_cart raised");
  await next.waitForFunction(() => document.querySelector("#banner").classList.contains("banner--hinweis"));
  assert.equal(await text(next, "#banner"), "Ihr Warenkorb wartet noch: 2 Artikel");
  await next.waitForFunction(() => JSON.parse(localStorage.getItem("moments:v1") || "{}").visits === 2 || /"visits":2/.test(localStorage.getItem("moments:v1")));
  assert.deepEqual(next.errors, []);
  await next.context().close();
});

test("after Akzeptieren the next page load knows what to pre-hide (no flicker on a consent-pending site)", async () => {
  // The README: the loader hides what page-view rules swap, "remembered from the previous page
  // load" (written only with consent). A CMP shop's tag stays data-consent="pending" and grants
  // with Moments.consent(true) on every page: the selectors must be remembered then too.
  const page = await shopper();
  await go(page, HOME);
  await page.click("#cmp-akzeptieren");
  await page.waitForFunction(() => localStorage.getItem("moments:v1"));
  const hide = (await stored(page)).local["moments:prehide"];
  assert.ok(hide && hide.includes("#warenkorb-hinweis") && hide.includes("#begruessung"), `moments:prehide is ${hide}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("Ablehnen, and a later withdrawal: what was stored is erased and nothing is written again", async () => {
  {
    const page = await shopper();
    await go(page, HOME);
    await page.click("#cmp-ablehnen");
    await addToCart(page, 40003);
    await page.evaluate(() => { Moments.set({ kundentyp: "neu" }); Moments.track("search", { query: "Größe 44" }); });
    await go(page, `${SEARCH}?q=Laufschuhe`);
    assert.equal(await page.isVisible("#cmp"), false, "the choice is kept by the CMP");
    assert.deepEqual(await stored(page), NOTHING);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
  const page = await shopper();
  await go(page, HOME);
  await page.click("#cmp-akzeptieren");
  await addToCart(page, 40002);
  await page.waitForFunction(() => /LB-FOEHN-3000/.test(localStorage.getItem("moments:v1")));
  await page.click("#cmp-widerrufen");
  await page.waitForFunction(() => !localStorage.getItem("moments:v1"));
  assert.deepEqual(await stored(page), NOTHING, "withdrawn: every key gone");
  assert.equal(await page.isVisible("#cmp"), true);
  // The page keeps working from memory, and nothing is written again.
  await addToCart(page, 40003);
  await page.evaluate(() => { Moments.set({ kundentyp: "stamm" }); Moments.track("search", { query: "günstige Laufschuhe" }); Moments.reset(); });
  assert.equal((await ctx(page)).cart.items, 0, "reset forgot the cart");
  await page.waitForTimeout(1100); // a tick of the SDK's clock
  assert.deepEqual(await stored(page), NOTHING);
  await go(page, HOME);
  assert.deepEqual(await stored(page), NOTHING);
  assert.deepEqual([(await ctx(page)).cart.items, (await ctx(page)).visit.count], [0, 1]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("German searches from the URL and from the shop's form: umlauts and ß round-trip, escaped swaps, moments", async () => {
  const page = await shopper();
  const q = "günstige Laufschuhe Größe 44";
  await go(page, `${SEARCH}?q=${encodeURIComponent(q)}`);
  let c = await ctx(page);
  assert.equal(c.search.query, q);
  assert.equal(c.search.count, 1);
  assert.equal(c.page.type, "search");
  assert.equal(c.moment, "buy", JSON.stringify(c.momentScores));
  await page.waitForFunction(() => document.querySelector(".suchtitel").textContent.startsWith("Ergebnisse"));
  assert.equal(await text(page, ".suchtitel"), `Ergebnisse für „${q}“`);
  assert.equal(await visible(page, "#angebot"), true, "kaufbereit");
  assert.equal(await visible(page, "#groessenberater"), true, "$regexi größe");

  // The shop's own form (submits ?q=Laufschuhe+Vergleich+%C3%9Cbergr%C3%B6%C3%9Fe).
  const q2 = "Laufschuhe Vergleich Übergröße";
  await page.fill(".suchleiste .suchfeld", q2);
  await Promise.all([page.waitForNavigation(), page.press(".suchleiste .suchfeld", "Enter")]);
  await momentsReady(page);
  assert.match(page.url(), /q=Laufschuhe\+Vergleich\+%C3%9Cbergr%C3%B6%C3%9Fe/);
  c = await ctx(page);
  assert.equal(c.search.query, q2);
  assert.equal(c.moment, "know", JSON.stringify(c.momentScores));
  assert.equal(await text(page, ".suchtitel"), `Ergebnisse für „${q2}“`);
  assert.equal(await visible(page, "#groessenberater"), true, "Übergröße contains größe");
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // Hostile input in a search: text, never markup.
  const evil = '<img src=x onerror="window.__pwned=1">Größe 44 & „Maß“';
  const p = await shopper();
  await go(p, `${SEARCH}?q=${encodeURIComponent(evil)}`);
  await p.waitForFunction(() => document.querySelector(".suchtitel").textContent.startsWith("Ergebnisse"));
  assert.deepEqual(await p.evaluate(() => [window.__pwned, document.querySelectorAll("main img").length, document.querySelector(".suchtitel").textContent]),
    [undefined, 0, `Ergebnisse für „${evil}“`]);
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test("Moments.reset() forgets the shopper; with consent the stored profile is a fresh one", async () => {
  const page = await shopper();
  await go(page, HOME + CAMPAIGN);
  await page.click("#cmp-akzeptieren");
  await addToCart(page, 40002);
  await page.waitForFunction(() => /LB-FOEHN-3000/.test(localStorage.getItem("moments:v1")));
  const before = await profile(page);
  await page.evaluate(() => Moments.reset());
  const c = await ctx(page);
  assert.deepEqual([c.cart.items, c.cart.value], [0, 0]);
  const afterReset = await profile(page);
  assert.ok(afterReset, "still stored (consent holds)");
  assert.doesNotMatch(JSON.stringify(afterReset), /LB-FOEHN-3000|Frühjahrs/, "nothing of the old shopper");
  assert.notEqual(JSON.stringify(afterReset), JSON.stringify(before));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("storage whose getItem/setItem throw: the SDK works in memory, says so once, the page never sees an exception", async () => {
  const page = await shopper({
    init: () => {
      for (const m of ["getItem", "setItem", "removeItem"]) Storage.prototype[m] = function () { throw new DOMException("blocked", "SecurityError"); };
      (() => {
        window.__ev = [];
        window.Moments = window.Moments || [];
        window.Moments.push(["on", "error", (d) => window.__ev.push(["error", d])]);
      })();
    },
  });
  await go(page, HOME + CAMPAIGN);
  await page.click("#cmp-akzeptieren");
  await addToCart(page, 40002);
  await page.waitForFunction(() => document.querySelector("#warenkorb-hinweis").textContent.includes("1 Artikel"));
  assert.equal(await text(page, "#begruessung"), "Schön, dass Sie aus unserem Newsletter kommen (Frühjahrs-Aktion 2026)");
  const errs = await events(page, "error");
  assert.ok(errs.length >= 1 && errs.every((e) => e.path === "storage" && e.severity === "warning" && /memory/.test(e.message)), JSON.stringify(errs));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a page where touching localStorage throws (sandboxed frame): the SDK works in memory and reports it", async () => {
  const page = await shopper({
    init: () => {
      for (const k of ["localStorage", "sessionStorage"]) Object.defineProperty(window, k, { configurable: true, get() { throw new DOMException("The document is sandboxed", "SecurityError"); } });
      window.__ev = [];
      window.Moments = window.Moments || [];
      window.Moments.push(["on", "error", (d) => window.__ev.push(["error", d])]);
    },
  });
  await go(page, `${SEARCH}?q=${encodeURIComponent("günstige Laufschuhe")}`);
  await page.click("#cmp-akzeptieren");
  await addToCart(page, 40001);
  assert.equal((await ctx(page)).search.query, "günstige Laufschuhe");
  assert.equal(await visible(page, "#angebot"), true);
  const errs = await events(page, "error");
  assert.equal(errs.length, 1, JSON.stringify(errs));
  assert.deepEqual([errs[0].path, errs[0].severity], ["storage", "warning"]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("storage that fills up after consent (setItem throws later) is reported as an error warning", async () => {
  const page = await shopper({ init: RECORD });
  await go(page, HOME);
  await page.evaluate(() => {
    Storage.prototype.setItem = function () { throw new DOMException("quota", "QuotaExceededError"); };
  });
  await page.click("#cmp-akzeptieren");
  await addToCart(page, 40003);
  assert.equal((await ctx(page)).cart.items, 1, "kept in memory");
  const errs = await events(page, "error");
  assert.ok(errs.some((e) => e.path === "storage" && e.severity === "warning"), `README: "When storage is blocked or full … an error warning says so"; got ${JSON.stringify(errs)}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a withdrawal after storage failed once still erases what was stored before", async () => {
  const page = await shopper();
  await go(page, HOME);
  await page.click("#cmp-akzeptieren");
  await addToCart(page, 40002);
  await page.waitForFunction(() => /LB-FOEHN-3000/.test(localStorage.getItem("moments:v1")));
  // The quota is reached for a moment (another script filled it), then freed again.
  await page.evaluate(() => {
    const orig = Storage.prototype.setItem;
    Storage.prototype.setItem = function () { throw new DOMException("quota", "QuotaExceededError"); };
    Moments.track("add_to_cart", { id: "FS-WW-M", price: 24.5, quantity: 1, currency: "EUR" });
    Storage.prototype.setItem = orig;
  });
  await page.click("#cmp-widerrufen");
  await page.waitForTimeout(300);
  assert.deepEqual(await stored(page), NOTHING, "withdrawn consent must leave no profile behind");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("data-storage=\"session\" keeps the profile in sessionStorage only; \"memory\" keeps it nowhere", async () => {
  {
    const page = await shopper({ tag: 'data-consent="pending" data-storage="session"' });
    await go(page, HOME);
    await page.click("#cmp-akzeptieren");
    await addToCart(page, 40001);
    await page.waitForFunction(() => /LS-ISAR-44/.test(sessionStorage.getItem("moments:v1") || ""));
    assert.deepEqual(Object.keys((await stored(page)).local), [], "nothing in localStorage");
    await go(page, SEARCH);
    assert.equal((await ctx(page)).cart.items, 1, "the tab remembers");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
  const page = await shopper({ tag: 'data-consent="pending" data-storage="memory"' });
  await go(page, HOME);
  await page.click("#cmp-akzeptieren");
  await addToCart(page, 40001);
  await page.waitForTimeout(1100);
  assert.deepEqual(await stored(page), NOTHING);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a withdrawal in one tab is not undone by the shop's other open tab", async () => {
  const a = await shopper();
  await go(a, HOME);
  await a.click("#cmp-akzeptieren");
  await addToCart(a, 40002);
  const b = await another(a);
  await go(b, SEARCH); // the CMP's cookie says "ja": this tab grants too
  await b.waitForFunction(() => /LB-FOEHN-3000/.test(localStorage.getItem("moments:v1")));
  await a.click("#cmp-widerrufen");
  await a.waitForFunction(() => !localStorage.getItem("moments:v1"));
  await addToCart(b, 40001); // the other tab keeps shopping
  await b.waitForTimeout(1100);
  assert.deepEqual(await stored(b), NOTHING, "the shopper withdrew: no tab may store the profile again");
  assert.deepEqual([a.errors, b.errors], [[], []]);
  await a.context().close();
});

test("a page without analytics gets no dataLayer property from the SDK", async () => {
  const page = await shopper();
  await go(page, HOME);
  const probe = await page.evaluate(() => {
    // Code a shop or a third-party widget may have: "push if the page has analytics".
    try {
      if ("dataLayer" in window) window.dataLayer.push({ event: "widget_loaded" });
      return ["dataLayer" in window, "no exception"];
    } catch (e) {
      return ["dataLayer" in window, String(e)];
    }
  });
  assert.deepEqual(probe, [false, "no exception"]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("consent-gated analytics loaded only after Akzeptieren gets the SDK's first events, then the rest", async () => {
  const page = await shopper();
  await go(page, HOME);
  assert.equal(await page.evaluate(() => window.dataLayer), undefined);
  await page.click("#cmp-akzeptieren");
  // The shop's consent-gated GA4 snippet runs only now.
  await page.evaluate(() => { window.dataLayer = window.dataLayer || []; window.gtag = function () { dataLayer.push(arguments); }; gtag("js", new Date()); });
  await addToCart(page, 40003);
  const names = await page.evaluate(() => dataLayer.map((e) => e.event || e[0]));
  // The events from before the snippet ran are all there, before the SDK's later ones (the SDK
  // finds the new dataLayer before it sends its next event, and every LAYER_POLL_MS).
  const ready = names.indexOf("moments_ready");
  assert.ok(ready >= 0 && names.filter((n) => n === "moments_ready").length === 1, names.join());
  assert.ok(names.includes("js") && names.lastIndexOf("moments_signal") > Math.max(ready, names.indexOf("js")), names.join());
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
