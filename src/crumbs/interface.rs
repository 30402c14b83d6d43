//! Well-known interface lines: the words a page's widgets print, not its article.
//!
//! Each pattern judges a whole line body (anchored, case-insensitive), so a sentence that
//! merely mentions sharing or printing is never matched.

use super::automata::{INTERFACE_ANCHORED, INTERFACE_FLOATING};
use super::patterns::{floating_rules, FLOATING_NEEDS, INTERFACE};
use super::CrumbRule;
use std::sync::OnceLock;

/// The rule each interface pattern stands for, in the order of
/// [`super::patterns::INTERFACE`].
const RULES: [CrumbRule; INTERFACE.len()] = [
    CrumbRule::SkipLink,
    CrumbRule::Share,
    CrumbRule::PrintEmail,
    CrumbRule::BackToTop,
    CrumbRule::CookieNotice,
    CrumbRule::Account,
    CrumbRule::Copyright,
];

/// [`FLOATING_NEEDS`], compiled.
pub(super) fn floating_needs() -> &'static regex::Regex {
    static NEEDS: OnceLock<regex::Regex> = OnceLock::new();
    NEEDS.get_or_init(|| {
        regex::Regex::new(FLOATING_NEEDS)
            .unwrap_or_else(|e| panic!("built-in pattern must compile: {e}"))
    })
}

/// The interface rule a line body matches, if any: the first rule whose pattern (either
/// part) matches.
pub fn match_line(body: &str) -> Option<CrumbRule> {
    static FLOATING_RULES: OnceLock<Vec<usize>> = OnceLock::new();
    let anchored = INTERFACE_ANCHORED.first_match(body);
    let floating = if floating_needs().is_match(body) {
        INTERFACE_FLOATING
            .first_match(body)
            .map(|k| FLOATING_RULES.get_or_init(floating_rules)[k])
    } else {
        None
    };
    let first = match (anchored, floating) {
        (Some(a), Some(f)) => Some(a.min(f)),
        (a, f) => a.or(f),
    };
    first
        .map(|i| RULES[i])
        .or_else(|| is_share_bar(body).then_some(CrumbRule::Share))
}

/// Social networks and share-button words, as share bars print them.
const SHARE_WORDS: &[&str] = &[
    "facebook",
    "twitter",
    "x",
    "whatsapp",
    "pinterest",
    "pin",
    "pint",
    "linkedin",
    "reddit",
    "telegram",
    "messenger",
    "instagram",
    "youtube",
    "tiktok",
    "tumblr",
    "flipboard",
    "vk",
    "line",
    "viber",
    "email",
    "e-mail",
    "mail",
    "print",
    "share",
    "tweet",
    "copy",
    "link",
    "sms",
    "google+",
    "threads",
    "bluesky",
    "mastodon",
];

/// A share bar written as words without separators: "Whatsapp Facebook Pint Baixar".
/// At least three share words, and at most one other word (a button label in the page's
/// language).
fn is_share_bar(body: &str) -> bool {
    let mut known = 0;
    let mut other = 0;
    for token in body.split(|c: char| c.is_whitespace() || "|/•·,".contains(c)) {
        let token = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '+');
        if token.is_empty() {
            continue;
        }
        if SHARE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(token)) {
            known += 1;
        } else {
            other += 1;
            // Decided: most lines are prose and end here at their second word.
            if other > 1 {
                return false;
            }
        }
    }
    known >= 3 && other <= 1
}

/// A rule's whole pattern (both parts).
#[cfg(test)]
fn whole_pattern(anchored: &str, floating: Option<&str>) -> String {
    match floating {
        Some(floating) => format!("(?i){anchored}|{floating}"),
        None => format!("(?i){anchored}"),
    }
}

