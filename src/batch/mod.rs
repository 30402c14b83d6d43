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

pub mod cross;

use crate::config::Destination;
use crate::crumbs::template_key;
use crate::input::compress::{compress, decompress};
use crate::input::decode::{decode, Bom, DecodeOptions, Decoding};
use crate::input::jsonl;
use crate::input::sources::{expand, Compression, InputDoc, SourceOptions};
use crate::output::Durability;
use crate::pipeline::{clean_text, reassemble, CleanOptions};
use crate::report::corpus::{CorpusReport, DocumentEntry};
use crate::report::{DocumentReport, ReportDetail, ReportFormat};
use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
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
    pub sketches: cross::UnitSketches,
    /// MinHash signature of the shingles of the whole clean text (near matching on): finds a
    /// document that copies an earlier one even when its paragraphs are split differently.
    pub signature: Option<Vec<u64>>,
}

/// Phase 2's outcome of a unit: what the decision pass reads, and the report that phase 4
/// completes.
struct CleanedUnit {
    outcome: UnitOutcome,
    report: DocumentReport,
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

/// A document's units as decoded text: `(unit text, record)`.
struct Loaded {
    texts: Vec<String>,
    records: Option<Vec<jsonl::Record>>,
    encoding: &'static str,
    bom: Option<Bom>,
    compression: Compression,
}

enum Load {
    Ok(Loaded),
    Binary(usize),
}

/// Decompresses, decodes and (for JSONL) parses a document's raw bytes.
fn parse_doc(raw: Vec<u8>, doc: &InputDoc, config: &BatchConfig) -> Result<Load> {
    let bytes = decompress(raw, doc.compression)?;
    let decoded = match decode(&bytes, &config.decode)? {
        Decoding::Text(d) => d,
        Decoding::Binary { byte_offset } => return Ok(Load::Binary(byte_offset)),
    };
    let (texts, records) = if doc.jsonl {
        let records = jsonl::parse(&decoded.text, &config.text_field, &config.id_field)?;
        (
            records.iter().map(|r| r.text.clone()).collect(),
            Some(records),
        )
    } else {
        (vec![decoded.text.into_owned()], None)
    };
    Ok(Load::Ok(Loaded {
        texts,
        records,
        encoding: decoded.encoding,
        bom: decoded.bom,
        compression: doc.compression,
    }))
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

/// Runs a batch. `interrupt` is set from a signal handler: workers stop taking documents.
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
    let load_doc = |doc: &InputDoc| -> Result<Load> {
        let raw = match (&doc.path, &stdin_cache) {
            (Some(path), _) => std::fs::read(path)?,
            (None, Some(bytes)) => bytes.clone(),
            (None, None) => Vec::new(),
        };
        parse_doc(raw, doc, config)
    };
    let progress = progress_bar(config, docs.len() as u64 * 3);

    // Phase 1: template lines.
    let mut clean_options = config.clean.clone();
    if config.templates.enabled && config.clean.crumbs.enabled {
        let (counts, units) = docs
            .par_iter()
            .map(|doc| {
                let mut counts: FxHashMap<u64, usize> = FxHashMap::default();
                let mut units = 0;
                if let Ok(Load::Ok(loaded)) = load_doc(doc) {
                    units = loaded.texts.len();
                    for text in &loaded.texts {
                        let keys: FxHashSet<u64> = text.lines().filter_map(template_key).collect();
                        for key in keys {
                            *counts.entry(key).or_default() += 1;
                        }
                    }
                }
                if let Some(bar) = &progress {
                    bar.inc(1);
                }
                (counts, units)
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

    // Phase 2: clean every document, in parallel, results in input order.
    // Per document: its units, and why it was skipped; `None` once interrupted.
    type CleanedDoc = Option<(Vec<CleanedUnit>, Option<String>)>;
    let detail = match &config.report {
        None => ReportDetail::Totals,
        Some((_, ReportFormat::Json | ReportFormat::Text)) => ReportDetail::RemovalsWithDiffs,
        Some(_) => ReportDetail::Removals,
    };
    let cleaned: Vec<Result<CleanedDoc>> = docs
        .par_iter()
        .enumerate()
        .map(|(d, doc)| {
            if interrupt.load(Ordering::Relaxed) {
                return Ok(None);
            }
            let outcome = match load_doc(doc)? {
                Load::Binary(offset) => Ok(Some((
                    Vec::new(),
                    Some(format!(
                        "binary file (NUL byte at offset {offset}), skipped"
                    )),
                ))),
                Load::Ok(loaded) => {
                    // Records of a corpus are cleaned in parallel too: a JSONL file is one
                    // document with many units.
                    let outcomes = loaded
                        .texts
                        .par_iter()
                        .enumerate()
                        .map(|(r, text)| {
                            let unit = Unit {
                                doc: d,
                                record: loaded.records.as_ref().map(|_| r),
                                name: match &loaded.records {
                                    Some(records) => {
                                        format!("{}#{}", doc.display_name(), records[r].id)
                                    }
                                    None => doc.display_name(),
                                },
                            };
                            clean_unit(unit, text, &loaded, &clean_options, detail)
                        })
                        .collect();
                    Ok(Some((outcomes, None)))
                }
            };
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            outcome
        })
        .collect();

    let mut units: Vec<UnitOutcome> = Vec::new();
    let mut reports: Vec<DocumentReport> = Vec::new();
    let mut skipped = Vec::new();
    let mut failed_docs: HashSet<usize> = HashSet::new();
    let mut interrupted = false;
    for (d, result) in cleaned.into_iter().enumerate() {
        match result {
            Ok(Some((outcomes, skip))) => {
                if let Some(message) = skip {
                    if !config.quiet {
                        crate::warn(&format!("{}: {message}", docs[d].display_name()));
                    }
                    skipped.push(docs[d].display_name());
                    failed_docs.insert(d);
                }
                for CleanedUnit { outcome, report } in outcomes {
                    units.push(outcome);
                    reports.push(report);
                }
            }
            Ok(None) => {
                interrupted = true;
                failed_docs.insert(d);
            }
            Err(e) => {
                errors.push(DocError {
                    name: docs[d].display_name(),
                    message: format!("{e:#}"),
                });
                failed_docs.insert(d);
            }
        }
    }

    // Phase 3: decisions across documents, in input order.
    let cross = cross::decide(&units, &clean_options.dedup);

    // Phase 4: write, in parallel; a document is written whole or not at all.
    // Each document takes its units' reports to complete them.
    let mut per_doc: Vec<Vec<(usize, DocumentReport)>> = (0..docs.len()).map(|_| Vec::new()).collect();
    for (u, report) in reports.into_iter().enumerate() {
        per_doc[units[u].unit.doc].push((u, report));
    }
    // Reports are built from the text as read here, before any in-place rewrite.
    type Written = (Vec<DocumentEntry>, Option<Vec<u8>>);
    let outputs: Vec<Result<Written>> = docs
        .par_iter()
        .zip(per_doc.into_par_iter())
        .enumerate()
        .map(|(d, (doc, doc_units))| {
            if failed_docs.contains(&d) || interrupt.load(Ordering::Relaxed) {
                return Ok((Vec::new(), None));
            }
            let Load::Ok(loaded) = load_doc(doc)? else {
                return Ok((Vec::new(), None));
            };
            // Per unit (in parallel for the records of a corpus): its clean text and its
            // completed report.
            let finished: Vec<(String, DocumentEntry)> = doc_units
                .into_par_iter()
                .zip(loaded.texts.par_iter())
                .map(|((u, mut report), text)| {
                    let outcome = &units[u];
                    let clean = reassemble(
                        text,
                        &outcome.live,
                        &cross.dropped_paragraphs(u),
                        clean_options.split,
                    );
                    report.bytes_out = clean.len();
                    cross.annotate(u, &units, &mut report, text, detail);
                    let entry = DocumentEntry {
                        id: outcome.unit.record.and_then(|r| {
                            loaded.records.as_ref().map(|records| records[r].id.clone())
                        }),
                        report,
                        duplicate_of: cross
                            .duplicate_document(u)
                            .map(|(o, sim)| (units[o].unit.name.clone(), sim)),
                    };
                    (clean, entry)
                })
                .collect();
            let body: Vec<u8> = match &loaded.records {
                Some(records) => {
                    let lines: Vec<Option<String>> = records
                        .par_iter()
                        .zip(finished.par_iter())
                        .map(|(record, (text, entry))| {
                            let duplicate = entry.duplicate_of.is_some();
                            if config.drop_empty && (text.trim().is_empty() || duplicate) {
                                return None;
                            }
                            let mut line = record.with_text(&config.text_field, text);
                            line.push('\n');
                            Some(line)
                        })
                        .collect();
                    lines.into_iter().flatten().collect::<String>().into_bytes()
                }
                None => {
                    let mut out = Vec::new();
                    if config.keep_bom && loaded.bom.is_some() {
                        out.extend_from_slice("\u{FEFF}".as_bytes());
                    }
                    for (text, _) in &finished {
                        out.extend_from_slice(text.as_bytes());
                    }
                    out
                }
            };
            let entries: Vec<DocumentEntry> = finished.into_iter().map(|(_, e)| e).collect();
            let to_stdout = write_doc(doc, config, &body, loaded.compression)?;
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            Ok((entries, to_stdout.then_some(body)))
        })
        .collect();
    let mut stdout_bytes = Vec::new();
    let mut entries: Vec<DocumentEntry> = Vec::new();
    let mut finished = 0;
    for (d, result) in outputs.into_iter().enumerate() {
        match result {
            Ok((doc_entries, body)) => {
                finished += usize::from(!doc_entries.is_empty());
                entries.extend(doc_entries);
                stdout_bytes.extend(body);
            }
            Err(e) => errors.push(DocError {
                name: docs[d].display_name(),
                message: format!("{e:#}"),
            }),
        }
    }
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    if config.output == BatchOutput::Stdout {
        let all: Vec<u8> = stdout_bytes.concat();
        crate::write_to(&Destination::Stdout, &all)?;
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

/// Phase 2 for one unit: the single-document pipeline, its report (at `detail`), and
/// what the decision pass needs of it. The clean text itself is dropped: it is rebuilt from
/// the input when writing.
fn clean_unit(
    unit: Unit,
    text: &str,
    loaded: &Loaded,
    options: &CleanOptions,
    detail: ReportDetail,
) -> CleanedUnit {
    let mut cleaned = clean_text(text, options);
    let report = DocumentReport::new(
        unit.name.clone(),
        loaded.encoding,
        loaded.bom,
        text,
        &cleaned,
        detail,
    );
    let signature = document_signature(&cleaned.text, options);
    let (paragraphs, sketches) =
        cross::UnitSketches::compact(std::mem::take(&mut cleaned.final_paragraphs));
    CleanedUnit {
        outcome: UnitOutcome {
            unit,
            live: std::mem::take(&mut cleaned.live),
            paragraphs,
            sketches,
            signature,
        },
        report,
    }
}

/// The MinHash signature of a whole clean text's shingles, when near matching is on and
/// the text has enough words.
fn document_signature(clean: &str, options: &CleanOptions) -> Option<Vec<u64>> {
    let near = options.dedup.near?;
    let key = crate::fingerprint::normalise(clean);
    let shingles = crate::fingerprint::minhash::shingles(&key, near.shingle);
    (shingles.len() >= cross::MIN_DOCUMENT_SHINGLES).then(|| {
        crate::fingerprint::minhash::MinHasher::new(near.signature_values).signature(&shingles)
    })
}

/// Writes one document's clean bytes where the batch sends them; `true` if they go to
/// standard output (collected and written in input order by the caller).
fn write_doc(
    doc: &InputDoc,
    config: &BatchConfig,
    body: &[u8],
    compression: Compression,
) -> Result<bool> {
    let compression = if config.decompress {
        Compression::None
    } else {
        compression
    };
    match &config.output {
        BatchOutput::None => Ok(false),
        BatchOutput::Stdout => Ok(true),
        BatchOutput::File(target) => {
            let bytes = compress(body, compression)?;
            crate::output::write_atomic(target, &bytes, Durability::Synced)
                .with_context(|| target.display().to_string())?;
            Ok(false)
        }
        BatchOutput::Dir(dir) => {
            let target = dir.join(output_name(doc, config));
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).with_context(|| parent.display().to_string())?;
            }
            let bytes = compress(body, compression)?;
            let durability = if config.fsync {
                Durability::Synced
            } else {
                Durability::Renamed
            };
            crate::output::write_atomic(&target, &bytes, durability)
                .with_context(|| target.display().to_string())?;
            Ok(false)
        }
        BatchOutput::InPlace => {
            let path = doc
                .path
                .as_ref()
                .ok_or_else(|| anyhow!("--in-place cannot rewrite standard input"))?;
            // Follow a symlink to its target, so the link stays a link.
            let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
            let bytes = compress(body, compression)?;
            crate::output::write_atomic(&target, &bytes, Durability::Synced)
                .with_context(|| target.display().to_string())?;
            Ok(false)
        }
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
