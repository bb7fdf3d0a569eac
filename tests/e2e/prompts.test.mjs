// Prompts end to end: rendered by moments-prompt.js (pkg-config/prompt.js), which the script tag
// loads only when a page may show a prompt. On www/test/prompts.html (a strict CSP without
// 'unsafe-inline' styles) with www/test/prompts-bundle.json, every rule opened by a custom
// signal: each layout accessible in a shadow root; image, CTA and dismiss label; the modal's
// keyboard focus trap, Escape and focus return; never two modals, a queue by priority, no rule
// twice; a toast that goes away by itself but not while hovered; a flow that navigates, reports
// answers and hands actions back; Tab inside a flow modal; the <style nonce> fallback under a
// nonce-only CSP. And the loading itself: never for a bundle without prompts, at idle time for
// one with prompts, prompts asked for before it arrives shown in order, a failed load reported
// through on("error"), and the npm build's dynamic import.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, momentsReady, momentsEvents, BASE } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const URL_ = `${BASE}/test/prompts.html`;

/** A fresh page with the SDK started; `setup(page)` runs before it loads (routes). */
async function ready(setup) {
  const page = await newPage(browser);
  page.requests = [];
  page.on("request", (r) => page.requests.push(new URL(r.url()).pathname));
  if (setup) await setup(page);
  await page.goto(URL_);
  await momentsReady(page);
  return page;
}

const track = (page, ...signals) => page.evaluate((s) => { for (const x of s) window.Moments.track(x); }, signals);
const hosts = (page) => page.evaluate(() => document.querySelectorAll("moments-prompt").length);
const waitHosts = (page, n) => page.waitForFunction((n) => document.querySelectorAll("moments-prompt").length === n, n);
const events = async (page, name) => (await momentsEvents(page)).filter((e) => e.event === `moments_${name}`);
const rules = async (page, name) => (await events(page, name)).map((e) => e.rule);

/** Where focus is: the page's element, and inside a prompt the focused element. */
function focus(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    const inner = a && a.shadowRoot ? a.shadowRoot.activeElement : null;
    const d = (e) => e && { id: e.id, text: e.textContent.trim(), role: e.getAttribute("role"), action: e.getAttribute("data-a"), label: e.getAttribute("aria-label"), cls: e.className };
    return { tag: a ? a.localName : null, id: a ? a.id : null, inner: d(inner) };
  });
}

/** A click on `selector` inside the open prompt (the first host that has it). */
async function clickIn(page, selector) {
  const ok = await page.evaluate((s) => {
    for (const h of document.querySelectorAll("moments-prompt")) {
      const el = h.shadowRoot.querySelector(s);
      if (el) {
        // Runs the handlers without following a link (the page stays).
        const stop = (e) => e.preventDefault();
        document.addEventListener("click", stop, { capture: true, once: true });
        el.click();
        return true;
      }
    }
    return false;
  }, selector);
  assert.ok(ok, `no ${selector} in a prompt`);
}

test("each layout renders accessibly in a shadow root (one shared stylesheet), and destroy() removes them", async () => {
  const page = await ready();
  const before = await page.evaluate(() => document.body.innerHTML);
  await track(page, "show_layouts");
  await waitHosts(page, 4);
  assert.deepEqual(await rules(page, "prompt_shown"), ["p0", "p1", "p2", "p3"]);
  const info = await page.evaluate(() => {
    const hs = [...document.querySelectorAll("moments-prompt")];
    const sheets = hs.map((h) => h.shadowRoot.adoptedStyleSheets);
    return {
      shared: sheets.every((s) => s.length === 1 && s[0] === sheets[0][0]),
      modalFocused: !!hs[0].shadowRoot.activeElement,
      each: hs.map((h) => {
        const r = h.shadowRoot;
        const p = r.querySelector("[role=dialog]");
        const by = (a) => r.getElementById(p.getAttribute(a));
        return {
          mode: r.mode,
          cls: p.className,
          modal: p.getAttribute("aria-modal"),
          title: by("aria-labelledby").textContent,
          desc: by("aria-describedby").textContent,
          bold: r.querySelectorAll("b").length,
          close: r.querySelector("button.x").getAttribute("aria-label"),
          href: r.querySelector("a.c").getAttribute("href"),
          no: r.querySelector("button.n").textContent,
          position: getComputedStyle(p).position,
          h2: getComputedStyle(r.querySelector("h2")).textTransform,
        };
      }),
    };
  });
  assert.ok(info.shared, "styled by one constructed stylesheet, shared");
  assert.ok(info.modalFocused, "the modal took focus");
  for (const [e, layout] of info.each.map((e, i) => [e, ["modal", "banner", "toast", "slide-in"][i]])) {
    assert.deepEqual(e, {
      mode: "open",
      cls: `p ${layout}`,
      modal: layout === "modal" ? "true" : null,
      title: layout,
      desc: `Body of ${layout} <b>not bold</b>`,
      bold: 0,
      close: "Close",
      href: "#go",
      no: "No thanks",
      position: "fixed",
      h2: "none",
    }, layout);
  }
  await page.evaluate(() => window.Moments.destroy());
  assert.equal(await hosts(page), 0);
  assert.deepEqual(await rules(page, "prompt_dismissed"), [], "closing by destroy is not a shopper's dismissal");
  assert.equal(await page.evaluate(() => document.body.innerHTML), before);
  assert.deepEqual(page.errors, []);
});

