//! Eight bytes tested at once (SWAR: SIMD within a register).
//!
//! Owns the bit tricks of the byte loops that run over every byte of a corpus: finding
//! where a run of ASCII ends, finding a byte a JSON string must escape, and writing a
//! paragraph's key. Callers say what they look for; this module knows which test is exact
//! on which bytes.
//!
//! A test on a [`Block`] (any bytes) tells only whether some byte matches, and which is
//! the first: a borrow out of a matching byte can flag the byte above it. A test on an
//! [`AsciiBlock`] is exact for every byte: below 0x80 no sum carries into the next byte.

/// The low bit of every byte.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Eight bytes, the first in the lowest bits.
#[derive(Debug, Clone, Copy)]
pub struct Block(u64);

impl Block {
    #[inline(always)]
    pub fn load(bytes: &[u8; 8]) -> Self {
        Self(u64::from_le_bytes(*bytes))
    }

    /// High bit of each byte that is not ASCII (exact).
    #[inline(always)]
    pub fn non_ascii(self) -> u64 {
        self.0 & HIGHS
    }

    /// Nonzero if some byte is below `n` (at most 0x80); its lowest set bit is the first
    /// such byte's high bit.
    #[inline(always)]
    pub fn any_below(self, n: u8) -> u64 {
        debug_assert!(n <= 0x80);
        self.0.wrapping_sub(ONES * u64::from(n)) & !self.0 & HIGHS
    }

    /// Nonzero if some byte equals `value`; its lowest set bit is the first such byte's
    /// high bit.
    #[inline(always)]
    pub fn any_equal(self, value: u8) -> u64 {
        Block(self.0 ^ (ONES * u64::from(value))).any_below(1)
    }
}

