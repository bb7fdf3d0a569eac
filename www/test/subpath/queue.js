// Test fixture: what a page writes before the SDK has loaded (the pre-load queue). Handlers are
// queued too, so they must see `ready`, `error` and the first page view's rule.
window.__seen = [];
window.Moments = window.Moments || [];
Moments.push(["on", "ready", function (d) { __seen.push("ready:" + d.bundle); }]);
Moments.push(["on", "error", function (d) { __seen.push((d.severity === "warning" ? "warning:" : "error:") + d.message); }]);
Moments.push(["on", "fixture_fired", function () { __seen.push("fixture_fired"); }]);
Moments.push(["on", "step", function (d) { __seen.push("step:" + d.n); }]);
Moments.push(["on", "gold_welcome", function () { __seen.push("gold_welcome"); }]);
Moments.push(["set", { tier: "gold" }]);
Moments.push(["track", "add_to_cart", { value: 25 }]);
Moments.push(["track", "step_one"]);
Moments.push(["track", "step_two"], ["track", "step_three"]);
Moments.push(function (m) { __seen.push("callback:" + (m === window.Moments)); });
