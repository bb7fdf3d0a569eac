//! Conditions (`when`, `segments`): GrowthBook's MongoDB-style targeting language, compiled once.
//!
//! A condition is a JSON object whose keys are dotted paths into the context (`cart.value`) or the
//! logical operators `$and $or $nor $not`; a path's value is either a plain value (compared the way
//! JavaScript's `String(x) === "…"`, `x * 1 === n`, `!!x === b` or `JSON.stringify` do) or an object
//! of operators (`$eq $ne $gt $gte $lt $lte $in $nin $ini $nini $all $alli $elemMatch $size $exists
//! $type $regex $regexi $not $inGroup $notInGroup $veq $vne $vgt $vgte $vlt $vlte`). The semantics
//! are GrowthBook's `evalCondition`, down to JavaScript's comparisons of strings with numbers, and
//! they pass GrowthBook's shared conformance cases (`tests/conformance`).
//!
//! [`Condition::compile`] does all the work that does not depend on the context: paths are split,
//! operands converted, version strings padded, sets built and regular expressions compiled, so
//! [`Condition::eval`] allocates nothing in the common cases.
//!
//! ```
//! use moments_engine::{condition::Condition, Value};
//! let cond = Value::parse(r#"{"cart.value": {"$gte": 100}}"#).unwrap();
//! let mut problems = Vec::new();
//! let c = Condition::compile(&cond, "rules[0].when", &mut problems);
//! let ctx = Value::parse(r#"{"cart": {"value": 40}}"#).unwrap();
//! assert!(!c.eval(&ctx));
//! assert_eq!(c.explain(&ctx).unwrap(), "cart.value is 40, needs $gte 100");
//! ```

use crate::json::{write_num, write_str, Value};
use crate::problem::{index, join, Problem};
use std::cell::Cell;
use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;

/// A compiled regular expression, as `$regex` uses it: `is_match` is JavaScript's `RegExp.test`
/// (a search anywhere in the text).
pub trait RegexMatcher {
    /// Whether the expression matches somewhere in `s`.
    fn is_match(&self, s: &str) -> bool;
}

/// Compiles a pattern into a [`RegexMatcher`], or says why it cannot. Case-insensitive patterns
/// (`$regexi`) arrive with the prefix `(?i)` (never a valid JavaScript pattern, so unambiguous): a
/// factory backed by JavaScript's `RegExp` strips it and passes the flag `i` instead.
pub type RegexFactory = fn(&str) -> Result<Rc<dyn RegexMatcher>, String>;

thread_local! {
    static FACTORY: Cell<Option<RegexFactory>> = const { Cell::new(None) };
}

/// Sets the regular-expression engine used by conditions compiled from now on, on this thread
/// (the browser build passes one backed by JavaScript's `RegExp`). Without one, the native build
/// uses the `regex` crate (feature `native-regex`) and other builds refuse non-literal patterns.
/// Patterns that are plain text with `^`/`$` anchors and `|` alternatives never need it.
pub fn set_regex_factory(f: RegexFactory) {
    FACTORY.with(|c| c.set(Some(f)));
}

#[cfg(feature = "native-regex")]
struct NativeRegex(regex::Regex);

#[cfg(feature = "native-regex")]
impl RegexMatcher for NativeRegex {
    fn is_match(&self, s: &str) -> bool {
        self.0.is_match(s)
    }
}

/// The `regex` crate with JavaScript's ASCII meaning of `\d \w \b` (the crate's are Unicode).
/// Other differences remain: no look-around or backreferences (refused as bad patterns), and
/// case-insensitive matching folds a few more characters than JavaScript (`ſ`, `K`).
#[cfg(feature = "native-regex")]
fn native_regex(p: &str) -> Result<Rc<dyn RegexMatcher>, String> {
    let mut q = String::with_capacity(p.len() + 8);
    let (mut class, mut chars) = (false, p.chars());
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    q.push('\\');
                    break;
                };
                let ascii = match e {
                    'd' => "[:digit:]",
                    'D' => "[:^digit:]",
                    'w' => "[:word:]",
                    'W' => "[:^word:]",
                    'b' | 'B' if !class => {
                        q.push_str(if e == 'b' { "(?-u:\\b)" } else { "(?-u:\\B)" });
                        continue;
                    }
                    _ => "",
                };
                match (ascii, class) {
                    ("", _) => {
                        q.push('\\');
                        q.push(e);
                    }
                    (a, true) => q.push_str(a),
                    (a, false) => {
                        q.push('[');
                        q.push_str(a);
                        q.push(']');
                    }
                }
            }
            '[' if !class => {
                class = true;
                q.push(c);
            }
            ']' if class => {
                class = false;
                q.push(c);
            }
            _ => q.push(c),
        }
    }
    match regex::Regex::new(&q) {
        Ok(r) => Ok(Rc::new(NativeRegex(r))),
        // The crate's message spans lines (the pattern, a caret, then "error: why"); a problem is
        // one line, so keep the why.
        Err(e) => {
            let text = e.to_string();
            let last = text.lines().last().unwrap_or_default().trim();
            Err(last.strip_prefix("error: ").unwrap_or(last).to_string())
        }
    }
}

#[cfg(feature = "native-regex")]
const DEFAULT_FACTORY: Option<RegexFactory> = Some(native_regex);
#[cfg(not(feature = "native-regex"))]
const DEFAULT_FACTORY: Option<RegexFactory> = None;

/// A compiled condition.
#[derive(Clone, Debug, Default)]
pub struct Condition {
    clauses: Box<[Clause]>,
    /// The source, for [`Condition::explain`]; clause `i` is its `i`-th member.
    src: Value,
}

#[derive(Clone, Debug)]
enum Clause {
    /// `path: op && more`: the first test inline (most have one), so that evaluating a clause
    /// touches one contiguous piece of memory.
    Path(Path, Op, Test),
    Or(Box<[Condition]>),
    Nor(Box<[Condition]>),
    And(Box<[Condition]>),
    Not(Box<Condition>),
    /// What GrowthBook does with something it cannot evaluate (a `null` condition).
    False,
}

/// A dotted path: its first two keys prepared (most paths have one or two), the others read
/// from the text when needed.
#[derive(Clone, Debug)]
struct Path {
    segs: [Seg; 2],
    count: u16,
    text: Box<str>,
}

/// One key of a path: where it is in the path's text, its bytes packed (for keys up to 16 bytes,
/// compared without following a pointer), and where in its object it was found last time
/// (contexts share a shape, so this is usually right and saves the scan: an inline cache, as
/// JavaScript engines keep).
#[derive(Clone, Debug, Default)]
struct Seg {
    sig: [u64; 2],
    at: u16,
    n: u16,
    hint: Cell<u32>,
}

/// A string that compares without following a pointer when it is short (as enum-like values
/// are): its bytes packed in two words.
#[derive(Clone, Debug)]
struct Text {
    sig: [u64; 2],
    s: Box<str>,
}

impl Text {
    fn new(s: &str) -> Text {
        Text { sig: sig(s.as_bytes()), s: s.into() }
    }

    #[inline(always)]
    fn is(&self, b: &[u8]) -> bool {
        b.len() == self.s.len() && if b.len() <= 16 { same(sig(b), self.sig) } else { b == self.s.as_bytes() }
    }
}

/// `a == b`, without the `memcmp` call that array equality becomes in the size-optimised build.
#[inline(always)]
fn same(a: [u64; 2], b: [u64; 2]) -> bool {
    (a[0] ^ b[0]) | (a[1] ^ b[1]) == 0
}

/// For up to 16 bytes, two words that are equal for two strings of the same length exactly when
/// the strings are (overlapping loads of the first and last bytes).
#[inline(always)]
fn sig(b: &[u8]) -> [u64; 2] {
    let w8 = |b: &[u8]| <[u8; 8]>::try_from(b).map_or(0, u64::from_le_bytes);
    let w4 = |b: &[u8]| <[u8; 4]>::try_from(b).map_or(0, |x| u64::from(u32::from_le_bytes(x)));
    let n = b.len();
    match n {
        0 => [0; 2],
        1..=3 => [u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16, 0],
        4..=7 => [w4(&b[..4]), w4(&b[n - 4..n])],
        8..=16 => [w8(&b[..8]), w8(&b[n - 8..n])],
        _ => [0; 2],
    }
}

