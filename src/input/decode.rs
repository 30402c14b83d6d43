//! Decoding: input bytes to text.
//!
//! Receives a document's raw bytes and the user's encoding choice; returns UTF-8 text, or
//! says the bytes are binary, or fails with the byte offset of the first undecodable byte.
//! Never substitutes U+FFFD: a wrong guess at an encoding silently corrupts an archive, so
//! anything but valid UTF-8 (or a UTF-16 BOM) needs the user to name the encoding.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};
use std::borrow::Cow;

/// How to read bytes that carry no UTF-16 byte-order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncodingChoice {
    /// Strict UTF-8: any invalid byte is an error.
    #[default]
    Utf8,
    /// A named encoding (an encoding_rs / WHATWG label such as `windows-1252`).
    Named(&'static Encoding),
    /// Guess per document with chardetng; the guess is reported.
    Detect,
}

impl EncodingChoice {
    /// Parses `utf-8`, `detect` or any WHATWG encoding label.
    pub fn from_label(label: &str) -> Option<Self> {
        if label.eq_ignore_ascii_case("detect") {
            return Some(Self::Detect);
        }
        let encoding = Encoding::for_label(label.trim().as_bytes())?;
        Some(if encoding == UTF_8 {
            Self::Utf8
        } else {
            Self::Named(encoding)
        })
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct DecodeOptions {
    pub encoding: EncodingChoice,
    /// Treat bytes with NUL as text anyway.
    pub force_text: bool,
}

/// Which byte-order mark the input started with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Bom {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "utf-16le")]
    Utf16Le,
    #[serde(rename = "utf-16be")]
    Utf16Be,
}

/// Text decoded from a document's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The text, without any BOM. Borrowed when the input was UTF-8.
    pub text: Cow<'a, str>,
    pub bom: Option<Bom>,
    /// Name of the encoding the bytes were read as.
    pub encoding: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoding<'a> {
    Text(Decoded<'a>),
    /// A NUL byte at this offset: the input is binary and is skipped.
    Binary {
        byte_offset: usize,
    },
}

/// Why bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error(
        "not valid UTF-8 at byte {byte_offset}; if the file is in another encoding, name it \
         with --encoding LABEL (e.g. --encoding windows-1252) or try --encoding detect"
    )]
    InvalidUtf8 { byte_offset: usize },
    #[error("malformed {encoding} at or after byte {byte_offset}")]
    Malformed {
        encoding: &'static str,
        byte_offset: usize,
    },
}

/// Decodes a document's bytes.
pub fn decode<'a>(bytes: &'a [u8], options: &DecodeOptions) -> Result<Decoding<'a>, DecodeError> {
    // UTF-16 first: its NUL bytes are text, not a sign of binary data.
    for (mark, bom, encoding) in [
        (&[0xFF, 0xFE][..], Bom::Utf16Le, UTF_16LE),
        (&[0xFE, 0xFF][..], Bom::Utf16Be, UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(mark) {
            let text = decode_strict(encoding, rest, mark.len())?;
            if let Some(nul) = text.find('\0').filter(|_| !options.force_text) {
                return Ok(Decoding::Binary {
                    byte_offset: mark.len() + nul,
                });
            }
            return Ok(Decoding::Text(Decoded {
                text: Cow::Owned(text.into_owned()),
                bom: Some(bom),
                encoding: encoding.name(),
            }));
        }
    }

    if !options.force_text {
        if let Some(nul) = memchr::memchr(0, bytes) {
            return Ok(Decoding::Binary { byte_offset: nul });
        }
    }

    let (body, bom) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (rest, Some(Bom::Utf8)),
        None => (bytes, None),
    };
    let bom_len = bytes.len() - body.len();

    let encoding = match options.encoding {
        EncodingChoice::Utf8 => UTF_8,
        EncodingChoice::Named(_) | EncodingChoice::Detect if bom.is_some() => UTF_8,
        EncodingChoice::Named(encoding) => encoding,
        EncodingChoice::Detect => {
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(body, true);
            detector.guess(None, true)
        }
    };

    let text = if encoding == UTF_8 {
        match std::str::from_utf8(body) {
            Ok(text) => Cow::Borrowed(text),
            Err(e) => {
                return Err(DecodeError::InvalidUtf8 {
                    byte_offset: bom_len + e.valid_up_to(),
                })
            }
        }
    } else {
        decode_strict(encoding, body, bom_len)?
    };
    Ok(Decoding::Text(Decoded {
        text,
        bom,
        encoding: encoding.name(),
    }))
}

