//! The readable summary report and the one-line `--stats` summary.

use super::json::{range_text, DocumentReport};
use std::fmt::Write;

/// A readable account of a document's removals.
pub fn text_report(report: &DocumentReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", report.file);
    let _ = writeln!(out, "  {}", stats_line(report));
    let _ = writeln!(
        out,
        "  split: {}, language: {}{}",
        serde_json::to_value(report.split)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        report.language,
        if report.language_given {
            " (given)"
        } else if report.language_detected {
            ""
        } else {
            " (fallback)"
        }
    );
    let crumbs: Vec<_> = report
        .removals
        .iter()
        .filter(|r| r.kind == "crumb")
        .collect();
    if !crumbs.is_empty() {
        let _ = writeln!(out, "\ncrumbs ({}):", crumbs.len());
        for r in crumbs {
            let _ = writeln!(out, "  line {:<6} {:<18} {}", r.lines[0], r.rule, r.preview);
        }
    }
    let near: Vec<_> = report
        .removals
        .iter()
        .filter(|r| r.rule == "near-duplicate")
        .collect();
    if !near.is_empty() {
        let _ = writeln!(out, "\nnear duplicates ({}):", near.len());
        for r in near {
            let _ = writeln!(
                out,
                "  lines {} ~ lines {}: {}",
                range_text(r.lines),
                r.duplicate_of
                    .as_ref()
                    .map_or(String::new(), |o| range_text(o.lines)),
                r.reason
            );
            if let Some(diff) = &r.diff {
                let _ = writeln!(out, "    {diff}");
            }
        }
    }
    if !report.sections.is_empty() {
        let _ = writeln!(out, "\nduplicated sections ({}):", report.sections.len());
        for s in &report.sections {
            let _ = writeln!(
                out,
                "  lines {} repeat lines {} ({} paragraph{})",
                range_text(s.lines),
                range_text(s.repeats),
                s.paragraphs,
                if s.paragraphs == 1 { "" } else { "s" }
            );
        }
    }
    out
}

/// One line: what went in, what was removed, what came out.
pub fn stats_line(report: &DocumentReport) -> String {
    let t = &report.totals;
    let share = if report.bytes_in == 0 {
        0.0
    } else {
        100.0 * t.bytes_removed as f64 / report.bytes_in as f64
    };
    format!(
        "{} paragraphs in, {} out; removed {} crumb line{}, {} duplicate paragraph{} ({} near) in {} section{} ({} bytes, {:.1}%)",
        report.paragraphs_in,
        report.paragraphs_out,
        t.crumb_lines,
        if t.crumb_lines == 1 { "" } else { "s" },
        t.duplicate_paragraphs,
        if t.duplicate_paragraphs == 1 { "" } else { "s" },
        t.near_duplicate_paragraphs,
        t.duplicate_sections,
        if t.duplicate_sections == 1 { "" } else { "s" },
        t.bytes_removed,
        share
    )
}
