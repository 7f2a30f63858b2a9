//! The counts of the busiest actors' and places' events, built at load: a facet of a list of
//! at least [`BUSY`] events (an actor's events, unfiltered; a place's from [`PLACE_BUSY`]
//! times that) is a look-up, and a `knownBy` on it is a scan of a compact array of
//! first-known days in the list's order, with no entity read. Shorter lists are walked,
//! which costs fewer than [`BUSY`] (or `PLACE_BUSY` x [`BUSY`]) reads.
//!
//! A list is recognised by where its items live (the address and length of the slice the
//! graph lends for it): the graph is immutable once built, so those never change. A graph
//! extended by a write keys every busy list again where it keeps it (the counts of the lists
//! the added events joined patched, see `extend.rs`), never an address of the graph before.

use super::index::{day, each_participant, each_topic, Analytics, NONE};
use super::prefix::{each_bit, MAX_TOPICS};
use super::{top, EventTally};
use crate::graph::KnowledgeGraph;
use crate::model::*;
use chrono::NaiveDate;
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// The shortest list whose counts are built at load.
pub(crate) const BUSY: usize = 1024;

/// How many times [`BUSY`] a place's list must hold to have its counts built.
const PLACE_BUSY: usize = 4;

/// The counts of one busy list (see the module doc).
#[derive(Clone)]
pub(super) struct ListTally {
    /// The actor or place whose events the list holds.
    pub node: NodeId,
    /// Kinds, statuses, modes and precisions.
    pub tally: EventTally,
    /// Per country, per participant and per topic (an index of `Analytics::topic_names`), most
    /// first, in the order the facets serve.
    pub countries: Vec<(NodeId, u32)>,
    pub participants: Vec<(NodeId, u32)>,
    pub topics: Vec<(u32, u32)>,
    /// Per item of the list, in its order: the first day it was known.
    pub known: Vec<i32>,
}

/// The busy lists, keyed, and their counts (see [`build`]).
pub(super) type BusyLists = (HashMap<(usize, usize), u32>, Vec<Arc<ListTally>>);

/// The key of a list: the address and length of its items.
pub(super) fn key(list: &[NodeId]) -> (usize, usize) {
    (list.as_ptr() as usize, list.len())
}

/// The busy lists of `g` (every actor's and every place's events of at least `busy` items),
/// keyed, and their counts; `masks`: each event's topics by position, as bits of their
/// indexes in `a.topic_names`, when there are at most [`MAX_TOPICS`] (see `prefix::topic_masks`).
pub(super) fn build(g: &KnowledgeGraph, a: &Analytics, busy: usize, masks: Option<&[u64]>) -> BusyLists {
    // A place's list holds every event inside it, so each event is in up to three of them
    // (venue, city, country): places count from `PLACE_BUSY` times as many events, which
    // keeps the load's cost down while a walk of a shorter place list stays cheap.
    let from = |k: EntityKind| threshold(k, busy);
    let lists: Vec<(NodeId, &[NodeId])> = [EntityKind::Actor, EntityKind::Place]
        .iter()
        .flat_map(|&k| g.all(k).iter().map(move |&n| (k, n)))
        .map(|(k, n)| (k, n, &g.reverse(n).events[..]))
        .filter(|&(k, _, l)| l.len() >= from(k))
        .map(|(_, n, l)| (n, l))
        .collect();
    let topics = Topics { index: super::prefix::topic_index(&a.topic_names), masks };
    let tallies: Vec<Arc<ListTally>> = lists.par_iter().map(|&(n, l)| Arc::new(tally(g, a, &topics, n, l))).collect();
    let keys = lists.iter().enumerate().map(|(i, (_, l))| (key(l), i as u32)).collect();
    (keys, tallies)
}

