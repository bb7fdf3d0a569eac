// Shared helpers for the end-to-end tests: Debian's Chromium driven by playwright-core, pages
// served by `cargo xtask test` at MOMENTS_BASE.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const BASE = process.env.MOMENTS_BASE || "http://127.0.0.1:8080";
export const SHOTS = fileURLToPath(new URL("./shots/", import.meta.url));
mkdirSync(SHOTS, { recursive: true });

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
];

/** Launches Chromium with a fresh profile (playwright makes it under TMPDIR). */
export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/**
 * A new page that records console errors, page errors and Moments SDK events (window.__events).
 * `opts.mobile` emulates a touch phone.
 */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext(opts.mobile
    ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
    : { viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") page.errors.push(m.text()); });
  return page;
}

/** Waits until window.Moments is ready (the SDK started and applied its first decisions). */
export async function momentsReady(page) {
  await page.waitForFunction(() => window.Moments && window.Moments.ready, null, { timeout: 15000 });
  await page.evaluate(() => window.Moments.ready);
}

/** Every `moments_*` entry the SDK pushed to window.dataLayer so far. */
export function momentsEvents(page) {
  return page.evaluate(() => (window.dataLayer || []).filter((e) => e && typeof e.event === "string" && e.event.startsWith("moments_")).map((e) => JSON.parse(JSON.stringify(e))));
}
