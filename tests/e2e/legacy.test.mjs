// Hostile and legacy host pages. www/test/legacy/ is one plausible product page (a bag reported
// to GA4 through dataLayer, a custom size-guide event, tabs on history.pushState, the README's
// script tag after a pre-load queue) with a bundle written from the README: a text swap, an html
// swap and insert, a site attribute, a class and an emit on a custom event, a scroll reveal and an
// exit prompt with a flow. Each test loads it under one environment that real pages bring along —
// Prototype.js-era prototypes, a replaced JSON or Promise, a wrapped or polyfilled fetch, no
// streaming compilation, wrapped history and dataLayer, a page that observes every mutation or
// swaps <body>, a console that throws, quirks mode, <base href>, iframes (sandboxed too) — injected
// before the SDK. What the README promises for each: the rules fire where the environment allows,
// the page's own code keeps working, nothing reaches window.onerror, unhandledrejection or
// console.error, and where the SDK cannot work it reports one clear `error` event and leaves the
// page as it was.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, BASE } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const SHOP = `${BASE}/test/legacy/index.html`;
const HERO = "Trail Runner 3";

/** Installed first in every frame: records whatever escapes to the page's global handlers. */
const RECORDER = `
  window.__escaped = [];
  window.onerror = function (m) { window.__escaped.push("onerror: " + m); };
  window.addEventListener("unhandledrejection", function (e) {
    var r = e.reason; window.__escaped.push("unhandledrejection: " + ((r && r.message) || r));
  });`;

/**
 * A fresh shopper's page with `env` (script text) run before any of the page's scripts, in every
 * frame. `opts.route(page)` sets up routes; `opts.url` replaces the shop's URL.
 */
async function open(env, opts = {}) {
  const page = await newPage(browser);
  await page.addInitScript(RECORDER);
  if (env) await page.addInitScript(env);
  if (opts.route) await opts.route(page);
  await page.goto(opts.url || SHOP);
  return page;
}

/** Waits for the SDK in frame `f` (a page's main frame or an iframe). */
async function ready(f) {
  await f.waitForFunction(() => window.Moments && window.Moments.ready && window.__shopReady, null, { timeout: 15000 });
  await f.evaluate(() => window.Moments.ready);
}

const text = (f, sel) => f.evaluate((s) => document.querySelector(s).textContent, sel);
const visible = (f, sel) => f.evaluate((s) => { const el = document.querySelector(s); return !!el && getComputedStyle(el).display !== "none" && !el.hidden; }, sel);
/** The page's escapes, the SDK's error events (as the shop's handler saw them) and console errors. */
const trouble = async (page, f = page.mainFrame()) => ({
  escaped: await f.evaluate(() => window.__escaped),
  sdkErrors: await f.evaluate(() => (window.__sdkErrors || []).map((e) => e.message)),
  console: page.errors,
});
const clean = { escaped: [], sdkErrors: [], console: [] };

/** Simulates the pointer leaving through the top of the viewport. */
const leave = (f) => f.evaluate(() => document.dispatchEvent(new MouseEvent("mouseout", { clientY: 0, clientX: 300, relatedTarget: null, bubbles: true })));

/**
 * The shopper's visit, run in frame `f`; every step checks what the README promises. `skip` names
 * steps the environment rules out ("cart": no commerce from dataLayer; "scroll"; "prompt").
 */
