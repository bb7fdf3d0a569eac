//! Where the profile lives: `localStorage`, `sessionStorage` or memory, with a fallback to memory
//! whenever the browser's storage is missing, full or throws (private modes, sandboxed frames,
//! quotas). Nothing is written until consent is granted.

use web_sys::Storage;

/// The storage key. Versioned so that a future format never misreads this one.
pub const KEY: &str = "moments:v1";

/// Where the selectors to pre-hide are remembered for the next page load, so the script tag can
/// hide them before the bundle arrives (bundle configuration, not data about the shopper; still
/// written only with consent, and erased with the profile).
pub const PREHIDE_KEY: &str = "moments:prehide";

/// Which storage `init({storage})` asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `localStorage` (default): the shopper is remembered across visits and tabs.
    Local,
    /// `sessionStorage`: remembered in this tab only.
    Session,
    /// Memory: forgotten when the page unloads.
    Memory,
}

impl Kind {
    /// From the option's string; anything unknown is `Local`.
    pub fn parse(s: &str) -> Kind {
        match s {
            "session" => Kind::Session,
            "memory" => Kind::Memory,
            _ => Kind::Local,
        }
    }
}

/// `storage.getItem(key)` or `removeItem(key)`, called by name (an import less each).
fn item(b: &Storage, method: &str, key: &str) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue> {
    crate::browser::call(b, method, &key.into())
}

/// The profile store.
pub struct Store {
    backend: Option<Storage>,
    /// The browser storage as opened, kept after a failure so that `erase` still removes what
    /// was stored before it (a withdrawal must leave nothing behind).
    opened: Option<Storage>,
    memory: Option<String>,
    /// Why the browser storage is not used, if it is not (reported once as a warning).
    pub fallback_reason: Option<&'static str>,
}

impl Store {
    /// Opens the storage of `kind`, falling back to memory if it is unavailable.
    pub fn open(kind: Kind) -> Store {
        let backend = match kind {
            Kind::Memory => None,
            // Read by name; a getter that throws (sandboxed frames) reads as undefined.
            _ => crate::browser::window().and_then(|w| {
                let s = crate::browser::get(&w, if kind == Kind::Session { "sessionStorage" } else { "localStorage" });
                (!s.is_null() && !s.is_undefined()).then(|| wasm_bindgen::JsCast::unchecked_into(s))
            }),
        };
        let reason = match (kind, &backend) {
            (Kind::Memory, _) | (_, Some(_)) => None,
            _ => Some("browser storage is unavailable; keeping the profile in memory"),
        };
        Store { opened: backend.clone(), backend, memory: None, fallback_reason: reason }
    }

    /// The stored profile text, if any.
    pub fn read(&mut self) -> Option<String> {
        if let Some(b) = &self.backend {
            match item(b, "getItem", KEY) {
                Ok(v) => return v.as_string(),
                Err(_) => self.fail("reading storage threw; keeping the profile in memory"),
            }
        }
        self.memory.clone()
    }

    /// Stores the profile text (memory always; the browser storage when it works). Returns the
    /// reason when this write made the store fall back to memory (to be reported once).
    pub fn write(&mut self, text: &str) -> Option<&'static str> {
        self.memory = Some(text.to_string());
        if let Some(b) = &self.backend {
            if b.set_item(KEY, text).is_err() {
                self.fail("writing storage threw (full or blocked); keeping the profile in memory");
                return self.fallback_reason;
            }
        }
        None
    }

    /// Remembers the selectors to pre-hide on the next page load (browser storage only).
    pub fn write_prehide(&mut self, selectors: &str) {
        if let Some(b) = &self.backend {
            let same = item(b, "getItem", PREHIDE_KEY).ok().and_then(|v| v.as_string()).is_some_and(|s| s == selectors);
            if !same {
                let _ = if selectors.is_empty() { item(b, "removeItem", PREHIDE_KEY).map(drop) } else { b.set_item(PREHIDE_KEY, selectors) };
            }
        }
    }

    /// Erases the stored profile everywhere, also from a browser storage that failed since.
    pub fn erase(&mut self) {
        self.memory = None;
        if let Some(b) = self.backend.as_ref().or(self.opened.as_ref()) {
            let _ = item(b, "removeItem", KEY);
            let _ = item(b, "removeItem", PREHIDE_KEY);
        }
    }

    fn fail(&mut self, why: &'static str) {
        self.backend = None;
        self.fallback_reason = Some(why);
    }
}