impl Seg {
    fn key<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.at as usize..self.at as usize + self.n as usize).unwrap_or("")
    }

    #[inline(always)]
    fn find<'a>(&self, m: &'a [(String, Value)], text: &str) -> Option<&'a Value> {
        if let Some((k, v)) = m.get(self.hint.get() as usize) {
            if self.is(k, text) {
                return Some(v);
            }
        }
        self.scan(m, text)
    }

    #[inline(always)]
    fn is(&self, k: &str, text: &str) -> bool {
        let (k, n) = (k.as_bytes(), self.n as usize);
        k.len() == n && if n <= 16 { same(sig(k), self.sig) } else { k == self.key(text).as_bytes() }
    }

    #[cold]
    #[inline(never)]
    fn scan<'a>(&self, m: &'a [(String, Value)], text: &str) -> Option<&'a Value> {
        let i = m.iter().position(|(k, _)| self.is(k, text))?;
        self.hint.set(i as u32);
        Some(&m[i].1)
    }
}

/// A compiled `evalConditionValue` condition: every one of its tests holds (a plain value is one
/// test, an operator object one per operator, in order).
type Test = Box<[Op]>;

fn holds(t: &[Op], v: V) -> bool {
    t.iter().all(|o| o.eval_v(v))
}

/// A comparison, as the set of orderings that satisfy it: bit 0 less, bit 1 equal, bit 2 greater.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Rel(u8);

impl Rel {
    const LT: Rel = Rel(1);
    const LTE: Rel = Rel(3);
    const GT: Rel = Rel(4);
    const GTE: Rel = Rel(6);
    const EQ: Rel = Rel(2);
    const NE: Rel = Rel(5);
}

/// A literal for strict equality (`===`); arrays and objects never equal anything.
#[derive(Clone, Debug)]
enum Lit {
    Null,
    Bool(bool),
    Num(f64),
    Str(Text),
    Never,
}

/// An operand of `< <= > >=` after JavaScript's `ToPrimitive`: its string (if it is one) and number.
#[derive(Clone, Debug)]
struct Prim {
    s: Option<Box<str>>,
    n: f64,
}

#[derive(Clone, Debug)]
enum Op {
    /// `String(x) === s`
    Str(Text),
    /// `String(x).toLowerCase() === s` (s already lowered; `$alli` elements)
    StrI(Box<str>),
    /// `x * 1 === n`
    Num(f64),
    /// `x !== null && !!x === b`
    Bool(bool),
    /// `x === null`
    Null,
    /// `JSON.stringify(x) === JSON.stringify(v)`
    Json(Box<Value>),
    Eq(Lit),
    Ne(Lit),
    Rel(Rel, Prim),
    Exists(bool),
    /// Set membership (an array attribute intersects); `ci` compares strings lowered; `neg` for `$nin`.
    In { set: Box<[Lit]>, ci: bool, neg: bool },
    Not(Test),
    Size(Test),
    ElemTest(Test),
    ElemCond(Box<Condition>),
    All(Box<[Test]>),
    Regex(Matcher),
    Type(Option<&'static str>),
    /// Version comparison against a padded version string.
    Ver(Rel, Box<str>),
    False,
}

#[derive(Clone)]
enum Matcher {
    /// Alternatives of plain text: (anchors: 1 = `^`, 2 = `$`, text); ASCII case-insensitive if `ci`.
    Lit(Box<[(u8, Box<str>)]>, bool),
    Dyn(Rc<dyn RegexMatcher>),
}

impl fmt::Debug for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Matcher::Lit(a, ci) => write!(f, "Lit({a:?}, {ci})"),
            Matcher::Dyn(_) => f.write_str("Regex"),
        }
    }
}

/// A borrowed view of a JavaScript value (missing reads as `Null`, as GrowthBook's `getPath` does).
#[derive(Clone, Copy)]
enum V<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(&'a str),
    Arr(&'a [Value]),
    Obj(&'a [(String, Value)]),
}

fn view(v: &Value) -> V<'_> {
    match v {
        Value::Null => V::Null,
        Value::Bool(b) => V::Bool(*b),
        Value::Num(n) => V::Num(*n),
        Value::Str(s) => V::Str(s),
        Value::Arr(a) => V::Arr(a),
        Value::Obj(m) => V::Obj(m),
    }
}

impl Condition {
    /// Compiles `cond` (found at `path` in the bundle), pushing every problem into `problems`. A
    /// clause with a problem still compiles (to what GrowthBook does: usually "never holds").
    pub fn compile(cond: &Value, path: &str, problems: &mut Vec<Problem>) -> Condition {
        Condition::compile_with_groups(cond, &Value::Null, path, problems)
    }

    /// Like [`Condition::compile`], resolving `$inGroup`/`$notInGroup` against GrowthBook saved
    /// groups (`{"group id": [values…]}`).
    pub fn compile_with_groups(cond: &Value, saved_groups: &Value, path: &str, problems: &mut Vec<Problem>) -> Condition {
        let mut cx = Cx { groups: saved_groups, problems, visiting: Vec::new() };
        cx.cond(cond, path)
    }

    /// A condition that always holds (an absent `when`).
    pub fn always() -> Condition {
        Condition::default()
    }

    /// Whether the context satisfies the condition. Never panics; allocates only for rare
    /// JavaScript coercions (an array compared with a string).
    pub fn eval(&self, ctx: &Value) -> bool {
        // Plain loops on the hot path: closures stay calls in the size-optimised wasm build.
        for c in self.clauses.iter() {
            let ok = match c {
                Clause::Path(p, op, more) => p.test(ctx, op, more),
                _ => c.eval(ctx),
            };
            if !ok {
                return false;
            }
        }
        true
    }

    /// `None` when the condition holds; otherwise the first failing clause with the value seen,
    /// e.g. `cart.value is 40, needs $gte 100`.
    pub fn explain(&self, ctx: &Value) -> Option<String> {
        let i = self.clauses.iter().position(|c| !c.eval(ctx))?;
        let src = match &self.src {
            Value::Obj(m) => m.get(i).map(|e| &e.1),
            _ => None,
        };
        Some(self.clauses[i].explain(ctx, src.unwrap_or(&Value::Null)))
    }

    /// Every context path the condition reads (not those inside `$elemMatch`, which are relative to
    /// array elements), each once, in order.
    pub fn paths(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_paths(&mut out);
        out
    }

    fn collect_paths<'a>(&'a self, out: &mut Vec<&'a str>) {
        for c in self.clauses.iter() {
            match c {
                Clause::Path(p, ..) => {
                    if !out.contains(&&*p.text) {
                        out.push(&p.text);
                    }
                }
                Clause::Or(s) | Clause::Nor(s) | Clause::And(s) => s.iter().for_each(|c| c.collect_paths(out)),
                Clause::Not(c) => c.collect_paths(out),
                Clause::False => {}
            }
        }
    }
}

impl Clause {
    fn eval(&self, ctx: &Value) -> bool {
        match self {
            // Only `explain` gets here (`Condition::eval` tests paths itself): the general road.
            Clause::Path(p, op, more) => holds_general(p, ctx, op, more),
            Clause::Or(s) => s.is_empty() || s.iter().any(|c| c.eval(ctx)),
            Clause::Nor(s) => !(s.is_empty() || s.iter().any(|c| c.eval(ctx))),
            Clause::And(s) => s.iter().all(|c| c.eval(ctx)),
            Clause::Not(c) => !c.eval(ctx),
            Clause::False => false,
        }
    }

