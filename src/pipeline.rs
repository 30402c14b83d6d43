//! One document through the stages: crumbs → segment → fingerprint → decide, repeated to a
//! fixed point, then the clean text assembled from the input's own bytes.
//!
//! Receives decoded text and settings; returns the clean text and every removal with its
//! reason. Removing lines can expose more to remove (a menu that was between the article
//! and its repeated copy is at the bottom once the copy is gone), so the stages run again
//! on the remaining lines until nothing changes: that makes `clean(clean(x)) == clean(x)`.
//! Never writes anything and never alters a kept line.

use crate::crumbs::{find_crumbs, CrumbOptions, CrumbRule, LineVerdicts};
use crate::dedup::{decide, DedupOptions, KeepRule, MatchKind};
use crate::fingerprint::minhash::{shingle_words, shingles, MinHasher};
use crate::fingerprint::{fingerprint_counted_key, normalise_into, Fingerprint, Sketch};
use crate::language::{FunctionWords, LanguageChoice, LanguageSource};
use crate::segment::{resolve_split, segment, Segmentation, SplitMode};
use crate::text::{split_lines, Line};
use rayon::prelude::*;
use std::ops::Range;

/// Passes after which the fixed-point loop stops even if the last one removed something.
/// Real documents settle in two; the bound guards against a pathological oscillation.
const MAX_PASSES: usize = 8;

/// Settings for cleaning one document.
#[derive(Debug, Clone)]
pub struct CleanOptions {
    pub split: SplitMode,
    pub crumbs: CrumbOptions,
    pub dedup: DedupOptions,
    /// How each document's language (the crumb rules' function words) is settled. Only
    /// the crumb rules and the reports use it: with crumbs off and no report it is
    /// [`LanguageChoice::Unused`] and detection (a third of cleaning with crumbs, see
    /// docs/PERFORMANCE.md) is skipped.
    pub language: LanguageChoice,
}

impl Default for CleanOptions {
    fn default() -> Self {
        Self {
            split: SplitMode::default(),
            crumbs: CrumbOptions::default(),
            dedup: DedupOptions::default(),
            language: LanguageChoice::Detect,
        }
    }
}

/// A navigation line that was removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrumbRemoval {
    /// 0-based line index.
    pub line: usize,
    pub rule: CrumbRule,
}

/// A paragraph removed as a copy of an earlier one.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateRemoval {
    /// 0-based first and last line of the removed paragraph.
    pub lines: (usize, usize),
    /// Byte span of the removed paragraph.
    pub bytes: Range<usize>,
    /// 0-based first and last line of the paragraph it repeats.
    pub original_lines: (usize, usize),
    /// Byte span of the paragraph it repeats.
    pub original_bytes: Range<usize>,
    /// Exact, or near with the verified similarity.
    pub kind: MatchKind,
    /// Which rule chose the copy that stays.
    pub keep: KeepRule,
    /// Index into [`Cleaned::sections`].
    pub section: usize,
}

/// A run of consecutive duplicate paragraphs, removed together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionRemoval {
    /// 0-based first and last line of the removed run.
    pub lines: (usize, usize),
    /// 0-based first and last line of the earlier text it repeats.
    pub original_lines: (usize, usize),
    pub paragraphs: usize,
}

/// The outcome of cleaning one document.
#[derive(Debug, Clone)]
pub struct Cleaned {
    /// The clean text: kept lines and blank-line gaps, byte for byte from the input.
    pub text: String,
    pub crumbs: Vec<CrumbRemoval>,
    pub duplicates: Vec<DuplicateRemoval>,
    pub sections: Vec<SectionRemoval>,
    /// Paragraphs of the document before anything was removed.
    pub paragraphs_in: usize,
    /// Paragraphs of the clean text.
    pub paragraphs_out: usize,
    /// How the text was split (`auto` resolved).
    pub split: SplitMode,
    /// ISO 639-1 code of the function words used, and where it came from.
    pub language: &'static str,
    pub language_source: LanguageSource,
    /// The input's lines (where each lies in it): their number for reports, the table
    /// itself for a batch's whole-text signature, which would otherwise split them again.
    pub input_lines: Vec<Line>,
    /// Bytes removed (line spans of removed lines, terminators included).
    pub bytes_removed: usize,
    /// Per line of the input: still in the clean text.
    pub live: Vec<bool>,
    /// The paragraphs of the clean text with their fingerprints (similarity sketches keep
    /// only the signature), for matching across documents.
    pub final_paragraphs: Vec<FinalParagraph>,
}

