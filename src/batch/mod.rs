//! Batch and corpus mode: many documents (files, directories, JSONL records), duplicates
//! found across all of them, site template lines, mirrored or in-place outputs, a corpus
//! report.
//!
//! Four phases, so output never depends on thread timing:
//! 1. *templates* (parallel): count in how many documents each short line occurs;
//! 2. *clean* (parallel): every document through the single-document pipeline, with the
//!    template lines as crumbs; keep its removals, its line mask and the fingerprints of its
//!    remaining paragraphs — not its text;
//! 3. *decide* (sequential, input order): match remaining paragraphs against earlier
//!    documents' ([`cross`]); the first occurrence in input order wins;
//! 4. *write* (parallel): re-read each document, apply both sets of decisions, write.
//!
//! Phases 3 and 4 run side by side: a unit's decisions are final once the walk has passed
//! it (later units never change an earlier one's), so the writers wait for each unit's
//! turn ([`decisions::CrossDecisions::wait_for`]) instead of for the whole walk.
//!
//! A JSONL corpus alone in its batch, without near matching and written to a file, takes
//! phases 2 to 4 a chunk at a time instead (module `streamed`): each chunk is decided and
//! written from what its cleaning kept while the next is cleaned, with the same result.

pub mod cross;
pub mod decisions;
mod digests;
mod document;
pub mod load;
pub mod shared_bands;
mod short_keys;
pub mod signatures;
mod sink;
mod streamed;

use crate::config::Destination;
use crate::crumbs::template_key;
use crate::input::decode::DecodeOptions;
use crate::input::sources::{expand, Compression, InputDoc, SourceOptions};
use crate::pipeline::{clean_text, reassemble_into, CleanOptions};
use crate::report::corpus::{CorpusReport, DocumentEntry};
use crate::report::{DocumentReport, ReportDetail, ReportFormat};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use sink::{Sink, StdoutError};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Where a batch's clean documents go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutput {
    /// Nothing is written (`check`).
    None,
    /// Standard output: one document, or JSONL records.
    Stdout,
    /// One file (a single input, such as a compressed document or a JSONL corpus).
    File(PathBuf),
    /// A directory mirroring the input tree.
    Dir(PathBuf),
    /// Each input rewritten atomically.
    InPlace,
}

/// Site template lines: a short line in at least `min_docs` documents and at least
/// `min_share` of them is chrome in every document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TemplateOptions {
    pub enabled: bool,
    pub min_docs: usize,
    pub min_share: f64,
}

impl Default for TemplateOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            min_docs: 3,
            min_share: 0.01,
        }
    }
}

/// Settings of a batch run.
#[derive(Debug, Clone)]
pub struct BatchConfig {
    pub sources: SourceOptions,
    pub output: BatchOutput,
    /// Write compressed inputs' outputs uncompressed.
    pub decompress: bool,
    /// Sync each file of a mirrored tree to disk before renaming it into place.
    pub fsync: bool,
    pub report: Option<(Destination, ReportFormat)>,
    pub decode: DecodeOptions,
    pub clean: CleanOptions,
    pub templates: TemplateOptions,
    pub text_field: String,
    pub id_field: String,
    /// Leave records whose clean text is empty out of JSONL output.
    pub drop_empty: bool,
    pub keep_bom: bool,
    pub quiet: bool,
    pub verbose: bool,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
}

/// One unit of cleaning: a text document, or one record of a JSONL corpus.
#[derive(Debug, Clone)]
pub struct Unit {
    pub doc: usize,
    /// The record's index in its corpus, for JSONL.
    pub record: Option<usize>,
    /// Name in messages and reports: the path, or `path#id` for a record.
    pub name: String,
}

/// What phase 2 keeps of a unit for the decision pass and the writing: no text, and
/// the removals themselves only when a report will print them.
#[derive(Debug, Clone)]
pub struct UnitOutcome {
    pub unit: Unit,
    /// Per line of the unit: kept by the single-document pipeline.
    pub live: Vec<bool>,
    /// The paragraphs of its clean text, as the decision pass sees them.
    pub paragraphs: Vec<cross::CorpusParagraph>,
    /// Where its paragraphs' signatures, and the whole clean text's, are in the batch's
    /// [`signatures::SignatureStore`] (near matching on). The whole text's finds a document
    /// that copies an earlier one even when its paragraphs are split differently.
    pub sketches: cross::UnitSketches,
}