    fn explain(&self, ctx: &Value, src: &Value) -> String {
        match self {
            Clause::Path(p, op, more) => {
                let seen = p.get(ctx);
                let mut s = String::from(&*p.text);
                s.push_str(" is ");
                match seen {
                    Some(v) => v_json(v, &mut s),
                    None => s.push_str("missing"),
                }
                s.push_str(", needs ");
                match src {
                    Value::Obj(m) if is_operator_object(src) => {
                        let v = seen.unwrap_or(V::Null);
                        let i = if op.eval_v(v) { more.iter().position(|o| !o.eval_v(v)).map_or(0, |i| i + 1) } else { 0 };
                        if let Some((k, a)) = m.get(i) {
                            s.push_str(k);
                            s.push(' ');
                            a.write_json(&mut s);
                        }
                    }
                    _ => src.write_json(&mut s),
                }
                s
            }
            Clause::Or(subs) => {
                let first = subs.first().and_then(|c| c.explain(ctx)).unwrap_or_default();
                cat(&["no $or alternative holds (first: ", &first, ")"])
            }
            Clause::Nor(subs) => {
                let i = subs.iter().position(|c| c.eval(ctx)).unwrap_or(0);
                cat(&["$nor alternative ", &num_key(i), " holds"])
            }
            Clause::And(subs) => subs.iter().find_map(|c| c.explain(ctx)).unwrap_or_default(),
            Clause::Not(_) => "the $not condition holds".into(),
            Clause::False => "invalid condition".into(),
        }
    }
}

impl Path {
    fn new(text: &str) -> Option<Path> {
        let mut segs = [Seg::default(), Seg::default()];
        let mut at = 0;
        let mut count = 0u16;
        for k in crate::small::parts(text, b'.') {
            if let Some(s) = segs.get_mut(count as usize) {
                *s = Seg { sig: sig(k.as_bytes()), at: u16::try_from(at).ok()?, n: u16::try_from(k.len()).ok()?, hint: Cell::new(0) };
            }
            at += k.len() + 1;
            count = count.checked_add(1)?;
        }
        Some(Path { segs, count, text: text.into() })
    }

    /// Whether the value at this path passes `op` and `more`.
    #[inline(always)]
    fn test(&self, ctx: &Value, op: &Op, more: &[Op]) -> bool {
        // The common case (objects all the way down) straight on the `Value`; arrays on the way
        // (indices, `length`) take the general road.
        if self.count > 2 {
            return holds_general(self, ctx, op, more);
        }
        let mut cur = ctx;
        for s in &self.segs[..self.count as usize] {
            cur = match cur {
                Value::Obj(m) => match s.find(m, &self.text) {
                    Some(v) => v,
                    None => &NULL,
                },
                Value::Arr(_) => return holds_general(self, ctx, op, more),
                _ => &NULL,
            };
        }
        if !op.eval(cur) {
            return false;
        }
        for o in more.iter() {
            if !o.eval(cur) {
                return false;
            }
        }
        true
    }

    /// GrowthBook's `getPath`; `None` when missing.
    fn get<'a>(&self, root: &'a Value) -> Option<V<'a>> {
        let mut cur = root;
        let count = self.count as usize;
        for (i, k) in crate::small::parts(&self.text, b'.').enumerate() {
            cur = match cur {
                Value::Obj(m) => match self.segs.get(i) {
                    Some(s) => s.find(m, &self.text)?,
                    None => &m.iter().find(|(x, _)| x == k)?.1,
                },
                Value::Arr(a) => {
                    let canonical = !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) && (k == "0" || !k.starts_with("0"));
                    match crate::small::parse_index(k) {
                        Some(i) if canonical => a.get(i)?,
                        // A number has no members, so `length` can only end a path.
                        _ if k == "length" && i + 1 == count => return Some(V::Num(a.len() as f64)),
                        _ => return None,
                    }
                }
                _ => return None,
            };
        }
        Some(view(cur))
    }
}

static NULL: Value = Value::Null;

/// [`Path::test`] through [`Path::get`]: arrays on the way, or more than two keys.
fn holds_general(p: &Path, ctx: &Value, op: &Op, more: &[Op]) -> bool {
    let v = p.get(ctx).unwrap_or(V::Null);
    op.eval_v(v) && more.iter().all(|o| o.eval_v(v))
}

impl Op {
    /// The test on a value from the context: the common cases directly, the rest through [`V`].
    #[inline(always)]
    fn eval(&self, v: &Value) -> bool {
        match (self, v) {
            (Op::Regex(m), Value::Str(s)) => m.is_match(s),
            (Op::Rel(r, p), Value::Num(x)) => r.num(*x, p.n),
            (Op::Str(t) | Op::Eq(Lit::Str(t)), Value::Str(s)) => t.is(s.as_bytes()),
            (Op::In { set, ci: false, neg }, Value::Str(s)) => {
                let (b, g) = (s.as_bytes(), sig(s.as_bytes()));
                for l in set.iter() {
                    if let Lit::Str(t) = l {
                        if t.s.len() == b.len() && if b.len() <= 16 { same(t.sig, g) } else { t.s.as_bytes() == b } {
                            return !*neg;
                        }
                    }
                }
                *neg
            }
            _ => self.eval_v(view(v)),
        }
    }

    fn eval_v(&self, v: V) -> bool {
        match self {
            Op::Str(e) => match v {
                V::Str(s) => e.is(s.as_bytes()),
                _ => cmp_with(&e.s, |w| js_string(v, w)) == Ordering::Equal,
            },
            Op::StrI(e) => cmp_with(e, |w| js_string(v, &mut Lower(w))) == Ordering::Equal,
            Op::Num(n) => to_number(v) == *n,
            Op::Bool(b) => !matches!(v, V::Null) && truthy(v) == *b,
            Op::Null => matches!(v, V::Null),
            Op::Json(e) => eq_json(v, e),
            Op::Eq(l) => l.eq(v, false),
            Op::Ne(l) => !l.eq(v, false),
            Op::Rel(r, p) => match v {
                V::Num(x) => r.num(x, p.n),
                _ => rel(v, p, *r),
            },
            Op::Exists(b) => matches!(v, V::Null) != *b,
            Op::In { set, ci, neg } => {
                let has = |x: V| set.iter().any(|l| l.eq(x, *ci));
                let found = match v {
                    V::Arr(a) => a.iter().any(|x| has(view(x))),
                    _ => has(v),
                };
                found != *neg
            }
            Op::Not(t) => !holds(t, v),
            Op::Size(t) => matches!(v, V::Arr(a) if holds(t, V::Num(a.len() as f64))),
            // Null elements are skipped (GrowthBook 1.8; earlier versions skipped every falsy one).
            Op::ElemTest(t) => matches!(v, V::Arr(a) if a.iter().any(|x| !x.is_null() && holds(t, view(x)))),
            Op::ElemCond(c) => matches!(v, V::Arr(a) if a.iter().any(|x| !x.is_null() && c.eval(x))),
            Op::All(ts) => matches!(v, V::Arr(a) if ts.iter().all(|t| a.iter().any(|x| holds(t, view(x))))),
            Op::Regex(m) => match v {
                V::Str(s) => m.is_match(s),
                V::Arr(_) => m.is_match(&js_text(v)),
                _ => {
                    let mut b = Buf::<40>::default();
                    js_string(v, &mut b).is_ok() && m.is_match(b.as_str())
                }
            },
            Op::Type(t) => *t == Some(type_name(v)),
            Op::Ver(r, e) => r.holds(Some(cmp_with(e, |w| write_padded(v, w)))),
            Op::False => false,
        }
    }
}

impl Lit {
    fn eq(&self, v: V, ci: bool) -> bool {
        match (self, v) {
            (Lit::Null, V::Null) => true,
            (Lit::Bool(a), V::Bool(b)) => *a == b,
            (Lit::Num(a), V::Num(b)) => *a == b,
            (Lit::Str(a), V::Str(b)) if ci => eq_lower(b, &a.s),
            (Lit::Str(a), V::Str(b)) => a.is(b.as_bytes()),
            _ => false,
        }
    }
}

impl Rel {
    /// `x < n` and so on (false with NaN, as in JavaScript), without branches.
    #[inline(always)]
    fn num(self, x: f64, n: f64) -> bool {
        let o = u8::from(x < n) | u8::from(x == n) << 1 | u8::from(x > n) << 2;
        self.0 & o != 0
    }

