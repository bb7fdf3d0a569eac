// Measurement on the demo shop: caps hold across reloads and tabs, a purchase after a decision is a
// conversion, and every SDK event reaches dataLayer as moments_<event> with GA4-friendly fields.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, momentsReady, momentsEvents, BASE } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const decisionsFor = async (page, rule) =>
  (await momentsEvents(page)).filter((e) => e.event === "moments_decision" && e.rule === rule);

async function cartPage(context) {
  const page = await context.newPage();
  await page.goto(`${BASE}/cart.html`);
  await momentsReady(page);
  return page;
}

test("a once-per-session cap holds across reloads and across tabs", async () => {
  const context = await browser.newContext();
  const a = await cartPage(context);
  await a.evaluate(() => Moments.track("add_to_cart", { id: "sku-1", price: 40, quantity: 1 }));
  await a.evaluate(() => Moments.fire("exit_intent"));
  const first = await decisionsFor(a, "exit-offer");
  assert.equal(first.length, 1, "exit-offer decided once (shown or holdout)");
  assert.ok(["shown", "holdout"].includes(first[0].variant));

  await a.reload();
  await momentsReady(a);
  await a.evaluate(() => Moments.fire("exit_intent"));
  assert.equal((await decisionsFor(a, "exit-offer")).length, 0, "capped after a reload");
  assert.match(JSON.stringify(await a.evaluate(() => Moments.explain("exit-offer"))), /capped/);

  const b = await cartPage(context);
  await b.evaluate(() => Moments.fire("exit_intent"));
  assert.equal((await decisionsFor(b, "exit-offer")).length, 0, "capped in another tab");
  await context.close();
});

test("a purchase after a decision is a conversion, pushed to dataLayer for GA4", async () => {
  const context = await browser.newContext();
  const page = await cartPage(context);
  await page.evaluate(() => Moments.track("add_to_cart", { id: "sku-2", price: 60, quantity: 1 }));
  await page.evaluate(() => Moments.fire("exit_intent"));
  const [decision] = await decisionsFor(page, "exit-offer");
  assert.ok(decision, "exit-offer decided");
  await page.evaluate(() => Moments.track("purchase", { transaction_id: "T1", value: 60, currency: "USD", items: [{ item_id: "sku-2", price: 60 }] }));
  const conversions = (await momentsEvents(page)).filter((e) => e.event === "moments_conversion");
  const c = conversions.find((e) => e.rule === "exit-offer");
  assert.ok(c, JSON.stringify(conversions));
  assert.equal(c.variant, decision.variant, "the conversion carries the variant the shopper had");
  assert.equal(c.value, 60);
  const events = new Set((await momentsEvents(page)).map((e) => e.event));
  for (const e of ["moments_ready", "moments_signal", "moments_decision", "moments_conversion"]) assert.ok(events.has(e), e);
  await context.close();
});

test("holdout: the held-out shopper gets no change but is measured", async () => {
  // Find a shopper in the exit-offer's 10% holdout by trying fresh shoppers.
  let found = null;
  for (let i = 0; i < 60 && !found; i++) {
    const context = await browser.newContext();
    const page = await cartPage(context);
    await page.evaluate(() => Moments.track("add_to_cart", { id: "x", price: 30 }));
    await page.evaluate(() => Moments.fire("exit_intent"));
    const [d] = await decisionsFor(page, "exit-offer");
    if (d && d.variant === "holdout") {
      found = true;
      const shown = (await momentsEvents(page)).filter((e) => e.event === "moments_prompt_shown");
      assert.deepEqual(shown, [], "no prompt for a held-out shopper");
      assert.equal(await page.locator("moments-prompt").count(), 0);
    }
    await context.close();
  }
  assert.ok(found, "no held-out shopper among 60 (holdout 0.1: p = 0.9^60 ≈ 0.2%)");
});
