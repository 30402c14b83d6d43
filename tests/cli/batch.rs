//! Batch and corpus mode: directories, file lists, JSONL, compression, documents across
//! documents, template lines, check for CI.

use super::*;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

/// A page: a menu, a body of the given paragraphs, a footer.
fn page(paragraphs: &[usize]) -> String {
    let mut text =
        String::from("Home > News > Local\n\nSubscribe to the weekly newsletter now\n\n");
    for &n in paragraphs {
        text.push_str(&prose(n));
        text.push_str("\n\n");
    }
    text
}

/// Cleans `in/` below `dir` into `out/` (no template lines), with a JSON report in `r.json`.
fn clean_in_to_out_with_json_report(dir: &Path) {
    unscrape()
        .current_dir(dir)
        .args([
            "clean",
            "in",
            "-o",
            "out",
            "--report",
            "r.json",
            "--no-template",
        ])
        .assert()
        .success();
}

fn write(path: &Path, content: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, content).unwrap();
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn directory_is_mirrored() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&input.join("a/one.txt"), page(&[1, 2]));
    write(&input.join("b/two.txt"), page(&[3, 4]));
    let out = dir.path().join("out");
    unscrape()
        .arg("clean")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--no-template")
        .assert()
        .success();
    let one = String::from_utf8(read(out.join("a/one.txt"))).unwrap();
    assert_eq!(
        one,
        format!(
            "Subscribe to the weekly newsletter now\n\n{}\n\n{}\n\n",
            prose(1),
            prose(2)
        )
    );
    assert!(!one.contains("Home > News"));
    assert!(out.join("b/two.txt").exists());
}

#[test]
fn file_lists_and_globs() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.txt"), page(&[1]));
    write(&dir.path().join("b.md"), page(&[2]));
    write(&dir.path().join("list"), "a.txt\nb.md\n");
    write(&dir.path().join("list0"), "a.txt\0b.md\0");
    for flag in ["--files-from", "--files0-from"] {
        let list = if flag == "--files-from" {
            "list"
        } else {
            "list0"
        };
        unscrape()
            .current_dir(dir.path())
            .args(["check", flag, list, "--no-template"])
            .assert()
            .code(1)
            .stdout(predicate::str::contains("a.txt: would change"))
            .stdout(predicate::str::contains("b.md: would change"));
    }
    unscrape()
        .current_dir(dir.path())
        .args(["check", ".", "--glob", "*.md", "--no-template"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("b.md"))
        .stdout(predicate::str::contains("a.txt").not());
}

#[test]
fn refuses_output_inside_input_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("in/a.txt"), page(&[1]));
    unscrape()
        .current_dir(dir.path())
        .args(["clean", "in", "-o", "in/out"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("inside the input directory"));
    assert!(!dir.path().join("in/out").exists());
}

