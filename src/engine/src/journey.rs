//! Journeys: one timed input per line (JSONL), for `moments simulate` and tests.
//!
//! ```text
//! {"at": 1773136800000, "offset": 420}                       header: t = 0 is at, UTC+7
//! {"t": 0, "type": "device", "kind": "mobile", "touch": true}
//! {"t": 0, "type": "page_view", "url": "https://shop.vn/?utm_medium=email"}
//! {"t": 4000, "type": "add_to_cart", "items": [{"id": "a", "price": 25, "quantity": 2}]}
//! {"t": 50000, "expect": {"signals": ["idle", "cart_abandoned"], "context": {"cart.items": 2}}}
//! ```
//!
//! The format is described in full in `tests/journeys/README.md`. [`parse`] reads a whole journey
//! (header, inputs, expectations, reloads, and the once-a-second `Tick`s a browser would send);
//! [`parse_line`] reads one input line on its own.

use crate::ga4::COMMERCE;
use crate::input::{DeviceKind, Input, Source, Time};
use crate::json::Value;

/// Where `t = 0` is unless the journey says `"at"`: 2026-03-10T10:00:00Z (a Tuesday).
pub const EPOCH_MS: f64 = 1_773_136_800_000.0;
/// A `t` at or above this is an absolute epoch time in ms, not an offset from the start.
pub const ABSOLUTE_MS: f64 = 1e11;
/// Ticks stop this long (ms) after the last input: the shopper has gone (a visit ends then).
pub const TICK_LIMIT_MS: f64 = 1_800_000.0;

/// The latest (and, negated, earliest) time a journey may name: JavaScript's `Date` range.
pub const MAX_DATE_MS: f64 = 8.64e15;

/// The shortest tick interval a header may ask for (shorter would generate millions of ticks).
pub const MIN_TICK_MS: f64 = 10.0;

/// What one step of a journey does.
#[derive(Clone, Debug, PartialEq)]
pub enum StepKind {
    /// Feed this input.
    Input(Input),
    /// Check expectations (the `expect` object of the line).
    Expect(Value),
    /// The page reloads: a new engine starts from the stored profile.
    Reload,
}

/// One step with its time and 1-based source line (0 for a generated `Tick`).
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Source line (1-based), 0 for generated ticks.
    pub line: usize,
    /// When.
    pub time: Time,
    /// What.
    pub kind: StepKind,
}

/// A parsed journey.
#[derive(Clone, Debug, PartialEq)]
pub struct Journey {
    /// Header keys merged from lines without `type`/`expect` (`at`, `offset`, `ticks`, `bundle`,
    /// `profile`, `name`…), for the runner.
    pub header: Value,
    /// Steps in time order, with generated ticks.
    pub steps: Vec<Step>,
}

/// Parses one journey line, e.g. `{"t": 1500, "type": "add_to_cart", "value": 25}`.
/// `t` is milliseconds (relative to the journey start or absolute epoch ms).
pub fn parse_line(line: &str) -> Result<(Time, Input), String> {
    let v = Value::parse(line).map_err(|e| e.to_string())?;
    let mut clock = Clock { base: EPOCH_MS, offset: 0, last: f64::MIN };
    let time = clock.time(&v)?;
    Ok((time, input(&v)?.ok_or("a line without \"type\" is not an input")?))
}

struct Clock {
    base: f64,
    offset: i32,
    last: f64,
}

impl Clock {
    /// The line's time; `at` and `offset` on a line stay in force for the lines after it.
    fn time(&mut self, v: &Value) -> Result<Time, String> {
        if let Some(at) = v.get("at") {
            self.base = at.as_f64().filter(|n| n.is_finite()).ok_or("\"at\" must be epoch milliseconds")?;
        }
        if let Some(o) = v.get("offset") {
            self.offset = o.as_f64().filter(|n| n.abs() <= 1440.0).ok_or("\"offset\" must be minutes east of UTC (-1440..1440)")? as i32;
        }
        let ms = match v.get("t") {
            None => self.last.max(self.base),
            Some(t) => match t.as_f64().filter(|n| n.is_finite()) {
                Some(t) if t >= ABSOLUTE_MS => t,
                Some(t) => self.base + t,
                None => return Err("\"t\" must be a number of milliseconds".into()),
            },
        };
        // What a browser's clock can say (JavaScript's Date range); beyond it hours and days
        // would overflow.
        if ms.abs() > MAX_DATE_MS {
            return Err("the time is out of range: \"at\" and \"t\" must stay within JavaScript's dates (±8.64e15 ms from 1970)".into());
        }
        if ms < self.last {
            return Err("\"t\" goes back in time".into());
        }
        self.last = ms;
        Ok(Time { ms, offset_min: self.offset })
    }
}

