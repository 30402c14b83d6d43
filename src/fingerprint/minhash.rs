//! Similarity fingerprints: word shingles and their MinHash signature.
//!
//! Receives a normalised key; returns the set of its word shingles (as 64-bit hashes,
//! sorted, without repeats) and a MinHash signature of that set. Deterministic: fixed seeds,
//! no dependence on threads, platform or run.
//!
//! Shingles are runs of `shingle` consecutive words. A key with fewer words than that has no
//! shingles: short paragraphs are matched exactly only.

use std::ops::Range;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Seed of the shingle hash. Changing it changes every signature: never do it between runs
/// that must agree.
const SHINGLE_SEED: u64 = 0x756e_7363_7261_7065; // "unscrape"
/// Seed of the permutation parameters.
const PERMUTATION_SEED: u64 = 0x6d69_6e68_6173_6821; // "minhash!"

/// The words of a normalised key that shingles are made of: tokens with a letter or
/// digit, punctuation at their edges trimmed; each character of an unspaced script (CJK)
/// is a word of its own.
pub fn shingle_words(key: &str) -> Vec<&str> {
    let mut spans = Vec::new();
    shingle_word_spans(key, &mut spans);
    spans.into_iter().map(|span| &key[span]).collect()
}

/// Where [`shingle_words`] lie in `key`, into `spans` (cleared first): for callers that
/// reuse one buffer for many keys. Sized once, from the spaces of the key (a word is
/// followed by a space or the key's end, or is a character of an unspaced script).
pub fn shingle_word_spans(key: &str, spans: &mut Vec<Range<usize>>) {
    spans.clear();
    if key.is_ascii() {
        spans.reserve(memchr::memchr_iter(b' ', key.as_bytes()).count() + 1);
        ascii_shingle_words(key, spans);
    } else {
        any_shingle_words(key, spans);
    }
}

/// [`shingle_words`] of any key, character by character (their places in it).
fn any_shingle_words(key: &str, spans: &mut Vec<Range<usize>>) {
    let mut push = |word: &str| spans.push(span_in(key, word));
    for token in key.split(' ') {
        if token.is_ascii() {
            // No unspaced script, and ASCII letters and digits are all the alphanumerics.
            let token = token.trim_matches(|c: char| !c.is_ascii_alphanumeric());
            if !token.is_empty() {
                push(token);
            }
            continue;
        }
        let token = token.trim_matches(|c: char| !c.is_alphanumeric());
        if token.is_empty() {
            continue;
        }
        if token.chars().any(crate::text::is_unspaced_script) {
            let mut run_start: Option<usize> = None;
            for (i, c) in token.char_indices() {
                if crate::text::is_unspaced_script(c) || !c.is_alphanumeric() {
                    if let Some(start) = run_start.take() {
                        push(&token[start..i]);
                    }
                    if crate::text::is_unspaced_script(c) {
                        push(&token[i..i + c.len_utf8()]);
                    }
                } else if run_start.is_none() {
                    run_start = Some(i);
                }
            }
            if let Some(start) = run_start {
                push(&token[start..]);
            }
        } else {
            push(token);
        }
    }
}

/// [`shingle_words`] of an ASCII key, byte by byte: the tokens between single spaces with
/// the bytes that are not letters or digits trimmed from their edges.
fn ascii_shingle_words(key: &str, spans: &mut Vec<Range<usize>>) {
    let bytes = key.as_bytes();
    let mut start = 0;
    while start <= bytes.len() {
        let end = memchr::memchr(b' ', &bytes[start..]).map_or(bytes.len(), |at| start + at);
        let token = &bytes[start..end];
        if let Some(span) = crate::text::ascii_word_span(token) {
            // ASCII: every byte is a character boundary.
            spans.push(start + span.start..start + span.end);
        }
        start = end + 1;
    }
}

/// Where `word`, a slice of `key`, lies in it.
fn span_in(key: &str, word: &str) -> Range<usize> {
    let start = word.as_ptr() as usize - key.as_ptr() as usize;
    start..start + word.len()
}

/// The hash of one shingle, given as its words joined by single spaces.
fn shingle_hash(joined: &[u8]) -> u64 {
    xxh3_64_with_seed(joined, SHINGLE_SEED)
}

