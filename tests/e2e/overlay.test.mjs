// The debug overlay (dist/script/moments-debug.js): opened by ?moments_debug=1, data-debug or
// Moments.debug(true); lists every rule with why it did or did not fire, and fires signals by hand.
// Shoppers who did not ask for it never download it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, momentsReady, BASE, SHOTS } from "./browser.mjs";

let browser;
let bundle;
before(async () => {
  browser = await launch();
  bundle = await (await fetch(`${BASE}/bundles/default.json`)).json();
});
after(async () => { await browser?.close(); });

/** What the overlay shows, read from its shadow root. */
const read = (page) => page.evaluate(() => {
  const root = document.querySelector("#moments-debug")?.shadowRoot;
  if (!root || !document.querySelector("#moments-debug").isConnected) return null;
  return {
    rules: [...root.querySelectorAll("li.rule")].map((li) => ({ id: li.dataset.rule, fired: /fired|holdout/.test(li.className), why: li.querySelector(".why").textContent })),
    signals: [...root.querySelectorAll("li.sig code")].map((c) => c.textContent),
    text: root.querySelector(".panel").innerText,
  };
});

test("?moments_debug=1 on the demo home opens the overlay and lists every rule", async () => {
  const page = await newPage(browser);
  const requested = [];
  page.on("request", (r) => requested.push(r.url()));
  await page.goto(`${BASE}/index.html?moments_debug=1&utm_source=newsletter&utm_medium=email`);
  await momentsReady(page);
  await page.waitForFunction((n) => document.querySelector("#moments-debug")?.shadowRoot?.querySelectorAll("li.rule").length === n, bundle.rules.length, { timeout: 10000 });
  const shown = await read(page);
  assert.deepEqual(shown.rules.map((r) => r.id).sort(), bundle.rules.map((r) => r.id).sort(), "every rule of the bundle");
  for (const r of shown.rules) assert.ok(r.why.trim(), `${r.id} says why it did or did not fire`);
  assert.match(shown.text, /channel\s*email/, "the context: channel");
  assert.match(shown.text, /moment/);
  assert.match(shown.text, /risk/);
  assert.ok(requested.some((u) => u.endsWith("/moments/moments-debug.js")), "loaded from beside moments.js");

  // Styles are isolated: the panel is styled from its own sheet, the page's styles are untouched.
  const style = await page.evaluate(() => {
    const root = document.querySelector("#moments-debug").shadowRoot;
    return { adopted: root.adoptedStyleSheets.length, position: getComputedStyle(root.querySelector(".panel")).position, bodyFont: getComputedStyle(document.body).fontFamily };
  });
  assert.equal(style.adopted, 1);
  assert.equal(style.position, "fixed");

  // Fire exit intent by hand: it shows among the last signals; exit-offer names its failing clause.
  await page.locator('#moments-debug button[data-signal="exit_intent"]').click();
  await page.waitForFunction(() => [...document.querySelector("#moments-debug").shadowRoot.querySelectorAll("li.sig code")].some((c) => c.textContent === "exit_intent"));
  await page.waitForTimeout(100);
  const after = await read(page);
  const exit = after.rules.find((r) => r.id === "exit-offer");
  assert.equal(exit.fired, false);
  assert.match(exit.why, /cart\.items|page\.type/, "the clause that failed");

  // Moments.debug(false) hides it, Moments.debug(true) shows it again (no second download).
  await page.evaluate(() => window.Moments.debug(false));
  assert.equal(await read(page), null);
  await page.evaluate(() => window.Moments.debug(true));
  await page.waitForFunction(() => document.querySelector("#moments-debug")?.isConnected);
  assert.equal(requested.filter((u) => u.endsWith("/moments-debug.js")).length, 1);
  assert.deepEqual(page.errors, []);
});

test("shoppers never download the overlay; Moments.debug(true) loads it; QA fires a rule from it", async () => {
  const page = await newPage(browser);
  const requested = [];
  page.on("request", (r) => requested.push(r.url()));
  await page.goto(`${BASE}/product.html?id=trailgrip-gtx`);
  await momentsReady(page);
  await page.waitForTimeout(300);
  assert.ok(!requested.some((u) => u.includes("moments-debug")), "not requested without debug");
  assert.equal(await page.locator("#moments-debug").count(), 0);

  // A shopper adds to cart; QA opens the overlay and fires exit intent by hand.
  await page.selectOption("#size-select", { index: 3 });
  await page.click("#add-to-cart");
  await page.evaluate(() => window.Moments.debug(true));
  await page.waitForFunction(() => document.querySelector("#moments-debug")?.shadowRoot?.querySelectorAll("li.rule").length > 0, null, { timeout: 10000 });
  await page.locator('#moments-debug button[data-signal="exit_intent"]').click();
  await page.waitForFunction(() => {
    const li = document.querySelector("#moments-debug").shadowRoot.querySelector('li.rule[data-rule="exit-offer"]');
    return li && /fired|holdout/.test(li.className);
  }, null, { timeout: 5000 });
  const shown = await read(page);
  assert.match(shown.text, /cart\s*1 item/, "the cart as the SDK sees it");
  assert.ok(shown.signals.includes("exit_intent"));
  // exit-offer holds out 10 % of shoppers, and this browser's shopper id is random: either reason.
  assert.match(shown.rules.find((r) => r.id === "exit-offer").why, /exit_intent|^held out \(bucket 0\.\d+ < 0\.1\)$/);
  await page.waitForTimeout(400); // prompt and overlay settle before the picture
  await page.screenshot({ path: `${SHOTS}overlay.png` });
  assert.deepEqual(page.errors, []);
});