async function journey(f, skip = []) {
  await ready(f);
  assert.equal(await text(f, "#tier"), "Gold member prices shown.", "set() from the pre-load queue, page-view rule");
  assert.equal(await text(f, "#hero-title"), HERO, "empty bag: the hero stays");

  // The bag: GA4 add_to_cart pushes.
  await f.click(".product[data-sku='SOCK-2'] button.buy");
  await f.click(".product[data-sku='TR3-42'] button.buy");
  assert.equal(await text(f, "#cart-count"), "2", "the shop's own bag");
  assert.equal(await text(f, "#cart-total"), "104.00", "the shop's own bag");
  if (!skip.includes("cart")) {
    await f.waitForFunction(() => document.querySelector("#hero-title").textContent.startsWith("2 item"), null, { timeout: 5000 });
    assert.equal(await text(f, "#hero-title"), "2 item(s) in your bag — free returns");
    const c = (await f.evaluate(() => Moments.context())).cart;
    assert.deepEqual([c.items, c.value, c.currency], [2, 104, "EUR"]);
    assert.equal(await f.evaluate(() => document.querySelector("#bundle-promo").innerHTML), "<strong>Bundle deal:</strong> 2 items, socks at half price");
    assert.equal(await f.evaluate(() => document.querySelector("#bundle-slot").innerHTML), '<p class="bundle-note">Bundle applied to <em>104 EUR</em></p>');
  }

  // A custom event through the queue: a class, and an emit the shop listens to.
  await f.click("#size-guide");
  await f.waitForFunction(() => document.querySelector("#size-help").classList.contains("is-open"), null, { timeout: 5000 });
  await f.waitForFunction(() => document.querySelector("#guide-log").textContent !== "", null, { timeout: 5000 });
  assert.equal(await text(f, "#guide-log"), "guide seen (sdk)");

  if (!skip.includes("scroll")) {
    await f.evaluate(() => window.scrollTo(0, 1e6));
    await f.waitForFunction(() => !document.querySelector("#reviews-cta").hidden || document.querySelector("#reviews-cta").hasAttribute("data-moments-show"), null, { timeout: 5000 });
    assert.ok(await visible(f, "#reviews-cta"), "scrolled past half: the reviews teaser shows");
    await f.evaluate(() => window.scrollTo(0, 0));
  }

  if (!skip.includes("prompt") && !skip.includes("cart")) {
    await leave(f);
    const tight = f.locator("moments-prompt .b", { hasText: "Too tight" });
    await tight.waitFor({ timeout: 8000 });
    await tight.click();
    const off = f.locator("moments-prompt .b", { hasText: "Show me 10% off" });
    await off.click();
    await f.waitForFunction(() => getComputedStyle(document.querySelector("#coupon")).display !== "none", null, { timeout: 5000 });
    assert.equal(await f.evaluate(() => Moments.context().flow.fit), "Too tight");
  }
}

/** `destroy()` gives the page back: the shop's markup as it was served, the bag still working. */
async function giveBack(f) {
  await f.evaluate(() => Moments.destroy());
  assert.equal(await text(f, "#hero-title"), HERO);
  assert.equal(await text(f, "#tier"), "Member prices for everyone.");
  assert.equal(await f.evaluate(() => document.querySelector("#bundle-slot").innerHTML), "");
  assert.equal(await f.evaluate(() => document.querySelectorAll("moments-prompt").length), 0);
}