/// Phase 2's outcome of a unit: what the decision pass reads, and the report that phase 4
/// completes.
struct CleanedUnit {
    outcome: UnitOutcome,
    report: DocumentReport,
    /// The clean text before decisions across documents, when the unit is written right
    /// after its turn (a streamed corpus); otherwise it is rebuilt from the input.
    clean: Option<String>,
}

/// A document's unit reports, and the number of its first unit in the batch.
type DocReports = (Vec<DocumentReport>, usize);

/// Standard output, shared by the documents written to it one after another.
type StdoutWriter = std::sync::Mutex<std::io::BufWriter<std::io::Stdout>>;

/// What every phase needs to read a batch's documents and to say how far it is.
#[derive(Clone, Copy)]
struct Batch<'a> {
    docs: &'a [InputDoc],
    config: &'a BatchConfig,
    /// Standard input's bytes, read once for the whole batch.
    stdin: Option<&'a [u8]>,
    interrupt: &'a AtomicBool,
    progress: Option<&'a indicatif::ProgressBar>,
}

impl Batch<'_> {
    /// Reads a document's units: whole, or a chunk at a time (every phase the same way).
    fn read_units(
        &self,
        doc: &InputDoc,
        each: &mut dyn FnMut(load::Loaded) -> Result<()>,
    ) -> Result<load::Ending> {
        load::for_each_chunk(
            &load::Origin {
                doc,
                stdin: self.stdin,
            },
            self.config,
            each,
        )
    }

    /// `Err(Interrupted)` once the batch is interrupted. Checked between a document's
    /// chunks too, so that a large corpus stops within a chunk of the signal, not at its
    /// end.
    fn go_on(&self) -> Result<()> {
        if self.interrupt.load(Ordering::Relaxed) {
            Err(Interrupted.into())
        } else {
            Ok(())
        }
    }

    /// A document skipped for a NUL byte at `offset`: warned of (unless quiet) and listed
    /// in `skipped`.
    fn skip_as_binary(&self, doc: &InputDoc, offset: usize, skipped: &mut Vec<String>) {
        let name = doc.display_name();
        if !self.config.quiet {
            crate::warn_skipped_as_binary(&name, offset, !doc.jsonl);
        }
        skipped.push(name);
    }

    /// One phase done with one document.
    fn step_done(&self) {
        if let Some(bar) = self.progress {
            bar.inc(1);
        }
    }
}

/// Ends the reading or writing of a document when the batch is interrupted: the document
/// is then not finished, not failed.
#[derive(Debug)]
struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// Whether `error` is the batch's interruption (or a writer's wait for a walk that stopped
/// for it), not a failure of the document.
fn stopped_by(error: &anyhow::Error, interrupt: &AtomicBool) -> bool {
    error.downcast_ref::<Interrupted>().is_some()
        || (interrupt.load(Ordering::Relaxed)
            && error.downcast_ref::<decisions::WalkStopped>().is_some())
}

/// A document as written: its units' completed reports, what the corpus report adds for
/// each, and the number of its first unit; `None` when it was not written.
type Written = Option<(Vec<DocumentReport>, Vec<UnitRest>, usize)>;

/// What phases 2 to 4 leave for the corpus report.
struct Decided {
    /// The batch's units (their names go to their reports).
    units: Vec<UnitOutcome>,
    /// Per document, in input order.
    outputs: Vec<Result<Written>>,
    /// Documents skipped as binary.
    skipped: Vec<String>,
    /// Interrupted before every document was cleaned.
    interrupted: bool,
}

/// What phase 4 adds to a unit's report for the corpus report.
struct UnitRest {
    /// The record's id, for JSONL.
    id: Option<String>,
    /// The earlier document this one wholly copies, and the similarity.
    duplicate_of: Option<(String, f64)>,
}

/// What went wrong with one document; the others go on.
#[derive(Debug, Clone)]
pub struct DocError {
    pub name: String,
    pub message: String,
}

/// The outcome of a batch.
#[derive(Debug)]
pub struct BatchResult {
    pub report: CorpusReport,
    pub errors: Vec<DocError>,
    /// Documents skipped as binary.
    pub skipped: Vec<String>,
    pub interrupted: bool,
    /// Documents written (or checked) whole, and documents in the batch.
    pub finished: usize,
    pub total: usize,
}

