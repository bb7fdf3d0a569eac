/* Trailhead demo catalog. Prices in USD. `art` names a drawing in shop.js. */
window.SHOP_CATEGORIES = {
  shoes: { name: "Shoes", kw: "giày shoe sneaker footwear", intro: "Road, trail and everyday shoes, cushioned for long miles. · Giày chạy bộ và đi hằng ngày." },
  clothing: { name: "Clothing", kw: "quần áo apparel", intro: "Breathable layers for hot streets and rainy seasons. · Quần áo thể thao thoáng khí." },
  accessories: { name: "Accessories", kw: "phụ kiện gear", intro: "Packs, caps, bottles and socks that go the distance. · Phụ kiện chạy bộ." }
};
(function () {
  var SHOE = ["US 6", "US 7", "US 8", "US 9", "US 10", "US 11", "US 12"];
  var FIT = ["XS", "S", "M", "L", "XL"];
  var ONE = ["One size"];
  window.SHOP_PRODUCTS = [
    { id: "aero-runner-2", name: "AeroRunner 2", price: 89, category: "shoes", art: "shoe", color: "#2563eb", badge: "Bestseller", featured: true, sizes: SHOE,
      description: "A light, bouncy daily trainer for road runs from 5K to half marathon.", kw: "road running cushioned daily trainer",
      details: ["8 mm drop, 245 g (US 9)", "Recycled mesh upper", "Rubber outsole rated for 800 km"] },
    { id: "trailgrip-gtx", name: "TrailGrip GTX", price: 129, category: "shoes", art: "shoe", color: "#15803d", badge: "Waterproof", featured: true, sizes: SHOE,
      description: "Waterproof trail shoe with 5 mm lugs for mud, rock and wet roots.", kw: "trail running hiking waterproof rain",
      details: ["Waterproof membrane", "5 mm multi-directional lugs", "Rock plate under the forefoot"] },
    { id: "giay-chay-bo-sai-gon", name: "Giày chạy bộ Sài Gòn", price: 59, category: "shoes", art: "shoe", color: "#dc2626", badge: "Mới · New", featured: true, sizes: SHOE,
      description: "Giày chạy bộ siêu nhẹ, đệm êm và thoáng khí, hợp với đường phố nóng ẩm.", kw: "running shoes light breathable saigon",
      details: ["Trọng lượng 210 g", "Lưới thoáng khí", "Đế cao su bám đường"] },
    { id: "citywalk-sneaker", name: "CityWalk Sneaker", price: 69, category: "shoes", art: "shoe", color: "#64748b", sizes: SHOE,
      description: "All-day comfort for commuting, travel and the walk home.", kw: "walking everyday casual sneaker",
      details: ["Memory-foam insole", "Machine washable", "Wide fit available in store"] },
    { id: "dryfit-tee", name: "DryFit Running Tee", price: 29, category: "clothing", art: "tee", color: "#0891b2", featured: true, sizes: FIT,
      description: "Quick-dry tee with flat seams that won't chafe on long runs.", kw: "shirt t-shirt áo thun quick dry",
      details: ["Dries in 20 minutes", "Reflective logo", "UPF 30"] },
    { id: "ao-khoac-gio", name: "Áo khoác gió siêu nhẹ", price: 49, category: "clothing", art: "jacket", color: "#f59e0b", badge: "Mùa mưa", sizes: FIT,
      description: "Áo khoác chống gió và mưa nhẹ, gấp gọn vào túi, lý tưởng cho mùa mưa.", kw: "windbreaker jacket rain packable",
      details: ["Nặng 95 g", "Gấp gọn vào túi ngực", "Chống nước nhẹ"] },
    { id: "storm-shell", name: "Storm Shell Jacket", price: 149, category: "clothing", art: "jacket", color: "#7c3aed", sizes: FIT,
      description: "Fully taped rain shell that breathes when the climb gets steep.", kw: "rain jacket waterproof shell",
      details: ["20K/20K waterproof-breathable", "Helmet-compatible hood", "Pit zips"] },
    { id: "split-shorts", name: "Split Shorts 5\"", price: 35, category: "clothing", art: "shorts", color: "#334155", sizes: FIT,
      description: "Race-day shorts with a liner and a zip pocket for keys and gels.", kw: "shorts race quần short",
      details: ["5-inch inseam", "Built-in liner", "Back zip pocket"] },
    { id: "trail-pack-12", name: "Trail Pack 12L", price: 75, category: "accessories", art: "bag", color: "#b45309", badge: "Bestseller", featured: false, sizes: ONE,
      description: "A running vest-pack that holds a rain shell, snacks and two bottles.", kw: "backpack vest hydration balo",
      details: ["12 litres", "Two front bottle pockets", "Fits chest 76–112 cm"] },
    { id: "featherlight-cap", name: "Featherlight Cap", price: 22, category: "accessories", art: "cap", color: "#db2777", sizes: ONE,
      description: "Unstructured cap that keeps sun and sweat out of your eyes.", kw: "hat sun mũ nón",
      details: ["Adjustable strap", "Sweat-wicking band", "Packs flat"] },
    { id: "insulated-bottle", name: "Insulated Bottle 750 ml", price: 27, category: "accessories", art: "bottle", color: "#0d9488", sizes: ONE,
      description: "Keeps water cold for 24 hours on the hottest days.", kw: "water flask bình nước",
      details: ["Double-wall steel", "Leak-proof lid", "Fits most bottle cages"] },
    { id: "tat-chay-bo", name: "Tất chạy bộ (3 đôi)", price: 18, category: "accessories", art: "socks", color: "#4f46e5", sizes: ["S (US 5–7)", "M (US 8–10)", "L (US 11–13)"],
      description: "Bộ 3 đôi tất chạy bộ cổ thấp, chống phồng rộp, khô nhanh.", kw: "socks running 3 pack",
      details: ["Chống phồng rộp", "Khô nhanh", "Gót và mũi gia cố"] }
  ];
  window.SHOP_PRODUCTS.forEach(function (p) { p.currency = "USD"; });
})();
