//! Analytics: counts over a set of events, agreements or statements (facets) and counts per
//! period (timelines), exact, for the whole filtered set whatever page is served; and the
//! two time axes, valid time (who held an office on a day) and knowledge time (what the
//! reports had told by a day).
//!
//! A set of events is a list (an actor's events, what several filters keep) or a view of the
//! date index (the whole kind, a date range). A list is walked, one compact record per
//! event; a view is tallied from prefix counts built at load, so that the whole kind or a
//! date range costs O(log days) per count and never walks the events. The events ongoing at
//! a range's start (a year-precision event spans its year) are not listed either: every
//! event ending before `from` starts before it, so they are the positions before the range's
//! run less the events ending before `from`, tallied by subtraction (prefix tallies by end
//! day) and, for timelines, counted per precision from a wavelet matrix over (precision, end
//! day) by position.
//!
//! Everything built at load is patched, not built again, for a graph extended by a write that
//! only adds records (`extend.rs`); for a write that re-indexes replaced events (a moved date,
//! other participants...), made from the graph before's arrays by position
//! (`Analytics::reindexed`, also in `extend.rs`).
//!
//! Knowledge time (`knownBy`) narrows a date-order view rather than the items of a list: the
//! same two-part decomposition counts what was known by a day from wavelet matrices over each
//! event's first-known day, by position and in end-day order, and the view is paged lazily.
//!
//! Architecture Invariant: nothing here walks the events of the whole graph on the request
//! path: kinds, statuses, modes and timelines of a date-order view come from the prefix
//! tallies; countries and topics of a date-order view from per-day counts per country and
//! per topic (`prefix.rs`; topics only when there are at most 64 of them); countries,
//! participants and topics of the whole kind from totals built at load; the events of an
//! actor or a place with at least `busy::BUSY` of them (unfiltered, or narrowed by
//! `knownBy` alone) from counts and first-known days built per list at load; anything else
//! (a shorter or filtered list, a view narrowed by `knownBy`, the participants of a date
//! range: actors are many, a per-day count of each would cost more than the walk saves)
//! walks the set it is asked about and nothing more.

mod busy;
mod codes;
mod extend;
mod index;
mod offices;
mod prefix;
mod timeline;

pub use codes::{codes_pass, CodeTally};
pub(crate) use index::Analytics;
pub use offices::held_on;
pub use timeline::{Bucket, Period, TooManyPeriods};

use super::{EventsInRange, KnowledgeGraph};
use crate::model::*;
use chrono::NaiveDate;
use index::{day, each_participant, each_topic, NONE};
use rustc_hash::FxHashMap as HashMap;

/// Where the events of a set sit in the date order (see `KnowledgeGraph::positions`).
struct Positions {
    /// The run `p..q` of the order.
    p: usize,
    q: usize,
    /// The events before the run (ongoing at the range's start).
    ongoing: Ongoing,
}

/// The events ongoing at a range's start.
enum Ongoing {
    /// These positions.
    Listed(Vec<usize>),
    /// The positions before `end` that end on or after day `from`, the first and last of
    /// them at `first` and `last` (there is at least one).
    Counted { end: usize, from: i32, first: usize, last: usize },
}

/// The events a count runs over.
#[derive(Clone, Copy)]
pub enum EventSet<'a> {
    /// These events, in date order.
    List(&'a [NodeId]),
    /// The events overlapping a date range (or every event), as a view of the date index.
    Range(EventsInRange<'a>),
}

/// How many events of a set have each kind, status, mode and date precision (indexed as
/// the vocabularies' `ALL`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventTally {
    pub kinds: [u32; EventKind::ALL.len()],
    pub statuses: [u32; EventStatus::ALL.len()],
    pub modes: [u32; EventMode::ALL.len()],
    pub precisions: [u32; DatePrecision::ALL.len()],
}

/// How many agreements of a set have each kind and status, and the sum of their amounts
/// per currency (by currency code).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AgreementTally {
    pub kinds: [u32; AgreementKind::ALL.len()],
    pub statuses: [u32; AgreementStatus::ALL.len()],
    pub amounts: Vec<(String, f64)>,
}

