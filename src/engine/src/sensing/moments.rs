//! Micro-moments (know, go, do, buy): a small evidence classifier.
//!
//! Each piece of evidence (a search's wording, a page type, reading a page, a cart action) adds a
//! weight to one moment. Before new evidence is added, what was gathered so far decays: by half
//! every [`HALF_LIFE_MS`], and by [`STEP_DECAY`] per observation, so the latest intent wins a tie.
//! `momentScores.<m>` is `acc[m] / max(sum(acc), 1)` (weak evidence gives weak scores), and
//! `moment` is the best score when it reaches [`THRESHOLD`], else `none`.
//!
//! Searches are matched against an English and Vietnamese lexicon (extendable from the bundle's
//! `settings.lexicon`): whole words and phrases, case-insensitive, Vietnamese with or without
//! diacritics (see [`super::text`]); a phrase may hold a gap, `nên mua ... nào`. Longer phrases are
//! matched first and use up their words, so `giá tốt nhất` is buy, not know (`tốt nhất`), and a list
//! of stop phrases (`gia đình`, `mùa hè`, `sữa tắm`…) keeps look-alikes from counting at all.

use super::text::{words, Word};
use crate::settings::Lexicon;

/// Moment names by index; 4 is `none`.
pub const NAMES: [&str; 5] = ["know", "go", "do", "buy", "none"];
/// Index of `know`.
pub const KNOW: usize = 0;
/// Index of `go`.
pub const GO: usize = 1;
/// Index of `do`.
pub const DO: usize = 2;
/// Index of `buy`.
pub const BUY: usize = 3;
/// Index of `none` (and, in the lexicon, of stop phrases).
pub const NONE: usize = 4;

/// Evidence halves in this many ms (30 minutes).
pub const HALF_LIFE_MS: f64 = 1_800_000.0;
/// Earlier evidence is multiplied by this on every new observation.
pub const STEP_DECAY: f64 = 0.85;
/// The best score must reach this for `moment` to name it.
pub const THRESHOLD: f64 = 0.4;
/// Weight of one lexicon match in a search.
pub const SEARCH_WEIGHT: f64 = 1.0;
/// Weight of a one-word match found only by folding diacritics (`mua` could be `mùa`, season).
pub const AMBIGUOUS_WEIGHT: f64 = 0.6;
/// A search adds at most this much to one moment.
pub const SEARCH_CAP: f64 = 1.5;
/// Entries kept for `explain()`.
const LOG: usize = 12;

/// The built-in lexicon, per moment (know, go, do, buy, stop phrases), `|`-separated.
const BUILTIN: [&str; 5] = [
    "what is|what are|what's|which|best|review|reviews|vs|versus|compare|comparison|difference|pros and cons|\
     worth it|is it worth|ideas|alternatives|là gì|cái nào|loại nào|tốt nhất|tốt không|có tốt không|đánh giá|\
     so sánh|khác nhau|nên mua ... nào|nên chọn|nào tốt|thế nào|ra sao|tìm hiểu|kinh nghiệm",
    "near me|nearby|store|stores|store locator|shop near|location|locations|open|open now|opening hours|hours|\
     directions|address|pickup|pick up|in store|gần đây|gần nhất|gần tôi|ở đâu|cửa hàng|chi nhánh|địa chỉ|\
     giờ mở cửa|mở cửa|chỉ đường|đường đi|showroom",
    "how to|how do i|how can i|guide|tutorial|install|installation|setup|set up|fix|repair|troubleshoot|\
     size guide|size chart|instructions|manual|diy|cách|hướng dẫn|sửa|sửa chữa|lắp đặt|cài đặt|làm thế nào|\
     làm sao|bảng size|bảng kích thước|cách dùng|sử dụng|chọn size",
    "buy|purchase|order|price|prices|cost|cheap|cheapest|deal|deals|discount|discounts|sale|on sale|offer|\
     promo|promo code|coupon|voucher|shipping|free shipping|delivery|in stock|best price|for sale|mua|\
     mua ngay|đặt mua|đặt hàng|giá|giá rẻ|rẻ nhất|giá tốt|giá tốt nhất|bao nhiêu tiền|giảm giá|khuyến mãi|khuyến mại|\
     freeship|free ship|miễn phí vận chuyển|mã giảm|mã giảm giá|trả góp|chính hãng",
    "gia đình|mùa hè|mùa đông|mùa thu|mùa xuân|mùa mưa|sữa tắm|sữa rửa mặt|sữa bột|sữa tươi|trời mưa",
];

/// One lexicon phrase.
#[derive(Clone, Debug)]
struct Entry {
    moment: usize,
    /// Parts separated by `...` gaps; each a sequence of words.
    parts: Vec<Vec<Word>>,
    words: usize,
    text: String,
}

/// One lexicon match in a text: the moment, its weight and the phrase that matched.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    /// Moment index.
    pub moment: usize,
    /// Weight.
    pub weight: f64,
    /// The lexicon phrase.
    pub phrase: String,
}

