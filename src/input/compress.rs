//! Compressed documents: `.gz` (every member) and `.zst`, read whole or not at all.
//!
//! A truncated or corrupt archive is an error: part of a document is never cleaned as if it
//! were all of it.

use super::sources::Compression;
use anyhow::{Context, Result};
use std::io::{Read, Write};

/// Decompresses `bytes` stored with `compression`.
pub fn decompress(bytes: Vec<u8>, compression: Compression) -> Result<Vec<u8>> {
    match compression {
        Compression::None => Ok(bytes),
        Compression::Gzip => {
            let mut out = Vec::with_capacity(bytes.len() * 4);
            flate2::read::MultiGzDecoder::new(&bytes[..])
                .read_to_end(&mut out)
                .context("corrupt or truncated gzip data")?;
            Ok(out)
        }
        Compression::Zstd => {
            zstd::stream::decode_all(&bytes[..]).context("corrupt or truncated zstd data")
        }
    }
}

/// A writer that compresses what it is given the way an input was stored, for outputs
/// written a chunk at a time. Deterministic: no timestamps or names, and the same bytes
/// for the same text however it is handed over and however many threads there are.
pub enum Encoder<W: Write> {
    Plain(W),
    Gzip(GzipMembers<W>),
    Zstd(zstd::stream::write::Encoder<'static, W>),
}

impl<W: Write> Encoder<W> {
    pub fn new(inner: W, compression: Compression) -> Result<Self> {
        Ok(match compression {
            Compression::None => Self::Plain(inner),
            Compression::Gzip => Self::Gzip(GzipMembers::new(inner)),
            Compression::Zstd => Self::Zstd(zstd::stream::write::Encoder::new(inner, 3)?),
        })
    }

    /// Ends the compressed stream; returns the inner writer.
    pub fn finish(self) -> Result<W> {
        Ok(match self {
            Self::Plain(w) => w,
            Self::Gzip(e) => e.finish()?,
            Self::Zstd(e) => e.finish()?,
        })
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Self::Plain(w) => w.write(buf),
            Self::Gzip(e) => e.write(buf),
            Self::Zstd(e) => e.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Self::Plain(w) => w.flush(),
            Self::Gzip(e) => e.flush(),
            Self::Zstd(e) => e.flush(),
        }
    }
}

/// Bytes of text per gzip member.
const GZIP_MEMBER_BYTES: usize = 1 << 20;

/// Members compressed at once (in parallel): the text waiting is at most this many members'.
const GZIP_MEMBERS_AT_ONCE: usize = 4;

/// Gzip as a series of members of [`GZIP_MEMBER_BYTES`] of text each, compressed in
/// parallel: one deflate stream is serial, and it was most of the time of cleaning a
/// gzip corpus. Every gzip reader reads all the members of a file (RFC 1952 §2.2: a file
/// is a series of members), unscrape included; each member costs 18 bytes and starts
/// without the previous megabyte's dictionary (≈ 0.5% larger at the default level). The
/// cuts fall every [`GZIP_MEMBER_BYTES`] of the text, so the bytes depend on the text
/// alone, not on how it is handed over or on the number of threads.
pub struct GzipMembers<W: Write> {
    inner: W,
    /// Text not yet compressed: less than a member's, or members waiting for others.
    pending: Vec<u8>,
    /// Whether a member was written (an empty text is one empty member).
    wrote: bool,
}

impl<W: Write> GzipMembers<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            pending: Vec::new(),
            wrote: false,
        }
    }

    /// Compresses and writes the whole members pending, and with `all` the rest too.
    fn write_members(&mut self, all: bool) -> std::io::Result<()> {
        use rayon::prelude::*;
        let whole = if all {
            self.pending.len()
        } else {
            self.pending.len() / GZIP_MEMBER_BYTES * GZIP_MEMBER_BYTES
        };
        let text = &self.pending[..whole];
        let compress = || -> Vec<std::io::Result<Vec<u8>>> {
            text.par_chunks(GZIP_MEMBER_BYTES)
                .map(gzip_member)
                .collect()
        };
        let members = match compression_pool() {
            Some(pool) => pool.install(compress),
            None => text.chunks(GZIP_MEMBER_BYTES).map(gzip_member).collect(),
        };
        for member in members {
            self.inner.write_all(&member?)?;
            self.wrote = true;
        }
        self.pending.drain(..whole);
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<W> {
        self.write_members(true)?;
        if !self.wrote {
            self.inner.write_all(&gzip_member(&[])?)?;
        }
        Ok(self.inner)
    }
}

