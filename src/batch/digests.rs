//! One bit of each value of the signatures the decision pass has indexed, kept in memory
//! so that most band candidates are rejected without reading their signatures back from
//! the [`SignatureStore`](super::signatures::SignatureStore).
//!
//! Two signatures' values can be equal only where their digests' bits are, so the bits
//! that agree bound the values that do: a candidate whose bound is below the similarity
//! threshold (or no better than the best candidate so far) cannot be chosen, and skipping
//! it changes no decision. Band candidates are mostly unrelated paragraphs that happen to
//! share a band (at 1 GB, 97% of 5 M are under half similar, and the buckets grow with
//! the corpus): reading each back was most of the decision pass. Unrelated signatures'
//! bits agree about half the time, near copies' nearly always. 16 bytes per paragraph of
//! 128 values.

/// The digests of a batch's paragraphs, by paragraph number.
#[derive(Debug)]
pub struct SignatureDigests {
    /// Values per signature.
    values: usize,
    /// 64-bit words per digest.
    words: usize,
    /// Digest of paragraph `n` at `n * words`; zero for one never recorded (a paragraph
    /// only becomes a candidate once recorded).
    bits: Vec<u64>,
}

/// Which bit of a compact signature value a digest keeps: the top one, the best mixed by
/// the permutation's multiply (see [`MinHasher`](crate::fingerprint::minhash::MinHasher)).
const DIGEST_BIT: u32 = 31;

impl SignatureDigests {
    /// Room for paragraphs numbered below `paragraphs`, of `values` values each.
    pub fn new(paragraphs: usize, values: usize) -> Self {
        let values = values.max(1);
        let words = values.div_ceil(64);
        Self {
            values,
            words,
            bits: vec![0; paragraphs * words],
        }
    }

    /// The digest of a signature, into `out` (replacing its contents).
    pub fn digest(&self, signature: &[u32], out: &mut Vec<u64>) {
        out.clear();
        out.resize(self.words, 0);
        fill(self.values, signature, out);
    }

    /// Keeps the digest of paragraph `number`'s signature.
    pub fn record(&mut self, number: u32, signature: &[u32]) {
        let start = number as usize * self.words;
        let values = self.values;
        let Some(slot) = self.bits.get_mut(start..start + self.words) else {
            return;
        };
        slot.fill(0);
        fill(values, signature, slot);
    }

    /// The highest similarity paragraph `number`'s signature can be estimated to have
    /// with the signature whose digest is `digest`: the share of positions where their
    /// bits agree, in the estimate's own arithmetic
    /// ([`estimated_jaccard`](crate::fingerprint::minhash::estimated_jaccard): a count of
    /// equal values over the width, monotonic in the count), so it is never below the
    /// estimate.
    pub fn most_similar(&self, number: u32, digest: &[u64]) -> f64 {
        let start = number as usize * self.words;
        let Some(recorded) = self.bits.get(start..start + self.words) else {
            return 1.0;
        };
        let differing: u32 = recorded
            .iter()
            .zip(digest)
            .map(|(a, b)| (a ^ b).count_ones())
            .sum();
        (self.values - differing as usize) as f64 / self.values as f64
    }
}

/// Sets the bits of a zeroed digest from the first `values` values of a signature.
fn fill(values: usize, signature: &[u32], digest: &mut [u64]) {
    let signature = &signature[..values.min(signature.len())];
    // A word at a time, without indexing, so that the loop vectorises (bit by bit it was
    // a fifth of the decision walk's own time).
    for (word, values) in digest.iter_mut().zip(signature.chunks(64)) {
        *word = values.iter().enumerate().fold(0, |word, (i, &value)| {
            word | (u64::from((value >> DIGEST_BIT) & 1) << i)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::minhash::estimated_jaccard;
    use proptest::prelude::*;

    proptest! {
        /// The bound is never below the estimate, whatever the width (part of a word,
        /// one word, a word and a part, several words).
        #[test]
        fn the_bound_is_never_below_the_estimate(
            width in prop::sample::select(vec![1usize, 7, 64, 65, 128, 200]),
            a in prop::collection::vec(any::<u32>(), 200),
            b in prop::collection::vec(any::<u32>(), 200),
            same in prop::collection::vec(any::<bool>(), 200),
        ) {
            let a = &a[..width];
            let b: Vec<u32> = (0..width).map(|i| if same[i] { a[i] } else { b[i] }).collect();
            let mut digests = SignatureDigests::new(3, width);
            digests.record(2, &b);
            let mut digest = Vec::new();
            digests.digest(a, &mut digest);
            let bound = digests.most_similar(2, &digest);
            prop_assert!(bound >= estimated_jaccard(a, &b));
            prop_assert!(bound <= 1.0);
        }
    }

    #[test]
    fn top_bits_decide_the_bound() {
        let a: Vec<u32> = (0..128u32).map(|i| i.wrapping_mul(0x9E37_79B9)).collect();
        let mut digests = SignatureDigests::new(2, 128);
        digests.record(0, &a);
        let mut digest = Vec::new();
        digests.digest(&a, &mut digest);
        assert_eq!(digests.most_similar(0, &digest), 1.0);
        // Flipping the top bit of three values makes three disagree; a low bit, none.
        let mut b = a.clone();
        for i in [0, 63, 127] {
            b[i] ^= 1 << 31;
        }
        b[5] ^= 1;
        digests.record(1, &b);
        assert_eq!(digests.most_similar(1, &digest), 125.0 / 128.0);
        // Recording again replaces the digest.
        digests.record(1, &a);
        assert_eq!(digests.most_similar(1, &digest), 1.0);
    }
}
