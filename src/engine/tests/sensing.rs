//! Sensing, end to end: every `tests/journeys/*.jsonl` is replayed through the [`Engine`] and
//! checked against its `expect` lines (format: `tests/journeys/README.md`); the journeys together
//! must cover every signal of CONTRACT §5 and every micro-moment. Then unit checks of the profile
//! (corrupt, unknown version, another tab's writes) and the lexicon settings.
//!
//! `JOURNEY_DUMP=1 cargo test --test sensing` prints the signals and context at every `expect`
//! line, which helps writing new journeys.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use moments_engine::journey::{self, StepKind};
use moments_engine::sensing::Sensing;
use moments_engine::settings::{Lexicon, Settings};
use moments_engine::{Effect, Engine, Input, Time, Value};

const DEFAULT_BUNDLE: &str = r#"{"version": 1, "id": "journeys", "rules": []}"#;

/// Every signal of CONTRACT §5 except custom `track()` names (covered by `custom_signal` below).
const SIGNALS: [&str; 16] = [
    "page_view",
    "scroll_depth",
    "search",
    "view_item",
    "add_to_cart",
    "remove_from_cart",
    "view_cart",
    "begin_checkout",
    "purchase",
    "idle",
    "exit_intent",
    "tab_hidden",
    "cart_abandoned",
    "checkout_abandoned",
    "returning_with_cart",
    "moment_changed",
];

fn journeys_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/journeys")
}

/// What the journeys expected, for the coverage check.
#[derive(Default)]
struct Coverage {
    signals: BTreeSet<String>,
    contexts: BTreeSet<String>,
    moments: BTreeSet<String>,
}

fn strs(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array).unwrap_or(&[]).iter().filter_map(Value::as_str).map(str::to_string).collect()
}