    fn holds(self, o: Option<Ordering>) -> bool {
        let bit = match o {
            None => 0,
            Some(Ordering::Less) => 1,
            Some(Ordering::Equal) => 2,
            Some(Ordering::Greater) => 4,
        };
        self.0 & bit != 0
    }
}

/// JavaScript's `a < b` family: two strings compare by UTF-16 code units, anything else by number.
fn rel(v: V, p: &Prim, r: Rel) -> bool {
    let num = |x: f64| r.num(x, p.n);
    let text = |s: &str| match &p.s {
        Some(e) => r.holds(Some(cmp16(s, e))),
        None => r.holds(str_to_number(s).partial_cmp(&p.n)),
    };
    match v {
        V::Num(x) => num(x),
        V::Str(s) => text(s),
        V::Null => num(0.0),
        V::Bool(b) => num(f64::from(u8::from(b))),
        V::Obj(_) => text(OBJECT),
        V::Arr(_) => text(&js_text(v)),
    }
}

impl Matcher {
    fn is_match(&self, s: &str) -> bool {
        match self {
            Matcher::Dyn(m) => m.is_match(s),
            Matcher::Lit(alts, ci) => alts.iter().any(|(a, l)| {
                let (s, l) = (s.as_bytes(), l.as_bytes());
                let n = l.len();
                let eq = |x: &[u8]| if *ci { x.eq_ignore_ascii_case(l) } else { x == l };
                match a {
                    // Searching: only where the first byte matches.
                    0 => n == 0 || s.windows(n).any(|w| (w[0] == l[0] || *ci && w[0].eq_ignore_ascii_case(&l[0])) && eq(w)),
                    1 => s.len() >= n && eq(&s[..n]),
                    2 => s.len() >= n && eq(&s[s.len() - n..]),
                    _ => eq(s),
                }
            }),
        }
    }
}

/// Parses a pattern made of plain-text alternatives, each with optional `^`/`$` anchors (`size|fit`,
/// `near me$`, `(Mobile|Tablet)`), which then needs no regex engine and matches exactly as
/// JavaScript would. Case-insensitive only for ASCII text (where JavaScript's `i` flag is ASCII
/// case folding too).
fn literal_pattern(p: &str, ci: bool) -> Option<Matcher> {
    let inner = p.strip_prefix("(").and_then(|q| q.strip_suffix(")")).filter(|q| !q.starts_with("?"));
    let p = inner.unwrap_or(p);
    if ci && !p.is_ascii() {
        return None;
    }
    let mut alts = Vec::new();
    for alt in crate::small::parts(p, b'|') {
        let (a1, alt) = match alt.strip_prefix("^") {
            Some(r) => (1, r),
            None => (0, alt),
        };
        let (a2, alt) = match alt.strip_suffix("$") {
            Some(r) => (2, r),
            None => (0, alt),
        };
        if alt.bytes().any(|b| b"\\^$.|?*+()[]{}".contains(&b)) {
            return None;
        }
        alts.push((a1 | a2, alt.into()));
    }
    Some(Matcher::Lit(alts.into(), ci))
}

fn compile_regex(p: &str, ci: bool) -> Result<Matcher, String> {
    if let Some(m) = literal_pattern(p, ci) {
        return Ok(m);
    }
    let factory = FACTORY.with(Cell::get).or(DEFAULT_FACTORY);
    let Some(f) = factory else {
        return Err("this build has no regular-expression engine".into());
    };
    let prefixed;
    let src = if ci {
        prefixed = cat(&["(?i)", p]);
        &prefixed
    } else {
        p
    };
    f(src).map(Matcher::Dyn)
}

// ---------------------------------------------------------------------------------------------
// Compiling

struct Cx<'a> {
    groups: &'a Value,
    problems: &'a mut Vec<Problem>,
    /// The `$savedGroup` condition groups being compiled (a group that contains itself matches
    /// nobody).
    visiting: Vec<String>,
}

const VERSION_OPS: [(&str, Rel); 6] =
    [("$veq", Rel::EQ), ("$vne", Rel::NE), ("$vgt", Rel::GT), ("$vgte", Rel::GTE), ("$vlt", Rel::LT), ("$vlte", Rel::LTE)];
/// Operator names without their `$`, a common slip (space-separated: see `small`).
const BARE_OPS: &str = "eq ne gt gte lt lte in nin all elemMatch size exists type regex regexi not";

const REL_OPS: [(&str, Rel); 4] = [("$lt", Rel::LT), ("$lte", Rel::LTE), ("$gt", Rel::GT), ("$gte", Rel::GTE)];
const TYPES: [&str; 6] = ["string", "number", "boolean", "object", "array", "null"];

/// `Object.entries(v)` for a value that is not an object (what GrowthBook iterates).
fn entries(v: &Value) -> Vec<(String, Value)> {
    // Plain pushes: two `collect`s of different iterators cost more wasm.
    let mut out = Vec::new();
    match v {
        Value::Arr(a) => {
            for (i, x) in a.iter().enumerate() {
                out.push((num_key(i), x.clone()));
            }
        }
        Value::Str(s) => {
            for (i, c) in s.chars().enumerate() {
                out.push((num_key(i), Value::Str(c.to_string())));
            }
        }
        _ => {}
    }
    out
}

/// `i` as text, through the engine's own number writer (`usize::to_string` is its own code).
fn num_key(i: usize) -> String {
    let mut s = String::new();
    write_num(i as f64, &mut s);
    s
}

fn is_operator_object(v: &Value) -> bool {
    matches!(v, Value::Obj(m) if !m.is_empty() && m.iter().all(|(k, _)| k.starts_with("$")))
}