/// Threads that only compress (as many as the batch's own). A corpus's writer thread waits
/// for its members while the batch's threads wait for the writer to take their chunks:
/// compressing on the batch's pool could leave no thread to do it. `None` if no thread can
/// be started: members are then compressed one after another.
fn compression_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(rayon::current_num_threads())
            .thread_name(|n| format!("unscrape-gzip-{n}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// One gzip member holding `text`, at the default level.
fn gzip_member(text: &[u8]) -> std::io::Result<Vec<u8>> {
    // Room for half the text: JSONL at the default level compresses to ≈ 38%, so a third
    // (as before) made nearly every member's output grow to twice its size.
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(text.len() / 2 + 64),
        flate2::Compression::default(),
    );
    encoder.write_all(text)?;
    encoder.finish()
}

impl<W: Write> Write for GzipMembers<W> {
    /// Takes text up to a batch of members at a time, so the pending text never needs
    /// more than that room (growing it as pieces came held up to twice as much).
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        const BATCH: usize = GZIP_MEMBER_BYTES * GZIP_MEMBERS_AT_ONCE;
        let mut rest = buf;
        while !rest.is_empty() {
            let room = BATCH.saturating_sub(self.pending.len());
            self.pending.reserve_exact(room);
            let (now, later) = rest.split_at(room.min(rest.len()));
            self.pending.extend_from_slice(now);
            rest = later;
            if self.pending.len() >= BATCH {
                self.write_members(false)?;
            }
        }
        Ok(buf.len())
    }

    /// Ends a member with the text pending (unscrape's writers flush only at the end).
    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            self.write_members(true)?;
        }
        self.inner.flush()
    }
}

/// Compresses `bytes` the same way an input was. Deterministic: no timestamps or names.
pub fn compress(bytes: &[u8], compression: Compression) -> Result<Vec<u8>> {
    let mut encoder = Encoder::new(Vec::new(), compression)?;
    encoder.write_all(bytes)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for c in [Compression::Gzip, Compression::Zstd, Compression::None] {
            let data = b"hello\nworld\n".repeat(100);
            assert_eq!(decompress(compress(&data, c).unwrap(), c).unwrap(), data);
        }
    }

    #[test]
    fn multi_member_gzip_is_read_fully() {
        let mut both = compress(b"one\n", Compression::Gzip).unwrap();
        both.extend(compress(b"two\n", Compression::Gzip).unwrap());
        assert_eq!(decompress(both, Compression::Gzip).unwrap(), b"one\ntwo\n");
    }

    /// Members fall every GZIP_MEMBER_BYTES of the text however it is written: the same
    /// bytes from one write, from small writes, and from writes straddling the cuts.
    #[test]
    fn gzip_members_depend_on_the_text_alone() {
        // More than a batch of members, so some are compressed before the end.
        let text: Vec<u8> = (0..(GZIP_MEMBER_BYTES * (GZIP_MEMBERS_AT_ONCE + 1) + 12_345) as u32)
            .map(|n| b"abcdefgh \n"[(n.wrapping_mul(2_654_435_761) >> 28) as usize % 10])
            .collect();
        let whole = compress(&text, Compression::Gzip).unwrap();
        let batch = GZIP_MEMBER_BYTES * GZIP_MEMBERS_AT_ONCE;
        for piece in [4_096, GZIP_MEMBER_BYTES + 7, batch + 1] {
            let mut encoder = Encoder::new(Vec::new(), Compression::Gzip).unwrap();
            for part in text.chunks(piece.min(text.len())) {
                encoder.write_all(part).unwrap();
                // The text waiting never needs more room than a batch.
                if let Encoder::Gzip(members) = &encoder {
                    assert!(members.pending.capacity() <= batch, "pieces of {piece}");
                }
            }
            assert!(encoder.finish().unwrap() == whole, "pieces of {piece}");
        }
        // Whole members and a last short one, each a gzip file of its own part of the text.
        let mut members = 0;
        let mut rest = &whole[..];
        let mut decoded = Vec::new();
        while !rest.is_empty() {
            let mut decoder = flate2::bufread::GzDecoder::new(rest);
            let mut part = Vec::new();
            decoder.read_to_end(&mut part).unwrap();
            assert!(part.len() <= GZIP_MEMBER_BYTES);
            decoded.extend(part);
            rest = decoder.into_inner();
            members += 1;
        }
        assert_eq!(members, GZIP_MEMBERS_AT_ONCE + 2);
        assert!(decoded == text);
        // Nothing at all is one empty member, a valid gzip file.
        let empty = compress(b"", Compression::Gzip).unwrap();
        assert_eq!(decompress(empty, Compression::Gzip).unwrap(), b"");
    }

    #[test]
    fn truncated_archives_are_errors() {
        for c in [Compression::Gzip, Compression::Zstd] {
            let full = compress(&b"some text that compresses\n".repeat(200), c).unwrap();
            for cut in [full.len() / 2, full.len() - 4] {
                assert!(
                    decompress(full[..cut].to_vec(), c).is_err(),
                    "{c:?} cut at {cut}"
                );
            }
        }
    }
}
