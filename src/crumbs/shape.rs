//! The shape of a line: the measurable signals crumb rules judge it by.
//!
//! Receives one line's content; returns its words, function words, punctuation and list
//! marker. Pure measurement: no decisions here.

use crate::language::FunctionWords;

/// The list marker a line starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListMarker {
    /// `-`, `*`, `+`, `•`, `·`, `–`, `▪`, `►` followed by a space.
    Bullet,
    /// `1.` or `1)` followed by a space.
    Numbered,
}

/// Measurements of a line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineShape<'t> {
    /// The line without leading/trailing white space, list marker and emphasis marks.
    pub body: &'t str,
    pub marker: Option<ListMarker>,
    /// Characters of `body`.
    pub chars: usize,
    /// Words with a letter or digit.
    pub words: usize,
    /// Words that are function words of the document's language.
    pub function_words: usize,
    /// Ends with `.`, `!`, `?`, `…` (possibly followed by a closing quote or bracket).
    pub ends_sentence: bool,
    /// Holds a `,` `;` or `:` followed by more text: clause structure, not a label.
    pub has_clause_punctuation: bool,
}

impl LineShape<'_> {
    /// Share of words that are function words (0 for a line without words).
    pub fn function_ratio(&self) -> f64 {
        function_ratio(self.function_words, self.words)
    }
}

/// Share of `words` that are function words (0 for no words).
pub fn function_ratio(function_words: usize, words: usize) -> f64 {
    if words == 0 {
        0.0
    } else {
        function_words as f64 / words as f64
    }
}

/// What may close a sentence after its final mark.
const CLOSERS: [char; 7] = ['"', '\'', '”', '’', ')', ']', '»'];
/// What ends a sentence.
const SENTENCE_ENDS: [char; 7] = ['.', '!', '?', '…', '。', '！', '？'];

/// The counts prose detection reads of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProseCounts {
    pub words: usize,
    pub function_words: usize,
    pub ends_sentence: bool,
}

impl From<&LineShape<'_>> for ProseCounts {
    fn from(shape: &LineShape<'_>) -> Self {
        Self {
            words: shape.words,
            function_words: shape.function_words,
            ends_sentence: shape.ends_sentence,
        }
    }
}

/// Lines joined with spaces (as body detection joins a block's lines) and their
/// [`ProseCounts`], worked out from the lines' own shapes instead of measuring the joined
/// text: that measuring was as costly as measuring every line.
///
/// The same counts as [`measure`] on the joined text (property-tested), because:
/// - words and function words are counted token by token, and joining with spaces keeps
///   every line's tokens;
/// - what trimming takes off a body's edges (white space, `#`, `*`, `_`, bullets) holds no
///   letter or digit, except a numbered list marker: each line's own is not counted in its
///   words, while in the joined text only a marker at its start (read there) is left out;
///   no function word is a number;
/// - the joined text ends where its last line's body ends when that body, less its closing
///   quotes, is not empty. Otherwise the joined text is measured.
#[derive(Debug, Default)]
pub struct JoinedLines {
    /// The lines, each followed by a space.
    text: String,
    words: usize,
    function_words: usize,
    /// Whether the last line pushed ends like a sentence, if the joined text ends as it does.
    last_ends_sentence: Option<bool>,
}

impl JoinedLines {
    /// Adds the next line: its content and its shape (measured with the function words
    /// [`JoinedLines::counts`] will be given).
    pub fn push(&mut self, content: &str, shape: &LineShape<'_>) {
        self.text.push_str(content);
        self.text.push(' ');
        self.words += shape.words + usize::from(shape.marker == Some(ListMarker::Numbered));
        self.function_words += shape.function_words;
        let tail = shape.body.trim_end_matches(CLOSERS);
        self.last_ends_sentence = (!tail.is_empty()).then_some(shape.ends_sentence);
    }

