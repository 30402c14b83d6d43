//! What the corpus-wide decision pass ([`super::cross`]) decides for each unit, and how
//! phase 4 gets it: the walk publishes a unit's decisions as its turn ends, and each
//! writer waits for the turns of the units it writes, so writing runs beside the walk.

use super::UnitOutcome;
use crate::dedup::{MatchKind, Measure, Similarity};
use crate::report::json::{range_text, Location, Removal};
use crate::report::{preview, DocumentReport, ReportDetail};
use anyhow::Result;
use std::sync::{Condvar, Mutex, OnceLock};

/// A paragraph's earlier copy in another document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CrossMatch {
    pub unit: usize,
    pub paragraph: usize,
    pub kind: MatchKind,
    /// Dropped because the whole document copies `unit`, not paragraph by paragraph.
    pub whole_document: bool,
}

impl CrossMatch {
    /// An exact copy of `unit`'s paragraph `paragraph`.
    pub fn exact(unit: usize, paragraph: usize) -> Self {
        Self {
            unit,
            paragraph,
            kind: MatchKind::Exact,
            whole_document: false,
        }
    }

    /// A near copy (by estimated Jaccard similarity `value`) of `unit`'s paragraph
    /// `paragraph`, or of the whole of `unit`.
    pub fn near(unit: usize, paragraph: usize, value: f64, whole_document: bool) -> Self {
        Self {
            unit,
            paragraph,
            kind: MatchKind::Near(Similarity {
                value,
                measure: Measure::Jaccard,
            }),
            whole_document,
        }
    }
}

/// One unit's decisions in the corpus-wide pass.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitDecision {
    /// Dropped paragraph → its earlier copy.
    pub(super) dropped: Vec<(usize, CrossMatch)>,
    /// The unit it wholly copies, with the weakest similarity among its matches.
    pub(super) duplicate_of: Option<(usize, f64)>,
}

impl UnitDecision {
    /// Indices of the unit's remaining paragraphs dropped as copies of earlier documents.
    pub fn dropped_paragraphs(&self) -> Vec<usize> {
        self.dropped.iter().map(|(p, _)| *p).collect()
    }

    /// The unit this one wholly copies, and the similarity.
    pub fn duplicate_document(&self) -> Option<(usize, f64)> {
        self.duplicate_of
    }

    /// Adds the unit's cross-document removals to its report (their count only, at
    /// [`ReportDetail::Totals`]).
    pub fn annotate(
        &self,
        unit: usize,
        units: &[UnitOutcome],
        report: &mut DocumentReport,
        text: &str,
        detail: ReportDetail,
    ) {
        let dropped = &self.dropped;
        if dropped.is_empty() {
            return;
        }
        let lines = crate::text::split_lines(text);
        let paragraphs = &units[unit].paragraphs;
        for (p, m) in dropped {
            let (first, last) = paragraphs[*p].lines;
            let (first, last) = (first as usize, last as usize);
            let original = &units[m.unit];
            let (of_first, of_last) = original.paragraphs[m.paragraph].lines;
            let (of_first, of_last) = (of_first as usize, of_last as usize);
            let bytes = match (lines.get(first), lines.get(last)) {
                (Some(a), Some(b)) => [a.byte_start, b.byte_end],
                _ => [0, 0],
            };
            report.totals.cross_document_paragraphs += 1;
            report.totals.bytes_removed += bytes[1] - bytes[0];
            if detail == ReportDetail::Totals {
                continue;
            }
            let preview_text = if bytes[1] > bytes[0] {
                preview(&text[bytes[0]..bytes[1]])
            } else {
                String::new()
            };
            let (rule, similarity, measure) = match m.kind {
                MatchKind::Near(sim) if m.whole_document => (
                    "duplicate-document",
                    Some((sim.value * 1000.0).round() / 1000.0),
                    Some(sim.measure),
                ),
                MatchKind::Exact => ("cross-document-duplicate", None, None),
                MatchKind::Near(sim) => (
                    "cross-document-near-duplicate",
                    Some((sim.value * 1000.0).round() / 1000.0),
                    Some(sim.measure),
                ),
            };
            let of_lines = [of_first + 1, of_last + 1];
            report.removals.push(Removal {
                kind: "duplicate",
                rule: rule.to_string(),
                reason: match m.kind {
                    MatchKind::Near(sim) if m.whole_document => format!(
                        "the whole document repeats {} (estimated shingle Jaccard similarity {:.2})",
                        original.unit.name, sim.value
                    ),
                    MatchKind::Exact => format!(
                        "same normalised text as {} lines {}",
                        original.unit.name,
                        range_text(of_lines)
                    ),
                    MatchKind::Near(sim) => format!(
                        "estimated shingle Jaccard similarity {:.2} with {} lines {}",
                        sim.value,
                        original.unit.name,
                        range_text(of_lines)
                    ),
                },
                lines: [first + 1, last + 1],
                bytes,
                preview: preview_text,
                duplicate_of: Some(Location {
                    lines: of_lines,
                    document: Some(original.unit.name.clone()),
                }),
                section: None,
                similarity,
                measure,
                keep: Some(crate::dedup::KeepRule::First),
                diff: None,
            });
        }
        report.removals.sort_by_key(|r| r.lines);
        report.paragraphs_out = report.paragraphs_out.saturating_sub(dropped.len());
    }
}

