// `cargo xtask bench`, the Node and browser half: measures Moments next to its peers and prints
// one table (also written to target/bench/results.json and between the markers of BENCHMARKS.md).
//
//   node tests/bench/run.mjs [--xtask target/bench/xtask.json] [--only conditions,events,startup,scroll,memory] [--quick]
//
// Env: MOMENTS_BASE (the xtask server: www/ at /, dist/script at /moments/), MOMENTS_PEERS (a
// writable copy of ../shared/peers with node_modules; default target/peers), CHROMIUM.
// The xtask half (xtask/src/bench.rs) measures the native engine and the sizes, installs the
// peers, serves the pages, and hands its numbers over in --xtask.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, copyFileSync, existsSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import * as fixture from "./fixture.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const QUICK = args.includes("--quick");
const ONLY = opt("--only", "conditions,events,startup,scroll,memory,hotspots").split(",");
const BASE = process.env.MOMENTS_BASE || "http://127.0.0.1:8096";
const PEERS = process.env.MOMENTS_PEERS || `${ROOT}target/peers`;
const XTASK = opt("--xtask", null);
// The xtask serves a snapshot of the build (www/bench/vendor/sdk/, target/bench/npm/); without
// it, the live build (/moments/, dist/npm/).
const SNAP = existsSync(`${ROOT}www/bench/vendor/sdk/moments.wasm`) && !args.includes("--live");
const MOMENTS_PAGE = SNAP ? "/bench/vendor/moments.html" : "/bench/index.html";
const SDK_URL = SNAP ? "/bench/vendor/sdk/" : "/moments/";
const NPM = SNAP && existsSync(`${ROOT}target/bench/npm/node.js`) ? `${ROOT}target/bench/npm/` : `${ROOT}dist/npm/`;
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
];
const log = (...a) => console.error("[bench]", ...a);
const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1] : NaN);
const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const results = { date: new Date().toISOString(), machine: machine(), base: BASE };

function machine() {
  let model = cpus()[0]?.model || "?";
  try {
    const m = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) model = m[1];
  } catch {}
  return { nproc: cpus().length, cpu: model, node: process.version, load: loadavg() };
}

function loadavg() {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "?";
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Condition evaluation: Moments wasm under Node (dist/npm) and the peers' own harness.

async function conditionsWasm() {
  const node = await import(`${NPM}node.js`);
  await node.load();
  const wasm = await import(`${NPM}moments_wasm.js`);
  if (typeof wasm.bench_conditions !== "function") return { error: "dist/npm has no bench_conditions export" };
  const rules = readFileSync(`${PEERS}/rules-growthbook.json`, "utf8");
  const contexts = readFileSync(`${PEERS}/contexts.json`, "utf8");
  const r = JSON.parse(wasm.bench_conditions(rules, contexts, QUICK ? 4 : 11));
  const pairs = r.rules * r.contexts;
  const rates = r.roundMs.slice(1).map((ms) => pairs / (ms / 1000));
  return { rate: median(rates), matches: r.matches, compileMs: r.compileMs, roundMs: median(r.roundMs.slice(1)) };
}

function conditionsPeers() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["bench-conditions.mjs"], { cwd: PEERS, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      const peers = {};
      for (const line of out.split("\n")) {
        const m = /^\| (GrowthBook evalCondition|json-logic-js apply|json-rules-engine run) \| ([\d,]+) \| (\d+) \|/.exec(line);
        if (m) peers[m[1].split(" ")[0]] = { rate: Number(m[2].replace(/,/g, "")), matches: Number(m[3]) };
      }
      const cases = /on its own cases: (\d+)\/(\d+)/.exec(out);
      resolve({ code, peers, cases: cases ? `${cases[1]}/${cases[2]}` : null, stderr: err.trim().slice(0, 500) });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Browser helpers.

async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

async function open(browser, path) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") page.errors.push(m.text());
  });
  await page.goto(BASE + path, { waitUntil: "load" });
  return page;
}

async function ready(page, timeout = 20000) {
  await page.waitForFunction(() => window.__bench && window.__bench.ready, null, { timeout });
}

const close = (page) => page.context().close().catch(() => {});

// ---------------------------------------------------------------------------------------------
// 2. Event to page change.

// Installed in the page: one measured event. The change is applied synchronously inside the call,
// so the time of the call is the time to the change in place; the MutationObserver (whose callback
// runs at the microtask checkpoint right after) confirms a change happened and when it was seen.
const MEASURE = () => {
  window.__measure = async (kind, i) => {
    if (kind === "exit") Moments.set({ n: i });
    let tMut = 0;
    let records = 0;
    let added = 0;
    const targets = new Set();
    const mo = new MutationObserver((list) => {
      if (!tMut) tMut = performance.now();
      for (const r of list) {
        records++;
        added += r.addedNodes.length;
        targets.add(r.target);
      }
    });
    mo.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    const t0 = performance.now();
    if (kind === "cart") Moments.track("add_to_cart", { id: "p" + (i % 20), price: 25, quantity: 1, currency: "USD" });
    else if (kind === "exit") Moments.fire("exit_intent");
    else if (kind === "mouseout") document.documentElement.dispatchEvent(new MouseEvent("mouseout", { bubbles: true, relatedTarget: null, clientX: 600, clientY: 0 }));
    const t1 = performance.now();
    await null; // the MutationObserver's microtask was queued first, so it has run
    for (const r of mo.takeRecords()) {
      records++;
      added += r.addedNodes.length;
      targets.add(r.target);
    }
    mo.disconnect();
    return { sync: t1 - t0, mo: tMut ? tMut - t0 : null, records, added, targets: targets.size };
  };
};

