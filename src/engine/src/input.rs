//! What the engine is told: observations from the page (or a replayed journey), each with a time.
//!
//! The browser layer turns DOM events into these; `moments simulate` reads them from JSONL (see
//! [`Input::from_json`]); tests write them by hand. The engine never reads a clock: every call
//! carries [`Time`].

use crate::json::Value;

/// A moment in time as the page sees it.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Time {
    /// Milliseconds since the Unix epoch (UTC), as `Date.now()`.
    pub ms: f64,
    /// The shopper's offset from UTC in minutes, as `-new Date().getTimezoneOffset()`
    /// (UTC+7 is `420`). Local time is `ms + offset_min * 60_000`.
    pub offset_min: i32,
}

impl Time {
    /// Local milliseconds since the epoch (shifted by the offset), for hours and weekdays.
    pub fn local_ms(&self) -> f64 {
        self.ms + f64::from(self.offset_min) * 60_000.0
    }
    /// Local hour of day, 0..=23.
    pub fn hour(&self) -> u32 {
        // Whole hours as an integer: f64's rem_euclid would bring libm's fmod into the wasm.
        ((self.local_ms() / 3_600_000.0).floor() as i64).rem_euclid(24) as u32
    }
    /// Local weekday, 0 = Sunday ..= 6 = Saturday (as `Date.getDay()`).
    pub fn weekday(&self) -> u32 {
        // 1970-01-01 was a Thursday (4).
        ((self.local_ms() / 86_400_000.0).floor() as i64 + 4).rem_euclid(7) as u32
    }
    /// Local days since the epoch (for "per day" caps and dates).
    pub fn local_day(&self) -> i64 {
        (self.local_ms() / 86_400_000.0).floor() as i64
    }
}

/// The kind of device, as the context's `device.type` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DeviceKind {
    /// Phone-sized touch screen.
    Mobile,
    /// Tablet-sized touch screen.
    Tablet,
    /// Anything with a fine pointer.
    #[default]
    Desktop,
}

impl DeviceKind {
    /// `mobile`, `tablet` or `desktop`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Mobile => "mobile",
            DeviceKind::Tablet => "tablet",
            DeviceKind::Desktop => "desktop",
        }
    }
}

/// One product line in a commerce event (GA4's `items[]`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Item {
    /// `item_id` (or `id`).
    pub id: String,
    /// `item_name` (or `name`).
    pub name: String,
    /// Unit price.
    pub price: f64,
    /// Quantity (default 1).
    pub quantity: f64,
    /// `item_category`, if given.
    pub category: String,
}

/// Where a commerce or search observation came from (the same event may arrive twice, e.g. a
/// click on `[data-add-to-cart]` and the page's own `dataLayer` push; the engine de-duplicates).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `Moments.track()` / the pre-load queue.
    Api,
    /// A GA4 event in `window.dataLayer`.
    DataLayer,
    /// A click or submit on one of the bundle's selectors.
    Dom,
    /// The page URL's query parameters.
    Url,
}

/// An observation.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A page was loaded (a full page load, or the first thing a journey says). Starts a visit if
    /// the last activity is older than 30 minutes.
    PageView {
        /// Full URL.
        url: String,
        /// `document.referrer` (empty if none).
        referrer: String,
        /// The page's declared type (`<meta name="moments:page-type">`), if any.
        page_type: Option<String>,
        /// The page title.
        title: String,
        /// `true` for single-page-app navigation (history API), `false` for a real load.
        spa: bool,
    },
    /// Device facts, once per page load, before the first page view.
    Device {
        /// Phone, tablet or desktop.
        kind: DeviceKind,
        /// Whether the device has a touch screen.
        touch: bool,
    },
    /// The page scrolled. At most one per animation frame.
    Scroll {
        /// Pixels scrolled from the top.
        y: f64,
        /// Scrollable height (document height minus viewport height); 0 if the page cannot scroll.
        max_y: f64,
    },
    /// The shopper did something (pointer, key, touch): resets idle time.
    Activity,
    /// Time passed (the browser sends one per second while the page is visible).
    Tick,
    /// The pointer left the document. `y` is its last vertical position in the viewport.
    PointerLeave {
        /// Vertical position in CSS px when it left (small or negative = through the top).
        y: f64,
    },
    /// The pointer came back into the document.
    PointerEnter,
    /// The tab was hidden (`true`) or shown again (`false`).
    Visibility {
        /// Hidden now?
        hidden: bool,
    },
    /// The shopper tried to go back, out of the page (on a touch device: exit intent). The browser
    /// layer cannot see such a back (it unloads the page; a `popstate` is a back inside the
    /// page's own history, which is browsing), so it never sends one: for journeys and hosts
    /// that can.
    BackAttempt,
    /// A search was made.
    Search {
        /// What was searched (trimmed, as typed).
        query: String,
        /// Where it came from.
        source: Source,
    },
    /// A GA4-style commerce event: `view_item`, `add_to_cart`, `remove_from_cart`, `view_cart`,
    /// `begin_checkout`, `purchase` (other names are treated as custom events).
    Commerce {
        /// The GA4 event name.
        name: String,
        /// Items in the event.
        items: Vec<Item>,
        /// `value`, if given.
        value: Option<f64>,
        /// `currency`, if given.
        currency: Option<String>,
        /// Where it came from.
        source: Source,
    },
    /// A custom event from `track(name, props)`.
    Track {
        /// Event name (becomes a signal of the same name).
        name: String,
        /// Properties.
        props: Value,
    },
    /// Site attributes from `set(attrs)`, readable as `custom.<name>`.
    Set {
        /// An object of attributes.
        attrs: Value,
    },
    /// The shopper answered a flow node of a prompt (`flow.<node>` becomes `answer`).
    FlowAnswer {
        /// Node id.
        node: String,
        /// The label of the button pressed.
        answer: String,
    },
    /// What happened to a prompt the engine asked for.
    Prompt {
        /// The rule that opened it.
        rule: String,
        /// `shown`, `dismissed` or `clicked`.
        what: String,
    },
    /// A signal fired by hand (debug overlay, QA): treated exactly as if detected.
    Fire {
        /// Signal name.
        name: String,
    },
}

impl Source {
    /// Parses `api`, `dataLayer`, `dom`, `url` (case-insensitive).
    pub fn parse(s: &str) -> Option<Source> {
        Some(match s.to_ascii_lowercase().as_str() {
            "api" => Source::Api,
            "datalayer" => Source::DataLayer,
            "dom" => Source::Dom,
            "url" => Source::Url,
            _ => return None,
        })
    }
}
