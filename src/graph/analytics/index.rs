//! What counting needs, built once at load: a compact record of each event by its position
//! in the date order (kind, status, mode, precision, country), the tallies of every event
//! starting before each distinct start day (so that a run of the order is tallied by one
//! subtraction), the first day each record was known, and the whole kind's counts per
//! country, participant and topic, most first. A graph extended by a write gets these of
//! the graph before it patched for the added events (`extend.rs`), not built again.

use super::{top, EventTally};
use crate::graph::layered::{KeysByPosition, PointCounts};
use crate::graph::KnowledgeGraph;
use crate::model::*;
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// No country, or no known day.
pub(super) const NONE: u32 = u32::MAX;

/// A day as a number (days from the common era).
pub(super) fn day(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// The counting indexes; see the module doc.
#[derive(Default)]
pub(crate) struct Analytics {
    /// Per event, by position in the date order: kind, status, mode and precision, packed
    /// (see [`pack`]).
    pub(super) attrs: Vec<u16>,
    /// Per event, by position: the country its place lies in ([`NONE`] when none).
    pub(super) country: Vec<u32>,
    /// Each distinct start day of the date order, ascending, then `i32::MAX`.
    pub(super) days: Vec<i32>,
    /// The position of the first event starting on each of `days` (the number of events for
    /// the last entry).
    pub(super) firsts: Vec<u32>,
    /// The tally of the events before each of `firsts`.
    pub(super) before: Vec<EventTally>,
    /// Per node: the first day one of its sources was published (`i32::MAX` when none of
    /// them is dated; sources themselves: their own publication day).
    pub(super) known: crate::graph::chunked::Chunked<i32>,
    /// The whole kind's events per country, per participant and per topic, most first.
    pub(super) countries: Vec<(NodeId, u32)>,
    pub(super) participants: Vec<(NodeId, u32)>,
    pub(super) topics: Vec<(Box<str>, u32)>,
    /// The topics by index, as the busy lists' and the per-day counts' columns know them:
    /// the order of `topics` at load, the topics first seen in a write after them (an index
    /// never changes when counts do).
    pub(super) topic_names: Vec<Box<str>>,
    /// Actors holding an office, in name order, with each position's folded title words.
    /// Shared by the graphs extended from this one until an actor is added.
    pub(super) holders: Arc<Vec<(NodeId, Vec<Vec<String>>)>>,
    /// Per event, by position: its codes, as an index of `code_table`.
    pub(super) codes: Vec<u32>,
    /// The distinct codes of the events (PLOVER and CAMEO together), in first-seen order.
    pub(super) code_table: Vec<EventCodes>,
    /// The whole kind's events per entry of `code_table`.
    pub(super) code_totals: Vec<u32>,
    /// Per event, by position: the first day it was known (`i32::MAX` when never).
    pub(super) known_at: Vec<i32>,
    /// Each event's first-known day, by position, and as a point (end day, first-known day):
    /// how many events of a run of positions, or ending before a day, were known by a day, in
    /// O(log days) (wavelet matrices, see `layered.rs`).
    pub(super) known_by_position: KeysByPosition,
    pub(super) known_by_end: PointCounts,
    /// Each distinct end day, ascending, and the tally of the events ending before each
    /// (one more: every event), so that the events still ongoing at a day are tallied by
    /// subtraction.
    pub(super) end_days: Vec<i32>,
    pub(super) ending_before: Vec<EventTally>,
    /// By position: the event's precision and end day (as [`precision_end`]): how many
    /// events of a run with each precision end on or after a day (the timeline of the events
    /// ongoing at a range's start).
    pub(super) precision_ends: KeysByPosition,
    /// The day by which every event, agreement and statement was known (`i32::MAX` when one
    /// of them never is): a `knownBy` on or after it keeps them all.
    pub(super) all_known: [i32; 3],
    /// The busy lists (see `busy.rs`), keyed by where their items live, and their counts.
    pub(super) busy: HashMap<(usize, usize), u32>,
    pub(super) busy_tallies: Vec<Arc<super::busy::ListTally>>,
    /// The shortest busy list (no list shorter than this is looked up).
    pub(super) busy_min: usize,
    /// Per country and per topic, how many events start and end before each day (see
    /// `prefix.rs`).
    pub(super) vocab: super::prefix::VocabCounts,
    /// Each event's topics by position, as bits of their indexes in `topic_names`, when
    /// there are at most `prefix::MAX_TOPICS` (see `prefix::topic_masks`): kept so that the
    /// per-day counts of a graph whose events moved are built without reading them.
    pub(super) masks: Option<Vec<u64>>,
}

/// The key of an event's precision and end day in `Analytics::precision_ends`: by
/// precision (as `DatePrecision::ALL`), then end day.
pub(super) fn precision_end(precision: u16, end: i32) -> i64 {
    (i64::from(precision) << 33) + i64::from(end)
}

/// Packs what a tally needs of an event into 16 bits.
pub(super) fn pack(e: &Event) -> u16 {
    idx(EventKind::ALL, e.kind)
        | idx(EventStatus::ALL, e.status) << 4
        | idx(EventMode::ALL, e.mode) << 6
        | idx(DatePrecision::ALL, e.when.precision) << 9
}

impl EventTally {
    /// Adds the event packed as `a`.
    pub(super) fn add(&mut self, a: u16) {
        self.kinds[(a & 0xf) as usize] += 1;
        self.statuses[(a >> 4 & 0x3) as usize] += 1;
        self.modes[(a >> 6 & 0x7) as usize] += 1;
        self.precisions[(a >> 9 & 0x3) as usize] += 1;
    }

    /// Takes out the event packed as `a` (counted in before).
    pub(super) fn remove(&mut self, a: u16) {
        let less = |x: &mut u32| *x = x.saturating_sub(1);
        less(&mut self.kinds[(a & 0xf) as usize]);
        less(&mut self.statuses[(a >> 4 & 0x3) as usize]);
        less(&mut self.modes[(a >> 6 & 0x7) as usize]);
        less(&mut self.precisions[(a >> 9 & 0x3) as usize]);
    }

    /// How many events.
    pub(super) fn total(&self) -> u32 {
        self.kinds.iter().sum()
    }

    /// The tally of `self` and `other` together.
    pub(super) fn plus(&self, other: &EventTally) -> EventTally {
        let add = |a: &mut [u32], b: &[u32]| a.iter_mut().zip(b).for_each(|(x, y)| *x += *y);
        let mut t = self.clone();
        add(&mut t.kinds, &other.kinds);
        add(&mut t.statuses, &other.statuses);
        add(&mut t.modes, &other.modes);
        add(&mut t.precisions, &other.precisions);
        t
    }

    /// The tally of `self` without `other` (a tally of a prefix of it).
    pub(super) fn minus(&self, other: &EventTally) -> EventTally {
        let sub = |a: &mut [u32], b: &[u32]| a.iter_mut().zip(b).for_each(|(x, y)| *x = x.saturating_sub(*y));
        let mut t = self.clone();
        sub(&mut t.kinds, &other.kinds);
        sub(&mut t.statuses, &other.statuses);
        sub(&mut t.modes, &other.modes);
        sub(&mut t.precisions, &other.precisions);
        t
    }
}

/// The position of `v` in `all` (a vocabulary's `ALL`).
pub(super) fn idx<T: PartialEq>(all: &[T], v: T) -> u16 {
    all.iter().position(|x| *x == v).unwrap_or(0) as u16
}

/// The country `place` lies in (itself when it is one).
pub(super) fn country_of(g: &KnowledgeGraph, place: Option<NodeId>) -> u32 {
    let mut at = place;
    for _ in 0..64 {
        match at.and_then(|p| g.place(p).map(|pl| (p, pl))) {
            Some((p, pl)) if pl.kind == PlaceKind::Country => return p.0,
            Some((_, pl)) => at = pl.within,
            None => return NONE,
        }
    }
    NONE
}

impl Analytics {
    /// The indexes of `g`, whose orders are built.
    pub(crate) fn build(g: &KnowledgeGraph) -> Self {
        Self::build_busy(g, super::busy::BUSY)
    }

    /// The indexes of `g`, the counts of lists of at least `busy` events built (see
    /// `busy.rs`).
    fn build_busy(g: &KnowledgeGraph, busy: usize) -> Self {
        let order = g.all(EntityKind::Event);
        let events: Vec<&Event> = order.par_iter().filter_map(|&n| g.event(n)).collect();
        let attrs: Vec<u16> = events.par_iter().map(|e| pack(e)).collect();
        let country: Vec<u32> = events.par_iter().map(|e| country_of(g, e.place)).collect();
        let (mut days, mut firsts, mut before) = (Vec::new(), Vec::new(), Vec::new());
        let mut running = EventTally::default();
        for (i, e) in events.iter().enumerate() {
            let d = day(e.when.start);
            if days.last() != Some(&d) {
                days.push(d);
                firsts.push(i as u32);
                before.push(running.clone());
            }
            running.add(attrs[i]);
        }
        days.push(i32::MAX);
        firsts.push(events.len() as u32);
        before.push(running);
        let published: Vec<i32> = (0..g.node_count())
            .into_par_iter()
            .map(|i| g.source(NodeId(i as u32)).and_then(|s| s.published).map_or(i32::MAX, day))
            .collect();
        let known: Vec<i32> = (0..g.node_count())
            .into_par_iter()
            .map(|i| {
                let n = NodeId(i as u32);
                match g.entity(n) {
                    Entity::Source(_) => published[i],
                    e => e.sources().iter().map(|s| published[s.index()]).min().unwrap_or(i32::MAX),
                }
            })
            .collect();
        let mut by_country: HashMap<u32, u32> = HashMap::default();
        country.iter().filter(|&&c| c != NONE).for_each(|&c| *by_country.entry(c).or_default() += 1);
        let countries = top(g, by_country.into_iter().map(|(c, k)| (NodeId(c), k)).collect(), usize::MAX);
        let participants = events
            .par_iter()
            .fold(HashMap::<NodeId, u32>::default, |mut m, e| {
                each_participant(e, |a| *m.entry(a).or_default() += 1);
                m
            })
            .reduce(HashMap::default, merge);
        let participants = top(g, participants.into_iter().collect(), usize::MAX);
        let topics = events
            .par_iter()
            .fold(HashMap::<&str, u32>::default, |mut m, e| {
                each_topic(e, |t| *m.entry(t).or_default() += 1);
                m
            })
            .reduce(HashMap::default, merge);
        let topics: Vec<(Box<str>, u32)> = super::top_topics(topics.into_iter().collect(), usize::MAX)
            .into_iter()
            .map(|(t, k)| (Box::from(t), k))
            .collect();
        let holders = Arc::new(holders(g));
        let latest = |kind| g.all(kind).iter().filter_map(|n| known.get(n.index()).copied()).max().unwrap_or(i32::MIN);
        let all_known = [latest(EntityKind::Event), latest(EntityKind::Agreement), latest(EntityKind::Statement)];
        let known_at: Vec<i32> = order.par_iter().map(|n| known.get(n.index()).copied().unwrap_or(i32::MAX)).collect();
        let mut analytics = Analytics {
            attrs,
            country,
            days,
            firsts,
            before,
            known: known.into(),
            countries,
            participants,
            topic_names: topics.iter().map(|(t, _)| t.clone()).collect(),
            topics,
            holders,
            all_known,
            known_at,
            busy_min: usize::MAX,
            ..Analytics::default()
        };
        // The busy lists' walks (the longest part) run beside the codes and the time axes,
        // which have long serial stretches of their own: the two cores stay busy.
        let masks = super::prefix::topic_masks(&events, &analytics.topic_names);
        let (a, masks) = (&analytics, masks.as_deref());
        let (busy_lists, (codes, (time, by_end))) = rayon::join(
            || {
                let lists = || super::busy::build(g, a, busy, masks);
                crate::timing::timed("graph: analytics: busy lists", lists)
            },
            || rayon::join(|| intern_codes(&events), || Time::build(&events, &a.attrs, &a.known_at)),
        );
        analytics.set_busy(busy_lists, busy);
        (analytics.codes, analytics.code_table, analytics.code_totals) = codes;
        analytics.known_by_position = time.known_by_position;
        analytics.known_by_end = time.known_by_end;
        analytics.end_days = time.end_days;
        analytics.ending_before = time.ending_before;
        analytics.precision_ends = time.precision_ends;
        analytics.vocab = crate::timing::timed("graph: analytics: countries and topics by day", || {
            super::prefix::VocabCounts::build(&analytics, masks, &by_end.order, &by_end.cuts)
        });
        tracing::debug!(bytes = analytics.vocab.bytes(), "graph: analytics: countries and topics by day");
        analytics.masks = masks.map(<[u64]>::to_vec);
        analytics
    }

    /// Keeps the busy lists' counts built for lists of at least `busy` events (see
    /// `busy.rs`).
    pub(super) fn set_busy(&mut self, (keys, tallies): super::busy::BusyLists, busy: usize) {
        (self.busy, self.busy_tallies, self.busy_min) = (keys, tallies, busy.max(1));
        tracing::debug!(lists = self.busy_tallies.len(), bytes = self.busy_bytes(), "graph: analytics: busy lists");
    }

    /// How many events at positions `p..q` were known by day `d`.
    pub(super) fn known_in_run(&self, p: usize, q: usize, d: i32) -> usize {
        let k = i64::from(d) + 1;
        let m = &self.known_by_position;
        m.count_below(q.min(self.attrs.len()), k).saturating_sub(m.count_below(p.min(q).min(self.attrs.len()), k))
    }

    /// The index in `end_days` of the first day on or after `f`.
    pub(super) fn end_rank(&self, f: i32) -> usize {
        self.end_days.partition_point(|&e| e < f)
    }

    /// The tally of the events ending before day `f`.
    pub(super) fn tally_ending_before(&self, f: i32) -> EventTally {
        self.ending_before.get(self.end_rank(f)).cloned().unwrap_or_default()
    }

    /// How many events ending before day `f` were known by day `d`.
    pub(super) fn known_ending_before(&self, f: i32, d: i32) -> usize {
        self.known_by_end.count(i64::from(f), i64::from(d) + 1)
    }

    /// How many events at positions `a..b` end on or after day `f`, per precision (indexed
    /// as `DatePrecision::ALL`).
    pub(super) fn ending_from(&self, a: usize, b: usize, f: i32) -> [u32; DatePrecision::ALL.len()] {
        let m = &self.precision_ends;
        let (a, b) = (a.min(b), b.min(self.attrs.len()));
        let mut out = [0; DatePrecision::ALL.len()];
        for (i, o) in out.iter_mut().enumerate() {
            let (lo, hi) = (precision_end(i as u16, f), precision_end(i as u16 + 1, i32::MIN));
            let upto = |p: usize| m.count_below(p, hi).saturating_sub(m.count_below(p, lo));
            *o = upto(b).saturating_sub(upto(a)) as u32;
        }
        out
    }

    /// The position of the first event starting on or after day `d`.
    pub(super) fn first_starting(&self, d: i32) -> usize {
        let i = self.days.partition_point(|&x| x < d);
        self.firsts.get(i).map_or(self.attrs.len(), |&f| f as usize)
    }

    /// The tally of the events at positions `p..q`: a subtraction of prefix tallies between
    /// the day boundaries inside it, plus the few events of a partial day at either end.
    pub(super) fn tally_run(&self, p: usize, q: usize) -> EventTally {
        let mut t = EventTally::default();
        if p >= q {
            return t;
        }
        // The first boundary at or after p, and the last at or before q.
        let i = self.firsts.partition_point(|&f| (f as usize) < p);
        let j = self.firsts.partition_point(|&f| (f as usize) <= q).saturating_sub(1);
        let at = |k: usize| self.firsts.get(k).map_or(self.attrs.len(), |&f| f as usize);
        let (bp, bq) = (at(i), at(j));
        let q = q.min(self.attrs.len());
        let attrs = |from: usize, to: usize| self.attrs.get(from..to).unwrap_or_default();
        match (self.before.get(i), self.before.get(j)) {
            (Some(bi), Some(bj)) if i < j && bp < bq && bq <= q => {
                t = bj.minus(bi);
                attrs(p, bp).iter().chain(attrs(bq, q)).for_each(|&a| t.add(a));
            }
            _ => attrs(p, q).iter().for_each(|&a| t.add(a)),
        }
        t
    }
}

/// Actors holding an office, in name order, with each position's folded title words.
pub(super) fn holders(g: &KnowledgeGraph) -> Vec<(NodeId, Vec<Vec<String>>)> {
    g.all(EntityKind::Actor)
        .iter()
        .filter_map(|&n| g.actor(n).filter(|a| !a.positions.is_empty()).map(|a| (n, a)))
        .map(|(n, a)| (n, a.positions.iter().map(|p| fold_words(&p.title)).collect()))
        .collect()
}

/// `names` (`Analytics::topic_names`) with the topics of `topics` it lacks after them, in
/// name order: a topic first seen after the names were made is numbered after the others.
pub(super) fn with_new_topics<'a>(names: &[Box<str>], topics: impl Iterator<Item = &'a str>) -> Vec<Box<str>> {
    let known: HashSet<&str> = names.iter().map(|t| &**t).collect();
    let mut new: Vec<Box<str>> = topics.filter(|t| !known.contains(t)).map(Box::from).collect();
    new.sort_unstable();
    new.dedup();
    let mut out = names.to_vec();
    out.extend(new);
    out
}

