//! `$regex` in the browser uses the platform's `RegExp`: JavaScript semantics exactly (as
//! GrowthBook's conditions expect) and no regex engine compiled into the wasm.

use moments_engine::condition::{set_regex_factory, RegexMatcher};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The global `RegExp` constructor.
    #[wasm_bindgen(thread_local_v2, js_name = RegExp)]
    static REGEXP: js_sys::Function;
}

struct JsRegex(js_sys::RegExp);

impl RegexMatcher for JsRegex {
    fn is_match(&self, s: &str) -> bool {
        self.0.set_last_index(0);
        self.0.test(s)
    }
}

/// Compiles with `new RegExp(pattern, flags)`, catching the `SyntaxError` of a bad pattern.
fn compile(pattern: &str) -> Result<Rc<dyn RegexMatcher>, String> {
    let (pattern, flags) = match pattern.strip_prefix("(?i)") {
        Some(p) => (p, "i"),
        None => (pattern, ""),
    };
    // `new RegExp` throws on a bad pattern; Reflect.construct turns the throw into an Err.
    let args = crate::browser::array1(&pattern.into());
    args.push(&flags.into());
    match REGEXP.with(|ctor| js_sys::Reflect::construct(ctor, &args)) {
        Ok(re) => Ok(Rc::new(JsRegex(re.unchecked_into()))),
        Err(e) => Err(crate::browser::get(&e, "message").as_string().unwrap_or_default()),
    }
}

/// Makes conditions compiled from now on use JavaScript's `RegExp`, and numbers be written and read
/// by JavaScript ([`crate::numbers`]): the platform's text semantics, everything the SDK calls
/// this first.
pub fn install() {
    set_regex_factory(compile);
    crate::numbers::install();
}
