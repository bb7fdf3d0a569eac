//! `moments check | simulate | schema | --help`, run as a user runs them.

use std::path::{Path, PathBuf};
use std::process::Command;

use moments_engine::json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `moments` with `args` (paths relative to the repository root): (exit code, stdout, stderr).
fn moments(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_moments")).args(args).current_dir(root()).output().expect("moments runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn check_a_valid_bundle() {
    let (code, out, _) = moments(&["check", "www/bundles/examples/exit-intent-offer.json"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "ok: exit-intent-offer — 2 rules, 1 segment, 0 warnings\n");
    let (code, out, _) = moments(&["check", "tests/bundles/valid/warnings.json"]);
    assert_eq!(code, 0);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("ok: warnings — 6 rules, 1 segment, 11 warnings"));
    assert!(lines.all(|l| l.starts_with("warning: ")), "{out}");
}

#[test]
fn check_an_invalid_bundle_lists_every_problem() {
    let (code, out, _) = moments(&["check", "tests/bundles/invalid/meaning-many-problems.json"]);
    assert_eq!(code, 1);
    for line in [
        "error: rules[0].prority: \"prority\" is not a rule key (did you mean \"priority\"?)",
        "error: rules[0].do[0].prompt.layout: \"popup\" is not one of modal, banner, toast, slide-in",
        "error: rules[1].id: \"a\" is already the id of rules[0]",
        "error: rules[1].do[1].attr.name: \"onmouseover\" is not allowed: no event handlers (on...) or srcdoc",
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line:?} in:\n{out}");
    }
    assert!(out.lines().last().is_some_and(|l| l.starts_with("refused: tests/bundles/invalid/meaning-many-problems.json has 5 errors")), "{out}");
    let (code, out, _) = moments(&["check", "tests/bundles/invalid/meaning-not-json.json"]);
    assert_eq!(code, 1);
    assert!(out.starts_with("error: not valid JSON: line "), "{out}");
}

#[test]
fn check_json_output() {
    let (code, out, _) = moments(&["check", "--json", "tests/bundles/invalid/shape-layout-popup.json"]);
    assert_eq!(code, 1);
    let v = Value::parse(out.trim()).unwrap();
    assert_eq!(v.get("ok"), Some(&Value::Bool(false)));
    assert_eq!(v.pointer("problems.0.path").and_then(Value::as_str), Some("rules[0].do[0].prompt.layout"));
    assert_eq!(v.pointer("problems.0.severity").and_then(Value::as_str), Some("error"));
}

#[test]
fn check_usage_and_file_errors() {
    assert_eq!(moments(&["check"]).0, 2);
    assert_eq!(moments(&["check", "no/such/file.json"]).0, 2);
    assert_eq!(moments(&["check", "a.json", "b.json"]).0, 2);
    assert_eq!(moments(&["frobnicate"]).0, 2);
}

#[test]
fn schema_prints_the_schema() {
    let (code, out, _) = moments(&["schema"]);
    assert_eq!(code, 0);
    let v = Value::parse(&out).expect("schema output is JSON");
    assert_eq!(Value::parse(&moments_engine::bundle::schema()).unwrap(), v);
}

#[test]
fn help_for_each_command() {
    for args in [&["--help"][..], &["help"], &["help", "check"], &["check", "--help"], &["simulate", "-h"], &["schema", "--help"], &["help", "simulate"]] {
        let (code, out, _) = moments(args);
        assert_eq!(code, 0, "{args:?}");
        assert!(out.contains("USAGE:"), "{args:?}: {out}");
    }
    assert!(moments(&["simulate", "--help"]).1.contains("--seed N"));
}

#[test]
fn simulate_prints_decisions_and_conversions_as_json_lines() {
    let (code, out, err) = moments(&["simulate", "www/bundles/examples/exit-intent-offer.json", "tests/bundles/journeys/exit-offer.jsonl"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<Value> = out.lines().map(|l| Value::parse(l).expect("a JSON line")).collect();
    let kinds: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l.get("type").and_then(Value::as_str).unwrap_or(""), l.get("rule").and_then(Value::as_str).unwrap_or("")))
        .collect();
    assert_eq!(kinds, [("decision", "exit-offer-big-cart"), ("conversion", "exit-offer-big-cart")], "{out}");
    assert!(lines.iter().all(|l| l.get("t").and_then(Value::as_f64).is_some()));
    assert_eq!(lines[1].get("value"), Some(&Value::Num(120.0)));

    // Same journey, same seed: same output. --verbose adds signals and applied actions.
    assert_eq!(moments(&["simulate", "www/bundles/examples/exit-intent-offer.json", "tests/bundles/journeys/exit-offer.jsonl", "--seed", "1"]).1, out);
    let (_, verbose, _) = moments(&["simulate", "-v", "www/bundles/examples/exit-intent-offer.json", "tests/bundles/journeys/exit-offer.jsonl"]);
    assert!(verbose.contains(r#""type":"signal","name":"exit_intent""#), "{verbose}");
    assert!(verbose.contains(r#""type":"apply","rule":"exit-offer-big-cart","actions":[{"prompt":{"layout":"modal""#), "{verbose}");
    assert!(verbose.contains("on your 2 item(s)"), "templates are rendered: {verbose}");

    // --explain ends with why each rule did or did not fire.
    let (_, explained, _) = moments(&["simulate", "--explain", "www/bundles/examples/exit-intent-offer.json", "tests/bundles/journeys/exit-offer.jsonl"]);
    let last = Value::parse(explained.lines().last().unwrap()).unwrap();
    assert_eq!(last.get("type").and_then(Value::as_str), Some("explain"));
    assert_eq!(last.pointer("rules.0.id").and_then(Value::as_str), Some("exit-offer-big-cart"));
}

#[test]
fn simulate_holdout_depends_on_the_seed_only() {
    // Over seeds, some shoppers are held out of the 10% holdout, and the same seed always agrees.
    let run = |seed: &str| moments(&["simulate", "--seed", seed, "www/bundles/examples/exit-intent-offer.json", "tests/bundles/journeys/exit-offer.jsonl"]).1;
    let held = (1..=40).filter(|s| run(&s.to_string()).contains(r#""variant":"holdout""#)).count();
    assert!((1..=15).contains(&held), "{held} of 40 held out");
    assert_eq!(run("7"), run("7"));
}

#[test]
fn simulate_refuses_bad_input() {
    let (code, _, err) = moments(&["simulate", "tests/bundles/invalid/shape-layout-popup.json", "tests/bundles/journeys/exit-offer.jsonl"]);
    assert_eq!(code, 1);
    assert!(err.contains("rules[0].do[0].prompt.layout"), "{err}");
    let (code, _, err) = moments(&["simulate", "www/bundles/examples/exit-intent-offer.json", "tests/bundles/invalid/meaning-not-json.json"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(moments(&["simulate", "www/bundles/examples/exit-intent-offer.json"]).0, 2);
}
