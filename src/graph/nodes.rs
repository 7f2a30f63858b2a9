//! The entities and their links: a petgraph whose node index is the `NodeId`, built at load
//! and shared (`Arc`) by every graph extended from it (see `rebuild.rs`), plus the nodes
//! added since and the links that touch them, kept apart per node. A link is listed as
//! petgraph lists it (each node's links from it, then those to it, the latest added first),
//! so an added link comes before the shared ones. Once the added nodes are more than 1 in
//! [`SHARE`] of the whole (and at least [`MIN_FOLD`]), a fold copies the petgraph and adds
//! them to it: copying a petgraph of every node and link (163k nodes at 100k events: a
//! few milliseconds) is paid once per many writes instead of once per write.
//!
//! A node of the petgraph whose entity a write replaced (see `rebuild.rs`) has its new
//! entity kept beside it too, looked up before the petgraph's (a hash look-up only once
//! some node was replaced); the fold puts it into the copy. When the replacement changed the
//! links the entity states, each node at either end of an old or new link gets its whole
//! list of links kept apart, in the order a whole build lists them (each node's links from
//! it, then those to it, each part by the node stating the link, latest first, and a node's
//! links in reverse of the order it states them): the replaced node's old links taken out,
//! its new ones put in where the node stating them puts them. The fold then builds the
//! petgraph again from every entity (a link of the shared petgraph cannot be taken out in
//! place without moving others).

use crate::model::{Entity, LinkKind, NodeId};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// The added nodes are folded into the petgraph once they are more than 1 in this many...
const SHARE: usize = 128;
/// ...and at least this many.
const MIN_FOLD: usize = 256;

/// A link as a node lists it: (other node, kind, true when stored from the node).
type Link = (NodeId, LinkKind, bool);

/// A link as its stating node states it: (from, to, kind).
pub(super) type Stated = (NodeId, NodeId, LinkKind);

/// A replaced node whose stated links changed: (node, old links, new links).
pub(super) type Relinked = (NodeId, Vec<Stated>, Vec<Stated>);

/// A node's added links, latest first: (other node, kind), from it and to it.
#[derive(Clone, Default)]
struct Added {
    from: Vec<(NodeId, LinkKind)>,
    to: Vec<(NodeId, LinkKind)>,
}

/// The entities and links (see the module doc).
#[derive(Clone, Default)]
pub(super) struct Nodes {
    graph: Arc<DiGraph<Arc<Entity>, LinkKind>>,
    added: Vec<Arc<Entity>>,
    links: HashMap<u32, Added>,
    /// The nodes of `graph` whose entity was replaced since, with their new entity.
    replaced: HashMap<u32, Arc<Entity>>,
    /// The nodes whose links a replacement changed: every link of each, as `links` lists
    /// them (these lists win over `graph`'s and `links`').
    relinked: HashMap<u32, Arc<[Link]>>,
    /// How many links were added, and how many of them are citations (less those taken out).
    added_links: isize,
    added_cites: isize,
}

impl Nodes {
    /// The nodes of `graph`.
    pub(super) fn new(graph: DiGraph<Arc<Entity>, LinkKind>) -> Self {
        Nodes { graph: Arc::new(graph), ..Self::default() }
    }

    /// The entity `n`. Panics only on a `NodeId` from another graph.
    pub(super) fn entity(&self, n: NodeId) -> &Entity {
        let base = self.graph.node_count();
        match n.index().checked_sub(base) {
            Some(i) => &self.added[i],
            None if self.replaced.is_empty() => &self.graph[NodeIndex::new(n.index())],
            None => match self.replaced.get(&n.0) {
                Some(e) => e,
                None => &self.graph[NodeIndex::new(n.index())],
            },
        }
    }

    pub(super) fn node_count(&self) -> usize {
        self.graph.node_count() + self.added.len()
    }

    /// How many links there are, and how many of them are citations.
    pub(super) fn link_counts(&self) -> (usize, usize) {
        let cites = self.graph.edge_weights().filter(|&&k| k == LinkKind::Cites).count();
        let add = |a: usize, b: isize| (a as isize + b) as usize;
        (add(self.graph.edge_count(), self.added_links), add(cites, self.added_cites))
    }

