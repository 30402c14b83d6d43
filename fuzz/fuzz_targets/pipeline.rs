//! The whole pipeline on arbitrary UTF-8: never panics, keeps only input lines in order,
//! and is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unscrape::pipeline::{clean_text, CleanOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = CleanOptions::default();
    let once = clean_text(text, &options);
    let twice = clean_text(&once.text, &options);
    assert_eq!(twice.text, once.text, "clean(clean(x)) == clean(x)");
    // Every output line is an input line.
    let mut rest = text;
    for line in once.text.split_inclusive('\n') {
        match rest.find(line) {
            Some(at) => rest = &rest[at + line.len()..],
            None => panic!("line {line:?} is not an input line in order"),
        }
    }
});
