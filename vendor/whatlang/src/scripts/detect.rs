use std::cmp::Reverse;

use super::chars;
use super::script::Script;
use crate::utils::is_stop_char;

type ScriptCounter = (Script, fn(char) -> bool, usize);

/// Detect only a script by a given text.
/// Works much faster than a complete detection with `detect`.
///
/// # Example
/// ```
/// use whatlang::{detect_script, Script};
/// let script = detect_script("Благодаря Эсперанто вы обрётете друзей по всему миру!").unwrap();
/// assert_eq!(script, Script::Cyrillic);
/// ```
pub fn detect_script(text: &str) -> Option<Script> {
    let raw_info = raw_detect_script(text);
    raw_info.main_script()
}

#[derive(Debug)]
pub struct RawScriptInfo {
    pub counters: Vec<(Script, usize)>,
}

impl RawScriptInfo {
    fn new(mut counters: Vec<(Script, usize)>) -> Self {
        counters.sort_unstable_by_key(|(_, score)| Reverse(*score));
        Self { counters }
    }

    pub(crate) fn main_script(&self) -> Option<Script> {
        // expect - is safe because self.counters is never expected to be empty
        // See raw_detect_script().
        let pair = self.counters.first().expect("counters must not be empty");
        if pair.1 > 0 { Some(pair.0) } else { None }
    }

    pub(crate) fn count(&self, script: Script) -> usize {
        // expect - is safe because self.counters always have all scripts
        // See raw_detect_script().
        self.counters
            .iter()
            .find(|(s, _count)| *s == script)
            .expect("count() failed because script is not found")
            .1
    }
}

// unscrape patch: an ASCII letter is counted without the search when Latin is already
// first in the list, which is where the release's search would find it (it checks the
// first entry first, and a found first entry is not moved). A run of ASCII characters
// while Latin is first is counted at once: its letters are Latin's, and its other
// characters are stop characters (a run holding DEL, the one that is not, goes character
// by character). The release's loop is kept, test-only, as `raw_detect_script_release`.
pub fn raw_detect_script(text: &str) -> RawScriptInfo {
    let mut script_counters = script_counters();
    let count = |script_counters: &mut [ScriptCounter; 25], ch: char| {
        if ch.is_ascii_alphabetic() && script_counters[0].0 == Script::Latin {
            script_counters[0].2 += 1;
        } else {
            count_char(script_counters, ch);
        }
    };
    let mut rest = text;
    while !rest.is_empty() {
        let run = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let (ascii, tail) = rest.split_at(run);
        if script_counters[0].0 == Script::Latin && !ascii.contains('\u{7f}') {
            script_counters[0].2 += ascii.bytes().filter(u8::is_ascii_alphabetic).count();
        } else {
            for ch in ascii.chars() {
                count(&mut script_counters, ch);
            }
        }
        let mut chars = tail.chars();
        if let Some(ch) = chars.next() {
            count(&mut script_counters, ch);
        }
        rest = chars.as_str();
    }
    raw_script_info(&script_counters)
}

#[cfg(test)]
fn raw_detect_script_release(text: &str) -> RawScriptInfo {
    let mut script_counters = script_counters();
    for ch in text.chars() {
        count_char(&mut script_counters, ch);
    }
    raw_script_info(&script_counters)
}

fn script_counters() -> [ScriptCounter; 25] {
    [
        (Script::Latin, chars::is_latin, 0),
        (Script::Cyrillic, chars::is_cyrillic, 0),
        (Script::Arabic, chars::is_arabic, 0),
        (Script::Mandarin, chars::is_mandarin, 0),
        (Script::Devanagari, chars::is_devanagari, 0),
        (Script::Hebrew, chars::is_hebrew, 0),
        (Script::Ethiopic, chars::is_ethiopic, 0),
        (Script::Georgian, chars::is_georgian, 0),
        (Script::Bengali, chars::is_bengali, 0),
        (Script::Hangul, chars::is_hangul, 0),
        (Script::Hiragana, chars::is_hiragana, 0),
        (Script::Katakana, chars::is_katakana, 0),
        (Script::Greek, chars::is_greek, 0),
        (Script::Kannada, chars::is_kannada, 0),
        (Script::Tamil, chars::is_tamil, 0),
        (Script::Thai, chars::is_thai, 0),
        (Script::Gujarati, chars::is_gujarati, 0),
        (Script::Gurmukhi, chars::is_gurmukhi, 0),
        (Script::Telugu, chars::is_telugu, 0),
        (Script::Malayalam, chars::is_malayalam, 0),
        (Script::Oriya, chars::is_oriya, 0),
        (Script::Myanmar, chars::is_myanmar, 0),
        (Script::Sinhala, chars::is_sinhala, 0),
        (Script::Khmer, chars::is_khmer, 0),
        (Script::Armenian, chars::is_armenian, 0),
    ]
}

