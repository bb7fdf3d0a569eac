// A customer's app: imports moments-sdk like any npm package and lets a rule change the page.
import { init } from "moments-sdk";

const status = document.getElementById("status");
const offer = document.getElementById("offer");
const log = (window.__log = []);

const m = await init({
  bundle: "./bundle.json",
  storage: "memory",
  on: {
    ready: (d) => log.push(["ready", d.bundle]),
    decision: (d) => log.push(["decision", d.rule, d.variant]),
    error: (e) => log.push(["error", e.message]),
    // An `emit` action: the rule fired and the app shows it.
    fixture_fired: () => {
      status.textContent = "fired";
    },
    offer: (p) => {
      offer.textContent = `Your code: ${p.code}`;
      offer.hidden = false;
    },
  },
});
m.set({ tier: "gold" });
document.getElementById("add").addEventListener("click", () => m.track("add_to_cart", { id: "sku-1", price: 25, quantity: 1 }));
window.__moments = m;
