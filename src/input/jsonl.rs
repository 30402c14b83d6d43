//! JSONL corpora: one JSON object per line, the document text in one field (dolma,
//! datatrove and text-dedup use this layout).
//!
//! Receives a corpus file's text; returns its records in line order, each with its id, its
//! text, and every other field as it was (key order and number spelling kept), so writing
//! a record back changes only its text.

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
    /// The record as one JSON line's bytes (UTF-8, no newline) with its text replaced by
    /// `text`.
    ///
    /// Written field by field as serde_json writes an object (`{"k":v,...}`, compact), the
    /// new text in place of the old, so the record's fields are not copied first. Bytes,
    /// not a `String`: they go straight to the output, and a `String` would check them
    /// again for UTF-8 that serde_json wrote from strings.
    pub fn with_text(&self, text_field: &str, text: &str) -> Vec<u8> {
        let mut out: Vec<u8> = Vec::with_capacity(text.len() + 64);
        let written = (|| -> serde_json::Result<()> {
            out.push(b'{');
            for (n, (key, value)) in self.fields.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut out, key)?;
                out.push(b':');
                if key == text_field {
                    serde_json::to_writer(&mut out, text)?;
                } else {
                    serde_json::to_writer(&mut out, value)?;
                }
            }
            out.push(b'}');
            Ok(())
        })();
        if let Err(e) = written {
            panic!("a parsed JSON object always serialises: {e}");
        }
        out
    }
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
