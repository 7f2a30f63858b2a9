//! Building the graph and all its indexes from validated entities.
//!
//! What is built, once: id -> node; each kind's order (events by start, end, id; actors and
//! places by folded name...) with a sort key per node (what cursors carry); reverse lists
//! per node (an actor's events, a place's events including those inside it, an event's
//! agreements...; only the nodes something points at hold them); counterparts; source fact
//! counts; each node's link count; for each actor the actors met at an event with the first
//! such event (sorted by actor); then the date, name and search indexes. Every index is
//! built in parallel where the work allows (`rayon`): a large seed's load time is mostly
//! these builds (BENCHMARKS.md).
//!
//! [`each_link`] is the one place that says which links an entity states (every link is
//! stated by exactly one of its ends): it builds the edges, and finds a link between two
//! nodes without walking either's link list.

use super::{dates::DateIndex, lists::ListIndex, names::NameIndex, search::Search, KnowledgeGraph, Reverse, Snapshot};
use crate::model::*;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// Separates the parts of a sort key; sorts before every printable character.
const SEP: char = '\u{1}';

impl KnowledgeGraph {
    /// Builds the graph of `entities`, whose references are their positions in the vector
    /// (as the seed loader resolved them); `by_id` maps each entity's id to its position
    /// (the loader's registry, so that a million ids are not hashed twice). An entity whose
    /// id `by_id` does not map to it is a retracted record (a writer keeps it, so that no
    /// other node is numbered again): it gets a node, and nothing else.
    pub fn build(mut entities: Vec<Entity>, by_id: HashMap<String, NodeId>, snapshot: Snapshot) -> Self {
        assert!(by_id.len() <= entities.len(), "at most one id per entity");
        debug_assert!(by_id.iter().all(|(id, n)| entities.get(n.index()).is_some_and(|e| e.id() == id)));
        let retracted = retracted_in(&entities, &by_id);
        crate::timing::timed("graph: citations in order", || {
            let key: HashMap<NodeId, (Option<chrono::NaiveDate>, String)> = entities
                .iter()
                .enumerate()
                .filter_map(|(i, e)| match e {
                    Entity::Source(s) => Some((NodeId(i as u32), (s.published, s.id.clone()))),
                    _ => None,
                })
                .collect();
            sort_citations(&mut entities, |n| key.get(n))
        });
        let mut graph: DiGraph<Arc<Entity>, LinkKind> = DiGraph::with_capacity(entities.len(), entities.len() * 4);
        for e in entities {
            graph.add_node(Arc::new(e));
        }
        let ix = |n: NodeId| NodeIndex::new(n.index());
        let mut edges = Vec::new();
        for n in graph.node_indices().filter(|n| !retracted.contains(&NodeId(n.index() as u32))) {
            each_link(NodeId(n.index() as u32), &graph[n], |from, to, kind| edges.push((ix(from), ix(to), kind)));
        }
        let mut degree = vec![0u32; graph.node_count()];
        for &(a, b, k) in &edges {
            degree[a.index()] += 1;
            degree[b.index()] += 1;
            graph.add_edge(a, b, k);
        }
        tracing::debug!(nodes = graph.node_count(), links = graph.edge_count(), "graph: nodes and links");

        let mut kg = KnowledgeGraph {
            nodes: super::nodes::Nodes::new(graph),
            by_id: Arc::new(by_id),
            more_ids: HashMap::default(),
            retracted: Arc::new(retracted),
            order: HashMap::default(),
            rank: Default::default(),
            sort_key: Default::default(),
            reverse: Default::default(),
            reverse_of: Default::default(),
            degree: degree.into(),
            shared_events: Default::default(),
            names: Arc::default(),
            search: Search::default(),
            dates: DateIndex::default(),
            lists: Arc::default(),
            event_tags: Arc::default(),
            analytics: super::analytics::Analytics::default(),
            snapshot,
        };
        crate::timing::timed("graph: orders", || kg.build_orders());
        crate::timing::timed("graph: date index", || kg.build_dates());
        crate::timing::timed("graph: reverse links", || kg.build_reverse());
        kg.lists = Arc::new(crate::timing::timed("graph: list indexes", || ListIndex::build(&kg)));
        kg.event_tags = Arc::new(super::lists::event_tags(&kg));
        kg.names = Arc::new(crate::timing::timed("graph: name index", || NameIndex::build(&kg)));
        kg.search = crate::timing::timed("graph: search index", || Search::build(&kg));
        kg.analytics = crate::timing::timed("graph: analytics", || super::analytics::Analytics::build(&kg));
        kg
    }

    /// The key node `n` sorts by in its kind's order (unique: it ends with the id).
    pub(super) fn order_key(&self, n: NodeId) -> String {
        self.key_of(self.entity(n))
    }

