//! The line view of a decoded document: every line as a byte span of the text, with its
//! terminator, and which lines are still *live* (not yet removed by an earlier stage).
//!
//! Receives decoded text; returns spans that cover it exactly. Never copies or alters text:
//! every later stage refers to the input's own bytes through these spans.

use std::ops::Range;

/// One physical line of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// First byte of the line.
    pub byte_start: usize,
    /// End of the line's content, before its `\n` or `\r\n` terminator.
    pub content_end: usize,
    /// End of the line including its terminator (equal to `content_end` for a last line
    /// without one).
    pub byte_end: usize,
}

impl Line {
    pub fn content<'t>(&self, text: &'t str) -> &'t str {
        &text[self.byte_start..self.content_end]
    }

    pub fn span(&self) -> Range<usize> {
        self.byte_start..self.byte_end
    }

    /// A blank line holds only white space; blank lines separate paragraphs.
    pub fn is_blank(&self, text: &str) -> bool {
        self.content(text).trim().is_empty()
    }
}

/// Splits `text` into lines. `\n` ends a line; a `\r` before it belongs to the terminator.
/// The spans cover `text` exactly and in order.
pub fn split_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(bytes.len() / 40 + 1);
    let mut start = 0;
    for newline in memchr::memchr_iter(b'\n', bytes) {
        let content_end = if newline > start && bytes[newline - 1] == b'\r' {
            newline - 1
        } else {
            newline
        };
        lines.push(Line {
            byte_start: start,
            content_end,
            byte_end: newline + 1,
        });
        start = newline + 1;
    }
    if start < bytes.len() {
        lines.push(Line {
            byte_start: start,
            content_end: bytes.len(),
            byte_end: bytes.len(),
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reassemble(text: &str) -> String {
        split_lines(text).iter().map(|l| &text[l.span()]).collect()
    }

    #[test]
    fn empty_text_has_no_lines() {
        assert!(split_lines("").is_empty());
    }

    #[test]
    fn spans_cover_text_with_and_without_final_newline() {
        for text in ["a\nb\n", "a\nb", "\n\n", "a\r\nb\r\n", "x\r\n\r\ny", "\r"] {
            assert_eq!(reassemble(text), text);
        }
    }

    #[test]
    fn crlf_terminator_is_not_content() {
        let text = "one\r\ntwo\n";
        let lines = split_lines(text);
        assert_eq!(lines[0].content(text), "one");
        assert_eq!(lines[1].content(text), "two");
        assert!(split_lines("\r\n")[0].is_blank("\r\n"));
    }
}

/// Whether `c` is written without spaces between words (Han, Hiragana, Katakana, Hangul
/// syllables, Thai): each such character counts as a word.
pub fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0x0E00..=0x0E7F    // Thai
        | 0x20000..=0x2FFFF) // CJK extensions B–F
}

/// The ASCII characters `char::is_whitespace` accepts (vertical tab included).
pub fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// Where an ASCII token's word lies: from its first to its last letter or digit (what
/// trimming everything else from its edges leaves), or `None` if it has neither.
pub fn ascii_word_span(token: &[u8]) -> Option<Range<usize>> {
    let first = token.iter().position(u8::is_ascii_alphanumeric)?;
    let last = token
        .iter()
        .rposition(u8::is_ascii_alphanumeric)
        .unwrap_or(first);
    Some(first..last + 1)
}

/// Counts the words of a white-space separated token: one if it has a letter or digit,
/// except that each character of an unspaced script counts as a word of its own (with
/// one more for each run of other letters and digits among them).
pub fn token_words(token: &str) -> usize {
    // Most tokens are ASCII: no unspaced script, and a byte test decides.
    if token.is_ascii() {
        return usize::from(token.bytes().any(|b| b.is_ascii_alphanumeric()));
    }
    if !token.chars().any(is_unspaced_script) {
        return usize::from(token.chars().any(char::is_alphanumeric));
    }
    let mut words = 0;
    let mut in_run = false;
    for c in token.chars() {
        if is_unspaced_script(c) {
            words += 1;
            in_run = false;
        } else if c.is_alphanumeric() {
            words += usize::from(!in_run);
            in_run = true;
        } else {
            in_run = false;
        }
    }
    words
}

#[cfg(test)]
mod word_tests {
    use super::*;

    #[test]
    fn spaced_tokens_count_once() {
        assert_eq!(token_words("it's"), 1);
        assert_eq!(token_words("—"), 0);
    }

    #[test]
    fn unspaced_scripts_count_per_character() {
        assert_eq!(token_words("商標法違反"), 5);
        assert_eq!(token_words("iPhoneを販売"), 4);
    }
}
