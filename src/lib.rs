//! unscrape turns scraped publications into clean text.
//!
//! ```text
//!  input ──► decode ──► crumbs ──► segment ──► fingerprint ──► decide ──► write
//!  (file,    (bytes →   (strip     (paragraph   (normalised     (one       (clean text,
//!   stdin)    text,      navigation spans with   key, SHA-256)   sequential  report: diff,
//!             BOM, CRLF, lines, each line                        pass in     JSON, text;
//!             encoding,  with its   numbers)                     input       atomic files)
//!             binary)    rule)                                   order)
//! ```
//!
//! Each stage is a module with one job: [`input`] (sources and [`input::decode`]),
//! [`crumbs`], [`segment`], [`fingerprint`], [`dedup`], [`report`], [`output`]. The
//! [`pipeline`] runs the middle stages on one document to a fixed point; [`run`] ties a
//! validated [`config::Config`] to inputs and outputs. Kept text is always the input's own
//! bytes: nothing is rewritten, only removed.

pub mod batch;
pub mod cli;
pub mod config;
pub mod crumbs;
pub mod dedup;
pub mod fingerprint;
pub mod input;
pub mod language;
pub mod output;
pub mod pipeline;
pub mod report;
pub mod segment;
mod swar;
pub mod text;

#[cfg(test)]
mod test_support;

use anyhow::{bail, Context, Result};
use config::{Config, Destination, Mode};
use input::decode::{decode, Decoding};
use report::{DocumentReport, ReportDetail, ReportFormat};
use std::io::Write;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done; for `check`, nothing would be removed.
    Ok,
    /// `check` found something to remove.
    WouldChange,
    /// Some documents failed (each reported on stderr); the others were done.
    SoftErrors,
    /// Interrupted: finished documents are whole, the rest untouched.
    Interrupted,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Ok => 0,
            Self::WouldChange => 1,
            Self::SoftErrors => 2,
            Self::Interrupted => 130,
        }
    }
}

/// Runs one command. Errors carry the file they concern as their outermost context.
pub fn run(config: &Config) -> Result<Outcome> {
    if let Some(jobs) = config.jobs {
        // Only the first configuration of the global pool counts; a second run in the same
        // process (tests) keeps the first, which changes speed, never output.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global();
    }
    if let Some(batch) = &config.batch {
        return run_batch(config, batch);
    }
    if config.clean.crumbs.enabled {
        crumbs::warm_up();
    }
    let name = config.input.display_name();
    preflight(config)?;

    let bytes = config.input.read().with_context(|| name.clone())?;
    let decoded = match decode(&bytes, &config.decode).with_context(|| name.clone())? {
        Decoding::Text(decoded) => decoded,
        Decoding::Binary { byte_offset } => {
            if !config.quiet {
                warn_skipped_as_binary(&name, byte_offset, true);
            }
            // The report says so too, so a pipeline reading it sees why there is no text.
            if let Some(target) = &config.report {
                let body = match target.format {
                    ReportFormat::Json => {
                        let mut json = serde_json::to_string_pretty(&serde_json::json!({
                            "file": name,
                            "skipped": "binary",
                            "nul_byte_offset": byte_offset,
                        }))?;
                        json.push('\n');
                        json
                    }
                    ReportFormat::Text => {
                        format!("{name}\n  skipped: binary (NUL byte at offset {byte_offset})\n")
                    }
                    ReportFormat::Diff | ReportFormat::Tsv => String::new(),
                };
                write_to(&target.destination, body.as_bytes())?;
            }
            return Ok(Outcome::Ok);
        }
    };
    let text: &str = &decoded.text;
    let cleaned = pipeline::clean_text(text, &config.clean);
    // Check and --stats print from the report's removals: always build them here.
    let detail = if config
        .report
        .as_ref()
        .is_some_and(|r| r.format != ReportFormat::Diff)
    {
        ReportDetail::RemovalsWithDiffs
    } else {
        ReportDetail::Removals
    };
    let report = DocumentReport::new(
        name.clone(),
        decoded.encoding,
        decoded.bom,
        text,
        &cleaned,
        detail,
    );

    let outcome = match config.mode {
        Mode::Clean => {
            let mut clean = Vec::with_capacity(cleaned.text.len() + 3);
            if config.keep_bom && decoded.bom.is_some() {
                clean.extend_from_slice("\u{FEFF}".as_bytes());
            }
            clean.extend_from_slice(cleaned.text.as_bytes());
            write_to(&config.output, &clean)?;
            Outcome::Ok
        }
        Mode::Check => {
            if !config.quiet {
                let verdict = if cleaned.changed() {
                    format!("would change: {}", report::stats_line(&report))
                } else {
                    "clean".to_string()
                };
                write_to(
                    &Destination::Stdout,
                    format!("{name}: {verdict}\n").as_bytes(),
                )?;
            }
            if cleaned.changed() {
                Outcome::WouldChange
            } else {
                Outcome::Ok
            }
        }
    };

    if let Some(target) = &config.report {
        let body = match target.format {
            ReportFormat::Json => report::json_report(&report),
            ReportFormat::Text => report::text_report(&report),
            ReportFormat::Diff => report::unified_diff(&name, text, &cleaned.text),
            ReportFormat::Tsv => report::corpus::CorpusReport::new(
                vec![report::corpus::DocumentEntry {
                    id: None,
                    report: report.clone(),
                    duplicate_of: None,
                }],
                Vec::new(),
                Vec::new(),
            )
            .tsv(),
        };
        write_to(&target.destination, body.as_bytes())?;
    }
    if config.stats && !config.quiet {
        warn(&format!("{name}: {}", report::stats_line(&report)));
    }
    Ok(outcome)
}

