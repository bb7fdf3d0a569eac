//! `moments` — the Moments engine on the command line: `check`, `simulate`, `schema`.
//!
//! The engine behind it is the very code that runs in the browser; only the clock (taken from
//! the journey) and the shopper's randomness (`--seed`) are injected.

use std::io::{Read, Write};
use std::process::ExitCode;

use moments_engine::action::{Action, ButtonTarget, Flow, Prompt};
use moments_engine::bundle::{self, Bundle};
use moments_engine::journey::{self, StepKind};
use moments_engine::{Effect, Engine, Problem, Severity, Time, Value};

const HELP: &str = "\
moments — check, simulate and describe Moments rule bundles

USAGE:
    moments check BUNDLE.json [--json]
    moments simulate BUNDLE.json JOURNEY.jsonl [--seed N] [--verbose] [--explain]
    moments schema
    moments help [COMMAND]

COMMANDS:
    check      Check a bundle: exit 0 and a summary when valid, exit 1 and every problem when not
    simulate   Replay a shopper journey through the engine and print each decision as a JSON line
    schema     Print the bundle's JSON Schema (draft 2020-12), for editor completion

Run `moments COMMAND --help` for a command's options. A file name of `-` reads standard input.
Exit status: 0 ok, 1 the bundle or journey has problems, 2 usage or file errors.
";

const HELP_CHECK: &str = "\
moments check — check a rule bundle

USAGE:
    moments check BUNDLE.json [--json]

Reads the bundle, checks it exactly as the SDK does at start (shape, meaning, selectors, URLs,
conditions, flows), and prints:
    ok: ID — N rules, N segments, N warnings      (exit 0), then each warning
    error: PATH: MESSAGE                          (exit 1), one line per problem, then a count

