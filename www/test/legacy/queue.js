// The shop's Moments set-up, before the tag (README: the pre-load queue): a handler for the SDK's
// errors, one for the flow's "Talk to us" button, one for the size guide's emitted event, and a
// site attribute.
window.Moments = window.Moments || [];
window.__sdkErrors = [];
Moments.push(["on", "error", function (e) { window.__sdkErrors.push(e); }]);
Moments.push(["on", "chat_requested", function () { document.getElementById("chat").hidden = false; }]);
Moments.push(["on", "guide_tracked", function (d) { document.getElementById("guide-log").textContent = "guide seen (" + d.source + ")"; }]);
Moments.push(["set", { tier: "gold" }]);
