//! The running SDK on one page: owns the engine, the listeners, the timers, the store and the
//! applier. Every browser event becomes an [`Input`] in a queue; [`pump`] feeds the queue to the
//! engine and carries out the [`Effect`]s. Queueing makes re-entrancy harmless: a handler that
//! calls `track()` while effects are being applied just adds to the queue.

use crate::dom::Applier;
use crate::listen::Listener;
use crate::senses;
use crate::storage::{Kind, Store};
use crate::ui::{Sink, UiEvent};
use crate::browser::Timer;
use moments_engine::{Effect, Engine, Input, Problem, Time, Value};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsValue;

/// Options from `init()` / the script tag.
pub struct Options {
    /// `Some(true)` granted, `Some(false)` pending, `None` = the bundle's default.
    pub consent: Option<bool>,
    /// Debug logging and overlay.
    pub debug: bool,
    /// Which storage.
    pub storage: Kind,
}

/// What is queued for the engine.
pub enum Job {
    /// An observation.
    Input(Input),
    /// Something from the UI.
    Ui(UiEvent),
    /// Another tab stored this profile, or (`None`) erased it: the shopper withdrew consent there,
    /// or cleared the site's storage.
    Sync(Option<String>),
}

/// The runtime state behind the `Sdk` handle.
pub struct Runtime {
    pub(crate) engine: Engine,
    store: Store,
    emit: js_sys::Function,
    /// SDK events (name, detail JSON) waiting to be handed to JavaScript once the job is done.
    outbox: RefCell<Vec<(String, String)>>,
    /// What page-view rules swap, as the selector list the next page load pre-hides (written with
    /// consent). The bundle does not change, so it is worked out once, at start.
    prehide: String,
    pub(crate) consent: bool,
    /// Consent was withdrawn in another tab (it erased the profile): a grant there (it stores the
    /// profile again) holds here too.
    withdrawn_elsewhere: bool,
    pub(crate) debug: bool,
    applier: Applier,
    _listeners: Vec<Listener>,
    _ticker: Option<Timer>,
}

/// Shared between the handle and every listener (listeners hold a `Weak`, so dropping the handle's
/// `Rc` drops everything).
pub struct Shared {
    pub(crate) rt: RefCell<Option<Runtime>>,
    /// Jobs in order. (A `Vec`: it holds a job or two at a time, and `VecDeque`'s code is bigger.)
    queue: RefCell<Vec<Job>>,
    /// `destroy()` was called while the runtime was busy (from an `on()` handler): the queue
    /// loop tears down as soon as the current job is done.
    dying: std::cell::Cell<bool>,
    /// SDK events are being handed to JavaScript: jobs that handlers queue wait until they are all
    /// out, so that events keep their order.
    sending: std::cell::Cell<bool>,
}

impl Shared {
    /// Tears the runtime down now, or right after the job in progress.
    pub fn destroy(&self) {
        match self.rt.try_borrow_mut() {
            Ok(mut guard) => {
                if let Some(mut rt) = guard.take() {
                    rt.teardown();
                }
                self.queue.borrow_mut().clear();
            }
            Err(_) => self.dying.set(true),
        }
    }
}

/// The current time as the engine wants it.
pub fn now() -> Time {
    let d: JsValue = js_sys::Date::new_0().into();
    // Both read by name from one `Date` (no import per getter).
    let num = |method| crate::browser::call(&d, method, &JsValue::UNDEFINED).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    Time { ms: num("getTime"), offset_min: -(num("getTimezoneOffset") as i32) }
}

/// Randomness for a new shopper id.
pub fn seed() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64
}

