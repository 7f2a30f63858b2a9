//! The search index of a graph that writes extended ([`KnowledgeGraph::extend`]): the index
//! built over the nodes the graph had then (shared, untouched), an index of the nodes added
//! up to a point (shared too, built again once [`SMALL`] more were added after it), and a
//! small index of the nodes added after that point, rebuilt with each extension (so an
//! extension indexes at most [`SMALL`] nodes, whatever the number added since the load); a
//! query asks each and merges their hits. Once the added nodes outgrow a share of the whole,
//! the next extension builds one index of every node again (the fold).
//!
//! The merge gives exactly what one index of every node gives: a node's score depends only
//! on its own labels and texts and on the query, except the typo step's, which depends on
//! how far the closest word of the whole vocabulary is from each query word: that is taken
//! over every index's vocabulary and given to each. Each index returns its first `limit`
//! hits (best score, then the order of the folded label and the id), so the first `limit`
//! of their lists, merged in that same order, are the first `limit` of the whole.
//!
//! A node whose entity a write replaced (`rebuild.rs`) has out-of-date entries in the
//! indexes built before: they are left out of those indexes' hits (each index's set of stale
//! nodes), and the node is indexed again in the small index (or in the middle one when that
//! is built again, which then holds every node stale in the load-built one). Their words
//! stay in those indexes' vocabularies, which the typo step's edits are taken over: so an
//! extension checks that each label word of a stale entry is still a label word of an
//! entry that is not stale, and builds the whole index again if one is not (then the
//! vocabularies are those of a whole build again). Left out of the hits and indexed again,
//! a replaced node is scored and ordered by its new labels and texts alone, as in a whole
//! build. A retracted node is left out the same way, and indexed nowhere again (no index
//! build takes a retracted node).

use super::{SearchHit, SearchIndex};
use crate::graph::KnowledgeGraph;
use crate::model::*;
use rustc_hash::FxHashSet as HashSet;
use std::sync::Arc;

/// A graph's search index: the one built over its first `base_nodes` nodes, one of the
/// nodes after them up to `middle_end` (if any), and one of the nodes after that (if any);
/// the nodes replaced since are left out of the first two (see the module doc).
#[derive(Default)]
pub(in crate::graph) struct Search {
    base: Arc<SearchIndex>,
    base_nodes: usize,
    middle: Option<Arc<SearchIndex>>,
    middle_end: usize,
    added: Option<SearchIndex>,
    /// The nodes of `base` replaced since it was built: left out of its hits.
    stale_base: Arc<HashSet<NodeId>>,
    /// The nodes replaced since `middle` was built (since `base` was, when there is none):
    /// left out of its hits, indexed in `added`.
    stale_middle: Arc<HashSet<NodeId>>,
    /// The label words of every stale entry (of `base` or `middle`), sorted.
    stale_words: Arc<Vec<String>>,
}

/// The most nodes the small index (rebuilt with each extension) holds: past this, the
/// middle index is built again over every added node.
const SMALL: usize = 256;

/// The fewest added nodes that make an extension build the whole index again.
const FOLD_AT_LEAST: usize = 1_024;
/// The share of the base's nodes (1 in this many) beyond which added nodes are folded.
const FOLD_SHARE: usize = 32;

impl Search {
    /// The index of every node of `g`.
    pub(in crate::graph) fn build(g: &KnowledgeGraph) -> Self {
        let n = g.node_count();
        Search { base: Arc::new(SearchIndex::build_from(g, 0)), base_nodes: n, middle_end: n, ..Search::default() }
    }

