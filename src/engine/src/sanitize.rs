//! The allow-list HTML sanitizer for `html` in actions.
//! STUB — being written by the actions owner. Keep this API.

/// Returns `html` with everything not on the allow-list removed.
pub fn sanitize_html(html: &str) -> String {
    html.replace('<', "&lt;")
}
