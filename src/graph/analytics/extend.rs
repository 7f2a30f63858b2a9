//! The analytics of a graph extended by a write that only adds records (see `rebuild.rs`),
//! and of one whose replaced events were re-indexed (`Analytics::reindexed`, its own doc
//! says how):
//! the previous graph's, patched for the added events and records, in time proportional to
//! them plus linear copies (no sort of the events, no entity of the previous graph read):
//!
//! - what is kept by position in the date order (kinds, countries, codes, first-known days):
//!   the added events' values inserted at their positions (a copy);
//! - the prefix tallies by start day and by end day, and the per-day counts of countries and
//!   topics: the cuts merged with the added events' days, each row the old row plus the
//!   added events before it (`layered::merged_cuts`; a new country is a new column, a new
//!   topic a new index after the others, so old columns keep theirs); the per-day counts are
//!   kept in chunks of rows, and the chunks before the first added day are shared
//!   (`prefix.rs`);
//! - the wavelet matrices (first-known days by position and by end day, precisions by end
//!   day): shared, the added events counted beside them (`layered.rs`);
//! - the whole kind's counts per country, participant and topic: the added events counted
//!   in, the entries that changed moved to their places (the others keep their order: an old
//!   node's rank may change but not its order among the old ones);
//! - the busy lists: the lists the added events joined patched the same way; a list that
//!   grows past the threshold walked once; every other one shared;
//! - first-known days per node: the added nodes' appended; office holders shared, built
//!   again when an actor was added (or, `Analytics::recite`, one's positions replaced; a
//!   replaced record's first-known day is read again there too).
//!
//! The internal tables may differ from a whole build's (a code or topic first seen in a write
//! is numbered after the others), never the answers: `tests/it/extend.rs` compares the
//! facets, timelines and `knownBy` counts of both over many sets.

use super::busy::{self, ListTally, Topics};
use super::index::with_new_topics;
use super::index::{
    country_of, day, each_participant, each_topic, holders, pack, precision_end, Analytics, ByEnd, Placed, Time, NONE,
};
use super::prefix::{topic_bits, topic_index, Moved, MAX_TOPICS};
use super::{top, EventTally};
use crate::graph::layered::{insert_at, merged_cuts};
use crate::graph::KnowledgeGraph;
use crate::model::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cmp::Reverse;
use std::hash::Hash;
use std::sync::Arc;

/// The first day a report told of node `n` of `g` (see `Analytics::known`).
fn known_from(g: &KnowledgeGraph, n: NodeId) -> i32 {
    let published = |s: NodeId| g.source(s).and_then(|s| s.published).map_or(i32::MAX, day);
    match g.entity(n) {
        Entity::Source(_) => published(n),
        e => e.sources().iter().map(|&s| published(s)).min().unwrap_or(i32::MAX),
    }
}

impl Analytics {
    /// These analytics (of `g`) with the first-known days of the nodes `recited` (replaced
    /// records other than events whose own citations changed) read again from `g`, and the
    /// day by which every agreement and every statement was known found again when one of
    /// theirs changed; the office holders made again when `reheld` (an actor's positions
    /// replaced).
    pub(crate) fn recite(&mut self, g: &KnowledgeGraph, recited: &[NodeId], reheld: bool) {
        let mut again = [false; 3];
        for &r in recited {
            let k = known_from(g, r);
            if self.known.get(r.index()).is_some_and(|&was| was != k) {
                self.known[r.index()] = k;
                match g.entity(r).kind() {
                    EntityKind::Agreement => again[1] = true,
                    EntityKind::Statement => again[2] = true,
                    _ => {}
                }
            }
        }
        for (slot, kind) in [(1, EntityKind::Agreement), (2, EntityKind::Statement)] {
            if again[slot] {
                let latest = g.all(kind).iter().filter_map(|n| self.known.get(n.index()).copied()).max();
                self.all_known[slot] = latest.unwrap_or(i32::MIN);
            }
        }
        if reheld {
            self.holders = Arc::new(holders(g));
        }
    }

