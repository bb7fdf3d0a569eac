//! The bundle checker against its corpus (tests/bundles/), the shipped example bundles
//! (www/bundles/), and a mutation fuzzer that shows no input makes it panic.
//!
//! Corpus layout: `tests/bundles/invalid/NAME.json` must be refused; `NAME.expected` lists, one a
//! line, `PATH: MESSAGE` where PATH is exact and MESSAGE a substring of the problem's message
//! (`: MESSAGE` for the whole document). The refused bundle's error paths must be exactly the
//! listed ones. A line starting with `warning ` names a warning that must also be reported.
//! `tests/bundles/valid/NAME.json` must load; its `NAME.expected` (if any) lists its warnings,
//! exactly.

mod common;
use common::Rng;
use std::path::{Path, PathBuf};

use moments_engine::bundle::{self, Bundle};
use moments_engine::decide::Decider;
use moments_engine::json::Value;
use moments_engine::{Problem, Severity, Time};

/// 2026-05-28T20:26:40Z: a fixed "now" so that "schedule already ended" warnings are stable.
const NOW: f64 = 1_780_000_000_000.0;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "json")).collect())
        .unwrap_or_default();
    v.sort();
    v
}

struct Expect {
    warning: bool,
    path: String,
    message: String,
}

fn expectations(json: &Path) -> Option<Vec<Expect>> {
    let text = std::fs::read_to_string(json.with_extension("expected")).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (warning, l) = match l.strip_prefix("warning ") {
                    Some(rest) => (true, rest),
                    None => (false, l),
                };
                let (path, message) = l.split_once(": ").unwrap_or((l, ""));
                Expect { warning, path: path.to_string(), message: message.to_string() }
            })
            .collect(),
    )
}

fn found(problems: &[Problem], e: &Expect) -> bool {
    let sev = if e.warning { Severity::Warning } else { Severity::Error };
    problems.iter().any(|p| p.severity == sev && p.path == e.path && p.message.contains(&e.message))
}

fn listing(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("    {p}\n")).collect()
}

#[test]
fn invalid_corpus_is_refused_with_exactly_the_expected_paths() {
    let dir = root().join("tests/bundles/invalid");
    let files = json_files(&dir);
    assert!(files.len() >= 40, "the invalid corpus has only {} bundles", files.len());
    let mut failures = String::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        let Some(expected) = expectations(f) else {
            failures += &format!("{name}: no .expected file\n");
            continue;
        };
        let problems = match Bundle::load(&text, Some(NOW)) {
            Ok((_, w)) => {
                failures += &format!("{name}: loaded, but should be refused; warnings:\n{}", listing(&w));
                continue;
            }
            Err(p) => p,
        };
        let mut got: Vec<&str> = problems.iter().filter(|p| p.severity == Severity::Error).map(|p| p.path.as_str()).collect();
        let mut want: Vec<&str> = expected.iter().filter(|e| !e.warning).map(|e| e.path.as_str()).collect();
        got.sort_unstable();
        want.sort_unstable();
        if got != want {
            failures += &format!("{name}: error paths {got:?}, expected {want:?}; problems:\n{}", listing(&problems));
            continue;
        }
        for e in &expected {
            if !found(&problems, e) {
                failures += &format!("{name}: no problem `{}: {}`; problems:\n{}", e.path, e.message, listing(&problems));
            }
        }
        // `validate` is the same check.
        assert_eq!(bundle::validate(&text).len(), Bundle::load(&text, None).err().map_or(0, |p| p.len()), "{name}");
    }
    assert!(failures.is_empty(), "\n{failures}");
}

/// Every valid corpus bundle and every bundle the project ships.
fn loadable() -> Vec<PathBuf> {
    let r = root();
    let mut v = json_files(&r.join("tests/bundles/valid"));
    v.extend(json_files(&r.join("www/bundles")));
    v.extend(json_files(&r.join("www/bundles/examples")));
    v.retain(|p| p.file_name().is_some_and(|n| n != "schema.json"));
    v
}

