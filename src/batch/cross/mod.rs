//! Decisions across documents: which remaining paragraphs repeat a paragraph of an earlier
//! document, and which documents are wholly a copy of an earlier one.
//!
//! One walk over the documents in input order (sorted paths, records in line order), with
//! an exact index (key hash → first occurrence) and an LSH index of MinHash signatures; the
//! first occurrence always wins. Holds fingerprints only. The same section rules as within
//! a document: long paragraphs go when they match; short ones go only where the copy lines
//! up with its original. Across documents, near candidates are verified by the share of
//! equal signature values (MinHash's estimate of Jaccard similarity): shingle sets are not
//! kept for a whole corpus.
//!
//! This module holds what the pass keeps of each paragraph and unit, their numbers, the
//! exact index and the preparation (the shared bands); the walk itself is in `walk.rs`.

mod walk;

pub use walk::StreamingWalk;

#[cfg(test)]
use super::decisions::CrossDecisions;
use super::shared_bands::{ItemKind, SharedBands};
use super::short_keys::ShortKeyTable;
use super::signatures::{self, SignatureStore};
use super::UnitOutcome;
use crate::dedup::{Bands, DedupOptions};
use crate::pipeline::FinalParagraph;
use anyhow::Result;
use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// What the corpus-wide pass keeps of a paragraph of a clean text: 32 bytes; its signature,
/// when near matching is on, is in the batch's [`SignatureStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorpusParagraph {
    /// The first 128 bits of the SHA-256 of the normalised key: two different paragraphs
    /// share them with probability 2⁻¹²⁸, and it halves the decision pass's largest table.
    pub key: u128,
    /// 0-based first and last line (a unit is read whole into memory: its line numbers
    /// fit in 32 bits; larger ones saturate, and only a report would show them).
    pub lines: (u32, u32),
    pub words: u32,
    /// Index of the paragraph's signature among its unit's, or [`NO_SIGNATURE`].
    pub signature: u32,
}

/// A paragraph without a similarity signature.
pub const NO_SIGNATURE: u32 = u32::MAX;

/// Where a unit's signatures are in the [`SignatureStore`]: its paragraphs' signatures
/// back to back from `first`, then the whole clean text's, if it has one.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnitSketches {
    first: u64,
    paragraphs: u32,
    document: bool,
}

impl UnitSketches {
    /// The compact paragraphs of a clean text; their signatures and the whole text's
    /// (`document`) go to `store` in one write. Without a store nothing is kept.
    pub fn compact(
        paragraphs: Vec<FinalParagraph>,
        document: Option<&[u64]>,
        store: Option<&SignatureStore>,
    ) -> Result<(Vec<CorpusParagraph>, Self)> {
        let mut values: Vec<u32> = Vec::new();
        let mut count = 0u32;
        let compact = paragraphs
            .into_iter()
            .map(|p| {
                let mut prefix = [0u8; 16];
                prefix.copy_from_slice(&p.fingerprint.hash.0[..16]);
                let signature = match (&p.fingerprint.sketch, store) {
                    (Some(sketch), Some(store)) if sketch.signature.len() == store.values() => {
                        values.extend(sketch.signature.iter().map(|&v| signatures::compact(v)));
                        count += 1;
                        count - 1
                    }
                    _ => NO_SIGNATURE,
                };
                CorpusParagraph {
                    key: u128::from_le_bytes(prefix),
                    lines: (
                        u32::try_from(p.lines.0).unwrap_or(u32::MAX),
                        u32::try_from(p.lines.1).unwrap_or(u32::MAX),
                    ),
                    words: p.fingerprint.words,
                    signature,
                }
            })
            .collect();
        let Some(store) = store else {
            return Ok((compact, Self::default()));
        };
        let document = document.filter(|d| d.len() == store.values());
        if let Some(signature) = document {
            values.extend(signature.iter().map(|&v| signatures::compact(v)));
        }
        let first = store.append(&values)?;
        Ok((
            compact,
            Self {
                first,
                paragraphs: count,
                document: document.is_some(),
            },
        ))
    }

    /// Signatures stored for the unit.
    fn stored(&self) -> usize {
        self.paragraphs as usize + usize::from(self.document)
    }

