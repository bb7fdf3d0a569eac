//! Deterministic bucketing: GrowthBook's FNV-1a based `hash(seed, value, version)`.
//! STUB — being written by the conditions owner. Keep this API.

/// GrowthBook's hash: a number in [0, 1) from `seed` and `value`, version 1 or 2; `None` for an
/// unknown version.
pub fn hash(_seed: &str, _value: &str, _version: u32) -> Option<f64> {
    None
}