/// A paragraph of the clean text, as the corpus-wide decision pass sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct FinalParagraph {
    /// 0-based first and last line.
    pub lines: (usize, usize),
    /// The fingerprint; a sketch keeps only its signature.
    pub fingerprint: Fingerprint,
    /// How many distinct shingles the sketch had (0 without one): a lower bound on the
    /// whole text's, which a batch's whole-text signature needs.
    pub shingles: usize,
}

impl Cleaned {
    pub fn changed(&self) -> bool {
        !self.crumbs.is_empty() || !self.duplicates.is_empty()
    }
}

/// Cleans one document.
pub fn clean_text(text: &str, options: &CleanOptions) -> Cleaned {
    let lines = split_lines(text);
    let mut live = vec![true; lines.len()];
    let mut function_words = match options.language {
        LanguageChoice::Given(words) => words,
        LanguageChoice::Detect | LanguageChoice::Unused => FunctionWords::english_fallback(),
    };
    let mut last_sample: Option<String> = None;

    let mut crumbs = Vec::new();
    let mut duplicates = Vec::new();
    let mut sections = Vec::new();
    let mut paragraphs_in = None;
    let mut settled: Option<(Segmentation, Vec<Fingerprint>)> = None;
    let hasher = MinHasher::new(options.dedup.near.map_or(0, |near| near.signature_values));
    // The previous pass's fingerprints, by paragraph: a paragraph a pass did not touch is
    // not normalised, hashed and sketched again.
    let mut previous = ReusableFingerprints::default();
    // The crumb rules' verdicts on single lines, likewise kept from pass to pass.
    let mut verdicts = LineVerdicts::default();

    for _pass in 0..MAX_PASSES {
        // Detected on the live lines each pass, so the last pass sees exactly what a run
        // on the clean text would see.
        if let LanguageChoice::Detect = options.language {
            let sample = prose_sample(text, &lines, &live);
            if last_sample.as_deref() != Some(sample.as_str()) {
                function_words = FunctionWords::detect(&sample);
                last_sample = Some(sample);
            }
        }
        let seg = segment(text, &lines, &live, options.split);
        // The first pass segments the whole input: its paragraphs are the input's.
        paragraphs_in.get_or_insert(seg.paragraphs.len());
        let fingerprints =
            fingerprint_paragraphs(text, &lines, &seg, &options.dedup, &hasher, &mut previous);
        let paragraph_key = |p: usize| {
            let mut key = String::new();
            normalise_into(
                seg.lines_of(&seg.paragraphs[p])
                    .iter()
                    .map(|&i| lines[i].content(text)),
                &mut key,
            );
            key
        };
        let is_fragment_of = |short: usize, long: usize| {
            let long_key = paragraph_key(long);
            let long_words: rustc_hash::FxHashSet<&str> =
                shingle_words(&long_key).into_iter().collect();
            let short_key = paragraph_key(short);
            let words = shingle_words(&short_key);
            !words.is_empty() && words.iter().all(|w| long_words.contains(w))
        };
        let decisions = decide(&fingerprints, &options.dedup, &is_fragment_of);

        for section in &decisions.sections {
            let section_id = sections.len();
            let span = |range: &[usize]| {
                let first = &seg.paragraphs[range[0]];
                let last = &seg.paragraphs[range[range.len() - 1]];
                (first.first_line, last.last_line)
            };
            let removed: Vec<usize> = section.paragraphs.clone().collect();
            let originals_first = section.originals.iter().min().copied().unwrap_or(0);
            let originals_last = section.originals.iter().max().copied().unwrap_or(0);
            sections.push(SectionRemoval {
                lines: span(&removed),
                original_lines: span(&[originals_first, originals_last]),
                paragraphs: removed.len(),
            });
            for &p in &removed {
                let Some(found) = decisions.duplicate_of[p] else {
                    continue;
                };
                let paragraph = &seg.paragraphs[p];
                let source = &seg.paragraphs[found.original];
                duplicates.push(DuplicateRemoval {
                    lines: (paragraph.first_line, paragraph.last_line),
                    bytes: paragraph.byte_start..paragraph.byte_end,
                    original_lines: (source.first_line, source.last_line),
                    original_bytes: source.byte_start..source.byte_end,
                    kind: found.kind,
                    keep: options.dedup.keep,
                    section: section_id,
                });
                for &line in seg.lines_of(paragraph) {
                    live[line] = false;
                }
            }
        }

        // Crumbs after duplicates: a repeated copy goes as a duplicate (and says so) before
        // the crumb rules judge where the body ends.
        let split = resolve_split(text, &lines, &live, options.split);
        let found = find_crumbs(
            text,
            &lines,
            &live,
            &options.crumbs,
            &function_words,
            split,
            &mut verdicts,
        );
        for crumb in &found {
            live[crumb.line] = false;
        }
        let removed_crumbs = !found.is_empty();
        crumbs.extend(found.into_iter().map(|c| CrumbRemoval {
            line: c.line,
            rule: c.rule,
        }));
        if !removed_crumbs && decisions.sections.is_empty() {
            // Nothing changed: this pass's paragraphs and fingerprints are the final ones.
            settled = Some((seg, fingerprints));
            break;
        }
        previous = ReusableFingerprints::new(&seg, fingerprints);
    }

    let (seg, fingerprints) = settled.unwrap_or_else(|| {
        let seg = segment(text, &lines, &live, options.split);
        let fingerprints =
            fingerprint_paragraphs(text, &lines, &seg, &options.dedup, &hasher, &mut previous);
        (seg, fingerprints)
    });
    let mut clean = String::with_capacity(text.len());
    assemble(&mut clean, text, &lines, &seg);
    let final_paragraphs = fingerprints
        .into_iter()
        .zip(&seg.paragraphs)
        .map(|(mut fingerprint, p)| {
            let shingles = fingerprint
                .sketch
                .as_mut()
                .map_or(0, |sketch| std::mem::take(&mut sketch.shingles).len());
            FinalParagraph {
                lines: (p.first_line, p.last_line),
                fingerprint,
                shingles,
            }
        })
        .collect();
    crumbs.sort_by_key(|c| c.line);
    duplicates.sort_by_key(|d| d.lines);
    resolve_originals(&mut duplicates);
    let bytes_removed = lines
        .iter()
        .zip(&live)
        .filter(|(_, live)| !**live)
        .map(|(line, _)| line.byte_end - line.byte_start)
        .sum();
    Cleaned {
        text: clean,
        crumbs,
        duplicates,
        sections,
        paragraphs_in: paragraphs_in.unwrap_or(0),
        paragraphs_out: seg.paragraphs.len(),
        split: seg.split.unwrap_or(options.split),
        language: function_words.language,
        language_source: function_words.source,
        input_lines: lines,
        bytes_removed,
        live,
        final_paragraphs,
    }
}

