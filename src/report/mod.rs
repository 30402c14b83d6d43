//! Reports: what was removed from a document and why, as JSON, a unified diff, or a
//! readable summary.
//!
//! Receives a document's metadata, its text and the cleaning outcome; returns report text.
//! Line numbers in reports are 1-based and inclusive; byte offsets are 0-based, half-open,
//! into the decoded text (after any BOM). Never writes files: `output` does.

pub mod corpus;
mod diff;
pub mod json;
mod summary;

pub use diff::unified_diff;
pub use json::{json_report, DocumentReport, ReportDetail};
pub use summary::{stats_line, text_report};

use std::path::Path;

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Json,
    Diff,
    Text,
    /// One removal per row, for spreadsheets and shell tools (batches).
    Tsv,
}

impl ReportFormat {
    /// The format a report file's extension asks for: `.json`, `.diff`/`.patch`, `.txt`.
    pub fn from_extension(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Self::Json),
            "diff" | "patch" => Some(Self::Diff),
            "txt" | "text" => Some(Self::Text),
            "tsv" => Some(Self::Tsv),
            _ => None,
        }
    }
}

/// Longest preview of removed text, in characters.
pub const PREVIEW_CHARS: usize = 80;

/// A one-line preview of `text`: white space collapsed, cut at [`PREVIEW_CHARS`].
pub fn preview(text: &str) -> String {
    let mut out = String::new();
    for (n, word) in text.split_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() > PREVIEW_CHARS {
            let cut: String = out.chars().take(PREVIEW_CHARS - 1).collect();
            return format!("{cut}…");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_extension() {
        assert_eq!(
            ReportFormat::from_extension(Path::new("r.json")),
            Some(ReportFormat::Json)
        );
        assert_eq!(
            ReportFormat::from_extension(Path::new("r.DIFF")),
            Some(ReportFormat::Diff)
        );
        assert_eq!(
            ReportFormat::from_extension(Path::new("r.txt")),
            Some(ReportFormat::Text)
        );
        assert_eq!(ReportFormat::from_extension(Path::new("r")), None);
    }

    #[test]
    fn preview_is_short_and_single_line() {
        assert_eq!(preview("a\n  b"), "a b");
        let long = "word ".repeat(50);
        let p = preview(&long);
        assert_eq!(p.chars().count(), PREVIEW_CHARS);
        assert!(p.ends_with('…'));
    }
}