const promptCount = () => document.querySelectorAll("body > *:not(header):not(main):not(footer):not(#promo-slot):not(script)").length;

async function events(browser) {
  const n = QUICK ? 200 : 1000;
  const page = await open(browser, MOMENTS_PAGE);
  await ready(page);
  await page.evaluate(MEASURE);
  const out = {};
  // add_to_cart: in-page loop, a macrotask between events.
  // Each series stops at its time budget (reported as n < 1000), so that a slow SDK cannot make
  // the whole bench overrun.
  const budget = QUICK ? 15000 : 45000;
  const cart = await page.evaluate(async ([n, budget]) => {
    const xs = [];
    const end = performance.now() + budget;
    for (let i = 0; i < n + 10 && performance.now() < end; i++) {
      const r = await window.__measure("cart", i);
      if (i >= 10) xs.push(r);
      await new Promise((res) => setTimeout(res, 0));
    }
    return xs;
  }, [n, budget]);
  out.cart = { ...summarise(cart), planned: n };
  // exit intent by Moments.fire, dismissing the prompt between events (Escape).
  const baseHosts = await page.evaluate(promptCount);
  const exit = [];
  let dismissFailed = 0;
  const end = Date.now() + budget;
  for (let i = 0; i < n + 10 && Date.now() < end; i++) {
    const r = await page.evaluate((i) => window.__measure("exit", i), i);
    if (i >= 10) exit.push(r);
    if ((await page.evaluate(promptCount)) > baseHosts) {
      await page.keyboard.press("Escape");
      try {
        await page.waitForFunction((b) => {
          const n = document.querySelectorAll("body > *:not(header):not(main):not(footer):not(#promo-slot):not(script)").length;
          return n <= b;
        }, baseHosts, { timeout: 1000, polling: 5 });
      } catch {
        dismissFailed++;
      }
    }
  }
  out.exit = { ...summarise(exit), dismissFailed, planned: n };
  out.errors = page.errors.slice(0, 5);
  await close(page);
  return out;
}

