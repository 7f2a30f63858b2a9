//! The deterministic building blocks of the generator: a PRNG, pronounceable names, id
//! slugs, TOML strings and the date table.
//!
//! Nothing here uses floating point or the platform: the same seed gives the same bytes on
//! every machine.

use crate::model::fold;
use std::collections::HashSet;

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for synthetic data.
pub(super) struct Rng(u64);

impl Rng {
    /// A generator for `seed`, decorrelated from neighbouring seeds by one mixing step.
    pub fn new(seed: u64) -> Self {
        let mut r = Rng(seed ^ 0x6A09_E667_F3BC_C908);
        r.next();
        r
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift (no modulo bias worth the name).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// Uniform in `0..n` for a `u64` bound.
    pub fn below_u64(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// An index into `weights`, drawn in proportion to them.
    pub fn weighted(&mut self, weights: &[usize]) -> usize {
        let mut r = self.below(weights.iter().sum());
        for (i, &w) in weights.iter().enumerate() {
            if r < w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }
}

const ONSETS: &[&str] = &[
    "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kr", "tr", "st", "sh", "ch",
    "gr", "pl", "h", "j",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "a", "e", "o", "a", "i", "ai", "ou"];
const CODAS: &[&str] = &["", "", "", "", "", "n", "r", "l", "s", "m"];

/// A capitalised pronounceable word of `syllables` syllables ("Tesaru").
pub(super) fn word(rng: &mut Rng, syllables: usize) -> String {
    let mut w = String::new();
    for i in 0..syllables {
        // Some words start with a vowel, the rest alternate consonant and vowel.
        if i > 0 || !rng.chance(15) {
            w.push_str(rng.pick(ONSETS));
        }
        w.push_str(rng.pick(VOWELS));
        if i + 1 == syllables || rng.chance(20) {
            w.push_str(rng.pick(CODAS));
        }
    }
    capitalise(&w)
}

pub(super) fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Names already given within one kind, compared folded (accents, case, punctuation).
#[derive(Default)]
pub(super) struct Taken(HashSet<String>);

impl Taken {
    /// Takes `name` if no name of the kind folds the same; false when it is taken.
    pub fn take(&mut self, name: &str) -> bool {
        self.0.insert(fold(name))
    }

    /// The first name `make` produces that is still free (a few tries, then a numbered one).
    pub fn unique(&mut self, rng: &mut Rng, mut make: impl FnMut(&mut Rng) -> String) -> String {
        for _ in 0..50 {
            let name = make(rng);
            if self.take(&name) {
                return name;
            }
        }
        // Practically unreachable: lengthen the name until it is free.
        let mut name = make(rng);
        while !self.take(&name) {
            name.push_str(&word(rng, 1).to_lowercase());
        }
        name
    }
}

/// The id slug of a name: folded, words joined by `-` ("Tesaru Kavoli" -> "tesaru-kavoli").
pub(super) fn slug(name: &str) -> String {
    fold(name).replace(' ', "-")
}

/// `s` as a TOML basic string, quotes included.
pub(super) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The three-letter code derived from `name` that no earlier code took (`CAP`, else other
/// letters of the name, else the first free code from `AAA`).
pub(super) fn code(name: &str, taken: &mut HashSet<String>) -> String {
    let letters: Vec<char> =
        fold(name).chars().filter(char::is_ascii_lowercase).map(|c| c.to_ascii_uppercase()).collect();
    let n = letters.len();
    for a in 1..n {
        for b in a + 1..n {
            let c: String = [letters[0], letters[a], letters[b]].iter().collect();
            if taken.insert(c.clone()) {
                return c;
            }
        }
    }
    for i in 0..26 * 26 * 26 {
        let c: String = [i / 676, i / 26 % 26, i % 26].iter().map(|&d| (b'A' + d as u8) as char).collect();
        if taken.insert(c.clone()) {
            return c;
        }
    }
    panic!("more than 17,576 three-letter codes");
}

/// The first day of the generated period, 2015-01-01.
pub(super) const FIRST_YEAR: i32 = 2015;
/// The number of days from 2015-01-01 to 2024-12-31, both included.
pub(super) const DAYS: usize = 3653;

/// `YYYY-MM-DD` of every day of the period, by offset from 2015-01-01.
pub(super) fn day_table() -> Vec<String> {
    let mut days = Vec::with_capacity(DAYS);
    let mut date = chrono::NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).expect("a valid date");
    for _ in 0..DAYS {
        days.push(date.format("%Y-%m-%d").to_string());
        date = date.succ_opt().expect("a valid date");
    }
    days
}

/// When an event happened, as offsets into the day table.
#[derive(Clone, Copy)]
pub(super) enum When {
    Day(usize),
    /// The month of this day.
    Month(usize),
    /// The year of this day.
    Year(usize),
    /// Both days included.
    Range(usize, usize),
}

impl When {
    /// Its seed spelling.
    pub fn text(self, days: &[String]) -> String {
        match self {
            When::Day(d) => days[d].clone(),
            When::Month(d) => days[d][..7].to_owned(),
            When::Year(d) => days[d][..4].to_owned(),
            When::Range(a, b) => format!("{}/{}", days[a], days[b]),
        }
    }

    /// The day it starts on (for reports and statements that follow it).
    pub fn day(self) -> usize {
        match self {
            When::Day(d) | When::Month(d) | When::Year(d) | When::Range(d, _) => d,
        }
    }

    /// The date part of an id: the day, month or year it starts.
    pub fn id_prefix(self, days: &[String]) -> &str {
        match self {
            When::Day(d) | When::Range(d, _) => &days[d],
            When::Month(d) => &days[d][..7],
            When::Year(d) => &days[d][..4],
        }
    }
}
