//! Small character classes and case mapping for what shoppers type, instead of the standard
//! library's full Unicode tables (which cost the browser build ~15 KB).
//!
//! - [`lower_char`] lowers ASCII, Latin-1, Latin Extended-A, the paired letters of Latin
//!   Extended-B (with Vietnamese `Ơ` and `Ư`), Latin Extended Additional (all of Vietnamese),
//!   Greek, Cyrillic, Armenian and fullwidth Latin; every other character is returned unchanged
//!   (`İ` too: JavaScript lowers it to two characters).
//! - [`is_alnum`] is `char::is_alphanumeric` for ASCII and Latin-1; above that, a character counts
//!   as a letter unless it is in a block of punctuation, spaces or symbols (general punctuation,
//!   currency such as `₫`, arrows, mathematical and technical symbols, box drawing, dingbats, CJK
//!   and fullwidth punctuation, private use, emoji).

/// The lower-case form of `c` (see the module docs for what is covered).
pub fn lower_char(c: char) -> char {
    let u = c as u32;
    let l = match u {
        0x41..=0x5a | 0xc0..=0xd6 | 0xd8..=0xde | 0x391..=0x3a1 | 0x3a3..=0x3ab | 0x410..=0x42f | 0xff21..=0xff3a => u + 32,
        0x100..=0x12f | 0x132..=0x137 | 0x14a..=0x177 | 0x1a0..=0x1a5 | 0x1de..=0x1ef | 0x1f8..=0x21f | 0x222..=0x233
        | 0x246..=0x24f | 0x460..=0x481 | 0x48a..=0x4bf | 0x4d0..=0x52f | 0x1e00..=0x1e95 | 0x1ea0..=0x1eff
            if u.is_multiple_of(2) =>
        {
            u + 1
        }
        0x139..=0x148 | 0x179..=0x17e | 0x1cd..=0x1dc | 0x4c1..=0x4ce if u % 2 == 1 => u + 1,
        0x178 => 0xff,
        0x1af => 0x1b0,
        0x1e9e => 0xdf,
        0x386 => 0x3ac,
        0x388..=0x38a => u + 37,
        0x38c => 0x3cc,
        0x38e..=0x38f => u + 63,
        0x400..=0x40f => u + 80,
        0x4c0 => 0x4cf,
        0x531..=0x556 => u + 48,
        _ => return c,
    };
    char::from_u32(l).unwrap_or(c)
}

/// `s` with every character through [`lower_char`].
pub fn lower(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        out.push(lower_char(c));
    }
    out
}

/// Whether `c` is part of a word: a letter or digit (see the module docs).
pub fn is_alnum(c: char) -> bool {
    let u = c as u32;
    if u < 0xc0 {
        return c.is_ascii_alphanumeric() || matches!(u, 0xaa | 0xb2 | 0xb3 | 0xb5 | 0xb9 | 0xba | 0xbc..=0xbe);
    }
    !matches!(
        u,
        0xd7 | 0xf7
            | 0x2000..=0x206f
            | 0x20a0..=0x20ff
            | 0x2190..=0x245f
            | 0x2500..=0x2bff
            | 0x2e00..=0x2e7f
            | 0x3000..=0x3004
            | 0x3008..=0x3020
            | 0x3030
            | 0xe000..=0xf8ff
            | 0xfe10..=0xfe19
            | 0xfe30..=0xfe6f
            | 0xfeff
            | 0xff01..=0xff0f
            | 0xff1a..=0xff20
            | 0xff3b..=0xff40
            | 0xff5b..=0xff65
            | 0x1f000..=0x1faff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowers_like_std_where_it_covers() {
        let covered = |u: u32| {
            matches!(u, 0..=0x24f | 0x370..=0x3ff | 0x400..=0x52f | 0x531..=0x556 | 0x1e00..=0x1eff | 0xff21..=0xff3a)
        };
        let mut mapped = 0;
        for u in 0..0x20000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let mut std = c.to_lowercase();
            let (one, more) = (std.next(), std.next());
            let ours = lower_char(c);
            if ours != c {
                mapped += 1;
                // Never a mapping that std does not make.
                assert_eq!((Some(ours), None), (one, more), "U+{u:04X}");
            } else if covered(u) && more.is_none() && one != Some(c) {
                // Unchanged where std lowers: only the irregular letters of Latin Extended-B and
                // Greek's archaic ones.
                assert!(matches!(u, 0x181..=0x1c4 | 0x1c5 | 0x1c7 | 0x1c8 | 0x1ca | 0x1cb | 0x1f1..=0x1f7 | 0x220 | 0x23a..=0x245 | 0x370..=0x37f | 0x3cf..=0x3ff), "U+{u:04X}");
            }
        }
        assert!(mapped > 500, "{mapped}");
        assert_eq!(lower("GIẢM GIÁ ĐẶC BIỆT ƠƯ Straße ẞ ΣΟΦΙΑ ПРИВЕТ İ"), "giảm giá đặc biệt ơư straße ß σοφια привет İ");
    }

    #[test]
    fn words_are_letters_and_digits() {
        for c in "aZ09éÀđĐơƯạỹ中文한국어ไทยاиαµ²½".chars() {
            assert!(is_alnum(c), "{c}");
        }
        for c in " \t\n\u{a0}.,;:!?'\"-_()[]{}/\\|@#$%^&*+=<>~`×÷–—‘’“”…€₫•、。！？（）「」\u{3000}\u{200b}\u{feff}😀".chars() {
            assert!(!is_alnum(c), "{c:?}");
        }
        // Agrees with std in the Latin blocks and Vietnamese.
        for u in (0..0x250).chain(0x1e00..0x1f00) {
            let c = char::from_u32(u).unwrap();
            if !('\u{80}'..'\u{c0}').contains(&c) || c.is_alphanumeric() {
                assert_eq!(is_alnum(c), c.is_alphanumeric(), "U+{u:04X}");
            }
        }
    }
}