#[test]
fn missing_input_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("good.txt"), page(&[1]));
    unscrape()
        .current_dir(dir.path())
        .args(["clean", "good.txt", "missing.txt", "-o", "out"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.txt"));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn jsonl_round_trip_keeps_other_fields() {
    let dir = tempfile::tempdir().unwrap();
    let records = [
        serde_json::json!({"id": "a", "meta": {"score": 0.5}, "text": page(&[1, 2]), "url": "https://e.test/a"}),
        serde_json::json!({"id": "b", "meta": {"score": 0.25}, "text": page(&[1, 2]), "url": "https://e.test/b"}),
        serde_json::json!({"id": "c", "meta": {"score": 1}, "text": page(&[3]), "url": "https://e.test/c"}),
    ];
    let corpus: String = records.iter().map(|r| format!("{r}\n")).collect();
    write(&dir.path().join("corpus.jsonl"), &corpus);
    let out = unscrape()
        .current_dir(dir.path())
        .args(["clean", "corpus.jsonl", "--no-template"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    for (got, want) in lines.iter().zip(&records) {
        for field in ["id", "meta", "url"] {
            assert_eq!(got[field], want[field]);
        }
    }
    assert!(lines[0]["text"].as_str().unwrap().contains(&prose(1)));
    assert_eq!(lines[1]["text"], "", "record b repeats record a");
    // --drop-empty leaves the duplicate record out.
    let out = unscrape()
        .current_dir(dir.path())
        .args(["clean", "corpus.jsonl", "--no-template", "--drop-empty"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
}

#[test]
fn malformed_jsonl_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("bad.jsonl"),
        "{\"text\": \"fine\"}\n{oops\n",
    );
    unscrape()
        .current_dir(dir.path())
        .args(["check", "bad.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.jsonl: line 2: not valid JSON",
        ));
}

#[test]
fn compressed_inputs_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let text = page(&[5, 6]);
    write(&dir.path().join("in/a.txt.gz"), gzip(text.as_bytes()));
    write(
        &dir.path().join("in/b.txt.zst"),
        zstd::stream::encode_all(page(&[7]).as_bytes(), 3).unwrap(),
    );
    unscrape()
        .current_dir(dir.path())
        .args(["clean", "in", "-o", "out", "--no-template"])
        .assert()
        .success();
    let a = String::from_utf8(gunzip(&read(dir.path().join("out/a.txt.gz")))).unwrap();
    assert!(a.contains(&prose(5)) && !a.contains("Home > News"));
    let b = zstd::stream::decode_all(&read(dir.path().join("out/b.txt.zst"))[..]).unwrap();
    assert!(String::from_utf8(b).unwrap().contains(&prose(7)));
    unscrape()
        .current_dir(dir.path())
        .args([
            "clean",
            "in",
            "-o",
            "plain",
            "--decompress",
            "--no-template",
        ])
        .assert()
        .success();
    assert!(dir.path().join("plain/a.txt").exists());
    assert!(dir.path().join("plain/b.txt").exists());
}

#[test]
fn truncated_gz_writes_nothing_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let full = gzip(page(&[1, 2, 3]).as_bytes());
    write(&dir.path().join("in/bad.txt.gz"), &full[..full.len() / 2]);
    write(&dir.path().join("in/good.txt"), page(&[4]));
    unscrape()
        .current_dir(dir.path())
        .args(["clean", "in", "-o", "out", "--no-template"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.txt.gz"))
        .stderr(predicate::str::contains("gzip"));
    assert!(!dir.path().join("out/bad.txt.gz").exists());
    assert!(dir.path().join("out/good.txt").exists());
}

#[test]
fn a_document_repeating_an_earlier_one_becomes_empty() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("in/1.txt"), page(&[1, 2, 3]));
    write(&dir.path().join("in/2.txt"), page(&[1, 2, 3]));
    write(&dir.path().join("in/3.txt"), page(&[2, 9]));
    clean_in_to_out_with_json_report(dir.path());
    assert_eq!(read(dir.path().join("out/2.txt")), b"");
    let three = String::from_utf8(read(dir.path().join("out/3.txt"))).unwrap();
    assert!(
        !three.contains(&prose(2)),
        "paragraph 2 is a copy of 1.txt's"
    );
    assert!(three.contains(&prose(9)));
    let report: serde_json::Value =
        serde_json::from_slice(&read(dir.path().join("r.json"))).unwrap();
    assert_eq!(report["duplicate_documents"][0]["document"], "in/2.txt");
    assert_eq!(report["duplicate_documents"][0]["duplicate_of"], "in/1.txt");
    assert_eq!(report["totals"]["duplicate_documents"], 1);
}

#[test]
fn a_near_copy_of_an_earlier_documents_paragraph_goes() {
    // Paragraph 1 of the first page comes back in the second with one word changed; the
    // third is the whole first page run into one paragraph with one word edited, which no
    // paragraph matches but the whole text's signature does. Both earlier documents'
    // signatures are read back for the decision pass.
    let dir = tempfile::tempdir().unwrap();
    let edited = |n: usize| prose(n).replacen(" met ", " greeted ", 1);
    let long = |n: usize| format!("{} {} {}", prose(n), prose(n + 40), prose(n + 80));
    write(
        &dir.path().join("in/1.txt"),
        format!("{}\n\n{}\n\n{}\n", long(1), long(2), long(3)),
    );
    write(
        &dir.path().join("in/2.txt"),
        format!(
            "{}\n\n{}\n",
            edited(1) + &long(1)[prose(1).len()..],
            long(9)
        ),
    );
    write(
        &dir.path().join("in/3.txt"),
        format!(
            "{} {} {}\n",
            long(1),
            long(2),
            edited(3) + &long(3)[prose(3).len()..]
        ),
    );
    clean_in_to_out_with_json_report(dir.path());
    let two = String::from_utf8(read(dir.path().join("out/2.txt"))).unwrap();
    assert_eq!(two, format!("{}\n", long(9)));
    assert_eq!(read(dir.path().join("out/3.txt")), b"");
    let report: serde_json::Value =
        serde_json::from_slice(&read(dir.path().join("r.json"))).unwrap();
    let documents = report["documents"].as_array().unwrap();
    let rules = |name: &str| -> Vec<String> {
        documents.iter().find(|d| d["file"] == name).unwrap()["removals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(rules("in/2.txt"), ["cross-document-near-duplicate"]);
    assert!(
        rules("in/3.txt").iter().all(|r| r == "duplicate-document"),
        "{:?}",
        rules("in/3.txt")
    );
    assert_eq!(report["duplicate_documents"][0]["document"], "in/3.txt");
    assert_eq!(report["duplicate_documents"][0]["duplicate_of"], "in/1.txt");
}

#[test]
fn near_matching_without_a_usable_temporary_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("in/1.txt"), page(&[1, 2]));
    write(&dir.path().join("in/2.txt"), page(&[3, 4]));
    unscrape()
        .current_dir(dir.path())
        .env("TMPDIR", dir.path().join("missing"))
        .args(["clean", "in", "-o", "out"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("temporary file"))
        .stderr(predicate::str::contains("TMPDIR"));
    assert!(!dir.path().join("out").exists());
    // Without near matching nothing needs the temporary directory.
    unscrape()
        .current_dir(dir.path())
        .env("TMPDIR", dir.path().join("missing"))
        .args(["clean", "in", "-o", "out", "--no-near"])
        .assert()
        .success();
}

/// A full TMPDIR while near-duplicate signatures are kept ends the batch with one error
/// naming the problem (not one per document), status 2 and nothing written. Needs a
/// 64 KiB tmpfs (root); skipped where mounting is refused.
#[cfg(target_os = "linux")]
#[test]
fn a_full_temporary_directory_ends_the_batch_with_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let Some(small) = SmallFs::mount(&dir.path().join("tmp")) else {
        return;
    };
    // 200 documents of 4 paragraphs: ≈ 500 KB of signatures for a 64 KiB directory.
    for n in 0..200 {
        write(
            &dir.path().join(format!("in/{n:03}.txt")),
            page(&[4 * n, 4 * n + 1, 4 * n + 2, 4 * n + 3]),
        );
    }
    let out = unscrape()
        .current_dir(dir.path())
        .env("TMPDIR", small.path())
        .args(["clean", "in", "-o", "out"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("TMPDIR"), "{stderr}");
    assert_eq!(
        stderr.matches("No space left on device").count(),
        1,
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn template_lines_go_from_every_document() {
    let dir = tempfile::tempdir().unwrap();
    for n in 0..4 {
        write(
            &dir.path().join(format!("in/{n}.txt")),
            page(&[n * 3, n * 3 + 1]),
        );
    }
    unscrape()
        .current_dir(dir.path())
        .args(["clean", "in", "-o", "out", "--report", "r.tsv"])
        .assert()
        .success();
    for n in 0..4 {
        let text = String::from_utf8(read(dir.path().join(format!("out/{n}.txt")))).unwrap();
        assert!(
            !text.contains("Subscribe to the weekly newsletter"),
            "{n}: {text}"
        );
        assert!(text.contains(&prose(n * 3)));
    }
    let tsv = String::from_utf8(read(dir.path().join("r.tsv"))).unwrap();
    assert!(tsv.starts_with("document\tkind\trule\t"));
    let template_rows = tsv
        .lines()
        .filter(|l| l.contains("\ttemplate-line\t") && l.contains("Subscribe to the weekly"))
        .count();
    assert_eq!(template_rows, 4, "{tsv}");
}

#[test]
fn check_exit_codes_and_json() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("in/clean.txt"), format!("{}\n", prose(1)));
    write(&dir.path().join("in/dirty.txt"), page(&[2, 3]));
    unscrape()
        .current_dir(dir.path())
        .args(["check", "in/clean.txt", "--json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"would_change\": false"));
    let out = unscrape()
        .current_dir(dir.path())
        .args(["check", "in", "--json", "--no-template"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["documents_failing"], 1);
    assert_eq!(json["documents"][1]["document"], "in/dirty.txt");
    unscrape()
        .current_dir(dir.path())
        .args(["check", "in", "--no-template", "--max-removed-ratio", "0.9"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("within --max-removed-ratio"));
    unscrape()
        .current_dir(dir.path())
        .args(["check", "in", "--max-removed-ratio", "2"])
        .assert()
        .code(2);
}

#[test]
fn same_output_for_any_number_of_jobs() {
    let dir = tempfile::tempdir().unwrap();
    for n in 0..12 {
        write(
            &dir.path().join(format!("in/{n:02}.txt")),
            page(&[n % 5, (n * 7) % 11, 3]),
        );
    }
    let mut results = Vec::new();
    for jobs in ["1", "8"] {
        let out = format!("out{jobs}");
        unscrape()
            .current_dir(dir.path())
            .args([
                "clean",
                "in",
                "-o",
                &out,
                "--jobs",
                jobs,
                "--report",
                &format!("{out}.json"),
            ])
            .assert()
            .success();
        let mut files = Vec::new();
        for n in 0..12 {
            files.push(read(dir.path().join(format!("{out}/{n:02}.txt"))));
        }
        let report = String::from_utf8(read(dir.path().join(format!("{out}.json")))).unwrap();
        results.push((files, report));
    }
    assert_eq!(results[0], results[1]);
}

/// Many documents copying earlier ones' paragraphs, exactly, nearly and whole: phase 4
/// writes them beside the decision walk, waiting for each unit's turn. The same files,
/// report and standard output on one thread as on two or eight.
#[test]
fn writing_beside_the_decision_walk_gives_the_same_output_for_any_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let edited = |n: usize| prose(n).replacen(" met ", " greeted ", 1);
    let documents = 240;
    let mut corpus = String::new();
    for n in 0..documents {
        let text = if n % 17 == 16 {
            // A whole earlier page again.
            page(&[n - 16, 400 + n - 16])
        } else {
            format!(
                "{}{}\n\n{}\n",
                page(&[n, 400 + n]),
                prose(n % 13),
                edited(n % 29)
            )
        };
        corpus.push_str(&serde_json::json!({ "id": n, "text": text }).to_string());
        corpus.push('\n');
        write(&dir.path().join(format!("in/{n:03}.txt")), text);
    }
    // The same pages as one corpus, cleaned to standard output.
    write(&dir.path().join("corpus.jsonl"), corpus);
    let mut results = Vec::new();
    for jobs in ["1", "2", "8"] {
        let out = format!("out{jobs}");
        unscrape()
            .current_dir(dir.path())
            .args(["clean", "in", "-o", &out, "--jobs", jobs])
            .args(["--report", &format!("{out}.json"), "--no-template"])
            .assert()
            .success();
        let files: Vec<Vec<u8>> = (0..documents)
            .map(|n| read(dir.path().join(format!("{out}/{n:03}.txt"))))
            .collect();
        let report = read(dir.path().join(format!("{out}.json")));
        let stdout = unscrape()
            .current_dir(dir.path())
            .args(["clean", "corpus.jsonl", "--jobs", jobs, "--no-template"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        results.push((files, report, stdout));
    }
    assert!(results[0] == results[1], "one thread and two");
    assert!(results[0] == results[2], "one thread and eight");
    let report: serde_json::Value = serde_json::from_slice(&results[0].1).unwrap();
    let rules: Vec<&str> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["removals"].as_array().unwrap())
        .filter_map(|r| r["rule"].as_str())
        .collect();
    let count = |rule: &str| rules.iter().filter(|&&r| r == rule).count();
    assert!(
        count("cross-document-duplicate") > 100,
        "{}",
        count("cross-document-duplicate")
    );
    assert!(count("cross-document-near-duplicate") > 100);
    assert!(report["duplicate_documents"].as_array().unwrap().len() >= 10);
}

#[cfg(unix)]
#[test]
fn in_place_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("page.txt");
    write(&path, page(&[1, 1, 2]));
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    unscrape()
        .arg("clean")
        .arg(&path)
        .arg("--in-place")
        .assert()
        .success();
    let text = String::from_utf8(read(&path)).unwrap();
    assert_eq!(text.matches(&prose(1)).count(), 1);
    assert!(!text.contains("Home > News"));
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

#[test]
fn same_file_twice_is_cleaned_once() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.txt"), page(&[1, 2]));
    unscrape()
        .current_dir(dir.path())
        .args(["check", "a.txt", "./a.txt", "--json"])
        .assert()
        .stderr(predicate::str::contains("given more than once"))
        .stdout(predicate::str::contains("\"documents\": 1"));
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_reported_with_follow() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("in/a.txt"), page(&[1]));
    std::os::unix::fs::symlink("..", dir.path().join("in/up")).unwrap();
    unscrape()
        .current_dir(dir.path())
        .args(["check", "in", "-L", "--no-template"])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("loop"));
    // Without -L the link is not followed, and nothing is wrong; -v says so.
    unscrape()
        .current_dir(dir.path())
        .args(["check", "in", "--no-template", "-v"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("symbolic link not followed"));
}

/// Runs unscrape with `args` in `dir`, sends it SIGINT after `millis` ms, and returns how
/// it exited.
#[cfg(unix)]
fn interrupted_after(dir: &Path, args: &[&str], millis: u64) -> std::process::ExitStatus {
    interrupted_after_with_stderr(dir, args, millis).0
}

/// [`interrupted_after`], with what unscrape wrote on standard error.
#[cfg(unix)]
fn interrupted_after_with_stderr(
    dir: &Path,
    args: &[&str],
    millis: u64,
) -> (std::process::ExitStatus, String) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("unscrape"))
        .current_dir(dir)
        .args(args)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(millis));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr).unwrap();
    }
    (child.wait().unwrap(), stderr)
}

