// Acceptance test of the npm package as a component-framework storefront uses it:
// tests/consumer-app/ is "Stride", a TypeScript shop built with Vite, written the way React/Vue
// apps are (a tiny component/effect system of its own, no framework dependency). It installs
// moments-sdk from dist/npm (packed with `npm pack`, as a customer gets it) and
// - type-checks under `strict` against index.d.ts: every documented call, the event detail types,
//   an inline `Bundle`, create()'s return type, and mistakes that must be type errors;
// - starts the SDK in an effect that the framework runs twice in development (StrictMode: mount,
//   cleanup → destroy(), mount again), calling set/track/on right after create();
// - routes with history.pushState; tracks GA4-shaped commerce events; reads context() in render;
// - has a bundle preview panel (validate/evaluate in the browser);
// - passes the bundle as a URL or as an inline object, and hosts the wasm itself in one variant;
// - renders on the server (a Vite SSR build imported in Node).
// The built app is served by a small static server of this test (with the fallback to index.html
// an SPA's server has, and the self-hosted wasm) and driven in Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { join, extname, normalize } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { launch, newPage } from "./browser.mjs";
import { installSdk } from "./consumer.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const APP = join(ROOT, "tests/consumer-app");
const INSTALLED = join(APP, "node_modules/moments-sdk");

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: APP, encoding: "utf8", ...opts });
  if (r.error) throw r.error;
  return r;
}
/** Like sh, without blocking this process (whose servers the child may talk to). */
function shAsync(cmd, args) {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { cwd: APP });
    let stdout = "", stderr = "";
    c.stdout.on("data", (d) => (stdout += d));
    c.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => c.kill(), 30000);
    c.on("error", reject);
    c.on("close", (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}
function ok(cmd, args, opts) {
  const r = sh(cmd, args, opts);
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let browser;
let server;
let base;

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".json": "application/json", ".wasm": "application/wasm", ".svg": "image/svg+xml" };

/** The shop's static server: dist/, the self-hosted wasm, index.html for every route. */
function serve() {
  const dir = join(APP, "dist");
  return createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = path === "/self-hosted/moments.wasm" ? join(INSTALLED, "moments_wasm_bg.wasm") : join(dir, normalize(path));
    if (!file.startsWith(dir) && !file.startsWith(INSTALLED)) file = "";
    if (!file || !existsSync(file) || statSync(file).isDirectory()) {
      if (extname(path)) {
        res.writeHead(404, { "content-type": "text/plain" });
        return res.end("not found");
      }
      file = join(dir, "index.html"); // a client-side route
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream", "cache-control": "no-store" });
    res.end(readFileSync(file));
  });
}

