//! The date index: answers "which events overlap [from, to]" in the events' date order
//! without listing them (and the same for statements, over their own order).
//!
//! The events whose span overlaps `[from, to]`, in date order (start, end, id), are:
//! (a) events that start before `from` and end on or after it (all of them come first in
//! the order), then (b) the contiguous run of the order that starts within `[from, to]`.
//! So, with `lo` the position of the first event starting on or after `from` and `hi` that
//! of the first starting after `to`, the answer is {i < min(lo, hi) : end(i) >= from}
//! followed by `lo..hi`. Three structures, built once at load, answer everything about it:
//!
//! - `starts`: each distinct start day with the position of its first event, for `lo` and
//!   `hi` (a binary search in a table of a few thousand days, whatever the event count);
//! - `latest`: a max segment tree over the end day of each position, to walk part (a) left
//!   to right or right to left, one event in O(log n) each;
//! - `ends`: a wavelet matrix over the end day of each position, to count part (a)
//!   (how many positions before `p` end before a day) in O(log days).
//!
//! Memory at 1M events: about 8 MB for the tree and 2.5 MB for the wavelet matrix (built
//! in well under 0.1 s).
//!
//! A write that adds events patches the index of the graph before it
//! ([`DateIndex::extended`]): the start days merged with the added ones, the tree built
//! again from its leaves (the end days by position, with the added ones inserted: a linear
//! copy), and the wavelet matrix shared, the inserted positions counted beside it in a
//! small one (`layered.rs`).

use super::layered::{insert_at, merged_cuts, KeysByPosition};
use super::KnowledgeGraph;
use crate::model::{EntityKind, NodeId};
use chrono::{Datelike, NaiveDate};