    /// Number in the store of a paragraph's signature, if it has one.
    fn of(&self, paragraph: &CorpusParagraph) -> Option<u64> {
        (paragraph.signature < self.paragraphs).then(|| self.first + paragraph.signature as u64)
    }

    /// Number in the store of the whole clean text's signature, if it has one.
    fn of_document(&self) -> Option<u64> {
        self.document.then(|| self.first + self.paragraphs as u64)
    }
}

/// A unit's own signatures, read back once for its turn in the decision pass.
struct OwnSignatures {
    values: Vec<u32>,
    width: usize,
    sketches: UnitSketches,
}

impl OwnSignatures {
    fn read(
        store: Option<&SignatureStore>,
        sketches: UnitSketches,
        into: Vec<u32>,
    ) -> Result<Self> {
        let mut values = into;
        values.clear();
        let width = store.map_or(0, |s| s.values());
        if let Some(store) = store.filter(|_| sketches.stored() > 0) {
            store.read(sketches.first, sketches.stored(), &mut values)?;
        }
        Ok(Self {
            values,
            width,
            sketches,
        })
    }

    /// The signature of a paragraph that takes part in near matching ([`near_eligible`]):
    /// the shared-band pre-pass, the look-ups and the index all ask here, so they agree.
    fn paragraph(&self, paragraph: &CorpusParagraph, min_words: u32) -> Option<&[u32]> {
        if !near_eligible(paragraph, &self.sketches, min_words) {
            return None;
        }
        let start = paragraph.signature as usize * self.width;
        self.values.get(start..start + self.width)
    }

    fn document(&self) -> Option<&[u32]> {
        if !self.sketches.document {
            return None;
        }
        let start = self.sketches.paragraphs as usize * self.width;
        self.values.get(start..start + self.width)
    }
}

/// Fewest shingles of a clean text for document-level matching: below it, a document is
/// too short for a signature to say anything.
pub const MIN_DOCUMENT_SHINGLES: usize = 20;

/// The numbers of a batch's paragraphs: in input order, unit after unit, in 32 bits.
#[derive(Debug, Default)]
struct ParagraphNumbers {
    /// Per unit, the number of its first paragraph.
    starts: Vec<u32>,
    /// Per block of [`NUMBERS_PER_BLOCK`] numbers, the unit holding the block's first:
    /// [`Self::locate`] searches the few units between a block's and the next block's,
    /// not all of them (a binary search over every start missed the cache at most of its
    /// steps: ≈ 40% of the decision pass's own time at 1 GB, perf).
    blocks: Vec<u32>,
    total: u32,
}

/// Paragraph numbers per block of [`ParagraphNumbers::blocks`] (4 bytes per 64
/// paragraphs: 271 KB for the 4.3 M of a 1 GB corpus).
const NUMBERS_PER_BLOCK: u32 = 64;

/// A batch with more paragraphs (and documents) than 32-bit numbers can count: the batch
/// fails, not one of its documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyParagraphs {
    pub paragraphs: u64,
}

impl std::fmt::Display for TooManyParagraphs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} paragraphs in one batch: more than the decision pass can number; split the batch",
            self.paragraphs
        )
    }
}

impl std::error::Error for TooManyParagraphs {}

impl ParagraphNumbers {
    fn new(units: &[UnitOutcome]) -> Result<Self> {
        let mut numbers = Self::default();
        numbers.extend(units)?;
        Ok(numbers)
    }

    /// Numbers the paragraphs of `more` units, after the units numbered so far.
    fn extend(&mut self, more: &[UnitOutcome]) -> Result<()> {
        let units = (self.starts.len() + more.len()) as u64;
        let total =
            u64::from(self.total) + more.iter().map(|u| u.paragraphs.len() as u64).sum::<u64>();
        // Documents are numbered after the paragraphs (see `shared_bands`).
        if total + units >= u64::from(u32::MAX) {
            return Err(TooManyParagraphs { paragraphs: total }.into());
        }
        self.starts.reserve(more.len());
        for unit in more {
            let start = self.total;
            let end = start + unit.paragraphs.len() as u32;
            let holder = self.starts.len() as u32;
            self.starts.push(start);
            // The blocks whose first number is this unit's.
            let block = u64::from(NUMBERS_PER_BLOCK);
            let mut first = u64::from(start).div_ceil(block) * block;
            while first < u64::from(end) {
                self.blocks.push(holder);
                first += block;
            }
            self.total = end;
        }
        Ok(())
    }