#[test]
fn valid_corpus_and_shipped_bundles_load() {
    let files = loadable();
    assert!(files.len() >= 8, "only {} loadable bundles", files.len());
    let mut failures = String::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let name = f.strip_prefix(root()).unwrap_or(f).display().to_string();
        match Bundle::load(&text, Some(NOW)) {
            Err(p) => failures += &format!("{name}: refused:\n{}", listing(&p)),
            Ok((b, warnings)) => {
                assert!(!b.rules.is_empty() || name.contains("minimal"), "{name}: no rules");
                let expected = expectations(f);
                if let Some(expected) = &expected {
                    for e in expected {
                        if !found(&warnings, e) {
                            failures += &format!("{name}: no warning `{}: {}`; warnings:\n{}", e.path, e.message, listing(&warnings));
                        }
                    }
                }
                // The corpus lists its warnings exactly; the examples must be clean.
                let listed = expected.as_ref().map_or(0, Vec::len);
                if (name.contains("examples") || name.contains("tests/bundles")) && warnings.len() != listed {
                    failures += &format!("{name}: {} warnings, expected {listed}:\n{}", warnings.len(), listing(&warnings));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{failures}");
}

#[test]
fn loaded_bundles_have_the_typed_values() {
    let text = std::fs::read_to_string(root().join("tests/bundles/valid/everything.json")).unwrap();
    let (b, _) = Bundle::load(&text, Some(NOW)).unwrap();
    assert_eq!(b.id, "everything");
    assert!(!b.settings.consent_granted);
    assert_eq!(b.settings.abandonment.idle_seconds, 30.0);
    assert!(!b.settings.exit_intent.mobile);
    assert_eq!(b.settings.lexicon.buy, vec!["mua ngay", "giảm giá"]);
    assert_eq!(b.settings.conversion_window_hours, 72.0);
    assert_eq!(b.settings.selectors.search_form, "form[role=search]");
    assert_eq!(b.segments.len(), 2);
    let r = &b.rules[0];
    assert_eq!(r.on.as_deref(), Some(&["add_to_cart".to_string()][..]));
    assert_eq!(r.actions.len(), 10);
    assert_eq!(r.cap, Some(bundle::Cap { max: 2, per: bundle::CapWindow::Days(3) }));
    assert_eq!(r.priority, -5);
    assert_eq!(r.holdout, 0.25);
    let s = r.schedule.as_ref().unwrap();
    assert_eq!(s.hours, Some((22, 6)));
    assert_eq!(s.weekdays.as_deref(), Some(&[0, 1, 2, 3, 4, 5, 6][..]));
    assert_eq!(s.from_local_ms.map(bundle::format_local).as_deref(), Some("2026-01-01T08:00"));
    assert!(!b.rules[1].enabled);
    assert_eq!(b.rules[2].cap.as_ref().map(|c| c.per.clone()), Some(bundle::CapWindow::Days(7)));
    assert_eq!(b.rules[3].cap.as_ref().map(|c| c.per.clone()), Some(bundle::CapWindow::Day));
}

#[test]
fn selectors_urls_dates_and_suggestions() {
    for ok in ["#a", ".b > c + d ~ e", "a[href$='/x;y{']", "li:not(.a, .b)", "a, b", "[data-x=\"]\"]", "div\\{x"] {
        assert_eq!(bundle::selector_problem(ok), None, "{ok}");
    }
    for bad in ["", " ", "a[", "a]", "a)", "(a", "a{}", "a;", "<p>", "a,", ",a", "a,,b", "a >", "'a"] {
        assert!(bundle::selector_problem(bad).is_some(), "{bad:?}");
    }
    for ok in ["/cart", "https://x.example/?q=javascript:", "mailto:a@b.c", "{{page.url}}"] {
        assert!(bundle::safe_url(ok), "{ok}");
    }
    for bad in ["javascript:alert(1)", " JAVASCRIPT:x", "java\tscript:x", "data:text/html,x", "vbscript:x", "\u{1}javascript:x"] {
        assert!(!bundle::safe_url(bad), "{bad:?}");
    }
    assert_eq!(bundle::parse_local("1970-01-02"), Some(86_400_000.0));
    assert_eq!(bundle::parse_local("2024-02-29T23:59").map(bundle::format_local).as_deref(), Some("2024-02-29T23:59"));
    for bad in ["2023-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "2026-01-01T24:00", "2026-01-01 10:00", "+026-01-01", "２０２６-01-01"] {
        assert_eq!(bundle::parse_local(bad), None, "{bad}");
    }
    assert_eq!(bundle::closest("prority", &["id", "priority", "on"]), Some("priority"));
    assert_eq!(bundle::closest("exit-intent", bundle::SIGNALS), Some("exit_intent"));
    assert_eq!(bundle::closest("ADD_TO_CART", bundle::SIGNALS), Some("add_to_cart"));
    assert_eq!(bundle::closest("wishlist_add", bundle::SIGNALS), None);
}

#[test]
fn version_other_than_1_is_refused_alone() {
    let p = Bundle::load(r#"{"version": 2, "id": "x", "rulez": 3}"#, None).unwrap_err();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].to_string(), "version: version 2 is not supported: this engine reads version 1");
}

#[test]
fn schema_is_json_and_names_draft_2020_12() {
    let v = Value::parse(&bundle::schema()).expect("schema() is JSON");
    assert_eq!(v.get("$schema").and_then(Value::as_str), Some("https://json-schema.org/draft/2020-12/schema"));
    assert_eq!(v.pointer("properties.version.const"), Some(&Value::Num(1.0)));
    // Every built-in signal is offered for completion.
    let offered = v.pointer("$defs.signal.anyOf.0.enum").and_then(Value::as_array).unwrap();
    assert_eq!(offered.len(), bundle::SIGNALS.len());
}


fn nodes(v: &Value, out: &mut Vec<Value>) {
    out.push(v.clone());
    match v {
        Value::Arr(a) => a.iter().for_each(|x| nodes(x, out)),
        Value::Obj(m) => m.iter().for_each(|(_, x)| nodes(x, out)),
        _ => {}
    }
}

/// Replaces the `k`-th node (pre-order) of `v` with `with`; returns nodes left to skip.
fn replace_nth(v: &mut Value, k: &mut usize, with: &Value) -> bool {
    if *k == 0 {
        *v = with.clone();
        return true;
    }
    *k -= 1;
    match v {
        Value::Arr(a) => a.iter_mut().any(|x| replace_nth(x, k, with)),
        Value::Obj(m) => m.iter_mut().any(|(_, x)| replace_nth(x, k, with)),
        _ => false,
    }
}

fn mutate(rng: &mut Rng, text: &str, parsed: Option<&Value>) -> String {
    const SNIPPETS: &[&str] = &["{", "}", "[", "]", "\"", ":", ",", "null", "-1", "1e999", "\\u0000", "\"$regex\"", "\"#a[\"", "\"javascript:x\"", "{{", "\u{fffd}", "0.5", "true"];
    match (rng.below(7), parsed) {
        (0..=2, Some(v)) => {
            // Swap a JSON value for another one from the same tree, or an odd one.
            let mut pool = Vec::new();
            nodes(v, &mut pool);
            let odd = [Value::Null, Value::Num(-1.0), Value::Num(1e308), Value::Num(0.5), Value::Str(String::new()), Value::Str("#a[".into()), Value::Str("javascript:x".into()), Value::Arr(vec![]), Value::Obj(vec![]), Value::Bool(true)];
            let with = if rng.below(2) == 0 { pool[rng.below(pool.len())].clone() } else { odd[rng.below(odd.len())].clone() };
            let mut v = v.clone();
            let mut k = rng.below(pool.len());
            replace_nth(&mut v, &mut k, &with);
            v.to_json()
        }
        _ => {
            let mut b = text.as_bytes().to_vec();
            for _ in 0..=rng.below(3) {
                let at = rng.below(b.len() + 1);
                match rng.below(4) {
                    0 => {
                        let end = (at + 1 + rng.below(16)).min(b.len());
                        b.drain(at.min(end)..end);
                    }
                    1 => {
                        let end = (at + 1 + rng.below(32)).min(b.len());
                        let piece = b[at.min(end)..end].to_vec();
                        let to = rng.below(b.len() + 1);
                        b.splice(to..to, piece);
                    }
                    2 => {
                        if let Some(x) = b.get_mut(at) {
                            *x ^= 1 << rng.below(8);
                        }
                    }
                    _ => {
                        let s = SNIPPETS[rng.below(SNIPPETS.len())].as_bytes();
                        b.splice(at..at, s.iter().copied());
                    }
                }
            }
            String::from_utf8_lossy(&b).into_owned()
        }
    }
}

#[test]
fn fuzzed_bundles_never_panic() {
    let mut seeds: Vec<String> = loadable().iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    seeds.extend(json_files(&root().join("tests/bundles/invalid")).iter().take(20).map(|p| std::fs::read_to_string(p).unwrap()));
    let parsed: Vec<Option<Value>> = seeds.iter().map(|s| Value::parse(s).ok()).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let ctx = Value::parse(r#"{"cart": {"items": 2, "value": 120}, "page": {"type": "product"}, "visit": {"count": 1}, "moment": "buy"}"#).unwrap();
    let (mut loaded, mut refused) = (0, 0);
    let cases = 20_000;
    for i in 0..cases {
        let k = rng.below(seeds.len());
        let mut text = mutate(&mut rng, &seeds[k], parsed[k].as_ref());
        if i % 4 == 0 {
            // Mutations stack: mutate a mutant.
            text = mutate(&mut rng, &text, Value::parse(&text).ok().as_ref());
        }
        match Bundle::load(&text, Some(NOW)) {
            Ok((b, _)) => {
                loaded += 1;
                if i % 8 == 0 {
                    let mut d = Decider::new(&b, None);
                    for signal in ["page_view", "add_to_cart", "exit_intent"] {
                        let _ = d.decide(&b, signal, &ctx, Time { ms: NOW, offset_min: 420 }, "shopper");
                    }
                    let _ = d.explain(&b, None, &Value::Null);
                    let _ = d.purchase(Time { ms: NOW, offset_min: 420 }, Some(1.0));
                    let _ = Decider::new(&b, Some(&d.to_value()));
                }
            }
            Err(p) => {
                refused += 1;
                assert!(p.iter().any(|p| p.severity == Severity::Error), "refused with no error: {text}");
            }
        }
    }
    eprintln!("fuzz: {loaded} loaded, {refused} refused");
    assert_eq!(loaded + refused, cases);
    assert!(loaded > 500 && refused > 500, "the mutator is too gentle or too harsh: {loaded} loaded, {refused} refused");
}

#[test]
fn class_names_split_on_any_whitespace() {
    let text = r#"{"version": 1, "id": "c", "rules": [{"id": "r", "do": [{"class": {"selector": ".a", "add": " x\t y\u00a0z ", "remove": ["w"]}}]}]}"#;
    let (b, _) = Bundle::load(text, None).unwrap();
    match &b.rules[0].actions[0] {
        moments_engine::action::Action::Class { add, remove, .. } => {
            assert_eq!(add, &["x", "y", "z"]);
            assert_eq!(remove, &["w"]);
        }
        other => panic!("{other:?}"),
    }
    let bad = r#"{"version": 1, "id": "c", "rules": [{"id": "r", "do": [{"class": {"selector": ".a", "add": "  "}}]}]}"#;
    assert!(Bundle::load(bad, None).is_err());
}
