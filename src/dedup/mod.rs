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
pub mod near;

pub use exact::ExactIndex;
pub use near::{Bands, Measure, NearIndex, SignatureValue, Similarity};

use crate::fingerprint::Fingerprint;
use serde::Serialize;
use std::ops::Range;

/// Default fewest words for a paragraph to count as long.
pub const DEFAULT_MIN_WORDS: u32 = 5;

/// Which copy of a repeated paragraph stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeepRule {
    /// The earliest in input order.
    #[default]
    First,
    /// The longest (by normalised characters; ties go to the earliest).
    Longest,
}

/// Settings of near-duplicate matching.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearOptions {
    /// Least verified similarity (Jaccard, or containment in the earlier paragraph).
    pub threshold: f64,
    /// Words per shingle.
    pub shingle: usize,
    /// MinHash values per signature.
    pub signature_values: usize,
    /// Paragraphs with more words are matched exactly only: the cost of shingling and
    /// verifying them is not worth a near match, and a cap keeps it bounded.
    pub max_words: u32,
}

pub const DEFAULT_SIMILARITY: f64 = 0.8;
pub const DEFAULT_SHINGLE: usize = 3;
pub const DEFAULT_SIGNATURE_VALUES: usize = 128;
pub const DEFAULT_MAX_NEAR_WORDS: u32 = 20_000;

impl Default for NearOptions {
    fn default() -> Self {
        Self {
            threshold: DEFAULT_SIMILARITY,
            shingle: DEFAULT_SHINGLE,
            signature_values: DEFAULT_SIGNATURE_VALUES,
            max_words: DEFAULT_MAX_NEAR_WORDS,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DedupOptions {
    /// Paragraphs with fewer words are short: dropped only inside a section that also
    /// holds a long duplicate.
    pub min_words: u32,
    /// Near-duplicate matching; `None` for exact only.
    pub near: Option<NearOptions>,
    pub keep: KeepRule,
}

impl Default for DedupOptions {
    fn default() -> Self {
        Self {
            min_words: DEFAULT_MIN_WORDS,
            near: Some(NearOptions::default()),
            keep: KeepRule::First,
        }
    }
}

/// How a dropped paragraph matches the copy that stays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MatchKind {
    /// Same normalised text.
    Exact,
    /// Verified near duplicate.
    Near(Similarity),
}

/// The copy a dropped paragraph repeats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    pub original: usize,
    pub kind: MatchKind,
}

/// A run of consecutive paragraphs that repeat others, dropped together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateSection {
    /// Paragraph indices of the section.
    pub paragraphs: Range<usize>,
    /// For each paragraph of the section, the paragraph it repeats.
    pub originals: Vec<usize>,
}

/// What the decision pass decided for a document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decisions {
    /// Per paragraph: `Some(match)` when it is dropped as a copy of `match.original`.
    pub duplicate_of: Vec<Option<Match>>,
    pub sections: Vec<DuplicateSection>,
}

/// Decides which paragraphs are duplicates.
///
/// One walk in input order finds, for each paragraph, an earlier paragraph with the same
/// normalised text or, failing that, a verified near copy. Every long paragraph so matched
/// is dropped (an *anchor*); under `--keep longest` the longest copy of each group stays
/// instead of the first. A section then grows from its anchors to neighbouring short
/// repeats, but only where the copy lines up with the original: the short paragraph before
/// (after) a dropped paragraph goes if the paragraph before (after) that one's original is
/// the same text. So "Singapore" inside a repeated body goes with it, while a "Share" line
/// that happens to sit next to a repeated paragraph, but whose earlier copy is somewhere
/// else, stays.
///
/// `is_fragment_of(short, long)` says whether every word of a short paragraph occurs in a
/// longer one: a short fragment next to a dropped paragraph, all of whose words are in that
/// paragraph's original, goes with the section (a re-wrapped copy leaves such fragments:
/// "region." at the end of a wrapped sentence). It is only asked when near matching is on.
pub fn decide(
    fingerprints: &[Fingerprint],
    options: &DedupOptions,
    is_fragment_of: &dyn Fn(usize, usize) -> bool,
) -> Decisions {
    let n = fingerprints.len();
    let matched = match_earlier(fingerprints, options);
    let is_long = |i: usize| fingerprints[i].words >= options.min_words;

    let mut dropped: Vec<Option<Match>> =
        (0..n).map(|i| matched[i].filter(|_| is_long(i))).collect();
    if options.keep == KeepRule::Longest {
        keep_longest(fingerprints, &matched, &mut dropped, options);
    }
    let fragment = |short: usize, long: usize| {
        options.near.is_some()
            && fingerprints[short].words < options.min_words
            && is_fragment_of(short, long)
    };
    extend_sections(fingerprints, &matched, &mut dropped, &fragment);

    // Report a kept original: an exact match's first occurrence may itself be dropped
    // (as a near copy of something earlier); follow the chain to the copy that stays.
    for i in 0..n {
        let mut guard = 0;
        while let Some(m) = dropped[i] {
            match dropped[m.original] {
                Some(next) if guard < n => {
                    dropped[i] = Some(Match {
                        original: next.original,
                        kind: weakest(m.kind, next.kind),
                    });
                    guard += 1;
                }
                _ => break,
            }
        }
    }

    let mut sections = Vec::new();
    let mut i = 0;
    while i < n {
        if dropped[i].is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && dropped[i].is_some() {
            i += 1;
        }
        sections.push(DuplicateSection {
            paragraphs: start..i,
            originals: dropped[start..i]
                .iter()
                .flatten()
                .map(|m| m.original)
                .collect(),
        });
    }
    Decisions {
        duplicate_of: dropped,
        sections,
    }
}

