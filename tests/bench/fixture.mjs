// The benchmark fixture: a product-listing page with 300 cards (www/bench/index.html and two
// variants), a 500-rule Moments bundle whose rules touch a few hundred different selectors of it,
// and the same 500 conditions as GrowthBook features. Deterministic (fixed seed), so reruns write
// the same bytes. `node tests/bench/fixture.mjs` writes them; tests/bench/run.mjs calls `write()`.
//
//   www/bench/index.html            the fixture page, Moments by script tag (committed; /moments/)
//   www/bench/vendor/moments.html   the same, on the xtask's snapshot of the build (/bench/vendor/sdk/)
//   www/bench/vendor/plain.html     the same page without any SDK (generated)
//   www/bench/vendor/growthbook.html the same page with GrowthBook's browser bundle (generated)
//   www/bench/vendor/profile.html   the Moments page on a wasm with function names (generated)
//   www/bench/vendor/bundle.json    500 rules (generated)
//   www/bench/vendor/features.json  {features, attributes} for GrowthBook (generated)
import { mkdirSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const CARDS = 300;
export const GROUPS = 30;
export const RULES = 500;

function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Conditions that hold on the fixture page once a product is in the cart (desktop, page.type
// "bench", custom.tier "gold" set by the page), and conditions that do not.
const TRUE = [
  { "cart.items": { $gt: 0 } },
  { "device.type": "desktop" },
  { "page.type": { $in: ["bench", "home", "category"] } },
  { "cart.value": { $gte: 1 } },
  { "page.url": { $regex: "/bench/" } },
  { $or: [{ "cart.items": { $gte: 1 } }, { "custom.tier": "gold" }] },
  { "time.hour": { $gte: 0, $lte: 23 } },
  { "visit.count": { $exists: true } },
  { "device.touch": { $ne: true } },
  { "page.path": { $nin: ["/checkout.html", "/cart.html"] } },
  { "session.pageviews": { $gte: 1 } },
  { "channel": { $in: ["direct", "organic", "referral", "email", "social", "paid"] } },
];
const FALSE = [
  { "page.type": "checkout" },
  { "cart.value": { $gt: 1e9 } },
  { "custom.tier": "platinum" },
  { "utm.source": "newsletter" },
  { "device.type": "mobile" },
  { "search.lastQueries": { $elemMatch: { $regex: "^zzz" } } },
  { $and: [{ "cart.items": { $gt: 0 } }, { "moment": "go" }] },
  { "journey.stage": "loyal" },
  { "custom.flag": true },
  { $nor: [{ "device.type": "desktop" }, { "device.type": "tablet" }] },
  { "cart.currency": { $in: ["JPY", "KRW"] } },
  { "search.count": { $gt: 1000 } },
];
const merge = (clauses) => {
  // Several clauses on one object when their keys differ, else under $and.
  const keys = clauses.flatMap(Object.keys);
  return new Set(keys).size === keys.length ? Object.assign({}, ...clauses) : { $and: clauses };
};

/** The 500-rule bundle, deterministic. */
export function bundle() {
  const r = rng(2026);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const rules = [];
  // `yes`: whether the condition holds on the fixture after an add_to_cart.
  const when = (yes) => {
    const n = 1 + Math.floor(r() * 3);
    const cl = [];
    for (let i = 0; i < n; i++) cl.push(pick(TRUE));
    if (!yes) cl.splice(Math.floor(r() * (cl.length + 1)), 0, pick(FALSE));
    return merge(cl);
  };
  let card = 0;
  const nextCard = () => card++ % CARDS;
  const add = (rule) => rules.push({ ...rule, id: `r${String(rules.length).padStart(3, "0")}-${rule.id}` });

  // add_to_cart: 120 rules, a third of them fire, each on its own card, text that changes each time.
  for (let i = 0; i < 120; i++) {
    const c = nextCard();
    const act = [{ replace: { selector: `#d-${c}`, text: `{{cart.items}} in your cart · offer ${i}` } }];
    if (i % 4 === 0) act.push({ attr: { selector: `#c-${c}`, name: "data-count", value: "{{cart.items}}" } });
    if (i % 5 === 0) act.push({ class: { selector: `#s-${c}`, add: "hot" } });
    add({ id: "cart", on: ["add_to_cart"], when: when(i % 3 === 0), do: act, priority: i % 7 });
  }
  // exit_intent: 60 rules, a quarter fire (text with custom.n), and two prompts.
  add({ id: "exit-modal", on: ["exit_intent"], when: merge([TRUE[1], TRUE[7]]), priority: 100,
    do: [{ prompt: { layout: "modal", title: "Wait! 10% off", body: "Use code STAY10 on your {{cart.items}} item(s).", cta: { label: "Back to cart", href: "/cart.html" } } }] });
  add({ id: "exit-banner", on: ["exit_intent"], when: { "custom.tier": "platinum" },
    do: [{ prompt: { layout: "banner", title: "Free shipping today", body: "On orders over $75." } }] });
  for (let i = 0; i < 58; i++) {
    const c = nextCard();
    add({ id: "exit", on: ["exit_intent"], when: i % 4 === 0 ? merge([{ "custom.n": { $gte: 0 } }, pick(TRUE)]) : when(false),
      do: [{ replace: { selector: `#t-${c}`, text: `Still here? #{{custom.n}} (${i})` } }] });
  }
  // page_view: 80 rules, ~40% fire at start (content swaps before first paint).
  for (let i = 0; i < 80; i++) {
    const c = nextCard();
    const a = i % 8 === 0 ? { insert: { selector: `#s-${c}`, position: "append", html: `<p class="note">New this week: <b>${i}</b></p>` } }
      : i % 8 === 1 ? { hide: `#c-${c}` }
      : i % 8 === 2 ? { attr: { selector: `#c-${c}`, name: "href", value: `/product.html?id=p${i}` } }
      : { replace: { selector: `#t-${c}`, text: `Picked for you ${i}` } };
    add({ id: "view", on: ["page_view"], when: when(i % 5 < 2), do: [a] });
  }
  // scroll_depth: 40 rules on scroll depth thresholds, targeting the card groups.
  for (let i = 0; i < 40; i++) {
    const g = i % GROUPS;
    add({ id: "scroll", on: ["scroll_depth"], when: merge([{ "scroll.maxDepth": { $gte: [25, 50, 75, 90][i % 4] } }, i % 2 ? pick(TRUE) : pick(FALSE)]),
      do: [{ class: { selector: `.grp-${g} .t`, add: `seen-${i % 4}` } }], cap: { max: 1, per: "session" } });
  }
  // commerce and search signals: 85 rules on group selectors and cards.
  const commerce = ["search", "view_item", "remove_from_cart", "view_cart", "begin_checkout", "purchase"];
  for (let i = 0; i < 85; i++) {
    const on = commerce[i % commerce.length];
    const c = nextCard();
    const w = on === "search"
      ? merge([{ "search.query": { $regex: pick(["shoe", "jacket", "giày", "size", "^z"]) } }, pick(TRUE)])
      : when(i % 3 === 0);
    add({ id: on.replace(/_/g, "-"), on: [on], when: w, do: [{ replace: { selector: `#d-${c}`, text: `${on} · {{cart.items}} items · {{search.query}}` } }] });
  }
  // custom events from track(): 60 rules over 40 names.
  for (let i = 0; i < 60; i++) {
    const c = nextCard();
    add({ id: "custom", on: [`bench_evt_${i % 40}`], when: when(i % 2 === 0),
      do: [{ attr: { selector: `#t-${c}`, name: "data-evt", value: `${i}-{{session.pageviews}}` } }] });
  }
  // moment_changed, idle, tab_hidden, abandonment: 45 rules.
  const slow = ["moment_changed", "idle", "tab_hidden", "cart_abandoned", "returning_with_cart"];
  for (let i = 0; i < 45; i++) {
    const on = slow[i % slow.length];
    const c = nextCard();
    add({ id: on.replace(/_/g, "-"), on: [on], when: i % 9 === 0 ? merge([{ moment: { $in: ["buy", "know"] } }, pick(TRUE)]) : when(false),
      do: [{ replace: { selector: `#t-${c}`, text: `${on}: {{moment}} ({{momentScores.buy}})` } }], cap: { max: 2, per: "session" } });
  }
  // No `on` (every signal): 30 rules, almost all false; they are checked on every signal.
  for (let i = 0; rules.length < RULES; i++) {
    const c = nextCard();
    add({ id: "any", when: i === 0 ? merge([TRUE[1], { "segments.bigCart": true }]) : merge([{ "segments.bigCart": true }, pick(FALSE)]),
      do: [{ emit: { name: "bench_any", props: { i } } }, { replace: { selector: `#d-${c}`, text: "Big cart!" } }], cap: { max: 1, per: "session" } });
  }
  return {
    version: 1,
    id: "bench-500",
    settings: {
      consent: "granted",
      // Exit intent with no debounce so that the synthetic mouseout shows the change within the call.
      exitIntent: { sensitivity: 20, mobile: true, minSeconds: 1, delayMs: 0 },
    },
    segments: { bigCart: { "cart.value": { $gte: 100 } }, gold: { "custom.tier": "gold" } },
    rules: rules.map(({ id, on, when, do: d, cap, priority }) => ({ id, ...(on ? { on } : {}), when, do: d, ...(cap ? { cap } : {}), ...(priority ? { priority } : {}) })),
  };
}

/** The same conditions as GrowthBook features (one force rule each; segments inlined). */
export function features(b) {
  const seg = b.segments;
  const inline = (c) => JSON.parse(JSON.stringify(c), (k, v) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const out = {};
      const and = [];
      for (const [key, val] of Object.entries(v)) {
        const m = /^segments\.(\w+)$/.exec(key);
        if (m && seg[m[1]]) and.push(val === true ? seg[m[1]] : { $not: seg[m[1]] });
        else out[key] = val;
      }
      return and.length ? { ...out, $and: [...(out.$and || []), ...and] } : out;
    }
    return v;
  });
  const features = {};
  for (const r of b.rules) features[r.id] = { defaultValue: null, rules: [{ condition: inline(r.when || {}), force: { on: r.on || null, do: r.do } }] };
  // What the page would pass as attributes: the same shape as the Moments context.
  const attributes = {
    page: { url: "http://127.0.0.1/bench/vendor/growthbook.html", path: "/bench/vendor/growthbook.html", type: "bench", referrer: "" },
    device: { type: "desktop", touch: false },
    visit: { count: 1, returning: false, daysSinceLast: 0 },
    session: { pageviews: 1, seconds: 0 },
    scroll: { depth: 0, maxDepth: 0, velocity: 0 },
    search: { query: "", count: 0, lastQueries: [] },
    cart: { items: 1, value: 25, currency: "USD", ageSeconds: 0, lastChange: "add" },
    idle: { seconds: 0 }, moment: "buy", momentScores: { know: 0, go: 0, do: 0, buy: 0.6 },
    abandonment: { risk: 0.1 }, utm: {}, channel: "direct", journey: { stage: "aware" },
    time: { hour: 12, weekday: 3 }, custom: { tier: "gold", n: 0 },
  };
  return { features, attributes };
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:0}header{position:sticky;top:0;background:#fff;padding:8px 16px;border-bottom:1px solid #ddd}
main{display:grid;grid-template-columns:repeat(3,1fr);gap:8px;padding:16px}.grp{display:contents}.card{border:1px solid #eee;padding:8px;min-height:90px}
.card .t{margin:0 0 4px;font-size:15px}.card .d{margin:0 0 4px;color:#555}.hot{outline:2px solid #e33}footer{padding:40px 16px;color:#777}`;

/** The fixture page. `sdk`: "moments", "growthbook" or "none"; `src`: where moments.js is. */
export function page(sdk, src = "/moments/moments.js") {
  const cards = [];
  for (let g = 0; g < GROUPS; g++) {
    cards.push(`<section class="grp grp-${g}" data-grp="${g}">`);
    for (let i = g * (CARDS / GROUPS); i < (g + 1) * (CARDS / GROUPS); i++) {
      cards.push(`<article class="card" id="s-${i}" data-k="${i % 7}"><h3 class="t" id="t-${i}">Product ${i}</h3><p class="d" id="d-${i}">A sturdy everyday item, number ${i}.</p><a class="cta" id="c-${i}" href="#p${i}">View</a></article>`);
    }
    cards.push(`</section>`);
  }
  // The probe runs first: long tasks, the wasm memory (by wrapping WebAssembly.instantiate*),
  // and GrowthBook's start for the growthbook variant. It changes nothing the SDK sees.
  const probe = `<script>
window.__bench = { longtasks: [], memory: null };
try { new PerformanceObserver(function (l) { l.getEntries().forEach(function (e) { __bench.longtasks.push({ start: e.startTime, duration: e.duration, name: e.name }); }); }).observe({ type: "longtask", buffered: true }); } catch (e) { __bench.noLongtask = String(e); }
["instantiateStreaming", "instantiate"].forEach(function (k) {
  var orig = WebAssembly[k]; if (!orig) return;
  WebAssembly[k] = function () { return orig.apply(this, arguments).then(function (r) { var inst = r instanceof WebAssembly.Instance ? r : r.instance; var mem = inst && Object.values(inst.exports).find(function (x) { return x instanceof WebAssembly.Memory; }); if (mem) __bench.memory = mem; return r; }); };
});
${sdk === "growthbook" ? `window.__benchGb = async function () {
  __bench.loaded = performance.now();
  const { features, attributes } = await (await fetch("/bench/vendor/features.json")).json();
  __bench.fetched = performance.now();
  const gb = new growthbook.GrowthBook({ attributes });
  await gb.init({ payload: { features } });
  __bench.init = performance.now();
  let on = 0; for (const k in features) if (gb.evalFeature(k).on) on++;
  __bench.ready = performance.now(); __bench.on = on; window.__gb = gb;
};` : ""}
${sdk === "moments" ? `window.Moments = window.Moments || []; Moments.push(["set", { tier: "gold", n: 0 }]);` : ""}
</script>`;
  const tag = sdk === "moments"
    ? `<script src="${src}" data-bundle="/bench/vendor/bundle.json" async onload="__bench.loaded=performance.now();Moments.ready.then(function(){__bench.ready=performance.now()})"></script>`
    : sdk === "growthbook" ? `<script src="/bench/vendor/growthbook.min.js" async onload="__benchGb()"></script>` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="moments:page-type" content="bench">
<link rel="icon" href="data:,">
<title>Moments bench fixture (${sdk})</title>
<!-- Generated by tests/bench/fixture.mjs; served by cargo xtask bench. -->
${probe}
${tag}
<style>${STYLE}</style>
</head>
<body>
<header id="site-header"><b>Bench shop</b> · cart <span id="cart-count">0</span> · <span id="announcement-bar">Free shipping over $75</span></header>
<div id="promo-slot"></div>
<main id="main">
${cards.join("\n")}
</main>
<footer id="site-footer">Fixture page for cargo xtask bench: ${CARDS} cards in ${GROUPS} groups.</footer>
</body>
</html>
`;
}

const writeIfChanged = (path, text) => {
  if (!existsSync(path) || readFileSync(path, "utf8") !== text) writeFileSync(path, text);
};

/** Writes the pages, bundle and features under `www` (the web root); returns the bundle. */
export function write(www) {
  const vendor = `${www}/bench/vendor`;
  mkdirSync(vendor, { recursive: true });
  const b = bundle();
  writeIfChanged(`${www}/bench/index.html`, page("moments"));
  // What the bench loads: the same page on the snapshot of the build the xtask took.
  writeIfChanged(`${vendor}/moments.html`, page("moments", "/bench/vendor/sdk/moments.js"));
  writeIfChanged(`${vendor}/plain.html`, page("none"));
  writeIfChanged(`${vendor}/growthbook.html`, page("growthbook"));
  // The same page on a wasm that keeps its function names (for profiles; see xtask/src/bench.rs).
  writeIfChanged(`${vendor}/profile.html`, page("moments", "/bench/vendor/prof/moments.js"));
  writeIfChanged(`${vendor}/bundle.json`, JSON.stringify(b, null, 1));
  writeIfChanged(`${vendor}/features.json`, JSON.stringify(features(b)));
  return b;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const b = write(fileURLToPath(new URL("../../www", import.meta.url)));
  console.log(`wrote www/bench/: ${b.rules.length} rules`);
}
