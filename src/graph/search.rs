//! Ranked search across every kind: exact name > alias > prefix > whole words > words in
//! the text > typo-tolerant match, all on folded text.

use super::names::names_of;
use super::KnowledgeGraph;
use crate::model::*;
use rustc_hash::FxHashMap as HashMap;

/// One search result and how well it matched (higher is better).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchHit {
    pub node: NodeId,
    pub score: u32,
}

const EXACT_NAME: u32 = 1000;
const EXACT_ALIAS: u32 = 900;
const PREFIX: u32 = 800;
const WHOLE_WORDS: u32 = 700;
const NAME_WORDS: u32 = 600;
const TEXT_WORDS: u32 = 400;
const TYPO: u32 = 300;

/// The folded labels (names, aliases, titles) and texts (summaries) of every entity.
#[derive(Default)]
pub(super) struct SearchIndex {
    /// Folded label -> (node, true when it is the primary name).
    exact: HashMap<String, Vec<(NodeId, bool)>>,
    /// Each node's folded labels, primary first.
    labels: Vec<Vec<FoldedName>>,
    /// Folded word of a label -> nodes.
    label_words: HashMap<String, Vec<NodeId>>,
    /// Folded word of a summary or text -> nodes.
    text_words: HashMap<String, Vec<NodeId>>,
    /// Every distinct label word, sorted, for prefix and typo matching.
    vocabulary: Vec<String>,
    /// The letters each vocabulary word holds, as a bit set: words whose letters differ by
    /// more than two edits can make are skipped without computing a distance.
    letters: Vec<u64>,
    /// Each node's folded label, to order hits of equal score.
    order_key: Vec<String>,
}

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

impl SearchIndex {
    pub(super) fn build(g: &KnowledgeGraph) -> Self {
        let mut ix = SearchIndex::default();
        for i in 0..g.node_count() {
            let n = NodeId(i as u32);
            let (labels, texts) = texts_of(g.entity(n));
            let folded: Vec<FoldedName> = labels.iter().map(|l| FoldedName::new(l)).collect();
            for (k, f) in folded.iter().enumerate() {
                if !f.folded.is_empty() {
                    ix.exact.entry(f.folded.clone()).or_default().push((n, k == 0));
                }
                for w in &f.words {
                    push_once(ix.label_words.entry(w.clone()).or_default(), n);
                }
            }
            for t in texts {
                for w in fold_words(t) {
                    push_once(ix.text_words.entry(w).or_default(), n);
                }
            }
            ix.labels.push(folded);
            ix.order_key.push(fold(g.entity(n).label()));
        }
        ix.vocabulary = ix.label_words.keys().cloned().collect();
        ix.vocabulary.sort();
        ix.letters = ix.vocabulary.iter().map(|w| letters(w)).collect();
        ix
    }

    pub(super) fn search(&self, g: &KnowledgeGraph, text: &str, kinds: &[EntityKind], limit: usize) -> Vec<SearchHit> {
        let query = FoldedName::new(text);
        if query.words.is_empty() {
            return Vec::new();
        }
        let mut best: HashMap<NodeId, u32> = HashMap::default();
        let mut offer = |n: NodeId, score: u32| {
            let s = best.entry(n).or_insert(0);
            *s = (*s).max(score);
        };
        for &(n, primary) in self.exact.get(&query.folded).into_iter().flatten() {
            offer(n, if primary { EXACT_NAME } else { EXACT_ALIAS });
        }
        // Label words: every query word a whole word, the last one possibly a prefix.
        let last = query.words.len() - 1;
        let mut sets: Vec<Vec<NodeId>> = Vec::with_capacity(query.words.len());
        for (i, w) in query.words.iter().enumerate() {
            let mut set: Vec<NodeId> = self.label_words.get(w).cloned().unwrap_or_default();
            if i == last {
                for v in self.prefixed(w) {
                    set.extend(self.label_words.get(v).into_iter().flatten());
                }
            }
            sets.push(set);
        }
        for n in intersect(sets) {
            let labels = &self.labels[n.index()];
            let score = if labels.iter().any(|l| l.folded.starts_with(&query.folded)) {
                PREFIX
            } else if labels.iter().any(|l| l.has_all_words(&query.words)) {
                WHOLE_WORDS
            } else {
                NAME_WORDS
            };
            offer(n, score);
        }
        // Words of summaries and texts, whole.
        let text_sets = query.words.iter().map(|w| self.text_words.get(w).cloned().unwrap_or_default()).collect();
        for n in intersect(text_sets) {
            offer(n, TEXT_WORDS);
        }
        // Typos: each query word within one or two edits of a label word.
        let mut typo_sets = Vec::with_capacity(query.words.len());
        let mut worst = 0usize;
        for w in &query.words {
            let allowed = match w.chars().count() {
                0..=3 => 0,
                4..=7 => 1,
                _ => 2,
            };
            let mut set = Vec::new();
            let mut closest = usize::MAX;
            let mask = letters(w);
            for (v, &m) in self.vocabulary.iter().zip(&self.letters) {
                // Each edit adds or removes at most two letters of the set.
                if allowed == 0 || (m ^ mask).count_ones() as usize > 2 * allowed || v.len().abs_diff(w.len()) > allowed
                {
                    continue;
                }
                let d = strsim::damerau_levenshtein(w, v);
                if d <= allowed {
                    closest = closest.min(d);
                    set.extend(self.label_words.get(v).into_iter().flatten());
                }
            }
            worst = worst.max(closest);
            typo_sets.push(set);
        }
        for n in intersect(typo_sets) {
            offer(n, TYPO - 10 * worst as u32);
        }

        let mut hits: Vec<SearchHit> = best
            .into_iter()
            .filter(|(n, _)| kinds.is_empty() || kinds.contains(&g.entity(*n).kind()))
            .map(|(node, score)| SearchHit { node, score })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| self.order_key[a.node.index()].cmp(&self.order_key[b.node.index()]))
                .then_with(|| g.entity(a.node).id().cmp(g.entity(b.node).id()))
        });
        hits.truncate(limit);
        hits
    }

    /// Vocabulary words that start with `prefix` (and are longer than it).
    fn prefixed<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        let start = self.vocabulary.partition_point(|v| v.as_str() < prefix);
        self.vocabulary[start..]
            .iter()
            .take_while(move |v| v.starts_with(prefix))
            .filter(move |v| v.len() > prefix.len())
    }
}

/// The set of letters and digits in `word`, one bit each (anything else shares one bit).
fn letters(word: &str) -> u64 {
    word.bytes().fold(0u64, |m, b| {
        m | match b {
            b'a'..=b'z' => 1 << (b - b'a'),
            b'0'..=b'9' => 1 << (26 + b - b'0'),
            _ => 1 << 63,
        }
    })
}

fn push_once(list: &mut Vec<NodeId>, n: NodeId) {
    if list.last() != Some(&n) {
        list.push(n);
    }
}

/// The nodes present in every set.
fn intersect(mut sets: Vec<Vec<NodeId>>) -> Vec<NodeId> {
    if sets.iter().any(Vec::is_empty) {
        return Vec::new();
    }
    for s in &mut sets {
        s.sort_unstable();
        s.dedup();
    }
    sets.sort_by_key(Vec::len);
    let (first, rest) = sets.split_first().map(|(f, r)| (f.clone(), r)).unwrap_or_default();
    first.into_iter().filter(|n| rest.iter().all(|s| s.binary_search(n).is_ok())).collect()
}
