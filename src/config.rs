//! Plain, validated settings: what the command line asked for, with no trace of clap.

use crate::input::decode::DecodeOptions;
use crate::input::Source;
use crate::pipeline::CleanOptions;
use crate::report::ReportFormat;
use std::path::PathBuf;

/// What to do with the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write the clean text.
    Clean,
    /// Only say whether cleaning would change anything (exit 1 if so).
    Check,
}

/// Where a text goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

/// A report to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTarget {
    pub destination: Destination,
    pub format: ReportFormat,
}

/// What `check` tolerates and how it reports.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CheckOptions {
    /// Print one JSON summary.
    pub json: bool,
    /// A document passes if at most this share of its bytes would be removed.
    pub max_removed_ratio: f64,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    /// Batch settings, when the inputs are more than one plain document (several files, a
    /// directory, a JSONL corpus, a compressed file, a file list, or in-place rewriting).
    pub batch: Option<crate::batch::BatchConfig>,
    pub check: CheckOptions,
    pub input: Source,
    /// Where the clean text goes (`clean` only).
    pub output: Destination,
    pub report: Option<ReportTarget>,
    /// Print a one-line summary to stderr.
    pub stats: bool,
    /// Worker threads; `None` for one per core.
    pub jobs: Option<usize>,
    /// No messages but errors.
    pub quiet: bool,
    /// Write a UTF-8 BOM before the clean text when the input had one.
    pub keep_bom: bool,
    pub decode: DecodeOptions,
    pub clean: CleanOptions,
}
