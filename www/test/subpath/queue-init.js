// Test fixture: a page whose tag has no data-bundle starts the SDK from the pre-load queue.
window.__seen = [];
window.Moments = window.Moments || [];
Moments.push(["track", "step_one"]);
Moments.push(["init", { bundle: "bundle.json", storage: "memory" }]);
Moments.push(["on", "ready", function (d) { __seen.push("ready:" + d.bundle); }]);
Moments.push(["on", "step", function (d) { __seen.push("step:" + d.n); }]);
Moments.push(function () { __seen.push("callback:true"); });
