//! Ranked search across every kind: exact name > alias > prefix > whole words > words in
//! the text > typo-tolerant match, all on folded text.
//!
//! Every posting list holds search ranks (a node's place in the order hits of equal score
//! are served in: folded label, then id), built at load in that order. A query walks the
//! smallest set a step needs, in rank order, and checks the other words of the query
//! against each node's own label words (or by binary search in a text word's list), so no
//! posting list is copied or sorted; typos are looked up in a deletion index instead of
//! measuring the distance to every word of the vocabulary; and a step stops as soon as no
//! later node could reach the first `limit` hits (each later step scores lower, and within
//! a step later nodes come later in the order).
//!
//! The files: this one is the façade (the index, the query and its steps), `build.rs` builds
//! the index, `layers.rs` the index of a graph extended by writes (the load-built index and
//! a small one of the nodes added or replaced since, their hits merged, the replaced
//! nodes' old entries left out), `postings.rs` holds the label type and the walks over posting lists,
//! `typos.rs` the deletion index that answers typos, `tests.rs` the unit tests.

mod build;
mod layers;
mod postings;
mod typos;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod typo_edits;

use super::KnowledgeGraph;
use crate::model::*;
use postings::{each_in_all, each_in_any, Label, WordSet};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use typos::TypoIndex;

pub(super) use layers::Search;

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

/// A node's position in the order hits of equal score are served in.
type Rank = u32;

/// The folded labels (names, aliases, titles) and texts (summaries) of every entity, by
/// search rank.
#[derive(Default)]
pub(super) struct SearchIndex {
    /// The node at each rank: ranks follow the folded label, then the id.
    by_rank: Vec<NodeId>,
    /// Folded label -> (rank, true when it is the primary name).
    exact: HashMap<String, Vec<(Rank, bool)>>,
    /// The folded labels at each rank, primary first.
    labels: Vec<Vec<Label>>,
    /// Folded word of a label -> ranks, ascending.
    label_words: HashMap<String, Vec<Rank>>,
    /// Folded word of a summary or text -> ranks, ascending.
    text_words: HashMap<String, Vec<Rank>>,
    /// Every distinct label word, sorted, for prefix and typo matching.
    vocabulary: Vec<String>,
    /// How many (word, rank) postings the words of `vocabulary[..i]` have, for sizing the
    /// nodes of a prefix without walking its words.
    postings_before: Vec<usize>,
    /// Folded first word of a label -> ranks, ascending: where the labels that start with
    /// a query (the PREFIX hits) are.
    first_words: HashMap<String, Vec<Rank>>,
    /// As `postings_before`, for `first_words`.
    firsts_before: Vec<usize>,
    /// The letters each vocabulary word holds, as a bit set: words whose letters differ by
    /// more than two edits can make are skipped without computing a distance.
    letters: Vec<u64>,
    /// The vocabulary's deletion index, for typos.
    typos: TypoIndex,
}

/// The best score offered to each node so far (by rank), and how many hits are asked for.
struct Offers {
    best: HashMap<Rank, u32>,
    limit: usize,
}

impl Offers {
    /// Whether the first `limit` hits are all offered.
    fn is_full(&self) -> bool {
        self.best.len() >= self.limit
    }

    /// Raises the score offered to `r` to `score`.
    fn raise(&mut self, r: Rank, score: u32) {
        let s = self.best.entry(r).or_insert(0);
        *s = (*s).max(score);
    }

    /// Offers `score` to `r` unless it was offered one already (a later step scores below
    /// every earlier one); whether hits are still missing.
    fn fill(&mut self, r: Rank, score: u32) -> bool {
        self.best.entry(r).or_insert(score);
        !self.is_full()
    }
}

impl SearchIndex {
    /// The first `limit` hits of `query` (not empty), leaving out the nodes `stale` (whose
    /// entries here a write made out of date); `typo_edits`, when given, is the edits the
    /// typo step scores by (the farthest query word's closest vocabulary word, over every
    /// layer of a [`Search`]).
    fn search_folded(
        &self,
        g: &KnowledgeGraph,
        query: &FoldedName,
        kinds: &[EntityKind],
        limit: usize,
        typo_edits: Option<usize>,
        stale: &HashSet<NodeId>,
    ) -> Vec<SearchHit> {
        let wanted = |r: Rank| {
            let n = self.by_rank[r as usize];
            (kinds.is_empty() || kinds.contains(&g.entity(n).kind())) && (stale.is_empty() || !stale.contains(&n))
        };
        let mut offers = Offers { best: HashMap::default(), limit };
        self.offer_exact(query, &wanted, &mut offers);
        self.offer_label_words(query, &wanted, &mut offers);
        // The later steps score below everything offered so far (a node already offered
        // keeps its score) and give all their nodes one score: only their first nodes in
        // rank order that are new can fill the hits still missing.
        if !offers.is_full() {
            self.offer_text_words(query, &wanted, &mut offers);
        }
        if !offers.is_full() {
            self.offer_typos(query, &wanted, &mut offers, typo_edits);
        }
        self.best_hits(offers)
    }