/// A compiled copy of one pattern, for tests that check a pattern in isolation.
#[cfg(test)]
fn pattern(rule: CrumbRule) -> regex::Regex {
    let (anchored, floating) = RULES
        .iter()
        .position(|r| *r == rule)
        .map(|i| &INTERFACE[i])
        .expect("rule has a pattern");
    regex::Regex::new(&whole_pattern(anchored, *floating)).expect("compiles")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widget_lines_match_their_rule() {
        let cases = [
            ("Skip to main content", CrumbRule::SkipLink),
            ("Share this article", CrumbRule::Share),
            ("Share on Facebook", CrumbRule::Share),
            ("Facebook", CrumbRule::Share),
            ("Share: Facebook | Twitter | Email", CrumbRule::Share),
            ("Print", CrumbRule::PrintEmail),
            ("Email this story", CrumbRule::PrintEmail),
            ("Back to top ↑", CrumbRule::BackToTop),
            ("We use cookies to improve your experience. By continuing you accept our use of cookies.", CrumbRule::CookieNotice),
            ("Accept all cookies", CrumbRule::CookieNotice),
            ("Subscribe Sign in", CrumbRule::Account),
            ("Whatsapp Facebook Pint Baixar", CrumbRule::Share),
            ("Sign in / Register", CrumbRule::Account),
            ("© 2019 The Example Times", CrumbRule::Copyright),
            ("Copyright 2015 Example Media. All rights reserved.", CrumbRule::Copyright),
        ];
        for (line, rule) in cases {
            assert_eq!(match_line(line), Some(rule), "{line}");
            assert!(pattern(rule).is_match(line) || is_share_bar(line));
        }
    }

    #[test]
    fn what_the_floating_parts_need_has_no_case_variant_outside_ascii() {
        for letter in "coallr".chars() {
            let exact = regex::Regex::new(&format!("(?i)^{letter}$")).expect("compiles");
            let variants: Vec<char> = (0..=0x10FFFF_u32)
                .filter_map(char::from_u32)
                .filter(|c| exact.is_match(c.encode_utf8(&mut [0; 4])))
                .collect();
            assert!(
                variants.iter().all(char::is_ascii),
                "{letter}: {variants:?}"
            );
        }
    }

    /// Two sets and a filter decide as one set of the whole patterns did.
    #[test]
    fn parts_match_as_the_whole_patterns() {
        let whole = regex::RegexSet::new(INTERFACE.iter().map(|(a, f)| whole_pattern(a, *f)))
            .expect("compiles");
        let by_whole = |line: &str| whole.matches(line).iter().next().map(|i| RULES[i]);
        let mut lines: Vec<String> = [
            "We use cookies to improve your experience.",
            "WE USE COOKIES",
            "This website uses cookies. Accept",
            "Our site uses cookies and you agree",
            "cookies: accept all",
            "Cookie policy",
            "Accept all cookies",
            "Share this article. All rights reserved.",
            "© 2020 Example. All Rights Reserved.",
            "Copyright 2015 Example Media. ALL RIGHTS RESERVED",
            "Some text, all rights reserved",
            "Facebook | Twitter | Email",
            "Skip to content",
            "Cookies and cream is the most popular flavour, the survey found.",
            "The site uses cookies, the report said, and users must consent.",
            "Share prices fell after the announcement.",
            "",
        ]
        .map(String::from)
        .to_vec();
        // Each line with its letters' cases flipped and behind a prefix.
        for line in lines.clone() {
            let flipped: String = line
                .chars()
                .map(|c| {
                    if c.is_ascii_lowercase() {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            lines.push(flipped);
            lines.push(format!("Update: {line}"));
        }
        for line in &lines {
            assert_eq!(
                match_line(line),
                by_whole(line).or_else(|| is_share_bar(line).then_some(CrumbRule::Share)),
                "{line}"
            );
        }
    }

    #[test]
    fn sentences_about_the_same_things_are_prose() {
        for line in [
            "Share prices fell sharply on Monday after the announcement.",
            "He said he would print more copies of the report.",
            "The company emailed its staff about the layoffs.",
            "Copyright law was changed in 2019 to cover online works.",
            "Cookies and cream is the most popular flavour, the survey found.",
            "Subscribers will receive the magazine every month.",
            "Twitter said it would remove the posts.",
            "Facebook and Twitter share data with advertisers, the report said.",
        ] {
            assert_eq!(match_line(line), None, "{line}");
        }
    }
}
