//! Phases 2 to 4 for a JSONL corpus alone in its batch, without near matching: cleaned,
//! decided and written a chunk at a time, instead of cleaned whole, then read, parsed and
//! written again.
//!
//! While a chunk is cleaned (in parallel), the chunk before it is walked (serially: the
//! walk is in input order) and turned into output; a writer thread writes the output
//! behind. The decisions are the phased batch's: a unit's turn in the walk sees only the
//! units before it either way ([`StreamingWalk`]). Near matching needs every unit cleaned
//! first (it indexes only the bands shared within the whole batch), so it phases.
//!
//! The output must appear whole or not at all (a file renamed into place, or `check`'s
//! nothing): a bad line found late leaves nothing behind, where standard output or a FIFO
//! would already hold the chunks before it.

use super::cross::{StreamingWalk, TooManyParagraphs};
use super::decisions::CrossDecisions;
use super::sink::{self, Sink};
use super::{
    load, stopped_by, Batch, CleanedUnit, Cleaning, Decided, StdoutWriter, UnitOutcome, UnitRest,
    Writing,
};
use crate::input::sources::InputDoc;
use crate::pipeline::CleanOptions;
use crate::report::{DocumentReport, ReportDetail};
use anyhow::{anyhow, Result};
use std::ops::Range;

/// The batch's one document, when it can be cleaned, decided and written a chunk at a time:
/// a JSONL corpus alone in its batch, near matching off, and an output that appears whole.
pub(super) fn corpus_alone<'a>(batch: &Batch<'a>, options: &CleanOptions) -> Option<&'a InputDoc> {
    let [doc] = batch.docs else {
        return None;
    };
    (doc.jsonl && options.dedup.near.is_none() && sink::appears_whole(doc, batch.config))
        .then_some(doc)
}

/// How the corpus's cleaning, deciding and writing ended, when nothing failed.
enum Streamed {
    /// Written whole: its units' reports, and what the corpus report adds for each.
    Written(Vec<DocumentReport>, Vec<UnitRest>),
    /// A NUL byte at this offset: skipped as binary, nothing written.
    Binary(usize),
    /// Stopped by an interrupt, nothing written.
    Interrupted,
}

/// Phases 2 to 4 for the corpus `doc`, alone in `batch` ([`corpus_alone`]). Its failure is
/// the document's (its output's error, as in a phased batch), except a batch too large to
/// number.
pub(super) fn run(
    batch: &Batch<'_>,
    doc: &InputDoc,
    options: &CleanOptions,
    detail: ReportDetail,
    stdout: &StdoutWriter,
) -> Result<Decided> {
    let mut units = Vec::new();
    let streamed = clean_decide_write(batch, doc, options, detail, stdout, &mut units);
    let mut decided = Decided {
        units,
        outputs: Vec::new(),
        skipped: Vec::new(),
        interrupted: false,
    };
    match streamed {
        Ok(Streamed::Written(reports, rests)) => {
            decided.outputs.push(Ok(Some((reports, rests, 0))));
        }
        Ok(Streamed::Binary(offset)) => {
            batch.skip_as_binary(doc, offset, &mut decided.skipped);
            decided.outputs.push(Ok(None));
        }
        Ok(Streamed::Interrupted) => {
            decided.interrupted = true;
            decided.outputs.push(Ok(None));
        }
        Err(e) if e.downcast_ref::<TooManyParagraphs>().is_some() => return Err(e),
        Err(e) => decided.outputs.push(Err(e)),
    }
    // Three phases done with the batch's one document.
    for _ in 0..3 {
        batch.step_done();
    }
    Ok(decided)
}

/// A chunk as cleaned: its units as read, and their clean texts.
struct CleanedChunk {
    loaded: load::Loaded,
    cleans: Vec<Option<String>>,
}

/// A chunk decided and turned into output.
struct WrittenChunk {
    pieces: Vec<Vec<u8>>,
    /// What the corpus report adds for each of its units.
    rests: Vec<UnitRest>,
    /// Their numbers in the batch.
    units: Range<usize>,
}

/// Hands a written chunk's output to the writer and keeps what the corpus report adds for
/// its units; drops their line masks, which only rebuild a clean text (≈ 10 MB at 1 GB).
fn hand_over(
    written: WrittenChunk,
    write: &mut dyn FnMut(Vec<Vec<u8>>) -> Result<()>,
    units: &mut [UnitOutcome],
    rests: &mut Vec<UnitRest>,
) -> Result<()> {
    rests.extend(written.rests);
    write(written.pieces)?;
    for outcome in &mut units[written.units] {
        outcome.live = Vec::new();
    }
    Ok(())
}

