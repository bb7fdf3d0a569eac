// The script tag (dist/script/moments.js) as a site uses it: loaded from another path than
// /moments/ (the server serves dist/script at /cdn/v1/assets/ too) on pages at a sub-path, under a
// strict Content-Security-Policy, with the pre-load queue, twice on a page, with consent pending,
// and with a bundle that 404s or is invalid. Fixture pages: www/test/subpath/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, momentsReady, momentsEvents, BASE } from "./browser.mjs";

const DIR = `${BASE}/test/subpath/`;
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A page that also records every request URL (path only). */
async function open(file, opts = {}) {
  const page = await newPage(browser, opts);
  page.requests = [];
  page.on("request", (r) => page.requests.push(new URL(r.url()).pathname));
  await page.goto(DIR + file);
  return page;
}

const seen = (page) => page.evaluate(() => window.__seen.slice());
const csp = (page) => page.evaluate(() => window.__csp.slice());
/** Console errors other than the browser's own "Failed to load resource" lines. */
const pageErrors = (page) => page.errors.filter((e) => !/^Failed to load resource/.test(e));

async function waitSeen(page, item, timeout = 10000) {
  await page.waitForFunction((x) => window.__seen && window.__seen.includes(x), item, { timeout });
}

test("loads from a sub-path under a strict CSP: wasm beside the script, streamed, no violation", async () => {
  const page = await open("index.html");
  await momentsReady(page);
  await waitSeen(page, "ready:subpath-fixture");
  assert.ok(page.requests.includes("/cdn/v1/assets/moments.wasm"), `wasm fetched from beside the script: ${page.requests.join(" ")}`);
  assert.ok(!page.requests.some((p) => p.startsWith("/moments/")), "nothing from /moments/");
  assert.ok(!page.requests.some((p) => p.endsWith("moments-debug.js")), "no debug overlay unless asked for");
  assert.ok(page.requests.includes("/test/subpath/bundle.json"), "data-bundle resolved against the page");
  assert.deepEqual(await page.evaluate(() => window.__streaming), ["instantiateStreaming"], "compiled while streaming");
  assert.deepEqual(await csp(page), [], "no securitypolicyviolation");
  // window.Moments is the API and works directly now.
  const api = await page.evaluate(() => ["track", "set", "consent", "on", "off", "context", "explain", "reset", "destroy", "validate", "evaluate", "fire", "push", "init"].filter((k) => typeof window.Moments[k] !== "function"));
  assert.deepEqual(api, [], "every API method is there");
  assert.equal(await page.evaluate(() => window.Moments.validate({ version: 1, rules: [] }).ok), true);
  assert.equal(await page.evaluate(() => window.Moments.evaluate({ "cart.value": { $gte: 100 } }, { cart: { value: 120 } })), true);
  assert.equal(typeof (await page.evaluate(() => window.Moments.context())).page, "object");
  await page.evaluate(() => window.Moments.track("step_two"));
  await page.waitForFunction(() => window.__seen.filter((s) => s === "step:2").length === 2);
  assert.deepEqual(pageErrors(page), []);
  // The bundle's custom signals (step_one…) are warnings for its authors, in validate() and the
  // CLI; a bundle that works as written sends no moments_error to the shop's analytics.
  const layer = await page.evaluate(() => window.dataLayer.map((e) => e && e.event));
  assert.ok(layer.includes("moments_ready"), layer.join(" "));
  assert.ok(!layer.includes("moments_error"), layer.join(" "));
  const warned = await page.evaluate(async () => window.Moments.validate(await (await fetch("bundle.json")).text()).errors.map((p) => p.severity));
  assert.ok(warned.length >= 3 && warned.every((s) => s === "warning"), warned.join(" "));
});

test("the pre-load queue is replayed in order; queued handlers see ready and the first rule", async () => {
  const page = await open("index.html");
  await momentsReady(page);
  await waitSeen(page, "callback:true");
  const s = await seen(page);
  assert.ok(s.includes("fixture_fired"), `the page_view rule reached a queued handler: ${s}`);
  // State calls (set, consent, reset) take effect before the first page view's decisions: a
  // page_view rule on custom.tier sees the queued set({tier: "gold"}).
  assert.ok(s.includes("gold_welcome"), `the first page view saw the queued set(): ${s}`);
  assert.ok(s.includes("ready:subpath-fixture"), "a queued handler saw ready");
  const order = s.filter((x) => x.startsWith("step:") || x.startsWith("callback:"));
  // step:0 needs the queued set({tier: "gold"}) to have run before the queued add_to_cart.
  assert.deepEqual(order, ["step:0", "step:1", "step:2", "step:3", "callback:true"]);
  assert.ok(!s.some((x) => x.startsWith("error:")), `no error: ${s}`);
  assert.ok(s.indexOf("ready:subpath-fixture") < s.indexOf("step:0"), "queued calls run after ready");
  const dl = await momentsEvents(page);
  assert.deepEqual(dl.filter((e) => e.event === "moments_step").map((e) => e.n), [0, 1, 2, 3], "dataLayer in the same order");
  assert.deepEqual(pageErrors(page), []);
});

