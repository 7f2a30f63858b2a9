//! The label type and the walks over posting lists (each ascending by rank) that the steps
//! of a search run: any of several lists in order, and the ranks in all of them.

use super::Rank;
use crate::model::fold;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A folded label, its words separated by single spaces (as `fold` writes them). Words are
/// split off when needed rather than kept: at a million events, a vector of word strings
/// per label was the largest part of the search index.
#[derive(Default)]
pub(super) struct Label(Box<str>);

impl Label {
    pub(super) fn new(text: &str) -> Self {
        Label(fold(text).into_boxed_str())
    }

    pub(super) fn folded(&self) -> &str {
        &self.0
    }

    pub(super) fn words(&self) -> impl Iterator<Item = &str> {
        self.0.split(' ').filter(|w| !w.is_empty())
    }

    /// True when every word of `query` is one of this label's words.
    pub(super) fn has_all_words(&self, query: &[String]) -> bool {
        !query.is_empty() && query.iter().all(|q| self.words().any(|w| w == q))
    }
}

/// How the nodes matching one query word are found.
pub(super) enum WordSet<'a> {
    /// Nodes with this label word.
    Whole(&'a str),
    /// Nodes with a label word starting with this (the last query word, as it is typed).
    Prefix(&'a str),
    /// Nodes with one of these label words (typo matches), sorted.
    AnyOf(Vec<&'a str>),
}

/// Calls `f` with each rank in any of `lists` (each ascending), ascending and once, until
/// it returns false.
pub(super) fn each_in_any(lists: &[&[Rank]], mut f: impl FnMut(Rank) -> bool) {
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
pub(super) fn each_in_all(mut lists: Vec<&[Rank]>, mut f: impl FnMut(Rank) -> bool) {
    lists.sort_by_key(|l| l.len());
    let Some((first, rest)) = lists.split_first() else { return };
    for &r in *first {
        if rest.iter().all(|l| l.binary_search(&r).is_ok()) && !f(r) {
            return;
        }
    }
}
