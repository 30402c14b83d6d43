//! The only code that writes files: atomically, never over an input.
//!
//! A file is written to a temporary file in the target's directory (named
//! `.unscrape-tmp-*`, so a leftover is recognisable), flushed, synced when asked
//! ([`Durability`]), then renamed over the target. A failure at any step removes the
//! temporary file and leaves the old target, if any, untouched.
//!
//! A target that exists and is not a regular file — a device such as `/dev/null`, a FIFO,
//! a socket — is written directly: renaming over it would replace the device with a
//! regular file (as root, `-o /dev/null` would break `/dev/null` for the whole machine).

use anyhow::{bail, Context, Result};
use std::fs;
use std::io::Write;
use std::path::Path;

use crate::input::sources::file_id;

/// Prefix of temporary files.
pub const TEMP_PREFIX: &str = ".unscrape-tmp-";

/// Whether an output reaches the disk before it replaces its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `fsync` before the rename: after a power loss the target is the old file or the
    /// new one, never empty. For anything that replaces data (in-place rewrites, a named
    /// output file).
    Synced,
    /// Rename only: atomic for every reader and against the process dying, and no disk
    /// flush per file. For the files of a mirrored tree, where a flush per file costs more
    /// than the cleaning (see docs/PERFORMANCE.md) and `--fsync` asks for `Synced`.
    Renamed,
}

/// Writes `bytes` to `path` atomically. An existing target keeps its permissions; a new
/// one gets the usual `rw-r--r--`.
pub fn write_atomic(path: &Path, bytes: &[u8], durability: Durability) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit(durability)
}

/// A file written in pieces that appears at its path whole, or not at all: a temporary
/// file in the target's directory until [`AtomicFile::commit`]; dropped uncommitted, it is
/// removed. A target that is not a regular file is written in place (see the module doc).
pub struct AtomicFile {
    buffer: std::io::BufWriter<fs::File>,
    target: std::path::PathBuf,
    /// `None` when the target is a device or FIFO written directly.
    temp: Option<tempfile::NamedTempFile>,
    /// Flushing to disk while writing, for an output that will be synced.
    early_sync: Option<EarlySync>,
}

/// Bytes written between two background flushes of a file that will be synced.
const EARLY_SYNC_BYTES: u64 = 32 << 20;

/// A synced output's data flushed to disk in the background as it is written, so that
/// the `fsync` before the rename waits for the last stretch only instead of the whole file
/// (it was a seventh of a 100 MB corpus's exact-only run, with both cores idle).
struct EarlySync {
    file: fs::File,
    every: u64,
    unsynced: u64,
    running: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl EarlySync {
    /// Counts `written` bytes, and starts a flush when enough have gone by and none is
    /// running. A failed flush is reported here (or at the commit).
    fn wrote(&mut self, written: usize) -> std::io::Result<()> {
        self.unsynced += written as u64;
        if self.unsynced < self.every {
            return Ok(());
        }
        if let Some(running) = self.running.take_if(|r| r.is_finished()) {
            Self::join(running)?;
        }
        if self.running.is_none() {
            let file = self.file.try_clone()?;
            self.running = Some(std::thread::spawn(move || file.sync_data()));
            self.unsynced = 0;
        }
        Ok(())
    }

    fn join(running: std::thread::JoinHandle<std::io::Result<()>>) -> std::io::Result<()> {
        running
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("a background flush panicked")))
    }

    /// Waits for the running flush.
    fn finish(mut self) -> std::io::Result<()> {
        self.running.take().map_or(Ok(()), Self::join)
    }
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<Self> {
        if is_special_file(path) {
            let file = fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("opening {}", path.display()))?;
            return Ok(Self {
                buffer: std::io::BufWriter::with_capacity(1 << 16, file),
                target: path.to_path_buf(),
                temp: None,
                early_sync: None,
            });
        }
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)
            .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
        let buffer = std::io::BufWriter::with_capacity(1 << 16, temp.as_file().try_clone()?);
        Ok(Self {
            buffer,
            target: path.to_path_buf(),
            temp: Some(temp),
            early_sync: None,
        })
    }

    /// Flushes the data to disk in the background while it is written (every 32 MB), for
    /// a file that will be committed [`Durability::Synced`]. A device or FIFO is not
    /// flushed.
    pub fn sync_while_writing(self) -> Result<Self> {
        self.sync_every(EARLY_SYNC_BYTES)
    }

    fn sync_every(mut self, every: u64) -> Result<Self> {
        if let Some(temp) = &self.temp {
            self.early_sync = Some(EarlySync {
                file: temp.as_file().try_clone()?,
                every,
                unsynced: 0,
                running: None,
            });
        }
        Ok(self)
    }

    /// Flushes, gives the file the target's permissions (or `rw-r--r--`), syncs it if
    /// asked, and renames it over the target. A device or FIFO target is only flushed.
    pub fn commit(self, durability: Durability) -> Result<()> {
        let Self {
            buffer,
            target,
            temp,
            early_sync,
        } = self;
        buffer.into_inner().map_err(|e| e.into_error())?;
        if let Some(early_sync) = early_sync {
            early_sync.finish()?;
        }
        let Some(temp) = temp else {
            return Ok(());
        };
        let permissions = fs::metadata(&target)
            .map(|meta| meta.permissions())
            .ok()
            .or_else(default_permissions);
        if let Some(permissions) = permissions {
            fs::set_permissions(temp.path(), permissions)?;
        }
        if durability == Durability::Synced {
            temp.as_file().sync_all()?;
        }
        temp.persist(&target).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Whether `path` exists (following symlinks) and is something other than a regular file
/// or a directory: a device, FIFO or socket, which must be written, never replaced.
pub fn is_special_file(path: &Path) -> bool {
    fs::metadata(path)
        .map(|meta| !meta.is_file() && !meta.is_dir())
        .unwrap_or(false)
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.buffer.write(buf)?;
        if let Some(early_sync) = &mut self.early_sync {
            early_sync.wrote(written)?;
        }
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.buffer.flush()
    }
}