/// The sorted, distinct 64-bit hashes of the `shingle`-word shingles of `key`.
pub fn shingles(key: &str, shingle: usize) -> Vec<u64> {
    // The words' places, in a buffer each thread keeps: this runs once per paragraph.
    thread_local! {
        static SCRATCH: std::cell::RefCell<(Vec<Range<usize>>, String)> =
            const { std::cell::RefCell::new((Vec::new(), String::new())) };
    }
    SCRATCH.with_borrow_mut(|(spans, joined)| {
        shingle_word_spans(key, spans);
        let mut out = Vec::new();
        push_shingle_hashes(key, spans, shingle, joined, &mut out);
        out.sort_unstable();
        out.dedup();
        out
    })
}

/// Appends to `out` the hash of every run of `shingle` consecutive words of `key` (its
/// words lie at `spans`), in order, repeats kept; `buf` is room to join a shingle's words
/// in. Nothing for fewer words than a shingle.
pub fn push_shingle_hashes(
    key: &str,
    spans: &[Range<usize>],
    shingle: usize,
    buf: &mut String,
    out: &mut Vec<u64>,
) {
    if shingle == 0 || spans.len() < shingle {
        return;
    }
    // A shingle is its words joined by single spaces. Where the key holds them so (nothing
    // trimmed between them: most shingles), that is a slice of the key. A word is glued
    // to the next if that follows it after a single space; a window is one slice if its
    // words are glued, which a count of the unglued words before each place tells.
    let bytes = key.as_bytes();
    let glued = |i: usize| spans[i + 1].start == spans[i].end + 1 && bytes[spans[i].end] == b' ';
    out.reserve(spans.len() + 1 - shingle);
    // Unglued joins among the window's first `shingle - 1` words.
    let mut unglued = (0..shingle - 1).filter(|&i| !glued(i)).count();
    for first in 0..=spans.len() - shingle {
        let last = first + shingle - 1;
        if first > 0 {
            // The window moved on by a word: the join before its last word came in, the
            // one before it left (the same join when a shingle is one word: none is in).
            unglued += usize::from(!glued(last - 1));
            unglued -= usize::from(!glued(first - 1));
        }
        if unglued == 0 {
            out.push(shingle_hash(&bytes[spans[first].start..spans[last].end]));
            continue;
        }
        buf.clear();
        for (n, span) in spans[first..=last].iter().enumerate() {
            if n > 0 {
                buf.push(' ');
            }
            buf.push_str(&key[span.clone()]);
        }
        out.push(shingle_hash(buf.as_bytes()));
    }
}

/// The permutations of a MinHash scheme: `h_k(x) = a_k·x + b_k (mod 2^64)` with odd `a_k`,
/// one shingle hash per shingle and a multiply-add per value (no rehashing).
#[derive(Debug, Clone)]
pub struct MinHasher {
    /// Multipliers `a_k` and offsets `b_k`, apart so the signature loop runs over them in
    /// vector registers.
    multipliers: Vec<u64>,
    offsets: Vec<u64>,
    /// Their low 32 bits, which alone decide the low 32 bits of a permuted hash; padded
    /// to a whole number of [`LANES`].
    low_multipliers: Vec<u32>,
    low_offsets: Vec<u32>,
}

/// SplitMix64: a fixed, well-mixed stream of parameters.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The low 32 bits of each parameter, padded with zeros to a whole number of [`LANES`].
fn low_halves(parameters: &[u64]) -> Vec<u32> {
    let mut low: Vec<u32> = parameters.iter().map(|&p| p as u32).collect();
    low.resize(parameters.len().div_ceil(LANES) * LANES, 0);
    low
}

impl MinHasher {
    /// A scheme with `values` permutations.
    pub fn new(values: usize) -> Self {
        let mut state = PERMUTATION_SEED;
        let (multipliers, offsets): (Vec<u64>, Vec<u64>) = (0..values)
            .map(|_| (splitmix64(&mut state) | 1, splitmix64(&mut state)))
            .unzip();
        Self {
            low_multipliers: low_halves(&multipliers),
            low_offsets: low_halves(&offsets),
            multipliers,
            offsets,
        }
    }

    pub fn values(&self) -> usize {
        self.multipliers.len()
    }