    /// These analytics (of `g`, made from `prev`'s) once the records `gone` were retracted
    /// (the events among them already taken out, [`Analytics::reindexed`]): the day by which
    /// every agreement and every statement was known found again when one of theirs went,
    /// the office holders made again when an actor holding one went.
    pub(crate) fn retracted(&mut self, g: &KnowledgeGraph, prev: &KnowledgeGraph, gone: &[NodeId]) {
        for (slot, kind) in [(1, EntityKind::Agreement), (2, EntityKind::Statement)] {
            if gone.iter().any(|&r| prev.entity(r).kind() == kind) {
                let latest = g.all(kind).iter().filter_map(|n| self.known.get(n.index()).copied()).max();
                self.all_known[slot] = latest.unwrap_or(i32::MIN);
            }
        }
        if gone.iter().any(|&r| prev.actor(r).is_some_and(|a| !a.positions.is_empty())) {
            self.holders = Arc::new(holders(g));
        }
    }

    /// These analytics (of `g`) once the actors and places `renamed` took new places in
    /// their orders: the counts per participant and per country that hold one of them (the
    /// whole kind's and the busy lists'), which break ties by rank, sorted again.
    pub(crate) fn reranked(&mut self, g: &KnowledgeGraph, renamed: &[NodeId]) {
        if renamed.is_empty() {
            return;
        }
        let renamed: HashSet<NodeId> = renamed.iter().copied().collect();
        let holds = |list: &[(NodeId, u32)]| list.iter().any(|(n, _)| renamed.contains(n));
        let sort = |list: &mut Vec<(NodeId, u32)>| list.sort_unstable_by_key(|&(n, k)| (Reverse(k), g.rank(n)));
        for list in [&mut self.participants, &mut self.countries] {
            if holds(list) {
                sort(list);
            }
        }
        for t in &mut self.busy_tallies {
            if holds(&t.participants) || holds(&t.countries) {
                let mut changed = (**t).clone();
                sort(&mut changed.participants);
                sort(&mut changed.countries);
                *t = Arc::new(changed);
            }
        }
    }
}

/// What counting needs of an added event.
struct Added<'g> {
    node: NodeId,
    /// Its position in the new date order.
    pos: usize,
    event: &'g Event,
    start: i32,
    end: i32,
    attrs: u16,
    country: u32,
    known: i32,
}

