use hashbrown::HashMap;
use std::sync::LazyLock;

#[cfg(test)]
use super::LangProfile;
use super::LangProfileList;
#[cfg(test)]
use super::Trigram;
#[cfg(test)]
use super::utils::get_trigrams_with_positions;
use super::utils::{pack, ranked_trigrams};
use super::{ARABIC_LANGS, CYRILLIC_LANGS, DEVANAGARI_LANGS, HEBREW_LANGS, LATIN_LANGS};
use super::{MAX_TOTAL_DISTANCE, MAX_TRIGRAM_DISTANCE};
use crate::Lang;
use crate::core::{FilterList, Info, InternalQuery, Text, calculate_confidence};
use crate::scripts::grouping::MultiLangScript;

#[derive(Debug)]
pub struct RawOutcome {
    pub trigrams_count: usize,
    #[allow(dead_code)]
    pub raw_distances: Vec<(Lang, u32)>,
    pub scores: Vec<(Lang, f64)>,
}

#[inline]
pub fn detect(iquery: &InternalQuery) -> Option<Info> {
    let raw_outcome = raw_detect(iquery);
    let RawOutcome {
        trigrams_count,
        scores,
        ..
    } = raw_outcome;

    let mut raw_scores_iter = scores.into_iter();

    let opt_lang_score1 = raw_scores_iter.next();
    let opt_lang_score2 = raw_scores_iter.next();

    // TODO: Logic is duplicated in alphabets. Consider refactoring
    opt_lang_score1.map(|(lang1, score1)| {
        let script = iquery.multi_lang_script.to_script();
        let confidence = if let Some((_, score2)) = opt_lang_score2 {
            calculate_confidence(score1, score2, trigrams_count)
        } else {
            1.0
        };
        Info::new(script, lang1, confidence)
    })
}

#[inline]
pub fn raw_detect(iquery: &InternalQuery) -> RawOutcome {
    let lang_profile_list = script_to_lang_profile_list(iquery.multi_lang_script);
    let inverted = script_to_inverted_profiles(iquery.multi_lang_script);
    calculate_scores_in_profiles(
        &iquery.text,
        iquery.filter_list,
        lang_profile_list,
        inverted,
    )
}

// unscrape patch: the profiles of a script inverted, so that a text's distances are
// computed from its own (at most 600) trigrams with one look-up each, instead of one
// look-up per profile trigram (≈ 300 for each of a script's languages: 11,000 for Latin).
// The distances are the same integers (see `calculate_distances`).

/// Where each trigram of a script's profiles stands: for every profile holding it, the
/// profile's place in the script's list and the trigram's rank in that profile.
struct InvertedProfiles {
    /// Each trigram (packed) → where its postings start in `postings`, and how many.
    places: Places,
    /// (profile place, rank), a trigram's together: a text's look-ups read a few short
    /// runs instead of following chains across the whole table (measured: the chained
    /// layout's cache misses made the scoring 6% of a run).
    postings: Vec<(u16, u16)>,
}

impl InvertedProfiles {
    fn new(list: LangProfileList) -> Self {
        // Counted, then placed (a counting sort by trigram): built at the first detection
        // of a run, so its cost is start-up time (≈ 1 M instructions for Latin; a
        // comparison sort took 2.7 M).
        let each = || {
            list.iter().enumerate().flat_map(|(slot, (_, profile))| {
                profile
                    .iter()
                    .enumerate()
                    .map(move |(rank, &trigram)| (pack(trigram), slot as u16, rank as u16))
            })
        };
        let entries = list.iter().map(|(_, profile)| profile.len()).sum();
        let mut places: HashMap<u64, (u32, u32)> = HashMap::with_capacity(entries / 2);
        for (trigram, _, _) in each() {
            places.entry(trigram).or_insert((0, 0)).1 += 1;
        }
        let mut start = 0;
        for place in places.values_mut() {
            let count = place.1;
            *place = (start, 0);
            start += count;
        }
        let mut postings = vec![(0, 0); entries];
        for (trigram, slot, rank) in each() {
            if let Some(place) = places.get_mut(&trigram) {
                postings[(place.0 + place.1) as usize] = (slot, rank);
                place.1 += 1;
            }
        }
        Self {
            places: Places::new(&places),
            postings,
        }
    }

