//! Reports: JSON, unified diff and text, to files and standard output.

use super::*;
use predicates::prelude::*;

#[test]
fn json_report_of_the_seed() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("seed.report.json");
    unscrape()
        .current_dir(fixture("seed"))
        .args(["clean", "000_f5873f3689c82459.txt", "-o"])
        .arg(dir.path().join("out.txt"))
        .arg("--report")
        .arg(&report)
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&read(&report)).unwrap();
    assert_eq!(json["totals"]["crumb_lines"], 4);
    assert_eq!(json["totals"]["duplicate_paragraphs"], 18);
    assert_eq!(json["sections"][0]["lines"], serde_json::json!([24, 41]));
    assert_eq!(json["sections"][0]["repeats"], serde_json::json!([6, 23]));
    insta::assert_snapshot!(
        "seed_report_json",
        String::from_utf8(read(&report)).unwrap()
    );
}

#[test]
fn diff_report_names_lines() {
    let out = unscrape()
        .current_dir(fixture("seed"))
        .args([
            "check",
            "000_f5873f3689c82459.txt",
            "-q",
            "--report",
            "-",
            "--report-format",
            "diff",
        ])
        .output()
        .unwrap();
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.starts_with("--- a/000_f5873f3689c82459.txt\n+++ b/000_f5873f3689c82459.txt\n"));
    assert!(diff.contains("@@ -1,8 +1,4 @@"), "{diff}");
    assert!(diff.contains("\n-- RSIS\n"));
    // The second copy goes: old lines 24–41 leave, nothing of the first copy does.
    assert!(diff.contains("@@ -21,21 +17,3 @@"), "{diff}");
}

#[test]
fn diff_report_by_extension_applies_as_a_patch() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.txt");
    std::fs::copy(fixture(SEED), &page).unwrap();
    unscrape()
        .current_dir(dir.path())
        .args([
            "clean",
            "page.txt",
            "-o",
            "page.clean.txt",
            "--report",
            "page.diff",
        ])
        .assert()
        .success();
    let diff = String::from_utf8(read(dir.path().join("page.diff"))).unwrap();
    assert!(diff.contains("@@ "));
    assert!(
        diff.lines()
            .filter(|l| l.starts_with('-') && !l.starts_with("---"))
            .count()
            >= 22
    );
}

#[test]
fn text_report_explains() {
    unscrape()
        .arg("check")
        .arg(fixture(SEED))
        .args(["-q", "--report", "-"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "lines 24–41 repeat lines 6–23 (18 paragraphs)",
        ))
        .stdout(predicate::str::contains(
            "line 2      menu-run           - RSIS",
        ));
}

#[test]
fn report_and_text_cannot_share_stdout() {
    unscrape()
        .arg("clean")
        .arg(fixture(SEED))
        .args(["--report", "-"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot both go to standard output",
        ));
}

#[test]
fn report_names_the_language_with_crumbs_off() {
    // Without crumb rules the language is detected only for the report; it must still say
    // what it would with them on.
    let german = "Die Regierung hat am Dienstag erklärt, dass sie den Vorschlag der Opposition \
                  nicht unterstützen wird, weil er zu teuer und zu spät sei.\n";
    let dir = tempfile::tempdir().unwrap();
    let cleaned = dir.path().join("out.txt");
    let report = |args: &[&str]| -> serde_json::Value {
        let out = unscrape()
            .args(["clean", "-", "--report", "-", "--report-format", "json"])
            .arg("-o")
            .arg(&cleaned)
            .args(args)
            .write_stdin(german)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    for crumbs in [&[][..], &["--no-crumbs"]] {
        let json = report(crumbs);
        assert_eq!(json["language"], "de", "{crumbs:?}");
        assert_eq!(json["language_detected"], true, "{crumbs:?}");
        assert!(json.get("language_given").is_none(), "{crumbs:?}");
        // A language given is reported as given, not detected, with crumbs on or off.
        let json = report(&[crumbs, &["--language", "fr"]].concat());
        assert_eq!(json["language"], "fr", "{crumbs:?}");
        assert_eq!(json["language_detected"], false, "{crumbs:?}");
        assert_eq!(json["language_given"], true, "{crumbs:?}");
    }
}
