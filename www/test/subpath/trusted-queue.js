// Test fixture for trusted.html / trusted-none.html: a shopper name with markup in it (it must
// arrive as text), and a record of the flow's answer.
window.Moments = window.Moments || [];
Moments.push(["set", { name: "Ana <img src=x>" }]);
Moments.push(["on", "fit_chosen", function () { window.__seen.push("fit_chosen"); }]);
