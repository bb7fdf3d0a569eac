// The DOM applier (pkg-config/dom.js) in Chromium: every element action applied and undone
// exactly, elements that appear later, a framework that overwrites (once, or always: no fight
// loop), two rules on one element, unsafe attributes and handlers dropped (the wasm's attr_ok),
// hide/show and pre-hiding with a constructed stylesheet or, without one, a <style> with the
// page's nonce under a strict CSP, the pre-hide's safety timeout. On www/test/dom.html (no CSP,
// so page styles in the fixtures apply) and dom-csp.html (styles only with a nonce), which load
// dist/npm/dom.js on its own and send it messages as the wasm does (src/web/src/dom.rs). Last, the
// whole SDK (npm build): what the bridge reports as `action` events, now and later.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, BASE } from "./browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A fresh harness page (`csp`: the strict-CSP one). */
async function harness(csp) {
  const page = await newPage(browser);
  await page.goto(`${BASE}/test/${csp ? "dom-csp" : "dom"}.html`);
  await page.waitForFunction(() => window.harnessReady === true);
  return page;
}

const PAGE = `<div id="fx"><h1 id="a" class="x  y">Hello <b id="w">world</b></h1>
<p id="b" style="color: red">Body text</p><a id="c" href="/x">link</a>
<span id="d" hidden="">was hidden</span><ul id="e"><li>1</li></ul><div id="slot" class="slot"></div>
<em id="f">plain</em><style>.gone{display:flex}.gone{display:none}</style><div id="g" class="gone">by class</div></div>`;

test("every action applies, and undoing everything restores the page exactly (the very nodes)", async () => {
  const page = await harness();
  const r = await page.evaluate((PAGE) => {
    const before = fixture(PAGE);
    const world = document.getElementById("w");
    const ap = applier();
    const q = (s) => document.querySelector(s);
    const answers = [
      ["replace", "r1", "#a", "New <title>", false],
      ["replace", "r1", "#b", "<strong>Rich</strong> body", true],
      ["insert", "r1", "#e", '<p class="i1">before</p>', "before"],
      ["insert", "r1", "#e", '<p class="i2">after</p>', "after"],
      ["insert", "r1", "#e", '<li class="i3">0</li>', "prepend"],
      ["insert", "r1", "#e", '<li class="i4">2</li>', "append"],
      ["attr", "r1", "#c", "href", "/cart"],
      ["attr", "r1", "#c", "data-x", "1"],
      ["class", "r1", "#a", ["hot"], ["y"]],
      ["class", "r1", "#f", ["new"], []],
      ["hide", "r1", "#b", null, null],
      ["show", "r1", "#d", null, null],
      ["show", "r1", "#g", null, null],
      ["replace", "r1", "#nothing-yet", "x", false],
    ].map((m) => ap.send([...m, 1])); // one firing of r1 (the harness gives each send its own otherwise)
    const display = (s) => getComputedStyle(q(s)).display;
    const state = {
      a: q("#a").textContent, aChildren: q("#a").children.length, rich: q("#b strong")?.textContent,
      i1: q("#e").previousElementSibling.className, i2: q("#e").nextElementSibling.className,
      i3: q("#e").firstElementChild.className, i4: q("#e").lastElementChild.className,
      href: q("#c").getAttribute("href"), dataX: q("#c").getAttribute("data-x"), aClass: q("#a").className,
      fClass: q("#f").className, b: display("#b"), d: display("#d"), dHidden: q("#d").hasAttribute("hidden"), g: display("#g"),
    };
    ap.send([1]);
    return { answers, state, log: ap.log, exact: document.body.innerHTML === before, same: document.getElementById("w") === world,
      sheets: document.adoptedStyleSheets.length, styles: document.querySelectorAll("head style").length };
  }, PAGE);
  assert.deepEqual(r.answers, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0], "elements touched, 0 = waiting for them");
  assert.deepEqual(r.state, {
    a: "New <title>", aChildren: 0, rich: "Rich", i1: "i1", i2: "i2", i3: "i3", i4: "i4", href: "/cart", dataX: "1",
    aClass: "x hot", fClass: "new", b: "none", d: "inline", dHidden: false, g: "block",
  }, "text is text, never markup; shown as the element's default display");
  assert.deepEqual(r.log, []);
  assert.ok(r.exact, "undo is exact");
  assert.ok(r.same, "the original nodes come back, not copies");
  assert.equal(r.sheets, 0, "the hide/show stylesheet is gone");
  assert.equal(r.styles, 0);
  assert.deepEqual(page.errors, []);
});

