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

use std::cell::Cell;
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

impl ParseError {
    /// `line L column C: message`, as `Display` writes it. The engine calls this rather than
    /// `to_string()`, which would bring `String`'s `fmt::Write` (and `core::fmt::write`) into the wasm.
    pub(crate) fn text(&self) -> String {
        let mut s = String::from("line ");
        write_num(self.line as f64, &mut s);
        s.push_str(" column ");
        write_num(self.column as f64, &mut s);
        s.push_str(": ");
        s.push_str(&self.message);
        s
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// The deepest nesting accepted; deeper input is refused instead of overflowing the stack.
pub const MAX_DEPTH: usize = 128;

impl Value {
    /// The value of the JSON text `write` appends to an empty string: how the engine's state,
    /// written straight to text for the profile and explanations, is also handed out as a
    /// [`Value`]. `Null` if the text is not JSON (never, for the engine's writers).
    pub fn written(write: impl FnOnce(&mut String)) -> Value {
        let mut s = String::new();
        write(&mut s);
        Value::parse(&s).unwrap_or_default()
    }

    /// Parses JSON text. Never panics; refuses nesting deeper than [`MAX_DEPTH`].
    pub fn parse(text: &str) -> Result<Value, ParseError> {
        let mut p = Parser { s: text.as_bytes(), i: 0, depth: 0, error: None };
        p.ws();
        let Some(v) = p.value() else {
            return Err(match p.error.take() {
                Some(e) => e,
                None => p.err("not JSON"), // never: `value` sets `error` whenever it fails
            });
        };
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
        for part in crate::small::parts(path, b'.') {
            cur = match cur {
                Value::Obj(_) => cur.get(part)?,
                Value::Arr(a) => a.get(crate::small::parse_index(part)?)?,
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
            Value::Arr(a) => write_arr(a, out),
            Value::Obj(m) => write_obj(m, out),
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

/// Appends an array's compact JSON text (for borrowed members, without building a `Value`).
pub(crate) fn write_arr(a: &[Value], out: &mut String) {
    out.push('[');
    for (i, v) in a.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        v.write_json(out);
    }
    out.push(']');
}

/// Appends an object's compact JSON text.
pub(crate) fn write_obj(m: &[(String, Value)], out: &mut String) {
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

/// Writes a JSON object member by member straight to text: for the stored profile, whose `Value`
/// tree would only be built to be serialized (the tree costs ~2 KB more wasm).
pub(crate) struct ObjWriter<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> ObjWriter<'a> {
    /// Opens an object at the end of `out`.
    pub(crate) fn new(out: &'a mut String) -> ObjWriter<'a> {
        out.push('{');
        ObjWriter { out, empty: true }
    }

    /// Starts member `key`; write its JSON value into the `String` returned.
    pub(crate) fn key(&mut self, key: &str) -> &mut String {
        if !std::mem::replace(&mut self.empty, false) {
            self.out.push(',');
        }
        write_str(key, self.out);
        self.out.push(':');
        self.out
    }

    /// A number member.
    pub(crate) fn num(&mut self, key: &str, n: f64) {
        write_num(n, self.key(key));
    }

    /// A string member, `null` when `None`.
    pub(crate) fn str(&mut self, key: &str, s: Option<&str>) {
        let out = self.key(key);
        match s {
            Some(s) => write_str(s, out),
            None => out.push_str("null"),
        }
    }

    /// Closes the object.
    pub(crate) fn end(self) {
        self.out.push('}');
    }
}

/// Appends a number as JSON: as JavaScript's `String(n)` prints it ([`write_js_num`]), except that
/// non-finite numbers become `null`.
pub fn write_num(n: f64, out: &mut String) {
    if n.is_finite() {
        write_js_num(n, out);
    } else {
        out.push_str("null");
    }
}

/// The decimal text of `i` (`-0` is `0`), written at the end of `buf`, without allocating.
pub fn int_text(i: i64, buf: &mut [u8; 21]) -> &[u8] {
    let mut u = i.unsigned_abs();
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if i < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}

/// Appends a number exactly as JavaScript's `String(n)` prints it: integers without a fraction,
/// others with the shortest digits that read back as the same number (`0.1`, `1.5e-7`, `1e+21`),
/// `NaN`, `Infinity`, `-Infinity`; `-0` as `0`.
///
/// Integers below 10^15 are written here; other numbers go to the host's formatter when one is set
/// ([`set_number_io`]; the browser build uses JavaScript's own), else to the standard library's
/// shortest round-trip digits (native builds, or feature `std-float`), else (feature `own-float`) to
/// a small search for the shortest digits that read back exactly (at most 17 digits; last-digit
/// slips are possible only for numbers that need 16 or 17), else print as `NaN` (a wasm build
/// with neither feature must set the host's formatter first, as the browser build does).
pub fn write_js_num(n: f64, out: &mut String) {
    if n.is_nan() {
        out.push_str("NaN");
    } else if n.is_infinite() {
        out.push_str(if n > 0.0 { "Infinity" } else { "-Infinity" });
    } else if n == n.trunc() && n.abs() < 1e15 {
        let mut buf = [0u8; 21];
        push_ascii(int_text(n as i64, &mut buf), out);
    } else if let Some((format, _)) = number_io() {
        format(n, out);
    } else {
        own_format(n, out);
    }
}

#[cfg(any(feature = "std-float", feature = "own-float", not(target_arch = "wasm32")))]
fn own_format(n: f64, out: &mut String) {
    if n < 0.0 {
        out.push('-');
    }
    let mut d = [0u8; 17];
    let (k, point) = digits(n.abs(), &mut d);
    layout(&d[..k], point, out);
}

/// A wasm build with neither `std-float` nor `own-float` (the browser's) relies on the host's
/// formatter ([`set_number_io`], installed before anything else runs): no float digits of its own.
#[cfg(not(any(feature = "std-float", feature = "own-float", not(target_arch = "wasm32"))))]
fn own_format(_n: f64, out: &mut String) {
    out.push_str("NaN");
}

fn push_ascii(b: &[u8], out: &mut String) {
    for &c in b {
        out.push(char::from(c));
    }
}

#[cfg_attr(not(any(feature = "std-float", feature = "own-float", not(target_arch = "wasm32"))), allow(dead_code))]
/// Lays out significant digits `d` (no leading or trailing zeros) with the decimal point after
/// `point` digits, as ECMAScript's Number::toString does (exponent from 1e21 and below 1e-6).
fn layout(d: &[u8], point: i32, out: &mut String) {
    let k = d.len() as i32;
    if k <= point && point <= 21 {
        push_ascii(d, out);
        (k..point).for_each(|_| out.push('0'));
    } else if 0 < point && point <= 21 {
        push_ascii(&d[..point as usize], out);
        out.push('.');
        push_ascii(&d[point as usize..], out);
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        (point..0).for_each(|_| out.push('0'));
        push_ascii(d, out);
    } else {
        push_ascii(&d[..1], out);
        if k > 1 {
            out.push('.');
            push_ascii(&d[1..], out);
        }
        out.push_str(if point > 0 { "e+" } else { "e-" });
        let mut e = [0u8; 3];
        let mut x = (point - 1).unsigned_abs();
        let mut at = e.len();
        loop {
            at -= 1;
            e[at] = b'0' + (x % 10) as u8;
            x /= 10;
            if x == 0 {
                break;
            }
        }
        push_ascii(&e[at..], out);
    }
}

/// The shortest round-trip digits of a positive finite `x` into `d`, and where the decimal point
/// goes: `x = 0.d1d2d3… × 10^point`. Returns (number of digits, point).
#[cfg(any(feature = "std-float", not(target_arch = "wasm32")))]
fn digits(x: f64, d: &mut [u8; 17]) -> (usize, i32) {
    use std::fmt::Write;
    // `{:e}` is the shortest round-trip digits in scientific form: `1.5e-7`, `1e21`.
    let mut s = String::new();
    let _ = write!(s, "{x:e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let mut k = 0;
    for c in mant.bytes().filter(u8::is_ascii_digit) {
        if k < d.len() {
            d[k] = c;
            k += 1;
        }
    }
    while k > 1 && d[k - 1] == b'0' {
        k -= 1;
    }
    (k, exp.parse::<i32>().unwrap_or(0) + 1)
}

#[cfg(not(any(feature = "std-float", not(target_arch = "wasm32"))))]
#[cfg_attr(not(feature = "own-float"), allow(dead_code))]
fn digits(x: f64, d: &mut [u8; 17]) -> (usize, i32) {
    search_digits(x, d)
}

/// Like `digits` without the standard library's float formatting (the browser build, which
/// normally formats through JavaScript): the fewest digits whose value reads back exactly.
#[cfg_attr(any(feature = "std-float", not(feature = "own-float"), not(target_arch = "wasm32")), allow(dead_code))]
fn search_digits(x: f64, d: &mut [u8; 17]) -> (usize, i32) {
    let (mut y, mut e) = (x, 0i32);
    while y >= 10.0 {
        y /= 10.0;
        e += 1;
    }
    while y < 1.0 {
        y *= 10.0;
        e -= 1;
    }
    // x ≈ y × 10^e with 1 <= y < 10: try 1, 2, … 17 significant digits.
    let mut m = 0u64;
    let mut p = 1;
    while p <= 17 {
        m = (y * POW10[p - 1] + 0.5) as u64;
        if scale(m as f64, e + 1 - p as i32) == x {
            break;
        }
        p += 1;
    }
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    while m > 0 {
        at -= 1;
        buf[at] = b'0' + (m % 10) as u8;
        m /= 10;
    }
    // Rounding up may have carried into one more digit (9.99… to 10).
    let point = e + 1 + (buf.len() - at) as i32 - p.min(17) as i32;
    let mut k = 0;
    for &c in &buf[at..] {
        if k < d.len() {
            d[k] = c;
            k += 1;
        }
    }
    while k > 1 && d[k - 1] == b'0' {
        k -= 1;
    }
    (k.max(1), point)
}

/// `m × 10^k`, exact when `m < 2^53` and `|k| <= 22`.
#[cfg_attr(any(feature = "std-float", not(target_arch = "wasm32")), allow(dead_code))]
fn scale(m: f64, k: i32) -> f64 {
    let mut p = 1.0;
    let mut left = k.unsigned_abs();
    while left > 22 {
        p *= 1e22;
        left -= 22;
    }
    p *= POW10[left as usize];
    if k >= 0 {
        m * p
    } else {
        m / p
    }
}

/// How the host turns a non-integer number into text (JavaScript's `String(n)`).
pub type FormatNumber = fn(f64, &mut String);
/// How the host reads a decimal number literal that [`parse_float`] has already checked
/// (JavaScript's `parseFloat`).
pub type ParseNumber = fn(&str) -> f64;

thread_local! {
    static NUMBER_IO: Cell<Option<(FormatNumber, ParseNumber)>> = const { Cell::new(None) };
}

/// Sets how numbers are written and read on this thread when the engine's own exact paths
/// (integers below 10^15; decimals of at most 15 significant digits and small exponents) do not
/// apply. The browser build passes JavaScript's `String(n)` and `parseFloat`, so the wasm carries
/// no float formatting or parsing code and prints numbers exactly as the page's JavaScript does.
pub fn set_number_io(format: FormatNumber, parse: ParseNumber) {
    NUMBER_IO.with(|c| c.set(Some((format, parse))));
}

fn number_io() -> Option<(FormatNumber, ParseNumber)> {
    NUMBER_IO.try_with(Cell::get).ok().flatten()
}

/// Reads a decimal number literal, as Rust's `f64::from_str` does: an optional sign, digits with
/// an optional fraction (`12`, `1.5`, `.5`, `5.`) and exponent (`1e-3`), or `inf`, `infinity`,
/// `nan` in any case. `None` for anything else (surrounding whitespace included).
///
/// Up to 15 significant digits with a small exponent are read exactly here; longer numbers go to
/// the host's reader ([`set_number_io`]), else to the standard library (native builds, or feature
/// `std-float`), else are read to within a rounding error.
pub fn parse_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let (neg, b) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let sign = |v: f64| if neg { -v } else { v };
    for &(word, v) in &[(&b"inf"[..], f64::INFINITY), (b"infinity", f64::INFINITY), (b"nan", f64::NAN)] {
        if b.eq_ignore_ascii_case(word) {
            return Some(sign(v));
        }
    }
    let (mut i, mut mant, mut sig, mut exp, mut any, mut frac) = (0, 0u64, 0u32, 0i32, false, false);
    while i < b.len() {
        match b[i] {
            c @ b'0'..=b'9' => {
                any = true;
                if mant == 0 && c == b'0' {
                    exp -= i32::from(frac);
                } else {
                    sig += 1;
                    if sig <= 19 {
                        mant = mant * 10 + u64::from(c - b'0');
                        exp -= i32::from(frac);
                    } else {
                        exp += i32::from(!frac);
                    }
                }
            }
            b'.' if !frac => frac = true,
            _ => break,
        }
        i += 1;
    }
    if !any {
        return None;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        let eneg = b.get(i) == Some(&b'-');
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let (mut e, start) = (0i32, i);
        while let Some(c @ b'0'..=b'9') = b.get(i) {
            e = e.saturating_mul(10).saturating_add(i32::from(c - b'0'));
            i += 1;
        }
        if i == start {
            return None;
        }
        exp = exp.saturating_add(if eneg { -e } else { e });
    }
    if i != b.len() {
        return None;
    }
    if mant == 0 {
        return Some(sign(0.0));
    }
    if sig <= 15 && (-22..=22).contains(&exp) {
        // Exact: mant < 2^53 and 10^|exp| are both exactly representable, so one multiplication
        // or division is correctly rounded (Clinger's fast path).
        return Some(sign(scale(mant as f64, exp)));
    }
    Some(slow_parse(s, mant, exp))
}

#[cfg(any(feature = "std-float", not(target_arch = "wasm32")))]
fn slow_parse(s: &str, _mant: u64, _exp: i32) -> f64 {
    match number_io() {
        Some((_, parse)) => parse(s),
        None => s.parse::<f64>().unwrap_or(f64::NAN),
    }
}

#[cfg(not(any(feature = "std-float", not(target_arch = "wasm32"))))]
fn slow_parse(s: &str, mant: u64, exp: i32) -> f64 {
    match number_io() {
        Some((_, parse)) => parse(s),
        None => approx_parse(s, mant, exp),
    }
}

/// `±mant × 10^exp`, within a few rounding errors.
#[cfg_attr(any(feature = "std-float", not(target_arch = "wasm32")), allow(dead_code))]
fn approx_parse(s: &str, mant: u64, exp: i32) -> f64 {
    let v = if exp < -300 { scale(scale(mant as f64, -300), exp + 300) } else { scale(mant as f64, exp) };
    if s.starts_with("-") {
        -v
    } else {
        v
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
                for &shift in &[12, 8, 4, 0] {
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

/// The parser. Its functions return `Option`s and leave the error in `error`: a `Result` carrying
/// a `ParseError` through every `?` costs the wasm ~1 KB more.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
    error: Option<ParseError>,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> ParseError {
        let upto = &self.s[..self.i.min(self.s.len())];
        let line = 1 + upto.iter().filter(|&&b| b == b'\n').count();
        let line_start = upto.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        // Characters, not bytes: `upto` is valid UTF-8 but for, at most, a cut last character
        // (counted as one, as `from_utf8_lossy` would); counting lead bytes keeps its ~750 bytes of
        // wasm out.
        let column = 1 + upto[line_start..].iter().filter(|&&b| b & 0xC0 != 0x80).count();
        ParseError { line, column, message: message.to_string() }
    }

    /// Records the error at the current position; `None` for the caller to return.
    fn fail<T>(&mut self, message: &str) -> Option<T> {
        self.error = Some(self.err(message));
        None
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Option<Value> {
        match self.s.get(self.i) {
            None => self.fail("unexpected end of text, expected a value"),
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => self.string().map(Value::Str),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => self.fail("expected a value (object, array, string, number, true, false or null)"),
        }
    }

    fn nested(&mut self, f: fn(&mut Self) -> Option<Value>) -> Option<Value> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.fail("nesting is too deep");
        }
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn word(&mut self, w: &str, v: Value) -> Option<Value> {
        if self.s[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Some(v)
        } else {
            self.fail("expected a value (object, array, string, number, true, false or null)")
        }
    }

    fn object(&mut self) -> Option<Value> {
        self.i += 1;
        let mut m: Vec<(String, Value)> = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Some(Value::Obj(m));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                return self.fail("expected a quoted key");
            }
            let k = self.string()?;
            self.ws();
            if self.s.get(self.i) != Some(&b':') {
                return self.fail("expected ':' after a key");
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
                    return Some(Value::Obj(m));
                }
                _ => return self.fail("expected ',' or '}' in an object"),
            }
        }
    }

    fn array(&mut self) -> Option<Value> {
        self.i += 1;
        let mut a = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Some(Value::Arr(a));
        }
        loop {
            self.ws();
            a.push(self.value()?);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Some(Value::Arr(a));
                }
                _ => return self.fail("expected ',' or ']' in an array"),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut u = 0u32;
        for _ in 0..4 {
            let d = match self.s.get(self.i) {
                Some(&b) => (b as char).to_digit(16),
                None => None,
            };
            match d {
                Some(d) => u = u * 16 + d,
                None => return self.fail("bad \\u escape"),
            }
            self.i += 1;
        }
        Some(u)
    }

    fn string(&mut self) -> Option<String> {
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
            out.push_str(std::str::from_utf8(&self.s[start..self.i]).unwrap_or_default());
            match self.s.get(self.i) {
                None => return self.fail("unterminated string"),
                Some(b'"') => {
                    self.i += 1;
                    return Some(out);
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
                        _ => return self.fail("bad escape in string"),
                    };
                    self.i += 1;
                    out.push(c);
                }
                Some(_) => return self.fail("control character in string"),
            }
        }
    }

    fn number(&mut self) -> Option<Value> {
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
            return self.fail("bad number");
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(self) {
                return self.fail("bad number: digits expected after '.'");
            }
        }
        if let Some(b'e' | b'E') = self.s.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.s.get(self.i) {
                self.i += 1;
            }
            if !digits(self) {
                return self.fail("bad number: digits expected in exponent");
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("0");
        Some(Value::Num(parse_number(text)))
    }
}

/// Parses a JSON number's text (already checked by the parser).
fn parse_number(text: &str) -> f64 {
    parse_float(text).unwrap_or(0.0)
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
        let e = Value::parse("[\"é\",\n \"ấ\" x]").unwrap_err();
        assert_eq!((e.line, e.column), (2, 6));
        assert!(Value::parse(&"[".repeat(10_000)).is_err());
        assert!(Value::parse("").is_err());
        assert!(Value::parse("{} x").is_err());
        assert!(Value::parse("\"\\ud800\"").is_ok());
    }

    fn js(n: f64) -> String {
        let mut s = String::new();
        write_js_num(n, &mut s);
        s
    }

    #[test]
    fn formats_and_reads_like_javascript() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (1.5, "1.5"),
            (-0.001, "-0.001"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (123456789012345680000.0, "123456789012345680000"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e300, "1e+300"),
            (5e-324, "5e-324"),
            (-1.2345678901234567e-200, "-1.2345678901234567e-200"),
            (1e15, "1000000000000000"),
            (19.99, "19.99"),
        ];
        for (n, t) in cases {
            assert_eq!(js(n), t);
        }
        // The search used without std agrees with std on what it finds.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for i in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = match i % 3 {
                0 => f64::from_bits(seed >> 2),
                1 => (seed % 100_000) as f64 / 100.0,
                _ => (seed % 1_000_000) as f64 / 1e4 * 10f64.powi((seed % 40) as i32 - 20),
            };
            if !n.is_finite() || n <= 0.0 {
                continue;
            }
            let (mut a, mut b) = ([0u8; 17], [0u8; 17]);
            let (ka, pa) = digits(n, &mut a);
            let (kb, pb) = search_digits(n, &mut b);
            if ka <= 15 && (-22..=22).contains(&(pa - ka as i32)) {
                assert_eq!((&a[..ka], pa), (&b[..kb], pb), "{n:e}");
            }
            let text = js(n);
            assert_eq!(parse_float(&text), Some(n), "{text}");
            let r = approx_parse("", 1, 0);
            assert_eq!(r, 1.0);
        }
        for t in ["1.", ".5", "+1e3", "-0", "1e400", "-1e-400", "inf", "-Infinity", "NaN", "0.1e-5", "00012", "1234567890123456789012345"] {
            let (a, b) = (parse_float(t), t.parse::<f64>().ok());
            assert!(a == b || a.is_some_and(f64::is_nan) && b.is_some_and(f64::is_nan), "{t}");
        }
        for t in ["", ".", "e5", "1e", "1.2.3", "+-1", " 1", "1 ", "0x10", "12px", "in"] {
            assert_eq!(parse_float(t), None, "{t}");
        }
    }

    #[test]
    fn writes_js_like_numbers() {
        assert_eq!(Value::Num(3.0).to_json(), "3");
        assert_eq!(Value::Num(-0.5).to_json(), "-0.5");
        assert_eq!(Value::Num(f64::NAN).to_json(), "null");
    }
}
