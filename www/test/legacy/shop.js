// The shop's own code: a bag kept in page memory (and in localStorage when it may), rendered in the
// header, reported to GA4 through dataLayer; a size guide reported to Moments as a custom event;
// tabs switched with history.pushState. Listeners are delegated from the document, so the shop
// keeps working when a PJAX library swaps <body>. Analytics never breaks the bag (try/catch).
(function () {
  var bag = [];
  try {
    bag = JSON.parse(localStorage.getItem("alpine-bag") || "[]");
  } catch (e) {
    bag = []; // storage blocked (a sandboxed frame)
  }
  function render() {
    var count = 0;
    var total = 0;
    bag.forEach(function (l) { count += l.quantity; });
    bag.map(function (l) { return l.price * l.quantity; }).forEach(function (v) { total += v; });
    document.getElementById("cart-count").textContent = String(count);
    document.getElementById("cart-total").textContent = total.toFixed(2);
  }
  function ga(entry) {
    try {
      window.dataLayer.push({ ecommerce: null });
      window.dataLayer.push(entry);
    } catch (e) {
      window.__gaFailed = (window.__gaFailed || 0) + 1;
    }
  }
  window.shopBag = function () { return bag; };
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    var buy = t.closest("button.buy");
    if (buy) {
      var p = buy.closest(".product");
      var item = { item_id: p.getAttribute("data-sku"), item_name: p.querySelector("h2").textContent, price: Number(p.getAttribute("data-cost")), quantity: 1 };
      bag.push(item);
      try {
        localStorage.setItem("alpine-bag", JSON.stringify(bag));
      } catch (e) {
        /* storage blocked */
      }
      render();
      ga({ event: "add_to_cart", ecommerce: { currency: "EUR", value: item.price, items: [item] } });
      return;
    }
    if (t.id === "size-guide") {
      window.Moments = window.Moments || [];
      Moments.push(["track", "size_guide_opened", { product: "TR3" }]);
      return;
    }
    var tab = t.closest("#tab-details, #tab-reviews");
    if (tab) {
      ev.preventDefault();
      history.pushState({ tab: tab.id }, "", tab.getAttribute("href"));
      document.getElementById("tab-body").textContent = tab.id === "tab-reviews" ? "4.8/5 from 1,204 runners." : "Lightweight, grippy, made for long trails.";
    }
  });
  render();
  window.__shopReady = true;
})();
