//! The countries and topics of a date range, counted without walking it: per country and per
//! topic (both few), how many events start before each distinct start day and how many end
//! before each distinct end day, built at load. A date range's run of the date order is then
//! one subtraction of two rows (plus the events of a partial day at either end), and the
//! events ongoing at its start are the positions before the run less those ending before
//! `from`, as for the kinds (see `index.rs`). Topics have their counts built only when there
//! are at most [`MAX_TOPICS`] of them (a generated seed has 30); with more, a range's topics
//! are walked.

use super::index::{each_topic, Analytics, NONE};
use crate::graph::KnowledgeGraph;
use crate::model::*;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// The most topics whose per-day counts are built (each costs two rows of one `u32` per
/// distinct day).
pub(super) const MAX_TOPICS: usize = 64;

/// Per value of a small vocabulary, how many items of an order come before each of a list
/// of cut positions: row `k` holds the counts of the items before the `k`-th cut. The rows
/// are kept in chunks of whole rows (about [`CHUNK_CELLS`] counts each), shared with the
/// counts these were patched from while no row of the chunk changed ([`PrefixCounts::patched`]:
/// the rows before the first day a write adds to).
#[derive(Default)]
pub(super) struct PrefixCounts {
    width: usize,
    /// Rows per chunk (every chunk but the last holds this many).
    per: usize,
    chunks: Vec<Arc<Vec<u32>>>,
    /// How many rows.
    len: usize,
}

/// About how many counts a chunk of rows holds (16 KiB).
const CHUNK_CELLS: usize = 4096;

/// Rows filled one at a time into chunks of `per` rows.
struct Rows {
    width: usize,
    per: usize,
    chunks: Vec<Arc<Vec<u32>>>,
    filling: Vec<u32>,
    len: usize,
}

impl Rows {
    fn new(width: usize) -> Rows {
        let per = (CHUNK_CELLS / width.max(1)).max(1);
        Rows { width, per, chunks: Vec::new(), filling: Vec::with_capacity(per * width), len: 0 }
    }

    /// Appends a row made by `fill` on the empty end of the chunk being filled.
    fn push(&mut self, fill: impl FnOnce(&mut Vec<u32>)) {
        let start = self.filling.len();
        fill(&mut self.filling);
        debug_assert_eq!(self.filling.len() - start, self.width);
        self.len += 1;
        if self.len.is_multiple_of(self.per) {
            self.chunks.push(Arc::new(std::mem::take(&mut self.filling)));
            self.filling.reserve(self.per * self.width);
        }
    }

    /// Appends a whole chunk of `per` rows, shared; only between chunks (no row being
    /// filled).
    fn push_chunk(&mut self, chunk: Arc<Vec<u32>>) {
        debug_assert!(self.filling.is_empty() && self.len.is_multiple_of(self.per));
        self.len += self.per;
        self.chunks.push(chunk);
    }

    fn done(mut self) -> PrefixCounts {
        if !self.filling.is_empty() {
            self.chunks.push(Arc::new(self.filling));
        }
        PrefixCounts { width: self.width, per: self.per, chunks: self.chunks, len: self.len }
    }
}

/// Each event's topics (`events` in date order) as bits of their indexes in `topics`
/// (`Analytics::topic_names`), when there are at most [`MAX_TOPICS`] of them.
pub(super) fn topic_masks(events: &[&Event], topics: &[Box<str>]) -> Option<Vec<u64>> {
    if topics.len() > MAX_TOPICS {
        return None;
    }
    let index = topic_index(topics);
    Some(events.par_iter().map(|e| topic_bits(&index, e)).collect())
}

/// Each topic's index in `topics` (`Analytics::topic_names`).
pub(super) fn topic_index(topics: &[Box<str>]) -> HashMap<&str, u32> {
    topics.iter().enumerate().map(|(i, t)| (&**t, i as u32)).collect()
}