/// RELIABILITY row 16, as a stress test (`cargo test --release -- --ignored`): SIGINT in
/// the middle of a batch ends it with status 130, no temporary files, and every output that
/// exists equal to a clean run's.
#[cfg(unix)]
#[test]
#[ignore = "stress: generates a corpus and times a signal"]
fn sigint_mid_batch_exits_130_and_leaves_whole_files() {
    let dir = tempfile::tempdir().unwrap();
    for n in 0..3000 {
        write(
            &dir.path().join(format!("in/{n:05}.txt")),
            page(&[n % 97, n % 89, n % 83]),
        );
    }
    unscrape()
        .current_dir(dir.path())
        .args(["clean", "in", "-o", "full", "-q"])
        .assert()
        .success();
    let status = interrupted_after(dir.path(), &["clean", "in", "-o", "part", "-q"], 300);
    assert!(matches!(status.code(), Some(130) | Some(0)), "{status:?}");
    if let Ok(entries) = fs::read_dir(dir.path().join("part")) {
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            assert!(
                !name.starts_with(".unscrape-tmp-"),
                "temporary file left: {name}"
            );
            assert_eq!(
                read(&path),
                read(dir.path().join("full").join(&name)),
                "{name}"
            );
        }
    }
}

/// SIGINT while a corpus alone is cleaned, decided and written a chunk at a time: status
/// 130, no temporary file, and no output unless it is whole (equal to a full run's).
#[cfg(unix)]
#[test]
#[ignore = "stress: generates a corpus and times a signal"]
fn sigint_mid_streamed_corpus_exits_130_and_leaves_no_part() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, _) = corpus_of_at_least(24 << 20);
    write(&dir.path().join("corpus.jsonl"), &corpus);
    let args = ["clean", "--no-near", "-q", "corpus.jsonl", "-o"];
    unscrape()
        .current_dir(dir.path())
        .args(args)
        .arg("full.jsonl")
        .timeout(std::time::Duration::from_secs(300))
        .assert()
        .success();
    let mut part = args.to_vec();
    part.push("part.jsonl");
    let status = interrupted_after(dir.path(), &part, 200);
    match status.code() {
        Some(130) => assert!(!dir.path().join("part.jsonl").exists()),
        Some(0) => {
            assert!(read(dir.path().join("part.jsonl")) == read(dir.path().join("full.jsonl")))
        }
        other => panic!("status {other:?}"),
    }
    assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
}

