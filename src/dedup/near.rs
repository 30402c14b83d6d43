//! The near-duplicate index: MinHash LSH for similar paragraphs, shingle postings for
//! fragments, and exact verification of every candidate.
//!
//! Candidates come from two places, neither of which compares all pairs:
//! - LSH banding of MinHash signatures finds paragraphs whose shingle sets have a high
//!   Jaccard similarity (an edited or re-punctuated copy);
//! - shingle postings (each shingle → the first indexed paragraph that had it) find the
//!   paragraph that holds most of a later paragraph's shingles: a re-wrapped copy splits a
//!   paragraph into line fragments whose Jaccard with the original is low but whose
//!   *containment* in it is high.
//!
//! Each candidate is then verified exactly on the shingle sets: a paragraph is a near
//! duplicate of an earlier one if their Jaccard similarity, or its containment in the
//! earlier one, reaches the threshold.

use crate::fingerprint::minhash::{containment, jaccard};
use rustc_hash::FxHashMap;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;
use zerocopy::{Immutable, IntoBytes};

/// Which measure verified a near duplicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// Jaccard similarity of the two shingle sets.
    Jaccard,
    /// Share of the later paragraph's shingles found in the earlier one.
    Containment,
}

/// A verified similarity between a paragraph and an earlier one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    pub value: f64,
    pub measure: Measure,
}

/// Verifies a candidate pair: the larger of Jaccard and containment of `later` in
/// `earlier`, if it reaches `threshold`.
pub fn verify(later: &[u64], earlier: &[u64], threshold: f64) -> Option<Similarity> {
    let j = jaccard(later, earlier);
    let c = containment(later, earlier);
    let best = if j >= c {
        Similarity {
            value: j,
            measure: Measure::Jaccard,
        }
    } else {
        Similarity {
            value: c,
            measure: Measure::Containment,
        }
    };
    (best.value >= threshold).then_some(best)
}

/// An LSH band layout: `bands` bands of `rows` signature values each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bands {
    pub bands: usize,
    pub rows: usize,
}

/// Least probability that a pair at exactly the threshold becomes a candidate.
const MIN_RECALL_AT_THRESHOLD: f64 = 0.999;

impl Bands {
    /// Probability that a pair with Jaccard similarity `s` shares at least one band.
    pub fn candidate_probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// The key of band `band` of a signature: 32 bits of the XXH3 hash of its values'
    /// little-endian bytes (`None` past the signature's end). A chance collision of two
    /// bands' keys only adds a candidate, which verification then rejects.
    pub fn key<V: SignatureValue>(&self, signature: &[V], band: usize) -> Option<u32> {
        let values = signature.get(band * self.rows..(band + 1) * self.rows)?;
        // On a little-endian machine the values' memory is their little-endian bytes.
        Some(if cfg!(target_endian = "little") {
            xxh3_64(values.as_bytes()) as u32
        } else {
            key_of_le_bytes(values)
        })
    }

    /// The layout over `values` signature values with the most rows per band (fewest
    /// false candidates) that still finds a pair at `threshold` with probability ≥ 99.9%.
    pub fn for_threshold(threshold: f64, values: usize) -> Self {
        let mut best = Self {
            bands: values,
            rows: 1,
        };
        for rows in 1..=values {
            let layout = Self {
                bands: values / rows,
                rows,
            };
            if layout.candidate_probability(threshold) >= MIN_RECALL_AT_THRESHOLD {
                best = layout;
            } else {
                break;
            }
        }
        best
    }
}

/// Rows of a band hashed from a buffer on the stack.
const MAX_INLINE_ROWS: usize = 16;

/// A band's key from its values' little-endian bytes written one after the other: what a
/// big-endian machine hashes (compiled and tested on every machine).
fn key_of_le_bytes<V: SignatureValue>(values: &[V]) -> u32 {
    let mut inline = [0u8; 8 * MAX_INLINE_ROWS];
    let mut spilled = Vec::new();
    let bytes: &mut [u8] = if values.len() <= MAX_INLINE_ROWS {
        &mut inline
    } else {
        spilled.resize(values.len() * 8, 0);
        &mut spilled
    };
    let mut len = 0;
    for &value in values {
        len += value.put_le_bytes(&mut bytes[len..]);
    }
    xxh3_64(&bytes[..len]) as u32
}

/// Most postings candidates verified per paragraph (the ones holding most of its
/// shingles).
const MAX_POSTING_CANDIDATES: usize = 4;

