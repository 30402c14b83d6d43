//! The decision walk: the units in input order, each matched against what the units
//! before it kept (exactly, then by near candidates and whole-text copies), its decisions
//! published as its turn ends, then what it keeps indexed for the units after it.

use super::{CorpusExactIndex, CorpusParagraph, DecisionPass, OwnSignatures, UnitOutcome};
use crate::batch::decisions::{CloseOnEnd, CrossDecisions, CrossMatch, UnitDecision};
use crate::batch::digests::SignatureDigests;
use crate::batch::signatures::SignatureStore;
use crate::dedup::{DedupOptions, MatchKind, NearIndex, NearOptions};
use crate::fingerprint::minhash::estimated_jaccard;
use anyhow::Result;
use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicBool, Ordering};

impl<'a> DecisionPass<'a> {
    /// Which bands item `item` is indexed and looked up in: those the pre-pass marks
    /// ([`super::SharedBands`]; all of them without a pre-pass). Paragraphs are items
    /// under their batch number, documents under the number after the paragraphs'.
    fn shared_bands_of(&self, item: u32) -> impl Fn(usize) -> bool + '_ {
        move |band| self.shared.as_ref().is_none_or(|s| s.is_shared(item, band))
    }

    /// The walk over the batch's units (those it was prepared for) in input order (the
    /// first occurrence wins), publishing each unit's decisions to `decisions` as its turn
    /// ends. Serial, and never waits for the thread pool: writers on the pool's other
    /// threads may be waiting for it.
    ///
    /// Once `stop` is set (the batch is interrupted) it ends where it is: the units not
    /// decided yet are not written.
    pub fn walk(
        self,
        units: &[UnitOutcome],
        decisions: &CrossDecisions,
        stop: &AtomicBool,
    ) -> Result<()> {
        let _close = CloseOnEnd(decisions);
        let mut walker = Walker::new(self);
        for u in 0..units.len() {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            walker.turn(u, units, decisions)?;
        }
        Ok(())
    }
}

/// The decision walk fed a batch's units a run at a time, as they are cleaned, so that a
/// run is decided and written while the next one is cleaned. Exact matching only: near
/// matching indexes only the bands shared within the whole batch, known once every unit is
/// cleaned. The decisions are the ones [`DecisionPass::walk`] makes without near matching:
/// a unit's turn sees only the units before it either way.
pub struct StreamingWalk<'a> {
    walker: Walker<'a>,
    /// Units walked so far.
    walked: usize,
}

impl<'a> StreamingWalk<'a> {
    pub fn new(options: &'a DedupOptions) -> Self {
        Self {
            walker: Walker::new(DecisionPass::exact(options)),
            walked: 0,
        }
    }

    /// The batch is expected to hold about `paragraphs` paragraphs in all: the exact
    /// index makes room for them at once. It is sized for the whole batch when the batch
    /// is known; a streamed one would otherwise double past its size, and hold the old and
    /// the new table at once while doing so.
    pub fn expect(&mut self, paragraphs: usize) {
        self.walker.exact.reserve_total(paragraphs);
    }

    /// Walks the units of `units` after those walked so far (the earlier ones must be the
    /// same, unchanged), publishing their decisions to `decisions`.
    pub fn walk_more(&mut self, units: &[UnitOutcome], decisions: &CrossDecisions) -> Result<()> {
        let more = units.get(self.walked..).unwrap_or_default();
        self.walker.pass.numbers.extend(more)?;
        for u in self.walked..units.len() {
            self.walker.turn(u, units, decisions)?;
        }
        self.walked = units.len();
        Ok(())
    }
}

/// What the walk keeps from one unit's turn to the next: the indexes of the paragraphs
/// and documents kept so far, the digests of the indexed signatures, and buffers.
struct Walker<'p> {
    pass: DecisionPass<'p>,
    exact: CorpusExactIndex,
    near: Option<(NearOptions, NearIndex)>,
    /// Only with a store: without one no candidate is verified.
    digests: Option<SignatureDigests>,
    /// The whole-text signatures of the documents kept so far.
    documents: NearIndex,
    /// The digest of the signature being looked up.
    own_digest: Vec<u64>,
    /// An earlier signature, read back for verifying a candidate.
    other: Vec<u32>,
    /// A unit's exact look-ups, by paragraph.
    exact_found: Vec<Option<(usize, usize)>>,
    /// The signatures of the unit whose turn it is (its buffer, between turns).
    own_buffer: Vec<u32>,
}

impl<'p> Walker<'p> {
    fn new(pass: DecisionPass<'p>) -> Self {
        Self {
            exact: CorpusExactIndex::with_capacity(pass.numbers.total as usize),
            near: pass.options.near.map(|o| (o, NearIndex::new(pass.layout))),
            digests: pass
                .store
                .map(|store| SignatureDigests::new(pass.numbers.total as usize, store.values())),
            documents: NearIndex::new(pass.layout),
            own_digest: Vec::new(),
            other: Vec::new(),
            exact_found: Vec::new(),
            own_buffer: Vec::new(),
            pass,
        }
    }

