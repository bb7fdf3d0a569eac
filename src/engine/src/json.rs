//! A small JSON value, parser and writer.
//!
//! The engine parses bundles, journeys, profiles and event properties with this instead of
//! `serde_json`: the browser build pays for every byte, and a hand-written tree walk over a
//! [`Value`] lets the bundle checker report *every* problem by path instead of the first one.
//!
//! ```
//! use moments_engine::json::Value;
//! let v = Value::parse(r#"{"cart": {"items": 2}}"#).unwrap();
//! assert_eq!(v.pointer("cart.items").and_then(Value::as_f64), Some(2.0));
//! ```

use std::fmt;

/// A JSON value. Objects keep their keys in source order (they are small; lookups are linear).
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    /// `null`
    #[default]
    Null,
    /// `true` / `false`
    Bool(bool),
    /// Any JSON number (always an `f64`, as in JavaScript).
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Value>),
    /// An object, keys in source order.
    Obj(Vec<(String, Value)>),
}

/// Where and why JSON text failed to parse.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    /// 1-based line of the offending character.
    pub line: usize,
    /// 1-based column (in characters) of the offending character.
    pub column: usize,
    /// What was wrong, in plain English.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} column {}: {}", self.line, self.column, self.message)
    }
}

/// The deepest nesting accepted; deeper input is refused instead of overflowing the stack.
pub const MAX_DEPTH: usize = 128;

impl Value {
    /// Parses JSON text. Never panics; refuses nesting deeper than [`MAX_DEPTH`].
    pub fn parse(text: &str) -> Result<Value, ParseError> {
        let mut p = Parser { s: text.as_bytes(), i: 0, depth: 0 };
        p.ws();
        let v = p.value()?;
        p.ws();
        if p.i < p.s.len() {
            return Err(p.err("unexpected text after the end of the JSON value"));
        }
        Ok(v)
    }

    /// The JavaScript `typeof`-like name of this value's type, as GrowthBook's `$type` uses it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Num(_) => "number",
            Value::Str(_) => "string",
            Value::Arr(_) => "array",
            Value::Obj(_) => "object",
        }
    }

    /// Member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Mutable member `key` of an object.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self {
            Value::Obj(m) => m.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Sets member `key` (replacing it if present). Turns a non-object into an empty object first.
    pub fn set(&mut self, key: &str, v: Value) {
        if !matches!(self, Value::Obj(_)) {
            *self = Value::Obj(Vec::new());
        }
        if let Value::Obj(m) = self {
            match m.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = v,
                None => m.push((key.to_string(), v)),
            }
        }
    }

    /// Follows a dotted path (`cart.items`, `search.lastQueries.0`) through objects and arrays.
    pub fn pointer(&self, path: &str) -> Option<&Value> {
        let mut cur = self;
        for part in path.split('.') {
            cur = match cur {
                Value::Obj(_) => cur.get(part)?,
                Value::Arr(a) => a.get(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Arr(a) => Some(a),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Obj(m) => Some(m),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Writes compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    /// Appends compact JSON text to `out`.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Num(n) => write_num(*n, out),
            Value::Str(s) => write_str(s, out),
            Value::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_json(out);
                }
                out.push(']');
            }
            Value::Obj(m) => {
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }

    /// The text a template or a string comparison sees: strings as-is, numbers as JavaScript
    /// prints them, `null` as empty.
    pub fn to_text(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_json(),
        }
    }
}

/// Appends a number the way JavaScript's `String(n)` prints the common cases: integers without a
/// fraction, others with the shortest round-tripping digits. Non-finite numbers become `null`.
pub fn write_num(n: f64, out: &mut String) {
    if !n.is_finite() {
        out.push_str("null");
    } else if n == n.trunc() && n.abs() < 1e15 {
        let mut i = n as i64;
        if i == 0 {
            out.push('0');
            return;
        }
        if i < 0 {
            out.push('-');
            i = -i;
        }
        let mut buf = [0u8; 20];
        let mut at = buf.len();
        while i > 0 {
            at -= 1;
            buf[at] = b'0' + (i % 10) as u8;
            i /= 10;
        }
        for &b in &buf[at..] {
            out.push(b as char);
        }
    } else {
        out.push_str(&format!("{n}"));
    }
}

