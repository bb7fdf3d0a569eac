//! The rule bundle, version 1: typed, parsed from JSON text, checked for meaning.
//! STUB — being written by the bundle owner. Keep this API.

use crate::action::Action;
use crate::condition::Condition;
use crate::json::Value;
use crate::problem::Problem;
use crate::settings::Settings;

/// How often a rule may fire for one shopper.
#[derive(Clone, Debug, PartialEq)]
pub struct Cap {
    /// At most this many times...
    pub max: u32,
    /// ...per this window.
    pub per: CapWindow,
}

/// A cap's window.
#[derive(Clone, Debug, PartialEq)]
pub enum CapWindow {
    /// Per session (30 minutes of inactivity end one).
    Session,
    /// Per local calendar day.
    Day,
    /// Per this many days.
    Days(u32),
    /// Ever.
    Lifetime,
}

/// When a rule is active.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Schedule {
    /// From this local date-time, as epoch ms in local time (inclusive).
    pub from_local_ms: Option<f64>,
    /// Until this local date-time (exclusive).
    pub until_local_ms: Option<f64>,
    /// Local hours `[start, end]`: active when start <= hour <= end (wraps past midnight if start > end).
    pub hours: Option<(u32, u32)>,
    /// Local weekdays, 0 = Sunday.
    pub weekdays: Option<Vec<u32>>,
}

/// One rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Unique id.
    pub id: String,
    /// Signals that make the rule be considered; `None` = every signal.
    pub on: Option<Vec<String>>,
    /// Condition.
    pub when: Condition,
    /// Actions, in order.
    pub actions: Vec<Action>,
    /// Frequency cap.
    pub cap: Option<Cap>,
    /// Higher wins conflicts.
    pub priority: i32,
    /// Active window.
    pub schedule: Option<Schedule>,
    /// Share of shoppers held out (0..1).
    pub holdout: f64,
}

/// A loaded bundle.
#[derive(Clone, Debug, Default)]
pub struct Bundle {
    /// Bundle id.
    pub id: String,
    /// Settings.
    pub settings: Settings,
    /// Named segments, evaluated into `segments.<name>` before rules.
    pub segments: Vec<(String, Condition)>,
    /// Rules.
    pub rules: Vec<Rule>,
}

/// What loading a bundle gives: the bundle and its warnings, or every problem.
pub type Loaded = Result<(Bundle, Vec<Problem>), Vec<Problem>>;

impl Bundle {
    /// Parses and checks bundle JSON text. `now_ms` (if given) lets the checker warn about
    /// schedules that already ended.
    pub fn load(text: &str, _now_ms: Option<f64>) -> Loaded {
        match Value::parse(text) {
            Ok(v) => Bundle::from_value(&v, _now_ms),
            Err(e) => Err(vec![Problem::error("", format!("not valid JSON: {e}"))]),
        }
    }
    /// Checks an already-parsed bundle.
    pub fn from_value(_v: &Value, _now_ms: Option<f64>) -> Loaded {
        Ok((Bundle::default(), Vec::new()))
    }
}

/// The bundle's JSON Schema (draft 2020-12), for editors.
pub fn schema() -> String {
    "{}".into()
}