    /// Unit `u`'s turn: its paragraphs matched against what the units before it kept, its
    /// decisions published, what it keeps indexed.
    fn turn(&mut self, u: usize, units: &[UnitOutcome], decisions: &CrossDecisions) -> Result<()> {
        let outcome = &units[u];
        let own = OwnSignatures::read(
            self.pass.store,
            outcome.sketches,
            std::mem::take(&mut self.own_buffer),
        )?;
        let matched = self.paragraph_matches(u, units, &own)?;
        let mut dropped = anchored_and_aligned(
            &matched,
            &outcome.paragraphs,
            units,
            self.pass.options.min_words,
        );
        // A document whose clean text as a whole is a near copy of an earlier one goes
        // whole, even where its paragraphs are wrapped or split differently.
        let whole_copy = self.whole_copy(u, units, &own)?;
        if let Some((v, value)) = whole_copy {
            let last = units[v].paragraphs.len().saturating_sub(1);
            for (p, slot) in dropped.iter_mut().enumerate() {
                if slot.is_none() {
                    *slot = Some(CrossMatch::near(v, p.min(last), value, true));
                }
            }
        }
        self.index_kept(u, units, &own, &matched, &dropped);
        let dropped: Vec<(usize, CrossMatch)> = dropped
            .iter()
            .enumerate()
            .filter_map(|(p, m)| m.map(|m| (p, m)))
            .collect();
        let duplicate_of = document_source(&dropped, whole_copy, outcome.paragraphs.len());
        decisions.publish(
            u,
            UnitDecision {
                dropped,
                duplicate_of,
            },
        );
        self.own_buffer = own.values;
        Ok(())
    }

    /// Reads back the signature numbered `number` into `other`; false without one.
    fn read_other(
        store: Option<&SignatureStore>,
        number: Option<u64>,
        other: &mut Vec<u32>,
    ) -> Result<bool> {
        match (store, number) {
            (Some(store), Some(number)) => store.read(number, 1, other).map(|()| true),
            _ => Ok(false),
        }
    }

    /// Unit `u`'s paragraphs matched against earlier units' kept ones: exactly, else the
    /// most similar near candidate.
    fn paragraph_matches(
        &mut self,
        u: usize,
        units: &[UnitOutcome],
        own: &OwnSignatures,
    ) -> Result<Vec<Option<CrossMatch>>> {
        let paragraphs = &units[u].paragraphs;
        // The unit's exact look-ups first, in a loop of their own: each misses the cache
        // (a batch-wide table) and, independent of each other, their misses overlap. The
        // unit's own paragraphs are indexed only after its turn, so none is missed here.
        let (exact, numbers) = (&self.exact, &self.pass.numbers);
        self.exact_found.clear();
        self.exact_found.extend(
            paragraphs
                .iter()
                .map(|fp| exact.get(fp.key, units, numbers)),
        );
        let mut matched: Vec<Option<CrossMatch>> = vec![None; paragraphs.len()];
        for (p, fp) in paragraphs.iter().enumerate() {
            if let Some((v, q)) = self.exact_found[p] {
                matched[p] = Some(CrossMatch::exact(v, q));
                continue;
            }
            let Some(signature) = own.paragraph(fp, self.pass.options.min_words) else {
                continue;
            };
            let number = self.pass.numbers.of(u, p);
            if let Some((v, q, value)) = self.nearest(number, units, signature)? {
                matched[p] = Some(CrossMatch::near(v, q, value, false));
            }
        }
        Ok(matched)
    }

    /// The kept paragraph most similar to the paragraph numbered `number` (at least the
    /// threshold; among equals the earliest, as candidates come in ascending order).
    fn nearest(
        &mut self,
        number: u32,
        units: &[UnitOutcome],
        signature: &[u32],
    ) -> Result<Option<(usize, usize, f64)>> {
        let Self {
            pass,
            near,
            digests,
            own_digest,
            other,
            ..
        } = self;
        let Some((near_options, index)) = near.as_ref() else {
            return Ok(None);
        };
        if let Some(digests) = &digests {
            digests.digest(signature, own_digest);
        }
        let mut best = None::<(usize, usize, f64)>;
        for candidate in index.candidates_in_bands(signature, &[], pass.shared_bands_of(number)) {
            // Skipped unread when its digest shows it can reach neither the threshold nor
            // the best so far (see `digests`): the same choice, far fewer reads.
            let chosen_at_best =
                |value: f64| value >= near_options.threshold && best.is_none_or(|b| value > b.2);
            if digests
                .as_ref()
                .is_some_and(|d| !chosen_at_best(d.most_similar(candidate as u32, own_digest)))
            {
                continue;
            }
            let (v, q) = pass.numbers.locate(candidate as u32);
            let stored = units[v].sketches.of(&units[v].paragraphs[q]);
            if !Self::read_other(pass.store, stored, other)? {
                continue;
            }
            let value = estimated_jaccard(signature, other);
            if chosen_at_best(value) {
                best = Some((v, q, value));
            }
        }
        Ok(best)
    }

