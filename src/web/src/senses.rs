//! Listening: DOM events turned into engine [`Input`]s. Nothing here decides anything.

use crate::listen::Listener;
use crate::runtime::{push, Job, Shared};
use moments_engine::input::{DeviceKind, Source};
use moments_engine::settings::Settings;
use moments_engine::{ga4, Input, Value};
use std::cell::Cell;
use std::rc::{Rc, Weak};
use crate::browser::{call, document, get, query, window, Callback};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event};

/// Whether the page is hidden (a background tab).
pub fn hidden() -> bool {
    window().and_then(|w| document(&w)).is_some_and(|d| get(&d, "hidden").is_truthy())
}

// Properties read once are read by name ([`get`], [`call`]): one import for all of them instead of
// one (and its glue) each.

/// The inputs a page load starts with: the device, the page view, a search from the URL.
pub fn first_inputs() -> Vec<Input> {
    let mut out = Vec::new();
    let Some(w) = window() else { return out };
    let touch = get(&get(&w, "navigator"), "maxTouchPoints").as_f64().unwrap_or(0.0) > 0.0
        || call(&w, "matchMedia", &JsValue::from_str("(pointer: coarse)")).is_ok_and(|m| get(&m, "matches").is_truthy());
    let width = get(&w, "innerWidth").as_f64().unwrap_or(1024.0);
    let kind = match (touch, width) {
        (true, x) if x < 768.0 => DeviceKind::Mobile,
        (true, x) if x < 1200.0 => DeviceKind::Tablet,
        _ => DeviceKind::Desktop,
    };
    out.push(Input::Device { kind, touch });
    // The engine reads a site search from the page view's URL (`?q=…`) itself.
    out.push(page_view(None));
    // A shopper who scrolled before the SDK was ready (a slow line) is as deep as they are.
    if let Some(s) = scroll_input().filter(|s| matches!(s, Input::Scroll { y, .. } if *y > 0.0)) {
        out.push(s);
    }
    out
}

