// No flicker: a content swap on an element present at start never shows the old text first.
// Every animation frame (what the browser is about to paint) is sampled from the first moment of
// the page; the bundle response is delayed so that the page certainly paints before it arrives.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, momentsReady, BASE, SHOTS } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const URL_EMAIL = `${BASE}/index.html?utm_source=newsletter&utm_medium=email&utm_campaign=spring`;

/** Records, for every animation frame, whether the old hero title was visible. */
function sampleFrames() {
  window.__frames = [];
  const tick = () => {
    const h = document.getElementById("hero-title");
    if (h) {
      const visible = getComputedStyle(h).opacity !== "0" && h.getClientRects().length > 0;
      window.__frames.push({ text: h.textContent.trim(), visible });
    }
    if (window.__frames.length < 600) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

async function run(context) {
  const page = await context.newPage();
  await page.route("**/bundles/default.json", async (route) => {
    await new Promise((r) => setTimeout(r, 400));
    await route.continue();
  });
  await page.addInitScript(sampleFrames);
  await page.goto(URL_EMAIL);
  await momentsReady(page);
  await page.waitForFunction(() => document.getElementById("hero-title").textContent === "Welcome, newsletter reader.");
  await page.waitForTimeout(100);
  const frames = await page.evaluate(() => window.__frames);
  return { page, frames, oldShown: frames.filter((f) => f.visible && f.text !== "Welcome, newsletter reader.") };
}

test("without anything remembered, the old hero text is painted first (the control)", async () => {
  const context = await browser.newContext();
  const { frames, oldShown } = await run(context);
  assert.ok(frames.length > 5, `sampled ${frames.length} frames`);
  assert.ok(oldShown.length > 0, "the control must see the old text, or this test proves nothing");
  await context.close();
});

test("the next page load pre-hides the swapped hero: the old text is never painted", async () => {
  const context = await browser.newContext();
  const first = await run(context); // learns which selectors the page-view rules swap
  await first.page.close();
  // A new shopper (the welcome is capped once per session) on a browser that has seen the shop.
  await context.addInitScript(() => localStorage.removeItem("moments:v1"));
  const { page, frames, oldShown } = await run(context);
  assert.ok(frames.length > 5, `sampled ${frames.length} frames`);
  assert.deepEqual(oldShown, [], `old hero text painted in ${oldShown.length} of ${frames.length} frames`);
  assert.ok(frames.some((f) => f.visible && f.text === "Welcome, newsletter reader."), "the new text is shown");
  await page.screenshot({ path: `${SHOTS}no-flicker-home.png` });
  await context.close();
});

test("with data-storage=session the next page load in the same tab pre-hides, from sessionStorage", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route("**/index.html?*", async (route) => {
    const html = await (await route.fetch()).text();
    await route.fulfill({ contentType: "text/html", body: html.replace('data-bundle="/bundles/default.json"', 'data-bundle="/bundles/default.json" data-storage="session"') });
  });
  await page.route("**/bundles/default.json", async (route) => {
    await new Promise((r) => setTimeout(r, 400));
    await route.continue();
  });
  await page.addInitScript(sampleFrames);
  // The second load is a new shopper (the welcome is capped once per session) in the same tab.
  await page.addInitScript(() => {
    if (sessionStorage.getItem("test:second")) sessionStorage.removeItem("moments:v1");
    sessionStorage.setItem("test:second", "1");
  });
  for (let load = 0; load < 2; load++) {
    await page.goto(URL_EMAIL);
    await momentsReady(page);
    await page.waitForFunction(() => document.getElementById("hero-title").textContent === "Welcome, newsletter reader.");
    await page.waitForTimeout(100);
  }
  const frames = await page.evaluate(() => window.__frames);
  const old = frames.filter((f) => f.visible && f.text !== "Welcome, newsletter reader.");
  assert.ok(frames.length > 5, `sampled ${frames.length} frames`);
  assert.deepEqual(old, [], `old hero text painted in ${old.length} of ${frames.length} frames`);
  assert.deepEqual(await page.evaluate(() => [localStorage.length, !!sessionStorage.getItem("moments:prehide")]), [0, true]);
  await context.close();
});

test("data-prehide hides the listed selectors on a first visit too", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(sampleFrames);
  await page.goto(`${BASE}/test/prehide.html`);
  await momentsReady(page);
  await page.waitForFunction(() => document.getElementById("hero-title").textContent === "Swapped before you saw it.");
  const frames = await page.evaluate(() => window.__frames);
  const old = frames.filter((f) => f.visible && f.text !== "Swapped before you saw it.");
  assert.deepEqual(old, [], `old text painted in ${old.length} of ${frames.length} frames`);
  await context.close();
});
