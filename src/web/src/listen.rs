//! Event listeners that remove themselves when dropped.
//!
//! ```no_run
//! # use moments_web::listen::Listener;
//! # let doc = web_sys::window().unwrap().document().unwrap();
//! let l = Listener::new(&doc, "scroll", true, |_e| { /* … */ });
//! drop(l); // removed
//! ```

use crate::browser::{dict, Callback};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, Event, EventTarget};

/// A DOM event listener, registered on creation and removed on `Drop`.
#[must_use = "a Listener is removed as soon as it is dropped"]
pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    capture: bool,
    callback: Rc<Callback>,
}

impl Listener {
    /// Listens for `kind` on `target`, passively (never blocks scrolling). `capture` listens in the
    /// capture phase, which sees events before the page's own handlers can stop them.
    pub fn new(target: &EventTarget, kind: &'static str, capture: bool, f: impl Fn(Event) + 'static) -> Listener {
        Listener::shared(target, kind, capture, &Rc::new(Callback::new(f)))
    }

    /// Like [`Listener::new`], with a callback that may serve other listeners too (one closure for
    /// several events is less code than one each). Not generic: compiled once.
    #[inline(never)]
    pub fn shared(target: &EventTarget, kind: &'static str, capture: bool, callback: &Rc<Callback>) -> Listener {
        let callback = callback.clone();
        let opts: AddEventListenerOptions =
            dict(if capture { r#"{"passive":true,"capture":true}"# } else { r#"{"passive":true,"capture":false}"# });
        let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
            kind,
            (*callback).as_ref().unchecked_ref(),
            &opts,
        );
        Listener { target: target.clone(), kind, capture, callback }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback_and_bool(
            self.kind,
            (*self.callback).as_ref().unchecked_ref(),
            self.capture,
        );
    }
}
