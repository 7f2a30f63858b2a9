//! The search index of a graph that writes extended ([`KnowledgeGraph::extend`]): the index
//! built over the nodes the graph had then (shared, untouched), and a small index of the
//! nodes added since, rebuilt with each extension; a query asks both and merges their hits.
//! Once the added nodes outgrow a share of the whole, the next extension builds one index
//! of every node again (the fold), so the small index stays small.
//!
//! The merge gives exactly what one index of every node gives: a node's score depends only
//! on its own labels and texts and on the query, except the typo step's, which depends on
//! how far the closest word of the whole vocabulary is from each query word: that is taken
//! over both vocabularies and given to both indexes. Each index returns its first `limit`
//! hits (best score, then the order of the folded label and the id), so the first `limit`
//! of both lists, merged in that same order, are the first `limit` of the whole.

use super::{SearchHit, SearchIndex};
use crate::graph::KnowledgeGraph;
use crate::model::*;
use std::sync::Arc;

/// A graph's search index: the one built over its first `base_nodes` nodes, and one of the
/// nodes after them, if any.
#[derive(Default)]
pub(in crate::graph) struct Search {
    base: Arc<SearchIndex>,
    base_nodes: usize,
    added: Option<SearchIndex>,
}

/// The fewest added nodes that make an extension build the whole index again.
const FOLD_AT_LEAST: usize = 1_024;
/// The share of the base's nodes (1 in this many) beyond which added nodes are folded.
const FOLD_SHARE: usize = 32;

impl Search {
    /// The index of every node of `g`.
    pub(in crate::graph) fn build(g: &KnowledgeGraph) -> Self {
        Search { base: Arc::new(SearchIndex::build_from(g, 0)), base_nodes: g.node_count(), added: None }
    }

    /// The index of `g`, which holds this index's nodes (unchanged) and the nodes added
    /// after them: this one's base, shared, and an index of the added nodes; or the whole
    /// index built again once the added nodes outgrow their share.
    pub(in crate::graph) fn extended(&self, g: &KnowledgeGraph) -> Self {
        let added = g.node_count().saturating_sub(self.base_nodes);
        if added > FOLD_AT_LEAST.max(self.base_nodes / FOLD_SHARE) {
            return crate::timing::timed("graph: search index (folded)", || Search::build(g));
        }
        let index = (added > 0).then(|| SearchIndex::build_from(g, self.base_nodes));
        Search { base: self.base.clone(), base_nodes: self.base_nodes, added: index }
    }

    /// How many nodes the small index of added nodes holds.
    pub(in crate::graph) fn added_nodes(&self) -> usize {
        self.added.as_ref().map_or(0, |a| a.by_rank.len())
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
        let Some(added) = &self.added else { return self.base.search_folded(g, &query, kinds, limit, None) };
        // The typo step's edits over both vocabularies: the farthest query word's closest
        // word (when a word has none in either, the step finds nothing anyway).
        let edits = query
            .words
            .iter()
            .map(|w| self.base.typo_words(w).1.min(added.typo_words(w).1))
            .max()
            .filter(|&e| e != usize::MAX);
        let mut hits = self.base.search_folded(g, &query, kinds, limit, edits);
        hits.extend(added.search_folded(g, &query, kinds, limit, edits));
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
