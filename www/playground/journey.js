// The journey player: a shopper's steps, one JSON object a line, played on the demo shop in the
// preview frame through the public API (dataLayer pushes as the shop makes them, `track`, `fire`,
// real scrolling and clicks), with a snapshot of what Moments saw and did after each step.

export const STEP_HELP = [
  ['{"type": "page", "path": "/cart.html"}', "open a page of the shop"],
  ['{"type": "search", "query": "rain jacket"}', "search from the header (opens the results page)"],
  ['{"type": "scroll", "depth": 75}', "scroll to 75 % of the page"],
  ['{"type": "add_to_cart", "id": "trailgrip-gtx", "size": "US 9"}', "add a product as the shop does"],
  ['{"type": "pointer_leave", "y": -5}', "the pointer leaves through the top (the real exit-intent detector)"],
  ['{"type": "remove_from_cart", "id": "trailgrip-gtx"}', "remove it"],
  ['{"type": "purchase", "value": 129}', "any GA4 event: view_item, view_cart, begin_checkout, purchase"],
  ['{"type": "idle"}  {"type": "exit"}', "fire idle / exit_intent by hand"],
  ['{"type": "fire", "signal": "cart_abandoned"}', "fire any signal"],
  ['{"type": "track", "name": "size_finder_used", "props": {}}', "a custom event"],
  ['{"type": "set", "attrs": {"loggedIn": true}}', "site attributes (custom.*)"],
  ['{"type": "wait", "seconds": 2}', "let time pass"],
  ["moments simulate journeys", "play too: page_view, scroll {y, maxY}, pointer_leave, reload…; their times and expect lines are skipped"],
];

