//! Paragraph fingerprints: the normalised key and its SHA-256 hash.
//!
//! Receives a paragraph's text pieces; returns a fixed-size fingerprint. Two paragraphs
//! are exact duplicates iff their keys are equal, so the key folds what scrapers change
//! between copies of the same text and nothing else: Unicode compatibility forms (NFKC),
//! case, runs of white space (line wrapping, CRLF vs LF), and quote and dash variants.
//! Never keeps the text: the decision pass holds fingerprints only.
//!
//! For near duplicates, [`minhash`] adds a paragraph's word shingles and MinHash signature.

pub mod minhash;

use crate::swar::AsciiBlock;
use crate::text::is_ascii_space;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// SHA-256 of a paragraph's normalised key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyHash(pub [u8; 32]);

/// A SHA-256 digest is uniformly distributed: its first eight bytes are as good a table
/// hash as all thirty-two, for a quarter of the hashing. Equality still compares all.
impl std::hash::Hash for KeyHash {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mut prefix = [0u8; 8];
        prefix.copy_from_slice(&self.0[..8]);
        state.write_u64(u64::from_le_bytes(prefix));
    }
}

/// What near-duplicate matching knows of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sketch {
    /// Sorted, distinct hashes of the paragraph's word shingles.
    pub shingles: Vec<u64>,
    /// MinHash signature of the shingles.
    pub signature: Vec<u64>,
}

/// What the decision pass knows of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub hash: KeyHash,
    /// Characters of the normalised key: "longest" for `--keep longest`.
    pub key_chars: u32,
    /// Present when near-duplicate matching is on and the paragraph is long enough (and
    /// not over the size cap).
    pub sketch: Option<Sketch>,
    /// Words in the key: white-space separated tokens with a letter or digit, and each
    /// character of scripts written without spaces.
    pub words: u32,
}

/// Folds one character of NFKC-normalised, lower-cased text: quote and dash variants to
/// their ASCII forms. NFKC leaves these alone because they are distinct characters, but
/// scrapers and "smart quote" filters swap them freely.
fn fold_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
        other => other,
    }
}

/// The characters of `text`, each run of ASCII characters given as one `a`. NFKC's quick
/// check treats every ASCII character alike (allowed, a starter: it resets what the check
/// carries from the previous character), so its answer is the same on these characters as
/// on all of them; runs are skipped eight bytes at a time instead of decoded one by one.
fn ascii_runs_as_one(text: &str) -> impl Iterator<Item = char> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = text.get(at..)?;
        let ascii = crate::swar::ascii_prefix_len(rest.as_bytes());
        if ascii > 0 {
            at += ascii;
            return Some('a');
        }
        let c = rest.chars().next()?;
        at += c.len_utf8();
        Some(c)
    })
}

/// Writes a key: white space collapses to one space, written only before the next
/// non-space character, so runs of white space (and the joins between pieces) collapse and
/// the key is trimmed. Counts the key's words as it closes each token, so the key is not
/// scanned again for them. Works on bytes: ASCII (most of any key) costs a byte test and a
/// push per byte.
struct KeyWriter {
    key: Vec<u8>,
    token: TokenState,
}

/// Where a key writer is in its key: the token being written and the words closed so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TokenState {
    /// White space was met: a space goes before the next character written.
    pending_space: bool,
    /// Where the token being written starts.
    token_start: usize,
    /// The token so far is ASCII, and holds a letter or digit.
    token_ascii: bool,
    token_alnum: bool,
    words: usize,
}

impl TokenState {
    fn new(start: usize) -> Self {
        Self {
            pending_space: false,
            token_start: start,
            token_ascii: true,
            token_alnum: false,
            words: 0,
        }
    }

    /// Counts the token of `key` that ends at `end` (holding a letter or digit if `alnum`)
    /// and starts the next one after the space that goes at `end`.
    #[inline(always)]
    fn close_at(&mut self, key: &[u8], end: usize, alnum: bool) {
        if self.token_start < end {
            self.words += token_word_count(&key[self.token_start..end], self.token_ascii, alnum);
        }
        self.token_ascii = true;
        self.token_alnum = false;
        self.token_start = end + 1;
    }
}

impl KeyWriter {
    fn space(&mut self) {
        self.token.pending_space = !self.key.is_empty();
    }

    fn close_token(&mut self) {
        let alnum = self.token.token_alnum;
        self.token.close_at(&self.key, self.key.len(), alnum);
    }

    fn flush_space(&mut self) {
        if self.token.pending_space {
            self.close_token();
            self.key.push(b' ');
            self.token.pending_space = false;
        }
    }

