//! Language detection and function words.
//!
//! Receives a document's text; returns the set of function (stop) words of its language,
//! from the NLTK lists the `stop-words` crate ships. Crumb rules use the share of function
//! words in a line as a sign of prose: menu entries are noun phrases ("World News",
//! "Contact Us"), sentences are full of "the", "of", "and". Never judges lines itself.

use std::collections::HashSet;

/// Function words of one language.
#[derive(Debug, Clone)]
pub struct FunctionWords {
    /// ISO 639-1 code of the language the words are for.
    pub language: &'static str,
    /// Whether the language was detected (false: the English fallback was used).
    pub detected: bool,
    words: HashSet<&'static str>,
}

impl FunctionWords {
    /// The function words of the language with this ISO 639-1 code, if a list ships for it.
    pub fn for_code(code: &'static str) -> Option<Self> {
        let list = stop_words::lookup(code)?;
        Some(Self {
            language: code,
            detected: true,
            words: list.iter().copied().collect(),
        })
    }

    /// English, used when the language cannot be told or has no list.
    pub fn english_fallback() -> Self {
        let mut words = Self::for_code("en").unwrap_or(Self {
            language: "en",
            detected: false,
            words: HashSet::new(),
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
    fn gibberish_falls_back_to_english() {
        let words = FunctionWords::detect("x");
        assert!(!words.detected);
        assert!(words.contains("the"));
    }
}
