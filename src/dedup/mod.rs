//! The decision pass: which paragraphs are duplicates of earlier ones, grouped into
//! duplicated sections.
//!
//! Receives fingerprints in input order; returns, for each paragraph, whether it is kept
//! and, for dropped ones, which paragraph it repeats. One sequential walk in input order,
//! so the first copy always stays and the result never depends on thread timing. Never
//! sees text: fingerprints only.
//!
//! A *duplicated section* is a run of consecutive paragraphs that each repeat an earlier
//! one. A section is dropped only if it holds at least one long paragraph: short lines
//! ("Singapore", "The way forward") repeat by coincidence and are dropped only as part of a
//! repeated section, never alone.

mod exact;

pub use exact::ExactIndex;

use crate::fingerprint::Fingerprint;
use std::ops::Range;

/// Default fewest words for a paragraph to count as long.
pub const DEFAULT_MIN_WORDS: u32 = 5;

#[derive(Debug, Clone, Copy)]
pub struct DedupOptions {
    /// Paragraphs with fewer words are short: dropped only inside a section that also
    /// holds a long duplicate.
    pub min_words: u32,
}

impl Default for DedupOptions {
    fn default() -> Self {
        Self {
            min_words: DEFAULT_MIN_WORDS,
        }
    }
}

/// A run of consecutive paragraphs that repeat earlier ones, dropped together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateSection {
    /// Paragraph indices of the section.
    pub paragraphs: Range<usize>,
    /// For each paragraph of the section, the earlier paragraph it repeats.
    pub originals: Vec<usize>,
}

/// What the decision pass decided for a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decisions {
    /// Per paragraph: `Some(earlier)` when it is dropped as a copy of `earlier`.
    pub duplicate_of: Vec<Option<usize>>,
    pub sections: Vec<DuplicateSection>,
}

impl Decisions {
    pub fn is_kept(&self, paragraph: usize) -> bool {
        self.duplicate_of[paragraph].is_none()
    }
}

/// Decides which paragraphs are duplicates.
///
/// Every long paragraph that repeats an earlier one is dropped (an *anchor*). A section
/// then grows from its anchors to neighbouring short repeats, but only where the copy lines
/// up with the original: the short paragraph before (after) a dropped paragraph goes if the
/// paragraph before (after) that one's original is the same text. So "Singapore" inside a
/// repeated body goes with it, while a "Share" line that happens to sit next to a repeated
/// paragraph, but whose earlier copy is somewhere else, stays.
pub fn decide(fingerprints: &[Fingerprint], options: &DedupOptions) -> Decisions {
    let mut index = ExactIndex::default();
    let first: Vec<Option<usize>> = fingerprints
        .iter()
        .enumerate()
        .map(|(i, fp)| index.first_or_insert(fp.hash, i))
        .collect();
    let same = |a: usize, b: usize| fingerprints[a].hash == fingerprints[b].hash;
    let is_long = |i: usize| fingerprints[i].words >= options.min_words;

    let mut dropped: Vec<Option<usize>> = vec![None; fingerprints.len()];
    // Forward: anchors, and short repeats that continue an aligned copy. An anchor also
    // prefers the aligned original over the first occurrence, so a section reports the
    // region it actually repeats.
    for i in 0..fingerprints.len() {
        let Some(first_copy) = first[i] else { continue };
        let aligned = i
            .checked_sub(1)
            .and_then(|prev| dropped[prev])
            .map(|o| o + 1)
            .filter(|&o| o < i && same(o, i));
        dropped[i] = match aligned {
            Some(o) => Some(o),
            None if is_long(i) => Some(first_copy),
            None => None,
        };
    }
    // Backward: short repeats that lead into an aligned copy.
    for i in (0..fingerprints.len().saturating_sub(1)).rev() {
        if dropped[i].is_some() || first[i].is_none() {
            continue;
        }
        if let Some(o) = dropped[i + 1].and_then(|o| o.checked_sub(1)) {
            if o < i && same(o, i) {
                dropped[i] = Some(o);
            }
        }
    }
    // Report a kept original: an aligned one may itself have been dropped, the first
    // occurrence never is.
    for i in 0..dropped.len() {
        if let Some(o) = dropped[i] {
            if dropped[o].is_some() {
                dropped[i] = first[i];
            }
        }
    }

    let mut sections = Vec::new();
    let mut i = 0;
    while i < dropped.len() {
        if dropped[i].is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < dropped.len() && dropped[i].is_some() {
            i += 1;
        }
        sections.push(DuplicateSection {
            paragraphs: start..i,
            originals: dropped[start..i].iter().flatten().copied().collect(),
        });
    }
    Decisions {
        duplicate_of: dropped,
        sections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::{fingerprint_key, normalise};

    fn fps(paragraphs: &[&str]) -> Vec<Fingerprint> {
        paragraphs
            .iter()
            .map(|p| fingerprint_key(&normalise(p)))
            .collect()
    }

    const LONG_A: &str = "The first long paragraph of the article body.";
    const LONG_B: &str = "The second long paragraph of the article body.";

    #[test]
    fn repeated_body_is_one_section_and_first_copy_stays() {
        let d = decide(
            &fps(&[
                "Title",
                LONG_A,
                "Singapore",
                LONG_B,
                "Title",
                LONG_A,
                "Singapore",
                LONG_B,
            ]),
            &DedupOptions::default(),
        );
        assert_eq!(
            d.duplicate_of,
            [None, None, None, None, Some(0), Some(1), Some(2), Some(3)]
        );
        assert_eq!(d.sections.len(), 1);
        assert_eq!(d.sections[0].paragraphs, 4..8);
    }

    #[test]
    fn short_duplicates_alone_stay() {
        let d = decide(
            &fps(&["Share", LONG_A, "Share", LONG_B, "Read more", "Read more"]),
            &DedupOptions::default(),
        );
        assert!(d.duplicate_of.iter().all(Option::is_none));
        assert!(d.sections.is_empty());
    }

    #[test]
    fn short_repeat_next_to_a_copy_but_not_aligned_stays() {
        let d = decide(
            &fps(&[
                LONG_A, "Sport", LONG_B, "Sport", LONG_A, "Sport", LONG_B, "Sport",
            ]),
            &DedupOptions::default(),
        );
        assert_eq!(
            d.duplicate_of,
            [None, None, None, None, Some(0), Some(1), Some(2), Some(3)]
        );
    }

    #[test]
    fn leading_short_paragraphs_of_a_copy_go() {
        let d = decide(
            &fps(&["Title", "Singapore", LONG_A, "Title", "Singapore", LONG_A]),
            &DedupOptions::default(),
        );
        assert_eq!(
            d.duplicate_of,
            [None, None, None, Some(0), Some(1), Some(2)]
        );
        assert_eq!(d.sections.len(), 1);
    }

    #[test]
    fn a_long_duplicate_alone_goes() {
        let d = decide(&fps(&[LONG_A, LONG_B, LONG_A]), &DedupOptions::default());
        assert_eq!(d.duplicate_of, [None, None, Some(0)]);
    }

    #[test]
    fn normalised_variants_are_duplicates() {
        let d = decide(
            &fps(&[
                "He said “it’s over” — again.",
                "he said \"it's over\" - AGAIN.",
            ]),
            &DedupOptions { min_words: 1 },
        );
        assert_eq!(d.duplicate_of, [None, Some(0)]);
    }
}
