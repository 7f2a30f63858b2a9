//! Incremental builds: the graph of a write that only added records, made from the graph
//! before it instead of from nothing ([`KnowledgeGraph::extend`]).
//!
//! A write adds records at the end of the node order (`seed::apply_records` appends new
//! ids; nothing already there changes), so every index of the previous graph stays right
//! for its nodes, and the new graph shares or patches it:
//!
//! - entities (`Arc`s) and links: the previous petgraph shared, the new nodes and their links
//!   kept beside it (`nodes.rs`), listed where a whole build puts them (links are added in
//!   node order, and each node lists the latest first), so every node's links come out in
//!   the same order; folded into a copy of the petgraph once they are many;
//! - ids: the previous map shared, the added ids in a small map beside it (folded into one
//!   map once it holds more than a share of them);
//! - each kind's order: the added nodes' keys sorted and merged into their kind's order (an
//!   old node keeps its key, so the old order stays), ranks renumbered for those kinds;
//! - reverse lists: shared (`Arc`) except the lists the added nodes belong in, which get
//!   them merged in by rank; the counterparts and shared events of the actors of added
//!   events computed again (the shared events kept apart from the load-built list until
//!   they are many, `paths::SharedEvents`); facts counted for the sources they cite;
//! - search: the load-built index shared and a small index of the added nodes (see
//!   `search/layers.rs`), folded into one index once the added nodes outgrow a share;
//! - names and list runs: shared unless an actor, place, agreement or statement was
//!   added, then built again (they are small: actors, places, agreements, statements);
//! - the date index (`dates.rs`) and `analytics` (kept per event by date position, which an
//!   added event shifts): patched, never built again ([`DateIndex::extended`],
//!   `analytics/extend.rs`): what is kept by position gets the added events inserted (a
//!   linear copy of a few small arrays), what is kept per start or end day gets its rows
//!   merged with the added days, the whole kind's and the busy lists' counts get the added
//!   events counted in, and the wavelet matrices are shared, the added events counted in a
//!   small matrix beside them until they are more than 1 in 16 of the events, when the
//!   matrices are built again from the arrays kept by position (`layered.rs`).
//!
//! What is not done here: a write that replaces or removes records (its `NodeId`s stay, but
//! keys, lists and counts of other nodes may change with it) is built whole
//! ([`KnowledgeGraph::build`]); the writer decides (`write::build`). The graph extended is
//! answer for answer the graph a whole build of the same records gives: `tests/it/extend.rs`
//! compares both, index by index (and, for the counts, whose internal tables may number a
//! code or topic differently, answer by answer over many lists), after random sequences of
//! additions.
//!
//! [`DateIndex::extended`]: super::dates::DateIndex::extended

use super::build::{each_citation, each_link, sort_citations, Met};
use super::{lists::ListIndex, names::NameIndex, KnowledgeGraph, Reverse, Snapshot};
use crate::model::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// The share of the ids (1 in this many) that may sit in the map of added ids before it is
/// folded into the main one.
const IDS_SHARE: usize = 16;