/// Appends a JSON string literal with the escapes JSON requires.
pub fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let u = c as u32;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[((u >> shift) & 0xf) as usize] as char);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}
impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Num(n)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Into::into)
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Self {
        Value::Arr(v.into_iter().map(Into::into).collect())
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> ParseError {
        let upto = &self.s[..self.i.min(self.s.len())];
        let line = 1 + upto.iter().filter(|&&b| b == b'\n').count();
        let line_start = upto.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let column = 1 + String::from_utf8_lossy(&upto[line_start..]).chars().count();
        ParseError { line, column, message: message.to_string() }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        match self.s.get(self.i) {
            None => Err(self.err("unexpected end of text, expected a value")),
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => self.string().map(Value::Str),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("expected a value (object, array, string, number, true, false or null)")),
        }
    }

    fn nested(&mut self, f: fn(&mut Self) -> Result<Value, ParseError>) -> Result<Value, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nesting is too deep"));
        }
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn word(&mut self, w: &str, v: Value) -> Result<Value, ParseError> {
        if self.s[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Ok(v)
        } else {
            Err(self.err("expected a value (object, array, string, number, true, false or null)"))
        }
    }

    fn object(&mut self) -> Result<Value, ParseError> {
        self.i += 1;
        let mut m: Vec<(String, Value)> = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Value::Obj(m));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                return Err(self.err("expected a quoted key"));
            }
            let k = self.string()?;
            self.ws();
            if self.s.get(self.i) != Some(&b':') {
                return Err(self.err("expected ':' after a key"));
            }
            self.i += 1;
            self.ws();
            let v = self.value()?;
            // A repeated key keeps the last value, as JSON.parse does.
            match m.iter_mut().find(|(mk, _)| *mk == k) {
                Some(slot) => slot.1 = v,
                None => m.push((k, v)),
            }
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Obj(m));
                }
                _ => return Err(self.err("expected ',' or '}' in an object")),
            }
        }
    }

    fn array(&mut self) -> Result<Value, ParseError> {
        self.i += 1;
        let mut a = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Value::Arr(a));
        }
        loop {
            self.ws();
            a.push(self.value()?);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Arr(a));
                }
                _ => return Err(self.err("expected ',' or ']' in an array")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut u = 0u32;
        for _ in 0..4 {
            let d = match self.s.get(self.i) {
                Some(&b) => (b as char).to_digit(16),
                None => None,
            };
            match d {
                Some(d) => u = u * 16 + d,
                None => return Err(self.err("bad \\u escape")),
            }
            self.i += 1;
        }
        Ok(u)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // The input is a &str and we only stop on ASCII bytes, so this slice is valid UTF-8.
            out.push_str(&String::from_utf8_lossy(&self.s[start..self.i]));
            match self.s.get(self.i) {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = match self.s.get(self.i) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.i += 1;
                            let hi = self.hex4()?;
                            self.i -= 1;
                            let code = if (0xD800..0xDC00).contains(&hi)
                                && self.s.get(self.i + 1) == Some(&b'\\')
                                && self.s.get(self.i + 2) == Some(&b'u')
                            {
                                self.i += 3;
                                let lo = self.hex4()?;
                                self.i -= 1;
                                if (0xDC00..0xE000).contains(&lo) {
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    0xFFFD
                                }
                            } else {
                                hi
                            };
                            char::from_u32(code).unwrap_or('\u{FFFD}')
                        }
                        _ => return Err(self.err("bad escape in string")),
                    };
                    self.i += 1;
                    out.push(c);
                }
                Some(_) => return Err(self.err("control character in string")),
            }
        }
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let s = p.i;
            while let Some(b'0'..=b'9') = p.s.get(p.i) {
                p.i += 1;
            }
            p.i > s
        };
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        if !digits(self) {
            return Err(self.err("bad number"));
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(self) {
                return Err(self.err("bad number: digits expected after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.s.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.s.get(self.i) {
                self.i += 1;
            }
            if !digits(self) {
                return Err(self.err("bad number: digits expected in exponent"));
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("0");
        Ok(Value::Num(parse_number(text)))
    }
}

/// Parses a JSON number's text. Integers and short decimals take an exact fast path (no
/// float-parsing machinery); anything else falls back to the standard library.
fn parse_number(text: &str) -> f64 {
    let (neg, body) = match text.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, text),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if !body.contains(['e', 'E']) && int.len() + frac.len() <= 15 && frac.len() <= 22 {
        let mut m: u64 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            m = m * 10 + u64::from(b - b'0');
        }
        // Exact: m < 2^53 and 10^k (k <= 22) are both exactly representable, so one division is
        // correctly rounded (Clinger's fast path).
        let v = m as f64 / POW10[frac.len()];
        return if neg { -v } else { v };
    }
    text.parse::<f64>().unwrap_or(0.0)
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
    1e18, 1e19, 1e20, 1e21, 1e22,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let t = r#"{"a":[1,2.5,-3e2,true,null,"x\"\n\u00e9\ud83d\ude00"],"b":{}}"#;
        let v = Value::parse(t).unwrap();
        assert_eq!(v.pointer("a.2"), Some(&Value::Num(-300.0)));
        assert_eq!(v.pointer("a.5").and_then(Value::as_str), Some("x\"\né😀"));
        assert_eq!(Value::parse(&v.to_json()).unwrap(), v);
    }

    #[test]
    fn numbers_match_std() {
        for t in ["0", "-0", "12.5", "0.1", "123456789012345", "1.7976931348623157e308", "5e-324", "0.30000000000000004"] {
            assert_eq!(parse_number(t), t.parse::<f64>().unwrap(), "{t}");
        }
    }

    #[test]
    fn errors_have_positions() {
        let e = Value::parse("{\n  \"a\": tru\n}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        assert!(Value::parse(&"[".repeat(10_000)).is_err());
        assert!(Value::parse("").is_err());
        assert!(Value::parse("{} x").is_err());
        assert!(Value::parse("\"\\ud800\"").is_ok());
    }

    #[test]
    fn writes_js_like_numbers() {
        assert_eq!(Value::Num(3.0).to_json(), "3");
        assert_eq!(Value::Num(-0.5).to_json(), "-0.5");
        assert_eq!(Value::Num(f64::NAN).to_json(), "null");
    }
}
