//! The built-in crumb patterns at run time: DFAs compiled when unscrape is built
//! (`build.rs`, from [`super::patterns`]), loaded on first use.
//!
//! Loading a shipped DFA checks it and takes ≈ 1 ms for all of them; compiling the same
//! patterns with the `regex` crate took ≈ 6 ms of CPU, most of a small run's start-up.
//! The answers are the same as the `regex` crate's on the same patterns (tests compare
//! them): should a DFA ever fail to load or to search, the patterns are compiled with
//! `regex` and asked instead, so a line is never judged differently.

use super::patterns::Automaton as Spec;
use regex_automata::dfa::{dense, sparse, Automaton, OverlappingState};
use regex_automata::util::wire::AlignAs;
use regex_automata::{Anchored, Input};
use std::sync::OnceLock;

/// A built-in automaton: its shipped bytes, loaded once, and the `regex` compilation of
/// its patterns, made only if the DFA cannot answer.
pub(super) struct BuiltIn {
    spec: fn() -> Spec,
    bytes: &'static [u8],
    loaded: OnceLock<Loaded>,
    fallback: OnceLock<regex::RegexSet>,
}

/// What loading found: the DFA (unless its bytes were refused) and how to search it.
struct Loaded {
    dfa: Option<Dfa>,
    anchored: Anchored,
}

/// A loaded DFA, of the kind its definition ships as.
enum Dfa {
    Sparse(sparse::DFA<&'static [u8]>),
    Dense(dense::DFA<&'static [u32]>),
}

impl BuiltIn {
    pub(super) const fn new(spec: fn() -> Spec, bytes: &'static [u8]) -> Self {
        Self {
            spec,
            bytes,
            loaded: OnceLock::new(),
            fallback: OnceLock::new(),
        }
    }

    /// Loads the DFA now (it is loaded on first use otherwise).
    pub(super) fn load(&self) {
        self.loaded();
    }

    fn loaded(&self) -> &Loaded {
        self.loaded.get_or_init(|| {
            let spec = (self.spec)();
            let dfa = if spec.dense {
                dense::DFA::from_bytes(self.bytes)
                    .ok()
                    .map(|(dfa, _)| Dfa::Dense(dfa))
            } else {
                sparse::DFA::from_bytes(self.bytes)
                    .ok()
                    .map(|(dfa, _)| Dfa::Sparse(dfa))
            }
            // A DFA from another build of the patterns would answer for other ones.
            .filter(|dfa| dfa.pattern_len() == spec.patterns.len());
            Loaded {
                dfa,
                anchored: if spec.anchored {
                    Anchored::Yes
                } else {
                    Anchored::No
                },
            }
        })
    }

    fn fallback(&self) -> &regex::RegexSet {
        self.fallback.get_or_init(|| {
            let spec = (self.spec)();
            regex::RegexSet::new(spec.patterns)
                .unwrap_or_else(|e| panic!("built-in patterns {} must compile: {e}", spec.name))
        })
    }

    /// The lowest-numbered pattern that matches somewhere in `haystack`, as
    /// `RegexSet::matches(haystack).iter().next()` would say.
    pub(super) fn first_match(&self, haystack: &str) -> Option<usize> {
        let loaded = self.loaded();
        let input = Input::new(haystack).anchored(loaded.anchored);
        let searched = match &loaded.dfa {
            Some(Dfa::Sparse(dfa)) => first_match(dfa, &input),
            Some(Dfa::Dense(dfa)) => first_match(dfa, &input),
            None => None,
        };
        match searched {
            Some(first) => first,
            None => self.fallback().matches(haystack).iter().next(),
        }
    }

    /// Whether any pattern matches somewhere in `haystack`.
    pub(super) fn is_match(&self, haystack: &str) -> bool {
        let loaded = self.loaded();
        let input = Input::new(haystack)
            .anchored(loaded.anchored)
            .earliest(true);
        let searched = match &loaded.dfa {
            Some(Dfa::Sparse(dfa)) => dfa.try_search_fwd(&input).ok(),
            Some(Dfa::Dense(dfa)) => dfa.try_search_fwd(&input).ok(),
            None => None,
        };
        match searched {
            Some(found) => found.is_some(),
            None => self.fallback().is_match(haystack),
        }
    }
}

impl Dfa {
    fn pattern_len(&self) -> usize {
        match self {
            Dfa::Sparse(dfa) => dfa.pattern_len(),
            Dfa::Dense(dfa) => dfa.pattern_len(),
        }
    }
}

/// The lowest-numbered pattern with a match, by an overlapping search (which reports
/// every pattern's matches); `None` if the DFA could not search.
fn first_match<A: Automaton>(dfa: &A, input: &Input<'_>) -> Option<Option<usize>> {
    let mut state = OverlappingState::start();
    let mut first: Option<usize> = None;
    loop {
        dfa.try_search_overlapping_fwd(input, &mut state).ok()?;
        let Some(found) = state.get_match() else {
            return Some(first);
        };
        let pattern = found.pattern().as_usize();
        first = Some(first.map_or(pattern, |f| f.min(pattern)));
        // Nothing comes before the first pattern.
        if pattern == 0 {
            return Some(first);
        }
    }
}

/// A shipped DFA's bytes, from the build's output folder, aligned as a dense DFA's table
/// must be (to 4 bytes; a sparse one takes any address).
macro_rules! shipped {
    ($name:literal) => {{
        const ALIGNED: &AlignAs<[u8], u32> = &AlignAs {
            _align: [],
            bytes: *include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".dfa")),
        };
        &ALIGNED.bytes
    }};
}

