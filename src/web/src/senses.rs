//! Listening: DOM events turned into engine [`Input`]s. Nothing here decides anything.

use crate::listen::Listener;
use crate::runtime::{push, Job, Shared};
use moments_engine::input::{DeviceKind, Source};
use moments_engine::settings::Settings;
use moments_engine::{ga4, Input, Value};
use std::cell::Cell;
use std::rc::{Rc, Weak};
use crate::browser::{call, get, query, window, Callback};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event};

/// Whether the page is hidden (a background tab).
pub fn hidden() -> bool {
    window().and_then(|w| w.document()).is_some_and(|d| get(&d, "hidden").is_truthy())
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
    out.push(page_view(false));
    out
}

/// A page view of the current location.
pub fn page_view(spa: bool) -> Input {
    let w = window();
    let doc = w.as_ref().and_then(|w| w.document());
    let url = w.as_ref().and_then(|w| get(&get(w, "location"), "href").as_string()).unwrap_or_default();
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
        spa,
    }
}

/// Starts every listener. They hold only a `Weak` to the runtime.
pub fn listen(weak: &Weak<Shared>, settings: &Settings) -> Vec<Listener> {
    let mut out = Vec::new();
    let Some(w) = window() else { return out };
    let Some(doc) = w.document() else { return out };

    // Scroll: passive, read at most once per animation frame.
    let pending = Rc::new(Cell::new(false));
    let frame: Rc<Callback> = {
        let (pending, send) = (pending.clone(), send_fn(weak));
        Rc::new(Callback::new(move |_| {
            pending.set(false);
            if let Some(i) = scroll_input() {
                send(i);
            }
        }))
    };
    out.push(Listener::new(&w, "scroll", false, {
        let w = w.clone();
        move |_| {
            if !pending.replace(true) {
                let _ = call(&w, "requestAnimationFrame", (*frame).as_ref());
            }
        }
    }));

    // Activity (throttled to one a second): resets idle.
    let last = Rc::new(Cell::new(0.0f64));
    for kind in ["pointerdown", "keydown", "touchstart", "mousemove", "wheel"] {
        let (last, send) = (last.clone(), send_fn(weak));
        out.push(Listener::new(&doc, kind, true, move |e: Event| {
            let t = get(&e, "timeStamp").as_f64().unwrap_or(0.0);
            if t - last.get() > 1000.0 {
                last.set(t);
                send(Input::Activity);
            }
        }));
    }

    // Exit intent, desktop: the pointer leaves the document (relatedTarget is null). Read by
    // name: only a mouse event has a `relatedTarget` that is null (other events: undefined).
    {
        let send = send_fn(weak);
        out.push(Listener::new(&doc, "mouseout", false, move |e: Event| {
            if get(&e, "relatedTarget").is_null() {
                // Whole pixels, as the typed (`long`) getter gave them.
                send(Input::PointerLeave { y: get(&e, "clientY").as_f64().map_or(0.0, f64::trunc) });
            }
        }));
        let send2 = send_fn(weak);
        out.push(Listener::new(&doc, "mouseover", false, move |e: Event| {
            if get(&e, "relatedTarget").is_null() {
                send2(Input::PointerEnter);
            }
        }));
    }

    // Tab hidden / shown.
    {
        let send = send_fn(weak);
        out.push(Listener::new(&doc, "visibilitychange", false, move |_| send(Input::Visibility { hidden: hidden() })));
    }

    // Back/forward inside the page's history: a back attempt, then the page it lands on.
    {
        let send = send_fn(weak);
        out.push(Listener::new(&w, "popstate", false, move |_| {
            send(Input::BackAttempt);
            send(page_view(true));
        }));
    }

    // Commerce clicks on the bundle's selectors.
    {
        let send = send_fn(weak);
        let (add, checkout) = (settings.selectors.add_to_cart.clone(), settings.selectors.checkout.clone());
        out.push(Listener::new(&doc, "click", true, move |e: Event| {
            let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
            if let Some(btn) = el.closest(&add).ok().flatten() {
                send(ga4::commerce("add_to_cart", &data_item(&btn), Source::Dom));
            } else if el.closest(&checkout).ok().flatten().is_some() {
                send(ga4::commerce("begin_checkout", &Value::Null, Source::Dom));
            }
        }));
    }

    // Site search submits.
    {
        let send = send_fn(weak);
        let form_sel = settings.selectors.search_form.clone();
        out.push(Listener::new(&doc, "submit", true, move |e: Event| {
            let Some(form) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
            let is_search = call(&form, "matches", &JsValue::from_str(&form_sel)).is_ok_and(|m| m.is_truthy())
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
                send(Input::Search { query: q, source: Source::Dom });
            }
        }));
    }
    out
}

fn send_fn(weak: &Weak<Shared>) -> impl Fn(Input) {
    let weak = weak.clone();
    move |i: Input| push(&weak, Job::Input(i))
}

/// The current scroll position as an input.
fn scroll_input() -> Option<Input> {
    let w = window()?;
    let d = w.document()?;
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
