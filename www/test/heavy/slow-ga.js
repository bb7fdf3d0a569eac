// The shop's analytics: GA4 through window.dataLayer (slow.html?noga: a shop without it).
if (!/[?&]noga\b/.test(location.search)) window.dataLayer = window.dataLayer || [];