/// SIGINT while a corpus alone is cleaned the phased way (near matching on): the cleaning
/// stops within a chunk, the document is not finished (not failed), nothing is left.
#[cfg(unix)]
#[test]
#[ignore = "stress: generates a corpus and times a signal"]
fn sigint_mid_phased_corpus_leaves_it_unfinished_not_failed() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, _) = corpus_of_at_least(24 << 20);
    write(&dir.path().join("corpus.jsonl"), &corpus);
    let (status, stderr) = interrupted_after_with_stderr(
        dir.path(),
        &["clean", "corpus.jsonl", "-o", "part.jsonl"],
        300,
    );
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted: 0 of 1 documents finished"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("corpus.jsonl: "),
        "reported as failed: {stderr}"
    );
    assert!(!dir.path().join("part.jsonl").exists());
    assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
}

#[test]
fn fsync_gives_the_same_tree() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(&input.join("a/one.txt"), page(&[1, 2, 1]));
    write(&input.join("b/two.txt"), page(&[3, 2]));
    for (name, extra) in [("plain", None), ("synced", Some("--fsync"))] {
        let out = dir.path().join(name);
        let mut cmd = unscrape();
        cmd.arg("clean").arg(&input).arg("-o").arg(&out);
        cmd.args(extra);
        cmd.assert().success();
    }
    for file in ["a/one.txt", "b/two.txt"] {
        assert_eq!(
            read(dir.path().join("plain").join(file)),
            read(dir.path().join("synced").join(file))
        );
    }
    // Nothing temporary is left behind either way.
    for name in ["plain", "synced"] {
        for entry in walkdir_files(&dir.path().join(name)) {
            assert!(!entry.contains(".unscrape-tmp-"), "{entry}");
        }
    }
}