fn num_eq(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn same(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Num(a), Value::Num(b)) => num_eq(*a, *b),
        (Value::Arr(a), Value::Arr(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
        (Value::Obj(a), Value::Obj(b)) => {
            a.len() == b.len() && b.iter().all(|(k, y)| a.iter().any(|(ka, x)| ka == k && same(x, y)))
        }
        _ => actual == expected,
    }
}

/// Checks one expected value: equality, or an object of operators (`$gt $gte $lt $lte $ne
/// $exists $in $contains`). `None` when it holds, else why not.
fn check(actual: Option<&Value>, expected: &Value) -> Option<String> {
    let ops = match expected {
        Value::Obj(m) if !m.is_empty() && m.iter().all(|(k, _)| k.starts_with('$')) => m,
        _ => {
            return match actual {
                Some(a) if same(a, expected) => None,
                Some(a) => Some(format!("is {}, expected {}", a.to_json(), expected.to_json())),
                None => Some(format!("is missing, expected {}", expected.to_json())),
            }
        }
    };
    let shown = actual.map_or("missing".to_string(), Value::to_json);
    for (op, x) in ops {
        let a = actual.and_then(Value::as_f64);
        let b = x.as_f64();
        let ok = match op.as_str() {
            "$gt" => matches!((a, b), (Some(a), Some(b)) if a > b),
            "$gte" => matches!((a, b), (Some(a), Some(b)) if a >= b),
            "$lt" => matches!((a, b), (Some(a), Some(b)) if a < b),
            "$lte" => matches!((a, b), (Some(a), Some(b)) if a <= b),
            "$ne" => actual.is_none_or(|a| !same(a, x)),
            "$exists" => actual.is_some_and(|a| !a.is_null()) == (x.as_bool() == Some(true)),
            "$in" => x.as_array().is_some_and(|l| actual.is_some_and(|a| l.iter().any(|y| same(a, y)))),
            "$contains" => actual.is_some_and(|a| a.to_json().contains(x.as_str().unwrap_or("\u{0}"))),
            other => return Some(format!("unknown operator {other}")),
        };
        if !ok {
            return Some(format!("is {shown}, expected {op} {}", x.to_json()));
        }
    }
    None
}

fn check_paths(what: &str, root: &Value, expected: Option<&Value>, errs: &mut Vec<String>) {
    for (path, want) in expected.and_then(Value::as_object).unwrap_or(&[]) {
        if let Some(why) = check(root.pointer(path), want) {
            errs.push(format!("{what} {path} {why}"));
        }
    }
}

fn run(path: &Path, cov: &mut Coverage) -> Vec<String> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return vec![format!("{name}: {e}")],
    };
    let j = match journey::parse(&text) {
        Ok(j) => j,
        Err(e) => return vec![format!("{name}: {e}")],
    };
    let dump = std::env::var_os("JOURNEY_DUMP").is_some();
    let bundle = j.header.get("bundle").map_or(DEFAULT_BUNDLE.to_string(), Value::to_json);
    let seed = j.header.get("seed").and_then(Value::as_f64).unwrap_or(7.0) as u64;
    let start = j.steps.first().map_or(Time { ms: journey::EPOCH_MS, offset_min: 0 }, |s| s.time);
    let profile = j.header.get("profile").map(Value::to_json);
    let (mut engine, _) = match Engine::new(&bundle, profile.as_deref(), start, seed) {
        Ok(e) => e,
        Err(p) => return vec![format!("{name}: bundle refused: {p:?}")],
    };
    let mut stored = engine.profile_json();
    let mut signals: Vec<String> = Vec::new();
    let mut errs = Vec::new();
    let mut expects = 0;
    for step in &j.steps {
        match &step.kind {
            StepKind::Input(input) => {
                for e in engine.handle(input, step.time) {
                    match e {
                        Effect::Signal { name } => signals.push(name),
                        Effect::Persist(p) => stored = p,
                        _ => {}
                    }
                }
            }
            StepKind::Reload => match Engine::new(&bundle, Some(&stored), step.time, seed) {
                Ok((e, _)) => engine = e,
                Err(p) => errs.push(format!("{name}:{}: reload refused: {p:?}", step.line)),
            },
            StepKind::Expect(x) => {
                expects += 1;
                let at = format!("{name}:{} (t={})", step.line, step.time.ms - journey::EPOCH_MS);
                if dump {
                    println!("{at}\n  signals {signals:?}\n  context {}", engine.context().to_json());
                }
                let mut bad = Vec::new();
                if let Some(want) = x.get("signals") {
                    let want = strs(Some(want));
                    if want != signals {
                        bad.push(format!("signals were {signals:?}, expected {want:?}"));
                    }
                    cov.signals.extend(want);
                }
                for s in strs(x.get("has")) {
                    if !signals.contains(&s) {
                        bad.push(format!("signal {s} missing from {signals:?}"));
                    }
                    cov.signals.insert(s);
                }
                for s in strs(x.get("not")) {
                    if signals.contains(&s) {
                        bad.push(format!("signal {s} should not be in {signals:?}"));
                    }
                }
                if let Some(c) = x.get("context").and_then(Value::as_object) {
                    for (k, v) in c {
                        cov.contexts.insert(k.clone());
                        if k == "moment" {
                            cov.moments.extend(v.as_str().map(str::to_string));
                        }
                    }
                }
                check_paths("context", engine.context(), x.get("context"), &mut bad);
                let profile = Value::parse(&stored).unwrap_or_default();
                check_paths("profile", &profile, x.get("profile"), &mut bad);
                let explain = engine.explain(None);
                check_paths("explain", explain.get("sensing").unwrap_or(&Value::Null), x.get("explain"), &mut bad);
                errs.extend(bad.into_iter().map(|b| format!("{at}: {b}")));
                signals.clear();
            }
        }
    }
    if expects == 0 {
        errs.push(format!("{name}: no expect lines"));
    }
    errs
}

#[test]
fn journeys() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(journeys_dir())
        .expect("tests/journeys exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no journeys found");
    let mut cov = Coverage::default();
    let mut errs = Vec::new();
    for f in &files {
        errs.extend(run(f, &mut cov));
    }
    assert!(errs.is_empty(), "{} failed expectation(s):\n{}", errs.len(), errs.join("\n"));
    let missing: Vec<&str> = SIGNALS.iter().copied().filter(|s| !cov.signals.contains(*s)).collect();
    assert!(missing.is_empty(), "no journey expects these signals: {missing:?}");
    for m in ["know", "go", "do", "buy", "none"] {
        assert!(cov.moments.contains(m), "no journey expects moment {m}");
    }
    const CONTEXT: [&str; 37] = [
        "page.url", "page.path", "page.type", "page.referrer", "device.type", "device.touch", "visit.count", "visit.returning",
        "visit.daysSinceLast", "session.pageviews", "session.seconds", "scroll.depth", "scroll.maxDepth", "scroll.velocity",
        "search.query", "search.count", "search.lastQueries", "cart.items", "cart.value", "cart.currency", "cart.ageSeconds",
        "cart.lastChange", "idle.seconds", "moment", "momentScores.buy", "abandonment.risk", "utm.source", "utm.medium",
        "utm.campaign", "channel", "journey.stage", "time.hour", "time.weekday", "momentScores.know", "momentScores.go",
        "momentScores.do", "journey.firstChannel",
    ];
    let missing: Vec<&str> = CONTEXT.iter().copied().filter(|c| !cov.contexts.contains(*c)).collect();
    assert!(missing.is_empty(), "no journey checks these context fields: {missing:?}");
    assert!(cov.contexts.iter().any(|c| c.starts_with("custom.")), "no journey checks custom.*");
    assert!(cov.contexts.iter().any(|c| c.starts_with("flow.")), "no journey checks flow.*");
}