/// A day as a number (days from the common era), for compact comparisons.
fn day(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// The date index of the events' order; see the module doc.
#[derive(Default)]
pub(super) struct DateIndex {
    /// Each distinct start day, ascending, with the position of the first event starting on
    /// it.
    starts: Vec<(i32, u32)>,
    /// The number of events.
    len: usize,
    /// A max segment tree over end days by position: leaves at `[size, 2 * size)`, padding
    /// with `i32::MIN`, node `i`'s children at `2i` and `2i + 1`.
    latest: Vec<i32>,
    /// The end day of each position, counted by prefix.
    ends: KeysByPosition,
}

impl DateIndex {
    /// The index of `events` (in date order) whose spans are `spans` (start, end), position by
    /// position.
    pub(super) fn build(spans: &[(NaiveDate, NaiveDate)]) -> Self {
        let len = spans.len();
        let mut starts: Vec<(i32, u32)> = Vec::new();
        for (i, &(s, _)) in spans.iter().enumerate() {
            let s = day(s);
            if starts.last().is_none_or(|&(d, _)| d != s) {
                starts.push((s, i as u32));
            }
        }
        let ends: Vec<i32> = spans.iter().map(|&(_, e)| day(e)).collect();
        let latest = tree(&ends);
        let ends = KeysByPosition::build(&ends.iter().map(|&e| i64::from(e)).collect::<Vec<_>>());
        DateIndex { starts, len, latest, ends }
    }

    /// This index with events inserted into its order: `ins`, their positions in the new
    /// order (ascending) and spans (see the module doc).
    pub(super) fn extended(&self, ins: &[(usize, (NaiveDate, NaiveDate))]) -> Self {
        let len = self.len + ins.len();
        let added: Vec<i32> = ins.iter().map(|&(_, (s, _))| day(s)).collect();
        let first = |i: usize| self.starts.get(i).map_or(self.len, |&(_, p)| p as usize);
        let starts = merged_cuts(&self.starts.iter().map(|&(d, _)| d).collect::<Vec<_>>(), &added)
            .into_iter()
            .map(|(d, i, before)| (d, (first(i) + before) as u32))
            .collect();
        let ends = insert_at(self.end_days(), &ins.iter().map(|&(p, (_, e))| (p, day(e))).collect::<Vec<_>>());
        let keys: Vec<(usize, i64)> = ins.iter().map(|&(p, (_, e))| (p, i64::from(day(e)))).collect();
        let counts = self.ends.inserted(&keys, || ends.iter().map(|&e| i64::from(e)).collect());
        DateIndex { starts, len, latest: tree(&ends), ends: counts }
    }

    /// This index with events moved in its order (see `rebuild.rs`): `out`, their positions
    /// in the order before (ascending) and their spans there, taken out; then `ins`, their
    /// positions in the new order (ascending) and spans, inserted. The start days counted
    /// again from the table's (a few thousand rows), the end days by position copied, the
    /// tree built again from them, and the wavelet matrix shared, the positions taken out
    /// and inserted counted beside it (`layered.rs`).
    pub(super) fn moved(
        &self,
        out: &[(usize, (NaiveDate, NaiveDate))],
        ins: &[(usize, (NaiveDate, NaiveDate))],
    ) -> Self {
        let len = self.len - out.len() + ins.len();
        // How many events start on each day, then the first position of each.
        let mut per_day: Vec<(i32, u32)> = self
            .starts
            .iter()
            .enumerate()
            .map(|(i, &(d, p))| (d, self.starts.get(i + 1).map_or(self.len as u32, |x| x.1) - p))
            .collect();
        for &(_, (s, _)) in out {
            if let Ok(i) = per_day.binary_search_by_key(&day(s), |x| x.0) {
                per_day[i].1 -= 1;
            }
        }
        for &(_, (s, _)) in ins {
            match per_day.binary_search_by_key(&day(s), |x| x.0) {
                Ok(i) => per_day[i].1 += 1,
                Err(i) => per_day.insert(i, (day(s), 1)),
            }
        }
        let mut starts = Vec::with_capacity(per_day.len());
        let mut first = 0;
        for (d, k) in per_day.into_iter().filter(|x| x.1 > 0) {
            starts.push((d, first));
            first += k;
        }
        let mut ends = self.end_days().to_vec();
        for &(p, _) in out.iter().rev() {
            ends.remove(p);
        }
        let ends = insert_at(&ends, &ins.iter().map(|&(p, (_, e))| (p, day(e))).collect::<Vec<_>>());
        let key = |&(p, (_, e)): &(usize, (NaiveDate, NaiveDate))| (p, i64::from(day(e)));
        let counts =
            self.ends.moved(&out.iter().map(key).collect::<Vec<_>>(), &ins.iter().map(key).collect::<Vec<_>>(), || {
                ends.iter().map(|&e| i64::from(e)).collect()
            });
        DateIndex { starts, len, latest: tree(&ends), ends: counts }
    }

    /// How many events were inserted since the last build or fold of the counts.
    pub(super) fn added_events(&self) -> usize {
        self.ends.inserted_count()
    }

    /// Each distinct start day, ascending, with the position of the first event starting on
    /// it.
    pub(super) fn start_days(&self) -> &[(i32, u32)] {
        &self.starts
    }

    /// The end day of each position.
    pub(super) fn end_days(&self) -> &[i32] {
        let size = self.latest.len() / 2;
        self.latest.get(size..size + self.len).unwrap_or_default()
    }

    /// The position of the first event starting on or after `d` (`len` when none).
    fn first_starting(&self, d: i32) -> usize {
        let i = self.starts.partition_point(|&(s, _)| s < d);
        self.starts.get(i).map_or(self.len, |&(_, p)| p as usize)
    }

    /// The smallest position in `[p, q)` whose event ends on or after `d`.
    fn next_ending(&self, p: usize, q: usize, d: i32) -> Option<usize> {
        if p >= q.min(self.len) {
            return None;
        }
        let size = self.latest.len() / 2;
        let mut i = size + p;
        // Climb, moving right, until a subtree holds a late enough end...
        while self.latest[i] < d {
            while i & 1 == 1 {
                i >>= 1;
            }
            if i == 0 {
                return None;
            }
            i += 1;
        }
        // ...then descend to its leftmost such leaf.
        while i < size {
            i *= 2;
            if self.latest[i] < d {
                i += 1;
            }
        }
        Some(i - size).filter(|&pos| pos < q)
    }

    /// The largest position in `[p, q)` whose event ends on or after `d`.
    fn prev_ending(&self, p: usize, q: usize, d: i32) -> Option<usize> {
        let q = q.min(self.len);
        if p >= q {
            return None;
        }
        let size = self.latest.len() / 2;
        let mut i = size + q - 1;
        while self.latest[i] < d {
            while i & 1 == 0 {
                i >>= 1;
            }
            if i == 1 {
                return None;
            }
            i -= 1;
        }
        while i < size {
            i = 2 * i + 1;
            if self.latest[i] < d {
                i -= 1;
            }
        }
        Some(i - size).filter(|&pos| pos >= p)
    }

    /// How many positions before `p` hold an event ending before `d`.
    fn count_ending_before(&self, p: usize, d: i32) -> usize {
        self.ends.count_below(p, i64::from(d))
    }

    /// The approximate heap size, in bytes.
    #[cfg(test)]
    fn heap_bytes(&self) -> usize {
        self.starts.len() * 8 + self.latest.len() * 4 + self.ends.heap_bytes()
    }
}

/// A max segment tree over `ends` (see `DateIndex::latest`).
fn tree(ends: &[i32]) -> Vec<i32> {
    let size = ends.len().next_power_of_two().max(1);
    let mut latest = vec![i32::MIN; 2 * size];
    latest[size..size + ends.len()].copy_from_slice(ends);
    for i in (1..size).rev() {
        latest[i] = latest[2 * i].max(latest[2 * i + 1]);
    }
    latest
}

/// The records whose span overlaps a date range, in date order: a view over the order of
/// their kind (events, or statements; positions are ranks in `KnowledgeGraph::all`), never a
/// list.
#[derive(Clone, Copy)]
pub struct DateRange<'g> {
    /// The index of the kind's order, and that order.
    index: &'g DateIndex,
    order: &'g [NodeId],
    /// The `from` day, when given: part (a) is the positions before `ongoing_end` ending on
    /// or after it.
    from: Option<i32>,
    ongoing_end: usize,
    /// Part (b): the positions `lo..hi` (empty when `hi <= lo`).
    lo: usize,
    hi: usize,
    len: usize,
    /// A knowledge-time filter, when one is folded into the view: the first day each
    /// position was known, and the last day kept (see [`DateRange::known_by`]).
    known: Option<(&'g [i32], i32)>,
}

/// Where a date range's records sit in its order: the positions before `ongoing_end` that
/// end on or after `from` (when given), then the run `lo..hi`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RangeParts {
    pub from: Option<i32>,
    pub ongoing_end: usize,
    pub lo: usize,
    pub hi: usize,
}