/// Runs a batch and reports it: errors on stderr, `check`'s verdict on stdout.
fn run_batch(config: &Config, batch: &batch::BatchConfig) -> Result<Outcome> {
    // On SIGINT workers stop taking documents, and a document being cleaned or written
    // stops between chunks, leaving only its temporary file, which is removed (one being
    // written to standard output is finished); the run ends with status 130.
    static INTERRUPT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let _ = ctrlc::set_handler(|| INTERRUPT.store(true, std::sync::atomic::Ordering::SeqCst));
    let result = batch::run(batch, &INTERRUPT)?;
    for error in &result.errors {
        warn(&format!("{}: {}", error.name, error.message));
    }
    let mut outcome = Outcome::Ok;
    if config.mode == Mode::Check {
        let limit = config.check.max_removed_ratio;
        let failing = |r: &DocumentReport| {
            let ratio = if r.bytes_in == 0 {
                0.0
            } else {
                r.totals.bytes_removed as f64 / r.bytes_in as f64
            };
            r.has_removals() && (limit == 0.0 || ratio > limit)
        };
        let documents = &result.report.documents;
        let changed = documents.iter().filter(|d| failing(&d.report)).count();
        if config.check.json {
            let summary = serde_json::json!({
                "would_change": changed > 0,
                "max_removed_ratio": limit,
                "documents_failing": changed,
                "totals": &result.report.totals,
                "documents": documents.iter().map(|d| {
                    let r = &d.report;
                    serde_json::json!({
                        "document": r.file,
                        "bytes_in": r.bytes_in,
                        "bytes_removed": r.totals.bytes_removed,
                        "removed_ratio": if r.bytes_in == 0 { 0.0 } else {
                            (r.totals.bytes_removed as f64 / r.bytes_in as f64 * 10000.0).round() / 10000.0
                        },
                        "crumb_lines": r.totals.crumb_lines,
                        "duplicate_paragraphs": r.totals.duplicate_paragraphs,
                        "near_duplicate_paragraphs": r.totals.near_duplicate_paragraphs,
                        "cross_document_paragraphs": r.totals.cross_document_paragraphs,
                        "duplicate_of": d.duplicate_of.as_ref().map(|(of, _)| of.clone()),
                        "fails": failing(r),
                    })
                }).collect::<Vec<_>>(),
            });
            let mut text = serde_json::to_string_pretty(&summary)?;
            text.push('\n');
            write_to(&Destination::Stdout, text.as_bytes())?;
        } else if !config.quiet {
            let mut text = String::new();
            for d in documents {
                let verdict = if failing(&d.report) {
                    format!("would change: {}", report::stats_line(&d.report))
                } else if !d.report.has_removals() {
                    "clean".to_string()
                } else {
                    format!(
                        "within --max-removed-ratio: {}",
                        report::stats_line(&d.report)
                    )
                };
                text.push_str(&format!("{}: {verdict}\n", d.report.file));
            }
            if documents.len() > 1 {
                text.push_str(&format!(
                    "{changed} of {} documents would change\n",
                    documents.len()
                ));
            }
            write_to(&Destination::Stdout, text.as_bytes())?;
        }
        if changed > 0 {
            outcome = Outcome::WouldChange;
        }
    }
    if config.stats && !config.quiet {
        warn(result.report.text().lines().next().unwrap_or_default());
    }
    if result.interrupted {
        warn(&format!(
            "interrupted: {} of {} documents finished; run again to complete (finished outputs are whole)",
            result.finished, result.total
        ));
        return Ok(Outcome::Interrupted);
    }
    if !result.errors.is_empty() {
        return Ok(Outcome::SoftErrors);
    }
    Ok(outcome)
}

/// Checks everything that can be checked before any output is written: the input exists
/// and is a file, and no output would overwrite it.
fn preflight(config: &Config) -> Result<()> {
    let Some(path) = config.input.path() else {
        return Ok(());
    };
    let name = config.input.display_name();
    let meta = std::fs::metadata(path).with_context(|| name.clone())?;
    if meta.is_dir() {
        bail!("{name}: is a directory, not a document");
    }
    let outputs = [
        Some(&config.output),
        config.report.as_ref().map(|r| &r.destination),
    ];
    for destination in outputs.into_iter().flatten() {
        if let Destination::File(out) = destination {
            output::refuse_input_as_output(out, [path])
                .with_context(|| out.display().to_string())?;
        }
    }
    Ok(())
}

/// Writes `bytes` to standard output or atomically to a file; errors name the destination.
pub(crate) fn write_to(destination: &Destination, bytes: &[u8]) -> Result<()> {
    match destination {
        Destination::Stdout => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .context("<stdout>")
        }
        Destination::File(path) => output::write_atomic(path, bytes, output::Durability::Synced)
            .with_context(|| path.display().to_string()),
    }
}

/// A message on standard error, prefixed with the program name. A closed stderr is not
/// worth failing for.
pub fn warn(message: &str) {
    let _ = writeln!(std::io::stderr(), "unscrape: {message}");
}

/// Warns that document `name` was skipped for a NUL byte at `offset`. `--text` is named
/// where it would help: a text document, not a JSONL corpus, where a NUL byte is never
/// valid JSON.
fn warn_skipped_as_binary(name: &str, offset: usize, text_would_help: bool) {
    let hint = if text_would_help {
        "; --text processes it anyway"
    } else {
        ""
    };
    warn(&format!(
        "{name}: binary file (NUL byte at offset {offset}), skipped{hint}"
    ));
}