#[test]
fn custom_signal_and_fire() {
    let now = Time { ms: journey::EPOCH_MS, offset_min: 0 };
    let (mut s, _) = Sensing::new(&Settings::default(), None, now, 1);
    let mut out = Vec::new();
    s.observe(&Input::Track { name: "size_finder_used".into(), props: Value::Null }, now, &mut out);
    s.observe(&Input::Fire { name: "exit_intent".into() }, now, &mut out);
    assert_eq!(out, ["size_finder_used", "exit_intent"]);
}

fn t(ms: f64) -> Time {
    Time { ms: journey::EPOCH_MS + ms, offset_min: 0 }
}

fn feed(s: &mut Sensing, input: Input, at: f64) -> Vec<String> {
    let mut out = Vec::new();
    s.observe(&input, t(at), &mut out);
    out
}

fn add(id: &str, price: f64) -> Input {
    Input::Commerce {
        name: "add_to_cart".into(),
        items: vec![moments_engine::input::Item { id: id.into(), price, quantity: 1.0, ..Default::default() }],
        value: None,
        currency: Some("USD".into()),
        source: moments_engine::input::Source::Api,
    }
}

#[test]
fn corrupt_or_unknown_profiles_reset_with_a_warning() {
    for bad in ["[1,2]", r#"{"v": 9, "visits": 3}"#, r#"{"visits": 3}"#, "\"x\""] {
        let p = Value::parse(bad).unwrap();
        let (s, w) = Sensing::new(&Settings::default(), Some(&p), t(0.0), 1);
        assert_eq!(w.len(), 1, "{bad}");
        assert_eq!(w[0].path, "profile");
        assert_eq!(s.context().pointer("visit.count"), Some(&Value::Num(0.0)));
    }
    // Through the engine: not JSON at all.
    let (e, w) = Engine::new(DEFAULT_BUNDLE, Some("{not json"), t(0.0), 1).unwrap();
    assert!(w.iter().any(|p| p.path == "profile"));
    assert_eq!(e.context().pointer("cart.items"), Some(&Value::Num(0.0)));
    // Malformed fields inside a v1 profile are dropped quietly, never a panic.
    let odd = Value::parse(r#"{"v":1,"visits":"x","cart":{"lines":[["a",-1,2],[1,2,3],"z"],"ver":null},"session":[],"firstTouch":7}"#).unwrap();
    let (mut s, w) = Sensing::new(&Settings::default(), Some(&odd), t(0.0), 1);
    assert!(w.is_empty());
    assert_eq!(s.context().pointer("cart.items"), Some(&Value::Num(2.0)));
    feed(&mut s, Input::Tick, 1000.0);
}

#[test]
fn profile_round_trips_and_another_tab_merges() {
    let (mut a, _) = Sensing::new(&Settings::default(), None, t(0.0), 1);
    feed(&mut a, Input::PageView { url: "https://shop.vn/?utm_medium=email".into(), referrer: String::new(), page_type: None, title: String::new(), spa: false }, 0.0);
    feed(&mut a, add("a", 10.0), 1000.0);
    let stored = a.profile();
    assert_eq!(stored.get("v"), Some(&Value::Num(1.0)));
    let (b, w) = Sensing::new(&Settings::default(), Some(&stored), t(5000.0), 2);
    assert!(w.is_empty());
    assert_eq!(b.shopper_id(), a.shopper_id());
    assert_eq!(b.context().pointer("cart.items"), Some(&Value::Num(1.0)));
    assert_eq!(b.context().pointer("channel").and_then(Value::as_str), Some("email"));
    assert_eq!(b.context().pointer("session.pageviews"), Some(&Value::Num(1.0)));
    assert_eq!(b.profile(), stored);

    // Tab B adds an item; tab A hears of it through a storage event.
    let (mut b, _) = Sensing::new(&Settings::default(), Some(&stored), t(5000.0), 2);
    feed(&mut b, add("b", 5.0), 6000.0);
    feed(&mut b, Input::Commerce { name: "purchase".into(), items: vec![], value: Some(15.0), currency: None, source: moments_engine::input::Source::Api }, 7000.0);
    feed(&mut b, add("c", 7.0), 8000.0);
    a.merge_profile(&b.profile(), t(9000.0));
    assert_eq!(a.context().pointer("cart.items"), Some(&Value::Num(1.0)));
    assert_eq!(a.context().pointer("cart.value"), Some(&Value::Num(7.0)));
    assert_eq!(a.context().pointer("journey.stage").and_then(Value::as_str), Some("loyal"));
    // An older profile (say our own echo) changes nothing; a bad one is ignored.
    let before = a.profile();
    a.merge_profile(&stored, t(9500.0));
    a.merge_profile(&Value::parse(r#"{"v":2,"cart":{}}"#).unwrap(), t(9500.0));
    assert_eq!(a.profile().get("cart"), before.get("cart"));
}

#[test]
fn lexicon_from_settings_and_explain() {
    let settings = Settings { lexicon: Lexicon { go: vec!["click and collect".into(), "nhận tại ... cửa hàng".into()], ..Lexicon::default() }, ..Settings::default() };
    let (mut s, _) = Sensing::new(&settings, None, t(0.0), 1);
    let out = feed(&mut s, Input::Search { query: "Click and Collect".into(), source: moments_engine::input::Source::Dom }, 0.0);
    assert_eq!(out, ["search", "moment_changed"]);
    assert_eq!(s.context().pointer("moment").and_then(Value::as_str), Some("go"));
    let ev = s.explain();
    let first = ev.pointer("evidence.0").unwrap();
    assert_eq!(first.get("moment").and_then(Value::as_str), Some("go"));
    assert_eq!(first.get("weight"), Some(&Value::Num(1.0)));
    assert!(first.get("evidence").and_then(Value::as_str).unwrap().contains("click and collect"));
    feed(&mut s, Input::Search { query: "nhan tai cua hang".into(), source: moments_engine::input::Source::Dom }, 5000.0);
    assert_eq!(s.explain().pointer("evidence.1.moment").and_then(Value::as_str), Some("go"));
}

#[test]
fn search_from_the_url_with_the_bundles_own_parameters() {
    let view = |s: &mut Sensing, url: &str, at: f64| {
        feed(s, Input::PageView { url: url.into(), referrer: String::new(), page_type: None, title: String::new(), spa: false }, at)
    };
    // Without settings.searchParams a shop's own parameter is not a search…
    let (mut plain, _) = Sensing::new(&Settings::default(), None, t(0.0), 1);
    assert!(!view(&mut plain, "https://shop.vn/tim-kiem?tu-khoa=gi%C3%A0y+ch%E1%BA%A1y+b%E1%BB%99", 0.0).contains(&"search".to_string()));
    // …with it, it is, and the built-in ones still come first.
    let settings = Settings { search_params: vec!["tu-khoa".into()], ..Settings::default() };
    let (mut s, _) = Sensing::new(&settings, None, t(0.0), 1);
    assert!(view(&mut s, "https://shop.vn/tim-kiem?tu-khoa=gi%C3%A0y+ch%E1%BA%A1y+b%E1%BB%99+gi%C3%A1+r%E1%BA%BB", 0.0).contains(&"search".to_string()));
    assert_eq!(s.context().pointer("search.query").and_then(Value::as_str), Some("giày chạy bộ giá rẻ"));
    assert_eq!(s.context().pointer("moment").and_then(Value::as_str), Some("buy"));
    view(&mut s, "https://shop.vn/tim-kiem?tu-khoa=a&q=%C3%A1o+kho%C3%A1c", 60_000.0);
    assert_eq!(s.context().pointer("search.query").and_then(Value::as_str), Some("áo khoác"));
}

#[test]
fn an_exit_intent_no_rule_acted_on_is_armed_again() {
    let bundle = r#"{"version": 1, "id": "b", "settings": {"exitIntent": {"delayMs": 0, "minSeconds": 1}},
      "rules": [{"id": "offer", "on": ["exit_intent"], "when": {"cart.items": {"$gt": 0}},
                 "do": [{"emit": {"name": "offer"}}]}]}"#;
    let (mut e, _) = Engine::new(bundle, None, t(0.0), 7).unwrap();
    let pv = Input::PageView { url: "https://shop.test/p/1".into(), referrer: String::new(), page_type: None, title: String::new(), spa: false };
    e.handle(&pv, t(0.0));
    let leave = Input::PointerLeave { y: 0.0 };
    let step = |e: &mut Engine, input: &Input, at: f64| -> (bool, bool) {
        let fx = e.handle(input, t(at));
        let exit = fx.iter().any(|f| matches!(f, Effect::Signal { name } if name == "exit_intent"));
        let offer = fx.iter().any(|f| matches!(f, Effect::Decision { rule, .. } if rule == "offer"));
        (exit, offer)
    };
    // The pointer goes to the tab bar with an empty cart: exit intent, but no offer.
    assert_eq!(step(&mut e, &leave, 2_000.0), (true, false));
    e.handle(&Input::PointerEnter, t(2_100.0));
    e.handle(&add("sku", 20.0), t(2_500.0));
    // Armed again, but not at once: a leave within 3 s is not a new exit intent…
    assert_eq!(step(&mut e, &leave, 4_000.0), (false, false));
    e.handle(&Input::PointerEnter, t(4_100.0));
    // …a real leave later is, and now the offer fires.
    assert_eq!(step(&mut e, &leave, 6_000.0), (true, true));
    e.handle(&Input::PointerEnter, t(6_100.0));
    // A rule acted on it: no more exit intent on this page view.
    assert_eq!(step(&mut e, &leave, 20_000.0), (false, false));
    // The abandonment risk still counts the exit intent seen.
    let risk = e.context().pointer("abandonment.risk").and_then(Value::as_f64).unwrap();
    assert!(risk > 0.5, "{risk}");
    // A new page view arms it again (the rule has no cap: it fires again).
    e.handle(&pv, t(30_000.0));
    assert_eq!(step(&mut e, &leave, 32_000.0), (true, true));
}

#[test]
fn reset_forgets_the_shopper_but_not_the_page() {
    let (mut s, _) = Sensing::new(&Settings::default(), None, t(0.0), 1);
    feed(&mut s, Input::PageView { url: "https://shop.vn/cart".into(), referrer: String::new(), page_type: None, title: String::new(), spa: false }, 0.0);
    feed(&mut s, add("a", 10.0), 1000.0);
    let old = s.shopper_id().to_string();
    s.reset(&Settings::default(), t(2000.0), 99);
    assert_ne!(s.shopper_id(), old);
    assert_eq!(s.context().pointer("cart.items"), Some(&Value::Num(0.0)));
    assert_eq!(s.context().pointer("page.type").and_then(Value::as_str), Some("cart"));
    assert_eq!(s.profile().get("visits"), Some(&Value::Num(0.0)));
}

#[test]
fn never_panics_on_odd_inputs() {
    let (mut s, _) = Sensing::new(&Settings::default(), None, t(0.0), 1);
    let odd = [
        Input::Scroll { y: f64::NAN, max_y: f64::INFINITY },
        Input::Scroll { y: -50.0, max_y: 0.0 },
        Input::Scroll { y: 1e300, max_y: 1.0 },
        Input::PageView { url: "::::".into(), referrer: "%%%".into(), page_type: Some(String::new()), title: String::new(), spa: true },
        Input::PageView { url: "https://x/?q=%E0%A4".into(), referrer: "//".into(), page_type: None, title: String::new(), spa: false },
        Input::Search { query: "\u{301}\u{301}đ".repeat(500), source: moments_engine::input::Source::Url },
        Input::PointerLeave { y: f64::NEG_INFINITY },
        Input::Commerce { name: "remove_from_cart".into(), items: vec![], value: Some(f64::NAN), currency: Some(String::new()), source: moments_engine::input::Source::Dom },
        Input::Commerce { name: "add_to_cart".into(), items: vec![Default::default()], value: Some(-5.0), currency: None, source: moments_engine::input::Source::Dom },
        Input::Set { attrs: Value::Null },
        Input::Track { name: "search".into(), props: Value::Null },
        Input::Visibility { hidden: false },
    ];
    for (i, input) in odd.into_iter().enumerate() {
        feed(&mut s, input, i as f64 * 10.0);
    }
    feed(&mut s, Input::Tick, -1e15);
    let p = s.profile();
    assert!(Value::parse(&p.to_json()).is_ok());
}