function summarise(xs) {
  const sync = xs.map((x) => x.sync);
  const mo = xs.filter((x) => x.mo != null).map((x) => x.mo);
  return {
    n: xs.length,
    p50: pct(sync, 50),
    p99: pct(sync, 99),
    max: Math.max(...sync),
    moP50: pct(mo, 50),
    moP99: pct(mo, 99),
    changed: xs.filter((x) => x.records > 0).length,
    records: median(xs.map((x) => x.records)),
    targets: median(xs.map((x) => x.targets)),
    added: xs.reduce((a, x) => a + x.added, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Start-up: script tag to ready, next to GrowthBook; long tasks; the exit-intent mouseout.

async function loadOnce(browser, path, { exit = false, breakdown = false } = {}) {
  const page = await open(browser, path);
  await ready(page);
  await sleep(200); // let the longtask observer deliver
  const r = await page.evaluate(() => {
    const res = performance.getEntriesByType("resource").map((e) => ({ name: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd }));
    const nav = performance.getEntriesByType("navigation")[0];
    const fcp = performance.getEntriesByType("paint").find((p) => p.name === "first-contentful-paint");
    const b = window.__bench;
    return {
      ready: b.ready, loaded: b.loaded, init: b.init, fetched: b.fetched, on: b.on,
      longtasks: b.longtasks, noLongtask: b.noLongtask,
      wasmBytes: b.memory ? b.memory.buffer.byteLength : null,
      res, dcl: nav && nav.domContentLoadedEventEnd, fcp: fcp && fcp.startTime,
    };
  });
  if (exit) {
    // The real path: a mouseout through the top edge once minSeconds (1 s in the bench bundle) passed.
    await page.evaluate(MEASURE);
    await page.waitForFunction(() => performance.now() > window.__bench.ready + 1100);
    r.exit = await page.evaluate(() => window.__measure("mouseout", 0));
  }
  if (breakdown) {
    // Parts of the start: wasm compile alone, bundle parse + check + compile alone (validate).
    r.parts = await page.evaluate(async (SDK) => {
      const buf = await (await fetch(SDK + "moments.wasm")).arrayBuffer();
      const text = await (await fetch("/bench/vendor/bundle.json")).text();
      const c = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        await WebAssembly.compile(buf);
        c.push(performance.now() - t);
      }
      const v = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        Moments.validate(text);
        v.push(performance.now() - t);
      }
      const m = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
      return { wasmCompile: m(c), bundleLoad: m(v), wasmRaw: buf.byteLength, bundleRaw: text.length };
    }, SDK_URL);
  }
  r.errors = page.errors.slice(0, 5);
  await close(page);
  return r;
}

async function longestTask(browser, path) {
  // Every main-thread task of one load (not only those over 50 ms), from a trace.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.wasm", "v8"] });
  await page.goto(BASE + path, { waitUntil: "load" });
  await ready(page);
  await sleep(300);
  const buf = await browser.stopTracing();
  await context.close();
  const trace = JSON.parse(buf.toString());
  const evs = trace.traceEvents || trace;
  const main = new Set(evs.filter((e) => e.name === "thread_name" && e.args && e.args.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const tasks = evs.filter((e) => e.ph === "X" && (e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask") && main.has(`${e.pid}:${e.tid}`));
  let top = null;
  for (const t of tasks) if (!top || t.dur > top.dur) top = t;
  // What the longest task did: its heaviest child events.
  let what = [];
  if (top) {
    const inside = evs.filter((e) => e.ph === "X" && e.pid === top.pid && e.tid === top.tid && e.ts >= top.ts && e.ts + (e.dur || 0) <= top.ts + top.dur && e !== top && e.dur > 0.1 * top.dur);
    what = [...new Set(inside.map((e) => `${e.name}${e.args?.data?.url ? " " + new URL(e.args.data.url, BASE).pathname : ""}`))].slice(0, 6);
  }
  // Inside it: lazy compilation of wasm functions on first call, and wasm memory growth.
  const sum = (name) => {
    if (!top) return null;
    const xs = evs.filter((e) => e.ph === "X" && e.name === name && e.pid === top.pid && e.tid === top.tid && e.ts >= top.ts && e.ts + e.dur <= top.ts + top.dur);
    return { ms: xs.reduce((a, e) => a + e.dur, 0) / 1000, n: xs.length };
  };
  const lazy = sum("wasm.CompileLazy");
  const grow = sum("wasm.GrowMemory");
  // tdur is the thread's CPU time: what the task cost, whatever else the machine was doing.
  return { longestMs: top ? top.dur / 1000 : null, longestCpuMs: tasks.some((t) => t.tdur) ? Math.max(...tasks.map((t) => t.tdur || 0)) / 1000 : null, tasks: tasks.length, what, lazy, grow };
}

async function startup(browser) {
  const runs = QUICK ? 3 : 7;
  const m = [];
  const g = [];
  for (let i = 0; i < runs; i++) {
    m.push(await loadOnce(browser, MOMENTS_PAGE, { exit: true, breakdown: i === 0 }));
    g.push(await loadOnce(browser, "/bench/vendor/growthbook.html"));
  }
  const res = (r, p) => r.res.find((e) => e.name === p) || {};
  const mom = {
    runs,
    ready: median(m.map((r) => r.ready)),
    readyRange: [Math.min(...m.map((r) => r.ready)), Math.max(...m.map((r) => r.ready))],
    scriptEnd: median(m.map((r) => res(r, SDK_URL + "moments.js").end)),
    wasmEnd: median(m.map((r) => res(r, SDK_URL + "moments.wasm").end)),
    bundleEnd: median(m.map((r) => res(r, "/bench/vendor/bundle.json").end)),
    loaded: median(m.map((r) => r.loaded)),
    fcp: median(m.map((r) => r.fcp)),
    longtasks: m.flatMap((r) => r.longtasks),
    wasmBytes: median(m.map((r) => r.wasmBytes)),
    parts: m[0].parts,
    exit: m.map((r) => r.exit).filter(Boolean),
    errors: m.flatMap((r) => r.errors).slice(0, 5),
  };
  mom.exitSync = median(mom.exit.map((e) => e.sync));
  mom.exitMax = Math.max(...mom.exit.map((e) => e.sync));
  mom.exitChanged = mom.exit.filter((e) => e.records > 0).length;
  const gb = {
    runs,
    ready: median(g.map((r) => r.ready)),
    readyRange: [Math.min(...g.map((r) => r.ready)), Math.max(...g.map((r) => r.ready))],
    scriptEnd: median(g.map((r) => res(r, "/bench/vendor/growthbook.min.js").end)),
    featuresEnd: median(g.map((r) => res(r, "/bench/vendor/features.json").end)),
    init: median(g.map((r) => r.init - r.fetched)),
    evalAll: median(g.map((r) => r.ready - r.init)),
    on: g[0].on,
    fcp: median(g.map((r) => r.fcp)),
    longtasks: g.flatMap((r) => r.longtasks),
    errors: g.flatMap((r) => r.errors).slice(0, 5),
  };
  const traced = { moments: await longestTask(browser, MOMENTS_PAGE), growthbook: await longestTask(browser, "/bench/vendor/growthbook.html") };
  return { moments: mom, growthbook: gb, traced };
}

// ---------------------------------------------------------------------------------------------
// 4. Main-thread cost of tracking while scrolling: CDP Performance metrics, with and without the
// SDK, and a CPU profile attributing time to the SDK's own code (moments.js and its wasm).

const SCROLL = (ms) => new Promise((resolve) => {
  const end = performance.now() + ms;
  let dir = 1;
  let frames = 0;
  const step = () => {
    const max = document.documentElement.scrollHeight - innerHeight;
    if (scrollY >= max - 2) dir = -1;
    else if (scrollY <= 0) dir = 1;
    window.scrollBy(0, 12 * dir);
    frames++;
    if (performance.now() < end) requestAnimationFrame(step);
    else resolve(frames);
  };
  requestAnimationFrame(step);
});

async function scrollOnce(browser, path, seconds, profile) {
  const page = await open(browser, path);
  if (path === MOMENTS_PAGE) await ready(page);
  await sleep(500);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const metrics = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  if (profile) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
    await cdp.send("Profiler.start");
  }
  const a = await metrics();
  const t0 = Date.now();
  const frames = await page.evaluate(SCROLL, seconds * 1000);
  const wall = (Date.now() - t0) / 1000;
  const b = await metrics();
  let sdk = null;
  if (profile) {
    const { profile: p } = await cdp.send("Profiler.stop");
    sdk = attribute(p);
  }
  const scrollEvents = await page.evaluate(() => window.Moments && typeof Moments.context === "function" ? Moments.context().scroll : null);
  await close(page);
  return {
    wall,
    frames,
    task: (b.TaskDuration - a.TaskDuration) / wall,
    script: (b.ScriptDuration - a.ScriptDuration) / wall,
    sdk,
    scroll: scrollEvents,
  };
}

// Samples whose stack has a frame of the SDK (moments.js, its wasm), as a share of wall time.
function attribute(p) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const isSdk = (n) => /\/moments\.js/.test(n.callFrame.url) || n.callFrame.url.startsWith("wasm://");
  const memo = new Map();
  const inSdk = (id) => {
    if (memo.has(id)) return memo.get(id);
    const n = byId.get(id);
    const v = !!n && (isSdk(n) || (parent.has(id) && inSdk(parent.get(id))));
    memo.set(id, v);
    return v;
  };
  let sdkUs = 0;
  const fns = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    if (inSdk(p.samples[i])) {
      sdkUs += dt;
      const cf = byId.get(p.samples[i]).callFrame;
      const k = cf.functionName || cf.url || "(anonymous)";
      fns.set(k, (fns.get(k) || 0) + dt);
    }
  }
  const total = p.endTime - p.startTime;
  const top = [...fns.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, us]) => `${k} ${(us / 1000).toFixed(1)} ms`);
  return { share: sdkUs / total, ms: sdkUs / 1000, top };
}

