// Applying the engine's element actions to the page, reversibly: `replace` (text or html),
// `insert`, `attr`, `class`, `hide`, `show`. The wasm decides, renders `{{path}}` and sanitizes
// every `html` (src/web/src/dom.rs is its side of the bridge); this applies what it is sent.
//
// Every element action stays *live* for the page: one MutationObserver re-runs the live selectors
// after the page changes, so elements that appear later (lazy sections, client-rendered lists) get
// the change, and a change the page's own framework overwrites is re-applied, at most MAX_REPAIRS
// times per element and action, then the element is left to the page. The check is made against
// the DOM's state, never against mutation records, and the records of our own changes are
// discarded (takeRecords), so Moments never fights itself or loops.
//
// Each change remembers how to undo itself (revert the page, revert all): the original child nodes
// (the very nodes, with their listeners), the original attribute strings (restored byte for byte
// when nobody touched them since), inserted nodes removed.
//
// Defence in depth: text goes in with textContent; HTML only through an inert <template>, with
// scripts, and any attribute that the wasm's `attr_ok` refuses (on*, srcdoc, unsafe URLs and
// styles), dropped before it reaches the page; `attr` never sets what `attr_ok` refuses.
//
// Messages (JSON arrays, from `emit("", json)`): [kind, rule, selector, x, y, firing] for an action —
// replace: x text or html, y true for html; insert: x html, y position (before|after|prepend|
// append); attr: x name, y value; class: x [add], y [remove]; hide, show — answered with the
// number of elements it touched now (none: the selector is invalid); [0] undo the page's changes
// (single-page-app navigation); [1] undo everything (destroy); [2, ...selectors] pre-hide;
// [3] release the pre-hide. Changes made later (elements appearing) are reported with
// `report(kind, rule, elements)`. Never throws.
import { call } from "./moments_wasm.js";
import { trustedHTML, refusal } from "./trusted.js";

export const MAX_REPAIRS = 3;
export const PREHIDE_MS = 1500;
const HIDE = "data-moments-hide";
const SHOW = "data-moments-show";
const DISPLAY_CSS = "[data-moments-hide]{display:none!important}[data-moments-show]{display:revert!important}";

/** Whether `name="value"` may go on an element (`img`: data:image URLs too); the wasm decides. */
const ok = (name, value, img) => call(0, 14 /* attr_ok */, name, value, img) === "1";

/** The page's CSP nonce: that of the Moments `<script nonce>`, else of any script with one. */
const nonce = (d) => (d.querySelector("script[nonce][src*=moments]") || d.querySelector("script[nonce]") || {}).nonce || "";

/**
 * Adds `css` to the document: a constructed stylesheet (allowed by a CSP without
 * 'unsafe-inline'), else a `<style>` with the page's nonce. Returns what removes it, or nothing.
 */
function adopt(css) {
  const d = document;
  if (d.adoptedStyleSheets) {
    try {
      const s = new CSSStyleSheet();
      s.replaceSync(css);
      d.adoptedStyleSheets = [...d.adoptedStyleSheets, s];
      return () => (d.adoptedStyleSheets = d.adoptedStyleSheets.filter((x) => x !== s));
    } catch (e) {
      /* the <style> below */
    }
  }
  const el = d.createElement("style");
  const n = nonce(d);
  if (n) el.setAttribute("nonce", n);
  el.textContent = css;
  (d.head || d.documentElement).appendChild(el);
  return () => el.remove();
}

/** Sanitized HTML parsed into an inert fragment, without scripts and refused attributes. */
function fragment(html) {
  const t = document.createElement("template");
  t.innerHTML = trustedHTML(html);
  const f = t.content;
  for (const el of f.querySelectorAll("*")) {
    if (el.localName === "script") el.remove();
    else for (const n of el.getAttributeNames()) if (!ok(n, el.getAttribute(n), 1)) el.removeAttribute(n);
  }
  return f;
}