/// Refuses outputs that would overwrite or feed back into inputs.
fn check_outputs(docs: &[InputDoc], config: &BatchConfig) -> Result<()> {
    if let BatchOutput::Dir(dir) = &config.output {
        let out = absolute(dir);
        for input in &config.sources.inputs {
            let input = Path::new(input);
            if input.is_dir() {
                let input_abs = absolute(input);
                if out.starts_with(&input_abs) {
                    bail!(
                        "{}: the output directory is inside the input directory {}; a second run would read its own output",
                        dir.display(),
                        input.display()
                    );
                }
            }
        }
        for doc in docs {
            if let Some(path) = &doc.path {
                let target = dir.join(output_name(doc, config));
                crate::output::refuse_input_as_output(&target, [path.as_path()])
                    .with_context(|| target.display().to_string())?;
            }
        }
    }
    if let BatchOutput::File(target) = &config.output {
        let inputs: Vec<&Path> = docs.iter().filter_map(|d| d.path.as_deref()).collect();
        crate::output::refuse_input_as_output(target, inputs)
            .with_context(|| target.display().to_string())?;
    }
    if config.output == BatchOutput::Stdout && docs.len() > 1 && docs.iter().any(|d| !d.jsonl) {
        bail!("several documents need -o DIR (a mirrored tree) or --in-place; only JSONL corpora can share standard output");
    }
    if config.output == BatchOutput::InPlace && docs.iter().any(|d| d.path.is_none()) {
        bail!("--in-place cannot rewrite standard input");
    }
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        match (
            parent.and_then(|p| std::fs::canonicalize(p).ok()),
            path.file_name(),
        ) {
            (Some(p), Some(name)) => p.join(name),
            _ => std::env::current_dir()
                .map(|d| d.join(path))
                .unwrap_or_else(|_| path.to_path_buf()),
        }
    })
}

/// The relative output name of a document: its mirrored name, without a compression
/// extension under `--decompress`.
fn output_name(doc: &InputDoc, config: &BatchConfig) -> PathBuf {
    if config.decompress && doc.compression != Compression::None {
        doc.relative.with_extension("")
    } else {
        doc.relative.clone()
    }
}