before(async () => {
  // 1.–2. The app's tooling, and this build of moments-sdk as `npm publish` would ship it.
  installSdk(APP, ["vite", "typescript"]);
  // 3. The client build and the server (SSR) build.
  const vite = join(APP, "node_modules/vite/bin/vite.js");
  ok(process.execPath, [vite, "build", "--logLevel", "warn"]);
  ok(process.execPath, [vite, "build", "--ssr", "src/entry-server.ts", "--outDir", "dist-ssr", "--logLevel", "warn"]);
  server = serve();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

/** Opens the app at `path` with the variant's `query` in a fresh shopper's browser. */
async function open(query = "", path = "/", { ready = true } = {}) {
  const page = await newPage(browser);
  page.requests = [];
  page.on("request", (r) => page.requests.push(new URL(r.url()).pathname));
  await page.goto(`${base}${path}${query}`);
  if (ready) await page.waitForFunction(() => document.getElementById("status")?.textContent === "ready", null, { timeout: 15000 });
  return page;
}
/** The SDK events the app's handlers received: [mount, name, detail]. */
const appEvents = (page) => page.evaluate(() => JSON.parse(JSON.stringify(window.__app.store.events)));
const named = (events, name, mount) => events.filter((e) => e[1] === name && (mount === undefined || e[0] === mount));
/** The SDK's entries in the page's dataLayer. */
const layer = (page, event) => page.evaluate((event) => window.dataLayer.filter((e) => e.event === event).map((e) => JSON.parse(JSON.stringify(e))), event);
const text = (page, sel) => page.evaluate((sel) => document.querySelector(sel)?.textContent ?? null, sel);
const waitText = (page, sel, want) => page.waitForFunction(([sel, want]) => document.querySelector(sel)?.textContent === want, [sel, want], { timeout: 5000 });
const waitEvent = (page, name, mount, n = 1) => page.waitForFunction(([name, mount, n]) => window.__app.store.events.filter((e) => e[1] === name && (mount === null || e[0] === mount)).length >= n, [name, mount ?? null, n], { timeout: 5000 });
const HERO = "Run further, feel lighter.";

test("tsc --strict: every documented call type-checks; the mistakes are type errors", () => {
  const files = ok(process.execPath, [join(APP, "node_modules/typescript/bin/tsc"), "-p", ".", "--listFilesOnly"]);
  assert.match(files, /src\/types-check\.ts/);
  assert.match(files, /moments-sdk\/index\.d\.ts/);
  // Every `@ts-expect-error` in src/types-check.ts must be an error, or tsc fails here.
  ok(process.execPath, [join(APP, "node_modules/typescript/bin/tsc"), "-p", "."]);
});

test("server-side rendering: the SSR build imports the package, renders, validates; init() is inert", async () => {
  // In a child process, so that nothing this test process defines (and no leftover global) helps.
  const code = `
    const before = Object.keys(globalThis).sort();
    const entry = await import(${JSON.stringify(pathToFileURL(join(APP, "dist-ssr/entry-server.js")).href)});
    const out = await entry.render("/product/trail-runner");
    out.newGlobals = Object.keys(globalThis).sort().filter((k) => !before.includes(k));
    out.bundle = entry.bundle;
    console.log(JSON.stringify(out));
  `;
  const r = sh(process.execPath, ["--input-type=module", "-e", code]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "", "nothing on stderr");
  const out = JSON.parse(r.stdout.trim().split("\n").pop());
  assert.match(out.html, /hero-title/);
  assert.equal(out.valid, true, out.problems.join("\n"));
  assert.ok(out.problems.every((p) => /not a built-in signal/.test(p)), out.problems.join("\n"));
  assert.ok(out.broken.includes("rules[0].when.cart.value") && out.broken.includes("rules[0].do[0].hide"), JSON.stringify(out.broken));
  assert.deepEqual(out.evaluated, [true, false]);
  assert.equal(out.initErrors.length, 1, "init() on the server: one error event");
  assert.match(out.initErrors[0], /DOM/);
  // context(): the context before any page view, every field there (a render can read it).
  const [ctx, why] = out.inert.slice(2, 4);
  assert.deepEqual([ctx.page.url, ctx.cart.items, ctx.moment, Object.keys(ctx).length > 10], ["", 0, "none", true]);
  assert.deepEqual(why, { rules: [], sensing: {} });
  assert.deepEqual(out.thrown, []);
  assert.equal(out.windowDefined, false, "importing or starting the SDK defines no window");
  assert.deepEqual(out.newGlobals, []);
  // The inline bundle (src/bundle.ts) and the URL one (public/bundle.json) are the same.
  assert.deepEqual(out.bundle, JSON.parse(readFileSync(join(APP, "public/bundle.json"), "utf8")));
});

test("server-side rendering: create() with the app's bundle URL makes no request on the server", async () => {
  let hits = 0;
  const s = createServer((req, res) => { hits++; res.writeHead(200, { "content-type": "application/json" }); res.end('{"version":1,"id":"x","rules":[]}'); });
  await new Promise((resolve) => s.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${s.address().port}/bundle.json`;
    const code = `
      const { init } = await import("moments-sdk");
      const errors = [];
      const m = await init({ bundle: ${JSON.stringify(url)}, on: { error: (e) => errors.push(e.message) } });
      console.log(JSON.stringify(errors));
    `;
    const r = await shAsync(process.execPath, ["--input-type=module", "-e", code]);
    assert.equal(r.status, 0, r.stderr);
    const errors = JSON.parse(r.stdout.trim().split("\n").pop());
    assert.equal(errors.length, 1);
    assert.match(errors[0], /DOM/);
    assert.equal(hits, 0, "no HTTP request from a server render");
  } finally {
    await new Promise((resolve) => s.close(resolve));
  }
});

test("the built app: the wasm is the bundler's asset, the prompt renderer a chunk of its own", () => {
  const assets = readdirSync(join(APP, "dist/assets"));
  assert.equal(assets.filter((f) => f.endsWith(".wasm")).length, 1, assets.join(" "));
  const withCss = assets.filter((f) => f.endsWith(".js") && readFileSync(join(APP, "dist/assets", f), "utf8").includes(":host{all:initial}"));
  assert.equal(withCss.length, 1, assets.join(" "));
  assert.ok(!readFileSync(join(APP, "dist/index.html"), "utf8").includes(withCss[0]));
});

test("StrictMode: the effect runs twice; the second init works fully and everything happens once", async () => {
  const page = await open();
  await waitText(page, "#hero-title", "Welcome back, gold member");
  await waitEvent(page, "boot_seen");
  const ev = await appEvents(page);
  assert.equal(await page.evaluate(() => window.__app.store.mounts), 2, "the effect ran twice");
  assert.deepEqual(ev.filter((e) => e[0] === 1), [], "the destroyed first mount reports nothing");
  assert.equal(named(ev, "ready").length, 1, JSON.stringify(ev));
  assert.deepEqual(named(ev, "decision").map((e) => e[2].rule), ["hero-gold", "boot"], "set() before the first page view, track() right after it");
  assert.equal(named(ev, "boot_seen").length, 1);
  const signals = named(ev, "signal").map((e) => e[2].name);
  assert.ok(signals.indexOf("page_view") < signals.indexOf("app_boot"), signals.join(" "));
  // Analytics: each SDK event once in dataLayer.
  assert.equal((await layer(page, "moments_ready")).length, 1, "one moments_ready in dataLayer");
  assert.equal((await layer(page, "moments_decision")).length, 2, JSON.stringify(await layer(page, "moments_decision")));
  assert.equal((await layer(page, "moments_boot_seen")).length, 1);
  // The wasm is fetched and compiled once.
  assert.equal(page.requests.filter((p) => p.endsWith(".wasm")).length, 1, page.requests.join(" "));
  assert.match(page.requests.find((p) => p.endsWith(".wasm")), /^\/assets\/moments_wasm_bg-[\w-]+\.wasm$/);
  // One listener on the page's dataLayer: a GA4 push from the page is one signal.
  await page.evaluate(() => window.dataLayer.push({ event: "view_item", ecommerce: { items: [{ item_id: "trail-runner", price: 60 }] } }));
  await waitEvent(page, "signal", 2, signals.length + 1);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
  assert.equal(named(await appEvents(page), "signal").filter((e) => e[2].name === "view_item").length, 1);
  assert.equal((await layer(page, "moments_signal")).filter((e) => e.name === "view_item").length, 1, "one moments_signal view_item in dataLayer");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("client-side routes: swaps follow pushState and back/forward; commerce in GA4 shape; one prompt", async () => {
  const page = await open("?strict=0");
  await waitText(page, "#hero-title", "Welcome back, gold member");
  await page.click("#nav-product");
  await waitText(page, "#product-badge", "Selling fast");
  assert.equal(await page.getAttribute("#product-badge", "class"), "hot");
  await page.click("#add-to-cart");
  await waitText(page, "#offer", "Your code: BIG50");
  const ctx = await page.evaluate(() => window.__app.store.m.context());
  assert.equal(ctx.cart.items, 1);
  assert.equal(ctx.cart.value, 60);
  assert.equal(ctx.cart.currency, "USD");
  assert.equal(ctx.page.type, "product");
  assert.equal(ctx.custom.tier, "gold");
  await page.click("#nav-cart");
  await waitText(page, "#ship-note", "Free shipping on your 1 item(s)");
  await page.goBack();
  await waitText(page, "#product-badge", "Selling fast");
  await page.goBack();
  await waitText(page, "#hero-title", "Welcome back, gold member");
  await page.goForward();
  await waitText(page, "#product-badge", "Selling fast");
  // A toast on a tracked signal; asked for twice, shown once at a time.
  await page.click("#help");
  await page.waitForFunction(() => document.querySelectorAll("moments-prompt").length === 1, null, { timeout: 5000 });
  await page.click("#help");
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100))));
  assert.equal(await page.evaluate(() => document.querySelectorAll("moments-prompt").length), 1);
  // A purchase converts the decisions made before it (both variants are measured).
  await page.evaluate(() => window.__app.store.m.track("purchase", { value: 60, currency: "USD" }));
  await page.waitForFunction(() => window.__app.store.events.some((e) => e[1] === "conversion" && e[2].rule === "big-cart-offer"), null, { timeout: 5000 });
  const conv = named(await appEvents(page), "conversion").find((e) => e[2].rule === "big-cart-offer")[2];
  assert.deepEqual(conv, { rule: "big-cart-offer", variant: "shown", value: 60 });
  assert.equal((await page.evaluate(() => window.__app.store.m.context())).cart.items, 0, "a purchase empties the cart");
  const ev = await appEvents(page);
  const pageViews = named(ev, "signal").filter((e) => e[2].name === "page_view").length;
  assert.equal(pageViews, 6, "one page view per route shown");
  assert.equal(named(ev, "offer").length, 1);
  assert.equal((await layer(page, "moments_offer")).length, 1);
  assert.ok(!named(ev, "init-error").length && !named(ev, "error").length, JSON.stringify(named(ev, "error")));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the bundle inline and the wasm self-hosted (init({wasmUrl})): no bundle request, one wasm from the shop's URL", async () => {
  const page = await open("?bundle=inline&wasm=self");
  await waitText(page, "#hero-title", "Welcome back, gold member");
  await waitEvent(page, "boot_seen");
  const wasm = page.requests.filter((p) => p.endsWith(".wasm"));
  assert.deepEqual(wasm, ["/self-hosted/moments.wasm"]);
  assert.ok(!page.requests.includes("/bundle.json"), page.requests.join(" "));
  await page.click("#nav-product");
  await waitText(page, "#product-badge", "Selling fast");
  assert.equal(named(await appEvents(page), "ready").length, 1);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("unmount (destroy) then mount again, in StrictMode: the page is quiet in between, then everything works once", async () => {
  const page = await open();
  await waitText(page, "#hero-title", "Welcome back, gold member");
  await waitEvent(page, "boot_seen");
  await page.evaluate(() => window.__app.unmount());
  const quiet = await page.evaluate(() => window.dataLayer.length);
  // With no SDK mounted, the page's own analytics and navigation reach nothing.
  await page.evaluate(() => {
    window.dataLayer.push({ event: "add_to_cart", ecommerce: { value: 60, currency: "USD", items: [{ item_id: "a", price: 60, quantity: 1 }] } });
    history.pushState({}, "", "/cart");
    history.pushState({}, "", "/");
  });
  // An absence can only be checked after a while: longer than a navigation's page view may wait
  // for the app to render (250 ms), within which a live SDK would have reported it.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 400)));
  assert.equal(await page.evaluate((n) => window.dataLayer.slice(n).filter((e) => String(e.event).startsWith("moments_")).length, quiet), 0, "no SDK event after destroy");
  await page.evaluate(() => window.__app.mount());
  await waitText(page, "#hero-title", "Welcome back, gold member");
  await waitEvent(page, "boot_seen", 4);
  const ev = await appEvents(page);
  assert.deepEqual(ev.filter((e) => e[0] === 3), [], "the destroyed third mount reports nothing");
  assert.equal(named(ev, "ready", 4).length, 1);
  assert.equal(named(ev, "boot_seen", 4).length, 1);
  assert.equal((await layer(page, "moments_ready")).length, 2, "one moments_ready per mount that lived");
  await page.click("#nav-product");
  await waitText(page, "#product-badge", "Selling fast");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("destroy() puts the page back; a later init() on the same page works", async () => {
  const page = await open("?strict=0");
  await waitText(page, "#hero-title", "Welcome back, gold member");
  await page.evaluate(() => window.__app.store.m.destroy());
  assert.equal(await text(page, "#hero-title"), HERO, "destroy() undoes the swap");
  await page.evaluate(() => window.__app.unmount());
  await page.evaluate(() => window.__app.mount());
  await waitText(page, "#hero-title", "Welcome back, gold member");
  await waitEvent(page, "boot_seen", 2);
  assert.equal(named(await appEvents(page), "boot_seen", 2).length, 1, "track() before ready replayed once");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("two SDK instances at once (the module's init): independent rules, handlers and destroy", async () => {
  const page = await open("?strict=0");
  await waitText(page, "#hero-title", "Welcome back, gold member");
  assert.equal(await page.evaluate(() => window.__app.startSecond("module")), "started");
  await waitText(page, "#footer-note", "Second instance was here");
  await page.evaluate(() => window.__app.secondFire("second_help"));
  await page.waitForFunction(() => document.querySelectorAll("moments-prompt").length === 1, null, { timeout: 5000 });
  let ev = await appEvents(page);
  assert.ok(named(ev, "decision", 1).every((e) => !e[2].rule.startsWith("second")), "the first instance's handlers see only its rules");
  assert.ok(named(ev, "decision", "second").every((e) => e[2].rule.startsWith("second")), JSON.stringify(named(ev, "decision", "second")));
  assert.equal(named(ev, "prompt_shown", "second").length, 1);
  const secondSignals = named(ev, "signal", "second").length;
  await page.evaluate(() => window.__app.stopSecond());
  assert.equal(await text(page, "#footer-note"), "Stride shoes since 2020", "the second's destroy undoes its swap");
  assert.equal(await text(page, "#hero-title"), "Welcome back, gold member", "and leaves the first's");
  await page.click("#nav-product");
  await waitText(page, "#product-badge", "Selling fast");
  ev = await appEvents(page);
  assert.equal(named(ev, "signal", "second").length, secondSignals, "the destroyed second instance hears nothing more");
  assert.ok(named(ev, "signal", 1).some((e) => e[2].name === "page_view" && e !== ev[0]), "the first one does");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a second instance started with the instance's init() (index.d.ts: 'another, independent SDK instance') shows its prompts", async () => {
  const page = await open("?strict=0");
  await waitText(page, "#hero-title", "Welcome back, gold member");
  assert.equal(await page.evaluate(() => window.__app.startSecond("method")), "started");
  await waitText(page, "#footer-note", "Second instance was here");
  await page.evaluate(() => window.__app.secondFire("second_help"));
  await page.waitForFunction(() => document.querySelectorAll("moments-prompt").length === 1, null, { timeout: 5000 });
  await page.context().close();
});

test("calls before ready, in StrictMode: consent(true) before ready stores the profile, fire() right after the first page view shows one prompt", async () => {
  // Control: consent pending and never granted stores nothing.
  const pending = await open("?consent=pending");
  await waitText(pending, "#hero-title", "Welcome back, gold member");
  await pending.evaluate(() => window.__app.store.m.track("add_to_cart", { value: 60, currency: "USD" }));
  await waitEvent(pending, "offer");
  assert.equal(await pending.evaluate(() => localStorage.getItem("moments:v1")), null, "pending: nothing stored");
  await pending.context().close();

  const page = await open("?consent=pending&early=grant,help");
  await waitText(page, "#hero-title", "Welcome back, gold member");
  await page.waitForFunction(() => document.querySelectorAll("moments-prompt").length === 1, null, { timeout: 5000 });
  await waitEvent(page, "prompt_shown");
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100))));
  assert.equal(await page.evaluate(() => document.querySelectorAll("moments-prompt").length), 1, "one prompt, not one per mount");
  const ev = await appEvents(page);
  assert.deepEqual(named(ev, "prompt_shown").map((e) => [e[0], e[2].rule]), [[2, "help"]]);
  const stored = await page.evaluate(() => localStorage.getItem("moments:v1"));
  assert.ok(stored && /gold/.test(stored), `consent(true) before ready: the profile is stored (with set() data): ${stored}`);
  const signals = named(ev, "signal").map((e) => e[2].name);
  assert.deepEqual(signals.slice(0, 3), ["page_view", "app_boot", "help_requested"], "track and fire right after the first page view, in order");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("reset() before ready: the first page view already sees a forgotten shopper", async () => {
  const page = await open("?strict=0", "/product/trail-runner");
  await page.click("#add-to-cart");
  await waitText(page, "#offer", "Your code: BIG50");
  // A returning shopper with a cart: the cart page's page-view rule fires.
  await page.goto(`${base}/cart?strict=0`);
  await page.waitForFunction(() => document.getElementById("status")?.textContent === "ready", null, { timeout: 15000 });
  await waitText(page, "#ship-note", "Free shipping on your 1 item(s)");
  // The same shopper, forgotten by the app before the SDK is ready.
  await page.goto(`${base}/cart?strict=0&early=reset`);
  await page.waitForFunction(() => document.getElementById("status")?.textContent === "ready", null, { timeout: 15000 });
  await waitEvent(page, "boot_seen");
  const why = await page.evaluate(() => window.__app.store.m.explain("cart-shipping"));
  assert.equal(why.rules[0].fired, false, JSON.stringify(why));
  assert.equal(await text(page, "#ship-note"), "Shipping calculated at checkout");
  const ctx = await page.evaluate(() => window.__app.store.m.context());
  assert.equal(ctx.cart.items, 0);
  assert.equal(ctx.custom.tier, undefined, "the app's set() came before its reset(): in order, forgotten too");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("two instances: the first follows a dataLayer the page replaces, before and after the second's destroy", async () => {
  const page = await open("?strict=0");
  await waitText(page, "#hero-title", "Welcome back, gold member");
  await page.evaluate(() => window.__app.startSecond("module"));
  await waitText(page, "#footer-note", "Second instance was here");
  // A tag manager replaces the array (README: still read), then the page reports a product view.
  await page.evaluate(() => {
    window.dataLayer = window.dataLayer.slice();
    window.dataLayer.push({ event: "view_item", ecommerce: { items: [{ item_id: "a", price: 60 }] } });
  });
  await page.waitForFunction(() => window.__app.store.events.some((e) => e[0] === 1 && e[1] === "signal" && e[2].name === "view_item"), null, { timeout: 5000 });
  // The second goes away; the first still hears the page's analytics, on an array replaced again.
  await page.evaluate(() => window.__app.stopSecond());
  await page.evaluate(() => {
    window.dataLayer = window.dataLayer.slice();
    window.dataLayer.push({ event: "add_to_cart", ecommerce: { value: 60, currency: "USD", items: [{ item_id: "a", price: 60, quantity: 1 }] } });
  });
  await waitText(page, "#offer", "Your code: BIG50");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("two instances: the second also follows a dataLayer the page replaces (index.d.ts: independent instances)", async () => {
  const page = await open("?strict=0");
  await waitText(page, "#hero-title", "Welcome back, gold member");
  await page.evaluate(() => window.__app.startSecond("module"));
  await waitText(page, "#footer-note", "Second instance was here");
  await page.evaluate(() => {
    window.dataLayer = window.dataLayer.slice();
    window.dataLayer.push({ event: "view_item", ecommerce: { items: [{ item_id: "a", price: 60 }] } });
  });
  await page.waitForFunction(() => window.__app.store.events.some((e) => e[0] === "second" && e[1] === "signal" && e[2].name === "view_item"), null, { timeout: 5000 });
  await page.context().close();
});

test("development: the Vite dev server (where StrictMode double-mounts) serves the package; swaps, prompts, once", async () => {
  const { createServer: viteServer } = await import(pathToFileURL(join(APP, "node_modules/vite/dist/node/index.js")).href);
  // `force`: this build of moments-sdk has the version of the last one, so Vite's cache of
  // pre-bundled dependencies (keyed by the lock file) would serve the last build's glue with
  // this build's wasm. A shop upgrading the package changes its lock file, which clears it.
  const dev = await viteServer({ root: APP, configFile: join(APP, "vite.config.js"), logLevel: "error", optimizeDeps: { force: true }, server: { port: 0, host: "127.0.0.1", hmr: false } });
  await dev.listen();
  const page = await newPage(browser);
  try {
    const requests = [];
    page.on("response", (r) => requests.push([new URL(r.url()).pathname, r.status(), r.headers()["content-type"] || ""]));
    await page.goto(`${dev.resolvedUrls.local[0]}`);
    await waitText(page, "#hero-title", "Welcome back, gold member");
    await waitEvent(page, "boot_seen");
    await page.click("#nav-product");
    await waitText(page, "#product-badge", "Selling fast");
    await page.click("#help");
    await page.waitForFunction(() => document.querySelectorAll("moments-prompt").length === 1, null, { timeout: 5000 });
    const ev = await appEvents(page);
    assert.deepEqual(ev.filter((e) => e[0] === 1), []);
    assert.equal(named(ev, "ready").length, 1);
    assert.equal((await layer(page, "moments_ready")).length, 1);
    const wasm = requests.filter(([p]) => p.endsWith(".wasm"));
    assert.equal(wasm.length, 1, JSON.stringify(requests));
    assert.equal(wasm[0][2], "application/wasm");
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
    await dev.close();
  }
});

test("bundle preview panel: validate() and evaluate() in the browser, on a deep link", async () => {
  const page = await open("?strict=0", "/preview");
  await page.click("#check");
  await waitText(page, "#check-result", "ok");
  await page.fill("#bundle-text", JSON.stringify({ version: 1, id: "x", rules: [{ id: "r", when: { "cart.value": { "$gte ": 1 } }, do: [{ prompt: { layout: "popup", title: "x", body: "y" } }] }] }));
  await page.click("#check");
  await page.waitForFunction(() => document.getElementById("check-result").textContent !== "ok", null, { timeout: 5000 });
  const result = await text(page, "#check-result");
  assert.match(result, /error rules\[0\]\.when\.cart\.value: unknown operator "\$gte "/);
  assert.match(result, /error rules\[0\]\.do\[0\]\.prompt\.layout/);
  await page.click("#eval");
  await waitText(page, "#eval-result", "true");
  await page.fill("#ctx", '{"cart":{"value":10}}');
  await page.click("#eval");
  await waitText(page, "#eval-result", "false");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a bundle URL that 404s: one error event and one moments_error, the page untouched, calls harmless", async () => {
  const page = await open("?bundle=missing");
  await page.waitForFunction(() => window.__app.store.events.some((e) => e[1] === "init-error"), null, { timeout: 5000 });
  const ev = await appEvents(page);
  assert.deepEqual(named(ev, "init-error").map((e) => [e[0], e[2].message]), [[2, "bundle /no-such-bundle.json: HTTP 404"]]);
  await page.evaluate(() => {
    const m = window.__app.store.m;
    m.track("add_to_cart", { value: 1 });
    m.set({ a: 1 });
  });
  // Inert: context() is the context before any page view (no shopper, no cart).
  assert.deepEqual(await page.evaluate(() => { const c = window.__app.store.m.context(); return [c.page.url, c.cart.items, c.session.pageviews]; }), ["", 0, 0]);
  assert.equal(await text(page, "#hero-title"), HERO);
  assert.equal((await layer(page, "moments_error")).length, 1, "the destroyed first mount reports no error to analytics");
  // The only console message: the browser's own line about the 404.
  assert.deepEqual(page.errors.filter((e) => !/404/.test(e)), []);
  await page.context().close();
});

test("hostile input through the API never throws into the app; the SDK keeps working", async () => {
  const page = await open("?strict=0");
  await waitText(page, "#hero-title", "Welcome back, gold member");
  const thrown = await page.evaluate(() => window.__app.hostile());
  assert.deepEqual(thrown, []);
  await page.click("#nav-product");
  await waitText(page, "#product-badge", "Selling fast");
  await page.click("#add-to-cart");
  await waitText(page, "#offer", "Your code: BIG50");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a huge price in a GA4 add_to_cart keeps cart.value a number (index.d.ts: number), so `cart.value >= 50` holds", async () => {
  const page = await open("?strict=0");
  await waitText(page, "#hero-title", "Welcome back, gold member");
  await page.evaluate(() => window.__app.store.m.track("add_to_cart", { currency: "USD", items: [{ item_id: "x", price: 1e303, quantity: 1 }] }));
  const cart = await page.evaluate(() => window.__app.store.m.context().cart);
  assert.equal(typeof cart.value, "number", JSON.stringify(cart));
  assert.equal(await page.evaluate(() => window.__app.store.m.context().segments.bigCart), true);
  await page.context().close();
});

test("context() read in render before ready matches its declared type (Context), as strict TypeScript trusts", async () => {
  const page = await open("?strict=0");
  assert.deepEqual(await page.evaluate(() => window.__app.renderErrors), []);
  await page.context().close();
});