/// The classifier's state (one session).
#[derive(Clone, Debug)]
pub struct Moments {
    lex: Vec<Entry>,
    /// Accumulated, decayed evidence per moment.
    pub acc: [f64; 4],
    /// When `acc` was last decayed (epoch ms).
    pub at: f64,
    /// Current moment (index into [`NAMES`]).
    pub moment: usize,
    /// Recent evidence, oldest first: (what, moment, weight).
    pub log: Vec<(String, usize, f64)>,
}

impl Moments {
    /// The built-in lexicon plus the bundle's additions.
    pub fn new(extra: &Lexicon) -> Moments {
        let mut lex = Vec::new();
        for (m, list) in BUILTIN.iter().enumerate() {
            for p in crate::small::parts(list, b'|') {
                add_entry(&mut lex, m, p);
            }
        }
        for (m, list) in [&extra.know, &extra.go, &extra.do_, &extra.buy].iter().enumerate() {
            for p in list.iter() {
                add_entry(&mut lex, m, p);
            }
        }
        // Longest phrases first (stable: built-in order breaks ties). An insertion sort: it runs
        // once, and the standard library's stable sort costs the wasm ~4 KB per use.
        for k in 1..lex.len() {
            let mut j = k;
            while j > 0 && lex[j - 1].words < lex[j].words {
                lex.swap(j - 1, j);
                j -= 1;
            }
        }
        Moments { lex, acc: [0.0; 4], at: 0.0, moment: NONE, log: Vec::new() }
    }

    /// Forgets the session's evidence.
    pub fn clear(&mut self) {
        self.acc = [0.0; 4];
        self.at = 0.0;
        self.moment = NONE;
        self.log.clear();
    }

    /// The lexicon phrases found in `text`, longest first, each word used at most once.
    pub fn matches(&self, text: &str) -> Vec<Match> {
        let q = words(text);
        let mut used = vec![false; q.len()];
        let mut out = Vec::new();
        for e in &self.lex {
            let mut spans = Vec::new();
            let mut from = 0;
            let mut folded_only = false;
            for part in &e.parts {
                match find(&q, &used, part, from) {
                    Some(i) => {
                        folded_only |= part.iter().zip(&q[i..]).any(|(l, w)| w.canon != l.canon);
                        spans.push((i, part.len()));
                        from = i + part.len();
                    }
                    None => break,
                }
            }
            if spans.len() != e.parts.len() {
                continue;
            }
            for &(i, n) in &spans {
                used[i..i + n].iter_mut().for_each(|u| *u = true);
            }
            if e.moment != NONE {
                let weight = if folded_only && e.words == 1 { AMBIGUOUS_WEIGHT } else { SEARCH_WEIGHT };
                out.push(Match { moment: e.moment, weight, phrase: e.text.clone() });
            }
        }
        out
    }

    /// Starts an observation at `now`: decays what was gathered.
    pub fn begin(&mut self, now: f64) {
        let dt = (now - self.at).max(0.0);
        let f = if self.at > 0.0 { STEP_DECAY * half_life_factor(dt / HALF_LIFE_MS) } else { 1.0 };
        self.acc.iter_mut().for_each(|a| *a *= f);
        self.at = now;
    }

    /// Adds one piece of evidence (call [`Moments::begin`] first).
    pub fn add(&mut self, what: String, moment: usize, weight: f64) {
        if let Some(a) = self.acc.get_mut(moment) {
            *a += weight;
            if self.log.len() >= LOG {
                self.log.remove(0);
            }
            self.log.push((what, moment, weight));
        }
    }

    /// Scores in 0..1 (two decimals).
    pub fn scores(&self) -> [f64; 4] {
        let sum: f64 = self.acc.iter().sum::<f64>().max(1.0);
        self.acc.map(|a| ((a / sum).clamp(0.0, 1.0) * 100.0).round() / 100.0)
    }

    /// Recomputes `moment`; true if it changed.
    pub fn settle(&mut self) -> bool {
        let s = self.scores();
        let mut best = NONE;
        for (m, &v) in s.iter().enumerate() {
            let better = best == NONE || v > s[best] || (v == s[best] && m == self.moment);
            if v >= THRESHOLD && better {
                best = m;
            }
        }
        let changed = best != self.moment;
        self.moment = best;
        changed
    }
}

/// `0.5^x` for `x >= 0`, to within an ulp or two, without libm's `pow` (its tables and code cost
/// the wasm ~3 KB): `2^-n` for the whole part from the exponent bits, and the Taylor series of
/// `e^(-f ln 2)` for the rest (`|f| <= 0.5`; its 18th term is below 1e-21).
fn half_life_factor(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return 1.0;
    }
    if x >= 1074.0 {
        return 0.0;
    }
    // x = n + f with |f| <= 0.5; e^(-f ln 2) by Horner's rule.
    let n = (x + 0.5) as u32;
    let y = (x - f64::from(n)) * std::f64::consts::LN_2;
    let mut sum = 1.0;
    for k in (1..=18).rev() {
        sum = 1.0 - y * sum / f64::from(k);
    }
    // 2^-n, in two steps so that subnormal results stay right.
    let half = |m: u32| f64::from_bits(u64::from(1023 - m) << 52);
    if n <= 1022 {
        sum * half(n)
    } else {
        sum * half(1022) * half(n - 1022)
    }
}