impl Cx<'_> {
    fn err(&mut self, path: &str, msg: String) {
        self.problems.push(Problem::error(path, msg));
    }

    fn cond(&mut self, v: &Value, path: &str) -> Condition {
        let src = match v {
            Value::Obj(_) => v.clone(),
            Value::Null => {
                self.err(path, "a condition must be an object, not null".into());
                return Condition { clauses: Box::new([Clause::False]), src: Value::Null };
            }
            _ => {
                self.err(path, cat(&["a condition must be an object, not ", v.type_name()]));
                Value::Obj(entries(v))
            }
        };
        let mut clauses = Vec::new();
        for (k, x) in src.as_object().unwrap_or_default() {
            clauses.push(self.clause(k, x, path));
        }
        Condition { clauses: clauses.into_boxed_slice(), src }
    }

    /// One member `k: x` of a condition object at `path`.
    fn clause(&mut self, k: &str, x: &Value, path: &str) -> Clause {
        let at = join(path, k);
        match k {
            "$or" | "$nor" | "$and" => {
                let owned;
                let list: &[Value] = match x {
                    Value::Arr(a) => a,
                    _ => {
                        self.err(&at, cat(&[k, " needs an array of conditions"]));
                        if x.is_null() {
                            return Clause::False;
                        }
                        let mut vals = Vec::new();
                        for e in &mut entries(x) {
                            vals.push(std::mem::take(&mut e.1));
                        }
                        owned = vals;
                        &owned
                    }
                };
                let mut subs = Vec::new();
                for (i, c) in list.iter().enumerate() {
                    subs.push(self.cond(c, &index(&at, i)));
                }
                let subs = subs.into_boxed_slice();
                match k {
                    "$or" => Clause::Or(subs),
                    "$nor" => Clause::Nor(subs),
                    _ => Clause::And(subs),
                }
            }
            "$not" => Clause::Not(Box::new(self.cond(x, &at))),
            "$savedGroup" => self.saved_group(x, &at),
            _ => {
                let Some(p) = Path::new(k) else {
                    self.err(&at, "path is too long".into());
                    return Clause::False;
                };
                let mut ops = self.test(x, &at, false).into_vec();
                // Never empty (an operator object has a key); `!== Never` holds, as `{}` would.
                let op = if ops.is_empty() { Op::Ne(Lit::Never) } else { ops.remove(0) };
                Clause::Path(p, op, ops.into())
            }
        }
    }

    /// `{"$savedGroup": {"id", "attributeKey"?}}`: a "list" group is `$in` on its attribute, a
    /// "condition" group its condition; anything else matches nobody.
    fn saved_group(&mut self, r: &Value, path: &str) -> Clause {
        let id = r.get("id").and_then(Value::as_str).filter(|id| !self.visiting.iter().any(|v| v == id));
        let key = r.get("attributeKey");
        let entry = id.and_then(|id| self.groups.get(id));
        let Some((id, entry)) = id.zip(entry).filter(|_| !matches!(key, Some(k) if k.as_str().is_none())) else {
            self.problems.push(Problem::warning(path, "no such saved group; it matches nobody"));
            return Clause::False;
        };
        match entry.get("type").and_then(Value::as_str) {
            Some("list") => {
                let key = key.or(entry.get("attributeKey")).and_then(Value::as_str);
                match (key.and_then(Path::new), entry.get("values")) {
                    (Some(p), Some(Value::Arr(x))) => {
                        Clause::Path(p, Op::In { set: lits(x, false), ci: false, neg: false }, Box::new([]))
                    }
                    _ => Clause::False,
                }
            }
            Some("condition") if matches!(entry.get("condition"), Some(Value::Obj(_))) => {
                self.visiting.push(id.to_string());
                let c = self.cond(entry.get("condition").unwrap_or(&Value::Null), path);
                self.visiting.pop();
                Clause::And(Box::new([c]))
            }
            _ => Clause::False,
        }
    }

    fn test(&mut self, v: &Value, path: &str, ci: bool) -> Test {
        let one = match v {
            Value::Str(s) if ci => Op::StrI(lower(s).into()),
            Value::Str(s) => Op::Str(Text::new(s)),
            Value::Num(n) => Op::Num(*n),
            Value::Bool(b) => Op::Bool(*b),
            Value::Null => Op::Null,
            Value::Obj(m) if is_operator_object(v) => {
                let mut ops = Vec::new();
                for (k, a) in m {
                    ops.push(self.op(k, a, path));
                }
                return ops.into_boxed_slice();
            }
            Value::Obj(m) => {
                if m.iter().any(|(k, _)| k.starts_with("$")) {
                    self.problems.push(Problem::warning(
                        path,
                        "mixes operators and plain keys, so it is compared as a whole object",
                    ));
                } else if let Some((k, _)) = m.iter().find(|(k, _)| crate::small::parts(BARE_OPS, b' ').any(|o| o == k)) {
                    // `{"cart.value": {"gte": 100}}` compares the value with that object: never true.
                    self.problems.push(Problem::warning(
                        path,
                        cat(&["compares with an object that has the key \"", k, "\" (did you mean the operator \"$", k, "\"?)"]),
                    ));
                }
                Op::Json(Box::new(v.clone()))
            }
            Value::Arr(_) => Op::Json(Box::new(v.clone())),
        };
        Box::new([one])
    }

    /// One operator. A wrong operand is a problem; the operator then still does what GrowthBook
    /// does with it (usually: never holds).
    fn op(&mut self, name: &str, a: &Value, path: &str) -> Op {
        let needs = |cx: &mut Self, what: &str| {
            cx.err(path, cat(&[name, " needs ", what]));
            Op::False
        };
        if let Some(&(_, r)) = REL_OPS.iter().find(|(n, _)| *n == name) {
            let s = match a {
                Value::Str(s) => Some(s.as_str().into()),
                Value::Arr(_) | Value::Obj(_) => {
                    needs(self, "a number or a string");
                    Some(js_text(view(a)).into())
                }
                _ => None,
            };
            return Op::Rel(r, Prim { s, n: to_number(view(a)) });
        }
        if let Some(&(_, r)) = VERSION_OPS.iter().find(|(n, _)| *n == name) {
            if !matches!(a, Value::Str(_) | Value::Num(_)) {
                needs(self, "a version string");
            }
            let mut e = String::new();
            let _ = write_padded(view(a), &mut e);
            return Op::Ver(r, e.into());
        }
        match name {
            "$eq" | "$ne" => {
                if matches!(a, Value::Arr(_) | Value::Obj(_)) {
                    self.problems.push(Problem::warning(
                        path,
                        cat(&[name, " with an array or object never matches; write the value without ", name]),
                    ));
                }
                let l = lit(a, false);
                if name == "$eq" {
                    Op::Eq(l)
                } else {
                    Op::Ne(l)
                }
            }
            "$exists" => Op::Exists(truthy(view(a))),
            "$in" | "$nin" | "$ini" | "$nini" => match a {
                Value::Arr(items) => {
                    let ci = name.ends_with("i");
                    Op::In { set: lits(items, ci), ci, neg: name.starts_with("$n") }
                }
                _ => needs(self, "an array"),
            },
            "$inGroup" | "$notInGroup" => {
                let key = js_text(view(a));
                let neg = name == "$notInGroup";
                let items: Option<&[Value]> = match self.groups.get(&key) {
                    None => {
                        self.problems.push(Problem::warning(path, cat(&["unknown saved group \"", &key, "\""])));
                        Some(&[])
                    }
                    Some(Value::Arr(x)) => Some(x),
                    Some(e @ Value::Obj(_)) if e.get("type").and_then(Value::as_str) == Some("list") => {
                        e.get("values").and_then(Value::as_array)
                    }
                    Some(_) => None,
                };
                match items {
                    Some(x) => Op::In { set: lits(x, false), ci: false, neg },
                    None => Op::False,
                }
            }
            "$not" => Op::Not(self.test(a, &join(path, name), false)),
            "$size" => {
                if !matches!(a, Value::Num(_) | Value::Obj(_)) {
                    needs(self, "a number or an operator object");
                }
                Op::Size(self.test(a, &join(path, name), false))
            }
            "$elemMatch" => {
                let at = join(path, name);
                if is_operator_object(a) {
                    Op::ElemTest(self.test(a, &at, false))
                } else {
                    Op::ElemCond(Box::new(self.cond(a, &at)))
                }
            }
            "$all" | "$alli" => match a {
                Value::Arr(items) => {
                    let at = join(path, name);
                    let mut all = Vec::new();
                    for x in items {
                        all.push(self.test(x, &at, name == "$alli"));
                    }
                    Op::All(all.into_boxed_slice())
                }
                _ => needs(self, "an array"),
            },
            "$regex" | "$regexi" => match a {
                Value::Str(p) => match compile_regex(p, name == "$regexi") {
                    Ok(m) => Op::Regex(m),
                    Err(e) => {
                        let mut q = String::new();
                        write_str(p, &mut q);
                        self.err(path, cat(&["bad ", name, " ", &q, ": ", &e]));
                        Op::False
                    }
                },
                _ => needs(self, "a string"),
            },
            "$type" => {
                let t = a.as_str().and_then(|s| TYPES.iter().find(|t| **t == s)).copied();
                if t.is_none() {
                    return needs(self, "one of string, number, boolean, object, array, null");
                }
                Op::Type(t)
            }
            _ => {
                self.err(path, cat(&["unknown operator \"", name, "\""]));
                Op::False
            }
        }
    }
}

/// Concatenates (a smaller alternative to `format!` for messages).
fn cat(parts: &[&str]) -> String {
    crate::small::cat(parts)
}

/// The literals of an `$in`-style list (a plain push loop: one copy, no `FromIterator` instance).
fn lits(items: &[Value], ci: bool) -> Box<[Lit]> {
    let mut set = Vec::with_capacity(items.len());
    for x in items {
        set.push(lit(x, ci));
    }
    set.into_boxed_slice()
}

fn lit(v: &Value, ci: bool) -> Lit {
    match v {
        Value::Null => Lit::Null,
        Value::Bool(b) => Lit::Bool(*b),
        Value::Num(n) => Lit::Num(*n),
        Value::Str(s) if ci => Lit::Str(Text::new(&lower(s))),
        Value::Str(s) => Lit::Str(Text::new(s)),
        _ => Lit::Never,
    }
}

// ---------------------------------------------------------------------------------------------
// JavaScript semantics