/// Runs a batch. `interrupt` is set from a signal handler: workers stop taking documents,
/// and a document stops between its chunks (unless standard output already has part of
/// it); no document is written once the cleaning was interrupted.
pub fn run(config: &BatchConfig, interrupt: &AtomicBool) -> Result<BatchResult> {
    let expanded = expand(&config.sources)?;
    let docs = expanded.docs;
    check_outputs(&docs, config)?;
    if !config.quiet {
        for name in &expanded.repeated {
            crate::warn(&format!("{name}: given more than once, cleaned once"));
        }
    }
    if config.verbose {
        for name in &expanded.links_not_followed {
            crate::warn(&format!(
                "{name}: symbolic link not followed (use -L to follow)"
            ));
        }
    }
    let mut errors: Vec<DocError> = expanded
        .errors
        .into_iter()
        .map(|e| DocError {
            name: e.path,
            message: e.message,
        })
        .collect();
    if docs.iter().filter(|d| d.path.is_none()).count() > 0 && docs.len() > 1 && !config.quiet {
        crate::warn("standard input is read once, in its place among the inputs");
    }
    // Standard input can be read only once: keep its bytes for the write phase.
    let stdin_cache: Option<Vec<u8>> = if docs.iter().any(|d| d.path.is_none()) {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        Some(bytes)
    } else {
        None
    };
    let progress = progress_bar(config, docs.len() as u64 * 3);
    let batch = Batch {
        docs: &docs,
        config,
        stdin: stdin_cache.as_deref(),
        interrupt,
        progress: progress.as_ref(),
    };

    // Phase 1: template lines.
    let mut clean_options = config.clean.clone();
    if config.templates.enabled && config.clean.crumbs.enabled {
        let (counts, units) = docs
            .par_iter()
            .map(|doc| {
                let mut counts: FxHashMap<u64, usize> = FxHashMap::default();
                let mut units = 0;
                let read = batch.read_units(doc, &mut |loaded| {
                    batch.go_on()?;
                    units += loaded.texts.len();
                    let per_text: Vec<FxHashSet<u64>> = loaded
                        .texts
                        .par_iter()
                        .map(|text| text.lines().filter_map(template_key).collect())
                        .collect();
                    for keys in per_text {
                        for key in keys {
                            *counts.entry(key).or_default() += 1;
                        }
                    }
                    Ok(())
                });
                batch.step_done();
                // A document that cannot be read whole counts for nothing.
                match read {
                    Ok(load::Ending::Complete) => (counts, units),
                    _ => (FxHashMap::default(), 0),
                }
            })
            .reduce(
                || (FxHashMap::default(), 0),
                |(mut a, na), (b, nb)| {
                    for (k, v) in b {
                        *a.entry(k).or_default() += v;
                    }
                    (a, na + nb)
                },
            );
        let min = config
            .templates
            .min_docs
            .max((config.templates.min_share * units as f64).ceil() as usize);
        let templates: FxHashSet<u64> = counts
            .into_iter()
            .filter(|(_, n)| *n >= min)
            .map(|(k, _)| k)
            .collect();
        if config.verbose {
            crate::warn(&format!(
                "{} template lines (in ≥ {min} documents)",
                templates.len()
            ));
        }
        clean_options.crumbs.template_lines = Some(Arc::new(templates));
    }

    let detail = match &config.report {
        None => ReportDetail::Totals,
        Some((_, ReportFormat::Json | ReportFormat::Text)) => ReportDetail::RemovalsWithDiffs,
        Some(_) => ReportDetail::Removals,
    };
    let stdout = std::sync::Mutex::new(std::io::BufWriter::with_capacity(
        1 << 16,
        std::io::stdout(),
    ));
    // Phases 2 to 4: a corpus alone, without near matching, is cleaned, decided and written
    // a chunk at a time; any other batch phase after phase.
    let Decided {
        mut units,
        mut outputs,
        skipped,
        interrupted,
    } = match streamed::corpus_alone(&batch, &clean_options) {
        Some(doc) => streamed::run(&batch, doc, &clean_options, detail, &stdout)?,
        None => phased(&batch, &clean_options, detail, &stdout, &mut errors)?,
    };
    // Each written unit's report takes its name from the unit, now done with.
    for (doc_reports, _, first_unit) in outputs.iter_mut().flatten().flatten() {
        for (report, outcome) in doc_reports.iter_mut().zip(&mut units[*first_unit..]) {
            report.file = std::mem::take(&mut outcome.unit.name);
        }
    }
    // The corpus report is assembled once the decision pass's data is gone: moving the
    // reports into it briefly holds two copies of them.
    drop(units);
    let mut entries: Vec<DocumentEntry> = Vec::new();
    let mut finished = 0;
    for (d, result) in outputs.into_iter().enumerate() {
        match result {
            Ok(written) => {
                if let Some((doc_reports, rest, _)) = written {
                    finished += usize::from(!doc_reports.is_empty());
                    entries.extend(doc_reports.into_iter().zip(rest).map(|(report, r)| {
                        DocumentEntry {
                            id: r.id,
                            report,
                            duplicate_of: r.duplicate_of,
                        }
                    }));
                }
            }
            Err(e) if e.downcast_ref::<StdoutError>().is_some() => return Err(e),
            Err(e) => errors.push(DocError {
                name: docs[d].display_name(),
                message: format!("{e:#}"),
            }),
        }
    }
    {
        use std::io::Write;
        stdout
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .flush()
            .map_err(|e| anyhow::Error::new(e).context(StdoutError))?;
    }
    if let Some(bar) = batch.progress {
        bar.finish_and_clear();
    }

    let report = CorpusReport::new(
        entries,
        skipped.clone(),
        errors
            .iter()
            .map(|e| (e.name.clone(), e.message.clone()))
            .collect(),
    );
    if let Some((destination, format)) = &config.report {
        let body = match format {
            ReportFormat::Json => report.json(),
            ReportFormat::Tsv => report.tsv(),
            ReportFormat::Text => report.text(),
            ReportFormat::Diff => {
                bail!("--report-format diff is for one document; use json, tsv or text for a batch")
            }
        };
        crate::write_to(destination, body.as_bytes())?;
    }
    Ok(BatchResult {
        report,
        errors,
        skipped,
        interrupted: interrupted || interrupt.load(Ordering::Relaxed),
        finished,
        total: docs.len(),
    })
}