fn walkdir_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.display().to_string());
            }
        }
    }
    out
}

/// A JSONL corpus of `records` pages, each repeating one of the first 40 paragraphs (an
/// exact duplicate of an earlier record's), as `{"id":N,"text":...}` lines.
fn corpus_of_repeats(records: usize) -> String {
    (0..records)
        .map(|n| {
            let body = page(&[n % 40 + 1, n + 1000]);
            format!(
                "{{\"id\":{n},\"text\":{}}}\n",
                serde_json::to_string(&body).unwrap()
            )
        })
        .collect()
}

/// A [`corpus_of_repeats`] of at least `bytes` bytes, and its number of records.
fn corpus_of_at_least(bytes: usize) -> (String, usize) {
    let mut records = 1;
    let mut corpus = corpus_of_repeats(records);
    while corpus.len() < bytes {
        records *= 2;
        corpus = corpus_of_repeats(records);
    }
    (corpus, records)
}

/// Files in `dir` whose names start as unscrape's temporary files do.
fn temporary_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".unscrape"))
        .collect()
}

/// A corpus alone in its batch without near matching is cleaned, decided and written a
/// chunk at a time when its output is a file (or nothing, for `check`); standard output
/// takes the phased way. Both give the same output and the same report.
#[test]
fn corpus_alone_to_a_file_is_what_standard_output_gets() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("corpus.jsonl"), corpus_of_repeats(300));
    for extra in [
        &["--no-near"][..],
        &["--no-near", "--no-crumbs"],
        &["--no-near", "--drop-empty"],
    ] {
        let to_file = unscrape()
            .current_dir(dir.path())
            .args([
                "clean",
                "corpus.jsonl",
                "-o",
                "out.jsonl",
                "--report",
                "file.json",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(to_file.status.success(), "{extra:?}");
        let to_stdout = unscrape()
            .current_dir(dir.path())
            .args(["clean", "corpus.jsonl", "--report", "stdout.json"])
            .args(extra)
            .output()
            .unwrap();
        assert!(to_stdout.status.success(), "{extra:?}");
        let written = read(dir.path().join("out.jsonl"));
        assert_eq!(written, to_stdout.stdout, "{extra:?}");
        assert_eq!(
            read(dir.path().join("file.json")),
            read(dir.path().join("stdout.json")),
            "{extra:?}"
        );
        // Most records lose their repeated paragraph to an earlier record.
        let report: serde_json::Value =
            serde_json::from_slice(&read(dir.path().join("file.json"))).unwrap();
        let across = report["totals"]["cross_document_paragraphs"]
            .as_u64()
            .unwrap();
        assert!(
            across >= 250,
            "{extra:?}: {across} paragraphs dropped across records"
        );
    }
    // `check` streams too: the same verdicts as over standard output's phased run.
    let checked = unscrape()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-near",
            "corpus.jsonl",
            "--report",
            "check.json",
        ])
        .output()
        .unwrap();
    assert_eq!(checked.status.code(), Some(1));
    let cleaned: serde_json::Value =
        serde_json::from_slice(&read(dir.path().join("stdout.json"))).unwrap();
    let checked: serde_json::Value =
        serde_json::from_slice(&read(dir.path().join("check.json"))).unwrap();
    assert_eq!(checked["totals"], cleaned["totals"]);
}

