//! The engine: one shopper on one page, fed [`Input`]s, answering with [`Effect`]s.
//!
//! ```
//! use moments_engine::{Engine, Input, Time};
//! let bundle = r#"{"version": 1, "id": "b", "rules": [
//!   {"id": "hi", "on": ["add_to_cart"], "do": [{"emit": {"name": "hello"}}]}]}"#;
//! let now = Time { ms: 1.7e12, offset_min: 0 };
//! let (mut engine, _warnings) = Engine::new(bundle, None, now, 42).unwrap();
//! let effects = engine.handle(&Input::Track { name: "add_to_cart".into(), props: Default::default() }, now);
//! assert!(!effects.is_empty());
//! ```

use crate::action::Action;
use crate::bundle::Bundle;
use crate::decide::{Decider, Variant};
use crate::input::{Input, Time};
use crate::json::Value;
use crate::problem::Problem;
use crate::sensing::Sensing;

/// What the page (or the simulator) should do or report, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// A single-page-app navigation: undo page-scoped changes before what follows.
    PageChanged,
    /// A signal was raised.
    Signal {
        /// Signal name.
        name: String,
    },
    /// A rule fired.
    Decision {
        /// Rule id.
        rule: String,
        /// Shown or held out.
        variant: Variant,
        /// The signal that triggered it.
        signal: String,
    },
    /// A rule fired but lost a conflict to a higher-priority rule.
    Suppressed {
        /// Losing rule id.
        rule: String,
        /// Winning rule id.
        by: String,
        /// What they both wanted (a selector or `modal`).
        over: String,
    },
    /// Apply these rendered, sanitized actions (for a shown decision).
    Apply {
        /// Rule id.
        rule: String,
        /// Actions in order.
        actions: Vec<Action>,
    },
    /// A purchase converted an earlier decision.
    Conversion {
        /// Rule id.
        rule: String,
        /// Variant the shopper had.
        variant: Variant,
        /// Purchase value.
        value: Option<f64>,
    },
    /// The profile changed: store this JSON (if consent allows).
    Persist(String),
}

/// The Moments engine for one page.
#[derive(Clone, Debug)]
pub struct Engine {
    bundle: Bundle,
    sensing: Sensing,
    decider: Decider,
    persisted: String,
}

impl Engine {
    /// Loads a bundle and the stored profile (if any). Returns the engine and its warnings, or
    /// every problem of a bundle that is refused. A corrupt profile is a warning, never a refusal.
    pub fn new(bundle_text: &str, profile_json: Option<&str>, now: Time, seed: u64) -> Result<(Engine, Vec<Problem>), Vec<Problem>> {
        let (bundle, mut warnings) = Bundle::load(bundle_text, Some(now.ms))?;
        let profile = match profile_json.map(Value::parse) {
            Some(Ok(v)) => Some(v),
            Some(Err(e)) => {
                warnings.push(Problem::warning("profile", crate::small::cat(&["stored profile is not JSON (", &e.text(), "); starting afresh"])));
                None
            }
            None => None,
        };
        let (sensing, mut w) = Sensing::new(&bundle.settings, profile.as_ref(), now, seed);
        warnings.append(&mut w);
        let decider = Decider::new(&bundle, profile.as_ref().and_then(|p| p.get("caps")));
        let mut engine = Engine { bundle, sensing, decider, persisted: String::new() };
        engine.persisted = engine.profile_json();
        Ok((engine, warnings))
    }

