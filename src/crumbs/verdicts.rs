//! What the crumb rules learn about a line from its text alone, kept across passes.
//!
//! Owns the per-line verdicts that depend on nothing but the line and the document's
//! function words: its shape, whether it reads like navigation, and the single-line rule
//! it matches. The pipeline judges a document in up to `MAX_PASSES` passes (each pass
//! removes duplicates and crumbs, which moves the body and the runs); a line still live in
//! a later pass gets the same verdicts, so they are worked out once per line, not once
//! per pass. The verdicts are dropped when the function words change.

use super::shape::LineShape;
use super::CrumbRule;
use crate::language::FunctionWords;

/// The verdicts on one judged line.
#[derive(Debug, Clone)]
pub(super) struct Verdict<'t> {
    pub shape: LineShape<'t>,
    /// [`super::nav::is_nav_like`] of the shape.
    pub nav_like: bool,
    /// The rule that judges the line by itself, if any ([`super::line_rule`]).
    pub rule: Option<CrumbRule>,
}

#[derive(Debug, Clone)]
enum Slot<'t> {
    /// Not asked about yet (or asked under other function words).
    Unknown,
    /// Over the length cap: content, never judged.
    NotJudged,
    Judged(Verdict<'t>),
}

/// The verdicts on a document's lines, by line index. One per document: the lines'
/// indices and options must not change between the passes that share it.
#[derive(Debug, Default)]
pub struct LineVerdicts<'t> {
    /// The function words the verdicts were reached with: language and whether known.
    words: Option<(&'static str, bool)>,
    slots: Vec<Slot<'t>>,
}

impl<'t> LineVerdicts<'t> {
    /// Starts a pass over `lines` lines judged with `function_words`: forgets every verdict
    /// if the function words differ from the previous pass's.
    pub(super) fn begin(&mut self, lines: usize, function_words: &FunctionWords) {
        let words = Some((function_words.language, function_words.known()));
        if self.words != words || self.slots.len() != lines {
            self.words = words;
            self.slots.clear();
            self.slots.resize(lines, Slot::Unknown);
        }
    }

    /// The verdicts on line `i`, reached by `judge` the first time it is asked (`None`:
    /// the line is not judged).
    pub(super) fn get_or_judge(
        &mut self,
        i: usize,
        judge: impl FnOnce() -> Option<Verdict<'t>>,
    ) -> Option<&Verdict<'t>> {
        let slot = &mut self.slots[i];
        if let Slot::Unknown = slot {
            *slot = judge().map_or(Slot::NotJudged, Slot::Judged);
        }
        match slot {
            Slot::Judged(verdict) => Some(verdict),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crumbs::shape::measure;

    fn verdict(line: &str) -> Option<Verdict<'_>> {
        Some(Verdict {
            shape: measure(line, &FunctionWords::english_fallback()),
            nav_like: true,
            rule: None,
        })
    }

    #[test]
    fn a_verdict_is_reached_once_per_line_and_function_words() {
        let mut verdicts = LineVerdicts::default();
        let english = FunctionWords::english_fallback();
        let mut asked = 0;
        for _pass in 0..3 {
            verdicts.begin(2, &english);
            let got = verdicts.get_or_judge(1, || {
                asked += 1;
                verdict("Home")
            });
            assert_eq!(got.map(|v| v.shape.body), Some("Home"));
            assert!(verdicts
                .get_or_judge(0, || {
                    asked += 1;
                    None
                })
                .is_none());
        }
        assert_eq!(asked, 2, "each line judged once over three passes");

        // Other function words: every line is judged again.
        let Some(french) = FunctionWords::for_code("fr") else {
            return;
        };
        verdicts.begin(2, &french);
        verdicts.get_or_judge(1, || {
            asked += 1;
            verdict("Accueil")
        });
        assert_eq!(asked, 3);
    }
}
