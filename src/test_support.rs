//! Helpers shared by the unit tests.

/// A deterministic stream of pseudo-random numbers (a 64-bit LCG's high bits) for
/// generated test data: the same seed gives the same data on every platform.
pub(crate) struct Rng(pub u64);

impl Rng {
    /// The next number, 31 bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// The next number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// The next number as a 32-bit signature value.
    pub fn value(&mut self) -> u32 {
        self.next() as u32
    }
}