const OBJECT: &str = "[object Object]";

fn type_name(v: V) -> &'static str {
    match v {
        V::Null => "null",
        V::Bool(_) => "boolean",
        V::Num(_) => "number",
        V::Str(_) => "string",
        V::Arr(_) => "array",
        V::Obj(_) => "object",
    }
}

/// `!!v`
fn truthy(v: V) -> bool {
    match v {
        V::Null => false,
        V::Bool(b) => b,
        V::Num(n) => n != 0.0 && !n.is_nan(),
        V::Str(s) => !s.is_empty(),
        V::Arr(_) | V::Obj(_) => true,
    }
}

/// `v * 1`
fn to_number(v: V) -> f64 {
    match v {
        V::Null => 0.0,
        V::Bool(b) => f64::from(u8::from(b)),
        V::Num(n) => n,
        V::Str(s) => str_to_number(s),
        V::Obj(_) => f64::NAN,
        // Through String(array): "" is 0, one element is that element's text, more have a comma.
        V::Arr([]) => 0.0,
        V::Arr([x]) => match x {
            Value::Null => 0.0,
            Value::Bool(_) | Value::Obj(_) => f64::NAN,
            x => to_number(view(x)),
        },
        V::Arr(_) => f64::NAN,
    }
}

fn is_js_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}')
}

/// JavaScript's `Number(string)`.
fn str_to_number(s: &str) -> f64 {
    let t = crate::small::trim_by(s, is_js_space);
    if t.is_empty() {
        return 0.0;
    }
    let b = t.as_bytes();
    if b.len() > 2 && b[0] == b'0' {
        let radix = match b[1] {
            b'x' | b'X' => 16,
            b'o' | b'O' => 8,
            b'b' | b'B' => 2,
            _ => 0,
        };
        if radix > 0 {
            let mut n = 0.0;
            for c in t[2..].chars() {
                match c.to_digit(radix) {
                    Some(d) => n = n * f64::from(radix) + f64::from(d),
                    None => return f64::NAN,
                }
            }
            return n;
        }
    }
    match t {
        "Infinity" | "+Infinity" => f64::INFINITY,
        "-Infinity" => f64::NEG_INFINITY,
        _ if t.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-')) => {
            crate::json::parse_float(t).unwrap_or(f64::NAN)
        }
        _ => f64::NAN,
    }
}

/// Writes JavaScript's `String(v)`.
fn js_string(v: V, w: &mut dyn Out) -> fmt::Result {
    match v {
        V::Null => w.put("null"),
        V::Bool(b) => w.put(if b { "true" } else { "false" }),
        V::Num(n) => js_num(n, w),
        V::Str(s) => w.put(s),
        V::Obj(_) => w.put(OBJECT),
        V::Arr(a) => {
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    put_char(w, ',')?;
                }
                if !x.is_null() {
                    js_string(view(x), w)?;
                }
            }
            Ok(())
        }
    }
}

fn js_text(v: V) -> String {
    let mut s = String::new();
    let _ = js_string(v, &mut s);
    s
}

/// Writes a number as JavaScript's `String(n)` does: integers here without allocating, others
/// through [`crate::json::write_js_num`] (which the browser build hands to JavaScript itself).
fn js_num(n: f64, w: &mut dyn Out) -> fmt::Result {
    if n == n.trunc() && n.abs() < 1e15 {
        // Exact for these integers; -0 prints as "0". No allocation: this runs inside `eval`.
        let mut buf = [0u8; 21];
        let text = crate::json::int_text(n as i64, &mut buf);
        return w.put(std::str::from_utf8(text).unwrap_or("0"));
    }
    let mut s = String::new();
    crate::json::write_js_num(n, &mut s);
    w.put(&s)
}

/// GrowthBook's `paddedVersionString`: `v` and build info dropped, parts split on `-` and `.`, numbers
/// left-padded to 5, joined with `-`; a plain `x.y.z` gets `-~` so it sorts after its pre-releases.
fn write_padded(v: V, w: &mut dyn Out) -> fmt::Result {
    let mut b = Buf::<40>::default();
    let s = match v {
        V::Num(n) => {
            js_num(n, &mut b)?;
            b.as_str()
        }
        V::Str(s) if !s.is_empty() => s,
        _ => "0",
    };
    let s = s.strip_prefix("v").unwrap_or(s);
    // `\+.*$`: from the first `+` that has no line break after it.
    let mut line = 0;
    for (i, c) in s.char_indices() {
        if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
            line = i + c.len_utf8(); // U+2028/2029 are 3 bytes: never slice inside them
        }
    }
    let s = match crate::small::find_byte(&s[line..], b'+') {
        Some(i) => &s[..line + i],
        None => s,
    };
    // Split on `-` and `.` by bytes (both ASCII): no `[char; 2]` searcher.
    let (b, mut start, mut count) = (s.as_bytes(), 0, 0);
    for i in 0..=b.len() {
        if i < b.len() && b[i] != b'-' && b[i] != b'.' {
            continue;
        }
        let part = &s[start..i];
        start = i + 1;
        if count > 0 {
            put_char(w, '-')?;
        }
        if !part.is_empty() && part.bytes().all(|c| c.is_ascii_digit()) {
            (part.len()..5).try_for_each(|_| put_char(w, ' '))?;
        }
        w.put(part)?;
        count += 1;
    }
    if count == 3 {
        w.put("-~")?;
    }
    Ok(())
}

/// `JSON.stringify(v) === JSON.stringify(e)`
fn eq_json(v: V, e: &Value) -> bool {
    match (v, e) {
        (V::Null, Value::Null) => true,
        (V::Bool(a), Value::Bool(b)) => a == *b,
        (V::Num(a), Value::Num(b)) => a == *b,
        (V::Str(a), Value::Str(b)) => a == b,
        (V::Arr(a), Value::Arr(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| eq_json(view(x), y)),
        (V::Obj(a), Value::Obj(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|((ka, va), (kb, vb))| ka == kb && eq_json(view(va), vb))
        }
        _ => false,
    }
}

fn v_json(v: V, out: &mut String) {
    match v {
        V::Null => out.push_str("null"),
        V::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        V::Num(n) => write_num(n, out),
        V::Str(s) => write_str(s, out),
        V::Arr(a) => crate::json::write_arr(a, out),
        V::Obj(m) => crate::json::write_obj(m, out),
    }
}

/// Orders `a` against `b` as JavaScript does: by UTF-16 code units.
fn cmp16(a: &str, b: &str) -> Ordering {
    cmp_with(b, |w| w.put(a))
}

/// Orders the text that `f` writes against `e`, without building it.
fn cmp_with(e: &str, f: impl FnOnce(&mut dyn Out) -> fmt::Result) -> Ordering {
    let mut k = Sink { rest: e.as_bytes(), ord: Ordering::Equal };
    let _ = f(&mut k);
    match k.ord {
        Ordering::Equal if !k.rest.is_empty() => Ordering::Less,
        o => o,
    }
}

/// Compares what is written to it with the rest of a string; stops (with an error) at the first
/// difference.
struct Sink<'a> {
    rest: &'a [u8],
    ord: Ordering,
}

impl Out for Sink<'_> {
    fn put(&mut self, s: &str) -> fmt::Result {
        let s = s.as_bytes();
        if let Some((&x, &y)) = s.iter().zip(self.rest).find(|(x, y)| x != y) {
            // UTF-8 byte order is code point order; UTF-16 differs only between U+E000..U+FFFF
            // (lead bytes EE, EF) and supplementary characters (F0..F4, surrogates D800..).
            let bmp_high = |c: u8| c == 0xEE || c == 0xEF;
            self.ord = if x >= 0xF0 && bmp_high(y) {
                Ordering::Less
            } else if y >= 0xF0 && bmp_high(x) {
                Ordering::Greater
            } else {
                x.cmp(&y)
            };
            return Err(fmt::Error);
        }
        if s.len() > self.rest.len() {
            self.ord = Ordering::Greater;
            return Err(fmt::Error);
        }
        self.rest = &self.rest[s.len()..];
        Ok(())
    }
}