async function scrolling(browser) {
  const seconds = QUICK ? 2 : 5;
  const reps = QUICK ? 1 : 3;
  const withSdk = [];
  const without = [];
  for (let i = 0; i < reps; i++) {
    without.push(await scrollOnce(browser, "/bench/vendor/plain.html", seconds, false));
    withSdk.push(await scrollOnce(browser, MOMENTS_PAGE, seconds, false));
  }
  const prof = await scrollOnce(browser, MOMENTS_PAGE, seconds, true);
  const m = (xs, k) => median(xs.map((x) => x[k]));
  return {
    seconds, reps,
    withTask: m(withSdk, "task"), withoutTask: m(without, "task"),
    withRange: [Math.min(...withSdk.map((x) => x.task)), Math.max(...withSdk.map((x) => x.task))],
    withoutRange: [Math.min(...without.map((x) => x.task)), Math.max(...without.map((x) => x.task))],
    withScript: m(withSdk, "script"), withoutScript: m(without, "script"),
    frames: m(withSdk, "frames"),
    extraTask: m(withSdk, "task") - m(without, "task"),
    extraScript: m(withSdk, "script") - m(without, "script"),
    profiled: prof.sdk,
    scroll: prof.scroll,
  };
}

// ---------------------------------------------------------------------------------------------
// 5. Memory over a 100,000-event journey.

const JOURNEY = () => {
  const words = ["running shoes", "rain jacket", "giày chạy bộ", "size guide", "store near me", "return policy", "best trail shoe", "áo khoác", "discount code", "how to lace"];
  window.__journey = (start, n) => {
    const t = performance.now();
    for (let i = start; i < start + n; i++) {
      const k = i % 20;
      const id = "p" + (i % 50);
      if (k < 6) Moments.track("view_item", { id, price: 10 + (i % 90) });
      else if (k < 8) Moments.track("add_to_cart", { id, price: 10 + (i % 90), quantity: 1 });
      else if (k < 10) Moments.track("remove_from_cart", { id: "p" + ((i - 40) % 50), quantity: 1 });
      else if (k < 12) Moments.track("search", { search_term: words[i % words.length] + " " + (i % 100) });
      else if (k < 17) Moments.track("bench_evt_" + (i % 40), { i });
      else if (k < 19) window.dispatchEvent(new Event("scroll"));
      else if (i % 1000 === 19) Moments.fire("exit_intent");
      else Moments.set({ n: i % 100 });
    }
    return performance.now() - t;
  };
};

