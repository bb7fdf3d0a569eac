// The walking skeleton: the demo shop loads the SDK by a plain script tag on the default bundle,
// a rule fires and visibly changes the page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, momentsReady, momentsEvents, BASE, SHOTS } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("the default bundle fires on the demo home page and changes it", async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/index.html?utm_source=newsletter&utm_medium=email&utm_campaign=spring`);
  await momentsReady(page);
  const ctx = await page.evaluate(() => window.Moments.context());
  assert.equal(ctx.channel, "email");
  await page.waitForFunction(() => (window.dataLayer || []).some((e) => e.event === "moments_decision"), null, { timeout: 5000 });
  const events = await momentsEvents(page);
  assert.ok(events.some((e) => e.event === "moments_ready"), "ready was pushed to dataLayer");
  const decisions = events.filter((e) => e.event === "moments_decision");
  assert.ok(decisions.length > 0, "a rule fired");
  assert.ok(decisions.some((d) => d.rule === "email-welcome" && d.variant === "shown"), JSON.stringify(decisions));
  await page.waitForFunction(() => document.querySelector("#hero-title").textContent === "Welcome, newsletter reader.", null, { timeout: 5000 });
  assert.equal(await page.textContent("#hero-subtitle"), "Your spring perk: free shipping on everything today.");
  await page.screenshot({ path: `${SHOTS}skeleton-home.png` });
  assert.deepEqual(page.errors, []);
});
