//! Decoding and segmentation of arbitrary bytes: never panics, and the spans of lines and
//! paragraphs cover the decoded text exactly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unscrape::input::decode::{decode, DecodeOptions, Decoding, EncodingChoice};
use unscrape::segment::{segment, SplitMode};
use unscrape::text::split_lines;

fuzz_target!(|data: &[u8]| {
    for encoding in [EncodingChoice::Utf8, EncodingChoice::Detect] {
        let options = DecodeOptions {
            encoding,
            force_text: data.first().is_some_and(|b| b & 1 == 1),
        };
        let Ok(Decoding::Text(decoded)) = decode(data, &options) else {
            continue;
        };
        let text: &str = &decoded.text;
        let lines = split_lines(text);
        let joined: String = lines.iter().map(|l| &text[l.span()]).collect();
        assert_eq!(joined, text);
        for mode in [SplitMode::Auto, SplitMode::Blank, SplitMode::Line] {
            let seg = segment(text, &lines, &vec![true; lines.len()], mode);
            for p in &seg.paragraphs {
                assert!(p.byte_start <= p.byte_end && p.byte_end <= text.len());
            }
        }
    }
});