/// Starts the SDK: loads the bundle and profile, starts listening, feeds the first page view.
pub fn start(bundle: &str, opts: Options, emit: js_sys::Function) -> Result<Rc<Shared>, Vec<Problem>> {
    let mut store = Store::open(opts.storage);
    let stored = store.read();
    let (engine, warnings) = Engine::new(bundle, stored.as_deref(), now(), seed())?;
    let consent = opts.consent.unwrap_or(engine.bundle().settings.consent_granted);
    let shared = Rc::new(Shared {
        rt: RefCell::new(None),
        queue: RefCell::new(Vec::new()),
        dying: std::cell::Cell::new(false),
        sending: std::cell::Cell::new(false),
    });
    let weak = Rc::downgrade(&shared);
    let sink: Sink = {
        let weak = weak.clone();
        Rc::new(move |e| push(&weak, Job::Ui(e)))
    };
    let listeners = senses::listen(&weak, &engine.bundle().settings);
    let ticker = {
        let weak = weak.clone();
        Some(Timer::every(1000, move || {
            if !senses::hidden() {
                push(&weak, Job::Input(Input::Tick));
            }
        }))
    };
    let mut applier = Applier::new(sink);
    applier.set_priorities(engine.bundle().rules.iter().map(|r| (r.id.clone(), r.priority)).collect());
    applier.set_prompt_ui(emit.clone());
    // No flicker: what page-view rules would swap stays invisible until the first decisions are
    // applied (Sdk::begin releases it; a safety timeout releases it anyway).
    let hide = prehide_selectors(engine.bundle());
    applier.prehide(&hide);
    let prehide = moments_engine::small::join(&hide.iter().map(String::as_str).collect::<Vec<_>>(), ",");
    let mut rt = Runtime {
        engine,
        store,
        emit,
        outbox: RefCell::new(Vec::new()),
        prehide,
        consent,
        withdrawn_elsewhere: false,
        debug: opts.debug,
        applier,
        _listeners: listeners,
        _ticker: ticker,
    };
    if rt.consent {
        rt.remember_prehide();
    }
    if let Some(reason) = rt.store.fallback_reason {
        rt.warn("storage", reason);
    }
    // The bundle's own warnings (a custom signal name, an unused segment) are for its authors:
    // `validate()`, `moments check` and, with debug on, the console. Sent as `error` events they
    // would reach the shop's analytics as `moments_error` on every page view of a bundle that
    // works as written. A profile that had to be replaced is news about this shopper: reported.
    for w in warnings {
        if w.path == "profile" {
            rt.warn(&w.path, &w.message);
        } else if rt.debug {
            rt.log("warning", &moments_engine::small::cat(&[&w.path, ": ", &w.message]));
        }
    }
    *shared.rt.borrow_mut() = Some(rt);
    pump(&shared); // the start's own events (a storage warning) go out now, before `ready`
    Ok(shared)
}

/// The selectors that rules reacting to the page view would change in place (`replace`, `attr`,
/// `class`, `hide`): pre-hidden until the first decisions are applied.
pub fn prehide_selectors(bundle: &moments_engine::bundle::Bundle) -> Vec<String> {
    use moments_engine::action::Action;
    let mut out: Vec<String> = Vec::new();
    for r in &bundle.rules {
        if !r.on.as_ref().is_none_or(|on| on.iter().any(|s| s == "page_view")) {
            continue;
        }
        for a in &r.actions {
            if let Action::Replace { selector, .. } | Action::Attr { selector, .. } | Action::Class { selector, .. } | Action::Hide(selector) = a {
                if !out.contains(selector) {
                    out.push(selector.clone());
                }
            }
        }
    }
    out
}

/// Queues a job and runs the queue unless it is already running further up the stack.
pub fn push(weak: &Weak<Shared>, job: Job) {
    if let Some(shared) = weak.upgrade() {
        shared.queue.borrow_mut().push(job);
        pump(&shared);
    }
}

/// Runs queued jobs until the queue is empty. Re-entrant calls return at once; the outer loop
/// picks up what they queued.
///
/// A job's SDK events go to JavaScript after the job, with the runtime free: an `on()` handler
/// may read `context()` and `explain()`, or call `consent()` and `reset()`, and gets the state the
/// event is about. What a handler queues (`track()`) runs after the last of those events.
pub fn pump(shared: &Shared) {
    if shared.sending.get() {
        return;
    }
    loop {
        let Ok(mut guard) = shared.rt.try_borrow_mut() else { return };
        if shared.dying.get() {
            if let Some(mut rt) = guard.take() {
                rt.teardown();
            }
        }
        let Some(rt) = guard.as_mut() else {
            shared.queue.borrow_mut().clear();
            return;
        };
        let out = std::mem::take(&mut *rt.outbox.borrow_mut());
        if !out.is_empty() {
            let f = rt.emit.clone();
            drop(guard);
            shared.sending.set(true);
            for (name, detail) in out {
                let detail = js_sys::JSON::parse(&detail).unwrap_or(JsValue::NULL);
                let _ = f.call2(&JsValue::NULL, &JsValue::from_str(&name), &detail);
            }
            shared.sending.set(false);
            continue;
        }
        let job = {
            let mut q = shared.queue.borrow_mut();
            if q.is_empty() {
                return;
            }
            q.remove(0)
        };
        let t = now();
        let effects = match job {
            Job::Input(input) => rt.engine.handle(&input, t),
            Job::Ui(ui) => rt.on_ui(ui, t),
            Job::Sync(Some(json)) => {
                if rt.withdrawn_elsewhere {
                    rt.consent = true;
                    rt.withdrawn_elsewhere = false;
                }
                if rt.consent {
                    rt.engine.merge_profile(&json, t);
                }
                Vec::new()
            }
            // Another tab erased the profile: storing it again here would undo a withdrawal.
            Job::Sync(None) => {
                rt.withdrawn_elsewhere |= rt.consent;
                rt.consent = false;
                Vec::new()
            }
        };
        for e in effects {
            rt.carry_out(e);
        }
    }
}

