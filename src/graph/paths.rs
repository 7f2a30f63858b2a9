//! Shortest paths and neighbourhoods, walking links in both directions.
//!
//! Sources are leaves here: a path never passes through a report (every fact cites one, so
//! they would join everything to everything), and a neighbourhood shows the reports of what
//! it holds without expanding through them.
//!
//! A shortest path is found in three steps, cheapest first: a direct link between the two
//! entities (found in what the two entities state, without walking either link list: see
//! `each_link` in `build.rs`), then, for two actors, an event they share (from the
//! per-actor index of actors met), then a breadth-first search from both ends that expands, a
//! level at a time, the side with fewer links. Only the last walks link lists, so a path
//! between two busy nodes that share no event is the expensive case (BENCHMARKS.md has the
//! figures).

use super::KnowledgeGraph;
use crate::model::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::VecDeque;
use std::sync::Arc;

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

/// What one side of a search reached: each node's predecessor (the node it was reached
/// from, the link kind, and whether the link is stored from the predecessor to it).
type Seen = HashMap<NodeId, (NodeId, LinkKind, bool)>;

/// One side of a breadth-first search from both ends.
struct Side {
    seen: Seen,
    /// The nodes reached last, to walk next (sources excepted, but for the end itself).
    frontier: Vec<NodeId>,
    /// How many links the frontier has.
    links: usize,
    /// How many links from its end the frontier is.
    depth: usize,
}

impl Side {
    fn new(end: NodeId, links: usize) -> Self {
        let mut seen = Seen::with_capacity_and_hasher(256, Default::default());
        seen.insert(end, (end, LinkKind::Cites, true));
        Side { seen, frontier: vec![end], links, depth: 0 }
    }
}

impl KnowledgeGraph {
    fn is_source(&self, n: NodeId) -> bool {
        matches!(self.entity(n), Entity::Source(_))
    }

    /// The shortest chain of links from `from` to `to` of at most `max_hops` links, if any.
    /// Among equally short chains the same one is returned every time: a direct link, then
    /// the first event two actors share (node order), then the first meeting of a
    /// breadth-first search run from both ends.
    pub fn path(&self, from: NodeId, to: NodeId, max_hops: usize) -> Option<Vec<PathStep>> {
        let step = |node, (kind, forward)| PathStep { node, link: Some((kind, forward)) };
        let end = PathStep { node: to, link: None };
        if from == to {
            return Some(vec![end]);
        }
        if max_hops == 0 {
            return None;
        }
        if let Some(link) = self.link_between(from, to) {
            return Some(vec![step(from, link), end]);
        }
        if max_hops == 1 {
            return None;
        }
        if let Some(event) = self.shared_event(from, to) {
            let (took_part, had) = ((LinkKind::ParticipatedIn, true), (LinkKind::ParticipatedIn, false));
            return Some(vec![step(from, took_part), step(event, had), end]);
        }
        self.meet_in_the_middle(from, to, max_hops)
    }

    /// A link between `a` and `b` as seen from `a` (kind, stored from `a` to `b`), found in
    /// what the two entities state (every link is stated by one of its ends), without
    /// walking the link list of either: a busy actor has thousands of links.
    fn link_between(&self, a: NodeId, b: NodeId) -> Option<(LinkKind, bool)> {
        let mut found = None;
        for n in [a, b] {
            super::build::each_link(n, self.entity(n), |x, y, kind| {
                if found.is_none() && (x, y) == (a, b) {
                    found = Some((kind, true));
                } else if found.is_none() && (x, y) == (b, a) {
                    found = Some((kind, false));
                }
            });
            if found.is_some() {
                break;
            }
        }
        found
    }

    /// The first event (in node order) both actors `a` and `b` took part in, if any, from
    /// the index built at load.
    fn shared_event(&self, a: NodeId, b: NodeId) -> Option<NodeId> {
        let met = self.shared_events.of(a)?;
        met.binary_search_by_key(&b, |&(other, _)| other).ok().map(|i| met[i].1)
    }