    /// The index of `g`, which holds this index's nodes (those of `replaced` with new
    /// entities, `prev`'s before) and the nodes added after them: this one's base and middle,
    /// shared, the replaced nodes left out of them, and an index of the nodes after the middle
    /// and of the nodes replaced since it was built; or the middle built again over every
    /// added or replaced node once that index would hold more than [`SMALL`]; or the whole
    /// index built again once those outgrow their share, or a stale entry's label word is no
    /// other entry's (see the module doc).
    pub(in crate::graph) fn extended(&self, g: &KnowledgeGraph, prev: &KnowledgeGraph, replaced: &[NodeId]) -> Self {
        let n = g.node_count();
        let (base, base_nodes) = (self.base.clone(), self.base_nodes);
        let mut stale_base = self.stale_base.clone();
        let mut stale_middle = self.stale_middle.clone();
        let mut stale_words = self.stale_words.clone();
        if !replaced.is_empty() {
            let (sb, sm) = (Arc::make_mut(&mut stale_base), Arc::make_mut(&mut stale_middle));
            let words = Arc::make_mut(&mut stale_words);
            for &r in replaced.iter().filter(|r| r.index() < self.middle_end) {
                // The entry that goes out of date is the one `prev` has (the node was not
                // replaced since that index was built, or it would be stale there already).
                // The middle holds the nodes after the base's and those stale in the base
                // when it was built.
                let was = sb.contains(&r);
                let newly_base = r.index() < base_nodes && !was;
                let newly_middle = self.middle.is_some() && !sm.contains(&r) && (r.index() >= base_nodes || was);
                if newly_base || newly_middle {
                    words.extend(super::build::label_words(prev.entity(r)));
                }
                sm.insert(r);
                if r.index() < base_nodes {
                    sb.insert(r);
                }
            }
            words.sort_unstable();
            words.dedup();
        }
        let apart = n.saturating_sub(base_nodes) + stale_base.len();
        if apart > FOLD_AT_LEAST.max(base_nodes / FOLD_SHARE) {
            return crate::timing::timed("graph: search index (folded)", || Search::build(g));
        }
        if n.saturating_sub(self.middle_end) + stale_middle.len() > SMALL {
            let nodes: Vec<NodeId> = (base_nodes..n).map(|i| NodeId(i as u32)).chain(sorted(&stale_base)).collect();
            let middle = crate::timing::timed("graph: search index (middle)", || SearchIndex::build_of(g, &nodes));
            let out = Search {
                base,
                base_nodes,
                middle: Some(Arc::new(middle)),
                middle_end: n,
                added: None,
                stale_base,
                stale_middle: Arc::default(),
                stale_words,
            };
            return out.checked(g);
        }
        let nodes: Vec<NodeId> = (self.middle_end..n).map(|i| NodeId(i as u32)).chain(sorted(&stale_middle)).collect();
        let index = (!nodes.is_empty()).then(|| SearchIndex::build_of(g, &nodes));
        let out = Search {
            base,
            base_nodes,
            middle: self.middle.clone(),
            middle_end: self.middle_end,
            added: index,
            stale_base,
            stale_middle,
            stale_words,
        };
        out.checked(g)
    }

    /// This index, or the whole index of `g` built again when a label word of a stale entry
    /// is no longer a word of an entry that is not stale (the vocabularies would then hold a
    /// word a whole build's does not, see the module doc).
    fn checked(self, g: &KnowledgeGraph) -> Self {
        let orphan = self.stale_words.iter().find(|w| !self.layers().any(|(index, stale)| index.holds(w, stale)));
        match orphan {
            None => self,
            Some(_) => crate::timing::timed("graph: search index (stale word)", || Search::build(g)),
        }
    }

    /// How many nodes the indexes of added nodes hold.
    pub(in crate::graph) fn added_nodes(&self) -> usize {
        self.middle.as_ref().map_or(0, |m| m.by_rank.len()) + self.added.as_ref().map_or(0, |a| a.by_rank.len())
    }

    /// The indexes, load-built first.
    fn indexes(&self) -> impl Iterator<Item = &SearchIndex> {
        self.layers().map(|(index, _)| index)
    }

    /// The indexes, load-built first, each with the nodes left out of its hits.
    fn layers(&self) -> impl Iterator<Item = (&SearchIndex, &HashSet<NodeId>)> {
        static NONE: std::sync::LazyLock<HashSet<NodeId>> = std::sync::LazyLock::new(HashSet::default);
        std::iter::once((&*self.base, &*self.stale_base))
            .chain(self.middle.as_deref().map(|m| (m, &*self.stale_middle)))
            .chain(self.added.as_ref().map(|a| (a, &*NONE)))
    }

    /// The first `limit` hits for `text` among `kinds` (all kinds when empty).
    pub(in crate::graph) fn search(
        &self,
        g: &KnowledgeGraph,
        text: &str,
        kinds: &[EntityKind],
        limit: usize,
    ) -> Vec<SearchHit> {
        let query = FoldedName::new(text);
        if query.words.is_empty() || limit == 0 {
            return Vec::new();
        }
        if self.middle.is_none() && self.added.is_none() {
            return self.base.search_folded(g, &query, kinds, limit, None, &self.stale_base);
        }
        // The typo step's edits over every vocabulary: the farthest query word's closest
        // word (when a word has none in any, the step finds nothing anyway).
        let edits = query
            .words
            .iter()
            .map(|w| self.indexes().map(|i| i.typo_words(w).1).min().unwrap_or(usize::MAX))
            .max()
            .filter(|&e| e != usize::MAX);
        let mut hits = Vec::new();
        for (index, stale) in self.layers() {
            hits.extend(index.search_folded(g, &query, kinds, limit, edits, stale));
        }
        if hits.len() > 1 {
            let mut keyed: Vec<(SearchHit, String)> =
                hits.into_iter().map(|h| (h, super::build::rank_key(g.entity(h.node)))).collect();
            keyed.sort_by(|(a, ka), (b, kb)| {
                b.score
                    .cmp(&a.score)
                    .then_with(|| ka.cmp(kb))
                    .then_with(|| g.entity(a.node).id().cmp(g.entity(b.node).id()))
            });
            hits = keyed.into_iter().map(|(h, _)| h).collect();
        }
        hits.truncate(limit);
        hits
    }
}

/// The nodes of `set`, in node order.
fn sorted(set: &HashSet<NodeId>) -> Vec<NodeId> {
    let mut v: Vec<NodeId> = set.iter().copied().collect();
    v.sort_unstable();
    v
}