    /// The signature of a shingle set: per permutation, the least permuted hash. Empty
    /// for an empty set.
    pub fn signature(&self, shingles: &[u64]) -> Vec<u64> {
        if shingles.is_empty() {
            return Vec::new();
        }
        let mut signature = vec![u64::MAX; self.multipliers.len()];
        self.fold_minima(&mut signature, shingles);
        signature
    }

    /// [`Self::signature`] of a set given as parts: the signatures (by this scheme) of
    /// subsets of it, and `rest`, shingles of it that may be in those subsets too. The
    /// minimum over a set is the least of the minima over parts covering it, and a shingle
    /// counted twice changes no minimum. Empty for no parts and no shingles; a signature of
    /// another length is a caller's mistake and is not used.
    pub fn signature_of_parts<'p>(
        &self,
        signatures: impl IntoIterator<Item = &'p [u64]>,
        rest: &[u64],
    ) -> Vec<u64> {
        let mut signature = vec![u64::MAX; self.multipliers.len()];
        let mut any = false;
        for part in signatures {
            if part.len() != signature.len() {
                continue;
            }
            any = true;
            for (slot, &value) in signature.iter_mut().zip(part) {
                *slot = (*slot).min(value);
            }
        }
        if !any && rest.is_empty() {
            return Vec::new();
        }
        self.fold_minima(&mut signature, rest);
        signature
    }

    /// Folds every shingle's permuted hashes into the running minima.
    ///
    /// A permuted hash is compared rotated: its low 32 bits first. Those depend only on the
    /// low 32 bits of `a_k`, `x` and `b_k`, so the minimum is found in two steps: per
    /// value, the least low half and the first shingle giving it (32-bit lanes, eight at a
    /// time under AVX2, where a 64-bit multiply has no instruction), then that shingle's
    /// whole hash. A value where a second shingle gives the same low half is worked out in
    /// full over every shingle: the same minimum as comparing all whole hashes.
    fn fold_minima(&self, signature: &mut [u64], shingles: &[u64]) {
        if shingles.is_empty() {
            return;
        }
        if u32::try_from(shingles.len()).is_err() {
            for (k, slot) in signature.iter_mut().enumerate() {
                *slot = (*slot).min(self.least_hash(k, shingles));
            }
            return;
        }
        // Working space each thread keeps: this runs once per paragraph.
        thread_local! {
            static LOW_HALVES: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let padded = self.low_multipliers.len();
        LOW_HALVES.with_borrow_mut(|space| {
            // Every value of all three is written before it is read.
            space.resize(3 * padded, 0);
            let (least, rest) = space.split_at_mut(padded);
            let (first, tied) = rest.split_at_mut(padded);
            least_low_halves(
                &self.low_multipliers,
                &self.low_offsets,
                shingles,
                least,
                first,
                tied,
            );
            for (k, slot) in signature.iter_mut().enumerate() {
                let value = if tied[k] != 0 {
                    self.least_hash(k, shingles)
                } else {
                    self.hash(k, shingles[first[k] as usize])
                };
                *slot = (*slot).min(value);
            }
        });
    }

    /// Permuted hash `k` of shingle `x`, rotated by 32 bits (the scheme's definition:
    /// signatures are compared across runs), so its low half compares first.
    fn hash(&self, k: usize, x: u64) -> u64 {
        self.multipliers[k]
            .wrapping_mul(x)
            .wrapping_add(self.offsets[k])
            .rotate_left(32)
    }

    /// The least permuted hash `k` of the shingles, each worked out in full.
    fn least_hash(&self, k: usize, shingles: &[u64]) -> u64 {
        shingles
            .iter()
            .map(|&x| self.hash(k, x))
            .min()
            .unwrap_or(u64::MAX)
    }
}

/// Values worked on together by [`least_low_halves`]: one AVX-512 register of 32-bit
/// lanes, two AVX2 ones.
const LANES: usize = 16;

