//! Sensing the shopper: the context (§4), signals (§5), micro-moments, abandonment, exit intent,
//! channel and journey, and the profile remembered across visits.
//! STUB — being written by the sensing owner. Keep this API.

pub mod moments;
pub mod text;

use crate::input::{Input, Time};
use crate::json::Value;
use crate::problem::Problem;
use crate::settings::Settings;

/// Everything the engine knows about the shopper, kept current as inputs arrive.
#[derive(Clone, Debug)]
pub struct Sensing {
    ctx: Value,
    shopper: String,
}

impl Sensing {
    /// Starts sensing with the stored profile (if any; a corrupt or unknown-version profile is
    /// replaced, with a warning). `seed` is randomness for a new shopper id.
    pub fn new(_settings: &Settings, _profile: Option<&Value>, _now: Time, seed: u64) -> (Sensing, Vec<Problem>) {
        (Sensing { ctx: Value::Obj(Vec::new()), shopper: format!("s{seed:x}") }, Vec::new())
    }

    /// Takes in one observation; pushes the names of the signals it raises onto `signals`
    /// (e.g. `add_to_cart`, then `moment_changed`).
    pub fn observe(&mut self, input: &Input, _now: Time, signals: &mut Vec<String>) {
        match input {
            Input::PageView { .. } => signals.push("page_view".into()),
            Input::Track { name, .. } => signals.push(name.clone()),
            Input::Commerce { name, .. } => signals.push(name.clone()),
            Input::Fire { name } => signals.push(name.clone()),
            _ => {}
        }
    }

    /// The context conditions read (§4); the engine fills `segments`.
    pub fn context(&self) -> &Value {
        &self.ctx
    }

    /// Mutable context (the engine writes `segments.*`).
    pub fn context_mut(&mut self) -> &mut Value {
        &mut self.ctx
    }

    /// The stable pseudonymous shopper id (for holdout bucketing).
    pub fn shopper_id(&self) -> &str {
        &self.shopper
    }

    /// The profile to store (without `caps`, which the engine adds).
    pub fn profile(&self) -> Value {
        Value::Obj(vec![("v".into(), Value::Num(1.0)), ("shopper".into(), Value::Str(self.shopper.clone()))])
    }

    /// Why the current moment and risk are what they are.
    pub fn explain(&self) -> Value {
        Value::Null
    }

    /// Forget the shopper (profile, cart, session); a new id from `seed`.
    pub fn reset(&mut self, settings: &Settings, now: Time, seed: u64) {
        *self = Sensing::new(settings, None, now, seed).0;
    }
}
