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
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Bytes of corpus lines per chunk.
pub const CHUNK_BYTES: usize = 4 << 20;

/// A run of a document's units as decoded text.
pub struct Loaded {
    /// Index of the first unit in the document.
    pub first: usize,
    pub texts: Vec<String>,
    pub records: Option<Vec<jsonl::Record>>,
    pub encoding: &'static str,
    pub bom: Option<Bom>,
    /// How far into the document, as stored, the run ends; `None` when its size is not
    /// known.
    pub read: Option<ReadSoFar>,
}

/// How much of a document's bytes as stored (compressed or not) were read by the end of a
/// run of its units: what a reader of a streamed corpus can tell of the rest (it reads a
/// little ahead, so this is an estimate).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReadSoFar {
    pub read: u64,
    pub size: u64,
}

impl ReadSoFar {
    /// The share of the document read, between 0 and 1.
    pub fn fraction(&self) -> f64 {
        if self.size == 0 {
            1.0
        } else {
            (self.read as f64 / self.size as f64).min(1.0)
        }
    }
}

/// A reader that counts the bytes read through it, for [`ReadSoFar`] (the count is read
/// on the thread that cuts chunks).
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The bytes read of a document, and its size as stored.
#[derive(Clone)]
struct Progress {
    read: Arc<AtomicU64>,
    size: u64,
}

impl Progress {
    fn now(&self) -> ReadSoFar {
        ReadSoFar {
            read: self.read.load(Ordering::Relaxed),
            size: self.size,
        }
    }
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
    fn reader(&self) -> Result<Box<dyn Read + Send + '_>> {
        Ok(match (&self.doc.path, self.stdin) {
            (Some(path), _) => Box::new(std::fs::File::open(path)?),
            (None, Some(bytes)) => Box::new(bytes),
            (None, None) => Box::new(std::io::empty()),
        })
    }

    /// The document's size as stored, when known (a regular file, or standard input's
    /// bytes).
    fn size(&self) -> Option<u64> {
        match (&self.doc.path, self.stdin) {
            (Some(path), _) => std::fs::metadata(path)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len()),
            (None, Some(bytes)) => Some(bytes.len() as u64),
            (None, None) => Some(0),
        }
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

/// Whether a document is read a chunk at a time: a JSONL corpus in UTF-8 (plain or
/// compressed). One that turns out to be UTF-16 (by its byte-order mark) is read whole
/// instead, as a single chunk.
pub fn streams(doc: &InputDoc, config: &BatchConfig) -> bool {
    doc.jsonl && config.decode.encoding == EncodingChoice::Utf8
}

/// Reads a document's units, calling `each` with them in order: once for a text document
/// or a corpus read whole, once per chunk for a streamed corpus ([`streams`]).
pub fn for_each_chunk(
    origin: &Origin<'_>,
    config: &BatchConfig,
    each: &mut dyn FnMut(Loaded) -> Result<()>,
) -> Result<Ending> {
    let doc = origin.doc;
    if streams(doc, config) {
        let read = Arc::new(AtomicU64::new(0));
        let progress = origin.size().map(|size| Progress {
            read: Arc::clone(&read),
            size,
        });
        let source = Counting {
            inner: origin.reader()?,
            read,
        };
        let mut reader: Box<dyn BufRead + Send + '_> = match doc.compression {
            Compression::None => Box::new(BufReader::with_capacity(1 << 20, source)),
            Compression::Gzip => Box::new(BufReader::with_capacity(
                1 << 20,
                flate2::read::MultiGzDecoder::new(BufReader::new(source)),
            )),
            Compression::Zstd => Box::new(BufReader::with_capacity(
                1 << 20,
                zstd::stream::read::Decoder::new(source)?,
            )),
        };
        let start = reader.fill_buf().map_err(|e| stream_error(e, doc))?;
        // UTF-16 needs the whole-file decoder.
        if !(start.starts_with(&[0xFF, 0xFE]) || start.starts_with(&[0xFE, 0xFF])) {
            return stream_corpus(reader, doc, config, CHUNK_BYTES, progress, each);
        }
    }
    let stored = origin.read_all()?;
    // Read whole: all of it, as stored (no second look at the file for its size).
    let read = Some(ReadSoFar {
        read: stored.len() as u64,
        size: stored.len() as u64,
    });
    let bytes = decompress(stored, doc.compression)?;
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
        read,
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

/// A chunk of a streamed corpus as read: whole lines, checked for NUL bytes and UTF-8,
/// not yet parsed.
struct RawChunk {
    /// The chunk's bytes, kept whole so the buffer can be reused as it is.
    text: String,
    /// Its lines: without a leading byte-order mark (first chunk only) and the last line
    /// end (a chunk ends with one, or with the file).
    body: std::ops::Range<usize>,
    /// Line number of the chunk's first line in the file.
    first_line: usize,
    /// How far into the document the reader was when it cut the chunk.
    read: Option<ReadSoFar>,
}

