//! Problems found in a bundle (or any input), reported by path.

use std::fmt;

/// How bad a [`Problem`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The bundle is refused.
    Error,
    /// The bundle loads, but something is probably not what the author meant.
    Warning,
}

/// One problem, located by a path such as `rules[2].when.cart.value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Where: `rules[2].do[0].prompt.layout`; empty for the whole document.
    pub path: String,
    /// Why, in plain English: `"popup" is not one of modal, banner, toast, slide-in`.
    pub message: String,
    /// Error or warning.
    pub severity: Severity,
}

impl Problem {
    /// An error at `path`.
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { path: path.into(), message: message.into(), severity: Severity::Error }
    }
    /// A warning at `path`.
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { path: path.into(), message: message.into(), severity: Severity::Warning }
    }

    /// `warning: path: message` (no `warning: ` for an error, no `path: ` for the whole
    /// document), without `core::fmt`, which the browser build leaves out.
    pub fn text(&self) -> String {
        let warning = if self.severity == Severity::Warning { "warning: " } else { "" };
        let sep = if self.path.is_empty() { "" } else { ": " };
        crate::small::cat(&[warning, &self.path, sep, &self.message])
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// Joins a parent path and a key: `join("rules[0]", "when")` is `rules[0].when`.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        crate::small::cat(&[parent, ".", key])
    }
}

/// Appends an index: `index("rules", 2)` is `rules[2]`.
pub fn index(parent: &str, i: usize) -> String {
    let mut s = crate::small::cat(&[parent, "["]);
    crate::json::write_num(i as f64, &mut s);
    s.push(']');
    s
}