/// Lowercases what is written through it (JavaScript's `toLowerCase`, character by character).
struct Lower<'a>(&'a mut dyn Out);

impl Out for Lower<'_> {
    fn put(&mut self, s: &str) -> fmt::Result {
        s.chars().try_for_each(|c| put_char(self.0, crate::unicode::lower_char(c)))
    }
}

fn lower(s: &str) -> String {
    let mut o = String::new();
    let _ = Lower(&mut o).put(s);
    o
}

/// `a.toLowerCase() === e` for an already lowered `e`.
fn eq_lower(a: &str, e: &str) -> bool {
    cmp_with(e, |w| Lower(w).put(a)) == Ordering::Equal
}

/// Where condition text is written: a `String`, a [`Sink`] comparing, a [`Lower`]ing wrapper, a
/// [`Buf`]. A one-method trait of our own rather than `fmt::Write`, whose vtables carry
/// `write_char` and `write_fmt` (and so all of `core::fmt::write`) for every writer.
trait Out {
    fn put(&mut self, s: &str) -> fmt::Result;
}

impl Out for String {
    fn put(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

fn put_char(w: &mut dyn Out, c: char) -> fmt::Result {
    w.put(c.encode_utf8(&mut [0; 4]))
}

/// A small stack buffer for number text.
struct Buf<const N: usize> {
    b: [u8; N],
    n: usize,
}

impl<const N: usize> Default for Buf<N> {
    fn default() -> Self {
        Buf { b: [0; N], n: 0 }
    }
}

impl<const N: usize> Buf<N> {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.b[..self.n]).unwrap_or("")
    }
}

impl<const N: usize> Out for Buf<N> {
    fn put(&mut self, s: &str) -> fmt::Result {
        let end = self.n + s.len();
        if end > self.b.len() {
            return Err(fmt::Error);
        }
        self.b[self.n..end].copy_from_slice(s.as_bytes());
        self.n = end;
        Ok(())
    }
}