    /// Takes in one observation and returns what follows from it, in order.
    pub fn handle(&mut self, input: &Input, now: Time) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let Input::PageView { spa: true, .. } = input {
            effects.push(Effect::PageChanged);
        }
        let mut signals = Vec::new();
        self.sensing.observe(input, now, &mut signals);
        for signal in &signals {
            self.on_signal(signal, input, now, &mut effects);
        }
        if !matches!(input, Input::Scroll { .. } | Input::Activity | Input::Tick) || effects.len() > 1 {
            let json = self.profile_json();
            if json != self.persisted {
                self.persisted.clone_from(&json);
                effects.push(Effect::Persist(json));
            }
        }
        effects
    }

    fn on_signal(&mut self, signal: &str, input: &Input, now: Time, effects: &mut Vec<Effect>) {
        effects.push(Effect::Signal { name: signal.to_string() });
        if signal == "purchase" {
            let value = match input {
                Input::Commerce { value, .. } => *value,
                Input::Track { props, .. } => props.get("value").and_then(Value::as_f64),
                _ => None,
            };
            for c in &self.decider.purchase(now, value) {
                effects.push(Effect::Conversion { rule: c.rule.clone(), variant: c.variant, value: c.value });
            }
        }
        self.update_segments();
        let (mut decisions, suppressed) =
            self.decider.decide(&self.bundle, signal, self.sensing.context(), now, self.sensing.shopper_id());
        if signal == "exit_intent" && decisions.is_empty() && suppressed.is_empty() {
            // Nothing used this chance to catch the shopper (say, the offer needs a cart and the
            // cart was empty): the next attempt to leave this page still counts.
            self.sensing.rearm_exit();
        }
        for d in &mut decisions {
            let rule = self.bundle.rules[d.rule].id.clone();
            effects.push(Effect::Decision { rule: rule.clone(), variant: d.variant, signal: signal.to_string() });
            if d.variant == Variant::Shown && !d.actions.is_empty() {
                effects.push(Effect::Apply { rule, actions: std::mem::take(&mut d.actions) });
            }
        }
        for s in &suppressed {
            effects.push(Effect::Suppressed {
                rule: self.bundle.rules[s.rule].id.clone(),
                by: self.bundle.rules[s.by].id.clone(),
                over: s.over.clone(),
            });
        }
    }

    /// Writes `segments.<name>` into the context from the bundle's segment conditions.
    fn update_segments(&mut self) {
        if self.bundle.segments.is_empty() {
            return;
        }
        let mut values = Vec::new();
        for (name, cond) in &self.bundle.segments {
            values.push((name.clone(), Value::Bool(cond.eval(self.sensing.context()))));
        }
        self.sensing.context_mut().set("segments", Value::Obj(values));
    }

    /// The context conditions see (§4), as of the last input.
    pub fn context(&self) -> &Value {
        self.sensing.context()
    }

    /// The loaded bundle.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// Why each rule (or `rule`) did or did not fire at the last evaluation, and the evidence
    /// behind the moment and risk.
    pub fn explain(&self, rule: Option<&str>) -> Value {
        Value::parse(&self.explain_json(rule)).unwrap_or_default()
    }

    /// [`Engine::explain`] as JSON text, written directly (no `Value` tree).
    pub fn explain_json(&self, rule: Option<&str>) -> String {
        let mut out = String::new();
        let mut w = crate::json::ObjWriter::new(&mut out);
        self.decider.write_explain(&self.bundle, rule, self.sensing.context(), w.key("rules"));
        self.sensing.write_explain(w.key("sensing"));
        w.end();
        out
    }

    /// The profile as stored: sensing's profile plus caps.
    pub fn profile_json(&self) -> String {
        let mut out = String::new();
        let mut w = crate::json::ObjWriter::new(&mut out);
        self.sensing.write_profile(&mut w);
        self.decider.write_json(w.key("caps"));
        w.end();
        out
    }

    /// Takes in the profile another tab of the same shop just stored (a `storage` event): its
    /// newer cart, its visit counts, its caps. Raises no signals, and does not echo the merged
    /// profile back (which would make two tabs rewrite each other's storage forever).
    pub fn merge_profile(&mut self, json: &str, now: Time) {
        let Ok(other) = Value::parse(json) else { return };
        self.sensing.merge_profile(&other, now);
        if let Some(caps) = other.get("caps") {
            self.decider.merge(&self.bundle, caps);
        }
        self.persisted = self.profile_json();
    }

    /// Forgets the shopper: profile, caps, session. `seed` makes the new shopper id.
    pub fn reset(&mut self, now: Time, seed: u64) {
        self.sensing.reset(&self.bundle.settings, now, seed);
        self.decider = Decider::new(&self.bundle, None);
        self.persisted = self.profile_json();
    }
}
