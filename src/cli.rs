//! The command line: clap's derive definitions, turned into a plain [`Config`]. The only
//! module that knows clap.

use crate::batch::{BatchConfig, BatchOutput, TemplateOptions};
use crate::config::{CheckOptions, Config, Destination, Mode, ReportTarget};
use crate::crumbs::{CrumbOptions, StripLevel, DEFAULT_MAX_LINE_CHARS};
use crate::dedup::{
    DedupOptions, KeepRule, NearOptions, DEFAULT_MIN_WORDS, DEFAULT_SHINGLE, DEFAULT_SIMILARITY,
};
use crate::input::decode::{DecodeOptions, EncodingChoice};
use crate::input::sources::SourceOptions;
use crate::input::Source;
use crate::language::{FunctionWords, LanguageChoice};
use crate::pipeline::CleanOptions;
use crate::report::ReportFormat;
use crate::segment::SplitMode;
use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use regex::{Regex, RegexBuilder};
use std::ffi::OsString;
use std::path::PathBuf;

/// Largest compiled size of a user-supplied pattern: a pattern is untrusted input.
const USER_PATTERN_SIZE_LIMIT: usize = 1 << 20;

#[derive(Debug, Parser)]
#[command(
    name = "unscrape",
    version,
    about = "Turn scraped publications into clean text",
    long_about = "Turn scraped publications into clean text.\n\n\
        unscrape strips navigation crumbs (breadcrumb trails, menus, share/print/cookie/\
        footer lines) and drops repeated paragraphs and sections (a page saved with its \
        print view, the same article twice), keeping the first copy. Every removal is \
        explained in a report.\n\n\
        Exit status: 0 ok, 1 `check` found something to remove, 2 error.",
    after_help = "Examples:\n  unscrape clean page.txt > page.clean.txt\n  cat page.txt | unscrape clean -\n  unscrape clean page.txt -o page.clean.txt --report page.report.json\n  unscrape check page.txt"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the clean text of a document.
    Clean(CleanArgs),
    /// Say whether cleaning would change a document: exit 1 if it would, 0 if not.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Documents to clean: files, directories (walked recursively, sorted), `-` for standard
    /// input. JSONL corpora by extension (.jsonl, .jsonl.gz, .jsonl.zst) or --jsonl.
    #[arg(value_name = "INPUT", required_unless_present_any = ["files_from", "files0_from"])]
    pub inputs: Vec<OsString>,

    /// Write the clean text to FILE (one document), or mirror the inputs into DIR (several
    /// documents or a directory); atomically. Default: standard output.
    #[arg(short, long, value_name = "FILE|DIR")]
    pub output: Option<OsString>,

    /// Rewrite every input in place (atomically, keeping permissions).
    #[arg(long, conflicts_with = "output")]
    pub in_place: bool,

    /// Write the outputs of .gz and .zst inputs uncompressed (without that extension).
    #[arg(long)]
    pub decompress: bool,

    /// Sync every file of a mirrored output tree (-o DIR) to disk before renaming it into
    /// place. In-place rewrites and a single output file are always synced.
    #[arg(long)]
    pub fsync: bool,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Documents to check: files, directories, `-` for standard input, JSONL corpora.
    #[arg(value_name = "INPUT", required_unless_present_any = ["files_from", "files0_from"])]
    pub inputs: Vec<OsString>,

    /// Print one JSON summary (per document counts and totals) instead of text.
    #[arg(long)]
    pub json: bool,

    /// Tolerate removals up to this share of a document's bytes (0 to 1) before exiting 1.
    #[arg(long, value_name = "F", default_value_t = 0.0)]
    pub max_removed_ratio: f64,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Write a report of every removal to FILE (`-` for standard output).
    #[arg(long, value_name = "FILE", help_heading = "Report")]
    pub report: Option<OsString>,

    /// Report format; default from the report file's extension (.json, .diff, .txt), else text.
    #[arg(long, value_enum, value_name = "FORMAT", help_heading = "Report")]
    pub report_format: Option<ReportFormatArg>,

    /// Print a one-line summary of what was removed to standard error.
    #[arg(long, help_heading = "Report")]
    pub stats: bool,

    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,

    /// Say more: template lines found, documents skipped, symlinks not followed.
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,

    /// Read more input paths, one per line, from FILE (`-` for standard input).
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub files_from: Option<OsString>,

    /// Read more input paths, NUL-separated, from FILE (`-` for standard input).
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub files0_from: Option<OsString>,

    /// Only files in walked directories whose relative path or name matches GLOB (repeatable).
    #[arg(long, value_name = "GLOB", help_heading = "Input")]
    pub glob: Vec<String>,

    /// Follow symbolic links when walking directories (loops are reported).
    #[arg(short = 'L', long, help_heading = "Input")]
    pub follow: bool,

    /// Read every input as a JSONL corpus (one JSON object per line).
    #[arg(long, help_heading = "Input")]
    pub jsonl: bool,

    /// JSONL field holding the text.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "text",
        help_heading = "Input"
    )]
    pub text_field: String,

    /// JSONL field holding the record id (for reports).
    #[arg(
        long,
        value_name = "NAME",
        default_value = "id",
        help_heading = "Input"
    )]
    pub id_field: String,

    /// Leave JSONL records whose clean text is empty (or a duplicate document) out of the output.
    #[arg(long, help_heading = "Batch")]
    pub drop_empty: bool,

    /// A short line in at least N documents of a batch (and --template-min-share of them)
    /// is site chrome, removed from every document.
    #[arg(long, value_name = "N", default_value_t = 3, help_heading = "Batch")]
    pub template_min_docs: usize,

    /// Least share of a batch's documents a template line must be in.
    #[arg(long, value_name = "F", default_value_t = 0.01, help_heading = "Batch")]
    pub template_min_share: f64,

    /// Do not look for site template lines across documents.
    #[arg(long, help_heading = "Batch")]
    pub no_template: bool,

    /// How to split paragraphs: blank-line blocks, one per line, or auto (blocks when the
    /// document is laid out in blank-separated blocks of a few lines).
    #[arg(long, value_enum, default_value_t = SplitArg::Auto, help_heading = "Cleaning")]
    pub split: SplitArg,

    /// How much navigation to strip: conservative (only lines that are certainly
    /// navigation), balanced, or aggressive (favours precision). See README.
    #[arg(long, value_enum, default_value_t = StripArg::Balanced, help_heading = "Cleaning")]
    pub strip: StripArg,

    /// Do not strip navigation crumbs (duplicates are still removed).
    #[arg(long, help_heading = "Cleaning")]
    pub no_crumbs: bool,

    /// Also strip lines matching REGEX as crumbs (repeatable; Rust regex syntax, unanchored).
    #[arg(long, value_name = "REGEX", help_heading = "Cleaning")]
    pub crumb_rule: Vec<String>,

    /// Never strip lines matching REGEX as crumbs (repeatable; duplicates are still removed).
    #[arg(long, value_name = "REGEX", help_heading = "Cleaning")]
    pub keep_rule: Vec<String>,

    /// Paragraphs with fewer words are dropped only inside a repeated section that also holds
    /// a longer repeated paragraph, never alone.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MIN_WORDS, help_heading = "Cleaning")]
    pub min_words: u32,

    /// Least similarity for a near duplicate: Jaccard similarity of word shingles, or the
    /// share of a paragraph's shingles found in one earlier paragraph (0 < F ≤ 1; 1 = exact
    /// duplicates only).
    #[arg(long, value_name = "F", default_value_t = DEFAULT_SIMILARITY, help_heading = "Cleaning")]
    pub similarity: f64,

    /// Words per shingle for near-duplicate matching. Paragraphs shorter than this (or
    /// than --min-words) are matched exactly only.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SHINGLE, help_heading = "Cleaning")]
    pub shingle: usize,

    /// Match exact duplicates only.
    #[arg(long, help_heading = "Cleaning")]
    pub no_near: bool,

    /// Language of the documents, whose function words tell the crumb rules prose from
    /// navigation: `auto` detects it per document; a code (en, de, fr, es, ...; see README)
    /// is used for every document without detecting: faster, for a corpus in one language.
    #[arg(
        long,
        value_name = "CODE",
        default_value = "auto",
        help_heading = "Cleaning"
    )]
    pub language: String,

    /// Which copy of a repeated paragraph stays: the first in input order, or the longest.
    #[arg(long, value_enum, default_value_t = KeepArg::First, help_heading = "Cleaning")]
    pub keep: KeepArg,

    /// Worker threads (default: one per core). Output is the same for any number.
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Crumb rules judge only lines up to N characters; longer lines are content.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_LINE_CHARS, help_heading = "Cleaning")]
    pub max_line_chars: usize,

    /// Read input without a BOM in this encoding (a WHATWG label such as windows-1252,
    /// iso-8859-2, shift_jis), or `detect` to guess per document. Default: strict UTF-8.
    #[arg(long, value_name = "LABEL", help_heading = "Input")]
    pub encoding: Option<String>,

    /// Process input with NUL bytes as text instead of skipping it as binary.
    #[arg(long, help_heading = "Input")]
    pub text: bool,

    /// Start the clean text with a UTF-8 BOM when the input had a BOM (default: no BOM).
    #[arg(long, help_heading = "Input")]
    pub keep_bom: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormatArg {
    Json,
    Diff,
    Text,
    Tsv,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StripArg {
    Conservative,
    Balanced,
    Aggressive,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KeepArg {
    First,
    Longest,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SplitArg {
    Auto,
    Blank,
    Line,
}

impl Cli {
    /// Validates the arguments into a [`Config`].
    pub fn into_config(self) -> Result<Config> {
        let (mode, inputs, raw_output, common, in_place, decompress, fsync, check) =
            match self.command {
                Command::Clean(args) => (
                    Mode::Clean,
                    args.inputs,
                    args.output,
                    args.common,
                    args.in_place,
                    args.decompress,
                    args.fsync,
                    CheckOptions::default(),
                ),
                Command::Check(args) => (
                    Mode::Check,
                    args.inputs,
                    None,
                    args.common,
                    false,
                    false,
                    false,
                    CheckOptions {
                        json: args.json,
                        max_removed_ratio: args.max_removed_ratio,
                    },
                ),
            };
        if !(0.0..=1.0).contains(&check.max_removed_ratio) {
            bail!(
                "--max-removed-ratio must be from 0 to 1, not {}",
                check.max_removed_ratio
            );
        }
        if !(0.0..=1.0).contains(&common.template_min_share) {
            bail!(
                "--template-min-share must be from 0 to 1, not {}",
                common.template_min_share
            );
        }
        let output = match &raw_output {
            Some(path) if path != "-" => Destination::File(PathBuf::from(path)),
            _ => Destination::Stdout,
        };
        let single_plain_file = inputs.len() == 1
            && common.files_from.is_none()
            && common.files0_from.is_none()
            && !common.jsonl
            && !in_place
            && (inputs[0] == "-" || {
                let path = std::path::Path::new(&inputs[0]);
                !path.is_dir()
                    && !crate::input::sources::is_jsonl_name(path)
                    && crate::input::sources::Compression::from_path(path)
                        == crate::input::sources::Compression::None
            })
            && !matches!(&output, Destination::File(p) if p.is_dir())
            && !(mode == Mode::Check && (check.json || check.max_removed_ratio > 0.0));
        let input = inputs
            .first()
            .map(|a| Source::from_arg(a))
            .unwrap_or(Source::Stdin);
        let report = common
            .report
            .as_ref()
            .map(|path| report_target(path, common.report_format))
            .transpose()?;
        if let Some(ReportTarget {
            destination: Destination::Stdout,
            ..
        }) = &report
        {
            if mode == Mode::Clean && output == Destination::Stdout {
                bail!(
                    "--report - and the clean text cannot both go to standard output; use -o FILE"
                );
            }
        }
        let encoding = match &common.encoding {
            None => EncodingChoice::Utf8,
            Some(label) => EncodingChoice::from_label(label).ok_or_else(|| {
                anyhow!("unknown encoding {label:?}; use a WHATWG label such as utf-8, windows-1252, iso-8859-15, or `detect`")
            })?,
        };
        let language = if common.language.eq_ignore_ascii_case("auto") {
            None
        } else {
            Some(FunctionWords::given(&common.language).ok_or_else(|| {
                anyhow!(
                    "unknown --language {:?}; use auto or one of: {}",
                    common.language,
                    FunctionWords::codes().join(", ")
                )
            })?)
        };
        if common.max_line_chars == 0 {
            bail!("--max-line-chars must be at least 1");
        }
        if !(common.similarity > 0.0 && common.similarity <= 1.0) {
            bail!(
                "--similarity must be greater than 0 and at most 1 (1 = exact duplicates only), not {}",
                common.similarity
            );
        }
        if !(1..=64).contains(&common.shingle) {
            bail!(
                "--shingle must be from 1 to 64 words, not {}",
                common.shingle
            );
        }
        if common.jobs == Some(0) {
            bail!("--jobs must be at least 1");
        }
        let near = (!common.no_near && common.similarity < 1.0).then(|| NearOptions {
            threshold: common.similarity,
            shingle: common.shingle,
            ..NearOptions::default()
        });
        let decode = DecodeOptions {
            encoding,
            force_text: common.text,
        };
        let batch = (!single_plain_file).then(|| {
            let single = inputs.len() == 1
                && !std::path::Path::new(&inputs[0]).is_dir()
                && common.files_from.is_none()
                && common.files0_from.is_none();
            BatchConfig {
                sources: SourceOptions {
                    inputs: inputs.clone(),
                    files_from: common.files_from.clone(),
                    files0_from: common.files0_from.clone(),
                    globs: common.glob.clone(),
                    follow_links: common.follow,
                    jsonl: common.jsonl,
                },
                output: match (mode, in_place, &output) {
                    (Mode::Check, _, _) => BatchOutput::None,
                    (_, true, _) => BatchOutput::InPlace,
                    (_, _, Destination::Stdout) => BatchOutput::Stdout,
                    (_, _, Destination::File(path)) if single && !path.is_dir() => {
                        BatchOutput::File(path.clone())
                    }
                    (_, _, Destination::File(path)) => BatchOutput::Dir(path.clone()),
                },
                decompress,
                fsync,
                report: None,
                decode,
                clean: CleanOptions::default(),
                templates: TemplateOptions {
                    enabled: !common.no_template,
                    min_docs: common.template_min_docs,
                    min_share: common.template_min_share,
                },
                text_field: common.text_field.clone(),
                id_field: common.id_field.clone(),
                drop_empty: common.drop_empty,
                keep_bom: common.keep_bom,
                quiet: common.quiet,
                verbose: common.verbose,
                progress: true,
            }
        });
        let mut config = Config {
            mode,
            batch,
            check,
            input,
            output,
            report,
            stats: common.stats,
            jobs: common.jobs,
            quiet: common.quiet,
            keep_bom: common.keep_bom,
            decode,
            clean: CleanOptions {
                split: match common.split {
                    SplitArg::Auto => SplitMode::Auto,
                    SplitArg::Blank => SplitMode::Blank,
                    SplitArg::Line => SplitMode::Line,
                },
                crumbs: CrumbOptions {
                    enabled: !common.no_crumbs,
                    level: match common.strip {
                        StripArg::Conservative => StripLevel::Conservative,
                        StripArg::Balanced => StripLevel::Balanced,
                        StripArg::Aggressive => StripLevel::Aggressive,
                    },
                    user_rules: user_patterns("--crumb-rule", &common.crumb_rule)?,
                    keep_rules: user_patterns("--keep-rule", &common.keep_rule)?,
                    max_line_chars: common.max_line_chars,
                    template_lines: None,
                },
                dedup: DedupOptions {
                    min_words: common.min_words,
                    near,
                    keep: match common.keep {
                        KeepArg::First => KeepRule::First,
                        KeepArg::Longest => KeepRule::Longest,
                    },
                },
                language: match language {
                    Some(words) => LanguageChoice::Given(words),
                    // Crumb rules and reports are the only readers of the language.
                    None if !common.no_crumbs || common.report.is_some() || common.stats => {
                        LanguageChoice::Detect
                    }
                    None => LanguageChoice::Unused,
                },
            },
        };
        let clean = config.clean.clone();
        let report = config
            .report
            .as_ref()
            .map(|r| (r.destination.clone(), r.format));
        if let Some(batch) = config.batch.as_mut() {
            batch.clean = clean;
            batch.report = report;
            if batch.output == BatchOutput::Stdout
                && matches!(batch.report, Some((Destination::Stdout, _)))
            {
                bail!("--report - and the clean text cannot both go to standard output; use -o");
            }
        }
        Ok(config)
    }
}

fn report_target(path: &OsString, format: Option<ReportFormatArg>) -> Result<ReportTarget> {
    let destination = if path == "-" {
        Destination::Stdout
    } else {
        Destination::File(PathBuf::from(path))
    };
    let format = match format {
        Some(ReportFormatArg::Json) => ReportFormat::Json,
        Some(ReportFormatArg::Diff) => ReportFormat::Diff,
        Some(ReportFormatArg::Text) => ReportFormat::Text,
        Some(ReportFormatArg::Tsv) => ReportFormat::Tsv,
        None => match &destination {
            Destination::File(path) => {
                ReportFormat::from_extension(path).unwrap_or(ReportFormat::Text)
            }
            Destination::Stdout => ReportFormat::Text,
        },
    };
    Ok(ReportTarget {
        destination,
        format,
    })
}

/// Compiles user patterns with a size limit, naming the flag and pattern on error.
fn user_patterns(flag: &str, patterns: &[String]) -> Result<Vec<Regex>> {
    patterns
        .iter()
        .map(|p| {
            RegexBuilder::new(p)
                .size_limit(USER_PATTERN_SIZE_LIMIT)
                .dfa_size_limit(USER_PATTERN_SIZE_LIMIT)
                .build()
                .with_context(|| format!("invalid {flag} {p:?}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    fn config(args: &[&str]) -> Result<Config> {
        Cli::try_parse_from(args)?.into_config()
    }

    #[test]
    fn report_format_from_extension_or_flag() {
        let c = config(&["unscrape", "clean", "a.txt", "--report", "r.diff"]).unwrap();
        assert_eq!(c.report.unwrap().format, ReportFormat::Diff);
        let c = config(&[
            "unscrape",
            "clean",
            "a",
            "--report",
            "r",
            "--report-format",
            "json",
        ])
        .unwrap();
        assert_eq!(c.report.unwrap().format, ReportFormat::Json);
    }

    #[test]
    fn bad_values_are_errors() {
        assert!(config(&["unscrape", "clean", "a", "--encoding", "klingon"]).is_err());
        assert!(config(&["unscrape", "clean", "a", "--crumb-rule", "("]).is_err());
        assert!(config(&["unscrape", "clean", "a", "--crumb-rule", "a{1000}{1000}"]).is_err());
        assert!(config(&["unscrape", "clean", "a", "--report", "-"]).is_err());
        for bad in ["0", "1.5", "-0.2", "NaN"] {
            assert!(
                config(&["unscrape", "clean", "a", "--similarity", bad]).is_err(),
                "{bad}"
            );
        }
        assert!(config(&["unscrape", "clean", "a", "--shingle", "0"]).is_err());
        assert!(config(&["unscrape", "clean", "a", "--jobs", "0"]).is_err());
        let err = config(&["unscrape", "clean", "a", "--language", "xx"]).unwrap_err();
        assert!(
            err.to_string().contains("unknown --language \"xx\""),
            "{err}"
        );
        assert!(err.to_string().contains("en, es"), "{err}");
    }

    #[test]
    fn language_is_detected_given_or_unused() {
        let language = |args: &[&str]| {
            let mut all = vec!["unscrape", "clean", "a"];
            all.extend_from_slice(args);
            config(&all).unwrap().clean.language
        };
        assert!(matches!(language(&[]), LanguageChoice::Detect));
        assert!(matches!(
            language(&["--language", "AUTO"]),
            LanguageChoice::Detect
        ));
        assert!(matches!(
            language(&["--language", "fr"]),
            LanguageChoice::Given(words) if words.language == "fr"
        ));
        assert!(matches!(language(&["--no-crumbs"]), LanguageChoice::Unused));
        assert!(matches!(
            language(&["--no-crumbs", "--stats"]),
            LanguageChoice::Detect
        ));
        assert!(matches!(
            language(&["--no-crumbs", "--language", "de"]),
            LanguageChoice::Given(_)
        ));
    }

    #[test]
    fn similarity_one_or_no_near_is_exact_only() {
        let c = config(&["unscrape", "clean", "a", "--similarity", "1"]).unwrap();
        assert!(c.clean.dedup.near.is_none());
        let c = config(&["unscrape", "clean", "a", "--no-near"]).unwrap();
        assert!(c.clean.dedup.near.is_none());
        let c = config(&["unscrape", "clean", "a"]).unwrap();
        assert_eq!(c.clean.dedup.near.unwrap().threshold, DEFAULT_SIMILARITY);
    }
}
