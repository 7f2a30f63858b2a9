//! Event codes in counts and filters (issue 18): each event's PLOVER and CAMEO codes are
//! interned at load (an index into a small table of the distinct codes, per position in the
//! date order), so a filter by code is one table look-up per event and a facet by code is a
//! count per table entry, summed up per code.

use super::EventSet;
use crate::graph::KnowledgeGraph;
use crate::model::*;
use rustc_hash::FxHashMap as HashMap;

/// How many events of a set have each CAMEO code and each PLOVER type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeTally {
    /// Per CAMEO code, most first, ties by code; codes that count none are left out.
    pub cameo: Vec<(CameoCode, u32)>,
    /// Per PLOVER type, indexed as `PloverType::ALL` (statements, which have none, are not
    /// counted).
    pub plover: [u32; PloverType::ALL.len()],
}

/// True when `codes` passes the filters: a CAMEO code keeps itself and every code under it
/// (`04` keeps 040 to 046, `042` keeps 042 and 0421...); a PLOVER type keeps the events of
/// that type. Each list given narrows; an empty one does not.
pub fn codes_pass(codes: &EventCodes, cameo: &[CameoCode], plover: &[PloverType]) -> bool {
    (cameo.is_empty() || cameo.iter().any(|f| codes.cameo.as_str().starts_with(f.as_str())))
        && (plover.is_empty() || codes.plover.is_some_and(|p| plover.contains(&p.event)))
}

impl KnowledgeGraph {
    /// Which entries of the code table pass the filters, by entry (`None` when neither
    /// filter is given).
    pub(crate) fn codes_kept(&self, cameo: &[CameoCode], plover: &[PloverType]) -> Option<Vec<bool>> {
        if cameo.is_empty() && plover.is_empty() {
            return None;
        }
        Some(self.analytics.code_table.iter().map(|c| codes_pass(c, cameo, plover)).collect())
    }

    /// True when event `n`'s entry of the code table is kept by `kept` (from
    /// [`Self::codes_kept`]).
    pub(crate) fn code_kept(&self, n: NodeId, kept: &[bool]) -> bool {
        let entry = self.analytics.codes.get(self.rank(n) as usize);
        entry.is_some_and(|&c| kept.get(c as usize).copied().unwrap_or(false))
    }

    /// How many events of `set` have each CAMEO code and each PLOVER type (the whole kind
    /// from totals built at load; any other set is walked).
    pub fn event_code_tally(&self, set: EventSet<'_>) -> CodeTally {
        let a = &self.analytics;
        let per_entry = if self.is_every_event(&set) {
            a.code_totals.clone()
        } else {
            let mut v = vec![0u32; a.code_table.len()];
            for n in set.iter() {
                if let Some(k) = a.codes.get(self.rank(n) as usize).and_then(|&c| v.get_mut(c as usize)) {
                    *k += 1;
                }
            }
            v
        };
        let mut t = CodeTally::default();
        let mut cameo: HashMap<CameoCode, u32> = HashMap::default();
        for (codes, &k) in a.code_table.iter().zip(&per_entry).filter(|(_, &k)| k > 0) {
            *cameo.entry(codes.cameo).or_default() += k;
            if let Some(p) = codes.plover {
                let i = PloverType::ALL.iter().position(|&x| x == p.event).unwrap_or(0);
                t.plover[i] += k;
            }
        }
        t.cameo = cameo.into_iter().collect();
        t.cameo.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        t
    }
}
