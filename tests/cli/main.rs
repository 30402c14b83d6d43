//! CLI tests: drive the real `unscrape` binary.

mod bad_input;
mod check;
mod clean;
mod reports;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The binary under test, with a fixed terminal width so help text is stable.
pub fn unscrape() -> Command {
    let mut cmd = Command::cargo_bin("unscrape").expect("binary builds");
    cmd.env("COLUMNS", "100").env_remove("RUST_LOG");
    cmd
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

pub const SEED: &str = "seed/000_f5873f3689c82459.txt";
pub const SEED_CLEAN: &str = "seed/000_f5873f3689c82459.clean.txt";

pub fn read(path: impl AsRef<Path>) -> Vec<u8> {
    std::fs::read(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// A long paragraph of prose, different for each `n`.
pub fn prose(n: usize) -> String {
    format!(
        "Paragraph {n} of the article says that the council met on Tuesday and agreed, after a long debate, to fund the plan for another year."
    )
}
