use hashbrown::HashMap;

use super::TEXT_TRIGRAMS_SIZE;
use super::Trigram;
use crate::core::LowercaseText;
use crate::utils::is_stop_char;

// unscrape patch: detection ranks a text's trigrams with `ranked_trigrams` (packed
// trigrams, counted in a map of integers, the first TEXT_TRIGRAMS_SIZE selected before
// sorting). The release's way, `get_trigrams_with_positions`, is kept for the tests that hold
// the two equal.

#[cfg(test)]
pub struct TrigramsWithPositions {
    pub(crate) _total_trigrams: u32,
    pub(crate) trigram_positions: HashMap<Trigram, u32>,
}

#[cfg(test)]
pub fn get_trigrams_with_positions(text: &LowercaseText) -> TrigramsWithPositions {
    let CountResult {
        total_trigrams,
        trigram_occurances,
    } = count(text);
    let trigram_positions = trigram_occurances_to_positions(trigram_occurances);
    TrigramsWithPositions {
        _total_trigrams: total_trigrams,
        trigram_positions,
    }
}

#[cfg(test)]
#[allow(clippy::unnecessary_sort_by)]
fn trigram_occurances_to_positions(
    trigram_occurances: HashMap<Trigram, u32>,
) -> HashMap<Trigram, u32> {
    // Sort in descending order by number of occurrences and trigrams
    let mut count_vec: Vec<_> = trigram_occurances
        .into_iter()
        .map(|(trigram, count)| (count, trigram))
        .collect();
    count_vec.sort_unstable_by(|a, b| b.cmp(a));

    count_vec
        .into_iter()
        .take(TEXT_TRIGRAMS_SIZE) // we're interested only in the first 600 (2 * MAX_TRIGRAM_DISTANCE)
        .enumerate()
        .map(|(i, (_, trigram))| (trigram, i as u32))
        .collect()
}

#[cfg(test)]
struct CountResult {
    total_trigrams: u32,
    trigram_occurances: HashMap<Trigram, u32>,
}

#[cfg(test)]
fn count(text: &LowercaseText) -> CountResult {
    let hash_capacity = calculate_initial_hash_capacity(text);
    let mut trigram_occurances: HashMap<Trigram, u32> = HashMap::with_capacity(hash_capacity);
    let mut total_trigrams = 0;

    // iterate through the string and count trigrams
    let mut chars_iter = text
        .chars()
        .map(to_trigram_char)
        //.flat_map(char::to_lowercase)
        .chain(Some(' '));
    let mut c1 = ' ';
    // unwrap is safe, because we always chain a space character on the end of the iterator
    let mut c2 = chars_iter.next().unwrap();
    for cur_char in chars_iter {
        let c3 = cur_char;
        if !(c2 == ' ' && (c1 == ' ' || c3 == ' ')) {
            let trigram = Trigram(c1, c2, c3);
            let count = trigram_occurances.entry(trigram).or_insert(0);
            *count += 1;
            total_trigrams += 1;
        }
        c1 = c2;
        c2 = c3;
    }

    CountResult {
        total_trigrams,
        trigram_occurances,
    }
}

const CHAR_BITS: u32 = 21;

/// A trigram as one integer ordered as the trigram is: a char is below 2^21.
pub fn pack(Trigram(a, b, c): Trigram) -> u64 {
    ((a as u64) << (2 * CHAR_BITS)) | ((b as u64) << CHAR_BITS) | c as u64
}

