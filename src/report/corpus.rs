//! The corpus report of a batch: every document's removals, corpus totals, the documents
//! that are wholly copies of earlier ones, and what was skipped or failed. As JSON, TSV (one
//! removal per row) or a readable summary.

use super::json::DocumentReport;
use serde::Serialize;
use std::fmt::Write;

/// One document (or JSONL record) of a batch.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentEntry {
    /// The record's id, for JSONL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(flatten)]
    pub report: DocumentReport,
    /// The earlier document this one wholly copies, and the similarity.
    #[serde(skip)]
    pub duplicate_of: Option<(String, f64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DuplicateDocument {
    pub document: String,
    pub duplicate_of: String,
    pub similarity: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CorpusTotals {
    pub documents: usize,
    pub documents_changed: usize,
    pub duplicate_documents: usize,
    pub bytes_in: usize,
    pub bytes_removed: usize,
    pub crumb_lines: usize,
    pub duplicate_paragraphs: usize,
    pub near_duplicate_paragraphs: usize,
    pub cross_document_paragraphs: usize,
    pub skipped: usize,
    pub errors: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub document: String,
    pub error: String,
}

/// Everything a batch report says.
#[derive(Debug, Clone, Serialize)]
pub struct CorpusReport {
    pub totals: CorpusTotals,
    pub duplicate_documents: Vec<DuplicateDocument>,
    pub skipped: Vec<String>,
    pub errors: Vec<Failure>,
    pub documents: Vec<DocumentEntry>,
}

impl CorpusReport {
    pub fn new(
        documents: Vec<DocumentEntry>,
        skipped: Vec<String>,
        errors: Vec<(String, String)>,
    ) -> Self {
        let mut totals = CorpusTotals {
            documents: documents.len(),
            skipped: skipped.len(),
            errors: errors.len(),
            ..Default::default()
        };
        let mut duplicate_documents = Vec::new();
        for entry in &documents {
            let r = &entry.report;
            let t = &r.totals;
            totals.bytes_in += r.bytes_in;
            totals.bytes_removed += t.bytes_removed;
            totals.crumb_lines += t.crumb_lines;
            totals.duplicate_paragraphs += t.duplicate_paragraphs;
            totals.near_duplicate_paragraphs += t.near_duplicate_paragraphs;
            totals.cross_document_paragraphs += t.cross_document_paragraphs;
            totals.documents_changed += usize::from(r.has_removals());
            if let Some((of, similarity)) = &entry.duplicate_of {
                duplicate_documents.push(DuplicateDocument {
                    document: r.file.clone(),
                    duplicate_of: of.clone(),
                    similarity: (similarity * 1000.0).round() / 1000.0,
                });
            }
        }
        totals.duplicate_documents = duplicate_documents.len();
        Self {
            totals,
            duplicate_documents,
            skipped,
            errors: errors
                .into_iter()
                .map(|(document, error)| Failure { document, error })
                .collect(),
            documents,
        }
    }

    pub fn json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| panic!("a report of plain data always serialises: {e}"));
        out.push('\n');
        out
    }

    /// One removal per row, tab-separated, with a header row. Tabs and newlines in values
    /// are replaced by spaces.
    pub fn tsv(&self) -> String {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        let mut out = String::from(
            "document\tkind\trule\tline_start\tline_end\tbyte_start\tbyte_end\tduplicate_of_document\tduplicate_of_lines\tsimilarity\tpreview\n",
        );
        for entry in &self.documents {
            let r = &entry.report;
            for removal in &r.removals {
                let (of_doc, of_lines) = match &removal.duplicate_of {
                    Some(loc) => (
                        loc.document.clone().unwrap_or_else(|| r.file.clone()),
                        format!("{}-{}", loc.lines[0], loc.lines[1]),
                    ),
                    None => (String::new(), String::new()),
                };
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    clean(&r.file),
                    removal.kind,
                    removal.rule,
                    removal.lines[0],
                    removal.lines[1],
                    removal.bytes[0],
                    removal.bytes[1],
                    clean(&of_doc),
                    of_lines,
                    removal.similarity.map_or(String::new(), |s| s.to_string()),
                    clean(&removal.preview)
                );
            }
        }
        out
    }

    /// A readable summary: totals, duplicate documents, then one line per changed document.
    pub fn text(&self) -> String {
        let t = &self.totals;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} documents, {} changed, {} duplicate documents; removed {} crumb lines, {} duplicate paragraphs ({} near, {} across documents); {} of {} bytes ({:.1}%)",
            t.documents,
            t.documents_changed,
            t.duplicate_documents,
            t.crumb_lines,
            t.duplicate_paragraphs + t.cross_document_paragraphs,
            t.near_duplicate_paragraphs,
            t.cross_document_paragraphs,
            t.bytes_removed,
            t.bytes_in,
            if t.bytes_in == 0 { 0.0 } else { 100.0 * t.bytes_removed as f64 / t.bytes_in as f64 }
        );
        for d in &self.duplicate_documents {
            let _ = writeln!(
                out,
                "duplicate: {} repeats {} ({:.2})",
                d.document, d.duplicate_of, d.similarity
            );
        }
        for s in &self.skipped {
            let _ = writeln!(out, "skipped: {s}");
        }
        for e in &self.errors {
            let _ = writeln!(out, "error: {}: {}", e.document, e.error);
        }
        for entry in &self.documents {
            if entry.report.has_removals() {
                let _ = writeln!(
                    out,
                    "{}: {}",
                    entry.report.file,
                    super::stats_line(&entry.report)
                );
            }
        }
        out
    }
}