/// Parses a whole journey. Blank lines and lines starting with `//` or `#` are skipped; a line
/// with neither `type` nor `expect` is header (its keys are merged into [`Journey::header`]).
/// Unless the header says `"ticks": 0`, a `Tick` is generated every `ticks` ms (default 1000) of
/// journey time while the page is visible, up to [`TICK_LIMIT_MS`] after the last input, as the
/// browser does. Errors name the line: `line 3: unknown type "add-to-cart"`.
pub fn parse(text: &str) -> Result<Journey, String> {
    let mut header = Value::Obj(Vec::new());
    let mut raw = Vec::new();
    let mut clock = Clock { base: EPOCH_MS, offset: 0, last: f64::MIN };
    // A byte order mark (as some Windows editors write) is not part of the first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.is_empty() || l.starts_with("//") || l.starts_with("#") {
            continue;
        }
        let fail = |m: String| {
            let mut s = String::from("line ");
            s.push_str(&(i + 1).to_string());
            s.push_str(": ");
            s.push_str(&m);
            s
        };
        // Each line is parsed on its own, so its error's "line 1" is this line: say the column.
        let v = Value::parse(l).map_err(|e| {
            let col = e.column + line.chars().count() - line.trim_start().chars().count();
            fail(["column ", &col.to_string(), ": ", &e.message].concat())
        })?;
        if !matches!(v, Value::Obj(_)) {
            return Err(fail("expected a JSON object".into()));
        }
        let time = clock.time(&v).map_err(fail)?;
        let kind = if let Some(e) = v.get("expect") {
            if !matches!(e, Value::Obj(_)) {
                return Err(fail("\"expect\" must be an object".into()));
            }
            StepKind::Expect(e.clone())
        } else if v.get("type").and_then(Value::as_str) == Some("reload") {
            StepKind::Reload
        } else {
            match input(&v).map_err(fail)? {
                Some(inp) => StepKind::Input(inp),
                None => {
                    if let Value::Obj(m) = &v {
                        for (k, x) in m {
                            header.set(k, x.clone());
                        }
                    }
                    continue;
                }
            }
        };
        raw.push(Step { line: i + 1, time, kind });
    }
    let every = match header.get("ticks") {
        None => 1000.0,
        Some(t) => t.as_f64().filter(|n| n.is_finite() && (*n == 0.0 || *n >= MIN_TICK_MS)).ok_or("header: \"ticks\" must be milliseconds, at least 10 (0 = none)")?,
    };
    let steps = if every > 0.0 { with_ticks(raw, clock.base, every) } else { raw };
    Ok(Journey { header, steps })
}

