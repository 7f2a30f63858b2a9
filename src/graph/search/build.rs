//! Building the search index at load: ranks (folded label, then id), the posting lists of
//! label words, first words and text words in rank order, the sorted vocabulary with its
//! running posting counts, and the typo index. Every step runs in parallel where it can.

use super::postings::Label;
use super::typos::{letters, TypoIndex};
use super::{Rank, SearchIndex};
use crate::graph::names::names_of;
use crate::graph::KnowledgeGraph;
use crate::model::*;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

impl SearchIndex {
    /// The index of the nodes of `g` from `first` on (ranks count from 0 among them).
    pub(in crate::graph) fn build_from(g: &KnowledgeGraph, first: usize) -> Self {
        let nodes: Vec<NodeId> = (first..g.node_count()).map(|i| NodeId(i as u32)).collect();
        Self::build_of(g, &nodes)
    }

    /// The index of the nodes `nodes` of `g`, each once, but the retracted ones (ranks count
    /// from 0 among them).
    pub(in crate::graph) fn build_of(g: &KnowledgeGraph, nodes: &[NodeId]) -> Self {
        let live: Vec<NodeId>;
        let nodes = match nodes.iter().any(|&n| g.is_retracted(n)) {
            true => {
                live = nodes.iter().copied().filter(|&n| !g.is_retracted(n)).collect();
                &live[..]
            }
            false => nodes,
        };
        let count = nodes.len();
        let node = |i: usize| g.entity(nodes[i]);
        let mut labels: Vec<Vec<Label>> =
            (0..count).into_par_iter().map(|i| texts_of(node(i)).0.into_iter().map(Label::new).collect()).collect();
        // Hits of equal score are served by folded label (the first of `labels`, but for a
        // statement, whose label is its text), then id. Sorting compares the first 16 bytes
        // of the labels as one number, and the labels themselves only when these are equal.
        let keys: Vec<std::borrow::Cow<str>> = (0..count)
            .into_par_iter()
            .map(|i| match labels[i].first() {
                Some(f) => std::borrow::Cow::Borrowed(f.folded()),
                None => std::borrow::Cow::Owned(fold(node(i).label())),
            })
            .collect();
        let mut by_rank: Vec<(u128, u32)> = (0..count).into_par_iter().map(|i| (head(&keys[i]), i as u32)).collect();
        by_rank.par_sort_unstable_by(|&(ha, a), &(hb, b)| {
            ha.cmp(&hb)
                .then_with(|| keys[a as usize].cmp(&keys[b as usize]))
                .then_with(|| node(a as usize).id().cmp(node(b as usize).id()))
        });
        drop(keys);
        let by_rank: Vec<u32> = by_rank.into_iter().map(|(_, i)| i).collect();
        let labels: Vec<Vec<Label>> = by_rank.iter().map(|&i| std::mem::take(&mut labels[i as usize])).collect();
        let mut ix = SearchIndex::default();
        // Posting lists are filled in parallel: each split of the ranks (or nodes) fills its
        // own maps, and splits are merged in order, so each list stays in that order.
        let empty = || (HashMap::default(), HashMap::default(), HashMap::default());
        (ix.exact, ix.label_words, ix.first_words) = (0..count)
            .into_par_iter()
            .fold(empty, |(mut exact, mut words, mut firsts), r| {
                for (k, f) in labels[r].iter().enumerate() {
                    if !f.folded().is_empty() {
                        push_to(&mut exact, f.folded(), (r as Rank, k == 0));
                    }
                    for w in f.words() {
                        push_to(&mut words, w, r as Rank);
                    }
                    if let Some(w) = f.words().next() {
                        push_to(&mut firsts, w, r as Rank);
                    }
                }
                (exact, words, firsts)
            })
            .reduce(empty, |(e1, w1, f1), (e2, w2, f2)| (merge(e1, e2), merge(w1, w2), merge(f1, f2)));
        // The words of the texts, in node order (how they lie in memory); each list is put
        // in rank order at the end.
        let mut rank = vec![0 as Rank; count];
        for (r, &i) in by_rank.iter().enumerate() {
            rank[i as usize] = r as Rank;
        }
        ix.text_words = (0..count)
            .into_par_iter()
            .fold(HashMap::default, |mut map, i| {
                let folded: Vec<String> = texts_of(node(i)).1.into_iter().map(fold).collect();
                let mut words: Vec<&str> = folded.iter().flat_map(|t| t.split(' ')).filter(|w| !w.is_empty()).collect();
                words.sort_unstable();
                words.dedup();
                words.into_iter().for_each(|w| push_to(&mut map, w, rank[i]));
                map
            })
            .reduce(HashMap::default, merge);
        let mut lists: Vec<&mut Vec<Rank>> = ix.text_words.values_mut().collect();
        lists.par_iter_mut().for_each(|l| l.sort_unstable());
        ix.labels = labels;
        ix.by_rank = by_rank.into_iter().map(|i| nodes[i as usize]).collect();
        ix.vocabulary = ix.label_words.keys().cloned().collect();
        ix.vocabulary.par_sort_unstable();
        let running_total = |map: &HashMap<String, Vec<Rank>>| -> Vec<usize> {
            std::iter::once(0)
                .chain(ix.vocabulary.iter().scan(0, |total, w| {
                    *total += map.get(w).map_or(0, Vec::len);
                    Some(*total)
                }))
                .collect()
        };
        ix.postings_before = running_total(&ix.label_words);
        ix.firsts_before = running_total(&ix.first_words);
        ix.letters = ix.vocabulary.par_iter().map(|w| letters(w)).collect();
        ix.typos = TypoIndex::build(&ix.vocabulary);
        ix
    }
}

