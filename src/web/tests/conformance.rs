//! GrowthBook's `evalCondition` cases in the browser build: the same engine, with `$regex` on the
//! platform's `RegExp` (JavaScript semantics), in headless Chromium.
#![cfg(target_arch = "wasm32")]

use moments_engine::condition::{eval_condition, Condition};
use moments_engine::Value;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CASES: &str = include_str!("../../../tests/conformance/growthbook-cases.json");

#[wasm_bindgen_test]
fn eval_condition_cases_in_the_browser() {
    moments_web::regex::install();
    let cases = Value::parse(CASES).unwrap();
    let rows = cases.get("evalCondition").and_then(Value::as_array).unwrap();
    let mut failed = Vec::new();
    for row in rows {
        let r = row.as_array().unwrap();
        let (name, cond, attrs, expected) = (r[0].as_str().unwrap(), &r[1], &r[2], r[3].as_bool().unwrap());
        let groups = r.get(4).cloned().unwrap_or(Value::Null);
        let direct = eval_condition(attrs, cond, &groups);
        let compiled = Condition::compile_with_groups(cond, &groups, "", &mut Vec::new()).eval(attrs);
        if direct != expected || compiled != expected {
            failed.push(format!("{name}: expected {expected}, got {direct}/{compiled}"));
        }
    }
    let pass = rows.len() - failed.len();
    web_sys::console::log_1(&format!("evalCondition in Chromium: {pass}/{} pass", rows.len()).into());
    assert_eq!(rows.len(), 248);
    assert!(failed.is_empty(), "{failed:#?}");
}
