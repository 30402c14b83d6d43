//! Inputs: where a document's bytes come from, and how they become text.
//!
//! Receives what the user named (`-` or a path); returns its bytes, then its decoded text.
//! Never modifies an input.

pub mod compress;
pub mod decode;
pub mod jsonl;
pub mod sources;

use anyhow::{Context, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A document source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    /// `-` is standard input; anything else a path.
    pub fn from_arg(arg: &std::ffi::OsStr) -> Self {
        if arg == "-" {
            Self::Stdin
        } else {
            Self::File(PathBuf::from(arg))
        }
    }

    /// The name used in messages and reports.
    pub fn display_name(&self) -> String {
        match self {
            Self::Stdin => "<stdin>".to_string(),
            Self::File(path) => path.display().to_string(),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::Stdin => None,
            Self::File(path) => Some(path),
        }
    }

    /// Reads all bytes of the source.
    pub fn read(&self) -> Result<Vec<u8>> {
        match self {
            Self::Stdin => {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .lock()
                    .read_to_end(&mut bytes)
                    .context("reading standard input")?;
                Ok(bytes)
            }
            Self::File(path) => Ok(std::fs::read(path)?),
        }
    }
}
