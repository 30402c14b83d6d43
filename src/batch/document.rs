//! The whole clean text's similarity signature, for matching whole documents across a
//! batch.
//!
//! Receives a cleaned document (its text, live lines and final paragraphs with their
//! sketches); returns the MinHash signature of the shingles of the whole clean text's
//! normalised key, exactly as normalising and shingling the whole clean text would give it,
//! or `None` when that key has too few shingles.
//!
//! Normalising and shingling the whole text again was ≈ 15% of a batch's instructions with
//! near matching on. Its words are its paragraphs' words one after another: the key writer
//! treats every character alone (white space only separates), the clean text is the
//! paragraphs' lines with blank lines between them, and NFKC works line by line. So the
//! whole text's shingles are each paragraph's own shingles plus those that reach across a
//! paragraph's edge, which lie within `shingle - 1` words of it. A paragraph with a sketch
//! contributes its signature and its first and last `shingle - 1` words (normalised from a
//! short cut of its first and last lines); the other paragraphs' words are normalised
//! whole. A minimum is the least of the minima over parts of a set, and a shingle counted
//! twice changes none, so this is the whole text's signature. When the shingles known
//! this way are too few to say whether the whole text has enough, the whole text is
//! normalised and shingled after all (short documents). The test holds the two ways equal
//! on generated documents, cutting lines inside words and characters.

use super::cross::MIN_DOCUMENT_SHINGLES;
use crate::dedup::NearOptions;
use crate::fingerprint::minhash::{push_shingle_hashes, shingle_word_spans, shingles, MinHasher};
use crate::fingerprint::{normalise, normalise_into};
use crate::pipeline::FinalParagraph;
use crate::text::Line;
use std::ops::Range;

/// The whole clean text's signature (see the module's documentation).
pub fn document_signature(
    clean: &str,
    text: &str,
    lines: &[Line],
    live: &[bool],
    paragraphs: &[FinalParagraph],
    near: &NearOptions,
) -> Option<Vec<u64>> {
    let hasher = MinHasher::new(near.signature_values);
    let budget = EDGE_BYTES_PER_WORD * near.shingle;
    match from_paragraphs(text, lines, live, paragraphs, near, &hasher, budget) {
        Decided::Signature(signature) => Some(signature),
        Decided::Undecided => from_whole_text(clean, near, &hasher),
    }
}

/// The definition: the whole clean text normalised and shingled.
fn from_whole_text(clean: &str, near: &NearOptions, hasher: &MinHasher) -> Option<Vec<u64>> {
    let shingles = shingles(&normalise(clean), near.shingle);
    (shingles.len() >= MIN_DOCUMENT_SHINGLES).then(|| hasher.signature(&shingles))
}

/// What the paragraphs tell of the whole text's signature.
#[derive(Debug, PartialEq)]
enum Decided {
    Signature(Vec<u64>),
    /// The shingles known from the paragraphs are too few to tell whether the whole text
    /// has enough: only the whole text's own can say.
    Undecided,
}

/// Words normalised again, one after another, with the places where a paragraph's inner
/// words (covered by its signature) were left out.
#[derive(Default)]
struct EdgeWords {
    /// The words, each followed by one space: a run of words is its shingle's text.
    text: String,
    /// Where each word lies in `text`.
    spans: Vec<Range<usize>>,
    /// Word indices where a left-out stretch lies just before: no shingle reaches across.
    breaks: Vec<usize>,
}

/// Buffers used again for every paragraph and line of a document: a line's normalised
/// key, where its words lie, and a paragraph's last words (collected last first).
#[derive(Default)]
struct Scratch {
    key: String,
    spans: Vec<Range<usize>>,
    tail: EdgeWords,
}

