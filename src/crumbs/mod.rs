//! Crumb stripping: finds navigation lines and says why each one goes.
//!
//! Receives the line view of a document, which lines are live, and the document's
//! function words; returns the lines to remove, each with the named rule that removed it.
//! Rules judge single lines up to a length cap (a 50 MB one-line file is never a crumb) and
//! never look at text outside the live lines. Lines matching a user's `--keep-rule` are
//! never removed here.

mod automata;
mod body;
mod breadcrumb;
mod interface;
mod menu;
mod nav;
mod patterns;
pub mod shape;
mod verdicts;

use crate::language::FunctionWords;
use crate::text::Line;
use regex::Regex;
use serde::Serialize;
use shape::{measure, JoinedLines, LineShape};
pub use verdicts::LineVerdicts;
use verdicts::Verdict;

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
    /// A run of short navigation-like lines outside the article body.
    NavRun,
    /// A line after the article body that is not a dateline or byline.
    AfterBody,
    /// A line before the article body that is neither prose, a sentence, a dateline,
    /// a byline nor the headline (`--strip aggressive` only).
    BeforeBody,
    /// A short line that recurs in the document (a share bar under every teaser).
    RepeatedLine,
    /// A run of list items reading like linked headlines outside the article body.
    HeadlineList,
    /// The comments section after the article: its heading and everything after it.
    Comments,
    /// A short line that recurs across many documents of the batch: site chrome.
    TemplateLine,
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
            Self::NavRun => "nav-run".into(),
            Self::AfterBody => "after-body".into(),
            Self::BeforeBody => "before-body".into(),
            Self::RepeatedLine => "repeated-line".into(),
            Self::HeadlineList => "headline-list".into(),
            Self::Comments => "comments".into(),
            Self::TemplateLine => "template-line".into(),
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
            Self::NavRun => {
                "one of a run of short navigation-like lines (labels of a few words, no sentence) outside the article body"
            }
            Self::AfterBody => {
                "a line after the article body: past the navigation that ends it anything but a dateline or byline, before it anything but prose or a sentence"
            }
            Self::BeforeBody => {
                "a line before the article body that is neither prose nor a sentence, dateline, byline or headline"
            }
            Self::RepeatedLine => {
                "a short line (not a sentence) that occurs twice or more outside the article body"
            }
            Self::HeadlineList => {
                "one of a run of list items reading like linked headlines (no sentence ending) outside the article body"
            }
            Self::Comments => "part of the comments section that follows the article",
            Self::TemplateLine => {
                "a short line that recurs in many documents of the batch (site chrome)"
            }
            Self::UserRule(_) => "matched a --crumb-rule pattern",
        }
    }
}

/// How much the crumb stage removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StripLevel {
    /// Only lines that are certainly navigation: interface lines, breadcrumb trails,
    /// and runs of short menu-like list items outside the prose.
    Conservative,
    /// Also runs of three or more navigation-like lines, lists of linked headlines and
    /// repeated short lines outside the article body, the comments section, and lines
    /// after the body that are not datelines or bylines.
    #[default]
    Balanced,
    /// Also lines before the body that are not prose, sentences, datelines, bylines or the
    /// headline just above it, and menu-like list runs inside the body.
    Aggressive,
}

/// Settings of the crumb stage.
#[derive(Debug, Clone)]
pub struct CrumbOptions {
    pub enabled: bool,
    pub level: StripLevel,
    /// `--crumb-rule` patterns: a matching line is a crumb.
    pub user_rules: Vec<Regex>,
    /// `--keep-rule` patterns: a matching line is never a crumb.
    pub keep_rules: Vec<Regex>,
    pub max_line_chars: usize,
    /// Keys ([`template_key`]) of the batch's template lines.
    pub template_lines: Option<std::sync::Arc<rustc_hash::FxHashSet<u64>>>,
}