test("a prompt's image, a CTA without a link is a button, the dismiss label; the CTA closes it", async () => {
  const page = await ready();
  await track(page, "show_img");
  await waitHosts(page, 1);
  const info = await page.evaluate(() => {
    const r = document.querySelector("moments-prompt").shadowRoot;
    const img = r.querySelector("img");
    return {
      alt: img.getAttribute("alt"), src: img.getAttribute("src"), links: r.querySelectorAll("a").length,
      cta: r.querySelector(".c").localName, dismiss: r.querySelector("button.n").textContent, inside: !!r.activeElement,
    };
  });
  assert.deepEqual(info, { alt: "", src: "/test/shoe.svg", links: 0, cta: "button", dismiss: "Later", inside: false });
  assert.equal((await focus(page)).tag, "body", "a slide-in does not take focus");
  await clickIn(page, ".c");
  assert.equal(await hosts(page), 0, "the CTA closes the prompt");
  const clicked = (await events(page, "prompt_clicked")).map((e) => [e.rule, e.label]);
  assert.deepEqual(clicked, [["img", "Shop"]]);
  assert.deepEqual(await rules(page, "prompt_dismissed"), []);
  // Unsafe URLs from the context never reach a prompt (vetted before they leave the wasm).
  await page.evaluate(() => window.Moments.set({ cta: "javascript:alert(1)", img: " data:text/html,<b>x</b>" }));
  await track(page, "show_img_link");
  await waitHosts(page, 1);
  const html = await page.evaluate(() => document.querySelector("moments-prompt").shadowRoot.innerHTML);
  assert.doesNotMatch(html, /javascript|data:/, html);
  assert.deepEqual(page.errors, []);
});

test("a modal: focus moves in, Tab and Shift-Tab cycle inside, Esc closes and gives focus back; the close button and the backdrop dismiss", async () => {
  const page = await ready();
  await page.focus("#opener");
  await track(page, "show_m");
  await page.locator("moments-prompt .p.modal").waitFor();
  let f = await focus(page);
  assert.equal(f.tag, "moments-prompt", "focus moved into the prompt");
  assert.equal(f.inner.role, "dialog");
  // Shift-Tab from the dialog itself goes to the last control, Tab from the last to the first.
  await page.keyboard.press("Shift+Tab");
  assert.equal((await focus(page)).inner.text, "No thanks");
  await page.keyboard.press("Tab");
  assert.equal((await focus(page)).inner.label, "Close");
  await page.keyboard.press("Shift+Tab");
  assert.equal((await focus(page)).inner.text, "No thanks");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal((await focus(page)).inner.text, "Go");
  // Focus taken out by a page script comes back.
  await page.evaluate(() => document.getElementById("other").focus());
  await page.waitForFunction(() => document.activeElement.localName === "moments-prompt");
  // Esc closes, reports a dismissal and gives focus back.
  await page.keyboard.press("Escape");
  assert.equal(await hosts(page), 0);
  assert.deepEqual(await rules(page, "prompt_dismissed"), ["m"]);
  assert.equal((await focus(page)).id, "opener", "focus went back");
  // The close button and the backdrop dismiss too.
  await track(page, "show_m2");
  await page.locator("moments-prompt .p.modal").waitFor();
  await clickIn(page, "button.x");
  await track(page, "show_m3");
  await page.locator("moments-prompt .p.modal").waitFor();
  await page.mouse.click(5, 5);
  await waitHosts(page, 0);
  assert.deepEqual(await rules(page, "prompt_dismissed"), ["m", "m2", "m3"]);
  assert.deepEqual(page.errors, []);
});