/// Each event's codes as an index of a table of the distinct codes, the table, and how many
/// events have each entry.
pub(super) fn intern_codes(events: &[&Event]) -> (Vec<u32>, Vec<EventCodes>, Vec<u32>) {
    let all: Vec<EventCodes> = events.par_iter().map(|e| e.codes()).collect();
    let mut ids: HashMap<EventCodes, u32> = HashMap::default();
    let (mut table, mut totals) = (Vec::new(), Vec::new());
    let codes = all
        .iter()
        .map(|c| {
            let id = *ids.entry(*c).or_insert_with(|| {
                table.push(*c);
                totals.push(0);
                (table.len() - 1) as u32
            });
            if let Some(t) = totals.get_mut(id as usize) {
                *t += 1;
            }
            id
        })
        .collect();
    (codes, table, totals)
}

/// Calls `f` once for each actor taking part in `e` (an actor named twice counts once).
pub(super) fn each_participant(e: &Event, mut f: impl FnMut(NodeId)) {
    for (i, p) in e.participants.iter().enumerate() {
        if !e.participants[..i].iter().any(|q| q.actor == p.actor) {
            f(p.actor);
        }
    }
}

/// Calls `f` once for each topic of `e`.
pub(super) fn each_topic<'e>(e: &'e Event, mut f: impl FnMut(&'e str)) {
    for (i, t) in e.topics.iter().enumerate() {
        if !e.topics[..i].contains(t) {
            f(t);
        }
    }
}