impl EdgeWords {
    /// Appends the words of `lines` (their normalised key's words).
    fn push_lines<'t>(&mut self, lines: impl IntoIterator<Item = &'t str>, scratch: &mut Scratch) {
        scratch.key.clear();
        normalise_into(lines, &mut scratch.key);
        shingle_word_spans(&scratch.key, &mut scratch.spans);
        for span in &scratch.spans {
            self.push_word(&scratch.key[span.clone()]);
        }
    }

    fn push_word(&mut self, word: &str) {
        let start = self.text.len();
        self.text.push_str(word);
        self.spans.push(start..self.text.len());
        self.text.push(' ');
    }

    fn word(&self, i: usize) -> &str {
        &self.text[self.spans[i].clone()]
    }

    fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
        self.breaks.clear();
    }

    /// Drops the words from the `words`-th on (and the text they took from `text` on).
    fn truncate(&mut self, text: usize, words: usize) {
        self.text.truncate(text);
        self.spans.truncate(words);
    }

    /// The hashes of every run of `shingle` words that no break cuts (sorted, distinct).
    fn shingles(&self, shingle: usize, joined: &mut String) -> Vec<u64> {
        let mut out = Vec::new();
        let mut from = 0;
        for end in self.breaks.iter().copied().chain([self.spans.len()]) {
            push_shingle_hashes(
                &self.text,
                &self.spans[from..end],
                shingle,
                joined,
                &mut out,
            );
            from = end;
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Bytes of a line normalised first, per word of a shingle, when only its first or last
/// words are wanted (doubled until they hold enough words).
const EDGE_BYTES_PER_WORD: usize = 12;

/// The signature from the paragraphs' signatures and their edges' words. `budget`: bytes
/// of a line normalised first when only its edge is wanted.
fn from_paragraphs(
    text: &str,
    lines: &[Line],
    live: &[bool],
    paragraphs: &[FinalParagraph],
    near: &NearOptions,
    hasher: &MinHasher,
    budget: usize,
) -> Decided {
    let shingle = near.shingle;
    if shingle == 0 {
        return Decided::Undecided;
    }
    if lines.len() != live.len() {
        return Decided::Undecided;
    }
    let edge = shingle - 1;
    let mut words = EdgeWords::default();
    let mut scratch = Scratch::default();
    let mut members: Vec<&str> = Vec::new();
    let mut signatures: Vec<&[u64]> = Vec::new();
    // The most shingles one paragraph has: the whole text has at least as many.
    let mut most = 0;
    for paragraph in paragraphs {
        let (first, last) = paragraph.lines;
        members.clear();
        members.extend(
            (first..=last.min(lines.len().saturating_sub(1)))
                .filter(|&i| live[i] && !lines[i].is_blank(text))
                .map(|i| lines[i].content(text)),
        );
        let sketch = paragraph
            .fingerprint
            .sketch
            .as_ref()
            .filter(|s| paragraph.shingles > 0 && s.signature.len() == hasher.values());
        let Some(sketch) = sketch else {
            words.push_lines(members.iter().copied(), &mut scratch);
            continue;
        };
        most = most.max(paragraph.shingles);
        if !push_edges(&members, edge, budget, &mut scratch, &mut words) {
            words.push_lines(members.iter().copied(), &mut scratch);
        }
        signatures.push(&sketch.signature);
    }
    let rest = words.shingles(shingle, &mut scratch.key);
    if most.max(rest.len()) < MIN_DOCUMENT_SHINGLES {
        return Decided::Undecided;
    }
    Decided::Signature(hasher.signature_of_parts(signatures, &rest))
}

/// Appends a paragraph's first `edge` words, a break, and its last `edge` words (they may
/// overlap: a shingle of either is one of the paragraph's, and the break keeps shingles
/// from reaching across); appends nothing and says `false` if it has fewer than `edge`
/// words.
fn push_edges(
    lines: &[&str],
    edge: usize,
    budget: usize,
    scratch: &mut Scratch,
    words: &mut EdgeWords,
) -> bool {
    let Scratch { key, spans, tail } = scratch;
    let (text_mark, word_mark) = (words.text.len(), words.spans.len());
    let mut head = 0;
    for line in lines {
        if head >= edge {
            break;
        }
        line_edge(line, Side::Start, edge - head, budget, key, spans);
        let take = spans.len().min(edge - head);
        for span in &spans[..take] {
            words.push_word(&key[span.clone()]);
        }
        head += take;
    }
    // Last line first, each line's words last first.
    tail.clear();
    for line in lines.iter().rev() {
        if tail.spans.len() >= edge {
            break;
        }
        line_edge(line, Side::End, edge - tail.spans.len(), budget, key, spans);
        let take = spans.len().min(edge - tail.spans.len());
        for span in spans[spans.len() - take..].iter().rev() {
            tail.push_word(&key[span.clone()]);
        }
    }
    if head != edge || tail.spans.len() != edge {
        words.truncate(text_mark, word_mark);
        return false;
    }
    words.breaks.push(words.spans.len());
    for i in (0..edge).rev() {
        words.push_word(tail.word(i));
    }
    true
}

#[derive(Clone, Copy)]
enum Side {
    Start,
    End,
}

/// The key of a line's first (or last) words into `key`, with its words' places in
/// `spans`: at least `need` words if the line has that many. A part of a line is
/// normalised from a cut at a character boundary, and the token at the cut is dropped: it
/// may be a piece of a word, and NFKC may join characters across the cut only within it
/// (white space is a starter that composes with nothing).
fn line_edge(
    line: &str,
    side: Side,
    need: usize,
    budget: usize,
    key: &mut String,
    spans: &mut Vec<Range<usize>>,
) {
    let mut length = budget.max(1);
    loop {
        key.clear();
        if length >= line.len() {
            normalise_into([line], key);
            shingle_word_spans(key, spans);
            return;
        }
        match side {
            Side::Start => {
                let cut = (0..=length)
                    .rev()
                    .find(|&e| line.is_char_boundary(e))
                    .unwrap_or(0);
                normalise_into([&line[..cut]], key);
                key.truncate(key.rfind(' ').unwrap_or(0));
            }
            Side::End => {
                let from = line.len() - length;
                let cut = (from..=line.len())
                    .find(|&e| line.is_char_boundary(e))
                    .unwrap_or(line.len());
                normalise_into([&line[cut..]], key);
                let after = key.find(' ').map_or(key.len(), |at| at + 1);
                key.drain(..after);
            }
        }
        shingle_word_spans(key, spans);
        if spans.len() >= need {
            return;
        }
        length = length.saturating_mul(2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{clean_text, CleanOptions};
    use crate::segment::SplitMode;
    use crate::test_support::Rng;

    /// A scraped-looking document: paragraphs of wrapped lines, blank lines of assorted
    /// white space, repeats, short menu lines, and characters NFKC changes.
    fn document(rng: &mut Rng) -> String {
        let vocabulary = [
            "the",
            "report",
            "said",
            "ﬁnance",
            "ＦＵＬＬ",
            "café",
            "cafe\u{301}",
            "東京",
            "news",
            "share",
            "x",
            "2024",
            "don’t",
            "–",
            "Ωmega",
            "ΣΑΣ",
            "a\u{a0}b",
            "end.",
            "(note)",
        ];
        let blanks = ["", " ", "\t", "\u{a0}", "\u{3000}", " \r"];
        let mut out = String::new();
        let mut earlier: Vec<String> = Vec::new();
        for _ in 0..rng.below(12) {
            let paragraph = if !earlier.is_empty() && rng.below(5) == 0 {
                earlier[rng.below(earlier.len())].clone()
            } else {
                let mut p = String::new();
                for w in 0..rng.below(40) {
                    if w > 0 {
                        p.push(if rng.below(7) == 0 { '\n' } else { ' ' });
                    }
                    p.push_str(vocabulary[rng.below(vocabulary.len())]);
                }
                p
            };
            earlier.push(paragraph.clone());
            out.push_str(&paragraph);
            out.push_str(if rng.below(4) == 0 { "\r\n" } else { "\n" });
            for _ in 0..rng.below(3) {
                out.push_str(blanks[rng.below(blanks.len())]);
                out.push('\n');
            }
        }
        out
    }

    #[test]
    fn the_signature_from_paragraphs_is_the_whole_texts() {
        let mut rng = Rng(2024);
        let mut decided = 0;
        for case in 0..600 {
            let text = document(&mut rng);
            let mut options = CleanOptions::default();
            let near = options.dedup.near.get_or_insert_with(NearOptions::default);
            near.shingle = 1 + case % 5;
            near.max_words = [8, 30, 20_000][case % 3];
            options.dedup.min_words = [1, 3, 8][case % 3];
            options.split = [SplitMode::Auto, SplitMode::Blank, SplitMode::Line][case / 7 % 3];
            let near = *near;
            let cleaned = clean_text(&text, &options);
            let hasher = MinHasher::new(near.signature_values);
            let whole = from_whole_text(&cleaned.text, &near, &hasher);
            // Small budgets cut lines inside words, inside characters NFKC joins, and
            // between a letter and its combining mark.
            let budget = [1, 2, 3, 5, 8, 13, EDGE_BYTES_PER_WORD * near.shingle][case % 7];
            match from_paragraphs(
                &text,
                &cleaned.input_lines,
                &cleaned.live,
                &cleaned.final_paragraphs,
                &near,
                &hasher,
                budget,
            ) {
                Decided::Signature(signature) => {
                    decided += 1;
                    assert_eq!(Some(signature), whole, "case {case}: {text:?}");
                }
                Decided::Undecided => {}
            }
            assert_eq!(
                document_signature(
                    &cleaned.text,
                    &text,
                    &cleaned.input_lines,
                    &cleaned.live,
                    &cleaned.final_paragraphs,
                    &near
                ),
                whole,
                "case {case}"
            );
        }
        assert!(decided > 200, "{decided} of 600 decided from paragraphs");
    }
}