/// A chain of matches is as strong as its weakest link.
pub fn weakest(a: MatchKind, b: MatchKind) -> MatchKind {
    match (a, b) {
        (MatchKind::Exact, other) | (other, MatchKind::Exact) => other,
        (MatchKind::Near(x), MatchKind::Near(y)) => {
            MatchKind::Near(if x.value <= y.value { x } else { y })
        }
    }
}

/// For each paragraph, the earlier paragraph it repeats, exactly or (if long enough) as a
/// verified near copy. Near matches are only ever made against paragraphs that matched
/// nothing themselves.
fn match_earlier(fingerprints: &[Fingerprint], options: &DedupOptions) -> Vec<Option<Match>> {
    let mut exact = ExactIndex::default();
    let mut near = options.near.map(|o| {
        (
            o,
            // Sized for the paragraphs it indexes, those with a sketch: a document
            // without any then costs no table at all.
            NearIndex::with_capacity(
                Bands::for_threshold(o.threshold, o.signature_values),
                fingerprints.iter().filter(|fp| fp.sketch.is_some()).count(),
                fingerprints
                    .iter()
                    .filter_map(|fp| fp.sketch.as_ref())
                    .map(|sketch| sketch.shingles.len())
                    .sum(),
            ),
        )
    });
    let mut matched = vec![None; fingerprints.len()];
    let mut keys = Vec::new();
    for (i, fp) in fingerprints.iter().enumerate() {
        if let Some(first) = exact.first_or_insert(fp.hash, i) {
            matched[i] = Some(Match {
                original: first,
                kind: MatchKind::Exact,
            });
            continue;
        }
        let (Some((near_options, index)), Some(sketch)) = (near.as_mut(), fp.sketch.as_ref())
        else {
            continue;
        };
        if fp.words < options.min_words {
            continue;
        }
        index.band_keys(&sketch.signature, &mut keys);
        let best = index
            .candidates_by_keys(&keys, &sketch.shingles)
            .into_iter()
            .filter_map(|c| {
                let other = fingerprints[c].sketch.as_ref()?;
                near::verify(&sketch.shingles, &other.shingles, near_options.threshold)
                    .map(|sim| (c, sim))
            })
            // Most similar; among equals the earliest (candidates come in ascending order).
            .fold(None::<(usize, Similarity)>, |best, (c, sim)| match best {
                Some((_, b)) if b.value >= sim.value => best,
                _ => Some((c, sim)),
            });
        match best {
            Some((original, sim)) => {
                matched[i] = Some(Match {
                    original,
                    kind: MatchKind::Near(sim),
                })
            }
            None => index.insert_by_keys(i, &keys, &sketch.shingles),
        }
    }
    matched
}

/// The paragraph a chain of matches leads back to.
fn root(matched: &[Option<Match>], mut i: usize) -> usize {
    while let Some(m) = matched[i] {
        i = m.original;
    }
    i
}

