//! The built-in crumb patterns, as text: the one definition that both the crate and its
//! build script read.
//!
//! The build script (`build.rs`, which includes this file) compiles each [`Automaton`]
//! into a DFA that ships inside the binary, so a run loads them instead of compiling
//! them: compiling their Unicode classes was most of a small run's start-up. See
//! [`super::automata`] for how they are searched. Only `std` here: the build script
//! compiles this file on its own.

/// The interface patterns, in the order of their rules (`interface::RULES`), each in
/// two parts: alternatives anchored at the start of the line, and alternatives that may
/// begin anywhere in it (`^.*…`). A line's rule is the first whose pattern (either part)
/// matches. Lines are at most the crumb length cap long, so `.*` stands for "any rest of
/// the line" (bounded repeats like `.{0,200}` cost more than they save).
///
/// Word boundaries are ASCII (`(?-u:\b)`): the keywords are ASCII, and a DFA cannot
/// match Unicode boundaries.
pub const INTERFACE: [(&str, Option<&str>); 7] = [
    // Skip links.
    (
        r"^(skip|jump) to (the )?(main )?(content|navigation|menu|search|footer|article)(?-u:\b).*$",
        None,
    ),
    // Share buttons.
    (
        r"^((share|tweet|pin)( (this|it|the|on|via|to|with))?( (article|story|page|post|link|facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|email))?|copy (the )?(link|url)|share (on|via) \w+|(follow us|connect with us|find us)( on \w+)?|facebook|twitter|linkedin|whatsapp|pinterest|reddit|flipboard|telegram|messenger|instagram|youtube|tiktok|threads|bluesky|mastodon)( ?[:|/•·,] ?(facebook|twitter|x|linkedin|whatsapp|email|pinterest|reddit|print|instagram|youtube|copy link))*[:]?$",
        None,
    ),
    // Print and e-mail buttons.
    (
        r"^(print|print (this )?(article|page|story|post)|printer[- ]friendly( version)?|e-?mail|e-?mail (this )?(article|story|page)|email a friend|save( (article|story|for later))?|bookmark)$",
        None,
    ),
    // Back to top.
    (
        r"^([↑^]\s*)?(back to top|return to top|top of (the )?page|scroll to top|go to top|to top)(\s*[↑^])?$",
        None,
    ),
    // Cookie notices.
    (
        r"^(accept|allow|reject|manage|decline)( all)? cookies$|^cookie (policy|settings|preferences)$",
        Some(
            r"^.*(?-u:\b)(we|this (web)?site|our (web)?site|site) uses? cookies(?-u:\b).*$|^.*(?-u:\b)cookies?(?-u:\b).*(?-u:\b)(consent|accept|agree|cookie (policy|settings|preferences))(?-u:\b).*$",
        ),
    ),
    // Account links.
    (
        r"^((sign ?in|sign ?up|log ?in|log ?out|register|subscribe|subscribe (now|today)|my account|create (an )?account|join( now)?|become a (member|subscriber)|newsletter sign ?up|sign up for (our|the) newsletters?|manage (my )?account)\s*[|/•·]?\s*)+$",
        None,
    ),
    // Copyright lines.
    (
        r"^(©|\(c\)|copyright\s*(©|\(c\))|copyright \d{4}|\d{4}\s*©).*$",
        Some(r"^.*(?-u:\b)all rights reserved\.?$"),
    ),
];

/// Text that every floating part needs, matched ASCII-case-insensitively: none of its
/// letters has a case variant outside ASCII (a test checks), so a line without it cannot
/// match a floating part and is not searched for one (a floating part scans the whole
/// line, and most lines are prose). Compiled with `regex` at run time, not shipped as a
/// DFA: it is cheap to compile, and `regex` finds literals far faster than a DFA scans.
pub const FLOATING_NEEDS: &str = r"(?i-u)coo|all r";

/// A dateline: a date or time, in the forms pages print them.
pub const DATE: &str = r"(?i)(?-u:\b)((jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}|\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2}\s*(am|pm)?|(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?-u:\b))";