/// The events overlapping a date range (see [`DateRange`]).
pub type EventsInRange<'g> = DateRange<'g>;

impl<'g> DateRange<'g> {
    /// How many records overlap the range.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no record overlaps the range.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every record of the kind, in date order (the order this view's positions count in).
    pub fn order(&self) -> &'g [NodeId] {
        self.order
    }

    /// True when the record at position `p` of the order overlaps the range.
    pub fn contains_position(&self, p: usize) -> bool {
        self.keeps(p)
            && ((self.lo <= p && p < self.hi)
                || self.from.is_some_and(|f| p < self.ongoing_end && self.index.end_at(p).is_some_and(|e| e >= f)))
    }

    /// Where the range's records sit, before any knowledge-time filter.
    pub(crate) fn parts(&self) -> RangeParts {
        RangeParts { from: self.from, ongoing_end: self.ongoing_end, lo: self.lo, hi: self.hi }
    }

    /// True when a knowledge-time filter is folded into the view.
    pub(crate) fn is_known_filtered(&self) -> bool {
        self.known.is_some()
    }

    /// The same view keeping only the positions `p` with `known[p] <= day`, of which there
    /// are `len` (counted by the caller, who has the index for it): paged lazily, each
    /// position checked as the page is cut.
    pub(crate) fn known_by(self, known: &'g [i32], day: i32, len: usize) -> Self {
        DateRange { known: Some((known, day)), len, ..self }
    }

    /// True when the knowledge-time filter (if any) keeps position `p`.
    fn keeps(&self, p: usize) -> bool {
        self.known.is_none_or(|(known, day)| known.get(p).is_some_and(|&k| k <= day))
    }

    /// Pushes onto `out` the first `n` records of the range at positions in `[p, q)`, in
    /// date order.
    pub fn forward(&self, p: usize, q: usize, n: usize, out: &mut Vec<NodeId>) {
        let order = self.order();
        let stop = out.len() + n;
        let mut at = p;
        if let Some(from) = self.from {
            while out.len() < stop {
                match self.index.next_ending(at, q.min(self.ongoing_end), from) {
                    Some(pos) => {
                        if self.keeps(pos) {
                            out.push(order[pos]);
                        }
                        at = pos + 1;
                    }
                    None => break,
                }
            }
        }
        let (b0, b1) = (at.max(self.lo), q.min(self.hi));
        if b0 < b1 && out.len() < stop {
            if self.known.is_none() {
                out.extend_from_slice(&order[b0..b1.min(b0 + (stop - out.len()))]);
                return;
            }
            for pos in (b0..b1).filter(|&pos| self.keeps(pos)) {
                if out.len() >= stop {
                    break;
                }
                out.extend(order.get(pos));
            }
        }
    }

    /// Pushes onto `out` the last `n` records of the range at positions in `[p, q)`, last
    /// first.
    pub fn backward(&self, p: usize, q: usize, n: usize, out: &mut Vec<NodeId>) {
        let order = self.order();
        let stop = out.len() + n;
        let (b0, b1) = (p.max(self.lo), q.min(self.hi));
        if b0 < b1 && self.known.is_none() {
            let take = (b1 - b0).min(n);
            out.extend(order[b1 - take..b1].iter().rev());
        } else if b0 < b1 {
            for pos in (b0..b1).rev().filter(|&pos| self.keeps(pos)) {
                if out.len() >= stop {
                    break;
                }
                out.extend(order.get(pos));
            }
        }
        let Some(from) = self.from else { return };
        let mut at = q.min(self.ongoing_end);
        while out.len() < stop {
            match self.index.prev_ending(p, at, from) {
                Some(pos) => {
                    if self.keeps(pos) {
                        out.push(order[pos]);
                    }
                    at = pos;
                }
                None => break,
            }
        }
    }

    /// Every record of the range, in date order.
    pub fn iter(&self) -> impl Iterator<Item = NodeId> + 'g {
        let this = *self;
        let order = self.order();
        let mut at = 0;
        let ongoing = std::iter::from_fn(move || {
            let pos = this.index.next_ending(at, this.ongoing_end, this.from?)?;
            at = pos + 1;
            Some(pos)
        });
        ongoing
            .chain(self.lo.min(self.hi)..self.hi)
            .filter(move |&pos| this.keeps(pos))
            .filter_map(|pos| order.get(pos).copied())
    }
}

