//! The rule bundle, version 1 (CONTRACT §3): typed, parsed from JSON text, checked for meaning.
//!
//! Loading walks the JSON tree by hand and collects *every* problem by path instead of stopping at
//! the first, so an editor or `moments check` can show them all at once. An invalid bundle is
//! refused whole: [`Bundle::load`] returns either the bundle and its warnings or every problem.
//!
//! What is an error (the bundle is refused) and what is a warning (it loads):
//!
//! - errors: not JSON; `version` other than 1; unknown keys in the bundle, settings, rules, actions,
//!   prompts, flows, caps and schedules (with the closest known key suggested); wrong types;
//!   missing required fields; duplicate rule ids; an `on` name that is a near miss of a built-in
//!   signal (`exit-intent` for `exit_intent`); `segments.x` in a condition with no segment `x`;
//!   bad CSS selectors; `javascript:`, `data:` and `vbscript:` URLs; `on*` and `srcdoc`
//!   attributes; values out of range (caps, holdouts, hours, weekdays, dates); flows whose
//!   `start` or `next` names no node or whose buttons do not have exactly one of
//!   `next`/`href`/`emit`/`do`; every problem the condition compiler finds (operators, regexes).
//! - warnings: an `on` name that is not a built-in signal (it fires only through `track()`); a
//!   schedule that has already ended; a context field in a condition that the engine does not
//!   provide but that is close to one it does (`cart.vlaue`); an unused segment; a flow node with
//!   more than four buttons or unreachable from `start`; a prompt that could open on every signal
//!   (no `on`, no `cap`); a rule with no actions; a bundle with no rules; an unclosed `{{`.

use crate::action::{Action, ButtonTarget, Cta, Flow, FlowButton, FlowNode, Layout, Position, Prompt};
use crate::condition::Condition;
use crate::json::Value;
use crate::problem::{index, join, Problem, Severity};
use crate::settings::{Abandonment, ExitIntent, Lexicon, Selectors, Settings};
use crate::small::{self, cat, contains, find};

/// How often a rule may fire for one shopper.
#[derive(Clone, Debug, PartialEq)]
pub struct Cap {
    /// At most this many times...
    pub max: u32,
    /// ...per this window.
    pub per: CapWindow,
}

/// A cap's window.
#[derive(Clone, Debug, PartialEq)]
pub enum CapWindow {
    /// Per session (30 minutes of inactivity end one).
    Session,
    /// Per local calendar day.
    Day,
    /// Per this many days (rolling; `"week"` is 7).
    Days(u32),
    /// Ever.
    Lifetime,
}

/// When a rule is active.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Schedule {
    /// From this local date-time, as epoch ms in local time (inclusive).
    pub from_local_ms: Option<f64>,
    /// Until this local date-time (exclusive).
    pub until_local_ms: Option<f64>,
    /// Local hours `[start, end]`: active when start <= hour <= end (wraps past midnight if start > end).
    pub hours: Option<(u32, u32)>,
    /// Local weekdays, 0 = Sunday.
    pub weekdays: Option<Vec<u32>>,
}

/// One rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Unique id.
    pub id: String,
    /// Signals that make the rule be considered; `None` = every signal.
    pub on: Option<Vec<String>>,
    /// Condition.
    pub when: Condition,
    /// Actions, in order.
    pub actions: Vec<Action>,
    /// Frequency cap.
    pub cap: Option<Cap>,
    /// Higher wins conflicts.
    pub priority: i32,
    /// Active window.
    pub schedule: Option<Schedule>,
    /// Share of shoppers held out (0..1).
    pub holdout: f64,
    /// `false` when the bundle says `"enabled": false`: the rule is kept (and explained) but
    /// never fires.
    pub enabled: bool,
}

/// A loaded bundle.
#[derive(Clone, Debug, Default)]
pub struct Bundle {
    /// Bundle id.
    pub id: String,
    /// Settings.
    pub settings: Settings,
    /// Named segments, evaluated into `segments.<name>` before rules.
    pub segments: Vec<(String, Condition)>,
    /// Rules.
    pub rules: Vec<Rule>,
}

/// What loading a bundle gives: the bundle and its warnings, or every problem.
pub type Loaded = Result<(Bundle, Vec<Problem>), Vec<Problem>>;

/// The bundle version this engine reads.
pub const VERSION: f64 = 1.0;

/// The built-in signal names (CONTRACT §5). Any other name in `on` comes from `track()`.
pub const SIGNALS: &[&str] = &[
    "page_view", "scroll_depth", "search", "view_item", "add_to_cart", "remove_from_cart", "view_cart",
    "begin_checkout", "purchase", "idle", "exit_intent", "tab_hidden", "cart_abandoned",
    "checkout_abandoned", "returning_with_cart", "moment_changed",
];

impl Bundle {
    /// Parses and checks bundle JSON text. `now_ms` (if given) lets the checker warn about
    /// schedules that already ended.
    pub fn load(text: &str, now_ms: Option<f64>) -> Loaded {
        // A byte order mark (Windows editors write one) is not JSON, but a browser's
        // `fetch().text()` drops it, so the SDK takes such a file: the check does too.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        match Value::parse(text) {
            Ok(v) => Bundle::from_value(&v, now_ms),
            Err(e) => Err(vec![Problem::error("", cat(&["not valid JSON: ", &e.text()]))]),
        }
    }

    /// Checks an already-parsed bundle.
    pub fn from_value(v: &Value, now_ms: Option<f64>) -> Loaded {
        let mut ck = Ck { p: Vec::new(), now: now_ms };
        let b = ck.bundle(v);
        if ck.p.iter().any(|p| p.severity == Severity::Error) {
            Err(ck.p)
        } else {
            Ok((b, ck.p))
        }
    }

    /// The index of the rule with this id.
    pub fn rule_index(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }
}

/// Every problem (errors and warnings) in bundle JSON text; empty when the bundle is clean.
pub fn validate(text: &str) -> Vec<Problem> {
    match Bundle::load(text, None) {
        Ok((_, w)) => w,
        Err(p) => p,
    }
}

/// The bundle's JSON Schema (draft 2020-12), for editors.
pub fn schema() -> String {
    include_str!("bundle.schema.json").to_string()
}