/// Permissions of a new output: `rw-r--r--` rather than the temporary file's `rw-------`.
#[cfg(unix)]
fn default_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<fs::Permissions> {
    None
}

/// Fails if `output` is the same file as any of `inputs` (by device and inode, so a
/// symlink or hard link to an input counts). Nothing is opened, so a FIFO output does not
/// block here.
pub fn refuse_input_as_output<'a>(
    output: &Path,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<()> {
    let Ok(output_id) = file_id(output) else {
        return Ok(());
    };
    for input in inputs {
        if file_id(input).is_ok_and(|input_id| input_id == output_id) {
            bail!(
                "refusing to overwrite the input {}; write elsewhere (in-place rewriting needs --in-place)",
                input.display()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_leaving_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        write_atomic(&target, b"one", Durability::Synced).unwrap();
        write_atomic(&target, b"two", Durability::Renamed).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_flushed_while_written_is_whole_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        // A flush every 1,000 bytes: many start while writing, some overlap a write.
        let mut file = AtomicFile::create(&target)
            .unwrap()
            .sync_every(1000)
            .unwrap();
        let mut expected = Vec::new();
        for n in 0..2000u32 {
            let line = format!("line {n} of a file flushed while it is written\n");
            file.write_all(line.as_bytes()).unwrap();
            expected.extend_from_slice(line.as_bytes());
        }
        assert!(!target.exists(), "visible before the commit");
        file.commit(Durability::Synced).unwrap();
        assert_eq!(fs::read(&target).unwrap(), expected);
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.txt"]);
    }

    #[test]
    fn keeps_permissions_of_an_existing_target() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        fs::write(&target, "old").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&target, b"new", Durability::Synced).unwrap();
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn failure_leaves_old_file_and_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("missing-dir").join("out.txt");
        assert!(write_atomic(&target, b"x", Durability::Synced).is_err());
        assert!(!target.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_target_is_written_through() {
        // A FIFO stands in for devices such as /dev/null: renaming over one (as root) would
        // turn it into a regular file for every process on the machine.
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|status| status.success()) {
            eprintln!("mkfifo unavailable; skipped");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        write_atomic(&fifo, b"through the pipe", Durability::Synced).unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["pipe"]);
    }

    #[test]
    fn refuses_an_input_or_its_alias() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.txt");
        fs::write(&input, "x").unwrap();
        assert!(refuse_input_as_output(&input, [input.as_path()]).is_err());
        let alias = dir.path().join(".").join("in.txt");
        assert!(refuse_input_as_output(&alias, [input.as_path()]).is_err());
        let other = dir.path().join("other.txt");
        assert!(refuse_input_as_output(&other, [input.as_path()]).is_ok());
    }
}