impl DateIndex {
    /// The records of `order` (the order this index was built over) whose span overlaps
    /// `[from, to]` (open ends allowed: `from` alone is on or after, `to` alone on or before),
    /// as a view: O(log n) to make, whatever the number of records in the range.
    pub(super) fn range<'g>(
        &'g self,
        order: &'g [NodeId],
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> DateRange<'g> {
        let (from, to) = (from.map(day), to.map(day));
        let lo = from.map_or(0, |f| self.first_starting(f));
        let hi = to.map_or(self.len, |t| self.first_starting(t.saturating_add(1)));
        let ongoing_end = if from.is_some() { lo.min(hi) } else { 0 };
        let ongoing = from.map_or(0, |f| ongoing_end - self.count_ending_before(ongoing_end, f));
        DateRange { index: self, order, from, ongoing_end, lo, hi, len: ongoing + hi.saturating_sub(lo), known: None }
    }

    /// The end day of the record at position `p`.
    fn end_at(&self, p: usize) -> Option<i32> {
        (p < self.len).then(|| self.latest[self.latest.len() / 2 + p])
    }
}

impl KnowledgeGraph {
    /// The events whose span overlaps `[from, to]` (open ends allowed: `from` alone is on or
    /// after, `to` alone on or before), as a view over the date order: O(log n) to make,
    /// whatever the number of events in the range.
    pub fn events_in_range(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> EventsInRange<'_> {
        self.dates.range(self.all(EntityKind::Event), from, to)
    }
}