fn add_entry(lex: &mut Vec<Entry>, moment: usize, phrase: &str) {
    let mut parts: Vec<Vec<Word>> = Vec::new();
    let mut n = 0;
    for p in &crate::small::split(phrase, "...") {
        let w = words(p);
        if !w.is_empty() {
            n += w.len();
            parts.push(w);
        }
    }
    if n > 0 {
        lex.push(Entry { moment, parts, words: n, text: phrase.trim().to_string() });
    }
}

/// The first position at or after `from` where `part` matches unused words of `q`.
fn find(q: &[Word], used: &[bool], part: &[Word], from: usize) -> Option<usize> {
    (from..q.len().saturating_sub(part.len() - 1))
        .find(|&i| part.iter().enumerate().all(|(j, l)| !used[i + j] && q[i + j].matches(l)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(m: &Moments, q: &str) -> Vec<(&'static str, String)> {
        m.matches(q).into_iter().map(|x| (NAMES[x.moment], x.phrase)).collect()
    }

    #[test]
    fn lexicon_matches_whole_words_both_languages() {
        let m = Moments::new(&Lexicon::default());
        assert_eq!(top(&m, "What is the BEST running shoe"), [("know", "what is".into()), ("know", "best".into())]);
        assert_eq!(top(&m, "bestseller"), []);
        assert_eq!(top(&m, "giày chạy bộ giá tốt nhất"), [("buy", "giá tốt nhất".into())]);
        assert_eq!(top(&m, "giam gia giay nike"), [("buy", "giảm giá".into())]);
        assert_eq!(top(&m, "nên mua laptop nào"), [("know", "nên mua ... nào".into())]);
        assert_eq!(top(&m, "cửa hàng gần đây"), [("go", "gần đây".into()), ("go", "cửa hàng".into())]);
        assert_eq!(top(&m, "sữa tắm"), []);
        assert_eq!(top(&m, "sửa máy giặt")[0].0, "do");
        assert_eq!(top(&m, "sua tam"), []);
        assert_eq!(top(&m, "gia dinh"), []);
        let amb = m.matches("gia iphone");
        assert_eq!((amb[0].moment, amb[0].weight), (BUY, AMBIGUOUS_WEIGHT));
        assert_eq!(m.matches("mua iphone 15")[0].weight, SEARCH_WEIGHT);
        assert_eq!(m.matches("mùa đông").len(), 0);
        assert_eq!(m.matches("mua ngay")[0].weight, SEARCH_WEIGHT);
        // "cheapest" and "which one is good", as Vietnamese shoppers type them.
        assert_eq!(top(&m, "giày chạy bộ rẻ nhất"), [("buy", "rẻ nhất".into())]);
        assert_eq!(top(&m, "giay chay bo re nhat"), [("buy", "rẻ nhất".into())]);
        assert_eq!(top(&m, "giày chạy bộ giá rẻ nhất"), [("buy", "giá rẻ".into())]);
        assert_eq!(top(&m, "giày chạy bộ nào tốt"), [("know", "nào tốt".into())]);
        assert_eq!(top(&m, "loại nào tốt nhất"), [("know", "loại nào".into()), ("know", "tốt nhất".into())]);
    }

    #[test]
    fn half_life_factor_is_powf() {
        for i in 0..200_000 {
            let x = f64::from(i) * 0.000_731_9;
            let (a, b) = (half_life_factor(x), 0.5f64.powf(x));
            assert!((a - b).abs() <= b * 4e-16, "{x}: {a} {b}");
        }
        assert_eq!(half_life_factor(0.0), 1.0);
        assert_eq!(half_life_factor(1.0), 0.5);
        assert_eq!(half_life_factor(3.0), 0.125);
        assert_eq!(half_life_factor(1e9), 0.0);
    }

    #[test]
    fn extra_lexicon_and_scores() {
        let m0 = Moments::new(&Lexicon { go: vec!["click and collect".into()], ..Lexicon::default() });
        assert_eq!(top(&m0, "Click and Collect today"), [("go", "click and collect".into())]);
        assert_eq!(top(&m0, "click collect"), []);
        let mut m = Moments::new(&Lexicon::default());
        assert!(!m.settle());
        m.begin(1000.0);
        m.add("a".into(), KNOW, 0.3);
        assert!(!m.settle());
        assert_eq!(m.scores(), [0.3, 0.0, 0.0, 0.0]);
        m.begin(2000.0);
        m.add("b".into(), BUY, 1.2);
        assert!(m.settle());
        assert_eq!(NAMES[m.moment], "buy");
    }
}