    /// The (profile place, rank) of every profile holding `trigram` (packed).
    #[inline]
    fn postings(&self, trigram: u64) -> &[(u16, u16)] {
        match self.places.get(trigram) {
            Some(place) => {
                let start = place.start as usize;
                self.postings
                    .get(start..start + place.len as usize)
                    .unwrap_or(&[])
            }
            None => &[],
        }
    }
}

/// A trigram's postings: where they start, and how many.
#[derive(Clone, Copy)]
struct Place {
    trigram: u64,
    start: u32,
    len: u32,
}

/// Trigram → `Place`, for look-ups only: open addressing with linear probing, at most
/// half full, so that a look-up reads one slot (key and value together) nearly always.
/// A general map's look-up reads its control bytes first, then the slot: measured, two
/// cache misses made the look-ups more than half of the distances' time.
struct Places {
    slots: Vec<Place>,
    /// The slot of a trigram is the top bits of its product with an odd constant.
    shift: u32,
}

impl Places {
    /// No trigram packs to this: a character is below 2^21, so a trigram below 2^63.
    const EMPTY: u64 = u64::MAX;

    fn new(places: &HashMap<u64, (u32, u32)>) -> Self {
        let capacity = (places.len() * 2).next_power_of_two().max(2);
        let empty = Place {
            trigram: Self::EMPTY,
            start: 0,
            len: 0,
        };
        let mut table = Self {
            slots: vec![empty; capacity],
            shift: u64::BITS - capacity.trailing_zeros(),
        };
        // Inserted in trigram order, so that the layout does not depend on the map's.
        let mut sorted: Vec<(u64, (u32, u32))> = places.iter().map(|(&t, &p)| (t, p)).collect();
        sorted.sort_unstable();
        let mask = capacity - 1;
        for (trigram, (start, len)) in sorted {
            let mut slot = table.slot(trigram);
            while table.slots[slot].trigram != Self::EMPTY {
                slot = (slot + 1) & mask;
            }
            table.slots[slot] = Place {
                trigram,
                start,
                len,
            };
        }
        table
    }

