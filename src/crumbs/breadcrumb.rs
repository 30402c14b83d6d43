//! Breadcrumb trails: `Home > News > World`, `Home / Publications`, `News » Politics`.
//!
//! A trail is a line of short labels joined by a path separator. Arrow-like separators
//! (`>`, `›`, `»`, `→`) need two labels; `/` and `|` are common in prose and dates, so they
//! need three labels, or a first label that names the site's home.

/// Most words a label of a trail may have; the last label (often the page title) may have
/// more.
const MAX_LABEL_WORDS: usize = 5;
const MAX_LAST_LABEL_WORDS: usize = 14;

/// Whether a line body reads as a breadcrumb trail.
pub fn is_trail(body: &str) -> bool {
    // Which separators the line holds, found with SIMD searches: most lines have none and
    // are decided here (a character-by-character `contains` was a tenth of crumb
    // classification on prose full of curly quotes, whose first byte `›` and `→` share).
    let bytes = body.as_bytes();
    let has = |needle: &str| memchr::memmem::find(bytes, needle.as_bytes()).is_some();
    let has_arrow = memchr::memchr(b'>', bytes).is_some() || has("›") || has("»") || has("→");
    let has_slash = memchr::memchr2(b'/', b'|', bytes).is_some();
    if !has_arrow && !has_slash {
        return false;
    }
    // A URL is a path, not a trail; « » and ‹ › are quotation marks where they pair up.
    if has("://") || body.starts_with("www.") {
        return false;
    }
    let quoted = has("«") || has("‹");
    for (separators, min_labels, present) in [
        (&['>', '›', '»', '→'][..], 2, has_arrow),
        (&['/', '|'][..], 3, has_slash),
    ] {
        if quoted && separators.contains(&'»') {
            continue;
        }
        if !present {
            continue;
        }
        let labels: Vec<&str> = body
            .split(separators)
            .map(|l| l.trim().trim_matches(['*', '_']).trim())
            .filter(|l| !l.is_empty())
            .collect();
        // A trailing separator ("Opinion /") still marks a trail of one label only if it
        // starts with home; otherwise labels must be many enough.
        let starts_home = labels
            .first()
            .is_some_and(|l| l.eq_ignore_ascii_case("home") || l.eq_ignore_ascii_case("start"));
        if labels.len() < min_labels && !(starts_home && labels.len() >= 2) {
            continue;
        }
        if labels.iter().enumerate().all(|(i, label)| {
            is_label(
                label,
                if i + 1 == labels.len() {
                    MAX_LAST_LABEL_WORDS
                } else {
                    MAX_LABEL_WORDS
                },
            )
        }) {
            return true;
        }
    }
    false
}

/// A label: a few words starting with a letter or digit, not a sentence or a clause (a
/// comma belongs to prose, not to a section name).
fn is_label(label: &str, max_words: usize) -> bool {
    let words = label.split_whitespace().count();
    let starts_well = label.chars().next().is_some_and(char::is_alphanumeric);
    let sentence = label.ends_with(['.', '!', '?']) && words > 3;
    starts_well && words <= max_words && !sentence && !label.contains(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trails() {
        for line in [
            "Home > News > World",
            "Home / Publications",
            "News » Politics » Elections 2020",
            "Business | Markets | Stocks",
            "Home › Sport",
            "Home / Opinion / Why the council got the budget wrong",
            "Mensagens » Mensagens de Autoestima » **Só quem se Ama…**",
        ] {
            assert!(is_trail(line), "{line}");
        }
    }

    #[test]
    fn not_trails() {
        for line in [
            "Revenue rose 5% year on year / the company said.",
            "and/or",
            "24/7",
            "The ratio was 3 > 2 in most of the cases that the team looked at in detail.",
            "He wrote: this is either a good idea | or a very bad one.",
            "Q&A",
            "http://amzn.to/2iJFhRj",
            "имеет свои «фирменные» блюда, заимствуя рецепты и кулинарные хитрости у",
            "**Path A** :**** Iceland, Bulgaria/Israel/Hungary/Romania*",
        ] {
            assert!(!is_trail(line), "{line}");
        }
    }
}