/// The busy lists of `g`, as [`build`] makes them, the counts of `prev`'s (the analytics of
/// a graph before, whose topics `a` numbers alike) shared for every node not `changed` (its
/// list of events the same, so its counts too), the others' patched from them (`patch`,
/// given the counts before and the list now; `None`: made again) or made again.
pub(super) fn rebuilt(
    g: &KnowledgeGraph,
    a: &Analytics,
    busy: usize,
    masks: Option<&[u64]>,
    (prev, changed): (&Analytics, &HashSet<NodeId>),
    patch: impl Fn(&ListTally, &[NodeId]) -> Option<ListTally> + Sync,
) -> BusyLists {
    let before: HashMap<NodeId, &Arc<ListTally>> = prev.busy_tallies.iter().map(|t| (t.node, t)).collect();
    let lists: Vec<(NodeId, &[NodeId])> = [EntityKind::Actor, EntityKind::Place]
        .iter()
        .flat_map(|&k| g.all(k).iter().map(move |&n| (k, n)))
        .map(|(k, n)| (k, n, &g.reverse(n).events[..]))
        .filter(|&(k, _, l)| l.len() >= threshold(k, busy))
        .map(|(_, n, l)| (n, l))
        .collect();
    let topics = Topics { index: super::prefix::topic_index(&a.topic_names), masks };
    let tallies: Vec<Arc<ListTally>> = lists
        .par_iter()
        .map(|&(n, l)| match before.get(&n) {
            Some(&t) if !changed.contains(&n) => t.clone(),
            Some(&t) => Arc::new(patch(t, l).unwrap_or_else(|| tally(g, a, &topics, n, l))),
            None => Arc::new(tally(g, a, &topics, n, l)),
        })
        .collect();
    let keys = lists.iter().enumerate().map(|(i, (_, l))| (key(l), i as u32)).collect();
    (keys, tallies)
}

/// The shortest list of an actor's (or of a place's, `kind`) events whose counts are built,
/// when an actor's must hold `busy`.
pub(super) fn threshold(kind: EntityKind, busy: usize) -> usize {
    match kind {
        EntityKind::Place => busy.max(1).saturating_mul(PLACE_BUSY),
        _ => busy.max(1),
    }
}

/// How many events of a busy list one task walks: a long list (a country's holds a large
/// share of every event) is split so that its walk spreads over every core instead of
/// being the one long serial stretch of the load's analytics step.
const CHUNK: usize = 4096;

/// How a walk finds an event's topics: its bits by position when built, else by name.
pub(super) struct Topics<'a> {
    pub index: HashMap<&'a str, u32>,
    pub masks: Option<&'a [u64]>,
}

/// The counts of a run of a list, to be merged with the other runs'.
struct Part {
    tally: EventTally,
    countries: HashMap<u32, u32>,
    participants: HashMap<NodeId, u32>,
    topics: HashMap<u32, u32>,
    /// Per topic index, when the topics are counted from their bits.
    by_bit: [u32; MAX_TOPICS],
}

impl Default for Part {
    fn default() -> Self {
        Part {
            tally: EventTally::default(),
            countries: HashMap::default(),
            participants: HashMap::default(),
            topics: HashMap::default(),
            by_bit: [0; MAX_TOPICS],
        }
    }
}

impl Part {
    /// The counts of `run`, walked once.
    fn walk(g: &KnowledgeGraph, a: &Analytics, topics: &Topics<'_>, run: &[NodeId]) -> Part {
        let mut p = Part::default();
        for &n in run {
            let pos = g.rank(n) as usize;
            if let Some(&x) = a.attrs.get(pos) {
                p.tally.add(x);
            }
            match a.country.get(pos) {
                Some(&c) if c != NONE => *p.countries.entry(c).or_default() += 1,
                _ => {}
            }
            let Some(e) = g.event(n) else { continue };
            each_participant(e, |x| *p.participants.entry(x).or_default() += 1);
            match topics.masks {
                Some(masks) => each_bit(masks.get(pos).copied().unwrap_or(0), |i| {
                    if let Some(x) = p.by_bit.get_mut(i) {
                        *x += 1
                    }
                }),
                None => each_topic(e, |s| {
                    if let Some(&i) = topics.index.get(s) {
                        *p.topics.entry(i).or_default() += 1
                    }
                }),
            }
        }
        p
    }