/// The bits of `e`'s topics at their indexes in `index` (of at most [`MAX_TOPICS`] topics).
pub(super) fn topic_bits(index: &HashMap<&str, u32>, e: &Event) -> u64 {
    let mut m = 0u64;
    each_topic(e, |t| m |= index.get(t).map_or(0, |&i| 1 << i));
    m
}

/// The indexes of `topics` in the order of their names.
fn by_name(topics: &[Box<str>]) -> Vec<u32> {
    let mut out: Vec<u32> = (0..topics.len() as u32).collect();
    out.sort_unstable_by(|x, y| topics[*x as usize].cmp(&topics[*y as usize]));
    out
}

/// Calls `f` with the index of each bit set in `m`.
pub(super) fn each_bit(mut m: u64, mut f: impl FnMut(usize)) {
    while m != 0 {
        f(m.trailing_zeros() as usize);
        m &= m - 1;
    }
}

impl PrefixCounts {
    /// The counts of an order of items before each of `cuts` (ascending positions), where
    /// `add(i, row)` adds the values of item `i` to `row` (`width` long).
    fn build(width: usize, cuts: &[u32], add: impl Fn(usize, &mut [u32])) -> Self {
        let mut rows = Rows::new(width);
        let mut running = vec![0; width];
        let mut i = 0;
        for &c in cuts {
            while i < c as usize {
                add(i, &mut running);
                i += 1;
            }
            rows.push(|r| r.extend_from_slice(&running));
        }
        rows.done()
    }

    /// These counts once items join the order: `cuts`, for each new cut, the old row it
    /// starts from and how many of the added items come before it (see
    /// `layered::merged_cuts`), `cols` the new column of each old one (`width` columns now),
    /// and `add(i, row)` adds the values of the `i`-th added item (in cut order) to `row`.
    /// The leading chunks whose rows all stay as they were (no added item and no new cut
    /// before them, no new column) are shared, not copied.
    fn patched(
        &self,
        width: usize,
        cols: &[usize],
        cuts: &[(i32, usize, usize)],
        add: impl Fn(usize, &mut [u32]),
    ) -> Self {
        let mut rows = Rows::new(width);
        let mut running = vec![0; width];
        let mut done = 0;
        // Most writes bring no new country or topic: then each row is the old row plus the
        // added items before it, a copy and (past the first added item) a vector add.
        let same_columns = width == self.width && cols.iter().enumerate().all(|(i, &c)| i == c);
        let mut from = 0;
        if same_columns {
            let unchanged =
                cuts.iter().enumerate().take_while(|&(k, &(_, old, before))| old == k && before == 0).count();
            // A chunk is shared when all its rows are unchanged and it was full (so that
            // the chunks after it start where `per` says).
            let whole = (unchanged / self.per).min(self.len / self.per);
            rows.chunks.extend(self.chunks[..whole].iter().cloned());
            rows.len = whole * self.per;
            from = rows.len;
        }
        for &(_, old, before) in &cuts[from..] {
            while done < before {
                add(done, &mut running);
                done += 1;
            }
            if same_columns && self.row(old).len() == width {
                rows.push(|r| {
                    let start = r.len();
                    r.extend_from_slice(self.row(old));
                    if done > 0 {
                        r[start..].iter_mut().zip(&running).for_each(|(x, &k)| *x += k);
                    }
                });
                continue;
            }
            rows.push(|r| {
                let start = r.len();
                r.extend_from_slice(&running);
                let row = &mut r[start..];
                for (c, &k) in cols.iter().zip(self.row(old)) {
                    if let Some(x) = row.get_mut(*c) {
                        *x += k;
                    }
                }
            });
        }
        rows.done()
    }

