//! The allow-list HTML sanitizer for `html` in actions, and the URL and style checks that
//! [`crate::template`] shares.
//!
//! [`sanitize_html`] is a small tolerant tokenizer that follows the HTML tokenizer's rules for
//! tags, attributes, comments and raw text, and re-serialises only what the allow-list keeps:
//! attribute values always double-quoted and escaped, text escaped, every kept element closed. The
//! output is therefore parsed by a browser exactly as it was checked, whatever the input was.
//!
//! - kept: the elements of [`ALLOWED`] with the attributes `class id title lang dir role alt width
//!   height style aria-* data-*`, plus `href target rel hreflang` on `a`, `src srcset sizes loading
//!   decoding` on `img`, `src srcset sizes media type` on `source`, `colspan rowspan headers scope`
//!   on `td`/`th`. `href`/`src`/`srcset` must pass [`safe_url`] / [`safe_image_url`], `style` must
//!   pass [`is_safe_style`]; a `target` that opens a new window adds `rel="noopener noreferrer"`;
//!   `button` always gets `type="button"` (it can never submit a form).
//! - dropped with their content: `script style iframe textarea title xmp noembed noframes noscript
//!   plaintext` (raw text to the HTML parser) and `object form template svg math frameset applet`.
//! - dropped, content kept: every other element (`body`, `input`, `video`, `embed`, `base`, `meta`,
//!   `link`, custom elements...), and comments, doctypes, CDATA and processing instructions go.
//!
//! Never panics; runs in time linear in the input (times a bounded nesting depth).

use crate::small::{contains, find, split};

// The lists are space-separated strings, not slices of `&str`: each slice entry costs the wasm a
// pointer and a length that compress poorly.

/// Elements kept (sorted, space-separated).
pub const ALLOWED: &str = "a abbr article aside b blockquote br button caption code dd del div dl dt em \
    figcaption figure footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd li mark nav ol p picture pre q s \
    section small source span strong sub sup table tbody td tfoot th thead tr u ul";
/// Raw-text elements: their content is never markup, so it ends only at the matching end tag.
const RAW: &str = "script style iframe textarea title xmp noembed noframes noscript plaintext";
/// Dropped with everything inside (nesting of the same element counted).
const DROP: &str = "object form template svg math frameset applet";

