//! JSONL corpora: one JSON object per line, the document text in one field (dolma,
//! datatrove and text-dedup use this layout).
//!
//! Receives a corpus file's text; returns its records in line order, each with its id, its
//! text, and every other field as it was (key order and number spelling kept), so writing
//! a record back changes only its text.

use crate::swar::Block;
use anyhow::{anyhow, bail, Result};
use serde_json::{Map, Value};

/// One record of a corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// 1-based line number in the file.
    pub line: usize,
    /// The id field's value (string or number), or `line N` when there is none.
    pub id: String,
    pub text: String,
    fields: Map<String, Value>,
}

impl Record {
    /// The record as one JSON line's bytes (UTF-8, no newline), its text replaced by
    /// `text`, appended to `out` (a run of records is written into one buffer).
    ///
    /// Written field by field as serde_json writes an object (`{"k":v,...}`, compact), the
    /// new text in place of the old, so the record's fields are not copied first. Bytes,
    /// not a `String`: they go straight to the output, and a `String` would check them
    /// again for UTF-8 that serde_json wrote from strings.
    pub fn write_with_text(&self, out: &mut Vec<u8>, text_field: &str, text: &str) {
        let written = (|| -> serde_json::Result<()> {
            out.push(b'{');
            for (n, (key, value)) in self.fields.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, key)?;
                out.push(b':');
                if key == text_field {
                    write_json_string(out, text);
                } else {
                    serde_json::to_writer(&mut *out, value)?;
                }
            }
            out.push(b'}');
            Ok(())
        })();
        if let Err(e) = written {
            panic!("a parsed JSON object always serialises: {e}");
        }
    }
}

/// Writes `text` as a JSON string, byte for byte as serde_json's compact writer does
/// (`"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t` and `\u00xx` for the other control
/// characters; everything else as it is). A record's text is most of a corpus's bytes:
/// eight bytes are checked at once for any byte to escape (most blocks hold none) instead
/// of one table look-up per byte.
fn write_json_string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Bytes from `run` on are not escaped and not yet written.
    let mut run = 0;
    let mut at = 0;
    while at < bytes.len() {
        if let Some(block) = bytes[at..].first_chunk::<8>() {
            let block = Block::load(block);
            let escape = block.any_below(0x20) | block.any_equal(b'"') | block.any_equal(b'\\');
            if escape == 0 {
                at += 8;
                continue;
            }
        }
        // A block with a byte to escape, or the last few bytes: one at a time.
        for _ in 0..8 {
            let Some(&byte) = bytes.get(at) else {
                break;
            };
            let short = match byte {
                b'"' => Some(b'"'),
                b'\\' => Some(b'\\'),
                0x08 => Some(b'b'),
                0x0C => Some(b'f'),
                b'\n' => Some(b'n'),
                b'\r' => Some(b'r'),
                b'\t' => Some(b't'),
                0x00..=0x1F => None,
                _ => {
                    at += 1;
                    continue;
                }
            };
            out.extend_from_slice(&bytes[run..at]);
            match short {
                Some(letter) => out.extend_from_slice(&[b'\\', letter]),
                None => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.extend_from_slice(&[
                        b'\\',
                        b'u',
                        b'0',
                        b'0',
                        HEX[usize::from(byte >> 4)],
                        HEX[usize::from(byte & 0xF)],
                    ]);
                }
            }
            at += 1;
            run = at;
        }
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

/// Parses a corpus. A line that is not a JSON object with a string text field is an error
/// naming its line number; blank lines are skipped.
pub fn parse(content: &str, text_field: &str, id_field: &str) -> Result<Vec<Record>> {
    parse_lines(content, 1, text_field, id_field)
}

/// Parses the lines of a corpus from line number `first_line` on; the lines are parsed in
/// parallel (their order kept), and the first bad line in line order is the error.
pub fn parse_lines(
    content: &str,
    first_line: usize,
    text_field: &str,
    id_field: &str,
) -> Result<Vec<Record>> {
    use rayon::prelude::*;
    let lines: Vec<&str> = content.split('\n').collect();
    let parsed: Vec<Result<Option<Record>>> = lines
        .par_iter()
        .enumerate()
        .with_min_len(64)
        .map(|(n, line)| parse_line(line, first_line + n, text_field, id_field))
        .collect();
    parsed.into_iter().filter_map(Result::transpose).collect()
}