    /// These counts (rows at the days `old_days`, row `k` counting the items before
    /// `old_days[k]`) as rows at `new_days` once the items `out` are taken out and `ins` put
    /// in (each with its day; `add(item, row, take)` adds its values to `row`, or takes them
    /// out): each new row the old row of its day (or of the first old day after it) less the
    /// items taken out before it, plus those put in. The chunks whose rows all stay as they
    /// were (same day at the same index, before every changed item or after them all when
    /// their changes cancel) are shared, not copied. Both day lists end with a day after
    /// every item (the row of every item).
    fn moved<T>(
        &self,
        old_days: &[i32],
        new_days: &[i32],
        out: &[(i32, T)],
        ins: &[(i32, T)],
        add: impl Fn(&T, &mut [u32], bool),
    ) -> Self {
        let width = self.width;
        let (lo, hi) = out.iter().chain(ins).fold((i32::MAX, i32::MIN), |(l, h), &(d, _)| (l.min(d), h.max(d)));
        let (mut plus, mut minus) = (vec![0; width], vec![0; width]);
        ins.iter().for_each(|(_, t)| add(t, &mut plus, false));
        out.iter().for_each(|(_, t)| add(t, &mut minus, false));
        let cancel = plus == minus;
        let same = |k: usize| {
            let d = new_days[k];
            old_days.get(k) == Some(&d) && (d <= lo || (d > hi && cancel))
        };
        let mut rows = Rows::new(width);
        let mut k = 0;
        while k < new_days.len() {
            let c = k.checked_div(self.per).unwrap_or(0);
            if self.per > 0
                && k % self.per == 0
                && c < self.len / self.per
                && k + self.per <= new_days.len()
                && (k..k + self.per).all(same)
            {
                rows.push_chunk(self.chunks[c].clone());
                k += self.per;
                continue;
            }
            let d = new_days[k];
            let old = self.row(old_days.partition_point(|&x| x < d));
            rows.push(|r| {
                let start = r.len();
                if old.len() == width {
                    r.extend_from_slice(old);
                } else {
                    r.resize(start + width, 0);
                }
                let row = &mut r[start..];
                out.iter().filter(|x| x.0 < d).for_each(|(_, t)| add(t, row, true));
                ins.iter().filter(|x| x.0 < d).for_each(|(_, t)| add(t, row, false));
            });
            k += 1;
        }
        rows.done()
    }

    /// Row `k` (empty when there is none).
    fn row(&self, k: usize) -> &[u32] {
        if k >= self.len {
            return &[];
        }
        let at = (k % self.per) * self.width;
        self.chunks[k / self.per].get(at..at + self.width).unwrap_or_default()
    }

    fn is_empty(&self) -> bool {
        self.len * self.width == 0
    }

    fn bytes(&self) -> usize {
        self.len * self.width * 4
    }
}

/// The per-day counts of countries and topics (see the module doc).
#[derive(Default)]
pub(crate) struct VocabCounts {
    /// The countries events lie in, ascending; the counts are indexed like it.
    country_ids: Vec<u32>,
    /// By start day (rows as `Analytics::before`) and by end day (as `ending_before`).
    countries_before: PrefixCounts,
    countries_ending_before: PrefixCounts,
    /// Indexes of `Analytics::topic_names` in the order of their names (to find a topic's index).
    topics_by_name: Vec<u32>,
    topics_before: PrefixCounts,
    topics_ending_before: PrefixCounts,
}

/// What the per-day counts keep of an event that left or joined the date order
/// ([`VocabCounts::moved`]): its start and end day, country and topic bits.
pub(super) struct Moved {
    pub(super) start: i32,
    pub(super) end: i32,
    pub(super) country: u32,
    pub(super) mask: u64,
}

/// What [`VocabCounts`] counts.
#[derive(Clone, Copy)]
pub(super) enum Vocab {
    Countries,
    Topics,
}

