//! Sensing the shopper: the context (CONTRACT §4), signals (§5), micro-moments, abandonment, exit
//! intent, channel and journey, and the profile remembered across visits.
//!
//! The context is one [`Value`] tree, built once with every field in a fixed shape and then
//! updated in place: `Scroll`, `Activity` and `Tick` (up to 60 a second) only rewrite numbers.
//!
//! Rules of thumb (documented for rule authors):
//! - A **visit** (session) starts on the first input after 30 minutes without one (`Tick` does not
//!   count). `visit.daysSinceLast` is whole days since the previous visit's last input (`null` on
//!   a first visit). Searches, moment evidence, `custom.*`, `flow.*`, UTM and channel belong to the
//!   visit: they survive a reload but not a new visit.
//! - **Idle**: `idle.seconds` counts from the last `Activity`, `Scroll`, page view, search, commerce
//!   event, back attempt, flow answer, prompt click/dismissal or return to the tab; `idle` fires once
//!   when it reaches `settings.abandonment.idleSeconds`, re-armed by the next of those.
//! - **Exit intent** fires at most once per page view that a rule acted on: one that no rule acted
//!   on (the engine calls [`Sensing::rearm_exit`]; say, a leave with an empty cart, when the exit
//!   offer asks for a cart) is armed again [`EXIT_REARM_MS`] later, so the shopper's next real
//!   attempt to leave still counts. Desktop: the pointer leaves through the top
//!   (`y <= sensitivity`) after `minSeconds` on the page and does not come back within `delayMs`.
//!   Touch devices (with `exitIntent.mobile`): a fast scroll up (faster than 1500 px/s, after
//!   `minSeconds`, once the page was scrolled 30 % deep), a back attempt, or coming back to the tab
//!   after more than 5 s away.
//! - **Abandonment**: `cart_abandoned` when the cart is not empty and the shopper goes idle, hides
//!   the tab or shows exit intent — once per cart state (any change re-arms it) and visit;
//!   `checkout_abandoned` likewise once per `begin_checkout` not followed by a purchase;
//!   `returning_with_cart` on the first page of a new visit when the cart is not empty and has not
//!   changed for `staleCartHours`. A purchase empties the cart and clears them all.
//! - **Scroll**: `scroll_depth` is raised once per page view for each input that reaches a new
//!   milestone among 25/50/75/90 (`scroll.milestone` holds the highest reached).
//! - **De-duplication**: the same commerce event from two different sources (say a click on
//!   `[data-add-to-cart]` and the page's dataLayer push) within 1.5 s counts once (the one with more
//!   value wins); a search repeated within 1.5 s, or a URL search already among this visit's
//!   queries (a results page revisited), is not a new search.

pub mod cart;
pub mod channel;
pub mod moments;
pub mod text;

use crate::ga4::COMMERCE;
use crate::input::{Input, Item, Source, Time};
use crate::json::{write_num, write_str, ObjWriter, Value};
use crate::problem::Problem;
use crate::settings::{ExitIntent, Settings};
use crate::unicode::lower;
use cart::{event_lines, num, Cart};
use channel::{classify, external, guess_page_type, PAID_CLICK_IDS, SEARCH_PARAMS};
use moments::{Moments, BUY, DO, GO, KNOW, NAMES, NONE};

/// Inactivity that ends a visit (30 minutes).
pub const SESSION_MS: f64 = 1_800_000.0;
/// The same commerce event (or search) from another source within this many ms is a duplicate.
pub const DEDUP_MS: f64 = 1_500.0;
/// Mobile exit intent: a scroll up faster than this (px/s, negative = up)…
pub const FAST_UP: f64 = -1_500.0;
/// …once the page was scrolled at least this deep (%).
pub const FAST_UP_DEPTH: f64 = 30.0;
/// An exit intent that no rule acted on may fire again this many ms later (same page view).
pub const EXIT_REARM_MS: f64 = 3_000.0;
/// Mobile exit intent: coming back to the tab after more than this many ms away.
pub const AWAY_MS: f64 = 5_000.0;
/// Reading a page this long (ms), scrolled at least [`DWELL_DEPTH`] deep, is moment evidence.
pub const DWELL_MS: f64 = 30_000.0;
/// See [`DWELL_MS`].
pub const DWELL_DEPTH: f64 = 50.0;
/// `search.lastQueries` keeps this many (this visit only).
pub const LAST_QUERIES: usize = 5;
const MILESTONES: [f64; 4] = [25.0, 50.0, 75.0, 90.0];
const DAY_MS: f64 = 86_400_000.0;
const CHANNELS: [&str; 6] = ["email", "social", "paid", "organic", "referral", "direct"];

/// A marketing touch: how a visit (or a campaign click within one) arrived.
#[derive(Clone, Debug, Default, PartialEq)]
struct Touch {
    channel: &'static str,
    utm: [Option<String>; 3],
    at: f64,
}

/// A touch as stored in the profile, `null` for none.
fn write_touch(t: Option<&Touch>, out: &mut String) {
    let Some(t) = t else {
        out.push_str("null");
        return;
    };
    let mut w = ObjWriter::new(out);
    w.str("channel", Some(t.channel));
    for (i, k) in ["source", "medium", "campaign"].iter().enumerate() {
        w.str(k, t.utm[i].as_deref());
    }
    w.num("at", t.at);
    w.end();
}

impl Touch {
    fn from_value(v: Option<&Value>) -> Option<Touch> {
        let v = v?;
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        Some(Touch { channel: channel_name(v.get("channel")?.as_str()?), utm: [s("source"), s("medium"), s("campaign")], at: num(v.get("at")) })
    }
}