    fn of(&self, unit: usize, paragraph: usize) -> u32 {
        self.starts[unit] + paragraph as u32
    }

    /// Unit and paragraph of a paragraph number.
    fn locate(&self, number: u32) -> (usize, usize) {
        // The last unit starting at or before it (units without paragraphs share their
        // start with the next unit, which comes later). It is no earlier than the unit of
        // its block's first number and no later than the next block's.
        let block = (number / NUMBERS_PER_BLOCK) as usize;
        let (low, high) = match (self.blocks.get(block), self.blocks.get(block + 1)) {
            (Some(&low), Some(&high)) => (low as usize, high as usize + 1),
            (Some(&low), None) => (low as usize, self.starts.len()),
            _ => (0, self.starts.len()),
        };
        let unit = low + self.starts[low..high].partition_point(|&s| s <= number) - 1;
        (unit, (number - self.starts[unit]) as usize)
    }
}

/// First occurrences of the paragraphs kept so far, by key: the decision pass's largest
/// table. An entry is 32 bits of the key and the paragraph's number in the batch, 8 bytes
/// instead of the 32 of (128-bit key, unit, paragraph), and the table ([`ShortKeyTable`])
/// is sized once for every paragraph of the batch when the batch is known, so it never
/// rehashes (a resize held the old and the new table at once: half of a 1 GB corpus's
/// peak). The full 128-bit prefix is compared on every hit; a key whose 32 bits are taken
/// by a different paragraph (a few thousand in millions) goes to a second table keyed by
/// the full prefix. Paragraphs are located by the walk's [`ParagraphNumbers`].
struct CorpusExactIndex {
    first: ShortKeyTable,
    colliding: FxHashMap<u128, u32>,
}

impl CorpusExactIndex {
    fn with_capacity(paragraphs: usize) -> Self {
        Self {
            first: ShortKeyTable::with_capacity(paragraphs),
            colliding: FxHashMap::default(),
        }
    }

    /// Room for `paragraphs` in all (see [`ShortKeyTable::reserve_total`]).
    fn reserve_total(&mut self, paragraphs: usize) {
        self.first.reserve_total(paragraphs);
    }

    fn short(key: u128) -> u32 {
        key as u32
    }

    fn key_of(number: u32, units: &[UnitOutcome], numbers: &ParagraphNumbers) -> u128 {
        let (v, q) = numbers.locate(number);
        units[v].paragraphs[q].key
    }

    /// The first kept paragraph with this key.
    fn get(
        &self,
        key: u128,
        units: &[UnitOutcome],
        numbers: &ParagraphNumbers,
    ) -> Option<(usize, usize)> {
        let found = self.first.get(Self::short(key))?;
        let number = if Self::key_of(found, units, numbers) == key {
            found
        } else {
            *self.colliding.get(&key)?
        };
        Some(numbers.locate(number))
    }

    /// Records paragraph `p` of unit `u` as the first with its key, unless one is known.
    fn insert_first(
        &mut self,
        u: usize,
        p: usize,
        units: &[UnitOutcome],
        numbers: &ParagraphNumbers,
    ) {
        let key = units[u].paragraphs[p].key;
        let number = numbers.of(u, p);
        if let Some(taken_by) = self.first.insert_if_vacant(Self::short(key), number) {
            if Self::key_of(taken_by, units, numbers) != key {
                self.colliding.entry(key).or_insert(number);
            }
        }
    }
}

/// Whether a paragraph takes part in near matching across documents: it has a signature
/// and is long enough (the others are neither looked up nor indexed).
fn near_eligible(paragraph: &CorpusParagraph, sketches: &UnitSketches, min_words: u32) -> bool {
    paragraph.signature < sketches.paragraphs && paragraph.words >= min_words
}

