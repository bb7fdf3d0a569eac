// Test fixture (loaded first, before the SDK): records Content-Security-Policy violations and
// whether the wasm was compiled while it streamed in. No inline script anywhere: the pages run
// under a strict CSP.
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.effectiveDirective + " " + e.blockedURI + " " + (e.sourceFile || ""));
});
window.__streaming = [];
["instantiateStreaming", "compileStreaming"].forEach(function (k) {
  var f = WebAssembly[k];
  if (typeof f === "function") {
    WebAssembly[k] = function () {
      window.__streaming.push(k);
      return f.apply(this, arguments);
    };
  }
});
window.dataLayer = window.dataLayer || [];