test("never two modals: a queue by priority, no rule twice, focus handed on and back", async () => {
  const page = await ready();
  await page.focus("#opener");
  await track(page, "show_first", "show_first", "show_low", "show_mid", "show_high", "show_mid");
  await page.locator("moments-prompt .p.modal").waitFor();
  assert.equal(await hosts(page), 1, "never two modals");
  const applied = (await events(page, "action")).filter((e) => e.type === "prompt").map((e) => [e.rule, e.elements]);
  assert.deepEqual(applied, [["first", 1], ["first", 0], ["low", 0], ["mid", 0], ["high", 0], ["mid", 0]]);
  const title = () => page.evaluate(() => [...document.querySelectorAll("moments-prompt")].map((h) => h.shadowRoot.querySelector("h2").textContent));
  assert.deepEqual(await title(), ["First"]);
  for (const want of ["High", "Mid", "Low"]) {
    await page.keyboard.press("Escape");
    assert.deepEqual(await title(), [want]);
    assert.equal((await focus(page)).inner?.role, "dialog", "the next modal has focus");
  }
  await page.keyboard.press("Escape");
  assert.equal(await hosts(page), 0);
  assert.deepEqual(await rules(page, "prompt_shown"), ["first", "high", "mid", "low"]);
  assert.equal((await focus(page)).id, "opener", "focus back on the page after the last one");
  assert.deepEqual(page.errors, []);
});

test("a toast goes away by itself, but not while hovered", async () => {
  const page = await ready();
  await page.focus("#opener");
  await track(page, "show_toast");
  await page.locator("moments-prompt .p.toast").waitFor();
  assert.equal((await focus(page)).id, "opener", "a toast does not take focus");
  await page.locator("moments-prompt .p.toast h2").hover();
  await page.waitForTimeout(8000 + 300);
  assert.equal(await hosts(page), 1, "paused while hovered");
  await page.mouse.move(5, 880);
  await page.waitForTimeout(8000 + 300);
  assert.equal(await hosts(page), 0, "gone after the delay");
  assert.deepEqual(await rules(page, "prompt_dismissed"), [], "going away by itself is not a dismissal");
  assert.deepEqual(page.errors, []);
});

test("a flow navigates, reports answers and hands its actions back", async () => {
  const page = await ready();
  await page.evaluate(() => {
    window.__chat = [];
    window.Moments.on("chat_requested", (d) => window.__chat.push(d));
  });
  await track(page, "show_flow");
  await page.locator("moments-prompt .p.modal").waitFor();
  const state = () => page.evaluate(() => {
    const r = document.querySelector("moments-prompt")?.shadowRoot;
    if (!r) return null;
    return {
      q: r.getElementById("q").textContent,
      described: r.querySelector("[role=dialog]").getAttribute("aria-describedby"),
      buttons: [...r.querySelectorAll(".bs .b")].map((b) => [b.localName, b.textContent, b.getAttribute("href")]),
      back: !!r.querySelector("[data-a=k]"),
      focused: r.activeElement && r.activeElement.id,
    };
  });
  const s0 = await state();
  assert.equal(s0.q, "What do you need?", "starts at `start`");
  assert.equal(s0.described, "q");
  assert.deepEqual(s0.buttons, [["button", "Size help", null], ["a", "Size guide", "#guide"], ["button", "Chat", null]], "an href button is a real link");
  assert.equal(s0.back, false);
  // `next`: the new node's text, focused; a Back button.
  await clickIn(page, "button[data-i='0']");
  const s1 = await state();
  assert.equal(s1.q, "Go half a size up.");
  assert.equal(s1.focused, "q");
  assert.equal(s1.back, true);
  await clickIn(page, "[data-a=k]");
  const s2 = await state();
  assert.equal(s2.q, "What do you need?");
  assert.equal(s2.back, false, "no Back at the start");
  await clickIn(page, "button[data-i='0']");
  // `do`: the prompt closes, the actions go back to the runtime.
  await clickIn(page, "button[data-i='1']");
  assert.equal(await hosts(page), 0);
  assert.equal(await page.textContent("#promo"), "STAY10");
  const answers = (await events(page, "prompt_clicked")).map((e) => `${e.rule} ${e.node}: ${e.label}`);
  assert.deepEqual(answers, ["flow q1: Size help", "flow q1: Size help", "flow fit: 10% off"]);
  const ctx = await page.evaluate(() => window.Moments.context());
  assert.equal(ctx.flow?.fit, "10% off", "answers are in the context as flow.<node>");
  // `emit`.
  await track(page, "show_flow2");
  await page.locator("moments-prompt .p.modal").waitFor();
  await clickIn(page, "button[data-i='2']");
  assert.deepEqual(await page.evaluate(() => window.__chat), [{ from: "flow" }]);
  assert.ok((await events(page, "chat_requested")).length === 1);
  assert.equal(await hosts(page), 0);
  assert.deepEqual(await rules(page, "prompt_dismissed"), []);
  // An href button is followed by the browser and closes the prompt.
  await track(page, "show_flow");
  await page.locator("moments-prompt .p.modal").waitFor();
  await page.locator("moments-prompt a.b").click();
  await page.waitForFunction(() => location.hash === "#guide");
  assert.equal(await hosts(page), 0);
  assert.deepEqual(page.errors, []);
});