/// Adds the counts of `b` into `a`.
fn merge<K: std::hash::Hash + Eq>(mut a: HashMap<K, u32>, b: HashMap<K, u32>) -> HashMap<K, u32> {
    for (k, v) in b {
        *a.entry(k).or_default() += v;
    }
    a
}

/// The indexes of the two time axes over the date order (see the fields of [`Analytics`]).
pub(super) struct Time {
    pub(super) known_by_position: KeysByPosition,
    pub(super) known_by_end: PointCounts,
    pub(super) end_days: Vec<i32>,
    pub(super) ending_before: Vec<EventTally>,
    pub(super) precision_ends: KeysByPosition,
}

/// What the time axes keep of an event taken out of a position of the date order, or put in
/// at one ([`Time::moved`]).
pub(super) struct Placed {
    pub(super) pos: usize,
    pub(super) end: i32,
    pub(super) attrs: u16,
    pub(super) known: i32,
}

/// The events by end day: their positions, and where each distinct end day starts among
/// them (as `Time::end_days`, then the number of events).
pub(super) struct ByEnd {
    pub(super) order: Vec<u32>,
    pub(super) cuts: Vec<u32>,
}

impl Time {
    /// Built from the events in date order, their packed attributes and first-known days.
    fn build(events: &[&Event], attrs: &[u16], known_at: &[i32]) -> (Time, ByEnd) {
        Time::of(events.iter().map(|e| day(e.when.end)).collect(), attrs, known_at)
    }