    /// The counts of the joined lines: from their shapes, or by measuring the joined text
    /// when the shapes cannot tell.
    pub fn counts(&self, function_words: &FunctionWords) -> ProseCounts {
        self.counts_from_lines()
            .unwrap_or_else(|| ProseCounts::from(&measure(&self.text, function_words)))
    }

    /// The counts of the joined lines from their shapes, if those tell.
    fn counts_from_lines(&self) -> Option<ProseCounts> {
        let ends_sentence = self.last_ends_sentence?;
        let (marker, _) = strip_marker(self.text.trim());
        Some(ProseCounts {
            // Never short: a marker read at the start was counted in the first line.
            words: self
                .words
                .checked_sub(usize::from(marker == Some(ListMarker::Numbered)))?,
            function_words: self.function_words,
            ends_sentence,
        })
    }

    /// Starts again, for the next block (keeping the text's room).
    pub fn clear(&mut self) {
        self.text.clear();
        self.words = 0;
        self.function_words = 0;
        self.last_ends_sentence = None;
    }
}

/// Splits a leading list marker off a trimmed line.
fn strip_marker(line: &str) -> (Option<ListMarker>, &str) {
    let mut chars = line.char_indices();
    if let Some((_, first)) = chars.next() {
        if matches!(first, '-' | '*' | '+' | '•' | '·' | '–' | '▪' | '►' | '◦') {
            let rest = &line[first.len_utf8()..];
            if rest.starts_with(' ') || rest.starts_with('\t') {
                return (Some(ListMarker::Bullet), rest.trim_start());
            }
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &line[digits..];
        if let Some(after) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return (Some(ListMarker::Numbered), after.trim_start());
        }
    }
    (None, line)
}

/// Measures a line's content. Most lines are ASCII: they are split and counted byte by
/// byte (`ascii_counts`), the same counts as the character-wise way
/// (`unicode_counts`) in a fraction of its time (measuring lines was a sixth of a
/// crumbs-and-exact run).
pub fn measure<'t>(content: &'t str, function_words: &FunctionWords) -> LineShape<'t> {
    let (marker, rest) = strip_marker(content.trim());
    // Markdown emphasis and heading marks carry no words.
    let body = rest
        .trim_start_matches(['#', '*', '_', ' '])
        .trim_end_matches(['*', '_', ' ']);
    let ascii = body.is_ascii();
    let counts = if ascii {
        ascii_counts(body, function_words)
    } else {
        unicode_counts(body, function_words)
    };
    let tail = body.trim_end_matches(CLOSERS);
    let ends_sentence = tail.ends_with(SENTENCE_ENDS);
    LineShape {
        body,
        marker,
        chars: counts.chars,
        words: counts.words,
        function_words: counts.function_words,
        ends_sentence,
        has_clause_punctuation: counts.clause_punctuation,
    }
}

/// What [`measure`] counts in a line's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BodyCounts {
    chars: usize,
    words: usize,
    function_words: usize,
    /// A `,` `;` or `:` followed by a space.
    clause_punctuation: bool,
}

/// Whether a word is a function word (they are listed in lower case). An ASCII word
/// without upper case (most words of an ASCII text) is looked up as it is; another ASCII
/// word is lower-cased byte by byte (the same as `char::to_lowercase` on ASCII, which
/// looks every character up in the Unicode tables: half of measuring a line).
fn is_function_word(word: &str, function_words: &FunctionWords, lower: &mut String) -> bool {
    if word.is_ascii() {
        // Lower-casing ASCII keeps the length: a word longer than every function word is
        // none, whatever its case (most words of prose are checked no further).
        if word.len() > function_words.longest() {
            return false;
        }
        if !word.bytes().any(|b| b.is_ascii_uppercase()) {
            return function_words.contains(word);
        }
        // Lower-cased on the stack: no allocation for a capitalised word.
        let mut buffer = [0u8; 32];
        if let Some(room) = buffer.get_mut(..word.len()) {
            room.copy_from_slice(word.as_bytes());
            room.make_ascii_lowercase();
            // ASCII lower-cased is ASCII.
            return std::str::from_utf8(room).is_ok_and(|l| function_words.contains(l));
        }
        lower.clear();
        lower.push_str(word);
        lower.make_ascii_lowercase();
        function_words.contains(lower)
    } else {
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        function_words.contains(lower)
    }
}