test("Tab inside a flow modal wraps from Back to the close button", async () => {
  const page = await ready();
  await track(page, "show_flow");
  await page.locator("moments-prompt .p.modal").waitFor();
  await clickIn(page, "button[data-i='0']");
  assert.equal((await focus(page)).inner.id, "q", "focus is on the node text");
  await page.evaluate(() => document.querySelector("moments-prompt").shadowRoot.querySelector("[data-a=k]").focus());
  assert.equal((await focus(page)).inner.text, "Back");
  await page.keyboard.press("Tab");
  assert.equal((await focus(page)).inner.label, "Close");
  assert.deepEqual(page.errors, []);
});

test("without constructable stylesheets, under a nonce-only CSP, a <style> carries the script's nonce", async () => {
  const page = await newPage(browser);
  const violations = [];
  page.on("console", (m) => { if (m.text().includes("Content Security Policy")) violations.push(m.text()); });
  await page.addInitScript(() => {
    delete Document.prototype.adoptedStyleSheets;
    delete ShadowRoot.prototype.adoptedStyleSheets;
  });
  await page.route(`${BASE}/test/prompts-nonce.html`, (r) => r.fulfill({
    contentType: "text/html; charset=utf-8",
    body: `<!doctype html><html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'nonce-n0nce' 'wasm-unsafe-eval'; style-src 'nonce-n0nce'; img-src 'self'">
<script nonce="n0nce" src="/moments/moments.js" data-bundle="/test/prompts-bundle.json" data-storage="memory"></script>
</head><body><p>nonce</p></body></html>`,
  }));
  page.requests = [];
  page.on("request", (r) => page.requests.push(new URL(r.url()).pathname));
  await page.goto(`${BASE}/test/prompts-nonce.html`);
  await momentsReady(page);
  await track(page, "show_m");
  await page.locator("moments-prompt .p.modal").waitFor();
  const info = await page.evaluate(() => {
    const r = document.querySelector("moments-prompt").shadowRoot;
    const s = r.querySelector("style");
    return { nonce: s && s.nonce, css: s && s.textContent.includes(":host{all:initial}"), position: getComputedStyle(r.querySelector(".p")).position };
  });
  assert.deepEqual(info, { nonce: "n0nce", css: true, position: "fixed" });
  assert.ok(page.requests.includes("/moments/moments-prompt.js"), "loaded under script-src 'nonce-…'");
  assert.deepEqual(violations, []);
  assert.deepEqual(page.errors, []);
});

// ---- loading