const removeAll = (nodes) => nodes.forEach((n) => n.remove());
const setAttr = (el, name, v) => (v == null ? el.removeAttribute(name) : el.setAttribute(name, v));
/** `el.classList[method](token)`; a token the browser refuses ("", "a b") changes nothing. */
const classList = (el, method, token) => {
  try {
    return el.classList[method](token);
  } catch (e) {
    return false;
  }
};
const displayed = (el) => getComputedStyle(el).display !== "none";

/**
 * Which part of an element an action owns: a later action on the same part supersedes an earlier
 * one (which then stops being repaired, so two rules never fight each other). A `replace` ("0")
 * also supersedes inserts inside the element ("0+").
 */
const part = ([k, , , x, y]) =>
  k === "replace" ? "0" : k === "insert" ? (y === "before" || y === "after" ? "1" : "0+") : k === "attr" ? "2" + x : k === "class" ? "3" : "4";

/**
 * Applies action `a` to `el`; returns how to undo it — `{c: original children, ours}` (replace),
 * `{ins: nodes}` (insert), `{n: attribute, o: original value, v: the value we left}` (attr,
 * class), `{m: marker attribute or null, h: original hidden}` (hide, show) — or nothing.
 * Markup the page refuses (Trusted Types without the "moments" policy) goes to `refused(e)`.
 */
function applyOne(el, a, refused) {
  try {
    return change(el, a);
  } catch (e) {
    // Otherwise an attribute name or a place the browser refuses: not applied.
    if (a[0] === "insert" || (a[0] === "replace" && a[4])) refused(e);
  }
}

function change(el, [k, , , x, y]) {
  if (k === "replace") {
    const c = [...el.childNodes];
    if (y) el.replaceChildren(fragment(x));
    else el.textContent = x;
    return { c, ours: [...el.childNodes] };
  }
  if (k === "insert") {
    const f = fragment(x);
    const ins = [...f.childNodes];
    el[y](f);
    return { ins };
  }
  if (k === "attr" || k === "class") {
    const n = k === "attr" ? x : "class";
    const o = el.getAttribute(n);
    if (k === "attr") {
      if (!ok(x, y, 0)) return;
      el.setAttribute(x, y);
    } else {
      for (const c of y) classList(el, "remove", c);
      for (const c of x) classList(el, "add", c);
    }
    return { n, o, v: el.getAttribute(n) };
  }
  if (k === "hide") {
    el.setAttribute(HIDE, "");
    return { m: HIDE };
  }
  const h = el.getAttribute("hidden");
  el.removeAttribute("hidden");
  const m = displayed(el) ? null : SHOW;
  if (m) el.setAttribute(m, "");
  return { m, h };
}

/** Whether the change of mark `m` (made with action `a`) is still in effect. */
function holds({ el, u }, [k, , , x, y]) {
  if (u.ours) return u.ours.every((n) => el.contains(n));
  if (u.ins) return u.ins.every((n) => n.isConnected);
  if (k === "attr") return el.getAttribute(x) === y;
  if (k === "class") return x.every((c) => classList(el, "contains", c)) && !y.some((c) => classList(el, "contains", c));
  if (k === "hide") return el.hasAttribute(HIDE);
  return displayed(el);
}

/** Undoes the change of mark `m`, leaving alone whatever the page changed since. */
function undo(m, a) {
  const { el, u } = m;
  if (u.ours) {
    if (holds(m, a)) el.replaceChildren(...u.c);
  } else if (u.ins) removeAll(u.ins);
  else if (u.n) {
    if (el.getAttribute(u.n) === u.v) setAttr(el, u.n, u.o);
    else if (a[0] === "class") {
      // The page changed the classes since: take back only our own tokens.
      const had = (c) => (u.o || "").split(/[ \t\n\f\r]/).includes(c);
      for (const c of a[3]) if (!had(c)) classList(el, "remove", c);
      for (const c of a[4]) if (had(c)) classList(el, "add", c);
    }
  } else {
    if (u.m) el.removeAttribute(u.m);
    if (u.h != null && !el.hasAttribute("hidden")) el.setAttribute("hidden", u.h);
  }
}