/// Loads the built-in patterns' DFAs (and compiles the one small pattern that is not
/// shipped as one) on another thread, now, so that loading them (≈ 1 ms)
/// overlaps reading, decoding and language detection instead of following them.
pub fn warm_up() {
    std::thread::spawn(|| {
        for automaton in automata::all() {
            automaton.load();
        }
        interface::floating_needs();
    });
}

/// Most words of a line that can be a template line.
pub const TEMPLATE_MAX_WORDS: usize = 12;

/// The key a short line is counted and matched by across a batch (a hash of its
/// normalised text), or `None` for a line too long or without words to be a template line.
pub fn template_key(content: &str) -> Option<u64> {
    // Most lines are prose: too many words, counted (or, with characters other than ASCII,
    // bounded) before building the key.
    if crate::fingerprint::ascii_words_exceed(content, TEMPLATE_MAX_WORDS as u32) {
        return None;
    }
    thread_local! {
        static KEY: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    KEY.with_borrow_mut(|key| {
        key.clear();
        let words = crate::fingerprint::normalise_into([content], key) as usize;
        ((1..=TEMPLATE_MAX_WORDS).contains(&words))
            .then(|| xxhash_rust::xxh3::xxh3_64(key.as_bytes()))
    })
}

impl Default for CrumbOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            level: StripLevel::default(),
            user_rules: Vec::new(),
            keep_rules: Vec::new(),
            max_line_chars: DEFAULT_MAX_LINE_CHARS,
            template_lines: None,
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
///
/// `split` is how the document's paragraphs are split (`auto` resolved): it says whether
/// the page is laid out in blank-separated blocks or one paragraph per line. `verdicts`
/// carries what earlier passes over the same document learnt about its lines.
pub fn find_crumbs<'t>(
    text: &'t str,
    lines: &[Line],
    live: &[bool],
    options: &CrumbOptions,
    function_words: &FunctionWords,
    split: crate::segment::SplitMode,
    verdicts: &mut LineVerdicts<'t>,
) -> Vec<Crumb> {
    if !options.enabled {
        return Vec::new();
    }
    // The judged lines (live, not blank, not over the cap), with their shapes, whether
    // each reads like navigation (several rules and body detection ask) and the rule that
    // judges it by itself. These depend on the line alone: an earlier pass's still hold.
    verdicts.begin(lines.len(), function_words);
    let mut judged: Vec<(usize, LineShape<'t>)> = Vec::new();
    let mut nav_like: Vec<bool> = Vec::new();
    let mut rules: Vec<Option<CrumbRule>> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !live[i] || line.is_blank(text) {
            continue;
        }
        let verdict = verdicts.get_or_judge(i, || {
            let content = line.content(text);
            // Count characters only up to the cap: a 50 MB line costs nothing here.
            if content.chars().take(options.max_line_chars + 1).count() > options.max_line_chars {
                return None;
            }
            let shape = measure(content, function_words);
            Some(Verdict {
                nav_like: nav::is_nav_like(&shape),
                rule: line_rule(content, &shape, options),
                shape,
            })
        });
        if let Some(verdict) = verdict {
            judged.push((i, verdict.shape.clone()));
            nav_like.push(verdict.nav_like);
            rules.push(verdict.rule);
        }
    }

    let known = function_words.known();
    let judged_index = |i: usize| judged.binary_search_by_key(&i, |(j, _)| *j).ok();
    // Lines over the cap are not judged, and count as prose: they are content.
    let is_prose_line = |i: usize| -> bool {
        !lines[i].is_blank(text)
            && judged_index(i).is_none_or(|k| menu::is_prose(&judged[k].1, known))
    };
    let first_prose = (0..lines.len()).find(|&i| live[i] && is_prose_line(i));
    let last_prose = (0..lines.len())
        .rev()
        .find(|&i| live[i] && is_prose_line(i));
    // Blocks are what the document is laid out in: blank-separated blocks (wrapped lines
    // re-joined) or, in a one-paragraph-per-line layout, lines.
    let per_line = split == crate::segment::SplitMode::Line;
    let blocks = blocks(
        text,
        lines,
        live,
        function_words,
        per_line,
        &judged,
        &nav_like,
    );
    let mut body = body::body_lines(&blocks);
    // A comments section ends the article: the body stops before its heading.
    let comments_from = if options.level >= StripLevel::Balanced {
        body.and_then(|(first, _)| {
            judged
                .iter()
                .find(|(i, shape)| *i > first && nav::is_comments_heading(shape.body))
                .map(|(i, _)| *i)
        })
    } else {
        None
    };
    if let Some(heading) = comments_from {
        // Find the body again among the blocks before the comments.
        let before: Vec<body::BlockShape> = blocks
            .iter()
            .filter(|b| b.last_line < heading)
            .copied()
            .collect();
        body = body::body_lines(&before).or(body.map(|(first, _)| (first, first)));
    }

    let mark = |range: std::ops::Range<usize>, rule: CrumbRule, rules: &mut [Option<CrumbRule>]| {
        for slot in &mut rules[range] {
            slot.get_or_insert(rule);
        }
    };

    // Where menus live: conservatively outside the first and last prose line; at the other
    // levels outside the detected body.
    let (top_end, bottom_start) = match options.level {
        StripLevel::Conservative => (first_prose, last_prose),
        _ => (body.map(|b| b.0), body.map(|b| b.1)),
    };
    let outside = |i: usize| match (top_end, bottom_start) {
        (Some(first), Some(last)) => i < first || i > last,
        _ => true,
    };
    let adjacent = |k: usize| only_blank_between(text, lines, live, judged[k - 1].0, judged[k].0);

    // Menu runs: consecutive list items, all reading like menu entries.
    for run in runs(judged.len(), |k| menu::is_list_item(&judged[k].1), adjacent) {
        let items = &judged[run.clone()];
        let inside_ok = options.level == StripLevel::Aggressive && items.len() >= nav::MIN_NAV_RUN;
        if items.len() >= menu::MIN_RUN_ITEMS
            && items
                .iter()
                .all(|(i, shape)| (inside_ok || outside(*i)) && menu::is_menu_item(shape))
        {
            mark(run, CrumbRule::MenuRun, &mut rules);
        }
    }

    if options.level >= StripLevel::Balanced {
        // Navigation runs: consecutive navigation-like lines on one side of the body.
        let side = |i: usize| top_end.is_some_and(|first| i < first);
        for run in runs(
            judged.len(),
            |k| outside(judged[k].0) && nav_like[k],
            |k| adjacent(k) && side(judged[k - 1].0) == side(judged[k].0),
        ) {
            if run.len() < nav::MIN_NAV_RUN {
                continue;
            }
            // Above the body, a run's last line may be the headline ("Obituary"): a
            // short line with words and no list marker directly above the body's first
            // line is kept.
            let mut run = run;
            let (last_line, last) = (judged[run.end - 1].0, &judged[run.end - 1].1);
            let directly_above_body = top_end
                .is_some_and(|first| only_blank_between(text, lines, live, last_line, first));
            if side(last_line) && directly_above_body && last.words > 0 && last.marker.is_none() {
                run.end -= 1;
            }
            mark(run, CrumbRule::NavRun, &mut rules);
        }
        // The comments section, heading included.
        if let Some(heading) = comments_from {
            for (k, (i, _)) in judged.iter().enumerate() {
                if *i >= heading {
                    mark(k..k + 1, CrumbRule::Comments, &mut rules);
                }
            }
        }
        // Lists of linked headlines outside the body.
        for run in runs(
            judged.len(),
            |k| outside(judged[k].0) && nav::is_headline_item(&judged[k].1),
            adjacent,
        ) {
            if run.len() >= nav::MIN_NAV_RUN {
                mark(run, CrumbRule::HeadlineList, &mut rules);
            }
        }
        // Short lines that recur outside the body (a share bar under every teaser). Inside
        // the body a repeat is the dedup stage's business: a title repeated with its
        // article is part of a duplicated section, not chrome.
        let mut counts: rustc_hash::FxHashMap<String, usize> = Default::default();
        let keys: Vec<Option<String>> = judged
            .iter()
            .map(|(i, shape)| {
                (outside(*i)
                    && shape.words >= 1
                    && shape.words <= nav::MAX_REPEATED_WORDS
                    && !nav::is_sentence(shape))
                .then(|| crate::fingerprint::normalise(shape.body))
            })
            .collect();
        for key in keys.iter().flatten() {
            *counts.entry(key.clone()).or_default() += 1;
        }
        for (k, key) in keys.iter().enumerate() {
            if key.as_ref().is_some_and(|key| counts[key] >= 2) {
                mark(k..k + 1, CrumbRule::RepeatedLine, &mut rules);
            }
        }
        // After the body: everything but datelines and bylines. The body is the densest
        // prose; what follows it past enough navigation to end it is teasers, related
        // stories, author blurbs and footers, prose or not.
        // Prose after the body goes only past a boundary that ends the article (a
        // navigation run, a list of headlines, a comments section, recurring chrome);
        // before such a boundary only what is not prose or a sentence goes.
        if let Some(last) = bottom_start {
            let boundary = judged
                .iter()
                .zip(&rules)
                .find(|((i, _), rule)| {
                    *i > last
                        && matches!(
                            rule,
                            Some(
                                CrumbRule::NavRun
                                    | CrumbRule::HeadlineList
                                    | CrumbRule::Comments
                                    | CrumbRule::RepeatedLine
                                    | CrumbRule::MenuRun
                            )
                        )
                })
                .map(|((i, _), _)| *i);
            // Only the lines after the body are asked whether they are kept.
            for (k, (i, shape)) in judged.iter().enumerate().filter(|(_, (i, _))| *i > last) {
                let past_boundary = boundary.is_some_and(|b| *i > b);
                let keep = nav::is_dateline(shape.body)
                    || nav::is_byline(shape.body)
                    || (!past_boundary && is_furniture(shape, known));
                if !keep {
                    mark(k..k + 1, CrumbRule::AfterBody, &mut rules);
                }
            }
        }
    }

    if options.level >= StripLevel::Aggressive {
        if let Some(first) = top_end {
            // Keep the headline: the last lines before the body that are not navigation.
            let before: Vec<usize> = (0..judged.len()).filter(|&k| judged[k].0 < first).collect();
            let headline: Vec<usize> = before
                .iter()
                .rev()
                .copied()
                .filter(|&k| !nav_like[k])
                .take(HEADLINE_LINES)
                .collect();
            for k in before {
                if !headline.contains(&k) && !is_furniture(&judged[k].1, known) {
                    mark(k..k + 1, CrumbRule::BeforeBody, &mut rules);
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

/// Least mean words per line of a multi-line prose block.
const MIN_WORDS_PER_BLOCK_LINE: usize = 5;

/// Lines kept above the body under `--strip aggressive`: a headline and a subtitle.
const HEADLINE_LINES: usize = 2;

/// Prose, a sentence, a dateline or a byline: never removed for where it stands.
fn is_furniture(shape: &LineShape<'_>, function_words_known: bool) -> bool {
    menu::is_prose(shape, function_words_known)
        || nav::is_sentence(shape)
        || nav::is_dateline(shape.body)
        || nav::is_byline(shape.body)
}

/// Maximal runs of consecutive items `0..n` for which `member` holds, where `joined(k)`
/// says item `k` continues the run of item `k - 1`.
fn runs(
    n: usize,
    member: impl Fn(usize) -> bool,
    joined: impl Fn(usize) -> bool,
) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < n {
        if !member(k) {
            k += 1;
            continue;
        }
        let start = k;
        k += 1;
        while k < n && member(k) && joined(k) {
            k += 1;
        }
        out.push(start..k);
    }
    out
}

/// The blocks of live lines (separated by blank lines), measured for body detection.
fn blocks(
    text: &str,
    lines: &[Line],
    live: &[bool],
    function_words: &FunctionWords,
    per_line: bool,
    judged: &[(usize, LineShape<'_>)],
    nav_like: &[bool],
) -> Vec<body::BlockShape> {
    // List items in the block, and how many of them end like sentences.
    let mut items = (0usize, 0usize);
    let mut out = Vec::new();
    // The block's lines joined with spaces.
    let mut joined = JoinedLines::default();
    let mut current: Option<body::BlockShape> = None;
    let mut close = |current: &mut Option<body::BlockShape>,
                     joined: &mut JoinedLines,
                     items: &mut (usize, usize)| {
        if let Some(mut block) = current.take() {
            if !block.prose {
                let counts = joined.counts(function_words);
                block.words = counts.words;
                // Wrapped prose has long lines; a block of one-label lines (an indented
                // menu) joined together can read like a long sentence, but is not one;
                // nor is a list whose items are not sentences (related headlines).
                let headline_list = items.0 == block.lines && items.1 * 2 < items.0;
                block.prose = menu::is_prose_counts(&counts, function_words.known())
                    && counts.words >= MIN_WORDS_PER_BLOCK_LINE * block.lines
                    && !headline_list;
            }
            out.push(block);
        }
        joined.clear();
        *items = (0, 0);
    };
    // Where each line of text will stand in the clean text.
    let mut places = crate::segment::CleanPlaces::new(text, lines);
    for (i, line) in lines.iter().enumerate() {
        if !live[i] {
            continue;
        }
        if line.is_blank(text) {
            close(&mut current, &mut joined, &mut items);
            places.blank(i);
            continue;
        }
        let place = places.text();
        if per_line {
            close(&mut current, &mut joined, &mut items);
        }
        let content = line.content(text);
        // A live line that is not blank is judged unless it is over the cap; a line over
        // the cap is content: its block is prose, and is not copied.
        let judged_at = judged.binary_search_by_key(&i, |(j, _)| *j);
        let block = current.get_or_insert(body::BlockShape {
            first_line: i,
            last_line: i,
            first_place: place,
            last_place: place,
            lines: 0,
            words: 0,
            prose: false,
            cost: 0.0,
        });
        block.last_line = i;
        block.last_place = place;
        block.lines += 1;
        if let Ok(k) = judged_at {
            let shape = &judged[k].1;
            let (line_cost, word_cost) = if nav_like[k] {
                (body::NAV_LINE_COST, body::NAV_WORD_COST)
            } else {
                (body::OTHER_LINE_COST, body::OTHER_WORD_COST)
            };
            block.cost += line_cost + word_cost * shape.words as f64;
            if shape.marker.is_some() {
                items.0 += 1;
                items.1 += usize::from(shape.ends_sentence);
            }
        }
        match judged_at {
            Ok(k) if !block.prose => joined.push(content, &judged[k].1),
            Ok(_) => {}
            Err(_) => {
                block.prose = true;
                block.words += content.len() / 6;
            }
        }
    }
    close(&mut current, &mut joined, &mut items);
    out
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
    if let Some(templates) = &options.template_lines {
        if template_key(content).is_some_and(|key| templates.contains(&key)) {
            return Some(CrumbRule::TemplateLine);
        }
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
        let split =
            crate::segment::resolve_split(text, &lines, &live, crate::segment::SplitMode::Auto);
        find_crumbs(
            text,
            &lines,
            &live,
            options,
            &FunctionWords::english_fallback(),
            split,
            &mut LineVerdicts::default(),
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
