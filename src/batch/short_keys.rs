//! The exact index's table: 32 bits of a paragraph's key → the paragraph's number in the
//! batch, for the first paragraph kept with those bits.
//!
//! One flat array of (bits, number) slots with linear probing, sized once for every
//! paragraph of the batch at most 80% full. A general hash map sized that way rounds up to
//! a power of two of buckets: 8.4 M (75 MB) for the 4.3 M paragraphs of a 1 GB corpus, the
//! largest table of the decision pass; this takes 5.4 M slots (43 MB). The bits are
//! SHA-256 bits, already uniform, so they place a slot directly (scaled to the table by a
//! multiply and a shift) with no hashing.

/// A slot's number when the slot is empty: paragraph numbers stay below it (the batch
/// refuses more paragraphs than it can number).
const EMPTY: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Slot {
    bits: u32,
    number: u32,
}

const VACANT: Slot = Slot {
    bits: 0,
    number: EMPTY,
};

/// At most one number per 32-bit key: the first inserted.
#[derive(Debug)]
pub struct ShortKeyTable {
    slots: Vec<Slot>,
    len: usize,
}

impl ShortKeyTable {
    /// A table for up to `capacity` entries (it grows past that, but is sized so that it
    /// need not).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            slots: vec![VACANT; Self::slots_for(capacity)],
            len: 0,
        }
    }

    /// Slots for `entries` at most 80% full (probes stay short: a few slots of one or two
    /// cache lines), and always at least one empty, so a search ends.
    fn slots_for(entries: usize) -> usize {
        entries + entries / 4 + 1
    }

    /// Where a search for `bits` starts.
    fn home(&self, bits: u32) -> usize {
        ((u64::from(bits) * self.slots.len() as u64) >> 32) as usize
    }

    /// The slot holding `bits`, or the empty slot where it would go.
    fn find(&self, bits: u32) -> usize {
        let mut at = self.home(bits);
        loop {
            let slot = self.slots[at];
            if slot.number == EMPTY || slot.bits == bits {
                return at;
            }
            at += 1;
            if at == self.slots.len() {
                at = 0;
            }
        }
    }

    /// The number stored for `bits`.
    pub fn get(&self, bits: u32) -> Option<u32> {
        let slot = self.slots[self.find(bits)];
        (slot.number != EMPTY).then_some(slot.number)
    }

    /// Stores `number` for `bits` unless a number is stored for them already; returns
    /// that earlier number, if any.
    pub fn insert_if_vacant(&mut self, bits: u32, number: u32) -> Option<u32> {
        debug_assert_ne!(number, EMPTY, "paragraph numbers stay below u32::MAX");
        let at = self.find(bits);
        if self.slots[at].number != EMPTY {
            return Some(self.slots[at].number);
        }
        if Self::slots_for(self.len + 1) > self.slots.len() {
            self.grow();
            return self.insert_if_vacant(bits, number);
        }
        self.slots[at] = Slot { bits, number };
        self.len += 1;
        None
    }

    /// Room for `entries` in all, placing every entry again once if the table has less:
    /// a table whose final size becomes known as it fills (a streamed batch's) grows to it
    /// at once instead of doubling past it.
    pub fn reserve_total(&mut self, entries: usize) {
        let slots = Self::slots_for(entries.max(self.len));
        if slots > self.slots.len() {
            self.place_again(slots);
        }
    }

    /// Twice the room, every entry placed again (only if more were inserted than the
    /// table was sized for).
    fn grow(&mut self) {
        self.place_again(Self::slots_for(2 * self.len.max(1)));
    }

    fn place_again(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![VACANT; slots]);
        for slot in old.into_iter().filter(|s| s.number != EMPTY) {
            let at = self.find(slot.bits);
            self.slots[at] = slot;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        /// The table keeps the first number inserted for each key, as a map does, however
        /// many collide on their home slot (few distinct bits, clustered values), when it
        /// has to grow past the room it was sized for, and when room is reserved midway.
        #[test]
        fn keeps_the_first_number_per_key_as_a_map_does(
            capacity in 0usize..40,
            inserts in proptest::collection::vec(
                (prop_oneof![0u32..8, Just(u32::MAX), Just(u32::MAX - 1), any::<u32>()], 0u32..1000),
                0..120,
            ),
            probes in proptest::collection::vec(any::<u32>(), 0..20),
            reserve_at in 0usize..130,
            reserved in 0usize..300,
        ) {
            let mut table = ShortKeyTable::with_capacity(capacity);
            let mut map: HashMap<u32, u32> = HashMap::new();
            for (n, &(bits, number)) in inserts.iter().enumerate() {
                if n == reserve_at {
                    table.reserve_total(reserved);
                }
                let earlier = map.get(&bits).copied();
                prop_assert_eq!(table.insert_if_vacant(bits, number), earlier);
                map.entry(bits).or_insert(number);
            }
            for (&bits, &number) in &map {
                prop_assert_eq!(table.get(bits), Some(number));
            }
            for bits in probes {
                prop_assert_eq!(table.get(bits), map.get(&bits).copied());
            }
        }
    }

    #[test]
    fn room_reserved_is_grown_to_at_once_and_never_shrinks() {
        let mut table = ShortKeyTable::with_capacity(0);
        for n in 0..100u32 {
            table.insert_if_vacant(n.wrapping_mul(0x9E37_79B9), n);
        }
        table.reserve_total(1000);
        assert_eq!(table.slots.len(), 1251);
        table.reserve_total(10);
        assert_eq!(table.slots.len(), 1251);
        for n in 100..1000u32 {
            table.insert_if_vacant(n.wrapping_mul(0x9E37_79B9), n);
        }
        assert_eq!(table.slots.len(), 1251, "no growth past the room reserved");
        for n in 0..1000u32 {
            assert_eq!(table.get(n.wrapping_mul(0x9E37_79B9)), Some(n));
        }
    }

    #[test]
    fn sized_for_its_entries_it_does_not_grow() {
        let mut table = ShortKeyTable::with_capacity(1000);
        let slots = table.slots.len();
        for n in 0..1000u32 {
            assert_eq!(table.insert_if_vacant(n.wrapping_mul(0x9E37_79B9), n), None);
        }
        assert_eq!(table.slots.len(), slots);
        assert_eq!(slots, 1251);
    }
}
