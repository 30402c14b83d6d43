//! The JSON report: every removal with its kind, rule, reason, line and byte ranges, a
//! preview, and what it duplicates; totals.

use super::preview;
use crate::dedup::{MatchKind, Measure};
use crate::language::LanguageSource;
use crate::pipeline::Cleaned;
use crate::text::split_lines;
use serde::Serialize;

/// Everything a report says about one document.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentReport {
    pub file: String,
    pub encoding: &'static str,
    pub bom: Option<crate::input::decode::Bom>,
    pub split: crate::segment::SplitMode,
    pub language: &'static str,
    /// Detected from the text (false: given with `--language`, or the English fallback).
    pub language_detected: bool,
    /// Given with `--language` (the key is left out otherwise).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub language_given: bool,
    pub lines_in: usize,
    pub bytes_in: usize,
    pub bytes_out: usize,
    pub paragraphs_in: usize,
    pub paragraphs_out: usize,
    pub removals: Vec<Removal>,
    pub sections: Vec<Section>,
    pub totals: Totals,
}

#[derive(Debug, Clone, Serialize)]
pub struct Removal {
    /// `crumb` or `duplicate`.
    pub kind: &'static str,
    pub rule: String,
    pub reason: String,
    /// First and last line, 1-based, inclusive.
    pub lines: [usize; 2],
    /// Byte span, 0-based, half-open.
    pub bytes: [usize; 2],
    pub preview: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<usize>,
    /// Near duplicates: verified similarity to the kept copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
    /// Near duplicates: `jaccard` or `containment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure: Option<crate::dedup::Measure>,
    /// Duplicates: which rule chose the kept copy (`first` or `longest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep: Option<crate::dedup::KeepRule>,
    /// Near duplicates: word-level diff from the kept copy to the removed one
    /// (`[-removed-]`, `{+added+}`, long unchanged runs shortened to `…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Location {
    pub lines: [usize; 2],
    /// The other document, for a copy found across documents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Lines of the removed run, 1-based, inclusive.
    pub lines: [usize; 2],
    /// Lines of the earlier text it repeats.
    pub repeats: [usize; 2],
    pub paragraphs: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub crumb_lines: usize,
    pub duplicate_paragraphs: usize,
    pub duplicate_sections: usize,
    pub near_duplicate_paragraphs: usize,
    /// Paragraphs removed as copies of paragraphs of earlier documents (batches).
    pub cross_document_paragraphs: usize,
    pub bytes_removed: usize,
}

/// How much of a document's removals a report keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReportDetail {
    /// Counts only: nothing will print the removals (a batch without `--report` keeps
    /// a few hundred bytes per document instead of a few hundred per removal).
    Totals,
    /// Every removal, without word diffs.
    Removals,
    /// Every removal, near duplicates with a word diff (a diff per removal: only when a
    /// report will show them).
    RemovalsWithDiffs,
}

impl DocumentReport {
    /// Builds the report of a cleaned document.
    pub fn new(
        file: String,
        encoding: &'static str,
        bom: Option<crate::input::decode::Bom>,
        text: &str,
        cleaned: &Cleaned,
        detail: ReportDetail,
    ) -> Self {
        let with_diffs = detail == ReportDetail::RemovalsWithDiffs;
        let lines = if detail == ReportDetail::Totals {
            Vec::new()
        } else {
            split_lines(text)
        };
        let one_based = |(a, b): (usize, usize)| [a + 1, b + 1];
        let detailed = detail > ReportDetail::Totals;
        let mut removals: Vec<Removal> = cleaned
            .crumbs
            .iter()
            .filter(|_| detailed)
            .map(|c| {
                let line = lines[c.line];
                Removal {
                    kind: "crumb",
                    rule: c.rule.name(),
                    reason: c.rule.explanation().to_string(),
                    lines: [c.line + 1, c.line + 1],
                    bytes: [line.byte_start, line.byte_end],
                    preview: preview(line.content(text)),
                    duplicate_of: None,
                    section: None,
                    similarity: None,
                    measure: None,
                    keep: None,
                    diff: None,
                }
            })
            .collect();
        removals.extend(cleaned.duplicates.iter().filter(|_| detailed).map(|d| {
            let original = range_text(one_based(d.original_lines));
            let (rule, reason, similarity, measure, diff) = match d.kind {
                MatchKind::Exact => (
                    "exact-duplicate",
                    format!("same normalised text as lines {original}"),
                    None,
                    None,
                    None,
                ),
                MatchKind::Near(sim) => (
                    "near-duplicate",
                    format!(
                        "{} {:.2} with lines {original}",
                        match sim.measure {
                            Measure::Jaccard => "shingle Jaccard similarity",
                            Measure::Containment => "shingle containment",
                        },
                        sim.value
                    ),
                    Some((sim.value * 1000.0).round() / 1000.0),
                    Some(sim.measure),
                    with_diffs.then(|| {
                        word_diff(&text[d.original_bytes.clone()], &text[d.bytes.clone()])
                    }),
                ),
            };
            Removal {
                kind: "duplicate",
                rule: rule.to_string(),
                reason,
                lines: one_based(d.lines),
                bytes: [d.bytes.start, d.bytes.end],
                preview: preview(&text[d.bytes.clone()]),
                duplicate_of: Some(Location {
                    lines: one_based(d.original_lines),
                    document: None,
                }),
                section: Some(d.section),
                similarity,
                measure,
                keep: Some(d.keep),
                diff,
            }
        }));
        removals.sort_by_key(|r| r.lines);
        DocumentReport {
            file,
            encoding,
            bom,
            split: cleaned.split,
            language: cleaned.language,
            language_detected: cleaned.language_source == LanguageSource::Detected,
            language_given: cleaned.language_source == LanguageSource::Given,
            lines_in: cleaned.input_lines.len(),
            bytes_in: text.len(),
            bytes_out: cleaned.text.len(),
            paragraphs_in: cleaned.paragraphs_in,
            paragraphs_out: cleaned.paragraphs_out,
            removals,
            sections: cleaned
                .sections
                .iter()
                .filter(|_| detailed)
                .map(|s| Section {
                    lines: one_based(s.lines),
                    repeats: one_based(s.original_lines),
                    paragraphs: s.paragraphs,
                })
                .collect(),
            totals: Totals {
                crumb_lines: cleaned.crumbs.len(),
                duplicate_paragraphs: cleaned.duplicates.len(),
                duplicate_sections: cleaned.sections.len(),
                near_duplicate_paragraphs: cleaned
                    .duplicates
                    .iter()
                    .filter(|d| matches!(d.kind, MatchKind::Near(_)))
                    .count(),
                cross_document_paragraphs: 0,
                bytes_removed: cleaned.bytes_removed,
            },
        }
    }