fn channel_name(s: &str) -> &'static str {
    CHANNELS.iter().find(|c| **c == s).copied().unwrap_or("direct")
}

/// The last commerce event of one name, for de-duplication.
#[derive(Clone, Debug)]
struct Recent {
    name: String,
    source: Source,
    at: f64,
    keys: Vec<String>,
    worth: f64,
}

/// Everything the engine knows about the shopper, kept current as inputs arrive.
#[derive(Clone, Debug)]
pub struct Sensing {
    ctx: Value,
    shopper: String,
    idle_ms: f64,
    stale_ms: f64,
    exit: ExitIntent,
    search_params: Vec<String>,
    moments: Moments,
    // Remembered across visits.
    visits: f64,
    visit_start: f64,
    last_active: f64,
    prev_active: f64,
    purchases: f64,
    last_purchase: f64,
    searches: f64,
    products: f64,
    cart: Cart,
    first_touch: Option<Touch>,
    last_touch: Option<Touch>,
    // This visit (persisted while it lasts).
    pageviews: f64,
    queries: Vec<String>,
    search_count: f64,
    touch: Touch,
    cart_abandoned: f64,
    checkout_abandoned: f64,
    // This page.
    host: String,
    page_type: String,
    page_known: bool,
    page_start: f64,
    scroll_y: f64,
    scroll_at: f64,
    depth: f64,
    max_depth: f64,
    velocity: f64,
    milestone: usize,
    engaged: bool,
    exit_fired: bool,
    exit_seen: bool,
    exit_quiet_until: f64,
    exit_deadline: f64,
    hidden: bool,
    hidden_at: f64,
    idle_since: f64,
    idle_fired: bool,
    touch_device: bool,
    returning: bool,
    /// The last commerce event of each name, oldest first (the last one is the cart's last change).
    recent: Vec<Recent>,
    /// The cart before the last commerce event changed it.
    undo: Option<Cart>,
    last_search_at: f64,
    began: bool,
    dirty: bool,
    now: f64,
}

impl Sensing {
    /// Starts sensing with the stored profile (if any; a corrupt or unknown-version profile is
    /// replaced, with a warning). `seed` is randomness for a new shopper id.
    pub fn new(settings: &Settings, profile: Option<&Value>, now: Time, seed: u64) -> (Sensing, Vec<Problem>) {
        let mut s = Sensing {
            ctx: skeleton(),
            shopper: shopper_id(seed),
            idle_ms: settings.abandonment.idle_seconds.max(1.0) * 1000.0,
            stale_ms: settings.abandonment.stale_cart_hours.max(0.0) * 3_600_000.0,
            exit: settings.exit_intent.clone(),
            search_params: settings.search_params.clone(),
            moments: Moments::new(&settings.lexicon),
            visits: 0.0,
            visit_start: 0.0,
            last_active: 0.0,
            prev_active: 0.0,
            purchases: 0.0,
            last_purchase: 0.0,
            searches: 0.0,
            products: 0.0,
            cart: Cart::default(),
            first_touch: None,
            last_touch: None,
            pageviews: 0.0,
            queries: Vec::new(),
            search_count: 0.0,
            touch: Touch { channel: "direct", ..Touch::default() },
            cart_abandoned: -1.0,
            checkout_abandoned: 0.0,
            host: String::new(),
            page_type: String::new(),
            page_known: false,
            page_start: now.ms,
            scroll_y: 0.0,
            scroll_at: 0.0,
            depth: 0.0,
            max_depth: 0.0,
            velocity: 0.0,
            milestone: 0,
            engaged: false,
            exit_fired: false,
            exit_seen: false,
            exit_quiet_until: 0.0,
            exit_deadline: 0.0,
            hidden: false,
            hidden_at: 0.0,
            idle_since: now.ms,
            idle_fired: false,
            touch_device: false,
            returning: false,
            recent: Vec::new(),
            undo: None,
            last_search_at: 0.0,
            began: false,
            dirty: false,
            now: now.ms,
        };
        let mut warnings = Vec::new();
        if let Some(p) = profile {
            match p.get("v").and_then(Value::as_f64) {
                Some(1.0) => s.restore(p, now.ms),
                Some(_) => warnings.push(Problem::warning("profile", "stored profile has an unknown version; starting afresh")),
                None => warnings.push(Problem::warning("profile", "stored profile is not a Moments profile; starting afresh")),
            }
        }
        s.sync_all(now);
        (s, warnings)
    }