/// One line: a record, nothing for a blank line, or an error naming the line.
fn parse_line(
    line: &str,
    line_no: usize,
    text_field: &str,
    id_field: &str,
) -> Result<Option<Record>> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.trim().is_empty() {
        return Ok(None);
    }
    let value: Value =
        serde_json::from_str(line).map_err(|e| anyhow!("line {line_no}: not valid JSON ({e})"))?;
    let Value::Object(mut fields) = value else {
        bail!("line {line_no}: not a JSON object");
    };
    let id = match fields.get(id_field) {
        Some(Value::String(id)) => id.clone(),
        Some(Value::Number(id)) => id.to_string(),
        _ => format!("line {line_no}"),
    };
    // The text moves out of the fields (a placeholder keeps its place in the key order):
    // a corpus's text is held once.
    let text = match fields.get_mut(text_field) {
        Some(Value::String(text)) => std::mem::take(text),
        Some(_) => bail!("line {line_no}: field {text_field:?} is not a string"),
        None => bail!("line {line_no}: no field {text_field:?} (set it with --text-field)"),
    };
    Ok(Some(Record {
        line: line_no,
        id,
        text,
        fields,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Record {
        fn with_text(&self, text_field: &str, text: &str) -> Vec<u8> {
            let mut out = Vec::new();
            self.write_with_text(&mut out, text_field, text);
            out
        }
    }

    #[test]
    fn round_trip_changes_only_the_text() {
        let line = r#"{"id":7,"meta":{"score":1.50,"tags":["a"]},"text":"old","url":"u"}"#;
        let records = parse(line, "text", "id").unwrap();
        assert_eq!(records[0].id, "7");
        assert_eq!(records[0].text, "old");
        assert_eq!(
            records[0].with_text("text", "new"),
            br#"{"id":7,"meta":{"score":1.50,"tags":["a"]},"text":"new","url":"u"}"#
        );
    }

    #[test]
    fn written_as_serde_json_writes_an_object() {
        let line = r#"{"a":"x\"y\u00e9","n":-1.0e3,"text":"t","z":[null,true,{"k":{}}],"e":{}}"#;
        let record = &parse(line, "text", "id").unwrap()[0];
        let mut fields = record.fields.clone();
        fields.insert("text".into(), Value::String("new \"text\"\n".into()));
        assert_eq!(
            record.with_text("text", "new \"text\"\n"),
            serde_json::to_vec(&Value::Object(fields)).unwrap()
        );
    }

    use proptest::prelude::*;

    proptest! {
        /// Texts of every control character, quotes, backslashes, DEL and non-ASCII
        /// characters, at every place in and across eight-byte blocks.
        #[test]
        fn a_text_is_written_as_serde_json_writes_it(
            chars in proptest::collection::vec(
                prop_oneof![
                    4 => proptest::sample::select(vec!['a', 'Z', ' ', '0', '~', '/']),
                    2 => (0u8..0x20).prop_map(char::from),
                    1 => proptest::sample::select(vec![
                        '"', '\\', '\u{7F}', 'é', '€', '😀', '\u{2028}', '\u{85}',
                    ]),
                ],
                0..40,
            )
        ) {
            let text: String = chars.into_iter().collect();
            let mut ours = Vec::new();
            write_json_string(&mut ours, &text);
            prop_assert_eq!(ours, serde_json::to_vec(&text).unwrap());
        }
    }

    #[test]
    fn every_byte_value_is_written_as_serde_json_writes_it() {
        // Each ASCII byte alone, at every offset of a block, and amid non-ASCII text.
        for byte in 0u8..0x80 {
            for offset in 0..9 {
                let text = format!(
                    "{}{}é€{}",
                    "x".repeat(offset),
                    char::from(byte),
                    "y".repeat(9)
                );
                let mut ours = Vec::new();
                write_json_string(&mut ours, &text);
                assert_eq!(
                    ours,
                    serde_json::to_vec(&text).unwrap(),
                    "{byte:#x} at {offset}"
                );
            }
        }
    }

    #[test]
    fn malformed_lines_name_their_number() {
        let err = parse("{\"text\":\"a\"}\n{broken\n", "text", "id").unwrap_err();
        assert!(err.to_string().starts_with("line 2: not valid JSON"));
        let err = parse("{\"body\":\"a\"}\n", "text", "id").unwrap_err();
        assert!(err.to_string().contains("no field \"text\""));
        let err = parse("[1]\n", "text", "id").unwrap_err();
        assert!(err.to_string().contains("not a JSON object"));
    }
}