test("undoing the page's changes stops watching it; the applier still works afterwards", async () => {
  const page = await harness();
  const r = await page.evaluate(async (PAGE) => {
    const before = fixture(PAGE);
    const ap = applier();
    ap.send(["replace", "r", "#a", "changed", false]);
    ap.send(["class", "r", ".late", ["on"], []]);
    const changed = document.getElementById("a").textContent;
    ap.send([0]);
    const reverted = document.body.innerHTML === before;
    // An element the old live action would have matched appears: left alone.
    document.getElementById("slot").innerHTML = '<i class="late">late</i>';
    await sleep(30);
    const lateClass = document.querySelector(".late").className;
    document.getElementById("slot").innerHTML = "";
    ap.send(["replace", "r2", "#f", "again", false]);
    const again = document.getElementById("f").textContent;
    ap.send([1]);
    return { changed, reverted, lateClass, again, exact: document.body.innerHTML === before, log: ap.log };
  }, PAGE);
  assert.deepEqual(r, { changed: "changed", reverted: true, lateClass: "late", again: "again", exact: true, log: [] });
});

test("unsafe attributes and handlers never reach the page", async () => {
  const page = await harness();
  await page.evaluate(() => { window.__pwned = 0; });
  const r = await page.evaluate((PAGE) => {
    fixture(PAGE);
    const ap = applier();
    const q = (s) => document.querySelector(s);
    const answers = [
      ["attr", "r", "#c", "href", "javascript:alert(1)"],
      ["attr", "r", "#c", "HREF", " data:text/html,x"],
      ["attr", "r", "#c", "onclick", "alert(1)"],
      ["attr", "r", "#c", "style", "background:url(javascript:alert(1))"],
      ["attr", "r", "#c", "bad name", "x"],
      ["insert", "r", "#slot",
        '<img id="bad" src="/test/shoe.svg" onerror="window.__pwned=1"><a id="bad2" href="javascript:alert(1)">x</a>' +
        '<img id="ok" src="data:image/png;base64,iVBORw0KGgo=" alt="fine"><a id="ok2" href="/fine" title="javascript:fine">y</a>' +
        '<iframe id="f1" srcdoc="<script>parent.__pwned=1<\/script>"></iframe><script>window.__pwned=1<\/script>', "append"],
    ].map((m) => ap.send(m));
    return {
      answers, href: q("#c").getAttribute("href"), attrs: q("#c").getAttributeNames(),
      bad: q("#bad").getAttributeNames(), bad2: q("#bad2").getAttributeNames(), ok: q("#ok").getAttribute("src"),
      ok2: [q("#ok2").getAttribute("href"), q("#ok2").getAttribute("title")], f1: q("#f1").getAttributeNames(),
      scripts: document.querySelectorAll("#slot script").length,
    };
  }, PAGE);
  await page.waitForTimeout(100);
  assert.deepEqual(r, {
    answers: [0, 0, 0, 0, 0, 1], href: "/x", attrs: ["id", "href"], bad: ["id", "src"], bad2: ["id"],
    ok: "data:image/png;base64,iVBORw0KGgo=", ok2: ["/fine", "javascript:fine"], f1: ["id"], scripts: 0,
  });
  assert.equal(await page.evaluate(() => window.__pwned), 0);
  assert.deepEqual(page.errors, [], "a refused attribute name throws nothing into the page");
});

