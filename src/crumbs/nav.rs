//! Navigation-like lines: short labels that menus, tag lists and footers are made of, and
//! the lines that look short but are article furniture (datelines and bylines).

use super::automata::{COMMENTS_HEADING, DATE};
use super::shape::LineShape;

/// Most words of a short label.
const MAX_LABEL_WORDS: usize = 4;
/// Fewest consecutive navigation-like lines outside the body that make a navigation run.
pub const MIN_NAV_RUN: usize = 3;

/// A dateline: a date or time, in the forms pages print them ([`super::patterns::DATE`]).
pub fn is_dateline(body: &str) -> bool {
    // The word count first, stopping at the thirteenth word: most lines are prose, and
    // the pattern would scan all of them.
    body.split_whitespace().nth(12).is_none() && DATE.is_match(body)
}

/// A byline: "By Sam Patel", "Written by …", "Author: …".
pub fn is_byline(body: &str) -> bool {
    // Credits are often wrapped in brackets or emphasis: "(Reporting by …; Editing by …)".
    let start = body.trim_start_matches(['(', '[', '*', '_', ' ']);
    let starts_with = |prefix: &str| {
        start
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    [
        "by ",
        "written by ",
        "posted by ",
        "author:",
        "reporting by ",
    ]
    .iter()
    .any(|p| starts_with(p))
        && body.split_whitespace().nth(12).is_none()
}

/// Whether a line reads like a navigation entry: a short label or a menu item, and not a
/// dateline, byline or sentence.
pub fn is_nav_like(shape: &LineShape<'_>) -> bool {
    if shape.words == 0 {
        // Separators and decoration ("* * *", "|", "**") belong to whatever surrounds them.
        return true;
    }
    // The shape first: a sentence or a long line is not navigation, and most lines are
    // prose, so the date pattern and byline prefixes are asked of few.
    let sentence = shape.ends_sentence && shape.words >= 3;
    if sentence || !(shape.words <= MAX_LABEL_WORDS || super::menu::is_menu_item(shape)) {
        return false;
    }
    !(is_dateline(shape.body) || is_byline(shape.body))
}

/// Most words of a short line that counts as repeated chrome.
pub const MAX_REPEATED_WORDS: usize = 6;

/// Most words of a headline in a list of links (related stories, most read).
const MAX_HEADLINE_WORDS: usize = 16;

/// A list item that reads like a linked headline: no sentence ending, a headline's length.
pub fn is_headline_item(shape: &LineShape<'_>) -> bool {
    shape.marker.is_some()
        && shape.words >= 1
        && shape.words <= MAX_HEADLINE_WORDS
        && !shape.ends_sentence
}

/// The heading that opens a comments section: "Comments", "12 Comments", "Leave a Reply",
/// "Top Rated Comments (View all)". English only: other languages' comment sections are
/// left to the other rules.
pub fn is_comments_heading(body: &str) -> bool {
    // A heading never ends with a full stop: "comment." is the end of a wrapped sentence.
    !body.trim_end().ends_with('.') && COMMENTS_HEADING.is_match(body)
}

/// A line that is a sentence (or more): ends like one and has a few words.
pub fn is_sentence(shape: &LineShape<'_>) -> bool {
    shape.ends_sentence && shape.words >= 3
}

#[cfg(test)]
mod tests {
    use super::super::shape::measure;
    use super::*;
    use crate::language::FunctionWords;

    fn nav(line: &str) -> bool {
        is_nav_like(&measure(line, &FunctionWords::english_fallback()))
    }

    #[test]
    fn labels_are_nav_like() {
        for line in [
            "New York",
            "Architecture and Design",
            "  * Top Charities",
            "Politics: Don Martin",
            "* * *",
            "### Sections",
        ] {
            assert!(nav(line), "{line}");
        }
    }

    #[test]
    fn comments_headings() {
        for line in [
            "### Comments",
            "12 Comments",
            "Leave a Reply",
            "## Top Rated Comments",
            "Comments (4)",
        ] {
            assert!(is_comments_heading(line), "{line}");
        }
        for line in [
            "Comments are closed for this article because of legal reasons.",
            "No comment",
        ] {
            assert!(!is_comments_heading(line), "{line}");
        }
    }

    #[test]
    fn furniture_and_sentences_are_not() {
        for line in [
            "18 September 2015",
            "Nov.November 18, 2019 12:02 PM",
            "By David Jeans",
            "(Reporting by Will Dunham; Editing by Tom Brown)",
            "WeWork declined to comment.",
            "Cyberspace and Human Trafficking in Southeast Asia",
        ] {
            assert!(!nav(line), "{line}");
        }
    }
}
