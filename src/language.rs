//! Language detection and function words.
//!
//! Receives a document's text; returns the set of function (stop) words of its language,
//! from the NLTK lists the `stop-words` crate ships. Crumb rules use the share of function
//! words in a line as a sign of prose: menu entries are noun phrases ("World News",
//! "Contact Us"), sentences are full of "the", "of", "and". Never judges lines itself.

use rustc_hash::FxHashSet;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// A language's function words. Built once per language and process: every document
/// (and every fixed-point pass) asks, and a set costs a few hundred allocations.
#[derive(Debug, Default)]
struct WordSet {
    words: FxHashSet<&'static str>,
    /// Bytes of the longest: a caller can refuse a longer word without a look-up.
    longest: usize,
}

/// Function words of one language.
#[derive(Debug, Clone, Copy)]
pub struct FunctionWords {
    /// ISO 639-1 code of the language the words are for.
    pub language: &'static str,
    /// Whether the language was detected (false: the English fallback was used).
    pub detected: bool,
    words: &'static WordSet,
}

/// The word set of a language code, built on first use and kept for the process.
fn word_set(code: &'static str) -> Option<&'static WordSet> {
    static SETS: OnceLock<Mutex<HashMap<&'static str, &'static WordSet>>> = OnceLock::new();
    let sets = SETS.get_or_init(Default::default);
    // A poisoned lock only means another thread panicked mid-insert of a complete value.
    let mut sets = sets.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(set) = sets.get(code) {
        return Some(set);
    }
    let list = stop_words::lookup(code)?;
    // Leaked on purpose: at most one set per shipped language, alive for the process.
    let set: &'static WordSet = Box::leak(Box::new(WordSet {
        words: list.iter().copied().collect(),
        longest: list.iter().map(|w| w.len()).max().unwrap_or(0),
    }));
    sets.insert(code, set);
    Some(set)
}

/// The empty set, for a build without an English list.
fn no_words() -> &'static WordSet {
    static EMPTY: OnceLock<WordSet> = OnceLock::new();
    EMPTY.get_or_init(WordSet::default)
}

impl FunctionWords {
    /// The function words of the language with this ISO 639-1 code, if a list ships for it.
    pub fn for_code(code: &'static str) -> Option<Self> {
        Some(Self {
            language: code,
            detected: true,
            words: word_set(code)?,
        })
    }

    /// English, used when the language cannot be told or has no list.
    pub fn english_fallback() -> Self {
        let mut words = Self::for_code("en").unwrap_or(Self {
            language: "en",
            detected: false,
            words: no_words(),
        });
        words.detected = false;
        words
    }

    /// Whether a lower-case word is a function word. Inlined: the crumb rules ask for
    /// every word of every line.
    #[inline]
    pub fn contains(&self, lower_word: &str) -> bool {
        self.words.words.contains(lower_word)
    }

    /// Bytes of the longest function word: a word longer than that is none.
    #[inline]
    pub fn longest(&self) -> usize {
        self.words.longest
    }

    /// Detects the language of `sample` (prose works best) and returns its function words.
    pub fn detect(sample: &str) -> Self {
        whatlang::detect(sample)
            .filter(|info| info.is_reliable())
            .and_then(|info| iso_639_1(info.lang()))
            .and_then(Self::for_code)
            .unwrap_or_else(Self::english_fallback)
    }
}

/// Maps whatlang's languages to the ISO 639-1 codes of the NLTK stop-word lists.
fn iso_639_1(lang: whatlang::Lang) -> Option<&'static str> {
    use whatlang::Lang::*;
    Some(match lang {
        Eng => "en",
        Fra => "fr",
        Deu => "de",
        Spa => "es",
        Ita => "it",
        Por => "pt",
        Nld => "nl",
        Rus => "ru",
        Swe => "sv",
        Dan => "da",
        Fin => "fi",
        Hun => "hu",
        Nob => "no",
        Tur => "tr",
        Ara => "ar",
        Ell => "el",
        Ind => "id",
        Ron => "ro",
        Slv => "sl",
        Aze => "az",
        Nep => "ne",
        Ben => "bn",
        Heb => "he",
        Cmn => "zh",
        Tgl => "tl",
        Ukr => "uk",
        Cat => "ca",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_prose_is_detected() {
        let words = FunctionWords::detect(
            "The ministers said on Tuesday that they would not support the proposal, \
             which had been drafted by the opposition over the course of the summer.",
        );
        assert_eq!(words.language, "en");
        assert!(words.detected);
        assert!(words.contains("the") && words.contains("of"));
        assert!(!words.contains("news"));
    }

    #[test]
    fn german_prose_gets_german_words() {
        let words = FunctionWords::detect(
            "Die Regierung hat am Dienstag erklärt, dass sie den Vorschlag der Opposition \
             nicht unterstützen wird, weil er zu teuer und zu spät sei.",
        );
        assert_eq!(words.language, "de");
        assert!(words.contains("und"));
    }

    #[test]
    fn gibberish_falls_back_to_english() {
        let words = FunctionWords::detect("x");
        assert!(!words.detected);
        assert!(words.contains("the"));
    }
}
