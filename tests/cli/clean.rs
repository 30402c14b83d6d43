//! `unscrape clean`: golden outputs through every way in and out.

use super::*;
use predicates::prelude::*;

#[test]
fn seed_comes_out_byte_exact() {
    unscrape()
        .arg("clean")
        .arg(fixture(SEED))
        .assert()
        .success()
        .stdout(read(fixture(SEED_CLEAN)))
        .stderr("");
}

#[test]
fn seed_through_stdin_and_stdout() {
    unscrape()
        .args(["clean", "-"])
        .write_stdin(read(fixture(SEED)))
        .assert()
        .success()
        .stdout(read(fixture(SEED_CLEAN)));
}

#[test]
fn seed_to_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seed.clean.txt");
    unscrape()
        .arg("clean")
        .arg(fixture(SEED))
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    assert_eq!(read(&out), read(fixture(SEED_CLEAN)));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind");
}

#[test]
fn golden_fixtures() {
    check_golden_dir("golden", 5);
}

/// Real-looking page dumps (menus, share bars, related lists, comments, footers) and the
/// article lines that must survive them.
#[test]
fn page_fixtures() {
    check_golden_dir("pages", 3);
}

/// Every `NAME.txt` in `fixtures/DIR` cleans to `NAME.clean.txt`, which cleans to itself.
fn check_golden_dir(name: &str, at_least: usize) {
    let dir = fixture(name);
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if name.ends_with(".clean.txt") || !name.ends_with(".txt") {
            continue;
        }
        let expected = dir.join(name.replace(".txt", ".clean.txt"));
        let out = unscrape().arg("clean").arg(&path).output().unwrap();
        assert!(out.status.success(), "{name}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&read(&expected)),
            "{name}"
        );
        // Cleaning clean text changes nothing.
        unscrape()
            .arg("clean")
            .arg(&expected)
            .assert()
            .success()
            .stdout(read(&expected));
        checked += 1;
    }
    assert!(checked >= at_least, "fixtures found in {name}: {checked}");
}

#[test]
fn crlf_and_lf_copies_get_the_same_decisions() {
    let lf = read(fixture("golden/blank-layout-print-view.txt"));
    let crlf = read(fixture("golden/crlf-print-view.txt"));
    let clean = |input: Vec<u8>| {
        unscrape()
            .args(["clean", "-"])
            .write_stdin(input)
            .output()
            .unwrap()
            .stdout
    };
    let from_crlf = clean(crlf);
    assert!(from_crlf.windows(2).any(|w| w == b"\r\n"), "CRLF kept");
    assert_eq!(
        String::from_utf8(from_crlf)
            .unwrap()
            .replace("\r\n", "\n")
            .into_bytes(),
        clean(lf)
    );
}

#[test]
fn no_crumbs_keeps_navigation_but_drops_duplicates() {
    let out = unscrape()
        .arg("clean")
        .arg(fixture(SEED))
        .arg("--no-crumbs")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("- RSIS\n"));
    assert_eq!(text.matches("How is the Internet used").count(), 1);
}

#[test]
fn user_crumb_and_keep_rules() {
    let input = format!("Advertisement\n{}\n- Home\n- Sport\n", prose(1));
    unscrape()
        .args([
            "clean",
            "-",
            "--crumb-rule",
            "^Advertisement$",
            "--keep-rule",
            "Sport",
        ])
        .write_stdin(input)
        .assert()
        .success()
        .stdout(format!("{}\n- Sport\n", prose(1)));
}

#[test]
fn split_line_finds_duplicates_inside_blocks() {
    let input = format!("{}\n{}\n\n{}\n", prose(1), prose(2), prose(2));
    unscrape()
        .args(["clean", "-", "--split", "blank", "--no-near"])
        .write_stdin(input.clone())
        .assert()
        .stdout(input.clone());
    // With near matching, the lone paragraph is contained in the earlier block.
    unscrape()
        .args(["clean", "-", "--split", "blank"])
        .write_stdin(input)
        .assert()
        .stdout(format!("{}\n{}\n", prose(1), prose(2)));
    unscrape()
        .args(["clean", "-", "--split", "line"])
        .write_stdin(format!("{}\n{}\n\n{}\n", prose(1), prose(2), prose(2)))
        .assert()
        .stdout(format!("{}\n{}\n", prose(1), prose(2)));
}