/// The counts of any body: tokens between Unicode white space; an ASCII token (most,
/// even in a line with curly quotes) is trimmed and counted by bytes, any other character
/// by character. The same counts as [`counts_by_characters`] (property-tested).
fn unicode_counts(body: &str, function_words: &FunctionWords) -> BodyCounts {
    let mut words = 0;
    let mut function = 0;
    let mut lower = String::new();
    for token in body.split_whitespace() {
        let word = if token.is_ascii() {
            let Some(span) = crate::text::ascii_word_span(token.as_bytes()) else {
                continue;
            };
            words += 1;
            &token[span]
        } else {
            let word = token.trim_matches(|c: char| !c.is_alphanumeric());
            if word.is_empty() {
                continue;
            }
            words += crate::text::token_words(word);
            word
        };
        function += usize::from(is_function_word(word, function_words, &mut lower));
    }
    BodyCounts {
        chars: body.chars().count(),
        words,
        function_words: function,
        clause_punctuation: has_clause_punctuation(body),
    }
}

/// A `,` `;` or `:` followed by a space (bytes that only ever stand for those characters
/// in UTF-8).
fn has_clause_punctuation(body: &str) -> bool {
    let bytes = body.as_bytes();
    memchr::memchr3_iter(b',', b';', b':', bytes).any(|at| bytes.get(at + 1) == Some(&b' '))
}

