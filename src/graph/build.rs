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

use super::{
    dates::DateIndex, lists::ListIndex, names::NameIndex, search::SearchIndex, KnowledgeGraph, Reverse, Snapshot,
};
use crate::model::*;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

/// Separates the parts of a sort key; sorts before every printable character.
const SEP: char = '\u{1}';

impl KnowledgeGraph {
    /// Builds the graph of `entities`, whose references are their positions in the vector
    /// (as the seed loader resolved them); `by_id` maps each entity's id to its position
    /// (the loader's registry, so that a million ids are not hashed twice).
    pub fn build(mut entities: Vec<Entity>, by_id: HashMap<String, NodeId>, snapshot: Snapshot) -> Self {
        assert_eq!(by_id.len(), entities.len(), "one id per entity");
        debug_assert!(entities.iter().enumerate().all(|(i, e)| by_id.get(e.id()) == Some(&NodeId(i as u32))));
        crate::timing::timed("graph: citations in order", || sort_citations(&mut entities));
        let mut graph: DiGraph<Entity, LinkKind> = DiGraph::with_capacity(entities.len(), entities.len() * 4);
        for e in entities {
            graph.add_node(e);
        }
        let ix = |n: NodeId| NodeIndex::new(n.index());
        let mut edges = Vec::new();
        for n in graph.node_indices() {
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
            graph,
            by_id,
            order: HashMap::default(),
            rank: Vec::new(),
            sort_key: Vec::new(),
            reverse: Vec::new(),
            reverse_of: Vec::new(),
            degree,
            shared_events: (Vec::new(), Vec::new()),
            names: NameIndex::default(),
            search: SearchIndex::default(),
            dates: DateIndex::default(),
            lists: ListIndex::default(),
            analytics: super::analytics::Analytics::default(),
            snapshot,
        };
        crate::timing::timed("graph: orders", || kg.build_orders());
        crate::timing::timed("graph: date index", || kg.build_dates());
        crate::timing::timed("graph: reverse links", || kg.build_reverse());
        kg.lists = crate::timing::timed("graph: list indexes", || ListIndex::build(&kg));
        kg.names = crate::timing::timed("graph: name index", || NameIndex::build(&kg));
        kg.search = crate::timing::timed("graph: search index", || SearchIndex::build(&kg));
        kg.analytics = crate::timing::timed("graph: analytics", || super::analytics::Analytics::build(&kg));
        kg
    }

    fn build_orders(&mut self) {
        let n = self.graph.node_count();
        let key_of = |i: usize| {
            let date = |s: Option<TimeSpan>| match s {
                Some(s) => format!("{}{SEP}{}", s.start, s.end),
                // Undated facts sort last.
                None => format!("~{SEP}~"),
            };
            match self.entity(NodeId(i as u32)) {
                Entity::Actor(a) => format!("{}{SEP}{}", fold(&a.name), a.id),
                Entity::Place(p) => format!("{}{SEP}{}", fold(&p.name), p.id),
                Entity::Event(ev) => format!("{}{SEP}{}", date(Some(ev.when)), ev.id),
                Entity::Agreement(ag) => format!("{}{SEP}{}", date(self.agreement_date(ag)), ag.id),
                Entity::Statement(st) => format!("{}{SEP}{}", date(Some(st.when)), st.id),
                Entity::Source(s) => format!("{}{SEP}{}", date(s.published.map(TimeSpan::day)), s.id),
            }
        };
        let keys: Vec<String> = (0..n).into_par_iter().map(key_of).collect();
        let mut order: HashMap<EntityKind, Vec<NodeId>> = HashMap::default();
        for i in 0..n {
            let node = NodeId(i as u32);
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
        self.rank = rank;
        self.sort_key = keys.into_par_iter().map(String::into_boxed_str).collect();
    }

    fn build_dates(&mut self) {
        let spans: Vec<_> = self
            .all(EntityKind::Event)
            .iter()
            .filter_map(|&n| self.event(n).map(|ev| (ev.when.start, ev.when.end)))
            .collect();
        self.dates = DateIndex::build(&spans);
    }

    fn build_reverse(&mut self) {
        const EVENTS: u8 = 0;
        const AGREEMENTS: u8 = 1;
        const STATEMENTS: u8 = 2;
        const CHILDREN: u8 = 3;
        let n = self.graph.node_count();
        let rank = &self.rank;
        // Every link back as (target, list, rank of the node pointing, that node), made in
        // parallel and sorted: each target's lists come out together and in order, without
        // a growing vector per node.
        let mut links: Vec<(u32, u8, u32, u32)> = (0..n)
            .into_par_iter()
            .fold(Vec::new, |mut out, i| {
                let me = NodeId(i as u32);
                let mut to = |target: NodeId, list: u8| out.push((target.0, list, rank[i], me.0));
                match self.entity(me) {
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
        for i in 0..n {
            let e = self.entity(NodeId(i as u32));
            let mut cite = |sources: &[NodeId]| sources.iter().for_each(|s| facts[s.index()] += 1);
            cite(e.sources());
            e.notes().iter().for_each(|note| cite(&note.sources));
            match e {
                Entity::Actor(a) => a.positions.iter().for_each(|p| cite(&p.sources)),
                Entity::Event(ev) => ev.participants.iter().for_each(|p| cite(&p.sources)),
                _ => {}
            }
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
                let list = match list {
                    EVENTS => &mut r.events,
                    AGREEMENTS => &mut r.agreements,
                    STATEMENTS => &mut r.statements,
                    _ => &mut r.children,
                };
                list.push(NodeId(node));
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
            .map(|i| {
                let me = NodeId(i as u32);
                let mut met: HashMap<NodeId, (u32, NodeId)> = HashMap::default();
                for &ev in &rev[rev_of[i] as usize].events {
                    let Some(event) = self.event(ev) else { continue };
                    let mut others: Vec<NodeId> =
                        event.participants.iter().map(|p| p.actor).filter(|&a| a != me).collect();
                    others.sort_unstable();
                    others.dedup();
                    for a in others {
                        let m = met.entry(a).or_insert((0, ev));
                        m.0 += 1;
                        m.1 = m.1.min(ev);
                    }
                }
                (i, met.into_iter().map(|(a, (count, first))| (a, count, first)).collect())
            })
            .collect();
        let mut starts = vec![0u32; n + 1];
        let mut shared = Vec::with_capacity(actors.iter().map(|(_, m)| m.len()).sum());
        for (i, mut met) in actors {
            met.sort_unstable_by_key(|&(a, _, _)| a);
            shared.extend(met.iter().map(|&(a, _, first)| (a, first)));
            starts[i + 1] = met.len() as u32;
            let mut list: Vec<(NodeId, u32)> = met.into_iter().map(|(a, count, _)| (a, count)).collect();
            list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(rank[a.0.index()].cmp(&rank[b.0.index()])));
            rev[rev_of[i] as usize].counterparts = list;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        self.shared_events = (starts, shared);
        rev.shrink_to_fit();
        self.reverse = rev;
        self.reverse_of = rev_of;
    }
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
type Met = (NodeId, u32, NodeId);

/// Puts every list of sources in publication order (then id), so answers list reports
/// oldest first whatever order the seed wrote them in.
fn sort_citations(entities: &mut [Entity]) {
    let key: HashMap<NodeId, (Option<chrono::NaiveDate>, String)> = entities
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e {
            Entity::Source(s) => Some((NodeId(i as u32), (s.published, s.id.clone()))),
            _ => None,
        })
        .collect();
    let sort = |list: &mut Vec<NodeId>| {
        list.sort_by(|a, b| key.get(a).cmp(&key.get(b)));
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