    /// A breadth-first search from both ends at once, a whole level at a time, each time on
    /// the side whose next level has fewer links to walk; it ends at the first node reached
    /// from both sides (one that may be in the middle of a path). No chain of
    /// `depth(from side) + depth(to side)` links or fewer exists before a level is walked
    /// (its middle node would have been reached from both), so every meeting found while
    /// walking a level gives a shortest chain, and the first is taken.
    fn meet_in_the_middle(&self, from: NodeId, to: NodeId, max_hops: usize) -> Option<Vec<PathStep>> {
        let mut sides = [Side::new(from, self.degree(from)), Side::new(to, self.degree(to))];
        while sides[0].depth + sides[1].depth < max_hops {
            let s = usize::from(sides[1].links < sides[0].links);
            let [first, second] = &mut sides;
            let (this, other) = if s == 0 { (first, &*second) } else { (second, &*first) };
            if this.frontier.is_empty() {
                return None;
            }
            let mut next = Vec::new();
            let mut links = 0;
            for n in std::mem::take(&mut this.frontier) {
                for (m, kind, forward) in self.links(n) {
                    if this.seen.contains_key(&m) {
                        continue;
                    }
                    this.seen.insert(m, (n, kind, forward));
                    let middle_ok = m == from || m == to || !self.is_source(m);
                    if middle_ok && other.seen.contains_key(&m) {
                        return Some(Self::join(&sides[0].seen, &sides[1].seen, from, to, m));
                    }
                    // Sources are reached but never walked through.
                    if !self.is_source(m) {
                        links += self.degree(m);
                        next.push(m);
                    }
                }
            }
            this.frontier = next;
            this.links = links;
            this.depth += 1;
        }
        None
    }

    /// The chain from `from` to `meet` (as the `from` side reached it) and on to `to` (as
    /// the `to` side reached it, links turned around).
    fn join(forth: &Seen, back: &Seen, from: NodeId, to: NodeId, meet: NodeId) -> Vec<PathStep> {
        let mut steps = Vec::new();
        let mut at = meet;
        while at != from {
            let Some(&(p, kind, forward)) = forth.get(&at) else { break };
            steps.push(PathStep { node: p, link: Some((kind, forward)) });
            at = p;
        }
        steps.reverse();
        let mut at = meet;
        while at != to {
            let Some(&(p, kind, forward)) = back.get(&at) else { break };
            steps.push(PathStep { node: at, link: Some((kind, !forward)) });
            at = p;
        }
        steps.push(PathStep { node: to, link: None });
        steps
    }

    fn degree(&self, n: NodeId) -> usize {
        self.degree[n.index()] as usize
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

/// For each actor, the actors met at an event and the first such event (node order), sorted
/// by actor (see `KnowledgeGraph::shared_events`): node `a`'s in `list[starts[a]..starts[a +
/// 1]]`, built at load and shared by the graphs extended from it; the actors whose events a
/// write changed have theirs in `more` instead, until they are many and all are put in one
/// list again.
#[derive(Clone, Default)]
pub(super) struct SharedEvents {
    base: Arc<StartsAndList>,
    more: HashMap<u32, Arc<[(NodeId, NodeId)]>>,
}

/// Where each node's list starts in one list of every node's, and that list.
type StartsAndList = (Vec<u32>, Vec<(NodeId, NodeId)>);

impl SharedEvents {
    /// The lists `(starts, list)` of every node.
    pub(super) fn new(starts: Vec<u32>, list: Vec<(NodeId, NodeId)>) -> Self {
        SharedEvents { base: Arc::new((starts, list)), more: HashMap::default() }
    }

    /// Actor `a`'s list (other actor, first shared event), sorted by actor.
    pub(super) fn of(&self, a: NodeId) -> Option<&[(NodeId, NodeId)]> {
        if let Some(m) = self.more.get(&a.0) {
            return Some(m);
        }
        let (starts, list) = &*self.base;
        let (&start, &end) = (starts.get(a.index())?, starts.get(a.index() + 1)?);
        list.get(start as usize..end as usize)
    }

    /// These lists with `changed` (actor, new list) put in; once more than 1 in 64 of the
    /// `n` nodes (and 64) have theirs apart, every list is put in one again.
    pub(super) fn with(&self, changed: Vec<(u32, Vec<(NodeId, NodeId)>)>, n: usize) -> Self {
        let mut out = self.clone();
        out.more.extend(changed.into_iter().map(|(a, m)| (a, Arc::from(m))));
        if out.more.len() <= (n / 64).max(64) {
            return out;
        }
        let mut starts = Vec::with_capacity(n + 1);
        let mut list = Vec::with_capacity(self.base.1.len());
        starts.push(0);
        for a in 0..n {
            list.extend_from_slice(out.of(NodeId(a as u32)).unwrap_or_default());
            starts.push(list.len() as u32);
        }
        SharedEvents::new(starts, list)
    }
}
