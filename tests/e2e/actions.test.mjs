// Actions and prompts end to end, on www/test/actions.html (a strict CSP without 'unsafe-inline'
// styles, loud page styles that must not leak into prompts) with www/test/actions-bundle.json:
// every element action on page view, undo exactness through Moments.destroy(), a single-page-app
// route change, screenshots of each layout (tests/e2e/shots/<layout>.png), and keyboard-only use
// of a modal and of a guided conversation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, momentsReady, momentsEvents, BASE, SHOTS } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const URL = `${BASE}/test/actions.html`;

/** A fresh page with the SDK started and the page-view rule applied. */
async function ready(opts) {
  const page = await newPage(browser, opts);
  await page.goto(URL);
  await momentsReady(page);
  await page.waitForFunction(() => document.getElementById("headline").textContent === "Swapped <headline>");
  return page;
}

/** Fires a custom signal and waits for the prompt of `layout` (and its entry animation). */
async function open(page, signal, layout) {
  await page.evaluate((s) => window.Moments.track(s), signal);
  await page.locator(`moments-prompt .p.${layout}`).waitFor();
  await page.waitForTimeout(350);
}

/** Where focus is: the host's tag, and inside a prompt the focused element's text and role. */
function focus(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    const inner = a && a.shadowRoot ? a.shadowRoot.activeElement : null;
    return {
      tag: a ? a.tagName.toLowerCase() : null,
      id: a ? a.id : null,
      inner: inner ? { text: inner.textContent.trim(), role: inner.getAttribute("role"), action: inner.getAttribute("data-a"), id: inner.id } : null,
    };
  });
}

/** Tabs (keyboard only) until the page element `id` has focus. */
async function tabTo(page, id) {
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Tab");
    if ((await focus(page)).id === id) return;
  }
  assert.fail(`could not Tab to #${id}`);
}

const hosts = (page) => page.evaluate(() => document.querySelectorAll("moments-prompt").length);

test("every action applies on page view, and destroy() gives back the exact page", async () => {
  const page = await ready();
  const state = await page.evaluate(() => ({
    rich: document.querySelector("#rich strong")?.textContent,
    slot: document.querySelector("#slot .note")?.textContent,
    after: document.querySelector("#headline + #after-headline")?.textContent,
    href: document.getElementById("link").getAttribute("href"),
    box: document.getElementById("box").className,
    hidden: getComputedStyle(document.getElementById("hide-me")).display,
    shown: getComputedStyle(document.getElementById("show-me")).display,
  }));
  assert.deepEqual(state, {
    rich: "Rich", slot: "An inserted note", after: "Inserted after the headline", href: "/cart.html",
    box: "box highlight", hidden: "none", shown: "block",
  });
  const actions = (await momentsEvents(page)).filter((e) => e.event === "moments_action");
  assert.equal(actions.length, 9, JSON.stringify(actions));

  // An element the page renders later gets its change when it appears.
  await page.click("#add-late");
  await page.waitForFunction(() => document.querySelector("li.late")?.classList.contains("late-on"));
  await page.evaluate(() => document.querySelector("li.late").remove()); // the page removes it again

  // Prompts open at destroy time go too.
  await open(page, "open_banner", "banner");
  await open(page, "open_toast", "toast");
  assert.equal(await hosts(page), 2);

  await page.evaluate(() => window.Moments.destroy());
  const after = await page.evaluate(() => ({
    same: document.body.innerHTML === window.__before,
    body: document.body.innerHTML,
    before: window.__before,
    sheets: document.adoptedStyleSheets.length,
  }));
  assert.equal(after.body, after.before);
  assert.ok(after.same);
  assert.equal(after.sheets, 0, "no stylesheet left behind");
  assert.deepEqual(page.errors, []);
});

test("a single-page-app route change undoes the page's changes and closes prompts", async () => {
  const page = await ready();
  await open(page, "open_slidein", "slide-in");
  await page.evaluate(() => history.pushState({}, "", "/test/actions.html?route=2"));
  await page.waitForFunction(() => document.querySelectorAll("moments-prompt").length === 0);
  // The page-view rule fires again on the new route: applied once, not stacked on the old change.
  const counts = await page.evaluate(() => ({
    after: document.querySelectorAll("#after-headline").length,
    notes: document.querySelectorAll("#slot .note").length,
    headline: document.getElementById("headline").textContent,
  }));
  assert.deepEqual(counts, { after: 1, notes: 1, headline: "Swapped <headline>" });
  await page.evaluate(() => window.Moments.destroy());
  assert.ok(await page.evaluate(() => document.body.innerHTML === window.__before));
  assert.deepEqual(page.errors, []);
});

