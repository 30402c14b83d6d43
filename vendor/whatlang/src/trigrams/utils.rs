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
/// The same trigrams, counted the same way, as `get_trigrams_with_positions`: by symbols
/// when the text has few distinct characters (nearly always), else in a map.
pub fn ranked_trigrams(text: &LowercaseText) -> Vec<u64> {
    ranked_by_symbols(text).unwrap_or_else(|| ranked_by_map(text))
}

/// The most distinct characters (stop characters counted as the space) a text may have for
/// [`ranked_by_symbols`]: each is then a symbol of at most 8 bits, a trigram at most 24.
const MAX_SYMBOLS: usize = 256;

/// A text's distinct characters (stop characters as the space), numbered in the order of
/// their values: the space is 0 (every other trigram character is above it).
struct Symbols {
    /// Each ASCII character's number (a stop character's is the space's).
    ascii: [u8; 128],
    /// Every character, by number: the ASCII ones, then the others, ascending. (No stop
    /// character is outside ASCII.)
    chars: Vec<char>,
    /// The number of the first character outside ASCII.
    first_other: usize,
    /// Bits of a number: every number is below `1 << bits`.
    bits: u32,
}

impl Symbols {
    /// The text's symbols; `None` if it has more than [`MAX_SYMBOLS`].
    fn of(text: &str) -> Option<Self> {
        let mut seen = [false; 128];
        seen[b' ' as usize] = true;
        let mut other: Vec<char> = Vec::new();
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(&byte) = bytes.get(at) {
            if byte.is_ascii() {
                seen[byte as usize] = true;
                at += 1;
            } else {
                let ch = char_at(text, at);
                at += ch.len_utf8();
                if let Err(place) = other.binary_search(&ch) {
                    if other.len() == MAX_SYMBOLS {
                        return None;
                    }
                    other.insert(place, ch);
                }
            }
        }
        let mut ascii = [0u8; 128];
        let mut chars = Vec::with_capacity(128 + other.len());
        chars.push(' ');
        for (value, &seen) in (0..128u8).zip(&seen) {
            let ch = value as char;
            if seen && !is_stop_char(ch) {
                ascii[value as usize] = chars.len() as u8;
                chars.push(ch);
            }
        }
        let first_other = chars.len();
        chars.extend_from_slice(&other);
        if chars.len() > MAX_SYMBOLS {
            return None;
        }
        // At least one bit: the space is always a symbol, so there are one or more.
        let bits = (usize::BITS - (chars.len() - 1).leading_zeros()).max(1);
        Some(Self {
            ascii,
            chars,
            first_other,
            bits,
        })
    }

    /// Calls `each` with the number of every character of `text` (which `of` saw), in order.
    #[inline]
    fn for_each(&self, text: &str, mut each: impl FnMut(u32)) {
        let (first_other, other) = (self.first_other as u32, &self.chars[self.first_other..]);
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(&byte) = bytes.get(at) {
            if byte.is_ascii() {
                each(self.ascii[byte as usize] as u32);
                at += 1;
            } else {
                let ch = char_at(text, at);
                at += ch.len_utf8();
                each(first_other + other.binary_search(&ch).unwrap_or(0) as u32);
            }
        }
    }
}

/// The character starting at byte `at` of `text` (a character boundary).
#[inline]
fn char_at(text: &str, at: usize) -> char {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .unwrap_or(' ')
}

