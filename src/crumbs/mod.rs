//! Crumb stripping: finds navigation lines and says why each one goes.
//!
//! Receives the line view of a document, which lines are live, and the document's
//! function words; returns the lines to remove, each with the named rule that removed it.
//! Rules judge single lines up to a length cap (a 50 MB one-line file is never a crumb) and
//! never look at text outside the live lines. Lines matching a user's `--keep-rule` are
//! never removed here.

mod breadcrumb;
mod interface;
mod menu;
pub mod shape;

use crate::language::FunctionWords;
use crate::text::Line;
use regex::Regex;
use serde::Serialize;
use shape::{measure, LineShape};

/// Longest line, in characters, that crumb rules judge. Navigation lines are short; a long
/// line is content whatever it matches.
pub const DEFAULT_MAX_LINE_CHARS: usize = 300;

/// The named rules. Each removal in a report names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CrumbRule {
    /// "Skip to content" links.
    SkipLink,
    /// Share buttons and social network names.
    Share,
    /// Print, email and save buttons.
    PrintEmail,
    /// "Back to top" links.
    BackToTop,
    /// Cookie banners.
    CookieNotice,
    /// Sign in, register, subscribe.
    Account,
    /// Copyright and "all rights reserved" lines.
    Copyright,
    /// `Home > News > World`.
    BreadcrumbTrail,
    /// A run of short menu-like list items at the top or bottom of the page.
    MenuRun,
    /// A user's `--crumb-rule` (its position on the command line, from 1).
    UserRule(usize),
}

impl CrumbRule {
    /// The rule's name as reports print it.
    pub fn name(&self) -> String {
        match self {
            Self::SkipLink => "skip-link".into(),
            Self::Share => "share".into(),
            Self::PrintEmail => "print-email".into(),
            Self::BackToTop => "back-to-top".into(),
            Self::CookieNotice => "cookie-notice".into(),
            Self::Account => "account".into(),
            Self::Copyright => "copyright".into(),
            Self::BreadcrumbTrail => "breadcrumb-trail".into(),
            Self::MenuRun => "menu-run".into(),
            Self::UserRule(n) => format!("user-rule-{n}"),
        }
    }

    /// What the rule looks for, in a sentence.
    pub fn explanation(&self) -> &'static str {
        match self {
            Self::SkipLink => "a skip-to-content link",
            Self::Share => "a share button or social network link",
            Self::PrintEmail => "a print, email or save button",
            Self::BackToTop => "a back-to-top link",
            Self::CookieNotice => "a cookie notice",
            Self::Account => "a sign-in, register or subscribe link",
            Self::Copyright => "a copyright line",
            Self::BreadcrumbTrail => "a breadcrumb trail of short labels joined by path separators",
            Self::MenuRun => {
                "one of a run of short list items (few words, no sentence punctuation, few function words) outside the article's prose"
            }
            Self::UserRule(_) => "matched a --crumb-rule pattern",
        }
    }
}

/// Settings of the crumb stage.
#[derive(Debug, Clone)]
pub struct CrumbOptions {
    pub enabled: bool,
    /// `--crumb-rule` patterns: a matching line is a crumb.
    pub user_rules: Vec<Regex>,
    /// `--keep-rule` patterns: a matching line is never a crumb.
    pub keep_rules: Vec<Regex>,
    pub max_line_chars: usize,
}

impl Default for CrumbOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            user_rules: Vec::new(),
            keep_rules: Vec::new(),
            max_line_chars: DEFAULT_MAX_LINE_CHARS,
        }
    }
}

/// One line found to be a crumb.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crumb {
    /// 0-based line index.
    pub line: usize,
    pub rule: CrumbRule,
}

