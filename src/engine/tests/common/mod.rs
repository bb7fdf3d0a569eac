//! Shared by the fuzz tests (bundles, safety, hostile): a small xorshift generator, so the fuzzers
//! need no dependency and every run sees the same cases.
#![allow(dead_code)]

/// Xorshift64: deterministic from its seed (which must not be 0).
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
