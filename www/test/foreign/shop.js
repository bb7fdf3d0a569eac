// The shop's own script: a cart kept in the page that reports to GA4 only (dataLayer / gtag).
// It knows nothing about Moments.
(function () {
  "use strict";
  var gio = []; // {ma, ten, gia, sl}
  var vnd = function (n) { return n.toLocaleString("vi-VN") + " ₫"; };
  function capNhat() {
    var sl = 0, tong = 0;
    gio.forEach(function (d) { sl += d.sl; tong += d.gia * d.sl; });
    document.querySelector(".so-luong").textContent = String(sl);
    document.querySelector(".tong-tien").textContent = vnd(tong);
  }
  function sanPham(nut) {
    var the = nut.closest(".the-sp");
    return { ma: the.getAttribute("data-ma"), ten: the.querySelector(".ten-sp").textContent.trim(), gia: Number(the.getAttribute("data-gia")), sl: 1 };
  }
  function them(sp) {
    var co = gio.filter(function (d) { return d.ma === sp.ma; })[0];
    if (co) co.sl += 1; else gio.push(sp);
    capNhat();
  }
  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    var nut = t.closest(".nut-them");
    if (nut) {
      // GA4 recommended event, "dataLayer" style (what GTM setups push).
      var sp = sanPham(nut);
      them(sp);
      window.dataLayer.push({ ecommerce: null });
      window.dataLayer.push({
        event: "add_to_cart",
        ecommerce: { currency: "VND", value: sp.gia, items: [{ item_id: sp.ma, item_name: sp.ten, item_brand: "CBSG", price: sp.gia, quantity: 1 }] },
      });
      return;
    }
    nut = t.closest(".nut-mua-nhanh");
    if (nut) {
      // The same event, "gtag" style (gtag pushes its arguments object).
      var q = sanPham(nut);
      them(q);
      gtag("event", "add_to_cart", { currency: "VND", value: q.gia, items: [{ item_id: q.ma, item_name: q.ten, price: q.gia, quantity: 1 }] });
    }
  });
  // Search results page: shows the query the shopper typed (from ?tu-khoa=, or ?q=).
  var p = new URLSearchParams(location.search);
  var tu = p.get("tu-khoa") || p.get("q");
  var o = document.querySelector(".tu-da-tim");
  if (o && tu) o.textContent = tu;
})();
