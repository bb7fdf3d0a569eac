//! Numbers in the browser are written and read by JavaScript itself: `String(n)` and `parseFloat`
//! (what a template shows is exactly what the page's own scripts would print), and no float
//! formatting or parsing code is compiled into the wasm.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = String)]
    fn js_string(n: f64) -> String;
    #[wasm_bindgen(js_name = parseFloat)]
    fn js_parse_float(s: &str) -> f64;
}

fn format(n: f64, out: &mut String) {
    out.push_str(&js_string(n));
}

/// Makes the engine write and read numbers through JavaScript from now on.
pub fn install() {
    moments_engine::json::set_number_io(format, js_parse_float);
}
