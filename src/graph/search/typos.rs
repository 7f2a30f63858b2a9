//! Typos: the vocabulary words within one or two edits of a query word, found through a
//! deletion index of the vocabulary rather than by measuring the distance to every word.

use super::SearchIndex;
use rayon::prelude::*;

/// How many typos a query word of `chars` characters may hold: none up to three
/// characters, one up to seven, two beyond.
pub(super) fn allowed_typos(chars: usize) -> usize {
    match chars {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

impl SearchIndex {
    /// The vocabulary words (positions, ascending) within the typos `word` may hold, and
    /// the fewest edits any of them is away (meaningless when there are none): the words
    /// sharing a deletion with `word` in the deletion index, each checked as a scan of the
    /// whole vocabulary would check it (see the tests).
    pub(super) fn typo_words(&self, word: &str) -> (Vec<u32>, usize) {
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
pub(super) struct TypoIndex {
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
    pub(super) fn build(vocabulary: &[String]) -> Self {
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
pub(super) fn letters(word: &str) -> u64 {
    word.bytes().fold(0u64, |m, b| {
        m | match b {
            b'a'..=b'z' => 1 << (b - b'a'),
            b'0'..=b'9' => 1 << (26 + b - b'0'),
            _ => 1 << 63,
        }
    })
}
