// The shop's Shopify-style cart: product forms post to /cart/add; the handler sends them with
// fetch to /cart/add.js (Shopify's AJAX API answers with the line, price in cents) and tells
// Moments with the README's track("add_to_cart", …) in GA4 shape. No dataLayer, no gtag.
(function () {
  var euro = new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" });
  var count = 0, total = 0;
  window.Moments = window.Moments || [];
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches('form[action="/cart/add"]')) return;
    e.preventDefault();
    var button = form.querySelector("[type=submit]");
    button.disabled = true;
    fetch("/cart/add.js", { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (line) {
        count += line.quantity;
        total += line.price * line.quantity;
        document.querySelector(".warenkorb-anzahl").textContent = String(count);
        document.querySelector(".warenkorb-summe").textContent = euro.format(total / 100);
        Moments.push(["track", "add_to_cart", {
          currency: "EUR",
          value: (line.price * line.quantity) / 100,
          items: [{ item_id: line.sku, item_name: line.title, price: line.price / 100, quantity: line.quantity }],
        }]);
        window.__added = (window.__added || 0) + 1;
      })
      .catch(function () { document.querySelector(".warenkorb-fehler").hidden = false; })
      .then(function () { button.disabled = false; });
  });
})();
