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

/// Where a document's function words come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanguageSource {
    /// Detected from the document's prose.
    Detected,
    /// Given by the user (`--language`): nothing was detected.
    Given,
    /// English, because the language could not be told, has no list, or nobody asked.
    Fallback,
}

/// Function words of one language.
#[derive(Debug, Clone, Copy)]
pub struct FunctionWords {
    /// ISO 639-1 code of the language the words are for.
    pub language: &'static str,
    pub source: LanguageSource,
    words: &'static WordSet,
}

/// How each document's language is settled.
#[derive(Debug, Clone, Copy)]
pub enum LanguageChoice {
    /// Detected per document from its prose (the default).
    Detect,
    /// The same for every document: no detection (a corpus in one known language).
    Given(FunctionWords),
    /// Not needed (no crumb rules, no report): the English fallback, without detecting.
    Unused,
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
    /// The function words of the language with this ISO 639-1 code, if a list ships for
    /// it, as detected.
    pub fn for_code(code: &'static str) -> Option<Self> {
        Some(Self {
            language: code,
            source: LanguageSource::Detected,
            words: word_set(code)?,
        })
    }

    /// The function words of a language the user names by its code (ISO 639-1, as in
    /// [`Self::codes`]; any case), if a list ships for it.
    pub fn given(code: &str) -> Option<Self> {
        let code = code.trim().to_ascii_lowercase();
        let code = *Self::codes().iter().find(|c| **c == code)?;
        Some(Self {
            source: LanguageSource::Given,
            ..Self::for_code(code)?
        })
    }

    /// The codes of the languages whose function words ship, sorted.
    pub fn codes() -> &'static [&'static str] {
        stop_words::available_languages()
    }

    /// English, used when the language cannot be told or has no list.
    pub fn english_fallback() -> Self {
        Self {
            source: LanguageSource::Fallback,
            ..Self::for_code("en").unwrap_or(Self {
                language: "en",
                source: LanguageSource::Fallback,
                words: no_words(),
            })
        }
    }

    /// Whether the words are the document's language's (detected or given), not the
    /// fallback's: the crumb rules count function words only then.
    pub fn known(&self) -> bool {
        self.source != LanguageSource::Fallback
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
        assert_eq!(words.source, LanguageSource::Detected);
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
        assert_eq!(words.source, LanguageSource::Fallback);
        assert!(!words.known());
        assert!(words.contains("the"));
    }

    #[test]
    fn the_readme_lists_the_languages_there_are() {
        let readme: Vec<&str> = include_str!("../README.md").split_whitespace().collect();
        let listed = format!("(`{}`;", FunctionWords::codes().join(" "));
        assert!(
            readme.join(" ").contains(&listed),
            "README should list {listed}"
        );
    }

    #[test]
    fn a_given_language_is_known_and_not_detected() {
        let words = FunctionWords::given("DE").unwrap();
        assert_eq!(words.language, "de");
        assert_eq!(words.source, LanguageSource::Given);
        assert!(words.known());
        assert!(words.contains("und") && !words.contains("the"));
        assert!(FunctionWords::given("xx").is_none());
        assert!(FunctionWords::given("").is_none());
        // Every listed code has its words.
        for code in FunctionWords::codes() {
            let words = FunctionWords::given(code).unwrap();
            assert_eq!(words.language, *code);
            assert!(words.longest() > 0, "{code}");
        }
    }
}
