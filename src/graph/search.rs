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

use super::names::names_of;
use super::KnowledgeGraph;
use crate::model::*;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

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

/// A folded label, its words separated by single spaces (as `fold` writes them). Words are
/// split off when needed rather than kept: at a million events, a vector of word strings
/// per label was the largest part of the search index.
#[derive(Default)]
struct Label(Box<str>);

impl Label {
    fn new(text: &str) -> Self {
        Label(fold(text).into_boxed_str())
    }

    fn folded(&self) -> &str {
        &self.0
    }

    fn words(&self) -> impl Iterator<Item = &str> {
        self.0.split(' ').filter(|w| !w.is_empty())
    }

    /// True when every word of `query` is one of this label's words.
    fn has_all_words(&self, query: &[String]) -> bool {
        !query.is_empty() && query.iter().all(|q| self.words().any(|w| w == q))
    }
}

/// How many typos a query word of `chars` characters may hold: none up to three
/// characters, one up to seven, two beyond.
fn allowed_typos(chars: usize) -> usize {
    match chars {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// How the nodes matching one query word are found.
enum WordSet<'a> {
    /// Nodes with this label word.
    Whole(&'a str),
    /// Nodes with a label word starting with this (the last query word, as it is typed).
    Prefix(&'a str),
    /// Nodes with one of these label words (typo matches), sorted.
    AnyOf(Vec<&'a str>),
}

impl SearchIndex {
    pub(super) fn build(g: &KnowledgeGraph) -> Self {
        let count = g.node_count();
        let node = |i: usize| g.entity(NodeId(i as u32));
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
        let mut by_rank: Vec<(u128, NodeId)> =
            (0..count).into_par_iter().map(|i| (head(&keys[i]), NodeId(i as u32))).collect();
        by_rank.par_sort_unstable_by(|(ha, a), (hb, b)| {
            ha.cmp(hb)
                .then_with(|| keys[a.index()].cmp(&keys[b.index()]))
                .then_with(|| g.entity(*a).id().cmp(g.entity(*b).id()))
        });
        drop(keys);
        let by_rank: Vec<NodeId> = by_rank.into_iter().map(|(_, n)| n).collect();
        let labels: Vec<Vec<Label>> = by_rank.iter().map(|n| std::mem::take(&mut labels[n.index()])).collect();
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
        for (r, n) in by_rank.iter().enumerate() {
            rank[n.index()] = r as Rank;
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
        ix.by_rank = by_rank;
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

    pub(super) fn search(&self, g: &KnowledgeGraph, text: &str, kinds: &[EntityKind], limit: usize) -> Vec<SearchHit> {
        let query = FoldedName::new(text);
        if query.words.is_empty() || limit == 0 {
            return Vec::new();
        }
        let wanted = |r: Rank| kinds.is_empty() || kinds.contains(&g.entity(self.by_rank[r as usize]).kind());
        // Rank -> the best score offered.
        let mut best: HashMap<Rank, u32> = HashMap::default();
        for &(r, primary) in self.exact.get(&query.folded).into_iter().flatten() {
            if wanted(r) {
                let s = best.entry(r).or_insert(0);
                *s = (*s).max(if primary { EXACT_NAME } else { EXACT_ALIAS });
            }
        }
        // Label words: every query word a whole word, the last one possibly a prefix. Once
        // `limit` hits score PREFIX or more, later nodes (PREFIX at most, later in rank
        // order) cannot be among the first `limit`. When the labels starting with the first
        // query word are no more than the nodes of the step, the PREFIX hits are all found
        // first, from them (a label starting with the query has all its words); then, once
        // `limit` hits score WHOLE_WORDS or more, later nodes cannot be among the first
        // `limit` either.
        let last = query.words.len() - 1;
        let sets: Vec<WordSet> = (query.words.iter().enumerate())
            .map(|(i, w)| if i == last { WordSet::Prefix(w) } else { WordSet::Whole(w) })
            .collect();
        let mut top = best.len();
        let sized = if top < limit { self.sized(&sets) } else { None };
        if let Some(sized) = sized {
            let smallest = sized.iter().map(|(size, _)| *size).min().unwrap_or(0);
            let first = query.words[0].as_str();
            let (start, end) = if last == 0 { self.prefix_range(first) } else { (0, 0) };
            let starts = match last {
                0 => self.firsts_before[end] - self.firsts_before[start],
                _ => self.first_words.get(first).map_or(0, Vec::len),
            };
            let mut complete = false;
            if starts <= smallest {
                let lists: Vec<&[Rank]> = match last {
                    0 => self.vocabulary[start..end]
                        .iter()
                        .filter_map(|v| self.first_words.get(v))
                        .map(Vec::as_slice)
                        .collect(),
                    _ => self.first_words.get(first).map(Vec::as_slice).into_iter().collect(),
                };
                each_in_any(&lists, |r| {
                    if wanted(r) && self.labels[r as usize].iter().any(|l| l.folded().starts_with(&query.folded)) {
                        let s = best.entry(r).or_insert(0);
                        if *s < PREFIX {
                            top += 1;
                            *s = PREFIX;
                        }
                    }
                    top < limit
                });
                complete = true;
            }
            // Everything offered so far scores PREFIX or more.
            let mut high = best.len();
            if top < limit {
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
                    let s = best.entry(r).or_insert(0);
                    top += usize::from(score >= PREFIX && *s < PREFIX);
                    high += usize::from(score >= WHOLE_WORDS && *s < WHOLE_WORDS);
                    *s = (*s).max(score);
                    top < limit && !(complete && high >= limit)
                });
            }
        }
        // The later steps score below everything offered so far (a node already offered
        // keeps its score) and give all their nodes one score: only their first nodes in
        // rank order that are new can fill the hits still missing.
        let fill = |best: &mut HashMap<Rank, u32>, r: Rank, score: u32| {
            if wanted(r) && !best.contains_key(&r) {
                best.insert(r, score);
            }
            best.len() < limit
        };
        if best.len() < limit {
            // Words of summaries and texts, whole.
            let lists: Option<Vec<&[Rank]>> =
                query.words.iter().map(|w| self.text_words.get(w).map(Vec::as_slice)).collect();
            each_in_all(lists.unwrap_or_default(), |r| fill(&mut best, r, TEXT_WORDS));
        }
        if best.len() < limit {
            // Typos: each query word within one or two edits of a label word.
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
            let score = TYPO.saturating_sub(10 * worst as u32);
            if let Some(sized) = self.sized(&sets) {
                self.each_label_match(&sized, |r| fill(&mut best, r, score));
            }
        }

        let mut hits: Vec<(u32, Rank)> = best.into_iter().map(|(r, score)| (score, r)).collect();
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

    /// The vocabulary words (positions, ascending) within the typos `word` may hold, and
    /// the fewest edits any of them is away (meaningless when there are none): the words
    /// sharing a deletion with `word` in the deletion index, each checked as a scan of the
    /// whole vocabulary would check it (see the tests).
    fn typo_words(&self, word: &str) -> (Vec<u32>, usize) {
        let chars: Vec<char> = word.chars().collect();
        let allowed = allowed_typos(chars.len());
        let mut found = Vec::new();
        let mut closest = usize::MAX;
        if allowed == 0 || chars.len() > self.typos.longest + allowed {
            return (found, closest);
        }
        let mut keys = Vec::new();
        deletion_keys(&chars, allowed, &mut keys);
        keys.sort_unstable();
        keys.dedup();
        let mut candidates: Vec<u32> = keys.iter().flat_map(|&k| self.typos.words_with(k)).collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mask = letters(word);
        for v in candidates {
            let (m, text) = (self.letters[v as usize], self.vocabulary[v as usize].as_str());
            if let Some(d) = typo_distance(word, mask, text, m, allowed) {
                closest = closest.min(d);
                found.push(v);
            }
        }
        (found, closest)
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

/// Appends `item` to the list of `key`, unless it is already the last one (the lists are
/// filled one node at a time, so this keeps each node once).
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

fn push_to<T: PartialEq>(map: &mut HashMap<String, Vec<T>>, key: &str, item: T) {
    match map.get_mut(key) {
        Some(list) if list.last() == Some(&item) => {}
        Some(list) => list.push(item),
        None => {
            map.insert(key.to_owned(), vec![item]);
        }
    }
}

/// Calls `f` with each rank in any of `lists` (each ascending), ascending and once, until
/// it returns false.
fn each_in_any(lists: &[&[Rank]], mut f: impl FnMut(Rank) -> bool) {
    if let [list] = lists {
        for &r in *list {
            if !f(r) {
                return;
            }
        }
        return;
    }
    let mut heap: BinaryHeap<Reverse<(Rank, usize, usize)>> =
        lists.iter().enumerate().filter_map(|(i, l)| l.first().map(|&r| Reverse((r, i, 0)))).collect();
    let mut previous = None;
    while let Some(Reverse((r, i, at))) = heap.pop() {
        if let Some(&next) = lists[i].get(at + 1) {
            heap.push(Reverse((next, i, at + 1)));
        }
        if previous != Some(r) {
            previous = Some(r);
            if !f(r) {
                return;
            }
        }
    }
}

/// Calls `f` with each rank present in every one of `lists` (each ascending; none when
/// there are no lists), ascending, until it returns false: the shortest list is walked and
/// the others searched.
fn each_in_all(mut lists: Vec<&[Rank]>, mut f: impl FnMut(Rank) -> bool) {
    lists.sort_by_key(|l| l.len());
    let Some((first, rest)) = lists.split_first() else { return };
    for &r in *first {
        if rest.iter().all(|l| l.binary_search(&r).is_ok()) && !f(r) {
            return;
        }
    }
}

/// The edit distance between query word `w` and vocabulary word `v` when it is at most
/// `allowed`, with the cheap rejections first: each edit adds or removes at most two
/// letters of the set, and changes the length by at most one (counted in bytes).
fn typo_distance(w: &str, w_letters: u64, v: &str, v_letters: u64, allowed: usize) -> Option<usize> {
    if allowed == 0
        || (v_letters ^ w_letters).count_ones() as usize > 2 * allowed
        || v.len().abs_diff(w.len()) > allowed
    {
        return None;
    }
    if allowed == 1 {
        return if w.is_ascii() && v.is_ascii() {
            one_edit(w.as_bytes(), v.as_bytes())
        } else {
            one_edit(&w.chars().collect::<Vec<_>>(), &v.chars().collect::<Vec<_>>())
        };
    }
    let d = strsim::damerau_levenshtein(w, v);
    (d <= allowed).then_some(d)
}

/// The Damerau-Levenshtein distance between `a` and `b` when it is at most one (equal, or
/// one character added, removed, replaced, or swapped with the next), without the table
/// the general distance fills.
fn one_edit<T: PartialEq>(a: &[T], b: &[T]) -> Option<usize> {
    if a == b {
        return Some(0);
    }
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[same..], &b[same..]);
    let one = match a.len().cmp(&b.len()) {
        std::cmp::Ordering::Less => a == &b[1..],
        std::cmp::Ordering::Greater => &a[1..] == b,
        std::cmp::Ordering::Equal => {
            a[1..] == b[1..] || (a.len() >= 2 && a[0] == b[1] && a[1] == b[0] && a[2..] == b[2..])
        }
    };
    one.then_some(1)
}

/// Every vocabulary word's deletions (the word with up to two of its characters removed),
/// hashed, for finding the words within one or two edits of a query word without
/// measuring the distance to each.
///
/// Two words within `d` edits (Damerau-Levenshtein: insertions, deletions, substitutions,
/// transpositions of adjacent characters) have a common subsequence that each reaches by
/// at most `d` deletions, so looking up every deletion of the query word (up to its allowed
/// distance) finds every word within that distance, plus a few that the distance check then
/// turns away (hash collisions, words with a long common subsequence but more edits).
#[derive(Default)]
struct TypoIndex {
    /// `(hash of a deletion) << 32 | position of its word in the vocabulary`, sorted, once
    /// each. Only the deletions a query could need are kept: none for words of up to two
    /// characters (no query within reach may have typos), one for words of three to five.
    entries: Vec<u64>,
    /// `entries[directory[k]..directory[k + 1]]` hold the hashes whose top bits are `k`.
    directory: Vec<u32>,
    /// How far a hash is shifted to give its directory slot.
    shift: u32,
    /// The most characters a vocabulary word has.
    longest: usize,
}

impl TypoIndex {
    fn build(vocabulary: &[String]) -> Self {
        let mut entries: Vec<u64> = vocabulary
            .par_iter()
            .enumerate()
            .fold(Vec::new, |mut out, (i, w)| {
                let chars: Vec<char> = w.chars().collect();
                let mut keys = Vec::new();
                deletion_keys(&chars, stored_deletions(chars.len()), &mut keys);
                out.extend(keys.into_iter().map(|k| u64::from(k) << 32 | i as u64));
                out
            })
            .flatten_iter()
            .collect();
        entries.par_sort_unstable();
        entries.dedup();
        let longest = vocabulary.iter().map(|w| w.chars().count()).max().unwrap_or(0);
        // About four entries a slot.
        let bits = (entries.len() / 4).max(1).ilog2().clamp(1, 24) + 1;
        let shift = 32 - bits;
        let mut directory = vec![0u32; (1 << bits) + 1];
        for &e in &entries {
            directory[((e >> 32) as u32 >> shift) as usize + 1] += 1;
        }
        for k in 1..directory.len() {
            directory[k] += directory[k - 1];
        }
        TypoIndex { entries, directory, shift, longest }
    }

    /// The positions of the vocabulary words that have a deletion hashing to `key`.
    fn words_with(&self, key: u32) -> impl Iterator<Item = u32> + '_ {
        let slot = (key >> self.shift) as usize;
        let (start, end) = match (self.directory.get(slot), self.directory.get(slot + 1)) {
            (Some(&s), Some(&e)) => (s as usize, e as usize),
            _ => (0, 0),
        };
        self.entries[start..end].iter().filter(move |&&e| (e >> 32) as u32 == key).map(|&e| e as u32)
    }
}

/// How many deletions of a vocabulary word of `chars` characters the index keeps: the most
/// typos allowed to a query word whose length could be within that many edits of it.
fn stored_deletions(chars: usize) -> usize {
    (chars.saturating_sub(2)..=chars + 2)
        .map(|n| (n, allowed_typos(n)))
        .filter(|&(n, d)| n.abs_diff(chars) <= d)
        .map(|(_, d)| d)
        .max()
        .unwrap_or(0)
}

/// Appends the hashes of `chars` with up to `max` (at most two) characters removed.
fn deletion_keys(chars: &[char], max: usize, out: &mut Vec<u32>) {
    if max == 0 {
        return;
    }
    let n = chars.len();
    out.push(hash_chars(chars.iter().copied()));
    if max >= 1 {
        for i in 0..n {
            out.push(hash_chars(chars.iter().enumerate().filter(|&(k, _)| k != i).map(|(_, &c)| c)));
        }
    }
    if max >= 2 {
        for i in 0..n {
            for j in i + 1..n {
                out.push(hash_chars(chars.iter().enumerate().filter(|&(k, _)| k != i && k != j).map(|(_, &c)| c)));
            }
        }
    }
}

/// A 32-bit hash of a character sequence (FxHash steps and a MurmurHash3 finish).
fn hash_chars(chars: impl Iterator<Item = char>) -> u32 {
    let mut h: u64 = 0x243f_6a88_85a3_08d3;
    for c in chars {
        h = (h.rotate_left(5) ^ u64::from(c)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    (h >> 32) as u32
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The typo step as it was before the deletion index: every vocabulary word measured.
    fn typo_words_by_scan(ix: &SearchIndex, w: &str) -> (Vec<u32>, usize) {
        let allowed = allowed_typos(w.chars().count());
        let mut found = Vec::new();
        let mut closest = usize::MAX;
        let mask = letters(w);
        for (i, (v, &m)) in ix.vocabulary.iter().zip(&ix.letters).enumerate() {
            if allowed == 0 || (m ^ mask).count_ones() as usize > 2 * allowed || v.len().abs_diff(w.len()) > allowed {
                continue;
            }
            let d = strsim::damerau_levenshtein(w, v);
            if d <= allowed {
                closest = closest.min(d);
                found.push(i as u32);
            }
        }
        (found, closest)
    }

    /// The nodes present in every set, as search intersected them before.
    fn intersect_by_sorting(mut sets: Vec<Vec<NodeId>>) -> Vec<NodeId> {
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

    /// Search as it was before the deletion index and rank-ordered lists: whole posting
    /// lists cloned and sorted, every step run in full, every hit sorted.
    fn search_by_scan(g: &KnowledgeGraph, text: &str, kinds: &[EntityKind], limit: usize) -> Vec<SearchHit> {
        let ix = &g.search;
        let mut rank = vec![0; ix.by_rank.len()];
        for (r, n) in ix.by_rank.iter().enumerate() {
            rank[n.index()] = r;
        }
        let nodes = |ranks: &[Rank]| ranks.iter().map(|&r| ix.by_rank[r as usize]).collect::<Vec<NodeId>>();
        let label_words = |w: &str| nodes(ix.label_words.get(w).map_or(&[], Vec::as_slice));
        let query = FoldedName::new(text);
        if query.words.is_empty() {
            return Vec::new();
        }
        let mut best: HashMap<NodeId, u32> = HashMap::default();
        let mut offer = |n: NodeId, score: u32| {
            let s = best.entry(n).or_insert(0);
            *s = (*s).max(score);
        };
        for &(r, primary) in ix.exact.get(&query.folded).into_iter().flatten() {
            offer(ix.by_rank[r as usize], if primary { EXACT_NAME } else { EXACT_ALIAS });
        }
        let last = query.words.len() - 1;
        let mut sets: Vec<Vec<NodeId>> = Vec::new();
        for (i, w) in query.words.iter().enumerate() {
            let mut set: Vec<NodeId> = label_words(w);
            if i == last {
                for v in ix.vocabulary.iter().filter(|v| v.starts_with(w.as_str()) && v.len() > w.len()) {
                    set.extend(label_words(v));
                }
            }
            sets.push(set);
        }
        for n in intersect_by_sorting(sets) {
            let labels = &ix.labels[rank[n.index()]];
            let score = if labels.iter().any(|l| l.folded().starts_with(&query.folded)) {
                PREFIX
            } else if labels.iter().any(|l| l.has_all_words(&query.words)) {
                WHOLE_WORDS
            } else {
                NAME_WORDS
            };
            offer(n, score);
        }
        let text_sets = query.words.iter().map(|w| nodes(ix.text_words.get(w).map_or(&[], Vec::as_slice))).collect();
        for n in intersect_by_sorting(text_sets) {
            offer(n, TEXT_WORDS);
        }
        let mut typo_sets = Vec::new();
        let mut worst = 0usize;
        for w in &query.words {
            let (words, closest) = typo_words_by_scan(ix, w);
            worst = worst.max(closest);
            typo_sets.push(words.iter().flat_map(|&v| label_words(&ix.vocabulary[v as usize])).collect());
        }
        for n in intersect_by_sorting(typo_sets) {
            offer(n, TYPO - 10 * worst as u32);
        }
        let mut hits: Vec<SearchHit> = best
            .into_iter()
            .filter(|(n, _)| kinds.is_empty() || kinds.contains(&g.entity(*n).kind()))
            .map(|(node, score)| SearchHit { node, score })
            .collect();
        let order_key = |n: NodeId| fold(g.entity(n).label());
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| order_key(a.node).cmp(&order_key(b.node)))
                .then_with(|| g.entity(a.node).id().cmp(g.entity(b.node).id()))
        });
        hits.truncate(limit);
        hits
    }

    /// A small deterministic generator of positions.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) as usize) % n.max(1)
        }
    }

    /// `word` with one random edit: a character removed, added, replaced, or two swapped.
    fn edit(word: &str, rng: &mut Lcg) -> String {
        const ALPHABET: [char; 8] = ['a', 'e', 'i', 'o', 'n', 'r', 'é', 'ß'];
        let mut chars: Vec<char> = word.chars().collect();
        let at = rng.below(chars.len() + 1);
        let letter = ALPHABET[rng.below(ALPHABET.len())];
        match rng.below(4) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 if at < chars.len() => chars[at] = letter,
            2 if at + 1 < chars.len() => chars.swap(at, at + 1),
            _ => chars.insert(at, letter),
        }
        chars.into_iter().collect()
    }

    /// Query words near the vocabulary: words of it, and each with one, two and three edits.
    fn typo_queries(vocabulary: &[String], count: usize, rng: &mut Lcg) -> Vec<String> {
        let mut out = Vec::new();
        for _ in 0..count {
            let w = &vocabulary[rng.below(vocabulary.len())];
            let one = edit(w, rng);
            let two = edit(&one, rng);
            let three = edit(&two, rng);
            out.extend([w.clone(), one, two, three]);
        }
        out
    }

    fn assert_same_typo_words(ix: &SearchIndex, queries: &[String]) {
        let mut matched = 0;
        for q in queries {
            let (found, closest) = ix.typo_words(q);
            let (expected, expected_closest) = typo_words_by_scan(ix, q);
            assert_eq!(found, expected, "{q:?}");
            if !expected.is_empty() {
                assert_eq!(closest, expected_closest, "{q:?}");
                matched += 1;
            }
        }
        assert!(matched > queries.len() / 4, "only {matched} of {} queries had typo matches", queries.len());
    }

    fn bundled() -> KnowledgeGraph {
        crate::seed::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("seed")).expect("bundled seed")
    }

    fn generated(events: usize) -> KnowledgeGraph {
        let dir = tempfile::tempdir().expect("temp dir");
        crate::generate::generate(&crate::generate::GenerateConfig { events, seed: 11 }, dir.path()).expect("generate");
        crate::seed::load(dir.path()).expect("generated seed")
    }

    #[test]
    fn the_deletion_index_finds_what_a_scan_of_the_vocabulary_finds() {
        let mut rng = Lcg(7);
        for g in [bundled(), generated(3_000)] {
            let ix = &g.search;
            assert_same_typo_words(ix, &typo_queries(&ix.vocabulary, 400, &mut rng));
        }
        // Words of other scripts and letters of two bytes, where lengths in bytes and in
        // characters differ.
        let mut vocabulary: Vec<String> = [
            "straße",
            "strasse",
            "strase",
            "müller",
            "muller",
            "mueller",
            "москва",
            "москвы",
            "ткачёв",
            "東京都庁",
            "東京都",
            "αθήνα",
            "αθηνα",
            "kyiv",
            "kyjiw",
            "kiev",
            "kiew",
            "şahin",
            "sahin",
            "shahin",
            "giammattei",
            "giamattei",
            "abc",
            "ab",
            "abcd",
            "abcdefgh",
            "abcdefghij",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        vocabulary.sort();
        let ix = SearchIndex {
            letters: vocabulary.iter().map(|w| letters(w)).collect(),
            typos: TypoIndex::build(&vocabulary),
            vocabulary,
            ..SearchIndex::default()
        };
        let mut queries = typo_queries(&ix.vocabulary, 300, &mut rng);
        queries.extend(
            ["strae", "straßen", "москв", "東京都庁舎", "αθηνά", "kiyv", "abdc", "bacdefgh", ""].map(str::to_owned),
        );
        queries.push("a".repeat(300));
        assert_same_typo_words(&ix, &queries);
    }

    #[test]
    fn search_finds_and_orders_what_it_did_before_the_indexes() {
        let mut rng = Lcg(3);
        for g in [bundled(), generated(3_000)] {
            let mut queries: Vec<String> = Vec::new();
            for &kind in &[EntityKind::Actor, EntityKind::Place, EntityKind::Event, EntityKind::Agreement] {
                let all = g.all(kind);
                for _ in 0..25 {
                    let label = g.entity(all[rng.below(all.len())]).label().to_owned();
                    let words: Vec<&str> = label.split_whitespace().collect();
                    let chars: Vec<char> = label.chars().collect();
                    let cut = rng.below(chars.len());
                    queries.push(label.clone());
                    // As typed: a prefix, and with the 3rd character dropped (as the scale bench).
                    queries.push(chars[..cut.max(1)].iter().collect());
                    queries.push(chars.iter().enumerate().filter(|&(i, _)| i != 2).map(|(_, c)| c).collect());
                    queries.push(words.iter().map(|w| edit(w, &mut rng)).collect::<Vec<_>>().join(" "));
                    queries.push(words[rng.below(words.len())].to_owned());
                    queries.push(words.iter().rev().take(2).copied().collect::<Vec<_>>().join(" "));
                }
            }
            queries.extend(
                ["a", "e", "the", "meets", "and", "giamattei", "Giamm", "GIAMMATTEÍ", "lopez obr", "x y z"]
                    .map(str::to_owned),
            );
            for q in &queries {
                for (kinds, limit) in [
                    (&[][..], 20),
                    (&[][..], 1),
                    (&[][..], 100),
                    (&[EntityKind::Actor][..], 10),
                    (&[EntityKind::Event, EntityKind::Place][..], 5),
                ] {
                    assert_eq!(
                        g.search(q, kinds, limit),
                        search_by_scan(&g, q, kinds, limit),
                        "{q:?} {kinds:?} {limit}"
                    );
                }
            }
        }
    }
}
