//! Search against a plain scan of the graph: every node's labels and texts measured for
//! every query, with no index, on the bundled seed and on a generated one. The scan is
//! written from what search promises (the scores of `graph::search`, hits of equal score by
//! folded label, then id), through the graph's public API only.

use crate::support::graph;
use diplograph::graph::{KnowledgeGraph, SearchHit};
use diplograph::model::{fold, Entity, EntityKind, FoldedName, NodeId};
use std::sync::Arc;

const EXACT_NAME: u32 = 1000;
const EXACT_ALIAS: u32 = 900;
const PREFIX: u32 = 800;
const WHOLE_WORDS: u32 = 700;
const NAME_WORDS: u32 = 600;
const TEXT_WORDS: u32 = 400;
const TYPO: u32 = 300;

/// The labels (primary first) and the text words of an entity, as search matches them.
fn texts_of(e: &Entity) -> (Vec<&str>, Vec<&str>) {
    match e {
        Entity::Actor(a) => (
            std::iter::once(a.name.as_str()).chain(a.aliases.iter().map(String::as_str)).collect(),
            a.summary.iter().map(String::as_str).chain(a.positions.iter().map(|p| p.title.as_str())).collect(),
        ),
        Entity::Place(p) => {
            (std::iter::once(p.name.as_str()).chain(p.aliases.iter().map(String::as_str)).collect(), vec![])
        }
        Entity::Event(ev) => (
            vec![&ev.title],
            std::iter::once(ev.summary.as_str()).chain(ev.topics.iter().map(String::as_str)).collect(),
        ),
        Entity::Agreement(a) => {
            (vec![&a.title], std::iter::once(a.summary.as_str()).chain(a.topics.iter().map(String::as_str)).collect())
        }
        Entity::Statement(s) => (vec![], vec![&s.text]),
        Entity::Source(s) => (vec![&s.title, &s.outlet], vec![&s.document]),
    }
}

/// Every node's folded labels and text words, and the label vocabulary.
struct Scan {
    labels: Vec<Vec<String>>,
    text_words: Vec<Vec<String>>,
    vocabulary: Vec<String>,
}

fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(' ').filter(|w| !w.is_empty())
}

impl Scan {
    fn new(g: &KnowledgeGraph) -> Self {
        let (mut labels, mut text_words) = (Vec::new(), Vec::new());
        for i in 0..g.node_count() {
            let (l, t) = texts_of(g.entity(NodeId(i as u32)));
            labels.push(l.into_iter().map(fold).collect::<Vec<String>>());
            text_words
                .push(t.into_iter().flat_map(|t| words(&fold(t)).map(str::to_owned).collect::<Vec<_>>()).collect());
        }
        let mut vocabulary: Vec<String> =
            labels.iter().flatten().flat_map(|l| words(l).map(str::to_owned).collect::<Vec<_>>()).collect();
        vocabulary.sort();
        vocabulary.dedup();
        Scan { labels, text_words, vocabulary }
    }

    fn label_words(&self, n: usize) -> impl Iterator<Item = &str> {
        self.labels[n].iter().flat_map(|l| words(l))
    }

    /// The label words within the typos `w` may hold (none up to three characters, one up
    /// to seven, two beyond; lengths differing by at most that many bytes), and the fewest
    /// edits any of them is away.
    fn typo_words(&self, w: &str) -> (Vec<&str>, usize) {
        let chars = w.chars().count();
        let allowed = match chars {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        let mut found = Vec::new();
        let mut closest = usize::MAX;
        for v in &self.vocabulary {
            // Lengths in bytes, as search counts them; in characters, a bound any distance keeps.
            if allowed == 0 || v.len().abs_diff(w.len()) > allowed || v.chars().count().abs_diff(chars) > allowed {
                continue;
            }
            let d = strsim::damerau_levenshtein(w, v);
            if d <= allowed {
                closest = closest.min(d);
                found.push(v.as_str());
            }
        }
        (found, closest)
    }

    /// Every hit search may give, of every kind: every node scored by every step, best
    /// score first, then by folded label and id.
    fn search(&self, g: &KnowledgeGraph, text: &str) -> Vec<SearchHit> {
        let query = FoldedName::new(text);
        if query.words.is_empty() {
            return Vec::new();
        }
        let last = query.words.len() - 1;
        let typos: Vec<(Vec<&str>, usize)> = query.words.iter().map(|w| self.typo_words(w)).collect();
        let worst = typos.iter().map(|(_, closest)| *closest).max().unwrap_or(0);
        let mut hits = Vec::new();
        for n in 0..self.labels.len() {
            let labels = &self.labels[n];
            let mut score = 0;
            for (k, l) in labels.iter().enumerate() {
                if !l.is_empty() && *l == query.folded {
                    score = score.max(if k == 0 { EXACT_NAME } else { EXACT_ALIAS });
                }
            }
            let in_labels = query
                .words
                .iter()
                .enumerate()
                .all(|(i, q)| self.label_words(n).any(|w| w == q || (i == last && w.starts_with(q.as_str()))));
            if in_labels {
                score = score.max(if labels.iter().any(|l| l.starts_with(&query.folded)) {
                    PREFIX
                } else if labels.iter().any(|l| query.words.iter().all(|q| words(l).any(|w| w == q))) {
                    WHOLE_WORDS
                } else {
                    NAME_WORDS
                });
            }
            if query.words.iter().all(|q| self.text_words[n].contains(q)) {
                score = score.max(TEXT_WORDS);
            }
            let typo = typos.iter().all(|(near, _)| self.label_words(n).any(|w| near.contains(&w)));
            if typo {
                score = score.max(TYPO - 10 * worst as u32);
            }
            let node = NodeId(n as u32);
            if score > 0 {
                hits.push(SearchHit { node, score });
            }
        }
        let order_key = |n: NodeId| fold(g.entity(n).label());
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| order_key(a.node).cmp(&order_key(b.node)))
                .then_with(|| g.entity(a.node).id().cmp(g.entity(b.node).id()))
        });
        hits
    }
}

// The generator and the edits the unit tests of `graph::search` use, the same file.
#[path = "../../src/graph/search/typo_edits.rs"]
mod typo_edits;
use typo_edits::{edit, Lcg};

fn generated(events: usize) -> KnowledgeGraph {
    let dir = tempfile::tempdir().expect("temp dir");
    diplograph::generate::generate(&diplograph::generate::GenerateConfig { events, seed: 11 }, dir.path())
        .expect("generate");
    diplograph::seed::load(dir.path()).expect("generated seed")
}

#[test]
fn search_finds_and_orders_what_it_did_before_the_indexes() {
    let mut rng = Lcg(3);
    for g in [graph(), Arc::new(generated(3_000))] {
        let scan = Scan::new(&g);
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
        let mut found = 0;
        for q in &queries {
            let all = scan.search(&g, q);
            for (kinds, limit) in [
                (&[][..], 20),
                (&[][..], 1),
                (&[][..], 100),
                (&[EntityKind::Actor][..], 10),
                (&[EntityKind::Event, EntityKind::Place][..], 5),
            ] {
                let expected: Vec<SearchHit> = (all.iter())
                    .filter(|h| kinds.is_empty() || kinds.contains(&g.entity(h.node).kind()))
                    .take(limit)
                    .copied()
                    .collect();
                found += usize::from(!expected.is_empty());
                assert_eq!(g.search(q, kinds, limit), expected, "{q:?} {kinds:?} {limit}");
            }
        }
        assert!(found > queries.len() * 3, "only {found} searches found anything");
    }
}