/// The heading that opens a comments section: "Comments", "12 Comments", "Leave a
/// Reply", "Top Rated Comments (View all)".
pub const COMMENTS_HEADING: &str = r"(?i)^\W*(\d+\s+)?(top rated |reader |user |latest |all )?(comments?|responses?|replies|discussion|leave a (comment|reply)|join the discussion|post a comment|add a comment|view( all)? comments|show comments)\s*(\(\d+\)|\d+)?\W*$";

/// One built-in automaton: what the build script compiles and a run loads.
pub struct Automaton {
    /// Its file's name in the build's output folder (`{name}.dfa`).
    pub name: &'static str,
    /// Its patterns, in the order their numbers report: one, or a set.
    pub patterns: Vec<String>,
    /// Every alternative of every pattern begins with `^` (a test checks): searched
    /// anchored at the start, the DFA gives up on a line at the first byte no pattern can
    /// continue with, instead of scanning the rest of it.
    pub anchored: bool,
    /// Shipped as a dense DFA (a table row per state) rather than a sparse one (a list of
    /// byte ranges per state): a search that runs over whole lines steps ≈ 3× faster
    /// through a dense table, for a larger file (≈ 0.8 MB instead of 0.1 MB for the
    /// date). Anchored automata give up on most lines within a few bytes, and stay sparse.
    pub dense: bool,
}

/// The anchored parts of the interface patterns, case-insensitive, in rule order.
pub fn interface_anchored() -> Automaton {
    Automaton {
        name: "interface_anchored",
        patterns: INTERFACE.iter().map(|(a, _)| format!("(?i){a}")).collect(),
        anchored: true,
        dense: false,
    }
}

/// The floating parts of the interface patterns, case-insensitive, in rule order (see
/// [`floating_rules`] for the rule each belongs to).
pub fn interface_floating() -> Automaton {
    Automaton {
        name: "interface_floating",
        patterns: INTERFACE
            .iter()
            .filter_map(|(_, f)| Some(format!("(?i){}", (*f)?)))
            .collect(),
        anchored: true,
        dense: false,
    }
}

/// The rule number (index into [`INTERFACE`]) of each floating part, in order.
pub fn floating_rules() -> Vec<usize> {
    INTERFACE
        .iter()
        .enumerate()
        .filter_map(|(i, (_, f))| f.map(|_| i))
        .collect()
}

/// [`DATE`].
pub fn date() -> Automaton {
    Automaton {
        name: "date",
        patterns: vec![DATE.to_string()],
        anchored: false,
        dense: true,
    }
}

/// [`COMMENTS_HEADING`].
pub fn comments_heading() -> Automaton {
    Automaton {
        name: "comments_heading",
        patterns: vec![COMMENTS_HEADING.to_string()],
        anchored: true,
        dense: false,
    }
}

/// Every built-in automaton: what the build script compiles.
#[cfg_attr(not(test), allow(dead_code))]
pub fn all() -> [Automaton; 4] {
    [
        interface_anchored(),
        interface_floating(),
        date(),
        comments_heading(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_syntax::hir::Look;

    /// An automaton searched anchored must have every match begin at the line's start,
    /// or an anchored search would miss the matches that begin later.
    #[test]
    fn anchored_automata_match_only_at_the_start() {
        for automaton in all() {
            for pattern in &automaton.patterns {
                let hir = regex_syntax::parse(pattern).expect("parses");
                let starts = hir.properties().look_set_prefix().contains(Look::Start);
                if automaton.anchored {
                    assert!(starts, "{}: {pattern}", automaton.name);
                }
            }
        }
        // The check can fail: a floating pattern without its `^` is not anchored.
        let hir = regex_syntax::parse(r"(?i).*(?-u:\b)all rights reserved\.?$").expect("parses");
        assert!(!hir.properties().look_set_prefix().contains(Look::Start));
    }

    #[test]
    fn every_floating_part_has_its_rule() {
        let rules = floating_rules();
        assert_eq!(rules.len(), interface_floating().patterns.len());
        for (k, rule) in rules.into_iter().enumerate() {
            assert_eq!(
                interface_floating().patterns[k],
                format!("(?i){}", INTERFACE[rule].1.expect("floating part"))
            );
        }
    }
}