    /// Takes in one observation; pushes the names of the signals it raises onto `signals`
    /// (e.g. `add_to_cart`, then `moment_changed`).
    pub fn observe(&mut self, input: &Input, now: Time, signals: &mut Vec<String>) {
        let t = now.ms;
        self.now = t;
        let before = signals.len();
        if self.exit_deadline > 0.0 && t >= self.exit_deadline {
            self.exit_intent(signals);
        }
        if !matches!(input, Input::Tick) {
            if self.visit_start <= 0.0 || t - self.last_active > SESSION_MS {
                self.start_visit(t);
            }
            self.last_active = t;
        }
        match input {
            Input::Tick => {}
            Input::Activity => self.active(t),
            Input::Scroll { y, max_y } => self.scroll(*y, *max_y, t, signals),
            Input::PageView { url, referrer, page_type, title, spa } => {
                self.page_view(url, referrer, page_type.as_deref(), title, *spa, t, signals)
            }
            Input::Device { kind, touch } => {
                self.touch_device = *touch;
                put_str(&mut self.ctx, "device", "type", kind.as_str());
                *at(&mut self.ctx, "device", "touch") = Value::Bool(*touch);
            }
            Input::PointerLeave { y } => {
                if !self.exit_fired && !self.hidden && *y <= self.exit.sensitivity && t - self.page_start >= self.exit.min_seconds * 1000.0 {
                    self.exit_deadline = t + self.exit.delay_ms.max(0.0);
                    if self.exit_deadline <= t {
                        self.exit_intent(signals);
                    }
                }
            }
            Input::PointerEnter => self.exit_deadline = 0.0,
            Input::Visibility { hidden: true } => {
                if !self.hidden {
                    self.hidden = true;
                    self.hidden_at = t;
                    self.exit_deadline = 0.0;
                    raise(signals, "tab_hidden");
                    self.abandon(signals);
                }
            }
            Input::Visibility { hidden: false } => {
                if self.hidden {
                    self.hidden = false;
                    self.active(t);
                    if self.mobile() && t - self.hidden_at > AWAY_MS {
                        self.exit_intent(signals);
                    }
                }
            }
            Input::BackAttempt => {
                self.active(t);
                if self.mobile() {
                    self.exit_intent(signals);
                }
            }
            Input::Search { query, source } => self.search(query, *source, t, signals),
            Input::Commerce { name, items, value, currency, source } => {
                self.commerce(name, items, *value, currency.as_deref(), *source, t, signals)
            }
            Input::Track { name, props } => {
                if COMMERCE.contains(&name.as_str()) {
                    if let Input::Commerce { items, value, currency, .. } = crate::ga4::commerce(name, props, Source::Api) {
                        self.commerce(name, &items, value, currency.as_deref(), Source::Api, t, signals);
                    }
                } else if name == "search" {
                    let q = ["search_term", "query", "q"].iter().find_map(|k| props.get(k).and_then(Value::as_str)).unwrap_or("");
                    self.search(q, Source::Api, t, signals);
                } else {
                    raise(signals, name);
                }
            }
            Input::Set { attrs } => {
                if let Value::Obj(m) = attrs {
                    for (k, v) in m {
                        *at(&mut self.ctx, "custom", k) = v.clone();
                    }
                }
            }
            Input::FlowAnswer { node, answer } => {
                self.active(t);
                *at(&mut self.ctx, "flow", node) = Value::Str(answer.clone());
            }
            Input::Prompt { what, .. } => {
                if what != "shown" {
                    self.active(t);
                }
            }
            Input::Fire { name } => raise(signals, name),
        }
        self.timers(t, signals);
        if self.began {
            self.began = false;
            self.dirty = true;
            if self.moments.settle() {
                raise(signals, "moment_changed");
            }
        }
        if self.returning && self.page_known {
            self.returning = false;
            raise(signals, "returning_with_cart");
        }
        let fast = matches!(input, Input::Tick | Input::Scroll { .. } | Input::Activity);
        if fast && !self.dirty && signals.len() == before {
            self.sync_time(now);
        } else {
            self.sync_all(now);
        }
        self.dirty = false;
    }

    /// The context conditions read (§4); the engine fills `segments`.
    pub fn context(&self) -> &Value {
        &self.ctx
    }

    /// Mutable context (the engine writes `segments.*`).
    pub fn context_mut(&mut self) -> &mut Value {
        &mut self.ctx
    }

    /// The stable pseudonymous shopper id (for holdout bucketing).
    pub fn shopper_id(&self) -> &str {
        &self.shopper
    }

    /// The profile to store (without `caps`, which the engine adds): version 1, see the
    /// sensing README section of `tests/journeys/README.md`.
    pub fn profile(&self) -> Value {
        Value::written(|s| {
            let mut w = ObjWriter::new(s);
            self.write_profile(&mut w);
            w.end();
        })
    }

    /// Writes the members of [`Sensing::profile`] (the engine adds `caps` and closes the object):
    /// straight to JSON text, as it is only ever stored.
    pub(crate) fn write_profile(&self, w: &mut ObjWriter) {
        w.num("v", 1.0);
        w.str("shopper", Some(&self.shopper));
        for &(k, n) in &[
            ("visits", self.visits),
            ("visitStart", self.visit_start),
            ("last", self.last_active),
            ("prev", self.prev_active),
            ("purchases", self.purchases),
            ("lastPurchase", self.last_purchase),
            ("searches", self.searches),
            ("products", self.products),
        ] {
            w.num(k, n);
        }
        self.cart.write_json(w.key("cart"));
        write_touch(self.first_touch.as_ref(), w.key("firstTouch"));
        write_touch(self.last_touch.as_ref(), w.key("lastTouch"));
        let mut s = ObjWriter::new(w.key("session"));
        s.num("pageviews", self.pageviews);
        s.num("searchCount", self.search_count);
        let q = s.key("queries");
        q.push('[');
        for (i, x) in self.queries.iter().enumerate() {
            if i > 0 {
                q.push(',');
            }
            write_str(x, q);
        }
        q.push(']');
        write_touch(Some(&self.touch), s.key("touch"));
        for k in &["custom", "flow"] {
            self.ctx.get(k).unwrap_or(&Value::Null).write_json(s.key(k));
        }
        s.num("cartAbandoned", self.cart_abandoned);
        s.num("checkoutAbandoned", self.checkout_abandoned);
        let m = &self.moments;
        let mut mo = ObjWriter::new(s.key("moment"));
        let acc = mo.key("acc");
        acc.push('[');
        for (i, a) in m.acc.iter().enumerate() {
            if i > 0 {
                acc.push(',');
            }
            write_num(*a, acc);
        }
        acc.push(']');
        mo.num("at", m.at);
        mo.num("moment", m.moment as f64);
        let log = mo.key("log");
        log.push('[');
        for (i, (what, moment, weight)) in m.log.iter().enumerate() {
            if i > 0 {
                log.push(',');
            }
            log.push('[');
            write_str(what, log);
            for &n in &[*moment as f64, *weight] {
                log.push(',');
                write_num(n, log);
            }
            log.push(']');
        }
        log.push(']');
        mo.end();
        s.end();
    }

