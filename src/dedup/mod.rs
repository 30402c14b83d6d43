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
pub fn decide(fingerprints: &[Fingerprint], options: &DedupOptions) -> Decisions {
    let mut index = ExactIndex::default();
    let earlier: Vec<Option<usize>> = fingerprints
        .iter()
        .enumerate()
        .map(|(i, fp)| index.first_or_insert(fp.hash, i))
        .collect();

    let mut decisions = Decisions {
        duplicate_of: vec![None; fingerprints.len()],
        sections: Vec::new(),
    };
    let mut i = 0;
    while i < earlier.len() {
        if earlier[i].is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < earlier.len() && earlier[i].is_some() {
            i += 1;
        }
        let has_long = fingerprints[start..i]
            .iter()
            .any(|fp| fp.words >= options.min_words);
        if !has_long {
            continue;
        }
        let originals: Vec<usize> = earlier[start..i].iter().flatten().copied().collect();
        for (k, original) in (start..i).zip(&originals) {
            decisions.duplicate_of[k] = Some(*original);
        }
        decisions.sections.push(DuplicateSection {
            paragraphs: start..i,
            originals,
        });
    }
    decisions
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
            &fps(&["Title", LONG_A, "Singapore", LONG_B, "Title", LONG_A, "Singapore", LONG_B]),
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
    fn a_long_duplicate_alone_goes() {
        let d = decide(&fps(&[LONG_A, LONG_B, LONG_A]), &DedupOptions::default());
        assert_eq!(d.duplicate_of, [None, None, Some(0)]);
    }

    #[test]
    fn normalised_variants_are_duplicates() {
        let d = decide(
            &fps(&["He said “it’s over” — again.", "he said \"it's over\" - AGAIN."]),
            &DedupOptions { min_words: 1 },
        );
        assert_eq!(d.duplicate_of, [None, Some(0)]);
    }
}
