//! Deterministic bucketing: GrowthBook's FNV-1a based `hash(seed, value, version)`, with the
//! helpers around it (`inRange`, `inNamespace`, `getBucketRanges`, `chooseVariation`).
//!
//! ```
//! use moments_engine::hash::hash;
//! assert_eq!(hash("seed", "a", 2), Some(0.0505));
//! ```

/// FNV-1a (32 bit) over the UTF-16 code units of the concatenated parts, as JavaScript's
/// `charCodeAt` sees them.
fn fnv1a(parts: &[&str]) -> u32 {
    // UTF-16 by hand: `flat_map(encode_utf16)` costs more wasm.
    let mut h: u32 = 0x811c_9dc5;
    let mut step = |u: u32| h = (h ^ u).wrapping_mul(0x0100_0193);
    for p in parts {
        for c in p.chars().map(u32::from) {
            if c >= 0x1_0000 {
                step(0xD800 + ((c - 0x1_0000) >> 10));
                step(0xDC00 + (c & 0x3FF));
            } else {
                step(c);
            }
        }
    }
    h
}

/// GrowthBook's hash: a number in [0, 1) from `seed` and `value`, version 1 or 2; `None` for an
/// unknown version.
pub fn hash(seed: &str, value: &str, version: u32) -> Option<f64> {
    match version {
        2 => {
            let mut buf = [0u8; 10];
            let inner = decimal(fnv1a(&[seed, value]), &mut buf);
            Some(f64::from(fnv1a(&[inner]) % 10000) / 10000.0)
        }
        1 => Some(f64::from(fnv1a(&[value, seed]) % 1000) / 1000.0),
        _ => None,
    }
}

/// A `u32` in decimal, without allocating.
fn decimal(mut n: u32, buf: &mut [u8; 10]) -> &str {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[at..]).unwrap_or("0")
}

/// Whether `n` is in the half-open `range` `[start, end)`.
pub fn in_range(n: f64, range: (f64, f64)) -> bool {
    n >= range.0 && n < range.1
}

/// GrowthBook's `inNamespace`: whether the unit `hash_value` falls in namespace `(id, start, end)`.
pub fn in_namespace(hash_value: &str, namespace: (&str, f64, f64)) -> bool {
    let n = f64::from(fnv1a(&[hash_value, "__", namespace.0]) % 1000) / 1000.0;
    n >= namespace.1 && n < namespace.2
}

/// GrowthBook's `getBucketRanges`: one `[start, end)` per variation. Coverage is clamped to
/// [0, 1]; weights that are missing, of the wrong length or not summing to 1 (±0.01) become equal.
pub fn bucket_ranges(variations: usize, coverage: f64, weights: Option<&[f64]>) -> Vec<(f64, f64)> {
    let coverage = coverage.clamp(0.0, 1.0);
    let equal = vec![1.0 / variations as f64; variations];
    let w = match weights {
        Some(w) if w.len() == variations && (0.99..=1.01).contains(&w.iter().sum::<f64>()) => w,
        _ => &equal,
    };
    let mut cumulative = 0.0;
    w.iter()
        .map(|w| {
            let start = cumulative;
            cumulative += w;
            (start, start + coverage * w)
        })
        .collect()
}

/// GrowthBook's `chooseVariation`: the index of the range holding `n`, if any.
pub fn choose_variation(n: f64, ranges: &[(f64, f64)]) -> Option<usize> {
    ranges.iter().position(|r| in_range(n, *r))
}
