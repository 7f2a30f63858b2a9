//! Building the graph and all its indexes from validated entities.

use super::{dates::DateIndex, names::NameIndex, search::SearchIndex, KnowledgeGraph, Reverse, Snapshot};
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
        crate::timed("graph: citations in order", || sort_citations(&mut entities));
        let mut graph: DiGraph<Entity, LinkKind> = DiGraph::with_capacity(entities.len(), entities.len() * 4);
        for e in entities {
            graph.add_node(e);
        }
        let ix = |n: NodeId| NodeIndex::new(n.index());
        let mut edges = Vec::new();
        for n in graph.node_indices() {
            let me = NodeId(n.index() as u32);
            let mut link = |from: NodeId, to: NodeId, kind| edges.push((ix(from), ix(to), kind));
            let e = &graph[n];
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
        for (a, b, k) in edges {
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
            names: NameIndex::default(),
            search: SearchIndex::default(),
            dates: DateIndex::default(),
            snapshot,
        };
        crate::timed("graph: orders", || kg.build_orders());
        crate::timed("graph: date index", || kg.build_dates());
        crate::timed("graph: reverse links", || kg.build_reverse());
        kg.names = crate::timed("graph: name index", || NameIndex::build(&kg));
        kg.search = crate::timed("graph: search index", || SearchIndex::build(&kg));
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
        self.sort_key = keys;
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
        let n = self.graph.node_count();
        let mut rev = vec![Reverse::default(); n];
        for i in 0..n {
            let me = NodeId(i as u32);
            let e = self.entity(me);
            for &s in e.sources() {
                rev[s.index()].fact_count += 1;
            }
            for note in e.notes() {
                note.sources.iter().for_each(|s| rev[s.index()].fact_count += 1);
            }
            match e {
                Entity::Actor(a) => {
                    for p in &a.positions {
                        p.sources.iter().for_each(|s| rev[s.index()].fact_count += 1);
                    }
                }
                Entity::Place(p) => p.within.into_iter().for_each(|w| rev[w.index()].children.push(me)),
                Entity::Event(ev) => {
                    let mut actors: Vec<NodeId> = ev.participants.iter().map(|p| p.actor).collect();
                    actors.sort();
                    actors.dedup();
                    for p in &ev.participants {
                        p.sources.iter().for_each(|s| rev[s.index()].fact_count += 1);
                    }
                    for &a in &actors {
                        rev[a.index()].events.push(me);
                    }
                    // The event counts for its place and every place containing it.
                    let mut at = ev.place;
                    let mut guard = 0;
                    while let (Some(p), true) = (at, guard < 64) {
                        rev[p.index()].events.push(me);
                        at = self.place(p).and_then(|pl| pl.within);
                        guard += 1;
                    }
                    ev.part_of.into_iter().for_each(|parent| rev[parent.index()].children.push(me));
                }
                Entity::Agreement(ag) => {
                    let mut actors: Vec<NodeId> = ag.parties.iter().chain(&ag.signatories).copied().collect();
                    actors.sort();
                    actors.dedup();
                    actors.into_iter().for_each(|a| rev[a.index()].agreements.push(me));
                    ag.event.into_iter().for_each(|ev| rev[ev.index()].agreements.push(me));
                }
                Entity::Statement(st) => {
                    rev[st.speaker.index()].statements.push(me);
                    st.about.into_iter().for_each(|ev| rev[ev.index()].statements.push(me));
                    st.responds_to.into_iter().for_each(|r| rev[r.index()].children.push(me));
                }
                Entity::Source(_) => {}
            }
        }
        let rank = &self.rank;
        rev.par_iter_mut().for_each(|r| {
            for list in [&mut r.events, &mut r.agreements, &mut r.statements, &mut r.children] {
                list.sort_unstable_by_key(|n| rank[n.index()]);
                list.dedup();
            }
        });
        // Counterparts: for each actor, the other participants of its events, counted.
        let counterparts: Vec<Vec<(NodeId, u32)>> = (0..n)
            .into_par_iter()
            .map(|i| {
                let me = NodeId(i as u32);
                if self.actor(me).is_none() {
                    return Vec::new();
                }
                let mut counts: HashMap<NodeId, u32> = HashMap::default();
                for &ev in &rev[i].events {
                    let Some(ev) = self.event(ev) else { continue };
                    let mut others: Vec<NodeId> =
                        ev.participants.iter().map(|p| p.actor).filter(|&a| a != me).collect();
                    others.sort_unstable();
                    others.dedup();
                    others.into_iter().for_each(|a| *counts.entry(a).or_default() += 1);
                }
                let mut list: Vec<(NodeId, u32)> = counts.into_iter().collect();
                list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(rank[a.0.index()].cmp(&rank[b.0.index()])));
                list
            })
            .collect();
        for (r, c) in rev.iter_mut().zip(counterparts) {
            r.counterparts = c;
        }
        let empty = |r: &Reverse| {
            r.fact_count == 0
                && [&r.events, &r.agreements, &r.statements, &r.children].iter().all(|l| l.is_empty())
                && r.counterparts.is_empty()
        };
        let mut compact = vec![Reverse::default()];
        self.reverse_of = rev
            .into_iter()
            .map(|r| {
                if empty(&r) {
                    return 0;
                }
                compact.push(r);
                (compact.len() - 1) as u32
            })
            .collect();
        compact.shrink_to_fit();
        self.reverse = compact;
    }
}

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