/// Phases 2 to 4 of any batch, each over every document: clean (keeping fingerprints, not
/// texts), then walk the decisions beside the writing, which reads each document again.
fn phased(
    batch: &Batch<'_>,
    clean_options: &CleanOptions,
    detail: ReportDetail,
    stdout: &StdoutWriter,
    errors: &mut Vec<DocError>,
) -> Result<Decided> {
    let Batch {
        docs,
        config,
        interrupt,
        ..
    } = *batch;
    // Phase 2: clean every document, in parallel, results in input order. Signatures for
    // near matching across documents go to a temporary file until phase 3.
    let store = match clean_options.dedup.near {
        Some(near) => Some(signatures::SignatureStore::new(near.signature_values)?),
        None => None,
    };
    // Per document: its units, and where its NUL byte is if it was skipped as binary;
    // `None` once interrupted.
    // Outcomes and reports are kept apart from the start, so that handing a corpus's
    // hundreds of thousands of them to phase 3 moves two vectors instead of copying them.
    type CleanedDoc = Option<(Vec<UnitOutcome>, Vec<DocumentReport>, Option<usize>)>;
    let cleaning = Cleaning {
        options: clean_options,
        detail,
        store: store.as_ref(),
        keep_clean: false,
    };
    let cleaned: Vec<Result<CleanedDoc>> = docs
        .par_iter()
        .enumerate()
        .map(|(d, doc)| {
            if interrupt.load(Ordering::Relaxed) {
                return Ok(None);
            }
            if store.as_ref().is_some_and(|s| s.failed()) {
                // The batch ends with the store's error (below): no more cleaning.
                return Ok(None);
            }
            let mut outcomes: Vec<UnitOutcome> = Vec::new();
            let mut unit_reports: Vec<DocumentReport> = Vec::new();
            let ending = batch.read_units(doc, &mut |loaded| {
                batch.go_on()?;
                let chunk = cleaning.chunk(d, doc, &loaded)?;
                for CleanedUnit {
                    outcome, report, ..
                } in chunk
                {
                    outcomes.push(outcome);
                    unit_reports.push(report);
                }
                Ok(())
            });
            let ending = match ending {
                Err(e) if stopped_by(&e, interrupt) => return Ok(None),
                ending => ending?,
            };
            batch.step_done();
            Ok(Some(match ending {
                load::Ending::Complete => (outcomes, unit_reports, None),
                load::Ending::Binary(offset) => (Vec::new(), Vec::new(), Some(offset)),
            }))
        })
        .collect();

    let mut units: Vec<UnitOutcome> = Vec::new();
    // Per document: its units' reports, and the number of its first unit.
    let mut reports: Vec<DocReports> = Vec::with_capacity(docs.len());
    let mut skipped = Vec::new();
    let mut failed_docs: HashSet<usize> = HashSet::new();
    let mut interrupted = false;
    for (d, result) in cleaned.into_iter().enumerate() {
        match result {
            Ok(Some((outcomes, unit_reports, skip))) => {
                if let Some(offset) = skip {
                    batch.skip_as_binary(&docs[d], offset, &mut skipped);
                    failed_docs.insert(d);
                }
                reports.push((unit_reports, units.len()));
                if units.is_empty() {
                    units = outcomes;
                } else {
                    units.extend(outcomes);
                }
            }
            Ok(None) => {
                interrupted = true;
                failed_docs.insert(d);
                reports.push((Vec::new(), units.len()));
            }
            Err(e) if e.downcast_ref::<signatures::StoreError>().is_some() => return Err(e),
            Err(e) => {
                errors.push(DocError {
                    name: docs[d].display_name(),
                    message: format!("{e:#}"),
                });
                failed_docs.insert(d);
                reports.push((Vec::new(), units.len()));
            }
        }
    }

    // Room grown for units that never came (up to half of each vector) is given back
    // before the decision pass, the batch's peak.
    units.shrink_to_fit();
    for (unit_reports, _) in &mut reports {
        unit_reports.shrink_to_fit();
    }

    // Once interrupted no document is written: the decisions are not needed.
    let unwritten = |units, skipped| Decided {
        units,
        outputs: docs.iter().map(|_| Ok(None)).collect(),
        skipped,
        interrupted: true,
    };
    if interrupt.load(Ordering::Relaxed) {
        return Ok(unwritten(units, skipped));
    }

    // Phase 3: decisions across documents, in input order: prepared here (in parallel),
    // walked beside phase 4, which waits for each unit's turn (the walk is serial: it
    // leaves a core to the writing).
    let prepared =
        cross::DecisionPass::prepare(&units, &clean_options.dedup, store.as_ref(), interrupt);
    let pass = match prepared {
        Err(e) if stopped_by(&e, interrupt) => return Ok(unwritten(units, skipped)),
        pass => pass?,
    };
    let cross = decisions::CrossDecisions::new(units.len());

    // Phase 4: write, in parallel; a document is written whole or not at all.
    // Each document takes its units' reports to complete them in place.
    let writing = Writing {
        units: &units,
        cross: &cross,
        split: clean_options.split,
        detail,
        config,
    };
    // Reports are built from the text as read here, before any in-place rewrite.
    // Writes a document; returns what the corpus report adds for each of its units.
    // Standard output cannot take back what it was given: a document started there is
    // finished, interrupted or not (and so is the walk it waits for).
    let to_stdout = config.output == BatchOutput::Stdout;
    let never = AtomicBool::new(false);
    let stop_walk = if to_stdout { &never } else { interrupt };
    let write_doc = |doc: &InputDoc, doc_reports: &mut [DocumentReport], first_unit: usize| {
        let sink = Sink::open(doc, config, stdout)?;
        let mut done = 0;
        let mut rest: Vec<UnitRest> = Vec::with_capacity(doc_reports.len());
        // A streamed corpus's chunks are written behind their processing.
        let behind = load::streams(doc, config);
        let (ending, sink) = sink::write_in_order(sink, behind, |write| {
            batch.read_units(doc, &mut |loaded| {
                if !to_stdout {
                    batch.go_on()?;
                }
                let Some(chunk_reports) = doc_reports.get_mut(done..done + loaded.texts.len())
                else {
                    bail!("changed while being cleaned (more records than before); not written");
                };
                let (pieces, chunk_rest) =
                    writing.chunk(&loaded, chunk_reports, first_unit + done, None)?;
                done += loaded.texts.len();
                rest.extend(chunk_rest);
                write(pieces)
            })
        })?;
        if !matches!(ending, load::Ending::Complete) {
            bail!("changed while being cleaned (now binary); not written");
        }
        if done != doc_reports.len() {
            bail!("changed while being cleaned (fewer records than before); not written");
        }
        sink.finish()?;
        batch.step_done();
        Ok::<_, anyhow::Error>(rest)
    };
    let write_one = |d: usize, doc: &InputDoc, (mut doc_reports, first_unit): DocReports| {
        if failed_docs.contains(&d) || interrupt.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let written = write_doc(doc, &mut doc_reports, first_unit);
        match written {
            Ok(rest) => Ok(Some((doc_reports, rest, first_unit))),
            // Interrupted mid-document: its temporary file is gone, nothing written.
            Err(e) if stopped_by(&e, interrupt) => Ok(None),
            Err(e) => Err(e),
        }
    };
    let write_all = || -> Vec<Result<Written>> {
        if config.output == BatchOutput::Stdout {
            // Standard output takes documents one after another, in input order.
            let mut outputs = Vec::new();
            for ((d, doc), doc_reports) in docs.iter().enumerate().zip(reports) {
                let result = write_one(d, doc, doc_reports);
                let fatal = matches!(&result, Err(e) if e.downcast_ref::<StdoutError>().is_some());
                outputs.push(result);
                if fatal {
                    break;
                }
            }
            outputs
        } else {
            docs.par_iter()
                .zip(reports.into_par_iter())
                .enumerate()
                .map(|(d, (doc, doc_reports))| write_one(d, doc, doc_reports))
                .collect()
        }
    };
    // The walk runs on one of the pool's threads and phase 4 on the others (after the walk,
    // on all of them). A document whose units were decided before a failed walk stopped
    // is written whole; the walk's error is the batch's.
    let (walked, outputs) = rayon::join(|| pass.walk(&units, &cross, stop_walk), write_all);
    walked?;
    Ok(Decided {
        units,
        outputs,
        skipped,
        interrupted,
    })
}