test("a tag without data-bundle starts from a queued init, then replays the rest", async () => {
  const page = await open("queued-init.html");
  await momentsReady(page);
  await waitSeen(page, "callback:true");
  assert.deepEqual(await seen(page), ["ready:subpath-fixture", "step:1", "callback:true"]);
  assert.equal(await page.evaluate(() => localStorage.length), 0, "storage: memory");
  assert.deepEqual(await csp(page), []);
  assert.deepEqual(pageErrors(page), []);
});

test("the tag twice on a page loads once", async () => {
  for (const file of ["twice.html", "two-paths.html"]) {
    const page = await open(file);
    await momentsReady(page);
    await waitSeen(page, "callback:true");
    await page.waitForTimeout(300);
    const wasm = page.requests.filter((p) => p.endsWith(".wasm"));
    assert.equal(wasm.length, 1, `${file}: one wasm download: ${wasm}`);
    const s = await seen(page);
    assert.equal(s.filter((x) => x.startsWith("ready:")).length, 1, `${file}: ready once: ${s}`);
    assert.equal(s.filter((x) => x === "fixture_fired").length, 1, `${file}: the rule fired once`);
    assert.equal(s.filter((x) => x === "step:1").length, 1, `${file}: the queue replayed once`);
    const dl = await momentsEvents(page);
    assert.equal(dl.filter((e) => e.event === "moments_ready").length, 1, `${file}: one moments_ready`);
    assert.deepEqual(await csp(page), []);
    assert.deepEqual(pageErrors(page), []);
    await page.context().close();
  }
});

test("inserted by another script (a tag manager), it finds its own URL and attributes", async () => {
  const page = await open("dynamic.html");
  await momentsReady(page);
  await waitSeen(page, "callback:true");
  assert.ok(page.requests.includes("/cdn/v1/assets/moments.wasm"));
  assert.ok((await seen(page)).includes("fixture_fired"));
  assert.deepEqual(await csp(page), []);
  assert.deepEqual(pageErrors(page), []);
});

test("data-consent=pending writes nothing to storage until consent(true); consent(false) erases", async () => {
  const page = await open("consent.html");
  await momentsReady(page);
  await waitSeen(page, "callback:true");
  await page.evaluate(() => { window.Moments.track("add_to_cart", { id: "sku-1", price: 40, quantity: 1 }); window.Moments.set({ x: 1 }); });
  await page.waitForTimeout(2200); // a couple of ticks
  const stored = () => page.evaluate(() => ({ local: Object.keys(localStorage), session: Object.keys(sessionStorage), cookie: document.cookie }));
  assert.deepEqual(await stored(), { local: [], session: [], cookie: "" }, "nothing stored while consent is pending");
  await page.evaluate(() => window.Moments.consent(true));
  assert.deepEqual((await stored()).local, ["moments:v1"], "granting stores the profile");
  await page.evaluate(() => window.Moments.consent(false));
  await page.evaluate(() => window.Moments.track("step_one"));
  assert.deepEqual(await stored(), { local: [], session: [], cookie: "" }, "withdrawing erases it");
  assert.deepEqual(pageErrors(page), []);
});

test("data-debug loads the overlay from beside the script, under the CSP; debug(false) hides it", async () => {
  const page = await open("debug.html");
  await momentsReady(page);
  await page.waitForFunction(() => window.Moments.__overlay, null, { timeout: 10000 });
  assert.ok(page.requests.includes("/cdn/v1/assets/moments-debug.js"), page.requests.join(" "));
  await page.evaluate(() => window.Moments.debug(false));
  await page.evaluate(() => window.Moments.debug(true));
  assert.equal(page.requests.filter((p) => p.endsWith("moments-debug.js")).length, 1, "fetched once");
  await page.waitForTimeout(300);
  assert.deepEqual(await csp(page), [], "no securitypolicyviolation");
  assert.deepEqual(pageErrors(page), []);
});