for (const [signal, layout] of [["open_modal", "modal"], ["open_banner", "banner"], ["open_toast", "toast"], ["open_slidein", "slide-in"]]) {
  test(`the ${layout} layout renders in a shadow root, styled under a strict CSP`, async () => {
    const page = await ready();
    await open(page, signal, layout);
    await page.screenshot({ path: `${SHOTS}${layout}.png` });
    const info = await page.evaluate(() => {
      const host = document.querySelector("moments-prompt");
      const p = host.shadowRoot.querySelector(".p");
      const h2 = host.shadowRoot.querySelector("h2");
      return {
        role: p.getAttribute("role"),
        modal: p.getAttribute("aria-modal"),
        position: getComputedStyle(p).position,
        // The page styles every h2 crimson and uppercase: none of it may leak in.
        h2: [getComputedStyle(h2).color, getComputedStyle(h2).textTransform],
      };
    });
    assert.equal(info.role, "dialog");
    assert.equal(info.modal, layout === "modal" ? "true" : null);
    assert.equal(info.position, "fixed");
    assert.notEqual(info.h2[0], "rgb(220, 20, 60)");
    assert.equal(info.h2[1], "none");
    const f = await focus(page);
    if (layout === "modal") assert.equal(f.inner?.role, "dialog", "the modal takes focus");
    else assert.equal(f.tag, "body", `a ${layout} does not take focus`);
    const shown = (await momentsEvents(page)).filter((e) => e.event === "moments_prompt_shown");
    assert.equal(shown.length, 1);
    assert.deepEqual(page.errors, []);
  });
}

test("on a phone the modal is a bottom sheet", async () => {
  const page = await ready({ mobile: true });
  await open(page, "open_modal", "modal");
  await page.screenshot({ path: `${SHOTS}modal-mobile.png` });
  const box = await page.locator("moments-prompt .p").boundingBox();
  assert.equal(Math.round(box.x), 0);
  assert.equal(Math.round(box.width), 390);
  assert.ok(Math.abs(box.y + box.height - 844) <= 1, `bottom at ${box.y + box.height}`);
  assert.deepEqual(page.errors, []);
});

test("prompts follow the page's theme (CSS custom properties)", async () => {
  const page = await ready();
  await page.evaluate(() => {
    const s = document.documentElement.style;
    s.setProperty("--moments-accent", "#7c3aed");
    s.setProperty("--moments-radius", "4px");
    s.setProperty("--moments-font", "Georgia, serif");
  });
  await open(page, "open_slidein", "slide-in");
  await page.screenshot({ path: `${SHOTS}slide-in-themed.png` });
  const css = await page.evaluate(() => {
    const r = document.querySelector("moments-prompt").shadowRoot;
    const c = getComputedStyle(r.querySelector(".c"));
    const p = getComputedStyle(r.querySelector(".p"));
    return { bg: c.backgroundColor, radius: p.borderTopLeftRadius, font: p.fontFamily };
  });
  assert.deepEqual(css, { bg: "rgb(124, 58, 237)", radius: "4px", font: "Georgia, serif" });
});

test("a modal by keyboard only: focus moves in, Tab cycles, Esc closes, focus comes back", async () => {
  const page = await ready();
  await tabTo(page, "open-modal");
  await page.keyboard.press("Enter");
  await page.locator("moments-prompt .p.modal").waitFor();
  assert.equal((await focus(page)).inner?.role, "dialog");
  // Tab goes through the close button, the CTA and "No thanks", then around again; never out.
  const seen = [];
  for (let i = 0; i < 7; i++) {
    await page.keyboard.press("Tab");
    const f = await focus(page);
    assert.equal(f.tag, "moments-prompt", `Tab ${i + 1} left the modal`);
    seen.push(f.inner.text || f.inner.action);
  }
  assert.deepEqual(seen, ["×", "Back to cart", "No thanks", "×", "Back to cart", "No thanks", "×"]);
  await page.keyboard.press("Shift+Tab");
  assert.equal((await focus(page)).inner.text, "No thanks", "Shift-Tab wraps backwards");
  await page.keyboard.press("Escape");
  assert.equal(await hosts(page), 0);
  assert.equal((await focus(page)).id, "open-modal", "focus is back on the button that opened it");
  // Again, and this time take the offer with Enter on the CTA.
  await page.keyboard.press("Enter");
  await page.locator("moments-prompt .p.modal").waitFor();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal((await focus(page)).inner.text, "Back to cart");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => location.hash === "#cart");
  assert.equal(await hosts(page), 0);
  const events = (await momentsEvents(page)).map((e) => [e.event, e.rule, e.label].filter(Boolean).join(" "));
  assert.deepEqual(events.filter((e) => e.startsWith("moments_prompt_")), [
    "moments_prompt_shown modal", "moments_prompt_dismissed modal", "moments_prompt_shown modal", "moments_prompt_clicked modal Back to cart",
  ]);
  assert.deepEqual(page.errors, []);
});