/// The word of the space-separated `list` equal to `name`.
fn listed(list: &'static str, name: &str) -> Option<&'static str> {
    crate::small::parts(list, b' ').find(|w| *w == name)
}
/// Deepest nesting of kept elements; deeper tags are dropped (their text kept).
const MAX_DEPTH: usize = 256;

fn ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// A start or end tag as the HTML tokenizer sees it. Attribute values are raw (not decoded).
struct Tag<'a> {
    name: String,
    attrs: Vec<(String, &'a str)>,
    self_closing: bool,
}

/// Parses a tag whose name starts at `i`; returns it and the index after its `>`, or `None` when
/// the input ends inside the tag (browsers then drop the tag).
fn tag(s: &str, mut i: usize) -> Option<(Tag<'_>, usize)> {
    let b = s.as_bytes();
    let at = |i: usize| b.get(i).copied();
    let start = i;
    while at(i).is_some_and(|c| !ws(c) && c != b'/' && c != b'>') {
        i += 1;
    }
    let mut t = Tag { name: s.get(start..i)?.to_ascii_lowercase(), attrs: Vec::new(), self_closing: false };
    loop {
        while at(i).is_some_and(ws) {
            i += 1;
        }
        match at(i)? {
            b'>' => return Some((t, i + 1)),
            b'/' => {
                i += 1;
                t.self_closing = at(i) == Some(b'>');
                continue;
            }
            _ => {}
        }
        let n0 = i;
        i += 1; // the first character may be `=`
        while at(i).is_some_and(|c| !ws(c) && c != b'/' && c != b'>' && c != b'=') {
            i += 1;
        }
        let name = s.get(n0..i)?.to_ascii_lowercase();
        while at(i).is_some_and(ws) {
            i += 1;
        }
        let mut value = "";
        if at(i) == Some(b'=') {
            i += 1;
            while at(i).is_some_and(ws) {
                i += 1;
            }
            match at(i)? {
                q @ (b'"' | b'\'') => {
                    let end = i + 1 + b[i + 1..].iter().position(|&c| c == q)?;
                    value = s.get(i + 1..end)?;
                    i = end + 1;
                }
                _ => {
                    let v0 = i;
                    while at(i).is_some_and(|c| !ws(c) && c != b'>') {
                        i += 1;
                    }
                    value = s.get(v0..i)?;
                }
            }
        }
        t.attrs.push((name, value));
    }
}

/// Index just after the first `needle` at or after `from`, or the end of `b`.
fn after(b: &[u8], from: usize, needle: &[u8]) -> usize {
    b.get(from..)
        .and_then(|r| r.windows(needle.len()).position(|w| w == needle))
        .map_or(b.len(), |p| from + p + needle.len())
}

/// Index of the `</name` (followed by space, `/` or `>`) ending raw text that starts at `from`.
fn raw_end(b: &[u8], from: usize, name: &str) -> Option<usize> {
    let n = name.len();
    (from..b.len()).find(|&i| {
        b[i] == b'<'
            && b.get(i + 1) == Some(&b'/')
            && b.get(i + 2..i + 2 + n).is_some_and(|w| w.eq_ignore_ascii_case(name.as_bytes()))
            && b.get(i + 2 + n).is_some_and(|&c| ws(c) || c == b'/' || c == b'>')
    })
}

/// Returns `html` with everything not on the allow-list removed (see the module docs).
pub fn sanitize_html(html: &str) -> String {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len() + 16);
    let mut open: Vec<&'static str> = Vec::new();
    let mut skip: Option<(String, usize)> = None;
    let mut i = 0;
    while i < b.len() {
        let lt = b[i..].iter().position(|&c| c == b'<').map_or(b.len(), |p| i + p);
        if skip.is_none() {
            escape_into(html.get(i..lt).unwrap_or(""), &mut out, true, false);
        }
        i = lt;
        let (Some(&c1), c2) = (b.get(i + 1), b.get(i + 2).copied().unwrap_or(0)) else {
            if i < b.len() && skip.is_none() {
                out.push_str("&lt;");
            }
            break;
        };
        if c1.is_ascii_alphabetic() {
            let Some((t, next)) = tag(html, i + 1) else { break };
            i = next;
            let name = t.name.as_str();
            if let Some(raw) = listed(RAW, name) {
                // Skip the raw text and its end tag (or everything, if it never ends).
                i = match raw_end(b, i, raw).filter(|_| name != "plaintext") {
                    Some(e) => tag(html, e + 2).map_or(b.len(), |(_, n)| n),
                    None => b.len(),
                };
            } else if let Some((d, depth)) = &mut skip {
                *depth += usize::from(*d == name && !t.self_closing);
            } else if listed(DROP, name).is_some() {
                if !t.self_closing {
                    skip = Some((t.name, 1));
                }
            } else if let Some(el) = listed(ALLOWED, name) {
                if open.len() < MAX_DEPTH {
                    start_tag(el, &t.attrs, &mut out);
                    if !matches!(el, "br" | "hr" | "img" | "source") {
                        open.push(el);
                    }
                }
            }
        } else if c1 == b'/' && c2.is_ascii_alphabetic() {
            let Some((t, next)) = tag(html, i + 2) else { break };
            i = next;
            if let Some((d, depth)) = &mut skip {
                if *d == t.name {
                    *depth -= 1;
                    if *depth == 0 {
                        skip = None;
                    }
                }
            } else if let Some(p) = open.iter().rposition(|&e| e == t.name) {
                while open.len() > p {
                    let e = open.pop().unwrap_or_default();
                    out.push_str("</");
                    out.push_str(e);
                    out.push('>');
                }
            }
        } else if c1 == b'!' && b.get(i + 2..i + 4) == Some(b"--") {
            // Comment, with the tokenizer's abrupt endings `<!-->` and `<!--->`.
            let j = i + 4;
            i = if b.get(j) == Some(&b'>') {
                j + 1
            } else if b.get(j..j + 2) == Some(b"->") {
                j + 2
            } else {
                after(b, j, b"-->").min(after(b, j, b"--!>"))
            };
        } else if matches!(c1, b'!' | b'?' | b'/') {
            // Doctype, CDATA, processing instruction, `</>` or `</3`: a bogus comment up to `>`.
            i = after(b, i + 2, b">").max(i + 2);
        } else {
            if skip.is_none() {
                out.push_str("&lt;");
            }
            i += 1;
        }
    }
    for e in open.iter().rev() {
        out.push_str("</");
        out.push_str(e);
        out.push('>');
    }
    out
}