    /// The key entity `e` sorts by in its kind's order, in this graph.
    pub(super) fn key_of(&self, e: &Entity) -> String {
        let date = |s: Option<TimeSpan>| match s {
            Some(s) => format!("{}{SEP}{}", s.start, s.end),
            // Undated facts sort last.
            None => format!("~{SEP}~"),
        };
        match e {
            Entity::Actor(a) => format!("{}{SEP}{}", fold(&a.name), a.id),
            Entity::Place(p) => format!("{}{SEP}{}", fold(&p.name), p.id),
            Entity::Event(ev) => format!("{}{SEP}{}", date(Some(ev.when)), ev.id),
            Entity::Agreement(ag) => format!("{}{SEP}{}", date(self.agreement_date(ag)), ag.id),
            Entity::Statement(st) => format!("{}{SEP}{}", date(Some(st.when)), st.id),
            Entity::Source(s) => format!("{}{SEP}{}", date(s.published.map(TimeSpan::day)), s.id),
        }
    }

    fn build_orders(&mut self) {
        let n = self.node_count();
        let keys: Vec<String> = (0..n).into_par_iter().map(|i| self.order_key(NodeId(i as u32))).collect();
        let mut order: HashMap<EntityKind, Vec<NodeId>> = HashMap::default();
        for node in (0..n).map(|i| NodeId(i as u32)).filter(|&m| !self.is_retracted(m)) {
            order.entry(self.entity(node).kind()).or_default().push(node);
        }
        // Keys end with the id, so they are unique and an unstable sort is deterministic.
        order.values_mut().for_each(|list| list.par_sort_unstable_by(|a, b| keys[a.index()].cmp(&keys[b.index()])));
        let mut rank = vec![0u32; n];
        for list in order.values() {
            for (r, node) in list.iter().enumerate() {
                rank[node.index()] = r as u32;
            }
        }
        self.order = order;
        self.rank = rank.into();
        self.sort_key = keys.into_par_iter().map(Arc::from).collect::<Vec<_>>().into();
    }

    pub(super) fn build_dates(&mut self) {
        let spans: Vec<_> = self
            .all(EntityKind::Event)
            .iter()
            .filter_map(|&n| self.event(n).map(|ev| (ev.when.start, ev.when.end)))
            .collect();
        self.dates = DateIndex::build(&spans);
    }