test("elements that appear later get the change, and are reported", async () => {
  const page = await harness();
  const r = await page.evaluate(async () => {
    const before = fixture('<ul id="list"><li class="card">1</li></ul><div id="lazy"></div>');
    const ap = applier();
    const answers = [ap.send(["class", "r", ".card", ["sale"], []]), ap.send(["replace", "r", "#late-title", "Late, but changed", false])];
    // The page renders more cards and a lazy section.
    document.getElementById("list").insertAdjacentHTML("beforeend", '<li class="card">2</li><li class="card">3</li>');
    document.getElementById("lazy").innerHTML = '<h2 id="late-title">Loading…</h2>';
    await sleep(20);
    const out = { answers, sale: document.querySelectorAll(".card.sale").length, title: document.getElementById("late-title").textContent, log: [...ap.log] };
    // Undo covers the late elements too.
    ap.send([1]);
    document.getElementById("list").innerHTML = '<li class="card">1</li>';
    document.getElementById("lazy").innerHTML = "";
    out.exact = document.body.innerHTML === before;
    return out;
  });
  assert.deepEqual(r, {
    answers: [1, 0], sale: 3, title: "Late, but changed", log: [["class", "r", 2], ["replace", "r", 1]], exact: true,
  });
});

test("a change the page overwrites once is re-applied, and undo gives the page's latest text back", async () => {
  const page = await harness();
  const r = await page.evaluate(async () => {
    fixture('<p id="fw">page v1</p><p id="at" title="t1">x</p><div id="ins"></div>');
    const ap = applier();
    ap.send(["replace", "r", "#fw", "ours", false]);
    ap.send(["attr", "r", "#at", "title", "ours"]);
    ap.send(["insert", "r", "#ins", "<i>ours</i>", "append"]);
    // The page's framework re-renders the elements once, later.
    document.getElementById("fw").textContent = "page v2";
    document.getElementById("at").setAttribute("title", "t2");
    document.getElementById("ins").innerHTML = "<b>page</b>";
    await sleep(20);
    const out = { text: document.getElementById("fw").textContent, title: document.getElementById("at").title, ins: document.getElementById("ins").innerHTML, log: [...ap.log] };
    ap.send([1]);
    out.after = [document.getElementById("fw").textContent, document.getElementById("at").title, document.getElementById("ins").innerHTML];
    return out;
  });
  assert.deepEqual(r, {
    text: "ours", title: "ours", ins: "<b>page</b><i>ours</i>", log: [],
    after: ["page v2", "t2", "<b>page</b>"],
  }, "re-applied (a repair is not reported as new); the page's latest state comes back");
});

test("a framework that always overwrites wins after MAX_REPAIRS, without a fight loop", { timeout: 20000 }, async () => {
  const page = await harness();
  const r = await page.evaluate(async () => {
    const before = fixture('<p id="fw">orig</p><p id="cl" class="a">c</p>');
    const el = document.getElementById("fw");
    const cl = document.getElementById("cl");
    // A stubborn framework: puts its text and classes back whenever they change.
    let n = 0;
    let m = 0;
    const mo = new MutationObserver(() => {
      if (el.textContent !== "orig") { n++; el.textContent = "orig"; }
      if (cl.className !== "a") { m++; cl.className = "a"; }
    });
    mo.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
    const ap = applier();
    ap.send(["replace", "r", "#fw", "ours", false]);
    ap.send(["class", "r", "#cl", ["b"], []]);
    await sleep(100);
    const first = [n, m];
    await sleep(100);
    const out = { first, later: [n, m], text: el.textContent, cls: cl.className, max: MAX_REPAIRS };
    mo.disconnect();
    // Given up: undo leaves what the page has now alone.
    el.textContent = "the page's final text";
    await sleep(20);
    ap.send([1]);
    out.final = el.textContent;
    el.textContent = "orig";
    out.exact = document.body.innerHTML === before;
    return out;
  });
  assert.equal(r.final, "the page's final text");
  assert.equal(r.max, 3);
  for (const k of [0, 1]) assert.ok(r.first[k] >= 1 && r.first[k] <= r.max + 1, `overwritten ${r.first[k]} times`);
  assert.deepEqual(r.later, r.first, "no more fighting");
  assert.equal(r.text, "orig", "the page keeps the element");
  assert.equal(r.cls, "a");
  assert.ok(r.exact);
});

