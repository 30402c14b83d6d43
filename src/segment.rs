//! Paragraph segmentation: groups the live lines of a document into paragraphs.
//!
//! Receives the line view and which lines are live; returns paragraphs (byte spans with
//! their line numbers) and the blank-line gaps between them. Lines removed by an earlier
//! stage are skipped over, so segmenting the live lines gives the same paragraphs as
//! segmenting the text that remains once they are gone: that keeps `clean` idempotent.
//! Never judges content: that belongs to the crumb and dedup stages.

use crate::text::Line;
use std::ops::Range;

/// How the document is split into paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SplitMode {
    /// Blank-line blocks when the document is laid out that way, else one per line.
    #[default]
    Auto,
    /// A paragraph is a block of non-blank lines between blank lines.
    Blank,
    /// Every non-blank line is a paragraph.
    Line,
}

/// Above this mean number of lines per blank-separated block, `auto` treats the blank lines
/// as incidental and splits per line: a dump with a handful of blank lines in hundreds of
/// lines is a one-paragraph-per-line layout, and whole-block paragraphs would hide its
/// duplicates.
const AUTO_MAX_MEAN_BLOCK_LINES: usize = 12;

/// A paragraph: live non-blank lines with no blank line between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// Indices into [`Segmentation::member_lines`].
    pub members: Range<usize>,
    /// 0-based index of the first and last line of the paragraph.
    pub first_line: usize,
    pub last_line: usize,
    /// Byte span from the first line's start to the last line's end (terminator included).
    pub byte_start: usize,
    pub byte_end: usize,
}

/// The paragraphs of a document and the blank lines between them.
#[derive(Debug, Clone, Default)]
pub struct Segmentation {
    /// The mode actually used (`auto` resolved to `blank` or `line`).
    pub split: Option<SplitMode>,
    pub paragraphs: Vec<Paragraph>,
    /// Line indices of every paragraph's lines, paragraph after paragraph.
    pub member_lines: Vec<usize>,
    /// For each paragraph, the blank lines to write before it when an earlier paragraph is
    /// written: the last run of consecutive blank lines before it (a gap that held removed
    /// lines shrinks to its last blank run rather than stacking blank lines up).
    pub gap_before: Vec<Range<usize>>,
    /// The document's own leading blank lines (before its first non-blank line, live or
    /// not), written before the first paragraph.
    pub leading_gap: Range<usize>,
    /// The document's own trailing blank lines, written after the last paragraph.
    pub trailing_gap: Range<usize>,
}

impl Segmentation {
    /// Line indices of a paragraph's live lines.
    pub fn lines_of(&self, paragraph: &Paragraph) -> &[usize] {
        &self.member_lines[paragraph.members.clone()]
    }
}

/// The blank lines written before a paragraph: the last run of consecutive blank lines
/// since the previous line of text. A removed line between blank lines splits them into
/// two runs, and only the later one is written.
#[derive(Debug, Clone, Default)]
struct BlankRun(Option<Range<usize>>);

impl BlankRun {
    /// Live blank line `i` comes next.
    fn push(&mut self, i: usize) {
        self.0 = match self.0.take() {
            Some(run) if run.end == i => Some(run.start..i + 1),
            _ => Some(i..i + 1),
        };
    }

    /// The run so far, ended by a line of text.
    fn take(&mut self) -> Option<Range<usize>> {
        self.0.take()
    }

    fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

/// Where the live lines of text will stand in the clean text written from the
/// segmentation (`pipeline::assemble`): after the document's leading blank lines, each
/// line after the one before it and, where a paragraph starts, after its gap (the first
/// paragraph's gap is the leading one). The same in either split mode: a paragraph starts
/// wherever a gap was seen. Fed the live lines in order.
#[derive(Debug, Clone)]
pub struct CleanPlaces {
    written: usize,
    seen_text: bool,
    gap: BlankRun,
}

impl CleanPlaces {
    pub fn new(text: &str, lines: &[Line]) -> Self {
        Self {
            written: first_text_line(lines.iter().map(|l| l.is_blank(text))),
            seen_text: false,
            gap: BlankRun::default(),
        }
    }

