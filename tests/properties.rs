//! Property tests of the pipeline's invariants on generated documents.

use proptest::prelude::*;
use unscrape::pipeline::{clean_text, CleanOptions};
use unscrape::segment::{segment, SplitMode};
use unscrape::text::split_lines;

/// Lines of the kinds scrapes are made of: prose, short lines, menu items, crumbs, blanks.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0..12usize).prop_map(|n| format!(
            "Sentence {n} of the story says the council agreed, after a long debate, to fund the plan."
        )),
        1 => prop::sample::select(vec!["Singapore", "The way forward", "Related", "By A. Writer"])
            .prop_map(str::to_string),
        1 => prop::sample::select(vec!["- Home", "- News", "* Sport", "- Contact us"]).prop_map(str::to_string),
        1 => prop::sample::select(vec!["Home > News > World", "Share", "Print", "© 2020 Example"])
            .prop_map(str::to_string),
        2 => Just(String::new()),
        1 => "[a-zé ]{0,30}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(line(), 0..40),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, crlf, final_newline)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = lines.join(eol);
            if final_newline && !text.is_empty() {
                text.push_str(eol);
            }
            text
        })
}

/// `PROPTEST_CASES` cases (256 by default); failing cases are kept beside this file and
/// replayed first on every run.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(256),
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("regressions"),
        )),
        ..ProptestConfig::default()
    }
}

fn options(split: SplitMode) -> CleanOptions {
    CleanOptions {
        split,
        ..CleanOptions::default()
    }
}

fn split_mode() -> impl Strategy<Value = SplitMode> {
    prop::sample::select(vec![SplitMode::Auto, SplitMode::Blank, SplitMode::Line])
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn spans_reassemble_the_input(text in document(), split in split_mode()) {
        let lines = split_lines(&text);
        let joined: String = lines.iter().map(|l| &text[l.span()]).collect();
        prop_assert_eq!(&joined, &text);
        let seg = segment(&text, &lines, &vec![true; lines.len()], split);
        // Paragraphs and the blank lines between them cover every line exactly once.
        let mut covered = vec![0u8; lines.len()];
        for p in &seg.paragraphs {
            for count in &mut covered[p.first_line..=p.last_line] {
                *count += 1;
            }
        }
        for (i, line) in lines.iter().enumerate() {
            prop_assert_eq!(covered[i] == 1, !line.is_blank(&text));
        }
    }

    #[test]
    fn kept_lines_are_an_in_order_subsequence(text in document(), split in split_mode()) {
        let cleaned = clean_text(&text, &options(split));
        let original = split_lines(&text);
        let mut next = 0;
        for line in split_lines(&cleaned.text) {
            let piece = &cleaned.text[line.span()];
            let found = (next..original.len()).find(|&i| &text[original[i].span()] == piece);
            prop_assert!(found.is_some(), "line {:?} is not from the input in order", piece);
            next = found.unwrap_or(0) + 1;
        }
    }

    #[test]
    fn cleaning_is_idempotent(text in document(), split in split_mode()) {
        let once = clean_text(&text, &options(split)).text;
        let twice = clean_text(&once, &options(split)).text;
        prop_assert_eq!(twice, once);
    }

    #[test]
    fn nothing_unique_is_lost_to_dedup(text in document(), split in split_mode()) {
        // With crumbs and near matching off, every removed paragraph has an identical
        // (normalised) copy kept.
        let mut opts = CleanOptions { crumbs: unscrape::crumbs::CrumbOptions { enabled: false, ..Default::default() }, ..options(split) };
        opts.dedup.near = None;
        let cleaned = clean_text(&text, &opts);
        let lines = split_lines(&text);
        let key = |a: usize, b: usize| unscrape::fingerprint::normalise(
            &lines[a..=b].iter().filter(|l| !l.is_blank(&text)).map(|l| l.content(&text)).collect::<Vec<_>>().join(" "));
        for d in &cleaned.duplicates {
            prop_assert!(d.original_lines.0 < d.lines.0);
            prop_assert_eq!(key(d.lines.0, d.lines.1), key(d.original_lines.0, d.original_lines.1));
        }
    }

    #[test]
    fn exact_dedup_matches_a_naive_reference(paragraphs in prop::collection::vec(0..8usize, 0..30)) {
        // One paragraph per line, all long: a paragraph goes iff an earlier one is equal.
        let texts: Vec<String> = paragraphs.iter().map(|n| format!(
            "Paragraph number {n} has more than enough words to count as long.")).collect();
        let text = texts.iter().map(|t| format!("{t}\n")).collect::<String>();
        let opts = CleanOptions { crumbs: unscrape::crumbs::CrumbOptions { enabled: false, ..Default::default() }, ..options(SplitMode::Line) };
        let cleaned = clean_text(&text, &opts);
        let expected: String = texts.iter().enumerate()
            .filter(|(i, t)| !texts[..*i].contains(t))
            .map(|(_, t)| format!("{t}\n")).collect();
        prop_assert_eq!(cleaned.text, expected);
    }

    #[test]
    fn a_document_twice_loses_exactly_the_second_copy(text in document()) {
        // A clean document that ends with a newline and holds a long paragraph (a copy of
        // nothing but short lines is never dropped).
        let text = format!("Lead paragraph of the story, long enough to count.\n{text}\n");
        let once = clean_text(&text, &options(SplitMode::Line)).text;
        let doubled = format!("{once}{once}");
        prop_assert_eq!(clean_text(&doubled, &options(SplitMode::Line)).text, once);
    }

    #[test]
    fn crlf_conversion_commutes_with_cleaning(text in document(), split in split_mode()) {
        let lf = text.replace("\r\n", "\n");
        prop_assume!(!lf.contains('\r'));
        let crlf = lf.replace('\n', "\r\n");
        let from_lf = clean_text(&lf, &options(split)).text;
        let from_crlf = clean_text(&crlf, &options(split)).text;
        prop_assert_eq!(from_lf.replace('\n', "\r\n"), from_crlf);
    }
}