test("an on() handler reads the context its event is about, and may call the API (after the job's events)", async () => {
  const page = await open("index.html");
  await momentsReady(page);
  const log = await page.evaluate(() => {
    const log = [];
    const M = window.Moments;
    M.on("signal", (d) => {
      if (d.name !== "add_to_cart") return;
      log.push(["signal", M.context().cart.items, M.explain("gold-cart").rules.length]);
      M.track("step_one"); // queued: runs after this job's events
    });
    M.on("decision", (d) => log.push(["decision", d.rule]));
    M.on("step", (d) => log.push(["step", d.n]));
    M.track("add_to_cart", { currency: "EUR", value: 50, items: [{ item_id: "a", price: 25, quantity: 2 }] });
    return log;
  });
  // The queued add_to_cart (queue.js) put one line in the cart before: 1 + 2 items.
  assert.deepEqual(log, [["signal", 3, 1], ["decision", "gold-cart"], ["step", 0], ["decision", "s1"], ["step", 1]]);
  assert.deepEqual(pageErrors(page), []);
});

/** The text and buttons of the open prompt's shadow root, or null. */
const promptText = (page) => page.evaluate(() => {
  const h = document.querySelector("moments-prompt");
  return h && h.shadowRoot ? h.shadowRoot.textContent.replace(/\s+/g, " ").trim() : null;
});
const clickPrompt = (page, label) => page.evaluate((label) => {
  const h = document.querySelector("moments-prompt");
  [...h.shadowRoot.querySelectorAll("button")].find((b) => b.textContent.trim() === label).click();
}, label);

test("under Trusted Types (require-trusted-types-for 'script'): html swaps, prompts, flows and the overlay work", async () => {
  const page = await open("trusted.html");
  await momentsReady(page);
  await page.waitForFunction(() => document.querySelector("#title em"), null, { timeout: 10000 });
  assert.equal(await page.evaluate(() => document.querySelector("#title").innerHTML), "<em>Welcome</em> back, Ana &lt;img src=x&gt;");
  assert.equal(await page.evaluate(() => document.querySelector("#note").textContent), "Free shipping today");
  await page.waitForFunction(() => window.Moments.__overlay, null, { timeout: 10000 });
  await page.evaluate(() => window.Moments.track("ask"));
  await page.waitForFunction(() => { const h = document.querySelector("moments-prompt"); return h && /Which size/.test(h.shadowRoot.textContent); }, null, { timeout: 10000 });
  assert.match(await promptText(page), /We will pick the right fit, Ana <img src=x>\./);
  await clickPrompt(page, "S–M");
  await page.waitForFunction(() => /Slim or relaxed/.test(document.querySelector("moments-prompt").shadowRoot.textContent));
  await clickPrompt(page, "Slim");
  await waitSeen(page, "fit_chosen");
  assert.deepEqual(await csp(page), [], "no securitypolicyviolation");
  assert.deepEqual(pageErrors(page), []);
  assert.deepEqual((await seen(page)).filter((s) => s.startsWith("error:")), []);
});