/// Writes an allowed start tag with the attributes that pass the allow-list.
fn start_tag(el: &str, attrs: &[(String, &str)], out: &mut String) {
    out.push('<');
    out.push_str(el);
    let mut seen: Vec<&str> = Vec::new();
    let (mut rel, mut new_window) = (None::<String>, false);
    if el == "button" {
        out.push_str(" type=\"button\"");
        seen.push("type");
    }
    for (n, raw) in attrs.iter().take(64) {
        let n = n.as_str();
        if seen.contains(&n) {
            continue; // the first of duplicated attributes wins, as in browsers
        }
        seen.push(n);
        let named = |list: &[&str]| list.contains(&n);
        let img = matches!(el, "img" | "source");
        let value = if !n.bytes().all(|c| c.is_ascii_alphanumeric() || b"-_.:".contains(&c)) {
            None
        } else if named(&["class", "id", "title", "lang", "dir", "role", "alt", "width", "height"])
            || n.starts_with("aria-")
            || n.starts_with("data-")
            || (el == "a" && n == "hreflang")
            || (img && named(&["sizes", "loading", "decoding", "media", "type"]))
            || (matches!(el, "td" | "th") && named(&["colspan", "rowspan", "headers", "scope"]))
        {
            let mut v = String::new();
            escape_into(raw, &mut v, true, false);
            Some(v)
        } else {
            let v = decode_entities(raw);
            let ok = match n {
                "style" => is_safe_style(&v),
                "href" if el == "a" => safe_url(&v).is_some(),
                "src" if img => safe_image_url(&v).is_some(),
                "srcset" if img => is_safe_srcset(&v),
                "target" if el == "a" => {
                    new_window = !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "_self" | "_top" | "_parent");
                    true
                }
                "rel" if el == "a" => {
                    rel = Some(v);
                    continue;
                }
                _ => false,
            };
            ok.then(|| escape_html_min(&v))
        };
        if let Some(v) = value {
            push_attr(out, n, &v);
        }
    }
    if new_window || rel.is_some() {
        let mut r = rel.unwrap_or_default();
        for &t in &["noopener", "noreferrer"] {
            if new_window && !r.split_ascii_whitespace().any(|x| x.eq_ignore_ascii_case(t)) {
                r = if r.trim().is_empty() { t.to_string() } else { crate::small::cat(&[r.trim_end(), " ", t]) };
            }
        }
        push_attr(out, "rel", &escape_html_min(&r));
    }
    out.push('>');
}

fn push_attr(out: &mut String, name: &str, escaped: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    out.push_str(escaped);
    out.push('"');
}

fn escape_html_min(s: &str) -> String {
    let mut v = String::with_capacity(s.len());
    escape_into(s, &mut v, false, false);
    v
}

/// Length of the character reference (`&amp;`, `&#38;`, `&#x26;`) starting at `b[0] == b'&'`,
/// if it is a complete one with its `;`.
fn ref_len(b: &[u8]) -> Option<usize> {
    let (start, ok): (usize, fn(&u8) -> bool) = match (b.get(1), b.get(2)) {
        (Some(b'#'), Some(b'x' | b'X')) => (3, u8::is_ascii_hexdigit),
        (Some(b'#'), _) => (2, u8::is_ascii_digit),
        (Some(c), _) if c.is_ascii_alphabetic() => (1, u8::is_ascii_alphanumeric),
        _ => return None,
    };
    let mut n = 0;
    while n < 40 && b.get(start + n).is_some_and(ok) {
        n += 1;
    }
    (n > 0 && b.get(start + n) == Some(&b';')).then_some(start + n + 1)
}

/// Appends `s` HTML-escaped: `& < > "` always (`' \`` too if `all`), NUL dropped. With
/// `keep_refs`, complete character references are kept as they are (they can only ever mean text).
pub(crate) fn escape_into(s: &str, out: &mut String, keep_refs: bool, all: bool) {
    let b = s.as_bytes();
    for (i, c) in s.char_indices() {
        match c {
            '&' if keep_refs && ref_len(&b[i..]).is_some() => out.push('&'),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' if all => out.push_str("&#39;"),
            '`' if all => out.push_str("&#96;"),
            '\0' => {}
            c => out.push(c),
        }
    }
}

/// Named references that can matter in a URL or a style (`&colon;`, `&Tab;`...), decoded.
const NAMED: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", '\u{a0}'),
    ("colon", ':'),
    ("tab", '\t'),
    ("newline", '\n'),
    ("lpar", '('),
    ("rpar", ')'),
    ("sol", '/'),
    ("bsol", '\\'),
    ("semi", ';'),
    ("comma", ','),
    ("period", '.'),
    ("excl", '!'),
    ("equals", '='),
    ("num", '#'),
    ("percnt", '%'),
    ("quest", '?'),
    ("commat", '@'),
    ("grave", '`'),
    ("ast", '*'),
];

