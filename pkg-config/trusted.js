// Trusted Types: under a CSP with `require-trusted-types-for 'script'` the browser refuses markup
// and script URLs given as plain strings. Moments hands the page only markup that its sanitizer
// passed (dom.js) or that prompt.js built with every value escaped, and only the scripts beside
// moments.js (the prompt renderer, the debug overlay), so one policy, "moments", lets them
// through; a CSP that lists policy names lists `moments` too (README, "Content-Security-Policy").
// The policy is made on first use, only where the browser has Trusted Types, and it is not
// reachable from outside this module. Where the CSP forbids it, plain strings are passed on: the
// browser then refuses them (or runs them through the page's own default policy), and what
// refused them is reported as an error.
let policy;

const get = () => {
  if (policy === undefined) {
    policy = null;
    const tt = typeof window !== "undefined" && window.trustedTypes;
    if (tt && typeof tt.createPolicy === "function") {
      try {
        policy = tt.createPolicy("moments", { createHTML: (s) => s, createScriptURL: (s) => s });
      } catch (e) {
        /* not allowed by the CSP's trusted-types directive */
      }
    }
  }
  return policy;
};

/** Markup Moments built or sanitized, as the page's Trusted Types policy wants it. */
export const trustedHTML = (s) => (get() ? policy.createHTML(s) : s);

/** The URL of a script beside moments.js, as the page's Trusted Types policy wants it. */
export const trustedScriptURL = (s) => (get() ? policy.createScriptURL(s) : s);

/** What the browser said when it refused markup or a script URL, and how to allow it. */
export const refusal = (e) =>
  String((e && e.message) || e) + (policy === null && typeof window !== "undefined" && window.trustedTypes
    ? ' (the Content-Security-Policy must allow the Trusted Types policy "moments": trusted-types moments)'
    : "");
