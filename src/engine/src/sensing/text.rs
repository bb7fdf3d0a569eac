//! Text helpers: words with Vietnamese diacritics canonicalised (and folded), and URL pieces.
//!
//! A word is kept twice: *canonical* (lower case, every Vietnamese letter decomposed as base letter,
//! then its modifier mark — breve, circumflex or horn — then its tone mark, whether it arrived
//! precomposed (NFC) or decomposed (NFD)), and *folded* (the same without any mark, `đ` as `d`).
//! A query word typed with diacritics must match exactly (`sữa` is milk, `sửa` is repair); one typed
//! without any (`gia`) matches every word that folds to it (`giá`).

use crate::small::cut;
use crate::unicode::{is_alnum, lower_char};

/// Precomposed Vietnamese vowels: each group is the six tones (none, grave, acute, hook above,
/// tilde, dot below) of one vowel.
const VOWELS: [&str; 12] = [
    "aàáảãạ", "ăằắẳẵặ", "âầấẩẫậ", "eèéẻẽẹ", "êềếểễệ", "iìíỉĩị", "oòóỏõọ", "ôồốổỗộ", "ơờớởỡợ", "uùúủũụ", "ưừứửữự", "yỳýỷỹỵ",
];
const BASE: &[u8; 12] = b"aaaeeiooouuy";
/// Modifier mark per group (`\0` = none).
const MODIFIER: [char; 12] =
    ['\0', '\u{306}', '\u{302}', '\0', '\u{302}', '\0', '\0', '\u{302}', '\u{31b}', '\0', '\u{31b}', '\0'];
const TONE: [char; 6] = ['\0', '\u{300}', '\u{301}', '\u{309}', '\u{303}', '\u{323}'];

fn is_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

fn is_modifier(c: char) -> bool {
    matches!(c, '\u{306}' | '\u{302}' | '\u{31b}')
}

/// One word of a query or a lexicon phrase.
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    /// Canonical form (lower case, decomposed, marks in a fixed order).
    pub canon: String,
    /// Folded form (no marks, `đ` → `d`).
    pub fold: String,
}

impl Word {
    /// Whether the word carries any diacritic.
    pub fn marked(&self) -> bool {
        self.canon != self.fold
    }
    /// Whether query word `self` matches lexicon word `lex`: exactly, or, when typed without
    /// diacritics, by folding.
    pub fn matches(&self, lex: &Word) -> bool {
        self.canon == lex.canon || (!self.marked() && self.fold == lex.fold)
    }
}

/// Splits `text` into words (letters, digits and their marks; anything else separates).
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut canon = String::new();
    let mut fold = String::new();
    // Pending combining marks after a base letter, re-ordered modifier first.
    let mut marks: Vec<char> = Vec::new();
    let flush_marks = |canon: &mut String, marks: &mut Vec<char>| {
        // Modifiers first, otherwise in the order typed (a stable insertion sort of a few marks).
        for k in 1..marks.len() {
            let mut j = k;
            while j > 0 && is_modifier(marks[j]) && !is_modifier(marks[j - 1]) {
                marks.swap(j - 1, j);
                j -= 1;
            }
        }
        for &m in marks.iter() {
            canon.push(m);
        }
        marks.clear();
    };
    for ch in text.chars() {
        if is_mark(ch) {
            if !canon.is_empty() {
                marks.push(ch);
            }
            continue;
        }
        flush_marks(&mut canon, &mut marks);
        if !is_alnum(ch) {
            if !canon.is_empty() {
                out.push(Word { canon: std::mem::take(&mut canon), fold: std::mem::take(&mut fold) });
            }
            continue;
        }
        let c = lower_char(ch);
        if c == 'đ' {
            canon.push(c);
            fold.push('d');
        } else if let Some((g, t)) = vowel(c) {
            let base = BASE[g] as char;
            canon.push(base);
            fold.push(base);
            for m in &[MODIFIER[g], TONE[t]] {
                if *m != '\0' {
                    canon.push(*m);
                }
            }
        } else {
            canon.push(c);
            fold.push(c);
        }
    }
    flush_marks(&mut canon, &mut marks);
    if !canon.is_empty() {
        out.push(Word { canon, fold });
    }
    out
}

fn vowel(c: char) -> Option<(usize, usize)> {
    if c.is_ascii() && !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y') {
        return None;
    }
    VOWELS.iter().enumerate().find_map(|(g, s)| s.chars().position(|v| v == c).map(|t| (g, t)))
}