    /// Live blank line `i` comes next.
    pub fn blank(&mut self, i: usize) {
        self.gap.push(i);
    }

    /// A live line of text comes next: its line number in the clean text.
    pub fn text(&mut self) -> usize {
        let gap = self.gap.take().map_or(0, |run| run.len());
        if self.seen_text {
            self.written += gap;
        }
        self.seen_text = true;
        self.written += 1;
        self.written - 1
    }
}

/// Index of the first line that is not blank (the number of lines if none is).
fn first_text_line(blank: impl IntoIterator<Item = bool>) -> usize {
    let mut count = 0;
    for is_blank in blank {
        if !is_blank {
            break;
        }
        count += 1;
    }
    count
}

/// Splits the live lines into paragraphs. `live[i]` says whether line `i` is still part of
/// the document.
pub fn segment(text: &str, lines: &[Line], live: &[bool], mode: SplitMode) -> Segmentation {
    debug_assert_eq!(lines.len(), live.len());
    let blank: Vec<bool> = lines.iter().map(|l| l.is_blank(text)).collect();
    let split = match mode {
        SplitMode::Auto => resolve_auto(&blank, live),
        other => other,
    };

    // Room for every paragraph at once, instead of growing a vector for each: a
    // paragraph is a line of text (`line`), or starts one after blank lines, or the first
    // (`blank`).
    let blanks = blank.iter().filter(|&&b| b).count();
    let texts = lines.len() - blanks;
    let most_paragraphs = match split {
        SplitMode::Blank => texts.min(blanks + 1),
        _ => texts,
    };
    let mut seg = Segmentation {
        split: Some(split),
        paragraphs: Vec::with_capacity(most_paragraphs),
        // Every member is a line: room for all of them at once.
        member_lines: Vec::with_capacity(lines.len()),
        gap_before: Vec::with_capacity(most_paragraphs),
        ..Segmentation::default()
    };
    // The last run of consecutive blank lines seen since the previous paragraph.
    let mut blank_run = BlankRun::default();
    let mut open: Option<Paragraph> = None;
    let mut gap_pending: Range<usize> = 0..0;

    let close = |seg: &mut Segmentation, p: Paragraph, gap: Range<usize>| {
        seg.gap_before.push(gap);
        seg.paragraphs.push(p);
    };

    for (i, line) in lines.iter().enumerate() {
        if !live[i] {
            continue;
        }
        if blank[i] {
            if let Some(p) = open.take() {
                close(&mut seg, p, gap_pending.clone());
            }
            blank_run.push(i);
            continue;
        }
        let continues = matches!(split, SplitMode::Blank) && open.is_some() && blank_run.is_empty();
        if continues {
            if let Some(p) = open.as_mut() {
                p.last_line = i;
                p.byte_end = line.byte_end;
                p.members.end += 1;
            }
        } else {
            if let Some(p) = open.take() {
                close(&mut seg, p, gap_pending.clone());
            }
            gap_pending = blank_run.take().unwrap_or(i..i);
            open = Some(Paragraph {
                members: seg.member_lines.len()..seg.member_lines.len() + 1,
                first_line: i,
                last_line: i,
                byte_start: line.byte_start,
                byte_end: line.byte_end,
            });
        }
        seg.member_lines.push(i);
    }
    if let Some(p) = open.take() {
        close(&mut seg, p, gap_pending);
    }
    let first_text = first_text_line(blank.iter().copied());
    let last_text = blank
        .iter()
        .rposition(|b| !b)
        .map_or(lines.len(), |i| i + 1);
    seg.leading_gap = 0..first_text;
    seg.trailing_gap = last_text.max(first_text)..lines.len();
    seg
}

/// The split `mode` stands for on these live lines: `auto` resolved to `blank` or `line`.
pub fn resolve_split(text: &str, lines: &[Line], live: &[bool], mode: SplitMode) -> SplitMode {
    match mode {
        SplitMode::Auto => {
            let blank: Vec<bool> = lines.iter().map(|l| l.is_blank(text)).collect();
            resolve_auto(&blank, live)
        }
        other => other,
    }
}

/// `blank` when blank lines separate the document into blocks of a few lines each.
fn resolve_auto(blank: &[bool], live: &[bool]) -> SplitMode {
    let mut blocks = 0usize;
    let mut text_lines = 0usize;
    let mut in_block = false;
    for (is_blank, _) in blank.iter().zip(live).filter(|(_, live)| **live) {
        if *is_blank {
            in_block = false;
        } else {
            text_lines += 1;
            if !in_block {
                blocks += 1;
                in_block = true;
            }
        }
    }
    if blocks >= 2 && text_lines <= blocks * AUTO_MAX_MEAN_BLOCK_LINES {
        SplitMode::Blank
    } else {
        SplitMode::Line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::split_lines;

    fn paragraphs(text: &str, mode: SplitMode) -> Vec<String> {
        let lines = split_lines(text);
        let live = vec![true; lines.len()];
        let seg = segment(text, &lines, &live, mode);
        seg.paragraphs
            .iter()
            .map(|p| text[p.byte_start..p.byte_end].to_string())
            .collect()
    }

    #[test]
    fn empty_and_blank_documents_have_no_paragraphs() {
        assert!(paragraphs("", SplitMode::Auto).is_empty());
        assert!(paragraphs(" \n\n\t\n", SplitMode::Auto).is_empty());
        assert!(paragraphs("\r\n\r\n", SplitMode::Auto).is_empty());
    }

    #[test]
    fn blank_line_blocks() {
        let text = "a\nb\n\nc\n\n\nd";
        assert_eq!(paragraphs(text, SplitMode::Blank), ["a\nb\n", "c\n", "d"]);
        assert_eq!(paragraphs(text, SplitMode::Auto), ["a\nb\n", "c\n", "d"]);
        assert_eq!(
            paragraphs(text, SplitMode::Line),
            ["a\n", "b\n", "c\n", "d"]
        );
    }

    #[test]
    fn crlf_blank_lines_break_paragraphs() {
        let text = "a\r\nb\r\n\r\nc\r\n";
        assert_eq!(paragraphs(text, SplitMode::Blank), ["a\r\nb\r\n", "c\r\n"]);
    }

    #[test]
    fn auto_without_blank_lines_is_per_line() {
        let seg = {
            let text = "a\nb\nc\n";
            let lines = split_lines(text);
            segment(text, &lines, &[true; 3], SplitMode::Auto)
        };
        assert_eq!(seg.split, Some(SplitMode::Line));
        assert_eq!(seg.paragraphs.len(), 3);
    }

    #[test]
    fn auto_with_long_blocks_is_per_line() {
        let mut text = "x\n".repeat(30);
        text.push('\n');
        text.push_str(&"y\n".repeat(30));
        let lines = split_lines(&text);
        let seg = segment(&text, &lines, &vec![true; lines.len()], SplitMode::Auto);
        assert_eq!(seg.split, Some(SplitMode::Line));
    }

    #[test]
    fn removed_lines_are_skipped_not_breaks() {
        let text = "a\ncrumb\nb\n\nc\n";
        let lines = split_lines(text);
        let live = [true, false, true, true, true];
        let seg = segment(text, &lines, &live, SplitMode::Blank);
        assert_eq!(seg.paragraphs.len(), 2);
        assert_eq!(seg.lines_of(&seg.paragraphs[0]), &[0, 2]);
        assert_eq!(seg.gap_before[1], 3..4);
    }

    #[test]
    fn gaps_and_paragraphs_cover_the_text() {
        let text = "\n\na\nb\n\n\nc\n\n";
        let lines = split_lines(text);
        let seg = segment(text, &lines, &vec![true; lines.len()], SplitMode::Blank);
        assert_eq!(seg.leading_gap, 0..2);
        assert_eq!(seg.gap_before[1], 4..6);
        assert_eq!(seg.trailing_gap, 7..8);
    }
}