    /// The counts of `self` and `other` together (the larger maps absorb the smaller).
    fn merge(mut self, mut other: Part) -> Part {
        fn add<K: std::hash::Hash + Eq>(a: &mut HashMap<K, u32>, b: &mut HashMap<K, u32>) {
            if a.len() < b.len() {
                std::mem::swap(a, b);
            }
            for (k, v) in b.drain() {
                *a.entry(k).or_default() += v;
            }
        }
        self.tally = self.tally.plus(&other.tally);
        add(&mut self.countries, &mut other.countries);
        add(&mut self.participants, &mut other.participants);
        add(&mut self.topics, &mut other.topics);
        self.by_bit.iter_mut().zip(other.by_bit).for_each(|(x, y)| *x += y);
        self
    }
}

/// The counts of `list`: its runs of [`CHUNK`] events walked in parallel, then merged.
pub(super) fn tally(
    g: &KnowledgeGraph,
    a: &Analytics,
    topics: &Topics<'_>,
    node: NodeId,
    list: &[NodeId],
) -> ListTally {
    let p = list.par_chunks(CHUNK).map(|run| Part::walk(g, a, topics, run)).reduce(Part::default, Part::merge);
    let known = list.par_iter().map(|n| a.known.get(n.index()).copied().unwrap_or(i32::MAX)).collect();
    let by_bit = p.by_bit.iter().enumerate().filter(|&(_, &k)| k > 0).map(|(i, &k)| (i as u32, k));
    let mut topics: Vec<(u32, u32)> = p.topics.into_iter().chain(by_bit).collect();
    let name = |i: u32| a.topic_names.get(i as usize).map_or("", |s| &**s);
    topics.sort_unstable_by(|x, y| y.1.cmp(&x.1).then(name(x.0).cmp(name(y.0))));
    ListTally {
        node,
        tally: p.tally,
        countries: top(g, p.countries.into_iter().map(|(c, k)| (NodeId(c), k)).collect(), usize::MAX),
        participants: top(g, p.participants.into_iter().collect(), usize::MAX),
        topics,
        known,
    }
}

impl Analytics {
    /// The counts of `list` when it is a busy list.
    pub(super) fn busy(&self, list: &[NodeId]) -> Option<&ListTally> {
        let i = *self.busy.get(&key(list))?;
        self.busy_tallies.get(i as usize).map(|t| &**t)
    }

    /// The heap size of the busy lists' counts, in bytes (for the load log).
    pub(super) fn busy_bytes(&self) -> usize {
        let each = |t: &ListTally| (t.countries.len() + t.participants.len() + t.topics.len()) * 8 + t.known.len() * 4;
        self.busy_tallies.iter().map(|t| each(t)).sum::<usize>() + self.busy.len() * 24
    }
}

impl KnowledgeGraph {
    /// This graph with the counts of every actor's and place's events of at least `busy`
    /// items built (a load builds them from [`BUSY`]; `usize::MAX`: none): for tests that
    /// compare the look-up with the walk on a small graph.
    #[doc(hidden)]
    pub fn with_busy_lists(mut self, busy: usize) -> Self {
        let order = self.all(EntityKind::Event);
        let events: Vec<&Event> = order.iter().filter_map(|&n| self.event(n)).collect();
        let masks = super::prefix::topic_masks(&events, &self.analytics.topic_names);
        let lists = build(&self, &self.analytics, busy, masks.as_deref());
        self.analytics.set_busy(lists, busy);
        self
    }

    /// How many lists have their counts built (see [`Self::with_busy_lists`]).
    #[doc(hidden)]
    pub fn busy_lists(&self) -> usize {
        self.analytics.busy_tallies.len()
    }

    /// The items of `list` (events, in date order) known by day `by`, when `list` is a busy
    /// list: a scan of its first-known days, no entity read.
    pub(crate) fn busy_known_by(&self, list: &[NodeId], by: NaiveDate) -> Option<Vec<NodeId>> {
        let t = self.analytics.busy(list)?;
        let d = day(by);
        Some(list.iter().zip(&t.known).filter(|&(_, &k)| k <= d).map(|(&n, _)| n).collect())
    }
}
