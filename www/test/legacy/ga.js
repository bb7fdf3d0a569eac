// The GA4 snippet as Google hands it out (gtag.js itself is not loaded: no network in tests).
window.dataLayer = window.dataLayer || [];
function gtag() { dataLayer.push(arguments); }
gtag("js", new Date());
gtag("config", "G-ALPINE01");