impl VocabCounts {
    /// Built from the analytics so far (countries, topics, start-day cuts), the events'
    /// topic bits by position (see [`topic_masks`]; `None`: topics are not counted by day)
    /// and the end-day order: `by_end` (positions, by end day) cut at `end_cuts`.
    pub(super) fn build(a: &Analytics, masks: Option<&[u64]>, by_end: &[u32], end_cuts: &[u32]) -> Self {
        let mut country_ids: Vec<u32> = a.countries.iter().map(|&(c, _)| c.0).collect();
        country_ids.sort_unstable();
        let dense: Vec<u32> =
            a.country.par_iter().map(|&c| country_ids.binary_search(&c).map_or(NONE, |i| i as u32)).collect();
        let add_country = |pos: usize, row: &mut [u32]| {
            if let Some(x) = dense.get(pos).and_then(|&c| row.get_mut(c as usize)) {
                *x += 1;
            }
        };
        let at_end = |j: usize| by_end.get(j).map_or(usize::MAX, |&p| p as usize);
        let c = country_ids.len();
        let (countries_before, countries_ending_before) = rayon::join(
            || PrefixCounts::build(c, &a.firsts, add_country),
            || PrefixCounts::build(c, end_cuts, |j, row| add_country(at_end(j), row)),
        );
        let topics_by_name = by_name(&a.topic_names);
        let (mut topics_before, mut topics_ending_before) = Default::default();
        if let Some(masks) = masks {
            let add_topics = |pos: usize, row: &mut [u32]| {
                each_bit(masks.get(pos).copied().unwrap_or(0), |i| {
                    if let Some(x) = row.get_mut(i) {
                        *x += 1;
                    }
                })
            };
            let t = a.topic_names.len();
            (topics_before, topics_ending_before) = rayon::join(
                || PrefixCounts::build(t, &a.firsts, add_topics),
                || PrefixCounts::build(t, end_cuts, |j, row| add_topics(at_end(j), row)),
            );
        }
        VocabCounts {
            country_ids,
            countries_before,
            countries_ending_before,
            topics_by_name,
            topics_before,
            topics_ending_before,
        }
    }

    /// These counts once events join the date order (see `extend.rs`): `a` the analytics
    /// with the new countries and topics (topics keep their indexes, new ones come after),
    /// `start_cuts` and `end_cuts` the new cuts by start and end day (see
    /// `layered::merged_cuts`), and the added events' country and topic bits (indexes of
    /// `a.topic_names`), ordered by start day and by end day.
    pub(super) fn extended(
        &self,
        a: &Analytics,
        start_cuts: &[(i32, usize, usize)],
        by_start: &[(u32, u64)],
        end_cuts: &[(i32, usize, usize)],
        by_end: &[(u32, u64)],
    ) -> Self {
        let mut country_ids: Vec<u32> = a.countries.iter().map(|&(c, _)| c.0).collect();
        country_ids.sort_unstable();
        let at = |c: u32| country_ids.binary_search(&c).ok();
        let cols: Vec<usize> = self.country_ids.iter().map(|&c| at(c).unwrap_or(usize::MAX)).collect();
        let add_country = |added: &[(u32, u64)], i: usize, row: &mut [u32]| {
            if let Some(x) = added.get(i).and_then(|&(c, _)| at(c)).and_then(|c| row.get_mut(c)) {
                *x += 1;
            }
        };
        let c = country_ids.len();
        let countries_before = self.countries_before.patched(c, &cols, start_cuts, |i, r| add_country(by_start, i, r));
        let countries_ending_before =
            self.countries_ending_before.patched(c, &cols, end_cuts, |i, r| add_country(by_end, i, r));
        let t = a.topic_names.len();
        let (mut topics_before, mut topics_ending_before) = Default::default();
        if t <= MAX_TOPICS {
            let add_topics = |added: &[(u32, u64)], i: usize, row: &mut [u32]| {
                each_bit(added.get(i).map_or(0, |&(_, m)| m), |b| {
                    if let Some(x) = row.get_mut(b) {
                        *x += 1;
                    }
                })
            };
            let cols: Vec<usize> = (0..self.topics_before.width).collect();
            topics_before = self.topics_before.patched(t, &cols, start_cuts, |i, r| add_topics(by_start, i, r));
            topics_ending_before =
                self.topics_ending_before.patched(t, &cols, end_cuts, |i, r| add_topics(by_end, i, r));
        }
        VocabCounts {
            country_ids,
            countries_before,
            countries_ending_before,
            topics_by_name: by_name(&a.topic_names),
            topics_before,
            topics_ending_before,
        }
    }

