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

use super::digests::SignatureDigests;
use super::shared_bands::{ItemKind, SharedBands};
use super::short_keys::ShortKeyTable;
use super::signatures::{self, SignatureStore};
use super::UnitOutcome;
use crate::dedup::{Bands, DedupOptions, MatchKind, Measure, NearIndex, Similarity};
use crate::fingerprint::minhash::estimated_jaccard;
use crate::pipeline::FinalParagraph;
use crate::report::json::{range_text, Location, Removal};
use crate::report::{preview, DocumentReport, ReportDetail};
use anyhow::Result;
use rustc_hash::FxHashMap;
use std::sync::{Condvar, Mutex, OnceLock};

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

/// A paragraph's earlier copy in another document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CrossMatch {
    pub unit: usize,
    pub paragraph: usize,
    pub kind: MatchKind,
    /// Dropped because the whole document copies `unit`, not paragraph by paragraph.
    pub whole_document: bool,
}

/// One unit's decisions in the corpus-wide pass.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitDecision {
    /// Dropped paragraph → its earlier copy.
    dropped: Vec<(usize, CrossMatch)>,
    /// The unit it wholly copies, with the weakest similarity among its matches.
    duplicate_of: Option<(usize, f64)>,
}

impl UnitDecision {
    /// Indices of the unit's remaining paragraphs dropped as copies of earlier documents.
    pub fn dropped_paragraphs(&self) -> Vec<usize> {
        self.dropped.iter().map(|(p, _)| *p).collect()
    }

    /// The unit this one wholly copies, and the similarity.
    pub fn duplicate_document(&self) -> Option<(usize, f64)> {
        self.duplicate_of
    }

    /// Adds the unit's cross-document removals to its report (their count only, at
    /// [`ReportDetail::Totals`]).
    pub fn annotate(
        &self,
        unit: usize,
        units: &[UnitOutcome],
        report: &mut DocumentReport,
        text: &str,
        detail: ReportDetail,
    ) {
        let dropped = &self.dropped;
        if dropped.is_empty() {
            return;
        }
        let lines = crate::text::split_lines(text);
        let paragraphs = &units[unit].paragraphs;
        for (p, m) in dropped {
            let (first, last) = paragraphs[*p].lines;
            let (first, last) = (first as usize, last as usize);
            let original = &units[m.unit];
            let (of_first, of_last) = original.paragraphs[m.paragraph].lines;
            let (of_first, of_last) = (of_first as usize, of_last as usize);
            let bytes = match (lines.get(first), lines.get(last)) {
                (Some(a), Some(b)) => [a.byte_start, b.byte_end],
                _ => [0, 0],
            };
            report.totals.cross_document_paragraphs += 1;
            report.totals.bytes_removed += bytes[1] - bytes[0];
            if detail == ReportDetail::Totals {
                continue;
            }
            let preview_text = if bytes[1] > bytes[0] {
                preview(&text[bytes[0]..bytes[1]])
            } else {
                String::new()
            };
            let (rule, similarity, measure) = match m.kind {
                MatchKind::Near(sim) if m.whole_document => (
                    "duplicate-document",
                    Some((sim.value * 1000.0).round() / 1000.0),
                    Some(sim.measure),
                ),
                MatchKind::Exact => ("cross-document-duplicate", None, None),
                MatchKind::Near(sim) => (
                    "cross-document-near-duplicate",
                    Some((sim.value * 1000.0).round() / 1000.0),
                    Some(sim.measure),
                ),
            };
            let of_lines = [of_first + 1, of_last + 1];
            report.removals.push(Removal {
                kind: "duplicate",
                rule: rule.to_string(),
                reason: match m.kind {
                    MatchKind::Near(sim) if m.whole_document => format!(
                        "the whole document repeats {} (estimated shingle Jaccard similarity {:.2})",
                        original.unit.name, sim.value
                    ),
                    MatchKind::Exact => format!(
                        "same normalised text as {} lines {}",
                        original.unit.name,
                        range_text(of_lines)
                    ),
                    MatchKind::Near(sim) => format!(
                        "estimated shingle Jaccard similarity {:.2} with {} lines {}",
                        sim.value,
                        original.unit.name,
                        range_text(of_lines)
                    ),
                },
                lines: [first + 1, last + 1],
                bytes,
                preview: preview_text,
                duplicate_of: Some(Location {
                    lines: of_lines,
                    document: Some(original.unit.name.clone()),
                }),
                section: None,
                similarity,
                measure,
                keep: Some(crate::dedup::KeepRule::First),
                diff: None,
            });
        }
        report.removals.sort_by_key(|r| r.lines);
        report.paragraphs_out = report.paragraphs_out.saturating_sub(dropped.len());
    }
}

