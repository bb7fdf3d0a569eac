//! Deciding: which rules fire on a signal (on, when, schedule, cap, holdout, priority, conflicts),
//! and why not (`explain`). STUB — being written by the bundle owner. Keep this API.

use crate::action::Action;
use crate::bundle::Bundle;
use crate::input::Time;
use crate::json::Value;
use crate::template::render_actions;

/// Whether the shopper saw the change or is in the rule's control group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The actions were applied.
    Shown,
    /// Held out: measured, not shown.
    Holdout,
}

impl Variant {
    /// `shown` or `holdout`.
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Shown => "shown",
            Variant::Holdout => "holdout",
        }
    }
}

/// One rule that fired.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// Index into `bundle.rules`.
    pub rule: usize,
    /// Shown or held out.
    pub variant: Variant,
    /// Rendered actions to apply (empty when held out).
    pub actions: Vec<Action>,
}

/// A rule that would have fired but lost a conflict.
#[derive(Clone, Debug, PartialEq)]
pub struct Suppressed {
    /// Index of the losing rule.
    pub rule: usize,
    /// Index of the winner.
    pub by: usize,
    /// What they fought over (a selector, or `modal`).
    pub over: String,
}

/// A conversion attributed to an earlier decision.
#[derive(Clone, Debug, PartialEq)]
pub struct Conversion {
    /// Rule id.
    pub rule: String,
    /// The variant the shopper had.
    pub variant: Variant,
    /// Purchase value, if known.
    pub value: Option<f64>,
}

/// Per-shopper decision state: caps, recent decisions (for conversions), last explanation.
#[derive(Clone, Debug, Default)]
pub struct Decider {
    caps: Value,
}

impl Decider {
    /// A decider, restoring caps from the stored profile's `caps` (if any).
    pub fn new(_bundle: &Bundle, stored: Option<&Value>) -> Decider {
        Decider { caps: stored.cloned().unwrap_or_default() }
    }

    /// Decides which rules fire on `signal` given the context. `shopper` seeds holdout bucketing.
    pub fn decide(&mut self, bundle: &Bundle, signal: &str, ctx: &Value, _now: Time, _shopper: &str) -> (Vec<Decision>, Vec<Suppressed>) {
        let mut out = Vec::new();
        for (i, r) in bundle.rules.iter().enumerate() {
            let on = r.on.as_ref().is_none_or(|s| s.iter().any(|n| n == signal));
            if on && r.when.eval(ctx) {
                out.push(Decision { rule: i, variant: Variant::Shown, actions: render_actions(&r.actions, ctx) });
            }
        }
        (out, Vec::new())
    }

    /// A purchase happened: the conversions it completes.
    pub fn purchase(&mut self, _now: Time, _value: Option<f64>) -> Vec<Conversion> {
        Vec::new()
    }

    /// State to persist in the profile under `caps`.
    pub fn to_value(&self) -> Value {
        self.caps.clone()
    }

    /// Why each rule (or the one named) did or did not fire at the last decision.
    pub fn explain(&self, _bundle: &Bundle, _rule: Option<&str>) -> Value {
        Value::Arr(Vec::new())
    }
}