/// The clean text of `text` with the lines `live` keeps and the paragraphs listed in
/// `drop` (indices into the paragraphs of that live view) removed as well, into `out`
/// (cleared first, so a run of documents reuses one buffer): how a batch applies
/// decisions made across documents.
pub fn reassemble_into(
    out: &mut String,
    text: &str,
    live: &[bool],
    drop: &[usize],
    split: SplitMode,
) {
    out.clear();
    let lines = split_lines(text);
    let mut live = live.to_vec();
    if !drop.is_empty() {
        let seg = segment(text, &lines, &live, split);
        for &p in drop {
            if let Some(paragraph) = seg.paragraphs.get(p) {
                for &line in seg.lines_of(paragraph) {
                    live[line] = false;
                }
            }
        }
    }
    let seg = segment(text, &lines, &live, split);
    assemble(out, text, &lines, &seg);
}

/// Points every removal at a copy that stays. A later pass can remove the copy an earlier
/// pass kept (under `--keep longest`, or once the split changes): follow such chains to the
/// copy that survives, with the weakest similarity along the way.
fn resolve_originals(duplicates: &mut [DuplicateRemoval]) {
    let by_first_line: std::collections::HashMap<usize, usize> = duplicates
        .iter()
        .enumerate()
        .map(|(k, d)| (d.lines.0, k))
        .collect();
    for k in 0..duplicates.len() {
        let mut steps = 0;
        while let Some(&next) = by_first_line.get(&duplicates[k].original_lines.0) {
            if steps > duplicates.len() || next == k {
                break;
            }
            let (lines, bytes, kind) = (
                duplicates[next].original_lines,
                duplicates[next].original_bytes.clone(),
                duplicates[next].kind,
            );
            let d = &mut duplicates[k];
            d.original_lines = lines;
            d.original_bytes = bytes;
            d.kind = crate::dedup::weakest(d.kind, kind);
            steps += 1;
        }
    }
}