/// The pieces of a URL: `(host, path, query)`. A relative URL has an empty host. The host is lower
/// case, without user info or port; the path has no query or fragment; the query has no `?`.
pub fn split_url(url: &str) -> (String, &str, &str) {
    let url = url.trim();
    let url = cut(url, b'#').map_or(url, |(u, _)| u);
    let (rest, host) = match crate::small::find(url, "//") {
        Some(i) if url[..i].bytes().all(|b| b.is_ascii_alphanumeric() || b == b':' || b == b'+' || b == b'.' || b == b'-') => {
            let after = &url[i + 2..];
            let end = after.bytes().position(|b| b == b'/' || b == b'?').unwrap_or(after.len());
            let auth = &after[..end];
            let auth = auth.bytes().rposition(|b| b == b'@').map_or(auth, |j| &auth[j + 1..]);
            let host = cut(auth, b':').map_or(auth, |(h, _)| h);
            (&after[end..], host.to_ascii_lowercase())
        }
        _ => (url, String::new()),
    };
    let (path, query) = cut(rest, b'?').unwrap_or((rest, ""));
    (host, path, query)
}

/// The decoded value of query parameter `name` (`+` is a space, `%xx` are UTF-8 bytes), if present
/// and not empty.
pub fn param(query: &str, name: &str) -> Option<String> {
    let mut rest = Some(query);
    while let Some(q) = rest {
        let (pair, more) = cut(q, b'&').map_or((q, None), |(p, m)| (p, Some(m)));
        rest = more;
        let (k, v) = cut(pair, b'=').unwrap_or((pair, ""));
        if k.eq_ignore_ascii_case(name) {
            let v = decode(v);
            let v = v.trim();
            if !v.is_empty() {
                return Some(v.to_string());
            }
        }
    }
    None
}

/// Percent-decodes `s` (with `+` as a space); bad escapes are kept as they are.
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let hex = |j: usize| b.get(j).and_then(|&h| (h as char).to_digit(16));
        match (c, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            (b'+', _, _) => out.push(b' '),
            _ => out.push(c),
        }
        i += 1;
    }
    lossy(&out)
}

/// `String::from_utf8_lossy(b)`: each invalid sequence becomes U+FFFD. Built on `from_utf8`
/// (which the wasm has anyway) instead of `Utf8Chunks`, ~750 bytes of wasm.
fn lossy(mut b: &[u8]) -> String {
    let mut s = String::new();
    loop {
        match std::str::from_utf8(b) {
            Ok(t) => {
                s.push_str(t);
                return s;
            }
            Err(e) => {
                let (ok, rest) = b.split_at(e.valid_up_to());
                s.push_str(std::str::from_utf8(ok).unwrap_or_default());
                s.push('\u{FFFD}');
                b = &rest[e.error_len().unwrap_or(rest.len())..];
            }
        }
    }
}

/// Whether `host` is `name` or a subdomain of it (`m.facebook.com` is under `facebook.com`).
pub fn host_is(host: &str, name: &str) -> bool {
    host == name || (host.len() > name.len() && host.ends_with(name) && host.as_bytes()[host.len() - name.len() - 1] == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<(String, String)> {
        words(s).into_iter().map(|w| (w.canon, w.fold)).collect()
    }

    #[test]
    fn folds_vietnamese_nfc_and_nfd_alike() {
        let nfc = words("Giảm GIÁ đặc biệt");
        let nfd = words("Gia\u{309}m GIA\u{301} đa\u{323}\u{306}c bie\u{323}\u{302}t");
        assert_eq!(nfc, nfd);
        assert_eq!(nfc[1].fold, "gia");
        assert_eq!(nfc[2].fold, "dac");
        assert!(nfc[0].marked());
        assert!(!words("gia")[0].marked());
        assert!(words("gia")[0].matches(&nfc[1]));
        assert!(!words("sữa")[0].matches(&words("sửa")[0]));
        assert!(words("sua")[0].matches(&words("sửa")[0]));
        assert_eq!(w("what's up?")[1].0, "s");
    }

    #[test]
    fn vowel_table_is_whole() {
        assert!(VOWELS.iter().all(|g| g.chars().count() == TONE.len()));
    }

    #[test]
    fn splits_urls() {
        let (h, p, q) = split_url("https://User@Shop.Example:8080/p/1?q=gi%C3%A0y+nam&x#top");
        assert_eq!((h.as_str(), p, q), ("shop.example", "/p/1", "q=gi%C3%A0y+nam&x"));
        assert_eq!(param(q, "q").as_deref(), Some("giày nam"));
        assert_eq!(param(q, "x"), None);
        assert_eq!(param("q=&Q=%20b&q=c", "q").as_deref(), Some("b"));
        let (h, p, _) = split_url("/cart?utm_source=a");
        assert_eq!((h.as_str(), p), ("", "/cart"));
        assert_eq!(decode("%zz%"), "%zz%");
        for bad in [&b"a\xffb\xe1\x80c\xf0\x9f\x98"[..], b"\xed\xa0\x80x\xc0\xafy", b"ok", b"", b"\xf4\x90\x80\x80z"] {
            assert_eq!(lossy(bad), String::from_utf8_lossy(bad));
        }
        assert!(host_is("m.facebook.com", "facebook.com"));
        assert!(!host_is("notfacebook.com", "facebook.com"));
    }
}
