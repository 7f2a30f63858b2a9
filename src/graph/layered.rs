//! Counting structures that a write's graph patches instead of building again (see
//! `rebuild.rs`): the date index and the analytics count "how many of the first `p`
//! positions of the date order hold a key below a bound" (an end day, a first-known day) with
//! wavelet matrices, which cannot take an inserted position. So each is a matrix built over
//! the order once, shared (`Arc`) by every graph extended from it, plus the positions
//! inserted since, in a small matrix of their own built again per extension; a count is the
//! sum of the two. A position taken out (an event that moved or changed leaves its old one,
//! then is inserted at its new one) is one of the shared matrix's, or one inserted since:
//! the former are kept in a third small matrix and subtracted, the latter dropped. Once the
//! positions inserted and taken out are more than 1 in [`SHARE`] of the order, the whole is
//! built again from the keys by position (the fold), so a count stays three look-ups of
//! O(log keys) and the fold's cost is shared by many writes.
//!
//! Also here: the helpers that patch what is kept by position or by day ([`insert_at`],
//! [`merged_cuts`]), linear copies without sorting or reading an entity.

use super::dates::WaveletMatrix;
use std::sync::Arc;

/// The inserted positions (or added points) are folded into the shared matrix once they are
/// more than 1 in this many of the whole.
const SHARE: usize = 16;

/// Points counted below a key: a wavelet matrix over the ranks of their keys, in a fixed
/// order of the points (by position, or by another key, `xs`).
#[derive(Default)]
struct Matrix {
    /// Each point's first key, ascending, when the points are ordered by one (empty when
    /// their order is their position).
    xs: Vec<i64>,
    /// The distinct keys, ascending (the matrix holds ranks in it).
    keys: Vec<i64>,
    ranks: WaveletMatrix,
}

impl Matrix {
    /// The matrix of `keys` (in the points' order), with `xs` (empty, or one per point).
    fn build(xs: Vec<i64>, keys: &[i64]) -> Self {
        let mut distinct = keys.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        let ranks: Vec<u32> = keys.iter().map(|k| distinct.partition_point(|x| x < k) as u32).collect();
        let ranks = WaveletMatrix::build(ranks, distinct.len());
        Matrix { xs, keys: distinct, ranks }
    }

    /// How many of the first `p` points have a key below `k`.
    fn below(&self, p: usize, k: i64) -> usize {
        if p == 0 {
            return 0;
        }
        self.ranks.count_less(p, self.keys.partition_point(|&x| x < k))
    }

    /// How many points have a first key below `x`.
    fn before(&self, x: i64) -> usize {
        self.xs.partition_point(|&v| v < x)
    }
}

/// A key per position of an order, counted by prefix: how many of the first `p` positions
/// hold a key below `k` (see the module doc). A position may also be taken out (an event
/// that moved leaves its old one): the base's positions taken out are counted in a small
/// matrix of their own and subtracted.
#[derive(Clone, Default)]
pub(crate) struct KeysByPosition {
    /// The keys of the order when it was built (or last folded), by position.
    base: Arc<Matrix>,
    /// The positions of the base taken out since, ascending, their keys, and their matrix
    /// in that order.
    gone: Vec<u32>,
    gone_keys: Vec<i64>,
    removed: Arc<Matrix>,
    /// The positions inserted since, ascending, in the current order...
    at: Vec<u32>,
    /// ...their keys...
    keys: Vec<i64>,
    /// ...and their matrix, in that order.
    added: Arc<Matrix>,
    len: usize,
}