test("two rules on the same element never fight, and undo in order", async () => {
  const page = await harness();
  const r = await page.evaluate(async (PAGE) => {
    const before = fixture(PAGE);
    const ap = applier();
    const q = (s) => document.querySelector(s);
    ap.send(["replace", "r1", "#a", "one", false]);
    ap.send(["attr", "r1", "#c", "href", "/one"]);
    ap.send(["replace", "r2", "#a", "two", false]);
    ap.send(["attr", "r2", "#c", "href", "/two"]);
    // The page keeps changing elsewhere: the superseded change is not repaired over the newer one.
    for (let i = 0; i < 5; i++) {
      q("#slot").textContent = "tick " + i;
      await sleep(10);
    }
    q("#slot").textContent = "";
    await sleep(10);
    const two = [q("#a").textContent, q("#c").getAttribute("href")];
    // The same rule firing again with new content replaces its own change.
    ap.send(["replace", "r2", "#a", "three", false]);
    await sleep(30);
    const three = q("#a").textContent;
    // A replace supersedes an insert inside the element.
    ap.send(["insert", "r3", "#e", "<li>ins</li>", "append"]);
    ap.send(["replace", "r4", "#e", "<li>whole</li>", true]);
    await sleep(30);
    const e = q("#e").innerHTML;
    ap.send([1]);
    return { two, three, e, exact: document.body.innerHTML === before, log: ap.log };
  }, PAGE);
  assert.deepEqual(r, { two: ["two", "/two"], three: "three", e: "<li>whole</li>", exact: true, log: [] });
});

test("a rule firing again and again (its records folded into one): undo still gives back the original", async () => {
  const page = await harness();
  const r = await page.evaluate(async () => {
    const before = fixture('<p id="n" title="orig">0</p>');
    const ap = applier();
    for (let i = 1; i <= 50; i++) {
      ap.send(["replace", "r", "#n", String(i), false]);
      ap.send(["attr", "r", "#n", "title", "t" + i]);
    }
    await sleep(20);
    const now = [document.getElementById("n").textContent, document.getElementById("n").title];
    ap.send([1]);
    return { now, exact: document.body.innerHTML === before };
  });
  assert.deepEqual(r, { now: ["50", "t50"], exact: true });
});

test("hide and show: undo leaves what the page changed since alone", async () => {
  const page = await harness();
  const r = await page.evaluate(async () => {
    fixture('<p id="h">h</p><p id="s" hidden="until-found">s</p><p id="k" class="a b">k</p>');
    const ap = applier();
    ap.send(["hide", "r", "#h", null, null]);
    ap.send(["show", "r", "#s", null, null]);
    ap.send(["class", "r", "#k", ["c"], ["a"]]);
    const q = (s) => document.getElementById(s);
    const during = [getComputedStyle(q("h")).display, getComputedStyle(q("s")).display];
    q("k").classList.add("page");
    ap.send([1]);
    return { during, after: [getComputedStyle(q("h")).display, q("s").getAttribute("hidden"), q("k").className], attrs: [q("h").getAttributeNames(), q("s").getAttributeNames()] };
  });
  assert.deepEqual(r, {
    during: ["none", "block"],
    after: ["block", "until-found", "b page a"],
    attrs: [["id"], ["id", "hidden"]],
  }, "the page's own class stays; only our tokens are taken back");
});

test("pre-hide hides until the first action is applied; one stylesheet; invalid selectors skipped", async () => {
  const page = await harness();
  const r = await page.evaluate(() => {
    fixture('<h1 id="hero">Hi</h1><p id="other">x</p>');
    const opacity = (s) => getComputedStyle(document.querySelector(s)).opacity;
    const sheets = document.adoptedStyleSheets.length;
    const ap = applier();
    ap.send([2, "#hero", "not a [valid selector", "#nothing"]);
    const during = [opacity("#hero"), opacity("#other"), document.adoptedStyleSheets.length - sheets];
    ap.send(["replace", "r", "#hero", "Hello", false]);
    const out = { during, after: [opacity("#hero"), document.adoptedStyleSheets.length - sheets] };
    ap.send([1]);
    return out;
  });
  assert.deepEqual(r, { during: ["0", "1", 1], after: ["1", 0] });
  const released = await page.evaluate(() => {
    fixture('<h1 id="hero">Hi</h1>');
    const ap = applier();
    ap.send([2, "#hero"]);
    const during = getComputedStyle(document.querySelector("#hero")).opacity;
    ap.send([3]);
    return [during, getComputedStyle(document.querySelector("#hero")).opacity];
  });
  assert.deepEqual(released, ["0", "1"], "released without any action");
});