    #[inline]
    fn slot(&self, trigram: u64) -> usize {
        (trigram.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    #[inline]
    fn get(&self, trigram: u64) -> Option<&Place> {
        let mask = self.slots.len() - 1;
        let mut slot = self.slot(trigram);
        loop {
            let place = &self.slots[slot];
            if place.trigram == trigram {
                return Some(place);
            }
            if place.trigram == Self::EMPTY {
                return None;
            }
            slot = (slot + 1) & mask;
        }
    }
}

fn script_to_inverted_profiles(script: MultiLangScript) -> &'static InvertedProfiles {
    use MultiLangScript as MLS;
    static LATIN: LazyLock<InvertedProfiles> = LazyLock::new(|| InvertedProfiles::new(LATIN_LANGS));
    static CYRILLIC: LazyLock<InvertedProfiles> =
        LazyLock::new(|| InvertedProfiles::new(CYRILLIC_LANGS));
    static ARABIC: LazyLock<InvertedProfiles> =
        LazyLock::new(|| InvertedProfiles::new(ARABIC_LANGS));
    static DEVANAGARI: LazyLock<InvertedProfiles> =
        LazyLock::new(|| InvertedProfiles::new(DEVANAGARI_LANGS));
    static HEBREW: LazyLock<InvertedProfiles> =
        LazyLock::new(|| InvertedProfiles::new(HEBREW_LANGS));
    match script {
        MLS::Latin => &LATIN,
        MLS::Cyrillic => &CYRILLIC,
        MLS::Arabic => &ARABIC,
        MLS::Devanagari => &DEVANAGARI,
        MLS::Hebrew => &HEBREW,
    }
}

/// Every profile's distance from the text, in the list's order: what `calculate_distance`
/// gives for each profile.
///
/// A profile trigram missing from the text costs `MAX_TRIGRAM_DISTANCE`, one at text rank
/// `n` and profile rank `i` costs `|n - i|`. So a profile of `len` trigrams is
/// `len * MAX_TRIGRAM_DISTANCE` less, for each trigram it shares with the text,
/// `MAX_TRIGRAM_DISTANCE - |n - i|`: a sum over the text's trigrams.
fn calculate_distances(
    list: LangProfileList,
    inverted: &InvertedProfiles,
    ranked_trigrams: &[u64],
) -> Vec<u32> {
    // At most 600 trigrams of at most 300 saved each: an i32 holds the sum.
    let mut saved = vec![0i32; list.len()];
    for (n, &trigram) in ranked_trigrams.iter().enumerate() {
        for &(slot, rank) in inverted.postings(trigram) {
            let dist = (n as i32 - rank as i32).abs();
            if let Some(saved) = saved.get_mut(slot as usize) {
                *saved += MAX_TRIGRAM_DISTANCE as i32 - dist;
            }
        }
    }
    let count = ranked_trigrams.len() as u32;
    list.iter()
        .zip(saved)
        .map(|(&(_, profile), saved)| {
            let mut total_dist =
                (profile.len() as i64 * MAX_TRIGRAM_DISTANCE as i64 - saved as i64) as u32;
            if MAX_TRIGRAM_DISTANCE > count {
                let delta = MAX_TRIGRAM_DISTANCE - count;
                total_dist -= delta * MAX_TRIGRAM_DISTANCE;
            }
            total_dist.clamp(0, MAX_TOTAL_DISTANCE)
        })
        .collect()
}

fn script_to_lang_profile_list(script: MultiLangScript) -> LangProfileList {
    use MultiLangScript as MLS;
    match script {
        MLS::Latin => LATIN_LANGS,
        MLS::Cyrillic => CYRILLIC_LANGS,
        MLS::Arabic => ARABIC_LANGS,
        MLS::Devanagari => DEVANAGARI_LANGS,
        MLS::Hebrew => HEBREW_LANGS,
    }
}

#[inline]
fn calculate_scores_in_profiles(
    text: &Text,
    filter_list: &FilterList,
    lang_profile_list: LangProfileList,
    inverted: &InvertedProfiles,
) -> RawOutcome {
    let mut lang_distances: Vec<(Lang, u32)> = vec![];

    let ranked = ranked_trigrams(&text.lowercase());
    let unique_trigrams_count = ranked.len();

    let distances = calculate_distances(lang_profile_list, inverted, &ranked);
    for (&(lang, _), dist) in lang_profile_list.iter().zip(distances) {
        if !filter_list.is_allowed(lang) {
            continue;
        }
        lang_distances.push(((lang), dist));
    }

    // Sort languages by distance
    lang_distances.sort_unstable_by_key(|(_, dist)| *dist);

    let max_dist = unique_trigrams_count as u32 * MAX_TRIGRAM_DISTANCE;

    let raw_scores = lang_distances
        .iter()
        .map(|&(lang, distance)| (lang, distance_to_raw_score(distance, max_dist)))
        .collect();

    RawOutcome {
        trigrams_count: unique_trigrams_count,
        scores: raw_scores,
        raw_distances: lang_distances,
    }
}

/// The distance of one profile from the text, trigram by trigram: the definition
/// `calculate_distances` is tested against.
#[cfg(test)]
fn calculate_distance(lang_trigrams: LangProfile, text_trigrams: &HashMap<Trigram, u32>) -> u32 {
    let mut total_dist = 0u32;

    for (i, &trigram) in lang_trigrams.iter().enumerate() {
        let dist = match text_trigrams.get(&trigram) {
            Some(&n) => (n as i32 - i as i32).unsigned_abs(),
            None => MAX_TRIGRAM_DISTANCE,
        };
        total_dist += dist;
    }

    let count = text_trigrams.len() as u32;

    if MAX_TRIGRAM_DISTANCE > count {
        let delta = MAX_TRIGRAM_DISTANCE - count;
        total_dist -= delta * MAX_TRIGRAM_DISTANCE;
    }

    total_dist.clamp(0, MAX_TOTAL_DISTANCE)
}

#[inline]
fn distance_to_raw_score(distance: u32, max_distance: u32) -> f64 {
    let similarity = max_distance - distance;
    similarity as f64 / max_distance as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts built from the profiles' own trigrams (so that many match, at all ranks),
    /// with stop characters and stray letters between them, of 1 to ~4,000 characters.
    fn generated_texts(list: LangProfileList, count: usize) -> Vec<String> {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |bound: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) as usize) % bound.max(1)
        };
        (0..count)
            .map(|_| {
                let mut text = String::new();
                let pieces = 1 + next(1500);
                // Mostly one language, as prose is; sometimes a mixture.
                let home = next(list.len());
                for _ in 0..pieces {
                    let slot = if next(4) == 0 { next(list.len()) } else { home };
                    let profile = list[slot].1;
                    let Trigram(a, b, c) = profile[next(profile.len())];
                    match next(6) {
                        0 => text.push_str(". "),
                        1 => text.push(char::from(b'a' + next(26) as u8)),
                        2 => text.push_str("12 "),
                        _ => {}
                    }
                    if next(5) == 0 {
                        text.extend(a.to_uppercase());
                    } else {
                        text.push(a);
                    }
                    text.extend([b, c]);
                }
                text
            })
            .collect()
    }

    #[test]
    fn inverted_profiles_give_the_distances_profile_by_profile() {
        use MultiLangScript as MLS;
        for script in [
            MLS::Latin,
            MLS::Cyrillic,
            MLS::Arabic,
            MLS::Devanagari,
            MLS::Hebrew,
        ] {
            let list = script_to_lang_profile_list(script);
            let mut texts = generated_texts(list, 150);
            texts.extend(["", "a", "ab abc", "the quick brown fox"].map(String::from));
            for text in texts {
                let iq = InternalQuery {
                    text: Text::new(&text),
                    filter_list: &FilterList::default(),
                    multi_lang_script: script,
                };
                let fast = raw_detect(&iq);
                let positions = get_trigrams_with_positions(&iq.text.lowercase()).trigram_positions;
                let mut expected: Vec<(Lang, u32)> = list
                    .iter()
                    .map(|&(lang, profile)| (lang, calculate_distance(profile, &positions)))
                    .collect();
                expected.sort_unstable_by_key(|(_, dist)| *dist);
                assert_eq!(fast.raw_distances, expected, "{script:?}: {text:?}");
                assert_eq!(fast.trigrams_count, positions.len());
            }
        }
    }

    #[test]
    fn places_find_every_trigram_and_nothing_else() {
        let mut state: u64 = 3;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for size in [0, 1, 2, 3, 100, 5000] {
            let mut map: HashMap<u64, (u32, u32)> = HashMap::new();
            while map.len() < size {
                // Trigrams pack below 2^63; nearby values collide in the top bits often.
                let trigram = if next() % 2 == 0 {
                    next() >> 1
                } else {
                    next() % 64
                };
                map.insert(trigram, ((next() % 1000) as u32, (next() % 40) as u32));
            }
            let places = Places::new(&map);
            assert!(places.slots.len() >= 2 * size);
            for (&trigram, &(start, len)) in &map {
                let place = places.get(trigram).expect("present");
                assert_eq!(
                    (place.trigram, place.start, place.len),
                    (trigram, start, len)
                );
            }
            for _ in 0..1000 {
                let absent = next() % 128;
                if !map.contains_key(&absent) {
                    assert!(places.get(absent).is_none());
                }
            }
        }
    }

    #[test]
    fn test_when_german_is_given() {
        let text = "Die Ordnung muss für immer in diesem Codebase bleiben";
        let iq = InternalQuery {
            text: Text::new(text),
            filter_list: &FilterList::default(),
            multi_lang_script: MultiLangScript::Latin,
        };
        let raw_outcome = raw_detect(&iq);

        assert_eq!(raw_outcome.trigrams_count, 50);

        let &(first_lang, first_score) = raw_outcome.scores.first().unwrap();
        let &(_last_lang, last_score) = raw_outcome.scores.last().unwrap();

        assert_eq!(first_lang, Lang::Deu);

        assert!(first_score >= 0.0);
        assert!(first_score <= 1.0);

        assert!(last_score >= 0.0);
        assert!(last_score <= 1.0);
    }
}
