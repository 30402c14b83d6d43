//! Where a batch's clean documents go: nowhere (`check`), standard output, or a file that
//! appears whole when its document is done; and writing a streamed corpus's output on a
//! thread of its own while the next chunk is processed.

use super::{BatchConfig, BatchOutput};
use crate::input::compress::Encoder;
use crate::input::sources::{Compression, InputDoc};
use crate::output::{AtomicFile, Durability};
use anyhow::{anyhow, Context, Result};
use std::path::PathBuf;

/// Where one document's clean bytes go, written a chunk at a time.
pub(super) enum Sink<'o> {
    /// `check`: nowhere.
    Nowhere,
    /// Standard output, in input order (the caller writes documents one after another).
    Stdout(&'o std::sync::Mutex<std::io::BufWriter<std::io::Stdout>>),
    /// A file that appears whole when the document is done.
    File {
        file: Box<Encoder<AtomicFile>>,
        durability: Durability,
        target: PathBuf,
    },
}

/// The file a document's output goes to, and how durably; `None` for `check` and
/// standard output.
fn file_target(doc: &InputDoc, config: &BatchConfig) -> Result<Option<(PathBuf, Durability)>> {
    Ok(Some(match &config.output {
        BatchOutput::None | BatchOutput::Stdout => return Ok(None),
        BatchOutput::File(target) => (target.clone(), Durability::Synced),
        BatchOutput::Dir(dir) => {
            let durability = if config.fsync {
                Durability::Synced
            } else {
                Durability::Renamed
            };
            (dir.join(super::output_name(doc, config)), durability)
        }
        BatchOutput::InPlace => {
            let path = doc
                .path
                .as_ref()
                .ok_or_else(|| anyhow!("--in-place cannot rewrite standard input"))?;
            // Follow a symlink to its target, so the link stays a link.
            let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
            (target, Durability::Synced)
        }
    }))
}

/// Whether a document's output appears only once it is whole, or never: a regular file
/// written through a temporary one and renamed into place, or nothing at all (`check`).
/// Standard output, a device or a FIFO takes bytes as they are written.
pub(super) fn appears_whole(doc: &InputDoc, config: &BatchConfig) -> bool {
    match config.output {
        BatchOutput::None => true,
        BatchOutput::Stdout => false,
        _ => matches!(
            file_target(doc, config),
            Ok(Some((target, _))) if !crate::output::is_special_file(&target)
        ),
    }
}

impl<'o> Sink<'o> {
    pub(super) fn open(
        doc: &InputDoc,
        config: &BatchConfig,
        stdout: &'o std::sync::Mutex<std::io::BufWriter<std::io::Stdout>>,
    ) -> Result<Self> {
        let compression = if config.decompress {
            Compression::None
        } else {
            doc.compression
        };
        let Some((target, durability)) = file_target(doc, config)? else {
            return Ok(match config.output {
                BatchOutput::Stdout => Self::Stdout(stdout),
                _ => Self::Nowhere,
            });
        };
        if let BatchOutput::Dir(_) = config.output {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).with_context(|| parent.display().to_string())?;
            }
        }
        let file = AtomicFile::create(&target)
            .and_then(|f| match durability {
                Durability::Synced => f.sync_while_writing(),
                Durability::Renamed => Ok(f),
            })
            .and_then(|f| Encoder::new(f, compression))
            .with_context(|| target.display().to_string())?;
        let file = Box::new(file);
        Ok(Self::File {
            file,
            durability,
            target,
        })
    }

    /// Writes a piece. Standard output's errors are marked [`StdoutError`]: they end the
    /// batch (a closed pipe ends it quietly), where a file's error fails its document only.
    pub(super) fn write(&mut self, bytes: &[u8]) -> Result<()> {
        use std::io::Write;
        match self {
            Self::Nowhere => Ok(()),
            Self::Stdout(out) => out
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .write_all(bytes)
                .map_err(|e| anyhow::Error::new(e).context(StdoutError)),
            Self::File { file, target, .. } => file
                .write_all(bytes)
                .with_context(|| target.display().to_string()),
        }
    }

    /// Makes the document's output whole: the file renamed into place.
    pub(super) fn finish(self) -> Result<()> {
        match self {
            Self::Nowhere | Self::Stdout(_) => Ok(()),
            Self::File {
                file,
                durability,
                target,
            } => file
                .finish()
                .and_then(|f| f.commit(durability))
                .with_context(|| target.display().to_string()),
        }
    }
}

/// Marks a failure to write standard output.
#[derive(Debug)]
pub(super) struct StdoutError;

