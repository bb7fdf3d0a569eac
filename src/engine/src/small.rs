//! Small, non-generic stand-ins for standard-library text helpers whose general versions cost the
//! browser build more than they are worth here: substring search (the standard library's is the
//! Two-Way algorithm, ~3 KB of wasm), and concatenation and joining (one generic copy each per
//! element type). The texts searched are short (templates, URLs, styles, referrers), so a plain
//! scan is as fast in practice.
//!
//! In the same spirit, the engine splits on ASCII bytes with [`parts`] and [`cut`] rather than
//! `str::split(char)`, and writes `starts_with("$")` rather than `starts_with('$')`: a `char`
//! pattern brings its own searcher and UTF-8 encoding into the wasm.

/// The byte index of the first `needle` in `hay`.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    find_from(hay.as_bytes(), needle.as_bytes(), false)
}

/// The byte index of the last `needle` in `hay`.
pub fn rfind(hay: &str, needle: &str) -> Option<usize> {
    find_from(hay.as_bytes(), needle.as_bytes(), true)
}

/// Whether `hay` contains `needle`.
pub fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

fn find_from(h: &[u8], n: &[u8], last: bool) -> Option<usize> {
    let end = h.len().checked_sub(n.len())?;
    let mut i = if last { end } else { 0 };
    loop {
        if h.get(i..i + n.len()) == Some(n) {
            return Some(i);
        }
        if last {
            i = i.checked_sub(1)?;
        } else if i == end {
            return None;
        } else {
            i += 1;
        }
    }
}

/// The pieces of `s` between occurrences of `sep` (as `str::split` with a string separator).
pub fn split<'a>(s: &'a str, sep: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = find(rest, sep).filter(|_| !sep.is_empty()) {
        out.push(&rest[..i]);
        rest = &rest[i + sep.len()..];
    }
    out.push(rest);
    out
}

/// The parts, one after the other.
pub fn cat(parts: &[&str]) -> String {
    join(parts, "")
}

/// The parts with `sep` between them.
pub fn join(parts: &[&str], sep: &str) -> String {
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(p);
    }
    out
}

/// The byte index of the first `b` (an ASCII byte) in `s`.
pub fn find_byte(s: &str, b: u8) -> Option<usize> {
    s.bytes().position(|c| c == b)
}

/// `s.trim_matches(f)`: one forward loop through a function pointer instead of a double-ended
/// searcher instance per pattern.
#[inline(never)]
pub fn trim_by(s: &str, f: fn(char) -> bool) -> &str {
    let (mut a, mut z) = (s.len(), s.len());
    for (i, c) in s.char_indices() {
        if !f(c) {
            if a == s.len() {
                a = i;
            }
            z = i + c.len_utf8();
        }
    }
    &s[a.min(z)..z]
}

/// `s.split_once(c)` for an ASCII byte `c`.
pub fn cut(s: &str, c: u8) -> Option<(&str, &str)> {
    let i = find_byte(s, c)?;
    Some((&s[..i], &s[i + 1..]))
}

/// `s.split(c)` for an ASCII byte `c`. One small iterator instead of the standard library's
/// `char` pattern searchers (`CharSearcher`, `memchr`, `Split<char>`: ~1 KB of wasm).
pub fn parts(s: &str, c: u8) -> Parts<'_> {
    Parts { rest: Some(s), sep: c }
}

/// See [`parts`].
pub struct Parts<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for Parts<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        match cut(s, self.sep) {
            Some((part, rest)) => {
                self.rest = Some(rest);
                Some(part)
            }
            None => {
                self.rest = None;
                Some(s)
            }
        }
    }
}

/// `s.parse::<usize>().ok()`: a small loop instead of core's generic integer parser (one
/// instance per integer type, ~300 bytes of wasm each).
pub fn parse_index(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let b = match b {
        [b'+', rest @ ..] if !rest.is_empty() => rest,
        _ => b,
    };
    if b.is_empty() {
        return None;
    }
    let mut n: usize = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(usize::from(c - b'0'))?;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_by_like_trim_matches() {
        for s in ["", " ", "  a ", "a", " a b  ", "\u{a0}é x\u{3000}", "\"'x'\"", "''", "é"] {
            assert_eq!(trim_by(s, char::is_whitespace), s.trim_matches(char::is_whitespace), "{s:?}");
            assert_eq!(trim_by(s, |c| matches!(c, '"' | '\'')), s.trim_matches(['"', '\'']), "{s:?}");
            assert_eq!(trim_by(s, |c| c <= ' '), s.trim_matches(|c: char| c <= ' '), "{s:?}");
        }
    }

    #[test]
    fn like_std() {
        let cases = ["", "a", "ab", "{{", "}}", "a{{b}}c{{d}}", "url(x)url(y)", "ấ{{ấ", "......", "aaa"];
        let needles = ["", "a", "{{", "}}", "url(", "...", "ấ", "aa", "xyz"];
        for h in cases {
            for n in needles {
                assert_eq!(find(h, n), h.find(n), "{h:?} {n:?}");
                assert_eq!(rfind(h, n), h.rfind(n), "{h:?} {n:?}");
                assert_eq!(contains(h, n), h.contains(n));
                if !n.is_empty() {
                    assert_eq!(split(h, n), h.split(n).collect::<Vec<_>>(), "{h:?} {n:?}");
                }
            }
        }
        for h in ["", ".", "a", "a.b", ".a.", "a..b", "ấ.b"] {
            assert_eq!(parts(h, b'.').collect::<Vec<_>>(), h.split('.').collect::<Vec<_>>(), "{h:?}");
            assert_eq!(cut(h, b'.'), h.split_once('.'));
        }
        assert_eq!(cat(&["a", "", "bc"]), "abc");
        assert_eq!(join(&["a", "b", "c"], ", "), "a, b, c");
        assert_eq!(join(&[], ", "), "");
        for t in ["", "+", "-", "-0", "0", "+7", "++7", "007", "12a", " 1", "4294967295", "4294967296", "18446744073709551615", "18446744073709551616", "99999999999999999999999"] {
            assert_eq!(parse_index(t), t.parse::<usize>().ok(), "{t:?}");
        }
    }
}