/// Under `--keep longest`: in each group of copies (a paragraph that matched nothing and
/// every long paragraph that leads back to it), the longest stays; each other copy goes if
/// it verifies against the one that stays, and stays otherwise.
fn keep_longest(
    fingerprints: &[Fingerprint],
    matched: &[Option<Match>],
    dropped: &mut [Option<Match>],
    options: &DedupOptions,
) {
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for (i, slot) in dropped.iter().enumerate() {
        if slot.is_some() {
            groups.entry(root(matched, i)).or_default().push(i);
        }
    }
    for (root, mut members) in groups {
        members.insert(0, root);
        let keeper = members.iter().copied().fold(root, |best, m| {
            if fingerprints[m].key_chars > fingerprints[best].key_chars {
                m
            } else {
                best
            }
        });
        for m in members {
            dropped[m] = if m == keeper {
                None
            } else {
                similarity(&fingerprints[m], &fingerprints[keeper], options).map(|kind| Match {
                    original: keeper,
                    kind,
                })
            };
        }
    }
}

/// How `a` matches `b`, if it does.
fn similarity(a: &Fingerprint, b: &Fingerprint, options: &DedupOptions) -> Option<MatchKind> {
    if a.hash == b.hash {
        return Some(MatchKind::Exact);
    }
    let near = options.near?;
    let (sa, sb) = (a.sketch.as_ref()?, b.sketch.as_ref()?);
    near::verify(&sa.shingles, &sb.shingles, near.threshold).map(MatchKind::Near)
}

/// Grows sections from their anchors to aligned short repeats (see [`decide`]).
fn extend_sections(
    fingerprints: &[Fingerprint],
    matched: &[Option<Match>],
    dropped: &mut [Option<Match>],
    fragment: &dyn Fn(usize, usize) -> bool,
) {
    let n = fingerprints.len();
    let aligned = |dropped: &[Option<Match>], i: usize, o: usize| {
        o != i && o < n && dropped[o].is_none() && fingerprints[o].hash == fingerprints[i].hash
    };
    // The copy a short paragraph next to a dropped one (`neighbour`) goes as, if any:
    // the aligned paragraph when it is the same text, else the neighbour's original when
    // the short paragraph is a fragment of it.
    let extend = |dropped: &[Option<Match>], i: usize, neighbour: usize, step: isize| {
        let m = dropped[neighbour]?;
        let o = m.original.checked_add_signed(step)?;
        if matched[i].is_some() && aligned(dropped, i, o) {
            return Some(Match {
                original: o,
                kind: MatchKind::Exact,
            });
        }
        fragment(i, m.original).then_some(Match {
            original: m.original,
            kind: MatchKind::Near(Similarity {
                value: 1.0,
                measure: Measure::Containment,
            }),
        })
    };
    for i in 1..n {
        if dropped[i].is_none() {
            dropped[i] = extend(dropped, i, i - 1, 1);
        }
    }
    for i in (0..n.saturating_sub(1)).rev() {
        if dropped[i].is_none() {
            dropped[i] = extend(dropped, i, i + 1, -1);
        }
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

    fn originals(d: &Decisions) -> Vec<Option<usize>> {
        d.duplicate_of
            .iter()
            .map(|m| m.map(|m| m.original))
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
            &|_, _| false,
        );
        assert_eq!(
            originals(&d),
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
            &|_, _| false,
        );
        assert!(originals(&d).iter().all(Option::is_none));
        assert!(d.sections.is_empty());
    }

    #[test]
    fn short_repeat_next_to_a_copy_but_not_aligned_stays() {
        let d = decide(
            &fps(&[
                LONG_A, "Sport", LONG_B, "Sport", LONG_A, "Sport", LONG_B, "Sport",
            ]),
            &DedupOptions::default(),
            &|_, _| false,
        );
        assert_eq!(
            originals(&d),
            [None, None, None, None, Some(0), Some(1), Some(2), Some(3)]
        );
    }

    #[test]
    fn leading_short_paragraphs_of_a_copy_go() {
        let d = decide(
            &fps(&["Title", "Singapore", LONG_A, "Title", "Singapore", LONG_A]),
            &DedupOptions::default(),
            &|_, _| false,
        );
        assert_eq!(originals(&d), [None, None, None, Some(0), Some(1), Some(2)]);
        assert_eq!(d.sections.len(), 1);
    }

    #[test]
    fn a_long_duplicate_alone_goes() {
        let d = decide(
            &fps(&[LONG_A, LONG_B, LONG_A]),
            &DedupOptions::default(),
            &|_, _| false,
        );
        assert_eq!(originals(&d), [None, None, Some(0)]);
    }

    #[test]
    fn normalised_variants_are_duplicates() {
        let d = decide(
            &fps(&[
                "He said “it’s over” — again.",
                "he said \"it's over\" - AGAIN.",
            ]),
            &DedupOptions {
                min_words: 1,
                ..DedupOptions::default()
            },
            &|_, _| false,
        );
        assert_eq!(originals(&d), [None, Some(0)]);
    }
}