fn clean_decide_write(
    batch: &Batch<'_>,
    doc: &InputDoc,
    options: &CleanOptions,
    detail: ReportDetail,
    stdout: &StdoutWriter,
    units: &mut Vec<UnitOutcome>,
) -> Result<Streamed> {
    let config = batch.config;
    let sink = Sink::open(doc, config, stdout)?;
    let mut reports: Vec<DocumentReport> = Vec::new();
    let mut rests: Vec<UnitRest> = Vec::new();
    let mut walk = StreamingWalk::new(&options.dedup);
    // No signature store: near matching is off.
    let cleaning = Cleaning {
        options,
        detail,
        store: None,
        keep_clean: true,
    };
    // Paragraphs of the units cleaned so far, and whether the walk was told how many to
    // expect in all.
    let mut paragraphs = 0usize;
    let mut sized = false;
    // The chunk cleaned last: decided and written while the next one is cleaned.
    let mut pending: Option<CleanedChunk> = None;
    // Walks a chunk's units and turns them into output. The corpus is the batch's one
    // document: its units' numbers in the batch are their numbers in it (`Loaded::first`).
    let finish = |CleanedChunk { loaded, cleans }: &CleanedChunk,
                  walk: &mut StreamingWalk<'_>,
                  units: &[UnitOutcome],
                  reports: &mut [DocumentReport]|
     -> Result<WrittenChunk> {
        let chunk = loaded.first..loaded.first + loaded.texts.len();
        // The chunk's decisions are needed only until it is written.
        let decisions = CrossDecisions::of_units(chunk.clone());
        walk.walk_more(units, &decisions)?;
        let reports = reports
            .get_mut(chunk.clone())
            .ok_or_else(|| anyhow!("internal error: a chunk's reports are missing"))?;
        let writing = Writing {
            units,
            cross: &decisions,
            split: options.split,
            detail,
            config,
        };
        let (pieces, rests) = writing.chunk(loaded, reports, chunk.start, Some(cleans))?;
        Ok(WrittenChunk {
            pieces,
            rests,
            units: chunk,
        })
    };
    let (ending, sink) = sink::write_in_order(sink, true, |write| {
        let ending = batch.read_units(doc, &mut |loaded| {
            batch.go_on()?;
            let first = units.len();
            let (finished, cleaned) = rayon::join(
                || {
                    pending
                        .take()
                        .map(|before| finish(&before, &mut walk, units, &mut reports))
                        .transpose()
                },
                || cleaning.chunk(0, doc, &loaded),
            );
            if let Some(written) = finished? {
                hand_over(written, write, units, &mut rests)?;
            }
            let mut cleans = Vec::with_capacity(loaded.texts.len());
            for CleanedUnit {
                outcome,
                report,
                clean,
            } in cleaned?
            {
                units.push(outcome);
                reports.push(report);
                cleans.push(clean);
            }
            // What is kept for the whole batch is sized once its size can be told from a
            // twentieth of the corpus (or all of it) read, as a phased batch sizes it for
            // the units it cleaned: growing by doubling would overshoot and, while moving,
            // hold the old and the new at once (+30 MB of peak at 1 GB).
            if !sized {
                paragraphs += units[first..]
                    .iter()
                    .map(|u| u.paragraphs.len())
                    .sum::<usize>();
                let fraction = loaded.read.map_or(0.0, |read| read.fraction());
                if fraction >= 0.05 {
                    let in_all = |so_far: usize| (so_far as f64 / fraction) as usize;
                    walk.expect(in_all(paragraphs));
                    let more = in_all(units.len()).saturating_sub(units.len());
                    units.reserve_exact(more);
                    reports.reserve_exact(more);
                    rests.reserve_exact(more);
                    sized = true;
                }
            }
            pending = Some(CleanedChunk { loaded, cleans });
            Ok(())
        });
        let ending = match ending {
            Err(e) if stopped_by(&e, batch.interrupt) => return Ok(None),
            ending => ending?,
        };
        if let Some(last) = pending.take() {
            let written = finish(&last, &mut walk, units, &mut reports)?;
            hand_over(written, write, units, &mut rests)?;
        }
        Ok(Some(ending))
    })?;
    match ending {
        None => Ok(Streamed::Interrupted),
        Some(load::Ending::Binary(offset)) => Ok(Streamed::Binary(offset)),
        Some(load::Ending::Complete) => {
            sink.finish()?;
            Ok(Streamed::Written(reports, rests))
        }
    }
}
