//! Name folding: the one definition of when two spellings are "the same name".

use unicode_normalization::UnicodeNormalization;

/// Folds `text` for matching: accents dropped (NFD, combining marks removed), lowercase,
/// dots and apostrophes removed ("U.S." = "US", "d'affaires" = "daffaires"), any other
/// punctuation a space, spaces collapsed. `fold("López-Obrador") == "lopez obrador"`.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return fold_ascii(text);
    }
    fold_chars(text.nfd())
}

/// [`fold_chars`] for ASCII text, byte by byte (no decomposition, marks or case tables):
/// most text is ASCII, and a large seed folds every title and summary at load.
fn fold_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for b in text.bytes() {
        let c = match b {
            b'.' | b'\'' => continue,
            b'a'..=b'z' | b'0'..=b'9' => b,
            b'A'..=b'Z' => b.to_ascii_lowercase(),
            _ => {
                pending_space = true;
                continue;
            }
        };
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(char::from(c));
    }
    out
}

/// Folds decomposed characters (ASCII needs no decomposition).
fn fold_chars(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for c in chars {
        if unicode_normalization::char::is_combining_mark(c) || matches!(c, '.' | '\'' | '’') {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// The folded words of `text`.
pub fn fold_words(text: &str) -> Vec<String> {
    fold(text).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// A name in folded form, with its words, built once at load.
#[derive(Clone, Debug)]
pub struct FoldedName {
    pub folded: String,
    pub words: Vec<String>,
}

impl FoldedName {
    /// Folds `text` once.
    pub fn new(text: &str) -> Self {
        let folded = fold(text);
        let words = folded.split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
        FoldedName { folded, words }
    }

    /// True when every word of `query` is one of this name's words.
    pub fn has_all_words(&self, query: &[String]) -> bool {
        !query.is_empty() && query.iter().all(|q| self.words.contains(q))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_punctuation() {
        for spelling in ["López Obrador", "Lopez Obrador", "LÓPEZ OBRADOR", " lopez-obrador ", "López, Obrador"] {
            assert_eq!(fold(spelling), "lopez obrador", "{spelling:?}");
        }
        assert_eq!(fold("U.S. Embassy"), "us embassy");
        assert_eq!(fold("chargé d’affaires"), "charge daffaires");
        assert_eq!(fold("Zúñiga"), "zuniga");
    }

    #[test]
    fn the_ascii_path_folds_as_the_general_one() {
        let mut samples: Vec<String> = (0u8..128).map(|b| format!("a{}B c", char::from(b))).collect();
        samples.extend(
            ["", " ", "...", "U.S.", "d'Affaires", "  Two  words ", "A-1 b_2", "x\ty\nz", "'.'"].map(String::from),
        );
        for s in samples {
            assert_eq!(fold_ascii(&s), fold_chars(s.chars()), "{s:?}");
        }
    }

    #[test]
    fn whole_words_only() {
        let name = FoldedName::new("Andrés Manuel López Obrador");
        assert!(name.has_all_words(&fold_words("lopez obrador")));
        assert!(!name.has_all_words(&fold_words("lope")));
        assert!(!name.has_all_words(&[]));
    }
}