/// Decodes numeric character references (`;` optional, as browsers accept) and the named ones
/// that can hide a URL scheme or a style (`&colon;`, `&Tab;`, `&NewLine;`, `&amp;`...).
pub fn decode_entities(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(p) = s.get(i..).and_then(|r| crate::small::find_byte(r, b'&')) {
        out.push_str(s.get(i..i + p).unwrap_or(""));
        i += p + 1;
        if b.get(i) == Some(&b'#') {
            let hex = matches!(b.get(i + 1), Some(b'x' | b'X'));
            let d0 = i + 1 + usize::from(hex);
            let radix = if hex { 16 } else { 10 };
            let n = b[d0.min(b.len())..].iter().take_while(|c| (**c as char).is_digit(radix)).count();
            if n > 0 {
                let v = b[d0..d0 + n].iter().fold(0u32, |a, c| {
                    a.saturating_mul(radix).saturating_add((*c as char).to_digit(radix).unwrap_or(0))
                });
                out.push(char::from_u32(v).filter(|&c| c != '\0').unwrap_or('\u{fffd}'));
                i = d0 + n + usize::from(b.get(d0 + n) == Some(&b';'));
                continue;
            }
        } else if let Some(n) = ref_len(&b[i - 1..]).filter(|&n| n > 2) {
            let name = s.get(i..i + n - 2).unwrap_or("");
            if let Some((_, c)) = NAMED.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
                out.push(*c);
                i += n - 1;
                continue;
            }
        }
        out.push('&');
    }
    out.push_str(s.get(i..).unwrap_or(""));
    out
}

/// `url` with tabs and newlines removed and the ends trimmed (as browsers read URLs), if it is
/// safe as a link: relative, fragment, `http:`, `https:`, `mailto:` or `tel:`. Entities are
/// decoded and whitespace, control and invisible characters ignored before the scheme is read, so
/// `java\tscript:`, `JaVaScRiPt:` and `&#106;avascript:` are all refused.
pub fn safe_url(url: &str) -> Option<String> {
    check_url(url, false)
}

/// Like [`safe_url`], for an image source: also allows `data:image/(png|gif|jpeg|webp)`.
pub fn safe_image_url(url: &str) -> Option<String> {
    check_url(url, true)
}

/// Whitespace, control and invisible (zero-width, BOM, soft hyphen) characters.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// `s` without its invisible characters.
fn visible(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if !invisible(c) {
            out.push(c);
        }
    }
    out
}

/// `s` entity-decoded until nothing changes, without invisible characters, lowercased; `None`
/// if it is still changing after eight rounds (no honest value is encoded that deep).
fn squash(s: &str) -> Option<String> {
    let mut k = visible(s);
    for _ in 0..8 {
        let d = visible(&decode_entities(&k));
        if d == k {
            return Some(crate::unicode::lower(&k));
        }
        k = d;
    }
    None
}

fn check_url(url: &str, image: bool) -> Option<String> {
    let mut clean = String::new();
    for c in url.chars() {
        if !matches!(c, '\t' | '\n' | '\r') {
            clean.push(c);
        }
    }
    let clean = crate::small::trim_by(&clean, |c| c <= ' ').to_string();
    let k = squash(&clean)?;
    let ok = match k.bytes().position(|b| matches!(b, b':' | b'/' | b'?' | b'#' | b'\\')) {
        Some(p) if k[p..].starts_with(":") => {
            let (scheme, rest) = (&k[..p], &k[p + 1..]);
            matches!(scheme, "http" | "https" | "mailto" | "tel")
                || (image
                    && scheme == "data"
                    && ["image/png", "image/gif", "image/jpeg", "image/webp"]
                        .iter()
                        .any(|t| rest.strip_prefix(t).is_some_and(|r| matches!(r.as_bytes().first(), Some(b';' | b',')))))
        }
        _ => true,
    };
    ok.then_some(clean)
}

/// Whether every candidate URL of a `srcset` is a safe image URL. Checked piece by piece between
/// commas with whitespace ignored, which over-approximates how browsers split candidates.
pub(crate) fn is_safe_srcset(s: &str) -> bool {
    crate::small::parts(s, b',').all(|p| safe_image_url(p).is_some())
}

/// Whether an inline `style` is harmless: no `expression(`, `javascript:`/`vbscript:`,
/// `-moz-binding`, `behavior`, `@import`, backslash escapes or `<`, and every `url(...)` a safe
/// image URL. Comments, whitespace, entities and case are seen through.
pub fn is_safe_style(css: &str) -> bool {
    let Some(d) = squash(css) else { return false };
    let (mut k, mut r) = (String::new(), d.as_str());
    while let Some(p) = find(r, "/*") {
        k.push_str(&r[..p]);
        r = find(&r[p + 2..], "*/").map_or("", |e| &r[p + e + 4..]);
    }
    k.push_str(r);
    let bad = ["\\", "<", "expression", "javascript", "vbscript", "binding", "behavior", "@import"];
    if bad.iter().any(|w| contains(&k, w) || contains(&d, w)) {
        return false;
    }
    for u in &split(&k, "url(")[1..] {
        let u = &u[..crate::small::find_byte(u, b')').unwrap_or(u.len())];
        if safe_image_url(crate::small::trim_by(u, |c| matches!(c, '"' | '\''))).is_none() {
            return false;
        }
    }
    true
}