const COMMERCE = ["view_item", "add_to_cart", "remove_from_cart", "view_cart", "begin_checkout", "purchase"];
const NEEDS = { page: "path", search: "query", scroll: "depth", fire: "signal", track: "name", set: "attrs", wait: "seconds", remove_from_cart: "id" };
const KNOWN = new Set([...COMMERCE, ...Object.keys(NEEDS), "idle", "exit", "dataLayer", "reload", "pointer_leave", "pointer_enter"]);
// `moments simulate` journeys (tests/journeys/README.md) play here too: their times are ignored
// (steps play one after another), header and `expect` lines are skipped, and these types map.
const SKIPPED = new Set(["device", "tick", "activity", "visibility"]);
function fromSimulate(s) {
  if (s.type === "page_view" && s.url) {
    const u = new URL(s.url, location.href);
    return { type: "page", path: u.pathname + u.search };
  }
  if (s.type === "scroll" && s.depth == null && s.maxY > 0) return { type: "scroll", depth: Math.round((100 * s.y) / s.maxY) };
  return s;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Reads a journey: JSON lines (or one JSON array). Returns `{steps, errors: [{line, message}]}`. */
export function parseJourney(text) {
  const steps = [];
  const errors = [];
  const lines = text.trim().startsWith("[") ? null : text.split("\n");
  let items;
  if (lines) {
    items = lines.map((l, i) => [l.trim(), i + 1]).filter(([l]) => l && !l.startsWith("//") && !l.startsWith("#"));
  } else {
    try {
      items = JSON.parse(text).map((s, i) => [s, i + 1]);
    } catch (e) {
      return { steps, errors: [{ line: 1, message: String(e.message) }] };
    }
  }
  for (const [raw, line] of items) {
    let s = raw;
    if (typeof raw === "string") {
      try {
        s = JSON.parse(raw.replace(/,\s*$/, ""));
      } catch (e) {
        errors.push({ line, message: "not JSON: " + e.message });
        continue;
      }
    }
    if (s && typeof s === "object" && !Array.isArray(s) && s.type === undefined) continue; // a header or an expectation
    if (s && typeof s.type === "string") s = fromSimulate(s);
    if (!s || typeof s !== "object" || typeof s.type !== "string") {
      errors.push({ line, message: 'each step needs a "type", e.g. {"type": "exit"}' });
    } else if (SKIPPED.has(s.type)) {
      continue;
    } else if (!KNOWN.has(s.type)) {
      errors.push({ line, message: `unknown step type "${s.type}" (one of ${[...KNOWN].join(", ")})` });
    } else if (NEEDS[s.type] && s[NEEDS[s.type]] == null) {
      errors.push({ line, message: `a "${s.type}" step needs "${NEEDS[s.type]}"` });
    } else {
      steps.push(s);
    }
  }
  return { steps, errors };
}

/** A short label for a step, for the timeline. */
export function describe(s) {
  switch (s.type) {
    case "page": return ["page", s.path];
    case "search": return ["search", `“${s.query}”`];
    case "scroll": return ["scroll", `${s.depth} %`];
    case "fire": return ["fire", s.signal];
    case "track": return ["track", s.name];
    case "set": return ["set", Object.keys(s.attrs || {}).join(", ")];
    case "wait": return ["wait", `${s.seconds} s`];
    case "idle": return ["idle", "(fired)"];
    case "exit": return ["exit", "exit_intent (fired)"];
    case "dataLayer": return ["dataLayer", (s.entry && s.entry.event) || ""];
    case "reload": return ["reload", ""];
    case "pointer_leave": return ["pointer leaves", `y = ${s.y ?? -5}`];
    case "pointer_enter": return ["pointer back", ""];
    default: return [s.type, [s.id, s.value != null ? "$" + s.value : ""].filter(Boolean).join(" ")];
  }
}

function frames(win, n) {
  return new Promise((resolve) => {
    const tick = () => (n-- <= 0 ? resolve() : win.requestAnimationFrame(tick));
    try {
      tick();
    } catch (e) {
      resolve();
    }
    setTimeout(resolve, 500); // a background frame may not paint
  });
}

/** The shop's product (for names and prices), from the frame's catalog. */
function product(win, id) {
  return (win.SHOP_PRODUCTS || []).find((p) => p.id === id) || { id, name: id, price: 0, category: "", sizes: ["One size"] };
}

function ga4Item(p, quantity, size) {
  const it = { item_id: p.id, item_name: p.name, price: p.price, quantity: quantity || 1, item_category: p.category, item_brand: "Trailhead" };
  if (size && size !== "One size") it.item_variant = size;
  return it;
}

function push(win, event, ecommerce) {
  win.dataLayer = win.dataLayer || [];
  win.dataLayer.push({ ecommerce: null });
  win.dataLayer.push({ event, ecommerce });
}

/** Adds to cart the way a shopper does: the product form or a quick-add button; else as shop.js would. */
async function addToCart(win, s) {
  const doc = win.document;
  const p = product(win, s.id);
  const form = doc.querySelector("#product-form");
  const onProduct = new URLSearchParams(win.location.search).get("id") === s.id;
  if (form && onProduct) {
    const size = doc.querySelector("#size-select");
    if (size) size.value = s.size || [...size.options].map((o) => o.value).find(Boolean) || "";
    const qty = doc.querySelector("#qty-input");
    if (qty && s.quantity) qty.value = String(s.quantity);
    doc.querySelector("#add-to-cart").click();
    return;
  }
  const quick = doc.querySelector(`[data-add-to-cart][data-id="${CSS.escape(s.id)}"]`);
  if (quick) return quick.click();
  // Not on a page that sells it: write the demo cart (www/README.md) and push what shop.js pushes.
  const size = s.size || p.sizes[0];
  const cart = JSON.parse(win.localStorage.getItem("demo-cart") || '{"items":[]}');
  const line = cart.items.find((l) => l.id === s.id && l.size === size);
  if (line) line.quantity += s.quantity || 1;
  else cart.items.push({ id: s.id, size, quantity: s.quantity || 1 });
  cart.updatedAt = Date.now();
  win.localStorage.setItem("demo-cart", JSON.stringify(cart));
  push(win, "add_to_cart", { currency: "USD", value: p.price * (s.quantity || 1), items: [ga4Item(p, s.quantity, size)] });
}

function removeFromCart(win, s) {
  const p = product(win, s.id);
  const cart = JSON.parse(win.localStorage.getItem("demo-cart") || '{"items":[]}');
  const lines = cart.items.filter((l) => l.id === s.id);
  cart.items = cart.items.filter((l) => l.id !== s.id);
  cart.updatedAt = Date.now();
  win.localStorage.setItem("demo-cart", JSON.stringify(cart));
  const quantity = lines.reduce((n, l) => n + l.quantity, 0) || 1;
  push(win, "remove_from_cart", { currency: "USD", value: p.price * quantity, items: [ga4Item(p, quantity, lines[0] && lines[0].size)] });
}

/** Plays one step. `preview` is the Preview; page changes wait for the edited bundle to run. */
async function play(preview, s) {
  const win = preview.win;
  const M = () => preview.instance;
  switch (s.type) {
    case "page":
      return preview.navigate(s.path);
    case "reload":
      return preview.reload();
    case "pointer_leave":
    case "pointer_enter": {
      // The real thing for the exit-intent detector: the pointer leaves through the top (or returns).
      const y = s.y ?? -5;
      const type = s.type === "pointer_leave" ? "mouseout" : "mouseover";
      win.document.documentElement.dispatchEvent(new win.MouseEvent(type, { bubbles: true, clientX: 400, clientY: y, relatedTarget: null }));
      return;
    }
    case "search":
      return preview.navigate("/search.html?q=" + encodeURIComponent(s.query));
    case "scroll": {
      const doc = win.document.scrollingElement || win.document.documentElement;
      const max = Math.max(0, doc.scrollHeight - win.innerHeight);
      win.scrollTo({ top: Math.round((max * Math.min(100, Math.max(0, Number(s.depth)))) / 100), behavior: "instant" });
      win.dispatchEvent(new win.Event("scroll"));
      return;
    }
    case "add_to_cart":
      if (s.id) return addToCart(win, s);
      break; // GA4-shaped, with items: pushed below
    case "remove_from_cart":
      return removeFromCart(win, s);
    case "idle":
      return M() && M().fire("idle");
    case "exit":
      return M() && M().fire("exit_intent");
    case "fire":
      return M() && M().fire(String(s.signal));
    case "track":
      return M() && M().track(String(s.name), s.props || {});
    case "set":
      return M() && M().set(s.attrs || {});
    case "wait":
      return sleep(Math.min(30, Math.max(0, Number(s.seconds) || 0)) * 1000);
    case "dataLayer":
      win.dataLayer = win.dataLayer || [];
      return void win.dataLayer.push(s.entry || {});
  }
  // Any other commerce event (and add_to_cart given as GA4 items): pushed as the page would.
  const p = s.id ? product(win, s.id) : null;
  const items = Array.isArray(s.items) ? s.items : p ? [ga4Item(p, s.quantity, s.size)] : [];
  const value = s.value != null ? Number(s.value) : items.reduce((v, it) => v + (Number(it.price) || 0) * (Number(it.quantity) || 1), 0);
  const extra = s.type === "purchase" ? { transaction_id: "TH-PLAY" + Date.now().toString(36).toUpperCase() } : {};
  push(win, s.type, Object.assign({ currency: "USD", value, items }, extra));
}

const pick = (o, path) => path.split(".").reduce((v, k) => (v == null ? undefined : v[k]), o);

/** What the timeline shows of the context (missing values stay undefined). */
export function snapshot(ctx) {
  ctx = ctx || {};
  return {
    moment: pick(ctx, "moment"),
    scores: pick(ctx, "momentScores"),
    risk: pick(ctx, "abandonment.risk"),
    cartItems: pick(ctx, "cart.items"),
    cartValue: pick(ctx, "cart.value"),
    currency: pick(ctx, "cart.currency"),
    channel: pick(ctx, "channel"),
    pageType: pick(ctx, "page.type"),
    stage: pick(ctx, "journey.stage"),
    query: pick(ctx, "search.query"),
  };
}

/**
 * Plays `steps` on the preview as a new shopper. `onRow(row)` is called after each step with
 * `{index, step, signals, decisions, actions, prompts, errors, ctx}`; resolves to
 * `{rows, explain}` (the last `explain()`, for rules that never fired).
 */
export async function runJourney(preview, steps, onRow, { settleMs = 200 } = {}) {
  const rows = [];
  // A new shopper: forget the profile and empty the demo cart, then start from the first page.
  preview.resetShopper();
  const first = steps[0] && steps[0].type === "page" ? steps.shift() : { type: "page", path: preview.path() || "/index.html" };
  steps.unshift(first);
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index];
    const navigates = step.type === "page" || step.type === "search";
    const from = preview.mark();
    let error = null;
    try {
      await play(preview, step);
    } catch (e) {
      error = String((e && e.message) || e);
    }
    const win = preview.win;
    await frames(win, 2);
    await new Promise((r) => setTimeout(r, settleMs));
    const events = navigates ? preview.events() : preview.events(from);
    const m = preview.instance;
    let ctx = {};
    try {
      ctx = (m && m.context()) || {};
    } catch (e) {
      /* inert */
    }
    const of = (name) => events.filter((e) => e.event === "moments_" + name);
    const row = {
      index,
      step,
      signals: of("signal").map((e) => e.name),
      decisions: of("decision").map((e) => ({ rule: e.rule, variant: e.variant, signal: e.signal })),
      actions: of("action").map((e) => ({ rule: e.rule, type: e.type, elements: e.elements })),
      prompts: of("prompt_shown").map((e) => e.rule),
      errors: of("error").map((e) => e.message).concat(error ? [error] : [], m ? [] : ["Moments is not running on this page"]),
      ctx: snapshot(ctx),
    };
    rows.push(row);
    onRow(row);
  }
  let explain = {};
  try {
    explain = (preview.instance && preview.instance.explain()) || {};
  } catch (e) {
    /* inert */
  }
  return { rows, explain };
}