    /// Takes in a profile another tab stored (a `storage` event): its cart when it changed later
    /// than ours, and the larger visit, purchase and engagement counts. Raises no signals.
    pub fn merge_profile(&mut self, p: &Value, now: Time) {
        if p.get("v").and_then(Value::as_f64) != Some(1.0) {
            return;
        }
        let other = Cart::from_value(p.get("cart").unwrap_or(&Value::Null));
        if other.changed > self.cart.changed {
            let ver = self.cart.ver.max(other.ver) + if other.lines != self.cart.lines { 1.0 } else { 0.0 };
            self.cart = Cart { ver, ..other };
        }
        let f = |k: &str| num(p.get(k));
        if f("visits") > self.visits {
            self.visits = f("visits");
            self.visit_start = f("visitStart");
            self.prev_active = f("prev");
        }
        if f("purchases") > self.purchases {
            self.purchases = f("purchases");
            self.cart_abandoned = -1.0;
            self.checkout_abandoned = 0.0;
        }
        self.last_purchase = self.last_purchase.max(f("lastPurchase"));
        self.last_active = self.last_active.max(f("last"));
        self.searches = self.searches.max(f("searches"));
        self.products = self.products.max(f("products"));
        if let Some(t) = Touch::from_value(p.get("firstTouch")) {
            if self.first_touch.as_ref().is_none_or(|f| t.at < f.at) {
                self.first_touch = Some(t);
            }
        }
        if let Some(t) = Touch::from_value(p.get("lastTouch")) {
            if self.last_touch.as_ref().is_none_or(|l| t.at > l.at) {
                self.last_touch = Some(t);
            }
        }
        if let Some(s) = p.get("shopper").and_then(Value::as_str).filter(|s| !s.is_empty()) {
            s.clone_into(&mut self.shopper);
        }
        self.sync_all(now);
    }

    /// Why the current moment and risk are what they are: `{moment, scores, evidence:
    /// [{evidence, moment, weight}], risk, riskFactors: [{factor, weight}], stage, channel}`.
    pub fn explain(&self) -> Value {
        Value::written(|s| self.write_explain(s))
    }

    /// [`Sensing::explain`] written straight to JSON text at the end of `out`.
    pub fn write_explain(&self, out: &mut String) {
        let m = &self.moments;
        let ctx = &self.ctx;
        let mut w = ObjWriter::new(out);
        let get = |w: &mut ObjWriter, k: &str, p: &str| ctx.pointer(p).unwrap_or(&Value::Null).write_json(w.key(k));
        get(&mut w, "moment", "moment");
        get(&mut w, "scores", "momentScores");
        let o = w.key("evidence");
        o.push('[');
        for (n, (what, i, x)) in m.log.iter().enumerate() {
            if n > 0 {
                o.push(',');
            }
            let mut e = ObjWriter::new(o);
            e.str("evidence", Some(what));
            e.str("moment", Some(NAMES[*i]));
            e.num("weight", *x);
            e.end();
        }
        o.push(']');
        get(&mut w, "risk", "abandonment.risk");
        let o = w.key("riskFactors");
        o.push('[');
        let mut first = true;
        for (f, x) in &self.risk_parts(self.now) {
            let x = round2(*x);
            if x > 0.0 {
                if !std::mem::replace(&mut first, false) {
                    o.push(',');
                }
                let mut e = ObjWriter::new(o);
                e.str("factor", Some(f));
                e.num("weight", x);
                e.end();
            }
        }
        o.push(']');
        get(&mut w, "stage", "journey.stage");
        get(&mut w, "channel", "channel");
        w.end();
    }

    /// Forget the shopper (profile, cart, session); a new id from `seed`. The current page and
    /// device stay known.
    pub fn reset(&mut self, settings: &Settings, now: Time, seed: u64) {
        let page = self.ctx.get("page").cloned().unwrap_or_default();
        let device = self.ctx.get("device").cloned().unwrap_or_default();
        let old = std::mem::replace(self, Sensing::new(settings, None, now, seed).0);
        self.ctx.set("page", page);
        self.ctx.set("device", device);
        self.host = old.host;
        self.page_type = old.page_type;
        self.page_known = old.page_known;
        self.page_start = old.page_start;
        self.touch_device = old.touch_device;
        self.hidden = old.hidden;
    }

    // ---- inputs ----

    fn active(&mut self, t: f64) {
        self.idle_since = t;
        self.idle_fired = false;
    }

    fn mobile(&self) -> bool {
        self.exit.mobile && self.touch_device
    }

    /// Adds moment evidence (settled once, at the end of the observation).
    fn ev(&mut self, t: f64, what: String, moment: usize, weight: f64) {
        if !self.began {
            self.moments.begin(t);
            self.began = true;
        }
        self.moments.add(what, moment, weight);
    }

