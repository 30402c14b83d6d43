//! The command line: clap's derive definitions, turned into a plain [`Config`]. The only
//! module that knows clap.

use crate::config::{Config, Destination, Mode, ReportTarget};
use crate::crumbs::{CrumbOptions, StripLevel, DEFAULT_MAX_LINE_CHARS};
use crate::dedup::{
    DedupOptions, KeepRule, NearOptions, DEFAULT_MIN_WORDS, DEFAULT_SHINGLE, DEFAULT_SIMILARITY,
};
use crate::input::decode::{DecodeOptions, EncodingChoice};
use crate::input::Source;
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
    /// The document to clean (`-` for standard input).
    #[arg(value_name = "INPUT")]
    pub input: OsString,

    /// Write the clean text to FILE (atomically) instead of standard output (`-`).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<OsString>,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The document to check (`-` for standard input).
    #[arg(value_name = "INPUT")]
    pub input: OsString,

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
        let (mode, input, output, common) = match self.command {
            Command::Clean(args) => (Mode::Clean, args.input, args.output, args.common),
            Command::Check(args) => (Mode::Check, args.input, None, args.common),
        };
        let output = match output {
            Some(path) if path != "-" => Destination::File(PathBuf::from(path)),
            _ => Destination::Stdout,
        };
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
        Ok(Config {
            mode,
            input: Source::from_arg(&input),
            output,
            report,
            stats: common.stats,
            jobs: common.jobs,
            quiet: common.quiet,
            keep_bom: common.keep_bom,
            decode: DecodeOptions {
                encoding,
                force_text: common.text,
            },
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
                },
                dedup: DedupOptions {
                    min_words: common.min_words,
                    near,
                    keep: match common.keep {
                        KeepArg::First => KeepRule::First,
                        KeepArg::Longest => KeepRule::Longest,
                    },
                },
            },
        })
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
