// A heavy, constantly changing catalogue (www/test/heavy/): 2,000 product cards at start, an
// infinite scroll that appends 40 cards every 200 ms while the shopper scrolls, a price ticker that
// rewrites 50 text nodes every 100 ms, lazy images that swap `src` when they come into view, and a
// carousel that rewrites its slides' classes every 300 ms. index.html loads Moments with the
// README's async tag, bare.html is the same page without it (the cost baseline).
// window.__heavy drives it from tests: session(ms) scrolls with the infinite scroll on,
// quiet() stops every timer of the page, card(i) renders card i as it was first rendered.
(function () {
  const START = 2000;
  const BATCH = 40;
  const grid = document.getElementById("grid");
  const price = (i) => (9.99 + (i % 50) * 3).toFixed(2);

  function cardHTML(i) {
    const sale = i % 5 === 0;
    return `<article class="card plain" data-id="p${i}"${sale ? " data-sale" : ""}>` +
      `<img class="thumb" data-src="/test/shoe.svg" width="48" height="48">` +
      `<span class="brand">Brand ${i % 17}</span><h3 class="title">Product ${i}</h3>` +
      `<span class="badge">New</span> <span class="price">$${price(i)}</span> <span class="quote">0</span>` +
      `<span class="rating">4.1</span> <span class="delivery">3-5 days</span> <span class="swatch">red</span>` +
      `<button class="wish" type="button">&#9825;</button> <span class="compare">Compare</span> <span class="eco">-</span>` +
      `<span class="stock-label">?</span> <span class="ad">Ad</span> <span class="ship-free" hidden>Free shipping</span>` +
      `<p class="old-promo">Old promo</p><p class="new-promo" hidden>New promo</p><span class="promo-expired">Expired</span>` +
      `<div class="slot"></div><div class="foot"></div><a class="more" href="/product.html?id=p${i}">More</a> ` +
      `<button class="buy" type="button" data-add-to-cart data-id="p${i}" data-price="${price(i)}"><span class="cta-label">Add</span></button>` +
      `</article>`;
  }

  // Lazy images: `src` is set when the image comes near the viewport.
  const lazy = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      e.target.src = e.target.dataset.src;
      lazy.unobserve(e.target);
    }
  }, { rootMargin: "200px" });

  let count = 0;
  function append(n) {
    let html = "";
    for (let k = 0; k < n; k++) html += cardHTML(count + k);
    const first = count;
    count += n;
    grid.insertAdjacentHTML("beforeend", html);
    const cards = grid.children;
    for (let k = first; k < count; k++) lazy.observe(cards[k].querySelector(".thumb"));
  }
  append(START);

  // The price ticker: 50 quotes rewritten every 100 ms (round robin over the cards).
  let tick = 0;
  const ticker = setInterval(() => {
    const quotes = grid.getElementsByClassName("quote");
    tick++;
    for (let k = 0; k < 50 && quotes.length; k++) quotes[(tick * 50 + k) % quotes.length].textContent = String(tick);
  }, 100);

  // The carousel: every slide's class rewritten every 300 ms, as a framework re-render does.
  const slides = [...document.querySelectorAll(".carousel .slide")];
  let active = 0;
  const carousel = setInterval(() => {
    active = (active + 1) % slides.length;
    slides.forEach((s, k) => (s.className = k === active ? "slide active" : "slide"));
  }, 300);

  // The infinite scroll: 40 more cards every 200 ms while the shopper scrolls, up to `max`.
  let growing = null;
  const grow = (max) => {
    if (!growing) growing = setInterval(() => { if (count < max) append(BATCH); }, 200);
  };
  const stopGrowing = () => { clearInterval(growing); growing = null; };

  window.__heavy = {
    count: () => count,
    card: (i) => {
      const t = document.createElement("template");
      t.innerHTML = cardHTML(i);
      return t.content.firstChild;
    },
    /** Scrolls down for `ms` with the infinite scroll on; resolves to the frames seen. */
    session(ms, max = 4000) {
      grow(max);
      return new Promise((resolve) => {
        const t0 = performance.now();
        let frames = 0;
        const step = () => {
          frames++;
          // Down to the bottom of what is there by the end, whatever the frame rate.
          const f = Math.min(1, (performance.now() - t0) / ms);
          window.scrollTo(0, f * (document.documentElement.scrollHeight - innerHeight));
          if (f < 1) requestAnimationFrame(step);
          else {
            stopGrowing();
            resolve(frames);
          }
        };
        requestAnimationFrame(step);
      });
    },
    quiet() {
      clearInterval(ticker);
      clearInterval(carousel);
      stopGrowing();
    },
  };
})();
