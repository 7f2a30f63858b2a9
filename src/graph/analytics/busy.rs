//! The counts of the busiest actors' and places' events, built at load: a facet of a list of
//! at least [`BUSY`] events (an actor's or a place's events, unfiltered) is a look-up, and a
//! `knownBy` on it is a scan of a compact array of first-known days in the list's order,
//! with no entity read. Shorter lists are walked, which costs fewer than [`BUSY`] reads.
//!
//! A list is recognised by where its items live (the address and length of the slice the
//! graph lends for it): the graph is immutable once built, so those never change.

use super::index::{day, each_participant, each_topic, Analytics, NONE};
use super::{top, EventTally};
use crate::graph::KnowledgeGraph;
use crate::model::*;
use chrono::NaiveDate;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

/// The shortest list whose counts are built at load.
pub(crate) const BUSY: usize = 1024;

/// The counts of one busy list (see the module doc).
pub(super) struct ListTally {
    /// Kinds, statuses, modes and precisions.
    pub tally: EventTally,
    /// Per country, per participant and per topic (an index of `Analytics::topics`), most
    /// first, in the order the facets serve.
    pub countries: Vec<(NodeId, u32)>,
    pub participants: Vec<(NodeId, u32)>,
    pub topics: Vec<(u32, u32)>,
    /// Per item of the list, in its order: the first day it was known.
    pub known: Vec<i32>,
}

/// The key of a list: the address and length of its items.
pub(super) fn key(list: &[NodeId]) -> (usize, usize) {
    (list.as_ptr() as usize, list.len())
}

/// The busy lists of `g` (every actor's and every place's events of at least `busy` items),
/// keyed, and their counts.
pub(super) fn build(g: &KnowledgeGraph, a: &Analytics, busy: usize) -> (HashMap<(usize, usize), u32>, Vec<ListTally>) {
    let lists: Vec<&[NodeId]> = [EntityKind::Actor, EntityKind::Place]
        .iter()
        .flat_map(|&k| g.all(k).iter())
        .map(|&n| &g.reverse(n).events[..])
        .filter(|l| l.len() >= busy.max(1))
        .collect();
    let topic_index: HashMap<&str, u32> = a.topics.iter().enumerate().map(|(i, (t, _))| (&**t, i as u32)).collect();
    let tallies: Vec<ListTally> = lists.par_iter().map(|l| tally(g, a, &topic_index, l)).collect();
    let keys = lists.iter().enumerate().map(|(i, l)| (key(l), i as u32)).collect();
    (keys, tallies)
}

/// The counts of `list`, walked once.
fn tally(g: &KnowledgeGraph, a: &Analytics, topic_index: &HashMap<&str, u32>, list: &[NodeId]) -> ListTally {
    let mut t = EventTally::default();
    let (mut countries, mut participants, mut topics): (HashMap<u32, u32>, HashMap<NodeId, u32>, HashMap<u32, u32>) =
        Default::default();
    let mut known = Vec::with_capacity(list.len());
    for &n in list {
        let pos = g.rank(n) as usize;
        if let Some(&x) = a.attrs.get(pos) {
            t.add(x);
        }
        match a.country.get(pos) {
            Some(&c) if c != NONE => *countries.entry(c).or_default() += 1,
            _ => {}
        }
        if let Some(e) = g.event(n) {
            each_participant(e, |p| *participants.entry(p).or_default() += 1);
            each_topic(e, |s| {
                if let Some(&i) = topic_index.get(s) {
                    *topics.entry(i).or_default() += 1
                }
            });
        }
        known.push(a.known.get(n.index()).copied().unwrap_or(i32::MAX));
    }
    let mut topics: Vec<(u32, u32)> = topics.into_iter().collect();
    let name = |i: u32| a.topics.get(i as usize).map_or("", |(s, _)| &**s);
    topics.sort_unstable_by(|x, y| y.1.cmp(&x.1).then(name(x.0).cmp(name(y.0))));
    ListTally {
        tally: t,
        countries: top(g, countries.into_iter().map(|(c, k)| (NodeId(c), k)).collect(), usize::MAX),
        participants: top(g, participants.into_iter().collect(), usize::MAX),
        topics,
        known,
    }
}

impl Analytics {
    /// The counts of `list` when it is a busy list.
    pub(super) fn busy(&self, list: &[NodeId]) -> Option<&ListTally> {
        let i = *self.busy.get(&key(list))?;
        self.busy_tallies.get(i as usize)
    }