/// Finds the crumbs among the live lines, in line order.
pub fn find_crumbs(
    text: &str,
    lines: &[Line],
    live: &[bool],
    options: &CrumbOptions,
    function_words: &FunctionWords,
) -> Vec<Crumb> {
    if !options.enabled {
        return Vec::new();
    }
    // Shapes of the judged lines: live, not blank, not over the cap.
    let judged: Vec<(usize, LineShape<'_>)> = lines
        .iter()
        .enumerate()
        .filter(|(i, line)| live[*i] && !line.is_blank(text))
        .filter_map(|(i, line)| {
            let content = line.content(text);
            // Count characters only up to the cap: a 50 MB line costs nothing here.
            (content.chars().take(options.max_line_chars + 1).count() <= options.max_line_chars)
                .then(|| (i, measure(content, function_words)))
        })
        .collect();

    let is_prose_line = |i: usize| -> bool {
        // Lines over the cap are not judged, and count as prose: they are content.
        !lines[i].is_blank(text)
            && match judged.binary_search_by_key(&i, |(j, _)| *j) {
                Ok(k) => menu::is_prose(&judged[k].1),
                Err(_) => true,
            }
    };
    let first_prose = (0..lines.len()).find(|&i| live[i] && is_prose_line(i));
    let last_prose = (0..lines.len())
        .rev()
        .find(|&i| live[i] && is_prose_line(i));

    let mut rules: Vec<Option<CrumbRule>> = judged
        .iter()
        .map(|(i, shape)| line_rule(lines[*i].content(text), shape, options))
        .collect();

    // Menu runs: maximal runs of consecutive list items (blank lines between them allowed),
    // outside the prose, all reading like menu entries.
    let outside_prose = |i: usize| match (first_prose, last_prose) {
        (Some(first), Some(last)) => i < first || i > last,
        _ => true,
    };
    let mut k = 0;
    while k < judged.len() {
        if !menu::is_list_item(&judged[k].1) {
            k += 1;
            continue;
        }
        let start = k;
        while k < judged.len()
            && menu::is_list_item(&judged[k].1)
            && (k == start || only_blank_between(text, lines, live, judged[k - 1].0, judged[k].0))
        {
            k += 1;
        }
        let run = &judged[start..k];
        let is_menu = run.len() >= menu::MIN_RUN_ITEMS
            && run
                .iter()
                .all(|(i, shape)| outside_prose(*i) && menu::is_menu_item(shape));
        if is_menu {
            for slot in &mut rules[start..k] {
                if slot.is_none() {
                    *slot = Some(CrumbRule::MenuRun);
                }
            }
        }
    }

    judged
        .iter()
        .zip(rules)
        .filter_map(|((i, _), rule)| rule.map(|rule| (*i, rule)))
        .filter(|(i, _)| {
            let content = lines[*i].content(text);
            !options.keep_rules.iter().any(|keep| keep.is_match(content))
        })
        .map(|(line, rule)| Crumb { line, rule })
        .collect()
}

/// The rule that judges a single line by itself, if any: the user's patterns first.
fn line_rule(content: &str, shape: &LineShape<'_>, options: &CrumbOptions) -> Option<CrumbRule> {
    if let Some(n) = options.user_rules.iter().position(|r| r.is_match(content)) {
        return Some(CrumbRule::UserRule(n + 1));
    }
    if shape.body.is_empty() {
        return None;
    }
    if let Some(rule) = interface::match_line(shape.body) {
        return Some(rule);
    }
    breadcrumb::is_trail(shape.body).then_some(CrumbRule::BreadcrumbTrail)
}

/// Whether every live line strictly between `a` and `b` is blank.
fn only_blank_between(text: &str, lines: &[Line], live: &[bool], a: usize, b: usize) -> bool {
    (a + 1..b).all(|i| !live[i] || lines[i].is_blank(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::split_lines;

    fn crumbs(text: &str, options: &CrumbOptions) -> Vec<(usize, String)> {
        let lines = split_lines(text);
        let live = vec![true; lines.len()];
        find_crumbs(
            text,
            &lines,
            &live,
            options,
            &FunctionWords::english_fallback(),
        )
        .into_iter()
        .map(|c| (c.line, c.rule.name()))
        .collect()
    }

    const PROSE: &str = "The committee said on Monday that it would review the decision, which had been criticised by many of the members.";

    #[test]
    fn top_menu_run_goes_body_list_stays() {
        let text = format!(
            "18 September 2015\n- RSIS\n- Publication\n- RSIS Publications\nTitle\n{PROSE}\n- Apples\n- Pears\n{PROSE}\n"
        );
        let found = crumbs(&text, &CrumbOptions::default());
        assert_eq!(
            found,
            [
                (1, "menu-run".into()),
                (2, "menu-run".into()),
                (3, "menu-run".into())
            ]
        );
    }

    #[test]
    fn bottom_menu_run_goes() {
        let text = format!("{PROSE}\n\n* About us\n\n* Contact\n\n* Careers\n");
        let found = crumbs(&text, &CrumbOptions::default());
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn a_single_short_item_is_not_a_menu() {
        let text = format!("- Home\n{PROSE}\n");
        assert!(crumbs(&text, &CrumbOptions::default()).is_empty());
    }

    #[test]
    fn user_rules_and_keep_rules() {
        let text = format!("Advertisement\nShare\n{PROSE}\n");
        let options = CrumbOptions {
            user_rules: vec![Regex::new("^Advertisement$").unwrap()],
            keep_rules: vec![Regex::new("^Share$").unwrap()],
            ..CrumbOptions::default()
        };
        assert_eq!(crumbs(&text, &options), [(0, "user-rule-1".into())]);
    }

    #[test]
    fn long_lines_are_never_judged() {
        let text = format!("Share{}\n", " ".repeat(400));
        let options = CrumbOptions {
            max_line_chars: 300,
            ..CrumbOptions::default()
        };
        assert!(crumbs(&text, &options).is_empty());
    }

    #[test]
    fn disabled_stage_finds_nothing() {
        let options = CrumbOptions {
            enabled: false,
            ..CrumbOptions::default()
        };
        assert!(crumbs("Home > News\n", &options).is_empty());
    }
}
