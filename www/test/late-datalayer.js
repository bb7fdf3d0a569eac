// A shop whose cart speaks only GA4 through dataLayer, and whose tag manager creates dataLayer
// well after Moments is ready.
Moments.push(() => setTimeout(boot, 300)); // runs once Moments is ready
function boot() {
  window.dataLayer = window.dataLayer || [];
  window.__layer = window.dataLayer;
  window.__bootedAfterReady = true;
  document.getElementById("them").addEventListener("click", () => {
    window.dataLayer.push({
      event: "add_to_cart",
      ecommerce: { currency: "VND", value: 1290000, items: [{ item_id: "giay-1", item_name: "Giày chạy bộ nhẹ", price: 1290000, quantity: 1 }] },
    });
  });
}