/// The text's trigrams (packed), the most frequent first and, among equally frequent, the
/// greater first; at most TEXT_TRIGRAMS_SIZE: a trigram's index is its position.
///
/// The same trigrams, counted the same way, as `get_trigrams_with_positions`. Each
/// (count, trigram) is one integer ordered as the tuple; the trigrams are distinct, so the
/// order is total and selecting the first TEXT_TRIGRAMS_SIZE before sorting them gives the
/// ranks of a full sort.
pub fn ranked_trigrams(text: &LowercaseText) -> Vec<u64> {
    let hash_capacity = calculate_initial_hash_capacity(text);
    let mut counts: HashMap<u64, u32> = HashMap::with_capacity(hash_capacity);
    let mut chars_iter = text.chars().map(to_trigram_char).chain(Some(' '));
    let mut c1 = ' ';
    let Some(mut c2) = chars_iter.next() else {
        return Vec::new();
    };
    for c3 in chars_iter {
        if !(c2 == ' ' && (c1 == ' ' || c3 == ' ')) {
            *counts.entry(pack(Trigram(c1, c2, c3))).or_insert(0) += 1;
        }
        c1 = c2;
        c2 = c3;
    }
    // Each (count, trigram) as one integer that orders as the tuple. Nearly always the
    // count and the three characters fit in 16 bits each, and a u64 sorts much faster
    // than a u128 (sorting networks for small runs).
    const FIELD: u64 = (1 << CHAR_BITS) - 1;
    const WIDE_CHAR_BITS: u64 = (FIELD >> 16) << 16;
    const WIDE_BITS: u64 =
        WIDE_CHAR_BITS | (WIDE_CHAR_BITS << CHAR_BITS) | (WIDE_CHAR_BITS << (2 * CHAR_BITS));
    let narrow = counts
        .iter()
        .all(|(&trigram, &count)| count < 1 << 16 && trigram & WIDE_BITS == 0);
    if narrow {
        let ranked = rank_descending(
            counts
                .into_iter()
                .map(|(trigram, count)| {
                    (count as u64) << 48
                        | (trigram >> (2 * CHAR_BITS)) << 32
                        | ((trigram >> CHAR_BITS) & FIELD) << 16
                        | (trigram & FIELD)
                })
                .collect(),
        );
        ranked
            .into_iter()
            .map(|key| {
                ((key >> 32) & 0xFFFF) << (2 * CHAR_BITS)
                    | ((key >> 16) & 0xFFFF) << CHAR_BITS
                    | (key & 0xFFFF)
            })
            .collect()
    } else {
        let ranked = rank_descending(
            counts
                .into_iter()
                .map(|(trigram, count)| ((count as u128) << (3 * CHAR_BITS)) | trigram as u128)
                .collect(),
        );
        ranked
            .into_iter()
            .map(|packed| (packed & ((1 << (3 * CHAR_BITS)) - 1)) as u64)
            .collect()
    }
}

/// The greatest TEXT_TRIGRAMS_SIZE keys, greatest first.
fn rank_descending<K: Ord>(mut keys: Vec<K>) -> Vec<K> {
    if keys.len() > TEXT_TRIGRAMS_SIZE {
        keys.select_nth_unstable_by(TEXT_TRIGRAMS_SIZE - 1, |a, b| b.cmp(a));
        keys.truncate(TEXT_TRIGRAMS_SIZE);
    }
    keys.sort_unstable_by(|a, b| b.cmp(a));
    keys
}

// Convert punctuations and digits to a space.
#[inline]
fn to_trigram_char(ch: char) -> char {
    if is_stop_char(ch) { ' ' } else { ch }
}