impl Runtime {
    /// Carries out one effect.
    fn carry_out(&mut self, e: Effect) {
        match e {
            Effect::PageChanged => self.applier.revert_page(),
            Effect::Signal { name } => {
                if self.debug {
                    self.log("signal", &name);
                }
                self.emit("signal", obj(&[("name", name.into())]));
            }
            Effect::Decision { rule, variant, signal } => self.emit(
                "decision",
                obj(&[("rule", rule.into()), ("variant", variant.as_str().into()), ("signal", signal.into())]),
            ),
            Effect::Suppressed { rule, by, over } => {
                if self.debug {
                    self.log("suppressed", &moments_engine::small::cat(&[&rule, " lost to ", &by, " over ", &over]));
                }
            }
            Effect::Apply { rule, actions } => self.applier.apply(&rule, &actions),
            Effect::Conversion { rule, variant, value } => self.emit(
                "conversion",
                obj(&[("rule", rule.into()), ("variant", variant.as_str().into()), ("value", value.into())]),
            ),
            Effect::Persist(json) => {
                if self.consent {
                    self.persist(&json);
                }
            }
        }
    }

    /// Handles what the UI reported; returns the engine's effects of it.
    fn on_ui(&mut self, ui: UiEvent, t: Time) -> Vec<Effect> {
        match ui {
            UiEvent::Applied { rule, kind, elements } => {
                self.emit(
                    "action",
                    obj(&[("rule", rule.into()), ("type", kind.into()), ("elements", f64::from(elements).into())]),
                );
                Vec::new()
            }
            UiEvent::PromptShown { rule } => self.prompt(rule, "shown", t),
            UiEvent::PromptDismissed { rule } => self.prompt(rule, "dismissed", t),
            UiEvent::PromptClicked { rule, label } => {
                self.emit("prompt_clicked", obj(&[("rule", rule.clone().into()), ("label", label.into())]));
                self.engine.handle(&Input::Prompt { rule, what: "clicked".into() }, t)
            }
            UiEvent::FlowAnswer { rule, node, answer } => {
                self.emit(
                    "prompt_clicked",
                    obj(&[("rule", rule.into()), ("node", node.clone().into()), ("label", answer.clone().into())]),
                );
                self.engine.handle(&Input::FlowAnswer { node, answer }, t)
            }
            UiEvent::Emit { name, props } => {
                self.emit(&name, props);
                Vec::new()
            }
            UiEvent::Apply { rule, actions } => {
                self.applier.apply(&rule, &actions);
                Vec::new()
            }
            UiEvent::FromPrompt { what, rule, node, button } => {
                self.applier.prompt_report(&what, &rule, node, button);
                Vec::new()
            }
        }
    }

    fn prompt(&mut self, rule: String, what: &str, t: Time) -> Vec<Effect> {
        let name = if what == "shown" { "prompt_shown" } else { "prompt_dismissed" };
        self.emit(name, obj(&[("rule", rule.clone().into())]));
        self.engine.handle(&Input::Prompt { rule, what: what.into() }, t)
    }

    /// Sends an SDK event to the JS side (handlers and `dataLayer`) once the job is done (see
    /// [`pump`]). Never throws.
    pub(crate) fn emit(&self, name: &str, detail: Value) {
        self.outbox.borrow_mut().push((name.to_string(), detail.to_json()));
    }

    /// Reports a problem as an `error` event (and in the console when debugging).
    pub(crate) fn warn(&self, path: &str, message: &str) {
        if self.debug {
            self.log("warning", &moments_engine::small::cat(&[path, ": ", message]));
        }
        self.emit("error", obj(&[("path", path.into()), ("message", message.into()), ("severity", "warning".into())]));
    }

    fn log(&self, what: &str, msg: &str) {
        crate::browser::log(&moments_engine::small::cat(&["[moments] ", what]), msg);
    }

    /// Writes the profile; a storage that fails now (full, blocked) is reported once.
    fn persist(&mut self, json: &str) {
        if let Some(reason) = self.store.write(json) {
            self.warn("storage", reason);
        }
    }

    /// Remembers the selectors to pre-hide on the next page load (only called with consent).
    fn remember_prehide(&mut self) {
        self.store.write_prehide(&self.prehide);
    }

    /// Grants or withdraws consent. Granting stores the profile, and the selectors to pre-hide on
    /// the next page load (as a start with consent does); withdrawing erases both.
    pub(crate) fn set_consent(&mut self, granted: bool) {
        self.consent = granted;
        if granted {
            let json = self.engine.profile_json();
            self.persist(&json);
            self.remember_prehide();
        } else {
            self.store.erase();
        }
    }

    /// Forgets the shopper. With consent the fresh profile overwrites the stored one, never erasing
    /// it first: other tabs take an erased profile for a withdrawal.
    pub(crate) fn reset(&mut self) {
        self.engine.reset(now(), seed());
        if self.consent {
            let json = self.engine.profile_json();
            self.persist(&json);
            self.remember_prehide();
        } else {
            self.store.erase();
        }
    }

    /// The first decisions are applied: stop pre-hiding.
    pub(crate) fn release_prehide(&mut self) {
        self.applier.release_prehide();
    }

    /// Undoes every change; listeners and timers go when the runtime is dropped.
    pub(crate) fn teardown(&mut self) {
        self.applier.revert_all();
    }
}

/// A small object value from pairs.
pub fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::Obj(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}
