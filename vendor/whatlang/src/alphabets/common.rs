//! It's a hard-core optimized implementation of a relatively simple algorithm.
//! The explanation of the algorithm can be found in the parent module [crate::alphabets].

use super::RawOutcome;
use crate::core::{FilterList, LowercaseText};
use crate::utils::is_stop_char;
use crate::{Lang, Script};
use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Inverted map binding a character to a set of languages.
pub fn build_inverted_map(alphabets: &[(Lang, &str)]) -> (Vec<char>, Vec<Vec<Lang>>) {
    let mut map = HashMap::new();

    for (lang, alphabet) in alphabets {
        for c in alphabet.chars() {
            let entry = map.entry(c).or_insert_with(Vec::new);
            entry.push(*lang);
        }
    }

    let mut char_lang: Vec<_> = map.into_iter().collect();

    char_lang.sort_unstable_by_key(|(c, _)| *c);

    let mut chars = Vec::with_capacity(char_lang.len());
    let mut langs = Vec::with_capacity(char_lang.len());
    for (ch, languages) in char_lang {
        chars.push(ch);
        langs.push(languages);
    }

    (chars, langs)
}

pub fn generic_alphabet_calculate_scores(
    script: Script,
    lang_map: &LazyLock<(Vec<char>, Vec<Vec<Lang>>)>,
    text: &LowercaseText,
    filter_list: &FilterList,
) -> RawOutcome {
    let (chars, langs) = &**lang_map;
    let script_langs = script.langs();

    let (char_scores, max_raw_score) = score_chars(chars, text);

    // score of each lang.
    let mut lang_scores = vec![0; Lang::all().len()];
    let mut common_score: usize = 0;
    // iterate over scored characters to compute language's scores.
    for (position, char_score) in char_scores.into_iter().enumerate() {
        if char_score > 0 {
            let languages = &langs[position];
            // if current character is common to all Languages, increment a common score
            // instead of iterating over all Languages scores.
            if languages.len() == script_langs.len() {
                common_score += char_score;
            } else {
                for &lang in languages {
                    lang_scores[lang as usize] += char_score;
                }
            }
        }
    }

    // remap languages with theirs scores.
    let mut raw_scores: Vec<(Lang, usize)> = script_langs
        .iter()
        .filter(|&&l| filter_list.is_allowed(l))
        .map(|&l| {
            let score = (lang_scores[l as usize] + common_score).saturating_sub(max_raw_score);
            (l, score)
        })
        .collect();

    raw_scores.sort_unstable_by_key(|(_, score)| Reverse(*score));

    let mut normalized_scores = vec![];

    for &(lang, raw_score) in raw_scores.iter() {
        let normalized_score = raw_score as f64 / max_raw_score as f64;
        normalized_scores.push((lang, normalized_score));
    }

    RawOutcome {
        count: max_raw_score,
        raw_scores,
        scores: normalized_scores,
    }
}

/// Each alphabet character's score (2 per occurrence) and the text's count of characters
/// that are not stop characters.
///
/// unscrape patch: ASCII characters (most characters of most texts) are counted by value
/// first, and each value's position is searched and scored once per text; the scores are
/// sums, so the order they are added in does not change them. The release's loop is kept,
/// test-only, as `score_chars_one_by_one`.
fn score_chars(chars: &[char], text: &str) -> (Vec<usize>, usize) {
    let mut char_scores = vec![0; chars.len()];
    let mut max_raw_score = 0;
    let mut ascii_counts = [0usize; 128];
    for ch in text.chars() {
        if let Some(count) = ascii_counts.get_mut(ch as usize) {
            *count += 1;
            continue;
        }
        if is_stop_char(ch) {
            continue;
        }
        max_raw_score += 1;
        if let Ok(position) = chars.binary_search(&ch) {
            char_scores[position] += 2;
        }
    }
    for (byte, &count) in ascii_counts.iter().enumerate() {
        let ch = char::from(byte as u8);
        if count == 0 || is_stop_char(ch) {
            continue;
        }
        max_raw_score += count;
        if let Ok(position) = chars.binary_search(&ch) {
            char_scores[position] += 2 * count;
        }
    }
    (char_scores, max_raw_score)
}

#[cfg(test)]
fn score_chars_one_by_one(chars: &[char], text: &str) -> (Vec<usize>, usize) {
    let mut char_scores = vec![0; chars.len()];
    let mut max_raw_score = 0;
    // iterate over the text and scores characters.
    for ch in text.chars() {
        if is_stop_char(ch) {
            continue;
        }

        max_raw_score += 1;

        if let Ok(position) = chars.binary_search(&ch) {
            // add 2 and remove max_raw_score at the end,
            // to keep the score interval of -max_raw_score..max_raw_score
            char_scores[position] += 2;
        }
    }
    (char_scores, max_raw_score)
}

#[cfg(test)]
mod unscrape_tests {
    use super::*;

    #[test]
    fn character_scores_are_the_release_scores() {
        let mut state: u32 = 77;
        let mut next = move |bound: u32| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state % bound
        };
        let latin = &crate::alphabets::latin::ALPHABET_LANG_MAP.0;
        let cyrillic = &crate::alphabets::cyrillic::CYRILLIC_ALPHABET_LANG_MAP.0;
        let alphabet = [
            'a', 'q', 'z', 'w', ' ', '.', '7', '\u{7f}', '\u{0}', 'é', 'ß', 'ø', 'ж', 'ї', '中',
        ];
        for length in [0, 1, 5, 100, 3000] {
            for _ in 0..20 {
                let text: String = (0..length)
                    .map(|_| alphabet[next(alphabet.len() as u32) as usize])
                    .collect();
                for chars in [latin, cyrillic] {
                    assert_eq!(
                        score_chars(chars, &text),
                        score_chars_one_by_one(chars, &text),
                        "{text:?}"
                    );
                }
            }
        }
    }
}
