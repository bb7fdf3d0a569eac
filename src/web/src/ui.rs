//! What the page's UI (applied actions, prompts, flows) reports back to the runtime.

use moments_engine::action::Action;
use moments_engine::Value;
use std::rc::Rc;

/// Something the shopper did with what Moments showed, or a change that was applied.
#[derive(Clone, Debug)]
pub enum UiEvent {
    /// An action was applied to the page.
    Applied {
        /// Rule id.
        rule: String,
        /// Action kind: `replace`, `insert`, `attr`, `class`, `hide`, `show`, `prompt`, `emit`.
        kind: &'static str,
        /// Elements it touched (0 = waiting for them to appear).
        elements: u32,
    },
    /// A prompt opened.
    PromptShown {
        /// Rule id.
        rule: String,
    },
    /// A prompt was closed by the shopper (close button, Esc, backdrop).
    PromptDismissed {
        /// Rule id.
        rule: String,
    },
    /// The prompt's call to action or a flow button was clicked.
    PromptClicked {
        /// Rule id.
        rule: String,
        /// Button label.
        label: String,
    },
    /// A flow node was answered.
    FlowAnswer {
        /// Rule id.
        rule: String,
        /// Node id.
        node: String,
        /// Button label.
        answer: String,
    },
    /// An `emit` action or flow button: an event for `on()` handlers and `dataLayer`.
    Emit {
        /// Event name.
        name: String,
        /// Properties.
        props: Value,
    },
    /// What the prompt renderer (JavaScript) reported; see [`crate::prompt::Prompts::report`].
    FromPrompt {
        /// `s`, `x`, `z`, `c` or `b`.
        what: String,
        /// Rule id.
        rule: String,
        /// Flow node index.
        node: u32,
        /// Flow button index.
        button: u32,
    },
    /// A flow button's `do` actions, to apply.
    Apply {
        /// Rule id.
        rule: String,
        /// Actions.
        actions: Vec<Action>,
    },
}

/// Where UI events go. Calling it never re-enters the runtime synchronously: events are queued.
pub type Sink = Rc<dyn Fn(UiEvent)>;
