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

/// The ASCII characters `char::is_whitespace` accepts (vertical tab included).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// Writes a key: white space collapses to one space, written only before the next
/// non-space character, so runs of white space (and the joins between pieces) collapse and
/// the key is trimmed. Counts the key's words as it closes each token, so the key is not
/// scanned again for them. Works on bytes: ASCII (most of any key) costs a byte test and a
/// push per byte.
struct KeyWriter {
    key: Vec<u8>,
    pending_space: bool,
    /// Where the token being written starts.
    token_start: usize,
    /// The token so far is ASCII, and holds a letter or digit.
    token_ascii: bool,
    token_alnum: bool,
    words: usize,
}

impl KeyWriter {
    fn space(&mut self) {
        self.pending_space = !self.key.is_empty();
    }

    fn close_token(&mut self) {
        if self.token_start < self.key.len() {
            self.words += token_word_count(
                &self.key[self.token_start..],
                self.token_ascii,
                self.token_alnum,
            );
        }
        self.token_ascii = true;
        self.token_alnum = false;
    }

    fn flush_space(&mut self) {
        if self.pending_space {
            self.close_token();
            self.key.push(b' ');
            self.token_start = self.key.len();
            self.pending_space = false;
        }
    }

    fn push_char(&mut self, c: char) {
        self.flush_space();
        self.token_ascii = false;
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

    /// NFKC-stable text (ASCII included): runs of ASCII through [`Self::push_ascii`],
    /// other characters lower-cased and folded one by one.
    fn push_stable(&mut self, piece: &str) {
        let bytes = piece.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let run = bytes[i..]
                .iter()
                .position(|b| !b.is_ascii())
                .unwrap_or(bytes.len() - i);
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
    /// matching: its state lives in locals (registers), not in `self`, while it runs.
    fn push_ascii(&mut self, run: &[u8]) {
        let mut pending = self.pending_space;
        let mut alnum = self.token_alnum;
        let mut ascii = self.token_ascii;
        let mut words = self.words;
        let mut token_start = self.token_start;
        let key = &mut self.key;
        key.reserve(run.len() + 1);
        for &b in run {
            if is_ascii_space(b) {
                pending = !key.is_empty();
                continue;
            }
            if pending {
                if token_start < key.len() {
                    words += token_word_count(&key[token_start..], ascii, alnum);
                }
                ascii = true;
                alnum = false;
                key.push(b' ');
                token_start = key.len();
                pending = false;
            }
            alnum |= b.is_ascii_alphanumeric();
            key.push(b.to_ascii_lowercase());
        }
        self.pending_space = pending;
        self.token_alnum = alnum;
        self.token_ascii = ascii;
        self.words = words;
        self.token_start = token_start;
    }

    fn finish(mut self) -> (String, u32) {
        self.close_token();
        let words = self.words as u32;
        // Only whole characters were written.
        let key = String::from_utf8(self.key)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        (key, words)
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
        token_start: bytes.len(),
        key: bytes,
        pending_space: false,
        token_ascii: true,
        token_alnum: false,
        words: 0,
    };
    for piece in pieces {
        // ASCII is NFKC; so is most other text (curly quotes and dashes are), which the
        // quick check tells without allocating.
        if piece.is_ascii()
            || unicode_normalization::is_nfkc_quick(piece.chars())
                == unicode_normalization::IsNormalized::Yes
        {
            out.push_stable(piece);
        } else {
            for c in piece.nfkc() {
                for lower in c.to_lowercase() {
                    out.push(fold_char(lower));
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
        // Count the tokens holding a letter or digit in one pass over the bytes. Any ASCII
        // white space separates (a key has only single spaces; un-normalised ASCII text
        // gives the count its key would).
        let mut words = 0;
        let mut counted = false;
        for &b in key.as_bytes() {
            if is_ascii_space(b) {
                counted = false;
            } else if !counted && b.is_ascii_alphanumeric() {
                words += 1;
                counted = true;
            }
        }
        return words;
    }
    key.split(' ').map(crate::text::token_words).sum::<usize>() as u32
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