/// The decisions of the corpus-wide pass, published unit by unit as the walk makes them,
/// so that writing runs beside the walk (which is serial, on one core): a unit's decisions
/// are final once its turn is over, since later units never change an earlier one's, and
/// a writer waits for the turn of each unit it writes.
#[derive(Debug)]
pub struct CrossDecisions {
    /// The number of the first unit held.
    first: usize,
    units: Vec<OnceLock<UnitDecision>>,
    walk: Mutex<WalkState>,
    turn: Condvar,
}

/// What waiters need to know of the walk, under its lock.
#[derive(Debug, Default)]
struct WalkState {
    /// The walk is over, done or not: a unit without decisions now never gets any.
    over: bool,
    /// Writers waiting for a turn (none, nearly always: a turn only wakes them if any).
    waiting: usize,
}

/// The walk ended before deciding a unit (its own error is the batch's).
#[derive(Debug)]
pub struct WalkStopped;

impl std::fmt::Display for WalkStopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the decision pass across documents stopped before this document")
    }
}

impl std::error::Error for WalkStopped {}

/// A writer asked for a unit whose decisions are not held here (a bug: writers ask for
/// their own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSuchUnit {
    pub unit: usize,
    /// The units whose decisions are held.
    pub held: std::ops::Range<usize>,
}

impl std::fmt::Display for NoSuchUnit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "internal error: the decisions of unit {} were asked for, but those held are of units {}..{}",
            self.unit, self.held.start, self.held.end
        )
    }
}

impl std::error::Error for NoSuchUnit {}

impl CrossDecisions {
    /// Room for the decisions of a batch's `units` units, none made yet.
    pub fn new(units: usize) -> Self {
        Self::of_units(0..units)
    }

    /// Room for the decisions of the units numbered `held` in their batch, none made yet:
    /// a streamed batch's units are decided and written a chunk at a time, and a chunk's
    /// decisions are not needed once it is written.
    pub fn of_units(held: std::ops::Range<usize>) -> Self {
        Self {
            first: held.start,
            units: held.map(|_| OnceLock::new()).collect(),
            walk: Mutex::new(WalkState::default()),
            turn: Condvar::new(),
        }
    }

    /// Unit `u`'s slot, if its decisions are held here.
    fn slot(&self, u: usize) -> Option<&OnceLock<UnitDecision>> {
        self.units.get(u.checked_sub(self.first)?)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, WalkState> {
        self.walk.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes unit `u`'s decisions final and wakes the writers waiting, if any.
    pub(super) fn publish(&self, u: usize, decision: UnitDecision) {
        if let Some(slot) = self.slot(u) {
            // Set once: the walk takes each unit once.
            let _ = slot.set(decision);
        }
        // Under the lock, so that a writer that found the slot empty is already waiting.
        if self.state().waiting > 0 {
            self.turn.notify_all();
        }
    }

    /// Marks the walk over, done or not, and wakes every writer still waiting.
    fn close(&self) {
        self.state().over = true;
        self.turn.notify_all();
    }

    /// Unit `u`'s decisions, once the walk has made them; [`WalkStopped`] if the walk ended
    /// without them, [`NoSuchUnit`] if the batch has no unit `u`.
    pub fn wait_for(&self, u: usize) -> Result<&UnitDecision> {
        let slot = self.slot(u).ok_or_else(|| NoSuchUnit {
            unit: u,
            held: self.first..self.first + self.units.len(),
        })?;
        if let Some(decision) = slot.get() {
            return Ok(decision);
        }
        let mut state = self.state();
        loop {
            if let Some(decision) = slot.get() {
                return Ok(decision);
            }
            if state.over {
                return Err(WalkStopped.into());
            }
            state.waiting += 1;
            state = self.turn.wait(state).unwrap_or_else(|e| e.into_inner());
            state.waiting -= 1;
        }
    }

    /// Every unit's decisions, as made so far (for tests comparing two walks).
    #[cfg(test)]
    pub(super) fn made(&self) -> Vec<Option<UnitDecision>> {
        self.units.iter().map(|slot| slot.get().cloned()).collect()
    }
}

/// Closes the decisions when the walk ends, however it ends (an error, or a panic that
/// would otherwise leave writers waiting for ever).
pub(super) struct CloseOnEnd<'d>(pub(super) &'d CrossDecisions);

impl Drop for CloseOnEnd<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A decision with one dropped paragraph, told apart by `unit`.
    fn decision(unit: usize) -> UnitDecision {
        UnitDecision {
            dropped: vec![(
                0,
                CrossMatch {
                    unit,
                    paragraph: 0,
                    kind: MatchKind::Exact,
                    whole_document: false,
                },
            )],
            duplicate_of: None,
        }
    }