/// A value of a MinHash signature as the index sees it: a paragraph's own 64-bit values
/// within a document, or their low 32 bits in a batch's decision pass (see
/// `batch::signatures`). Two signatures share a band when the band's values are equal.
pub trait SignatureValue: Copy + Eq + IntoBytes + Immutable {
    /// Writes the value's little-endian bytes at the start of `out` (8 bytes at least)
    /// and returns their number.
    fn put_le_bytes(self, out: &mut [u8]) -> usize;
}

impl SignatureValue for u64 {
    fn put_le_bytes(self, out: &mut [u8]) -> usize {
        out[..8].copy_from_slice(&self.to_le_bytes());
        8
    }
}

impl SignatureValue for u32 {
    fn put_le_bytes(self, out: &mut [u8]) -> usize {
        out[..4].copy_from_slice(&self.to_le_bytes());
        4
    }
}

/// No entry: the end of a band bucket's chain.
const NO_ENTRY: u32 = u32::MAX;

/// Entries per block of [`Chains`].
const CHAIN_BLOCK: usize = 1 << 16;

/// An entry of a band bucket: the paragraph, and the bucket's previous entry.
#[derive(Debug, Clone, Copy)]
struct ChainEntry {
    paragraph: u32,
    previous: u32,
}

/// The entries of the band buckets' chains, in insertion order. Kept in blocks of
/// [`CHAIN_BLOCK`], so a corpus-sized index grows without copying itself and without a
/// doubling's slack (a quarter of a batch's peak memory when it was one vector).
#[derive(Debug, Default)]
struct Chains {
    blocks: Vec<Vec<ChainEntry>>,
    len: usize,
}

