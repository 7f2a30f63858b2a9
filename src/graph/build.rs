//! Building the graph and all its indexes from validated entities.

use super::{names::NameIndex, search::SearchIndex, KnowledgeGraph, Reverse, Snapshot};
use crate::model::*;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

/// Separates the parts of a sort key; sorts before every printable character.
const SEP: char = '\u{1}';

impl KnowledgeGraph {
    /// Builds the graph of `entities`, whose references are their positions in the vector
    /// (as the seed loader resolved them).
    pub fn build(mut entities: Vec<Entity>, snapshot: Snapshot) -> Self {
        sort_citations(&mut entities);
        let mut graph: DiGraph<Entity, LinkKind> = DiGraph::with_capacity(entities.len(), entities.len() * 4);
        let mut by_id = HashMap::with_capacity_and_hasher(entities.len(), Default::default());
        for e in entities {
            let n = graph.add_node(e);
            by_id.insert(graph[n].id().to_owned(), NodeId(n.index() as u32));
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

        let mut kg = KnowledgeGraph {
            graph,
            by_id,
            order: HashMap::default(),
            rank: Vec::new(),
            sort_key: Vec::new(),
            reverse: Vec::new(),
            degree,
            shared_events: (Vec::new(), Vec::new()),
            names: NameIndex::default(),
            search: SearchIndex::default(),
            span_classes: Vec::new(),
            snapshot,
        };
        kg.build_orders();
        kg.build_span_classes();
        kg.build_reverse();
        kg.names = NameIndex::build(&kg);
        kg.search = SearchIndex::build(&kg);
        kg
    }

    fn build_orders(&mut self) {
        let n = self.graph.node_count();
        let mut keys = Vec::with_capacity(n);
        for i in 0..n {
            let e = self.entity(NodeId(i as u32));
            let date = |s: Option<TimeSpan>| match s {
                Some(s) => format!("{}{SEP}{}", s.start, s.end),
                // Undated facts sort last.
                None => format!("~{SEP}~"),
            };
            let key = match e {
                Entity::Actor(a) => format!("{}{SEP}{}", fold(&a.name), a.id),
                Entity::Place(p) => format!("{}{SEP}{}", fold(&p.name), p.id),
                Entity::Event(ev) => format!("{}{SEP}{}", date(Some(ev.when)), ev.id),
                Entity::Agreement(ag) => format!("{}{SEP}{}", date(self.agreement_date(ag)), ag.id),
                Entity::Statement(st) => format!("{}{SEP}{}", date(Some(st.when)), st.id),
                Entity::Source(s) => format!("{}{SEP}{}", date(s.published.map(TimeSpan::day)), s.id),
            };
            keys.push(key);
        }
        let mut order: HashMap<EntityKind, Vec<NodeId>> = HashMap::default();
        for i in 0..n {
            let node = NodeId(i as u32);
            order.entry(self.entity(node).kind()).or_default().push(node);
        }
        let mut rank = vec![0u32; n];
        for list in order.values_mut() {
            list.sort_by(|a, b| keys[a.index()].cmp(&keys[b.index()]));
            for (r, node) in list.iter().enumerate() {
                rank[node.index()] = r as u32;
            }
        }
        self.order = order;
        self.rank = rank;
        self.sort_key = keys;
    }

    fn build_span_classes(&mut self) {
        const BOUNDS: [u64; 4] = [0, 31, 366, u64::MAX];
        let mut classes: Vec<(u64, Vec<NodeId>)> = BOUNDS.iter().map(|_| (0, Vec::new())).collect();
        for &n in self.all(EntityKind::Event) {
            let Some(ev) = self.event(n) else { continue };
            let days = (ev.when.end - ev.when.start).num_days().max(0) as u64;
            let class = BOUNDS.iter().position(|&b| days <= b).unwrap_or(BOUNDS.len() - 1);
            classes[class].0 = classes[class].0.max(days);
            classes[class].1.push(n);
        }
        classes.retain(|(_, list)| !list.is_empty());
        self.span_classes = classes;
    }

    fn build_reverse(&mut self) {
        let n = self.graph.node_count();
        let mut rev = vec![Reverse::default(); n];
        // Each pair of actors met at an event: how many events, and the first (in node order).
        let mut pairs: HashMap<(NodeId, NodeId), (u32, NodeId)> = HashMap::default();
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
                    for (i, &a) in actors.iter().enumerate() {
                        rev[a.index()].events.push(me);
                        for &b in &actors[i + 1..] {
                            pairs.entry((a, b)).or_insert((0, me)).0 += 1;
                        }
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
        let mut shared: Vec<(NodeId, NodeId, NodeId)> = Vec::with_capacity(pairs.len() * 2);
        for ((a, b), (count, event)) in pairs {
            rev[a.index()].counterparts.push((b, count));
            rev[b.index()].counterparts.push((a, count));
            shared.push((a, b, event));
            shared.push((b, a, event));
        }
        shared.par_sort_unstable();
        let mut starts = vec![0u32; n + 1];
        for &(a, _, _) in &shared {
            starts[a.index() + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        self.shared_events = (starts, shared.into_iter().map(|(_, b, event)| (b, event)).collect());
        let rank = &self.rank;
        for r in &mut rev {
            for list in [&mut r.events, &mut r.agreements, &mut r.statements, &mut r.children] {
                list.sort_by_key(|n| rank[n.index()]);
                list.dedup();
            }
            r.counterparts.sort_by(|a, b| b.1.cmp(&a.1).then(rank[a.0.index()].cmp(&rank[b.0.index()])));
        }
        self.reverse = rev;
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
