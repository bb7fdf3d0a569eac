import { launch, BASE } from "./browser.mjs";
const b = await launch();
const page = await (await b.newContext()).newPage();
page.on("console", m => console.log("console:", m.type(), m.text().slice(0, 300)));
page.on("pageerror", e => console.log("pageerror:", String(e)));
await page.goto(`${BASE}/test/xss-nocsp.html?q=${encodeURIComponent(process.argv[2])}`);
await page.waitForTimeout(1500);
console.log(await page.evaluate(() => JSON.stringify({ready: !!(window.Moments && window.Moments.ready), dl: (window.dataLayer||[]).map(e => e.event + (e.name ? ":" + e.name : "") + (e.message ? ":" + e.message : "")), ctx: window.Moments.context().search })));
await b.close();