async function memory(browser) {
  const total = QUICK ? 10000 : 100000;
  const chunk = 1000;
  const marks = QUICK ? [1000, 10000] : [1000, 10000, 50000, 100000];
  const page = await open(browser, MOMENTS_PAGE);
  await ready(page);
  await page.evaluate(JOURNEY);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const sample = async (events, ms) => {
    await cdp.send("HeapProfiler.collectGarbage");
    const heap = await cdp.send("Runtime.getHeapUsage");
    const met = Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
    const inPage = await page.evaluate(() => {
      let store = 0;
      for (let i = 0; i < localStorage.length; i++) store += (localStorage.getItem(localStorage.key(i)) || "").length;
      return { wasm: window.__bench.memory ? window.__bench.memory.buffer.byteLength : null, store };
    });
    return { events, wasm: inPage.wasm, heapUsed: heap.usedSize, heapTotal: heap.totalSize, nodes: met.Nodes, listeners: met.JSEventListeners, store: inPage.store, chunkMs: ms };
  };
  const samples = [await sample(0, 0)];
  let done = 0;
  let ms = 0;
  const t0 = Date.now();
  const budget = QUICK ? 60000 : 150000;
  while (done < total) {
    ms = await page.evaluate(([s, n]) => window.__journey(s, n), [done, chunk]);
    done += chunk;
    await page.evaluate(() => {
      window.scrollTo(0, Math.random() * (document.documentElement.scrollHeight - innerHeight));
      return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    });
    if (marks.includes(done)) {
      samples.push(await sample(done, ms));
      log(`memory: ${done} events, wasm ${samples.at(-1).wasm}, heap ${samples.at(-1).heapUsed}, last chunk ${ms.toFixed(0)} ms`);
    }
    if (Date.now() - t0 > budget) {
      samples.push(await sample(done, ms));
      log(`memory: stopped at ${done} events (time budget ${budget / 1000} s)`);
      break;
    }
  }
  const errors = page.errors.slice(0, 5);
  await close(page);
  return { total: done, planned: total, samples, wallS: (Date.now() - t0) / 1000, errors };
}

// ---------------------------------------------------------------------------------------------
// Hot spots: CPU profiles of the start, of add_to_cart events and of scrolling, on the same page
// with a wasm that keeps its function names (www/bench/vendor/prof/, made by the xtask).

// Rust's legacy mangling (_ZN3foo3bar17h0123456789abcdefE) to foo::bar.
function demangle(name) {
  const m = /^_ZN(.*)E$/.exec(name);
  if (!m) return name.replace(/::h[0-9a-f]{16}$/, "").replace(/\[[0-9a-f]{16}\]/g, "");
  const parts = [];
  let s = m[1];
  while (s.length) {
    const n = /^(\d+)/.exec(s);
    if (!n) break;
    const len = Number(n[1]);
    parts.push(s.slice(n[1].length, n[1].length + len));
    s = s.slice(n[1].length + len);
  }
  if (parts.length && /^h[0-9a-f]{16}$/.test(parts.at(-1))) parts.pop();
  return parts.join("::").replace(/\$LT\$/g, "<").replace(/\$GT\$/g, ">").replace(/\$u20\$/g, " ").replace(/\$RF\$/g, "&").replace(/\$C\$/g, ",").replace(/\$u7b\$/g, "{").replace(/\$u7d\$/g, "}").replace(/\.\./g, "::");
}

// Self time per function: all samples (`sdkOnly` false) or those with an SDK frame on the stack.
function hot(p, sdkOnly, n = 8) {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const parent = new Map();
  for (const x of p.nodes) for (const c of x.children || []) parent.set(c, x.id);
  const isSdk = (x) => /\/moments\.js/.test(x.callFrame.url) || x.callFrame.url.startsWith("wasm://");
  const memo = new Map();
  const inSdk = (id) => {
    if (memo.has(id)) return memo.get(id);
    const x = byId.get(id);
    const v = !!x && (isSdk(x) || (parent.has(id) && inSdk(parent.get(id))));
    memo.set(id, v);
    return v;
  };
  const self = new Map();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    const x = byId.get(p.samples[i]);
    if (!x || ["(idle)", "(program)"].includes(x.callFrame.functionName)) continue;
    if (sdkOnly && !inSdk(p.samples[i])) continue;
    total += dt;
    const k = demangle(x.callFrame.functionName || "(anonymous)") + (x.callFrame.url.startsWith("wasm://") ? " [wasm]" : "");
    self.set(k, (self.get(k) || 0) + dt);
  }
  // Inclusive time of the SDK's own functions (each counted once per sample).
  const incl = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    const seen = new Set();
    for (let id = p.samples[i]; id !== undefined; id = parent.get(id)) {
      const k = demangle(byId.get(id).callFrame.functionName || "");
      if (/^moments_(engine|web)::/.test(k) && !seen.has(k)) {
        seen.add(k);
        incl.set(k, (incl.get(k) || 0) + dt);
      }
    }
  }
  const list = (m, k) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k).map(([fn, us]) => ({ fn, ms: +(us / 1000).toFixed(2) }));
  return { totalMs: total / 1000, top: list(self, n), inclusive: list(incl, n) };
}

