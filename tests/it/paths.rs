//! Shortest paths on a generated seed, against a plain breadth-first search.

use crate::support::generated;
use diplograph::graph::{KnowledgeGraph, PathStep};
use diplograph::model::{EntityKind, NodeId};
use std::collections::{HashMap, VecDeque};

/// Whether `n` is a source (a report): paths never pass through one.
fn is_source(g: &KnowledgeGraph, n: NodeId) -> bool {
    g.entity(n).kind() == EntityKind::Source
}

/// The length of the shortest chain by a plain breadth-first search from `from` alone,
/// never through a source.
fn distance(g: &KnowledgeGraph, from: NodeId, to: NodeId, max_hops: usize) -> Option<usize> {
    let mut depth: HashMap<NodeId, usize> = HashMap::default();
    depth.insert(from, 0);
    let mut queue = VecDeque::from([from]);
    while let Some(n) = queue.pop_front() {
        let d = depth[&n];
        if n == to {
            return Some(d);
        }
        if d == max_hops || (n != from && is_source(g, n)) {
            continue;
        }
        for (m, _, _) in g.links(n) {
            if let std::collections::hash_map::Entry::Vacant(e) = depth.entry(m) {
                e.insert(d + 1);
                queue.push_back(m);
            }
        }
    }
    None
}

/// Checks that `steps` is a chain of stored links from `from` to `to` with no source
/// in the middle.
fn check_chain(g: &KnowledgeGraph, from: NodeId, to: NodeId, steps: &[PathStep]) {
    assert_eq!(steps.first().map(|s| s.node), Some(from));
    assert_eq!(steps.last().map(|s| (s.node, s.link)), Some((to, None)));
    for pair in steps.windows(2) {
        let (kind, forward) = pair[0].link.expect("a link to the next step");
        assert!(
            g.links(pair[0].node).any(|l| l == (pair[1].node, kind, forward)),
            "{:?} -> {:?}: no {kind:?} link",
            pair[0].node,
            pair[1].node
        );
    }
    for s in steps.iter().skip(1).take(steps.len().saturating_sub(2)) {
        assert!(!is_source(g, s.node), "a source in the middle: {}", g.entity(s.node).id());
    }
}

#[test]
fn paths_are_as_short_as_a_plain_search_finds_and_the_same_every_time() {
    let g = generated(3_000, 5);
    let mut state = 99u64;
    let mut below = |n: usize| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % n
    };
    let count = g.node_count();
    let mut pairs: Vec<(NodeId, NodeId)> =
        (0..400).map(|_| (NodeId(below(count) as u32), NodeId(below(count) as u32))).collect();
    // The busiest actors, between themselves and with anything.
    let mut actors = g.all(EntityKind::Actor).to_vec();
    actors.sort_by_key(|&a| std::cmp::Reverse(g.reverse(a).events.len()));
    for i in 0..6 {
        for j in 0..6 {
            pairs.push((actors[i], actors[j]));
        }
        pairs.push((actors[i], NodeId(below(count) as u32)));
        pairs.push((NodeId(below(count) as u32), actors[i]));
    }
    let (mut found, mut missing) = (0, 0);
    for (from, to) in pairs {
        for max_hops in [0, 1, 2, 3, 4, 6, 10] {
            let path = g.path(from, to, max_hops);
            assert_eq!(path, g.path(from, to, max_hops), "the same answer every time");
            let expected = distance(&g, from, to, max_hops);
            let (a, b) = (g.entity(from).id(), g.entity(to).id());
            assert_eq!(path.as_ref().map(|p| p.len() - 1), expected, "{a} -> {b} in {max_hops}");
            match path {
                Some(steps) => {
                    check_chain(&g, from, to, &steps);
                    found += 1;
                }
                None => missing += 1,
            }
        }
    }
    assert!(found > 1_000 && missing > 500, "{found} paths, {missing} without");
}