OPTIONS:
    --json      Print {\"ok\": bool, \"problems\": [{\"path\", \"message\", \"severity\"}]} instead
    -h, --help  Print this help
";

const HELP_SIMULATE: &str = "\
moments simulate — replay a shopper journey through the engine

USAGE:
    moments simulate BUNDLE.json JOURNEY.jsonl [OPTIONS]

JOURNEY.jsonl holds one timed observation per line (see tests/journeys/README.md), e.g.
    {\"at\": 1773136800000, \"offset\": 420}
    {\"t\": 0, \"type\": \"page_view\", \"url\": \"https://shop.example/cart\"}
    {\"t\": 1500, \"type\": \"add_to_cart\", \"value\": 25}
(`t` in milliseconds from the start; the first line may set the start `at` and the UTC offset in
minutes). The same engine as in the browser replays it, with the journey's clock and the
once-a-second ticks a visible page sends. Each decision, suppression and conversion is printed as
one JSON line with its time:
    {\"t\":1500,\"type\":\"decision\",\"rule\":\"exit-offer\",\"variant\":\"shown\",\"signal\":\"exit_intent\"}

OPTIONS:
    --seed N        Randomness for the new shopper's id, which decides holdouts (default 1)
    --verbose       Also print signals, applied actions, page changes and reloads
    --explain       After the journey, print why each rule did or did not fire at the last decision
    -h, --help      Print this help
";

const HELP_SCHEMA: &str = "\
moments schema — print the bundle's JSON Schema

USAGE:
    moments schema > bundle.schema.json

The schema (JSON Schema draft 2020-12) describes bundle version 1 for editor completion and
validation. `moments check` checks more than the schema can say (meaning: ids, references,
selectors, URLs, conditions, flows).
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let help = args.iter().any(|a| a == "-h" || a == "--help");
    let code = match args.first().map(String::as_str) {
        None => {
            print!("{HELP}");
            2
        }
        Some("help" | "-h" | "--help") => {
            let text = match args.get(1).map(String::as_str) {
                Some("check") => HELP_CHECK,
                Some("simulate") => HELP_SIMULATE,
                Some("schema") => HELP_SCHEMA,
                _ => HELP,
            };
            print!("{text}");
            0
        }
        Some("check") if help => show(HELP_CHECK),
        Some("simulate") if help => show(HELP_SIMULATE),
        Some("schema") if help => show(HELP_SCHEMA),
        Some("check") => check(&args[1..]),
        Some("simulate") => simulate(&args[1..]),
        Some("schema") => {
            println!("{}", bundle::schema().trim_end());
            0
        }
        Some("--version" | "-V") => {
            println!("moments {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Some(other) => usage(&format!("unknown command {other:?}"), HELP),
    };
    ExitCode::from(code)
}

fn show(text: &str) -> u8 {
    print!("{text}");
    0
}

fn usage(msg: &str, help: &str) -> u8 {
    eprintln!("moments: {msg}\n");
    eprint!("{help}");
    2
}

fn read(path: &str) -> Result<String, u8> {
    let result = if path == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    } else {
        std::fs::read_to_string(path)
    };
    result.map_err(|e| {
        eprintln!("moments: cannot read {path}: {e}");
        2
    })
}

fn now_ms() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_millis() as f64)
}

fn problem_line(p: &Problem) -> String {
    let sev = if p.severity == Severity::Error { "error" } else { "warning" };
    if p.path.is_empty() {
        format!("{sev}: {}", p.message)
    } else {
        format!("{sev}: {}: {}", p.path, p.message)
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn check(args: &[String]) -> u8 {
    let mut file = None;
    let mut json = false;
    for a in args {
        match a.as_str() {
            "--json" => json = true,
            s if s.starts_with("--") => return usage(&format!("unknown option {s}"), HELP_CHECK),
            s if file.is_none() => file = Some(s.to_string()),
            s => return usage(&format!("unexpected argument {s:?}"), HELP_CHECK),
        }
    }
    let Some(file) = file else { return usage("check needs a bundle file", HELP_CHECK) };
    let text = match read(&file) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let loaded = Bundle::load(&text, Some(now_ms()));
    let ok = loaded.is_ok();
    let problems = match &loaded {
        Ok((_, w)) => w.as_slice(),
        Err(p) => p.as_slice(),
    };
    let mut out = std::io::stdout().lock();
    if json {
        let list = problems
            .iter()
            .map(|p| {
                let sev = if p.severity == Severity::Error { "error" } else { "warning" };
                obj(vec![("path", p.path.as_str().into()), ("message", p.message.as_str().into()), ("severity", sev.into())])
            })
            .collect();
        let _ = writeln!(out, "{}", obj(vec![("ok", ok.into()), ("problems", Value::Arr(list))]).to_json());
    } else if let Ok((b, warnings)) = &loaded {
        let id = if !b.id.is_empty() { b.id.as_str() } else if file == "-" { "<stdin>" } else { file.as_str() };
        let _ = writeln!(
            out,
            "ok: {id} — {}, {}, {}",
            plural(b.rules.len(), "rule"),
            plural(b.segments.len(), "segment"),
            plural(warnings.len(), "warning")
        );
        for w in warnings {
            let _ = writeln!(out, "{}", problem_line(w));
        }
    } else {
        let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
        for p in problems {
            let _ = writeln!(out, "{}", problem_line(p));
        }
        let name = if file == "-" { "<stdin>" } else { file.as_str() };
        let _ = writeln!(out, "refused: {name} has {}, {}", plural(errors, "error"), plural(problems.len() - errors, "warning"));
    }
    u8::from(!ok)
}

fn obj(members: Vec<(&str, Value)>) -> Value {
    Value::Obj(members.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn simulate(args: &[String]) -> u8 {
    let mut files = Vec::new();
    let (mut seed, mut verbose, mut explain) = (1u64, false, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => match it.next().and_then(|s| s.parse().ok()) {
                Some(n) => seed = n,
                None => return usage("--seed needs a whole number", HELP_SIMULATE),
            },
            "--verbose" | "-v" => verbose = true,
            "--explain" => explain = true,
            s if s.starts_with("--") => return usage(&format!("unknown option {s}"), HELP_SIMULATE),
            s => files.push(s.to_string()),
        }
    }
    let [bundle_file, journey_file] = files.as_slice() else {
        return usage("simulate needs a bundle file and a journey file", HELP_SIMULATE);
    };
    let (bundle_text, journey_text) = match (read(bundle_file), read(journey_file)) {
        (Ok(b), Ok(j)) => (b, j),
        (Err(c), _) | (_, Err(c)) => return c,
    };
    let journey = match journey::parse(&journey_text) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("{journey_file}: {e}");
            return 1;
        }
    };
    // Times print as the journey writes them: milliseconds from its start.
    let base = journey.header.get("at").and_then(Value::as_f64).unwrap_or(journey::EPOCH_MS);
    let profile = journey.header.get("profile").filter(|p| !p.is_null()).map(Value::to_json);
    let first = journey.steps.first().map_or(Time { ms: base, offset_min: 0 }, |s| s.time);
    let start = |profile: Option<&str>, now: Time, quiet: bool| match Engine::new(&bundle_text, profile, now, seed) {
        Ok((e, warnings)) => {
            for w in warnings.iter().filter(|_| !quiet) {
                eprintln!("{}", problem_line(w));
            }
            Some(e)
        }
        Err(problems) => {
            for p in &problems {
                eprintln!("{}", problem_line(p));
            }
            eprintln!("moments: {bundle_file} is refused");
            None
        }
    };
    let Some(mut engine) = start(profile.as_deref(), first, false) else { return 1 };
    let mut out = std::io::stdout().lock();
    let mut last = first;
    for step in &journey.steps {
        last = step.time;
        let t = step.time.ms - base;
        match &step.kind {
            StepKind::Input(input) => {
                for e in engine.handle(input, step.time) {
                    if let Some(v) = effect_json(&e, t, verbose) {
                        let _ = writeln!(out, "{}", v.to_json());
                    }
                }
            }
            StepKind::Reload => {
                // A new page: a new engine from what the last one stored.
                let stored = engine.profile_json();
                let Some(e) = start(Some(&stored), step.time, true) else { return 1 };
                engine = e;
                if verbose {
                    let _ = writeln!(out, "{}", obj(vec![("t", t.into()), ("type", "reload".into())]).to_json());
                }
            }
            StepKind::Expect(_) => {}
        }
    }
    if explain {
        let mut v = obj(vec![("t", (last.ms - base).into()), ("type", "explain".into())]);
        if let Value::Obj(m) = engine.explain(None) {
            for (k, x) in m {
                v.set(&k, x);
            }
        }
        let _ = writeln!(out, "{}", v.to_json());
    }
    0
}

/// One effect as a JSON line, or `None` for effects shown only with `--verbose`.
fn effect_json(e: &Effect, t: f64, verbose: bool) -> Option<Value> {
    let head = |kind: &str| vec![("t", Value::Num(t)), ("type", kind.into())];
    let mut m = match e {
        Effect::Decision { rule, variant, signal } => {
            let mut m = head("decision");
            m.extend([("rule", rule.as_str().into()), ("variant", variant.as_str().into()), ("signal", signal.as_str().into())]);
            m
        }
        Effect::Suppressed { rule, by, over } => {
            let mut m = head("suppressed");
            m.extend([("rule", rule.as_str().into()), ("by", by.as_str().into()), ("over", over.as_str().into())]);
            m
        }
        Effect::Conversion { rule, variant, value } => {
            let mut m = head("conversion");
            m.extend([("rule", rule.as_str().into()), ("variant", variant.as_str().into()), ("value", (*value).into())]);
            m
        }
        _ if !verbose => return None,
        Effect::Signal { name } => {
            let mut m = head("signal");
            m.push(("name", name.as_str().into()));
            m
        }
        Effect::Apply { rule, actions } => {
            let mut m = head("apply");
            m.extend([("rule", rule.as_str().into()), ("actions", Value::Arr(actions.iter().map(action_json).collect()))]);
            m
        }
        Effect::PageChanged => head("page_changed"),
        Effect::Persist(_) => return None,
    };
    Some(obj(std::mem::take(&mut m)))
}

/// An action as bundle JSON (the rendered form the page applies).
fn action_json(a: &Action) -> Value {
    let (kind, body) = match a {
        Action::Replace { selector, content, html } => {
            ("replace", obj(vec![("selector", selector.as_str().into()), (if *html { "html" } else { "text" }, content.as_str().into())]))
        }
        Action::Insert { selector, position, html } => (
            "insert",
            obj(vec![("selector", selector.as_str().into()), ("position", position.as_str().into()), ("html", html.as_str().into())]),
        ),
        Action::Attr { selector, name, value } => {
            ("attr", obj(vec![("selector", selector.as_str().into()), ("name", name.as_str().into()), ("value", value.as_str().into())]))
        }
        Action::Class { selector, add, remove } => {
            ("class", obj(vec![("selector", selector.as_str().into()), ("add", add.clone().into()), ("remove", remove.clone().into())]))
        }
        Action::Hide(s) => ("hide", s.as_str().into()),
        Action::Show(s) => ("show", s.as_str().into()),
        Action::Prompt(p) => ("prompt", prompt_json(p)),
        Action::Emit { name, props } => ("emit", obj(vec![("name", name.as_str().into()), ("props", props.clone())])),
    };
    obj(vec![(kind, body)])
}

fn prompt_json(p: &Prompt) -> Value {
    let mut m = vec![("layout", p.layout.as_str().into()), ("title", p.title.as_str().into()), ("body", p.body.as_str().into())];
    if let Some(i) = &p.image {
        m.push(("image", i.as_str().into()));
    }
    if let Some(c) = &p.cta {
        let mut cta = vec![("label", c.label.as_str().into())];
        if let Some(h) = &c.href {
            cta.push(("href", h.as_str().into()));
        }
        m.push(("cta", obj(cta)));
    }
    if let Some(d) = &p.dismiss {
        m.push(("dismiss", d.as_str().into()));
    }
    if let Some(f) = &p.flow {
        m.push(("flow", flow_json(f)));
    }
    obj(m)
}

fn flow_json(f: &Flow) -> Value {
    let nodes = f
        .nodes
        .iter()
        .map(|n| {
            let buttons = n
                .buttons
                .iter()
                .map(|b| {
                    let target = match &b.target {
                        ButtonTarget::Next(id) => ("next", id.as_str().into()),
                        ButtonTarget::Href(h) => ("href", h.as_str().into()),
                        ButtonTarget::Emit { name, props } => ("emit", obj(vec![("name", name.as_str().into()), ("props", props.clone())])),
                        ButtonTarget::Do(actions) => ("do", Value::Arr(actions.iter().map(action_json).collect())),
                    };
                    obj(vec![("label", b.label.as_str().into()), target])
                })
                .collect();
            (n.id.clone(), obj(vec![("text", n.text.as_str().into()), ("buttons", Value::Arr(buttons))]))
        })
        .collect();
    obj(vec![("start", f.start.as_str().into()), ("nodes", Value::Obj(nodes))])
}