/// Decodes with `encoding`, failing on malformed input instead of substituting U+FFFD.
fn decode_strict<'a>(
    encoding: &'static Encoding,
    bytes: &'a [u8],
    offset_base: usize,
) -> Result<Cow<'a, str>, DecodeError> {
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(text),
        None => {
            // Find the first malformed position by decoding incrementally.
            let mut decoder = encoding.new_decoder_without_bom_handling();
            let mut out = String::with_capacity(bytes.len() * 2 + 16);
            let (result, read) =
                decoder.decode_to_string_without_replacement(bytes, &mut out, true);
            let byte_offset = match result {
                encoding_rs::DecoderResult::Malformed(bad, _) => read.saturating_sub(bad as usize),
                _ => read,
            };
            Err(DecodeError::Malformed {
                encoding: encoding.name(),
                byte_offset: offset_base + byte_offset,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8], options: &DecodeOptions) -> String {
        match decode(bytes, options).unwrap() {
            Decoding::Text(d) => d.text.into_owned(),
            Decoding::Binary { .. } => panic!("binary"),
        }
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let d = decode(b"\xEF\xBB\xBFhello", &DecodeOptions::default()).unwrap();
        let Decoding::Text(d) = d else { panic!() };
        assert_eq!(d.text, "hello");
        assert_eq!(d.bom, Some(Bom::Utf8));
    }

    #[test]
    fn utf16_with_bom_is_transcoded() {
        let le = b"\xFF\xFEh\0i\0\n\0";
        let be = b"\xFE\xFF\0h\0i\0\n";
        assert_eq!(text(le, &DecodeOptions::default()), "hi\n");
        assert_eq!(text(be, &DecodeOptions::default()), "hi\n");
    }

    #[test]
    fn invalid_utf8_names_the_byte_offset() {
        let err = decode(b"caf\xe9 na\xefve", &DecodeOptions::default()).unwrap_err();
        assert_eq!(err, DecodeError::InvalidUtf8 { byte_offset: 3 });
        assert!(err.to_string().contains("--encoding windows-1252"));
    }

    #[test]
    fn named_encoding_decodes_latin1() {
        let options = DecodeOptions {
            encoding: EncodingChoice::from_label("windows-1252").unwrap(),
            ..Default::default()
        };
        assert_eq!(text(b"caf\xe9 na\xefve", &options), "café naïve");
    }

    #[test]
    fn detect_guesses_latin1() {
        let options = DecodeOptions {
            encoding: EncodingChoice::Detect,
            ..Default::default()
        };
        let d = decode(b"Le caf\xe9 est tr\xe8s na\xefve et s\xfbr.", &options).unwrap();
        let Decoding::Text(d) = d else { panic!() };
        assert!(d.text.contains("café"));
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn nul_means_binary_unless_forced() {
        assert_eq!(
            decode(b"abc\0def", &DecodeOptions::default()).unwrap(),
            Decoding::Binary { byte_offset: 3 }
        );
        let forced = DecodeOptions {
            force_text: true,
            ..Default::default()
        };
        assert_eq!(text(b"abc\0def", &forced), "abc\0def");
    }

    #[test]
    fn unknown_label_is_rejected() {
        assert!(EncodingChoice::from_label("klingon").is_none());
        assert_eq!(
            EncodingChoice::from_label("UTF-8"),
            Some(EncodingChoice::Utf8)
        );
    }
}
