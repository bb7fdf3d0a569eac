//! The bundle's `settings`: how the SDK senses the shopper. Every field has a sensible default, so
//! a bundle may leave `settings` out entirely.

/// CSS selectors the SDK listens on, beyond what it finds by itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Selectors {
    /// Clicks here are `add_to_cart` (props from `data-id`, `data-price`, `data-quantity`).
    pub add_to_cart: String,
    /// Submits here are `search` (the first text/search input's value is the query).
    pub search_form: String,
    /// Clicks here are `begin_checkout`.
    pub checkout: String,
}

impl Default for Selectors {
    fn default() -> Self {
        Selectors {
            add_to_cart: "[data-add-to-cart]".into(),
            search_form: "form[role=search]".into(),
            checkout: "[data-begin-checkout]".into(),
        }
    }
}

/// When a cart counts as abandoned.
#[derive(Clone, Debug, PartialEq)]
pub struct Abandonment {
    /// Seconds without input before `idle` (and `cart_abandoned` with a non-empty cart).
    pub idle_seconds: f64,
    /// A cart older than this on a new visit gives `returning_with_cart`.
    pub stale_cart_hours: f64,
}

impl Default for Abandonment {
    fn default() -> Self {
        Abandonment { idle_seconds: 45.0, stale_cart_hours: 24.0 }
    }
}

/// How eagerly exit intent fires.
#[derive(Clone, Debug, PartialEq)]
pub struct ExitIntent {
    /// Pixels from the top edge within which a pointer leaving counts.
    pub sensitivity: f64,
    /// Also detect on touch devices (fast scroll-up, back, tab return).
    pub mobile: bool,
    /// Seconds on the page before exit intent may fire.
    pub min_seconds: f64,
    /// Milliseconds to wait after the pointer leaves; re-entry within it cancels.
    pub delay_ms: f64,
}

impl Default for ExitIntent {
    fn default() -> Self {
        ExitIntent { sensitivity: 20.0, mobile: true, min_seconds: 3.0, delay_ms: 300.0 }
    }
}

/// Extra keywords for the micro-moment classifier, per moment (added to the built-in English and
/// Vietnamese lexicon).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Lexicon {
    /// Words that mean "I want to know".
    pub know: Vec<String>,
    /// Words that mean "I want to go".
    pub go: Vec<String>,
    /// Words that mean "I want to do".
    pub do_: Vec<String>,
    /// Words that mean "I want to buy".
    pub buy: Vec<String>,
}

/// All settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Whether consent is granted before the page says anything (`"granted"`), or storage waits
    /// for `consent(true)` (`"pending"`).
    pub consent_granted: bool,
    /// Selectors.
    pub selectors: Selectors,
    /// Abandonment thresholds.
    pub abandonment: Abandonment,
    /// Exit intent tuning.
    pub exit_intent: ExitIntent,
    /// Extra moment keywords.
    pub lexicon: Lexicon,
    /// A purchase within this many hours of a decision counts as its conversion (default 24;
    /// a purchase in the same session always counts).
    pub conversion_window_hours: f64,
    /// More URL query parameters that carry a search (`tu-khoa`), after the built-in `q`, `s`,
    /// `search`, `query` and `keyword`.
    pub search_params: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            consent_granted: true,
            selectors: Selectors::default(),
            abandonment: Abandonment::default(),
            exit_intent: ExitIntent::default(),
            lexicon: Lexicon::default(),
            conversion_window_hours: 24.0,
            search_params: Vec::new(),
        }
    }
}