    /// Waits up to 20 s for a thread to end (a thread left waiting fails the test instead
    /// of hanging it: the threads are not scoped).
    fn ends_soon<T>(thread: &std::thread::JoinHandle<T>) -> bool {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !thread.is_finished() {
            if std::time::Instant::now() > deadline {
                return false;
            }
            std::thread::yield_now();
        }
        true
    }

    /// Writers waiting for every unit of `decisions`, once they all wait.
    fn writers(
        decisions: &std::sync::Arc<CrossDecisions>,
    ) -> Vec<std::thread::JoinHandle<Result<UnitDecision>>> {
        let writers: Vec<_> = (0..decisions.units.len())
            .map(|u| {
                let decisions = std::sync::Arc::clone(decisions);
                std::thread::spawn(move || decisions.wait_for(u).cloned())
            })
            .collect();
        while decisions.state().waiting < writers.len() {
            std::thread::yield_now();
        }
        writers
    }

    #[test]
    fn writers_wait_for_each_units_turn_and_stop_waiting_when_the_walk_ends() {
        let decisions = std::sync::Arc::new(CrossDecisions::new(3));
        let writers = writers(&decisions);
        // A walk that decides two units, then ends early (as an error would end it). Each
        // writer has its unit as soon as its turn is over, before the walk ends.
        {
            let _close = CloseOnEnd(&decisions);
            for (u, writer) in writers.iter().enumerate().take(2) {
                decisions.publish(u, decision(10 + u));
                assert!(ends_soon(writer), "writer {u} woken by its turn");
            }
            assert!(!writers[2].is_finished());
        }
        let results: Vec<_> = writers.into_iter().map(|w| w.join().unwrap()).collect();
        assert_eq!(results[0].as_ref().unwrap(), &decision(10));
        assert_eq!(results[1].as_ref().unwrap(), &decision(11));
        let stopped = results[2].as_ref().unwrap_err();
        assert!(stopped.downcast_ref::<WalkStopped>().is_some(), "{stopped}");
        // Once the walk is over, decided units come back at once and the others fail.
        assert_eq!(decisions.wait_for(1).unwrap(), &decision(11));
        let undecided = decisions.wait_for(2).unwrap_err();
        assert!(
            undecided.downcast_ref::<WalkStopped>().is_some(),
            "{undecided}"
        );
        let past = decisions.wait_for(3).unwrap_err();
        assert_eq!(
            past.downcast_ref::<NoSuchUnit>(),
            Some(&NoSuchUnit {
                unit: 3,
                held: 0..3
            }),
            "past the last unit: {past}"
        );
    }

    #[test]
    fn a_chunks_decisions_are_held_by_their_batch_numbers() {
        let decisions = CrossDecisions::of_units(10..13);
        decisions.publish(11, decision(4));
        decisions.publish(13, decision(5));
        assert_eq!(decisions.wait_for(11).unwrap(), &decision(4));
        for outside in [9, 13, 0] {
            let err = decisions.wait_for(outside).unwrap_err();
            assert_eq!(
                err.downcast_ref::<NoSuchUnit>(),
                Some(&NoSuchUnit {
                    unit: outside,
                    held: 10..13
                }),
                "{err}"
            );
        }
        assert_eq!(decisions.made(), [None, Some(decision(4)), None]);
    }

    #[test]
    fn a_walk_that_panics_releases_its_writers() {
        let decisions = std::sync::Arc::new(CrossDecisions::new(1));
        let writers = writers(&decisions);
        let walk = {
            let decisions = std::sync::Arc::clone(&decisions);
            std::thread::spawn(move || {
                let _close = CloseOnEnd(&decisions);
                panic!("a walk that fails");
            })
        };
        assert!(walk.join().is_err());
        assert!(ends_soon(&writers[0]), "the writer still waits");
        assert!(writers.into_iter().all(|w| w.join().unwrap().is_err()));
    }
}
