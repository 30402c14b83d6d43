//! Bad inputs and faults (../shared/RELIABILITY.md): each gets a clear message, the right
//! exit status, and loses nothing.

use super::*;
use predicates::prelude::*;

#[test]
fn empty_file_gives_empty_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("empty.txt");
    let out = dir.path().join("empty.clean.txt");
    std::fs::write(&input, "").unwrap();
    unscrape()
        .arg("clean")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(read(&out), b"");
}

#[test]
fn whitespace_only_gives_empty_output() {
    for input in [" \n\n\t\n", "\r\n\r\n"] {
        unscrape()
            .args(["clean", "-"])
            .write_stdin(input)
            .assert()
            .success()
            .stdout("");
    }
}

#[test]
fn no_trailing_newline_is_kept() {
    let input = format!("{}\n{}", prose(1), prose(2));
    unscrape()
        .args(["clean", "-"])
        .write_stdin(input.clone())
        .assert()
        .success()
        .stdout(input);
}

#[test]
fn utf8_bom_is_dropped_or_kept_on_request() {
    let input = format!("\u{FEFF}{}\n", prose(1));
    unscrape()
        .args(["clean", "-"])
        .write_stdin(input.clone())
        .assert()
        .stdout(format!("{}\n", prose(1)));
    unscrape()
        .args(["clean", "-", "--keep-bom"])
        .write_stdin(input.clone())
        .assert()
        .stdout(input);
}

#[test]
fn bom_is_not_part_of_the_first_key() {
    let input = format!("\u{FEFF}{}\n{}\n", prose(1), prose(1));
    unscrape()
        .args(["clean", "-"])
        .write_stdin(input)
        .assert()
        .stdout(format!("{}\n", prose(1)));
}

#[test]
fn utf16le_is_transcoded() {
    let text = format!("{}\n{}\n", prose(1), prose(1));
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    unscrape()
        .args(["clean", "-"])
        .write_stdin(bytes)
        .assert()
        .success()
        .stdout(format!("{}\n", prose(1)));
}

#[test]
fn latin1_is_an_error_naming_file_and_byte() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("latin1.txt");
    std::fs::write(&input, b"caf\xe9 na\xefve\n").unwrap();
    unscrape()
        .arg("clean")
        .arg(&input)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "unscrape: {}: not valid UTF-8 at byte 3",
            input.display()
        )))
        .stderr(predicate::str::contains("--encoding windows-1252"));
    unscrape()
        .arg("clean")
        .arg(&input)
        .args(["--encoding", "windows-1252"])
        .assert()
        .success()
        .stdout("café naïve\n");
}

#[test]
fn binary_file_is_skipped_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("data.bin");
    let out = dir.path().join("data.clean.txt");
    let mut bytes = vec![b'a'; 70_000];
    bytes[65_600] = 0;
    std::fs::write(&input, &bytes).unwrap();
    unscrape()
        .arg("clean")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "binary file (NUL byte at offset 65600), skipped",
        ));
    assert!(!out.exists(), "no output for a binary file");
    unscrape()
        .args(["clean", "-"])
        .write_stdin(&b"\0abc"[..])
        .assert()
        .stdout("")
        .stderr(predicate::str::contains("offset 0"));
}

#[test]
fn missing_file_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.txt");
    unscrape()
        .current_dir(dir.path())
        .args([
            "clean",
            "missing.txt",
            "-o",
            "out.txt",
            "--report",
            "r.json",
        ])
        .assert()
        .code(2)
        .stderr("unscrape: missing.txt: No such file or directory (os error 2)\n");
    assert!(!out.exists());
    assert!(!dir.path().join("r.json").exists());
}

#[test]
fn directory_where_a_file_is_expected_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    std::fs::create_dir(&report).unwrap();
    unscrape()
        .arg("clean")
        .arg(fixture(SEED))
        .arg("--report")
        .arg(&report)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("report.json"))
        .stderr(predicate::str::contains("directory"));
}

#[test]
fn disk_full_on_stdout_is_an_error() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("unscrape"))
        .arg("clean")
        .arg(fixture(SEED))
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("unscrape: <stdout>: No space left on device"),
        "{stderr}"
    );
}

#[test]
fn broken_pipe_exits_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let big: String = (0..20_000).map(|n| prose(n) + "\n").collect();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.txt");
    std::fs::write(&input, big).unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("unscrape"))
        .arg("clean")
        .arg(&input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe's read end is dropped here: the rest of the writes hit a closed pipe.
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "status {status:?}, stderr {stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn bad_flag_values_are_usage_errors() {
    unscrape()
        .arg("clean")
        .arg(fixture(SEED))
        .args(["--encoding", "klingon"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown encoding"));
    unscrape()
        .arg("clean")
        .arg(fixture(SEED))
        .args(["--crumb-rule", "("])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid --crumb-rule"));
}

/// RELIABILITY row 20: file names that are not UTF-8 are operated on as bytes, shown lossily,
/// and keep their bytes in a mirrored output tree.
#[cfg(unix)]
#[test]
fn non_utf8_file_names_keep_their_bytes() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::create_dir(dir.path().join("in")).unwrap();
    std::fs::write(
        dir.path().join("in").join(name),
        format!("Home > News\n\n{}\n", prose(1)),
    )
    .unwrap();
    unscrape()
        .current_dir(dir.path())
        .args(["clean", "in", "-o", "out", "--no-template"])
        .assert()
        .success();
    assert_eq!(
        read(dir.path().join("out").join(name)),
        format!("{}\n", prose(1)).into_bytes()
    );
    unscrape()
        .current_dir(dir.path())
        .args(["check", "in", "--no-template"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("caf\u{FFFD}.txt: would change"));
}

/// RELIABILITY row 8, as a stress test (`cargo test --release -- --ignored`): a 50 MB
/// single line is cleaned in linear time and bounded memory, and comes out unchanged.
#[test]
#[ignore = "stress: generates a 50 MB line"]
fn fifty_megabyte_single_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("line.txt");
    let words = [
        "alpha", "beta", "gamma", "delta", "council", "river", "the", "of",
    ];
    let mut line = String::with_capacity(50 << 20);
    let mut n = 0usize;
    while line.len() < 50 << 20 {
        line.push_str(words[(n * 7 + n / 3) % words.len()]);
        line.push(' ');
        n += 1;
    }
    std::fs::write(&input, &line).unwrap();
    let started = std::time::Instant::now();
    unscrape()
        .arg("clean")
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("out.txt"))
        .arg("--report")
        .arg(dir.path().join("r.json"))
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .success();
    assert!(started.elapsed() < std::time::Duration::from_secs(120));
    assert_eq!(read(dir.path().join("out.txt")), line.into_bytes());
}