/// A corpus alone with a bad line leaves nothing: no output file, no temporary file, its
/// input untouched under `--in-place` (see the stress test below for a bad line found
/// after chunks were already written).
#[test]
fn corpus_alone_with_a_bad_line_leaves_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut corpus = corpus_of_repeats(50);
    corpus.push_str("{\"id\":50,\"text\":\"unterminated\n");
    write(&dir.path().join("corpus.jsonl"), &corpus);
    unscrape()
        .current_dir(dir.path())
        .args(["clean", "--no-near", "corpus.jsonl", "-o", "out.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "corpus.jsonl: line 51: not valid JSON",
        ));
    assert!(!dir.path().join("out.jsonl").exists());
    unscrape()
        .current_dir(dir.path())
        .args(["clean", "--no-near", "--in-place", "corpus.jsonl"])
        .assert()
        .code(2);
    assert_eq!(read(dir.path().join("corpus.jsonl")), corpus.as_bytes());
    assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
}

/// A corpus alone of several 4 MB chunks, cleaned, decided and written a chunk at a time
/// into a file: the same output and report as standard output's phased run, duplicates
/// found across chunks. A bad line or a NUL byte in its last chunk, found after the
/// chunks before were written to the temporary file, leaves no output and no temporary
/// file, and an input rewritten in place untouched.
#[test]
#[ignore = "stress: a 10 MB corpus"]
fn corpus_alone_of_several_chunks_streams_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, records) = corpus_of_at_least(10 << 20);
    write(&dir.path().join("corpus.jsonl"), &corpus);
    let run = |args: &[&str]| {
        unscrape()
            .current_dir(dir.path())
            .args(["clean", "--no-near", "--no-template"])
            .args(args)
            .timeout(std::time::Duration::from_secs(300))
            .output()
            .unwrap()
    };
    assert!(
        run(&["corpus.jsonl", "-o", "out.jsonl", "--report", "file.json"])
            .status
            .success()
    );
    let to_stdout = run(&["corpus.jsonl", "--report", "stdout.json"]);
    assert!(to_stdout.status.success());
    assert!(read(dir.path().join("out.jsonl")) == to_stdout.stdout);
    assert_eq!(
        read(dir.path().join("file.json")),
        read(dir.path().join("stdout.json"))
    );
    let report: serde_json::Value =
        serde_json::from_slice(&read(dir.path().join("file.json"))).unwrap();
    let across = report["totals"]["cross_document_paragraphs"]
        .as_u64()
        .unwrap();
    assert!(across as usize >= records - 40, "{across} of {records}");

    let late_bad_line = format!("{corpus}{{\"id\":\"last\",\"text\":\"unterminated\n");
    let mut late_nul = corpus.clone().into_bytes();
    let at = late_nul.len() - 10;
    late_nul[at] = 0;
    for (bad, message) in [
        (
            late_bad_line.into_bytes(),
            format!("line {}: not valid JSON", records + 1),
        ),
        (
            late_nul,
            format!("binary file (NUL byte at offset {at}), skipped"),
        ),
    ] {
        write(&dir.path().join("bad.jsonl"), &bad);
        let out = run(&["bad.jsonl", "-o", "bad-out.jsonl"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&message), "{stderr}");
        assert!(!dir.path().join("bad-out.jsonl").exists());
        let out = run(&["--in-place", "bad.jsonl"]);
        assert!(String::from_utf8_lossy(&out.stderr).contains(&message));
        assert!(read(dir.path().join("bad.jsonl")) == bad);
        assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
    }
}

