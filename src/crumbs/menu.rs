//! Menus: runs of short list items before the article's first prose line or after its
//! last, reading like navigation entries (few words, no sentence punctuation, few function
//! words). A list inside the article, or a list of full references, is content.

use super::shape::{function_ratio, LineShape, ListMarker, ProseCounts};

/// Most words a menu entry has.
const MAX_ITEM_WORDS: usize = 6;
/// Most characters a menu entry has.
const MAX_ITEM_CHARS: usize = 60;
/// A menu entry is a noun phrase: at most this share of function words. Judged only on
/// items of at least [`MIN_WORDS_FOR_RATIO`] words: in "About us" or "Contact us" the ratio
/// of two words says nothing.
const MAX_ITEM_FUNCTION_RATIO: f64 = 0.34;
const MIN_WORDS_FOR_RATIO: usize = 4;
/// Fewest items in a run for it to be a menu: one short item alone is not a menu.
pub const MIN_RUN_ITEMS: usize = 2;

/// Whether a line reads like a menu entry.
pub fn is_menu_item(shape: &LineShape<'_>) -> bool {
    shape.marker.is_some()
        && shape.words >= 1
        && shape.words <= MAX_ITEM_WORDS
        && shape.chars <= MAX_ITEM_CHARS
        && !shape.ends_sentence
        && !shape.has_clause_punctuation
        && !shape.body.ends_with(':')
        && (shape.words < MIN_WORDS_FOR_RATIO || shape.function_ratio() <= MAX_ITEM_FUNCTION_RATIO)
}

/// Whether a line is a list item at all.
pub fn is_list_item(shape: &LineShape<'_>) -> bool {
    matches!(
        shape.marker,
        Some(ListMarker::Bullet) | Some(ListMarker::Numbered)
    )
}

/// Words and shape of a line of article prose: enough words, sentence structure, and
/// function words. Lines before the first and after the last such line are the page's
/// top and bottom, where menus live.
pub fn is_prose(shape: &LineShape<'_>, function_words_known: bool) -> bool {
    is_prose_counts(&ProseCounts::from(shape), function_words_known)
}

/// [`is_prose`] by a text's counts.
pub fn is_prose_counts(counts: &ProseCounts, function_words_known: bool) -> bool {
    is_prose_text(
        counts.words,
        function_ratio(counts.function_words, counts.words),
        counts.ends_sentence,
        function_words_known,
    )
}

/// Least share of function words in prose; judged only where the language's function
/// words are known (an undetected language has none to count).
const MIN_PROSE_FUNCTION_RATIO: f64 = 0.15;

/// Prose by the numbers: at least 10 words, ending like a sentence (or 20 words), and, in a
/// language whose function words are known, enough of them.
pub fn is_prose_text(
    words: usize,
    function_ratio: f64,
    ends_sentence: bool,
    function_words_known: bool,
) -> bool {
    words >= 10
        && (ends_sentence || words >= 20)
        && (!function_words_known || function_ratio >= MIN_PROSE_FUNCTION_RATIO)
}

#[cfg(test)]
mod tests {
    use super::super::shape::measure;
    use super::*;
    use crate::language::FunctionWords;

    fn item(line: &str) -> bool {
        is_menu_item(&measure(line, &FunctionWords::english_fallback()))
    }

    #[test]
    fn seed_breadcrumb_items_are_menu_items() {
        for line in [
            "- RSIS",
            "- Publication",
            "- RSIS Publications",
            "- NTS Bulletin September 2015",
        ] {
            assert!(item(line), "{line}");
        }
    }

    #[test]
    fn references_and_sentences_are_not() {
        for line in [
            "- UNODC, “Global Report on Trafficking in Persons”, United Nations Publications 2014",
            "- The committee met twice.",
            "- Ingredients:",
            "- one of the best of the year",
            "Plain line without a marker",
        ] {
            assert!(!item(line), "{line}");
        }
    }
}
