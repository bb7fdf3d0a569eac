//! Acceptance tests from a marketer's side, written from README.md and CONTRACT.md alone: three
//! shops' bundles and journeys (tests/marketer/{vi-fashion,de-electronics,us-grocery}), realistic
//! broken bundles (tests/marketer/broken) and hostile journeys (tests/marketer/hostile), run
//! through the built `moments` binary as a shop's CI runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn dir() -> PathBuf {
    root().join("tests/marketer")
}

/// Runs `moments` in tests/marketer: (exit code, stdout, stderr).
fn moments(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_moments")).args(args).current_dir(dir()).output().expect("moments runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `moments simulate BUNDLE -` with the journey on standard input.
fn simulate_text(bundle: &str, journey: &str, extra: &[&str]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_moments"))
        .args(["simulate", bundle, "-"])
        .args(extra)
        .current_dir(dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("moments runs");
    child.stdin.take().unwrap().write_all(journey.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

const SHOPS: &[(&str, &str, &[&str])] = &[
    ("vi-fashion", "ok: thoi-trang-tet — 7 rules, 3 segments, 0 warnings", &[]),
    ("de-electronics", "ok: elektro-größe — 6 rules, 3 segments, 0 warnings", &[]),
    ("us-grocery", "ok: fresh-grocer — 8 rules, 3 segments, 1 warning", &["warning: segments.organicShopper: is not used by any rule"]),
];

#[test]
fn every_shop_bundle_is_accepted_with_a_one_line_summary() {
    for (shop, summary, warnings) in SHOPS {
        let (code, out, err) = moments(&["check", &format!("{shop}/bundle.json")]);
        assert_eq!(code, 0, "{shop}: {out}{err}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.first(), Some(summary), "{shop}: {out}");
        assert_eq!(&lines[1..], *warnings, "{shop}: {out}");
    }
}

#[test]
fn every_shop_journey_gives_the_decisions_the_bundle_says() {
    // expected.jsonl was checked by hand against each bundle (see the comments in the journeys):
    // caps per session/day/3d/lifetime, holdouts, priorities over one element and one modal,
    // schedules by the journey's clock and offset, idle abandonment, micro-moments from
    // Vietnamese, German and English searches, conversions.
    for (shop, _, _) in SHOPS {
        let (code, out, err) = moments(&["simulate", &format!("{shop}/bundle.json"), &format!("{shop}/journey.jsonl")]);
        assert_eq!(code, 0, "{shop}: {err}");
        let expected = std::fs::read_to_string(dir().join(shop).join("expected.jsonl")).unwrap();
        assert_eq!(out, expected, "{shop}: the decisions changed");
        // The same run again gives the same output (deterministic per seed).
        assert_eq!(moments(&["simulate", &format!("{shop}/bundle.json"), &format!("{shop}/journey.jsonl")]).1, out);
    }
}

#[test]
fn the_decisions_are_what_the_bundles_say() {
    // The key facts behind expected.jsonl, spelled out so a changed file cannot hide them.
    let run = |shop: &str| moments(&["simulate", &format!("{shop}/bundle.json"), &format!("{shop}/journey.jsonl")]).1;
    let vi = run("vi-fashion");
    let count = |out: &str, rule: &str| out.lines().filter(|l| l.contains(&format!("\"rule\":\"{rule}\"")) && l.contains("\"decision\"")).count();
    // san-sale-toi: cap 3 per "3d" — a 4th matching search 5.5 h later (inside 20h–2h) is capped.
    assert_eq!(count(&vi, "san-sale-toi"), 3, "{vi}");
    // thoat-gio-hang: cap 1 per session — once in each of the two visits with a big VND cart.
    assert_eq!(count(&vi, "thoat-gio-hang"), 2, "{vi}");
    // chao-khach-quen needs visit.count >= 3: only on the third visit.
    assert!(vi.lines().last().unwrap().contains("chao-khach-quen"), "{vi}");
    // enabled: false never fires.
    assert_eq!(count(&vi, "tat-tam"), 0);
    let us = run("us-grocery");
    assert!(us.contains(r##"{"t":20000,"type":"suppressed","rule":"free-delivery-nudge","by":"bulk-deal","over":"#delivery-bar"}"##), "{us}");
    assert!(us.contains(r#"{"t":31000,"type":"suppressed","rule":"exit-save-2","by":"exit-save","over":"modal"}"#), "{us}");
    assert!(us.contains(r#""type":"conversion","rule":"exit-save","variant":"shown","value":43"#), "{us}");
    let de = run("de-electronics");
    // abbruch-kasse: cap 1 lifetime — exit intent takes it, checkout_abandoned right after does not.
    assert_eq!(count(&de, "abbruch-kasse"), 1, "{de}");
    assert!(de.contains(r#""rule":"spätkauf","variant":"shown""#), "22:30 in Berlin on a Tuesday is inside 22–6, Mon–Fri: {de}");
}

#[test]
fn schedules_follow_the_journeys_clock_and_time_zone() {
    // san-sale-toi: 2027-01-25 .. 2027-02-20T23:59, hours [20, 2] (wraps midnight), Fri/Sat/Sun.
    // Each case is a fresh shopper in Ho Chi Minh City (UTC+7) searching for a sale.
    let cases: &[(&str, i64, bool)] = &[
        ("Fri 19:59, before the hours", 1_801_227_540_000, false),
        ("Fri 20:00", 1_801_227_600_000, true),
        ("Thu 20:30, not a listed weekday", 1_801_143_000_000, false),
        ("Sat 01:59, after midnight inside the window", 1_801_249_140_000, true),
        ("Sat 02:30, inside the end hour (to end:59)", 1_801_251_000_000, true),
        ("Sat 03:00, after the end hour", 1_801_252_800_000, false),
        ("Sun 2027-01-24 21:00, before from", 1_800_799_200_000, false),
        ("Sat 2027-02-20 23:00, before until", 1_803_139_200_000, true),
        ("Sun 2027-02-21 00:30, after until", 1_803_144_600_000, false),
    ];
    for (what, at, fires) in cases {
        let journey = format!(
            "{{\"at\": {at}, \"offset\": 420}}\n{{\"t\": 0, \"type\": \"page_view\", \"url\": \"https://thoitrang.vn/\"}}\n{{\"t\": 1000, \"type\": \"search\", \"query\": \"giảm giá áo dài\"}}\n"
        );
        let (code, out, err) = simulate_text("vi-fashion/bundle.json", &journey, &[]);
        assert_eq!(code, 0, "{what}: {err}");
        assert_eq!(out.contains("\"rule\":\"san-sale-toi\""), *fires, "{what}: {out}");
    }
    // The same instant seen from another time zone: 13:00 UTC is 14:00 in Berlin, not 20:00.
    let journey = "{\"at\": 1801227600000, \"offset\": 60}\n{\"t\": 0, \"type\": \"page_view\", \"url\": \"https://thoitrang.vn/\"}\n{\"t\": 1000, \"type\": \"search\", \"query\": \"giảm giá\"}\n";
    assert!(!simulate_text("vi-fashion/bundle.json", journey, &[]).1.contains("san-sale-toi"));
}

#[test]
fn holdouts_are_deterministic_per_shopper_and_near_their_share() {
    let (mut vergleich, mut kasse) = (0, 0);
    for seed in 1..=100 {
        let s = seed.to_string();
        let args = ["simulate", "de-electronics/bundle.json", "de-electronics/journey.jsonl", "--seed", &s];
        let out = moments(&args).1;
        assert_eq!(moments(&args).1, out, "seed {seed} is not deterministic");
        vergleich += out.contains(r#""rule":"vergleichs-hilfe","variant":"holdout""#) as u32;
        kasse += out.contains(r#""rule":"abbruch-kasse","variant":"holdout""#) as u32;
        // A held-out shopper still counts against the cap: never a second decision.
        assert!(out.matches(r#""rule":"abbruch-kasse""#).count() == 1, "seed {seed}: {out}");
    }
    assert!((30..=70).contains(&vergleich), "holdout 0.5 held out {vergleich} of 100");
    assert!((10..=40).contains(&kasse), "holdout 0.25 held out {kasse} of 100");
    // holdout 0 (exit-save) never holds out.
    for seed in 1..=20 {
        let s = seed.to_string();
        let out = moments(&["simulate", "us-grocery/bundle.json", "us-grocery/journey.jsonl", "--seed", &s]).1;
        assert!(out.contains(r#""rule":"exit-save","variant":"shown""#), "seed {seed}: {out}");
    }
}

/// (file in tests/marketer/broken, lines that must be printed). Every case must exit 1, print
/// only `error:`/`warning:` lines and the final `refused:` count, one line per problem.
const BROKEN: &[(&str, &[&str])] = &[
    ("key-typo-when.json", &["error: rules[0].wehn: \"wehn\" is not a rule key (did you mean \"when\"?)"]),
    ("operator-typo-gte.json", &["error: rules[0].when.cart.value: unknown operator \"$gtee\""]),
    ("operator-trailing-space.json", &["error: rules[0].when.cart.value: unknown operator \"$gte \""]),
    ("elemmatch-on-scalar-typo.json", &["error: rules[0].when.search.lastQueries: unknown operator \"$elemmatch\""]),
    ("in-not-array.json", &["error: rules[0].when.page.type: $in needs an array"]),
    ("not-array-of-conds.json", &["error: rules[0].when.$and: $and needs an array of conditions"]),
    ("size-string.json", &["error: rules[0].when.search.lastQueries: $size needs a number or an operator object"]),
    ("type-unknown.json", &["error: rules[0].when.custom.tier: $type needs one of string, number, boolean, object, array, null"]),
    ("priority-string.json", &["error: rules[0].priority: must be a number, not string"]),
    ("cap-max-string.json", &["error: rules[0].cap.max: must be a number, not string"]),
    ("cap-per-days.json", &["error: rules[0].cap.per: \"3 days\" is not one of session, day, week, lifetime or a number of days like \"3d\""]),
    ("cap-per-month.json", &["error: rules[0].cap.per: \"month\" is not one of"]),
    ("flow-next-missing.json", &["error: rules[0].do[0].prompt.flow.nodes.a.buttons[0].next: \"b\" names no node"]),
    ("flow-button-two-targets.json", &["error: rules[0].do[0].prompt.flow.nodes.a.buttons[0]: needs exactly one of \"next\", \"href\", \"emit\" or \"do\""]),
    ("selector-bad.json", &["error: rules[0].do[0].replace.selector: \"#hero-title[\" is not a valid CSS selector: it has an unclosed \"[\""]),
    ("selector-jquery.json", &["error: rules[0].do[0].hide: \"div:contains('Sale')\" is not a valid CSS selector: it uses a jQuery-only pseudo-class"]),
    ("cta-javascript.json", &["error: rules[0].do[0].prompt.cta.href: \"javascript:alert(1)\" is not allowed"]),
    ("cta-javascript-mixed-case.json", &["error: rules[0].do[0].prompt.cta.href: \" JavaScript:alert(1)\" is not allowed"]),
    ("attr-href-javascript-entity.json", &["error: rules[0].do[0].attr.value: \"java\tscript:alert(1)\" is not allowed"]),
    ("signal-exit-intent-dash.json", &["error: rules[0].on[0]: \"exit-intent\" is not a signal (did you mean \"exit_intent\"?)"]),
    ("signal-addtocart-camel.json", &["error: rules[0].on[0]: \"addToCart\" is not a signal (did you mean \"add_to_cart\"?)"]),
    ("unknown-segment.json", &["error: rules[0].when.segments.bigcart: there is no segment named \"bigcart\" (did you mean \"bigCart\"?)"]),
    ("date-invalid.json", &["error: rules[0].schedule.from: \"2026-02-30\" is not a date"]),
    ("date-us-format.json", &["error: rules[0].schedule.from: \"03/01/2026\" is not a date"]),
    ("date-until-before-from.json", &["error: rules[0].schedule.until: must be later than \"from\""]),
    ("hours-25.json", &["error: rules[0].schedule.hours[1]: must be a whole number from 0 to 23, not 25"]),
    ("holdout-1.5.json", &["error: rules[0].holdout: must be a share from 0 to 1 (1.5% is 0.015)"]),
    ("holdout-percent-string.json", &["error: rules[0].holdout: must be a number, not string"]),
    ("regex-bad.json", &["error: rules[0].when.search.query: bad $regex \"giày(nam\": unclosed group"]),
    ("regex-lookahead.json", &["error: rules[0].when.search.query: bad $regex \"(?=sale)\": look-around, including look-ahead and look-behind, is not supported"]),
    ("duplicate-ids.json", &["error: rules[1].id: \"r1\" is already the id of rules[0]"]),
    ("id-empty.json", &["error: rules[0].id: must not be empty"]),
    ("layout-popup.json", &["error: rules[0].do[0].prompt.layout: \"popup\" is not one of modal, banner, toast, slide-in"]),
    ("insert-position-inside.json", &["error: rules[0].do[0].insert.position: \"inside\" is not one of before, after, prepend, append"]),
    ("action-typo-replce.json", &["error: rules[0].do[0].replce: \"replce\" is not an action key (did you mean \"replace\"?)"]),
    ("do-object-not-array.json", &["error: rules[0].do: must be an array of actions, not object"]),
    ("version-string.json", &["error: version: must be the number 1, not \"1\""]),
    ("settings-idle-string.json", &["error: settings.abandonment.idleSeconds: must be a number, not string"]),
    ("settings-lexicon-typo.json", &["error: settings.lexicon.buys: \"buys\" is not a lexicon key (did you mean \"buy\"?)"]),
    ("enabled-string.json", &["error: rules[0].enabled: must be true or false, not string"]),
    ("trailing-comma.json", &["error: not valid JSON: line 1 column 72: expected a quoted key"]),
    ("single-quotes.json", &["error: not valid JSON: line 1 column 2: expected a quoted key"]),
    ("comment.json", &["error: not valid JSON: line 1 column 1"]),
    ("empty.json", &["error: not valid JSON: line 1 column 1: unexpected end of text"]),
    (
        "many-problems.json",
        &[
            "error: rules[0].prority: \"prority\" is not a rule key (did you mean \"priority\"?)",
            "error: rules[0].on[0]: \"exit-intent\" is not a signal (did you mean \"exit_intent\"?)",
            "error: rules[0].holdout: must be a share from 0 to 1 (2% is 0.02)",
            "error: rules[1].id: \"r1\" is already the id of rules[0]",
            "error: rules[1].do[0].hide: \"##x\" is not a valid CSS selector: it has a \"#\" not followed by an id name",
        ],
    ),
];

#[test]
fn every_broken_bundle_is_refused_naming_each_problem_by_path() {
    let mut failures = String::new();
    for (file, lines) in BROKEN {
        let (code, out, err) = moments(&["check", &format!("broken/{file}")]);
        let mut why = Vec::new();
        if code != 1 {
            why.push(format!("exit {code}, not 1"));
        }
        for want in *lines {
            if !out.lines().any(|l| l.starts_with(want)) {
                why.push(format!("no line starting {want:?}"));
            }
        }
        // One line per problem: nothing but error/warning lines and the final count.
        let all: Vec<&str> = out.lines().collect();
        let errors = all.iter().filter(|l| l.starts_with("error: ")).count();
        for l in &all[..all.len().saturating_sub(1)] {
            if !(l.starts_with("error: ") || l.starts_with("warning: ")) {
                why.push(format!("a line that is not one problem: {l:?}"));
            }
        }
        let last = all.last().copied().unwrap_or_default();
        let count = format!("refused: broken/{file} has {errors} error{}", if errors == 1 { "" } else { "s" });
        if !last.starts_with(&count) {
            why.push(format!("last line {last:?}, not {count:?}…"));
        }
        if !why.is_empty() {
            failures += &format!("{file}:\n  {}\n  output:\n{out}{err}\n", why.join("\n  "));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn a_byte_order_mark_and_crlf_line_endings_are_accepted() {
    // Windows editors (Notepad, Excel exports) save UTF-8 with a BOM and CRLF; the browser's
    // fetch().text() drops the BOM, so the SDK takes such a bundle, and so must the check.
    for file in ["broken/bom.json", "broken/crlf.json"] {
        let (code, out, _) = moments(&["check", file]);
        assert_eq!((code, out.as_str()), (0, "ok: broken — 1 rule, 0 segments, 0 warnings\n"), "{file}");
    }
    // A journey saved the same way.
    let (code, _, err) = moments(&["simulate", "us-grocery/bundle.json", "hostile/bom-crlf.jsonl"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn template_placeholders_with_a_typo_are_warned_about() {
    // A `when` path with a typo is warned about; the same typo in {{path}} would print nothing.
    let (code, out, _) = moments(&["check", "broken/template-unknown-path.json"]);
    assert_eq!(code, 0);
    assert!(out.contains("warning: rules[0].do[0].replace.text: \"cart.itmes\" is not a context field (did you mean \"cart.items\"?)"), "{out}");
    let (_, out, _) = moments(&["check", "broken/template-unclosed.json"]);
    assert!(out.contains("warning: rules[0].do[0].replace.text: has \"{{\" with no \"}}\""), "{out}");
}

#[test]
fn large_and_deep_bundles_are_handled() {
    let tmp = std::env::temp_dir().join(format!("moments-marketer-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    // 10 000 nested $not / $and: refused as too deep, one clear line, no stack overflow.
    for op in ["{\"$not\":", "{\"$and\":["] {
        let close = if op.ends_with('[') { "]}" } else { "}" };
        let text = format!(
            "{{\"version\":1,\"id\":\"deep\",\"rules\":[{{\"id\":\"a\",\"do\":[{{\"hide\":\"#x\"}}],\"when\":{}{{\"cart.items\":1}}{}}}]}}",
            op.repeat(10_000),
            close.repeat(10_000)
        );
        let f = tmp.join("deep.json");
        std::fs::write(&f, text).unwrap();
        let (code, out, err) = moments(&["check", f.to_str().unwrap()]);
        assert_eq!(code, 1, "{out}{err}");
        assert!(out.starts_with("error: not valid JSON: line 1 column ") && out.contains("nesting is too deep"), "{out}");
    }
    // A 5 MB bundle of 10 000 Vietnamese rules loads.
    let mut text = String::from("{\"version\":1,\"id\":\"lon\",\"rules\":[");
    for i in 0..10_000 {
        if i > 0 {
            text.push(',');
        }
        text += &format!(
            "{{\"id\":\"quy-tắc-{i}\",\"on\":[\"page_view\"],\"when\":{{\"page.path\":{{\"$regex\":\"^/san-pham/{i}$\"}}}},\"do\":[{{\"replace\":{{\"selector\":\"#sp-{i}\",\"text\":\"{} {{{{cart.items}}}}\"}}}}]}}",
            "Giảm giá đặc biệt cho sản phẩm này, chỉ hôm nay. ".repeat(7)
        );
    }
    text += "]}";
    assert!(text.len() > 5_000_000);
    let f = tmp.join("big.json");
    std::fs::write(&f, &text).unwrap();
    let (code, out, _) = moments(&["check", f.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (0, "ok: lon — 10000 rules, 0 segments, 0 warnings\n"));
    let _ = std::fs::remove_dir_all(&tmp);
}

/// (journey in tests/marketer/hostile, what stderr must say). Each must exit 1, never panic.
const HOSTILE: &[(&str, &str)] = &[
    ("malformed.jsonl", "malformed.jsonl: line 2: column 46: expected ',' or '}' in an object"),
    ("backwards.jsonl", "line 2: \"t\" goes back in time"),
    ("unknown-event.jsonl", "line 2: unknown type \"teleport\""),
    ("missing-fields.jsonl", "line 1: page_view needs \"url\" (a string)"),
    ("not-objects.jsonl", "line 1: expected a JSON object"),
    ("bad-offset.jsonl", "line 1: \"offset\" must be minutes east of UTC"),
    ("huge-t.jsonl", "line 2: the time is out of range"),
    ("tiny-ticks.jsonl", "header: \"ticks\" must be milliseconds, at least 10"),
];

#[test]
fn hostile_journeys_give_clear_errors_with_line_numbers() {
    let mut failures = String::new();
    for (file, want) in HOSTILE {
        let (code, out, err) = moments(&["simulate", "us-grocery/bundle.json", &format!("hostile/{file}")]);
        if code != 1 || !err.contains(want) || err.contains("panicked") {
            failures += &format!("{file}: exit {code}, wanted {want:?}\n{out}{err}\n");
        }
    }
    assert!(failures.is_empty(), "{failures}");
    // Odd but well-formed inputs replay without a panic.
    for file in ["huge-values.jsonl", "far-future.jsonl", "odd-values.jsonl", "negative-t.jsonl"] {
        let (code, _, err) = moments(&["simulate", "us-grocery/bundle.json", &format!("hostile/{file}")]);
        assert_eq!(code, 0, "{file}: {err}");
    }
    // A 1 MB search query and a set() of 50 000 attributes.
    let mut attrs = String::new();
    for i in 0..50_000 {
        attrs += &format!("{}\"k{i}\": {i}", if i == 0 { "" } else { ", " });
    }
    let journey = format!(
        "{{\"t\": 0, \"type\": \"page_view\", \"url\": \"https://x.example/\"}}\n{{\"t\": 1000, \"type\": \"search\", \"query\": \"{}\"}}\n{{\"t\": 2000, \"type\": \"set\", \"attrs\": {{{attrs}}}}}\n",
        "sữa tắm giá rẻ ".repeat(50_000)
    );
    let (code, _, err) = simulate_text("us-grocery/bundle.json", &journey, &[]);
    assert_eq!(code, 0, "{err}");
}

#[test]
#[ignore = "bug: duplicate keys in one object are silently accepted (the last wins), so a pasted second \"priority\" or \"when\" overrides the first unseen, as JSON.parse does in the browser; reporting them needs the JSON parser to keep positions"]
fn duplicate_keys_are_reported() {
    let (_, out, _) = moments(&["check", "broken/duplicate-key.json"]);
    assert!(out.contains("rules[0].priority"), "{out}");
}

#[test]
fn an_operator_without_its_dollar_is_warned_about() {
    let (_, out, _) = moments(&["check", "broken/operator-no-dollar.json"]);
    assert!(out.contains("rules[0].when.cart.value") && out.contains("$gte"), "{out}");
}

fn schema_errors(file: &str) -> Vec<String> {
    let (_, schema, _) = moments(&["schema"]);
    let schema: serde_json::Value = serde_json::from_str(&schema).expect("moments schema prints JSON");
    assert!(jsonschema::meta::is_valid(&schema), "not a valid JSON Schema");
    let v = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    let text = std::fs::read_to_string(dir().join(file)).unwrap();
    let instance: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
    v.iter_errors(&instance).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

#[test]
fn the_schema_agrees_with_the_check_on_the_shops_and_their_shape_mistakes() {
    for (shop, _, _) in SHOPS {
        let errs = schema_errors(&format!("{shop}/bundle.json"));
        assert!(errs.is_empty(), "{shop}: {errs:?}");
    }
    // Mistakes of shape (types, keys, enums, ranges, unsafe URLs): the schema refuses them too,
    // so an editor underlines them before `moments check` runs.
    for file in [
        "key-typo-when", "priority-string", "cap-max-string", "cap-per-days", "cap-per-month", "flow-button-two-targets",
        "cta-javascript", "cta-javascript-mixed-case", "attr-href-javascript-entity", "date-us-format", "hours-25",
        "holdout-1.5", "holdout-percent-string", "id-empty", "layout-popup", "insert-position-inside", "action-typo-replce",
        "do-object-not-array", "version-string", "settings-idle-string", "settings-lexicon-typo", "enabled-string",
    ] {
        assert!(!schema_errors(&format!("broken/{file}.json")).is_empty(), "the schema accepts broken/{file}.json, which moments check refuses");
    }
}

#[test]
fn selectors_that_make_query_selector_throw_are_refused() {
    // Each of these throws a SyntaxError in document.querySelector, so the action could never
    // apply; the check must say so rather than let the bundle ship.
    let tmp = std::env::temp_dir().join(format!("moments-selectors-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let f = tmp.join("s.json");
    let check = |sel: &str| {
        let b = format!("{{\"version\":1,\"id\":\"s\",\"rules\":[{{\"id\":\"a\",\"on\":[\"page_view\"],\"do\":[{{\"hide\":{sel:?}}}]}}]}}");
        std::fs::write(&f, b).unwrap();
        moments(&["check", f.to_str().unwrap()])
    };
    for bad in ["div:contains('Sale')", "li:eq(2)", "tr:odd", ".promo:visible", "#123", "##hero", "#", ".", ".2col", "div..card", ".-1x"] {
        let (code, out, _) = check(bad);
        assert_eq!(code, 1, "{bad:?} accepted: {out}");
        assert!(out.contains("is not a valid CSS selector"), "{out}");
    }
    for good in ["#hero-title", "#Ở-lại", ".a.b", "a:hover", "li:nth-child(2n+1)", "input:checked", "p:first-child", "#\\31 23", ".-x", "div:not(.x)", ":is(.a, .b)", "a::before", "a[href$='.pdf']", "[data-x='1:2']"] {
        let (code, out, _) = check(good);
        assert_eq!(code, 0, "{good:?} refused: {out}");
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
