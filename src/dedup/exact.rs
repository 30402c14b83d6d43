//! The exact-duplicate index: first occurrence of every normalised key.

use crate::fingerprint::KeyHash;
use rustc_hash::FxHashMap;

/// Maps each key hash to the first paragraph that had it.
#[derive(Debug, Default)]
pub struct ExactIndex {
    first: FxHashMap<KeyHash, usize>,
}

impl ExactIndex {
    /// Records `paragraph` under `hash` unless an earlier paragraph has it; returns that
    /// earlier paragraph.
    pub fn first_or_insert(&mut self, hash: KeyHash, paragraph: usize) -> Option<usize> {
        match self.first.entry(hash) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(paragraph);
                None
            }
        }
    }
}
