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
pub mod text;

use anyhow::{bail, Context, Result};
use config::{Config, Destination, Mode};
use input::decode::{decode, Decoding};
use report::{DocumentReport, ReportFormat};
use std::io::Write;

/// How a successful run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done; for `check`, nothing would be removed.
    Ok,
    /// `check` found something to remove.
    WouldChange,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Ok => 0,
            Self::WouldChange => 1,
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
    let name = config.input.display_name();
    preflight(config)?;

    let bytes = config.input.read().with_context(|| name.clone())?;
    let decoded = match decode(&bytes, &config.decode).with_context(|| name.clone())? {
        Decoding::Text(decoded) => decoded,
        Decoding::Binary { byte_offset } => {
            if !config.quiet {
                warn(&format!(
                    "{name}: binary file (NUL byte at offset {byte_offset}), skipped; --text processes it anyway"
                ));
            }
            return Ok(Outcome::Ok);
        }
    };
    let text: &str = &decoded.text;
    let cleaned = pipeline::clean_text(text, &config.clean);
    let with_diffs = config
        .report
        .as_ref()
        .is_some_and(|r| r.format != ReportFormat::Diff);
    let report = DocumentReport::new(
        name.clone(),
        decoded.encoding,
        decoded.bom,
        text,
        &cleaned,
        with_diffs,
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
        };
        write_to(&target.destination, body.as_bytes())?;
    }
    if config.stats && !config.quiet {
        warn(&format!("{name}: {}", report::stats_line(&report)));
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
fn write_to(destination: &Destination, bytes: &[u8]) -> Result<()> {
    match destination {
        Destination::Stdout => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .context("<stdout>")
        }
        Destination::File(path) => {
            output::write_atomic(path, bytes).with_context(|| path.display().to_string())
        }
    }
}

/// A message on standard error, prefixed with the program name. A closed stderr is not
/// worth failing for.
pub fn warn(message: &str) {
    let _ = writeln!(std::io::stderr(), "unscrape: {message}");
}