/// Inserts the `Tick`s a visible page would send: at every multiple of `every` ms from `base`,
/// after the previous step and before the next input (up to and including the time of an
/// expectation), while visible and within [`TICK_LIMIT_MS`] of the last input. The page is
/// hidden from a `visibility` `hidden: true` until a `visibility` `hidden: false`, a full page
/// view, a reload, activity or a scroll.
fn with_ticks(raw: Vec<Step>, base: f64, every: f64) -> Vec<Step> {
    let mut out = Vec::with_capacity(raw.len());
    let mut visible = true;
    let mut last_input: Option<f64> = None;
    let mut prev = f64::MIN;
    let mut offset = 0;
    for step in raw {
        if let Some(li) = last_input {
            let until = step.time.ms.min(li + TICK_LIMIT_MS);
            let inclusive = matches!(step.kind, StepKind::Expect(_));
            let mut k = ((prev.max(li) - base) / every).floor() + 1.0;
            loop {
                let tick = base + k * every;
                if tick > until || (tick == step.time.ms && !inclusive) || !visible {
                    break;
                }
                out.push(Step { line: 0, time: Time { ms: tick, offset_min: offset }, kind: StepKind::Input(Input::Tick) });
                k += 1.0;
            }
        }
        prev = prev.max(step.time.ms);
        offset = step.time.offset_min;
        match &step.kind {
            StepKind::Input(Input::Visibility { hidden }) => visible = !hidden,
            StepKind::Input(Input::PageView { spa: false, .. } | Input::Activity | Input::Scroll { .. }) | StepKind::Reload => visible = true,
            _ => {}
        }
        if matches!(step.kind, StepKind::Input(_) | StepKind::Reload) {
            last_input = Some(step.time.ms);
        }
        out.push(step);
    }
    out
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn need_str(v: &Value, ty: &str, k: &str) -> Result<String, String> {
    s(v, k).map(str::to_string).ok_or_else(|| missing(ty, k, "a string"))
}

fn need_num(v: &Value, ty: &str, k: &str) -> Result<f64, String> {
    v.get(k).and_then(Value::as_f64).ok_or_else(|| missing(ty, k, "a number"))
}

fn missing(ty: &str, k: &str, what: &str) -> String {
    ["", ty, " needs \"", k, "\" (", what, ")"].concat()
}

fn source(v: &Value, default: Source) -> Result<Source, String> {
    match s(v, "source") {
        None => Ok(default),
        Some(x) => Source::parse(x).ok_or_else(|| ["unknown source \"", x, "\" (api, dataLayer, dom, url)"].concat()),
    }
}

/// The input a line describes; `None` for a line without `type`.
fn input(v: &Value) -> Result<Option<Input>, String> {
    let Some(ty) = v.get("type") else { return Ok(None) };
    let ty = ty.as_str().ok_or("\"type\" must be a string")?;
    let b = |k: &str| v.get(k).and_then(Value::as_bool);
    Ok(Some(match ty {
        "page_view" => Input::PageView {
            url: need_str(v, ty, "url")?,
            referrer: s(v, "referrer").unwrap_or("").to_string(),
            page_type: s(v, "pageType").map(str::to_string),
            title: s(v, "title").unwrap_or("").to_string(),
            spa: b("spa").unwrap_or(false),
        },
        "device" => {
            let kind = match need_str(v, ty, "kind")?.as_str() {
                "mobile" => DeviceKind::Mobile,
                "tablet" => DeviceKind::Tablet,
                "desktop" => DeviceKind::Desktop,
                k => return Err(["unknown device kind \"", k, "\" (mobile, tablet, desktop)"].concat()),
            };
            Input::Device { kind, touch: b("touch").unwrap_or(kind != DeviceKind::Desktop) }
        }
        "scroll" => Input::Scroll { y: need_num(v, ty, "y")?, max_y: need_num(v, ty, "maxY")? },
        "activity" => Input::Activity,
        "tick" => Input::Tick,
        "pointer_leave" => Input::PointerLeave { y: need_num(v, ty, "y")? },
        "pointer_enter" => Input::PointerEnter,
        "visibility" => Input::Visibility { hidden: b("hidden").ok_or_else(|| missing(ty, "hidden", "true or false"))? },
        "back" => Input::BackAttempt,
        "search" => Input::Search { query: need_str(v, ty, "query")?, source: source(v, Source::Dom)? },
        "track" => Input::Track { name: need_str(v, ty, "name")?, props: v.get("props").cloned().unwrap_or(Value::Obj(Vec::new())) },
        "set" => match v.get("attrs") {
            Some(a @ Value::Obj(_)) => Input::Set { attrs: a.clone() },
            _ => return Err(missing(ty, "attrs", "an object")),
        },
        "flow_answer" => Input::FlowAnswer { node: need_str(v, ty, "node")?, answer: need_str(v, ty, "answer")? },
        "prompt" => Input::Prompt { rule: need_str(v, ty, "rule")?, what: need_str(v, ty, "what")? },
        "fire" => Input::Fire { name: need_str(v, ty, "name")? },
        name if COMMERCE.contains(&name) => crate::ga4::commerce(name, v, source(v, Source::Api)?),
        other => return Err(["unknown type \"", other, "\""].concat()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_and_errors() {
        let (t, i) = parse_line(r#"{"t": 1500, "type": "add_to_cart", "value": 25}"#).unwrap();
        assert_eq!(t.ms, EPOCH_MS + 1500.0);
        assert!(matches!(i, Input::Commerce { value: Some(v), .. } if v == 25.0));
        let e = parse("{\"t\":0,\"type\":\"tick\"}\n\n{\"t\": 5, \"type\": \"add-to-cart\"}").unwrap_err();
        assert_eq!(e, "line 3: unknown type \"add-to-cart\"");
        assert_eq!(parse(r#"{"t":0,"type":"scroll","y":1}"#).unwrap_err(), "line 1: scroll needs \"maxY\" (a number)");
        assert!(parse("{\"t\":5,\"type\":\"tick\"}\n{\"t\":4,\"type\":\"tick\"}").unwrap_err().starts_with("line 2: "));
        assert!(parse("{\"t\":5,").unwrap_err().starts_with("line 1: "));
    }

    #[test]
    fn generates_ticks_while_visible() {
        let j = parse(concat!(
            "{\"offset\": 420, \"at\": 1000000000000}\n",
            "{\"t\": 0, \"type\": \"activity\"}\n",
            "{\"t\": 3000, \"expect\": {}}\n",
            "{\"t\": 3500, \"type\": \"visibility\", \"hidden\": true}\n",
            "{\"t\": 9000, \"type\": \"visibility\", \"hidden\": false}\n",
            "{\"t\": 11000, \"type\": \"activity\"}\n",
        ))
        .unwrap();
        let ticks: Vec<f64> = j.steps.iter().filter(|s| s.line == 0).map(|s| s.time.ms - 1e12).collect();
        assert_eq!(ticks, [1000.0, 2000.0, 3000.0, 10000.0]);
        assert!(j.steps.iter().all(|s| s.time.offset_min == 420));
        assert_eq!(j.header.get("offset").and_then(Value::as_f64), Some(420.0));
    }
}