/// Fingerprints of a pass, to be taken by the next pass's identical paragraphs.
///
/// A paragraph is its set of live lines. Passes only ever remove lines, so a later
/// paragraph with the same first line, last line and number of lines has the same lines
/// (a subset of equal size), the same text and so the same fingerprint.
#[derive(Default)]
struct ReusableFingerprints {
    by_lines: rustc_hash::FxHashMap<(usize, usize, usize), Fingerprint>,
}

impl ReusableFingerprints {
    /// What identifies a paragraph's lines across passes (see the type's doc).
    fn lines_of(paragraph: &crate::segment::Paragraph) -> (usize, usize, usize) {
        (
            paragraph.first_line,
            paragraph.last_line,
            paragraph.members.len(),
        )
    }

    fn new(seg: &Segmentation, fingerprints: Vec<Fingerprint>) -> Self {
        Self {
            by_lines: seg
                .paragraphs
                .iter()
                .map(Self::lines_of)
                .zip(fingerprints)
                .collect(),
        }
    }

    fn take(&mut self, paragraph: &crate::segment::Paragraph) -> Option<Fingerprint> {
        self.by_lines.remove(&Self::lines_of(paragraph))
    }
}

/// Fewest paragraphs a fingerprinting task takes.
const MIN_PARAGRAPHS_PER_TASK: usize = 256;

/// Bytes a paragraph's key buffer starts with: a paragraph of a page is a few hundred bytes
/// (longer ones grow it once).
const KEY_ROOM: usize = 1024;

/// Fingerprints every paragraph, in parallel; results stay in paragraph order. Long
/// paragraphs get a similarity sketch when near-duplicate matching is on.
fn fingerprint_paragraphs(
    text: &str,
    lines: &[Line],
    seg: &Segmentation,
    dedup: &DedupOptions,
    hasher: &MinHasher,
    previous: &mut ReusableFingerprints,
) -> Vec<Fingerprint> {
    let known: Vec<Option<Fingerprint>> = seg.paragraphs.iter().map(|p| previous.take(p)).collect();
    seg.paragraphs
        .par_iter()
        .zip(known)
        // Small documents stay on one thread: in a batch the documents are the parallel
        // work, and splitting a page of forty paragraphs costs more than it saves.
        .with_min_len(MIN_PARAGRAPHS_PER_TASK)
        // A key buffer per task, with room for most paragraphs' keys from the start.
        .map_init(
            || String::with_capacity(KEY_ROOM),
            |key, (paragraph, known)| {
                if let Some(fingerprint) = known {
                    return fingerprint;
                }
                key.clear();
                let words = normalise_into(
                    seg.lines_of(paragraph)
                        .iter()
                        .map(|&i| lines[i].content(text)),
                    key,
                );
                let mut fingerprint = fingerprint_counted_key(key, words);
                if let Some(near) = dedup.near {
                    if fingerprint.words >= dedup.min_words && fingerprint.words <= near.max_words {
                        let shingles = shingles(key, near.shingle);
                        if !shingles.is_empty() {
                            fingerprint.sketch = Some(Sketch {
                                signature: hasher.signature(&shingles),
                                shingles,
                            });
                        }
                    }
                }
                fingerprint
            },
        )
        .collect()
}

