//! CLI tests: drive the real `unscrape` binary.

mod bad_input;
mod batch;
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

/// A 64 KiB tmpfs mounted for the length of a test, to be filled up; unmounted when
/// dropped.
#[cfg(target_os = "linux")]
pub struct SmallFs(PathBuf);

#[cfg(target_os = "linux")]
impl SmallFs {
    /// Mounts it at `at` (created); `None`, with a note, where mounting is refused (not root).
    pub fn mount(at: &Path) -> Option<Self> {
        std::fs::create_dir(at).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(at)
            .output()
            .is_ok_and(|o| o.status.success());
        if !mounted {
            eprintln!("skipped: cannot mount a tmpfs here");
            return None;
        }
        Some(Self(at.to_path_buf()))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

#[cfg(target_os = "linux")]
impl Drop for SmallFs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

pub const SEED: &str = "seed/000_f5873f3689c82459.txt";
pub const SEED_CLEAN: &str = "seed/000_f5873f3689c82459.clean.txt";

pub fn read(path: impl AsRef<Path>) -> Vec<u8> {
    std::fs::read(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// A long paragraph of prose, for each `n` different enough not to be a near duplicate
/// of any other.
pub fn prose(n: usize) -> String {
    const WORDS: [&str; 23] = [
        "council",
        "river",
        "budget",
        "winter",
        "school",
        "harbour",
        "railway",
        "museum",
        "farmers",
        "festival",
        "hospital",
        "library",
        "election",
        "bridge",
        "market",
        "orchestra",
        "stadium",
        "airport",
        "forest",
        "factory",
        "court",
        "garden",
        "tunnel",
    ];
    let words: Vec<&str> = (0..12)
        .map(|k| WORDS[(n * 7 + k * (n % 5 + 2)) % 23])
        .collect();
    format!(
        "In paragraph {n} the {} and the {} met the {} about the {}, the {}, the {} and the {}, near the {} by the {}, {} and {}; {}.",
        words[0], words[1], words[2], words[3], words[4], words[5], words[6], words[7],
        words[8], words[9], words[10], words[11]
    )
}
