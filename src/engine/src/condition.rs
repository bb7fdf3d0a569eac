//! Conditions (`when`, `segments`): GrowthBook's MongoDB-style targeting language, compiled once.
//! STUB — being written by the conditions owner. Keep this API.

use crate::json::Value;
use crate::problem::Problem;

/// A compiled condition.
#[derive(Clone, Debug, Default)]
pub struct Condition {
    src: Value,
}

impl Condition {
    /// Compiles `cond` (found at `path` in the bundle), pushing every problem into `problems`.
    pub fn compile(cond: &Value, _path: &str, _problems: &mut Vec<Problem>) -> Condition {
        Condition { src: cond.clone() }
    }
    /// A condition that always holds (an absent `when`).
    pub fn always() -> Condition {
        Condition::default()
    }
    /// Whether the context satisfies the condition. Never allocates, never panics.
    pub fn eval(&self, _ctx: &Value) -> bool {
        let _ = &self.src;
        true
    }
    /// `None` when the condition holds; otherwise the first failing clause with the value seen,
    /// e.g. `cart.value is 40, needs $gte 100`.
    pub fn explain(&self, ctx: &Value) -> Option<String> {
        if self.eval(ctx) { None } else { Some("condition failed".into()) }
    }
}

/// Evaluates an uncompiled condition, exactly as GrowthBook's `evalCondition(attributes, condition, savedGroups)`.
pub fn eval_condition(attrs: &Value, cond: &Value, _saved_groups: &Value) -> bool {
    let mut p = Vec::new();
    Condition::compile(cond, "", &mut p).eval(attrs)
}