    /// These counts (of `prev`, the analytics before) once the events `out` left the date
    /// order and `ins` joined it (each with its start and end day, country, and topic bits
    /// as `a.topic_names` number them), `a` the analytics after (its start and end days):
    /// each table's rows patched ([`PrefixCounts::moved`]). `None` when the columns changed
    /// (a country or topic gained or lost) or the topics have no bits (`masks`, the new
    /// order's), for a build.
    pub(super) fn moved(
        &self,
        (prev, a): (&Analytics, &Analytics),
        masks: Option<&[u64]>,
        out: &[Moved],
        ins: &[Moved],
    ) -> Option<Self> {
        let mut country_ids: Vec<u32> = a.countries.iter().map(|&(c, _)| c.0).collect();
        country_ids.sort_unstable();
        // Topics are counted by day before and after alike (the first topic of a graph
        // that had none is a new table), with the same columns.
        let topics = !self.topics_before.is_empty();
        let counted = masks.is_some() && !a.topic_names.is_empty();
        if country_ids != self.country_ids
            || topics != counted
            || (topics && a.topic_names.len() != self.topics_before.width)
        {
            return None;
        }
        let col = |c: u32| country_ids.binary_search(&c).ok();
        let country = |&c: &Option<usize>, row: &mut [u32], take: bool| {
            if let Some(x) = c.and_then(|c| row.get_mut(c)) {
                *x = if take { x.saturating_sub(1) } else { *x + 1 };
            }
        };
        let topic = |&m: &u64, row: &mut [u32], take: bool| {
            each_bit(m, |i| {
                if let Some(x) = row.get_mut(i) {
                    *x = if take { x.saturating_sub(1) } else { *x + 1 };
                }
            })
        };
        let ends = |a: &Analytics| a.end_days.iter().copied().chain([i32::MAX]).collect::<Vec<i32>>();
        let (old_ends, new_ends) = (ends(prev), ends(a));
        let by = |v: &[Moved], f: fn(&Moved) -> i32| {
            let c: Vec<(i32, Option<usize>)> = v.iter().map(|x| (f(x), col(x.country))).collect();
            let t: Vec<(i32, u64)> = v.iter().map(|x| (f(x), x.mask)).collect();
            (c, t)
        };
        let ((out_s, out_st), (ins_s, ins_st)) = (by(out, |x| x.start), by(ins, |x| x.start));
        let ((out_e, out_et), (ins_e, ins_et)) = (by(out, |x| x.end), by(ins, |x| x.end));
        let mut v = VocabCounts {
            countries_before: self.countries_before.moved(&prev.days, &a.days, &out_s, &ins_s, country),
            countries_ending_before: self.countries_ending_before.moved(&old_ends, &new_ends, &out_e, &ins_e, country),
            country_ids,
            topics_by_name: self.topics_by_name.clone(),
            ..Default::default()
        };
        if topics {
            v.topics_before = self.topics_before.moved(&prev.days, &a.days, &out_st, &ins_st, topic);
            v.topics_ending_before = self.topics_ending_before.moved(&old_ends, &new_ends, &out_et, &ins_et, topic);
        }
        Some(v)
    }

