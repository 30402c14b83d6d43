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
///
/// A word of at most [`PACKED_BYTES`] bytes is looked up as one integer (its bytes and its
/// length): hashing and comparing strings was ≈ 5% of a crumbs-and-exact run (perf), an
/// integer's hash is two multiplications and its comparison one instruction.
#[derive(Debug, Default)]
struct WordSet {
    short: FxHashSet<u128>,
    long: FxHashSet<&'static str>,
}

/// Longest word packed into a `u128`: fifteen bytes and a length byte.
const PACKED_BYTES: usize = 15;

/// `word` as one integer, if it is short enough; two words pack alike only if equal.
fn packed(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    if bytes.len() > PACKED_BYTES {
        return None;
    }
    let mut buffer = [0u8; 16];
    buffer[..bytes.len()].copy_from_slice(bytes);
    buffer[15] = bytes.len() as u8;
    Some(u128::from_le_bytes(buffer))
}

impl WordSet {
    fn new(list: &[&'static str]) -> Self {
        let mut set = Self::default();
        for &word in list {
            match packed(word) {
                Some(key) => set.short.insert(key),
                None => set.long.insert(word),
            };
        }
        set
    }

    fn contains(&self, word: &str) -> bool {
        match packed(word) {
            Some(key) => self.short.contains(&key),
            None => self.long.contains(word),
        }
    }
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
    let set: &'static WordSet = Box::leak(Box::new(WordSet::new(list)));
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

    /// Whether a lower-case word is a function word.
    pub fn contains(&self, lower_word: &str) -> bool {
        self.words.contains(lower_word)
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
    fn every_listed_word_and_no_other_is_a_function_word() {
        for code in ["en", "de", "ru", "ar", "zh", "el", "fr", "hu", "fi"] {
            let words = FunctionWords::for_code(code).expect("a shipped list");
            let list = stop_words::lookup(code).expect("a shipped list");
            for word in list {
                assert!(words.contains(word), "{code}: {word:?}");
                // A word with a byte more or less, or a zero byte added, is another word.
                let longer = format!("{word}\0");
                assert_eq!(
                    words.contains(&longer),
                    list.contains(&longer.as_str()),
                    "{code}: {longer:?}"
                );
                if let Some((cut, _)) = word.char_indices().last() {
                    let shorter = &word[..cut];
                    assert_eq!(
                        words.contains(shorter),
                        list.contains(&shorter),
                        "{code}: {shorter:?}"
                    );
                }
            }
            for other in [
                "",
                "zzz",
                "government",
                "x",
                "ü",
                "\0",
                &"a".repeat(15),
                &"a".repeat(16),
                &"ü".repeat(9),
            ] {
                assert_eq!(
                    words.contains(other),
                    list.contains(&other),
                    "{code}: {other:?}"
                );
            }
        }
    }

    #[test]
    fn gibberish_falls_back_to_english() {
        let words = FunctionWords::detect("x");
        assert!(!words.detected);
        assert!(words.contains("the"));
    }
}
