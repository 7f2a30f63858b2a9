//! Random one-character edits of words, for the typo tests: the unit tests of `search` and
//! `tests/it/search.rs` (which includes this file by path) share it.

/// A small deterministic generator of positions.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// `word` with one random edit: a character removed, added, replaced, or two swapped.
pub fn edit(word: &str, rng: &mut Lcg) -> String {
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
