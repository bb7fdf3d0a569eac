//! The few ways into the browser that everything else shares, chosen for size.
//!
//! Every distinct import (a web-sys method, an `instanceof` check, a closure type) costs an import
//! entry and glue in the wasm and a shim in the generated JavaScript. So:
//!
//! - [`window`] reads the global `window` directly (web-sys's `window()` goes through
//!   `js_sys::global()`: four global lookups and an `instanceof Window`);
//! - every callback handed to the browser is one closure type, [`Callback`] (listeners, timers,
//!   animation frames): one set of glue instead of one per signature;
//! - [`Timer`] replaces gloo-timers on top of it;
//! - [`get`] reads a property by name, for event fields that would otherwise each need an
//!   `instanceof` check and a typed getter;
//! - [`dict`] makes an options object from JSON text (`JSON.parse` is imported anyway) instead of
//!   importing a setter per option;
//! - [`query`] serves the document, elements, fragments and shadow roots alike (web-sys has one
//!   import per interface);
//! - [`call`] calls a method by name, for DOM methods used once or twice.

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, Window};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = window)]
    static WINDOW: Option<Window>;

    // `Reflect.get` with the key passed as text (no JS string made and dropped on the Rust side).
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    fn reflect_get(obj: &JsValue, key: &str) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(f: &Function, ms: u32) -> i32;
    #[wasm_bindgen(js_name = setInterval)]
    fn set_interval(f: &Function, ms: u32) -> i32;
    // Clears intervals too: timeouts and intervals share one list of timers (HTML standard).
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: i32);

    // A page may replace console.log by one that throws: caught, so it never unwinds through Rust.
    #[wasm_bindgen(catch, js_namespace = console, js_name = log)]
    fn console_log(a: &str, b: &str) -> Result<(), JsValue>;
}

/// `console.log(a, b)`; a console that throws or is gone is ignored.
pub fn log(a: &str, b: &str) {
    let _ = console_log(a, b);
}

/// The page's `window`, if there is one.
pub fn window() -> Option<Window> {
    WINDOW.with(Clone::clone)
}

/// The one closure type given to the browser. Callbacks that get no event (timers, animation
/// frames) ignore the argument. `Fn`, not
/// `FnMut`: one closure may serve several events, and an event dispatched from inside a handler
/// (a page's `on()` handler clicking something) may call it again while it runs.
pub type Callback = Closure<dyn Fn(Event)>;

/// `w.document` read by name (no import of its own); `None` where there is none.
pub fn document(w: &Window) -> Option<web_sys::Document> {
    let d = get(w, "document");
    (!d.is_undefined() && !d.is_null()).then(|| d.unchecked_into())
}

/// `[v]`, made with `new Array` and `push` (imported anyway; `Array.of` would be one import more).
pub fn array1(v: &JsValue) -> js_sys::Array {
    let a = js_sys::Array::new();
    a.push(v);
    a
}

/// `obj[key]` (`undefined` when it is missing or `obj` is not an object).
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    reflect_get(obj, key).unwrap_or(JsValue::UNDEFINED)
}

/// `obj.method(arg)`, the method looked up by name (through two imports shared by every such call,
/// instead of one import per method). A missing method or a throw is an `Err`. Methods that take
/// no argument ignore `arg` (pass `&JsValue::UNDEFINED`).
pub fn call(obj: &JsValue, method: &str, arg: &JsValue) -> Result<JsValue, JsValue> {
    get(obj, method).unchecked_into::<Function>().call1(obj, arg)
}

/// `root.querySelector(selector)` on a document, element, fragment or shadow root. `Err` for a
/// selector the browser rejects.
pub fn query(root: &JsValue, selector: &str) -> Result<Option<Element>, JsValue> {
    // Every one of them has `querySelector`: the call goes by name whatever the static type.
    root.unchecked_ref::<Element>().query_selector(selector)
}

/// An options object (`addEventListener`) from JSON.
pub fn dict<T: JsCast>(json: &str) -> T {
    js_sys::JSON::parse(json).unwrap_or_default().unchecked_into()
}

/// A `setTimeout` or `setInterval` timer, cleared when dropped.
#[must_use = "a Timer is cleared as soon as it is dropped"]
pub struct Timer {
    id: i32,
    _callback: Callback,
}

impl Timer {
    /// Calls `f` once after `ms` milliseconds.
    pub fn once(ms: u32, f: impl FnOnce() + 'static) -> Timer {
        let f = std::cell::Cell::new(Some(f));
        let callback = Callback::new(move |_| {
            if let Some(f) = f.take() {
                f();
            }
        });
        Timer { id: set_timeout(callback.as_ref().unchecked_ref(), ms), _callback: callback }
    }

    /// Calls `f` every `ms` milliseconds.
    pub fn every(ms: u32, f: impl Fn() + 'static) -> Timer {
        let callback = Callback::new(move |_| f());
        Timer { id: set_interval(callback.as_ref().unchecked_ref(), ms), _callback: callback }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(self.id);
    }
}