    /// The heap size of the busy lists' counts, in bytes (for the load log).
    pub(super) fn busy_bytes(&self) -> usize {
        let each = |t: &ListTally| (t.countries.len() + t.participants.len() + t.topics.len()) * 8 + t.known.len() * 4;
        self.busy_tallies.iter().map(each).sum::<usize>() + self.busy.len() * 24
    }
}

impl KnowledgeGraph {
    /// The items of `list` (events, in date order) known by day `by`, when `list` is a busy
    /// list: a scan of its first-known days, no entity read.
    pub(crate) fn busy_known_by(&self, list: &[NodeId], by: NaiveDate) -> Option<Vec<NodeId>> {
        let t = self.analytics.busy(list)?;
        let d = day(by);
        Some(list.iter().zip(&t.known).filter(|&(_, &k)| k <= d).map(|(&n, _)| n).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::EventQuery;
    use crate::graph::EventSet;

    /// A generated seed of 1,000 events, with busy lists looked up (`busy` 1: every list is
    /// one) or walked (`None`: none is).
    fn graph(busy: Option<usize>) -> KnowledgeGraph {
        let dir = tempfile::tempdir().expect("tempdir");
        crate::generate::generate(&crate::generate::GenerateConfig { events: 1000, seed: 7 }, dir.path()).expect("gen");
        let mut g = crate::seed::load(dir.path()).expect("generated seed");
        let (keys, tallies) = match busy {
            Some(b) => build(&g, &g.analytics, b),
            None => Default::default(),
        };
        (g.analytics.busy, g.analytics.busy_tallies, g.analytics.busy_min) =
            (keys, tallies, busy.unwrap_or(usize::MAX));
        g
    }

    #[test]
    fn a_busy_lists_counts_are_those_of_its_walk() {
        let (walked, looked_up) = (graph(None), graph(Some(1)));
        let lists = |g: &KnowledgeGraph| -> Vec<NodeId> {
            [EntityKind::Actor, EntityKind::Place].iter().flat_map(|&k| g.all(k).to_vec()).collect()
        };
        assert_eq!(lists(&walked), lists(&looked_up));
        assert!(looked_up.analytics.busy_tallies.len() > 100, "every actor's and place's events are a busy list");
        assert!(walked.analytics.busy_tallies.is_empty());
        for n in lists(&walked) {
            let (w, l) = (EventSet::List(&walked.reverse(n).events), EventSet::List(&looked_up.reverse(n).events));
            assert!(looked_up.busy_set(&l).is_some() || walked.reverse(n).events.is_empty());
            assert_eq!(walked.event_tally(w), looked_up.event_tally(l), "{n:?}");
            for first in [1, 3, 100] {
                assert_eq!(walked.event_countries(w, first), looked_up.event_countries(l, first), "{n:?}");
                assert_eq!(walked.event_topics(w, first), looked_up.event_topics(l, first), "{n:?}");
                for kind in [None, Some(ActorKind::Person), Some(ActorKind::Government)] {
                    let (a, b) =
                        (walked.event_participants(w, kind, first), looked_up.event_participants(l, kind, first));
                    assert_eq!(a, b, "{n:?} {kind:?}");
                }
            }
        }
    }

    #[test]
    fn a_busy_lists_known_by_is_that_of_the_walk() {
        let (walked, looked_up) = (graph(None), graph(Some(1)));
        let days: Vec<NaiveDate> = ["2019-06-30", "2020-03-05", "2020-06-30", "2021-01-01", "2022-12-31"]
            .iter()
            .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("a day"))
            .collect();
        let mut kept_some = false;
        for n in walked.all(EntityKind::Actor).iter().chain(walked.all(EntityKind::Place)) {
            for &by in &days {
                let involving = if walked.actor(*n).is_some() { vec![*n] } else { vec![] };
                let at = if involving.is_empty() { vec![*n] } else { vec![] };
                let q = EventQuery { involving, at, known_by: Some(by), ..EventQuery::default() };
                let (a, b): (Vec<NodeId>, Vec<NodeId>) =
                    (walked.events(&q).iter().collect(), looked_up.events(&q).iter().collect());
                let brute: Vec<NodeId> =
                    walked.reverse(*n).events.iter().copied().filter(|&e| walked.known_by(e, by)).collect();
                assert_eq!(a, brute, "{n:?} {by}");
                assert_eq!(b, brute, "{n:?} {by}");
                kept_some |= !brute.is_empty() && brute.len() < walked.reverse(*n).events.len();
            }
        }
        assert!(kept_some, "some day keeps part of a list");
    }
}
