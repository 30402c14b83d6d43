use hashbrown::HashMap;

use super::TEXT_TRIGRAMS_SIZE;
use super::Trigram;
use crate::core::LowercaseText;
use crate::utils::is_stop_char;

pub struct TrigramsWithPositions {
    pub(crate) _total_trigrams: u32,
    pub(crate) trigram_positions: HashMap<Trigram, u32>,
}

#[inline]
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

#[inline]
fn trigram_occurances_to_positions(
    trigram_occurances: HashMap<Trigram, u32>,
) -> HashMap<Trigram, u32> {
    // Sort in descending order by number of occurrences and trigrams.
    //
    // unscrape patch: each (count, trigram) is packed into one integer that orders as the
    // tuple does, and only the first TEXT_TRIGRAMS_SIZE are sorted. The trigrams are
    // distinct, so the order is total and the ranks are those a full sort gives.
    let mut count_vec: Vec<u128> = trigram_occurances
        .into_iter()
        .map(|(trigram, count)| pack(count, trigram))
        .collect();
    if count_vec.len() > TEXT_TRIGRAMS_SIZE {
        count_vec.select_nth_unstable_by(TEXT_TRIGRAMS_SIZE - 1, |a, b| b.cmp(a));
        count_vec.truncate(TEXT_TRIGRAMS_SIZE);
    }
    count_vec.sort_unstable_by(|a, b| b.cmp(a));

    count_vec
        .into_iter()
        .enumerate()
        .map(|(i, packed)| (unpack(packed), i as u32))
        .collect()
}

const CHAR_BITS: u32 = 21;

/// `(count, trigram)` as one integer ordered as the tuple: a char is below 2^21.
fn pack(count: u32, Trigram(a, b, c): Trigram) -> u128 {
    ((count as u128) << (3 * CHAR_BITS))
        | ((a as u128) << (2 * CHAR_BITS))
        | ((b as u128) << CHAR_BITS)
        | c as u128
}

fn unpack(packed: u128) -> Trigram {
    let char_at = |shift: u32| {
        let code = (packed >> shift) as u32 & ((1 << CHAR_BITS) - 1);
        char::from_u32(code).expect("packed from a char")
    };
    Trigram(char_at(2 * CHAR_BITS), char_at(CHAR_BITS), char_at(0))
}

struct CountResult {
    total_trigrams: u32,
    trigram_occurances: HashMap<Trigram, u32>,
}

#[inline]
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

    /// The positions as the unpatched crate computed them: a full sort of the tuples.
    fn positions_by_full_sort(occurances: &HashMap<Trigram, u32>) -> HashMap<Trigram, u32> {
        let mut count_vec: Vec<_> = occurances.iter().map(|(&t, &c)| (c, t)).collect();
        count_vec.sort_unstable_by(|a, b| b.cmp(a));
        count_vec
            .into_iter()
            .take(TEXT_TRIGRAMS_SIZE)
            .enumerate()
            .map(|(i, (_, trigram))| (trigram, i as u32))
            .collect()
    }

    #[test]
    fn packed_partial_sort_ranks_as_the_full_sort() {
        let mut state: u32 = 12345;
        let mut next = move |bound: u32| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state % bound
        };
        let alphabet = ['a', 'b', 'e', ' ', 'é', 'ж', 'ß', '\u{10FFFF}', '中'];
        for size in [0, 1, 2, 599, 600, 601, 2000] {
            let mut occurances = HashMap::new();
            while occurances.len() < size {
                let mut pick = || alphabet[next(alphabet.len() as u32) as usize];
                let trigram = Trigram(pick(), pick(), pick());
                // Few distinct counts, so most order is decided by the trigram.
                *occurances.entry(trigram).or_insert(0) += 1 + next(3) * 1000;
                if occurances.len() == alphabet.len().pow(3) {
                    break;
                }
            }
            let mut big = occurances.clone();
            for i in 0..size as u32 {
                let c = char::from_u32(0x4E00 + i).unwrap();
                big.insert(Trigram(c, 'a', c), next(4));
            }
            for case in [occurances, big] {
                assert_eq!(
                    trigram_occurances_to_positions(case.clone()),
                    positions_by_full_sort(&case)
                );
            }
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