/// The band keys shared within the batch (see [`SharedBands`]): paragraphs numbered by
/// [`ParagraphNumbers`], documents after them.
fn shared_bands(
    units: &[UnitOutcome],
    numbers: &ParagraphNumbers,
    layout: Bands,
    min_words: u32,
    store: &SignatureStore,
    stop: &AtomicBool,
) -> Result<SharedBands> {
    let eligible = units
        .iter()
        .map(|u| {
            let paragraphs = u
                .paragraphs
                .iter()
                .filter(|p| near_eligible(p, &u.sketches, min_words))
                .count();
            paragraphs + usize::from(u.sketches.document)
        })
        .sum();
    let items = numbers.total as usize + units.len();
    // A part is a unit: its signatures are read together from the store.
    // Each thread reads every unit's signatures into one buffer of its own (a unit's are
    // ≈ 10 KB, read once per group of bands).
    thread_local! {
        static BUFFER: std::cell::Cell<Vec<u32>> = const { std::cell::Cell::new(Vec::new()) };
    }
    SharedBands::find(layout, items, eligible, units.len(), |u, visit| {
        if stop.load(Ordering::Relaxed) {
            return Err(super::Interrupted.into());
        }
        let outcome = &units[u];
        let own = OwnSignatures::read(Some(store), outcome.sketches, BUFFER.take())?;
        for (p, paragraph) in outcome.paragraphs.iter().enumerate() {
            if let Some(signature) = own.paragraph(paragraph, min_words) {
                visit(numbers.of(u, p), ItemKind::Paragraph, signature);
            }
        }
        if let Some(signature) = own.document() {
            visit(numbers.total + u as u32, ItemKind::Document, signature);
        }
        BUFFER.set(own.values);
        Ok(())
    })
}

/// The corpus-wide decision pass, prepared and walked at once (phase 4 runs the walk
/// beside its writing instead: [`DecisionPass::walk`]).
#[cfg(test)]
pub fn decide(
    units: &[UnitOutcome],
    options: &DedupOptions,
    store: Option<&SignatureStore>,
) -> Result<CrossDecisions> {
    decide_indexing(units, options, store, IndexedBands::Shared)
}

#[cfg(test)]
fn decide_indexing(
    units: &[UnitOutcome],
    options: &DedupOptions,
    store: Option<&SignatureStore>,
    indexed: IndexedBands,
) -> Result<CrossDecisions> {
    let go_on = AtomicBool::new(false);
    let pass = DecisionPass::prepare_indexing(units, options, store, indexed, &go_on)?;
    let decisions = CrossDecisions::new(units.len());
    pass.walk(units, &decisions, &go_on)?;
    Ok(decisions)
}

/// Which bands of a paragraph the decision pass indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IndexedBands {
    /// Those whose key another paragraph of the batch has (see [`SharedBands`]).
    Shared,
    /// All of them: the plain definition, which tests compare `Shared` with.
    #[cfg_attr(not(test), allow(dead_code))]
    All,
}

/// The corpus-wide decision pass, ready to walk: the batch's paragraph numbers, the band
/// layout and which bands are shared. Signatures are read back from `store` (near
/// matching on): a unit's own once, an earlier paragraph's when it is a candidate. Without
/// a store no near candidate is ever verified: matching is exact only.
pub struct DecisionPass<'a> {
    options: &'a DedupOptions,
    store: Option<&'a SignatureStore>,
    numbers: ParagraphNumbers,
    layout: Bands,
    shared: Option<SharedBands>,
}

impl<'a> DecisionPass<'a> {
    /// Numbers the paragraphs of `units` (a whole batch) and finds the shared bands (in
    /// parallel).
    ///
    /// Once `stop` is set (the batch is interrupted) it ends with an `Interrupted` error.
    pub fn prepare(
        units: &[UnitOutcome],
        options: &'a DedupOptions,
        store: Option<&'a SignatureStore>,
        stop: &AtomicBool,
    ) -> Result<Self> {
        Self::prepare_indexing(units, options, store, IndexedBands::Shared, stop)
    }

    fn prepare_indexing(
        units: &[UnitOutcome],
        options: &'a DedupOptions,
        store: Option<&'a SignatureStore>,
        indexed: IndexedBands,
        stop: &AtomicBool,
    ) -> Result<Self> {
        let numbers = ParagraphNumbers::new(units)?;
        let layout = Self::layout(options);
        let store = store.filter(|_| options.near.is_some());
        // Computed before the walk's tables exist, so that its peak and theirs do not add
        // up.
        let shared = match store.filter(|_| indexed == IndexedBands::Shared) {
            Some(store) => Some(shared_bands(
                units,
                &numbers,
                layout,
                options.min_words,
                store,
                stop,
            )?),
            None => None,
        };
        Ok(Self {
            options,
            store,
            numbers,
            layout,
            shared,
        })
    }