    fn push_char(&mut self, c: char) {
        self.flush_space();
        self.token.token_ascii = false;
        let mut utf8 = [0u8; 4];
        self.key
            .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
    }

    fn push(&mut self, c: char) {
        if c.is_whitespace() {
            self.space();
        } else {
            self.push_char(c);
        }
    }

    /// Writes `text` if NFKC leaves it as it is (ASCII does; so does most other text, such
    /// as curly quotes and dashes, which the quick check tells without allocating).
    fn push_if_stable(&mut self, text: &str) -> bool {
        if text.is_ascii() {
            self.push_ascii(text.as_bytes());
        } else if unicode_normalization::is_nfkc_quick(ascii_runs_as_one(text))
            == unicode_normalization::IsNormalized::Yes
        {
            self.push_stable(text);
        } else {
            return false;
        }
        true
    }

    /// Any text: NFKC-normalised, lower-cased and folded character by character.
    fn push_nfkc(&mut self, text: &str) {
        for c in text.nfkc() {
            for lower in c.to_lowercase() {
                self.push(fold_char(lower));
            }
        }
    }

    /// NFKC-stable text (ASCII included): runs of ASCII through [`Self::push_ascii`],
    /// other characters lower-cased and folded one by one.
    fn push_stable(&mut self, piece: &str) {
        let bytes = piece.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let run = crate::swar::ascii_prefix_len(&bytes[i..]);
            self.push_ascii(&bytes[i..i + run]);
            i += run;
            if i < bytes.len() {
                // `i` is at a character boundary: every ASCII byte is one.
                let Some(c) = piece[i..].chars().next() else {
                    break;
                };
                i += c.len_utf8();
                if c.is_whitespace() {
                    self.space();
                } else {
                    // Lower-casing and folding never make white space of a character.
                    for lower in c.to_lowercase() {
                        self.push_char(fold_char(lower));
                    }
                }
            }
        }
    }

    /// ASCII bytes, lower-cased, white space collapsed. The hottest loop of exact
    /// matching: see [`AsciiRun`].
    fn push_ascii(&mut self, run: &[u8]) {
        let len = self.key.len();
        // Every byte written is a byte of the run or one space before one: room for the
        // run and a space carried in from before it.
        self.key.resize(len + run.len() + 1, 0);
        let mut writer = AsciiRun {
            out: self.key.as_mut_slice(),
            len,
            token: self.token,
        };
        let mut blocks = run.chunks_exact(8);
        for chunk in blocks.by_ref() {
            if !writer.push_block(chunk) {
                for &b in chunk {
                    writer.push_byte(b);
                }
            }
        }
        for &b in blocks.remainder() {
            writer.push_byte(b);
        }
        let (len, token) = (writer.len, writer.token);
        self.key.truncate(len);
        self.token = token;
    }

    #[cfg(test)]
    fn normalise_for_test(text: &str) -> (String, u32) {
        let mut key = String::new();
        let words = normalise_into([text], &mut key);
        (key, words)
    }

    fn finish(mut self) -> (String, u32) {
        self.close_token();
        let words = self.token.words as u32;
        // Only whole characters were written.
        let key = String::from_utf8(self.key)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        (key, words)
    }
}

/// A run of ASCII being written into room made for it: its state is a local copy (kept in
/// registers, not behind the writer) and bytes are written by index (a push per byte
/// checked the capacity and stored the length every time). Eight bytes of ordinary prose —
/// words with single spaces between them — go at once ([`AsciiBlock`]); the byte loop takes
/// blocks holding other white space or a run of spaces.
struct AsciiRun<'k> {
    out: &'k mut [u8],
    len: usize,
    token: TokenState,
}