    /// Step 1: labels equal to the query (EXACT_NAME for a primary name, else EXACT_ALIAS).
    fn offer_exact(&self, query: &FoldedName, wanted: &impl Fn(Rank) -> bool, offers: &mut Offers) {
        for &(r, primary) in self.exact.get(&query.folded).into_iter().flatten() {
            if wanted(r) {
                offers.raise(r, if primary { EXACT_NAME } else { EXACT_ALIAS });
            }
        }
    }

    /// Step 2: label words: every query word a whole word, the last one possibly a prefix
    /// (PREFIX when a label starts with the query, WHOLE_WORDS when a label has all its
    /// words, else NAME_WORDS). Once `limit` hits score PREFIX or more, later nodes (PREFIX
    /// at most, later in rank order) cannot be among the first `limit`. When the labels
    /// starting with the first query word are no more than the nodes of the step, the
    /// PREFIX hits are all found first, from them (a label starting with the query has all
    /// its words); then, once `limit` hits score WHOLE_WORDS or more, later nodes cannot be
    /// among the first `limit` either.
    fn offer_label_words(&self, query: &FoldedName, wanted: &impl Fn(Rank) -> bool, offers: &mut Offers) {
        let last = query.words.len() - 1;
        let sets: Vec<WordSet> = (query.words.iter().enumerate())
            .map(|(i, w)| if i == last { WordSet::Prefix(w) } else { WordSet::Whole(w) })
            .collect();
        // Everything offered so far (exact labels) scores PREFIX or more.
        let mut top = offers.best.len();
        if top >= offers.limit {
            return;
        }
        let Some(sized) = self.sized(&sets) else { return };
        let complete = self.offer_label_starts(query, &sized, wanted, offers, &mut top);
        // Everything offered so far scores PREFIX or more.
        let mut high = offers.best.len();
        if top >= offers.limit {
            return;
        }
        self.each_label_match(&sized, |r| {
            if !wanted(r) {
                return true;
            }
            let labels = &self.labels[r as usize];
            let score = if labels.iter().any(|l| l.folded().starts_with(&query.folded)) {
                PREFIX
            } else if labels.iter().any(|l| l.has_all_words(&query.words)) {
                WHOLE_WORDS
            } else {
                NAME_WORDS
            };
            let s = offers.best.entry(r).or_insert(0);
            top += usize::from(score >= PREFIX && *s < PREFIX);
            high += usize::from(score >= WHOLE_WORDS && *s < WHOLE_WORDS);
            *s = (*s).max(score);
            top < offers.limit && !(complete && high >= offers.limit)
        });
    }

    /// The PREFIX hits of step 2 found first, through the labels' first words, when those
    /// are no more than the nodes of the step (`sized`); whether it did so (then every
    /// PREFIX hit up to the first `limit` is offered). `top` counts the hits scoring PREFIX
    /// or more.
    fn offer_label_starts(
        &self,
        query: &FoldedName,
        sized: &[(usize, &WordSet)],
        wanted: &impl Fn(Rank) -> bool,
        offers: &mut Offers,
        top: &mut usize,
    ) -> bool {
        let last = query.words.len() - 1;
        let smallest = sized.iter().map(|(size, _)| *size).min().unwrap_or(0);
        let first = query.words[0].as_str();
        let (start, end) = if last == 0 { self.prefix_range(first) } else { (0, 0) };
        let starts = match last {
            0 => self.firsts_before[end] - self.firsts_before[start],
            _ => self.first_words.get(first).map_or(0, Vec::len),
        };
        if starts > smallest {
            return false;
        }
        let lists: Vec<&[Rank]> = match last {
            0 => {
                self.vocabulary[start..end].iter().filter_map(|v| self.first_words.get(v)).map(Vec::as_slice).collect()
            }
            _ => self.first_words.get(first).map(Vec::as_slice).into_iter().collect(),
        };
        each_in_any(&lists, |r| {
            if wanted(r) && self.labels[r as usize].iter().any(|l| l.folded().starts_with(&query.folded)) {
                let s = offers.best.entry(r).or_insert(0);
                if *s < PREFIX {
                    *top += 1;
                    *s = PREFIX;
                }
            }
            *top < offers.limit
        });
        true
    }

    /// Step 3: every query word a whole word of a summary or text (TEXT_WORDS).
    fn offer_text_words(&self, query: &FoldedName, wanted: &impl Fn(Rank) -> bool, offers: &mut Offers) {
        let lists: Option<Vec<&[Rank]>> =
            query.words.iter().map(|w| self.text_words.get(w).map(Vec::as_slice)).collect();
        each_in_all(lists.unwrap_or_default(), |r| !wanted(r) || offers.fill(r, TEXT_WORDS));
    }

