// slow.html: add-to-cart buttons and a client-side search that report GA4 events to the
// dataLayer (when the shop has one), as shops' own code does.
(function () {
  const push = (e) => window.dataLayer && window.dataLayer.push(e);
  document.addEventListener("click", (e) => {
    const b = e.target.closest("[data-add-to-cart]");
    if (!b) return;
    push({ event: "add_to_cart", ecommerce: { currency: "USD", value: +b.dataset.price,
      items: [{ item_id: b.dataset.id, item_name: b.dataset.name, price: +b.dataset.price, quantity: 1 }] } });
  });
  document.getElementById("search").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = e.target.q.value;
    document.getElementById("results").textContent = "Results for " + q;
    push({ event: "search", search_term: q });
  });
})();
