// The rule playground (www/playground.html): a marketer writes a rule, sees it refused with the
// exact path at the right line, fixes it, replays a journey and sees it fire on the demo shop.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, BASE, SHOTS } from "./browser.mjs";
import { parseLines, lineOf, errorLine } from "../../www/playground/jsonmap.js";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openPlayground(page) {
  await page.goto(`${BASE}/playground.html`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === "1", null, { timeout: 20000 });
}

/** Types a whole bundle into the editor and waits until the engine has checked that text. */
async function setBundle(page, text) {
  await page.fill("#bundle-text", text);
  await page.waitForFunction((t) => localStorage.getItem("moments-playground:bundle") === t, text, { timeout: 5000 });
}

const lineWith = (text, needle) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

test("error paths map to lines, keys with dots included", () => {
  const text = [
    "{",
    '  "rules": [',
    '    { "id": "a", "when": { "cart.value": { "$gte ": 3 } } },',
    "    {",
    '      "id": "b",',
    '      "do": [{ "prompt": {',
    '        "layout": "popup" } }]',
    "    }",
    "  ],",
    '  "segments": { "vi": { "search.lastQueries": { "$elemMatch": {} } } }',
    "}",
  ].join("\n");
  const tree = parseLines(text);
  assert.equal(tree.error, null);
  assert.deepEqual(lineOf(tree.root, "rules[1].do[0].prompt.layout"), { line: 7, exact: true });
  assert.deepEqual(lineOf(tree.root, "rules[0].when.cart.value.$gte "), { line: 3, exact: true });
  assert.deepEqual(lineOf(tree.root, "segments.vi.search.lastQueries.$elemMatch"), { line: 10, exact: true });
  assert.deepEqual(lineOf(tree.root, "rules[1]"), { line: 4, exact: true });
  assert.deepEqual(lineOf(tree.root, "rules[1].cap.max"), { line: 4, exact: false }, "a missing key: the nearest part");
  const broken = parseLines('{\n  "a": [1,\n  2\n  "b": 3\n}');
  assert.equal(broken.error.line, 4);
  assert.equal(errorLine(broken, { path: "", message: "not valid JSON: line 4 column 3: expected , or ]" }).line, 4);
});

test("a broken bundle shows the exact path error at its line; fixing it clears it", async () => {
  const page = await newPage(browser);
  await openPlayground(page);
  const bundle = {
    version: 1,
    id: "broken",
    rules: [{ id: "exit-offer", on: ["exit_intent"], do: [{ prompt: { layout: "popup", title: "Wait!", body: "10% off with STAY10" } }], cap: { max: 1, per: "session" } }],
  };
  const text = JSON.stringify(bundle, null, 2);
  const line = lineWith(text, '"layout": "popup"');
  await setBundle(page, text);

  const item = page.locator('#problems li.problem.error[data-path="rules[0].do[0].prompt.layout"]');
  await item.waitFor({ timeout: 5000 });
  assert.match(await item.textContent(), /rules\[0\]\.do\[0\]\.prompt\.layout.*"popup"/);
  assert.equal(await item.getAttribute("data-line"), String(line), "the problem names the line of the layout key");
  const gutter = page.locator(`#editor .gutter-in .ln.error[data-line="${line}"]`);
  assert.equal(await gutter.count(), 1, "the gutter marks that line");
  assert.match(await gutter.getAttribute("title"), /prompt\.layout: "popup"/);
  assert.equal(await page.locator(`#editor .marks .mark.error[data-line="${line}"]`).count(), 1, "the line is highlighted");
  assert.equal(await page.locator("#editor .gutter-in .ln.error").count(), 1, "and no other line");
  assert.match(await page.locator("#status").textContent(), /1 error/);
  assert.equal(await page.locator("#run").isDisabled(), true, "no journey on a refused bundle");

  // "line N" selects the offending line in the editor.
  await item.locator(".line-link").click();
  const selected = await page.evaluate(() => {
    const t = document.querySelector("#bundle-text");
    return t.value.slice(t.selectionStart, t.selectionEnd);
  });
  assert.match(selected, /"layout": "popup"/);
  await page.screenshot({ path: `${SHOTS}playground-error.png` });

  // A syntax error is marked at the line the engine names.
  const broken = text.replace('"title": "Wait!",', '"title": "Wait!"');
  await setBundle(page, broken);
  await page.waitForSelector('#problems li.problem.error[data-path=""]');
  const syntaxLine = Number(await page.locator("#problems li.problem.error").first().getAttribute("data-line"));
  assert.ok(Math.abs(syntaxLine - (lineWith(broken, '"title": "Wait!"') + 1)) <= 1, `syntax error near the missing comma (got line ${syntaxLine})`);

  // Fixed: valid, nothing marked, the journey can run.
  await setBundle(page, text.replace('"popup"', '"modal"'));
  await page.waitForFunction(() => document.querySelector("#status").dataset.kind === "ok");
  assert.equal(await page.locator("#problems li.problem.error").count(), 0);
  assert.equal(await page.locator("#editor .gutter-in .ln.error").count(), 0);
  assert.equal(await page.locator("#run").isDisabled(), false);

  // Take it away: download as <id>.json, or copy to the clipboard.
  const fixed = await page.inputValue("#bundle-text");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  assert.equal(download.suggestedFilename(), "broken.json");
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  assert.equal(Buffer.concat(chunks).toString("utf8"), fixed);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE });
  await page.click("#copy");
  await page.waitForFunction(() => /Copied/.test(document.querySelector("#copy").textContent));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), fixed);
  assert.deepEqual(page.errors, []);
});

