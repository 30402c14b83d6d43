//! Expanding what the user named into the documents of a batch, in a stable order.
//!
//! Receives paths (files, directories, `-`), file lists and filters; returns each document
//! with the relative name its output takes in a mirrored tree, its compression and whether
//! it is a JSONL corpus. Directories are walked sorted by name, symlinks followed only on
//! request (loops are errors), and the same file named twice (`a`, `./a`, a link) is kept
//! once. Never opens a document's content.

use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::HashSet;
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};

/// How a document's bytes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// From the file name's last extension: `.gz`, `.zst`.
    pub fn from_path(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("gz") => Self::Gzip,
            Some(e) if e.eq_ignore_ascii_case("zst") => Self::Zstd,
            _ => Self::None,
        }
    }
}

/// Whether a file name says JSONL: `.jsonl`, optionally followed by `.gz` or `.zst`.
pub fn is_jsonl_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase());
    name.is_some_and(|n| {
        n.ends_with(".jsonl") || n.ends_with(".jsonl.gz") || n.ends_with(".jsonl.zst")
    })
}

/// One document source of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputDoc {
    /// `None` for standard input.
    pub path: Option<PathBuf>,
    /// Name relative to the output directory when mirroring.
    pub relative: PathBuf,
    pub compression: Compression,
    pub jsonl: bool,
}

impl InputDoc {
    pub fn display_name(&self) -> String {
        match &self.path {
            Some(path) => path.display().to_string(),
            None => "<stdin>".to_string(),
        }
    }
}

/// What to expand.
#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    pub inputs: Vec<OsString>,
    /// Newline-separated list of paths (`-` = stdin).
    pub files_from: Option<OsString>,
    /// NUL-separated list of paths (`-` = stdin).
    pub files0_from: Option<OsString>,
    /// Keep only files whose path (relative to the walked directory) matches one of these.
    pub globs: Vec<String>,
    /// Follow symbolic links when walking directories.
    pub follow_links: bool,
    /// Treat every input as JSONL, whatever its name.
    pub jsonl: bool,
}

/// A problem with one named input that does not stop the others (a loop, an unreadable
/// directory entry): reported, and the run ends with status 2.
#[derive(Debug)]
pub struct SoftError {
    pub path: String,
    pub message: String,
}

/// The documents of a batch, and the soft errors met while walking.
#[derive(Debug, Default)]
pub struct Expanded {
    pub docs: Vec<InputDoc>,
    pub errors: Vec<SoftError>,
    /// Inputs given more than once (by another name, or a link), skipped after the first.
    pub repeated: Vec<String>,
    /// Symbolic links met while walking and not followed (without `-L`).
    pub links_not_followed: Vec<String>,
}

/// Expands the inputs. Explicit paths that do not exist are an error for the whole run
/// (nothing is written); problems inside walked directories are soft errors.
pub fn expand(options: &SourceOptions) -> Result<Expanded> {
    let mut named: Vec<OsString> = options.inputs.clone();
    if let Some(list) = &options.files_from {
        named.extend(read_list(list, b'\n')?);
    }
    if let Some(list) = &options.files0_from {
        named.extend(read_list(list, b'\0')?);
    }
    let globs = glob_set(&options.globs)?;

    // Preflight: every explicit input exists before anything is read or written.
    for arg in &named {
        if arg != "-" {
            let path = Path::new(arg);
            std::fs::metadata(path).with_context(|| path.display().to_string())?;
        }
    }

    let mut out = Expanded::default();
    let mut seen: HashSet<FileId> = HashSet::new();
    let mut stdin_used = false;
    for arg in &named {
        if arg == "-" {
            if stdin_used {
                out.repeated.push("<stdin>".into());
                continue;
            }
            stdin_used = true;
            out.docs.push(InputDoc {
                path: None,
                relative: PathBuf::from("stdin"),
                compression: Compression::None,
                jsonl: options.jsonl,
            });
            continue;
        }
        let path = PathBuf::from(arg);
        if path.is_dir() {
            walk(&path, options, globs.as_ref(), &mut seen, &mut out);
        } else {
            let relative = path
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| path.clone());
            push_file(path, relative, options, &mut seen, &mut out);
        }
    }
    Ok(out)
}

fn push_file(
    path: PathBuf,
    relative: PathBuf,
    options: &SourceOptions,
    seen: &mut HashSet<FileId>,
    out: &mut Expanded,
) {
    match file_id(&path) {
        Ok(id) => {
            if !seen.insert(id) {
                out.repeated.push(path.display().to_string());
                return;
            }
        }
        Err(e) => {
            out.errors.push(SoftError {
                path: path.display().to_string(),
                message: e.to_string(),
            });
            return;
        }
    }
    let jsonl = options.jsonl || is_jsonl_name(&path);
    out.docs.push(InputDoc {
        compression: Compression::from_path(&path),
        jsonl,
        path: Some(path),
        relative,
    });
}

