//! Which LSH band keys of a batch's signatures more than one paragraph (or document) has:
//! only those bands are indexed by the decision pass.
//!
//! The decision pass indexes every paragraph that stays, one entry per band (25 at the
//! default similarity), and a later paragraph finds its candidates by looking its own band
//! keys up. An entry can only ever be found by a paragraph with the same key in that band;
//! where no other paragraph of the batch has it, the entry is never read. Most paragraphs
//! of a corpus are unique, so most entries were never read, and they were most of a 1 GB
//! corpus's peak memory (≈ 425 bytes per paragraph). Before the decision pass, this pass
//! reads the stored signatures back, sorts each band's (key, item) pairs and marks the
//! items whose key in that band another item shares: one bit per item and band. The
//! decision pass indexes and looks up marked bands only, and finds the same candidates: a
//! candidate shares a band key with the paragraph looking, so that band is marked for both.

use crate::dedup::Bands;
use anyhow::Result;
use rayon::prelude::*;

/// Bytes of (key, item) pairs sorted at once: bands are taken a group at a time so that
/// the pass stays below the decision pass's own peak.
const PAIRS_BUDGET: usize = 256 << 20;

/// Per item and band, whether another item has the same key in that band.
#[derive(Debug)]
pub struct SharedBands {
    bands: usize,
    bits: Vec<u64>,
}

/// Which kind of signature an item is: a paragraph's keys are only compared with
/// paragraphs', a document's with documents' (keys are salted apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Paragraph,
    Document,
}

impl ItemKind {
    fn salt(self) -> u32 {
        match self {
            Self::Paragraph => 0,
            Self::Document => 0x9E37_79B9,
        }
    }
}

/// Calls its argument with every signature of one part of the batch that may be indexed
/// or looked up: (item number, kind, signature).
pub type Visit<'a> = dyn FnMut(u32, ItemKind, &[u32]) + 'a;

/// Parts of the batch read at once (on every thread) before their pairs join the rest:
/// enough to keep the threads busy, few enough that their pairs take little room.
const PARTS_AT_ONCE: usize = 1024;