impl KnowledgeGraph {
    /// The graph of this graph's entities followed by `added` (in `NodeId` order from
    /// `self.node_count()`, their references resolved to nodes of either), as of `snapshot`:
    /// what [`KnowledgeGraph::build`] gives for the same entities, made in time proportional
    /// to the added records plus a few linear copies (see the module doc).
    pub fn extend(&self, mut added: Vec<Entity>, snapshot: Snapshot) -> KnowledgeGraph {
        let old = self.node_count();
        let n = old + added.len();
        crate::timing::timed("extend: citations in order", || {
            let key = |s: &NodeId| {
                let e = if s.index() < old { Some(self.entity(*s)) } else { added.get(s.index() - old) };
                match e {
                    Some(Entity::Source(src)) => Some((src.published, src.id.clone())),
                    _ => None,
                }
            };
            let keys: HashMap<NodeId, _> = added.iter().flat_map(cited).map(|s| (s, key(&s))).collect();
            sort_citations(&mut added, |s| keys.get(s).and_then(Option::as_ref));
        });
        let (nodes, degree, by_id, more_ids) = crate::timing::timed("extend: nodes and links", || {
            let mut more_ids = self.more_ids.clone();
            let mut edges = Vec::new();
            for (i, e) in added.iter().enumerate() {
                let me = NodeId((old + i) as u32);
                more_ids.insert(e.id().to_owned(), me);
                each_link(me, e, |from, to, kind| edges.push((from, to, kind)));
            }
            let mut degree = self.degree.clone();
            degree.resize(n, 0);
            for &(a, b, _) in &edges {
                degree[a.index()] += 1;
                degree[b.index()] += 1;
            }
            let nodes = self.nodes.with(added, &edges);
            let mut by_id = self.by_id.clone();
            if more_ids.len() > by_id.len() / IDS_SHARE {
                let mut all = (*by_id).clone();
                all.extend(more_ids.drain());
                by_id = Arc::new(all);
            }
            (nodes, degree, by_id, more_ids)
        });
        let mut kg = KnowledgeGraph {
            nodes,
            by_id,
            more_ids,
            order: self.order.clone(),
            rank: self.rank.clone(),
            sort_key: self.sort_key.clone(),
            reverse: self.reverse.clone(),
            reverse_of: self.reverse_of.clone(),
            degree,
            shared_events: Default::default(),
            names: self.names.clone(),
            search: Default::default(),
            dates: Default::default(),
            lists: self.lists.clone(),
            analytics: Default::default(),
            snapshot,
        };
        let kinds: HashSet<EntityKind> = (old..n).map(|i| kg.entity(NodeId(i as u32)).kind()).collect();
        crate::timing::timed("extend: orders", || kg.extend_orders(old));
        let events: Vec<(usize, (chrono::NaiveDate, chrono::NaiveDate))> = {
            let mut v: Vec<_> = (old..n)
                .filter_map(|i| kg.event(NodeId(i as u32)).map(|e| (kg.rank[i] as usize, (e.when.start, e.when.end))))
                .collect();
            v.sort_unstable_by_key(|x| x.0);
            v
        };
        kg.dates = crate::timing::timed("extend: date index", || self.dates.extended(&events));
        crate::timing::timed("extend: reverse links", || kg.extend_reverse(self, old));
        let listed = [EntityKind::Actor, EntityKind::Place, EntityKind::Agreement, EntityKind::Statement];
        if listed.iter().any(|k| kinds.contains(k)) {
            kg.lists = Arc::new(crate::timing::timed("extend: list indexes", || ListIndex::build(&kg)));
        }
        if kinds.contains(&EntityKind::Actor) || kinds.contains(&EntityKind::Place) {
            kg.names = Arc::new(crate::timing::timed("extend: name index", || NameIndex::build(&kg)));
        }
        kg.search = crate::timing::timed("extend: search index", || self.search.extended(&kg));
        kg.analytics = crate::timing::timed("extend: analytics", || self.analytics.extended(&kg, self, old));
        kg
    }

    /// How many nodes the search index holds apart from its load-built part (see
    /// `search/layers.rs`): 0 right after a whole build or a fold. For tests.
    #[doc(hidden)]
    pub fn search_added_nodes(&self) -> usize {
        self.search.added_nodes()
    }

    /// How many nodes are kept beside the load-built petgraph (see `nodes.rs`): 0 right after
    /// a whole build or a fold. For tests.
    #[doc(hidden)]
    pub fn nodes_added(&self) -> usize {
        self.nodes.added_nodes()
    }

    /// How many events the date index counts apart from its load-built part (see
    /// `layered.rs`): 0 right after a whole build or a fold. For tests.
    #[doc(hidden)]
    pub fn dates_added_events(&self) -> usize {
        self.dates.added_events()
    }

    /// Merges the nodes from `old` on into their kinds' orders (their keys sorted, then
    /// merged with the old order, which keeps its keys) and renumbers those kinds' ranks.
    fn extend_orders(&mut self, old: usize) {
        let n = self.node_count();
        let keys: Vec<Arc<str>> = (old..n).map(|i| Arc::from(self.order_key(NodeId(i as u32)))).collect();
        self.sort_key.extend(keys);
        self.rank.resize(n, 0);
        let mut by_kind: HashMap<EntityKind, Vec<NodeId>> = HashMap::default();
        for i in old..n {
            let node = NodeId(i as u32);
            by_kind.entry(self.entity(node).kind()).or_default().push(node);
        }
        for (kind, mut new) in by_kind {
            let key = |m: &NodeId| &self.sort_key[m.index()];
            new.sort_unstable_by(|a, b| key(a).cmp(key(b)));
            let before = self.order.get(&kind).map(Vec::as_slice).unwrap_or(&[]);
            // Each added node goes where a binary search of the old order puts it (its keys
            // are all different from the old ones): runs of the old order are copied, and
            // the ranks before the first added node stay.
            let mut merged = Vec::with_capacity(before.len() + new.len());
            let (mut i, mut first) = (0, None);
            for m in &new {
                let at = i + before[i..].partition_point(|b| key(b) < key(m));
                merged.extend_from_slice(&before[i..at]);
                first = first.or(Some(merged.len()));
                merged.push(*m);
                i = at;
            }
            merged.extend_from_slice(&before[i..]);
            let first = first.unwrap_or(merged.len());
            for (r, m) in merged.iter().enumerate().skip(first) {
                self.rank[m.index()] = r as u32;
            }
            self.order.insert(kind, merged);
        }
    }