fn walk(
    root: &Path,
    options: &SourceOptions,
    globs: Option<&GlobSet>,
    seen: &mut HashSet<FileId>,
    out: &mut Expanded,
) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(options.follow_links)
        .sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if entry.path_is_symlink() && !options.follow_links {
                    out.links_not_followed
                        .push(entry.path().display().to_string());
                    continue;
                }
                if !entry.file_type().is_file() {
                    continue;
                }
                let relative = entry
                    .path()
                    .strip_prefix(root)
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|_| entry.path().to_path_buf());
                if let Some(globs) = globs {
                    if !globs.is_match(&relative) && !globs.is_match(entry.file_name()) {
                        continue;
                    }
                }
                push_file(entry.path().to_path_buf(), relative, options, seen, out);
            }
            Err(e) => out.errors.push(SoftError {
                path: e
                    .path()
                    .map_or_else(|| root.display().to_string(), |p| p.display().to_string()),
                message: e
                    .io_error()
                    .map_or_else(|| e.to_string(), |io| io.to_string()),
            }),
        }
    }
}

/// What makes two paths the same file: device and inode (so a link or `./a` is `a`).
/// Kept as numbers, not open handles: a batch of a million files must not hold a million
/// descriptors.
#[cfg(unix)]
pub(crate) type FileId = (u64, u64);
#[cfg(not(unix))]
pub(crate) type FileId = PathBuf;

/// The identity of the file at `path` (following symlinks), read from its metadata
/// without opening it: opening a FIFO would block until someone writes to it.
#[cfg(unix)]
pub(crate) fn file_id(path: &Path) -> std::io::Result<FileId> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path)?;
    Ok((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
pub(crate) fn file_id(path: &Path) -> std::io::Result<FileId> {
    std::fs::canonicalize(path)
}

fn glob_set(patterns: &[String]) -> Result<Option<GlobSet>> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        builder.add(Glob::new(p).with_context(|| format!("invalid --glob {p:?}"))?);
    }
    Ok(Some(builder.build()?))
}

/// Reads a list of paths separated by `sep` from a file or stdin (`-`).
fn read_list(source: &OsString, sep: u8) -> Result<Vec<OsString>> {
    let mut bytes = Vec::new();
    if source == "-" {
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("reading the file list from standard input")?;
    } else {
        bytes = std::fs::read(source).with_context(|| Path::new(source).display().to_string())?;
    }
    let mut out = Vec::new();
    for item in bytes.split(|&b| b == sep) {
        let item = if sep == b'\n' {
            item.strip_suffix(b"\r").unwrap_or(item)
        } else {
            item
        };
        if item.is_empty() {
            continue;
        }
        out.push(os_from_bytes(item)?);
    }
    Ok(out)
}

#[cfg(unix)]
fn os_from_bytes(bytes: &[u8]) -> Result<OsString> {
    use std::os::unix::ffi::OsStrExt;
    Ok(std::ffi::OsStr::from_bytes(bytes).to_os_string())
}

#[cfg(not(unix))]
fn os_from_bytes(bytes: &[u8]) -> Result<OsString> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(OsString::from(s)),
        Err(_) => anyhow::bail!("a listed path is not valid UTF-8"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_and_jsonl_from_names() {
        assert_eq!(
            Compression::from_path(Path::new("a.txt.gz")),
            Compression::Gzip
        );
        assert_eq!(
            Compression::from_path(Path::new("a.zst")),
            Compression::Zstd
        );
        assert_eq!(
            Compression::from_path(Path::new("a.txt")),
            Compression::None
        );
        assert!(is_jsonl_name(Path::new("shard.jsonl.gz")));
        assert!(!is_jsonl_name(Path::new("shard.json")));
    }

    #[test]
    fn walk_is_sorted_filtered_and_deduplicated() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b")).unwrap();
        std::fs::write(root.join("b/2.txt"), "x").unwrap();
        std::fs::write(root.join("a.txt"), "x").unwrap();
        std::fs::write(root.join("c.md"), "x").unwrap();
        let options = SourceOptions {
            inputs: vec![
                root.as_os_str().to_os_string(),
                root.join("a.txt").into_os_string(),
            ],
            globs: vec!["*.txt".into()],
            ..Default::default()
        };
        let expanded = expand(&options).unwrap();
        let names: Vec<_> = expanded.docs.iter().map(|d| d.relative.clone()).collect();
        assert_eq!(names, [PathBuf::from("a.txt"), PathBuf::from("b/2.txt")]);
        assert_eq!(expanded.repeated.len(), 1);
    }

    #[test]
    fn missing_explicit_input_is_an_error() {
        let options = SourceOptions {
            inputs: vec!["/no/such/file".into()],
            ..Default::default()
        };
        assert!(expand(&options).is_err());
    }
}
