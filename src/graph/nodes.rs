//! The entities and their links: a petgraph whose node index is the `NodeId`, built at load
//! and shared (`Arc`) by every graph extended from it (see `rebuild.rs`), plus the nodes
//! added since and the links that touch them, kept apart per node. A link is listed as
//! petgraph lists it (each node's links from it, then those to it, the latest added first),
//! so an added link comes before the shared ones. Once the added nodes are more than 1 in
//! [`SHARE`] of the whole (and at least [`MIN_FOLD`]), a fold copies the petgraph and adds
//! them to it: copying a petgraph of every node and link (163k nodes at 100k events: a
//! few milliseconds) is paid once per many writes instead of once per write.
//!
//! A node of the petgraph whose entity a write replaced (with the same links: see
//! `rebuild.rs`) has its new entity kept beside it too, looked up before the petgraph's
//! (a hash look-up only once some node was replaced); the fold puts it into the copy.

use crate::model::{Entity, LinkKind, NodeId};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// The added nodes are folded into the petgraph once they are more than 1 in this many...
const SHARE: usize = 128;
/// ...and at least this many.
const MIN_FOLD: usize = 256;

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
    /// How many links were added, and how many of them are citations.
    added_links: usize,
    added_cites: usize,
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
        (self.graph.edge_count() + self.added_links, cites + self.added_cites)
    }

    /// Every link touching `n`: (other node, kind, true when stored from `n` to the other),
    /// in petgraph's order (see the module doc).
    pub(super) fn links(&self, n: NodeId) -> impl Iterator<Item = (NodeId, LinkKind, bool)> + '_ {
        let added = self.links.get(&n.0);
        let shared = (n.index() < self.graph.node_count()).then(|| NodeIndex::new(n.index()));
        let edges = move |dir| shared.into_iter().flat_map(move |ix| self.graph.edges_directed(ix, dir));
        let from = added.into_iter().flat_map(|a| a.from.iter().map(|&(m, k)| (m, k, true)));
        let out = edges(Direction::Outgoing).map(|e| (NodeId(e.target().index() as u32), *e.weight(), true));
        let to = added.into_iter().flat_map(|a| a.to.iter().map(|&(m, k)| (m, k, false)));
        let inc = edges(Direction::Incoming).map(|e| (NodeId(e.source().index() as u32), *e.weight(), false));
        from.chain(out).chain(to).chain(inc)
    }

    /// These nodes with `entities` added (in `NodeId` order from `node_count()`) and `links`,
    /// the links they state (from, to, kind; `build::each_link` of each, in node order, as a
    /// whole build adds them), and the entities of the nodes `replaced` (which state the same
    /// links as before) replaced.
    pub(super) fn with(
        &self,
        entities: Vec<Entity>,
        links: &[(NodeId, NodeId, LinkKind)],
        replaced: Vec<(NodeId, Entity)>,
    ) -> Self {
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
        let apart = out.added.len() + out.replaced.len();
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
            for i in base..graph.node_count() {
                let ix = NodeIndex::new(i);
                let mut edges = Vec::new();
                super::build::each_link(NodeId(i as u32), &graph[ix], |a, b, k| edges.push((a, b, k)));
                for (a, b, k) in edges {
                    graph.add_edge(NodeIndex::new(a.index()), NodeIndex::new(b.index()), k);
                }
            }
            return Nodes::new(graph);
        }
        for &(a, b, k) in links {
            out.links.entry(a.0).or_default().from.insert(0, (b, k));
            out.links.entry(b.0).or_default().to.insert(0, (a, k));
            out.added_links += 1;
            out.added_cites += usize::from(k == LinkKind::Cites);
        }
        out
    }

    /// How many nodes were added or replaced since the last build or fold. For tests.
    pub(super) fn added_nodes(&self) -> usize {
        self.added.len() + self.replaced.len()
    }
}