/// `ranked_trigrams` for a text of at most [`MAX_SYMBOLS`] distinct characters, without a
/// map: each trigram is three symbols in one integer ordered as the trigram is, so
/// sorting them (by radix) puts equal trigrams together, counted by the runs; a stable
/// counting sort by count of the runs taken in descending order then ranks them as the
/// map's way does.
fn ranked_by_symbols(text: &LowercaseText) -> Option<Vec<u64>> {
    let symbols = Symbols::of(text)?;
    let bits = symbols.bits;
    // At most one trigram per character, and the final space's. Each is the last three
    // symbols rolled into one integer, which starts as spaces: the first (two spaces and
    // the first character) is skipped by the rule, as the release never forms it.
    let mut trigrams = vec![0u32; text.len() + 1];
    let mut len = 0;
    let all = (1u32 << (3 * bits)) - 1;
    let symbol = (1u32 << bits) - 1;
    let mut last = 0u32;
    let mut push = |c3: u32| {
        last = (last << bits | c3) & all;
        let (c1, c2) = (last >> (2 * bits), (last >> bits) & symbol);
        // Branch-free: a skipped trigram is overwritten by the next.
        trigrams[len] = last;
        len += usize::from(!((c2 == 0) & ((c1 == 0) | (c3 == 0))));
    };
    symbols.for_each(text, &mut push);
    if !text.is_empty() {
        push(0);
    }
    trigrams.truncate(len);
    radix_sort(&mut trigrams, 3 * bits);

    // Runs of equal trigrams, ascending: where each begins, and the end after the last.
    // Branch-free, and no count is added to in memory (a chain of loads waiting on stores):
    // a slot written for a trigram that opens no run is the next run's, written again.
    let mut begins = vec![0u32; trigrams.len() + 1];
    let mut runs = 0;
    let mut last = u32::MAX; // above every trigram (24 bits at most)
    for (at, &trigram) in trigrams.iter().enumerate() {
        begins[runs] = at as u32;
        runs += usize::from(trigram != last);
        last = trigram;
    }
    begins[runs] = trigrams.len() as u32;
    begins.truncate(runs + 1);
    let count = |run: usize| begins[run + 1] - begins[run];
    let most = (0..runs).map(count).max().unwrap_or(0);
    // Where each count's trigrams start in the ranking: after every greater count's. Most
    // trigrams occur once, and take the places after all the others': their next place
    // is kept in a register. The runs that occur more than once are gathered first
    // (branch-free), so that no count of one is added to in memory.
    let mut start = vec![0u32; most as usize + 1];
    let mut repeated = vec![0u32; runs];
    let mut repeats = 0;
    for run in 0..runs {
        repeated[repeats] = count(run);
        repeats += usize::from(count(run) > 1);
    }
    for &count in &repeated[..repeats] {
        start[count as usize] += 1;
    }
    let mut before = 0;
    for place in start.iter_mut().skip(2).rev() {
        let here = *place;
        *place = before;
        before += here;
    }
    let mut next_one = before;
    // Each run's place, its trigram by place. Among equal counts the greater trigram
    // first: the runs taken in descending order.
    let mut by_place = vec![0u32; runs];
    for run in (0..runs).rev() {
        let count = count(run);
        let one = count == 1;
        let other = start[count as usize];
        let at = if one { next_one } else { other };
        // A run that occurs once moves the register, not the slot (slot 0 is never read).
        start[if one { 0 } else { count as usize }] = other + 1;
        next_one += u32::from(one);
        by_place[at as usize] = trigrams[begins[run] as usize];
    }
    let mask = (1 << bits) - 1;
    let decode = |number: u32| symbols.chars[number as usize] as u64;
    let ranked = by_place
        .iter()
        .take(TEXT_TRIGRAMS_SIZE)
        .map(|&trigram| {
            decode(trigram >> (2 * bits)) << (2 * CHAR_BITS)
                | decode((trigram >> bits) & mask) << CHAR_BITS
                | decode(trigram & mask)
        })
        .collect();
    Some(ranked)
}

/// Sorts integers below `1 << bits` (at most 24) by a least significant digit radix sort
/// of two digits, both counted in one pass.
fn radix_sort(values: &mut [u32], bits: u32) {
    let low = bits.div_ceil(2);
    let high = bits - low;
    let low_mask = (1u32 << low) - 1;
    let mut low_counts = vec![0u32; 1 << low];
    let mut high_counts = vec![0u32; 1 << high];
    for &v in values.iter() {
        low_counts[(v & low_mask) as usize] += 1;
        high_counts[(v >> low) as usize & ((1 << high) - 1)] += 1;
    }
    for counts in [&mut low_counts, &mut high_counts] {
        let mut sum = 0;
        for count in counts.iter_mut() {
            let here = *count;
            *count = sum;
            sum += here;
        }
    }
    let mut sorted = vec![0u32; values.len()];
    for &v in values.iter() {
        let digit = (v & low_mask) as usize;
        sorted[low_counts[digit] as usize] = v;
        low_counts[digit] += 1;
    }
    for &v in &sorted {
        let digit = (v >> low) as usize & ((1 << high) - 1);
        values[high_counts[digit] as usize] = v;
        high_counts[digit] += 1;
    }
}

