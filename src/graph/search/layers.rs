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

use super::{SearchHit, SearchIndex};
use crate::graph::KnowledgeGraph;
use crate::model::*;
use std::sync::Arc;

/// A graph's search index: the one built over its first `base_nodes` nodes, one of the
/// nodes after them up to `middle_end` (if any), and one of the nodes after that (if any).
#[derive(Default)]
pub(in crate::graph) struct Search {
    base: Arc<SearchIndex>,
    base_nodes: usize,
    middle: Option<Arc<SearchIndex>>,
    middle_end: usize,
    added: Option<SearchIndex>,
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
        Search {
            base: Arc::new(SearchIndex::build_from(g, 0)),
            base_nodes: n,
            middle: None,
            middle_end: n,
            added: None,
        }
    }

    /// The index of `g`, which holds this index's nodes (unchanged) and the nodes added
    /// after them: this one's base and middle, shared, and an index of the nodes after the
    /// middle; or the middle built again over every added node once that index would hold
    /// more than [`SMALL`]; or the whole index built again once the added nodes outgrow their
    /// share.
    pub(in crate::graph) fn extended(&self, g: &KnowledgeGraph) -> Self {
        let n = g.node_count();
        let added = n.saturating_sub(self.base_nodes);
        if added > FOLD_AT_LEAST.max(self.base_nodes / FOLD_SHARE) {
            return crate::timing::timed("graph: search index (folded)", || Search::build(g));
        }
        let (base, base_nodes) = (self.base.clone(), self.base_nodes);
        if n.saturating_sub(self.middle_end) > SMALL {
            let middle =
                crate::timing::timed("graph: search index (middle)", || SearchIndex::build_from(g, base_nodes));
            return Search { base, base_nodes, middle: Some(Arc::new(middle)), middle_end: n, added: None };
        }
        let index = (n > self.middle_end).then(|| SearchIndex::build_from(g, self.middle_end));
        Search { base, base_nodes, middle: self.middle.clone(), middle_end: self.middle_end, added: index }
    }

    /// How many nodes the indexes of added nodes hold.
    pub(in crate::graph) fn added_nodes(&self) -> usize {
        self.middle.as_ref().map_or(0, |m| m.by_rank.len()) + self.added.as_ref().map_or(0, |a| a.by_rank.len())
    }

    /// The indexes, load-built first.
    fn indexes(&self) -> impl Iterator<Item = &SearchIndex> {
        std::iter::once(&*self.base).chain(self.middle.as_deref()).chain(self.added.as_ref())
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
            return self.base.search_folded(g, &query, kinds, limit, None);
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
        for index in self.indexes() {
            hits.extend(index.search_folded(g, &query, kinds, limit, edits));
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