impl std::fmt::Display for StdoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<stdout>")
    }
}

/// Something output is written to a piece at a time.
pub(super) trait WritePieces {
    fn write(&mut self, bytes: &[u8]) -> Result<()>;
}

impl WritePieces for Sink<'_> {
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        Sink::write(self, bytes)
    }
}

/// Chunks of output waiting for the writer thread, on top of the one being written (each
/// about a corpus chunk's clean text, 4 MB).
const CHUNKS_AHEAD: usize = 1;

/// Writes the chunks of pieces `produce` hands its argument to `sink`, in order. With
/// `behind`, on a thread of its own: a corpus's chunk is written (copied, compressed,
/// synced) while the next one is parsed and cleaned, where the pool would otherwise wait
/// for the serial write. A write error stops `produce` at its next hand-over and is the
/// error returned; an error of `produce` drops what is unwritten. Returns `produce`'s
/// result and the sink, everything written, for the caller to finish.
pub(super) fn write_in_order<S: WritePieces + Send, R>(
    mut sink: S,
    behind: bool,
    produce: impl FnOnce(&mut dyn FnMut(Vec<Vec<u8>>) -> Result<()>) -> Result<R>,
) -> Result<(R, S)> {
    if !behind {
        let produced = produce(&mut |chunk| chunk.iter().try_for_each(|piece| sink.write(piece)))?;
        return Ok((produced, sink));
    }
    std::thread::scope(|scope| {
        let (chunks, arrivals) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(CHUNKS_AHEAD);
        let writer = scope.spawn(move || -> Result<S> {
            for chunk in arrivals {
                for piece in &chunk {
                    sink.write(piece)?;
                }
            }
            Ok(sink)
        });
        // A closed channel means the writer failed: its error is the one returned.
        let produced = produce(&mut |chunk| chunks.send(chunk).map_err(|_| anyhow!(WriterStopped)));
        drop(chunks);
        let written = match writer.join() {
            Ok(written) => written,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        // The writer's error came first: it is why `produce` stopped, if it did.
        let sink = written?;
        Ok((produced?, sink))
    })
}

/// The writer thread stopped before everything was handed over (its error says why).
#[derive(Debug)]
struct WriterStopped;

impl std::fmt::Display for WriterStopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the output's writer stopped")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::bail;

    /// Bytes in a vector; fails once it would hold more than `room` bytes.
    struct Memory {
        bytes: Vec<u8>,
        room: usize,
    }

    impl WritePieces for Memory {
        fn write(&mut self, bytes: &[u8]) -> Result<()> {
            if self.bytes.len() + bytes.len() > self.room {
                bail!("no room");
            }
            self.bytes.extend_from_slice(bytes);
            Ok(())
        }
    }

    fn memory(room: usize) -> Memory {
        Memory {
            bytes: Vec::new(),
            room,
        }
    }

    #[test]
    fn chunks_are_written_in_order_behind_or_not() {
        for behind in [false, true] {
            let (handed, sink) = write_in_order(memory(usize::MAX), behind, |write| {
                for n in 0..50u8 {
                    write(vec![vec![n; 3], Vec::new(), vec![b'.']])?;
                }
                Ok(50)
            })
            .unwrap();
            assert_eq!(handed, 50);
            let expected: Vec<u8> = (0..50u8).flat_map(|n| [n, n, n, b'.']).collect();
            assert_eq!(sink.bytes, expected, "behind: {behind}");
        }
    }

    #[test]
    fn a_write_error_stops_the_producer_and_is_returned() {
        for behind in [false, true] {
            let mut handed = 0;
            let err = write_in_order(memory(10), behind, |write| {
                for _ in 0..1000 {
                    write(vec![vec![b'x'; 4]])?;
                    handed += 1;
                }
                Ok(())
            })
            .map(|_| ())
            .unwrap_err();
            assert_eq!(err.to_string(), "no room", "behind: {behind}");
            // Two chunks fit; behind, a few more may be handed over before the failure is
            // seen (one queued, one being written), never all.
            assert!(
                (2..=5).contains(&handed),
                "behind: {behind}, {handed} handed over"
            );
        }
    }

    #[test]
    fn a_producer_error_is_returned() {
        for behind in [false, true] {
            let err = write_in_order(memory(usize::MAX), behind, |write| {
                write(vec![b"kept".to_vec()])?;
                bail!("line 7: not valid JSON")
            })
            .map(|_: ((), Memory)| ())
            .unwrap_err();
            assert_eq!(
                err.to_string(),
                "line 7: not valid JSON",
                "behind: {behind}"
            );
        }
    }
}