/// The decisions of the corpus-wide pass, published unit by unit as the walk makes them,
/// so that writing runs beside the walk (which is serial, on one core): a unit's decisions
/// are final once its turn is over, since later units never change an earlier one's, and
/// a writer waits for the turn of each unit it writes.
#[derive(Debug)]
pub struct CrossDecisions {
    units: Vec<OnceLock<UnitDecision>>,
    walk: Mutex<WalkState>,
    turn: Condvar,
}

/// What waiters need to know of the walk, under its lock.
#[derive(Debug, Default)]
struct WalkState {
    /// The walk is over, done or not: a unit without decisions now never gets any.
    over: bool,
    /// Writers waiting for a turn (none, nearly always: a turn only wakes them if any).
    waiting: usize,
}

/// The walk ended before deciding a unit (its own error is the batch's).
#[derive(Debug)]
pub struct WalkStopped;

impl std::fmt::Display for WalkStopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the decision pass across documents stopped before this document")
    }
}

impl std::error::Error for WalkStopped {}

impl CrossDecisions {
    /// Room for the decisions of `units` units, none made yet.
    pub fn new(units: usize) -> Self {
        Self {
            units: (0..units).map(|_| OnceLock::new()).collect(),
            walk: Mutex::new(WalkState::default()),
            turn: Condvar::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, WalkState> {
        self.walk.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes unit `u`'s decisions final and wakes the writers waiting, if any.
    fn publish(&self, u: usize, decision: UnitDecision) {
        if let Some(slot) = self.units.get(u) {
            // Set once: the walk takes each unit once.
            let _ = slot.set(decision);
        }
        // Under the lock, so that a writer that found the slot empty is already waiting.
        if self.state().waiting > 0 {
            self.turn.notify_all();
        }
    }

    /// Marks the walk over, done or not, and wakes every writer still waiting.
    fn close(&self) {
        self.state().over = true;
        self.turn.notify_all();
    }

    /// Unit `u`'s decisions, once the walk has made them; [`WalkStopped`] if the walk ended
    /// without them.
    pub fn wait_for(&self, u: usize) -> Result<&UnitDecision> {
        let slot = self.units.get(u).ok_or(WalkStopped)?;
        if let Some(decision) = slot.get() {
            return Ok(decision);
        }
        let mut state = self.state();
        loop {
            if let Some(decision) = slot.get() {
                return Ok(decision);
            }
            if state.over {
                return Err(WalkStopped.into());
            }
            state.waiting += 1;
            state = self.turn.wait(state).unwrap_or_else(|e| e.into_inner());
            state.waiting -= 1;
        }
    }

    /// Every unit's decisions, as made so far (for tests comparing two walks).
    #[cfg(test)]
    fn made(&self) -> Vec<Option<UnitDecision>> {
        self.units.iter().map(|slot| slot.get().cloned()).collect()
    }
}

/// Closes the decisions when the walk ends, however it ends (an error, or a panic that
/// would otherwise leave writers waiting for ever).
struct CloseOnEnd<'d>(&'d CrossDecisions);

impl Drop for CloseOnEnd<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// The numbers of a batch's paragraphs: in input order, unit after unit, in 32 bits.
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

impl ParagraphNumbers {
    fn new(units: &[UnitOutcome]) -> Result<Self> {
        let mut starts = Vec::with_capacity(units.len());
        let mut total: u64 = 0;
        for unit in units {
            starts.push(u32::try_from(total).unwrap_or(u32::MAX));
            total += unit.paragraphs.len() as u64;
        }
        // Documents are numbered after the paragraphs (see `shared_bands`).
        if total + units.len() as u64 >= u64::from(u32::MAX) {
            anyhow::bail!(
                "{total} paragraphs in one batch: more than the decision pass can number; split the batch"
            );
        }
        let total = total as u32;
        let mut blocks = Vec::with_capacity(total.div_ceil(NUMBERS_PER_BLOCK) as usize);
        let mut unit = 0;
        for first in (0..total).step_by(NUMBERS_PER_BLOCK as usize) {
            while starts.get(unit + 1).is_some_and(|&s| s <= first) {
                unit += 1;
            }
            blocks.push(unit as u32);
        }
        Ok(Self {
            starts,
            blocks,
            total,
        })
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
/// is sized once for every paragraph of the batch, so it never rehashes (a resize held the
/// old and the new table at once: half of a 1 GB corpus's peak). The full 128-bit prefix is compared on
/// every hit; a key whose 32 bits are taken by a different paragraph (a few thousand in
/// millions) goes to a second table keyed by the full prefix.
struct CorpusExactIndex<'n> {
    first: ShortKeyTable,
    colliding: FxHashMap<u128, u32>,
    numbers: &'n ParagraphNumbers,
}

impl<'n> CorpusExactIndex<'n> {
    fn new(numbers: &'n ParagraphNumbers) -> Self {
        Self {
            first: ShortKeyTable::with_capacity(numbers.total as usize),
            colliding: FxHashMap::default(),
            numbers,
        }
    }

    fn short(key: u128) -> u32 {
        key as u32
    }

    fn key_of(&self, number: u32, units: &[UnitOutcome]) -> u128 {
        let (v, q) = self.numbers.locate(number);
        units[v].paragraphs[q].key
    }

    /// The first kept paragraph with this key.
    fn get(&self, key: u128, units: &[UnitOutcome]) -> Option<(usize, usize)> {
        let found = self.first.get(Self::short(key))?;
        let number = if self.key_of(found, units) == key {
            found
        } else {
            *self.colliding.get(&key)?
        };
        Some(self.numbers.locate(number))
    }

    /// Records paragraph `p` of unit `u` as the first with its key, unless one is known.
    fn insert_first(&mut self, u: usize, p: usize, units: &[UnitOutcome]) {
        let key = units[u].paragraphs[p].key;
        let number = self.numbers.of(u, p);
        if let Some(taken_by) = self.first.insert_if_vacant(Self::short(key), number) {
            if self.key_of(taken_by, units) != key {
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
    let pass = DecisionPass::prepare_indexing(units, options, store, indexed)?;
    let decisions = CrossDecisions::new(units.len());
    pass.walk(&decisions)?;
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
/// matching on): a unit's own once, an earlier paragraph's when it is a candidate.
pub struct DecisionPass<'a> {
    units: &'a [UnitOutcome],
    options: &'a DedupOptions,
    store: Option<&'a SignatureStore>,
    numbers: ParagraphNumbers,
    layout: Bands,
    shared: Option<SharedBands>,
}

impl<'a> DecisionPass<'a> {
    /// Numbers the paragraphs and finds the shared bands (in parallel).
    pub fn prepare(
        units: &'a [UnitOutcome],
        options: &'a DedupOptions,
        store: Option<&'a SignatureStore>,
    ) -> Result<Self> {
        Self::prepare_indexing(units, options, store, IndexedBands::Shared)
    }

    fn prepare_indexing(
        units: &'a [UnitOutcome],
        options: &'a DedupOptions,
        store: Option<&'a SignatureStore>,
        indexed: IndexedBands,
    ) -> Result<Self> {
        let numbers = ParagraphNumbers::new(units)?;
        let layout = Bands::for_threshold(
            options.near.map_or(1.0, |o| o.threshold),
            options.near.map_or(1, |o| o.signature_values),
        );
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
            )?),
            None => None,
        };
        Ok(Self {
            units,
            options,
            store,
            numbers,
            layout,
            shared,
        })
    }

    /// The walk over the units in input order (the first occurrence wins), publishing
    /// each unit's decisions to `decisions` as its turn ends. Serial, and never waits for
    /// the thread pool: writers on the pool's other threads may be waiting for it.
    pub fn walk(&self, decisions: &CrossDecisions) -> Result<()> {
        let _close = CloseOnEnd(decisions);
        let Self {
            units,
            options,
            store,
            ref numbers,
            layout,
            ref shared,
        } = *self;
        // Paragraphs are indexed (and looked up) under their batch number, documents under
        // the number after the paragraphs' that `shared` gives them.
        let is_shared =
            |item: u32, band: usize| shared.as_ref().is_none_or(|s| s.is_shared(item, band));
        let mut exact = CorpusExactIndex::new(numbers);
        let mut near = options.near.map(|o| (o, NearIndex::new(layout)));
        // Only with a store: without one no candidate is verified.
        let mut digests =
            store.map(|store| SignatureDigests::new(numbers.total as usize, store.values()));
        let mut own_digest: Vec<u64> = Vec::new();
        let mut documents = NearIndex::new(layout);
        // An earlier signature, read back for verifying a candidate.
        let mut other: Vec<u32> = Vec::new();
        let read_other = |number: Option<u64>, other: &mut Vec<u32>| -> Result<bool> {
            match (store, number) {
                (Some(store), Some(number)) => store.read(number, 1, other).map(|()| true),
                _ => Ok(false),
            }
        };
        let mut own_buffer: Vec<u32> = Vec::new();
        let mut exact_found: Vec<Option<(usize, usize)>> = Vec::new();
        for (u, outcome) in units.iter().enumerate() {
            let own =
                OwnSignatures::read(store, outcome.sketches, std::mem::take(&mut own_buffer))?;
            let paragraphs = &outcome.paragraphs;
            let n = paragraphs.len();
            // The unit's exact look-ups first, in a loop of their own: each misses the cache
            // (a batch-wide table) and, independent of each other, their misses overlap. The
            // unit's own paragraphs are indexed only after its turn, so none is missed here.
            exact_found.clear();
            exact_found.extend(paragraphs.iter().map(|fp| exact.get(fp.key, units)));
            let mut matched: Vec<Option<CrossMatch>> = vec![None; n];
            for (p, fp) in paragraphs.iter().enumerate() {
                if let Some((v, q)) = exact_found[p] {
                    matched[p] = Some(CrossMatch {
                        unit: v,
                        paragraph: q,
                        kind: MatchKind::Exact,
                        whole_document: false,
                    });
                    continue;
                }
                let (Some((near_options, index)), Some(signature)) =
                    (near.as_ref(), own.paragraph(fp, options.min_words))
                else {
                    continue;
                };
                // Most similar; among equals the earliest (candidates come in ascending order).
                let mut best = None::<(usize, usize, f64)>;
                let number = numbers.of(u, p);
                if let Some(digests) = &digests {
                    digests.digest(signature, &mut own_digest);
                }
                for candidate in index.candidates_in_bands(signature, &[], |b| is_shared(number, b))
                {
                    // Skipped unread when its digest shows it can reach neither the threshold
                    // nor the best so far (see `digests`): the same choice, far fewer reads.
                    let chosen_at_best = |value: f64| {
                        value >= near_options.threshold && best.is_none_or(|b| value > b.2)
                    };
                    if digests.as_ref().is_some_and(|d| {
                        !chosen_at_best(d.most_similar(candidate as u32, &own_digest))
                    }) {
                        continue;
                    }
                    let (v, q) = numbers.locate(candidate as u32);
                    if !read_other(units[v].sketches.of(&units[v].paragraphs[q]), &mut other)? {
                        continue;
                    }
                    let value = estimated_jaccard(signature, &other);
                    if chosen_at_best(value) {
                        best = Some((v, q, value));
                    }
                }
                if let Some((v, q, value)) = best {
                    matched[p] = Some(CrossMatch {
                        unit: v,
                        paragraph: q,
                        kind: MatchKind::Near(Similarity {
                            value,
                            measure: Measure::Jaccard,
                        }),
                        whole_document: false,
                    });
                }
            }

            // Anchors, then aligned short repeats, as within a document.
            let mut dropped: Vec<Option<CrossMatch>> = (0..n)
                .map(|p| matched[p].filter(|_| paragraphs[p].words >= options.min_words))
                .collect();
            let aligned = |p: usize, m: CrossMatch, step: isize| -> Option<CrossMatch> {
                let q = m.paragraph.checked_add_signed(step)?;
                let other = units[m.unit].paragraphs.get(q)?;
                (other.key == paragraphs[p].key).then_some(CrossMatch {
                    unit: m.unit,
                    paragraph: q,
                    kind: MatchKind::Exact,
                    whole_document: false,
                })
            };
            for p in 1..n {
                if dropped[p].is_none() {
                    if let Some(m) = dropped[p - 1] {
                        dropped[p] = aligned(p, m, 1);
                    }
                }
            }
            for p in (0..n.saturating_sub(1)).rev() {
                if dropped[p].is_none() {
                    if let Some(m) = dropped[p + 1] {
                        dropped[p] = aligned(p, m, -1);
                    }
                }
            }

            // A document whose clean text as a whole is a near copy of an earlier one goes
            // whole, even where its paragraphs are wrapped or split differently.
            let mut whole_copy = None::<(usize, f64)>;
            if let (Some((near_options, _)), Some(signature)) = (near.as_ref(), own.document()) {
                let number = numbers.total + u as u32;
                for v in documents.candidates_in_bands(signature, &[], |b| is_shared(number, b)) {
                    if !read_other(units[v].sketches.of_document(), &mut other)? {
                        continue;
                    }
                    let value = estimated_jaccard(signature, &other);
                    if value >= near_options.threshold && whole_copy.is_none_or(|b| value > b.1) {
                        whole_copy = Some((v, value));
                    }
                }
                if let Some((v, value)) = whole_copy {
                    for (p, slot) in dropped.iter_mut().enumerate() {
                        if slot.is_none() {
                            *slot = Some(CrossMatch {
                                unit: v,
                                paragraph: p.min(units[v].paragraphs.len().saturating_sub(1)),
                                kind: MatchKind::Near(Similarity {
                                    value,
                                    measure: Measure::Jaccard,
                                }),
                                whole_document: true,
                            });
                        }
                    }
                } else {
                    documents.insert_bands(u, signature, &[], |b| is_shared(number, b));
                }
            }

            // Index what stays.
            for (p, fp) in paragraphs.iter().enumerate() {
                if dropped[p].is_some() {
                    continue;
                }
                exact.insert_first(u, p, units);
                if let (Some((_, index)), Some(signature)) =
                    (near.as_mut(), own.paragraph(fp, options.min_words))
                {
                    if matched[p].is_none() {
                        let number = numbers.of(u, p);
                        if let Some(digests) = &mut digests {
                            digests.record(number, signature);
                        }
                        index.insert_bands(number as usize, signature, &[], |b| {
                            is_shared(number, b)
                        });
                    }
                }
            }

            let list: Vec<(usize, CrossMatch)> = dropped
                .iter()
                .enumerate()
                .filter_map(|(p, m)| m.map(|m| (p, m)))
                .collect();
            let mut duplicate_of = None;
            if let Some((v, value)) = whole_copy.filter(|_| n > 0) {
                duplicate_of = Some((v, value));
            } else if n > 0 && list.len() == n {
                let mut votes: FxHashMap<usize, usize> = FxHashMap::default();
                for (_, m) in &list {
                    *votes.entry(m.unit).or_default() += 1;
                }
                let source = votes
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                    .map(|(v, _)| v);
                let similarity = list
                    .iter()
                    .map(|(_, m)| match m.kind {
                        MatchKind::Exact => 1.0,
                        MatchKind::Near(sim) => sim.value,
                    })
                    .fold(1.0, f64::min);
                duplicate_of = source.map(|v| (v, similarity));
            }
            decisions.publish(
                u,
                UnitDecision {
                    dropped: list,
                    duplicate_of,
                },
            );
            own_buffer = own.values;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::Unit;
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

    #[test]
    fn exact_index_numbers_paragraphs_across_empty_units() {
        let units = [unit(&[]), unit(&[1, 2]), unit(&[]), unit(&[]), unit(&[3])];
        let numbers = ParagraphNumbers::new(&units).unwrap();
        let mut index = CorpusExactIndex::new(&numbers);
        for (u, outcome) in units.iter().enumerate() {
            for (p, paragraph) in outcome.paragraphs.iter().enumerate() {
                assert_eq!(index.get(paragraph.key, &units), None);
                index.insert_first(u, p, &units);
            }
        }
        assert_eq!(index.get(1, &units), Some((1, 0)));
        assert_eq!(index.get(2, &units), Some((1, 1)));
        assert_eq!(index.get(3, &units), Some((4, 0)));
        assert_eq!(index.get(4, &units), None);
    }

    /// A decision with one dropped paragraph, told apart by `unit`.
    fn decision(unit: usize) -> UnitDecision {
        UnitDecision {
            dropped: vec![(
                0,
                CrossMatch {
                    unit,
                    paragraph: 0,
                    kind: MatchKind::Exact,
                    whole_document: false,
                },
            )],
            duplicate_of: None,
        }
    }

    /// Waits up to 20 s for a thread to end (a thread left waiting fails the test instead
    /// of hanging it: the threads are not scoped).
    fn ends_soon<T>(thread: &std::thread::JoinHandle<T>) -> bool {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !thread.is_finished() {
            if std::time::Instant::now() > deadline {
                return false;
            }
            std::thread::yield_now();
        }
        true
    }

    /// Writers waiting for every unit of `decisions`, once they all wait.
    fn writers(
        decisions: &std::sync::Arc<CrossDecisions>,
    ) -> Vec<std::thread::JoinHandle<Result<UnitDecision>>> {
        let writers: Vec<_> = (0..decisions.units.len())
            .map(|u| {
                let decisions = std::sync::Arc::clone(decisions);
                std::thread::spawn(move || decisions.wait_for(u).cloned())
            })
            .collect();
        while decisions.state().waiting < writers.len() {
            std::thread::yield_now();
        }
        writers
    }

    #[test]
    fn writers_wait_for_each_units_turn_and_stop_waiting_when_the_walk_ends() {
        let decisions = std::sync::Arc::new(CrossDecisions::new(3));
        let writers = writers(&decisions);
        // A walk that decides two units, then ends early (as an error would end it). Each
        // writer has its unit as soon as its turn is over, before the walk ends.
        {
            let _close = CloseOnEnd(&decisions);
            for (u, writer) in writers.iter().enumerate().take(2) {
                decisions.publish(u, decision(10 + u));
                assert!(ends_soon(writer), "writer {u} woken by its turn");
            }
            assert!(!writers[2].is_finished());
        }
        let results: Vec<_> = writers.into_iter().map(|w| w.join().unwrap()).collect();
        assert_eq!(results[0].as_ref().unwrap(), &decision(10));
        assert_eq!(results[1].as_ref().unwrap(), &decision(11));
        let stopped = results[2].as_ref().unwrap_err();
        assert!(stopped.downcast_ref::<WalkStopped>().is_some(), "{stopped}");
        // Once the walk is over, decided units come back at once and the others fail.
        assert_eq!(decisions.wait_for(1).unwrap(), &decision(11));
        assert!(decisions.wait_for(2).is_err());
        assert!(decisions.wait_for(3).is_err(), "past the last unit");
    }

    #[test]
    fn a_walk_that_panics_releases_its_writers() {
        let decisions = std::sync::Arc::new(CrossDecisions::new(1));
        let writers = writers(&decisions);
        let walk = {
            let decisions = std::sync::Arc::clone(&decisions);
            std::thread::spawn(move || {
                let _close = CloseOnEnd(&decisions);
                panic!("a walk that fails");
            })
        };
        assert!(walk.join().is_err());
        assert!(ends_soon(&writers[0]), "the writer still waits");
        assert!(writers.into_iter().all(|w| w.join().unwrap().is_err()));
    }

    #[test]
    fn exact_index_tells_apart_keys_sharing_their_short_form() {
        // Same low 32 bits, different keys: each must find its own first occurrence.
        let a = 7u128;
        let b = (1u128 << 64) | 7;
        let c = (2u128 << 100) | 7;
        let units = [unit(&[a, b]), unit(&[b, a, c]), unit(&[c])];
        let numbers = ParagraphNumbers::new(&units).unwrap();
        let mut index = CorpusExactIndex::new(&numbers);
        let mut found = Vec::new();
        for (u, outcome) in units.iter().enumerate() {
            for (p, paragraph) in outcome.paragraphs.iter().enumerate() {
                found.push(index.get(paragraph.key, &units));
                index.insert_first(u, p, &units);
            }
        }
        assert_eq!(
            found,
            [None, None, Some((0, 1)), Some((0, 0)), None, Some((1, 2))]
        );
    }
}