    fn start_visit(&mut self, t: f64) {
        if self.visits > 0.0 {
            self.prev_active = self.last_active;
        }
        self.visits += 1.0;
        self.visit_start = t;
        self.pageviews = 0.0;
        self.queries.clear();
        self.search_count = 0.0;
        self.moments.clear();
        self.touch = Touch { channel: "direct", ..Touch::default() };
        self.cart_abandoned = -1.0;
        self.checkout_abandoned = 0.0;
        self.last_search_at = 0.0;
        for k in &["custom", "flow"] {
            self.ctx.set(k, Value::Obj(Vec::new()));
        }
        self.sync_search();
        self.sync_utm();
        self.returning = self.visits > 1.0 && !self.cart.is_empty() && t - self.cart.changed >= self.stale_ms;
        self.dirty = true;
    }

    #[allow(clippy::too_many_arguments)]
    fn page_view(&mut self, url: &str, referrer: &str, declared: Option<&str>, title: &str, spa: bool, t: f64, signals: &mut Vec<String>) {
        let (host, path, query) = text::split_url(url);
        if !host.is_empty() {
            self.host = host;
        }
        let extra = self.search_params.iter().map(String::as_str);
        let q = SEARCH_PARAMS.iter().copied().chain(extra).find_map(|p| text::param(query, p));
        self.page_type = match declared.map(str::trim).filter(|s| !s.is_empty()) {
            Some(d) => d.to_ascii_lowercase(),
            None => guess_page_type(path, q.is_some()).to_string(),
        };
        let landing = self.pageviews == 0.0;
        self.pageviews += 1.0;
        self.page_known = true;
        self.page_start = t;
        self.scroll_y = 0.0;
        self.scroll_at = 0.0;
        self.depth = 0.0;
        self.max_depth = 0.0;
        self.velocity = 0.0;
        self.milestone = 0;
        self.engaged = false;
        self.exit_fired = false;
        self.exit_seen = false;
        self.exit_quiet_until = 0.0;
        self.exit_deadline = 0.0;
        self.active(t);
        if !spa {
            // A page loads in a visible tab.
            self.hidden = false;
        }
        let c = &mut self.ctx;
        for &(k, v) in &[("url", url), ("path", path), ("type", self.page_type.as_str()), ("referrer", referrer), ("title", title)] {
            put_str(c, "page", k, v);
        }
        // Channel: on landing, and on any page that carries campaign parameters or comes from
        // another site (an SPA navigation's referrer is the SPA's own).
        let utm = ["utm_source", "utm_medium", "utm_campaign"].map(|k| text::param(query, k));
        let paid = PAID_CLICK_IDS.iter().any(|k| text::param(query, k).is_some());
        let fb = text::param(query, "fbclid").is_some();
        let ref_host = if spa { String::new() } else { text::split_url(referrer).0 };
        if landing || paid || fb || utm.iter().any(Option::is_some) || external(&ref_host, &self.host) {
            let low = |o: &Option<String>| lower(o.as_deref().unwrap_or(""));
            let channel = classify(&low(&utm[0]), &low(&utm[1]), paid, fb, &ref_host, &self.host);
            let touch = Touch { channel, utm, at: t };
            if self.first_touch.is_none() {
                self.first_touch = Some(touch.clone());
            }
            if channel != "direct" || self.last_touch.is_none() {
                self.last_touch = Some(touch.clone());
            }
            self.touch = touch;
            self.sync_utm();
        }
        raise(signals, "page_view");
        let (m, w) = match self.page_type.as_str() {
            "product" => (KNOW, 0.3),
            "category" | "article" | "blog" => (KNOW, 0.3),
            "cart" => (BUY, 0.6),
            "checkout" => (BUY, 0.8),
            "stores" => (GO, 0.8),
            "guide" => (DO, 0.8),
            _ => (NONE, 0.0),
        };
        if self.page_type == "product" {
            self.products += 1.0;
        }
        if m != NONE {
            let what = cat(&["page ", &self.page_type]);
            self.ev(t, what, m, w);
        } else {
            // No telling page type: the path's words may still say something (`/sale`, `/huong-dan`).
            let mut seen = [false; 4];
            for x in &self.moments.matches(path) {
                if !std::mem::replace(&mut seen[x.moment], true) {
                    self.ev(t, cat(&["path ", path, ": ", &x.phrase]), x.moment, 0.4);
                }
            }
        }
        if let Some(q) = q {
            self.search(&q, Source::Url, t, signals);
        }
    }

    fn scroll(&mut self, y: f64, max_y: f64, t: f64, signals: &mut Vec<String>) {
        self.active(t);
        if !y.is_finite() || !max_y.is_finite() {
            return;
        }
        if self.scroll_at > 0.0 {
            self.velocity = ((y - self.scroll_y) / (t - self.scroll_at).max(16.0) * 1000.0).round();
        }
        self.scroll_y = y;
        self.scroll_at = t;
        if max_y > 0.0 {
            self.depth = (y / max_y * 100.0).clamp(0.0, 100.0);
            self.max_depth = self.max_depth.max(self.depth);
        }
        let reached = self.milestone;
        while self.milestone < MILESTONES.len() && self.max_depth >= MILESTONES[self.milestone] {
            self.milestone += 1;
        }
        if self.milestone > reached {
            raise(signals, "scroll_depth");
        }
        if self.mobile()
            && self.velocity < FAST_UP
            && self.max_depth >= FAST_UP_DEPTH
            && t - self.page_start >= self.exit.min_seconds * 1000.0
        {
            self.exit_intent(signals);
        }
    }