    /// The reverse lists with the nodes from `old` on added: the lists they belong in get
    /// them merged in by rank (the old items keep their order), the sources they cite their
    /// facts counted, the actors of added events their counterparts and shared events
    /// computed again; every other list is shared with `prev`.
    fn extend_reverse(&mut self, prev: &KnowledgeGraph, old: usize) {
        let n = self.node_count();
        // (target, list, rank, node), as a whole build makes them, for the added nodes.
        let mut links: Vec<(u32, u8, u32, u32)> = Vec::new();
        let mut facts: HashMap<u32, u32> = HashMap::default();
        for i in old..n {
            let me = NodeId(i as u32);
            self.each_back_link(me, |target, list| links.push((target.0, list, self.rank[i], me.0)));
            each_citation(self.entity(me), |s| *facts.entry(s.0).or_default() += 1);
        }
        links.sort_unstable();
        links.dedup();
        let mut targets: Vec<u32> = links.iter().map(|l| l.0).chain(facts.keys().copied()).collect();
        targets.sort_unstable();
        targets.dedup();
        self.reverse_of.resize(n, 0);
        let mut k = 0;
        let mut actors = Vec::new();
        for t in targets {
            let at = self.reverse_of[t as usize] as usize;
            let mut r: Reverse = if at == 0 { Reverse::default() } else { (*self.reverse[at]).clone() };
            r.fact_count += facts.get(&t).copied().unwrap_or(0);
            let start = k;
            while k < links.len() && links[k].0 == t {
                k += 1;
            }
            let mut events_changed = false;
            for list in
                [super::build::EVENTS, super::build::AGREEMENTS, super::build::STATEMENTS, super::build::CHILDREN]
            {
                let new: Vec<NodeId> = links[start..k].iter().filter(|l| l.1 == list).map(|l| NodeId(l.3)).collect();
                if new.is_empty() {
                    continue;
                }
                events_changed |= list == super::build::EVENTS;
                let items = r.list_mut(list);
                *items = merge_by_rank(items, &new, &self.rank);
            }
            if events_changed && self.actor(NodeId(t)).is_some() {
                actors.push(t);
            }
            let r = Arc::new(r);
            if at == 0 {
                self.reverse_of[t as usize] = self.reverse.len() as u32;
                self.reverse.push(r);
            } else {
                self.reverse[at] = r;
            }
        }
        // The actors of added events: who they met, again.
        let mut met: Vec<(u32, Vec<(NodeId, NodeId)>)> = Vec::new();
        for a in actors {
            let at = self.reverse_of[a as usize] as usize;
            let list: Vec<Met> = self.met(NodeId(a), &self.reverse[at].events);
            let (shared, counterparts) = self.counterparts(list);
            let mut r = (*self.reverse[at]).clone();
            r.counterparts = counterparts;
            self.reverse[at] = Arc::new(r);
            met.push((a, shared));
        }
        self.shared_events = prev.shared_events.with(met, n);
    }
}

/// `items` (in rank order) with `new` (none of them in `items`) merged in by rank.
fn merge_by_rank(items: &[NodeId], new: &[NodeId], rank: &[u32]) -> Vec<NodeId> {
    let mut new = new.to_vec();
    new.sort_unstable_by_key(|m| rank[m.index()]);
    new.dedup();
    let mut out = Vec::with_capacity(items.len() + new.len());
    let (mut i, mut j) = (0, 0);
    while i < items.len() || j < new.len() {
        if j >= new.len() || (i < items.len() && rank[items[i].index()] < rank[new[j].index()]) {
            out.push(items[i]);
            i += 1;
        } else {
            out.push(new[j]);
            j += 1;
        }
    }
    out
}

/// Every source `e` cites (for its facts, participations, positions and notes).
fn cited(e: &Entity) -> Vec<NodeId> {
    let mut out = Vec::new();
    each_citation(e, |s| out.push(s));
    out
}
