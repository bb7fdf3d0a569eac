// The live preview: the demo shop in an iframe, with the edited bundle instead of its own.
//
// Each time a page loads in the frame, the shop's SDK starts on /bundles/default.json as usual.
// The playground then stops it with the public API (`Moments.destroy()`: the page is as before) and
// starts the edited bundle in the frame with the npm build's `create({bundle})`, loaded into the
// frame by ./frame.js (the script tag's `Moments.init` only starts a tag that has no data-bundle).
// The new instance is bound onto the frame's `window.Moments`, so the shop's own calls
// (`Moments.set`, `Moments.track`) and the debug overlay reach it. Storage is "session": caps and
// the shopper's journey carry across pages in the frame.

const METHODS = ["track", "set", "consent", "on", "off", "context", "explain", "reset", "destroy", "fire"];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(get, ms) {
  const end = Date.now() + ms;
  for (;;) {
    let v = null;
    try {
      v = get();
    } catch (e) {
      /* the frame is between documents */
    }
    if (v || Date.now() > end) return v;
    await sleep(40);
  }
}

export class Preview {
  /** `onStatus(text, kind)` reports what the preview shows (kind: ok | warn | busy). */
  constructor(frame, onStatus) {
    this.frame = frame;
    this.onStatus = onStatus;
    this.bundle = null; // a valid bundle object, or null when the editor has errors
    this.instance = null; // the edited bundle's Moments instance in the frame
    this.cursor = 0; // where this instance's moments_* entries start in the frame's dataLayer
    this.overlay = false;
    this.gen = 0;
    this.ownDoc = null; // the frame document whose own SDK instance was replaced
    this.waiters = [];
    frame.addEventListener("load", () => this.attach());
  }

  get win() {
    return this.frame.contentWindow;
  }

  /** Shows `path` of the demo shop; resolves once the edited bundle runs there. */
  navigate(path) {
    const done = new Promise((resolve) => this.waiters.push(resolve));
    const url = new URL(path, location.href).href;
    try {
      if (this.win && this.win.location.href !== "about:blank") this.win.location.replace(url);
      else this.frame.src = url;
    } catch (e) {
      this.frame.src = url;
    }
    return done;
  }

  reload() {
    const path = this.path() || "/index.html";
    return this.navigate(path);
  }

  /** The path and query of the page in the frame. */
  path() {
    try {
      const l = this.win.location;
      return l.href === "about:blank" ? "" : l.pathname + l.search;
    } catch (e) {
      return "";
    }
  }

  /** Swaps in another bundle (or none) on the page as it is, without reloading it. */
  async setBundle(bundle) {
    this.bundle = bundle;
    if (this.ownDoc && this.ownDoc === this.doc()) await this.apply(++this.gen);
  }

  doc() {
    try {
      return this.win.document;
    } catch (e) {
      return null;
    }
  }

  /** Shows or hides the SDK's debug overlay in the frame. */
  setOverlay(on) {
    this.overlay = on;
    this.showOverlay(on);
  }

  showOverlay(on) {
    try {
      const M = this.win.Moments;
      if (M && typeof M.debug === "function") M.debug(on);
    } catch (e) {
      /* no SDK in the frame */
    }
  }

  /** A new shopper: no Moments profile, caps or history, and an empty demo cart. */
  resetShopper() {
    try {
      if (this.instance) this.instance.reset();
      this.win.localStorage.removeItem("demo-cart");
    } catch (e) {
      /* the frame is between documents */
    }
  }

  async attach() {
    const gen = ++this.gen;
    const win = this.win;
    if (!this.path()) return; // the frame's first, empty document
    this.instance = null;
    this.onStatus("starting Moments…", "busy");
    const M = await waitFor(() => win.Moments && win.Moments.__moments && win.Moments, 6000);
    if (gen !== this.gen) return;
    if (M) {
      try {
        await M.ready; // the shop's own bundle, which the edited one replaces
        M.destroy();
      } catch (e) {
        /* never rejects, never throws; belt and braces */
      }
      if (gen !== this.gen) return;
    }
    const sdk = await this.boot(win);
    if (gen !== this.gen) return;
    if (!sdk) {
      this.onStatus("could not load /npm/index.js into the preview", "warn");
      return this.settled(null);
    }
    this.ownDoc = win.document;
    await this.apply(gen);
  }

  /** Loads ./frame.js into the frame (once per document): the npm build, in the frame's realm. */
  boot(win) {
    if (!win.__momentsPlayground) {
      const s = win.document.createElement("script");
      s.type = "module";
      s.src = new URL("frame.js", import.meta.url).href;
      win.document.head.append(s);
    }
    return waitFor(() => win.__momentsPlayground, 8000);
  }

  async apply(gen) {
    const win = this.win;
    const M = win.Moments && win.Moments.__moments ? win.Moments : null;
    if (this.instance) {
      this.showOverlay(false);
      this.instance.destroy();
      this.instance = null;
    }
    if (!this.bundle) {
      this.onStatus("bundle has errors: the shop is shown without Moments", "warn");
      return this.settled(null);
    }
    win.dataLayer = win.dataLayer || [];
    this.cursor = win.dataLayer.length;
    const sdk = win.__momentsPlayground;
    const options = { bundle: this.bundle, storage: "session" };
    const m = typeof sdk.create === "function" ? sdk.create(options) : await sdk.init(options);
    await m.ready;
    if (gen !== this.gen) {
      m.destroy();
      return;
    }
    this.instance = m;
    if (M) {
      for (const name of METHODS) M[name] = m[name];
      M.ready = Promise.resolve(M);
    }
    if (this.overlay) this.showOverlay(true);
    const errors = this.events().filter((e) => e.event === "moments_error" && e.severity !== "warning");
    if (errors.length) this.onStatus(`Moments reported: ${errors[0].message}`, "warn");
    else this.onStatus(`edited bundle “${this.bundle.id || "bundle"}” is live on this page`, "ok");
    return this.settled(m);
  }

  settled(m) {
    for (const w of this.waiters.splice(0)) w(m);
    return m;
  }

  /** The moments_* entries the edited bundle's instance pushed since `from` (default: its start). */
  events(from = this.cursor) {
    try {
      const dl = this.win.dataLayer || [];
      return dl.slice(from).filter((e) => e && typeof e.event === "string" && e.event.startsWith("moments_"));
    } catch (e) {
      return [];
    }
  }

  /** The length of the frame's dataLayer (for `events(from)`). */
  mark() {
    try {
      return (this.win.dataLayer || []).length;
    } catch (e) {
      return 0;
    }
  }
}