test("a bundle without prompts never downloads moments-prompt.js", async () => {
  const page = await newPage(browser);
  const requested = [];
  page.on("request", (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(`${BASE}/test/signals.html`);
  await momentsReady(page);
  await page.waitForTimeout(1500);
  assert.ok(requested.includes("/moments/moments.wasm"));
  assert.ok(!requested.some((p) => p.includes("moments-prompt")), requested.join(" "));
  assert.deepEqual(page.errors.filter((e) => !/status of 404/.test(e)), []); // (the page has no favicon)
});

test("with prompts in the bundle, moments-prompt.js loads once, at idle time after start-up, before any prompt", async () => {
  const page = await ready();
  for (let i = 0; i < 100 && !page.requests.includes("/moments/moments-prompt.js"); i++) await page.waitForTimeout(50);
  assert.ok(page.requests.includes("/moments/moments-prompt.js"), "preloaded");
  assert.equal(await hosts(page), 0);
  await track(page, "show_m");
  await page.locator("moments-prompt .p.modal").waitFor();
  await page.keyboard.press("Escape");
  await track(page, "show_toast");
  await page.locator("moments-prompt .p.toast").waitFor();
  assert.equal(page.requests.filter((p) => p.endsWith("moments-prompt.js")).length, 1);
  assert.equal(await page.evaluate(() => document.querySelectorAll("script[src*='moments-prompt']").length), 0, "no script element left behind");
  assert.equal(await page.evaluate(() => "__prompt" in window.Moments), false, "nothing left on window.Moments");
  assert.deepEqual(page.errors, []);
});

test("prompts asked for before moments-prompt.js arrives are shown when it does, in order and by priority", async () => {
  let release;
  const held = new Promise((r) => { release = r; });
  const page = await ready((p) => p.route("**/moments/moments-prompt.js", async (route) => {
    await held;
    await route.continue();
  }));
  await page.focus("#opener");
  await track(page, "show_first", "show_low", "show_high", "show_toast", "show_low");
  await page.waitForTimeout(300);
  assert.equal(await hosts(page), 0, "nothing yet");
  release();
  await waitHosts(page, 2);
  const title = () => page.evaluate(() => [...document.querySelectorAll("moments-prompt")].map((h) => h.shadowRoot.querySelector("h2").textContent));
  assert.deepEqual((await title()).sort(), ["First", "Toast"]);
  assert.equal((await focus(page)).inner?.role, "dialog", "the modal took focus");
  for (const want of [["High", "Toast"], ["Low", "Toast"], ["Toast"]]) {
    await page.keyboard.press("Escape");
    assert.deepEqual((await title()).sort(), want);
  }
  assert.deepEqual(await rules(page, "prompt_shown"), ["first", "t", "high", "low"]);
  assert.equal((await focus(page)).id, "opener");
  assert.deepEqual(page.errors, []);
});

test("if moments-prompt.js cannot be loaded, on('error') says so, nothing throws, and a later prompt tries again", async () => {
  const page = await ready((p) => p.route("**/moments/moments-prompt.js", (r) => r.abort()));
  await page.evaluate(() => {
    window.__errors = [];
    window.Moments.on("error", (e) => window.__errors.push(e.message));
  });
  await page.waitForTimeout(500);
  await track(page, "show_m");
  await page.waitForTimeout(500);
  const errors = (await events(page, "error")).map((e) => e.message).filter((m) => /prompt/.test(m));
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0], /moments-prompt\.js/);
  assert.equal(await hosts(page), 0);
  // The rest of the SDK keeps working.
  await track(page, "show_m2");
  assert.ok((await events(page, "decision")).some((e) => e.rule === "m2"));
  // Within the retry interval nothing is fetched again and no second error is raised; after it
  // (the network is back), the next prompt loads the renderer and shows, and the rule whose
  // prompt was lost can show again.
  const fetched = () => page.requests.filter((r) => r.endsWith("/moments-prompt.js")).length;
  const before = fetched();
  assert.equal((await events(page, "error")).filter((e) => /prompt/.test(e.message)).length, 1);
  await page.unroute("**/moments/moments-prompt.js");
  await page.waitForTimeout(10200);
  await track(page, "show_m");
  await waitHosts(page, 1);
  assert.equal(fetched(), before + 1);
  assert.deepEqual(await rules(page, "prompt_shown"), ["m"]);
  assert.deepEqual(page.errors.filter((e) => !/net::ERR_FAILED|Failed to load resource/.test(e)), []);
});

test("the npm build imports prompt.js on demand (a chunk of its own for bundlers)", async () => {
  const page = await newPage(browser);
  const requested = [];
  page.on("request", (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(`${BASE}/test/prompts-npm.html`);
  await page.waitForFunction(() => window.__m, null, { timeout: 15000 });
  await page.evaluate(() => window.__m.track("show_m"));
  await page.locator("moments-prompt .p.modal").waitFor();
  assert.equal(requested.filter((p) => p === "/npm/prompt.js").length, 1);
  assert.equal(await page.evaluate(() => window.__shown), 1);
  await page.keyboard.press("Escape");
  assert.equal(await hosts(page), 0);
  assert.deepEqual(page.errors, []);
});
