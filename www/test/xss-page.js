// Fixture script for the XSS end-to-end test (tests/e2e/xss.test.mjs): a dataLayer for the SDK's
// moments_* pushes, and a single-page-app style search form (the SDK sees the submit, the page
// does not navigate, so one page load can run many searches).
window.dataLayer = window.dataLayer || [];
document.addEventListener("submit", function (e) {
  if (e.target && e.target.matches && e.target.matches("form[data-spa]")) e.preventDefault();
});
