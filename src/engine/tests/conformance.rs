//! GrowthBook's shared SDK cases (tests/conformance/growthbook-cases.json): every `evalCondition`
//! row through both `eval_condition` and a compiled `Condition`, and the bucketing rows.

use moments_engine::condition::{eval_condition, Condition};
use moments_engine::hash::{bucket_ranges, choose_variation, hash, in_namespace};
use moments_engine::Value;

fn cases() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/conformance/growthbook-cases.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Value::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn rows<'a>(cases: &'a Value, section: &str) -> &'a [Value] {
    cases.get(section).and_then(Value::as_array).unwrap_or_else(|| panic!("no section {section}"))
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {}", v.to_json()))
}

#[test]
fn eval_condition_cases() {
    let cases = cases();
    let rows = rows(&cases, "evalCondition");
    let mut failed = Vec::new();
    for row in rows {
        let r = row.as_array().unwrap();
        let (name, cond, attrs, expected) = (r[0].as_str().unwrap(), &r[1], &r[2], r[3].as_bool().unwrap());
        let groups = r.get(4).cloned().unwrap_or(Value::Null);
        let direct = eval_condition(attrs, cond, &groups);
        let compiled = Condition::compile_with_groups(cond, &groups, "", &mut Vec::new());
        let via_compiled = compiled.eval(attrs);
        // explain agrees with eval and never panics.
        assert_eq!(compiled.explain(attrs).is_none(), via_compiled, "{name}: explain disagrees");
        if direct != expected || via_compiled != expected {
            failed.push(format!(
                "{name}: expected {expected}, eval_condition {direct}, compiled {via_compiled}  ({} on {})",
                cond.to_json(),
                attrs.to_json()
            ));
        }
    }
    for f in &failed {
        eprintln!("FAIL {f}");
    }
    let pass = rows.len() - failed.len();
    eprintln!("evalCondition: {pass}/{} pass", rows.len());
    assert_eq!(rows.len(), 248, "the cases file should have 248 evalCondition rows");
    assert!(failed.is_empty(), "{} of {} evalCondition rows failed", failed.len(), rows.len());
}

#[test]
fn hash_cases() {
    let cases = cases();
    let mut failed = Vec::new();
    for row in rows(&cases, "hash") {
        let r = row.as_array().unwrap();
        let (seed, value, version) = (r[0].as_str().unwrap(), r[1].as_str().unwrap(), num(&r[2]) as u32);
        let expected = r[3].as_f64();
        let got = hash(seed, value, version);
        if got != expected {
            failed.push(format!("hash({seed:?}, {value:?}, {version}) = {got:?}, expected {expected:?}"));
        }
    }
    for f in &failed {
        eprintln!("FAIL {f}");
    }
    assert!(failed.is_empty(), "{} hash rows failed", failed.len());
}

#[test]
fn bucketing_cases() {
    let cases = cases();
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    for row in rows(&cases, "getBucketRange") {
        let r = row.as_array().unwrap();
        let args = r[1].as_array().unwrap();
        let weights: Option<Vec<f64>> = args[2].as_array().map(|w| w.iter().map(num).collect());
        let got = bucket_ranges(num(&args[0]) as usize, num(&args[1]), weights.as_deref());
        let expected: Vec<(f64, f64)> =
            r[2].as_array().unwrap().iter().map(|p| (num(&p.as_array().unwrap()[0]), num(&p.as_array().unwrap()[1]))).collect();
        assert_eq!(got.len(), expected.len(), "{}", r[0].to_json());
        for (g, e) in got.iter().zip(&expected) {
            // The cases round to 4 places (0.4 + 0.5999 is 0.9998999999999999 in binary).
            assert!(close((g.0 * 1e4).round(), (e.0 * 1e4).round()) && close((g.1 * 1e4).round(), (e.1 * 1e4).round()), "{}: {got:?}", r[0].to_json());
        }
    }
    for row in rows(&cases, "inNamespace") {
        let r = row.as_array().unwrap();
        let ns = r[2].as_array().unwrap();
        let got = in_namespace(r[1].as_str().unwrap(), (ns[0].as_str().unwrap(), num(&ns[1]), num(&ns[2])));
        assert_eq!(got, r[3].as_bool().unwrap(), "{}", r[0].to_json());
    }
    for row in rows(&cases, "chooseVariation") {
        let r = row.as_array().unwrap();
        let ranges: Vec<(f64, f64)> =
            r[2].as_array().unwrap().iter().map(|p| (num(&p.as_array().unwrap()[0]), num(&p.as_array().unwrap()[1]))).collect();
        let expected = num(&r[3]);
        let got = choose_variation(num(&r[1]), &ranges).map_or(-1.0, |i| i as f64);
        assert_eq!(got, expected, "{}", r[0].to_json());
    }
}