test("baseline: the plain page (the journey itself passes before any environment is added)", async () => {
  const page = await open("");
  await journey(page.mainFrame());
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

// ---- Prototype.js-era globals -------------------------------------------------------------------

/** What Prototype.js 1.6 did to the built-ins (its Array#toJSON returns JSON text, so a native
 * JSON.stringify double-encodes arrays), plus enumerable Object.prototype additions, String
 * extensions, Element methods, and slow-but-correct Array#forEach/map polyfills. */
const PROTOTYPE = `
  Array.prototype.toJSON = function () {
    var out = [];
    for (var i = 0; i < this.length; i++) { var v = JSON.stringify(this[i]); out.push(v === undefined ? "null" : v); }
    return "[" + out.join(", ") + "]";
  };
  Object.prototype.foo = 1;
  Object.prototype.extend = function (o) { for (var k in o) this[k] = o[k]; return this; };
  String.prototype.strip = function () { return this.replace(/^\\s+|\\s+$/g, ""); };
  String.prototype.include = function (s) { return this.indexOf(s) > -1; };
  String.prototype.escapeHTML = function () { return this.replace(/&/g, "&amp;").replace(/</g, "&lt;"); };
  Element.prototype.update = function (c) { this.innerHTML = c; return this; };
  Array.prototype.forEach = function (fn, self) {
    for (var i = 0; i < this.length; i++) { for (var j = 0; j < 200; j++); if (i in this) fn.call(self, this[i], i, this); }
  };
  Array.prototype.map = function (fn, self) {
    var out = new Array(this.length);
    for (var i = 0; i < this.length; i++) { for (var j = 0; j < 200; j++); if (i in this) out[i] = fn.call(self, this[i], i, this); }
    return out;
  };`;

test("Prototype.js-style globals: Array#toJSON, enumerable Object.prototype keys, String/Element extensions, slow Array polyfills", async () => {
  const page = await open(PROTOTYPE);
  await journey(page.mainFrame());
  // GA4 items with quantities: the SDK reads the page's arrays as arrays, whatever Array#toJSON says.
  await page.evaluate(() => dataLayer.push({ event: "add_to_cart", ecommerce: { currency: "EUR", value: 30, items: [{ item_id: "GEL", price: 10, quantity: 3 }] } }));
  await page.waitForFunction(() => Moments.context().cart.items > 2);
  assert.deepEqual(await page.evaluate(() => [Moments.context().cart.items, Moments.context().cart.value]), [5, 134]);
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

// ---- JSON ---------------------------------------------------------------------------------------

/** Another library wraps JSON: parse revives ISO dates into Date objects, stringify refuses BigInt
 * with its own message and logs what it serialised. */
const JSON_WRAPPED = `
  (function () {
    var parse = JSON.parse, stringify = JSON.stringify;
    var iso = /^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$/;
    window.__jsonCalls = 0;
    JSON.parse = function (text, reviver) {
      return parse(text, function (k, v) {
        if (typeof v === "string" && iso.test(v)) v = new Date(v);
        return reviver ? reviver.call(this, k, v) : v;
      });
    };
    JSON.stringify = function (v, r, s) {
      window.__jsonCalls++;
      return stringify(v, function (k, x) {
        if (typeof x === "bigint") throw new TypeError("serializer: BigInt not supported");
        return typeof r === "function" ? r.call(this, k, x) : x;
      }, s);
    };
  })();`;

/** An old json2.js: window.JSON replaced by a script implementation (parse validates, then evals). */
const JSON2 = `
  (function () {
    var esc = /[\\\\"\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u0600-\\u0604\\u070f\\u17b4\\u17b5\\u200c-\\u200f\\u2028-\\u202f\\u2060-\\u206f\\ufeff\\ufff0-\\uffff]/g;
    var meta = { "\\b": "\\\\b", "\\t": "\\\\t", "\\n": "\\\\n", "\\f": "\\\\f", "\\r": "\\\\r", '"': '\\\\"', "\\\\": "\\\\\\\\" };
    function quote(s) {
      esc.lastIndex = 0;
      return esc.test(s) ? '"' + s.replace(esc, function (a) { var c = meta[a]; return typeof c === "string" ? c : "\\\\u" + ("0000" + a.charCodeAt(0).toString(16)).slice(-4); }) + '"' : '"' + s + '"';
    }
    function str(key, holder, rep) {
      var value = holder[key];
      if (value && typeof value === "object" && typeof value.toJSON === "function") value = value.toJSON(key);
      if (typeof rep === "function") value = rep.call(holder, key, value);
      switch (typeof value) {
        case "string": return quote(value);
        case "number": return isFinite(value) ? String(value) : "null";
        case "boolean": return String(value);
        case "object":
          if (!value) return "null";
          var partial = [];
          if (Object.prototype.toString.apply(value) === "[object Array]") {
            for (var i = 0; i < value.length; i++) partial[i] = str(i, value, rep) || "null";
            return "[" + partial.join(",") + "]";
          }
          for (var k in value) {
            if (Object.prototype.hasOwnProperty.call(value, k)) { var v = str(k, value, rep); if (v) partial.push(quote(k) + ":" + v); }
          }
          return "{" + partial.join(",") + "}";
      }
    }
    window.JSON = {
      stringify: function (value, rep) { return str("", { "": value }, rep); },
      parse: function (text, reviver) {
        var j = eval("(" + text + ")");
        if (typeof reviver !== "function") return j;
        return (function walk(holder, key) {
          var v = holder[key];
          if (v && typeof v === "object") for (var k in v) if (Object.prototype.hasOwnProperty.call(v, k)) { var w = walk(v, k); if (w !== undefined) v[k] = w; else delete v[k]; }
          return reviver.call(holder, key, v);
        })({ "": j }, "");
      },
    };
    window.__json2 = true;
  })();`;

test("JSON.parse/stringify wrapped by another library (a date reviver, its own BigInt refusal)", async () => {
  const page = await open(JSON_WRAPPED);
  await journey(page.mainFrame());
  // A BigInt in the page's own analytics is dropped by the SDK, never thrown back at the page.
  await page.evaluate(() => { dataLayer.push({ event: "view_item", ecommerce: { value: 10n } }); Moments.track("odd", { n: 1n }); });
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

test("window.JSON replaced by an old json2.js-style implementation", async () => {
  const page = await open(JSON2);
  assert.equal(await page.evaluate(() => window.__json2 && JSON.stringify([1, "a"])), '[1,"a"]');
  await journey(page.mainFrame());
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

// ---- Promise, fetch, WebAssembly, TextDecoder ---------------------------------------------------

/** A core-js-style Promise polyfill: spec-compliant enough (thenable adoption, microtasks), not native. */
const PROMISE = `
  (function () {
    function P(exec) {
      var self = this; self._s = 0; self._v = undefined; self._q = [];
      function settle(s, v) { if (self._s) return; self._s = s; self._v = v; var q = self._q; self._q = []; q.forEach(run); }
      function resolve(v) {
        if (v === self) return settle(2, new TypeError("cycle"));
        if (v && (typeof v === "object" || typeof v === "function")) {
          var then; try { then = v.then; } catch (e) { return settle(2, e); }
          if (typeof then === "function") { var done = false; try { then.call(v, function (x) { if (!done) { done = true; resolve(x); } }, function (x) { if (!done) { done = true; settle(2, x); } }); } catch (e) { if (!done) { done = true; settle(2, e); } } return; }
        }
        settle(1, v);
      }
      function run(h) { queueMicrotask(function () { var f = self._s === 1 ? h.ok : h.no; if (typeof f !== "function") return (self._s === 1 ? h.res : h.rej)(self._v); var r; try { r = f(self._v); } catch (e) { return h.rej(e); } h.res(r); }); }
      self._run = run;
      try { exec(resolve, function (x) { settle(2, x); }); } catch (e) { settle(2, e); }
    }
    P.prototype.then = function (ok, no) { var self = this; return new P(function (res, rej) { var h = { ok: ok, no: no, res: res, rej: rej }; if (self._s) self._run(h); else self._q.push(h); }); };
    P.prototype.catch = function (no) { return this.then(undefined, no); };
    P.prototype.finally = function (f) { return this.then(function (v) { return P.resolve(f()).then(function () { return v; }); }, function (e) { return P.resolve(f()).then(function () { throw e; }); }); };
    P.resolve = function (v) { return v instanceof P ? v : new P(function (r) { r(v); }); };
    P.reject = function (v) { return new P(function (_, r) { r(v); }); };
    P.all = function (a) { return new P(function (res, rej) { var out = [], n = 0, i = 0; Array.from(a).forEach(function (x, k) { i++; P.resolve(x).then(function (v) { out[k] = v; if (++n === i) res(out); }, rej); }); if (!i) res(out); }); };
    P.race = function (a) { return new P(function (res, rej) { Array.from(a).forEach(function (x) { P.resolve(x).then(res, rej); }); }); };
    P.allSettled = function (a) { return P.all(Array.from(a).map(function (x) { return P.resolve(x).then(function (v) { return { status: "fulfilled", value: v }; }, function (e) { return { status: "rejected", reason: e }; }); })); };
    window.Promise = P;
    window.__polyfilledPromise = P;
  })();`;

/** An analytics library's fetch wrapper: records the call, answers a little later. */
const FETCH_WRAPPED = `
  (function () {
    var f = window.fetch; window.__fetched = [];
    window.fetch = function (input, init) {
      window.__fetched.push(String(input && input.url || input));
      return new Promise(function (r) { setTimeout(r, 40); }).then(function () { return f(input, init); });
    };
  })();`;

/** A fetch polyfill on XMLHttpRequest (whatwg-fetch style, installed over the native one): its
 * responses are the polyfill's own objects, not the browser's Response. */
const FETCH_XHR = `
  (function () {
    function Res(xhr) {
      this.status = xhr.status; this.ok = xhr.status >= 200 && xhr.status < 300; this.statusText = xhr.statusText;
      this.url = xhr.responseURL; this.type = "default"; this._body = xhr.response;
      var h = xhr.getAllResponseHeaders();
      this.headers = { get: function (n) { var m = new RegExp("^" + n + ":\\\\s*(.*)$", "im").exec(h); return m ? m[1].trim() : null; } };
    }
    Res.prototype.arrayBuffer = function () { return Promise.resolve(this._body.slice(0)); };
    Res.prototype.text = function () { return Promise.resolve(new TextDecoder().decode(this._body)); };
    Res.prototype.json = function () { return this.text().then(JSON.parse); };
    window.__xhrFetches = 0;
    window.fetch = function (input, init) {
      return new Promise(function (resolve, reject) {
        var xhr = new XMLHttpRequest();
        xhr.open((init && init.method) || "GET", String(input && input.url || input), true);
        xhr.responseType = "arraybuffer";
        xhr.withCredentials = !!init && init.credentials === "include";
        xhr.onload = function () { window.__xhrFetches++; resolve(new Res(xhr)); };
        xhr.onerror = function () { reject(new TypeError("Network request failed")); };
        xhr.send();
      });
    };
  })();`;

test("Promise replaced by a spec-compliant polyfill (core-js style)", async () => {
  const page = await open(PROMISE);
  assert.ok(await page.evaluate(() => window.Promise === window.__polyfilledPromise));
  await journey(page.mainFrame());
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

test("window.fetch wrapped by an analytics library that answers a little later", async () => {
  const page = await open(FETCH_WRAPPED);
  await journey(page.mainFrame());
  const fetched = await page.evaluate(() => window.__fetched);
  assert.ok(fetched.some((u) => u.endsWith("/test/legacy/bundle.json")), JSON.stringify(fetched));
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

test("window.fetch replaced by a polyfill on XMLHttpRequest (its own Response objects)", async () => {
  const page = await open(FETCH_XHR);
  await journey(page.mainFrame());
  assert.ok(await page.evaluate(() => window.__xhrFetches) >= 2, "the bundle and the wasm came through the page's fetch");
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

test("WebAssembly.instantiateStreaming and compileStreaming missing (older Safari)", async () => {
  const page = await open("delete WebAssembly.instantiateStreaming; delete WebAssembly.compileStreaming;");
  await journey(page.mainFrame());
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

/** Where the SDK cannot run: one clear `error` event, the page as served, the shop still working. */
async function inert(page, pattern) {
  const f = page.mainFrame();
  await f.waitForFunction(() => window.__shopReady && (window.__sdkErrors || []).length > 0, null, { timeout: 15000 });
  await page.waitForTimeout(300); // a second error event would arrive meanwhile
  const t = await trouble(page);
  assert.equal(t.sdkErrors.length, 1, JSON.stringify(t.sdkErrors));
  assert.match(t.sdkErrors[0], pattern);
  // The browser's own network log of a failed download is not the SDK writing to the console.
  assert.deepEqual([t.escaped, t.console.filter((m) => !m.startsWith("Failed to load resource"))], [[], []]);
  assert.equal(await text(f, "#tier"), "Member prices for everyone.");
  await f.click(".product[data-sku='TR3-42'] button.buy");
  assert.equal(await text(f, "#cart-count"), "1", "the shop's own bag still works");
  assert.equal(await text(f, "#hero-title"), HERO, "the page is untouched");
  // The API answers, inertly, and never throws.
  // context(): the context before any page view (nothing sensed), explain(): no rules.
  assert.deepEqual(await f.evaluate(() => { Moments.track("x"); Moments.set({ a: 1 }); const c = Moments.context(); return [c.session.pageviews, c.cart.items, c.custom, Moments.explain().rules]; }), [0, 0, {}, []]);
}

test("no WebAssembly at all: one clear error event, the page untouched", async () => {
  const page = await open("delete window.WebAssembly;");
  await inert(page, /WebAssembly/i);
  await page.context().close();
});

test("no TextDecoder: the SDK works, or reports one clear error event and leaves the page untouched", {
  todo: "the wasm-bindgen glue makes a TextDecoder at the top level of moments.js, outside the loader's try: the ReferenceError reaches window.onerror and window.Moments stays the queue",
}, async () => {
  const page = await open("delete window.TextDecoder;");
  await page.waitForFunction(() => window.__shopReady);
  await page.waitForTimeout(500);
  const escaped = await page.evaluate(() => window.__escaped);
  assert.deepEqual(escaped, [], "nothing reaches window.onerror");
  assert.ok(await page.evaluate(() => !Array.isArray(window.Moments)), "window.Moments is the API, not the queue");
  await inert(page, /TextDecoder/);
  await page.context().close();
});

// ---- history and dataLayer ----------------------------------------------------------------------

/** A router-analytics library wraps pushState before the SDK; another wraps it after (tested below). */
const HISTORY_BEFORE = `
  (function () {
    var p = history.pushState; window.__routerSeen = [];
    history.pushState = function (s, t, u) { window.__routerSeen.push(String(u)); return p.apply(this, arguments); };
  })();`;

test("history.pushState wrapped by a library before the SDK and by another after it; destroy() leaves both working", async () => {
  const page = await open(HISTORY_BEFORE);
  const f = page.mainFrame();
  await journey(f);
  await page.evaluate(() => {
    const p = history.pushState; window.__afterSeen = [];
    history.pushState = function (s, t, u) { window.__afterSeen.push(String(u)); return p.apply(this, arguments); };
  });
  const views = () => page.evaluate(() => dataLayer.filter((e) => e.event === "moments_signal" && e.name === "page_view").length);
  const before = await views();
  await page.click("#tab-reviews");
  await page.waitForFunction((n) => dataLayer.filter((e) => e.event === "moments_signal" && e.name === "page_view").length > n, before);
  assert.equal(await text(f, "#tab-body"), "4.8/5 from 1,204 runners.");
  assert.equal(await text(f, "#hero-title"), "2 item(s) in your bag — free returns", "the new route's page view: the bag rule again");
  await giveBack(f);
  await page.click("#tab-details");
  assert.equal(await text(f, "#tab-body"), "Lightweight, grippy, made for long trails.");
  assert.deepEqual(await page.evaluate(() => [window.__routerSeen, window.__afterSeen, location.search]), [["?tab=reviews", "?tab=details"], ["?tab=reviews", "?tab=details"], "?tab=details"]);
  assert.equal(await views(), before + 1, "no page view after destroy()");
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

test("a frozen window.dataLayer (a consent tool froze it): no escape, custom events still work", async () => {
  // The GA snippet's queue, frozen once gtag's first calls are in; the shop's pushes fail in its own try.
  const page = await open("", { route: (p) => p.route("**/test/legacy/ga.js", (r) => r.fulfill({
    contentType: "text/javascript",
    body: 'window.dataLayer = Object.freeze([{ event: "gtm.js", "gtm.start": 1 }]);',
  })) });
  await journey(page.mainFrame(), ["cart"]);
  assert.ok(await page.evaluate(() => window.__gaFailed > 0), "the environment really is frozen");
  assert.equal(await page.evaluate(() => dataLayer.length), 1);
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

/** A tag manager whose dataLayer is an object with a push method, not an array. */
const LAYER_OBJECT = `
  window.dataLayer = { entries: [], push: function () { for (var i = 0; i < arguments.length; i++) this.entries.push(arguments[i]); return this.entries.length; } };`;

test("a dataLayer that is an object with push() (not an array): the page's GA4 events are read, the SDK's pushed", async () => {
  const page = await open(LAYER_OBJECT);
  await journey(page.mainFrame());
  const names = await page.evaluate(() => dataLayer.entries.map((e) => e.event).filter((n) => n && n.startsWith("moments_")));
  assert.ok(names.includes("moments_ready") && names.includes("moments_decision"), JSON.stringify(names));
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

test("dataLayer.push replaced by GTM's own wrapper after the SDK loaded", async () => {
  const page = await open("");
  await ready(page.mainFrame());
  await page.evaluate(() => {
    const prev = dataLayer.push; window.__gtmSeen = 0;
    dataLayer.push = function () { window.__gtmSeen += arguments.length; return prev.apply(dataLayer, arguments); };
  });
  await journey(page.mainFrame());
  assert.ok(await page.evaluate(() => window.__gtmSeen) >= 4, "GTM saw the pushes");
  await giveBack(page.mainFrame());
  await page.click(".product[data-sku='SOCK-2'] button.buy");
  assert.equal(await text(page.mainFrame(), "#cart-count"), "3");
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

// ---- the DOM ------------------------------------------------------------------------------------

/** A page that observes every mutation of the document and writes a counter (a mutation itself). */
const OBSERVER = `
  window.__mutations = 0;
  new MutationObserver(function (records) {
    var c = document.getElementById("mutation-count");
    records = records.filter(function (r) { return !c || !c.contains(r.target); }); // not its own writes
    window.__mutations += records.length;
    if (!c && document.body) { c = document.createElement("small"); c.id = "mutation-count"; document.body.appendChild(c); }
    if (c && c.textContent !== String(window.__mutations)) c.textContent = String(window.__mutations);
  }).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });`;

test("the page's own MutationObserver watching (and writing to) the whole document at the same time", async () => {
  const page = await open(OBSERVER);
  await journey(page.mainFrame());
  // Both observers settle: the count stops moving (no ping-pong between them).
  const a = await page.evaluate(() => new Promise((r) => setTimeout(() => r(window.__mutations), 300)));
  const b = await page.evaluate(() => new Promise((r) => setTimeout(() => r(window.__mutations), 300)));
  assert.equal(a, b, "the page and the SDK do not keep each other busy");
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

test("Element.prototype.attachShadow patched by a library (records calls, forces open mode)", async () => {
  const page = await open(`
    (function () { var o = Element.prototype.attachShadow; window.__shadows = 0;
      Element.prototype.attachShadow = function (init) { window.__shadows++; return o.call(this, Object.assign({}, init, { mode: "open" })); }; })();`);
  await journey(page.mainFrame());
  assert.ok(await page.evaluate(() => window.__shadows) >= 1);
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

test("document.body replaced by a PJAX library (Turbolinks-style) after the SDK started", async () => {
  const page = await open("");
  const f = page.mainFrame();
  await ready(f);
  await f.click(".product[data-sku='TR3-42'] button.buy");
  await f.waitForFunction(() => document.querySelector("#hero-title").textContent.startsWith("1 item"));
  // A visit: the next page is fetched, its body goes in, then the URL changes.
  await page.evaluate(async () => {
    const html = await (await fetch("/test/legacy/index.html")).text();
    document.body = document.adoptNode(new DOMParser().parseFromString(html, "text/html").body);
    history.pushState({}, "", "?visit=2");
  });
  await f.waitForFunction(() => document.querySelector("#hero-title").textContent.startsWith("1 item"), null, { timeout: 5000 });
  await f.click(".product[data-sku='SOCK-2'] button.buy");
  await f.waitForFunction(() => document.querySelector("#hero-title").textContent.startsWith("2 item"), null, { timeout: 5000 });
  assert.equal(await text(f, "#bundle-slot"), "Bundle applied to 104 EUR");
  await leave(f);
  await f.locator("moments-prompt .b", { hasText: "Talk to us" }).click({ timeout: 8000 });
  assert.ok(await visible(f, "#chat"), "the flow's emit reached the shop's handler");
  assert.ok(await page.evaluate(() => document.body.contains(document.querySelector("#hero-title"))));
  await giveBack(f);
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

// ---- console ------------------------------------------------------------------------------------

const CONSOLE_THROWS = `
  ["log", "info", "warn", "error", "debug", "group", "groupCollapsed", "groupEnd", "table"].forEach(function (k) {
    console[k] = function () { throw new Error("console." + k + " is disabled on this site"); };
  });`;

test("console methods that throw, with debug on (?moments_debug=1): nothing escapes", async () => {
  const page = await open(CONSOLE_THROWS, { url: SHOP + "?moments_debug=1" });
  await journey(page.mainFrame());
  await page.evaluate(() => { Moments.track(); Moments.on("x"); Moments.explain("nope"); });
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

test("console methods that throw, and a bundle that fails: the error event still comes, nothing escapes", async () => {
  const page = await open(CONSOLE_THROWS, { url: SHOP + "?moments_debug=1", route: (p) => p.route("**/test/legacy/bundle.json", (r) => r.fulfill({ status: 404, body: "" })) });
  await inert(page, /HTTP 404/);
  await page.context().close();
});

// ---- documents ----------------------------------------------------------------------------------

/** Serves the shop's page through `edit(html)`. */
const rewrite = (edit) => (page) => page.route("**/test/legacy/index.html*", async (route) => {
  const res = await route.fetch();
  await route.fulfill({ response: res, body: edit(await res.text()) });
});

test("quirks mode (no doctype): the swaps, the scroll reveal and the prompt all work", async () => {
  const page = await open("", { route: rewrite((h) => h.replace("<!doctype html>\n", "")) });
  assert.equal(await page.evaluate(() => document.compatMode), "BackCompat");
  await journey(page.mainFrame());
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

test("<base href> pointing elsewhere, the tag and data-bundle written relative to it", async () => {
  // The page lives at /test/legacy/index.html; its base is the site root, as on many old shops.
  const page = await open("", { route: rewrite((h) => h
    .replace("<head>", '<head>\n<base href="/">')
    .replace('src="/moments/moments.js" data-bundle="/test/legacy/bundle.json"', 'src="moments/moments.js" data-bundle="test/legacy/bundle.json"')) });
  await journey(page.mainFrame());
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

test("<base href> on another path: the wasm and the prompt script still come from beside moments.js", async () => {
  const urls = [];
  const page = await open("", { route: async (p) => {
    p.on("request", (r) => urls.push(new URL(r.url()).pathname));
    await rewrite((h) => h.replace("<head>", '<head>\n<base href="/static/v2/">'))(p);
  } });
  await journey(page.mainFrame());
  assert.ok(urls.includes("/moments/moments.wasm") && urls.includes("/moments/moments-prompt.js"), JSON.stringify(urls));
  await giveBack(page.mainFrame());
  assert.deepEqual(await trouble(page), clean);
  await page.context().close();
});

/** A host page that frames the shop. */
const framing = (attrs) => (page) => page.route("**/test/legacy/frame.html", (r) => r.fulfill({
  contentType: "text/html",
  body: `<!doctype html><title>Frame</title><iframe ${attrs} src="/test/legacy/index.html" style="width:1000px;height:700px"></iframe>`,
}));
const shopFrame = async (page) => {
  await page.waitForFunction(() => document.querySelector("iframe"));
  for (let i = 0; i < 100 && !page.frames().find((f) => f.url().endsWith("/test/legacy/index.html")); i++) await page.waitForTimeout(50);
  return page.frames().find((f) => f.url().endsWith("/test/legacy/index.html"));
};

test("inside a same-origin iframe", async () => {
  const page = await open("", { url: `${BASE}/test/legacy/frame.html`, route: framing("") });
  const f = await shopFrame(page);
  await journey(f);
  await giveBack(f);
  assert.deepEqual(await trouble(page, f), clean);
  await page.context().close();
});

test("inside a sandboxed iframe (allow-scripts, no allow-same-origin): storage throws, the bundle and wasm come with CORS", async () => {
  // An opaque origin: the bundle and the wasm are cross-origin fetches, so they need CORS headers
  // (a CDN sends them); storage throws SecurityError, so the profile lives in memory, with a warning.
  const page = await open("", { url: `${BASE}/test/legacy/frame.html`, route: async (p) => {
    await framing('sandbox="allow-scripts"')(p);
    await p.route(/\/(moments\.wasm|bundle\.json)$/, async (r) => {
      const res = await r.fetch();
      await r.fulfill({ response: res, headers: { ...res.headers(), "access-control-allow-origin": "*" } });
    });
  } });
  const f = await shopFrame(page);
  await journey(f);
  const t = await trouble(page, f);
  assert.equal(t.sdkErrors.length, 1, JSON.stringify(t.sdkErrors));
  assert.match(t.sdkErrors[0], /storage/i);
  assert.deepEqual([t.escaped, t.console], [[], []]);
  await giveBack(f);
  await page.context().close();
});

test("inside a sandboxed iframe whose server sends no CORS headers: one clear error event, the page untouched", async () => {
  const page = await open("", { url: `${BASE}/test/legacy/frame.html`, route: framing('sandbox="allow-scripts"') });
  const f = await shopFrame(page);
  await f.waitForFunction(() => window.__shopReady && (window.__sdkErrors || []).length > 0, null, { timeout: 15000 });
  await f.waitForTimeout(300);
  const t = await trouble(page, f);
  assert.equal(t.sdkErrors.length, 1, JSON.stringify(t.sdkErrors));
  assert.match(t.sdkErrors[0], /bundle .*bundle\.json/, "the error names what could not be fetched");
  assert.deepEqual(t.escaped, []);
  assert.equal(await text(f, "#tier"), "Member prices for everyone.");
  await page.context().close();
});