impl Analytics {
    /// The analytics of `g`, the graph `prev` (whose analytics these are) extended by the
    /// nodes from `old` on, its orders, reverse lists and date index already extended.
    pub(crate) fn extended(&self, g: &KnowledgeGraph, prev: &KnowledgeGraph, old: usize) -> Analytics {
        let n = g.node_count();
        let mut known = self.known.clone();
        known.extend((old..n).map(|i| known_from(g, NodeId(i as u32))));
        let mut all_known = self.all_known;
        for (i, &k) in known.iter().enumerate().skip(old) {
            let slot = match g.entity(NodeId(i as u32)).kind() {
                EntityKind::Event => 0,
                EntityKind::Agreement => 1,
                EntityKind::Statement => 2,
                _ => continue,
            };
            all_known[slot] = all_known[slot].max(k);
        }
        let mut added: Vec<Added<'_>> = (old..n)
            .filter_map(|i| {
                let node = NodeId(i as u32);
                let event = g.event(node)?;
                let (start, end) = (day(event.when.start), day(event.when.end));
                let (attrs, country) = (pack(event), country_of(g, event.place));
                Some(Added { node, pos: g.rank(node) as usize, event, start, end, attrs, country, known: known[i] })
            })
            .collect();
        added.sort_unstable_by_key(|a| a.pos);
        let attrs: Vec<u16> = insert_at(&self.attrs, &added.iter().map(|a| (a.pos, a.attrs)).collect::<Vec<_>>());
        let country = insert_at(&self.country, &added.iter().map(|a| (a.pos, a.country)).collect::<Vec<_>>());
        let known_at = insert_at(&self.known_at, &added.iter().map(|a| (a.pos, a.known)).collect::<Vec<_>>());

        // The tallies before each start day (positions are in start-day order).
        let last = self.days.len().saturating_sub(1);
        let starts: Vec<i32> = added.iter().map(|a| a.start).collect();
        let mut start_cuts = merged_cuts(self.days.get(..last).unwrap_or_default(), &starts);
        start_cuts.push((i32::MAX, last, added.len()));
        let (mut days, mut firsts, mut before) = (Vec::new(), Vec::new(), Vec::new());
        let mut running = EventTally::default();
        let mut done = 0;
        for &(d, i, b) in &start_cuts {
            while done < b {
                running.add(added[done].attrs);
                done += 1;
            }
            days.push(d);
            firsts.push(self.firsts.get(i).copied().unwrap_or_default() + b as u32);
            before.push(self.before.get(i).cloned().unwrap_or_default().plus(&running));
        }

        // The tallies before each end day.
        let mut by_end: Vec<&Added<'_>> = added.iter().collect();
        by_end.sort_by_key(|a| a.end);
        let ends: Vec<i32> = by_end.iter().map(|a| a.end).collect();
        let mut end_cuts = merged_cuts(&self.end_days, &ends);
        end_cuts.push((i32::MAX, self.end_days.len(), added.len()));
        let (mut end_days, mut ending_before) = (Vec::new(), Vec::new());
        let (mut running, mut done) = (EventTally::default(), 0);
        for (k, &(d, i, b)) in end_cuts.iter().enumerate() {
            while done < b {
                running.add(by_end[done].attrs);
                done += 1;
            }
            if k + 1 < end_cuts.len() {
                end_days.push(d);
            }
            ending_before.push(self.ending_before.get(i).cloned().unwrap_or_default().plus(&running));
        }

        // The wavelet matrices, their added events beside them.
        let ends_by_position = g.dates.end_days();
        let keys: Vec<(usize, i64)> = added.iter().map(|a| (a.pos, i64::from(a.known))).collect();
        let known_by_position =
            self.known_by_position.inserted(&keys, || known_at.iter().map(|&k| i64::from(k)).collect());
        let points: Vec<(i64, i64)> = added.iter().map(|a| (i64::from(a.end), i64::from(a.known))).collect();
        let known_by_end = self.known_by_end.added(&points, || {
            ends_by_position.iter().zip(&known_at).map(|(&e, &k)| (i64::from(e), i64::from(k))).collect()
        });
        let keys: Vec<(usize, i64)> = added.iter().map(|a| (a.pos, precision_end(a.attrs >> 9 & 0x3, a.end))).collect();
        let precision_ends = self.precision_ends.inserted(&keys, || {
            ends_by_position.iter().zip(&attrs).map(|(&e, &x)| precision_end(x >> 9 & 0x3, e)).collect()
        });

        // The whole kind's counts.
        let mut by_country: HashMap<u32, u32> = self.countries.iter().map(|&(c, k)| (c.0, k)).collect();
        added.iter().filter(|a| a.country != NONE).for_each(|a| *by_country.entry(a.country).or_default() += 1);
        let countries = top(g, by_country.into_iter().map(|(c, k)| (NodeId(c), k)).collect(), usize::MAX);
        let mut met: HashMap<NodeId, i64> = HashMap::default();
        added.iter().for_each(|a| each_participant(a.event, |x| *met.entry(x).or_default() += 1));
        let participants = changed_counts(&self.participants, &met, |&(x, k)| (Reverse(k), g.rank(x)));
        let mut seen: HashMap<&str, i64> = HashMap::default();
        added.iter().for_each(|a| each_topic(a.event, |t| *seen.entry(t).or_default() += 1));
        let (topic_names, topics) = self.changed_topics(&seen);

        // Codes: a code first seen here is numbered after the others.
        let mut numbered = CodeCounts::of(self);
        let new_codes: Vec<(usize, u32)> = added.iter().map(|a| (a.pos, numbered.count(a.event.codes()))).collect();
        let codes = insert_at(&self.codes, &new_codes);
        let CodeCounts { table: code_table, totals: code_totals, .. } = numbered;
        let actor_added = (old..n).any(|i| g.actor(NodeId(i as u32)).is_some());

        let mut a = Analytics {
            attrs,
            country,
            days,
            firsts,
            before,
            known,
            countries,
            participants,
            topics,
            topic_names,
            holders: if actor_added { Arc::new(holders(g)) } else { self.holders.clone() },
            codes,
            code_table,
            code_totals,
            known_at,
            known_by_position,
            known_by_end,
            end_days,
            ending_before,
            precision_ends,
            all_known,
            busy: HashMap::default(),
            busy_tallies: Vec::new(),
            busy_min: self.busy_min,
            vocab: Default::default(),
            masks: None,
        };
        let index = topic_index(&a.topic_names);
        let bits = a.topic_names.len() <= MAX_TOPICS;
        let mask = |e: &Event| if bits { topic_bits(&index, e) } else { 0 };
        let by_start: Vec<(u32, u64)> = added.iter().map(|x| (x.country, mask(x.event))).collect();
        let masks = match &self.masks {
            Some(m) if a.topic_names.len() <= MAX_TOPICS => {
                Some(insert_at(m, &added.iter().zip(&by_start).map(|(x, b)| (x.pos, b.1)).collect::<Vec<_>>()))
            }
            _ => None,
        };
        let by_end: Vec<(u32, u64)> = by_end.iter().map(|x| (x.country, mask(x.event))).collect();
        let vocab = self.vocab.extended(&a, &start_cuts, &by_start, &end_cuts, &by_end);
        let (keys, tallies) = self.extended_busy(g, prev, &a, &index, &added, old);
        drop(index);
        a.vocab = vocab;
        a.masks = masks;
        (a.busy, a.busy_tallies) = (keys, tallies);
        a
    }

