use std::cell::{Ref, RefCell};
use std::ops::Deref;

#[derive(Debug)]
pub struct LowercaseText {
    inner: String,
}

impl LowercaseText {
    pub fn new(original_text: &str) -> Self {
        let inner = lowercase(original_text);
        Self { inner }
    }
}

impl Deref for LowercaseText {
    type Target = str;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

/// What `str::to_lowercase` gives.
///
/// unscrape patch: each run of ASCII characters is copied and lower-cased at once, the
/// other characters one by one. `str::to_lowercase` maps every character on its own except
/// the capital sigma, whose lower case depends on its neighbours: text holding one goes
/// the standard way.
fn lowercase(text: &str) -> String {
    if text.contains('Σ') {
        return text.to_lowercase();
    }
    let mut lower = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let start = lower.len();
        lower.push_str(&rest[..ascii]);
        lower[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        let mut chars = rest.chars();
        if let Some(ch) = chars.next() {
            lower.extend(ch.to_lowercase());
            rest = chars.as_str();
        }
    }
    lower
}

#[derive(Debug)]
pub struct Text<'a> {
    original: &'a str,
    lowercase: RefCell<Option<LowercaseText>>,
}

impl<'a> Text<'a> {
    pub fn new(original_text: &'a str) -> Self {
        Self {
            original: original_text,
            lowercase: RefCell::new(None),
        }
    }

    pub fn lowercase(&self) -> Ref<'_, LowercaseText> {
        if self.lowercase.borrow().is_none() {
            let lowercase_text = LowercaseText::new(self.original);
            self.lowercase.replace(Some(lowercase_text));
        }

        let ref_opt_lowercase = self.lowercase.borrow();
        Ref::map(ref_opt_lowercase, |r| r.as_ref().unwrap())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_is_what_the_standard_library_gives() {
        let samples = [
            "Hello THERE",
            "ÀÉÎÕÜ Straße İstanbul ǅ ǈ",
            "ΟΔΥΣΣΕΥΣ ΣΑ Σ. ΑΣ",
            "\u{0130}\u{1E9E}\u{2126}\u{212A} ½ ㎒",
            "",
        ];
        for sample in samples {
            assert_eq!(lowercase(sample), sample.to_lowercase(), "{sample:?}");
        }
        // Every character, a few to a string.
        let all: Vec<char> = (0..=0x10FFFF).filter_map(char::from_u32).collect();
        for chunk in all.chunks(7) {
            let sample: String = chunk.iter().collect();
            assert_eq!(lowercase(&sample), sample.to_lowercase(), "{sample:?}");
        }
    }

    #[test]
    fn test_text() {
        let text = Text::new("Hello THERE");
        assert_eq!(text.lowercase().deref().deref(), "hello there");
    }
}
