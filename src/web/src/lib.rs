//! # Moments in the browser
//!
//! The thin layer between the page and [`moments_engine`]: it listens (scroll, pointer, keys,
//! visibility, history, clicks, submits), keeps the profile in storage, and hands the engine's
//! actions to the DOM applier and the prompt renderer. It decides nothing itself.
//!
//! The JavaScript side (`pkg-config/`) fetches the bundle, hooks `dataLayer` and `history`, keeps
//! `on()` handlers, applies element actions (`dom.js`), renders prompts (`prompt.js`) and never
//! lets an exception reach the page. Everything crosses the boundary as
//! strings (JSON), which keeps the generated glue small.
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod browser;
pub mod dom;
#[cfg(all(feature = "small-alloc", target_arch = "wasm32", not(target_feature = "atomics")))]
pub mod heap;
pub mod listen;
pub mod numbers;
pub mod prompt;
pub mod regex;
pub mod runtime;
pub mod senses;
pub mod storage;
pub mod ui;

use moments_engine::condition::eval_condition;
use moments_engine::{ga4, Problem, Severity, Value};
use runtime::{push, Job, Options, Shared};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[cfg(all(feature = "small-alloc", target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static HEAP: heap::Small = heap::Small::new();

/// A running SDK on this page, as Rust code (and the tests) hold it. JavaScript holds a number
/// instead (see [`start`] and [`call`]): one export for everything, no class glue.
pub struct Sdk {
    shared: Option<Rc<Shared>>,
}

fn problems_json(ok: bool, problems: &[Problem]) -> String {
    let list: Vec<Value> = problems
        .iter()
        .map(|p| {
            runtime::obj(&[
                ("path", p.path.as_str().into()),
                ("message", p.message.as_str().into()),
                ("severity", if p.severity == Severity::Error { "error" } else { "warning" }.into()),
                ("text", p.text().into()),
            ])
        })
        .collect();
    runtime::obj(&[("ok", ok.into()), ("errors", Value::Arr(list))]).to_json()
}

fn parse_or_null(json: &str) -> Value {
    Value::parse(json).unwrap_or(Value::Null)
}

impl Sdk {
    /// Starts the SDK with the bundle's JSON text. `consent`: 1 granted, 0 pending, -1 the
    /// bundle's default; `emit(name, detail)` receives every SDK event. Fails with the bundle's
    /// problems as `{ok:false, errors}` JSON.
    pub fn new(bundle: &str, consent: i32, debug: bool, storage: storage::Kind, emit: js_sys::Function) -> Result<Sdk, JsValue> {
        regex::install();
        let opts = Options {
            consent: match consent {
                1 => Some(true),
                0 => Some(false),
                _ => None,
            },
            debug,
            storage,
        };
        match runtime::start(bundle, opts, emit) {
            Ok(shared) => Ok(Sdk { shared: Some(shared) }),
            Err(problems) => Err(JsValue::from_str(&problems_json(false, &problems))),
        }
    }

    fn push(&self, job: Job) {
        if let Some(s) = &self.shared {
            push(&Rc::downgrade(s), job);
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut runtime::Runtime) -> T) -> Option<T> {
        let shared = self.shared.as_ref()?;
        let out = shared.rt.try_borrow_mut().ok()?.as_mut().map(f);
        runtime::pump(shared);
        out
    }

    /// Begins sensing: the device and the page view that start every page. Called right after
    /// `ready` is dispatched, so that `on("decision")` handlers see the first decisions.
    pub fn begin(&self) {
        for input in senses::first_inputs() {
            self.push(Job::Input(input));
        }
        self.with(runtime::Runtime::release_prehide);
    }

    /// `track(name, propsJson)`: a commerce or custom event.
    pub fn track(&self, name: &str, props: &str) {
        self.push(Job::Input(ga4::from_track(name, parse_or_null(props))));
    }

    /// `set(attrsJson)`: site attributes, readable as `custom.<name>`.
    pub fn set(&self, attrs: &str) {
        self.push(Job::Input(moments_engine::Input::Set { attrs: parse_or_null(attrs) }));
    }

    /// One `dataLayer` entry (JSON), as the page pushed it.
    pub fn datalayer(&self, entry: &str) {
        if let Some(input) = ga4::from_datalayer(&parse_or_null(entry)) {
            self.push(Job::Input(input));
        }
    }

    /// The page navigated without a load (history API, back and forward) to `url`, and has
    /// rendered it: a page view of `url` with the page's title and type now.
    pub fn navigated(&self, url: &str) {
        self.push(Job::Input(senses::page_view(Some(url))));
    }

    /// Fires a signal by hand (debug overlay, QA).
    pub fn fire(&self, signal: &str) {
        self.push(Job::Input(moments_engine::Input::Fire { name: signal.to_string() }));
    }

    /// Grants or withdraws consent.
    pub fn consent(&self, granted: bool) {
        self.with(|rt| rt.set_consent(granted));
    }

    /// The context as JSON.
    pub fn context(&self) -> String {
        self.with(|rt| rt.engine.context().to_json()).unwrap_or_else(|| "{}".into())
    }

    /// Why each rule (or `rule`) did or did not fire, as JSON.
    pub fn explain(&self, rule: Option<&str>) -> String {
        self.with(|rt| rt.engine.explain_json(rule)).unwrap_or_else(|| "{}".into())
    }

    /// Forgets the shopper.
    pub fn reset(&self) {
        self.with(runtime::Runtime::reset);
    }

    /// What the prompt renderer (`prompt.js`) reports: `what` (`s` shown, `x` dismissed, `z`
    /// closed, `c` call to action, `b` flow button) about `rule`'s prompt; see [`prompt`]. Or what
    /// the DOM applier (`dom.js`) changed later: `what` the action's kind, `node` the elements.
    pub fn ui(&self, what: &str, rule: &str, node: u32, button: u32) {
        let ev = match dom::KINDS.iter().find(|k| **k == what) {
            Some(kind) => ui::UiEvent::Applied { rule: rule.into(), kind, elements: node },
            None => ui::UiEvent::FromPrompt { what: what.into(), rule: rule.into(), node, button },
        };
        self.push(Job::Ui(ev));
    }

    /// Removes every listener, timer, prompt and change. The handle is inert afterwards.
    pub fn destroy(&mut self) {
        if let Some(shared) = self.shared.take() {
            shared.destroy();
        }
    }
}

thread_local! {
    /// The SDKs JavaScript started, by handle - 1 (`None` once destroyed; handles are not reused).
    static SDKS: std::cell::RefCell<Vec<Option<Rc<Shared>>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// [`Sdk::new`] for JavaScript, `storage` 1 for `session`, 2 for `memory`, else `local` (a number:
/// no second string to pass): returns the handle that [`call`] takes (never 0), or throws the
/// bundle's problems as `{ok:false, errors}` JSON.
#[wasm_bindgen]
pub fn start(bundle: &str, consent: i32, debug: bool, storage: u32, emit: js_sys::Function) -> Result<u32, JsValue> {
    let storage = match storage {
        1 => storage::Kind::Session,
        2 => storage::Kind::Memory,
        _ => storage::Kind::Local,
    };
    let sdk = Sdk::new(bundle, consent, debug, storage, emit)?;
    Ok(SDKS.with(|t| {
        let mut t = t.borrow_mut();
        t.push(sdk.shared);
        t.len() as u32
    }))
}

/// Everything else JavaScript asks, in one export (one shim and one glue function instead of one
/// per method; `api.js` names the kinds): `kind` 0 begin, 1 track(`a` name, `b` props JSON),
/// 2 set(`a`), 3 datalayer(`a`), 4 navigated(`a` the URL), 5 fire(`a`), 6 consent(`n` != 0), 7 context,
/// 8 explain(`a` when `n` != 0, else every rule), 9 reset, 10 ui(`a` what, `b` rule, `n` node,
/// `m` button), 11 destroy; without a handle: 12 validate(`a`), 13 evaluate(`a` condition, `b`
/// context: "1" when true), 14 [`dom::attr_ok`](`a` name, `b` value, `n` != 0 for an image: "1"
/// when safe). Returns the JSON asked for, else "".
#[wasm_bindgen]
pub fn call(handle: u32, kind: u32, a: &str, b: &str, n: u32, m: u32) -> String {
    let yes = |t: bool| if t { "1".into() } else { String::new() };
    match kind {
        12 => return validate(a),
        13 => return yes(evaluate(a, b)),
        14 => return yes(dom::attr_ok(a, b, n != 0)),
        _ => {}
    }
    // The Rc is cloned out: a handler this call runs may call again (or destroy).
    let i = handle.wrapping_sub(1) as usize;
    let shared = SDKS.with(|t| {
        let mut t = t.borrow_mut();
        let slot = t.get_mut(i)?;
        if kind == 11 { slot.take() } else { slot.clone() }
    });
    let mut sdk = Sdk { shared };
    match kind {
        0 => sdk.begin(),
        1 => sdk.track(a, b),
        2 => sdk.set(a),
        3 => sdk.datalayer(a),
        4 => sdk.navigated(a),
        5 => sdk.fire(a),
        6 => sdk.consent(n != 0),
        7 => return sdk.context(),
        8 => return sdk.explain((n != 0).then_some(a)),
        9 => sdk.reset(),
        10 => sdk.ui(a, b, n, m),
        11 => sdk.destroy(),
        _ => {}
    }
    String::new()
}

/// Checks a bundle's JSON text: `{ok, errors: [{path, message, severity, text}]}` as JSON.
pub fn validate(bundle: &str) -> String {
    regex::install();
    match moments_engine::bundle::Bundle::load(bundle, Some(runtime::now().ms)) {
        Ok((_, warnings)) => problems_json(true, &warnings),
        Err(problems) => problems_json(false, &problems),
    }
}

/// Evaluates one condition (JSON) against one context (JSON).
pub fn evaluate(condition: &str, context: &str) -> bool {
    regex::install();
    eval_condition(&parse_or_null(context), &parse_or_null(condition), &Value::Null)
}

/// For `cargo xtask bench` only: compiles every rule's `condition` of `rules` (a JSON array, as in
/// the peers' `rules-growthbook.json`) once, then evaluates every (rule, context) pair of
/// `contexts` (a JSON array) `rounds` times. Returns
/// `{"rules", "contexts", "matches", "compileMs", "roundMs": [...]}` as JSON, timed with the
/// host's `performance.now()` (JSON parsing is not timed).
/// Only in builds with the `bench` feature (it is not shipped).
#[cfg(feature = "bench")]
#[wasm_bindgen]
pub fn bench_conditions(rules: &str, contexts: &str, rounds: u32) -> String {
    use moments_engine::condition::Condition;
    regex::install();
    let perf = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok();
    let now_fn = perf.as_ref().and_then(|p| js_sys::Reflect::get(p, &"now".into()).ok()).and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let now = || match (&perf, &now_fn) {
        (Some(p), Some(f)) => f.call0(p).ok().and_then(|v| v.as_f64()).unwrap_or_else(js_sys::Date::now),
        _ => js_sys::Date::now(),
    };
    let rules = parse_or_null(rules);
    let contexts = parse_or_null(contexts);
    let (rules, contexts) = (rules.as_array().unwrap_or(&[]), contexts.as_array().unwrap_or(&[]));
    let t0 = now();
    let mut problems = Vec::new();
    let compiled: Vec<Condition> =
        rules.iter().map(|r| Condition::compile(r.get("condition").unwrap_or(&Value::Null), "condition", &mut problems)).collect();
    let compile_ms = now() - t0;
    let mut matches = 0usize;
    let mut round_ms = Vec::new();
    for _ in 0..rounds.max(1) {
        let t = now();
        matches = 0;
        for ctx in contexts {
            for c in &compiled {
                matches += usize::from(c.eval(ctx));
            }
        }
        round_ms.push(Value::Num(now() - t));
    }
    runtime::obj(&[
        ("rules", (rules.len() as f64).into()),
        ("contexts", (contexts.len() as f64).into()),
        ("matches", (matches as f64).into()),
        ("compileMs", compile_ms.into()),
        ("roundMs", Value::Arr(round_ms)),
    ])
    .to_json()
}