// In order to improve performance, define the initial capacity for trigrams hash map,
// based on the size of the input text.
#[inline]
fn calculate_initial_hash_capacity(text: &str) -> usize {
    const MAX_INITIAL_HASH_CAPACITY: usize = 2048;

    let len = text.len();
    if len > MAX_INITIAL_HASH_CAPACITY {
        MAX_INITIAL_HASH_CAPACITY
    } else {
        len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranked_trigrams_are_the_positions_the_release_computes() {
        let mut state: u32 = 12345;
        let mut next = move |bound: u32| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state % bound
        };
        // Few letters, so counts tie often and the order among equals is tested; CJK and
        // the highest code point for the packing; sizes around the 600 kept.
        let alphabet = [
            'a',
            'b',
            'e',
            'z',
            ' ',
            '\u{7f}',
            'é',
            'ж',
            'ß',
            '\u{10FFFF}',
            '中',
            '.',
            '7',
        ];
        for length in [0, 1, 2, 3, 10, 500, 2000, 5000] {
            for _ in 0..5 {
                let text: String = (0..length)
                    .map(|_| alphabet[next(alphabet.len() as u32) as usize])
                    .collect();
                let lower = LowercaseText::new(&text);
                let positions = get_trigrams_with_positions(&lower).trigram_positions;
                let ranked = ranked_trigrams(&lower);
                assert_eq!(ranked.len(), positions.len(), "{text:?}");
                for (trigram, &position) in &positions {
                    assert_eq!(ranked[position as usize], pack(*trigram), "{text:?}");
                }
            }
        }
        // Every letter a to z: far more than 600 distinct trigrams, many tied.
        for length in [3000, 20000] {
            let text: String = (0..length)
                .map(|_| match next(28) {
                    26 | 27 => ' ',
                    letter => char::from(b'a' + letter as u8),
                })
                .collect();
            let lower = LowercaseText::new(&text);
            let positions = get_trigrams_with_positions(&lower).trigram_positions;
            let ranked = ranked_trigrams(&lower);
            assert_eq!(ranked.len(), positions.len());
            for (trigram, &position) in &positions {
                assert_eq!(ranked[position as usize], pack(*trigram), "{text:?}");
            }
        }
        // A count that needs more than 16 bits, above one that does not.
        let text = format!("{} {}", "a".repeat(70_002), "b".repeat(5_002));
        let lower = LowercaseText::new(&text);
        let positions = get_trigrams_with_positions(&lower).trigram_positions;
        assert_eq!(ranked_trigrams(&lower)[0], pack(Trigram('a', 'a', 'a')));
        for (trigram, &position) in &positions {
            assert_eq!(ranked_trigrams(&lower)[position as usize], pack(*trigram));
        }
        // Many distinct trigrams: more than 600 to choose from.
        let text: String = (0x4E00..0x4E00 + 3000)
            .filter_map(char::from_u32)
            .flat_map(|c| [c, 'a', c, ' '])
            .collect();
        let lower = LowercaseText::new(&text);
        let positions = get_trigrams_with_positions(&lower).trigram_positions;
        let ranked = ranked_trigrams(&lower);
        assert_eq!(ranked.len(), positions.len());
        for (trigram, &position) in &positions {
            assert_eq!(ranked[position as usize], pack(*trigram));
        }
    }

    fn assert_valuable_trigram_chars(chars: &[char]) {
        for &ch in chars.iter() {
            assert_eq!(to_trigram_char(ch), ch);
        }
    }

    fn assert_not_valuable_trigram_chars(chars: &[char]) {
        for &ch in chars.iter() {
            assert_eq!(to_trigram_char(ch), ' ');
        }
    }

    #[test]
    fn test_to_trigram_char() {
        // valuable chars, that matters
        assert_valuable_trigram_chars(&['a', 'z', 'A', 'Z', 'Ж', 'ß']);

        // punctuations, digits, etc..
        //
        // 0x00 - 0x40
        assert_not_valuable_trigram_chars(&['\t', '\n', ' ', '.', '0', '9', ',', '@']);
        // 0x5B - 0x60
        assert_not_valuable_trigram_chars(&['[', ']', '^', '\\', '`']);
        // 0x7B - 0x7E
        assert_not_valuable_trigram_chars(&['[', '|', '{', '}', '~']);
    }

    fn assert_count(text: &str, pairs: &[(&str, u32)]) {
        let lowercase_text = LowercaseText::new(text);
        let CountResult {
            total_trigrams: _,
            trigram_occurances,
        } = count(&lowercase_text);
        for &(trigram_str, expected_n) in pairs.iter() {
            let chars: Vec<char> = trigram_str.chars().collect();
            let trigram = Trigram(chars[0], chars[1], chars[2]);
            let actual_n = trigram_occurances[&trigram];
            assert_eq!(
                actual_n, expected_n,
                "trigram '{:?}' expected to occur {} times, got {}",
                trigram, expected_n, actual_n
            );
        }
        assert_eq!(trigram_occurances.len(), pairs.len());
    }

    #[test]
    fn test_count() {
        assert_count("", &[]);
        assert_count(",", &[]);
        assert_count("a", &[(" a ", 1)]);
        assert_count("-a-", &[(" a ", 1)]);
        assert_count("yes", &[(" ye", 1), ("yes", 1), ("es ", 1)]);
        assert_count(
            "Give - IT...",
            &[
                (" gi", 1),
                ("giv", 1),
                ("ive", 1),
                ("ve ", 1),
                (" it", 1),
                ("it ", 1),
            ],
        );
    }

    #[test]
    fn test_get_trigrams_with_positions() {
        let lowercase_text = LowercaseText::new("xaaaaabbbb    d");
        let TrigramsWithPositions {
            _total_trigrams,
            trigram_positions,
        } = get_trigrams_with_positions(&lowercase_text);

        assert_eq!(trigram_positions[&Trigram('a', 'a', 'a')], 0);
        assert_eq!(trigram_positions[&Trigram('b', 'b', 'b')], 1);
        assert_eq!(_total_trigrams, 11);
    }
}