    /// The busy lists of `g` (see `busy.rs`): those of `prev` whose list the added events
    /// joined patched, the lists that grew past the threshold walked, the others shared and
    /// keyed by where `g` keeps them. `a`: the new analytics, `index` its topics by name.
    fn extended_busy(
        &self,
        g: &KnowledgeGraph,
        prev: &KnowledgeGraph,
        a: &Analytics,
        index: &HashMap<&str, u32>,
        added: &[Added<'_>],
        old: usize,
    ) -> busy::BusyLists {
        let mut keys: HashMap<(usize, usize), u32> = HashMap::default();
        let mut tallies: Vec<Arc<ListTally>> = Vec::with_capacity(self.busy_tallies.len());
        let mut busy: HashSet<NodeId> = HashSet::default();
        for t in &self.busy_tallies {
            let list = &g.reverse(t.node).events[..];
            let before = &prev.reverse(t.node).events[..];
            busy.insert(t.node);
            keys.insert(busy::key(list), tallies.len() as u32);
            // A list the additions left alone may still live elsewhere (its node's lists
            // copied): it is keyed where `g` keeps it.
            tallies.push(if list.len() == before.len() {
                t.clone()
            } else {
                Arc::new(patch(g, a, index, t, list, old))
            });
        }
        // The lists the added events joined that were not busy and are now.
        let mut joined: Vec<NodeId> = Vec::new();
        for x in added {
            g.each_back_link(x.node, |target, list| {
                if list == crate::graph::build::EVENTS {
                    joined.push(target)
                }
            });
        }
        joined.sort_unstable();
        joined.dedup();
        let topics = Topics { index: index.clone(), masks: None };
        for node in joined.into_iter().filter(|n| !busy.contains(n)) {
            let list = &g.reverse(node).events[..];
            if list.len() >= busy::threshold(g.entity(node).kind(), self.busy_min) {
                keys.insert(busy::key(list), tallies.len() as u32);
                tallies.push(Arc::new(busy::tally(g, a, &topics, node, list)));
            }
        }
        (keys, tallies)
    }
}

impl Analytics {
    /// The analytics of `g`, the graph `prev` (whose analytics these are) with the events
    /// `again` replaced and re-indexed (moved in the order, or with other participants,
    /// place, kind, status, mode, topics, codes or citations), no node added; its orders, reverse lists and date
    /// index already made. `changed`: the actors and places whose lists of events changed.
    ///
    /// What is kept by position is copied from `prev`'s positions (each event found by its
    /// rank there), the re-indexed events' read from their records; the tallies by start day
    /// summed again along the positions (a linear pass over packed records), those by end
    /// day patched and the wavelet matrices shared, each re-indexed event taken out of its
    /// position before and put in at its new one (`Time::moved`), the per-day counts
    /// likewise (`VocabCounts::moved`; built again from the arrays when a country or topic
    /// is gained or lost); the whole kind's counts per country and participant get the events'
    /// old entries taken out and their new ones put in, and so do the topics' (a topic first
    /// seen here numbered after the others, its bits by position made for the re-indexed
    /// events); codes first seen here are numbered
    /// after the others (a code no event has any more keeps its entry, counted 0); the busy
    /// lists of `changed` patched likewise (`moved_in_list`), the others shared. No entity is read but the
    /// re-indexed events' (and each event's topics, for the per-day counts).
    pub(crate) fn reindexed(
        &self,
        g: &KnowledgeGraph,
        prev: &KnowledgeGraph,
        again: &[NodeId],
        changed: &HashSet<NodeId>,
    ) -> Analytics {
        let order = g.all(EntityKind::Event);
        let fresh: HashSet<NodeId> = again.iter().copied().collect();
        let mut known = self.known.clone();
        for &r in again {
            known[r.index()] = known_from(g, r);
        }
        let mut numbered = CodeCounts::of(self);
        let (mut by_country, mut met): (HashMap<u32, i64>, HashMap<NodeId, i64>) = Default::default();
        for &r in again {
            let (Some(p), Some(e)) = (prev.event(r).map(|_| prev.rank(r) as usize), prev.event(r)) else { continue };
            if let Some(t) = self.codes.get(p).and_then(|&c| numbered.totals.get_mut(c as usize)) {
                *t -= 1;
            }
            *by_country.entry(self.country.get(p).copied().unwrap_or(NONE)).or_default() -= 1;
            each_participant(e, |x| *met.entry(x).or_default() -= 1);
        }
        let len = order.len();
        let (mut attrs, mut country, mut codes, mut known_at) =
            (Vec::with_capacity(len), Vec::with_capacity(len), Vec::with_capacity(len), Vec::with_capacity(len));
        for &m in order {
            let was = (!fresh.contains(&m)).then(|| prev.rank(m) as usize).filter(|&p| p < self.attrs.len());
            match (was, g.event(m)) {
                (Some(p), _) => {
                    attrs.push(self.attrs[p]);
                    country.push(self.country[p]);
                    codes.push(self.codes[p]);
                    known_at.push(self.known_at[p]);
                }
                (None, Some(e)) => {
                    let c = country_of(g, e.place);
                    attrs.push(pack(e));
                    country.push(c);
                    *by_country.entry(c).or_default() += 1;
                    each_participant(e, |x| *met.entry(x).or_default() += 1);
                    codes.push(numbered.count(e.codes()));
                    known_at.push(known[m.index()]);
                }
                (None, None) => {}
            }
        }
        // The tallies before each start day: the date index's start days, summed along.
        let starts = g.dates.start_days();
        let (mut days, mut firsts, mut before) = (Vec::new(), Vec::new(), Vec::new());
        let mut running = EventTally::default();
        let mut done = 0;
        for &(d, first) in starts.iter().chain(std::iter::once(&(i32::MAX, len as u32))) {
            while done < first as usize {
                running.add(attrs[done]);
                done += 1;
            }
            days.push(d);
            firsts.push(first);
            before.push(running.clone());
        }
        by_country.remove(&NONE);
        let countries = changed_counts(
            &self.countries,
            &by_country.into_iter().map(|(c, k)| (NodeId(c), k)).collect(),
            |&(x, k)| (Reverse(k), g.rank(x)),
        );
        let participants = changed_counts(&self.participants, &met, |&(x, k)| (Reverse(k), g.rank(x)));
        // Topics: the re-indexed events' old ones out, their new ones in; a topic first seen
        // here numbered after the others (one no event has any more keeps its number).
        let mut topic_change: HashMap<&str, i64> = HashMap::default();
        for &r in again {
            prev.event(r).into_iter().for_each(|e| each_topic(e, |t| *topic_change.entry(t).or_default() -= 1));
            g.event(r).into_iter().for_each(|e| each_topic(e, |t| *topic_change.entry(t).or_default() += 1));
        }
        let (topic_names, topics) = self.changed_topics(&topic_change);
        let CodeCounts { table: code_table, totals: code_totals, .. } = numbered;
        let mut all_known = self.all_known;
        all_known[0] = known_at.iter().copied().max().unwrap_or(i32::MIN);
        let time = crate::timing::timed("graph: analytics: time axes patched", || {
            // The re-indexed events as they were, at their positions before, and as they are.
            let (ends_before, ends) = (prev.dates.end_days(), g.dates.end_days());
            let placed = |e: &Option<&Event>, p: usize, ends: &[i32], attrs: &[u16], known_at: &[i32]| {
                e.and_then(|_| {
                    Some(Placed { pos: p, end: *ends.get(p)?, attrs: *attrs.get(p)?, known: *known_at.get(p)? })
                })
            };
            let mut out: Vec<Placed> = again
                .iter()
                .filter_map(|&r| {
                    placed(&prev.event(r), prev.rank(r) as usize, ends_before, &self.attrs, &self.known_at)
                })
                .collect();
            let mut ins: Vec<Placed> = again
                .iter()
                .filter_map(|&r| placed(&g.event(r), g.rank(r) as usize, ends, &attrs, &known_at))
                .collect();
            out.sort_unstable_by_key(|x| x.pos);
            ins.sort_unstable_by_key(|x| x.pos);
            Time::moved(self, &out, &ins, ends, &attrs, &known_at)
        });
        let mut a = Analytics {
            attrs,
            country,
            days,
            firsts,
            before,
            known,
            countries,
            participants,
            topics,
            topic_names,
            holders: self.holders.clone(),
            codes,
            code_table,
            code_totals,
            known_at,
            known_by_position: time.known_by_position,
            known_by_end: time.known_by_end,
            end_days: time.end_days,
            ending_before: time.ending_before,
            precision_ends: time.precision_ends,
            all_known,
            busy: HashMap::default(),
            busy_tallies: Vec::new(),
            busy_min: self.busy_min,
            vocab: Default::default(),
            masks: None,
        };
        // Each event's topic bits found by its rank in `prev`, the re-indexed events' made
        // from their topics (none when the topics outgrew the bits).
        let masks = crate::timing::timed("graph: analytics: topics by position", || {
            let was = self.masks.as_ref()?;
            if a.topic_names.len() > MAX_TOPICS {
                return None;
            }
            let index = topic_index(&a.topic_names);
            // Only the re-indexed events' records read.
            let bits = |m: NodeId| {
                if fresh.contains(&m) {
                    g.event(m).map_or(0, |e| topic_bits(&index, e))
                } else {
                    was.get(prev.rank(m) as usize).copied().unwrap_or(0)
                }
            };
            Some(order.iter().map(|&m| bits(m)).collect::<Vec<u64>>())
        });
        a.vocab = crate::timing::timed("graph: analytics: countries and topics by day", || {
            // The re-indexed events as they were and as they are, by position.
            let moved = |x: &KnowledgeGraph, an: &Analytics, bits: Option<&Vec<u64>>, r: NodeId| {
                let (e, p) = (x.event(r)?, x.rank(r) as usize);
                let mask = bits.map_or(Some(0), |m| m.get(p).copied())?;
                let (start, end, country) = (day(e.when.start), day(e.when.end), *an.country.get(p)?);
                Some(Moved { start, end, country, mask })
            };
            let out: Option<Vec<Moved>> = again.iter().map(|&r| moved(prev, self, self.masks.as_ref(), r)).collect();
            let ins: Option<Vec<Moved>> =
                again.iter().filter(|&&r| !g.is_retracted(r)).map(|&r| moved(g, &a, masks.as_ref(), r)).collect();
            out.zip(ins)
                .and_then(|(out, ins)| self.vocab.moved((self, &a), masks.as_deref(), &out, &ins))
                .unwrap_or_else(|| {
                    let by_end = ByEnd::counted(g.dates.end_days(), &a.end_days);
                    super::prefix::VocabCounts::build(&a, masks.as_deref(), &by_end.order, &by_end.cuts)
                })
        });
        let lists = crate::timing::timed("graph: analytics: busy lists", || {
            let index = topic_index(&a.topic_names);
            let patch = |t: &ListTally, list: &[NodeId]| self.moved_in_list((g, prev), &a, &index, again, t, list);
            busy::rebuilt(g, &a, self.busy_min, masks.as_deref(), (self, changed), patch)
        });
        (a.busy, a.busy_tallies) = lists;
        a.masks = masks;
        a
    }
}

impl Analytics {
    /// The topics' names and the whole kind's counts per topic once `change` is added to
    /// the counts: a topic first seen here numbered after the others (one no event has any
    /// more keeps its number), topics left with none taken out of the counts.
    fn changed_topics(&self, change: &HashMap<&str, i64>) -> (Vec<Box<str>>, TopicCounts) {
        if change.values().all(|&k| k == 0) {
            return (self.topic_names.clone(), self.topics.clone());
        }
        let mut counts: HashMap<&str, i64> = self.topics.iter().map(|(t, k)| (&**t, i64::from(*k))).collect();
        change.iter().for_each(|(t, k)| *counts.entry(t).or_default() += k);
        counts.retain(|_, k| *k > 0);
        let names = with_new_topics(&self.topic_names, counts.keys().copied());
        let topics = super::top_topics(counts.into_iter().map(|(t, k)| (t, k as u32)).collect(), usize::MAX)
            .into_iter()
            .map(|(t, k)| (Box::from(t), k))
            .collect();
        (names, topics)
    }
}

/// Per topic, how many events have it (`Analytics::topics`).
type TopicCounts = Vec<(Box<str>, u32)>;

/// The events' distinct codes (`Analytics::code_table`) and how many events have each, as a
/// write changes them: a code first seen is numbered after the others.
struct CodeCounts {
    ids: HashMap<EventCodes, u32>,
    table: Vec<EventCodes>,
    totals: Vec<u32>,
}

impl CodeCounts {
    fn of(a: &Analytics) -> Self {
        let ids = a.code_table.iter().enumerate().map(|(i, c)| (*c, i as u32)).collect();
        CodeCounts { ids, table: a.code_table.clone(), totals: a.code_totals.clone() }
    }