impl Chains {
    fn with_capacity(entries: usize) -> Self {
        Self {
            blocks: vec![Vec::with_capacity(entries.min(CHAIN_BLOCK))],
            len: 0,
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn push(&mut self, entry: ChainEntry) {
        match self.blocks.last_mut() {
            Some(block) if block.len() < CHAIN_BLOCK => block.push(entry),
            _ => {
                let mut block = Vec::with_capacity(CHAIN_BLOCK);
                block.push(entry);
                self.blocks.push(block);
            }
        }
        self.len += 1;
    }

    fn get(&self, entry: u32) -> ChainEntry {
        let entry = entry as usize;
        self.blocks[entry / CHAIN_BLOCK][entry % CHAIN_BLOCK]
    }
}

/// The index of paragraphs that later ones may duplicate.
///
/// Band buckets are chains through one arena rather than a vector per bucket: most buckets
/// hold one paragraph, and a vector each costs an allocation and 24 bytes more per band of
/// every paragraph (see docs/PERFORMANCE.md). A band is keyed by 32 bits of its hash: half
/// the table of a 64-bit key, and a chance collision (≈ paragraphs / 2³² per band) only
/// adds a candidate, which verification then rejects. A caller that knows in which bands
/// no other paragraph has a paragraph's key may leave those out ([`Self::insert_bands`]).
#[derive(Debug)]
pub struct NearIndex {
    layout: Bands,
    /// Per band: band key → the bucket's latest entry in `chains`.
    tables: Vec<FxHashMap<u32, u32>>,
    chains: Chains,
    /// Shingle → first indexed paragraph that had it.
    postings: FxHashMap<u64, u32>,
}

impl NearIndex {
    pub fn new(layout: Bands) -> Self {
        Self::with_capacity(layout, 0, 0)
    }

    /// An index sized for `paragraphs` paragraphs of `shingles` shingles in all: a
    /// document's index is built at once, and growing its tables step by step rehashes
    /// every entry several times.
    pub fn with_capacity(layout: Bands, paragraphs: usize, shingles: usize) -> Self {
        Self {
            layout,
            tables: vec![
                FxHashMap::with_capacity_and_hasher(paragraphs, Default::default());
                layout.bands
            ],
            chains: Chains::with_capacity(paragraphs * layout.bands),
            postings: FxHashMap::with_capacity_and_hasher(shingles, Default::default()),
        }
    }

    /// The keys of a signature's bands, in band order, into `keys` (cleared first); fewer
    /// than the layout's bands for a signature too short to fill them.
    pub fn band_keys<V: SignatureValue>(&self, signature: &[V], keys: &mut Vec<u32>) {
        keys.clear();
        keys.extend((0..self.layout.bands).map_while(|b| self.layout.key(signature, b)));
    }

    /// Candidate paragraphs for a paragraph with this signature and shingle set, in
    /// ascending order, without repeats.
    pub fn candidates<V: SignatureValue>(&self, signature: &[V], shingles: &[u64]) -> Vec<usize> {
        self.candidates_in_bands(signature, shingles, |_| true)
    }

    /// [`Self::candidates`] by the paragraph's [`Self::band_keys`], for a caller that
    /// indexes the paragraph after asking (its keys are hashed once).
    pub fn candidates_by_keys(&self, keys: &[u32], shingles: &[u64]) -> Vec<usize> {
        let mut found = Vec::new();
        for (table, &key) in self.tables.iter().zip(keys) {
            self.bucket(table, key, &mut found);
        }
        self.by_postings(shingles, found)
    }

    /// [`Self::candidates`] looking only in the bands `band` accepts: a band whose key no
    /// other paragraph has cannot give a candidate, and its key need not be computed.
    pub fn candidates_in_bands<V: SignatureValue>(
        &self,
        signature: &[V],
        shingles: &[u64],
        mut band: impl FnMut(usize) -> bool,
    ) -> Vec<usize> {
        let mut found: Vec<usize> = Vec::new();
        for (b, table) in self.tables.iter().enumerate() {
            if !band(b) {
                continue;
            }
            let Some(key) = self.layout.key(signature, b) else {
                break;
            };
            self.bucket(table, key, &mut found);
        }
        self.by_postings(shingles, found)
    }

    /// Adds the paragraphs of one band's bucket to `found`.
    fn bucket(&self, table: &FxHashMap<u32, u32>, key: u32, found: &mut Vec<usize>) {
        let mut entry = table.get(&key).copied().unwrap_or(NO_ENTRY);
        while entry != NO_ENTRY {
            let ChainEntry {
                paragraph,
                previous,
            } = self.chains.get(entry);
            found.push(paragraph as usize);
            entry = previous;
        }
    }

    /// The band candidates `found` with the paragraphs sharing most shingles added, in
    /// ascending order without repeats.
    fn by_postings(&self, shingles: &[u64], mut found: Vec<usize>) -> Vec<usize> {
        if !shingles.is_empty() {
            let mut votes: FxHashMap<u32, usize> = FxHashMap::default();
            for s in shingles {
                if let Some(&p) = self.postings.get(s) {
                    *votes.entry(p).or_default() += 1;
                }
            }
            let mut by_votes: Vec<(u32, usize)> = votes.into_iter().collect();
            // Most votes first, then earliest: deterministic whatever the map's order.
            by_votes.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            found.extend(
                by_votes
                    .iter()
                    .take(MAX_POSTING_CANDIDATES)
                    .map(|&(p, _)| p as usize),
            );
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Indexes a paragraph (numbers fit in 32 bits).
    pub fn insert<V: SignatureValue>(
        &mut self,
        paragraph: usize,
        signature: &[V],
        shingles: &[u64],
    ) {
        self.insert_bands(paragraph, signature, shingles, |_| true);
    }

    /// [`Self::insert`] by the paragraph's [`Self::band_keys`].
    pub fn insert_by_keys(&mut self, paragraph: usize, keys: &[u32], shingles: &[u64]) {
        let id = paragraph as u32;
        // A signature too short for every band has no bands to share.
        if keys.len() == self.layout.bands && self.has_room() {
            for (b, &key) in keys.iter().enumerate() {
                self.chain(b, key, id);
            }
        }
        self.add_postings(id, shingles);
    }

    /// [`Self::insert`] in the bands `band` accepts only: the others' keys are never
    /// looked up by a paragraph that could match (see `batch::shared_bands`).
    pub fn insert_bands<V: SignatureValue>(
        &mut self,
        paragraph: usize,
        signature: &[V],
        shingles: &[u64],
        mut band: impl FnMut(usize) -> bool,
    ) {
        let id = paragraph as u32;
        // An empty signature (no shingles) has no bands to share.
        let whole = signature.len() >= self.layout.bands * self.layout.rows;
        if whole && self.has_room() {
            for b in 0..self.layout.bands {
                if !band(b) {
                    continue;
                }
                let Some(key) = self.layout.key(signature, b) else {
                    break;
                };
                self.chain(b, key, id);
            }
        }
        self.add_postings(id, shingles);
    }

    /// Entries are numbered in 32 bits: an index full at ≈ 4 × 10⁹ entries indexes no
    /// more (later paragraphs are still matched against those indexed) rather than wrap.
    fn has_room(&self) -> bool {
        self.chains.len() + self.layout.bands < NO_ENTRY as usize
    }

    /// Puts paragraph `id` at the head of its bucket in band `band`.
    fn chain(&mut self, band: usize, key: u32, id: u32) {
        let next = self.chains.len() as u32;
        let previous = self.tables[band].insert(key, next).unwrap_or(NO_ENTRY);
        self.chains.push(ChainEntry {
            paragraph: id,
            previous,
        });
    }

    fn add_postings(&mut self, id: u32, shingles: &[u64]) {
        for &s in shingles {
            self.postings.entry(s).or_insert(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::minhash::{estimated_jaccard, shingles, MinHasher};
    use crate::fingerprint::normalise;
    use crate::test_support::Rng;

    fn paragraph(rng: &mut Rng, words: usize) -> Vec<String> {
        (0..words)
            .map(|_| format!("w{}", rng.below(5000)))
            .collect()
    }

    #[test]
    fn a_band_key_hashes_the_values_little_endian_bytes() {
        let layout = Bands { bands: 3, rows: 2 };
        let wide: Vec<u64> = vec![1, 0x0102_0304_0506_0708, u64::MAX, 7, 0, 42];
        let narrow: Vec<u32> = vec![1, 0x0102_0304, u32::MAX, 7, 0, 42];
        for band in 0..3 {
            let bytes: Vec<u8> = wide[band * 2..band * 2 + 2]
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect();
            assert_eq!(layout.key(&wide, band), Some(xxh3_64(&bytes) as u32));
            let bytes: Vec<u8> = narrow[band * 2..band * 2 + 2]
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect();
            assert_eq!(layout.key(&narrow, band), Some(xxh3_64(&bytes) as u32));
        }
        assert_eq!(layout.key(&wide, 3), None);
    }

    #[test]
    fn layout_for_default_threshold() {
        let layout = Bands::for_threshold(0.8, 128);
        assert!(layout.candidate_probability(0.8) >= 0.999);
        assert!(layout.candidate_probability(0.3) < 0.2, "{layout:?}");
    }

    #[test]
    fn estimated_jaccard_is_close_to_true() {
        let mut rng = Rng(7);
        let hasher = MinHasher::new(128);
        let mut worst: f64 = 0.0;
        for _ in 0..200 {
            let a = paragraph(&mut rng, 40);
            let mut b = a.clone();
            for _ in 0..rng.below(12) {
                let k = rng.below(b.len());
                b[k] = format!("x{}", rng.below(5000));
            }
            let (sa, sb) = (shingles(&a.join(" "), 3), shingles(&b.join(" "), 3));
            let est = estimated_jaccard(&hasher.signature(&sa), &hasher.signature(&sb));
            worst = worst.max((est - jaccard(&sa, &sb)).abs());
        }
        // 128 values: standard error ≤ 0.045; 200 pairs stay within about 4 of them.
        assert!(worst < 0.18, "worst error {worst}");
    }

    #[test]
    fn recall_at_0_9_similarity_in_10000_paragraphs() {
        let mut rng = Rng(42);
        let hasher = MinHasher::new(128);
        let layout = Bands::for_threshold(0.8, 128);
        let mut index = NearIndex::new(layout);
        let originals: Vec<Vec<String>> = (0..5000).map(|_| paragraph(&mut rng, 60)).collect();
        for (i, p) in originals.iter().enumerate() {
            let s = shingles(&p.join(" "), 3);
            index.insert(i, &hasher.signature(&s), &s);
        }
        let mut found = 0;
        let mut pairs = 0;
        for (i, p) in originals.iter().enumerate() {
            // Edit one word at the end: about 0.9 Jaccard on 3-word shingles.
            let mut copy = p.clone();
            copy[59] = format!("edited{i}");
            let (s, so) = (shingles(&copy.join(" "), 3), shingles(&p.join(" "), 3));
            let j = jaccard(&s, &so);
            assert!(j >= 0.9, "{j}");
            pairs += 1;
            let sig = hasher.signature(&s);
            if index.candidates(&sig, &s).contains(&i) {
                found += 1;
            }
        }
        assert_eq!(pairs, 5000);
        assert!(
            found as f64 / pairs as f64 >= 0.99,
            "recall {found}/{pairs}"
        );
    }

    /// A band's key is the hash of its values' little-endian bytes on any machine: the
    /// key hashed from memory (little-endian) and the key written byte by byte (what a
    /// big-endian machine does, spilling past the inline buffer's rows) agree with it.
    #[test]
    fn band_keys_hash_the_values_little_endian_bytes() {
        fn le_bytes_key<V: SignatureValue>(values: &[V]) -> u32 {
            let mut bytes = Vec::new();
            for &value in values {
                let mut out = [0u8; 8];
                let len = value.put_le_bytes(&mut out);
                bytes.extend_from_slice(&out[..len]);
            }
            xxh3_64(&bytes) as u32
        }
        let mut rng = Rng(11);
        // Every byte of each value varies (the generator gives 31 bits at a time).
        let wide: Vec<u64> = (0..64)
            .map(|_| rng.next() << 33 ^ rng.next() << 2 ^ rng.next())
            .collect();
        let narrow: Vec<u32> = wide.iter().map(|&v| (v >> 32) as u32 ^ v as u32).collect();
        assert_eq!(
            le_bytes_key(&narrow[..1]),
            xxh3_64(&narrow[0].to_le_bytes()) as u32
        );
        for rows in [1, 2, 5, MAX_INLINE_ROWS, MAX_INLINE_ROWS + 1, 32] {
            let layout = Bands {
                bands: 64 / rows,
                rows,
            };
            for band in 0..layout.bands {
                let span = band * rows..(band + 1) * rows;
                let expected = le_bytes_key(&wide[span.clone()]);
                assert_eq!(layout.key(&wide, band), Some(expected));
                assert_eq!(key_of_le_bytes(&wide[span.clone()]), expected);
                let expected = le_bytes_key(&narrow[span.clone()]);
                assert_eq!(layout.key(&narrow, band), Some(expected));
                assert_eq!(key_of_le_bytes(&narrow[span]), expected);
            }
            assert_eq!(layout.key(&wide, layout.bands), None);
        }
    }

    #[test]
    fn keys_hashed_once_index_and_find_as_signatures_do() {
        let mut rng = Rng(7);
        let hasher = MinHasher::new(128);
        let layout = Bands::for_threshold(0.8, 128);
        let (mut by_signature, mut by_keys) = (NearIndex::new(layout), NearIndex::new(layout));
        let mut keys = Vec::new();
        let base: Vec<Vec<String>> = (0..40).map(|_| paragraph(&mut rng, 30)).collect();
        for i in 0..600 {
            // Copies with a few words changed, fresh paragraphs, and short ones whose
            // signatures fill no band or every band.
            let mut words = base[rng.below(base.len())].clone();
            for _ in 0..rng.below(6) {
                let k = rng.below(words.len());
                words[k] = format!("y{}", rng.below(100));
            }
            if rng.below(5) == 0 {
                let short = 1 + rng.below(4);
                words = paragraph(&mut rng, short);
            }
            let s = shingles(&words.join(" "), 3);
            let signature = hasher.signature(&s);
            by_keys.band_keys(&signature, &mut keys);
            let found = by_keys.candidates_by_keys(&keys, &s);
            assert_eq!(
                found,
                by_signature.candidates(&signature, &s),
                "paragraph {i}"
            );
            if found.is_empty() || rng.below(2) == 0 {
                by_signature.insert(i, &signature, &s);
                by_keys.insert_by_keys(i, &keys, &s);
            }
        }
        assert_eq!(by_keys.chains.len(), by_signature.chains.len());
    }

    #[test]
    fn fragments_are_found_by_containment() {
        let hasher = MinHasher::new(128);
        let mut index = NearIndex::new(Bands::for_threshold(0.8, 128));
        let original = normalise("the council met on tuesday and agreed after a long debate to fund the late night bus service for another year citing demand");
        let s = shingles(&original, 3);
        index.insert(0, &hasher.signature(&s), &s);
        let fragment = normalise("agreed after a long debate to fund the late night");
        let f = shingles(&fragment, 3);
        assert_eq!(index.candidates(&hasher.signature(&f), &f), [0]);
        let sim = verify(&f, &s, 0.8).unwrap();
        assert_eq!(sim.measure, Measure::Containment);
        assert_eq!(sim.value, 1.0);
    }

    #[test]
    fn verification_rejects_unrelated_text() {
        let a = shingles("one two three four five six seven", 3);
        let b = shingles("eight nine ten eleven twelve thirteen", 3);
        assert_eq!(verify(&a, &b, 0.8), None);
    }
}