impl SharedBands {
    /// Finds the shared bands of items numbered below `items`. `each(part, visit)` hands
    /// over the signatures of part `part` of `parts` (each signature in exactly one part,
    /// in any order); parts are read in parallel, once per group of bands. `expected` is
    /// how many signatures there are in all (a sizing hint).
    pub fn find(
        layout: Bands,
        items: usize,
        expected: usize,
        parts: usize,
        each: impl Fn(usize, &mut Visit<'_>) -> Result<()> + Sync,
    ) -> Result<Self> {
        Self::find_within(PAIRS_BUDGET, layout, items, expected, parts, each)
    }

    /// [`Self::find`] sorting at most `budget` bytes of pairs at once (unless one band
    /// needs more). The marks do not depend on the order pairs are found in: each band's
    /// pairs are sorted before they are read.
    fn find_within(
        budget: usize,
        layout: Bands,
        items: usize,
        expected: usize,
        parts: usize,
        each: impl Fn(usize, &mut Visit<'_>) -> Result<()> + Sync,
    ) -> Result<Self> {
        let mut shared = Self {
            bands: layout.bands,
            bits: vec![0; (items * layout.bands).div_ceil(64)],
        };
        let per_group = (budget / (8 * expected.max(1))).clamp(1, layout.bands.max(1));
        for first in (0..layout.bands).step_by(per_group) {
            let group = first..(first + per_group).min(layout.bands);
            let mut pairs: Vec<Vec<u64>> = group
                .clone()
                .map(|_| Vec::with_capacity(expected))
                .collect();
            for from in (0..parts).step_by(PARTS_AT_ONCE) {
                let found: Vec<Vec<Vec<u64>>> = (from..(from + PARTS_AT_ONCE).min(parts))
                    .into_par_iter()
                    .fold(
                        || Ok(vec![Vec::new(); group.len()]),
                        |found: Result<Vec<Vec<u64>>>, part| {
                            let mut found = found?;
                            each(part, &mut |item, kind, signature| {
                                for (band, pairs) in group.clone().zip(found.iter_mut()) {
                                    if let Some(key) = layout.key(signature, band) {
                                        pairs.push(
                                            (u64::from(key ^ kind.salt()) << 32) | u64::from(item),
                                        );
                                    }
                                }
                            })?;
                            Ok(found)
                        },
                    )
                    .collect::<Result<_>>()?;
                for part_pairs in found {
                    for (pairs, more) in pairs.iter_mut().zip(part_pairs) {
                        pairs.extend_from_slice(&more);
                    }
                }
            }
            pairs.par_iter_mut().for_each(|p| p.sort_unstable());
            for (band, pairs) in group.zip(&pairs) {
                shared.mark_repeated_keys(band, pairs);
            }
        }
        Ok(shared)
    }

    /// Marks, in `band`, every item of a run of two or more pairs with the same key.
    fn mark_repeated_keys(&mut self, band: usize, sorted: &[u64]) {
        for run in sorted.chunk_by(|a, b| a >> 32 == b >> 32) {
            if run.len() < 2 {
                continue;
            }
            for &pair in run {
                let bit = (pair as u32) as usize * self.bands + band;
                if let Some(word) = self.bits.get_mut(bit / 64) {
                    *word |= 1 << (bit % 64);
                }
            }
        }
    }

    /// Whether another item has the same key as `item` in `band`.
    pub fn is_shared(&self, item: u32, band: usize) -> bool {
        let bit = item as usize * self.bands + band;
        band < self.bands
            && self
                .bits
                .get(bit / 64)
                .is_some_and(|word| word & (1 << (bit % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Marks found with each item a part of its own.
    fn find(layout: Bands, items: &[(u32, ItemKind, Vec<u32>)]) -> SharedBands {
        let calls = AtomicUsize::new(0);
        let shared = SharedBands::find(layout, 10, 1, items.len(), |part, visit| {
            calls.fetch_add(1, Ordering::Relaxed);
            let (item, kind, signature) = &items[part];
            visit(*item, *kind, signature);
            Ok(())
        })
        .unwrap();
        assert!(calls.into_inner() >= items.len());
        shared
    }

    #[test]
    fn marks_exactly_the_bands_another_item_shares() {
        let layout = Bands { bands: 3, rows: 2 };
        let shared = find(
            layout,
            &[
                (0, ItemKind::Paragraph, vec![1, 2, 3, 4, 5, 6]),
                (3, ItemKind::Paragraph, vec![1, 2, 9, 9, 5, 6]),
                (7, ItemKind::Paragraph, vec![8, 8, 9, 9, 0, 0]),
            ],
        );
        let marked = |item| {
            (0..3)
                .map(|b| shared.is_shared(item, b))
                .collect::<Vec<_>>()
        };
        assert_eq!(marked(0), [true, false, true]);
        assert_eq!(marked(3), [true, true, true]);
        assert_eq!(marked(7), [false, true, false]);
        assert_eq!(marked(1), [false, false, false]);
        assert!(!shared.is_shared(0, 3), "past the last band");
        assert!(!shared.is_shared(99, 0), "past the last item");
    }

    #[test]
    fn paragraphs_and_documents_are_not_compared() {
        let layout = Bands { bands: 1, rows: 2 };
        let shared = find(
            layout,
            &[
                (0, ItemKind::Paragraph, vec![1, 2]),
                (1, ItemKind::Document, vec![1, 2]),
                (2, ItemKind::Document, vec![1, 2]),
            ],
        );
        assert!(!shared.is_shared(0, 0));
        assert!(shared.is_shared(1, 0));
        assert!(shared.is_shared(2, 0));
    }

    #[test]
    fn bands_are_taken_in_groups_when_there_are_many_pairs() {
        // Room for one band's pairs at a time: one band per pass, and the same marks.
        let layout = Bands { bands: 4, rows: 1 };
        let passes = AtomicUsize::new(0);
        let shared = SharedBands::find_within(16, layout, 2, 2, 1, |_, visit| {
            passes.fetch_add(1, Ordering::Relaxed);
            visit(0, ItemKind::Paragraph, &[1, 2, 3, 4]);
            visit(1, ItemKind::Paragraph, &[1, 0, 3, 0]);
            Ok(())
        })
        .unwrap();
        assert_eq!(passes.into_inner(), 4);
        let marked: Vec<bool> = (0..4).map(|b| shared.is_shared(1, b)).collect();
        assert_eq!(marked, [true, false, true, false]);
    }
}