/// A bit vector with constant-time rank (ones before a position).
#[derive(Default)]
struct RankBits {
    words: Vec<u64>,
    /// The number of ones in the words before each word.
    before: Vec<u32>,
}

impl RankBits {
    fn new(len: usize) -> Self {
        RankBits { words: vec![0; len / 64 + 1], before: Vec::new() }
    }

    fn set(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    fn finish(&mut self) {
        let mut ones = 0u32;
        self.before = self
            .words
            .iter()
            .map(|w| {
                let b = ones;
                ones += w.count_ones();
                b
            })
            .collect();
    }

    /// The number of ones at positions before `i` (`i` at most the length).
    fn rank1(&self, i: usize) -> usize {
        let (w, b) = (i / 64, i % 64);
        self.before[w] as usize + (self.words[w] & ((1u64 << b) - 1)).count_ones() as usize
    }
}

/// A wavelet matrix over small integers: how many of the first `p` values are below `x`,
/// in one rank per bit of the values.
#[derive(Default)]
pub(super) struct WaveletMatrix {
    /// From the highest bit down: the bit of each value at that level, and the number of
    /// zeros at it.
    levels: Vec<(RankBits, usize)>,
}

impl WaveletMatrix {
    /// The matrix of `values`, each below `bound`.
    pub(super) fn build(mut values: Vec<u32>, bound: usize) -> Self {
        let bits = usize::BITS - bound.leading_zeros();
        let mut levels = Vec::with_capacity(bits as usize);
        let mut next = Vec::with_capacity(values.len());
        for level in (0..bits).rev() {
            let mut rb = RankBits::new(values.len());
            let mut ones = Vec::new();
            next.clear();
            for (i, &v) in values.iter().enumerate() {
                if v >> level & 1 == 1 {
                    rb.set(i);
                    ones.push(v);
                } else {
                    next.push(v);
                }
            }
            rb.finish();
            levels.push((rb, next.len()));
            next.extend_from_slice(&ones);
            std::mem::swap(&mut values, &mut next);
        }
        WaveletMatrix { levels }
    }

    /// How many of the first `p` values are below `x`.
    pub(super) fn count_less(&self, p: usize, x: usize) -> usize {
        let bits = self.levels.len();
        if bits < usize::BITS as usize && x >> bits != 0 {
            return p;
        }
        let (mut s, mut e, mut below) = (0, p, 0);
        for (level, (rb, zeros)) in self.levels.iter().enumerate() {
            let (s1, e1) = (rb.rank1(s), rb.rank1(e));
            if x >> (bits - 1 - level) & 1 == 1 {
                below += (e - e1) - (s - s1);
                s = zeros + s1;
                e = zeros + e1;
            } else {
                s -= s1;
                e -= e1;
            }
        }
        below
    }

    #[cfg(test)]
    pub(super) fn heap_bytes(&self) -> usize {
        self.levels.iter().map(|(rb, _)| rb.words.len() * 8 + rb.before.len() * 4).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Rng;

    fn date(n: i32) -> NaiveDate {
        NaiveDate::from_num_days_from_ce_opt(n).expect("a day")
    }

    /// Spans in date order: mostly single days, some a few days, some a month or a year.
    fn spans(rng: &mut Rng, n: usize) -> Vec<(NaiveDate, NaiveDate)> {
        let mut v: Vec<(i32, i32)> = (0..n)
            .map(|_| {
                let s = 737_000 + rng.below(400) as i32;
                let len = [0, 0, 0, 2, 30, 365][rng.below(6) as usize];
                (s, s + len)
            })
            .collect();
        v.sort_unstable();
        v.into_iter().map(|(s, e)| (date(s), date(e))).collect()
    }

    #[test]
    fn wavelet_counts_match_a_scan() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for &(n, bound) in &[(0usize, 1usize), (1, 1), (5, 3), (200, 17), (1000, 64), (777, 1000)] {
            let values: Vec<u32> = (0..n).map(|_| rng.below(bound as u64) as u32).collect();
            let wm = WaveletMatrix::build(values.clone(), bound);
            for p in (0..=n).step_by(7).chain([n]) {
                for x in 0..=bound + 1 {
                    let naive = values[..p].iter().filter(|&&v| (v as usize) < x).count();
                    assert_eq!(wm.count_less(p, x), naive, "n={n} p={p} x={x}");
                }
            }
        }
    }