/// The release's step for one character: counted for the first script (in the list's
/// current order) that holds it, which then moves one place forward.
#[inline]
fn count_char(script_counters: &mut [ScriptCounter; 25], ch: char) {
    {
        if is_stop_char(ch) {
            return;
        }

        // For performance reasons, we need to mutate script_counters by calling
        // `swap` function, it would not be possible to do using normal iterator.
        for i in 0..script_counters.len() {
            let found = {
                let (_script, check_fn, ref mut count) = script_counters[i];
                if check_fn(ch) {
                    *count += 1;
                    true
                } else {
                    false
                }
            };
            // Have to let borrow of count fall out of scope before doing swapping, or we could
            // do this above.
            if found {
                // If script was found, move it closer to the front.
                // If the text contains largely 1 or 2 scripts, this will
                // cause these scripts to be eventually checked first.
                if i > 0 {
                    script_counters.swap(i - 1, i);
                }
                break;
            }
        }
    }
}

fn raw_script_info(script_counters: &[ScriptCounter; 25]) -> RawScriptInfo {
    let counters: Vec<(Script, usize)> = script_counters
        .iter()
        .map(|&(script, _, count)| (script, count))
        .collect();

    RawScriptInfo::new(counters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_counts_are_the_release_counts() {
        let mut state: u32 = 2024;
        let mut next = move |bound: u32| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state % bound
        };
        // Scripts that tie, overlap (Han, kana) and move about in the list, among ASCII
        // letters, which take the shortcut only once Latin leads.
        let alphabet = [
            'a', 'Z', 'q', ' ', '7', 'é', 'ж', 'Ж', 'α', '中', 'の', 'カ', 'ש', 'ب', 'क', '한',
            '\u{7f}', '\u{1E00}',
        ];
        for length in [0, 1, 2, 5, 30, 200, 2000] {
            for _ in 0..40 {
                let text: String = (0..length)
                    .map(|_| alphabet[next(alphabet.len() as u32) as usize])
                    .collect();
                let ours = raw_detect_script(&text);
                let release = raw_detect_script_release(&text);
                assert_eq!(ours.counters, release.counters, "{text:?}");
            }
        }
    }

    #[test]
    fn test_script_name() {
        assert_eq!(Script::Cyrillic.name(), "Cyrillic");
        assert_eq!(Script::Katakana.name(), "Katakana");
    }

    #[test]
    fn test_detect_script() {
        assert_eq!(detect_script("1234567890-,;!"), None);

        // One script
        assert_eq!(detect_script("Hello!"), Some(Script::Latin));
        assert_eq!(detect_script("Привет всем!"), Some(Script::Cyrillic));
        assert_eq!(
            detect_script("ქართული ენა მსოფლიო "),
            Some(Script::Georgian)
        );
        assert_eq!(
            detect_script("県見夜上温国阪題富販"),
            Some(Script::Mandarin)
        );
        assert_eq!(
            detect_script(" ككل حوالي 1.6، ومعظم الناس "),
            Some(Script::Arabic)
        );
        assert_eq!(
            detect_script("हिमालयी वन चिड़िया (जूथेरा सालिमअली) चिड़िया की एक प्रजाति है"),
            Some(Script::Devanagari)
        );
        assert_eq!(
            detect_script("היסטוריה והתפתחות של האלפבית העברי"),
            Some(Script::Hebrew)
        );
        assert_eq!(
            detect_script("የኢትዮጵያ ፌዴራላዊ ዴሞክራሲያዊሪፐብሊክ"),
            Some(Script::Ethiopic)
        );

        // Mixed scripts
        assert_eq!(
            detect_script("Привет! Текст на русском with some English."),
            Some(Script::Cyrillic)
        );
        assert_eq!(
            detect_script("Russian word любовь means love."),
            Some(Script::Latin)
        );
    }
}