test("a journey replayed on the demo shop shows the expected decisions", async () => {
  const page = await newPage(browser);
  await openPlayground(page);
  const bundle = {
    version: 1,
    id: "journey-test",
    rules: [
      { id: "added", on: ["add_to_cart"], do: [{ emit: { name: "added_seen" } }] },
      { id: "cart-idle-help", on: ["idle"], when: { "page.type": "cart" }, do: [{ prompt: { layout: "toast", title: "Need a hand?", body: "Free exchanges for 30 days." } }], cap: { max: 1, per: "session" } },
      { id: "cart-exit", on: ["exit_intent"], when: { "cart.items": { $gt: 0 } }, do: [{ prompt: { layout: "modal", title: "Wait! 10% off", body: "Use STAY10 on your {{cart.items}} item(s).", cta: { label: "Back to cart", href: "/cart.html" } } }], cap: { max: 1, per: "session" }, priority: 10 },
      { id: "never", on: ["purchase"], do: [{ emit: { name: "bought" } }] },
    ],
  };
  await setBundle(page, JSON.stringify(bundle, null, 2));
  await page.waitForFunction(() => document.querySelector("#status").dataset.kind === "ok");
  await page.click("#format"); // short objects back on one line, as bundles are written by hand
  assert.match(await page.inputValue("#bundle-text"), /"cap": \{ "max": 1, "per": "session" \}/);
  const journey = [
    { type: "page", path: "/product.html?id=trailgrip-gtx" },
    { type: "add_to_cart", id: "trailgrip-gtx", size: "US 9" },
    { type: "page", path: "/cart.html" },
    { type: "idle" },
    { type: "exit" },
  ].map((s) => JSON.stringify(s)).join("\n");
  await page.fill("#journey-text", journey);
  await page.click("#run");
  await page.waitForFunction(() => document.documentElement.dataset.run === "done", null, { timeout: 60000 });
  assert.match(await page.locator("#run-status").textContent(), /^Done: 5 steps/);

  const decisionsAt = (step) => page.$$eval(`#timeline-list li[data-step="${step}"] .chip.decision`, (cs) => cs.map((c) => c.dataset.rule));
  const signalsAt = (step) => page.$$eval(`#timeline-list li[data-step="${step}"] .chip.signal`, (cs) => cs.map((c) => c.textContent));
  assert.ok((await signalsAt(1)).includes("page_view"), "the first page view is on the timeline");
  assert.ok((await decisionsAt(2)).includes("added"), "add_to_cart fired `added`");
  assert.ok((await signalsAt(2)).includes("add_to_cart"));
  assert.deepEqual(await decisionsAt(4), ["cart-idle-help"], "idle on the cart page fired the help toast");
  assert.deepEqual(await decisionsAt(5), ["cart-exit"], "exit intent with a cart fired the offer");
  const all = await page.$$eval("#timeline-list .chip.decision", (cs) => cs.map((c) => c.dataset.rule));
  assert.ok(!all.includes("never"), "no purchase, no `never`");
  assert.match(await page.locator(".summary .why-not").textContent(), /never/, "the summary says why `never` did not fire");

  // The context after adding to cart, as the timeline shows it (sensing reports the cart).
  const cartText = await page.locator('#timeline-list li[data-step="5"] .facts').textContent();
  assert.match(cartText, /cart\s*1/);

  // The decision happened on the demo shop itself: the preview is the cart page running the edited bundle.
  const inFrame = await page.locator("#preview").evaluate((f) => ({
    path: f.contentWindow.location.pathname,
    decisions: (f.contentWindow.dataLayer || []).filter((e) => e.event === "moments_decision").map((e) => e.rule),
    rules: f.contentWindow.Moments.explain().rules.map((r) => r.id),
  }));
  assert.equal(inFrame.path, "/cart.html");
  assert.ok(inFrame.decisions.includes("cart-exit"));
  assert.deepEqual(inFrame.rules, bundle.rules.map((r) => r.id), "window.Moments in the frame runs the edited bundle");
  await page.evaluate(() => { document.querySelector("#bundle-text").scrollTop = 0; });
  await page.waitForTimeout(400); // let the prompt finish its entrance before the picture
  await page.screenshot({ path: `${SHOTS}playground.png` });
  assert.deepEqual(page.errors, []);
});