/// How many of the base positions taken out (`gone`, ascending) come before the base's
/// `s`-th position still there (`or_at`: or are that position's place, when the `s`-th is
/// the one taken out there). A base position `g` taken out as the `i`-th has `g - i`
/// positions still there before it.
fn gone_before(gone: &[u32], s: usize, or_at: bool) -> usize {
    let (mut lo, mut hi) = (0, gone.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let left = gone[mid] as usize - mid;
        if left < s || (or_at && left == s) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

impl KeysByPosition {
    /// The counts of `keys`, by position.
    pub(crate) fn build(keys: &[i64]) -> Self {
        KeysByPosition { base: Arc::new(Matrix::build(Vec::new(), keys)), len: keys.len(), ..Self::default() }
    }

    /// How many of the first `p` positions hold a key below `k`.
    pub(crate) fn count_below(&self, p: usize, k: i64) -> usize {
        let p = p.min(self.len);
        let a = self.at.partition_point(|&x| (x as usize) < p);
        // The first `p` positions hold `p - a` of the base's, the first `b` of it less the
        // `j` taken out among them.
        let j = gone_before(&self.gone, p - a, false);
        let b = p - a + j;
        (self.base.below(b, k) + self.added.below(a, k)).saturating_sub(self.removed.below(j, k))
    }

    /// These counts with `ins` inserted: positions in the new order (ascending) and their
    /// keys; the positions already there keep their order. `every` gives every key of the
    /// new order by position, for a fold.
    pub(crate) fn inserted(&self, ins: &[(usize, i64)], every: impl FnOnce() -> Vec<i64>) -> Self {
        self.moved(&[], ins, every)
    }

    /// These counts with the positions `out` taken out (positions in the current order,
    /// ascending, with the keys they hold), then `ins` inserted (positions in the new
    /// order, ascending, and their keys); the other positions keep their order. `every`
    /// gives every key of the new order by position, for a fold.
    pub(crate) fn moved(&self, out: &[(usize, i64)], ins: &[(usize, i64)], every: impl FnOnce() -> Vec<i64>) -> Self {
        if out.is_empty() && ins.is_empty() {
            return self.clone();
        }
        let len = self.len - out.len() + ins.len();
        if (self.at.len() + self.gone.len() + out.len() + ins.len()) * SHARE > len {
            return Self::build(&every());
        }
        let mut at: Vec<(u32, i64)> = self.at.iter().copied().zip(self.keys.iter().copied()).collect();
        let (mut gone, mut gone_keys) = (self.gone.clone(), self.gone_keys.clone());
        // The last first, so that the positions before it stay where they are.
        for &(p, key) in out.iter().rev() {
            match at.binary_search_by_key(&(p as u32), |x| x.0) {
                Ok(i) => {
                    at.remove(i);
                }
                Err(a) => {
                    // The base's `s`-th position still there, at base position `s + j`.
                    let s = p - a;
                    let j = gone_before(&gone, s, true);
                    gone.insert(j, (s + j) as u32);
                    gone_keys.insert(j, key);
                }
            }
            at.iter_mut().filter(|x| x.0 as usize > p).for_each(|x| x.0 -= 1);
        }
        // A position `o` of the order so far moves past each inserted position `p` (the
        // `i`-th) with `p - i <= o`: as many positions come before it.
        let gaps: Vec<usize> = ins.iter().enumerate().map(|(i, &(p, _))| p - i).collect();
        let moved = |o: u32| o as usize + gaps.partition_point(|&g| g <= o as usize);
        let mut merged: Vec<(u32, i64)> = Vec::with_capacity(at.len() + ins.len());
        let (mut i, mut j) = (0, 0);
        while i < at.len() || j < ins.len() {
            let old = at.get(i).map(|&(o, k)| (moved(o), k));
            match (old, ins.get(j)) {
                (Some((o, k)), next) if next.is_none_or(|&(p, _)| o < p) => {
                    merged.push((o as u32, k));
                    i += 1;
                }
                (_, Some(&(p, k))) => {
                    merged.push((p as u32, k));
                    j += 1;
                }
                _ => break,
            }
        }
        let (at, keys): (Vec<u32>, Vec<i64>) = merged.into_iter().unzip();
        let added = Arc::new(Matrix::build(Vec::new(), &keys));
        let removed = if gone_keys == self.gone_keys {
            self.removed.clone()
        } else {
            Arc::new(Matrix::build(Vec::new(), &gone_keys))
        };
        KeysByPosition { base: self.base.clone(), gone, gone_keys, removed, at, keys, added, len }
    }

    /// How many positions were inserted or taken out since the last build or fold. For
    /// tests.
    pub(crate) fn inserted_count(&self) -> usize {
        self.at.len() + self.gone.len()
    }

    /// The approximate heap size, in bytes.
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        let m = |m: &Matrix| m.keys.len() * 8 + m.xs.len() * 8 + m.ranks.heap_bytes();
        m(&self.base) + m(&self.added) + m(&self.removed) + (self.at.len() + self.gone.len()) * 12
    }
}

/// Points `(x, y)`, counted below a corner: how many have `x < X` and `y < Y` (see the
/// module doc; points are added or taken out, never inserted at a position).
#[derive(Clone, Default)]
pub(crate) struct PointCounts {
    base: Arc<Matrix>,
    /// The points added since the last build or fold, by `x` then `y`, and their matrix.
    points: Vec<(i64, i64)>,
    added: Arc<Matrix>,
    /// The base's points taken out since, likewise.
    gone: Vec<(i64, i64)>,
    removed: Arc<Matrix>,
    len: usize,
}

impl PointCounts {
    /// The counts of `points`.
    pub(crate) fn build(mut points: Vec<(i64, i64)>) -> Self {
        let len = points.len();
        PointCounts { base: Arc::new(Self::matrix(&mut points)), len, ..Self::default() }
    }

    fn matrix(points: &mut [(i64, i64)]) -> Matrix {
        points.sort_unstable();
        let ys: Vec<i64> = points.iter().map(|p| p.1).collect();
        Matrix::build(points.iter().map(|p| p.0).collect(), &ys)
    }

    /// How many points have `x < below_x` and `y < below_y`.
    pub(crate) fn count(&self, below_x: i64, below_y: i64) -> usize {
        let at = |m: &Matrix| m.below(m.before(below_x), below_y);
        (at(&self.base) + at(&self.added)).saturating_sub(at(&self.removed))
    }

    /// These counts with `points` added; `every` gives every point, for a fold.
    pub(crate) fn added(&self, points: &[(i64, i64)], every: impl FnOnce() -> Vec<(i64, i64)>) -> Self {
        self.changed(&[], points, every)
    }

    /// These counts with the points `out` (each one of them) taken out and `points` added;
    /// `every` gives every point once changed, for a fold.
    pub(crate) fn changed(
        &self,
        out: &[(i64, i64)],
        points: &[(i64, i64)],
        every: impl FnOnce() -> Vec<(i64, i64)>,
    ) -> Self {
        if out.is_empty() && points.is_empty() {
            return self.clone();
        }
        let len = self.len - out.len() + points.len();
        if (self.points.len() + self.gone.len() + out.len() + points.len()) * SHARE > len {
            return Self::build(every());
        }
        let (mut all, mut gone) = (self.points.clone(), self.gone.clone());
        for p in out {
            // A point added since is dropped from them; any other is the base's.
            match all.iter().position(|x| x == p) {
                Some(i) => {
                    all.remove(i);
                }
                None => gone.push(*p),
            }
        }
        all.extend_from_slice(points);
        let added = Arc::new(Self::matrix(&mut all));
        let removed =
            if gone.len() == self.gone.len() { self.removed.clone() } else { Arc::new(Self::matrix(&mut gone)) };
        PointCounts { base: self.base.clone(), points: all, added, gone, removed, len }
    }
}

/// `old` (values by position) with `ins` inserted: positions in the new order, ascending,
/// and their values.
pub(crate) fn insert_at<T: Copy>(old: &[T], ins: &[(usize, T)]) -> Vec<T> {
    let mut out = Vec::with_capacity(old.len() + ins.len());
    let mut i = 0;
    for &(p, v) in ins {
        let take = p.saturating_sub(out.len()).min(old.len() - i);
        out.extend_from_slice(&old[i..i + take]);
        i += take;
        out.push(v);
    }
    out.extend_from_slice(&old[i..]);
    out
}

/// The cuts of an order by day (each distinct day its items have, ascending, where rows of
/// counts "before this day" are kept) once items with the days `added` (ascending) join it:
/// each cut's day, the index in `old` of the first old cut on or after it (`old.len()` past
/// the last), and how many of `added` come before it. A row of the new cuts is the old row
/// at that index plus the counts of that many added items.
pub(crate) fn merged_cuts(old: &[i32], added: &[i32]) -> Vec<(i32, usize, usize)> {
    let mut out = Vec::with_capacity(old.len() + added.len());
    let (mut i, mut j) = (0, 0);
    loop {
        let d = match (old.get(i), added.get(j)) {
            (Some(&a), Some(&b)) => a.min(b),
            (Some(&a), None) => a,
            (None, Some(&b)) => b,
            (None, None) => break,
        };
        let before = added[j..].partition_point(|&x| x < d) + j;
        out.push((d, i, before));
        if old.get(i) == Some(&d) {
            i += 1;
        }
        j = before + added[before..].partition_point(|&x| x <= d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Rng;

    #[test]
    fn inserted_positions_count_as_a_matrix_built_over_the_new_order() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for start in [0usize, 1, 7, 300] {
            let mut keys: Vec<i64> = (0..start).map(|_| rng.below(50) as i64).collect();
            let mut counts = KeysByPosition::build(&keys);
            let mut folds = 0;
            for _ in 0..40 {
                // Insert a few keys at random positions of the current order.
                let k = 1 + rng.below(4) as usize;
                let mut ins: Vec<(usize, i64)> = Vec::new();
                let mut next = keys.clone();
                for _ in 0..k {
                    let p = rng.below(next.len() as u64 + 1) as usize;
                    let v = rng.below(60) as i64 - 5;
                    next.insert(p, v);
                    ins.iter_mut().filter(|x| x.0 >= p).for_each(|x| x.0 += 1);
                    ins.push((p, v));
                }
                ins.sort_unstable();
                counts = counts.inserted(&ins, || next.clone());
                folds += usize::from(counts.inserted_count() == 0);
                keys = next;
                for p in 0..=keys.len() + 1 {
                    for v in [-6, 0, 3, 25, 49, 55, 100] {
                        let naive = keys[..p.min(keys.len())].iter().filter(|&&x| x < v).count();
                        assert_eq!(counts.count_below(p, v), naive, "p={p} v={v} {keys:?}");
                    }
                }
            }
            assert!(folds > 0, "folded at least once from {start}");
        }
    }

    #[test]
    fn moved_positions_count_as_a_matrix_built_over_the_new_order() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for start in [1usize, 5, 64, 400] {
            let mut keys: Vec<i64> = (0..start).map(|_| rng.below(50) as i64).collect();
            let mut counts = KeysByPosition::build(&keys);
            let (mut folds, mut layered, mut last) = (0, 0, None);
            for round in 0..60 {
                // Take out a few positions of the current order (some of them inserted
                // before), then insert as many keys, some at the same places.
                let k = (1 + rng.below(3) as usize).min(keys.len());
                let mut out: Vec<usize> = Vec::new();
                while out.len() < k {
                    // Now and then the place just taken out again: the position after one
                    // taken out of the base.
                    let p = match last {
                        Some(l) if l < keys.len() && rng.below(2) == 0 => l,
                        _ => rng.below(keys.len() as u64) as usize,
                    };
                    last = Some(p);
                    if !out.contains(&p) {
                        out.push(p);
                    }
                }
                out.sort_unstable();
                let out: Vec<(usize, i64)> = out.iter().map(|&p| (p, keys[p])).collect();
                let mut next = keys.clone();
                for &(p, _) in out.iter().rev() {
                    next.remove(p);
                }
                let mut ins: Vec<(usize, i64)> = Vec::new();
                for _ in 0..k + round % 2 {
                    let p = rng.below(next.len() as u64 + 1) as usize;
                    let v = rng.below(60) as i64 - 5;
                    next.insert(p, v);
                    ins.iter_mut().filter(|x| x.0 >= p).for_each(|x| x.0 += 1);
                    ins.push((p, v));
                }
                ins.sort_unstable();
                counts = counts.moved(&out, &ins, || next.clone());
                folds += usize::from(counts.inserted_count() == 0);
                layered += usize::from(!counts.gone.is_empty());
                keys = next;
                for p in 0..=keys.len() + 1 {
                    for v in [-6, 0, 3, 25, 49, 55, 100] {
                        let naive = keys[..p.min(keys.len())].iter().filter(|&&x| x < v).count();
                        assert_eq!(counts.count_below(p, v), naive, "p={p} v={v} {keys:?}");
                    }
                }
            }
            assert!(folds > 0, "folded at least once from {start}");
            if start >= 64 {
                assert!(layered > 0, "positions taken out of the base counted apart from {start}");
            }
        }
    }

    #[test]
    fn changed_points_count_as_a_matrix_built_over_all_of_them() {
        let mut rng = Rng(99);
        let mut points: Vec<(i64, i64)> = (0..300).map(|_| (rng.below(30) as i64, rng.below(30) as i64)).collect();
        let mut counts = PointCounts::build(points.clone());
        let mut layered = 0;
        for _ in 0..60 {
            let mut out = Vec::new();
            for _ in 0..1 + rng.below(3) {
                out.push(points.swap_remove(rng.below(points.len() as u64) as usize));
            }
            let new: Vec<(i64, i64)> =
                (0..rng.below(4)).map(|_| (rng.below(35) as i64, rng.below(35) as i64)).collect();
            points.extend_from_slice(&new);
            counts = counts.changed(&out, &new, || points.clone());
            layered += usize::from(!counts.gone.is_empty());
            for x in [-1, 0, 5, 17, 29, 34, 40] {
                for y in [-1, 0, 9, 30, 40] {
                    let naive = points.iter().filter(|p| p.0 < x && p.1 < y).count();
                    assert_eq!(counts.count(x, y), naive, "x={x} y={y}");
                }
            }
        }
        assert!(layered > 0, "points taken out of the base counted apart");
    }

    #[test]
    fn added_points_count_as_a_matrix_built_over_all_of_them() {
        let mut rng = Rng(77);
        let mut points: Vec<(i64, i64)> = (0..200).map(|_| (rng.below(30) as i64, rng.below(30) as i64)).collect();
        let mut counts = PointCounts::build(points.clone());
        for _ in 0..60 {
            let new: Vec<(i64, i64)> =
                (0..1 + rng.below(5)).map(|_| (rng.below(35) as i64, rng.below(35) as i64)).collect();
            points.extend_from_slice(&new);
            counts = counts.added(&new, || points.clone());
            for x in [-1, 0, 5, 17, 29, 34, 40] {
                for y in [-1, 0, 9, 30, 40] {
                    let naive = points.iter().filter(|p| p.0 < x && p.1 < y).count();
                    assert_eq!(counts.count(x, y), naive, "x={x} y={y}");
                }
            }
        }
    }

    #[test]
    fn cuts_merge_old_and_added_days() {
        let old = [3, 5, 9];
        let added = [1, 5, 5, 7, 9, 12, 12];
        let cuts = merged_cuts(&old, &added);
        assert_eq!(cuts, vec![(1, 0, 0), (3, 0, 1), (5, 1, 1), (7, 2, 3), (9, 2, 4), (12, 3, 5)]);
        assert_eq!(merged_cuts(&[], &[]), vec![]);
        assert_eq!(merged_cuts(&[2], &[]), vec![(2, 0, 0)]);
    }

    #[test]
    fn insert_at_places_values_at_their_new_positions() {
        assert_eq!(insert_at(&[1, 2, 3], &[(0, 9), (2, 8), (5, 7)]), vec![9, 1, 8, 2, 3, 7]);
        assert_eq!(insert_at::<u8>(&[], &[(0, 1), (1, 2)]), vec![1, 2]);
    }
}