/// The clean text: the document's leading blank lines, then each paragraph's live lines
/// with the blank lines that preceded it, then the document's trailing blank lines.
fn assemble(out: &mut String, text: &str, lines: &[Line], seg: &Segmentation) {
    if seg.paragraphs.is_empty() {
        return;
    }
    let push_lines = |range: Range<usize>, out: &mut String| {
        for line in &lines[range] {
            out.push_str(&text[line.span()]);
        }
    };
    push_lines(seg.leading_gap.clone(), out);
    for (k, paragraph) in seg.paragraphs.iter().enumerate() {
        if k > 0 {
            push_lines(seg.gap_before[k].clone(), out);
        }
        for &i in seg.lines_of(paragraph) {
            out.push_str(&text[lines[i].span()]);
        }
    }
    push_lines(seg.trailing_gap.clone(), out);
}

/// The sample a document's language is detected from before any of its lines is removed
/// (see [`prose_sample`]): what the first pass of [`clean_text`] detects from.
pub fn language_sample(text: &str) -> String {
    let lines = split_lines(text);
    prose_sample(text, &lines, &vec![true; lines.len()])
}

/// The longest lines of a document (up to a few KB): prose, for language detection,
/// rather than the menus that open most pages.
///
/// Each distinct line counts once, so removing a repeated copy leaves the sample (and the
/// detected language) as it was, and the next pass can reuse the detection.
fn prose_sample(text: &str, lines: &[Line], live: &[bool]) -> String {
    const SAMPLE_BYTES: usize = 2048;
    let mut by_length: Vec<&Line> = lines
        .iter()
        .zip(live)
        .filter_map(|(line, live)| live.then_some(line))
        .collect();
    // Longest first; equal lengths in line order, so the sample is deterministic.
    by_length.sort_by_key(|l| std::cmp::Reverse(l.content_end - l.byte_start));
    let mut sample = String::new();
    let mut seen = rustc_hash::FxHashSet::default();
    for line in by_length {
        if sample.len() >= SAMPLE_BYTES {
            break;
        }
        let content = line.content(text);
        if !seen.insert(content) {
            continue;
        }
        let end = content.len().min(SAMPLE_BYTES);
        let end = (0..=end)
            .rev()
            .find(|&e| content.is_char_boundary(e))
            .unwrap_or(0);
        sample.push_str(&content[..end]);
        sample.push('\n');
    }
    sample
}

#[cfg(test)]
mod tests {
    use super::*;

    const P1: &str = "The committee said on Monday that it would review the decision, which had been criticised by many.";
    const P2: &str =
        "Members of the public will be able to comment on the plans until the end of the month.";

    fn clean(text: &str) -> String {
        clean_text(text, &CleanOptions::default()).text
    }

    #[test]
    fn empty_and_blank() {
        assert_eq!(clean(""), "");
        assert_eq!(clean(" \n\n\t\n"), "");
        assert_eq!(clean("\r\n\r\n"), "");
    }

    #[test]
    fn no_trailing_newline_is_kept() {
        let text = format!("{P1}\n{P2}");
        assert_eq!(clean(&text), text);
    }

    #[test]
    fn repeated_body_goes_and_gaps_stay_tidy() {
        let text = format!("Title\n\n{P1}\n\n{P2}\n\nTitle\n\n{P1}\n\n{P2}\n");
        assert_eq!(clean(&text), format!("Title\n\n{P1}\n\n{P2}\n"));
    }

    #[test]
    fn crlf_is_kept() {
        let text = format!("Home > News > World\r\n\r\n{P1}\r\n\r\n{P1}\r\n");
        assert_eq!(clean(&text), format!("{P1}\r\n"));
    }

    #[test]
    fn idempotent_on_a_menu_exposed_by_a_removed_copy() {
        let text = format!("{P1}\n{P2}\n- About us\n- Contact\n{P1}\n{P2}\n");
        let once = clean(&text);
        assert_eq!(once, format!("{P1}\n{P2}\n"));
        assert_eq!(clean(&once), once);
    }

    #[test]
    fn a_and_a_drops_exactly_the_second_copy() {
        let a = format!("Intro line\n{P1}\nSingapore\n{P2}\n");
        assert_eq!(clean(&format!("{a}{a}")), a);
    }
}
