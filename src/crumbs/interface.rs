//! Well-known interface lines: the words a page's widgets print, not its article.
//!
//! Each pattern judges a whole line body (anchored, case-insensitive), so a sentence that
//! merely mentions sharing or printing is never matched.

use super::CrumbRule;
use regex::RegexSet;
use std::sync::OnceLock;

/// The patterns, each with the rule it stands for. Lines are at most the crumb length cap
/// long, so `.*` stands for "any rest of the line" (bounded repeats like `.{0,200}` blow up
/// the lazy DFA's states and cost more than they save).
const PATTERNS: &[(CrumbRule, &str)] = &[
    (
        CrumbRule::SkipLink,
        r"^(skip|jump) to (the )?(main )?(content|navigation|menu|search|footer|article)(?-u:\b).*$",
    ),
    (
        CrumbRule::Share,
        r"^((share|tweet|pin)( (this|it|the|on|via|to|with))?( (article|story|page|post|link|facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|email))?|copy (the )?(link|url)|share (on|via) \w+|(follow us|connect with us|find us)( on \w+)?|facebook|twitter|linkedin|whatsapp|pinterest|reddit|flipboard|telegram|messenger|instagram|youtube|tiktok|threads|bluesky|mastodon)( ?[:|/•·,] ?(facebook|twitter|x|linkedin|whatsapp|email|pinterest|reddit|print|instagram|youtube|copy link))*[:]?$",
    ),
    (
        CrumbRule::PrintEmail,
        r"^(print|print (this )?(article|page|story|post)|printer[- ]friendly( version)?|e-?mail|e-?mail (this )?(article|story|page)|email a friend|save( (article|story|for later))?|bookmark)$",
    ),
    (
        CrumbRule::BackToTop,
        r"^([↑^]\s*)?(back to top|return to top|top of (the )?page|scroll to top|go to top|to top)(\s*[↑^])?$",
    ),
    (
        CrumbRule::CookieNotice,
        r"^.*(?-u:\b)(we|this (web)?site|our (web)?site|site) uses? cookies(?-u:\b).*$|^.*(?-u:\b)cookies?(?-u:\b).*(?-u:\b)(consent|accept|agree|cookie (policy|settings|preferences))(?-u:\b).*$|^(accept|allow|reject|manage|decline)( all)? cookies$|^cookie (policy|settings|preferences)$",
    ),
    (
        CrumbRule::Account,
        r"^((sign ?in|sign ?up|log ?in|log ?out|register|subscribe|subscribe (now|today)|my account|create (an )?account|join( now)?|become a (member|subscriber)|newsletter sign ?up|sign up for (our|the) newsletters?|manage (my )?account)\s*[|/•·]?\s*)+$",
    ),
    (
        CrumbRule::Copyright,
        r"^(©|\(c\)|copyright\s*(©|\(c\))|copyright \d{4}|\d{4}\s*©).*$|^.*(?-u:\b)all rights reserved\.?$",
    ),
];

// Word boundaries are ASCII (`(?-u:\b)`): the keywords are ASCII, and Unicode boundaries
// force the slow PikeVM on every line (measured: two thirds of the run time on a 2 MB page).
fn compiled() -> &'static (RegexSet, Vec<CrumbRule>) {
    static SET: OnceLock<(RegexSet, Vec<CrumbRule>)> = OnceLock::new();
    SET.get_or_init(|| {
        let set = RegexSet::new(PATTERNS.iter().map(|(_, p)| format!("(?i){p}")))
            .unwrap_or_else(|e| panic!("built-in interface patterns must compile: {e}"));
        (set, PATTERNS.iter().map(|(rule, _)| *rule).collect())
    })
}

/// The interface rule a line body matches, if any.
pub fn match_line(body: &str) -> Option<CrumbRule> {
    let (set, rules) = compiled();
    set.matches(body)
        .iter()
        .next()
        .map(|i| rules[i])
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

/// A compiled copy of one pattern, for tests that check a pattern in isolation.
#[cfg(test)]
fn pattern(rule: CrumbRule) -> regex::Regex {
    let (_, p) = PATTERNS
        .iter()
        .find(|(r, _)| *r == rule)
        .expect("rule has a pattern");
    regex::Regex::new(&format!("(?i){p}")).expect("compiles")
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