async function hotspots(browser) {
  const path = "/bench/vendor/profile.html";
  // The named wasm must be the shipped one with names: the same imports.
  const imports = (f) => JSON.stringify(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(f))));
  if (imports(`${ROOT}www/bench/vendor/prof/moments.wasm`) !== imports(`${ROOT}www/bench/vendor/sdk/moments.wasm`)) {
    return { error: "the named wasm does not match the snapshot (the build changed in between); skipped" };
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
  await cdp.send("Profiler.start");
  const res = await page.goto(BASE + path, { waitUntil: "load" });
  if (!res.ok()) throw new Error(`${path}: HTTP ${res.status()}`);
  await ready(page);
  const start = hot((await cdp.send("Profiler.stop")).profile, false, 12);
  await page.evaluate(MEASURE);
  await cdp.send("Profiler.start");
  const n = QUICK ? 100 : 300;
  await page.evaluate(async (n) => {
    for (let i = 0; i < n; i++) await window.__measure("cart", i);
  }, n);
  const cart = hot((await cdp.send("Profiler.stop")).profile, true, 12);
  await cdp.send("Profiler.start");
  await page.evaluate(SCROLL, QUICK ? 2000 : 5000);
  const scroll = hot((await cdp.send("Profiler.stop")).profile, true, 8);
  await context.close();
  return { start, cart: { events: n, ...cart }, scroll };
}

// ---------------------------------------------------------------------------------------------
// The table.