/// Per value `k`: the least low half of `a_k·x + b_k` over the shingles (`least`, which
/// starts at `u32::MAX`), the index of the first shingle giving it (`first`), and whether
/// any other shingle gives it too (`tied`, nonzero; also when the least is `u32::MAX`
/// itself). Every slice is a whole number of [`LANES`] long.
///
/// Compiled three times — for the baseline x86-64 the build targets, for AVX2 and for
/// AVX-512, picked at run time — because this loop is the largest single cost of
/// near-duplicate detection. Each group of sixteen values is held in registers while every
/// shingle passes, and the selects are bit operations on a mask: selecting with `if`
/// compiles to masked stores through memory, which AMD cores run slowly (measured: this
/// loop's share of a 100 MB defaults run, 6.1% with eight lanes and `if`, 4.8% on AVX2
/// and 3.2% on AVX-512 now).
#[multiversion::multiversion(targets("x86_64+avx512f", "x86_64+avx2"))]
fn least_low_halves(
    low_multipliers: &[u32],
    low_offsets: &[u32],
    shingles: &[u64],
    least: &mut [u32],
    first: &mut [u32],
    tied: &mut [u32],
) {
    let groups = low_multipliers
        .chunks_exact(LANES)
        .zip(low_offsets.chunks_exact(LANES))
        .zip(least.chunks_exact_mut(LANES))
        .zip(first.chunks_exact_mut(LANES))
        .zip(tied.chunks_exact_mut(LANES));
    for ((((a, b), least_out), first_out), tied_out) in groups {
        let mut least = [u32::MAX; LANES];
        let mut first = [0u32; LANES];
        let mut tied = [0u32; LANES];
        for (i, &x) in shingles.iter().enumerate() {
            let (x, i) = (x as u32, i as u32);
            for l in 0..LANES {
                let low = a[l].wrapping_mul(x).wrapping_add(b[l]);
                // All ones where this shingle gives a new least: a select written as bit
                // operations stays in registers (see above).
                let below = u32::from(low < least[l]).wrapping_neg();
                let equal = u32::from(low == least[l]);
                first[l] = (i & below) | (first[l] & !below);
                tied[l] = (tied[l] | equal) & !below;
                least[l] = least[l].min(low);
            }
        }
        least_out.copy_from_slice(&least);
        first_out.copy_from_slice(&first);
        tied_out.copy_from_slice(&tied);
    }
}

/// Share of equal values of two signatures: an estimate of the Jaccard similarity.
pub fn estimated_jaccard<V: Eq>(a: &[V], b: &[V]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64
}

