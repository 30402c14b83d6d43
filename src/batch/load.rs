//! Reading a document's units: a text document whole, a JSONL corpus a chunk of records
//! at a time.
//!
//! A corpus is read in chunks of about [`CHUNK_BYTES`] of lines, so a batch holds a few
//! chunks of text whatever the corpus's size (the decision pass keeps fingerprints only).
//! Plain and compressed corpora in UTF-8 stream; a corpus that needs another decoding
//! (UTF-16, `--encoding`) is read whole. Chunks end at line ends, so their decoding is the
//! decoding of the whole, and every error names a byte offset or a line of the whole file.
//! (One difference: the whole-file decoder looks for a NUL byte before it checks UTF-8, a
//! stream meets them in file order; either way the corpus is not cleaned.)

use super::BatchConfig;
use crate::input::compress::decompress;
use crate::input::decode::{decode, Bom, DecodeError, Decoding, EncodingChoice};
use crate::input::jsonl;
use crate::input::sources::{Compression, InputDoc};
use anyhow::Result;
use std::io::{BufRead, BufReader, Read};

/// Bytes of corpus lines per chunk.
pub const CHUNK_BYTES: usize = 8 << 20;

/// A run of a document's units as decoded text.
pub struct Loaded {
    /// Index of the first unit in the document.
    pub first: usize,
    pub texts: Vec<String>,
    pub records: Option<Vec<jsonl::Record>>,
    pub encoding: &'static str,
    pub bom: Option<Bom>,
}

/// How reading a document ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Every unit was read.
    Complete,
    /// A NUL byte at this offset: binary, skipped (units before it may have been seen).
    Binary(usize),
}

/// Where a document's bytes come from.
pub struct Origin<'a> {
    pub doc: &'a InputDoc,
    /// Standard input's bytes, read once for the whole batch.
    pub stdin: Option<&'a [u8]>,
}

impl Origin<'_> {
    fn reader(&self) -> Result<Box<dyn Read + '_>> {
        Ok(match (&self.doc.path, self.stdin) {
            (Some(path), _) => Box::new(std::fs::File::open(path)?),
            (None, Some(bytes)) => Box::new(bytes),
            (None, None) => Box::new(std::io::empty()),
        })
    }

    fn read_all(&self) -> Result<Vec<u8>> {
        match (&self.doc.path, self.stdin) {
            (Some(path), _) => Ok(std::fs::read(path)?),
            _ => {
                let mut bytes = Vec::new();
                self.reader()?.read_to_end(&mut bytes)?;
                Ok(bytes)
            }
        }
    }
}

/// Reads a document's units, calling `each` with them in order: once for a text document
/// or a corpus read whole, once per chunk for a streamed corpus.
pub fn for_each_chunk(
    origin: &Origin<'_>,
    config: &BatchConfig,
    each: &mut dyn FnMut(Loaded) -> Result<()>,
) -> Result<Ending> {
    let doc = origin.doc;
    if doc.jsonl && config.decode.encoding == EncodingChoice::Utf8 {
        let mut reader: Box<dyn BufRead + '_> = match doc.compression {
            Compression::None => Box::new(BufReader::with_capacity(1 << 20, origin.reader()?)),
            Compression::Gzip => Box::new(BufReader::with_capacity(
                1 << 20,
                flate2::read::MultiGzDecoder::new(BufReader::new(origin.reader()?)),
            )),
            Compression::Zstd => Box::new(BufReader::with_capacity(
                1 << 20,
                zstd::stream::read::Decoder::new(origin.reader()?)?,
            )),
        };
        let start = reader.fill_buf().map_err(|e| stream_error(e, doc))?;
        // UTF-16 needs the whole-file decoder.
        if !(start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF])) {
            return stream_corpus(reader, doc, config, CHUNK_BYTES, each);
        }
    }
    let bytes = decompress(origin.read_all()?, doc.compression)?;
    let decoded = match decode(&bytes, &config.decode)? {
        Decoding::Text(d) => d,
        Decoding::Binary { byte_offset } => return Ok(Ending::Binary(byte_offset)),
    };
    let (texts, records) = if doc.jsonl {
        let mut records = jsonl::parse(&decoded.text, &config.text_field, &config.id_field)?;
        (take_texts(&mut records), Some(records))
    } else {
        (vec![decoded.text.into_owned()], None)
    };
    each(Loaded {
        first: 0,
        texts,
        records,
        encoding: decoded.encoding,
        bom: decoded.bom,
    })?;
    Ok(Ending::Complete)
}

/// The records' texts, moved out: a unit's text is held once, beside its record.
fn take_texts(records: &mut [jsonl::Record]) -> Vec<String> {
    records
        .iter_mut()
        .map(|r| std::mem::take(&mut r.text))
        .collect()
}

/// A read error of a streamed corpus, worded as the whole-file reader words it.
fn stream_error(e: std::io::Error, doc: &InputDoc) -> anyhow::Error {
    let what = match doc.compression {
        Compression::None => "reading",
        Compression::Gzip => "corrupt or truncated gzip data",
        Compression::Zstd => "corrupt or truncated zstd data",
    };
    anyhow::Error::new(e).context(what)
}