    /// Built from the events' end days, packed attributes and first-known days, by position.
    pub(super) fn of(ends: Vec<i32>, attrs: &[u16], known_at: &[i32]) -> (Time, ByEnd) {
        let mut by_end: Vec<u32> = (0..ends.len() as u32).collect();
        by_end.par_sort_by_key(|&i| ends.get(i as usize).copied().unwrap_or(i32::MAX));
        let (mut end_days, mut ending_before, mut cuts) = (Vec::new(), Vec::new(), Vec::new());
        let mut running = EventTally::default();
        for (j, &i) in by_end.iter().enumerate() {
            let d = ends.get(i as usize).copied().unwrap_or(i32::MAX);
            if end_days.last() != Some(&d) {
                end_days.push(d);
                ending_before.push(running.clone());
                cuts.push(j as u32);
            }
            running.add(attrs.get(i as usize).copied().unwrap_or_default());
        }
        ending_before.push(running);
        cuts.push(by_end.len() as u32);
        let known: Vec<i64> = known_at.iter().map(|&k| i64::from(k)).collect();
        let points: Vec<(i64, i64)> = ends.iter().zip(&known).map(|(&e, &k)| (i64::from(e), k)).collect();
        let precision_ends: Vec<i64> = ends.iter().zip(attrs).map(|(&d, &a)| precision_end(a >> 9 & 0x3, d)).collect();
        let (known_by_position, (known_by_end, precision_ends)) = rayon::join(
            || KeysByPosition::build(&known),
            || rayon::join(|| PointCounts::build(points), || KeysByPosition::build(&precision_ends)),
        );
        let time = Time { known_by_position, known_by_end, end_days, ending_before, precision_ends };
        (time, ByEnd { order: by_end, cuts })
    }