/**
 * The undo record of a change made over an earlier change of the same part: back to what was
 * there before the earlier one. Nothing where the two cannot be folded into one.
 */
const merge = (older, newer) =>
  older.ours && newer.ours ? { c: older.c, ours: newer.ours }
  : older.n && older.n === newer.n ? { n: older.n, o: older.o, v: newer.v } : undefined;

/**
 * An applier reporting later changes to `report(kind, rule, elements)`, and markup the page
 * refused to `fail(message)` (once): the message handler.
 */
export function domApplier(report, fail = () => {}) {
  let live = []; // {id, rule, a: the message, key, p: part, f: firing, on: still matched against new elements}
  let marks = []; // {live: id, el, u: undo, tries, active: still watched for overwrites}
  // The same marks by element, in the same order: a scan looks up each matching element's marks
  // here, not in `marks`, so that a mutation batch on a page of thousands of changed elements costs
  // what the live selectors match, not that times every change made so far.
  let at = new Map();
  const marksOf = (el) => at.get(el) || [];
  let next = 0;
  let mo = null;
  let busy = false; // scanning or undoing: what arrives meanwhile (from page code that ran) is dropped
  let display = null; // removes the stylesheet behind hide and show
  let prehidden = null; // shows the pre-hidden elements again
  let timer;
  let told = false;
  const refused = (e) => {
    if (!told) fail("the page refused an html action: " + refusal(e));
    told = true;
  };

  // Shows the pre-hidden elements again (also from the safety timer: never throws).
  const release = () => {
    clearTimeout(timer);
    try {
      if (prehidden) prehidden();
    } catch (e) {
      /* never into the page */
    }
    prehidden = null;
  };

  // Applies the live actions (or only the one `only`) to every matching element not yet changed,
  // and repairs changes the page overwrote. With `only`: returns how many elements it has (none
  // for an invalid selector); otherwise returns [kind, rule, elements] of what it newly changed.
  const scan = (only) => {
    const out = [];
    let pruned = false;
    let count;
    busy = true;
    try {
      // Elements the page threw away take their change with them (checked when the page's DOM
      // changed, not on every action).
      if (!only) {
        marks = marks.filter((m) => m.el.isConnected || (m.u.ins && removeAll(m.u.ins)));
        for (const el of at.keys()) if (!el.isConnected) at.delete(el);
      }
      for (const l of live) {
        if (!l.on || (only && only !== l.id)) continue;
        let found;
        try {
          found = document.querySelectorAll(l.a[2]);
        } catch (e) {
          continue;
        }
        let fresh = 0;
        let has = 0;
        for (const el of found) {
          const m = marksOf(el).find((m) => m.live === l.id);
          if (m) {
            has++;
            if (m.active && !holds(m, l.a)) {
              // Overwritten by the page: re-apply over the page's new state, a few times.
              m.active = m.tries < MAX_REPAIRS;
              if (m.active) {
                m.tries++;
                if (m.u.ins) removeAll(m.u.ins);
                const u = applyOne(el, l.a, refused);
                if (u) m.u = u;
                else m.active = false;
              }
            }
            continue;
          }
          let u = applyOne(el, l.a, refused);
          if (!u) continue;
          // Every record of a change on this element and part starts from what was there before
          // the first of them (the oldest record's original): reverting, which walks the records
          // newest first and skips those that no longer hold, then needs only the newest. So the
          // records of firings that are over (their rule fired again since, with new content from
          // a template) are dropped here, and what such a firing inserted is taken out: neither
          // memory nor the page grows with the number of firings.
          let based = false;
          const own = marksOf(el);
          for (let k = 0; k < own.length; k++) {
            const m = own[k];
            const o = live.find((o) => o.id === m.live);
            if (o && (o.p === l.p || (l.p === "0" && o.p[0] === "0"))) {
              m.active = false;
              const merged = merge(m.u, u);
              if (merged && !based) {
                u = merged;
                based = true;
              }
              const inserted = !merged && m.u.ins && o.rule === l.rule;
              if (!o.on && (merged || inserted)) {
                if (inserted) removeAll(m.u.ins);
                marks.splice(marks.indexOf(m), 1);
                own.splice(k--, 1);
                pruned = true;
              }
            }
          }
          const mark = { live: l.id, el, u, tries: 0, active: true };
          marks.push(mark);
          if (own.length) own.push(mark);
          else at.set(el, [mark]);
          fresh++;
        }
        if (only) count = fresh + has;
        else if (fresh) out.push([l.a[0], l.rule, fresh]);
      }
      // Superseded firings whose changes were folded into a newer one are gone for good.
      if (pruned) live = live.filter((l) => l.on || marks.some((m) => m.live === l.id));
      if (mo) mo.takeRecords();
    } finally {
      busy = false;
    }
    return only ? count : out;
  };

  // (Re-)observes the document: new elements, and the attributes the live actions care about.
  const observe = () => {
    const want = [];
    for (const { on, a } of live) {
      if (on) want.push(...({ attr: [a[3]], class: ["class"], hide: [HIDE], show: [SHOW, "hidden", "class", "style"] }[a[0]] || []));
    }
    mo.observe(document, want.length ? { childList: true, subtree: true, attributes: true, attributeFilter: want } : { childList: true, subtree: true });
  };

  // Makes action `a` of `rule` live and applies it to the elements there now.
  const apply = (a) => {
    const rule = a[1];
    mo = mo || new MutationObserver(() => {
      try {
        if (!busy) for (const r of scan()) report(...r);
      } catch (e) {
        /* never into the page */
      }
    });
    if ((a[0] === "hide" || a[0] === "show") && !display) display = adopt(DISPLAY_CSS);
    const key = JSON.stringify([a[0], ...a.slice(2, 5)]);
    const p = part(a);
    const f = a[5]; // the firing: the wasm counts the rules' firings
    let l = live.find((l) => l.on && l.rule === rule && l.key === key);
    if (l) l.f = f; // the same action again: it belongs to this firing now
    else {
      // A new firing of the rule with new content replaces its older one on that target (another
      // action of the same firing does not: two inserts in one slot both stay).
      for (const o of live) if (o.rule === rule && o.f !== f && o.a[2] === a[2] && o.p === p) o.on = false;
      live.push((l = { id: ++next, rule, a, key, p, f, on: true }));
    }
    // What the page changed and the observer has not delivered yet (a single-page app that
    // re-renders, then pushes a dataLayer event that fires a rule, in the same task): scan()
    // discards the observer's pending records, so those changes are scanned for here.
    const theirs = mo.takeRecords().length > 0;
    const n = scan(l.id);
    if (theirs) for (const r of scan()) report(...r);
    observe();
    release();
    return n;
  };

  // Undoes every element change, in reverse order, and stops watching.
  const revert = () => {
    if (mo) mo.disconnect();
    busy = true;
    try {
      for (let m; (m = marks.pop()); ) {
        const l = live.find((l) => l.id === m.live);
        if (l) undo(m, l.a);
      }
      at = new Map();
    } finally {
      busy = false;
    }
    live = [];
    if (display) display();
    display = null;
  };

  const prehide = (selectors) => {
    let css = "";
    for (const s of selectors) {
      try {
        // A selector the browser accepts cannot end the rule early (braces only in strings).
        if (s && (document.querySelector(s), 1)) css += s + "{opacity:0!important}";
      } catch (e) {
        /* skipped */
      }
    }
    if (css) {
      prehidden = adopt(css);
      timer = setTimeout(release, PREHIDE_MS);
    }
  };

  return (json) => {
    try {
      const m = JSON.parse(json);
      const k = m[0];
      if (k === 0 || k === 1) {
        if (!busy) revert();
        if (k) {
          release();
          mo = null;
        }
      } else if (k === 2) prehide(m.slice(1));
      else if (k === 3) release();
      else if (!busy) return apply(m);
    } catch (e) {
      /* never into the page */
    }
  };
}