#[test]
fn stats_go_to_stderr() {
    unscrape()
        .arg("clean")
        .arg(fixture(SEED))
        .arg("--stats")
        .assert()
        .success()
        .stdout(read(fixture(SEED_CLEAN)))
        .stderr(predicate::str::contains(
            "removed 4 crumb lines, 18 duplicate paragraphs (0 near) in 1 section",
        ));
}

#[test]
fn refuses_to_overwrite_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("page.txt");
    std::fs::copy(fixture(SEED), &input).unwrap();
    unscrape()
        .arg("clean")
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join(".").join("page.txt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refusing to overwrite the input"));
    assert_eq!(read(&input), read(fixture(SEED)));
}

#[test]
fn version_and_help() {
    unscrape()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("unscrape "));
    let help = unscrape().args(["clean", "--help"]).output().unwrap();
    insta::assert_snapshot!("clean_help", String::from_utf8(help.stdout).unwrap());
    let help = unscrape().arg("--help").output().unwrap();
    insta::assert_snapshot!("main_help", String::from_utf8(help.stdout).unwrap());
}

#[test]
fn same_bytes_for_any_number_of_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for jobs in ["1", "8"] {
        let report = dir.path().join(format!("r{jobs}.json"));
        let out = unscrape()
            .arg("clean")
            .arg(fixture("golden/near-print-view-rewrapped.txt"))
            .args(["--jobs", jobs, "--report"])
            .arg(&report)
            .output()
            .unwrap();
        assert!(out.status.success());
        outputs.push((out.stdout, read(&report)));
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn near_duplicates_are_reported_with_similarity_and_diff() {
    let out = unscrape()
        .arg("check")
        .arg(fixture("golden/near-print-view-rewrapped.txt"))
        .args(["-q", "--report", "-", "--report-format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let near: Vec<&serde_json::Value> = json["removals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule"] == "near-duplicate")
        .collect();
    assert_eq!(near.len(), 1, "{json:#}");
    assert!(near[0]["similarity"].as_f64().unwrap() >= 0.8);
    assert_eq!(near[0]["keep"], "first");
    assert!(near[0]["diff"]
        .as_str()
        .unwrap()
        .contains("[-about-] {+roughly+}"));
}

#[test]
fn no_near_keeps_near_copies() {
    let input = read(fixture("golden/near-print-view-rewrapped.txt"));
    let out = unscrape()
        .args(["clean", "-", "--no-near"])
        .write_stdin(input)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("roughly two million"));
}

#[test]
fn keep_longest_keeps_the_longer_copy() {
    let short = "The council agreed to fund the late night bus service for another year after a long debate.";
    let long = "The council agreed to fund the late night bus service for another year after a long debate on Tuesday.";
    unscrape()
        .args(["clean", "-", "--keep", "longest"])
        .write_stdin(format!("{short}\n{long}\n"))
        .assert()
        .success()
        .stdout(format!("{long}\n"));
    unscrape()
        .args(["clean", "-"])
        .write_stdin(format!("{short}\n{long}\n"))
        .assert()
        .stdout(format!("{short}\n"));
}

#[test]
fn strip_levels_remove_more_or_less() {
    let page = fixture("pages/news-markdown-layout.txt");
    let clean = |level: &str| {
        let out = unscrape()
            .arg("clean")
            .arg(&page)
            .args(["--strip", level])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let (conservative, balanced, aggressive) = (
        clean("conservative"),
        clean("balanced"),
        clean("aggressive"),
    );
    // Conservative keeps the plain-line menu and the comments; it still drops the share
    // button, the breadcrumb trail and the copyright line.
    assert!(conservative.contains("\nPodcasts\n"));
    assert!(conservative.contains("Finally! The bus detour"));
    assert!(!conservative.contains("Home > Local"));
    assert!(!conservative.contains("All rights reserved"));
    assert_eq!(
        balanced,
        String::from_utf8(read(fixture("pages/news-markdown-layout.clean.txt"))).unwrap()
    );
    assert!(aggressive.len() <= balanced.len());
    assert!(aggressive.contains("The harbour ferry that links the old town"));
}

/// `--language` names the documents' language instead of detecting it. The German page
/// cleans the same with `de` as with detection; with `en` its sentences hold no function
/// words, nothing near the headline reads as prose, and the headline goes with the menu.
#[test]
fn a_given_language_is_used_instead_of_detecting() {
    let page = fixture("pages/german-news.txt");
    let dir = tempfile::tempdir().unwrap();
    // (clean text, text report) with `--language language`.
    let clean = |language: &str| {
        let cleaned = dir.path().join(format!("{language}.txt"));
        let out = unscrape()
            .arg("clean")
            .arg(&page)
            .args([
                "--language",
                language,
                "--report",
                "-",
                "--report-format",
                "text",
            ])
            .arg("-o")
            .arg(&cleaned)
            .output()
            .unwrap();
        assert!(out.status.success(), "{language}");
        (
            String::from_utf8(read(&cleaned)).unwrap(),
            String::from_utf8(out.stdout).unwrap(),
        )
    };
    let expected = String::from_utf8(read(fixture("pages/german-news.clean.txt"))).unwrap();
    let (auto, german, english) = (clean("auto"), clean("de"), clean("en"));
    assert!(auto.1.contains("language: de\n"), "{}", auto.1);
    assert!(german.1.contains("language: de (given)\n"), "{}", german.1);
    assert!(
        english.1.contains("language: en (given)\n"),
        "{}",
        english.1
    );
    assert_eq!(auto.0, expected);
    assert_eq!(german.0, expected);
    assert!(expected.starts_with("Regierung lehnt Vorschlag ab\n"));
    assert!(
        !english.0.contains("Regierung lehnt Vorschlag ab"),
        "{}",
        english.0
    );
    assert!(english.0.contains("Die Opposition will nun im Herbst"));
}

#[test]
fn report_explains_body_rules() {
    let out = unscrape()
        .arg("check")
        .arg(fixture("pages/news-markdown-layout.txt"))
        .args(["-q", "--report", "-", "--report-format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: std::collections::BTreeSet<String> = json["removals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap().to_string())
        .collect();
    for rule in [
        "nav-run",
        "comments",
        "headline-list",
        "breadcrumb-trail",
        "share",
        "copyright",
    ] {
        assert!(rules.contains(rule), "{rule} in {rules:?}");
    }
}

/// `-o` and `--report` naming a device or FIFO write through it. Renaming a temporary file
/// over it instead would, as root, turn `/dev/null` into a regular file for the whole
/// machine (a FIFO stands in for the device here, so a regression cannot do that harm).
#[cfg(unix)]
#[test]
fn output_and_report_to_a_fifo_are_written_through() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo_out = dir.path().join("out.pipe");
    let fifo_report = dir.path().join("report.pipe");
    for fifo in [&fifo_out, &fifo_report] {
        let made = std::process::Command::new("mkfifo").arg(fifo).status();
        if !made.is_ok_and(|status| status.success()) {
            eprintln!("skipped: mkfifo unavailable");
            return;
        }
    }
    let readers: Vec<_> = [&fifo_out, &fifo_report]
        .into_iter()
        .map(|fifo| {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        })
        .collect();
    unscrape()
        .arg("clean")
        .arg(fixture("seed/000_f5873f3689c82459.txt"))
        .arg("-o")
        .arg(&fifo_out)
        .arg("--report")
        .arg(&fifo_report)
        .args(["--report-format", "json"])
        .assert()
        .success();
    let mut read = readers.into_iter().map(|r| r.join().unwrap());
    assert_eq!(
        read.next().unwrap(),
        std::fs::read(fixture("seed/000_f5873f3689c82459.clean.txt")).unwrap()
    );
    let report: serde_json::Value = serde_json::from_slice(&read.next().unwrap()).unwrap();
    assert_eq!(report["paragraphs_out"], 19);
    assert_eq!(report["bytes_out"], 5873);
    for fifo in [&fifo_out, &fifo_report] {
        assert!(std::fs::metadata(fifo).unwrap().file_type().is_fifo());
    }
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "left behind: {names:?}");
}