/// Index of the byte whose high bit is the lowest set bit of a nonzero mask.
#[inline(always)]
pub fn first_flagged(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// Eight ASCII bytes: every test is exact per byte.
#[derive(Debug, Clone, Copy)]
pub struct AsciiBlock(u64);

impl AsciiBlock {
    /// Eight bytes known to be ASCII (a piece of an ASCII run): not checked again.
    #[inline(always)]
    pub fn of_ascii(bytes: &[u8; 8]) -> Self {
        debug_assert!(bytes.is_ascii());
        Self(u64::from_le_bytes(*bytes))
    }

    /// High bit of each byte that is at least `lo` and at most `hi`.
    #[inline(always)]
    pub fn in_range(self, lo: u8, hi: u8) -> u64 {
        let at_least_lo = self.0 + ONES * u64::from(0x80 - lo);
        let above_hi = self.0 + ONES * u64::from(0x80 - hi - 1);
        at_least_lo & !above_hi & HIGHS
    }

    /// High bit of each byte equal to `value`.
    #[inline(always)]
    pub fn equal(self, value: u8) -> u64 {
        self.in_range(value, value)
    }

    /// The block with its capital letters lower-cased (0x20 added: the high bit of a
    /// capital, shifted to the bit that makes it small).
    #[inline(always)]
    fn lowered(self) -> Self {
        Self(self.0 | (self.in_range(b'A', b'Z') >> 2))
    }

    /// The bytes lower-cased (ASCII), in the order they were loaded.
    #[inline(always)]
    pub fn lower(self) -> [u8; 8] {
        self.lowered().0.to_le_bytes()
    }

    /// One bit per byte (bit `k` for byte `k`) of a high-bit mask.
    #[inline(always)]
    pub fn gather(mask: u64) -> u32 {
        ((mask >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
    }

    /// Bytes that are a space, one bit each.
    #[inline(always)]
    pub fn spaces(self) -> u32 {
        Self::gather(self.equal(b' '))
    }

    /// Bytes that are ASCII letters or digits, one bit each.
    #[inline(always)]
    pub fn alnums(self) -> u32 {
        let lower = self.lowered();
        Self::gather(lower.in_range(b'a', b'z') | lower.in_range(b'0', b'9'))
    }

    /// Whether the only white space in the block is single spaces (no tab, line break,
    /// form feed or vertical tab, no two spaces side by side).
    #[inline(always)]
    pub fn only_single_spaces(self) -> bool {
        let other_space = self.in_range(0x09, 0x0D);
        let spaces = self.equal(b' ');
        other_space == 0 && spaces & (spaces >> 8) == 0
    }
}

/// How many bytes at the start of `bytes` are ASCII, found eight at a time.
pub fn ascii_prefix_len(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(block) = bytes[at..].first_chunk::<8>() {
        let high = Block::load(block).non_ascii();
        if high != 0 {
            return at + first_flagged(high);
        }
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .position(|b| !b.is_ascii())
        .unwrap_or(bytes.len() - at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bits(flags: impl Fn(u8) -> bool, bytes: &[u8; 8]) -> u32 {
        (0..8).filter(|&k| flags(bytes[k])).map(|k| 1 << k).sum()
    }

    proptest! {
        /// Blocks of eight and the bytes after them: the first byte that is not ASCII,
        /// wherever it falls.
        #[test]
        fn the_ascii_prefix_ends_at_the_first_other_byte(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![4 => 0u8..0x80, 1 => 0x80u8..=0xFF],
                0..40,
            )
        ) {
            let expected = bytes.iter().position(|b| !b.is_ascii()).unwrap_or(bytes.len());
            prop_assert_eq!(ascii_prefix_len(&bytes), expected);
        }

        /// On any bytes: whether some byte is below `n` or equal to `value`, and which is
        /// the first.
        #[test]
        fn any_tests_find_the_first_match(
            bytes in proptest::array::uniform8(proptest::prop_oneof![
                3 => 0u8..=0xFF, 1 => 0u8..0x22, 1 => Just(b'"'), 1 => Just(b'\\'),
            ]),
            n in 0u8..=0x80,
            value in proptest::prop_oneof![Just(0u8), Just(b'"'), Just(b'\\'), 0u8..=0xFF],
        ) {
            let block = Block::load(&bytes);
            let below = block.any_below(n);
            let first_below = bytes.iter().position(|&b| b < n);
            prop_assert_eq!(below != 0, first_below.is_some());
            if let Some(k) = first_below {
                prop_assert_eq!(first_flagged(below), k);
            }
            let equal = block.any_equal(value);
            let first_equal = bytes.iter().position(|&b| b == value);
            prop_assert_eq!(equal != 0, first_equal.is_some());
            if let Some(k) = first_equal {
                prop_assert_eq!(first_flagged(equal), k);
            }
            prop_assert_eq!(block.non_ascii() == 0, bytes.is_ascii());
        }

        /// On ASCII bytes every test is exact for every byte.
        #[test]
        fn ascii_tests_are_exact_per_byte(
            bytes in proptest::array::uniform8(proptest::prop_oneof![
                3 => 0u8..0x80, 1 => Just(b' '), 1 => 0x09u8..=0x0D,
            ]),
            lo in 0u8..0x80,
            width in 0u8..0x80,
        ) {
            let hi = lo.saturating_add(width).min(0x7F);
            let block = AsciiBlock::of_ascii(&bytes);
            prop_assert_eq!(
                AsciiBlock::gather(block.in_range(lo, hi)),
                bits(|b| (lo..=hi).contains(&b), &bytes)
            );
            prop_assert_eq!(block.spaces(), bits(|b| b == b' ', &bytes));
            prop_assert_eq!(block.alnums(), bits(|b| b.is_ascii_alphanumeric(), &bytes));
            prop_assert_eq!(block.lower(), bytes.map(|b| b.to_ascii_lowercase()));
            let single = !bytes.iter().any(|&b| (0x09..=0x0D).contains(&b))
                && !bytes.windows(2).any(|w| w == b"  ");
            prop_assert_eq!(block.only_single_spaces(), single);
        }
    }
}
