//! Throughput of the hot paths: normalise + SHA-256, shingles + MinHash, LSH queries,
//! crumb classification, language detection, and the whole pipeline on one document.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use unscrape::crumbs::{find_crumbs, CrumbOptions, LineVerdicts};
use unscrape::dedup::{Bands, NearIndex};
use unscrape::fingerprint::minhash::{shingles, MinHasher};
use unscrape::fingerprint::{fingerprint_key, normalise};
use unscrape::language::FunctionWords;
use unscrape::pipeline::{clean_text, language_sample, CleanOptions};
use unscrape::text::split_lines;

/// A deterministic scraped-looking document: menu lines, prose paragraphs, a repeat.
fn document(paragraphs: usize) -> String {
    let words = [
        "council", "agreed", "the", "budget", "after", "a", "long", "debate", "on", "tuesday",
        "river", "school", "of", "and", "hospital", "market", "said", "would", "fund", "plan",
    ];
    let mut state = 12345u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let mut text = String::from("- Home\n- News\n- Sport\nHome > News > Local\n\n");
    let mut body = Vec::new();
    for _ in 0..paragraphs {
        let n = 20 + next() % 40;
        let p: Vec<&str> = (0..n).map(|_| words[next() % words.len()]).collect();
        body.push(format!("{}.", p.join(" ")));
    }
    text.push_str(&body.join("\n\n"));
    text.push_str("\n\nShare\n\n");
    text.push_str(&body[..body.len() / 4].join("\n\n"));
    text.push_str("\n\n© 2024 Example\n");
    text
}

fn benches(c: &mut Criterion) {
    let text = document(2000);
    let paragraphs: Vec<&str> = text.split("\n\n").collect();

    let mut group = c.benchmark_group("fingerprint");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("normalise", |b| {
        b.iter(|| {
            for p in &paragraphs {
                black_box(normalise(p));
            }
        })
    });
    group.bench_function("normalise+sha256", |b| {
        b.iter(|| {
            for p in &paragraphs {
                black_box(fingerprint_key(&normalise(p)));
            }
        })
    });
    let keys: Vec<String> = paragraphs.iter().map(|p| normalise(p)).collect();
    let hasher = MinHasher::new(128);
    group.bench_function("shingle+minhash", |b| {
        b.iter(|| {
            for k in &keys {
                black_box(hasher.signature(&shingles(k, 3)));
            }
        })
    });
    group.finish();

    let sketches: Vec<(Vec<u64>, Vec<u64>)> = keys
        .iter()
        .map(|k| {
            let s = shingles(k, 3);
            (hasher.signature(&s), s)
        })
        .collect();
    let mut index = NearIndex::new(Bands::for_threshold(0.8, 128));
    for (i, (sig, sh)) in sketches.iter().enumerate() {
        index.insert(i, sig, sh);
    }
    let mut group = c.benchmark_group("lsh");
    group.throughput(Throughput::Elements(sketches.len() as u64));
    group.bench_function("query", |b| {
        b.iter(|| {
            for (sig, sh) in &sketches {
                black_box(index.candidates(sig, sh));
            }
        })
    });
    group.finish();

    let lines = split_lines(&text);
    let live = vec![true; lines.len()];
    let words = FunctionWords::english_fallback();
    let mut group = c.benchmark_group("crumbs");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("classify", |b| {
        b.iter(|| {
            black_box(find_crumbs(
                &text,
                &lines,
                &live,
                &CrumbOptions::default(),
                &words,
                unscrape::segment::SplitMode::Blank,
                &mut LineVerdicts::default(),
            ))
        })
    });
    group.finish();

    // What the pipeline detects a document's language from: about 2 KB of its longest
    // lines. The shipped pages (English and German, with curly quotes and dashes, as
    // most real prose has) and the generated document's paragraphs.
    let pages = [
        include_str!("../fixtures/pages/german-news.txt"),
        include_str!("../fixtures/pages/news-indented-layout.txt"),
        include_str!("../fixtures/pages/news-markdown-layout.txt"),
        include_str!("../fixtures/pages/article-lines-that-stay.txt"),
    ];
    let mut samples: Vec<String> = pages.iter().map(|page| language_sample(page)).collect();
    samples.extend(
        paragraphs
            .chunks(8)
            .take(16)
            .map(|chunk| language_sample(&chunk.join("\n\n"))),
    );
    let mut group = c.benchmark_group("language");
    group.throughput(Throughput::Bytes(
        samples.iter().map(|s| s.len() as u64).sum(),
    ));
    group.bench_function("detect", |b| {
        b.iter(|| {
            for sample in &samples {
                black_box(FunctionWords::detect(sample));
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("clean_text", |b| {
        b.iter(|| black_box(clean_text(&text, &CleanOptions::default())))
    });
    group.finish();
}

criterion_group!(hot_paths, benches);
criterion_main!(hot_paths);