    /// The heap size, in bytes (for the load log).
    pub(super) fn bytes(&self) -> usize {
        self.country_ids.len() * 4
            + self.topics_by_name.len() * 4
            + [&self.countries_before, &self.countries_ending_before, &self.topics_before, &self.topics_ending_before]
                .iter()
                .map(|p| p.bytes())
                .sum::<usize>()
    }

    fn tables(&self, v: Vocab) -> Option<(&PrefixCounts, &PrefixCounts)> {
        let (b, e) = match v {
            Vocab::Countries => (&self.countries_before, &self.countries_ending_before),
            Vocab::Topics => (&self.topics_before, &self.topics_ending_before),
        };
        (!b.is_empty()).then_some((b, e))
    }
}

impl KnowledgeGraph {
    /// Adds the values of `v` of the event at `pos` of the date order to `row`.
    fn add_vocab(&self, v: Vocab, pos: usize, row: &mut [u32]) {
        let a = &self.analytics;
        let vc = &a.vocab;
        match v {
            Vocab::Countries => {
                let c = a.country.get(pos).copied().unwrap_or(NONE);
                if let Some(x) = vc.country_ids.binary_search(&c).ok().and_then(|i| row.get_mut(i)) {
                    *x += 1;
                }
            }
            Vocab::Topics => {
                let Some(e) = self.all(EntityKind::Event).get(pos).and_then(|&n| self.event(n)) else { return };
                let name = |i: &u32| a.topic_names.get(*i as usize).map_or("", |s| &**s);
                each_topic(e, |t| {
                    let i = vc.topics_by_name.binary_search_by(|j| name(j).cmp(t)).ok();
                    if let Some(x) = i.and_then(|i| vc.topics_by_name.get(i)).and_then(|&j| row.get_mut(j as usize)) {
                        *x += 1;
                    }
                });
            }
        }
    }

    /// Per value of `v` (indexed as the countries or `Analytics::topic_names`), how many events at
    /// positions `p..q` have it: two rows subtracted, plus the events of a partial day at
    /// either end (as `Analytics::tally_run`); `None` when `v` has no counts built.
    fn vocab_run(&self, v: Vocab, p: usize, q: usize) -> Option<Vec<u32>> {
        let a = &self.analytics;
        let (before, _) = a.vocab.tables(v)?;
        let mut out = vec![0; before.width];
        let q = q.min(a.attrs.len());
        if p >= q {
            return Some(out);
        }
        let i = a.firsts.partition_point(|&f| (f as usize) < p);
        let j = a.firsts.partition_point(|&f| (f as usize) <= q).saturating_sub(1);
        let at = |k: usize| a.firsts.get(k).map_or(a.attrs.len(), |&f| f as usize);
        let (bp, bq) = (at(i), at(j));
        let walk = |from: usize, to: usize, out: &mut [u32]| (from..to).for_each(|pos| self.add_vocab(v, pos, out));
        if i < j && bp < bq && bq <= q {
            let (ri, rj) = (before.row(i), before.row(j));
            out.iter_mut().zip(rj.iter().zip(ri)).for_each(|(o, (y, x))| *o = y.saturating_sub(*x));
            walk(p, bp, &mut out);
            walk(bq, q, &mut out);
        } else {
            walk(p, q, &mut out);
        }
        Some(out)
    }

    /// Per value of `v`, how many events of the date range `set` have it, from the per-day
    /// counts; `None` when `set` is not a date-order view (a list, or a view narrowed by
    /// `knownBy`) or `v` has no counts built: then it is walked.
    pub(super) fn vocab_counts(&self, v: Vocab, set: &super::EventSet<'_>) -> Option<Vec<u32>> {
        let a = &self.analytics;
        let (_, ending_before) = a.vocab.tables(v)?;
        let super::Positions { p, q, ongoing } = self.positions(set)?;
        let mut out = self.vocab_run(v, p, q)?;
        match ongoing {
            super::Ongoing::Listed(others) => others.iter().for_each(|&pos| self.add_vocab(v, pos, &mut out)),
            super::Ongoing::Counted { end, from, .. } => {
                let before = self.vocab_run(v, 0, end)?;
                let ended = ending_before.row(a.end_rank(from));
                for ((o, b), e) in out.iter_mut().zip(&before).zip(ended.iter().chain(std::iter::repeat(&0))) {
                    *o += b.saturating_sub(*e);
                }
            }
        }
        Some(out)
    }