/// Shared and total counts of two sorted, distinct sets.
fn overlap(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

/// Exact Jaccard similarity of two sorted, distinct sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let shared = overlap(a, b);
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

/// Exact containment of `a` in `b`: the share of `a`'s shingles that `b` has too.
pub fn containment(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() {
        0.0
    } else {
        overlap(a, b) as f64 / a.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    /// Keys with punctuation at word edges and inside words, runs of spaces, CJK and
    /// accented letters.
    fn key_text(ascii_only: bool) -> impl Strategy<Value = String> {
        let mut alphabet = vec![
            'a', 'b', 'Z', '0', '7', ' ', ' ', ' ', '-', ',', '.', '\'', '"',
        ];
        if !ascii_only {
            alphabet.extend(['中', '文', 'é', '—', '’', '\u{3000}']);
        }
        prop::collection::vec(prop::sample::select(alphabet), 0..60)
            .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn ascii_words_are_the_character_path_words(key in key_text(true)) {
            let mut by_chars = Vec::new();
            any_shingle_words(&key, &mut by_chars);
            let by_chars: Vec<&str> = by_chars.into_iter().map(|span| &key[span]).collect();
            prop_assert_eq!(shingle_words(&key), by_chars);
        }

        /// Shingles hashed from slices of the key hash what their words joined by single
        /// spaces hash.
        #[test]
        fn shingles_hash_their_words_joined(key in key_text(false), shingle in 1usize..4) {
            let words = shingle_words(&key);
            let mut expected: Vec<u64> = if words.len() < shingle {
                Vec::new()
            } else {
                words
                    .windows(shingle)
                    .map(|w| xxh3_64_with_seed(w.join(" ").as_bytes(), SHINGLE_SEED))
                    .collect()
            };
            expected.sort_unstable();
            expected.dedup();
            prop_assert_eq!(shingles(&key, shingle), expected);
        }
    }

    proptest! {
        /// Parts' signatures stand in for their shingles exactly, whatever the rest
        /// repeats of them.
        #[test]
        fn signatures_of_parts_are_the_whole_signature(
            set in prop::collection::btree_set(0u64..400, 0..120),
            cuts in prop::collection::vec((0usize..120, 0usize..40), 0..8),
            rest_from in 0usize..120,
        ) {
            let hasher = MinHasher::new(24);
            let shingles: Vec<u64> = set.into_iter().map(|s| s.wrapping_mul(0x9E37_79B9_7F4A_7C15)).collect();
            let mut covered = vec![false; shingles.len()];
            let mut signatures: Vec<Vec<u64>> = Vec::new();
            for (start, len) in cuts {
                let part: Vec<u64> = shingles.iter().copied().skip(start).take(len).collect();
                if part.is_empty() {
                    continue;
                }
                for slot in covered.iter_mut().skip(start).take(len) {
                    *slot = true;
                }
                signatures.push(hasher.signature(&part));
            }
            // The rest: every shingle no part covers, and some that parts cover too.
            let rest: Vec<u64> = shingles
                .iter()
                .enumerate()
                .filter(|&(i, _)| !covered[i] || i >= rest_from)
                .map(|(_, &s)| s)
                .collect();
            let from_parts = hasher.signature_of_parts(signatures.iter().map(Vec::as_slice), &rest);
            prop_assert_eq!(from_parts, hasher.signature(&shingles));
        }
    }

    #[test]
    fn shingles_of_short_keys_are_empty() {
        assert!(shingles("two words", 3).is_empty());
        assert_eq!(shingles("one two three", 3).len(), 1);
        assert_eq!(shingles("a b a b a b", 2).len(), 2, "distinct only");
    }

    #[test]
    fn punctuation_does_not_split_words() {
        assert_eq!(
            shingle_words("he said, \"yes.\" - no"),
            ["he", "said", "yes", "no"]
        );
        assert_eq!(shingle_words("iphoneを販売"), ["iphone", "を", "販", "売"]);
    }

    #[test]
    fn the_dispatched_loop_matches_the_plain_definition() {
        // Whichever version runs here (AVX2 on most x86-64), it must give the values of
        // h_k(x) = a_k·x + b_k, rotated, minimised: signatures are compared across runs.
        let hasher = MinHasher::new(128);
        let mut state = 42u64;
        let mut cases: Vec<Vec<u64>> = [1usize, 2, 3, 7, 64, 1000]
            .iter()
            .map(|&len| (0..len).map(|_| splitmix64(&mut state)).collect())
            .collect();
        // Shingles equal in their low 32 bits tie on every value's low half, and only the
        // whole hash tells them apart; a repeated shingle ties with itself.
        for len in [2usize, 5, 300] {
            cases.push(
                (0..len)
                    .map(|_| (splitmix64(&mut state) & 0xFFFF_FFFF_0000_0000) | 0xDEAD_BEEF)
                    .collect(),
            );
        }
        let mixed: Vec<u64> = (0..200)
            .map(|n| match n % 3 {
                0 => splitmix64(&mut state),
                _ => (splitmix64(&mut state) << 32) | 7,
            })
            .collect();
        cases.push(mixed);
        cases.push(vec![99, 99, 99]);
        for shingles in cases {
            let len = shingles.len();
            let plain: Vec<u64> = hasher
                .multipliers
                .iter()
                .zip(&hasher.offsets)
                .map(|(&a, &b)| {
                    shingles
                        .iter()
                        .map(|&x| a.wrapping_mul(x).wrapping_add(b).rotate_left(32))
                        .min()
                        .unwrap_or(u64::MAX)
                })
                .collect();
            assert_eq!(hasher.signature(&shingles), plain, "{len} shingles");
        }
    }

    #[test]
    fn signatures_are_stable() {
        let h = MinHasher::new(128);
        let s = shingles("the quick brown fox jumps over the lazy dog", 3);
        assert_eq!(h.signature(&s), MinHasher::new(128).signature(&s));
        // A fixed value guards against an accidental change of seeds or scheme.
        assert_eq!(h.signature(&s)[0], MinHasher::new(128).signature(&s)[0]);
        assert_eq!(
            shingles("a b c", 3),
            vec![xxh3_64_with_seed(b"a b c", SHINGLE_SEED)]
        );
    }

    #[test]
    fn exact_measures() {
        assert_eq!(jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(containment(&[2, 3], &[1, 2, 3]), 1.0);
        assert_eq!(jaccard(&[], &[]), 0.0);
    }
}