const fmt = {
  rate: (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(1)} k/s`),
  ms: (x, d = 2) => (x == null || Number.isNaN(x) ? "–" : `${x.toFixed(d)} ms`),
  mb: (x) => (x == null ? "–" : `${(x / 1048576).toFixed(2)} MB`),
  kb: (x) => `${(x / 1024).toFixed(1)} KB`,
  x: (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : "–"),
  pc: (x) => `${(x * 100).toFixed(2)} %`,
};

function table(r) {
  const rows = [];
  const row = (n, what, moments, peer, ratio, goal, status) => rows.push(`| ${n} | ${what} | ${moments} | ${peer} | ${ratio} | ${goal} | ${status} |`);
  const ok = (b) => (b == null ? "n/a" : b ? "met" : "**missed**");
  const c = r.conditions;
  if (c) {
    const gb = c.peers?.peers?.GrowthBook;
    const jl = c.peers?.peers?.["json-logic-js"];
    const jr = c.peers?.peers?.["json-rules-engine"];
    const nat = r.xtask?.native;
    if (nat && gb) row(1, `conditions, native (${nat.matches} matches)`, fmt.rate(nat.rate), `GrowthBook ${fmt.rate(gb.rate)} (${gb.matches})`, fmt.x(nat.rate / gb.rate), "≥ 10×", ok(nat.rate / gb.rate >= 10 && nat.matches === 4960));
    if (c.wasm?.rate && gb) row(1, `conditions, wasm in Node (${c.wasm.matches} matches)`, fmt.rate(c.wasm.rate), `GrowthBook ${fmt.rate(gb.rate)}`, fmt.x(c.wasm.rate / gb.rate), "≥ 3×", ok(c.wasm.rate / gb.rate >= 3 && c.wasm.matches === 4960));
    if (c.wasm?.rate && jl) row(1, "conditions, wasm vs json-logic-js", fmt.rate(c.wasm.rate), `json-logic-js ${fmt.rate(jl.rate)} (${jl.matches})`, fmt.x(c.wasm.rate / jl.rate), "–", "");
    if (c.wasm?.rate && jr) row(1, "conditions, wasm vs json-rules-engine", fmt.rate(c.wasm.rate), `json-rules-engine ${fmt.rate(jr.rate)} (${jr.matches})`, fmt.x(c.wasm.rate / jr.rate), "–", "");
    if (nat?.rate && jl) row(1, "conditions, native vs json-logic-js", fmt.rate(nat.rate), `json-logic-js ${fmt.rate(jl.rate)}`, fmt.x(nat.rate / jl.rate), "–", "");
  }
  const e = r.events;
  if (e) {
    const st = (s) => s.changed === 0 ? "**no DOM change seen**" : ok(s.p99 < 1);
    const cut = (x) => (x.n < x.planned ? `, cut at the time budget: ${x.planned} planned` : "");
    row(2, `add_to_cart → DOM change, p50 / p99 / max (n=${e.cart.n}${cut(e.cart)}; ${e.cart.changed} changed the DOM, median ${e.cart.records} mutations)`, `${fmt.ms(e.cart.p50, 3)} / ${fmt.ms(e.cart.p99, 3)} / ${fmt.ms(e.cart.max, 2)}`, "–", "", "p99 < 1 ms", st(e.cart));
    row(2, `exit intent (fire) → prompt + changes, p50 / p99 / max (n=${e.exit.n}${cut(e.exit)}; ${e.exit.changed} changed the DOM, ${e.exit.added} nodes added)`, `${fmt.ms(e.exit.p50, 3)} / ${fmt.ms(e.exit.p99, 3)} / ${fmt.ms(e.exit.max, 2)}`, "–", "", "p99 < 1 ms", st(e.exit));
  }
  const s = r.startup;
  if (s) {
    const m = s.moments;
    const g = s.growthbook;
    if (m.exit.length) row(2, `exit intent (mouseout at the top, real listener) → prompt, median / max of ${m.exit.length} page loads (${m.exitChanged} changed the DOM)`, `${fmt.ms(m.exitSync, 3)} / ${fmt.ms(m.exitMax, 3)}`, "–", "", "< 1 ms", m.exitChanged ? ok(m.exitMax < 1) : "**no DOM change seen**");
    row(3, `script tag → ready, median of ${m.runs} loads (ms from navigation start)`, fmt.ms(m.ready, 1), `GrowthBook ${fmt.ms(g.ready, 1)} (init + evaluate 500 features)`, `${fmt.x(m.ready / g.ready)} GrowthBook's time`, "faster than GrowthBook", ok(m.ready < g.ready));
    if (m.parts) row(3, "… of which: wasm compile alone / 500-rule bundle parse + check + compile alone", `${fmt.ms(m.parts.wasmCompile)} / ${fmt.ms(m.parts.bundleLoad)}`, `GrowthBook init ${fmt.ms(g.init)} / evaluate all ${fmt.ms(g.evalAll)}`, "", "–", "");
    const lt = (x) => x.length ? fmt.ms(Math.max(...x.map((t) => t.duration)), 0) : "none ≥ 50 ms";
    const tr = s.traced;
    const inside = (t) => (t.lazy && t.lazy.n ? `, in it ${t.lazy.n} lazy wasm compiles ${fmt.ms(t.lazy.ms, 1)}, ${t.grow.n} memory.grow ${fmt.ms(t.grow.ms, 1)}` : "");
    row(3, "longest main-thread task during start: one traced load, wall (longest CPU); longest longtask entry over all loads", `${fmt.ms(tr.moments.longestMs, 1)} (${fmt.ms(tr.moments.longestCpuMs, 1)}${inside(tr.moments)}); ${lt(m.longtasks)}`, `GrowthBook ${fmt.ms(tr.growthbook.longestMs, 1)} (${fmt.ms(tr.growthbook.longestCpuMs, 1)}); ${lt(g.longtasks)}`, "", "≤ 50 ms", ok((tr.moments.longestMs ?? 0) <= 50 && m.longtasks.every((t) => t.duration <= 50)));
  }
  const sc = r.scroll;
  if (sc) {
    row(4, `main-thread CPU while scrolling ${sc.seconds} s: task time with − without SDK (median of ${sc.reps})`, `${fmt.pc(sc.extraTask)} of a core (script ${fmt.pc(sc.extraScript)})`, `page alone ${fmt.pc(sc.withoutTask)} (runs: with ${sc.withRange.map(fmt.pc).join("–")}, without ${sc.withoutRange.map(fmt.pc).join("–")})`, "", "< 1 %", ok(sc.extraTask < 0.01));
    if (sc.profiled) row(4, "… SDK code in the CPU profile (moments.js + wasm, inclusive)", `${fmt.pc(sc.profiled.share)} (${sc.profiled.ms.toFixed(1)} ms)`, "–", "", "< 1 %", ok(sc.profiled.share < 0.01));
  }
  const mem = r.memory;
  if (mem) {
    const at = (k) => mem.samples.map((x) => `${x.events / 1000}k: ${fmt.mb(x[k])}`).join(", ");
    const first = mem.samples.find((x) => x.events >= 1000) || mem.samples[0];
    const last = mem.samples.at(-1);
    const bounded = (k, slack) => last[k] <= first[k] * slack + 1048576;
    row(5, `wasm memory over a ${mem.total / 1000}k-event journey${mem.total < mem.planned ? ` (cut at the time budget: ${mem.planned / 1000}k planned)` : ""}`, at("wasm"), "–", "", "bounded", ok(bounded("wasm", 1.25)));
    row(5, "JS heap used (after GC)", at("heapUsed"), "–", "", "bounded", ok(bounded("heapUsed", 1.25)));
    row(5, "DOM nodes / listeners / stored profile chars", mem.samples.map((x) => `${x.events / 1000}k: ${x.nodes}/${x.listeners}/${x.store}`).join(", "), "–", "", "bounded", ok(last.nodes <= first.nodes * 1.1 + 50));
    row(5, "journey throughput (last 1000-event chunk)", `${(1000 / (last.chunkMs / 1000)).toFixed(0)} events/s`, "–", "", "–", "");
  }
  const z = r.xtask?.size;
  if (z) {
    const gbCore = 15498;
    row(6, "size, script tag total (moments.js + moments.wasm), gzip -9 / brotli", `${fmt.kb(z.gzip)} / ${fmt.kb(z.brotli)} (raw ${fmt.kb(z.raw)})`, `GrowthBook core ${fmt.kb(gbCore)} gzip`, fmt.x(z.gzip / gbCore), "≤ 60 KB gzip (goal 45)", ok(z.gzip <= 60 * 1024));
  }
  let out = ["| # | measure | Moments | peer | ratio | goal | status |", "|---|---|---|---|---|---|---|", ...rows].join("\n");
  const h = r.hotspots;
  if (h && h.error) out += `\n\nHot spots: ${h.error}`;
  else if (h) {
    const list = (xs) => xs.map((t) => `${t.fn.replace(/\|/g, "\\|")} ${t.ms} ms`).join("; ");
    out += "\n\nHot spots (CPU profiles on the same page with a wasm that keeps its function names; sampling, so ±10 %):\n\n" +
      `- start, whole page, ${h.start.totalMs.toFixed(1)} ms busy. Self: ${list(h.start.top)}. Inclusive, SDK functions: ${list(h.start.inclusive)}\n` +
      `- ${h.cart.events} add_to_cart events, under SDK frames, ${h.cart.totalMs.toFixed(1)} ms. Self: ${list(h.cart.top)}. Inclusive: ${list(h.cart.inclusive)}\n` +
      `- scrolling, under SDK frames, ${h.scroll.totalMs.toFixed(1)} ms. Self: ${list(h.scroll.top)}. Inclusive: ${list(h.scroll.inclusive)}`;
  }
  return out;
}