type Obj = [(String, Value)];

fn get<'v>(m: &'v Obj, key: &str) -> Option<&'v Value> {
    m.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The keys of an object, in order.
fn keys(m: &Obj) -> Vec<&str> {
    let mut out = Vec::new();
    for (k, _) in m {
        out.push(k.as_str());
    }
    out
}

fn q(s: &str) -> String {
    cat(&["\"", s, "\""])
}

fn num_text(n: f64) -> String {
    Value::Num(n).to_json()
}

/// The known word closest to `word` (case, `-` and `_` ignored; at most two edits, one for short
/// words), for "did you mean" hints.
pub fn closest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    let ignored = |c: &char| matches!(c, '-' | '_' | ' ');
    let norm = |s: &str| -> Vec<char> {
        let mut v = Vec::new();
        for c in s.chars() {
            if !ignored(&c) {
                v.push(crate::unicode::lower_char(c));
            }
        }
        v
    };
    let w = norm(word);
    let limit = if w.len() >= 8 { 2 } else { 1 };
    let mut best: Option<(usize, &'a str)> = None;
    for &k in known {
        // More letters apart than the limit is more edits apart: skip the table (most words),
        // counting the letters without building the normalized word.
        let n = k.chars().filter(|c| !ignored(c)).count();
        if w.len().abs_diff(n) > limit {
            continue;
        }
        let d = edits(&w, &norm(k));
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

/// Edit distance, an adjacent swap counting as one edit (optimal string alignment).
fn edits(a: &[char], b: &[char]) -> usize {
    let w = b.len() + 1;
    let mut d: Vec<usize> = Vec::new();
    for k in 0..(a.len() + 1) * w {
        d.push(if k < w { k } else if k % w == 0 { k / w } else { 0 });
    }
    for i in 1..a.len() + 1 {
        for j in 1..b.len() + 1 {
            let mut v = (d[(i - 1) * w + j - 1] + usize::from(a[i - 1] != b[j - 1])).min(d[(i - 1) * w + j] + 1).min(d[i * w + j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// The words of a space-separated list. Key lists are kept as one string each: a slice of `&str`
/// costs the wasm a pointer and a length per entry, and they are only split to report a problem.
fn words(list: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for w in small::parts(list, b' ') {
        out.push(w);
    }
    out
}

fn mean(hint: Option<&str>) -> String {
    hint.map_or(String::new(), |h| cat(&[" (did you mean \"", h, "\"?)"]))
}

/// jQuery selector extensions that are not CSS (`:first-child`, `:checked`, `:has` are CSS).
const JQUERY_PSEUDOS: &[&str] = &[
    "contains", "eq", "gt", "lt", "first", "last", "even", "odd", "visible", "hidden", "animated", "header",
    "input", "button", "submit", "reset", "text", "password", "radio", "checkbox", "file", "image", "selected",
    "parent",
];

/// Why `s` is not a usable CSS selector, if it is not (a syntax check, not a full parser).
pub fn selector_problem(s: &str) -> Option<&'static str> {
    if s.trim().is_empty() {
        return Some("is empty");
    }
    let mut stack: Vec<char> = Vec::new();
    let mut quote: Option<char> = None;
    let mut part_empty = true;
    let mut last = ' ';
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if let Some(qc) = quote {
            if c == '\\' {
                chars.next();
            } else if c == qc {
                quote = None;
            }
            continue;
        }
        match c {
            '\\' => {
                chars.next();
            }
            '"' | '\'' => quote = Some(c),
            '[' | '(' => stack.push(c),
            ']' | ')' => {
                let open = if c == ']' { '[' } else { '(' };
                if stack.pop() != Some(open) {
                    return Some(if c == ']' { "has a \"]\" with no \"[\" before it" } else { "has a \")\" with no \"(\" before it" });
                }
            }
            '{' | '}' | ';' => return Some("has \"{\", \"}\" or \";\", which belong in CSS rules, not selectors"),
            '<' => return Some("looks like HTML, not a CSS selector"),
            '#' | '.' if stack.last() != Some(&'[') => {
                // An id or class needs a name that is a CSS identifier: `#123`, `.2col`, `##x`
                // or a lone `#` make querySelector throw (escape a digit: `#\31 23`).
                let mut next = chars.clone();
                let ok = match next.next() {
                    Some(n) if n.is_ascii_alphabetic() || n == '_' || n == '\\' || !n.is_ascii() => true,
                    Some('-') => matches!(next.next(), Some(m) if m.is_ascii_alphabetic() || m == '_' || m == '-' || m == '\\' || !m.is_ascii()),
                    _ => false,
                };
                if !ok {
                    return Some(if c == '#' {
                        "has a \"#\" not followed by an id name (an id selector cannot start with a digit or be empty)"
                    } else {
                        "has a \".\" not followed by a class name (a class selector cannot start with a digit or be empty)"
                    });
                }
            }
            ':' if stack.last() != Some(&'[') => {
                // jQuery's own pseudo-classes (from tag-manager snippets) make querySelector throw.
                let mut name = String::new();
                for n in chars.clone() {
                    if n.is_ascii_alphanumeric() || n == '-' || n == '_' {
                        name.push(n.to_ascii_lowercase());
                    } else {
                        break;
                    }
                }
                if JQUERY_PSEUDOS.contains(&name.as_str()) {
                    return Some("uses a jQuery-only pseudo-class (like :contains, :eq, :first, :visible), which browsers refuse");
                }
            }
            ',' if stack.is_empty() => {
                if part_empty {
                    return Some("has an empty part in its list");
                }
                part_empty = true;
                last = ' ';
                continue;
            }
            _ => {}
        }
        if !c.is_whitespace() {
            part_empty = false;
            last = c;
        }
    }
    if quote.is_some() {
        Some("has an unclosed quote")
    } else if let Some(&c) = stack.last() {
        Some(if c == '[' { "has an unclosed \"[\"" } else { "has an unclosed \"(\"" })
    } else if part_empty {
        Some("has an empty part in its list")
    } else if matches!(last, '>' | '+' | '~') {
        Some("ends with a combinator")
    } else {
        None
    }
}

/// Whether `url` may be a link or image: no `javascript:`, `data:` or `vbscript:` scheme (control
/// characters and whitespace are ignored, as browsers do).
pub fn safe_url(url: &str) -> bool {
    let mut s = String::new();
    for c in url.chars() {
        if s.len() >= 11 {
            break;
        }
        if !c.is_whitespace() && !c.is_control() {
            s.push(c.to_ascii_lowercase());
        }
    }
    !(s.starts_with("javascript:") || s.starts_with("data:") || s.starts_with("vbscript:"))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// The date of a day since 1970-01-01: (year, month, day).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` into epoch ms of that local wall time.
pub fn parse_local(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let n = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        if part.iter().all(u8::is_ascii_digit) { small::parse_index(std::str::from_utf8(part).ok()?).map(|n| n as i64) } else { None }
    };
    if !(b.len() == 10 || (b.len() == 16 && b[10] == b'T' && b[13] == b':')) || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (h, mi) = if b.len() == 16 { (n(11..13)?, n(14..16)?) } else { (0, 0) };
    let days = days_from_civil(y, m, d);
    if !(1..=12).contains(&m) || civil_from_days(days) != (y, m, d) || h > 23 || mi > 59 {
        return None;
    }
    Some((days * 86_400_000 + h * 3_600_000 + mi * 60_000) as f64)
}

/// Writes local epoch ms as `YYYY-MM-DD` (with `THH:MM` when not midnight).
pub fn format_local(ms: f64) -> String {
    let day = (ms / 86_400_000.0).floor() as i64;
    let (y, m, d) = civil_from_days(day);
    let mins = ((ms - day as f64 * 86_400_000.0) / 60_000.0) as i64;
    // Each part with the separator before it; the time only when not midnight.
    let mut s = num_text(y as f64);
    let parts = [(b'-', m), (b'-', d), (b'T', mins / 60), (b':', mins % 60)];
    for &(sep, n) in &parts[..if mins > 0 { 4 } else { 2 }] {
        for &b in &[sep, b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8] {
            s.push(char::from(b));
        }
    }
    s
}

/// Weekday names, 0 = Sunday.
pub const WEEKDAYS: [&str; 7] = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

/// The context fields of CONTRACT §4, by root (an empty list: the root is a leaf; `*`: free).
const CONTEXT: &[(&str, &[&str])] = &[
    ("page", &["url", "path", "type", "referrer", "title", "query"]),
    ("device", &["type", "touch"]),
    ("visit", &["count", "returning", "daysSinceLast"]),
    ("session", &["pageviews", "seconds"]),
    ("scroll", &["depth", "maxDepth", "velocity"]),
    ("search", &["query", "count", "lastQueries"]),
    ("cart", &["items", "value", "currency", "ageSeconds", "lastChange"]),
    ("idle", &["seconds"]),
    ("moment", &[]),
    ("momentScores", &["know", "go", "do", "buy"]),
    ("abandonment", &["risk"]),
    ("utm", &["source", "medium", "campaign", "term", "content"]),
    ("channel", &[]),
    ("journey", &["stage"]),
    ("time", &["hour", "weekday"]),
    ("custom", &["*"]),
    ("segments", &["*"]),
    ("flow", &["*"]),
];

const ACTIONS: &str = "replace insert attr class hide show prompt emit";
const LAYOUTS: &[&str] = &["modal", "banner", "toast", "slide-in"];
const POSITIONS: &[&str] = &["before", "after", "prepend", "append"];

/// The checker: problems so far, and the clock for "already ended" warnings.
struct Ck {
    p: Vec<Problem>,
    now: Option<f64>,
}

impl Ck {
    fn err(&mut self, path: &str, m: String) {
        self.p.push(Problem::error(path, m));
    }

    fn warn(&mut self, path: &str, m: String) {
        self.p.push(Problem::warning(path, m));
    }

    /// [`Ck::err`] with a fixed message: the `String` is made here, not at each of ~20 call sites.
    #[inline(never)]
    fn err_s(&mut self, path: &str, m: &str) {
        self.err(path, m.to_string());
    }

    /// [`Ck::warn`] with a fixed message.
    #[inline(never)]
    fn warn_s(&mut self, path: &str, m: &str) {
        self.warn(path, m.to_string());
    }

    fn ty(&mut self, path: &str, want: &str, v: &Value) {
        self.err(path, cat(&["must be ", want, ", not ", v.type_name()]));
    }

    /// The members of the object `v`, with every key not in `known` (space-separated) flagged.
    fn obj<'v>(&mut self, v: &'v Value, path: &str, what: &str, known: &str) -> Option<&'v Obj> {
        let Value::Obj(m) = v else {
            self.ty(path, "an object", v);
            return None;
        };
        for (k, _) in m {
            if !small::parts(known, b' ').any(|w| w == k) {
                let known = words(known);
                let tail = match closest(k, &known) {
                    Some(h) => mean(Some(h)),
                    None => cat(&["; known keys: ", &small::join(&known, ", ")]),
                };
                let article = if matches!(what.as_bytes().first(), Some(b'a' | b'e' | b'i' | b'o' | b'u')) { " is not an " } else { " is not a " };
                self.err(&join(path, k), cat(&[&q(k), article, what, " key", &tail]));
            }
        }
        Some(m)
    }

    /// Member `key`, flagged when missing.
    fn req<'v>(&mut self, m: &'v Obj, key: &str, path: &str) -> Option<&'v Value> {
        let v = get(m, key);
        if v.is_none() {
            self.err_s(&join(path, key), "is missing");
        }
        v
    }

    fn string(&mut self, v: &Value, path: &str) -> String {
        match v {
            Value::Str(s) => {
                if contains(s, "{{") && !contains(s, "}}") {
                    self.warn_s(path, "has \"{{\" with no \"}}\": the placeholder will show as typed");
                } else {
                    self.template_paths(s, path);
                }
                s.clone()
            }
            _ => {
                self.ty(path, "a string", v);
                String::new()
            }
        }
    }

    /// A required string member.
    fn s(&mut self, m: &Obj, key: &str, path: &str) -> String {
        match self.req(m, key, path) {
            Some(v) => self.string(v, &join(path, key)),
            None => String::new(),
        }
    }

    /// An optional string member.
    fn os(&mut self, m: &Obj, key: &str, path: &str) -> Option<String> {
        get(m, key).map(|v| self.string(v, &join(path, key)))
    }

    /// A required, non-blank string member.
    fn name(&mut self, m: &Obj, key: &str, path: &str) -> String {
        let s = self.s(m, key, path);
        if s.trim().is_empty() && matches!(get(m, key), Some(Value::Str(_))) {
            self.err_s(&join(path, key), "must not be empty");
        }
        s
    }

    /// A number within `lo..=hi` (whole if `int`).
    fn num(&mut self, v: &Value, path: &str, lo: f64, hi: f64, int: bool) -> f64 {
        let Value::Num(n) = *v else {
            self.ty(path, "a number", v);
            return lo;
        };
        if (int && n.fract() != 0.0) || n < lo || n > hi {
            let what = if int { "a whole number" } else { "a number" };
            let range = if hi == f64::MAX {
                cat(&["at least ", &num_text(lo)])
            } else {
                cat(&["from ", &num_text(lo), " to ", &num_text(hi)])
            };
            self.err(path, cat(&["must be ", what, " ", &range, ", not ", &num_text(n)]));
            return lo;
        }
        n
    }

    fn bool(&mut self, v: &Value, path: &str) -> bool {
        match v {
            Value::Bool(b) => *b,
            _ => {
                self.ty(path, "true or false", v);
                false
            }
        }
    }

    /// One of `options`; its index.
    fn one_of(&mut self, v: &Value, path: &str, options: &[&str]) -> usize {
        let Value::Str(s) = v else {
            self.ty(path, &cat(&["one of ", &small::join(options, ", ")]), v);
            return 0;
        };
        match options.iter().position(|o| o == s) {
            Some(i) => i,
            None => {
                self.err(path, cat(&[&q(s), " is not one of ", &small::join(options, ", "), &mean(closest(s, options))]));
                0
            }
        }
    }

    fn selector(&mut self, v: &Value, path: &str) -> String {
        let s = self.string(v, path);
        if let (Some(why), Value::Str(_)) = (selector_problem(&s), v) {
            self.err(path, cat(&[&q(&s), " is not a valid CSS selector: it ", why]));
        }
        s
    }

    fn sel(&mut self, m: &Obj, path: &str) -> String {
        match self.req(m, "selector", path) {
            Some(v) => self.selector(v, &join(path, "selector")),
            None => String::new(),
        }
    }

    fn url(&mut self, v: &Value, path: &str) -> String {
        let s = self.string(v, path);
        if !safe_url(&s) {
            self.err(path, cat(&[&q(&s), " is not allowed: javascript:, data: and vbscript: URLs are refused"]));
        }
        s
    }

    fn strings(&mut self, v: &Value, path: &str) -> Vec<String> {
        let Value::Arr(a) = v else {
            self.ty(path, "an array of strings", v);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, e) in a.iter().enumerate() {
            out.push(self.string(e, &index(path, i)));
        }
        out
    }

    fn bundle(&mut self, v: &Value) -> Bundle {
        let mut b = Bundle::default();
        let known = "$schema version id description settings segments rules";
        let Some(m) = self.obj(v, "", "bundle", known) else { return b };
        match get(m, "version") {
            None => self.err_s("version", "is missing: a bundle starts with \"version\": 1"),
            Some(Value::Num(n)) if *n == VERSION => {}
            Some(Value::Num(n)) => {
                // A different version means a different language: its other problems would be noise.
                let msg = cat(&["version ", &num_text(*n), " is not supported: this engine reads version 1"]);
                self.p.clear();
                self.err("version", msg);
                return b;
            }
            Some(other) => self.err("version", cat(&["must be the number 1, not ", &other.to_json()])),
        }
        match get(m, "id") {
            Some(_) => b.id = self.name(m, "id", ""),
            None => self.warn_s("id", "is missing: name the bundle (e.g. \"spring-sale\") so reports can tell bundles apart"),
        }
        if let Some(d) = get(m, "description") {
            self.string(d, "description");
        }
        if let Some(s) = get(m, "settings") {
            b.settings = self.settings(s);
        }
        let mut seg_refs: Vec<(String, String)> = Vec::new();
        match get(m, "segments") {
            Some(Value::Obj(segs)) => {
                for (name, cond) in segs {
                    let path = join("segments", name);
                    if name.is_empty() || small::find_byte(name, b'.').is_some() {
                        self.err_s(&path, "a segment name must be non-empty and have no \".\"");
                    }
                    b.segments.push((name.clone(), Condition::compile(cond, &path, &mut self.p)));
                    let mut refs = Vec::new();
                    self.context_paths(cond, &path, &mut refs);
                    for (p, _) in &refs {
                        self.err_s(p, "a segment cannot use other segments: repeat that segment's condition here");
                    }
                }
            }
            Some(other) => self.ty("segments", "an object of named conditions", other),
            None => {}
        }
        match get(m, "rules") {
            None => self.warn_s("rules", "is missing: the bundle changes nothing"),
            Some(Value::Arr(rules)) => {
                if rules.is_empty() {
                    self.warn_s("rules", "is empty: the bundle changes nothing");
                }
                let mut ids: Vec<(&str, usize)> = Vec::new();
                for (i, r) in rules.iter().enumerate() {
                    let path = index("rules", i);
                    if let Some(rule) = self.rule(r, &path, &mut seg_refs) {
                        let id = r.get("id").and_then(Value::as_str).unwrap_or_default();
                        match ids.iter().find(|(o, _)| *o == id) {
                            Some((_, j)) if !id.is_empty() => {
                                self.err(&join(&path, "id"), cat(&[&q(id), " is already the id of ", &index("rules", *j)]));
                            }
                            _ => ids.push((id, i)),
                        }
                        b.rules.push(rule);
                    }
                }
            }
            Some(other) => self.ty("rules", "an array of rules", other),
        }
        let mut names: Vec<&str> = Vec::new();
        for (n, _) in &b.segments {
            names.push(n);
        }
        for (path, name) in &seg_refs {
            if !names.contains(&name.as_str()) {
                let known = if names.is_empty() { "the bundle defines no segments".to_string() } else { cat(&["segments are: ", &small::join(&names, ", ")]) };
                self.err(path, cat(&["there is no segment named ", &q(name), &mean(closest(name, &names)), "; ", &known]));
            }
        }
        for n in &names {
            if !seg_refs.iter().any(|(_, r)| r == n) {
                self.warn_s(&join("segments", n), "is not used by any rule");
            }
        }
        b
    }

    /// Collects `segments.<name>` references of a condition into `refs` (path, name) and warns
    /// about context fields the engine does not provide.
    fn context_paths(&mut self, cond: &Value, path: &str, refs: &mut Vec<(String, String)>) {
        let Value::Obj(m) = cond else { return };
        for (k, v) in m {
            match k.as_str() {
                "$and" | "$or" | "$nor" => {
                    for (i, c) in v.as_array().unwrap_or_default().iter().enumerate() {
                        self.context_paths(c, &index(&join(path, k), i), refs);
                    }
                }
                "$not" => self.context_paths(v, &join(path, k), refs),
                _ if k.starts_with("$") => {}
                _ => {
                    let at = join(path, k);
                    if let Some(segment) = self.context_field(&at, k) {
                        refs.push((at, segment));
                    }
                }
            }
        }
    }

    /// Warns at `at` when the dotted context path `k` names no context field (a typo); returns
    /// the segment name of a `segments.<name>` path, for the caller to check.
    fn context_field(&mut self, at: &str, k: &str) -> Option<String> {
        let mut parts = small::parts(k, b'.');
        let root = parts.next().unwrap_or_default();
        let field = parts.next();
        match CONTEXT.iter().find(|(r, _)| *r == root) {
            Some((_, fields)) if fields.first() == Some(&"*") => {
                if root == "segments" {
                    return Some(field.unwrap_or_default().to_string());
                }
            }
            Some((_, fields)) => {
                if let Some(f) = field {
                    if !fields.contains(&f) {
                        if let Some(h) = closest(f, fields) {
                            self.warn(at, cat(&[&q(k), " is not a context field (did you mean \"", root, ".", h, "\"?)"]));
                        }
                    }
                }
            }
            None => {
                let roots: Vec<&str> = CONTEXT.iter().map(|(r, _)| *r).collect();
                let hint = mean(closest(root, &roots));
                self.warn(at, cat(&[&q(k), " is not a context field", &hint, "; site attributes are read as custom.<name>"]));
            }
        }
        None
    }

    /// Warns about `{{path}}` placeholders in `s` whose path names no context field: they would
    /// insert nothing.
    fn template_paths(&mut self, s: &str, at: &str) {
        let mut rest = s;
        while let Some(i) = find(rest, "{{") {
            let after = &rest[i + 2..];
            let Some(j) = find(after, "}}") else { break };
            let inner = &after[..j];
            let path = match find(inner, "|") {
                Some(b) => &inner[..b],
                None => inner,
            };
            let path = path.trim();
            if !path.is_empty() {
                self.context_field(at, path);
            }
            rest = &after[j + 2..];
        }
    }

    fn settings(&mut self, v: &Value) -> Settings {
        let mut s = Settings::default();
        let keys = "consent selectors abandonment exitIntent lexicon conversionWindowHours searchParams";
        let Some(m) = self.obj(v, "settings", "settings", keys) else { return s };
        if let Some(c) = get(m, "consent") {
            s.consent_granted = self.one_of(c, "settings.consent", &["granted", "pending"]) == 0;
        }
        if let Some(x) = get(m, "selectors") {
            let path = "settings.selectors";
            if let Some(sm) = self.obj(x, path, "selectors", "addToCart searchForm checkout") {
                let d = Selectors::default();
                let one = |ck: &mut Ck, key: &str, def: String| match get(sm, key) {
                    Some(v) => ck.selector(v, &join(path, key)),
                    None => def,
                };
                s.selectors = Selectors {
                    add_to_cart: one(self, "addToCart", d.add_to_cart),
                    search_form: one(self, "searchForm", d.search_form),
                    checkout: one(self, "checkout", d.checkout),
                };
            }
        }
        if let Some(x) = get(m, "abandonment") {
            let path = "settings.abandonment";
            if let Some(am) = self.obj(x, path, "abandonment", "idleSeconds staleCartHours") {
                let d = Abandonment::default();
                s.abandonment = Abandonment {
                    idle_seconds: self.onum(am, "idleSeconds", path, 1.0, 86_400.0, d.idle_seconds),
                    stale_cart_hours: self.onum(am, "staleCartHours", path, 0.0, 24.0 * 365.0, d.stale_cart_hours),
                };
            }
        }
        if let Some(x) = get(m, "exitIntent") {
            let path = "settings.exitIntent";
            if let Some(em) = self.obj(x, path, "exitIntent", "sensitivity mobile minSeconds delayMs") {
                let d = ExitIntent::default();
                s.exit_intent = ExitIntent {
                    sensitivity: self.onum(em, "sensitivity", path, 0.0, 500.0, d.sensitivity),
                    mobile: get(em, "mobile").map_or(d.mobile, |v| self.bool(v, "settings.exitIntent.mobile")),
                    min_seconds: self.onum(em, "minSeconds", path, 0.0, 3600.0, d.min_seconds),
                    delay_ms: self.onum(em, "delayMs", path, 0.0, 10_000.0, d.delay_ms),
                };
            }
        }
        if let Some(x) = get(m, "lexicon") {
            let path = "settings.lexicon";
            if let Some(lm) = self.obj(x, path, "lexicon", "know go do buy") {
                let words = |ck: &mut Ck, key: &str| get(lm, key).map_or_else(Vec::new, |v| ck.strings(v, &join(path, key)));
                s.lexicon = Lexicon { know: words(self, "know"), go: words(self, "go"), do_: words(self, "do"), buy: words(self, "buy") };
            }
        }
        s.conversion_window_hours = self.onum(m, "conversionWindowHours", "settings", 0.0, 24.0 * 365.0, s.conversion_window_hours);
        if let Some(x) = get(m, "searchParams") {
            s.search_params = self.strings(x, "settings.searchParams");
            for (i, p) in s.search_params.iter().enumerate() {
                if p.trim().is_empty() {
                    self.err_s(&index("settings.searchParams", i), "is empty: a parameter needs a name");
                }
            }
        }
        s
    }

    /// An optional number member within `lo..=hi`, `def` when absent.
    fn onum(&mut self, m: &Obj, key: &str, path: &str, lo: f64, hi: f64, def: f64) -> f64 {
        get(m, key).map_or(def, |v| self.num(v, &join(path, key), lo, hi, false))
    }

    fn rule(&mut self, v: &Value, path: &str, seg_refs: &mut Vec<(String, String)>) -> Option<Rule> {
        let keys = "id description enabled on when do cap priority schedule holdout";
        let m = self.obj(v, path, "rule", keys)?;
        let id = self.name(m, "id", path);
        if let Some(d) = get(m, "description") {
            self.string(d, &join(path, "description"));
        }
        let enabled = get(m, "enabled").is_none_or(|e| self.bool(e, &join(path, "enabled")));
        let on = get(m, "on").map(|v| self.on(v, &join(path, "on")));
        let when = match get(m, "when") {
            Some(c) => {
                let wp = join(path, "when");
                self.context_paths(c, &wp, seg_refs);
                Condition::compile(c, &wp, &mut self.p)
            }
            None => Condition::always(),
        };
        let actions = match get(m, "do") {
            None => {
                self.err_s(&join(path, "do"), "is missing: a rule needs \"do\", a list of actions");
                Vec::new()
            }
            Some(d) => {
                let a = self.actions(d, &join(path, "do"));
                if matches!(d, Value::Arr(x) if x.is_empty()) {
                    self.warn_s(&join(path, "do"), "is empty: the rule only reports decisions");
                }
                a
            }
        };
        let cap = get(m, "cap").and_then(|c| self.cap(c, &join(path, "cap")));
        let priority = get(m, "priority").map_or(0.0, |p| self.num(p, &join(path, "priority"), -1e6, 1e6, true)) as i32;
        let schedule = get(m, "schedule").map(|s| self.schedule(s, &join(path, "schedule")));
        let holdout = match get(m, "holdout") {
            Some(Value::Num(h)) if *h > 1.0 && *h < 100.0 => {
                let msg = cat(&["must be a share from 0 to 1 (", &num_text(*h), "% is ", &num_text(*h / 100.0), ")"]);
                self.err(&join(path, "holdout"), msg);
                0.0
            }
            Some(h) => self.num(h, &join(path, "holdout"), 0.0, 1.0, false),
            None => 0.0,
        };
        if holdout >= 1.0 {
            self.warn_s(&join(path, "holdout"), "is 1: every shopper is held out and nobody sees the rule");
        }
        if on.is_none() && cap.is_none() && actions.iter().any(|a| matches!(a, Action::Prompt(_))) {
            self.warn_s(path, "opens a prompt on every signal: add \"on\" or a \"cap\"");
        }
        Some(Rule { id, on, when, actions, cap, priority, schedule, holdout, enabled })
    }

    fn on(&mut self, v: &Value, path: &str) -> Vec<String> {
        let (mut paths, mut names) = (Vec::new(), Vec::new());
        match v {
            Value::Str(s) => {
                paths.push(path.to_string());
                names.push(s.clone());
            }
            Value::Arr(a) => {
                if a.is_empty() {
                    self.err_s(path, "is empty, so the rule is never considered; leave \"on\" out to consider every signal");
                }
                for (i, e) in a.iter().enumerate() {
                    let p = index(path, i);
                    names.push(self.string(e, &p));
                    paths.push(p);
                }
            }
            _ => self.ty(path, "a signal name or an array of them", v),
        }
        for (k, n) in names.iter().enumerate() {
            let p = &paths[k];
            if n.is_empty() || SIGNALS.contains(&n.as_str()) {
                continue;
            }
            match closest(n, SIGNALS) {
                Some(h) => self.err(p, cat(&[&q(n), " is not a signal (did you mean \"", h, "\"?)"])),
                None => self.warn(p, cat(&[&q(n), " is not a built-in signal: the rule fires only when the page calls track(", &q(n), ")"])),
            }
        }
        names
    }

    fn cap(&mut self, v: &Value, path: &str) -> Option<Cap> {
        let m = self.obj(v, path, "cap", "max per")?;
        let max = self.req(m, "max", path).map_or(1.0, |x| self.num(x, &join(path, "max"), 1.0, 100.0, true)) as u32;
        let pp = join(path, "per");
        let per = match self.req(m, "per", path) {
            Some(Value::Str(s)) => match s.as_str() {
                "session" => CapWindow::Session,
                "day" => CapWindow::Day,
                "week" => CapWindow::Days(7),
                "lifetime" => CapWindow::Lifetime,
                _ => match s.strip_suffix("d").and_then(small::parse_index).filter(|n| (1..=3650).contains(n) && !s.starts_with("+")) {
                    Some(n) => CapWindow::Days(n as u32),
                    None => {
                        let hint = mean(closest(s, &["session", "day", "week", "lifetime"]));
                        self.err(&pp, cat(&[&q(s), " is not one of session, day, week, lifetime or a number of days like \"3d\"", &hint]));
                        CapWindow::Session
                    }
                },
            },
            Some(other) => {
                self.ty(&pp, "a string (session, day, week, lifetime or \"<N>d\")", other);
                CapWindow::Session
            }
            None => CapWindow::Session,
        };
        Some(Cap { max, per })
    }

    fn schedule(&mut self, v: &Value, path: &str) -> Schedule {
        let mut s = Schedule::default();
        let Some(m) = self.obj(v, path, "schedule", "from until hours weekdays") else { return s };
        let date = |ck: &mut Ck, key: &str| -> Option<f64> {
            let p = join(path, key);
            let t = ck.string(get(m, key)?, &p);
            let ms = parse_local(&t);
            if ms.is_none() && matches!(get(m, key), Some(Value::Str(_))) {
                ck.err(&p, cat(&[&q(&t), " is not a date like \"2026-03-01\" or \"2026-03-01T09:00\" (local time)"]));
            }
            ms
        };
        s.from_local_ms = date(self, "from");
        s.until_local_ms = date(self, "until");
        if let (Some(f), Some(u)) = (s.from_local_ms, s.until_local_ms) {
            if u <= f {
                self.err_s(&join(path, "until"), "must be later than \"from\"");
            }
        }
        if let (Some(u), Some(now)) = (s.until_local_ms, self.now) {
            // Local time is at most 14 hours ahead of UTC.
            if u + 14.0 * 3_600_000.0 <= now {
                self.warn(&join(path, "until"), cat(&["the schedule ended on ", &format_local(u), ": the rule will never fire"]));
            }
        }
        if let Some(h) = get(m, "hours") {
            let p = join(path, "hours");
            match h.as_array() {
                Some([a, b]) => {
                    let a = self.num(a, &index(&p, 0), 0.0, 23.0, true) as u32;
                    let b = self.num(b, &index(&p, 1), 0.0, 23.0, true) as u32;
                    s.hours = Some((a, b));
                }
                _ => self.err_s(&p, "must be [start, end], two whole hours from 0 to 23 (local time, both included)"),
            }
        }
        if let Some(w) = get(m, "weekdays") {
            let p = join(path, "weekdays");
            let mut days = Vec::new();
            match w.as_array() {
                Some(a) if !a.is_empty() => {
                    for (i, d) in a.iter().enumerate() {
                        let dp = index(&p, i);
                        match d {
                            Value::Num(_) => days.push(self.num(d, &dp, 0.0, 6.0, true) as u32),
                            Value::Str(n) => {
                                let l = n.to_ascii_lowercase();
                                match WEEKDAYS.iter().position(|w| l.len() >= 3 && w.starts_with(&l)) {
                                    Some(x) => days.push(x as u32),
                                    None => self.err(&dp, cat(&[&q(n), " is not a weekday (0 = Sunday .. 6 = Saturday, or names like \"mon\")"])),
                                }
                            }
                            _ => self.ty(&dp, "a weekday number 0..6 or a name", d),
                        }
                    }
                }
                _ => self.err_s(&p, "must be a non-empty array of weekdays (0 = Sunday .. 6 = Saturday, or names like \"mon\")"),
            }
            s.weekdays = Some(days);
        }
        s
    }

    fn actions(&mut self, v: &Value, path: &str) -> Vec<Action> {
        let Value::Arr(a) = v else {
            self.ty(path, "an array of actions", v);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, x) in a.iter().enumerate() {
            if let Some(x) = self.action(x, &index(path, i)) {
                out.push(x);
            }
        }
        out
    }

    fn action(&mut self, v: &Value, path: &str) -> Option<Action> {
        let m = self.obj(v, path, "action", ACTIONS)?;
        let [(kind, body)] = m else {
            let found = keys(m);
            let msg = if m.is_empty() {
                cat(&["is empty: an action is one of ", &small::join(&words(ACTIONS), ", ")])
            } else {
                cat(&["has ", &small::join(&found, ", "), ": an action has exactly one key (put each in its own {...})"])
            };
            self.err(path, msg);
            return None;
        };
        let p = join(path, kind);
        let keys = match kind.as_str() {
            "hide" | "show" => {
                let s = self.selector(body, &p);
                return Some(if kind == "hide" { Action::Hide(s) } else { Action::Show(s) });
            }
            "prompt" => return self.prompt(body, &p).map(|pr| Action::Prompt(Box::new(pr))),
            "emit" => return self.emit(body, &p).map(|(name, props)| Action::Emit { name, props }),
            "replace" => "selector text html",
            "insert" => "selector position html",
            "attr" => "selector name value",
            "class" => "selector add remove",
            _ => return None,
        };
        let m = self.obj(body, &p, kind, keys)?;
        let selector = self.sel(m, &p);
        Some(match kind.as_str() {
            "replace" => {
                let (content, html) = match (get(m, "text"), get(m, "html")) {
                    (Some(t), None) => (self.string(t, &join(&p, "text")), false),
                    (None, Some(h)) => (self.string(h, &join(&p, "html")), true),
                    _ => {
                        self.err_s(&p, "needs exactly one of \"text\" or \"html\"");
                        (String::new(), false)
                    }
                };
                Action::Replace { selector, content, html }
            }
            "insert" => {
                let position = match self.req(m, "position", &p) {
                    Some(x) => [Position::Before, Position::After, Position::Prepend, Position::Append][self.one_of(x, &join(&p, "position"), POSITIONS)],
                    None => Position::Append,
                };
                Action::Insert { selector, position, html: self.s(m, "html", &p) }
            }
            "attr" => {
                let name = self.name(m, "name", &p);
                let lower = name.to_ascii_lowercase();
                let np = join(&p, "name");
                if lower.starts_with("on") || lower == "srcdoc" {
                    self.err(&np, cat(&[&q(&name), " is not allowed: no event handlers (on...) or srcdoc"]));
                } else if !name.is_empty() && !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')) {
                    self.err(&np, cat(&[&q(&name), " is not an attribute name"]));
                }
                let value = match self.req(m, "value", &p) {
                    Some(x) if matches!(lower.as_str(), "href" | "src" | "action" | "formaction" | "xlink:href" | "poster" | "srcset") => self.url(x, &join(&p, "value")),
                    Some(x) => self.string(x, &join(&p, "value")),
                    None => String::new(),
                };
                Action::Attr { selector, name, value }
            }
            _ => {
                let list = |ck: &mut Ck, key: &str| -> Vec<String> {
                    let kp = join(&p, key);
                    let names = match get(m, key) {
                        None => return Vec::new(),
                        Some(Value::Str(s)) => {
                            // `split_whitespace` by hand: its searcher costs more wasm than this loop.
                            let mut names = Vec::new();
                            let mut word = String::new();
                            for c in s.chars() {
                                if !c.is_whitespace() {
                                    word.push(c);
                                } else if !word.is_empty() {
                                    names.push(std::mem::take(&mut word));
                                }
                            }
                            if !word.is_empty() {
                                names.push(word);
                            }
                            names
                        }
                        Some(other) => ck.strings(other, &kp),
                    };
                    if names.is_empty() || names.iter().any(|n| n.is_empty() || n.chars().any(char::is_whitespace)) {
                        ck.err_s(&kp, "must be class names: a string or an array of names without spaces");
                    }
                    names
                };
                let (add, remove) = (list(self, "add"), list(self, "remove"));
                if get(m, "add").is_none() && get(m, "remove").is_none() {
                    self.err_s(&p, "needs \"add\", \"remove\" or both");
                }
                Action::Class { selector, add, remove }
            }
        })
    }

    fn emit(&mut self, v: &Value, path: &str) -> Option<(String, Value)> {
        let m = self.obj(v, path, "emit", "name props")?;
        let name = self.name(m, "name", path);
        let props = match get(m, "props") {
            Some(p @ Value::Obj(_)) => p.clone(),
            Some(other) => {
                self.ty(&join(path, "props"), "an object", other);
                Value::Null
            }
            None => Value::Obj(Vec::new()),
        };
        Some((name, props))
    }

    fn prompt(&mut self, v: &Value, path: &str) -> Option<Prompt> {
        let keys = "layout title body image cta dismiss flow";
        let m = self.obj(v, path, "prompt", keys)?;
        let layout = match self.req(m, "layout", path) {
            Some(l) => [Layout::Modal, Layout::Banner, Layout::Toast, Layout::SlideIn][self.one_of(l, &join(path, "layout"), LAYOUTS)],
            None => Layout::Modal,
        };
        let title = self.s(m, "title", path);
        let flow = get(m, "flow").and_then(|f| self.flow(f, &join(path, "flow")));
        let body = if flow.is_some() || get(m, "flow").is_some() { self.os(m, "body", path).unwrap_or_default() } else { self.s(m, "body", path) };
        let image = get(m, "image").map(|i| self.url(i, &join(path, "image")));
        let cta = get(m, "cta").and_then(|c| {
            let cp = join(path, "cta");
            let cm = self.obj(c, &cp, "cta", "label href")?;
            let label = self.name(cm, "label", &cp);
            let href = get(cm, "href").map(|h| self.url(h, &join(&cp, "href")));
            Some(Cta { label, href })
        });
        let dismiss = self.os(m, "dismiss", path);
        Some(Prompt { layout, title, body, image, cta, dismiss, flow })
    }

    fn flow(&mut self, v: &Value, path: &str) -> Option<Flow> {
        let m = self.obj(v, path, "flow", "start nodes")?;
        let start = self.name(m, "start", path);
        let np = join(path, "nodes");
        let nodes_v = match self.req(m, "nodes", path)? {
            Value::Obj(n) if !n.is_empty() => n,
            Value::Obj(_) => {
                self.err_s(&np, "has no nodes: a flow needs at least one");
                return None;
            }
            other => {
                self.ty(&np, "an object of nodes", other);
                return None;
            }
        };
        let ids = keys(nodes_v);
        let mut nodes = Vec::new();
        let mut nexts: Vec<(String, String)> = Vec::new();
        for (id, node) in nodes_v {
            let p = join(&np, id);
            if id.is_empty() || small::find_byte(id, b'.').is_some() {
                self.err_s(&p, "a node id must be non-empty and have no \".\" (answers are read as flow.<id>)");
            }
            let Some(nm) = self.obj(node, &p, "flow node", "text buttons") else { continue };
            let text = self.s(nm, "text", &p);
            let mut buttons = Vec::new();
            if let Some(bv) = get(nm, "buttons") {
                let bp = join(&p, "buttons");
                let Value::Arr(list) = bv else {
                    self.ty(&bp, "an array of buttons", bv);
                    continue;
                };
                if list.len() > 4 {
                    self.warn_s(&bp, "has more than 4 buttons, which crowd a small screen");
                }
                for (i, b) in list.iter().enumerate() {
                    let bip = index(&bp, i);
                    if let Some(btn) = self.button(b, &bip, &ids) {
                        if let ButtonTarget::Next(n) = &btn.target {
                            nexts.push((id.clone(), n.clone()));
                        }
                        buttons.push(btn);
                    }
                }
            }
            nodes.push(FlowNode { id: id.clone(), text, buttons });
        }
        if !start.is_empty() && !ids.contains(&start.as_str()) {
            self.err(&join(path, "start"), cat(&[&q(&start), " names no node; nodes are: ", &small::join(&ids, ", ")]));
        }
        // Nodes that no path from `start` reaches.
        let mut seen = vec![start.as_str()];
        let mut i = 0;
        while i < seen.len() {
            let at = seen[i];
            for (from, to) in &nexts {
                if from == at && !seen.contains(&to.as_str()) {
                    seen.push(to);
                }
            }
            i += 1;
        }
        for id in &ids {
            if ids.contains(&start.as_str()) && !seen.contains(id) {
                self.warn_s(&join(&np, id), "is never reached from \"start\"");
            }
        }
        Some(Flow { start, nodes })
    }

    fn button(&mut self, v: &Value, path: &str, ids: &[&str]) -> Option<FlowButton> {
        let m = self.obj(v, path, "button", "label next href emit do")?;
        let label = self.name(m, "label", path);
        let (mut target, mut n) = (None, 0);
        for e in m {
            if e.0 != "label" {
                target = Some(e);
                n += 1;
            }
        }
        let (Some((kind, t)), 1) = (target, n) else {
            self.err_s(path, "needs exactly one of \"next\", \"href\", \"emit\" or \"do\"");
            return None;
        };
        let p = join(path, kind);
        let target = match kind.as_str() {
            "next" => {
                let n = self.string(t, &p);
                if matches!(t, Value::Str(_)) && !ids.contains(&n.as_str()) {
                    self.err(&p, cat(&[&q(&n), " names no node", &mean(closest(&n, ids)), "; nodes are: ", &small::join(ids, ", ")]));
                }
                ButtonTarget::Next(n)
            }
            "href" => ButtonTarget::Href(self.url(t, &p)),
            "emit" => {
                let (name, props) = self.emit(t, &p)?;
                ButtonTarget::Emit { name, props }
            }
            "do" => ButtonTarget::Do(self.actions(t, &p)),
            _ => return None,
        };
        Some(FlowButton { label, target })
    }
}