/// Evaluates an uncompiled condition, exactly as GrowthBook's `evalCondition(attributes, condition, savedGroups)`.
pub fn eval_condition(attrs: &Value, cond: &Value, saved_groups: &Value) -> bool {
    let mut p = Vec::new();
    Condition::compile_with_groups(cond, saved_groups, "", &mut p).eval(attrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(n: f64) -> String {
        let mut s = String::new();
        js_num(n, &mut s).unwrap();
        s
    }

    #[test]
    fn numbers_print_like_javascript() {
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
            (0.1 + 0.2, "0.30000000000000004"),
            (1e300, "1e+300"),
            (5e-324, "5e-324"),
            (-1e-7, "-1e-7"),
            (123.456, "123.456"),
            (1e15, "1000000000000000"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (f64::INFINITY, "Infinity"),
            (-2.5e-6, "-0.0000025"),
        ];
        for (n, s) in cases {
            assert_eq!(js(n), s);
        }
    }

    #[test]
    fn strings_convert_like_javascript() {
        assert_eq!(str_to_number(" 12 "), 12.0);
        assert_eq!(str_to_number(""), 0.0);
        assert_eq!(str_to_number("0x1f"), 31.0);
        assert!(str_to_number("inf").is_nan());
        assert!(str_to_number("12px").is_nan());
        assert_eq!(str_to_number("-Infinity"), f64::NEG_INFINITY);
        assert_eq!(cmp16("\u{ffff}", "\u{10000}"), Ordering::Greater);
        assert_eq!(cmp16("abc", "abd"), Ordering::Less);
        assert_eq!(cmp16("ab", "abc"), Ordering::Less);
    }

    #[test]
    fn version_strings_with_unicode_line_breaks() {
        // JavaScript's `\+.*$` stops at U+2028/U+2029; the build suffix after one is cut, the
        // text before it is compared. (This used to slice inside the 3-byte character: a panic.)
        let c = Value::parse(r#"{"v": {"$vgt": "1.0.0"}}"#).unwrap();
        let cond = Condition::compile(&c, "", &mut Vec::new());
        for (v, want) in [(r"2.0.0\u2028+build", true), (r"0.9\u2029+x", false), (r"1.0.0+\u2028x", true)] {
            let ctx = Value::parse(&format!(r#"{{"v": "{v}"}}"#)).unwrap();
            assert_eq!(cond.eval(&ctx), want, "{v}");
        }
    }

    #[test]
    fn problems_and_explain() {
        let c = Value::parse(r#"{"cart.value": {"$gte ": 100}, "tags": {"$in": 3}, "q": {"$regex": "(["}, "$or": [{"cart.items": {"$gt": 0}}]}"#).unwrap();
        let mut p = Vec::new();
        let cond = Condition::compile(&c, "rules[2].when", &mut p);
        let texts: Vec<String> = p.iter().map(|p| p.to_string()).collect();
        assert_eq!(texts[0], "rules[2].when.cart.value: unknown operator \"$gte \"");
        assert_eq!(texts[1], "rules[2].when.tags: $in needs an array");
        assert!(texts[2].starts_with("rules[2].when.q: bad $regex \"([\""), "{}", texts[2]);
        assert_eq!(cond.paths(), vec!["cart.value", "tags", "q", "cart.items"]);
        let ctx = Value::parse(r#"{"cart": {"value": 40}}"#).unwrap();
        assert!(!cond.eval(&ctx));
        let c = Value::parse(r#"{"cart.items": {"$gt": 0}}"#).unwrap();
        let cond = Condition::compile(&c, "", &mut p);
        assert_eq!(cond.explain(&ctx).unwrap(), "cart.items is missing, needs $gt 0");
        assert_eq!(Condition::always().explain(&ctx), None);
    }

    #[test]
    fn literal_patterns() {
        let m = literal_pattern("size|^fit$|near me$", false).unwrap();
        assert!(m.is_match("what size"));
        assert!(m.is_match("fit"));
        assert!(!m.is_match("fits"));
        assert!(m.is_match("shops near me"));
        assert!(literal_pattern("a.b", false).is_none());
        let m = literal_pattern("(Mobile|Tablet)", true).unwrap();
        assert!(m.is_match("android MOBILE"));
        assert!(literal_pattern("", false).unwrap().is_match("x"));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for c in ["null", "5", "\"ab\"", "[1]", r#"{"$or": 5}"#, r#"{"$and": null}"#, r#"{"a": {"$elemMatch": null}}"#,
            r#"{"a": {"$size": "x"}}"#, r#"{"a": {"$type": 1}}"#, r#"{"a": {"$vgt": [1]}}"#, r#"{"a.length": 2}"#] {
            let v = Value::parse(c).unwrap();
            let mut p = Vec::new();
            let cond = Condition::compile(&v, "w", &mut p);
            let ctx = Value::parse(r#"{"a": [1, 2]}"#).unwrap();
            let _ = cond.eval(&ctx);
            let _ = cond.explain(&ctx);
        }
        let cond = Condition::compile(&Value::parse(r#"{"a.length": 2}"#).unwrap(), "", &mut Vec::new());
        assert!(cond.eval(&Value::parse(r#"{"a": [1, 2]}"#).unwrap()));
    }

    fn check(cond: &str, ctx: &str) -> bool {
        let c = Condition::compile(&Value::parse(cond).unwrap(), "", &mut Vec::new());
        let ctx = Value::parse(ctx).unwrap();
        // Twice: the second run goes through the remembered key positions.
        let first = c.eval(&ctx);
        assert_eq!(first, c.eval(&ctx), "{cond} on {ctx:?}");
        assert_eq!(c.explain(&ctx).is_none(), first);
        first
    }

    #[test]
    fn paths_reach_everywhere() {
        let ctx = r#"{"a": {"averyveryverylongkeyname": {"x": 1}}, "q": ["s", "t"], "o": [{"k": 5}], "n": 3}"#;
        assert!(check(r#"{"a.averyveryverylongkeyname.x": 1}"#, ctx));
        assert!(check(r#"{"q.1": "t", "q.length": 2, "o.0.k": {"$gt": 4}}"#, ctx));
        assert!(!check(r#"{"q.01": "t"}"#, ctx));
        assert!(check(r#"{"n.x": null, "missing.x.y": {"$exists": false}}"#, ctx));
        // Shapes change between contexts: the remembered positions must not mislead.
        let c = Condition::compile(&Value::parse(r#"{"b.c": 2}"#).unwrap(), "", &mut Vec::new());
        assert!(c.eval(&Value::parse(r#"{"a": 1, "b": {"c": 2}}"#).unwrap()));
        assert!(c.eval(&Value::parse(r#"{"b": {"x": 0, "c": 2}}"#).unwrap()));
        assert!(!c.eval(&Value::parse(r#"{"c": 2, "b": {"c": 3}}"#).unwrap()));
    }

    #[test]
    fn sets_and_strings() {
        let long = r#"{"s": {"$in": ["a-rather-long-string-value", "b"]}}"#;
        assert!(check(long, r#"{"s": "a-rather-long-string-value"}"#));
        assert!(!check(long, r#"{"s": "a-rather-long-string-valuf"}"#));
        assert!(check(r#"{"s": {"$in": [1, "1"]}}"#, r#"{"s": 1}"#));
        assert!(!check(r#"{"s": {"$in": [true]}}"#, r#"{"s": "true"}"#));
        assert!(check(r#"{"s": {"$nin": ["x"]}}"#, r#"{"s": "y"}"#));
        assert!(check(r#"{"s": "12"}"#, r#"{"s": 12}"#));
        assert!(check(r#"{"s": "a,b"}"#, r#"{"s": ["a", "b"]}"#));
        assert!(check(r#"{"s": {"$gt": "a"}}"#, r#"{"s": ["b"]}"#));
        assert!(check(r#"{"s": 5}"#, r#"{"s": [" 5 "]}"#));
        assert!(check(r#"{"s": {"$eq": "ÿ"}}"#, r#"{"s": "ÿ"}"#));
        assert!(check(r#"{"s": {"$elemMatch": {"$eq": 0}}}"#, r#"{"s": [null, 0]}"#));
    }

    #[test]
    fn saved_groups() {
        let groups = Value::parse(
            r#"{"vip": {"type": "list", "attributeKey": "id", "values": [1, 2]},
                "big": {"type": "condition", "condition": {"cart.value": {"$gt": 100}, "$savedGroup": {"id": "big"}}},
                "old": [1, 2]}"#,
        )
        .unwrap();
        let run = |c: &str, ctx: &str| eval_condition(&Value::parse(ctx).unwrap(), &Value::parse(c).unwrap(), &groups);
        assert!(run(r#"{"$savedGroup": {"id": "vip"}}"#, r#"{"id": 2}"#));
        assert!(!run(r#"{"$savedGroup": {"id": "vip", "attributeKey": "other"}}"#, r#"{"id": 2}"#));
        assert!(run(r#"{"$savedGroup": {"id": "vip", "attributeKey": "other"}}"#, r#"{"other": 1}"#));
        // A group that names itself matches nobody.
        assert!(!run(r#"{"$savedGroup": {"id": "big"}}"#, r#"{"cart": {"value": 200}}"#));
        assert!(!run(r#"{"$savedGroup": {"id": "old"}}"#, r#"{"id": 1}"#));
        assert!(run(r#"{"id": {"$inGroup": "vip"}}"#, r#"{"id": 1}"#));
        assert!(!run(r#"{"id": {"$notInGroup": "big"}}"#, r#"{"id": 1}"#));
    }

    #[cfg(feature = "native-regex")]
    #[test]
    fn native_regexes() {
        assert!(check(r#"{"ua": {"$regex": "^Mozilla/5\\.0 .*Mobile"}}"#, r#"{"ua": "Mozilla/5.0 (Linux) Mobile"}"#));
        assert!(check(r#"{"ua": {"$regexi": "mob.le"}}"#, r#"{"ua": "MOBILE"}"#));
        assert!(!check(r#"{"ua": {"$regex": "mob.le"}}"#, r#"{"ua": "MOBILE"}"#));
        assert!(check(r#"{"n": {"$regex": "^4\\d$"}}"#, r#"{"n": 42}"#));
        assert!(check(r#"{"n": {"$regex": "ull"}}"#, r#"{}"#));
        // JavaScript's \d, \w and \b are ASCII.
        assert!(!check(r#"{"n": {"$regex": "^\\d$"}}"#, r#"{"n": "٣"}"#));
        assert!(check(r#"{"n": {"$regex": "^[\\d,]+\\b"}}"#, r#"{"n": "1,2"}"#));
        assert!(!check(r#"{"n": {"$regex": "^\\w+$"}}"#, r#"{"n": "é"}"#));
        assert!(check(r#"{"n": {"$regex": "^[^\\W]\\D\\/$"}}"#, r#"{"n": "a-/"}"#));
    }

    struct Everything;
    impl RegexMatcher for Everything {
        fn is_match(&self, _: &str) -> bool {
            true
        }
    }

    #[test]
    fn regex_factory_is_used() {
        fn factory(p: &str) -> Result<Rc<dyn RegexMatcher>, String> {
            if p.starts_with("(?i)") {
                Err("no flags here".into())
            } else {
                Ok(Rc::new(Everything))
            }
        }
        set_regex_factory(factory);
        assert!(check(r#"{"s": {"$regex": "a.c"}}"#, r#"{"s": "zzz"}"#));
        // Plain text never reaches the factory.
        assert!(!check(r#"{"s": {"$regex": "abc"}}"#, r#"{"s": "zzz"}"#));
        let mut p = Vec::new();
        let c = Condition::compile(&Value::parse(r#"{"s": {"$regexi": "a.c"}}"#).unwrap(), "w", &mut p);
        assert!(!c.eval(&Value::parse(r#"{"s": "abc"}"#).unwrap()));
        assert_eq!(p[0].to_string(), "w.s: bad $regexi \"a.c\": no flags here");
    }

    #[test]
    fn random_inputs_never_panic() {
        const KEYS: [&str; 40] = [
            "$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$ini", "$nini", "$all", "$alli",
            "$elemMatch", "$size", "$exists", "$type", "$regex", "$regexi", "$not", "$and", "$or", "$nor",
            "$inGroup", "$notInGroup", "$veq", "$vne", "$vgt", "$vgte", "$vlt", "$vlte", "$x", "a", "b",
            "a.b", "a.0", "a.length", "b.c.d", "", "0", "é",
        ];
        const STRS: [&str; 10] = ["", "a", "1.2.3", "v1.0.0-beta+x", "1e21", "ab|c", "^a", "[", "\\d+", "ÿ\u{10000}"];
        let mut seed: u64 = 7;
        let mut rnd = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % n as u64) as usize
        };
        fn gen(r: &mut dyn FnMut(usize) -> usize, depth: u32) -> Value {
            match if depth == 0 { r(5) } else { r(7) } {
                0 => Value::Null,
                1 => Value::Bool(r(2) == 0),
                2 => Value::Num([0.0, 1.0, -1.5, 1e21, 3.0, 1e-7][r(6)]),
                3 | 4 => Value::Str(STRS[r(STRS.len())].into()),
                5 => Value::Arr((0..r(4)).map(|_| gen(r, depth - 1)).collect()),
                _ => Value::Obj((0..r(4)).map(|_| (KEYS[r(KEYS.len())].to_string(), gen(r, depth - 1))).collect()),
            }
        }
        for _ in 0..3000 {
            let cond = Value::Obj((0..1 + rnd(3)).map(|_| (KEYS[rnd(KEYS.len())].to_string(), gen(&mut rnd, 3))).collect());
            let ctx = gen(&mut rnd, 4);
            let groups = gen(&mut rnd, 2);
            let c = Condition::compile_with_groups(&cond, &groups, "w", &mut Vec::new());
            let holds = c.eval(&ctx);
            assert_eq!(c.explain(&ctx).is_none(), holds, "{} on {}", cond.to_json(), ctx.to_json());
            let _ = c.paths();
        }
    }
}
