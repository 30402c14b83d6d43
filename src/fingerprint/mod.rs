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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyHash(pub [u8; 32]);

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

/// Appends the normalised key of `pieces` (joined by white space) to `key`.
pub fn normalise_into<'a>(pieces: impl IntoIterator<Item = &'a str>, key: &mut String) {
    // A pending space is written only before the next non-space character, so runs of
    // white space (and the joins between pieces) collapse to one and the key is trimmed.
    let mut pending_space = false;
    let mut push = |c: char, key: &mut String| {
        if c.is_whitespace() {
            pending_space = !key.is_empty();
        } else {
            if pending_space {
                key.push(' ');
                pending_space = false;
            }
            key.push(c);
        }
    };
    for piece in pieces {
        // Text that is already NFKC (most text: curly quotes and dashes are) needs no
        // normalisation pass; the quick check answers without allocating.
        let stable = !piece.is_ascii()
            && unicode_normalization::is_nfkc_quick(piece.chars())
                == unicode_normalization::IsNormalized::Yes;
        if piece.is_ascii() {
            // ASCII is already NFKC and folds by itself: skip the Unicode machinery.
            for b in piece.bytes() {
                push(b.to_ascii_lowercase() as char, key);
            }
        } else if stable {
            for c in piece.chars() {
                if c.is_ascii() {
                    push(c.to_ascii_lowercase(), key);
                } else {
                    for lower in c.to_lowercase() {
                        push(fold_char(lower), key);
                    }
                }
            }
        } else {
            for c in piece.nfkc() {
                for lower in c.to_lowercase() {
                    push(fold_char(lower), key);
                }
            }
        }
        push(' ', key);
    }
}

/// The normalised key of a single piece of text.
pub fn normalise(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    normalise_into([text], &mut key);
    key
}

/// Counts the words of a normalised key (see [`crate::text::token_words`]).
pub fn count_words(key: &str) -> u32 {
    key.split(' ').map(crate::text::token_words).sum::<usize>() as u32
}

/// Fingerprints a normalised key (exact matching only).
pub fn fingerprint_key(key: &str) -> Fingerprint {
    Fingerprint {
        hash: KeyHash(Sha256::digest(key.as_bytes()).into()),
        key_chars: key.chars().count() as u32,
        words: count_words(key),
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