/// `ranked_trigrams` for any text: counted in a map. Each (count, trigram) is one integer
/// ordered as the tuple; the trigrams are distinct, so the order is total and selecting
/// the first TEXT_TRIGRAMS_SIZE before sorting them gives the ranks of a full sort.
fn ranked_by_map(text: &LowercaseText) -> Vec<u64> {
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

    #[test]
    fn symbol_ranking_is_the_map_ranking() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        // Stop characters, DEL, letters, typographic punctuation (not stop characters),
        // other scripts, the highest code point; then enough CJK to pass MAX_SYMBOLS.
        let mut pool: Vec<char> = (0u8..128).map(char::from).collect();
        pool.extend([
            '’',
            '“',
            '”',
            '—',
            'é',
            'ß',
            'ö',
            'ж',
            'ш',
            'α',
            'ש',
            '\u{10FFFF}',
        ]);
        pool.extend((0x4E00..0x4E00 + 400).filter_map(char::from_u32));
        let symbols_of = |text: &str| {
            let mut chars: Vec<char> = text.chars().map(to_trigram_char).collect();
            chars.push(' ');
            chars.sort_unstable();
            chars.dedup();
            chars.len()
        };
        let mut both = 0;
        for round in 0..400 {
            // Alphabets of one character to more than MAX_SYMBOLS; the boundary often.
            let size = match round % 4 {
                0 => 1 + next(8),
                1 => 20 + next(60),
                2 => MAX_SYMBOLS - 3 + next(6),
                _ => 1 + next(pool.len()),
            };
            let alphabet: Vec<char> = (0..size).map(|_| pool[next(pool.len())]).collect();
            let length = [0, 1, 2, 3, 50, 700, 3000][next(7)];
            let text: String = (0..length)
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            let lower = LowercaseText::new(&text);
            let by_map = ranked_by_map(&lower);
            match ranked_by_symbols(&lower) {
                Some(by_symbols) => {
                    assert!(symbols_of(&lower) <= MAX_SYMBOLS, "{text:?}");
                    assert_eq!(by_symbols, by_map, "{text:?}");
                    both += 1;
                }
                None => assert!(symbols_of(&lower) > MAX_SYMBOLS, "{text:?}"),
            }
            assert_eq!(ranked_trigrams(&lower), by_map);
            let positions = get_trigrams_with_positions(&lower).trigram_positions;
            assert_eq!(by_map.len(), positions.len());
            for (trigram, &position) in &positions {
                assert_eq!(by_map[position as usize], pack(*trigram), "{text:?}");
            }
        }
        assert!(both > 200, "only {both} texts took the symbols' way");
        // At the boundary: the space and 254, 255 or 256 other characters.
        for others in [254, 255, 256] {
            let text: String = (0x4E00..0x4E00 + others)
                .filter_map(char::from_u32)
                .flat_map(|c| [c, 'a', c])
                .collect();
            let text = text.replacen('a', " ", 1);
            let lower = LowercaseText::new(&text);
            let taken = ranked_by_symbols(&lower);
            assert_eq!(taken.is_some(), symbols_of(&lower) <= MAX_SYMBOLS);
            assert_eq!(ranked_trigrams(&lower), ranked_by_map(&lower));
        }
    }

    #[test]
    fn radix_sort_sorts() {
        let mut state: u32 = 77;
        for bits in [3, 4, 9, 18, 24] {
            for length in [0, 1, 2, 100, 5000] {
                let mut values: Vec<u32> = (0..length)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 17;
                        state ^= state << 5;
                        state & ((1 << bits) - 1)
                    })
                    .collect();
                let mut expected = values.clone();
                expected.sort_unstable();
                radix_sort(&mut values, bits);
                assert_eq!(values, expected, "{bits} bits, {length} values");
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