    fn build_reverse(&mut self) {
        let n = self.node_count();
        let rank = &self.rank;
        // Every link back as (target, list, rank of the node pointing, that node), made in
        // parallel and sorted: each target's lists come out together and in order, without
        // a growing vector per node.
        let mut links: Vec<(u32, u8, u32, u32)> = (0..n)
            .into_par_iter()
            .fold(Vec::new, |mut out, i| {
                let me = NodeId(i as u32);
                self.each_back_link(me, |target, list| out.push((target.0, list, rank[i], me.0)));
                out
            })
            .reduce(Vec::new, |mut a, mut b| {
                a.append(&mut b);
                a
            });
        links.par_sort_unstable();
        links.dedup();

        // How many facts (entities, participations, positions, notes) cite each source.
        let mut facts = vec![0u32; n];
        for node in (0..n).map(|i| NodeId(i as u32)).filter(|&m| !self.is_retracted(m)) {
            each_citation(self.entity(node), |s| facts[s.index()] += 1);
        }

        // Only the nodes something points at get a `Reverse`; the others share the empty one.
        let mut rev = vec![Reverse::default()];
        let mut rev_of = vec![0u32; n];
        let mut k = 0;
        for (t, &fact_count) in facts.iter().enumerate() {
            let start = k;
            while k < links.len() && links[k].0 == t as u32 {
                k += 1;
            }
            if start == k && fact_count == 0 {
                continue;
            }
            let mut r = Reverse { fact_count, ..Reverse::default() };
            for &(_, list, _, node) in &links[start..k] {
                r.list_mut(list).push(NodeId(node));
            }
            rev_of[t] = rev.len() as u32;
            rev.push(r);
        }
        drop(links);
        // Counterparts: for each actor, the other participants of its events, counted.
        // For each actor, the actors met at its events: how many events, and the first such
        // event in node order (for paths between actors).
        let actors: Vec<(usize, Vec<Met>)> = (0..n)
            .into_par_iter()
            .filter(|&i| rev_of[i] != 0 && self.actor(NodeId(i as u32)).is_some())
            .map(|i| (i, self.met(NodeId(i as u32), &rev[rev_of[i] as usize].events)))
            .collect();
        let mut starts = vec![0u32; n + 1];
        let mut shared = Vec::with_capacity(actors.iter().map(|(_, m)| m.len()).sum());
        for (i, met) in actors {
            let (list, counterparts) = self.counterparts(met);
            starts[i + 1] = list.len() as u32;
            shared.extend(list);
            rev[rev_of[i] as usize].counterparts = counterparts;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        self.shared_events = super::paths::SharedEvents::new(starts, shared);
        self.reverse = rev.into_iter().map(Arc::new).collect();
        self.reverse_of = rev_of.into();
    }

    /// Calls `to(target, list)` for each list of another node that `me` belongs in (see
    /// [`Reverse`]; the lists are numbered as in [`Reverse::list_mut`]).
    pub(super) fn each_back_link(&self, me: NodeId, mut to: impl FnMut(NodeId, u8)) {
        let Some(e) = self.live(me) else { return };
        match e {
            Entity::Place(p) => p.within.into_iter().for_each(|w| to(w, CHILDREN)),
            Entity::Event(ev) => {
                ev.participants.iter().for_each(|p| to(p.actor, EVENTS));
                // The event counts for its place and every place containing it.
                let mut at = ev.place;
                let mut guard = 0;
                while let (Some(p), true) = (at, guard < 64) {
                    to(p, EVENTS);
                    at = self.place(p).and_then(|pl| pl.within);
                    guard += 1;
                }
                ev.part_of.into_iter().for_each(|parent| to(parent, CHILDREN));
            }
            Entity::Agreement(ag) => {
                ag.parties.iter().chain(&ag.signatories).for_each(|&a| to(a, AGREEMENTS));
                // The agreement counts for its event and every event containing it
                // (a signing within a meeting, every stop of a trip).
                let mut at = ag.event;
                let mut guard = 0;
                while let (Some(ev), true) = (at, guard < 64) {
                    to(ev, AGREEMENTS);
                    at = self.event(ev).and_then(|e| e.part_of);
                    guard += 1;
                }
            }
            Entity::Statement(st) => {
                to(st.speaker, STATEMENTS);
                st.about.into_iter().for_each(|ev| to(ev, STATEMENTS));
                st.responds_to.into_iter().for_each(|r| to(r, CHILDREN));
            }
            Entity::Actor(_) | Entity::Source(_) => {}
        }
    }

    /// The actors met by actor `me` at its `events`: how many events, and the first such
    /// event in node order (for paths between actors).
    pub(super) fn met(&self, me: NodeId, events: &[NodeId]) -> Vec<Met> {
        let mut met: HashMap<NodeId, (u32, NodeId)> = HashMap::default();
        for &ev in events {
            let Some(event) = self.event(ev) else { continue };
            let mut others: Vec<NodeId> = event.participants.iter().map(|p| p.actor).filter(|&a| a != me).collect();
            others.sort_unstable();
            others.dedup();
            for a in others {
                let m = met.entry(a).or_insert((0, ev));
                m.0 += 1;
                m.1 = m.1.min(ev);
            }
        }
        met.into_iter().map(|(a, (count, first))| (a, count, first)).collect()
    }

    /// An actor's `met` as its part of the shared events (by actor) and its counterparts
    /// (most shared first, then in the actors' order).
    pub(super) fn counterparts(&self, mut met: Vec<Met>) -> (SharedEvents, Vec<(NodeId, u32)>) {
        met.sort_unstable_by_key(|&(a, _, _)| a);
        let shared = met.iter().map(|&(a, _, first)| (a, first)).collect();
        let mut list: Vec<(NodeId, u32)> = met.into_iter().map(|(a, count, _)| (a, count)).collect();
        list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(self.rank[a.0.index()].cmp(&self.rank[b.0.index()])));
        (shared, list)
    }
}

/// The lists of a [`Reverse`], numbered for sorting links back by list.
pub(super) const EVENTS: u8 = 0;
pub(super) const AGREEMENTS: u8 = 1;
pub(super) const STATEMENTS: u8 = 2;
pub(super) const CHILDREN: u8 = 3;

impl Reverse {
    /// The list numbered `list` (`EVENTS`, `AGREEMENTS`, `STATEMENTS` or `CHILDREN`).
    pub(super) fn list_mut(&mut self, list: u8) -> &mut Vec<NodeId> {
        match list {
            EVENTS => &mut self.events,
            AGREEMENTS => &mut self.agreements,
            STATEMENTS => &mut self.statements,
            _ => &mut self.children,
        }
    }
}

/// Calls `cite(source)` for each citation of a fact of `e` (the entity, its participations,
/// positions and notes): how many facts cite each source.
pub(super) fn each_citation(e: &Entity, mut cite: impl FnMut(NodeId)) {
    let mut list = |sources: &[NodeId]| sources.iter().for_each(|&s| cite(s));
    list(e.sources());
    e.notes().iter().for_each(|note| list(&note.sources));
    match e {
        Entity::Actor(a) => a.positions.iter().for_each(|p| list(&p.sources)),
        Entity::Event(ev) => ev.participants.iter().for_each(|p| list(&p.sources)),
        _ => {}
    }
}