/// The `first` entries of `counts` (nodes with a count), most first, ties in their kind's
/// order (actors and places by name, then id).
pub(crate) fn top(g: &KnowledgeGraph, mut counts: Vec<(NodeId, u32)>, first: usize) -> Vec<(NodeId, u32)> {
    let key = |&(n, c): &(NodeId, u32)| (std::cmp::Reverse(c), g.rank(n));
    if first < counts.len() {
        counts.select_nth_unstable_by_key(first, key);
        counts.truncate(first);
    }
    counts.sort_unstable_by_key(key);
    counts
}

/// The `first` topics of `counts`, most first, ties by topic.
pub(crate) fn top_topics(mut counts: Vec<(&str, u32)>, first: usize) -> Vec<(&str, u32)> {
    counts.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts.truncate(first);
    counts
}

impl<'a> EventSet<'a> {
    /// Every event of the set, in date order.
    fn iter(&self) -> Box<dyn Iterator<Item = NodeId> + 'a> {
        match *self {
            EventSet::List(l) => Box::new(l.iter().copied()),
            EventSet::Range(r) => Box::new(r.iter()),
        }
    }
}

impl KnowledgeGraph {
    /// The set of every event (a view of the date index, tallied without a walk).
    pub fn all_events(&self) -> EventSet<'_> {
        EventSet::Range(self.events_in_range(None, None))
    }

    /// The counts built at load for `set`, when it is a busy list (see `busy.rs`).
    fn busy_set(&self, set: &EventSet<'_>) -> Option<&busy::ListTally> {
        match set {
            EventSet::List(l) if l.len() >= self.analytics.busy_min => self.analytics.busy(l),
            _ => None,
        }
    }

    /// True when `set` is every event.
    fn is_every_event(&self, set: &EventSet<'_>) -> bool {
        let all = self.all(EntityKind::Event);
        match set {
            EventSet::List(l) => l.len() == all.len() && std::ptr::eq(l.as_ptr(), all.as_ptr()),
            EventSet::Range(r) => !r.is_known_filtered() && r.len() == all.len(),
        }
    }

    /// The events of `set` as positions of the date order: a run `p..q` tallied from the
    /// index, plus the events ongoing at the range's start (before `p`); `None` when the set
    /// is a plain list (or a range narrowed by knowledge time), which is walked.
    fn positions(&self, set: &EventSet<'_>) -> Option<Positions> {
        let a = &self.analytics;
        let r = match set {
            _ if self.is_every_event(set) => {
                return Some(Positions { p: 0, q: a.attrs.len(), ongoing: Ongoing::Listed(Vec::new()) })
            }
            EventSet::List(_) => return None,
            EventSet::Range(r) if r.is_known_filtered() => return None,
            EventSet::Range(r) => r,
        };
        let parts = r.parts();
        let (p, q) = (parts.lo, parts.hi.max(parts.lo));
        match parts.from {
            None => Some(Positions { p, q, ongoing: Ongoing::Listed(Vec::new()) }),
            // Every event ending before `from` starts before it (so before `lo`): the ongoing
            // ones are the positions before `lo` without those, counted and tallied by
            // subtraction, never listed.
            Some(from) if parts.ongoing_end == parts.lo => {
                let (mut first, mut last) = (Vec::with_capacity(1), Vec::with_capacity(1));
                r.forward(0, parts.ongoing_end, 1, &mut first);
                r.backward(0, parts.ongoing_end, 1, &mut last);
                let pos = |v: &[NodeId]| v.first().map(|&n| self.rank(n) as usize);
                let ongoing = match (pos(&first), pos(&last)) {
                    (Some(first), Some(last)) => Ongoing::Counted { end: parts.ongoing_end, from, first, last },
                    _ => Ongoing::Listed(Vec::new()),
                };
                Some(Positions { p, q, ongoing })
            }
            // A range ending before it starts: its few events are listed.
            Some(_) => {
                let ongoing: Vec<usize> = r.iter().map(|n| self.rank(n) as usize).collect();
                Some(Positions { p: q, q, ongoing: Ongoing::Listed(ongoing) })
            }
        }
    }

    /// How many events of `set` have each kind, status, mode and precision.
    pub fn event_tally(&self, set: EventSet<'_>) -> EventTally {
        let a = &self.analytics;
        if let Some(t) = self.busy_set(&set) {
            return t.tally.clone();
        }
        match self.positions(&set) {
            Some(Positions { p, q, ongoing }) => {
                let mut t = a.tally_run(p, q);
                match ongoing {
                    Ongoing::Listed(others) => {
                        others.iter().filter_map(|&pos| a.attrs.get(pos)).for_each(|&x| t.add(x));
                    }
                    Ongoing::Counted { end, from, .. } => {
                        t = t.plus(&a.tally_run(0, end).minus(&a.tally_ending_before(from)));
                    }
                }
                t
            }
            None => {
                let mut t = EventTally::default();
                set.iter().filter_map(|n| a.attrs.get(self.rank(n) as usize)).for_each(|&x| t.add(x));
                t
            }
        }
    }

    /// The events overlapping `range` that the reports had told by day `by`: the same view,
    /// counted from the first-known index (O(log days), plus a walk of a range that ends
    /// before it starts) and paged lazily.
    pub(crate) fn events_known_in_range<'g>(&'g self, range: EventsInRange<'g>, by: NaiveDate) -> EventsInRange<'g> {
        let a = &self.analytics;
        let (parts, d) = (range.parts(), day(by));
        let run = if parts.lo < parts.hi { a.known_in_run(parts.lo, parts.hi, d) } else { 0 };
        let len = match parts.from {
            None => run,
            Some(from) if parts.ongoing_end == parts.lo => {
                run + a.known_in_run(0, parts.ongoing_end, d).saturating_sub(a.known_ending_before(from, d))
            }
            Some(_) => range.iter().filter(|&n| self.known_by(n, by)).count(),
        };
        range.known_by(&a.known_at, d, len)
    }

    /// The countries the events of `set` lie in with how many lie in each, most first, at
    /// most `first`.
    pub fn event_countries(&self, set: EventSet<'_>, first: usize) -> Vec<(NodeId, u32)> {
        let a = &self.analytics;
        if self.is_every_event(&set) {
            return a.countries.iter().take(first).copied().collect();
        }
        if let Some(t) = self.busy_set(&set) {
            return t.countries.iter().take(first).copied().collect();
        }
        if let Some(counts) = self.vocab_counts(prefix::Vocab::Countries, &set) {
            let counts = counts.iter().enumerate().filter(|&(_, &k)| k > 0);
            return top(self, counts.filter_map(|(i, &k)| Some((self.vocab_country(i)?, k))).collect(), first);
        }
        let mut counts: HashMap<u32, u32> = HashMap::default();
        for n in set.iter() {
            let c = a.country.get(self.rank(n) as usize).copied().unwrap_or(NONE);
            if c != NONE {
                *counts.entry(c).or_default() += 1;
            }
        }
        top(self, counts.into_iter().map(|(c, k)| (NodeId(c), k)).collect(), first)
    }

    /// The actors (of `kind`, when given) taking part in the events of `set` with how many
    /// events each, most first, at most `first`.
    pub fn event_participants(&self, set: EventSet<'_>, kind: Option<ActorKind>, first: usize) -> Vec<(NodeId, u32)> {
        let of_kind = |n: NodeId| kind.is_none_or(|k| self.actor(n).is_some_and(|a| a.kind == k));
        if self.is_every_event(&set) {
            return self.analytics.participants.iter().filter(|&&(n, _)| of_kind(n)).take(first).copied().collect();
        }
        if let Some(t) = self.busy_set(&set) {
            return t.participants.iter().filter(|&&(n, _)| of_kind(n)).take(first).copied().collect();
        }
        let mut counts: HashMap<NodeId, u32> = HashMap::default();
        for e in set.iter().filter_map(|n| self.event(n)) {
            each_participant(e, |a| {
                if of_kind(a) {
                    *counts.entry(a).or_default() += 1
                }
            });
        }
        top(self, counts.into_iter().collect(), first)
    }

    /// The topics of the events of `set` with how many events each, most first, at most
    /// `first`.
    pub fn event_topics(&self, set: EventSet<'_>, first: usize) -> Vec<(&str, u32)> {
        if self.is_every_event(&set) {
            return self.analytics.topics.iter().take(first).map(|(t, k)| (&**t, *k)).collect();
        }
        if let Some(t) = self.busy_set(&set) {
            let topics = &self.analytics.topic_names;
            let name = |i: u32| topics.get(i as usize).map_or("", |s| &**s);
            return t.topics.iter().take(first).map(|&(i, k)| (name(i), k)).collect();
        }
        if let Some(counts) = self.vocab_counts(prefix::Vocab::Topics, &set) {
            let topics = &self.analytics.topic_names;
            let counts = counts.iter().zip(topics).filter(|&(&k, _)| k > 0).map(|(&k, t)| (&**t, k));
            return top_topics(counts.collect(), first);
        }
        let mut counts: HashMap<&str, u32> = HashMap::default();
        for e in set.iter().filter_map(|n| self.event(n)) {
            each_topic(e, |t| *counts.entry(t).or_default() += 1);
        }
        top_topics(counts.into_iter().collect(), first)
    }

    /// Kinds, statuses and amounts of the agreements `list`.
    pub fn agreement_tally(&self, list: impl Iterator<Item = NodeId>) -> AgreementTally {
        let mut t = AgreementTally::default();
        let mut sums: HashMap<&str, f64> = HashMap::default();
        for a in list.filter_map(|n| self.agreement(n)) {
            t.kinds[AgreementKind::ALL.iter().position(|&k| k == a.kind).unwrap_or(0)] += 1;
            t.statuses[AgreementStatus::ALL.iter().position(|&s| s == a.status).unwrap_or(0)] += 1;
            if let Some(m) = &a.amount {
                *sums.entry(&m.currency).or_default() += m.amount;
            }
        }
        t.amounts = sums.into_iter().map(|(c, s)| (c.to_owned(), s)).collect();
        t.amounts.sort_by(|a, b| a.0.cmp(&b.0));
        t
    }

    /// The parties (of `kind`, when given) of the agreements `list` with how many each, most
    /// first, at most `first`.
    pub fn agreement_parties(
        &self,
        list: impl Iterator<Item = NodeId>,
        kind: Option<ActorKind>,
        first: usize,
    ) -> Vec<(NodeId, u32)> {
        let mut counts: HashMap<NodeId, u32> = HashMap::default();
        for a in list.filter_map(|n| self.agreement(n)) {
            for (i, &p) in a.parties.iter().enumerate() {
                let of_kind = kind.is_none_or(|k| self.actor(p).is_some_and(|x| x.kind == k));
                if of_kind && !a.parties[..i].contains(&p) {
                    *counts.entry(p).or_default() += 1;
                }
            }
        }
        top(self, counts.into_iter().collect(), first)
    }

    /// The speakers of the statements `list` with how many statements each, most first, at
    /// most `first`.
    pub fn statement_speakers(&self, list: impl Iterator<Item = NodeId>, first: usize) -> Vec<(NodeId, u32)> {
        let mut counts: HashMap<NodeId, u32> = HashMap::default();
        for s in list.filter_map(|n| self.statement(n)) {
            *counts.entry(s.speaker).or_default() += 1;
        }
        top(self, counts.into_iter().collect(), first)
    }

    /// How many statements of `list` were made on each channel (indexed as
    /// `StatementChannel::ALL`).
    pub fn statement_channels(&self, list: impl Iterator<Item = NodeId>) -> [u32; StatementChannel::ALL.len()] {
        let mut t = [0; StatementChannel::ALL.len()];
        for s in list.filter_map(|n| self.statement(n)) {
            t[StatementChannel::ALL.iter().position(|&c| c == s.channel).unwrap_or(0)] += 1;
        }
        t
    }

    /// The first day a report told of `n` (the earliest publication day of its sources), or
    /// `None` when none of them is dated.
    pub fn known_from(&self, n: NodeId) -> Option<NaiveDate> {
        let d = *self.analytics.known.get(n.index())?;
        (d != i32::MAX).then(|| NaiveDate::from_num_days_from_ce_opt(d)).flatten()
    }

    /// The knowledge-time filter `by` for the records of `kind`, or `None` when every record
    /// of that kind was known by then (the filter keeps them all: nothing needs checking).
    pub(crate) fn known_filter(&self, kind: EntityKind, by: Option<NaiveDate>) -> Option<NaiveDate> {
        let all_known = match kind {
            EntityKind::Event => self.analytics.all_known[0],
            EntityKind::Agreement => self.analytics.all_known[1],
            EntityKind::Statement => self.analytics.all_known[2],
            _ => i32::MAX,
        };
        by.filter(|&d| day(d) < all_known)
    }

    /// True when one of the reports that tell of `n` was published on or before `day`.
    pub fn known_by(&self, n: NodeId, by: NaiveDate) -> bool {
        self.analytics.known.get(n.index()).is_some_and(|&d| d <= day(by))
    }
}