/// The counts of an ASCII body, byte by byte: white space is the six ASCII characters
/// `char::is_whitespace` accepts, a trimmed token with a letter or digit is one word, and a
/// character is a byte.
fn ascii_counts(body: &str, function_words: &FunctionWords) -> BodyCounts {
    let bytes = body.as_bytes();
    let mut words = 0;
    let mut function = 0;
    let mut lower = String::new();
    // Tokens found by index (a `str::split` on a set of characters decodes every one).
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        while at < bytes.len() && !crate::text::is_ascii_space(bytes[at]) {
            at += 1;
        }
        let token = &bytes[start..at];
        at += 1;
        let Some(span) = crate::text::ascii_word_span(token) else {
            continue;
        };
        // ASCII: every byte is a character boundary.
        let word = &body[start + span.start..start + span.end];
        words += 1;
        function += usize::from(is_function_word(word, function_words, &mut lower));
    }
    BodyCounts {
        chars: body.len(),
        words,
        function_words: function,
        clause_punctuation: has_clause_punctuation(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The counts by their definition, character by character: what the byte paths of
    /// [`ascii_counts`] and [`unicode_counts`] are held to.
    fn counts_by_characters(body: &str, function_words: &FunctionWords) -> BodyCounts {
        let mut words = 0;
        let mut function = 0;
        let mut lower = String::new();
        for token in body.split_whitespace() {
            let word = token.trim_matches(|c: char| !c.is_alphanumeric());
            if word.is_empty() {
                continue;
            }
            words += crate::text::token_words(word);
            function += usize::from(is_function_word(word, function_words, &mut lower));
        }
        BodyCounts {
            chars: body.chars().count(),
            words,
            function_words: function,
            clause_punctuation: body
                .char_indices()
                .any(|(i, c)| matches!(c, ',' | ';' | ':') && body[i + 1..].starts_with(' ')),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// A word is a function word if its lower case is listed: whatever its case and
        /// length (the longest listed words, words longer than any, longer than the
        /// stack room for lower-casing, and non-ASCII ones).
        #[test]
        fn a_function_word_is_its_lower_case_listed(
            word in proptest::sample::select(vec![
                "the", "themselves", "yourselves", "themselvesx", "und", "über", "dass",
                "nicht", "auch", "news", "x", "", "a", "internationalisationsprogramme",
                "abcdefghijklmnopqrstuvwxyzabcdefghij", "İst", "ΚΑΙ", "και",
            ]),
            upper in proptest::collection::vec(any::<bool>(), 40),
        ) {
            let word: String = word
                .chars()
                .zip(upper.iter().chain(std::iter::repeat(&false)))
                .map(|(c, &up)| if up { c.to_uppercase().collect::<String>() } else { c.to_string() })
                .collect();
            let lower_case: String = word.chars().flat_map(char::to_lowercase).collect();
            for words in [
                FunctionWords::english_fallback(),
                FunctionWords::for_code("de").unwrap(),
                FunctionWords::for_code("el").unwrap(),
            ] {
                let mut lower = String::new();
                prop_assert_eq!(
                    is_function_word(&word, &words, &mut lower),
                    words.contains(&lower_case),
                    "{}", word
                );
            }
        }

        /// The byte-wise counts of an ASCII line are the character-wise counts.
        #[test]
        fn ascii_lines_count_as_any_line(
            pieces in proptest::collection::vec(
                prop_oneof![
                    6 => proptest::sample::select(vec!["the", "a", "Of", "AND", "und", "die", "x1", "9", "news"])
                        .prop_map(String::from),
                    2 => proptest::sample::select(vec![" ", "\t", "\n", "\u{0B}", "\u{0C}", "\r", "\u{1C}"])
                        .prop_map(String::from),
                    2 => proptest::sample::select(b",;:.!?-'\"()[]#*_".to_vec()).prop_map(|b| char::from(b).to_string()),
                    1 => (0u8..0x80).prop_map(|b| char::from(b).to_string()),
                ],
                0..40,
            ),
        ) {
            let body = pieces.concat();
            for words in [FunctionWords::english_fallback(), FunctionWords::for_code("de").unwrap()] {
                prop_assert_eq!(ascii_counts(&body, &words), counts_by_characters(&body, &words));
                prop_assert_eq!(unicode_counts(&body, &words), counts_by_characters(&body, &words));
            }
        }

        /// Lines with other characters: curly quotes and dashes against words, accented and
        /// capital non-ASCII words, CJK, Unicode white space.
        #[test]
        fn any_lines_count_by_characters(
            pieces in proptest::collection::vec(
                prop_oneof![
                    5 => proptest::sample::select(vec!["the", "a", "Of", "AND", "über", "Über", "für", "die", "x1", "9", "news", "ΚΑΙ", "και", "日本語", "Straße"])
                        .prop_map(String::from),
                    3 => proptest::sample::select(vec![" ", "\t", "\u{A0}", "\u{2028}", "\u{3000}", "\u{85}", "\u{1C}"])
                        .prop_map(String::from),
                    3 => proptest::sample::select(vec!["“", "”", "’", "—", ",", ";", ":", ".", "(", "«", "»", "…"])
                        .prop_map(String::from),
                ],
                0..40,
            ),
        ) {
            let body = pieces.concat();
            for words in [FunctionWords::english_fallback(), FunctionWords::for_code("de").unwrap(), FunctionWords::for_code("el").unwrap()] {
                prop_assert_eq!(unicode_counts(&body, &words), counts_by_characters(&body, &words));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Lines joined with spaces count as measuring the joined text counts, whenever
        /// [`JoinedLines`] gives counts: list markers (numbered ones at the start of the
        /// block, inside it, and alone on a line), emphasis and heading marks, closing
        /// quotes, sentence ends, digits, Unicode words and white space at line edges.
        #[test]
        fn joined_lines_count_as_the_joined_text(
            lines in proptest::collection::vec(
                proptest::collection::vec(
                    prop_oneof![
                        5 => proptest::sample::select(vec!["the", "a", "Of", "news", "über", "und", "12", "x1", "日本語", "και"])
                            .prop_map(String::from),
                        3 => proptest::sample::select(vec![" ", " ", "\t", "\u{A0}", "\u{3000}"])
                            .prop_map(String::from),
                        3 => proptest::sample::select(vec![
                            "- ", "1. ", "12) ", "3.", "7)", "• ", "-", "#", "## ", "**", "_", "*",
                            ".", "!", "?", "…", "\"", "”", "’", ")", "»", ",", ": ",
                        ])
                        .prop_map(String::from),
                    ],
                    1..12,
                )
                .prop_map(|pieces| pieces.concat())
                .prop_filter("a block's lines are not blank", |line| !line.trim().is_empty()),
                1..6,
            ),
        ) {
            for words in [FunctionWords::english_fallback(), FunctionWords::for_code("de").unwrap()] {
                let mut joined = JoinedLines::default();
                for line in &lines {
                    joined.push(line, &measure(line, &words));
                }
                let measured = ProseCounts::from(&measure(&joined.text, &words));
                if let Some(counts) = joined.counts_from_lines() {
                    prop_assert_eq!(counts, measured, "{:?}", lines);
                }
                prop_assert_eq!(joined.counts(&words), measured);
            }
        }
    }

    /// No language's function word is a number: a numbered marker's digits, counted as a
    /// word in the joined text, are never a function word there ([`JoinedLines`]).
    #[test]
    fn no_function_word_is_a_number() {
        for code in [
            "en", "de", "fr", "es", "ru", "el", "ar", "nl", "sv", "fi", "tr", "pt", "it",
        ] {
            let Some(words) = FunctionWords::for_code(code) else {
                continue;
            };
            for n in 0..1000 {
                assert!(!words.contains(&n.to_string()), "{code}: {n}");
                assert!(!words.contains(&format!("{n:02}")), "{code}: {n:02}");
                assert!(!words.contains(&format!("{n:03}")), "{code}: {n:03}");
            }
        }
    }

    /// The blocks of real pages (wrapped prose, numbered and bulleted lists) are counted
    /// from their lines' shapes, not measured again.
    #[test]
    fn ordinary_blocks_are_counted_from_their_lines() {
        let english = FunctionWords::english_fallback();
        for block in [
            &[
                "The council met on Monday to discuss",
                "the budget for the coming year.",
            ][..],
            &[
                "1. Open the box.",
                "2. Take out the manual.",
                "10) Read it.",
            ],
            &["- Home", "- News", "- Sport"],
            &["**Related:** the story of the week", "“A quote,” she said."],
        ] {
            let mut joined = JoinedLines::default();
            for line in block {
                joined.push(line, &measure(line, &english));
            }
            assert_eq!(
                joined.counts_from_lines(),
                Some(ProseCounts::from(&measure(&joined.text, &english))),
                "{block:?}"
            );
        }
    }

    fn shape(line: &str) -> LineShape<'_> {
        measure(line, &FunctionWords::english_fallback())
    }

    #[test]
    fn bullet_marker_and_emphasis_are_not_body() {
        let s = shape("  - **World News**  ");
        assert_eq!(s.marker, Some(ListMarker::Bullet));
        assert_eq!(s.body, "World News");
        assert_eq!(s.words, 2);
        assert_eq!(s.function_words, 0);
    }

    #[test]
    fn numbered_items() {
        let s = shape("12. Contact us");
        assert_eq!(s.marker, Some(ListMarker::Numbered));
        assert_eq!(s.body, "Contact us");
    }

    #[test]
    fn a_dash_inside_a_word_is_not_a_marker() {
        assert_eq!(shape("-30 degrees").marker, None);
    }

    #[test]
    fn prose_signals() {
        let s = shape("He said, “the plan is over.”");
        assert!(s.ends_sentence);
        assert!(s.has_clause_punctuation);
        assert!(s.function_ratio() > 0.3);
    }
}
