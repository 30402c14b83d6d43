//! The JSON report: every removal with its kind, rule, reason, line and byte ranges, a
//! preview, and what it duplicates; totals.

use super::preview;
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
    pub language_detected: bool,
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
}

#[derive(Debug, Clone, Serialize)]
pub struct Location {
    pub lines: [usize; 2],
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
    pub bytes_removed: usize,
}

impl DocumentReport {
    /// Builds the report of a cleaned document.
    pub fn new(
        file: String,
        encoding: &'static str,
        bom: Option<crate::input::decode::Bom>,
        text: &str,
        cleaned: &Cleaned,
    ) -> Self {
        let lines = split_lines(text);
        let one_based = |(a, b): (usize, usize)| [a + 1, b + 1];
        let mut removals: Vec<Removal> = cleaned
            .crumbs
            .iter()
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
                }
            })
            .collect();
        removals.extend(cleaned.duplicates.iter().map(|d| Removal {
            kind: "duplicate",
            rule: "exact-duplicate".to_string(),
            reason: format!(
                "same normalised text as lines {}",
                range_text(one_based(d.original_lines))
            ),
            lines: one_based(d.lines),
            bytes: [d.bytes.start, d.bytes.end],
            preview: preview(&text[d.bytes.clone()]),
            duplicate_of: Some(Location {
                lines: one_based(d.original_lines),
            }),
            section: Some(d.section),
        }));
        removals.sort_by_key(|r| r.lines);
        DocumentReport {
            file,
            encoding,
            bom,
            split: cleaned.split,
            language: cleaned.language,
            language_detected: cleaned.language_detected,
            lines_in: cleaned.lines,
            bytes_in: text.len(),
            bytes_out: cleaned.text.len(),
            paragraphs_in: cleaned.paragraphs_in,
            paragraphs_out: cleaned.paragraphs_out,
            removals,
            sections: cleaned
                .sections
                .iter()
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
                bytes_removed: cleaned.bytes_removed,
            },
        }
    }
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
