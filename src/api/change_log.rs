//! The change log as the API serves it: [`ChangeStore`], the visible changes appended one
//! by one and never moved or copied, and [`ChangeList`], a reader's view of its first `len`
//! (the store and a length: taken in O(1), paged by binary search), with the sequence number
//! up to which older changes were compacted into the seed.
//!
//! The store is a list of chunks of doubling size (32, 64, 128... entries), each allocated
//! once when the first entry reaches it, each slot written once: an entry never moves, so a
//! view reads it without a lock, and appending never copies what is there.

use super::writes::ChangeEntry;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Entries of the first chunk; chunk `k` holds `FIRST << k`.
const FIRST: usize = 32;
/// Chunks: room for `FIRST * (2^CHUNKS - 1)` entries.
const CHUNKS: usize = 40;

/// The chunk and the slot in it of entry `i`.
fn locate(i: usize) -> (usize, usize) {
    let j = i + FIRST;
    let k = (usize::BITS - 1 - j.leading_zeros()) as usize - FIRST.trailing_zeros() as usize;
    (k, j - (FIRST << k))
}

/// The visible changes of a server, oldest first, append-only.
pub struct ChangeStore {
    chunks: [OnceLock<Box<[OnceLock<ChangeEntry>]>>; CHUNKS],
    /// Entries appended (each slot below it is set).
    len: AtomicUsize,
    /// Held by the one appender.
    append: Mutex<()>,
}

impl Default for ChangeStore {
    fn default() -> Self {
        ChangeStore {
            chunks: std::array::from_fn(|_| OnceLock::new()),
            len: AtomicUsize::new(0),
            append: Mutex::new(()),
        }
    }
}

impl std::fmt::Debug for ChangeStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeStore").field("len", &self.len()).finish()
    }
}

impl ChangeStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `entry` after the others.
    pub fn push(&self, entry: ChangeEntry) {
        let _one = self.append.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let i = self.len.load(Ordering::Acquire);
        let (k, slot) = locate(i);
        let chunk = self.chunks[k].get_or_init(|| (0..FIRST << k).map(|_| OnceLock::new()).collect());
        // The slot is empty: only this appender writes, each slot once, in order.
        let _ = chunk[slot].set(entry);
        self.len.store(i + 1, Ordering::Release);
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn get(&self, i: usize) -> Option<&ChangeEntry> {
        let (k, slot) = locate(i);
        self.chunks.get(k)?.get()?.get(slot)?.get()
    }
}

/// The change log a request reads: the first `len` entries of a store (every change visible
/// when it was taken), and the last sequence number compacted into the seed before them.
#[derive(Clone, Debug, Default)]
pub struct ChangeList {
    store: Option<Arc<ChangeStore>>,
    len: usize,
    compacted: u64,
}

impl ChangeList {
    /// The entries of `store` now, after `compacted` changes moved into the seed.
    pub fn new(store: Arc<ChangeStore>, compacted: u64) -> Self {
        let len = store.len();
        ChangeList { store: Some(store), len, compacted }
    }

    /// No change (a server without writes).
    pub fn empty() -> Self {
        Self::default()
    }

    /// How many changes it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The sequence number of the last change compacted into the seed (0 when none was):
    /// the first change held is the next one.
    pub fn compacted(&self) -> u64 {
        self.compacted
    }

    /// Change `i` (0 is the oldest held).
    pub fn get(&self, i: usize) -> Option<&ChangeEntry> {
        if i >= self.len {
            return None;
        }
        self.store.as_ref()?.get(i)
    }

    /// The newest change held.
    pub fn last(&self) -> Option<&ChangeEntry> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// The changes `from..to` (clamped), oldest first.
    pub fn range(&self, from: usize, to: usize) -> impl Iterator<Item = &ChangeEntry> {
        (from..to.min(self.len)).filter_map(|i| self.get(i))
    }

    /// Every change held, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &ChangeEntry> {
        self.range(0, self.len)
    }

    /// How many changes have a `seq` of at most `seq` (the index of the first after it).
    pub fn after(&self, seq: u64) -> usize {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.get(mid).is_some_and(|c| c.seq <= seq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The change `seq`, if held.
    pub fn find(&self, seq: u64) -> Option<&ChangeEntry> {
        let i = self.after(seq).checked_sub(1)?;
        self.get(i).filter(|c| c.seq == seq)
    }
}

impl std::ops::Index<usize> for ChangeList {
    type Output = ChangeEntry;
    fn index(&self, i: usize) -> &ChangeEntry {
        match self.get(i) {
            Some(c) => c,
            None => panic!("change {i} of a list of {}", self.len),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ChangeKind;

    fn entry(seq: u64) -> ChangeEntry {
        ChangeEntry {
            seq,
            at: Default::default(),
            author: "a".into(),
            kind: ChangeKind::Apply,
            comment: None,
            ids: vec![format!("event:{seq}")],
            snapshot: String::new(),
        }
    }

    #[test]
    fn slots_tile_the_chunks() {
        let mut expected = (0, 0);
        for i in 0..10_000 {
            assert_eq!(locate(i), expected, "{i}");
            expected.1 += 1;
            if expected.1 == FIRST << expected.0 {
                expected = (expected.0 + 1, 0);
            }
        }
    }

    #[test]
    fn a_view_keeps_its_length_while_the_store_grows_and_finds_by_seq() {
        let store = Arc::new(ChangeStore::new());
        for seq in 6..=105 {
            store.push(entry(seq));
        }
        let view = ChangeList::new(store.clone(), 5);
        for seq in 106..=1000 {
            store.push(entry(seq));
        }
        assert_eq!((view.len(), view.compacted(), view.last().map(|c| c.seq)), (100, 5, Some(105)));
        assert_eq!(view.iter().map(|c| c.seq).collect::<Vec<_>>(), (6..=105).collect::<Vec<_>>());
        assert_eq!((view.after(0), view.after(5), view.after(6), view.after(50), view.after(105)), (0, 0, 1, 45, 100));
        assert_eq!(view.find(77).map(|c| c.seq), Some(77));
        assert!(view.find(106).is_none() && view.find(5).is_none());
        let now = ChangeList::new(store, 5);
        assert_eq!((now.len(), now[994].seq), (995, 1000));
        assert_eq!(now.range(990, 2000).count(), 5);
        assert!(ChangeList::empty().last().is_none());
    }
}