/// Records of a corpus written together by one task of phase 4: their JSON lines make one
/// piece of output (≈ 256 KB for records of 4 KB).
const RECORDS_PER_RUN: usize = 64;

/// What phase 4 needs to turn units as read into their clean output.
struct Writing<'a> {
    units: &'a [UnitOutcome],
    cross: &'a decisions::CrossDecisions,
    split: crate::segment::SplitMode,
    detail: ReportDetail,
    config: &'a BatchConfig,
}

impl Writing<'_> {
    /// A run of a document's units (the first numbered `first_unit` in the batch): the
    /// pieces of their output in order, and what the corpus report adds for each. Each
    /// unit's report is completed where it is (in parallel for the records of a corpus).
    ///
    /// `cleans`, when given, holds each record's clean text from phase 2 (a streamed
    /// corpus): a record that loses nothing across documents is written from it instead of
    /// being rebuilt.
    fn chunk(
        &self,
        loaded: &load::Loaded,
        reports: &mut [DocumentReport],
        first_unit: usize,
        cleans: Option<&[Option<String>]>,
    ) -> Result<(Vec<Vec<u8>>, Vec<UnitRest>)> {
        let kept = |r: usize| cleans.and_then(|c| c.get(r)).and_then(Option::as_deref);
        match &loaded.records {
            // A run of records shares one buffer for its clean texts and one piece, sized
            // for it up front, for its JSON lines: no allocation per record for either,
            // and the pieces never grow past their bytes.
            Some(records) => {
                let runs: Vec<(Vec<u8>, Vec<UnitRest>)> = reports
                    .par_chunks_mut(RECORDS_PER_RUN)
                    .zip(loaded.texts.par_chunks(RECORDS_PER_RUN))
                    .zip(records.par_chunks(RECORDS_PER_RUN))
                    .enumerate()
                    .map(|(k, ((reports, texts), records))| {
                        let first = first_unit + k * RECORDS_PER_RUN;
                        // A clean text is at most its text; escaping adds a little.
                        let room = texts.iter().map(|t| t.len() + t.len() / 16 + 64).sum();
                        let mut piece = Vec::with_capacity(room);
                        let mut rests = Vec::with_capacity(texts.len());
                        let mut clean = String::new();
                        let each = reports.iter_mut().zip(texts).zip(records).enumerate();
                        for (r, ((report, text), record)) in each {
                            let id = Some(record.id.as_str());
                            let u = k * RECORDS_PER_RUN + r;
                            let (kept, rest) =
                                self.finish(first + r, report, text, kept(u), id, &mut clean)?;
                            let written = kept.unwrap_or(&clean);
                            let duplicate = rest.duplicate_of.is_some();
                            let left_out =
                                self.config.drop_empty && (written.trim().is_empty() || duplicate);
                            // `check` writes nothing: its records are not serialised.
                            if !left_out && self.config.output != BatchOutput::None {
                                record.write_with_text(
                                    &mut piece,
                                    &self.config.text_field,
                                    written,
                                );
                                piece.push(b'\n');
                            }
                            rests.push(rest);
                        }
                        Ok((piece, rests))
                    })
                    .collect::<Result<_>>()?;
                let mut pieces = Vec::with_capacity(runs.len());
                let mut rests = Vec::with_capacity(loaded.texts.len());
                for (piece, run_rests) in runs {
                    if !piece.is_empty() {
                        pieces.push(piece);
                    }
                    rests.extend(run_rests);
                }
                Ok((pieces, rests))
            }
            None => {
                let finished: Vec<(Vec<u8>, UnitRest)> = reports
                    .par_iter_mut()
                    .zip(loaded.texts.par_iter())
                    .enumerate()
                    .map(|(r, (report, text))| {
                        // Only a streamed corpus's records keep their clean texts.
                        let mut clean = String::with_capacity(text.len());
                        let (_, rest) =
                            self.finish(first_unit + r, report, text, None, None, &mut clean)?;
                        Ok((clean.into_bytes(), rest))
                    })
                    .collect::<Result<_>>()?;
                let (cleans, rests): (Vec<Vec<u8>>, Vec<UnitRest>) = finished.into_iter().unzip();
                let bom = (self.config.keep_bom && loaded.bom.is_some())
                    .then(|| "\u{FEFF}".as_bytes().to_vec());
                Ok((bom.into_iter().chain(cleans).collect(), rests))
            }
        }
    }

    /// One unit, numbered `u` in the batch (a record with `id`, for JSONL): its clean text
    /// (`kept`, phase 2's, returned as it is when the unit loses nothing across documents;
    /// else rebuilt into `clean`, and `None` returned), its report completed, and what the
    /// corpus report adds for it.
    fn finish<'k>(
        &self,
        u: usize,
        report: &mut DocumentReport,
        text: &str,
        kept: Option<&'k str>,
        id: Option<&str>,
        clean: &mut String,
    ) -> Result<(Option<&'k str>, UnitRest)> {
        let units = self.units;
        // Written beside the decision walk: this waits for the unit's turn.
        let decision = self.cross.wait_for(u)?;
        // Phase 2 assembled its clean text as `reassemble_into` does with nothing dropped:
        // the same segmentation of the same live lines.
        let kept = kept.filter(|_| decision.dropped.is_empty());
        if kept.is_none() {
            reassemble_into(
                clean,
                text,
                &units[u].live,
                &decision.dropped_paragraphs(),
                self.split,
            );
        }
        let written = kept.unwrap_or(clean.as_str());
        report.bytes_out = written.len();
        decision.annotate(u, units, report, text, self.detail);
        let rest = UnitRest {
            id: id.map(str::to_string),
            duplicate_of: decision
                .duplicate_document()
                .map(|(o, sim)| (units[o].unit.name.clone(), sim)),
        };
        Ok((kept, rest))
    }
}