    fn search(&mut self, query: &str, source: Source, t: f64, signals: &mut Vec<String>) {
        let mut q = String::new();
        for (i, c) in query.trim().chars().enumerate() {
            if i == 200 {
                break;
            }
            q.push(c);
        }
        if q.is_empty() {
            return;
        }
        self.active(t);
        let low = lower(&q);
        let same = |x: &String| lower(x) == low;
        let dup = match source {
            Source::Url => self.queries.iter().any(same),
            _ => self.queries.last().is_some_and(same) && t - self.last_search_at <= DEDUP_MS,
        };
        if dup {
            return;
        }
        self.last_search_at = t;
        self.search_count += 1.0;
        self.searches += 1.0;
        if self.queries.len() >= LAST_QUERIES {
            self.queries.remove(0);
        }
        self.queries.push(q);
        self.sync_search();
        raise(signals, "search");
        let q = self.queries.last().cloned().unwrap_or_default();
        let mut per = [0.0f64; 4];
        for x in &self.moments.matches(&q) {
            let w = x.weight.min(moments::SEARCH_CAP - per[x.moment]);
            if w > 0.0 {
                per[x.moment] += w;
                self.ev(t, cat(&["search \"", &q, "\": ", &x.phrase]), x.moment, w);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn commerce(&mut self, name: &str, items: &[Item], value: Option<f64>, currency: Option<&str>, source: Source, t: f64, signals: &mut Vec<String>) {
        if !COMMERCE.contains(&name) {
            raise(signals, name);
            return;
        }
        self.active(t);
        let lines = event_lines(items, value);
        let mut keys: Vec<String> = Vec::new();
        for l in &lines {
            if !l.key.is_empty() {
                keys.push(l.key.clone());
            }
        }
        let worth: f64 = lines.iter().map(|l| l.price * l.qty).sum();
        // The same event from a second source (the page's GA4 push after the click the SDK saw),
        // even with another event in between (a view_item read from a dataLayer found late):
        // counted once. Whichever says more is kept, where it was the cart's last change.
        let n = self.recent.len();
        if let Some(i) = self.recent.iter().position(|r| {
            r.name == name
                && r.source != source
                && (t - r.at).abs() <= DEDUP_MS
                && (r.keys.is_empty() || keys.is_empty() || keys.iter().any(|k| r.keys.contains(k)))
        }) {
            let r = &mut self.recent[i];
            if worth > r.worth && i + 1 == n {
                if let Some(u) = &self.undo {
                    self.cart = u.clone();
                    self.cart.apply(name, lines, value, currency, t);
                    r.worth = worth;
                    self.dirty = true;
                }
            }
            return;
        }
        self.undo = Some(self.cart.clone());
        self.recent.retain(|r| r.name != name);
        self.recent.push(Recent { name: name.to_string(), source, at: t, keys, worth });
        self.cart.apply(name, lines, value, currency, t);
        raise(signals, name);
        let (m, w) = match name {
            "view_item" => (BUY, 0.3),
            "add_to_cart" => (BUY, 1.2),
            "remove_from_cart" => (KNOW, 0.2),
            "view_cart" => (BUY, 0.6),
            "begin_checkout" => (BUY, 1.5),
            _ => (BUY, 1.0),
        };
        self.ev(t, name.to_string(), m, w);
        match name {
            "view_item" => self.products += 1.0,
            "purchase" => {
                self.purchases += 1.0;
                self.last_purchase = t;
                self.cart_abandoned = -1.0;
                self.checkout_abandoned = 0.0;
                self.returning = false;
            }
            _ => {}
        }
    }

    fn exit_intent(&mut self, signals: &mut Vec<String>) {
        self.exit_deadline = 0.0;
        if !self.exit_fired && self.now >= self.exit_quiet_until {
            self.exit_fired = true;
            self.exit_seen = true;
            raise(signals, "exit_intent");
            self.abandon(signals);
        }
    }

    /// Arms exit intent again on this page view, [`EXIT_REARM_MS`] from now: the engine calls this
    /// when no rule acted on the last one. Abandonment risk still counts the exit intent seen.
    pub fn rearm_exit(&mut self) {
        if self.exit_fired {
            self.exit_fired = false;
            self.exit_quiet_until = self.now + EXIT_REARM_MS;
        }
    }

    fn abandon(&mut self, signals: &mut Vec<String>) {
        if !self.cart.is_empty() && self.cart_abandoned != self.cart.ver {
            self.cart_abandoned = self.cart.ver;
            raise(signals, "cart_abandoned");
        }
        if self.cart.checkout > 0.0 && self.checkout_abandoned != self.cart.checkout {
            self.checkout_abandoned = self.cart.checkout;
            raise(signals, "checkout_abandoned");
        }
    }

    /// What time alone brings: idle, reading evidence, a stale scroll velocity.
    fn timers(&mut self, t: f64, signals: &mut Vec<String>) {
        if self.scroll_at > 0.0 && t - self.scroll_at > 500.0 {
            self.velocity = 0.0;
        }
        if !self.idle_fired && !self.hidden && t - self.idle_since >= self.idle_ms {
            self.idle_fired = true;
            raise(signals, "idle");
            self.abandon(signals);
        }
        if !self.engaged && self.page_known && t - self.page_start >= DWELL_MS && self.max_depth >= DWELL_DEPTH {
            self.engaged = true;
            let m = match self.page_type.as_str() {
                "guide" => DO,
                "stores" => GO,
                "product" | "category" | "article" | "blog" => KNOW,
                _ => NONE,
            };
            if m != NONE {
                let what = cat(&["read ", &self.page_type, " page"]);
                self.ev(t, what, m, 0.4);
            }
        }
    }

    // ---- derived values ----

    /// `abandonment.risk`'s parts (they add up, capped at 1).
    fn risk_parts(&self, t: f64) -> [(&'static str, f64); 6] {
        let cart = !self.cart.is_empty();
        let checkout = self.cart.checkout > 0.0;
        if !cart && !checkout {
            return [("", 0.0); 6];
        }
        let idle = ((t - self.idle_since) / self.idle_ms).clamp(0.0, 1.0);
        let age = if self.cart.created > 0.0 && self.stale_ms > 0.0 { ((t - self.cart.created) / self.stale_ms).clamp(0.0, 1.0) } else { 0.0 };
        let on = |b: bool, w: f64| if b { w } else { 0.0 };
        [
            ("cart", 0.35),
            ("checkout_begun", on(checkout, 0.15)),
            ("idle", 0.2 * idle),
            ("tab_hidden", on(self.hidden, 0.15)),
            ("exit_intent", on(self.exit_seen, 0.2)),
            ("cart_age", 0.1 * age),
        ]
    }

    fn stage(&self) -> &'static str {
        if self.purchases > 0.0 {
            "loyal"
        } else if !self.cart.is_empty() || self.cart.checkout > 0.0 {
            "purchase"
        } else if self.searches > 0.0 || self.products > 0.0 || self.visits >= 2.0 {
            "research"
        } else {
            "aware"
        }
    }

    // ---- the context ----

    /// Numbers that move with time and scrolling (every input).
    fn sync_time(&mut self, now: Time) {
        let t = now.ms;
        let risk: f64 = self.risk_parts(t).iter().map(|p| p.1).sum();
        let since = |from: f64| if from > 0.0 { ((t - from) / 1000.0).floor().max(0.0) } else { 0.0 };
        let milestone = self.milestone.checked_sub(1).map_or(0.0, |i| MILESTONES[i]);
        let nums = [
            ("session", "seconds", since(self.visit_start)),
            ("idle", "seconds", ((t - self.idle_since) / 1000.0).floor().max(0.0)),
            ("cart", "ageSeconds", since(self.cart.created)),
            ("cart", "lastChange", since(self.cart.changed)),
            ("abandonment", "risk", round2(risk.min(1.0))),
            ("time", "hour", f64::from(now.hour())),
            ("time", "weekday", f64::from(now.weekday())),
            ("scroll", "depth", (self.depth * 10.0).round() / 10.0),
            ("scroll", "maxDepth", (self.max_depth * 10.0).round() / 10.0),
            ("scroll", "velocity", self.velocity),
            ("scroll", "milestone", milestone),
        ];
        for &(a, b, n) in &nums {
            *at(&mut self.ctx, a, b) = Value::Num(n);
        }
    }

    /// Everything else that is not set where it changes.
    fn sync_all(&mut self, now: Time) {
        self.sync_time(now);
        let days = if self.prev_active > 0.0 && self.visit_start > 0.0 {
            Value::Num(((self.visit_start - self.prev_active) / DAY_MS).floor().max(0.0))
        } else {
            Value::Null
        };
        let scores = self.moments.scores();
        let stage = self.stage();
        let nums = [
            ("visit", "count", self.visits),
            ("session", "pageviews", self.pageviews),
            ("search", "count", self.search_count),
            ("cart", "items", self.cart.items()),
            ("cart", "value", self.cart.value()),
            ("momentScores", "know", scores[KNOW]),
            ("momentScores", "go", scores[GO]),
            ("momentScores", "do", scores[DO]),
            ("momentScores", "buy", scores[BUY]),
        ];
        let c = &mut self.ctx;
        for &(a, b, n) in &nums {
            *at(c, a, b) = Value::Num(n);
        }
        *at(c, "visit", "returning") = Value::Bool(self.visits > 1.0);
        *at(c, "visit", "daysSinceLast") = days;
        let cur = at(c, "cart", "currency");
        if cur.as_str() != self.cart.currency.as_deref() {
            *cur = self.cart.currency.clone().into();
        }
        put_str(c, "moment", "", NAMES[self.moments.moment]);
        put_str(c, "channel", "", self.touch.channel);
        put_str(c, "journey", "stage", stage);
        let ch = |t: &Option<Touch>| t.as_ref().map_or(Value::Null, |t| t.channel.into());
        *at(c, "journey", "firstChannel") = ch(&self.first_touch);
        *at(c, "journey", "lastChannel") = ch(&self.last_touch);
    }

    fn sync_search(&mut self) {
        let c = &mut self.ctx;
        *at(c, "search", "query") = self.queries.last().cloned().into();
        *at(c, "search", "count") = Value::Num(self.search_count);
        *at(c, "search", "lastQueries") = strings(&self.queries);
    }

    fn sync_utm(&mut self) {
        for (i, k) in ["source", "medium", "campaign"].iter().enumerate() {
            *at(&mut self.ctx, "utm", k) = self.touch.utm[i].clone().into();
        }
    }

    fn restore(&mut self, p: &Value, now: f64) {
        if let Some(s) = p.get("shopper").and_then(Value::as_str).filter(|s| !s.is_empty()) {
            self.shopper = s.to_string();
        }
        let f = |k: &str| num(p.get(k));
        self.visits = f("visits");
        self.visit_start = f("visitStart");
        self.last_active = f("last");
        self.prev_active = f("prev");
        self.purchases = f("purchases");
        self.last_purchase = f("lastPurchase");
        self.searches = f("searches");
        self.products = f("products");
        self.cart = Cart::from_value(p.get("cart").unwrap_or(&Value::Null));
        self.first_touch = Touch::from_value(p.get("firstTouch"));
        self.last_touch = Touch::from_value(p.get("lastTouch"));
        let s = match p.get("session") {
            Some(s) if now - self.last_active <= SESSION_MS => s,
            _ => return,
        };
        let g = |k: &str| num(s.get(k));
        self.pageviews = g("pageviews");
        self.search_count = g("searchCount");
        self.queries.clear();
        for q in s.get("queries").and_then(Value::as_array).unwrap_or(&[]) {
            if let Some(q) = q.as_str() {
                self.queries.push(q.to_string());
            }
        }
        let extra = self.queries.len().saturating_sub(LAST_QUERIES);
        for _ in 0..extra {
            self.queries.remove(0);
        }
        if let Some(t) = Touch::from_value(s.get("touch")) {
            self.touch = t;
        }
        self.cart_abandoned = s.get("cartAbandoned").and_then(Value::as_f64).unwrap_or(-1.0);
        self.checkout_abandoned = g("checkoutAbandoned");
        for k in &["custom", "flow"] {
            if let Some(v @ Value::Obj(_)) = s.get(k) {
                self.ctx.set(k, v.clone());
            }
        }
        if let Some(m) = s.get("moment") {
            let acc = m.get("acc").and_then(Value::as_array).unwrap_or(&[]);
            for (i, a) in self.moments.acc.iter_mut().enumerate() {
                *a = num(acc.get(i));
            }
            self.moments.at = num(m.get("at"));
            self.moments.moment = (num(m.get("moment")) as usize).min(NONE);
            self.moments.log.clear();
            for e in m.get("log").and_then(Value::as_array).unwrap_or(&[]) {
                if let Some(w) = e.as_array().and_then(|e| e.first()).and_then(Value::as_str) {
                    let e = e.as_array().unwrap_or(&[]);
                    self.moments.log.push((w.to_string(), (num(e.get(1)) as usize).min(BUY), num(e.get(2))));
                }
            }
        }
        self.sync_search();
        self.sync_utm();
    }
}

// ---- small helpers (not generic, to keep the wasm small) ----

/// Raises signal `name`: one out-of-line push instead of a `String` built at each of 14 sites.
#[inline(never)]
fn raise(signals: &mut Vec<String>, name: &str) {
    signals.push(name.to_string());
}


/// An array of strings (rather than `Value::from(list.clone())`, which clones the `Vec` and then
/// converts it in place: two generic instances).
fn strings(list: &[String]) -> Value {
    let mut out = Vec::new();
    for s in list {
        out.push(Value::Str(s.clone()));
    }
    Value::Arr(out)
}

fn cat(parts: &[&str]) -> String {
    crate::small::cat(parts)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn shopper_id(seed: u64) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(17);
    s.push('s');
    for i in (0..16).rev() {
        s.push(HEX[((seed >> (i * 4)) & 0xf) as usize] as char);
    }
    s
}

/// Member `key` of `v`, created (as `null`) if missing; `v` becomes an object if it is not one.
fn slot<'a>(v: &'a mut Value, key: &str) -> &'a mut Value {
    match v {
        Value::Obj(m) => {
            let i = match m.iter().position(|(k, _)| k == key) {
                Some(i) => i,
                None => {
                    m.push((key.to_string(), Value::Null));
                    m.len() - 1
                }
            };
            &mut m[i].1
        }
        _ => {
            *v = Value::Obj(Vec::new());
            slot(v, key)
        }
    }
}

/// `ctx[a][b]` (or `ctx[a]` when `b` is empty), created if missing.
fn at<'a>(ctx: &'a mut Value, a: &str, b: &str) -> &'a mut Value {
    let s = slot(ctx, a);
    if b.is_empty() {
        s
    } else {
        slot(s, b)
    }
}