    /// One more event with `code`: its number.
    fn count(&mut self, code: EventCodes) -> u32 {
        let (table, totals) = (&mut self.table, &mut self.totals);
        let id = *self.ids.entry(code).or_insert_with(|| {
            table.push(code);
            totals.push(0);
            (table.len() - 1) as u32
        });
        if let Some(t) = totals.get_mut(id as usize) {
            *t += 1;
        }
        id
    }
}

impl Analytics {
    /// The counts of busy list `t` (of these analytics, `prev`'s) once the events `again`
    /// were re-indexed (`g` the graph now, `a` its analytics, numbering topics as these do
    /// and new ones after, `index` by name) and the list is `list`: the events that were in
    /// it taken out as they were, those in it now counted in as they are. `None` when an
    /// event is not where the analytics say.
    fn moved_in_list(
        &self,
        (g, prev): (&KnowledgeGraph, &KnowledgeGraph),
        a: &Analytics,
        index: &HashMap<&str, u32>,
        again: &[NodeId],
        t: &ListTally,
        list: &[NodeId],
    ) -> Option<ListTally> {
        let in_list = |x: &KnowledgeGraph, r: NodeId| {
            let mut found = false;
            x.each_back_link(r, |n, l| found |= l == crate::graph::build::EVENTS && n == t.node);
            found
        };
        let mut change = ListChange::of(t);
        for &r in again {
            for (x, an, sign) in [(prev, self, -1), (g, a, 1)] {
                if in_list(x, r) {
                    change.count(x, an, index, r, sign)?;
                }
            }
        }
        Some(change.tally_of(g, a, t, list))
    }
}

/// `list` (sorted by `key`, whose keys are all different) with the counts `change` added
/// to its entries (new entries for keys not in it; entries left with none taken out),
/// sorted again: the changed entries taken out and put back at their places (a whole sort
/// when they are many).
fn changed_counts<K: Copy + Eq + Hash, O: Ord>(
    list: &[(K, u32)],
    change: &HashMap<K, i64>,
    key: impl Fn(&(K, u32)) -> O,
) -> Vec<(K, u32)> {
    let mut now: HashMap<K, i64> = change.iter().filter(|(_, &d)| d != 0).map(|(&k, &d)| (k, d)).collect();
    if now.is_empty() {
        return list.to_vec();
    }
    let mut out = Vec::with_capacity(list.len() + now.len());
    for &(k, v) in list {
        match now.get_mut(&k) {
            Some(d) => *d += i64::from(v),
            None => out.push((k, v)),
        }
    }
    let changed: Vec<(K, u32)> = now.into_iter().filter(|&(_, v)| v > 0).map(|(k, v)| (k, v as u32)).collect();
    if changed.len() > 64 && changed.len() * 8 > out.len() {
        out.extend(changed);
        out.sort_unstable_by_key(|x| key(x));
        return out;
    }
    for c in changed {
        let at = out.partition_point(|x| key(x) < key(&c));
        out.insert(at, c);
    }
    out
}

/// The counts of busy list `t` once its list is `list` (the added events, from node `old`
/// on, merged into it): the added events counted in.
fn patch(
    g: &KnowledgeGraph,
    a: &Analytics,
    index: &HashMap<&str, u32>,
    t: &ListTally,
    list: &[NodeId],
    old: usize,
) -> ListTally {
    let mut change = ListChange::of(t);
    for &n in list.iter().filter(|n| n.index() >= old) {
        change.count(g, a, index, n, 1);
    }
    change.tally_of(g, a, t, list)
}

/// What a write changes in a busy list's counts (see [`ListTally`]): its tally, and per
/// country, participant and topic, how many events more or fewer.
struct ListChange {
    tally: EventTally,
    countries: HashMap<NodeId, i64>,
    met: HashMap<NodeId, i64>,
    topics: HashMap<u32, i64>,
}

impl ListChange {
    fn of(t: &ListTally) -> Self {
        ListChange {
            tally: t.tally.clone(),
            countries: Default::default(),
            met: Default::default(),
            topics: Default::default(),
        }
    }

