//! Where a batch keeps the MinHash signatures of its clean texts until the decision pass:
//! in a temporary file, read back by position when a candidate is verified.
//!
//! The decision pass verifies a candidate pair by the share of equal signature values, so
//! every signature must outlive phase 2; held in memory they were most of a corpus's peak
//! (128 × 8 bytes per paragraph, five times the paragraph's own text). Here each value
//! keeps its low 32 bits — the well-mixed high bits of the permuted hash (see
//! [`MinHasher`](crate::fingerprint::minhash::MinHasher)): two different minima agree on
//! them with probability 2⁻³², so the estimate is unchanged in practice — and the
//! signatures go to an unlinked temporary file (in `TMPDIR`), which the process's memory
//! does not count and which disappears with the process whatever ends it. A unit's
//! signatures are written back to back in one positional write; workers write to disjoint
//! ranges, so phase 2 needs no lock beyond reserving a range.

use anyhow::{Context, Result};
use std::fs::File;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use zerocopy::IntoBytes;

/// Marks an error of the store itself (creating, writing or reading its file): it ends the
/// batch, since every later document would fail the same way (a full `TMPDIR`), rather
/// than failing documents one by one.
#[derive(Debug)]
pub struct StoreError;

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("keeping near-duplicate signatures in a temporary file (set TMPDIR to choose where, or use --no-near)")
    }
}

/// The compact form of a signature value (see the module doc).
pub fn compact(value: u64) -> u32 {
    value as u32
}

/// Signatures of `values` compact values each, in a temporary file.
#[derive(Debug)]
pub struct SignatureStore {
    file: File,
    values: usize,
    /// Signatures stored (or reserved) so far.
    next: Mutex<u64>,
    /// A write failed: the batch is ending.
    failed: AtomicBool,
}

impl SignatureStore {
    pub fn new(values: usize) -> Result<Self> {
        let file = tempfile::tempfile()
            .context("creating a temporary file")
            .context(StoreError)?;
        Ok(Self {
            file,
            values: values.max(1),
            next: Mutex::new(0),
            failed: AtomicBool::new(false),
        })
    }

    /// Whether a write has failed (later documents need not be cleaned).
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Values per signature.
    pub fn values(&self) -> usize {
        self.values
    }

    /// Stores signatures given back to back (a multiple of [`Self::values`] values) and
    /// returns the number of the first.
    pub fn append(&self, signatures: &[u32]) -> Result<u64> {
        let count = (signatures.len() / self.values) as u64;
        let first = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let first = *next;
            *next += count;
            first
        };
        if count > 0 {
            // Written as they are in memory where that is little-endian.
            let little: std::borrow::Cow<[u32]> = if cfg!(target_endian = "little") {
                signatures.into()
            } else {
                signatures.iter().map(|v| v.to_le()).collect()
            };
            if let Err(e) = write_all_at(&self.file, little.as_bytes(), self.offset(first)) {
                self.failed.store(true, Ordering::Relaxed);
                return Err(anyhow::Error::new(e)
                    .context("writing to a temporary file")
                    .context(StoreError));
            }
        }
        Ok(first)
    }

    /// Reads `count` signatures from number `first` into `out` (replacing its contents).
    pub fn read(&self, first: u64, count: usize, out: &mut Vec<u32>) -> Result<()> {
        // Straight into `out`'s values, as bytes (no buffer of its own per read: the
        // pre-pass reads every unit's signatures once per group of bands).
        out.clear();
        out.resize(count * self.values, 0);
        read_exact_at(&self.file, out.as_mut_bytes(), self.offset(first))
            .context("reading back from a temporary file")
            .context(StoreError)?;
        // The file holds little-endian values (a no-op on little-endian machines).
        for value in out.iter_mut() {
            *value = u32::from_le(*value);
        }
        Ok(())
    }

    fn offset(&self, signature: u64) -> u64 {
        signature * self.values as u64 * 4
    }
}

#[cfg(unix)]
fn write_all_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
fn read_exact_at(file: &File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(windows)]
fn write_all_at(file: &File, mut bytes: &[u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let n = file.seek_write(bytes, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut bytes: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let n = file.seek_read(bytes, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        bytes = &mut bytes[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_come_back_as_written_from_any_thread() {
        let store = SignatureStore::new(4).unwrap();
        let firsts: Vec<(u64, Vec<u32>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8u32)
                .map(|t| {
                    let store = &store;
                    scope.spawn(move || {
                        let values: Vec<u32> = (0..4 * (t + 1)).map(|i| t * 1000 + i).collect();
                        (store.append(&values).unwrap(), values)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut out = Vec::new();
        for (first, values) in firsts {
            store.read(first, values.len() / 4, &mut out).unwrap();
            assert_eq!(out, values);
        }
        assert_eq!(*store.next.lock().unwrap(), (1..=8).sum::<u64>());
    }

    #[test]
    fn reading_past_the_end_is_an_error() {
        let store = SignatureStore::new(2).unwrap();
        store.append(&[1, 2]).unwrap();
        let mut out = Vec::new();
        assert!(store.read(0, 2, &mut out).is_err());
        store.read(0, 1, &mut out).unwrap();
        assert_eq!(out, [1, 2]);
    }

    #[test]
    fn compact_keeps_the_low_bits() {
        assert_eq!(compact(0x1234_5678_9abc_def0), 0x9abc_def0);
    }
}