/// Sets a string, allocating only when it changed.
fn put_str(ctx: &mut Value, a: &str, b: &str, s: &str) {
    let v = at(ctx, a, b);
    if v.as_str() != Some(s) {
        *v = Value::Str(s.to_string());
    }
}

/// The context with every field present, in a fixed order (parsed: smaller than building it).
const SKELETON: &str = concat!(
    r#"{"page":{"url":"","path":"","type":"other","referrer":"","title":""},"#,
    r#""device":{"type":"desktop","touch":false},"visit":{"count":0,"returning":false,"daysSinceLast":null},"#,
    r#""session":{"pageviews":0,"seconds":0},"scroll":{"depth":0,"maxDepth":0,"velocity":0,"milestone":0},"#,
    r#""search":{"query":null,"count":0,"lastQueries":[]},"#,
    r#""cart":{"items":0,"value":0,"currency":null,"ageSeconds":0,"lastChange":0},"idle":{"seconds":0},"#,
    r#""moment":"none","momentScores":{"know":0,"go":0,"do":0,"buy":0},"abandonment":{"risk":0},"#,
    r#""utm":{"source":null,"medium":null,"campaign":null},"channel":"direct","#,
    r#""journey":{"stage":"aware","firstChannel":null,"lastChannel":null},"time":{"hour":0,"weekday":0},"#,
    r#""custom":{},"flow":{}}"#
);

fn skeleton() -> Value {
    Value::parse(SKELETON).unwrap_or_default()
}
