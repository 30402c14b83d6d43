//! The unified diff report: original → clean, with hunk headers naming line numbers.

use similar::{Algorithm, TextDiff};

/// Lines of context around each hunk.
const CONTEXT_LINES: usize = 3;

/// A unified diff from `original` to `clean`, labelled with `name`.
pub fn unified_diff(name: &str, original: &str, clean: &str) -> String {
    // Patience aligns unique lines first: the clean text is a subsequence of the original,
    // and patience finds that alignment without Myers' cost on large deletions.
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .diff_lines(original, clean);
    let mut unified = diff.unified_diff();
    unified
        .context_radius(CONTEXT_LINES)
        .header(&format!("a/{name}"), &format!("b/{name}"));
    unified.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_lines_are_minus_lines_with_line_numbers() {
        let d = unified_diff("x.txt", "a\nHome > News\nb\n", "a\nb\n");
        assert!(d.starts_with("--- a/x.txt\n+++ b/x.txt\n"));
        assert!(d.contains("@@ -1,3 +1,2 @@"));
        assert!(d.contains("\n-Home > News\n"));
    }

    #[test]
    fn no_change_no_hunks() {
        assert_eq!(unified_diff("x", "a\n", "a\n"), "");
    }
}