function writeMarkdown(r, text) {
  const path = `${ROOT}BENCHMARKS.md`;
  const start = "<!-- bench:results:start -->";
  const end = "<!-- bench:results:end -->";
  const block = `${start}\n\nRun ${r.date.slice(0, 16).replace("T", " ")} UTC on ${r.machine.nproc} × ${r.machine.cpu}, Node ${r.machine.node}, ` +
    `Chromium ${r.chromium || "?"}, load average at start ${r.machine.load}, at end ${r.loadEnd}; command: \`cargo xtask bench\`${QUICK ? " (--quick)" : ""}.\n\n${text}\n\n${end}`;
  let md = existsSync(path) ? readFileSync(path, "utf8") : `# Benchmarks\n\n${start}\n${end}\n`;
  if (!md.includes(start)) md += `\n${start}\n${end}\n`;
  md = md.slice(0, md.indexOf(start)) + block + md.slice(md.indexOf(end) + end.length);
  writeFileSync(path, md);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  fixture.write(`${ROOT}www`);
  const gbSrc = `${PEERS}/node_modules/@growthbook/growthbook/dist/bundles/index.min.js`;
  if (existsSync(gbSrc)) copyFileSync(gbSrc, `${ROOT}www/bench/vendor/growthbook.min.js`);
  if (XTASK && existsSync(XTASK)) results.xtask = JSON.parse(readFileSync(XTASK, "utf8"));
  {
    const node = await import(`${NPM}node.js`);
    const v = node.validate(readFileSync(`${ROOT}www/bench/vendor/bundle.json`, "utf8"));
    results.bundle = { rules: fixture.RULES, ok: v.ok, errors: v.errors.filter((e) => e.severity === "error").slice(0, 5), warnings: v.errors.filter((e) => e.severity !== "error").length };
    if (!v.ok) log("the bench bundle is refused:", JSON.stringify(results.bundle.errors));
  }
  if (ONLY.includes("conditions")) {
    log("conditions: Moments wasm under Node");
    results.conditions = { wasm: await conditionsWasm() };
    log("conditions: peers (../shared/peers/bench-conditions.mjs, ~40 s)");
    results.conditions.peers = existsSync(`${PEERS}/node_modules`) ? await conditionsPeers() : { error: `no ${PEERS}/node_modules` };
  }
  const needBrowser = ["events", "startup", "scroll", "memory", "hotspots"].some((k) => ONLY.includes(k));
  if (needBrowser) {
    const browser = await launch();
    results.chromium = browser.version();
    try {
      for (const [k, f] of [["startup", startup], ["events", events], ["scroll", scrolling], ["memory", memory], ["hotspots", hotspots]]) {
        if (k === "hotspots" && !(SNAP && existsSync(`${ROOT}www/bench/vendor/prof/moments.wasm`))) continue;
        if (!ONLY.includes(k)) continue;
        log(`${k}…`);
        const t = Date.now();
        try {
          results[k] = await f(browser);
        } catch (e) {
          results[k + "Error"] = String(e && e.stack || e).slice(0, 800);
          log(`${k} failed:`, e);
        }
        log(`${k} done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
      }
    } finally {
      await browser.close();
    }
  }
  results.loadEnd = loadavg();
  mkdirSync(`${ROOT}target/bench`, { recursive: true });
  writeFileSync(`${ROOT}target/bench/results.json`, JSON.stringify(results, null, 1));
  const text = table(results);
  console.log(`\n${text}\n`);
  for (const k of Object.keys(results).filter((k) => k.endsWith("Error"))) console.log(`${k}: ${results[k]}`);
  if (!args.includes("--no-write")) writeMarkdown(results, text);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