/// The folded text node `e` is ranked by among hits of equal score (then its id): its
/// first label, or for a statement (which has none) its label.
pub(super) fn rank_key(e: &Entity) -> String {
    match texts_of(e).0.first() {
        Some(label) => fold(label),
        None => fold(e.label()),
    }
}

/// The folded words of `e`'s labels (what it puts in the vocabulary).
pub(super) fn label_words(e: &Entity) -> Vec<String> {
    let mut words: Vec<String> =
        texts_of(e).0.into_iter().flat_map(|t| Label::new(t).words().map(String::from).collect::<Vec<_>>()).collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// The labels (names, aliases, titles) and texts (summaries, topics, position titles) of an
/// entity, as search matches them.
fn texts_of(e: &Entity) -> (Vec<&str>, Vec<&str>) {
    if let Some((name, aliases)) = names_of(e) {
        let mut labels = vec![name];
        labels.extend(aliases.iter().map(String::as_str));
        let text = match e {
            Entity::Actor(a) => {
                a.summary.iter().map(String::as_str).chain(a.positions.iter().map(|p| p.title.as_str())).collect()
            }
            _ => vec![],
        };
        return (labels, text);
    }
    match e {
        Entity::Event(ev) => (
            vec![&ev.title],
            std::iter::once(ev.summary.as_str()).chain(ev.topics.iter().map(String::as_str)).collect(),
        ),
        Entity::Agreement(a) => {
            (vec![&a.title], std::iter::once(a.summary.as_str()).chain(a.topics.iter().map(String::as_str)).collect())
        }
        Entity::Statement(s) => (vec![], vec![&s.text]),
        Entity::Source(s) => (vec![&s.title, &s.outlet], vec![&s.document]),
        Entity::Actor(_) | Entity::Place(_) => (vec![], vec![]),
    }
}

/// The first 16 bytes of `text` as a number that orders as the text does (folded text
/// holds no NUL to be confused with the padding).
fn head(text: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let len = text.len().min(16);
    bytes[..len].copy_from_slice(&text.as_bytes()[..len]);
    u128::from_be_bytes(bytes)
}

/// `right`'s lists appended to `left`'s (every item of `left` comes before `right`'s).
fn merge<T>(mut left: HashMap<String, Vec<T>>, right: HashMap<String, Vec<T>>) -> HashMap<String, Vec<T>> {
    if left.is_empty() {
        return right;
    }
    for (key, mut list) in right {
        match left.get_mut(&key) {
            Some(l) => l.append(&mut list),
            None => {
                left.insert(key, list);
            }
        }
    }
    left
}

/// Appends `item` to the list of `key`, unless it is already the last one (the lists are
/// filled one node at a time, so this keeps each node once).
fn push_to<T: PartialEq>(map: &mut HashMap<String, Vec<T>>, key: &str, item: T) {
    match map.get_mut(key) {
        Some(list) if list.last() == Some(&item) => {}
        Some(list) => list.push(item),
        None => {
            map.insert(key.to_owned(), vec![item]);
        }
    }
}
