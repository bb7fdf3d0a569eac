//! `pkg-config/empty-context.js` answers `context()` in JavaScript while no SDK runs: it must be
//! the engine's context before the first page view, key for key.

use moments_engine::{Engine, Time};

#[test]
fn the_javascript_copy_is_the_engines_context_before_the_first_page_view() {
    let js = include_str!("../../../pkg-config/empty-context.js");
    let start = js.find("const EMPTY = '").expect("const EMPTY = '…' in empty-context.js") + "const EMPTY = '".len();
    let copy = &js[start..start + js[start..].find('\'').expect("closing quote")];
    let (engine, _) = Engine::new(r#"{"version": 1, "rules": []}"#, None, Time { ms: 0.0, offset_min: 0 }, 0).expect("an empty bundle loads");
    assert_eq!(
        copy,
        engine.context().to_json(),
        "pkg-config/empty-context.js is out of date: put the engine's context there (the right side)"
    );
}