/// A JSONL corpus of several 4 MB chunks (read ahead on a thread of their own while the
/// one before is cleaned) comes out whole and in order, the same with one worker thread
/// as with two, and its duplicates are found across chunks. (Exact duplicates only: the
/// `prose` paragraphs of distant numbers are near duplicates of each other.)
#[test]
#[ignore = "stress: a 20 MB corpus"]
fn corpus_of_several_chunks_same_for_any_number_of_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let mut corpus = String::new();
    let mut records = 0;
    while corpus.len() < 20 << 20 {
        // Every page repeats one of the first 400 paragraphs: most of those repeats are
        // in a later chunk than their first copy.
        let body = page(&[records % 400 + 1, records + 1000]);
        corpus.push_str(&format!(
            "{{\"id\":{records},\"text\":{}}}\n",
            serde_json::to_string(&body).unwrap()
        ));
        records += 1;
    }
    write(&dir.path().join("corpus.jsonl"), corpus);
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let out = format!("out{jobs}.jsonl");
        unscrape()
            .current_dir(dir.path())
            .args([
                "clean",
                "corpus.jsonl",
                "--no-template",
                "--no-near",
                "-o",
                &out,
            ])
            .args(["--jobs", jobs])
            .timeout(std::time::Duration::from_secs(300))
            .assert()
            .success();
        outputs.push(read(dir.path().join(&out)));
    }
    assert_eq!(outputs[0], outputs[1]);
    // The same corpus gzipped, twice over: two corpora whose outputs are compressed (a
    // member per megabyte, in parallel) while their chunks are cleaned, on one thread or
    // two. The first comes out as the plain corpus did; every record of the copy is a
    // duplicate of the first's. (This hung with members compressed on the batch's own
    // threads: they all waited on the writers, which waited on them.)
    let gzipped = gzip(&read(dir.path().join("corpus.jsonl")));
    write(&dir.path().join("in/a.jsonl.gz"), &gzipped);
    write(&dir.path().join("in/b.jsonl.gz"), &gzipped);
    let mut compressed = Vec::new();
    for jobs in ["1", "2"] {
        let out = format!("gz{jobs}");
        unscrape()
            .current_dir(dir.path())
            .args(["clean", "in", "--no-template", "--no-near", "-o", &out])
            .args(["--jobs", jobs])
            .timeout(std::time::Duration::from_secs(300))
            .assert()
            .success();
        let a = read(dir.path().join(&out).join("a.jsonl.gz"));
        assert_eq!(gunzip(&a), outputs[0], "--jobs {jobs}");
        let b = gunzip(&read(dir.path().join(&out).join("b.jsonl.gz")));
        assert_eq!(b.iter().filter(|&&c| c == b'\n').count(), records);
        assert!(b
            .split(|&c| c == b'\n')
            .filter(|l| !l.is_empty())
            .all(|l| serde_json::from_slice::<serde_json::Value>(l).unwrap()["text"] == ""));
        compressed.push(a);
    }
    assert!(
        compressed[0] == compressed[1],
        "the same bytes for any --jobs"
    );
    let lines: Vec<serde_json::Value> = outputs[0]
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines.len(), records);
    let repeated = prose(1);
    for (n, record) in lines.iter().enumerate() {
        assert_eq!(record["id"], n);
        let text = record["text"].as_str().unwrap();
        // The shared paragraph stays only in its first page.
        assert_eq!(text.contains(&repeated), n == 0, "record {n}");
        assert!(text.contains(&prose(n + 1000)), "record {n}");
    }
}