    /// Whether the per-day counts of countries and of topics are built: for tests that
    /// check that a date range's facets are counted from them.
    #[doc(hidden)]
    pub fn counts_by_day(&self) -> (bool, bool) {
        let v = &self.analytics.vocab;
        (v.tables(Vocab::Countries).is_some(), v.tables(Vocab::Topics).is_some())
    }

    /// The country of index `i` of the counts.
    pub(super) fn vocab_country(&self, i: usize) -> Option<NodeId> {
        self.analytics.vocab.country_ids.get(i).map(|&c| NodeId(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Rng;

    const WIDTH: usize = 64;

    /// The counts of `items` (day, column), sorted by day, at each distinct day and one
    /// after them all (`i32::MAX`), as a build makes them, and those days.
    fn built(items: &[(i32, usize)]) -> (PrefixCounts, Vec<i32>) {
        let mut days: Vec<i32> = items.iter().map(|x| x.0).collect();
        days.dedup();
        days.push(i32::MAX);
        let cuts: Vec<u32> = days.iter().map(|&d| items.partition_point(|x| x.0 < d) as u32).collect();
        (PrefixCounts::build(WIDTH, &cuts, |i, row| row[items[i].1] += 1), days)
    }

    #[test]
    fn moved_items_count_as_a_build_and_unchanged_chunks_are_shared() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut items: Vec<(i32, usize)> =
            (0..3000).map(|_| (rng.below(900) as i32, rng.below(WIDTH as u64) as usize)).collect();
        items.sort_unstable();
        let (mut counts, mut days) = built(&items);
        let add = |&c: &usize, row: &mut [u32], take: bool| row[c] = if take { row[c] - 1 } else { row[c] + 1 };
        let (mut shared, mut cancelled) = (0, 0);
        for round in 0..200 {
            // Move a few items: mostly by a day in the same column (their changes cancel
            // past the later day), now and then to another column or far away.
            let k = 1 + rng.below(3) as usize;
            let mut out = Vec::new();
            let mut ins = Vec::new();
            for _ in 0..k {
                let (d, c) = items.swap_remove(rng.below(items.len() as u64) as usize);
                let moved = match rng.below(4) {
                    0 => (rng.below(1000) as i32, rng.below(WIDTH as u64) as usize),
                    1 => (d + 1, rng.below(WIDTH as u64) as usize),
                    _ => (d + 1 - 2 * rng.below(2) as i32, c),
                };
                out.push((d, c));
                ins.push(moved);
            }
            items.extend_from_slice(&ins);
            items.sort_unstable();
            let (whole, new_days) = built(&items);
            let next = counts.moved(&days, &new_days, &out, &ins, add);
            assert_eq!(next.len, whole.len, "round {round}");
            for (r, d) in new_days.iter().enumerate() {
                assert_eq!(next.row(r), whole.row(r), "round {round}: row {r} (day {d})");
            }
            shared += next.chunks.iter().filter(|c| counts.chunks.iter().any(|o| Arc::ptr_eq(c, o))).count();
            let (mut plus, mut minus) = (vec![0; WIDTH], vec![0; WIDTH]);
            ins.iter().for_each(|x| plus[x.1] += 1);
            out.iter().for_each(|x| minus[x.1] += 1);
            cancelled += usize::from(plus == minus);
            (counts, days) = (next, new_days);
        }
        assert!(shared > 200, "chunks shared: {shared}");
        assert!(cancelled > 20, "moves whose changes cancel: {cancelled}");
    }
}
