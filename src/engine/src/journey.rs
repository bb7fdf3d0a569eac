//! Journeys: one timed input per line (JSONL), for `moments simulate` and tests.
//! STUB — being written by the sensing owner. Keep this API.

use crate::input::{Input, Time};

/// Parses one journey line, e.g. `{"t": 1500, "type": "add_to_cart", "value": 25}`.
/// `t` is milliseconds (relative to the journey start or absolute epoch ms).
pub fn parse_line(_line: &str) -> Result<(Time, Input), String> {
    Err("journeys are not implemented yet".into())
}