use super::patterns;

pub(super) static INTERFACE_ANCHORED: BuiltIn =
    BuiltIn::new(patterns::interface_anchored, shipped!("interface_anchored"));
pub(super) static INTERFACE_FLOATING: BuiltIn =
    BuiltIn::new(patterns::interface_floating, shipped!("interface_floating"));
pub(super) static DATE: BuiltIn = BuiltIn::new(patterns::date, shipped!("date"));
pub(super) static COMMENTS_HEADING: BuiltIn =
    BuiltIn::new(patterns::comments_heading, shipped!("comments_heading"));

/// Every built-in automaton, for loading ahead and for tests.
pub(super) fn all() -> [&'static BuiltIn; 4] {
    [
        &INTERFACE_ANCHORED,
        &INTERFACE_FLOATING,
        &DATE,
        &COMMENTS_HEADING,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The shipped DFA's answers, and the `regex` crate's on the same patterns.
    fn both_answers(automaton: &BuiltIn, line: &str) {
        let regex = automaton.fallback();
        assert_eq!(
            automaton.first_match(line),
            regex.matches(line).iter().next(),
            "{}: {line:?}",
            (automaton.spec)().name
        );
        assert_eq!(
            automaton.is_match(line),
            regex.is_match(line),
            "{}: {line:?}",
            (automaton.spec)().name
        );
    }

    #[test]
    fn every_definition_ships_and_loads_as_a_dfa() {
        let shipped: Vec<&str> = all().iter().map(|a| (a.spec)().name).collect();
        let defined: Vec<&str> = super::super::patterns::all()
            .iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(shipped, defined);
        for automaton in all() {
            // Not the fallback: a DFA that did not load would still answer, slowly.
            assert!(
                automaton.loaded().dfa.is_some(),
                "{}",
                (automaton.spec)().name
            );
        }
    }

    #[test]
    fn the_fixtures_lines_are_judged_as_regex_judges_them() {
        let mut lines = 0;
        for folder in ["fixtures/seed", "fixtures/pages", "fixtures/golden"] {
            let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
            for entry in walkdir::WalkDir::new(folder) {
                let entry = entry.expect("fixtures are readable");
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                for line in text.lines() {
                    for automaton in all() {
                        both_answers(automaton, line);
                        both_answers(automaton, line.trim());
                    }
                    lines += 1;
                }
            }
        }
        assert!(lines > 300, "{lines} lines");
    }

    #[test]
    fn a_dfa_that_does_not_load_gives_way_to_regex() {
        for automaton in all() {
            let broken = BuiltIn::new(automaton.spec, b"not a DFA");
            assert!(broken.loaded().dfa.is_none());
            for line in [
                "Share on Facebook",
                "We use cookies. Accept",
                "November 18, 2019",
                "12 Comments",
                "All rights reserved.",
                "Prose about nothing in particular.",
                "",
            ] {
                assert_eq!(broken.first_match(line), automaton.first_match(line));
                assert_eq!(broken.is_match(line), automaton.is_match(line));
            }
        }
    }

    proptest! {
        /// Lines made of the patterns' words, separators, and the characters where
        /// Unicode and ASCII readings differ: Unicode digits and spaces, the Kelvin sign
        /// and long s (case variants of `k` and `s`), letters with accents.
        #[test]
        fn generated_lines_are_judged_as_regex_judges_them(
            pieces in proptest::collection::vec(
                prop_oneof![
                    6 => proptest::sample::select(vec![
                        "share", "Share", "on", "via", "this", "article", "facebook", "Twitter",
                        "x", "print", "email", "e-mail", "save", "cookies", "cookie", "policy",
                        "we", "use", "uses", "site", "our", "website", "accept", "agree",
                        "all", "rights", "reserved", "copyright", "sign", "in", "up", "log",
                        "register", "subscribe", "my", "account", "back", "to", "top", "skip",
                        "main", "content", "comments", "comment", "leave", "a", "reply",
                        "replies", "discussion", "view", "jan", "September", "sept", "Mon",
                        "monday", "pm", "am", "follow", "us", "copy", "link", "the",
                    ]),
                    3 => proptest::sample::select(vec![
                        " ", " ", " ", "\t", "\u{A0}", "\u{2003}", "\u{85}", "\u{1680}",
                    ]),
                    3 => proptest::sample::select(vec![
                        "|", "/", "•", "·", ":", ",", ".", "-", "(", ")", "^", "↑", "©", "(c)",
                        "_", "'", "?", "\u{2019}",
                    ]),
                    3 => proptest::sample::select(vec![
                        "1", "12", "2019", "4", "02", "12:02", "18.11.2019", "٣", "१२", "７",
                    ]),
                    2 => proptest::sample::select(vec![
                        "\u{212A}", "\u{17F}", "é", "Ü", "日本", "ß", "İ", "ı", "K", "S",
                    ]),
                ],
                0..14,
            )
        ) {
            let line: String = pieces.concat();
            for automaton in all() {
                both_answers(automaton, &line);
            }
        }
    }
}
