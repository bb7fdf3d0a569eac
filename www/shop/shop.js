/* Trailhead demo shop: cart (localStorage "demo-cart"), page rendering and
   GA4-style ecommerce events on window.dataLayer. Works with or without the
   Moments SDK: the SDK only reads what this file pushes. */
(function () {
  "use strict";
  const PRODUCTS = window.SHOP_PRODUCTS || [];
  const CATS = window.SHOP_CATEGORIES || {};
  const CUR = "USD", KEY = "demo-cart", FREE_SHIP = 75, SHIP = 6.95, EXPRESS = 12;
  const COUPONS = { STAY10: { pct: 10 }, WELCOME10: { pct: 10 }, FREESHIP: { ship: true } };
  const dataLayer = (window.dataLayer = window.dataLayer || []);

  /* Moments: call the API if it is up, else queue the call for the SDK to replay. */
  function moments(cmd, ...args) {
    try {
      const M = window.Moments;
      if (M && !Array.isArray(M) && typeof M[cmd] === "function") M[cmd](...args);
      else (window.Moments = M || []).push([cmd, ...args]);
    } catch (e) { /* the SDK is an enhancement; the shop never depends on it */ }
  }
  moments("set", { loggedIn: false });

  /* ---------- helpers ---------- */
  const $ = (s, r) => (r || document).querySelector(s);
  const $$ = (s, r) => Array.from((r || document).querySelectorAll(s));
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
  const fmt = new Intl.NumberFormat("en-US", { style: "currency", currency: CUR });
  const money = (v) => fmt.format(v);
  const round = (v) => Math.round(v * 100) / 100;
  const norm = (s) => String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/đ/g, "d");
  const param = (n) => (new URLSearchParams(location.search).get(n) || "").trim();
  const product = (id) => PRODUCTS.find((p) => p.id === id) || null;
  const text = (s, v) => { const el = $(s); if (el) el.textContent = v; };
  const pageType = () => ($('meta[name="moments:page-type"]') || {}).content || "";

  const mem = {};
  const storage = (kind) => (kind === "session" ? window.sessionStorage : window.localStorage);
  function read(k, fb, kind) {
    try { const v = storage(kind).getItem(k); return v ? JSON.parse(v) : fb; } catch (e) { return k in mem ? mem[k] : fb; }
  }
  function write(k, v, kind) {
    mem[k] = v;
    try { storage(kind).setItem(k, JSON.stringify(v)); } catch (e) { /* private mode */ }
  }

  /* ---------- cart ---------- */
  function cart() {
    let c = read(KEY, null);
    if (!c || !Array.isArray(c.items)) c = { items: [], updatedAt: 0 };
    c.items = c.items.filter((l) => product(l.id) && l.quantity > 0);
    return c;
  }
  function saveCart(c) { c.updatedAt = Date.now(); write(KEY, c); badge(); }
  const count = (c) => c.items.reduce((n, l) => n + l.quantity, 0);
  const subtotal = (c) => round(c.items.reduce((s, l) => s + product(l.id).price * l.quantity, 0));
  function totals(c, express) {
    const sub = subtotal(c), cp = COUPONS[c.coupon] || {};
    const discount = cp.pct ? round(sub * cp.pct / 100) : 0;
    const shipping = express ? EXPRESS : sub === 0 || sub >= FREE_SHIP || cp.ship ? 0 : SHIP;
    return { sub, discount, shipping, total: round(sub - discount + shipping) };
  }
  function badge() {
    const n = count(cart());
    text("#cart-count", n);
    const a = $("#cart-link");
    if (a) a.setAttribute("aria-label", "Cart, " + n + (n === 1 ? " item" : " items"));
  }

  /* ---------- GA4 ecommerce events ---------- */
  function gaItem(p, qty, size, index) {
    const it = { item_id: p.id, item_name: p.name, price: p.price, quantity: qty || 1, item_category: p.category, item_brand: "Trailhead" };
    if (size && size !== "One size") it.item_variant = size;
    if (index != null) it.index = index;
    return it;
  }
  const cartItems = (c) => c.items.map((l) => gaItem(product(l.id), l.quantity, l.size));
  function ecommerce(event, ec) {
    dataLayer.push({ ecommerce: null }); // clear the previous ecommerce object, as GA4/GTM sites do
    dataLayer.push({ event, ecommerce: ec });
  }
  function track(event, items, extra) {
    const value = round(items.reduce((s, it) => s + it.price * it.quantity, 0));
    ecommerce(event, Object.assign({ currency: CUR, value, items }, extra));
  }
  function trackList(id, name, list) {
    ecommerce("view_item_list", { item_list_id: id, item_list_name: name, items: list.map((p, i) => Object.assign(gaItem(p, 1, "", i), { item_list_id: id, item_list_name: name })) });
  }

  function addToCart(id, size, qty) {
    const p = product(id);
    if (!p) return false;
    qty = Math.max(1, Math.min(10, parseInt(qty, 10) || 1));
    size = size || p.sizes[0];
    const c = cart(), line = c.items.find((l) => l.id === id && l.size === size);
    if (line) line.quantity = Math.min(99, line.quantity + qty);
    else c.items.push({ id, size, quantity: qty });
    saveCart(c);
    track("add_to_cart", [gaItem(p, qty, size)]);
    return true;
  }

  /* ---------- product art (inline SVG) ---------- */
  const W = 'fill="#fff" fill-opacity=".85"';
  const SOCK = "M64 24h28v58q0 8 8 14l22 16q10 10-2 18-8 5-18-2L62 100q-8-8-8-20V24z";
  const SHAPES = {
    shoe: `<path d="M22 104c0-20 6-38 18-46l22-14c6 14 18 22 36 22 20 0 40 6 60 16 18 9 26 16 26 26v8H22z"/><rect x="18" y="106" width="168" height="14" rx="7" fill="#fff" stroke="currentColor" stroke-width="3"/><path d="M70 56l10 14M84 52l10 14M98 54l8 12" stroke="#fff" stroke-width="4" stroke-linecap="round"/>`,
    tee: `<path d="M78 28 40 46l12 26 14-7v62h68V65l14 7 12-26-38-18q-22 16-44 0z"/>`,
    jacket: `<path d="M78 24 46 38 32 118l18 3 14-50v56h72V71l14 50 18-3-14-80-32-14q-22 16-44 0z"/><path d="M100 36v90" stroke="#fff" stroke-width="3"/>`,
    shorts: `<path d="M56 36h88l10 84h-46l-8-48-8 48H46z"/><rect x="56" y="36" width="88" height="10" ${W}/>`,
    bag: `<rect x="62" y="30" width="76" height="96" rx="20"/><rect x="76" y="78" width="48" height="34" rx="8" ${W}/><path d="M84 32q16-22 32 0" fill="none" stroke="currentColor" stroke-width="6"/>`,
    cap: `<path d="M52 96q0-52 48-54 48 2 48 54z"/><path d="M140 96q34 0 40 14H120z"/><circle cx="100" cy="42" r="5" ${W}/>`,
    bottle: `<rect x="86" y="18" width="28" height="16" rx="4"/><rect x="76" y="34" width="48" height="98" rx="16"/><rect x="76" y="66" width="48" height="22" ${W}/>`,
    socks: `<path d="${SOCK}" transform="translate(-6)"/><path d="${SOCK}" transform="translate(40 6)" opacity=".7"/>`
  };
  const art = (p) => `<svg class="art" viewBox="0 0 200 150" role="img" aria-label="${esc(p.name)}" style="color:${p.color}"><rect width="200" height="150" fill="${p.color}" fill-opacity=".12"/><g fill="${p.color}">${SHAPES[p.art] || ""}</g></svg>`;

  function card(p) {
    const url = "/product.html?id=" + encodeURIComponent(p.id);
    const action = p.sizes.length > 1
      ? `<a class="btn sm ghost" href="${url}">Choose size</a>`
      : `<button class="btn sm" type="button" data-add-to-cart data-id="${esc(p.id)}" data-price="${p.price}">Add to cart</button>`;
    return `<article class="card"><a class="card-link" href="${url}">${art(p)}<h3>${esc(p.name)}</h3></a>` +
      (p.badge ? `<span class="tag">${esc(p.badge)}</span>` : "") +
      `<p class="price">${money(p.price)}</p>${action}</article>`;
  }
  function grid(sel, list) { const el = $(sel); if (el) el.innerHTML = list.map(card).join(""); }

  /* Recently viewed products drive the "recommended" grids. */
  function recommend(exclude) {
    const recent = read("demo-recent", []);
    const cat = (product(exclude) || product(recent[0]) || {}).category;
    const pool = PRODUCTS.filter((p) => p.id !== exclude);
    pool.sort((a, b) => (b.category === cat) - (a.category === cat) || (recent.includes(a.id) - recent.includes(b.id)));
    grid("#recommendations-grid", pool.slice(0, 4));
  }

  /* ---------- search ---------- */
  function search(q) {
    const words = norm(q).split(/[^a-z0-9]+/).filter((w) => w.length > 1);
    if (!words.length) return [];
    const scored = PRODUCTS.map((p) => {
      const c = CATS[p.category] || {};
      const hay = norm([p.name, p.description, p.kw, p.category, c.name, c.kw].join(" ")).split(/[^a-z0-9]+/);
      return { p, n: words.filter((w) => hay.some((h) => h.startsWith(w))).length };
    });
    const all = scored.filter((s) => s.n === words.length);
    // No product has every word: rank by words matched, unless the query is about stores or sizing.
    const loose = GO.test(norm(q)) || DO.test(norm(q)) ? [] : scored.filter((s) => s.n > 0).sort((a, b) => b.n - a.n);
    return (all.length ? all : loose).map((s) => s.p);
  }
  const GO = /\b(store|stores|shop near|near me|nearby|open|opening|hours|directions|address|cua hang|gan day|gio mo|dia chi|chi nhanh)\b/;
  const DO = /\b(size|sizes|guide|how to|measure|fit|lace|cach|huong dan|do chan|chon co|bang size)\b/;

  /* ---------- pages ---------- */
  function home() {
    const feat = PRODUCTS.filter((p) => p.featured);
    grid("#featured-grid", feat);
    trackList("home_bestsellers", "Bestsellers", feat);
    recommend("");
  }

  function category() {
    let c = param("c");
    if (!CATS[c]) c = "";
    const max = parseFloat(param("max")) || 0;
    const name = c ? CATS[c].name : max ? "Under " + money(max) : "All products";
    const list = PRODUCTS.filter((p) => (!c || p.category === c) && (!max || p.price <= max));
    text("#category-title", name);
    text("#crumb-current", name);
    text("#category-intro", c ? CATS[c].intro : "Everything we sell, from road shoes to rain shells.");
    document.title = name + " — Trailhead";
    const sort = $("#sort-select");
    const render = () => {
      const v = sort ? sort.value : "featured", l = list.slice();
      if (v === "price-asc") l.sort((a, b) => a.price - b.price);
      if (v === "price-desc") l.sort((a, b) => b.price - a.price);
      grid("#product-grid", l);
    };
    if (sort) sort.addEventListener("change", render);
    render();
    text("#result-count", list.length + (list.length === 1 ? " product" : " products"));
    trackList(c || "all", name, list);
  }

  function productPage() {
    const p = product(param("id"));
    if (!p) {
      text("#product-title", "Product not found");
      text("#product-description", "This product is no longer available. Browse the catalog instead.");
      $$("#product-form, #product-price, #product-details").forEach((el) => (el.hidden = true));
      recommend("");
      return;
    }
    document.title = p.name + " — Trailhead";
    text("#product-title", p.name);
    text("#product-price", money(p.price));
    text("#product-description", p.description);
    text("#product-badge", p.badge || CATS[p.category].name);
    text("#crumb-current", p.name);
    const crumb = $("#crumb-category");
    if (crumb) { crumb.textContent = CATS[p.category].name; crumb.href = "/category.html?c=" + p.category; }
    $("#product-image").innerHTML = art(p);
    $("#product-details").innerHTML = (p.details || []).map((d) => `<li>${esc(d)}</li>`).join("");
    const sel = $("#size-select"), btn = $("#add-to-cart"), form = $("#product-form"), status = $("#add-status");
    if (p.sizes.length > 1) {
      sel.insertAdjacentHTML("beforeend", p.sizes.map((s) => `<option>${esc(s)}</option>`).join(""));
    } else {
      sel.innerHTML = `<option>${esc(p.sizes[0])}</option>`;
      sel.required = false;
      $("#size-field").hidden = true;
    }
    btn.dataset.id = p.id;
    btn.dataset.price = p.price;
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const qty = Math.max(1, Math.min(10, parseInt($("#qty-input").value, 10) || 1));
      if (addToCart(p.id, sel.value, qty)) {
        status.innerHTML = `Added ${qty} × ${esc(p.name)}${p.sizes.length > 1 ? " (" + esc(sel.value) + ")" : ""}. <a href="/cart.html">View cart</a>`;
      }
    });
    write("demo-recent", [p.id].concat(read("demo-recent", []).filter((id) => id !== p.id)).slice(0, 6));
    recommend(p.id);
    track("view_item", [gaItem(p, 1)]);
  }

  function summaryHTML(c, t) {
    const cp = c.coupon && COUPONS[c.coupon];
    return `<dt>Subtotal</dt><dd id="summary-subtotal">${money(t.sub)}</dd>` +
      (cp && t.discount ? `<dt>Discount (${esc(c.coupon)})</dt><dd>−${money(t.discount)}</dd>` : "") +
      `<dt>Shipping</dt><dd>${t.shipping ? money(t.shipping) : "Free"}</dd>` +
      `<dt class="total">Total</dt><dd class="total" id="summary-total">${money(t.total)}</dd>`;
  }

  function cartPage() {
    const list = $("#cart-items");
    function render() {
      const c = cart(), t = totals(c, false), empty = !c.items.length;
      $("#cart-empty").hidden = !empty;
      $("#cart-summary").hidden = empty;
      list.innerHTML = c.items.map((l, i) => {
        const p = product(l.id);
        return `<li class="line" data-i="${i}">${art(p)}<div><a href="/product.html?id=${esc(p.id)}"><b>${esc(p.name)}</b></a>` +
          `<div class="muted">${esc(l.size)} · ${money(p.price)}</div>` +
          `<span class="qty"><button type="button" data-act="dec" aria-label="Decrease quantity">−</button><span aria-label="Quantity">${l.quantity}</span><button type="button" data-act="inc" aria-label="Increase quantity">+</button></span> ` +
          `<button type="button" class="linkbtn" data-act="remove">Remove</button></div><b>${money(p.price * l.quantity)}</b></li>`;
      }).join("");
      $("#cart-totals").innerHTML = summaryHTML(c, t);
      const left = round(FREE_SHIP - t.sub);
      $("#free-shipping-progress").innerHTML = (left > 0 ? `Add <b>${money(left)}</b> more for free shipping.` : "You’ve unlocked <b>free shipping</b>.") +
        `<span class="meter"><i style="width:${Math.min(100, (t.sub / FREE_SHIP) * 100)}%"></i></span>`;
    }
    list.addEventListener("click", (e) => {
      const b = e.target.closest("[data-act]");
      if (!b) return;
      const c = cart(), i = +b.closest("[data-i]").dataset.i, l = c.items[i];
      if (!l) return;
      const p = product(l.id), act = b.dataset.act;
      if (act === "inc") { l.quantity = Math.min(99, l.quantity + 1); track("add_to_cart", [gaItem(p, 1, l.size)]); }
      else {
        const n = act === "dec" ? 1 : l.quantity;
        l.quantity -= n;
        track("remove_from_cart", [gaItem(p, n, l.size)]);
      }
      c.items = c.items.filter((x) => x.quantity > 0);
      saveCart(c);
      render();
    });
    render();
    track("view_cart", cartItems(cart()));
    recommend((cart().items[0] || {}).id || "");
  }

  function checkout() {
    const last = read("demo-last-order", null, "session");
    const order = param("order");
    window.addEventListener("popstate", () => location.reload()); // back/forward across the thank-you state
    if (order && last && last.id === order) return thanks(last);
    const c = cart(), form = $("#checkout-form");
    if (!c.items.length) {
      $("#checkout-view").hidden = true;
      $("#checkout-empty").hidden = false;
      return;
    }
    const express = () => form.elements.delivery.value === "express";
    function render() {
      const c = cart(), t = totals(c, express());
      $("#order-lines").innerHTML = c.items.map((l) => {
        const p = product(l.id);
        return `<li><span>${l.quantity} × ${esc(p.name)} <small class="muted">${esc(l.size)}</small></span><span>${money(p.price * l.quantity)}</span></li>`;
      }).join("");
      $("#order-totals").innerHTML = summaryHTML(c, t);
      return t;
    }
    function applyCoupon() {
      const code = $("#promo-code").value.trim().toUpperCase(), c = cart();
      if (!code) return;
      if (COUPONS[code]) { c.coupon = code; saveCart(c); text("#promo-status", "Code " + code + " applied."); }
      else text("#promo-status", "That code isn’t valid.");
      render();
    }
    $("#apply-promo").addEventListener("click", applyCoupon);
    $("#promo-code").addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); applyCoupon(); } });
    if (c.coupon) $("#promo-code").value = c.coupon;
    form.addEventListener("change", (e) => { if (e.target.name === "delivery") render(); });
    render();
    track("begin_checkout", cartItems(c), c.coupon ? { coupon: c.coupon } : {});

    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const c = cart();
      if (!c.items.length) return location.reload();
      const t = render();
      const id = "TH-" + Date.now().toString(36).toUpperCase();
      const extra = { transaction_id: id, value: round(t.sub - t.discount), shipping: t.shipping, tax: 0 };
      if (c.coupon) extra.coupon = c.coupon;
      const items = cartItems(c);
      track("purchase", items, extra);
      const done = { id, total: t.total, email: form.elements.email.value, items: count(c) };
      write("demo-last-order", done, "session");
      write(KEY, { items: [], updatedAt: Date.now() });
      badge();
      thanks(done, true);
    });
  }

  function thanks(o, navigate) {
    const meta = $('meta[name="moments:page-type"]');
    if (meta) meta.content = "thankyou";
    // A new URL (history entry) so single-page-app aware tools see a page view of the thank-you state.
    if (navigate) history.pushState({ order: o.id }, "", "/checkout.html?order=" + encodeURIComponent(o.id));
    $("#checkout-view").hidden = true;
    $("#checkout-empty").hidden = true;
    $("#thank-you").hidden = false;
    text("#order-id", o.id);
    text("#order-email", o.email || "your inbox");
    text("#order-total", money(o.total));
    document.title = "Thank you — Trailhead";
    window.scrollTo(0, 0);
    const h = $("#thank-you-title");
    if (h) h.focus();
  }

  function searchPage() {
    recommend("");
    const q = param("q");
    const results = search(q);
    const nq = norm(q);
    let shortcuts = "";
    if (GO.test(nq)) shortcuts += `<a class="tile" href="/stores.html"><b>Stores &amp; opening hours</b><span>Find a Trailhead store near you · Tìm cửa hàng</span></a>`;
    if (DO.test(nq)) shortcuts += `<a class="tile" href="/guide.html"><b>Size &amp; fit guide</b><span>How to measure your foot · Hướng dẫn chọn size</span></a>`;
    $("#search-shortcuts").innerHTML = shortcuts;
    if (!q) {
      text("#search-summary", "What are you looking for? Try one of these:");
      $("#search-empty").hidden = false;
      return;
    }
    text("#search-title", "Results for “" + q + "”");
    document.title = "Search: " + q + " — Trailhead";
    text("#search-summary", results.length ? results.length + (results.length === 1 ? " product" : " products") : shortcuts ? "Looking for this?" : "No products match your search.");
    grid("#search-results", results);
    $("#search-empty").hidden = results.length > 0;
    dataLayer.push({ event: "search", search_term: q });
    if (results.length) trackList("search_results", "Search results", results);
  }

  function stores() {
    const input = $("#store-filter");
    if (input) input.addEventListener("input", () => {
      const v = norm(input.value);
      $$("#store-list .store").forEach((li) => (li.hidden = !!v && !norm(li.textContent).includes(v)));
    });
    $$("#store-list .store").forEach((li) => {
      const el = $(".open-status", li);
      try {
        const now = new Date(), tz = li.dataset.tz;
        const day = new Intl.DateTimeFormat("en-US", { timeZone: tz, weekday: "short" }).format(now);
        const hm = new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(now);
        const [open, close] = (day === "Sun" ? li.dataset.sun : li.dataset.week).split("-");
        const isOpen = hm >= open && hm < close;
        el.textContent = isOpen ? "Open now · closes " + close : "Closed · opens " + (hm < open ? open : "tomorrow");
        el.className = "open-status " + (isOpen ? "open" : "closed");
      } catch (e) { /* unknown time zone: leave the static hours */ }
    });
  }

  function guide() {
    const form = $("#fit-finder");
    if (!form) return;
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const cm = parseFloat(String($("#foot-length").value).replace(",", "."));
      const rows = $$("#shoe-size-chart tbody tr");
      const row = rows.find((r) => parseFloat(r.dataset.cm) >= cm) || null;
      rows.forEach((r) => r.classList.toggle("hit", r === row));
      text("#fit-result", !cm ? "Enter your foot length in centimetres." : row
        ? "Your size: " + row.cells[0].textContent + " (EU " + row.cells[2].textContent + "). Between sizes? Go half a size up for running."
        : "Longer than our chart: visit a store for a fitting.");
      if (cm) moments("track", "size_finder_used", { footLengthCm: cm, size: row ? row.cells[0].textContent : null });
    });
  }

  /* ---------- every page ---------- */
  function common() {
    badge();
    window.addEventListener("storage", (e) => { if (e.key === KEY) badge(); });
    const q = param("q"), input = $('form[role=search] input[name="q"]');
    if (input && pageType() === "search") input.value = q;
    const here = location.pathname + location.search;
    $$("#site-nav a").forEach((a) => { if (a.getAttribute("href") === here || (a.getAttribute("href") === location.pathname && !location.search)) a.setAttribute("aria-current", "page"); });
    // Quick "Add to cart" buttons on product cards (one-size products).
    document.addEventListener("click", (e) => {
      const b = e.target.closest("[data-add-to-cart]");
      if (!b || b.form) return; // the product page's button submits its form instead
      if (addToCart(b.dataset.id, b.dataset.size, 1)) {
        b.textContent = "Added ✓";
        setTimeout(() => (b.textContent = "Add to cart"), 1500);
      }
    });
  }

  const PAGES = { home, category, product: productPage, cart: cartPage, checkout, search: searchPage, stores, guide };
  function start() {
    common();
    const fn = PAGES[pageType()];
    if (fn) fn();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