test("a guided conversation by keyboard only", async () => {
  const page = await ready();
  await tabTo(page, "open-flow");
  await page.keyboard.press("Enter");
  await page.locator("moments-prompt .p.modal").waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}flow.png` });
  // Tab to "Too pricey" and answer.
  for (let i = 0; i < 6 && (await focus(page)).inner?.text !== "Too pricey"; i++) await page.keyboard.press("Tab");
  assert.equal((await focus(page)).inner.text, "Too pricey");
  await page.keyboard.press("Enter");
  // The next node's text has focus, so a screen reader reads it.
  const f = await focus(page);
  assert.equal(f.inner.id, "q");
  assert.equal(f.inner.text, "Here is 10% off, just for today.");
  await page.screenshot({ path: `${SHOTS}flow-step2.png` });
  // Back, then forward again, then take the discount: its `do` actions change the page.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal((await focus(page)).inner.text, "Back");
  await page.keyboard.press("Enter");
  assert.equal((await focus(page)).inner.text, "Did you find what you were looking for?");
  for (let i = 0; i < 6 && (await focus(page)).inner?.text !== "Too pricey"; i++) await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  assert.equal((await focus(page)).inner.text, "Apply STAY10");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("coupon")?.textContent === "STAY10 applied: 10% off");
  assert.equal(await hosts(page), 0);
  const ctx = await page.evaluate(() => window.Moments.context());
  assert.equal(ctx.flow?.answer, "Too pricey", "answers are in the context as flow.<node>");
  assert.equal(ctx.flow?.price, "Apply STAY10");
  const clicks = (await momentsEvents(page)).filter((e) => e.event === "moments_prompt_clicked").map((e) => `${e.node}: ${e.label}`);
  assert.deepEqual(clicks, ["answer: Too pricey", "answer: Too pricey", "price: Apply STAY10"]);
  // Undo covers what the conversation applied.
  await page.evaluate(() => window.Moments.destroy());
  assert.ok(await page.evaluate(() => document.body.innerHTML === window.__before));
  assert.deepEqual(page.errors, []);
});

test("a flow button that emits reaches on() handlers and the dataLayer", async () => {
  const page = await ready();
  await page.evaluate(() => {
    window.__chat = [];
    window.Moments.on("chat_requested", (d) => window.__chat.push(d));
  });
  await open(page, "open_flow", "modal");
  await page.locator("moments-prompt button.b", { hasText: "Talk to us" }).click();
  assert.deepEqual(await page.evaluate(() => window.__chat), [{ from: "flow" }]);
  const names = (await momentsEvents(page)).map((e) => e.event);
  assert.ok(names.includes("moments_chat_requested"), names.join(", "));
  assert.equal(await hosts(page), 0);
  assert.deepEqual(page.errors, []);
});

test("rules firing again and again with new content: the page and the SDK's memory stay the same size, and destroy() gives back the page", async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/test/churn.html`);
  await momentsReady(page);
  const original = await page.evaluate(() => document.getElementById("fx").outerHTML);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  // DOM nodes the page holds, live or detached but still reachable, after a full GC.
  const nodes = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    const m = (await cdp.send("Performance.getMetrics")).metrics.find((x) => x.name === "Nodes");
    return m.value;
  };
  const rounds = (from, to) => page.evaluate(([from, to]) => {
    for (let i = from; i < to; i++) {
      Moments.set({ n: i });
      Moments.track("tick_a");
      Moments.track("tick_b");
      Moments.track("tick_c");
    }
  }, [from, to]);
  await rounds(0, 50);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  const early = await nodes();
  await rounds(50, 400);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  const late = await nodes();
  const state = await page.evaluate(() => ({
    x: document.getElementById("x").innerHTML,
    title: document.getElementById("z").title,
    cls: document.getElementById("z").className,
    c: [...document.querySelectorAll("p.c, li.c")].map((e) => e.textContent),
    c2: document.querySelectorAll("p.c2").length,
  }));
  assert.equal(state.x, "<b>B 399</b>");
  assert.equal(state.title, "B 399");
  assert.equal(state.cls, "link on-b");
  // A rule's new firing replaces what its earlier firing inserted; both inserts of one firing stay.
  assert.deepEqual(state.c, ["C 399", "C 399"]);
  assert.equal(state.c2, 1);
  assert.ok(late - early < 60, `DOM nodes grew from ${early} to ${late} over 350 more rounds`);
  await page.evaluate(() => Moments.destroy());
  assert.equal(await page.evaluate(() => document.getElementById("fx").outerHTML), original);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