/// Streams a UTF-8 corpus in chunks of whole lines.
fn stream_corpus(
    mut reader: Box<dyn BufRead + '_>,
    doc: &InputDoc,
    config: &BatchConfig,
    chunk_bytes: usize,
    each: &mut dyn FnMut(Loaded) -> Result<()>,
) -> Result<Ending> {
    let mut offset = 0usize; // bytes of the file before the chunk
    let mut next_line = 1usize; // line number of the chunk's first line
    let mut first_unit = 0usize;
    let mut bom = None;
    let mut chunk: Vec<u8> = Vec::with_capacity(chunk_bytes + (1 << 16));
    // Bytes read past the chunk's last line end: the start of the next chunk.
    let mut carry: Vec<u8> = Vec::new();
    let mut at_end = false;
    loop {
        chunk.clear();
        chunk.append(&mut carry);
        // Read in bulk, then cut at the last line end: no per-line copying.
        while chunk.len() < chunk_bytes && !at_end {
            let buffer = reader.fill_buf().map_err(|e| stream_error(e, doc))?;
            if buffer.is_empty() {
                at_end = true;
                break;
            }
            let n = buffer.len();
            chunk.extend_from_slice(buffer);
            reader.consume(n);
        }
        if !at_end {
            match memchr::memrchr(b'\n', &chunk) {
                Some(end) => {
                    carry.extend_from_slice(&chunk[end + 1..]);
                    chunk.truncate(end + 1);
                }
                // One line longer than a chunk: read on to its end (or the file's).
                None => {
                    let read = reader
                        .read_until(b'\n', &mut chunk)
                        .map_err(|e| stream_error(e, doc))?;
                    at_end = read == 0;
                }
            }
        }
        if chunk.is_empty() {
            return Ok(Ending::Complete);
        }
        let mut body: &[u8] = &chunk;
        if offset == 0 {
            if let Some(rest) = body.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
                body = rest;
                bom = Some(Bom::Utf8);
            }
        }
        let base = offset + (chunk.len() - body.len());
        if !config.decode.force_text {
            if let Some(nul) = memchr::memchr(0, body) {
                return Ok(Ending::Binary(base + nul));
            }
        }
        let text = std::str::from_utf8(body).map_err(|e| DecodeError::InvalidUtf8 {
            byte_offset: base + e.valid_up_to(),
        })?;
        // A chunk ends with a line end (or the file): its last split piece is empty.
        let text = text.strip_suffix('\n').unwrap_or(text);
        let mut records =
            jsonl::parse_lines(text, next_line, &config.text_field, &config.id_field)?;
        next_line += memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
        offset += chunk.len();
        let texts = take_texts(&mut records);
        let units = texts.len();
        each(Loaded {
            first: first_unit,
            texts,
            records: Some(records),
            encoding: encoding_rs::UTF_8.name(),
            bom,
        })?;
        first_unit += units;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::sources::InputDoc;

    fn corpus_doc() -> InputDoc {
        InputDoc {
            path: None,
            relative: "corpus.jsonl".into(),
            compression: Compression::None,
            jsonl: true,
        }
    }

    fn config() -> BatchConfig {
        use clap::Parser;
        crate::cli::Cli::try_parse_from(["unscrape", "clean", "--jsonl", "-"])
            .ok()
            .and_then(|cli| cli.into_config().ok())
            .and_then(|c| c.batch)
            .expect("a JSONL batch configuration")
    }

    /// Per chunk: its first unit, and `id=text` of each record.
    type Chunks = Vec<(usize, Vec<String>)>;

    /// Streams `bytes` in chunks of `chunk_bytes`.
    fn stream(bytes: &[u8], chunk_bytes: usize) -> Result<(Chunks, Ending)> {
        let mut seen = Vec::new();
        let ending = stream_corpus(
            Box::new(bytes),
            &corpus_doc(),
            &config(),
            chunk_bytes,
            &mut |loaded| {
                let ids = loaded
                    .records
                    .iter()
                    .flatten()
                    .zip(&loaded.texts)
                    .map(|(r, t)| format!("{}={t}", r.id))
                    .collect();
                seen.push((loaded.first, ids));
                Ok(())
            },
        )?;
        Ok((seen, ending))
    }

    #[test]
    fn chunks_hold_whole_lines_and_number_them_as_the_file() {
        let corpus = "\u{FEFF}{\"text\":\"a\"}\n\n{\"text\":\"b\"}\r\n{\"id\":9,\"text\":\"c\"}\n{\"text\":\"d\"}";
        let (whole, _) = stream(corpus.as_bytes(), 1 << 20).unwrap();
        assert_eq!(
            whole,
            vec![(
                0,
                vec!["line 1=a", "line 3=b", "9=c", "line 5=d"]
                    .into_iter()
                    .map(String::from)
                    .collect()
            )]
        );
        for size in [1, 5, 17, 40] {
            let (chunks, ending) = stream(corpus.as_bytes(), size).unwrap();
            assert!(matches!(ending, Ending::Complete));
            let flat: Vec<String> = chunks.iter().flat_map(|(_, ids)| ids.clone()).collect();
            assert_eq!(flat, whole[0].1, "chunks of {size}");
            let mut first = 0;
            for (start, ids) in &chunks {
                assert_eq!(*start, first);
                first += ids.len();
            }
        }
    }

    #[test]
    fn errors_name_the_line_and_byte_of_the_file() {
        let corpus = b"{\"text\":\"a\"}\n{\"text\":\"b\"}\n{broken\n";
        for size in [1, 1 << 20] {
            let err = stream(corpus, size).unwrap_err();
            assert!(
                err.to_string().starts_with("line 3: not valid JSON"),
                "{err}"
            );
        }
        let mut bad = b"{\"text\":\"a\"}\n{\"text\":\"".to_vec();
        bad.extend([0xFF, b'"', b'}', b'\n']);
        for size in [1, 1 << 20] {
            let err = stream(&bad, size).unwrap_err();
            assert!(
                err.to_string().contains("not valid UTF-8 at byte 22"),
                "{err}"
            );
        }
        let nul = b"{\"text\":\"a\"}\n{\"text\":\"\0\"}\n";
        for size in [1, 1 << 20] {
            let (_, ending) = stream(nul, size).unwrap();
            assert!(matches!(ending, Ending::Binary(22)));
        }
    }
}
