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
/// written a chunk at a time. Deterministic: no timestamps or names.
pub enum Encoder<W: Write> {
    Plain(W),
    Gzip(flate2::write::GzEncoder<W>),
    Zstd(zstd::stream::write::Encoder<'static, W>),
}

impl<W: Write> Encoder<W> {
    pub fn new(inner: W, compression: Compression) -> Result<Self> {
        Ok(match compression {
            Compression::None => Self::Plain(inner),
            Compression::Gzip => Self::Gzip(flate2::write::GzEncoder::new(
                inner,
                flate2::Compression::default(),
            )),
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
