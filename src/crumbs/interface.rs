//! Well-known interface lines: the words a page's widgets print, not its article.
//!
//! Each pattern judges a whole line body (anchored, case-insensitive), so a sentence that
//! merely mentions sharing or printing is never matched.

use super::CrumbRule;
use regex::RegexSet;
use std::sync::OnceLock;

/// The patterns, each with the rule it stands for, in two parts: alternatives anchored at
/// the start of the line, and alternatives that may begin anywhere in it (`^.*…`). A
/// line's rule is the first whose pattern (either part) matches. Lines are at most the
/// crumb length cap long, so `.*` stands for "any rest of the line" (bounded repeats like
/// `.{0,200}` blow up the lazy DFA's states and cost more than they save).
const PATTERNS: &[(CrumbRule, &str, Option<&str>)] = &[
    (
        CrumbRule::SkipLink,
        r"^(skip|jump) to (the )?(main )?(content|navigation|menu|search|footer|article)(?-u:\b).*$",
        None,
    ),
    (
        CrumbRule::Share,
        r"^((share|tweet|pin)( (this|it|the|on|via|to|with))?( (article|story|page|post|link|facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|email))?|copy (the )?(link|url)|share (on|via) \w+|(follow us|connect with us|find us)( on \w+)?|facebook|twitter|linkedin|whatsapp|pinterest|reddit|flipboard|telegram|messenger|instagram|youtube|tiktok|threads|bluesky|mastodon)( ?[:|/•·,] ?(facebook|twitter|x|linkedin|whatsapp|email|pinterest|reddit|print|instagram|youtube|copy link))*[:]?$",
        None,
    ),
    (
        CrumbRule::PrintEmail,
        r"^(print|print (this )?(article|page|story|post)|printer[- ]friendly( version)?|e-?mail|e-?mail (this )?(article|story|page)|email a friend|save( (article|story|for later))?|bookmark)$",
        None,
    ),
    (
        CrumbRule::BackToTop,
        r"^([↑^]\s*)?(back to top|return to top|top of (the )?page|scroll to top|go to top|to top)(\s*[↑^])?$",
        None,
    ),
    (
        CrumbRule::CookieNotice,
        r"^(accept|allow|reject|manage|decline)( all)? cookies$|^cookie (policy|settings|preferences)$",
        Some(
            r"^.*(?-u:\b)(we|this (web)?site|our (web)?site|site) uses? cookies(?-u:\b).*$|^.*(?-u:\b)cookies?(?-u:\b).*(?-u:\b)(consent|accept|agree|cookie (policy|settings|preferences))(?-u:\b).*$",
        ),
    ),
    (
        CrumbRule::Account,
        r"^((sign ?in|sign ?up|log ?in|log ?out|register|subscribe|subscribe (now|today)|my account|create (an )?account|join( now)?|become a (member|subscriber)|newsletter sign ?up|sign up for (our|the) newsletters?|manage (my )?account)\s*[|/•·]?\s*)+$",
        None,
    ),
    (
        CrumbRule::Copyright,
        r"^(©|\(c\)|copyright\s*(©|\(c\))|copyright \d{4}|\d{4}\s*©).*$",
        Some(r"^.*(?-u:\b)all rights reserved\.?$"),
    ),
];

/// Text that every floating part needs, matched ASCII-case-insensitively: none of its
/// letters has a case variant outside ASCII (a test checks), so a line without it cannot
/// match a floating part and is not searched for one — most lines are prose, and a
/// floating part scans the whole line.
const FLOATING_NEEDS: &str = r"(?i-u)coo|all r";

/// The compiled patterns: the anchored parts (one per rule, in rule order), the floating
/// parts with the rule each belongs to, and the test for what the floating parts need.
struct Compiled {
    anchored: RegexSet,
    floating: RegexSet,
    floating_rules: Vec<usize>,
    floating_needs: regex::Regex,
}

// Word boundaries are ASCII (`(?-u:\b)`): the keywords are ASCII, and Unicode boundaries
// force the slow PikeVM on every line (measured: two thirds of the run time on a 2 MB page).
fn compiled() -> &'static Compiled {
    static SET: OnceLock<Compiled> = OnceLock::new();
    SET.get_or_init(|| {
        let set = |patterns: Vec<&str>| {
            RegexSet::new(patterns.into_iter().map(|p| format!("(?i){p}")))
                .unwrap_or_else(|e| panic!("built-in interface patterns must compile: {e}"))
        };
        let floating: Vec<(usize, &str)> = PATTERNS
            .iter()
            .enumerate()
            .filter_map(|(i, (_, _, floating))| Some((i, (*floating)?)))
            .collect();
        Compiled {
            anchored: set(PATTERNS.iter().map(|(_, anchored, _)| *anchored).collect()),
            floating: set(floating.iter().map(|(_, p)| *p).collect()),
            floating_rules: floating.iter().map(|(i, _)| *i).collect(),
            floating_needs: regex::Regex::new(FLOATING_NEEDS)
                .unwrap_or_else(|e| panic!("built-in pattern must compile: {e}")),
        }
    })
}

/// The interface rule a line body matches, if any.
pub fn match_line(body: &str) -> Option<CrumbRule> {
    let compiled = compiled();
    let anchored = compiled.anchored.matches(body).iter().next();
    let floating = if compiled.floating_needs.is_match(body) {
        compiled
            .floating
            .matches(body)
            .iter()
            .next()
            .map(|k| compiled.floating_rules[k])
    } else {
        None
    };
    let first = match (anchored, floating) {
        (Some(a), Some(f)) => Some(a.min(f)),
        (a, f) => a.or(f),
    };
    first
        .map(|i| PATTERNS[i].0)
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
    let (_, anchored, floating) = PATTERNS
        .iter()
        .find(|(r, _, _)| *r == rule)
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
        let whole =
            RegexSet::new(PATTERNS.iter().map(|(_, a, f)| whole_pattern(a, *f))).expect("compiles");
        let by_whole = |line: &str| whole.matches(line).iter().next().map(|i| PATTERNS[i].0);
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