test("pre-hide releases itself after its safety timeout", async () => {
  const page = await harness();
  const during = await page.evaluate(() => {
    fixture('<h1 id="hero">Hi</h1>');
    window.__ap = applier();
    __ap.send([2, "#hero"]);
    return [getComputedStyle(document.querySelector("#hero")).opacity, PREHIDE_MS];
  });
  assert.deepEqual(during, ["0", 1500]);
  await page.waitForTimeout(1200);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector("#hero")).opacity), "0", "not before");
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector("#hero")).opacity), "1");
});

test("under a strict CSP: hide and pre-hide work, and without constructable stylesheets a <style> carries the nonce", async () => {
  const page = await harness(true);
  const r = await page.evaluate(() => {
    fixture('<h1 id="hero">Hi</h1><p id="p">p</p>');
    const q = (s) => document.querySelector(s);
    const ap = applier();
    ap.send(["hide", "r", "#p", null, null]);
    const hidden = getComputedStyle(q("#p")).display;
    ap.send([1]);
    // A browser without constructable stylesheets.
    const d = Object.getOwnPropertyDescriptor(Document.prototype, "adoptedStyleSheets");
    delete Document.prototype.adoptedStyleSheets;
    const ap2 = applier();
    ap2.send([2, "#hero"]);
    const hero = getComputedStyle(q("#hero")).opacity;
    ap2.send(["hide", "r", "#p", null, null]); // releases the pre-hide
    Object.defineProperty(Document.prototype, "adoptedStyleSheets", d);
    const style = [...document.querySelectorAll("head style")].map((s) => s.nonce);
    const out = { hidden, style, hero, p: getComputedStyle(q("#p")).display, heroNow: getComputedStyle(q("#hero")).opacity };
    ap2.send([1]);
    out.left = document.querySelectorAll("style").length;
    out.after = [getComputedStyle(q("#hero")).opacity, getComputedStyle(q("#p")).display];
    return out;
  });
  assert.deepEqual(r, { hidden: "none", style: ["n0nce"], hero: "0", p: "none", heroNow: "1", left: 0, after: ["1", "block"] });
  assert.deepEqual(page.errors, []);
});

test("through the SDK: action events report the elements changed now, then those that appear later", async () => {
  const page = await harness();
  const r = await page.evaluate(async () => {
    const before = fixture('<ul id="list"><li class="card">1</li></ul><div id="lazy"></div>');
    const { create } = await import("/npm/index.js");
    const events = [];
    const bundle = { version: 1, id: "dom-e2e", rules: [{ id: "late", on: ["go"], do: [
      { replace: { selector: "#late", text: "Late {{custom.n}}" } },
      { class: { selector: ".card", add: ["sale"] } },
      { emit: { name: "went" } },
      { attr: { selector: "#late:nope-nope", name: "title", value: "x" } }, // valid to the bundle check, not to Chromium
    ] }] };
    const m = create({ bundle, storage: "memory", on: {
      action: (d) => events.push(["action", d.rule, d.type, d.elements]),
      decision: (d) => events.push(["decision", d.rule]),
      went: () => events.push(["went"]),
    } });
    await m.ready;
    m.set({ n: 1 });
    m.track("go");
    document.getElementById("list").insertAdjacentHTML("beforeend", '<li class="card">2</li>');
    document.getElementById("lazy").innerHTML = '<h2 id="late">Loading…</h2>';
    await sleep(20);
    const first = document.getElementById("late").textContent;
    m.set({ n: 2 });
    m.track("go");
    const second = document.getElementById("late").textContent;
    m.destroy();
    document.getElementById("list").innerHTML = '<li class="card">1</li>';
    document.getElementById("lazy").innerHTML = "";
    return { events, first, second, exact: document.body.innerHTML === before };
  });
  assert.deepEqual(r.events, [
    ["decision", "late"], ["action", "late", "replace", 0], ["action", "late", "class", 1], ["action", "late", "emit", 0], ["went"],
    ["action", "late", "replace", 1], ["action", "late", "class", 1],
    ["decision", "late"], ["action", "late", "replace", 1], ["action", "late", "class", 2], ["action", "late", "emit", 0], ["went"],
  ], "a selector the browser refuses reports nothing");
  assert.equal(r.first, "Late 1");
  assert.equal(r.second, "Late 2");
  assert.ok(r.exact, "destroy() undoes it all");
  assert.deepEqual(page.errors, []);
});