    /// Event `n` of graph `g` (whose analytics are `a`, their topics by name `index`)
    /// counted in (`sign` 1) or out (-1). `None` when it is not where the analytics say.
    fn count(
        &mut self,
        g: &KnowledgeGraph,
        a: &Analytics,
        index: &HashMap<&str, u32>,
        n: NodeId,
        sign: i64,
    ) -> Option<()> {
        let (e, p) = (g.event(n)?, g.rank(n) as usize);
        let attrs = *a.attrs.get(p)?;
        if sign < 0 {
            self.tally.remove(attrs);
        } else {
            self.tally.add(attrs);
        }
        match *a.country.get(p)? {
            NONE => {}
            c => *self.countries.entry(NodeId(c)).or_default() += sign,
        }
        each_participant(e, |y| *self.met.entry(y).or_default() += sign);
        each_topic(e, |s| {
            if let Some(&i) = index.get(s) {
                *self.topics.entry(i).or_default() += sign;
            }
        });
        Some(())
    }

    /// The counts of busy list `t` with these changes, its list now `list` (in `g`, whose
    /// analytics are `a`): the first-known days gathered again in the list's order.
    fn tally_of(self, g: &KnowledgeGraph, a: &Analytics, t: &ListTally, list: &[NodeId]) -> ListTally {
        let name = |i: u32| a.topic_names.get(i as usize).map_or("", |s| &**s);
        ListTally {
            node: t.node,
            tally: self.tally,
            countries: changed_counts(&t.countries, &self.countries, |&(x, k)| (Reverse(k), g.rank(x))),
            participants: changed_counts(&t.participants, &self.met, |&(x, k)| (Reverse(k), g.rank(x))),
            topics: changed_counts(&t.topics, &self.topics, |&(i, k)| (Reverse(k), name(i))),
            known: list.iter().map(|n| a.known.get(n.index()).copied().unwrap_or(i32::MAX)).collect(),
        }
    }
}
