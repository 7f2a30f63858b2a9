//! Shortest paths and neighbourhoods, walking links in both directions.
//!
//! Sources are leaves here: a path never passes through a report (every fact cites one, so
//! they would join everything to everything), and a neighbourhood shows the reports of what
//! it holds without expanding through them.

use super::KnowledgeGraph;
use crate::model::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::VecDeque;

/// One step of a path: a node, and the link to the next node (none on the last step).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathStep {
    pub node: NodeId,
    /// The link kind and whether it runs from this node to the next as stored.
    pub link: Option<(LinkKind, bool)>,
}

/// The entities and links near one entity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subgraph {
    /// Nearest first.
    pub nodes: Vec<NodeId>,
    /// Each stored link between two of `nodes`, once, as (from, to, kind).
    pub links: Vec<(NodeId, NodeId, LinkKind)>,
    pub truncated: bool,
}

impl KnowledgeGraph {
    fn is_source(&self, n: NodeId) -> bool {
        matches!(self.entity(n), Entity::Source(_))
    }

    /// The shortest chain of links from `from` to `to` of at most `max_hops` links, if any.
    /// Among equally short chains the first found in link order is returned.
    pub fn path(&self, from: NodeId, to: NodeId, max_hops: usize) -> Option<Vec<PathStep>> {
        if from == to {
            return Some(vec![PathStep { node: from, link: None }]);
        }
        if let Some(steps) = self.short_path(from, to, max_hops) {
            return Some(steps);
        }
        // Predecessor of each reached node: (previous node, link kind, stored forward).
        let mut prev: HashMap<NodeId, (NodeId, LinkKind, bool)> = HashMap::default();
        let mut queue = VecDeque::from([(from, 0usize)]);
        prev.insert(from, (from, LinkKind::Cites, true));
        while let Some((n, depth)) = queue.pop_front() {
            if depth == max_hops || (n != from && self.is_source(n)) {
                continue;
            }
            for (next, kind, forward) in self.links(n) {
                if prev.contains_key(&next) {
                    continue;
                }
                prev.insert(next, (n, kind, forward));
                if next == to {
                    return Some(self.unwind(&prev, from, to));
                }
                queue.push_back((next, depth + 1));
            }
        }
        None
    }

    /// A path of one or two links, found by scanning link lists without the bookkeeping of a
    /// search: between two busy actors (thousands of events each) this answers at once what
    /// a breadth-first search would find only after recording every neighbour.
    fn short_path(&self, from: NodeId, to: NodeId, max_hops: usize) -> Option<Vec<PathStep>> {
        let step = |node, kind, forward| PathStep { node, link: Some((kind, forward)) };
        let end = PathStep { node: to, link: None };
        if max_hops >= 1 {
            if let Some((_, kind, forward)) = self.links(from).find(|&(n, _, _)| n == to) {
                return Some(vec![step(from, kind, forward), end]);
            }
        }
        if max_hops >= 2 && !self.is_source(from) {
            for (mid, k1, f1) in self.links(from) {
                if self.is_source(mid) {
                    continue;
                }
                if let Some((_, k2, f2)) = self.links(mid).find(|&(n, _, _)| n == to) {
                    return Some(vec![step(from, k1, f1), step(mid, k2, f2), end]);
                }
            }
        }
        None
    }

    fn unwind(&self, prev: &HashMap<NodeId, (NodeId, LinkKind, bool)>, from: NodeId, to: NodeId) -> Vec<PathStep> {
        let mut steps = vec![PathStep { node: to, link: None }];
        let mut at = to;
        while at != from {
            let Some(&(p, kind, forward)) = prev.get(&at) else { break };
            steps.push(PathStep { node: p, link: Some((kind, forward)) });
            at = p;
        }
        steps.reverse();
        steps
    }

    /// The entities within `depth` links of `center`, nearest first, at most `limit` of them,
    /// and the links between them.
    pub fn neighborhood(&self, center: NodeId, depth: usize, limit: usize) -> Subgraph {
        let mut seen: HashMap<NodeId, usize> = HashMap::default();
        seen.insert(center, 0);
        let mut nodes = vec![center];
        let mut queue = VecDeque::from([(center, 0usize)]);
        let mut truncated = false;
        'walk: while let Some((n, d)) = queue.pop_front() {
            if d == depth || (n != center && self.is_source(n)) {
                continue;
            }
            for (next, _, _) in self.links(n) {
                if seen.contains_key(&next) {
                    continue;
                }
                if nodes.len() >= limit {
                    truncated = true;
                    break 'walk;
                }
                seen.insert(next, nodes.len());
                nodes.push(next);
                queue.push_back((next, d + 1));
            }
        }
        let mut links = Vec::new();
        for &n in &nodes {
            for (other, kind, forward) in self.links(n) {
                if forward && seen.contains_key(&other) {
                    links.push((n, other, kind));
                }
            }
        }
        Subgraph { nodes, links, truncated }
    }
}