impl AsciiRun<'_> {
    /// Writes the pending space, if any, closing the token before it.
    #[inline(always)]
    fn flush_space(&mut self) {
        if self.token.pending_space {
            let alnum = self.token.token_alnum;
            self.token.close_at(self.out, self.len, alnum);
            self.out[self.len] = b' ';
            self.len += 1;
            self.token.pending_space = false;
        }
    }

    #[inline(always)]
    fn push_byte(&mut self, b: u8) {
        if is_ascii_space(b) {
            self.token.pending_space = self.len > 0;
            return;
        }
        self.flush_space();
        self.token.token_alnum |= b.is_ascii_alphanumeric();
        self.out[self.len] = b.to_ascii_lowercase();
        self.len += 1;
    }

    /// Writes eight bytes at once, lower-cased, if every space in them is alone and they
    /// do not open with one the byte loop would drop (the key's first) or merge (after a
    /// pending space); false, writing nothing, otherwise.
    #[inline(always)]
    fn push_block(&mut self, chunk: &[u8]) -> bool {
        let Some(bytes) = chunk.first_chunk::<8>() else {
            return false;
        };
        let block = AsciiBlock::of_ascii(bytes);
        let opens_with_word = !is_ascii_space(chunk[0]);
        let after_word = self.len > 0 && !self.token.pending_space;
        if !(block.only_single_spaces() && (opens_with_word || after_word)) {
            return false;
        }
        self.flush_space();
        let token = &mut self.token;
        let len = self.len;
        self.out[len..len + 8].copy_from_slice(&block.lower());
        let spaces = block.spaces();
        let alnums = block.alnums();
        // Each space closes the token before it, when the byte after it starts the next
        // (as the byte loop does); a last space stays pending.
        let mut from = 0u32;
        let mut rest = spaces & 0x7F;
        while rest != 0 {
            let at = rest.trailing_zeros();
            let inside = alnums & (((1u32 << at) - 1) & !((1u32 << from) - 1));
            let closing = token.token_alnum || inside != 0;
            token.close_at(self.out, len + at as usize, closing);
            from = at + 1;
            rest &= rest - 1;
        }
        token.token_alnum |= alnums >> from != 0;
        if spaces & 0x80 != 0 {
            token.pending_space = true;
            self.len += 7;
        } else {
            self.len += 8;
        }
        true
    }
}

/// Words of a closed token of a key: an ASCII token is one word if it holds a letter or
/// digit (known while it was written); any other is counted by [`crate::text::token_words`].
#[inline]
fn token_word_count(token: &[u8], ascii: bool, alnum: bool) -> usize {
    if ascii {
        usize::from(alnum)
    } else {
        std::str::from_utf8(token).map_or(0, crate::text::token_words)
    }
}

/// Appends the normalised key of `pieces` (joined by white space) to an empty `key`;
/// returns its words (as [`count_words`] counts them).
pub fn normalise_into<'a>(pieces: impl IntoIterator<Item = &'a str>, key: &mut String) -> u32 {
    let bytes = std::mem::take(key).into_bytes();
    let mut out = KeyWriter {
        token: TokenState::new(bytes.len()),
        key: bytes,
    };
    for piece in pieces {
        if !out.push_if_stable(piece) {
            // One character that NFKC changes would send a whole document (a whole-text
            // signature's key) the slow way: only its lines that hold one go. A line feed
            // is a starter that composes with nothing, so NFKC maps the text line by line.
            for line in piece.split_inclusive('\n') {
                if !out.push_if_stable(line) {
                    out.push_nfkc(line);
                }
            }
        }
        out.space();
    }
    let (written, words) = out.finish();
    *key = written;
    words
}

/// The normalised key of a single piece of text.
pub fn normalise(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    normalise_into([text], &mut key);
    key
}

/// Counts the words of a normalised key (see [`crate::text::token_words`]).
pub fn count_words(key: &str) -> u32 {
    if key.is_ascii() {
        // The tokens holding a letter or digit, in one pass over the bytes. Any ASCII
        // white space separates (a key has only single spaces; un-normalised ASCII text
        // gives the count its key would).
        return ascii_words_at_least(key);
    }
    key.split(' ').map(crate::text::token_words).sum::<usize>() as u32
}

/// At most the words of `text`'s normalised key, found without normalising: the tokens
/// between ASCII white space that are all ASCII and hold a letter or digit. Normalising
/// leaves such a token one word of its own (white space stays white space, ASCII stays
/// ASCII); tokens with other characters are not counted. Exact for ASCII text.
fn ascii_words_at_least(text: &str) -> u32 {
    ascii_words_up_to(text, u32::MAX)
}

/// Whether `ascii_words_at_least` of `text` exceeds `limit`, reading only as far as the
/// word that exceeds it: a prose line is refused within its first words.
pub fn ascii_words_exceed(text: &str, limit: u32) -> bool {
    limit < u32::MAX && ascii_words_up_to(text, limit + 1) > limit
}

/// [`ascii_words_at_least`], counting no further than `stop` words.
#[inline]
fn ascii_words_up_to(text: &str, stop: u32) -> u32 {
    let mut words = 0;
    let (mut alnum, mut other) = (false, false);
    for &b in text.as_bytes() {
        if is_ascii_space(b) {
            words += u32::from(alnum && !other);
            if words >= stop {
                return words;
            }
            (alnum, other) = (false, false);
        } else if !b.is_ascii() {
            other = true;
        } else if b.is_ascii_alphanumeric() {
            alnum = true;
        }
    }
    words + u32::from(alnum && !other)
}

