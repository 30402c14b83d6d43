//! Main-body detection: where the article's dense prose is.
//!
//! Blocks of lines (separated by blank lines) are scored: a prose block counts for its
//! words, any other block against, by its lines and words. The body is the run of blocks
//! with the largest total (a maximum-sum subarray, as in Finn et al.'s Body Text
//! Extraction), so a menu of forty short items outweighs a stray sentence, while a caption
//! or a heading between two paragraphs stays inside. Crumb rules are conservative inside
//! the body and decisive outside it.

/// What body detection needs to know of a block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockShape {
    /// First and last line index of the block.
    pub first_line: usize,
    pub last_line: usize,
    /// The same lines' numbers in the clean text, as it will be written. A block's position
    /// on the page is measured in these, so a run on the clean text finds the same body
    /// (positions counted in input lines moved with the lines removed before them: cleaning
    /// was not idempotent).
    pub first_place: usize,
    pub last_place: usize,
    /// Non-blank lines in the block.
    pub lines: usize,
    pub words: usize,
    /// Whether the block reads as prose (see [`super::menu::is_prose_text`]).
    pub prose: bool,
    /// What a non-prose block costs the body around it: navigation-like lines cost much
    /// (a menu ends an article), other lines little (a list or a caption inside one).
    pub cost: f64,
}

/// Cost of a navigation-like line: per line, and per word.
pub const NAV_LINE_COST: f64 = 2.0;
pub const NAV_WORD_COST: f64 = 0.5;
/// Cost of any other non-prose line: per line, and per word.
pub const OTHER_LINE_COST: f64 = 0.5;
pub const OTHER_WORD_COST: f64 = 0.25;

/// Weight of prose at the very end of a page relative to its start: footers and
/// "about us" blurbs close pages, articles rarely do. Falls linearly from 1.
const END_PROSE_WEIGHT: f64 = 0.5;

fn score(block: &BlockShape, position: f64) -> f64 {
    if block.prose {
        block.words as f64 * (1.0 - (1.0 - END_PROSE_WEIGHT) * position)
    } else {
        -block.cost
    }
}

/// The first and last line of the body, or `None` if no block is prose.
pub fn body_lines(blocks: &[BlockShape]) -> Option<(usize, usize)> {
    let mut best: Option<(f64, usize, usize)> = None;
    let mut current = 0.0;
    let mut start = 0;
    let last_place = blocks.last().map_or(1, |b| b.last_place.max(1)) as f64;
    for (i, block) in blocks.iter().enumerate() {
        if current <= 0.0 {
            current = 0.0;
            start = i;
        }
        current += score(block, block.first_place as f64 / last_place);
        if block.prose && best.is_none_or(|(total, _, _)| current > total) {
            best = Some((current, start, i));
        }
    }
    let (_, first, last) = best?;
    // The run may start on a non-prose block only if it paid for itself; trim leading
    // non-prose blocks, which never raise the total.
    let first = (first..=last).find(|&b| blocks[b].prose).unwrap_or(first);
    Some((blocks[first].first_line, blocks[last].last_line))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(line: usize, lines: usize, words: usize, prose: bool) -> BlockShape {
        BlockShape {
            first_line: line,
            last_line: line + lines - 1,
            first_place: line,
            last_place: line + lines - 1,
            lines,
            words,
            prose,
            cost: NAV_LINE_COST * lines as f64 + NAV_WORD_COST * words as f64,
        }
    }

    #[test]
    fn menu_then_body_then_footer() {
        let mut blocks: Vec<BlockShape> = (0..30).map(|i| block(i, 1, 2, false)).collect();
        blocks.push(block(30, 1, 60, true));
        blocks.push(block(31, 1, 8, false)); // a caption inside the body
        blocks.push(block(32, 1, 50, true));
        blocks.extend((33..60).map(|i| block(i, 1, 3, false)));
        blocks.push(block(60, 1, 15, true)); // a stray sentence in the footer
        assert_eq!(body_lines(&blocks), Some((30, 32)));
    }

    #[test]
    fn no_prose_no_body() {
        let blocks: Vec<BlockShape> = (0..5).map(|i| block(i, 1, 2, false)).collect();
        assert_eq!(body_lines(&blocks), None);
    }
}
