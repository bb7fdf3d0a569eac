// The shop's analytics snippet (GA4 / GTM): it owns window.dataLayer.
declare global {
  interface Window {
    dataLayer: Array<Record<string, unknown>>;
  }
}
window.dataLayer = window.dataLayer || [];
export {};
