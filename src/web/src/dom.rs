//! Applying actions to the page, reversibly. STUB — being written by the actions owner.

use crate::ui::{Sink, UiEvent};
use moments_engine::action::Action;

/// Applies rendered actions and remembers how to undo them.
pub struct Applier {
    sink: Sink,
}

impl Applier {
    /// An applier reporting to `sink`.
    pub fn new(sink: Sink) -> Applier {
        Applier { sink }
    }

    /// Applies `actions` of `rule` in order.
    pub fn apply(&mut self, rule: &str, actions: &[Action]) {
        for a in actions {
            if let Action::Emit { name, props } = a {
                (self.sink)(UiEvent::Emit { name: name.clone(), props: props.clone() });
            }
            let _ = rule;
        }
    }

    /// Undoes page-scoped changes (a single-page-app navigation away from the page).
    pub fn revert_page(&mut self) {}

    /// Undoes everything (destroy): the page is as before.
    pub fn revert_all(&mut self) {}
}