/// Streams a UTF-8 corpus in chunks of whole lines.
///
/// A reader thread reads, checks and hands over the next chunk while this thread parses
/// and processes the current one: reading and checking are serial (≈ 6 ms per 4 MB
/// chunk), and would otherwise leave every other core idle three times per chunk of a
/// batch (template counting, cleaning, writing). The reader does no rayon work, so it
/// cannot wait on a pool whose threads wait on it. Chunks reach `each` in file order, and
/// a read error or NUL byte ends the stream after the chunks before it, as when reading
/// and processing took turns.
fn stream_corpus(
    reader: Box<dyn BufRead + Send + '_>,
    doc: &InputDoc,
    config: &BatchConfig,
    chunk_bytes: usize,
    progress: Option<Progress>,
    each: &mut dyn FnMut(Loaded) -> Result<()>,
) -> Result<Ending> {
    let force_text = config.decode.force_text;
    std::thread::scope(|scope| {
        // Rendezvous: at most one chunk read ahead (its buffer, ≈ `chunk_bytes`, is the
        // memory this costs).
        let (chunks, arrivals) = std::sync::mpsc::sync_channel::<RawChunk>(0);
        // Parsed chunks' buffers go back to the reader: two buffers serve the whole file.
        let (spent, recycled) = std::sync::mpsc::channel::<String>();
        let reading = scope.spawn(move || {
            let cut = Cutting {
                force_text,
                chunk_bytes,
                progress,
            };
            read_chunks(reader, doc, &cut, &chunks, &recycled)
        });
        let processed = (|| -> Result<()> {
            let mut first_unit = 0usize;
            let mut bom = None;
            for chunk in &arrivals {
                if chunk.body.start > 0 {
                    bom = Some(Bom::Utf8);
                }
                let mut records = jsonl::parse_lines(
                    &chunk.text[chunk.body.clone()],
                    chunk.first_line,
                    &config.text_field,
                    &config.id_field,
                )?;
                // The reader may already be waiting for a buffer; if it has stopped, the
                // buffer is simply dropped.
                let _ = spent.send(chunk.text);
                let texts = take_texts(&mut records);
                let units = texts.len();
                each(Loaded {
                    first: first_unit,
                    texts,
                    records: Some(records),
                    encoding: encoding_rs::UTF_8.name(),
                    bom,
                    read: chunk.read,
                })?;
                first_unit += units;
            }
            Ok(())
        })();
        // On an error here the reader's next hand-over fails and it stops; it is joined
        // either way, so no thread outlives the document.
        drop(arrivals);
        let ending = match reading.join() {
            Ok(ending) => ending,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        processed?;
        ending
    })
}

/// How the reader thread of [`stream_corpus`] cuts chunks.
struct Cutting {
    /// Read on past a NUL byte (`--force-text`).
    force_text: bool,
    chunk_bytes: usize,
    /// The document's bytes read so far, for each chunk's [`ReadSoFar`].
    progress: Option<Progress>,
}

/// The reader thread of [`stream_corpus`]: cuts the stream into chunks of whole lines,
/// checks them, and hands them over in order until the end, an error or a NUL byte
/// (unless `force_text`). Stops early, with `Complete`, once nobody takes its chunks.
fn read_chunks(
    mut reader: Box<dyn BufRead + Send + '_>,
    doc: &InputDoc,
    cut: &Cutting,
    chunks: &std::sync::mpsc::SyncSender<RawChunk>,
    recycled: &std::sync::mpsc::Receiver<String>,
) -> Result<Ending> {
    let chunk_bytes = cut.chunk_bytes;
    // Bytes of the file before the chunk, and the line number of its first line.
    let mut offset = 0usize;
    let mut next_line = 1usize;
    // Bytes read past the chunk's last line end: the start of the next chunk.
    let mut carry: Vec<u8> = Vec::new();
    let mut at_end = false;
    loop {
        let mut chunk = match recycled.try_recv() {
            Ok(text) => {
                let mut bytes = text.into_bytes();
                bytes.clear();
                bytes
            }
            Err(_) => Vec::with_capacity(chunk_bytes + (1 << 16)),
        };
        chunk.append(&mut carry);
        // Read in bulk, then cut at the last line end: no per-line copying. No more than
        // `chunk_bytes` is read, so the buffer never grows past its capacity (it did, to
        // twice that, when a whole read went in past the mark).
        while chunk.len() < chunk_bytes && !at_end {
            let buffer = reader.fill_buf().map_err(|e| stream_error(e, doc))?;
            if buffer.is_empty() {
                at_end = true;
                break;
            }
            let n = buffer.len().min(chunk_bytes - chunk.len());
            chunk.extend_from_slice(&buffer[..n]);
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
        let body_start = if offset == 0 && chunk.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        let base = offset + body_start;
        if !cut.force_text {
            if let Some(nul) = memchr::memchr(0, &chunk[body_start..]) {
                return Ok(Ending::Binary(base + nul));
            }
        }
        // The byte-order mark is valid UTF-8, so an error's offset is in the body.
        let text = String::from_utf8(chunk).map_err(|e| DecodeError::InvalidUtf8 {
            byte_offset: offset + e.utf8_error().valid_up_to(),
        })?;
        let first_line = next_line;
        let body_end = text.len() - usize::from(text.ends_with('\n'));
        next_line += memchr::memchr_iter(b'\n', &text.as_bytes()[body_start..body_end]).count() + 1;
        offset += text.len();
        if chunks
            .send(RawChunk {
                text,
                body: body_start..body_end,
                first_line,
                read: cut.progress.as_ref().map(Progress::now),
            })
            .is_err()
        {
            // The chunks before failed to process: that error is the document's.
            return Ok(Ending::Complete);
        }
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

    /// A reader that hands out at most 7 bytes at a time, as a file read through a small
    /// buffer would: a slice hands out everything at once, which makes one chunk of any
    /// input.
    fn small_reads(bytes: &[u8]) -> std::io::BufReader<&[u8]> {
        std::io::BufReader::with_capacity(7, bytes)
    }

    /// Per chunk: its first unit, and `id=text` of each record.
    type Chunks = Vec<(usize, Vec<String>)>;

    /// Streams `bytes` in chunks of `chunk_bytes`.
    fn stream(bytes: &[u8], chunk_bytes: usize) -> Result<(Chunks, Ending)> {
        let mut seen = Vec::new();
        let ending = stream_corpus(
            Box::new(small_reads(bytes)),
            &corpus_doc(),
            &config(),
            chunk_bytes,
            None,
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

    /// Each chunk of a stored corpus says how far into it it ends: never less than the
    /// bytes of the chunks so far, never more than the file, all of it at the last chunk;
    /// compressed, as far into the compressed bytes.
    #[test]
    fn chunks_tell_how_far_into_the_document_they_end() {
        let dir = tempfile::tempdir().unwrap();
        let mut corpus = Vec::new();
        for i in 0..300_000 {
            corpus.extend(format!("{{\"id\":{i},\"text\":\"record {i}\"}}\n").bytes());
        }
        let gzipped = {
            use std::io::Write;
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(&corpus).unwrap();
            encoder.finish().unwrap()
        };
        for (name, bytes, compression) in [
            ("c.jsonl", &corpus, Compression::None),
            ("c.jsonl.gz", &gzipped, Compression::Gzip),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let doc = InputDoc {
                path: Some(path),
                compression,
                ..corpus_doc()
            };
            let origin = Origin {
                doc: &doc,
                stdin: None,
            };
            let mut seen: Vec<(usize, ReadSoFar)> = Vec::new();
            let mut text_bytes = 0;
            for_each_chunk(&origin, &config(), &mut |loaded| {
                // At least 18 bytes of JSON around each text.
                text_bytes += loaded.texts.iter().map(|t| t.len() + 18).sum::<usize>();
                seen.push((text_bytes, loaded.read.unwrap()));
                Ok(())
            })
            .unwrap();
            assert!(seen.len() >= 3, "{name}: {} chunks", seen.len());
            let size = bytes.len() as u64;
            for pair in seen.windows(2) {
                assert!(pair[0].1.read <= pair[1].1.read, "{name}");
            }
            for &(so_far, read) in &seen {
                assert_eq!(read.size, size, "{name}");
                assert!(read.read <= size, "{name}");
                if compression == Compression::None {
                    assert!(read.read >= so_far as u64, "{name}");
                }
            }
            let last = seen.last().unwrap().1;
            assert_eq!((last.read, last.fraction()), (size, 1.0), "{name}");
        }
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

    /// A reader that hands out far more than a chunk at once (a file read through the
    /// 1 MB buffer, the chunks 4 MB) still gets chunks of at most the chunk size, in
    /// buffers that never grew: they used to double when a read went in past the mark.
    #[test]
    fn chunks_stay_within_their_size_whatever_the_reads() {
        let mut corpus = Vec::new();
        for i in 0..4000 {
            corpus.extend(format!("{{\"id\":{i},\"text\":\"t{i}\"}}\n").bytes());
        }
        let chunk_bytes = 1000;
        let (chunks, arrivals) = std::sync::mpsc::sync_channel(corpus.len());
        let (_spent, recycled) = std::sync::mpsc::channel();
        let reader = std::io::BufReader::with_capacity(1 << 20, &corpus[..]);
        let cut = Cutting {
            force_text: false,
            chunk_bytes,
            progress: None,
        };
        let ending =
            read_chunks(Box::new(reader), &corpus_doc(), &cut, &chunks, &recycled).unwrap();
        assert!(matches!(ending, Ending::Complete));
        drop(chunks);
        let mut whole = Vec::new();
        for chunk in arrivals {
            assert!(chunk.text.len() <= chunk_bytes, "{}", chunk.text.len());
            assert!(chunk.text.capacity() <= chunk_bytes + (1 << 16));
            assert!(chunk.text.ends_with('\n'));
            whole.extend_from_slice(chunk.text.as_bytes());
        }
        assert_eq!(whole, corpus);
    }

    /// The reader thread runs ahead of the processing; chunks still arrive whole, in
    /// order, and the chunks before a bad one are processed before its error ends the
    /// stream, as when reading and processing took turns (the bad chunk is not).
    #[test]
    fn chunks_before_a_bad_line_or_nul_are_processed_first() {
        let mut corpus = Vec::new();
        for i in 0..50 {
            corpus.extend(format!("{{\"id\":{i},\"text\":\"t{i}\"}}\n").bytes());
        }
        let good = corpus.len();
        for (tail, expect_error) in [
            (&b"{\"text\":\"\xFF\"}\n"[..], true),
            (b"{\"text\":\"\0\"}\n", false),
        ] {
            let mut bytes = corpus.clone();
            bytes.extend_from_slice(tail);
            let mut seen = 0;
            let result = stream_corpus(
                Box::new(small_reads(&bytes)),
                &corpus_doc(),
                &config(),
                64,
                None,
                &mut |loaded| {
                    assert_eq!(loaded.first, seen);
                    seen += loaded.texts.len();
                    Ok(())
                },
            );
            // The bad line's chunk (a few lines of 64 bytes) is not processed at all.
            assert!((45..50).contains(&seen), "{seen}");
            match result {
                Err(e) => {
                    assert!(expect_error);
                    assert!(
                        e.to_string().contains(&format!("at byte {}", good + 9)),
                        "{e}"
                    );
                }
                Ok(ending) => {
                    assert!(!expect_error);
                    assert_eq!(ending, Ending::Binary(good + 9));
                }
            }
        }
    }

    /// A reader that counts the bytes taken from it.
    struct Counted<'a> {
        inner: std::io::BufReader<&'a [u8]>,
        taken: &'a std::sync::atomic::AtomicUsize,
    }

    impl Read for Counted<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.taken
                .fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            Ok(n)
        }
    }

    impl BufRead for Counted<'_> {
        fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
            self.inner.fill_buf()
        }
        fn consume(&mut self, n: usize) {
            self.taken
                .fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            self.inner.consume(n);
        }
    }

    /// An error while processing a chunk ends the stream with that error, and the reader
    /// thread stops within a chunk or two instead of reading on to the end.
    #[test]
    fn a_processing_error_stops_the_reader() {
        let line = b"{\"text\":\"abc\"}\n";
        let bytes = line.repeat(10_000);
        let taken = std::sync::atomic::AtomicUsize::new(0);
        let reader = Counted {
            inner: small_reads(&bytes),
            taken: &taken,
        };
        let mut calls = 0;
        let err = stream_corpus(
            Box::new(reader),
            &corpus_doc(),
            &config(),
            256,
            None,
            &mut |_| {
                calls += 1;
                if calls == 3 {
                    anyhow::bail!("disk full");
                }
                Ok(())
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(calls, 3);
        // Three chunks processed, one handed over, one read: about 5 × 256 bytes.
        let taken = taken.load(std::sync::atomic::Ordering::Relaxed);
        assert!(taken < 10 * 256, "{taken} of {} bytes read", bytes.len());
    }

    /// Processing that waits on a one-thread pool (as with `-j1`) cannot deadlock with
    /// the reader, which uses no pool.
    #[test]
    fn one_worker_thread_is_enough() {
        use rayon::prelude::*;
        let line = b"{\"text\":\"a b c\"}\n";
        let bytes = line.repeat(2_000);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let units = pool.install(|| {
            let mut units = 0;
            stream_corpus(
                Box::new(small_reads(&bytes)),
                &corpus_doc(),
                &config(),
                1024,
                None,
                &mut |loaded| {
                    units += loaded.texts.par_iter().filter(|t| t.len() == 5).count();
                    Ok(())
                },
            )
            .map(|_| units)
        });
        assert_eq!(units.unwrap(), 2_000);
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