    /// Whether anything was removed (whatever the report's detail).
    pub fn has_removals(&self) -> bool {
        let t = &self.totals;
        t.crumb_lines + t.duplicate_paragraphs + t.cross_document_paragraphs > 0
    }
}

/// Unchanged runs longer than this many words are shortened in word diffs.
const DIFF_CONTEXT_WORDS: usize = 4;

/// A word-level diff from `kept` to `removed`: `[-gone-]`, `{+new+}`, and unchanged runs
/// of more than twice `DIFF_CONTEXT_WORDS` words shortened to their ends around `…`.
pub fn word_diff(kept: &str, removed: &str) -> String {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .diff_unicode_words(kept, removed);
    let mut out = String::new();
    let mut equal: Vec<&str> = Vec::new();
    let flush_equal = |equal: &mut Vec<&str>, out: &mut String, first: bool, last: bool| {
        let words: Vec<&str> = equal.iter().flat_map(|t| t.split_whitespace()).collect();
        let keep_head = if first { 0 } else { DIFF_CONTEXT_WORDS };
        let keep_tail = if last { 0 } else { DIFF_CONTEXT_WORDS };
        if words.len() > keep_head + keep_tail + 1 {
            let mut parts: Vec<&str> = words[..keep_head].to_vec();
            parts.push("…");
            parts.extend(&words[words.len() - keep_tail..]);
            push_words(out, &parts.join(" "));
        } else {
            push_words(out, &words.join(" "));
        }
        equal.clear();
    };
    let mut first = true;
    let mut pending: Option<(ChangeTag, String)> = None;
    for change in diff.iter_all_changes() {
        let value = change.value();
        match change.tag() {
            ChangeTag::Equal => {
                if value.trim().is_empty() {
                    continue;
                }
                if let Some((tag, words)) = pending.take() {
                    push_change(&mut out, tag, &words);
                }
                equal.push(value);
            }
            tag => {
                if value.trim().is_empty() {
                    continue;
                }
                if !equal.is_empty() {
                    flush_equal(&mut equal, &mut out, first, false);
                }
                first = false;
                match pending.as_mut() {
                    Some((t, words)) if *t == tag => {
                        words.push(' ');
                        words.push_str(value.trim());
                    }
                    _ => {
                        if let Some((t, words)) = pending.take() {
                            push_change(&mut out, t, &words);
                        }
                        pending = Some((tag, value.trim().to_string()));
                    }
                }
            }
        }
    }
    if let Some((tag, words)) = pending.take() {
        push_change(&mut out, tag, &words);
    }
    if !equal.is_empty() {
        flush_equal(&mut equal, &mut out, first, true);
    }
    out
}

fn push_words(out: &mut String, words: &str) {
    if words.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(words);
}

fn push_change(out: &mut String, tag: similar::ChangeTag, words: &str) {
    let marked = match tag {
        similar::ChangeTag::Delete => format!("[-{words}-]"),
        _ => format!("{{+{words}+}}"),
    };
    push_words(out, &marked);
}

/// `6–23`, or `6` for a single line.
pub fn range_text([a, b]: [usize; 2]) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{a}–{b}")
    }
}

/// The report as pretty-printed JSON with a final newline.
pub fn json_report(report: &DocumentReport) -> String {
    let mut out = serde_json::to_string_pretty(report)
        .unwrap_or_else(|e| panic!("a report of plain data always serialises: {e}"));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_marks_changes_and_shortens_context() {
        let kept = "one two three four five six seven eight nine ten eleven twelve thirteen";
        let removed = "one two three four five six seven eight nine TEN eleven twelve thirteen";
        assert_eq!(
            word_diff(kept, removed),
            "… six seven eight nine [-ten-] {+TEN+} eleven twelve thirteen"
        );
        assert_eq!(word_diff("a b", "a b c"), "a b {+c+}");
    }
}