    #[test]
    fn segment_tree_walks_match_a_scan() {
        let mut rng = Rng(12345);
        for n in [0usize, 1, 2, 3, 31, 64, 65, 500] {
            let sp = spans(&mut rng, n);
            let idx = DateIndex::build(&sp);
            let ends: Vec<i32> = sp.iter().map(|&(_, e)| day(e)).collect();
            for _ in 0..300 {
                let (p, q) = (rng.below(n as u64 + 2) as usize, rng.below(n as u64 + 2) as usize);
                let d = 737_000 + rng.below(800) as i32 - 50;
                let hits: Vec<usize> = (p..q.min(n)).filter(|&i| ends[i] >= d).collect();
                assert_eq!(idx.next_ending(p, q, d), hits.first().copied(), "next n={n} [{p},{q}) d={d}");
                assert_eq!(idx.prev_ending(p, q, d), hits.last().copied(), "prev n={n} [{p},{q}) d={d}");
                let before = ends[..p.min(n)].iter().filter(|&&e| e < d).count();
                assert_eq!(idx.count_ending_before(p.min(n), d), before);
            }
        }
    }

    #[test]
    fn the_index_stays_small() {
        // At most 16 bytes per event for the tree (a power of two just above the count) and
        // a few for the wavelet matrix: about 11 MB at 1M events.
        let mut rng = Rng(99);
        let n = 5000;
        let idx = DateIndex::build(&spans(&mut rng, n));
        assert!(idx.heap_bytes() < 20 * n, "{} bytes for {n} events", idx.heap_bytes());
    }

    #[test]
    fn moved_events_index_as_a_build_of_the_new_order() {
        let mut rng = Rng(4242);
        let mut sp = spans(&mut rng, 400);
        let mut idx = DateIndex::build(&sp);
        for round in 0..40 {
            // Move a few events (now and then the only one of its start day) to new spans.
            let k = 1 + rng.below(3) as usize;
            let mut out: Vec<usize> = Vec::new();
            while out.len() < k {
                let p = rng.below(sp.len() as u64) as usize;
                if !out.contains(&p) {
                    out.push(p);
                }
            }
            out.sort_unstable();
            let out: Vec<(usize, (NaiveDate, NaiveDate))> = out.iter().map(|&p| (p, sp[p])).collect();
            let mut next = sp.clone();
            for &(p, _) in out.iter().rev() {
                next.remove(p);
            }
            let fresh: Vec<(NaiveDate, NaiveDate)> = (0..k)
                .map(|_| {
                    let s = 736_990 + rng.below(430) as i32;
                    (date(s), date(s + [0, 1, 40][rng.below(3) as usize]))
                })
                .collect();
            let mut ins = Vec::new();
            for f in fresh {
                let p = next.partition_point(|x| *x < f);
                next.insert(p, f);
                ins.iter_mut().filter(|x: &&mut (usize, _)| x.0 >= p).for_each(|x| x.0 += 1);
                ins.push((p, f));
            }
            ins.sort_unstable_by_key(|x| x.0);
            idx = idx.moved(&out, &ins);
            sp = next;
            let whole = DateIndex::build(&sp);
            assert_eq!(idx.starts, whole.starts, "round {round}");
            assert_eq!(idx.latest, whole.latest, "round {round}");
            for p in (0..=sp.len()).step_by(13) {
                for d in [736_980, 737_100, 737_250, 737_400, 737_900] {
                    assert_eq!(idx.count_ending_before(p, d), whole.count_ending_before(p, d), "round {round}");
                }
            }
        }
        assert!(idx.added_events() > 0, "counted beside the shared matrix");
    }

    #[test]
    fn first_starting_finds_the_run_boundary() {
        let mut rng = Rng(777);
        let sp = spans(&mut rng, 300);
        let idx = DateIndex::build(&sp);
        for d in 736_990..737_420 {
            let naive = sp.iter().position(|&(s, _)| day(s) >= d).unwrap_or(sp.len());
            assert_eq!(idx.first_starting(d), naive, "{d}");
        }
    }
}