test("the npm build under Trusted Types: calls made before the start are kept (set before the first page view, track after it)", async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/test/npm-trusted.html`);
  await page.waitForFunction(() => window.__seen && window.__seen.includes("ready"), null, { timeout: 10000 });
  assert.equal(await page.evaluate(() => document.querySelector("#title").innerHTML), "<em>Welcome</em> back, Bo &lt;b&gt;");
  assert.deepEqual((await seen(page)).slice(0, 4), ["decision:hello", "decision:rich-hero", "decision:ask", "ready"], "the page view first, then the kept track()");
  await page.waitForFunction(() => { const h = document.querySelector("moments-prompt"); return h && /Which size/.test(h.shadowRoot.textContent); }, null, { timeout: 10000 });
  await clickPrompt(page, "L–XL");
  await page.waitForFunction(() => /Slim or relaxed/.test(document.querySelector("moments-prompt").shadowRoot.textContent));
  await clickPrompt(page, "Slim");
  await waitSeen(page, "fit_chosen");
  assert.deepEqual(await csp(page), [], "no securitypolicyviolation");
  assert.deepEqual((await seen(page)).filter((s) => s.startsWith("error:")), []);
  assert.deepEqual(pageErrors(page), []);
});

test("where the CSP allows no Trusted Types policy, html actions and prompts are refused with a clear error, nothing thrown", async () => {
  const page = await open("trusted-none.html");
  await momentsReady(page);
  await waitSeen(page, "callback:true");
  await page.evaluate(() => window.Moments.track("ask"));
  await page.waitForFunction(() => window.__seen.filter((s) => s.startsWith("error:")).length === 2, null, { timeout: 10000 });
  const errors = (await seen(page)).filter((s) => s.startsWith("error:"));
  assert.match(errors[0], /^error:the page refused an html action: .*TrustedHTML.*trusted-types moments/);
  assert.match(errors[1], /^error:prompts could not be loaded: .*TrustedScriptURL.*trusted-types moments/);
  assert.equal(await page.evaluate(() => document.querySelector("#title").textContent), "Moments where no Trusted Types policy may be made", "untouched");
  assert.equal(await page.evaluate(() => document.querySelectorAll("#note, moments-prompt").length), 0);
  assert.ok((await seen(page)).includes("fixture_fired"), "the other actions still run");
  assert.deepEqual(pageErrors(page).filter((e) => !/Trusted|trusted-types/.test(e)), [], "only the browser's own Trusted Types reports");
});

/** The page as served, with the SDK blocked: what "untouched" means. */
async function baseline(file) {
  const page = await newPage(browser);
  await page.route("**/moments.js", (r) => r.abort());
  await page.goto(DIR + file);
  await page.waitForLoadState("load");
  const html = await page.evaluate(() => document.documentElement.outerHTML);
  await page.context().close();
  return html;
}

for (const [file, what, message] of [
  ["missing.html", "a bundle URL that 404s", /HTTP 404/],
  ["invalid.html", "an invalid bundle", /bundle refused/],
]) {
  test(`${what} leaves the page untouched, with an error event and no exception`, async () => {
    const untouched = await baseline(file);
    const page = await open(file);
    await momentsReady(page);
    await page.waitForFunction(() => window.__seen.some((s) => s.startsWith("error:")), null, { timeout: 10000 });
    await page.waitForTimeout(300);
    const s = await seen(page);
    const err = s.find((x) => x.startsWith("error:"));
    assert.match(err, message);
    assert.ok(!s.some((x) => x.startsWith("ready:")), "no ready");
    assert.ok(!s.includes("fixture_fired") && !s.some((x) => x.startsWith("step:")), "no rule ran");
    const dl = await momentsEvents(page);
    const dlErr = dl.find((e) => e.event === "moments_error");
    assert.ok(dlErr, "moments_error pushed to dataLayer");
    if (file === "invalid.html") {
      const paths = dlErr.errors.map((e) => e.path);
      assert.ok(paths.includes("rules[0].when.cart.value"), `every problem by path: ${paths}`);
      assert.ok(paths.some((p) => p.startsWith("rules[2]")), `every problem by path: ${paths}`);
    }
    // The API stays callable and inert; nothing throws into the page.
    const calls = await page.evaluate(() => {
      const m = window.Moments;
      const out = [];
      for (const f of [() => m.track("step_one"), () => m.set({ a: 1 }), () => m.consent(true), () => m.fire("exit_intent"), () => m.reset(), () => m.explain(), () => m.context(), () => m.push(["track", "x"]), () => m.off("x", () => {})]) {
        try {
          f();
        } catch (e) {
          out.push(String(e));
        }
      }
      const ctx = m.context();
      const why = m.explain();
      try {
        m.destroy();
      } catch (e) {
        out.push(String(e));
      }
      return { threw: out, ctx, why, after: m.context(), stored: Object.keys(localStorage) };
    });
    assert.deepEqual(calls.threw, []);
    // Inert: context() is the context before any page view (no cart, no page), every field there.
    const blank = (c) => [c.page.url, c.cart.items, c.session.pageviews, c.moment];
    assert.deepEqual(blank(calls.ctx), ["", 0, 0, "none"]);
    assert.deepEqual(calls.why, { rules: [], sensing: {} });
    assert.deepEqual(blank(calls.after), ["", 0, 0, "none"], "context() after destroy()");
    assert.deepEqual(calls.stored, []);
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => document.documentElement.outerHTML), untouched, "the page is untouched");
    assert.deepEqual(await csp(page), []);
    assert.deepEqual(pageErrors(page), [], "no exception, no console error");
  });
}

test("without 'wasm-unsafe-eval' in the CSP the SDK reports an error and stays out of the way", async () => {
  const untouched = await baseline("no-wasm-csp.html");
  const page = await open("no-wasm-csp.html");
  await momentsReady(page);
  await page.waitForFunction(() => window.__seen.some((s) => s.startsWith("error:")), null, { timeout: 10000 });
  assert.ok(!(await seen(page)).some((x) => x.startsWith("ready:")));
  assert.equal(await page.evaluate(() => document.documentElement.outerHTML), untouched);
  assert.ok(!page.errors.some((e) => /^(Uncaught|Error|TypeError)/.test(e)), `no exception: ${page.errors}`);
});