    /// Step 4: each query word within one or two edits of a label word (TYPO, less 10 for
    /// each edit of the farthest word).
    fn offer_typos(
        &self,
        query: &FoldedName,
        wanted: &impl Fn(Rank) -> bool,
        offers: &mut Offers,
        typo_edits: Option<usize>,
    ) {
        let mut sets = Vec::with_capacity(query.words.len());
        let mut worst = 0usize;
        for w in &query.words {
            let (words, closest) = self.typo_words(w);
            if words.is_empty() {
                sets.clear();
                break;
            }
            worst = worst.max(closest);
            sets.push(WordSet::AnyOf(words.into_iter().map(|v| self.vocabulary[v as usize].as_str()).collect()));
        }
        let score = TYPO.saturating_sub(10 * typo_edits.unwrap_or(worst) as u32);
        if let Some(sized) = self.sized(&sets) {
            self.each_label_match(&sized, |r| !wanted(r) || offers.fill(r, score));
        }
    }

    /// The first `limit` of the offered hits, best score first, then by rank.
    fn best_hits(&self, offers: Offers) -> Vec<SearchHit> {
        let limit = offers.limit;
        let mut hits: Vec<(u32, Rank)> = offers.best.into_iter().map(|(r, score)| (score, r)).collect();
        let order = |a: &(u32, Rank), b: &(u32, Rank)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        if hits.len() > limit {
            hits.select_nth_unstable_by(limit - 1, order);
            hits.truncate(limit);
        }
        hits.sort_unstable_by(order);
        hits.into_iter().map(|(score, r)| SearchHit { node: self.by_rank[r as usize], score }).collect()
    }

    /// Each of `sets` with how many postings its nodes come from, whole words first; none
    /// when there are no sets or one has no node (a word no label has ends the step before
    /// a prefix is sized).
    fn sized<'s>(&self, sets: &'s [WordSet<'s>]) -> Option<Vec<(usize, &'s WordSet<'s>)>> {
        let (prefixes, others): (Vec<&WordSet>, Vec<&WordSet>) =
            sets.iter().partition(|s| matches!(s, WordSet::Prefix(_)));
        let mut sized = Vec::with_capacity(sets.len());
        for s in others.into_iter().chain(prefixes) {
            let size = self.postings_of(s);
            if size == 0 {
                return None;
            }
            sized.push((size, s));
        }
        (!sized.is_empty()).then_some(sized)
    }

    /// Calls `f` with the ranks matching every one of the `sized` sets, ascending, until it
    /// returns false: the set with the fewest postings is walked, and each of its nodes is
    /// checked against the others through the node's own label words.
    fn each_label_match(&self, sized: &[(usize, &WordSet)], mut f: impl FnMut(Rank) -> bool) {
        let Some(&(_, driver)) = sized.iter().min_by_key(|(size, _)| *size) else { return };
        let lists: Vec<&[Rank]> = match driver {
            WordSet::Whole(w) => vec![self.posting(w)],
            WordSet::Prefix(w) => self.prefixed(w).map(|v| self.posting(v)).collect(),
            WordSet::AnyOf(words) => words.iter().map(|v| self.posting(v)).collect(),
        };
        each_in_any(&lists, |r| {
            let words = || self.labels[r as usize].iter().flat_map(Label::words);
            let matches = sized.iter().all(|&(_, s)| match s {
                _ if std::ptr::eq(s, driver) => true,
                WordSet::Whole(w) => words().any(|x| x == *w),
                WordSet::Prefix(w) => words().any(|x| x.starts_with(w)),
                WordSet::AnyOf(ws) => words().any(|x| ws.binary_search(&x).is_ok()),
            });
            !matches || f(r)
        });
    }

    /// How many postings the nodes of `set` come from (an upper bound of their number).
    fn postings_of(&self, set: &WordSet) -> usize {
        match set {
            WordSet::Whole(w) => self.posting(w).len(),
            WordSet::Prefix(w) => {
                let (start, end) = self.prefix_range(w);
                self.postings_before[end] - self.postings_before[start]
            }
            WordSet::AnyOf(words) => words.iter().map(|v| self.posting(v).len()).sum(),
        }
    }

    /// Whether `word` is a label word of a node here that is not in `stale`.
    fn holds(&self, word: &str, stale: &HashSet<NodeId>) -> bool {
        self.posting(word).iter().any(|&r| !stale.contains(&self.by_rank[r as usize]))
    }

    fn posting(&self, word: &str) -> &[Rank] {
        self.label_words.get(word).map_or(&[], Vec::as_slice)
    }

    /// The positions in `vocabulary` of the words that start with `prefix` (itself included).
    fn prefix_range(&self, prefix: &str) -> (usize, usize) {
        let start = self.vocabulary.partition_point(|v| v.as_str() < prefix);
        let len = self.vocabulary[start..].partition_point(|v| v.starts_with(prefix));
        (start, start + len)
    }

    /// Vocabulary words that start with `prefix` (itself included).
    fn prefixed<'a>(&'a self, prefix: &str) -> impl Iterator<Item = &'a str> + 'a {
        let (start, end) = self.prefix_range(prefix);
        self.vocabulary[start..end].iter().map(String::as_str)
    }
}