/// A page view: of the page as loaded (`None`), or of a single-page app's navigation to this URL.
pub fn page_view(spa: Option<&str>) -> Input {
    let w = window();
    let doc = w.as_ref().and_then(document);
    let url = match spa {
        Some(url) => url.to_string(),
        None => w.as_ref().and_then(|w| get(&get(w, "location"), "href").as_string()).unwrap_or_default(),
    };
    let page_type = doc
        .as_ref()
        .and_then(|d| query(d, "meta[name='moments:page-type']").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .filter(|s| !s.is_empty());
    Input::PageView {
        url,
        referrer: doc.as_ref().and_then(|d| get(d, "referrer").as_string()).unwrap_or_default(),
        page_type,
        title: doc.as_ref().and_then(|d| get(d, "title").as_string()).unwrap_or_default(),
        spa: spa.is_some(),
    }
}

/// The page events Moments listens to: (on the window?, event, capture phase). Capture sees events
/// before the page's own handlers can stop them. Back and forward (`popstate`) are `api.js`'s: a
/// page view once the app has rendered. A back inside the page's own history is browsing (between
/// a single-page app's routes, or closing a `#` section), and a back that leaves the site unloads
/// the page without a `popstate`: no back is taken for exit intent.
const EVENTS: [(bool, &str, bool); 12] = [
    (true, "scroll", false),
    (false, "pointerdown", true),
    (false, "keydown", true),
    (false, "touchstart", true),
    (false, "mousemove", true),
    (false, "wheel", true),
    (false, "mouseout", false),
    (false, "mouseover", false),
    (false, "visibilitychange", false),
    (false, "click", true),
    (false, "submit", true),
    (true, "storage", false),
];

/// What the listeners of [`EVENTS`] share. One closure handles them all, told apart by the
/// event's `type` (a closure each would be glue and code each).
struct Senses {
    weak: Weak<Shared>,
    w: web_sys::Window,
    /// A scroll read waits for the next animation frame.
    pending: Rc<Cell<bool>>,
    frame: Callback,
    /// When activity was last reported (event time stamp, ms).
    last: Cell<f64>,
    add_to_cart: String,
    checkout: String,
    search_form: String,
}

impl Senses {
    fn send(&self, i: Input) {
        push(&self.weak, Job::Input(i));
    }

    fn on(&self, e: &Event) {
        let kind = get(e, "type").as_string().unwrap_or_default();
        match kind.as_str() {
            // Scroll: passive, read at most once per animation frame.
            "scroll" => {
                if self.pending.replace(true) {
                    return;
                }
                let _ = call(&self.w, "requestAnimationFrame", self.frame.as_ref());
            }
            // Activity (throttled to one a second): resets idle.
            "pointerdown" | "keydown" | "touchstart" | "mousemove" | "wheel" => {
                let t = get(e, "timeStamp").as_f64().unwrap_or(0.0);
                if t - self.last.get() > 1000.0 {
                    self.last.set(t);
                    self.send(Input::Activity);
                }
            }
            // Exit intent, desktop: the pointer leaves the document (relatedTarget is null). Read
            // by name: only a mouse event has a `relatedTarget` that is null (others: undefined).
            "mouseout" | "mouseover" => {
                if !get(e, "relatedTarget").is_null() {
                    return;
                }
                self.send(if kind == "mouseout" {
                    // Whole pixels, as the typed (`long`) getter gave them.
                    Input::PointerLeave { y: get(e, "clientY").as_f64().map_or(0.0, f64::trunc) }
                } else {
                    Input::PointerEnter
                });
            }
            // Tab hidden / shown.
            "visibilitychange" => self.send(Input::Visibility { hidden: hidden() }),
            // Commerce clicks on the bundle's selectors.
            "click" => {
                // `target.closest(selector)` by name: `Err` where the target is no element.
                let el = get(e, "target");
                let closest = |sel: &str| call(&el, "closest", &JsValue::from_str(sel)).ok().filter(|b| !b.is_null());
                if let Some(btn) = closest(&self.add_to_cart) {
                    self.send(ga4::commerce("add_to_cart", &data_item(btn.unchecked_ref()), Source::Dom));
                } else if closest(&self.checkout).is_some() {
                    self.send(ga4::commerce("begin_checkout", &Value::Null, Source::Dom));
                }
            }
            // Site search submits.
            "submit" => {
                let form = get(e, "target");
                if get(&form, "matches").is_undefined() {
                    return; // not an element
                }
                let form: Element = form.unchecked_into();
                let is_search = call(&form, "matches", &JsValue::from_str(&self.search_form)).is_ok_and(|m| m.is_truthy())
                    || form.query_selector("input[type=search]").ok().flatten().is_some();
                if !is_search {
                    return;
                }
                let input = form
                    .query_selector("input[type=search], input[name=q], input[name=s], input[name=search], input[name=query], input[name=keyword], input[type=text]")
                    .ok()
                    .flatten();
                // Every element the selector matches is an <input>: its `value`, read by name.
                if let Some(q) = input.and_then(|i| get(&i, "value").as_string()).map(|v| v.trim().to_string()).filter(|q| !q.is_empty()) {
                    self.send(Input::Search { query: q, source: Source::Dom });
                }
            }
            // Another tab of the shop stored its profile: take in its cart and caps. (The fields
            // are read by name: a `StorageEvent` check and typed getters would each be an import.)
            // Another tab stored the profile, erased it, or cleared the storage (`key` null).
            "storage" => {
                let key = get(e, "key");
                if key.is_null() || key.as_string().as_deref() == Some(crate::storage::KEY) {
                    push(&self.weak, Job::Sync(get(e, "newValue").as_string()));
                }
            }
            _ => {}
        }
    }
}

/// Starts every listener. They hold only a `Weak` to the runtime.
pub fn listen(weak: &Weak<Shared>, settings: &Settings) -> Vec<Listener> {
    let Some(w) = window() else { return Vec::new() };
    let Some(doc) = document(&w) else { return Vec::new() };
    let pending = Rc::new(Cell::new(false));
    let frame = {
        let (pending, send) = (pending.clone(), send_fn(weak));
        Callback::new(move |_| {
            pending.set(false);
            if let Some(i) = scroll_input() {
                send(i);
            }
        })
    };
    let senses = Senses {
        weak: weak.clone(),
        w: w.clone(),
        pending,
        frame,
        last: Cell::new(0.0),
        add_to_cart: settings.selectors.add_to_cart.clone(),
        checkout: settings.selectors.checkout.clone(),
        search_form: settings.selectors.search_form.clone(),
    };
    let handler = Rc::new(Callback::new(move |e: Event| senses.on(&e)));
    EVENTS.iter().map(|&(on_window, kind, capture)| Listener::shared(if on_window { &w } else { &doc }, kind, capture, &handler)).collect()
}

fn send_fn(weak: &Weak<Shared>) -> impl Fn(Input) {
    let weak = weak.clone();
    move |i: Input| push(&weak, Job::Input(i))
}

/// The current scroll position as an input.
fn scroll_input() -> Option<Input> {
    let w = window()?;
    let d = document(&w)?;
    let el = get(&d, "documentElement");
    let y = get(&w, "scrollY").as_f64()?;
    let view = get(&w, "innerHeight").as_f64()?;
    let max_y = (get(&el, "scrollHeight").as_f64()? - view).max(0.0);
    Some(Input::Scroll { y, max_y })
}

/// An item from a clicked element's `data-*` attributes (`data-id`, `data-name`, `data-price`,
/// `data-quantity`, `data-currency`).
fn data_item(el: &Element) -> Value {
    let mut v = Value::Obj(Vec::new());
    for (attr, key) in [("data-id", "id"), ("data-name", "name"), ("data-category", "category"), ("data-currency", "currency")] {
        if let Some(s) = el.get_attribute(attr) {
            v.set(key, Value::Str(s));
        }
    }
    for (attr, key) in [("data-price", "price"), ("data-quantity", "quantity")] {
        if let Some(n) = el.get_attribute(attr).and_then(|s| moments_engine::json::parse_float(s.trim())) {
            v.set(key, Value::Num(n));
        }
    }
    v
}