    /// Every link touching `n`: (other node, kind, true when stored from `n` to the other),
    /// in petgraph's order (see the module doc).
    pub(super) fn links(&self, n: NodeId) -> impl Iterator<Item = (NodeId, LinkKind, bool)> + '_ {
        let relinked = if self.relinked.is_empty() { None } else { self.relinked.get(&n.0) };
        let all = relinked.into_iter().flat_map(|l| l.iter().copied());
        let (added, shared) = match relinked {
            Some(_) => (None, None),
            None => (self.links.get(&n.0), (n.index() < self.graph.node_count()).then(|| NodeIndex::new(n.index()))),
        };
        let edges = move |dir| shared.into_iter().flat_map(move |ix| self.graph.edges_directed(ix, dir));
        let from = added.into_iter().flat_map(|a| a.from.iter().map(|&(m, k)| (m, k, true)));
        let out = edges(Direction::Outgoing).map(|e| (NodeId(e.target().index() as u32), *e.weight(), true));
        let to = added.into_iter().flat_map(|a| a.to.iter().map(|&(m, k)| (m, k, false)));
        let inc = edges(Direction::Incoming).map(|e| (NodeId(e.source().index() as u32), *e.weight(), false));
        all.chain(from).chain(out).chain(to).chain(inc)
    }

    /// These nodes with `entities` added (in `NodeId` order from `node_count()`) and `links`,
    /// the links they state (from, to, kind; `build::each_link` of each, in node order, as a
    /// whole build adds them), and the entities of the nodes `replaced` replaced, with the
    /// links `relinked` states changed (node, old links, new links, see [`Nodes::relink`]; a
    /// retracted node's new links are none). `retracted`: the graph's retracted nodes.
    pub(super) fn with(
        &self,
        entities: Vec<Entity>,
        links: &[(NodeId, NodeId, LinkKind)],
        replaced: Vec<(NodeId, Entity)>,
        relinked: &[Relinked],
        retracted: &HashSet<NodeId>,
    ) -> Self {
        // A fold adds the links every node states but the retracted ones (which state none).
        let states = |i: usize| retracted.is_empty() || !retracted.contains(&NodeId(i as u32));
        let mut out = self.clone();
        let base = self.graph.node_count();
        for (n, e) in replaced {
            match n.index().checked_sub(base) {
                Some(i) => out.added[i] = Arc::new(e),
                None => {
                    out.replaced.insert(n.0, Arc::new(e));
                }
            }
        }
        out.added.extend(entities.into_iter().map(Arc::new));
        for &(a, b, k) in links {
            out.links.entry(a.0).or_default().from.insert(0, (b, k));
            out.links.entry(b.0).or_default().to.insert(0, (a, k));
            out.added_links += 1;
            out.added_cites += isize::from(k == LinkKind::Cites);
            // A list kept apart gets the link first in its part (it is the latest).
            for (end, link) in [(a, (b, k, true)), (b, (a, k, false))] {
                if let Some(list) = out.relinked.get_mut(&end.0) {
                    let mut v = list.to_vec();
                    let at = if link.2 { 0 } else { v.iter().position(|l| !l.2).unwrap_or(v.len()) };
                    v.insert(at, link);
                    *list = Arc::from(v);
                }
            }
        }
        for (r, old, new) in relinked {
            out.relink(*r, old, new);
        }
        let apart = out.added.len() + out.replaced.len();
        if !out.relinked.is_empty() && apart > MIN_FOLD && apart * SHARE > out.node_count() {
            // The fold, when links were taken out: the petgraph built again.
            let mut graph: DiGraph<Arc<Entity>, LinkKind> = DiGraph::with_capacity(out.node_count(), 0);
            for i in 0..out.node_count() {
                graph.add_node(match i.checked_sub(base) {
                    Some(j) => out.added[j].clone(),
                    None => out.replaced.get(&(i as u32)).unwrap_or(&self.graph[NodeIndex::new(i)]).clone(),
                });
            }
            for i in (0..graph.node_count()).filter(|&i| states(i)) {
                let mut edges = Vec::new();
                super::build::each_link(NodeId(i as u32), &graph[NodeIndex::new(i)], |a, b, k| edges.push((a, b, k)));
                for (a, b, k) in edges {
                    graph.add_edge(NodeIndex::new(a.index()), NodeIndex::new(b.index()), k);
                }
            }
            return Nodes::new(graph);
        }
        if apart > MIN_FOLD && apart * SHARE > out.node_count() {
            // The fold: every added node and link into a copy of the petgraph, in the order
            // a whole build adds them, and the replaced entities in place of theirs.
            let mut graph = (*self.graph).clone();
            for (&i, e) in &out.replaced {
                graph[NodeIndex::new(i as usize)] = e.clone();
            }
            for e in &out.added {
                graph.add_node(e.clone());
            }
            for i in (base..graph.node_count()).filter(|&i| states(i)) {
                let ix = NodeIndex::new(i);
                let mut edges = Vec::new();
                super::build::each_link(NodeId(i as u32), &graph[ix], |a, b, k| edges.push((a, b, k)));
                for (a, b, k) in edges {
                    graph.add_edge(NodeIndex::new(a.index()), NodeIndex::new(b.index()), k);
                }
            }
            return Nodes::new(graph);
        }
        out
    }

    /// The links node `r` states changed from `old` to `new` (each as `build::each_link`
    /// states them, in its order): the list of every node at an end of either kept apart
    /// with `r`'s old links taken out and its new ones put in (see the module doc).
    fn relink(&mut self, r: NodeId, old: &[Stated], new: &[Stated]) {
        let mut ends: Vec<NodeId> = old.iter().chain(new).flat_map(|&(a, b, _)| [a, b]).collect();
        ends.sort_unstable();
        ends.dedup();
        // A node whose links with `r` are the same, in the same order, keeps its list.
        let with = |links: &[Stated], t: NodeId| -> Vec<Stated> {
            links.iter().copied().filter(|&(a, b, _)| a == t || b == t).collect()
        };
        ends.retain(|&t| t == r || with(old, t) != with(new, t));
        // The node that states the link `(other, kind, from)` of node `t`.
        let stating = |t: NodeId, (other, kind, from): Link| {
            let (a, b) = if from { (t, other) } else { (other, t) };
            if stated_by_its_end(kind) {
                b
            } else {
                a
            }
        };
        let lists: Vec<(NodeId, Vec<Link>)> = ends
            .iter()
            .map(|&t| {
                let (mut from, mut to): (Vec<_>, Vec<_>) =
                    self.links(t).filter(|&l| stating(t, l) != r).partition(|l| l.2);
                for (part, is_from) in [(&mut from, true), (&mut to, false)] {
                    let mine: Vec<Link> = new
                        .iter()
                        .rev()
                        .filter_map(|&(a, b, k)| match is_from {
                            true if a == t => Some((b, k, true)),
                            false if b == t => Some((a, k, false)),
                            _ => None,
                        })
                        .collect();
                    let at = part.partition_point(|&l| stating(t, l) > r);
                    part.splice(at..at, mine);
                }
                from.extend(to);
                (t, from)
            })
            .collect();
        for (t, list) in lists {
            self.relinked.insert(t.0, Arc::from(list));
        }
        for (links, sign) in [(old, -1isize), (new, 1)] {
            for &(_, _, k) in links {
                self.added_links += sign;
                self.added_cites += sign * isize::from(k == LinkKind::Cites);
            }
        }
    }

    /// How many nodes were added or replaced since the last build or fold. For tests.
    pub(super) fn added_nodes(&self) -> usize {
        self.added.len() + self.replaced.len()
    }

    /// How many nodes have their link lists kept apart (a replacement or retraction changed
    /// their links): 0 right after a fold.
    pub(super) fn relinked_nodes(&self) -> usize {
        self.relinked.len()
    }
}

/// Whether links of `kind` are stated by the node they point to (`build::each_link`: a
/// participant's by the event, a party's and a signatory's by the agreement, a speaker's by
/// the statement), not by the one they start from.
fn stated_by_its_end(kind: LinkKind) -> bool {
    matches!(kind, LinkKind::ParticipatedIn | LinkKind::PartyTo | LinkKind::Signed | LinkKind::Said)
}
