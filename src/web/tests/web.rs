//! The browser layer in a real browser (headless Chromium, via wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Reflect};
use moments_web::storage::{Kind, Store};
use moments_web::{validate, Sdk};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BUNDLE: &str = r#"{"version": 1, "id": "web-test", "rules": [
  {"id": "hello", "on": ["add_to_cart"], "do": [{"emit": {"name": "hello", "props": {"x": 1}}}]}
]}"#;

/// An `emit(name, detail)` function that records every event name into `log`.
fn recorder(log: &Array) -> Function {
    let log = log.clone();
    Closure::<dyn Fn(JsValue, JsValue)>::new(move |name: JsValue, _detail: JsValue| {
        log.push(&name);
    })
    .into_js_value()
    .unchecked_into()
}

fn names(log: &Array) -> Vec<String> {
    log.iter().filter_map(|v| v.as_string()).collect()
}

#[wasm_bindgen_test]
fn track_raises_the_signal_and_fires_the_rule() {
    let log = Array::new();
    let mut sdk = Sdk::new(BUNDLE, 0, false, Kind::Memory, recorder(&log)).unwrap();
    sdk.begin();
    sdk.track("add_to_cart", r#"{"id":"sku-1","price":25}"#);
    let seen = names(&log);
    assert!(seen.contains(&"signal".to_string()), "{seen:?}");
    assert!(seen.contains(&"decision".to_string()), "{seen:?}");
    assert!(seen.contains(&"hello".to_string()), "{seen:?}");
    sdk.destroy();
}

#[wasm_bindgen_test]
fn an_invalid_bundle_is_refused_with_paths() {
    let err = Sdk::new(r#"{"version": 2, "rules": []}"#, 0, false, Kind::Memory, recorder(&Array::new()))
        .err()
        .and_then(|e| e.as_string())
        .unwrap_or_default();
    assert!(err.contains("\"ok\":false"), "{err}");
    assert!(err.contains("version"), "{err}");
    assert!(validate(BUNDLE).contains("\"ok\":true"));
}

#[wasm_bindgen_test]
fn after_destroy_no_listener_fires() {
    let log = Array::new();
    let mut sdk = Sdk::new(BUNDLE, 0, false, Kind::Memory, recorder(&log)).unwrap();
    sdk.destroy();
    let before = log.length();
    let doc = web_sys::window().unwrap().document().unwrap();
    for kind in ["visibilitychange", "mouseout", "click", "keydown"] {
        doc.dispatch_event(&web_sys::Event::new(kind).unwrap()).unwrap();
    }
    web_sys::window().unwrap().dispatch_event(&web_sys::Event::new("popstate").unwrap()).unwrap();
    sdk.track("add_to_cart", "{}");
    assert_eq!(log.length(), before, "events after destroy: {:?}", names(&log));
}

#[wasm_bindgen_test]
fn storage_that_throws_falls_back_to_memory() {
    let proto = Reflect::get(&js_sys::global(), &"Storage".into()).and_then(|s| Reflect::get(&s, &"prototype".into())).unwrap();
    let original = Reflect::get(&proto, &"setItem".into()).unwrap();
    let thrower = Function::new_with_args("", "throw new DOMException('full', 'QuotaExceededError')");
    Reflect::set(&proto, &"setItem".into(), &thrower).unwrap();
    let mut store = Store::open(Kind::Local);
    store.write("{\"v\":1}");
    Reflect::set(&proto, &"setItem".into(), &original).unwrap();
    assert_eq!(store.read().as_deref(), Some("{\"v\":1}"));
    assert!(store.fallback_reason.is_some());
}