/// Paragraphs for near-duplicate properties: a few base texts, each possibly edited.
fn near_document() -> impl Strategy<Value = String> {
    let base = [
        "the council met on tuesday and agreed after a long debate to fund the late night bus service for another year",
        "officials said the extension would cost about two million pounds covered by fares and a grant from the fund",
        "nurses cleaners and bar staff rely on these routes said the councillor who chairs the transport committee",
    ];
    prop::collection::vec(
        (0..3usize, prop::option::of((0..18usize, "[a-z]{3,8}"))),
        0..12,
    )
    .prop_map(move |items| {
        items
            .into_iter()
            .map(|(b, edit)| {
                let mut words: Vec<String> = base[b].split(' ').map(str::to_string).collect();
                if let Some((k, w)) = edit {
                    let k = k % words.len();
                    words[k] = w;
                }
                words.join(" ") + "\n"
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_near_duplicate_has_a_verified_kept_copy(text in near_document(), longest in any::<bool>()) {
        use unscrape::dedup::{KeepRule, MatchKind};
        use unscrape::fingerprint::{minhash::shingles, normalise};
        let mut opts = options(SplitMode::Line);
        opts.crumbs.enabled = false;
        if longest {
            opts.dedup.keep = KeepRule::Longest;
        }
        let near = opts.dedup.near.unwrap_or_default();
        let cleaned = clean_text(&text, &opts);
        let lines = split_lines(&text);
        let kept: std::collections::HashSet<usize> = {
            let removed: std::collections::HashSet<usize> = cleaned.duplicates.iter().map(|d| d.lines.0).collect();
            (0..lines.len()).filter(|i| !removed.contains(i)).collect()
        };
        for d in &cleaned.duplicates {
            let (a, b) = (d.lines.0, d.original_lines.0);
            prop_assert!(kept.contains(&b), "original {} is kept", b);
            if !longest {
                prop_assert!(b < a, "original is earlier");
            }
            let (ka, kb) = (normalise(lines[a].content(&text)), normalise(lines[b].content(&text)));
            match d.kind {
                MatchKind::Exact => prop_assert_eq!(ka, kb),
                MatchKind::Near(sim) => {
                    prop_assert!(sim.value >= near.threshold);
                    if !longest {
                        // Keep-first removals point straight at their verified copy; under
                        // keep-longest a chain through a copy removed later may not verify
                        // end to end.
                        let (sa, sb) = (shingles(&ka, near.shingle), shingles(&kb, near.shingle));
                        let verified = unscrape::dedup::near::verify(&sa, &sb, near.threshold);
                        prop_assert!(verified.is_some(), "verified again");
                    }
                }
            }
        }
        // Kept and dropped together are every paragraph: the clean text plus the removed
        // lines are the input's lines.
        prop_assert_eq!(cleaned.paragraphs_out + cleaned.duplicates.len(), cleaned.paragraphs_in);
    }

    #[test]
    fn near_cleaning_is_idempotent(text in near_document()) {
        let once = clean_text(&text, &options(SplitMode::Line)).text;
        prop_assert_eq!(clean_text(&once, &options(SplitMode::Line)).text, once.clone());
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn same_bytes_for_one_thread_and_eight(text in document(), split in split_mode()) {
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map(|pool| pool.install(|| clean_text(&text, &options(split)).text))
        };
        if let (Ok(one), Ok(eight)) = (run(1), run(8)) {
            prop_assert_eq!(one, eight);
        }
    }
}

/// Two pages whose removals move the body's edge (found by `cleaning_is_idempotent`): the
/// body was placed by input line numbers, removed lines included, so cleaning the clean
/// text found another body. The second removes a paragraph between two blank lines, of
/// which the clean text keeps one.
#[test]
fn cleaning_is_idempotent_when_removals_move_the_body() {
    let pages = [
        "Sentence 0 of the story says the council agreed, after a long debate, to fund the plan.\nSentence 0 of the story says the council agreed, after a long debate, to fund the plan.\n\nRelated\nSentence 0 of the story says the council agreed, after a long debate, to fund the plan.\né\nRelated\nRelated\nSingapore\n- Home\na\n\nSentence 1 of the story says the council agreed, after a long debate, to fund the plan.\nSentence 1 of the story says the council agreed, after a long debate, to fund the plan.\nSingapore\n\na\nBy A. Writer",
        "Sentence 0 of the story says the council agreed, after a long debate, to fund the plan.\nSentence 0 of the story says the council agreed, after a long debate, to fund the plan.\n\nRelated\nSentence 0 of the story says the council agreed, after a long debate, to fund the plan.\né\nRelated\nRelated\nSingapore\n- Home\na\n\nSentence 0 of the story says the council agreed, after a long debate, to fund the plan.\nRelated\nSentence 1 of the story says the council agreed, after a long debate, to fund the plan.\nHome > News > World\nHome > News > World\n\nSentence 0 of the story says the council agreed, after a long debate, to fund the plan.\n\nBy A. Writer",
    ];
    for page in pages {
        for split in [SplitMode::Auto, SplitMode::Blank] {
            let once = clean_text(page, &options(split)).text;
            assert_eq!(clean_text(&once, &options(split)).text, once, "{split:?}");
        }
    }
}
