//! Valid time for offices: who held which office on a given day.

use crate::graph::KnowledgeGraph;
use crate::model::{fold_words, NodeId, Position};
use chrono::NaiveDate;

/// The days a position is known to have been held: from its start to its end where the
/// reports date them (an open end runs on), else from the first to the last day a report
/// attests it.
pub fn held_on(p: &Position, day: NaiveDate) -> bool {
    if p.start.is_some() || p.end.is_some() {
        return p.start.is_none_or(|s| s <= day) && p.end.is_none_or(|e| day <= e);
    }
    match (p.attested.first(), p.attested.last()) {
        (Some(&first), Some(&last)) => first <= day && day <= last,
        _ => false,
    }
}

impl KnowledgeGraph {
    /// The actors holding an office whose title contains every word of `title` (folded), on
    /// `day` when given, in name order.
    pub fn holders(&self, title: &str, day: Option<NaiveDate>) -> Vec<NodeId> {
        let words = fold_words(title);
        let fits = |t: &Vec<String>| words.iter().all(|w| t.contains(w));
        self.analytics
            .holders
            .iter()
            .filter(|(n, titles)| {
                let positions = self.actor(*n).map_or(&[][..], |a| a.positions.as_slice());
                titles.iter().zip(positions).any(|(t, p)| fits(t) && day.is_none_or(|d| held_on(p, d)))
            })
            .map(|&(n, _)| n)
            .collect()
    }
}