    /// The time axes of `a` (the analytics before) once the events `out` are taken out of
    /// their positions (ascending, in the order before) and `ins` put in at theirs
    /// (ascending, in the new order): the wavelet matrices shared, the changed positions and
    /// points counted beside them (`layered.rs`); the tallies by end day patched (the rows
    /// between an event's old and new end day, a day no event ends on any more dropped).
    /// `ends`, `attrs` and `known_at`: the new order's, by position, for a fold.
    pub(super) fn moved(
        a: &Analytics,
        out: &[Placed],
        ins: &[Placed],
        ends: &[i32],
        attrs: &[u16],
        known_at: &[i32],
    ) -> Time {
        let known = |x: &Placed| (x.pos, i64::from(x.known));
        let known_by_position = a.known_by_position.moved(
            &out.iter().map(known).collect::<Vec<_>>(),
            &ins.iter().map(known).collect::<Vec<_>>(),
            || known_at.iter().map(|&k| i64::from(k)).collect(),
        );
        let point = |x: &Placed| (i64::from(x.end), i64::from(x.known));
        let known_by_end = a.known_by_end.changed(
            &out.iter().map(point).collect::<Vec<_>>(),
            &ins.iter().map(point).collect::<Vec<_>>(),
            || ends.iter().zip(known_at).map(|(&e, &k)| (i64::from(e), i64::from(k))).collect(),
        );
        let precision = |x: &Placed| (x.pos, precision_end(x.attrs >> 9 & 0x3, x.end));
        let precision_ends = a.precision_ends.moved(
            &out.iter().map(precision).collect::<Vec<_>>(),
            &ins.iter().map(precision).collect::<Vec<_>>(),
            || ends.iter().zip(attrs).map(|(&d, &x)| precision_end(x >> 9 & 0x3, d)).collect(),
        );
        // The tallies before each end day: the old row of the day (or of the first old day
        // after a new one), less the events taken out ending before it, plus those put in.
        let mut days = a.end_days.clone();
        days.extend(ins.iter().map(|x| x.end).filter(|d| a.end_days.binary_search(d).is_err()));
        days.sort_unstable();
        days.dedup();
        let row = |d: Option<i32>| {
            let i = d.map_or(a.end_days.len(), |d| a.end_days.partition_point(|&x| x < d));
            let mut t = a.ending_before.get(i).cloned().unwrap_or_default();
            let before = |x: &&Placed| d.is_none_or(|d| x.end < d);
            out.iter().filter(before).for_each(|x| t.remove(x.attrs));
            ins.iter().filter(before).for_each(|x| t.add(x.attrs));
            t
        };
        let mut rows: Vec<EventTally> = days.iter().map(|&d| row(Some(d))).collect();
        rows.push(row(None));
        let (mut end_days, mut ending_before) = (Vec::with_capacity(days.len()), Vec::with_capacity(rows.len()));
        for (k, d) in days.into_iter().enumerate() {
            if rows[k + 1].total() > rows[k].total() {
                end_days.push(d);
                ending_before.push(std::mem::take(&mut rows[k]));
            }
        }
        ending_before.extend(rows.pop());
        Time { known_by_position, known_by_end, end_days, ending_before, precision_ends }
    }
}

impl ByEnd {
    /// The positions of the events whose end days are `ends` (by position) by end day,
    /// counted out (ties in position order, as a stable sort), `end_days` their distinct
    /// end days.
    pub(super) fn counted(ends: &[i32], end_days: &[i32]) -> ByEnd {
        let mut cuts = vec![0u32; end_days.len() + 1];
        let slot: Vec<u32> = ends.iter().map(|e| end_days.partition_point(|x| x < e) as u32).collect();
        slot.iter().for_each(|&k| cuts[k as usize + 1] += 1);
        for k in 1..cuts.len() {
            cuts[k] += cuts[k - 1];
        }
        let mut next = cuts.clone();
        let mut by_end = vec![0u32; ends.len()];
        for (p, &k) in slot.iter().enumerate() {
            by_end[next[k as usize] as usize] = p as u32;
            next[k as usize] += 1;
        }
        ByEnd { order: by_end, cuts }
    }
}