    /// A pass over no units yet, matching exactly only: see [`StreamingWalk`].
    fn exact(options: &'a DedupOptions) -> Self {
        Self {
            options,
            store: None,
            numbers: ParagraphNumbers::default(),
            layout: Self::layout(options),
            shared: None,
        }
    }

    fn layout(options: &DedupOptions) -> Bands {
        Bands::for_threshold(
            options.near.map_or(1.0, |o| o.threshold),
            options.near.map_or(1, |o| o.signature_values),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::decisions::UnitDecision;
    use crate::batch::Unit;
    use crate::dedup::MatchKind;
    use crate::test_support::Rng;

    /// An unnamed unit's outcome: its paragraphs and where their signatures are.
    fn outcome(paragraphs: Vec<CorpusParagraph>, sketches: UnitSketches) -> UnitOutcome {
        UnitOutcome {
            unit: Unit {
                doc: 0,
                record: None,
                name: String::new(),
            },
            live: Vec::new(),
            paragraphs,
            sketches,
        }
    }

    fn unit(keys: &[u128]) -> UnitOutcome {
        let paragraphs = keys
            .iter()
            .map(|&key| CorpusParagraph {
                key,
                lines: (0, 0),
                words: 10,
                signature: NO_SIGNATURE,
            })
            .collect();
        outcome(paragraphs, UnitSketches::default())
    }

    /// Units whose paragraphs are drawn from a few originals (kept as they are, edited in
    /// a few signature values, or edited beyond the threshold) and unique paragraphs; some
    /// units have a whole-text signature, some repeat an earlier unit's.
    fn near_units(rng: &mut Rng, store: &SignatureStore, count: usize) -> Vec<UnitOutcome> {
        let values = store.values();
        let originals: Vec<Vec<u32>> = (0..12)
            .map(|_| (0..values).map(|_| rng.value()).collect())
            .collect();
        let mut documents: Vec<Vec<u32>> = Vec::new();
        let mut next_key = 1u128;
        (0..count)
            .map(|_| {
                let n = rng.below(6);
                let mut signatures: Vec<u32> = Vec::new();
                let mut paragraphs = Vec::new();
                for p in 0..n {
                    let (key, signature) = match rng.below(4) {
                        0 => {
                            next_key += 1;
                            (next_key, (0..values).map(|_| rng.value()).collect())
                        }
                        1 => {
                            // An exact copy of an original: same key, same signature.
                            let o = rng.below(originals.len());
                            (1000 + o as u128, originals[o].clone())
                        }
                        _ => {
                            let o = rng.below(originals.len());
                            let mut edited = originals[o].clone();
                            for _ in 0..rng.below(40) {
                                let at = rng.below(values);
                                edited[at] = rng.value();
                            }
                            next_key += 1;
                            (next_key, edited)
                        }
                    };
                    signatures.extend(&signature);
                    paragraphs.push(CorpusParagraph {
                        key,
                        lines: (p as u32, p as u32),
                        words: 5 + rng.below(20) as u32,
                        signature: p as u32,
                    });
                }
                let document = match rng.below(3) {
                    0 => None,
                    1 if !documents.is_empty() => {
                        let d = rng.below(documents.len());
                        Some(documents[d].clone())
                    }
                    _ => Some((0..values).map(|_| rng.value()).collect::<Vec<u32>>()),
                };
                if let Some(d) = &document {
                    signatures.extend(d);
                    documents.push(d.clone());
                }
                let first = store.append(&signatures).unwrap();
                outcome(
                    paragraphs,
                    UnitSketches {
                        first,
                        paragraphs: n as u32,
                        document: document.is_some(),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn indexing_shared_bands_only_decides_as_indexing_all() {
        for seed in 0..8 {
            let mut rng = Rng(seed);
            let options = DedupOptions {
                min_words: 10,
                ..DedupOptions::default()
            };
            let values = options.near.map(|n| n.signature_values).unwrap();
            let store = SignatureStore::new(values).unwrap();
            let units = near_units(&mut rng, &store, 300);
            let all = decide_indexing(&units, &options, Some(&store), IndexedBands::All).unwrap();
            let shared = decide(&units, &options, Some(&store)).unwrap();
            let (all, shared) = (all.made(), shared.made());
            assert!(all.iter().all(Option::is_some), "every unit decided");
            assert_eq!(shared, all, "seed {seed}");
            let all: Vec<UnitDecision> = all.into_iter().flatten().collect();
            let near = all
                .iter()
                .flat_map(|d| &d.dropped)
                .filter(|(_, m)| matches!(m.kind, MatchKind::Near(_)) && !m.whole_document)
                .count();
            let documents = all.iter().filter(|d| d.duplicate_of.is_some()).count();
            assert!(
                near > 20 && documents > 5,
                "seed {seed}: {near} near, {documents} documents"
            );
        }
    }

    proptest::proptest! {
        /// Every number is located as a binary search over all the starts locates it,
        /// whatever the units' sizes (empty ones included) and across block edges.
        #[test]
        fn paragraph_numbers_locate_as_a_search_of_every_start(
            sizes in proptest::collection::vec(
                proptest::prop_oneof![3 => 0usize..3, 2 => 0usize..40, 1 => 60usize..200],
                1..60,
            )
        ) {
            let units: Vec<UnitOutcome> = sizes
                .iter()
                .map(|&n| unit(&(0..n as u128).collect::<Vec<_>>()))
                .collect();
            let numbers = ParagraphNumbers::new(&units).unwrap();
            for number in 0..numbers.total + 3 {
                let unit = numbers.starts.partition_point(|&s| s <= number) - 1;
                let expected = (unit, (number - numbers.starts[unit]) as usize);
                proptest::prop_assert_eq!(numbers.locate(number), expected, "{}", number);
            }
        }
    }

    proptest::proptest! {
        /// Numbering units a run at a time, as a streamed batch does, gives the numbers
        /// and blocks numbering them all at once gives, wherever the runs end.
        #[test]
        fn paragraph_numbers_extended_in_runs_are_the_numbers_of_the_whole(
            sizes in proptest::collection::vec(
                proptest::prop_oneof![3 => 0usize..3, 2 => 0usize..70, 1 => 60usize..300],
                0..50,
            ),
            cuts in proptest::collection::vec(0usize..50, 0..6),
        ) {
            let units: Vec<UnitOutcome> = sizes
                .iter()
                .map(|&n| unit(&(0..n as u128).collect::<Vec<_>>()))
                .collect();
            let whole = ParagraphNumbers::new(&units).unwrap();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(units.len())).collect();
            cuts.push(units.len());
            cuts.sort_unstable();
            let mut runs = ParagraphNumbers::default();
            let mut from = 0;
            for cut in cuts {
                runs.extend(&units[from..cut]).unwrap();
                from = cut;
            }
            proptest::prop_assert_eq!(&runs.starts, &whole.starts);
            proptest::prop_assert_eq!(&runs.blocks, &whole.blocks);
            proptest::prop_assert_eq!(runs.total, whole.total);
        }
    }

    /// Units of paragraphs drawn from a few keys (so that exact copies, runs of them and
    /// short paragraphs lined up with an anchor's neighbours all occur) and unique ones.
    fn exact_units(rng: &mut Rng, count: usize) -> Vec<UnitOutcome> {
        let mut next_key = 1000u128;
        (0..count)
            .map(|_| {
                let n = rng.below(8);
                let paragraphs = (0..n)
                    .map(|p| {
                        let key = if rng.below(3) == 0 {
                            next_key += 1;
                            next_key
                        } else {
                            rng.below(24) as u128
                        };
                        CorpusParagraph {
                            key,
                            lines: (p as u32, p as u32),
                            // Short or long by the key, as a text's words are its own.
                            words: if key % 3 == 0 { 3 } else { 12 },
                            signature: NO_SIGNATURE,
                        }
                    })
                    .collect();
                outcome(paragraphs, UnitSketches::default())
            })
            .collect()
    }

    #[test]
    fn streaming_walk_decides_as_the_whole_batch_walk() {
        for seed in 0..16 {
            let mut rng = Rng(seed);
            let options = DedupOptions {
                near: None,
                ..DedupOptions::default()
            };
            let units = exact_units(&mut rng, 400);
            let whole = decide(&units, &options, None).unwrap().made();
            let decisions = CrossDecisions::new(units.len());
            let mut walk = StreamingWalk::new(&options);
            let mut fed = 0;
            while fed < units.len() {
                // Runs of every size, empty ones too.
                fed = (fed + rng.below(40)).min(units.len());
                walk.walk_more(&units[..fed], &decisions).unwrap();
            }
            let streamed = decisions.made();
            assert!(streamed.iter().all(Option::is_some), "every unit decided");
            assert_eq!(streamed, whole, "seed {seed}");
            let dropped: usize = whole.iter().flatten().map(|d| d.dropped.len()).sum();
            let copies = whole
                .iter()
                .flatten()
                .filter(|d| d.duplicate_of.is_some())
                .count();
            assert!(
                dropped > 300 && copies > 10,
                "seed {seed}: {dropped} dropped, {copies} copies"
            );
        }
    }

    #[test]
    fn a_walk_told_to_stop_decides_nothing_more_and_closes() {
        let options = DedupOptions {
            near: None,
            ..DedupOptions::default()
        };
        let units = exact_units(&mut Rng(3), 50);
        let stop = AtomicBool::new(true);
        let pass = DecisionPass::prepare(&units, &options, None, &stop).unwrap();
        let decisions = CrossDecisions::new(units.len());
        pass.walk(&units, &decisions, &stop).unwrap();
        assert!(decisions.made().iter().all(Option::is_none));
        // Closed: a writer asking gets an answer, not a wait.
        let err = decisions.wait_for(0).unwrap_err();
        assert!(
            err.downcast_ref::<crate::batch::decisions::WalkStopped>()
                .is_some(),
            "{err}"
        );
    }

    #[test]
    fn a_preparation_told_to_stop_ends_interrupted() {
        let options = DedupOptions::default();
        let values = options.near.map(|n| n.signature_values).unwrap();
        let store = SignatureStore::new(values).unwrap();
        let units = near_units(&mut Rng(5), &store, 40);
        let prepared =
            DecisionPass::prepare(&units, &options, Some(&store), &AtomicBool::new(true));
        let err = prepared.err().expect("stopped");
        assert!(
            err.downcast_ref::<super::super::Interrupted>().is_some(),
            "{err}"
        );
        assert!(
            DecisionPass::prepare(&units, &options, Some(&store), &AtomicBool::new(false)).is_ok()
        );
    }

    #[test]
    fn exact_index_numbers_paragraphs_across_empty_units() {
        let units = [unit(&[]), unit(&[1, 2]), unit(&[]), unit(&[]), unit(&[3])];
        let numbers = ParagraphNumbers::new(&units).unwrap();
        let mut index = CorpusExactIndex::with_capacity(numbers.total as usize);
        for (u, outcome) in units.iter().enumerate() {
            for (p, paragraph) in outcome.paragraphs.iter().enumerate() {
                assert_eq!(index.get(paragraph.key, &units, &numbers), None);
                index.insert_first(u, p, &units, &numbers);
            }
        }
        assert_eq!(index.get(1, &units, &numbers), Some((1, 0)));
        assert_eq!(index.get(2, &units, &numbers), Some((1, 1)));
        assert_eq!(index.get(3, &units, &numbers), Some((4, 0)));
        assert_eq!(index.get(4, &units, &numbers), None);
    }

    #[test]
    fn exact_index_tells_apart_keys_sharing_their_short_form() {
        // Same low 32 bits, different keys: each must find its own first occurrence.
        let a = 7u128;
        let b = (1u128 << 64) | 7;
        let c = (2u128 << 100) | 7;
        let units = [unit(&[a, b]), unit(&[b, a, c]), unit(&[c])];
        let numbers = ParagraphNumbers::new(&units).unwrap();
        let mut index = CorpusExactIndex::with_capacity(numbers.total as usize);
        let mut found = Vec::new();
        for (u, outcome) in units.iter().enumerate() {
            for (p, paragraph) in outcome.paragraphs.iter().enumerate() {
                found.push(index.get(paragraph.key, &units, &numbers));
                index.insert_first(u, p, &units, &numbers);
            }
        }
        assert_eq!(
            found,
            [None, None, Some((0, 1)), Some((0, 0)), None, Some((1, 2))]
        );
    }
}