/// Fingerprints a normalised key (exact matching only).
pub fn fingerprint_key(key: &str) -> Fingerprint {
    fingerprint_counted_key(key, count_words(key))
}

/// Fingerprints a normalised key whose words are counted already ([`normalise_into`]).
pub fn fingerprint_counted_key(key: &str, words: u32) -> Fingerprint {
    Fingerprint {
        hash: KeyHash(Sha256::digest(key.as_bytes()).into()),
        key_chars: key.chars().count() as u32,
        words,
        sketch: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// NFKC's quick check answers the same on the characters with ASCII runs made one:
        /// combining marks in and out of order after ASCII and between runs, characters
        /// NFKC changes (`ﬁ`), characters it may change (combining marks), Hangul jamo.
        #[test]
        fn the_quick_check_reads_an_ascii_run_as_one_character(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "Bc", "  ", "12345678", "x.y", "\u{301}", "\u{316}", "\u{327}",
                    "\u{300}\u{316}", "é", "ﬁ", "’", "—", "\u{1100}", "\u{1161}", "\u{11A8}",
                    "가", "Å", "\u{212B}", "\u{0344}", "\u{FF21}", "中",
                ]),
                0..12,
            )
        ) {
            let text = pieces.concat();
            prop_assert_eq!(
                unicode_normalization::is_nfkc_quick(ascii_runs_as_one(&text)),
                unicode_normalization::is_nfkc_quick(text.chars())
            );
        }
    }

    /// The writer's whole state, to compare two ways of writing the same bytes.
    fn state(w: &KeyWriter) -> (Vec<u8>, TokenState) {
        (w.key.clone(), w.token)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Eight bytes at a time writes what the byte loop writes (runs of under eight
        /// bytes never take the block path), from any state: a key with a token in
        /// progress, ASCII or not, with or without a letter, a space pending or not.
        #[test]
        fn blocks_write_what_the_byte_loop_writes(
            prefix in "[a-zé ,.]{0,6}",
            pending in any::<bool>(),
            alnum in any::<bool>(),
            ascii in any::<bool>(),
            run in proptest::collection::vec(
                prop_oneof![
                    8 => proptest::sample::select(b"abcXYZ019 ,.-'".to_vec()),
                    1 => proptest::sample::select(b"\t\n\x0b\x0c\r".to_vec()),
                    1 => 0u8..0x80,
                ],
                0..80,
            ),
        ) {
            let start = |prefix: &str| {
                let key = prefix.as_bytes().to_vec();
                let token_start = key.iter().rposition(|&b| b == b' ').map_or(0, |p| p + 1);
                KeyWriter {
                    key,
                    token: TokenState {
                        pending_space: pending && !prefix.is_empty(),
                        token_start,
                        token_ascii: ascii && prefix.is_ascii(),
                        token_alnum: alnum,
                        words: 3,
                    },
                }
            };
            let mut whole = start(&prefix);
            whole.push_ascii(&run);
            let mut bytewise = start(&prefix);
            for piece in run.chunks(7) {
                bytewise.push_ascii(piece);
            }
            prop_assert_eq!(state(&whole), state(&bytewise));
        }
    }

    #[test]
    fn blocks_of_prose_are_lower_cased_and_counted() {
        let (key, words) = KeyWriter::normalise_for_test("Hello World, It's A Fine DAY 42 -- ok");
        assert_eq!(key, "hello world, it's a fine day 42 -- ok");
        assert_eq!(words, 8);
        let (key, words) = KeyWriter::normalise_for_test("  lead  and  double  spaces\tand tabs  ");
        assert_eq!(key, "lead and double spaces and tabs");
        assert_eq!(words, 6);
    }

    #[test]
    fn folds_case_space_quotes_and_dashes() {
        assert_eq!(
            normalise("  The  “Quick”\r\n brown – fox’s\tTAIL "),
            "the \"quick\" brown - fox's tail"
        );
    }

    #[test]
    fn nfkc_folds_compatibility_forms() {
        assert_eq!(normalise("ﬁne ＡＢＣ"), "fine abc");
    }

    #[test]
    fn pieces_join_with_one_space() {
        let mut key = String::new();
        normalise_into(["re-wrapped", "line "], &mut key);
        assert_eq!(key, "re-wrapped line");
        assert_eq!(normalise("re-wrapped line"), key);
    }

    #[test]
    fn crlf_and_lf_copies_have_the_same_hash() {
        assert_eq!(
            fingerprint_key(&normalise("a b\r\nc")).hash,
            fingerprint_key(&normalise("a b\nc")).hash
        );
    }

    #[test]
    fn ascii_white_space_is_what_char_is_whitespace_says() {
        // Vertical tab and form feed are white space; the ASCII fast path must agree with
        // the character path.
        assert_eq!(normalise("A\x0BB\x0C c\t\r\nD"), "a b c d");
        assert_eq!(normalise("A\x0BB é"), "a b é");
        assert_eq!(count_words("one\ttwo\x0Bthree  --"), 3);
        assert_eq!(count_words(&normalise("one\ttwo\x0Bthree  --")), 3);
    }

    #[test]
    fn words_counted_while_writing_equal_words_counted_after() {
        for text in [
            "",
            "  ",
            "One two  three",
            "“Quoted” — dash, 商標法違反 iPhoneを販売 ﬁne ＡＢＣ",
            "* * * Read more 2019 —",
            "a\u{85}b\u{2028}c",
            "tail ",
        ] {
            for pieces in [vec![text], vec![text, text], vec![text, "", "x"]] {
                let mut key = String::new();
                let words = normalise_into(pieces.iter().copied(), &mut key);
                assert_eq!(words, count_words(&key), "{pieces:?}");
            }
        }
    }

    /// Characters that NFKC changes or composes (ligatures, full width, compatibility
    /// digits, combining marks, Hangul jamo, the Ångström sign), line feeds and others.
    fn mixed_text() -> impl Strategy<Value = String> {
        let alphabet = prop::sample::select(vec![
            'a', 'E', ' ', '\n', '\r', '\t', 'é', 'e', '\u{301}', '\u{327}', '\u{308}', 'ﬁ', 'Ａ',
            '①', '\u{212B}', 'Å', '\u{1100}', '\u{1161}', '\u{11A8}', '’', '—', 'Σ', 'ß', 'İ',
            '\u{85}', '\u{2028}', '\u{FB01}', '\u{3000}', '.',
        ]);
        prop::collection::vec(alphabet, 0..80).prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        /// A piece NFKC changes is written line by line: the key is the one the whole piece
        /// gives through NFKC at once.
        #[test]
        fn pieces_normalised_line_by_line_equal_the_whole(
            pieces in prop::collection::vec(mixed_text(), 1..4)
        ) {
            let mut key = String::new();
            let words = normalise_into(pieces.iter().map(String::as_str), &mut key);
            let mut whole = KeyWriter {
                token: TokenState::new(0),
                key: Vec::new(),
            };
            for piece in &pieces {
                whole.push_nfkc(piece);
                whole.space();
            }
            let (expected, expected_words) = whole.finish();
            prop_assert_eq!(&key, &expected);
            prop_assert_eq!(words, expected_words);
        }
    }

    proptest! {
        /// The words counted without normalising never exceed the key's, and are the
        /// key's for ASCII text.
        #[test]
        fn ascii_words_bound_the_key_words(text in mixed_text(), ascii in "[ -~\t\n\x0B\x0C\r]{0,60}") {
            let mut key = String::new();
            let words = normalise_into([text.as_str()], &mut key);
            prop_assert!(ascii_words_at_least(&text) <= words, "{} > {}", ascii_words_at_least(&text), words);
            let mut key = String::new();
            prop_assert_eq!(ascii_words_at_least(&ascii), normalise_into([ascii.as_str()], &mut key));
        }

        /// Stopping at the word that exceeds a limit tells what the whole count tells.
        #[test]
        fn exceeding_a_word_limit_is_the_whole_counts_verdict(
            text in mixed_text(),
            ascii in "([a-z0-9.,]{1,4}[ \t\n]{1,2}){0,30}",
            limit in 0u32..20,
        ) {
            prop_assert_eq!(ascii_words_exceed(&text, limit), ascii_words_at_least(&text) > limit);
            prop_assert_eq!(ascii_words_exceed(&ascii, limit), ascii_words_at_least(&ascii) > limit);
            prop_assert!(!ascii_words_exceed(&ascii, u32::MAX));
        }
    }

    #[test]
    fn words_need_a_letter_or_digit() {
        assert_eq!(count_words(&normalise("* * * Read more 2019 —")), 3);
    }

    #[test]
    fn hash_is_sha256_of_key() {
        // sha256("abc")
        assert_eq!(
            format!(
                "{:02x}{:02x}",
                fingerprint_key("abc").hash.0[0],
                fingerprint_key("abc").hash.0[1]
            ),
            "ba78"
        );
    }
}