    /// The earlier document unit `u`'s whole clean text is a near copy of, with the
    /// similarity; a document that copies none is indexed for later ones.
    fn whole_copy(
        &mut self,
        u: usize,
        units: &[UnitOutcome],
        own: &OwnSignatures,
    ) -> Result<Option<(usize, f64)>> {
        let (Some((near_options, _)), Some(signature)) = (self.near.as_ref(), own.document())
        else {
            return Ok(None);
        };
        let pass = &self.pass;
        let number = pass.numbers.total + u as u32;
        let mut whole_copy = None::<(usize, f64)>;
        for v in self
            .documents
            .candidates_in_bands(signature, &[], pass.shared_bands_of(number))
        {
            let stored = units[v].sketches.of_document();
            if !Self::read_other(pass.store, stored, &mut self.other)? {
                continue;
            }
            let value = estimated_jaccard(signature, &self.other);
            if value >= near_options.threshold && whole_copy.is_none_or(|b| value > b.1) {
                whole_copy = Some((v, value));
            }
        }
        if whole_copy.is_none() {
            self.documents
                .insert_bands(u, signature, &[], pass.shared_bands_of(number));
        }
        Ok(whole_copy)
    }

    /// Indexes unit `u`'s paragraphs that stay: exactly, and (those that matched nothing)
    /// for near look-ups.
    fn index_kept(
        &mut self,
        u: usize,
        units: &[UnitOutcome],
        own: &OwnSignatures,
        matched: &[Option<CrossMatch>],
        dropped: &[Option<CrossMatch>],
    ) {
        let pass = &self.pass;
        for (p, fp) in units[u].paragraphs.iter().enumerate() {
            if dropped[p].is_some() {
                continue;
            }
            self.exact.insert_first(u, p, units, &pass.numbers);
            if matched[p].is_some() {
                continue;
            }
            if let (Some((_, index)), Some(signature)) = (
                self.near.as_mut(),
                own.paragraph(fp, pass.options.min_words),
            ) {
                let number = pass.numbers.of(u, p);
                if let Some(digests) = &mut self.digests {
                    digests.record(number, signature);
                }
                index.insert_bands(
                    number as usize,
                    signature,
                    &[],
                    pass.shared_bands_of(number),
                );
            }
        }
    }
}

/// The earlier document a unit wholly copies, with the similarity: the whole-text match,
/// or (when every paragraph went) the unit most of them came from, at the weakest match.
fn document_source(
    dropped: &[(usize, CrossMatch)],
    whole_copy: Option<(usize, f64)>,
    paragraphs: usize,
) -> Option<(usize, f64)> {
    if paragraphs == 0 {
        return None;
    }
    if whole_copy.is_some() {
        return whole_copy;
    }
    if dropped.len() != paragraphs {
        return None;
    }
    let mut votes: FxHashMap<usize, usize> = FxHashMap::default();
    for (_, m) in dropped {
        *votes.entry(m.unit).or_default() += 1;
    }
    let source = votes
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(v, _)| v)?;
    let similarity = dropped
        .iter()
        .map(|(_, m)| match m.kind {
            MatchKind::Exact => 1.0,
            MatchKind::Near(sim) => sim.value,
        })
        .fold(1.0, f64::min);
    Some((source, similarity))
}

/// Which of a unit's paragraphs go as copies of earlier documents', by the same section
/// rules as within a document: the long ones that matched (anchors), then the short ones
/// lined up, key for key, with the paragraphs next to an anchor's original.
fn anchored_and_aligned(
    matched: &[Option<CrossMatch>],
    paragraphs: &[CorpusParagraph],
    units: &[UnitOutcome],
    min_words: u32,
) -> Vec<Option<CrossMatch>> {
    let n = paragraphs.len();
    let mut dropped: Vec<Option<CrossMatch>> = (0..n)
        .map(|p| matched[p].filter(|_| paragraphs[p].words >= min_words))
        .collect();
    let aligned = |p: usize, m: CrossMatch, step: isize| -> Option<CrossMatch> {
        let q = m.paragraph.checked_add_signed(step)?;
        let other = units[m.unit].paragraphs.get(q)?;
        (other.key == paragraphs[p].key).then_some(CrossMatch::exact(m.unit, q))
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
    dropped
}