/// The retracted records of `entities` (a writer keeps them, so that no other node is
/// numbered again): those whose id `ids` does not map to them. The one definition, for the
/// graph and the writer's draft alike; no look-up when there are as many ids as entities.
pub fn retracted_in(entities: &[Entity], ids: &HashMap<String, NodeId>) -> HashSet<NodeId> {
    if ids.len() == entities.len() {
        return HashSet::default();
    }
    (0..entities.len() as u32).map(NodeId).filter(|n| ids.get(entities[n.index()].id()) != Some(n)).collect()
}

/// Calls `link(from, to, kind)` for each link the entity `e` (node `me`) states, as stored.
/// Every link is stated by exactly one of its two ends, so the links between two nodes are
/// found by looking at both entities alone (see `KnowledgeGraph::link_between`).
pub(super) fn each_link(me: NodeId, e: &Entity, mut link: impl FnMut(NodeId, NodeId, LinkKind)) {
    for &s in e.sources() {
        link(me, s, LinkKind::Cites);
    }
    match e {
        Entity::Actor(a) => {
            a.country.into_iter().for_each(|c| link(me, c, LinkKind::BelongsTo));
            let mut orgs: Vec<NodeId> = a.positions.iter().filter_map(|p| p.organization).collect();
            orgs.sort();
            orgs.dedup();
            orgs.into_iter().for_each(|o| link(me, o, LinkKind::HoldsPosition));
        }
        Entity::Place(p) => p.within.into_iter().for_each(|w| link(me, w, LinkKind::ContainedIn)),
        Entity::Event(ev) => {
            ev.place.into_iter().for_each(|p| link(me, p, LinkKind::HeldAt));
            ev.part_of.into_iter().for_each(|p| link(me, p, LinkKind::PartOf));
            let mut actors: Vec<NodeId> = ev.participants.iter().map(|p| p.actor).collect();
            actors.sort();
            actors.dedup();
            actors.into_iter().for_each(|a| link(a, me, LinkKind::ParticipatedIn));
        }
        Entity::Agreement(ag) => {
            ag.event.into_iter().for_each(|ev| link(me, ev, LinkKind::ReachedAt));
            let mut scheduled = ag.schedules.clone();
            scheduled.sort();
            scheduled.dedup();
            scheduled.into_iter().for_each(|ev| link(me, ev, LinkKind::Schedules));
            ag.parties.iter().for_each(|&a| link(a, me, LinkKind::PartyTo));
            ag.signatories.iter().for_each(|&a| link(a, me, LinkKind::Signed));
        }
        Entity::Statement(st) => {
            link(st.speaker, me, LinkKind::Said);
            st.about.into_iter().for_each(|ev| link(me, ev, LinkKind::About));
            st.responds_to.into_iter().for_each(|r| link(me, r, LinkKind::RespondsTo));
        }
        Entity::Source(_) => {}
    }
}

/// An actor met at events: who, at how many events, and the first of them (node order).
pub(super) type Met = (NodeId, u32, NodeId);

/// An actor's part of the shared events: (other actor, first event met at), by actor.
pub(super) type SharedEvents = Vec<(NodeId, NodeId)>;

/// Puts every list of sources in publication order (then id), so answers list reports
/// oldest first whatever order the seed wrote them in; `key` gives a source's order.
pub(super) fn sort_citations<K: Ord>(entities: &mut [Entity], key: impl Fn(&NodeId) -> K) {
    let sort = |list: &mut Vec<NodeId>| {
        list.sort_by_key(|a| key(a));
        list.dedup();
    };
    for e in entities.iter_mut() {
        match e {
            Entity::Actor(a) => {
                sort(&mut a.sources);
                a.positions.iter_mut().for_each(|p| sort(&mut p.sources));
                a.notes.iter_mut().for_each(|n| sort(&mut n.sources));
            }
            Entity::Place(p) => {
                sort(&mut p.sources);
                p.notes.iter_mut().for_each(|n| sort(&mut n.sources));
            }
            Entity::Event(ev) => {
                sort(&mut ev.sources);
                ev.participants.iter_mut().for_each(|p| sort(&mut p.sources));
                ev.notes.iter_mut().for_each(|n| sort(&mut n.sources));
            }
            Entity::Agreement(a) => {
                sort(&mut a.sources);
                a.notes.iter_mut().for_each(|n| sort(&mut n.sources));
            }
            Entity::Statement(s) => sort(&mut s.sources),
            Entity::Source(_) => {}
        }
    }
}