/// How phase 2 cleans a batch's units.
#[derive(Clone, Copy)]
struct Cleaning<'a> {
    options: &'a CleanOptions,
    /// How much of each removal the reports keep.
    detail: ReportDetail,
    /// Where near matching's signatures go (near matching on).
    store: Option<&'a signatures::SignatureStore>,
    /// Keep each unit's clean text, for a unit written right after its turn (a streamed
    /// corpus); otherwise it is rebuilt from the input when writing.
    keep_clean: bool,
}

impl Cleaning<'_> {
    /// A chunk of document `d`'s units (all of a text document's): each unit through
    /// [`Self::unit`], in parallel (a JSONL file is one document with many units), results
    /// in order.
    fn chunk(&self, d: usize, doc: &InputDoc, loaded: &load::Loaded) -> Result<Vec<CleanedUnit>> {
        // Once per chunk, not per record: a path made into a string each time.
        let doc_name = doc.display_name();
        loaded
            .texts
            .par_iter()
            .enumerate()
            .map(|(r, text)| {
                let unit = Unit {
                    doc: d,
                    record: loaded.records.as_ref().map(|_| loaded.first + r),
                    name: match &loaded.records {
                        Some(records) => format!("{doc_name}#{}", records[r].id),
                        None => doc_name.clone(),
                    },
                };
                self.unit(unit, text, loaded)
            })
            .collect()
    }

    /// One unit: the single-document pipeline, its report, and what the decision pass
    /// needs of it.
    fn unit(&self, unit: Unit, text: &str, loaded: &load::Loaded) -> Result<CleanedUnit> {
        let Self {
            options,
            detail,
            store,
            keep_clean,
        } = *self;
        let mut cleaned = clean_text(text, options);
        // The report takes the unit's name once the batch is written (see `run`): until
        // then every name is held once, by the unit.
        let report = DocumentReport::new(
            String::new(),
            loaded.encoding,
            loaded.bom,
            text,
            &cleaned,
            detail,
        );
        let signature = match (store, &options.dedup.near) {
            (Some(_), Some(near)) => document::document_signature(
                &cleaned.text,
                text,
                &cleaned.input_lines,
                &cleaned.live,
                &cleaned.final_paragraphs,
                near,
            ),
            _ => None,
        };
        let (paragraphs, sketches) = cross::UnitSketches::compact(
            std::mem::take(&mut cleaned.final_paragraphs),
            signature.as_deref(),
            store,
        )?;
        Ok(CleanedUnit {
            outcome: UnitOutcome {
                unit,
                live: std::mem::take(&mut cleaned.live),
                paragraphs,
                sketches,
            },
            report,
            clean: keep_clean.then_some(cleaned.text),
        })
    }
}

fn progress_bar(config: &BatchConfig, steps: u64) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    const MIN_STEPS: u64 = 300;
    if !config.progress || config.quiet || steps < MIN_STEPS || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(steps);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed_precise} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}
