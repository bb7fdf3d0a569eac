//! Actions a rule applies (`do`), as parsed from the bundle and as rendered for the page.
//!
//! Strings here may hold `{{path}}` placeholders while in a bundle; [`crate::template`] renders
//! them against the context (escaping always) and [`crate::sanitize`] cleans every `html` before
//! the browser layer sees it. The browser layer applies rendered actions as they are.

use crate::json::Value;

/// Where `insert` puts its HTML relative to the target element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// Before the element (`beforebegin`).
    Before,
    /// After the element (`afterend`).
    After,
    /// First child (`afterbegin`).
    Prepend,
    /// Last child (`beforeend`).
    Append,
}

impl Position {
    /// The bundle spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Position::Before => "before",
            Position::After => "after",
            Position::Prepend => "prepend",
            Position::Append => "append",
        }
    }
}

/// How a prompt is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A centred dialog that takes focus (only one at a time).
    Modal,
    /// A bar across the top or bottom of the page.
    Banner,
    /// A small notice in a corner that goes away by itself.
    Toast,
    /// A panel sliding in from the side.
    SlideIn,
}

impl Layout {
    /// The bundle spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Modal => "modal",
            Layout::Banner => "banner",
            Layout::Toast => "toast",
            Layout::SlideIn => "slide-in",
        }
    }
}

/// A prompt's call to action.
#[derive(Clone, Debug, PartialEq)]
pub struct Cta {
    /// Button text.
    pub label: String,
    /// Where it goes (a safe URL: no `javascript:`), if anywhere.
    pub href: Option<String>,
}

/// What a flow button does.
#[derive(Clone, Debug, PartialEq)]
pub enum ButtonTarget {
    /// Go to another node of the flow.
    Next(String),
    /// Open a link.
    Href(String),
    /// Emit an event (to `on()` handlers and `dataLayer`).
    Emit {
        /// Event name.
        name: String,
        /// Properties.
        props: Value,
    },
    /// Apply actions.
    Do(Vec<Action>),
}

/// One button of a flow node.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowButton {
    /// Button text.
    pub label: String,
    /// What it does.
    pub target: ButtonTarget,
}

/// One step of a guided conversation.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowNode {
    /// Node id (answers are readable as `flow.<id>`).
    pub id: String,
    /// The question or message.
    pub text: String,
    /// Two to four buttons.
    pub buttons: Vec<FlowButton>,
}

/// A short branching conversation inside a prompt.
#[derive(Clone, Debug, PartialEq)]
pub struct Flow {
    /// The first node's id.
    pub start: String,
    /// All nodes.
    pub nodes: Vec<FlowNode>,
}

/// A prompt (modal, banner, toast, slide-in), possibly a conversation.
#[derive(Clone, Debug, PartialEq)]
pub struct Prompt {
    /// Layout.
    pub layout: Layout,
    /// Heading (plain text).
    pub title: String,
    /// Body (plain text).
    pub body: String,
    /// Image URL (safe), if any.
    pub image: Option<String>,
    /// Call to action, if any.
    pub cta: Option<Cta>,
    /// Label of the dismiss button (default "Close").
    pub dismiss: Option<String>,
    /// A guided conversation, if any.
    pub flow: Option<Flow>,
}

/// One action of a rule's `do`.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Replace an element's content with text (`text`) or sanitized HTML (`html`).
    Replace {
        /// CSS selector.
        selector: String,
        /// New content.
        content: String,
        /// `true` if `content` is HTML, `false` if plain text.
        html: bool,
    },
    /// Insert sanitized HTML next to or inside an element.
    Insert {
        /// CSS selector.
        selector: String,
        /// Where.
        position: Position,
        /// Sanitized HTML.
        html: String,
    },
    /// Set an attribute (never an `on*` handler; URLs are checked).
    Attr {
        /// CSS selector.
        selector: String,
        /// Attribute name.
        name: String,
        /// Value.
        value: String,
    },
    /// Add and/or remove classes.
    Class {
        /// CSS selector.
        selector: String,
        /// Classes to add.
        add: Vec<String>,
        /// Classes to remove.
        remove: Vec<String>,
    },
    /// Hide the elements.
    Hide(String),
    /// Show the elements (undo a `display: none`).
    Show(String),
    /// Open a prompt.
    Prompt(Box<Prompt>),
    /// Emit an event to `on()` handlers and `dataLayer`.
    Emit {
        /// Event name.
        name: String,
        /// Properties.
        props: Value,
    },
}

impl Action {
    /// The CSS selector this action changes, if it changes page elements (used for conflicts and
    /// for pre-hiding swap targets before first paint).
    pub fn selector(&self) -> Option<&str> {
        match self {
            Action::Replace { selector, .. }
            | Action::Insert { selector, .. }
            | Action::Attr { selector, .. }
            | Action::Class { selector, .. }
            | Action::Hide(selector)
            | Action::Show(selector) => Some(selector),
            Action::Prompt(_) | Action::Emit { .. } => None,
        }
    }
}
