//! The typo step against a scan of the whole vocabulary. Search as a whole is checked
//! against a plain scan of the graph in `tests/it/search.rs`, on the bundled seed and a
//! generated one.

use super::typo_edits::{edit, Lcg};
use super::typos::{allowed_typos, letters, TypoIndex};
use super::SearchIndex;
use crate::model::fold;
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

/// An index of `vocabulary` holding only what the typo step reads.
fn typo_index(mut vocabulary: Vec<String>) -> SearchIndex {
    vocabulary.sort();
    vocabulary.dedup();
    SearchIndex {
        letters: vocabulary.iter().map(|w| letters(w)).collect(),
        typos: TypoIndex::build(&vocabulary),
        vocabulary,
        ..SearchIndex::default()
    }
}

/// The folded words of the bundled seed files, read as plain text (names, titles and
/// summaries, and the files' keys): a vocabulary of the real data, without loading it.
fn seed_words() -> Vec<String> {
    let mut words = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("seed")];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).expect("seed dir").map(|e| e.expect("entry").path()));
        } else if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).expect("seed file");
            words.extend(fold(&text).split(' ').filter(|w| !w.is_empty()).map(str::to_owned));
        }
    }
    assert!(words.len() > 1_000, "the bundled seed has only {} words", words.len());
    words
}

/// `count` made-up words of two to six syllables, as the generator's names are made.
fn made_up_words(count: usize, rng: &mut Lcg) -> Vec<String> {
    const SYLLABLES: [&str; 16] =
        ["ka", "ro", "mi", "ten", "sa", "lo", "vek", "an", "dri", "os", "ul", "be", "nor", "gi", "za", "est"];
    (0..count).map(|_| (0..2 + rng.below(5)).map(|_| SYLLABLES[rng.below(SYLLABLES.len())]).collect()).collect()
}

#[test]
fn the_deletion_index_finds_what_a_scan_of_the_vocabulary_finds() {
    let mut rng = Lcg(7);
    let made_up = made_up_words(5_000, &mut rng);
    for ix in [typo_index(seed_words()), typo_index(made_up)] {
        assert_same_typo_words(&ix, &typo_queries(&ix.vocabulary, 400, &mut rng));
    }
    // Words of other scripts and letters of two bytes, where lengths in bytes and in
    // characters differ.
    let vocabulary: Vec<String> = [
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
    let ix = typo_index(vocabulary);
    let mut queries = typo_queries(&ix.vocabulary, 300, &mut rng);
    queries.extend(
        ["strae", "straßen", "москв", "東京都庁舎", "αθηνά", "kiyv", "abdc", "bacdefgh", ""].map(str::to_owned),
    );
    queries.push("a".repeat(300));
    assert_same_typo_words(&ix, &queries);
}
