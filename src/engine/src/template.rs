//! `{{path}}` templates: context values inserted into text, always escaped.
//! STUB — being written by the actions owner. Keep this API.

use crate::action::Action;
use crate::json::Value;

/// Renders every string of `actions` against `ctx`: placeholders in text become the value's text,
/// in HTML the value's text HTML-escaped; every `html` then goes through the sanitizer.
pub fn render_actions(actions: &[Action], _ctx: &Value) -> Vec<Action> {
    actions.to_vec()
}
