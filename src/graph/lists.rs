//! Lists: the nodes of one kind that a query keeps, in that kind's order (events by date,
//! actors and places by name...), for the API to page and count, and for anything that needs
//! the whole filtered set (counts, timelines) to walk.
//!
//! A query is plain data over resolved [`NodeId`]s ([`EventQuery`], [`ActorQuery`]...). Each
//! filter that an index answers exactly is a run of that index, already in the kind's order:
//! an actor's events, a place's events, the agreements an actor is party to, the actors or
//! places of a kind, the places inside a place, the entities whose names hold a word; a date range is a
//! view of a date index ([`DateRange`]). With one such filter and nothing else, the list is
//! that run or view, borrowed: a page and its `totalCount` cost the same whatever the size of
//! the graph. With several, the shortest drives and each of its items is checked against the
//! others (a binary search by rank in each run, a position test in a date range) and against
//! the filters no index answers (an event's kind, status, topic or code).
//!
//! Architecture Invariant: no list copies, sorts or scans a whole kind unless the caller asked
//! for a filter that no index answers, and then only the shortest of the other filters' runs
//! is walked.

use super::dates::{DateIndex, DateRange};
use super::KnowledgeGraph;
use crate::model::*;
use chrono::NaiveDate;
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::sync::Arc;

/// The nodes a query keeps, in their kind's order.
#[derive(Clone)]
pub enum List<'g> {
    /// A run of an index, borrowed: the whole kind, an actor's events, the places of a kind...
    Slice(&'g [NodeId]),
    /// What several filters keep together, listed.
    Owned(Vec<NodeId>),
    /// The records overlapping a date range: a view of a date index, never listed.
    Range(DateRange<'g>),
}

impl<'g> List<'g> {
    /// How many nodes the list holds.
    pub fn len(&self) -> usize {
        match self {
            List::Slice(s) => s.len(),
            List::Owned(v) => v.len(),
            List::Range(r) => r.len(),
        }
    }

    /// True when the list holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every node of the list, in order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = NodeId> + '_> {
        match self {
            List::Slice(s) => Box::new(s.iter().copied()),
            List::Owned(v) => Box::new(v.iter().copied()),
            List::Range(r) => Box::new(r.iter()),
        }
    }

    /// The list as a slice, when it is one (not a date range).
    pub fn as_slice(&self) -> Option<&[NodeId]> {
        match self {
            List::Slice(s) => Some(s),
            List::Owned(v) => Some(v),
            List::Range(_) => None,
        }
    }
}

/// Which events to list. Every field narrows the list; empty ones do not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventQuery {
    /// Events in which every one of these actors took part.
    pub involving: Vec<NodeId>,
    /// Events at each of these places or anywhere inside it.
    pub at: Vec<NodeId>,
    /// Events of one of these kinds.
    pub kinds: Vec<EventKind>,
    /// Events with this status.
    pub status: Option<EventStatus>,
    /// With `to`: events whose span overlaps `[from, to]`. Alone: on or after.
    pub from: Option<NaiveDate>,
    /// Alone: events on or before this day.
    pub to: Option<NaiveDate>,
    /// Events with this topic (compared folded).
    pub topic: Option<String>,
    /// Events the reports had told by this day (knowledge time).
    pub known_by: Option<NaiveDate>,
    /// Events whose CAMEO code is one of these or lies under one (`04` keeps 040 to 046).
    pub cameo: Vec<CameoCode>,
    /// Events of one of these PLOVER types.
    pub plover: Vec<PloverType>,
    /// Only these events (any order, repeats allowed); `Some` of none keeps nothing.
    pub ids: Option<Vec<NodeId>>,
}

/// Which actors to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActorQuery {
    /// Actors one of whose names (name or alias) holds every word of this one, folded
    /// (exact matches included; not the lookup's "exact name wins"). No word: every actor.
    pub name: Option<String>,
    /// Actors of this kind.
    pub kind: Option<ActorKind>,
    /// Actors holding an office whose title contains all these words (folded)...
    pub holding: Option<String>,
    /// ...on this day (valid time; only with `holding`).
    pub as_of: Option<NaiveDate>,
}

/// Which places to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlaceQuery {
    /// Places one of whose names (name or alias) holds every word of this one, folded
    /// (exact matches included; not the lookup's "exact name wins"). No word: every place.
    pub name: Option<String>,
    /// Places of this kind.
    pub kind: Option<PlaceKind>,
    /// Places inside this place, at any depth (not the place itself).
    pub within: Option<NodeId>,
}

/// Which agreements to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgreementQuery {
    /// Agreements each of these actors is a party to or signed (an actor's own agreements).
    pub involving: Vec<NodeId>,
    /// Agreements each of these actors is a party to.
    pub parties: Vec<NodeId>,
    /// Agreements of this kind.
    pub kind: Option<AgreementKind>,
    /// Agreements the reports had told by this day (knowledge time).
    pub known_by: Option<NaiveDate>,
}

/// Which statements to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatementQuery {
    /// Statements said by each of these actors (a statement has one speaker, so two
    /// different actors keep nothing).
    pub speakers: Vec<NodeId>,
    /// With `to`: statements whose span overlaps `[from, to]`. Alone: on or after.
    pub from: Option<NaiveDate>,
    /// Alone: statements on or before this day.
    pub to: Option<NaiveDate>,
    /// Statements the reports had told by this day (knowledge time).
    pub known_by: Option<NaiveDate>,
}

/// The runs of the kinds' orders that answer single filters, built once at load; a write
/// that adds records merges them into the runs they belong in, and shares the others
/// ([`ListIndex::extended`]); one that moves records in their orders (a name, a date) takes
/// them out of their runs and merges them back ([`ListIndex::moved`]).
#[derive(Default)]
pub(super) struct ListIndex {
    actors_by_kind: Arc<HashMap<ActorKind, Vec<NodeId>>>,
    places_by_kind: Arc<HashMap<PlaceKind, Vec<NodeId>>>,
    agreements_by_kind: Arc<HashMap<AgreementKind, Vec<NodeId>>>,
    /// Each actor's agreements as a party, by date (only actors party to one).
    party_to: Arc<HashMap<NodeId, Vec<NodeId>>>,
    /// Each place's places inside, at any depth, by name (only places holding one).
    inside: Arc<HashMap<NodeId, Vec<NodeId>>>,
    /// The date index over the statements' order.
    statement_dates: Arc<DateIndex>,
}

/// Each event's kind and status, by position in the events' order
/// (`KnowledgeGraph::event_tags`): the kind and status filters are checked here, not by
/// reading each event's record (a cache miss per item on a large graph; 2 bytes an event).
/// Kept apart from the runs, so that a write that adds or moves events patches it alone
/// (`rebuild.rs`).
pub(super) type EventTags = Vec<Option<(EventKind, EventStatus)>>;

/// The tag of event `n` (see [`EventTags`]).
pub(super) fn event_tag(g: &KnowledgeGraph, n: NodeId) -> Option<(EventKind, EventStatus)> {
    g.event(n).map(|e| (e.kind, e.status))
}

/// The tags of `g`'s events, in their order.
pub(super) fn event_tags(g: &KnowledgeGraph) -> EventTags {
    g.all(EntityKind::Event).iter().map(|&n| event_tag(g, n)).collect()
}

impl ListIndex {
    /// Builds the runs from the kinds' orders (so each run is in its kind's order).
    pub(super) fn build(g: &KnowledgeGraph) -> Self {
        let runs = Runs::of(g, g.all(EntityKind::Actor), g.all(EntityKind::Place), g.all(EntityKind::Agreement));
        let spans: Vec<_> = g
            .all(EntityKind::Statement)
            .iter()
            .filter_map(|&n| g.statement(n).map(|s| (s.when.start, s.when.end)))
            .collect();
        ListIndex {
            actors_by_kind: Arc::new(runs.actors_by_kind),
            places_by_kind: Arc::new(runs.places_by_kind),
            agreements_by_kind: Arc::new(runs.agreements_by_kind),
            party_to: Arc::new(runs.party_to),
            inside: Arc::new(runs.inside),
            statement_dates: Arc::new(DateIndex::build(&spans)),
        }
    }

    /// These runs once the nodes from `old` on were added to `g` (its orders and ranks
    /// merged): the added nodes' runs, made as a build makes them, merged by rank into
    /// these (an old node keeps its place among the old ones); the statements' date index
    /// extended ([`DateIndex::extended`]); every map no added node belongs in shared.
    pub(super) fn extended(&self, g: &KnowledgeGraph, old: usize) -> Self {
        let added: Vec<NodeId> = (old..g.node_count()).map(|i| NodeId(i as u32)).collect();
        let of = |kind: EntityKind| -> Vec<NodeId> {
            let mut v: Vec<NodeId> = added.iter().copied().filter(|&m| g.entity(m).kind() == kind).collect();
            v.sort_unstable_by_key(|m| g.rank[m.index()]);
            v
        };
        let (actors, places, agreements, statements) =
            (of(EntityKind::Actor), of(EntityKind::Place), of(EntityKind::Agreement), of(EntityKind::Statement));
        let new = Runs::of(g, &actors, &places, &agreements);
        let statement_dates = if statements.is_empty() {
            self.statement_dates.clone()
        } else {
            let ins: Vec<_> = statements
                .iter()
                .filter_map(|&s| g.statement(s).map(|st| (g.rank[s.index()] as usize, (st.when.start, st.when.end))))
                .collect();
            Arc::new(self.statement_dates.extended(&ins))
        };
        self.with_runs(new, g, false, statement_dates)
    }

    /// These runs once the actors, places, agreements and statements `moved` (sorted) took
    /// their new places in `g`'s orders (their names or dates changed, not their kinds,
    /// containers or parties; `prev` the graph before): the runs of the moved actors, places
    /// and agreements (their kind's, the places' around a place, an agreement's parties')
    /// have them taken out and merged back in by rank, the statements' date index has the
    /// moved statements taken out of their old positions and put in at their new ones
    /// ([`DateIndex::moved`]); every other map shared.
    pub(super) fn moved(&self, g: &KnowledgeGraph, prev: &KnowledgeGraph, moved: &[NodeId]) -> Self {
        let of = |kind: EntityKind| -> Vec<NodeId> {
            moved.iter().copied().filter(|&m| g.entity(m).kind() == kind).collect()
        };
        let new = Runs::of(g, &of(EntityKind::Actor), &of(EntityKind::Place), &of(EntityKind::Agreement));
        let statement_dates = if moved.iter().any(|&m| g.statement(m).is_some()) {
            let span = |x: &KnowledgeGraph, s: NodeId| {
                x.statement(s).map(|st| (x.rank[s.index()] as usize, (st.when.start, st.when.end)))
            };
            let (mut out, mut ins): (Vec<_>, Vec<_>) =
                moved.iter().filter_map(|&s| Some((span(prev, s)?, span(g, s)?))).unzip();
            out.sort_unstable_by_key(|x| x.0);
            ins.sort_unstable_by_key(|x| x.0);
            Arc::new(self.statement_dates.moved(&out, &ins))
        } else {
            self.statement_dates.clone()
        };
        self.with_runs(new, g, true, statement_dates)
    }

    /// These runs once the nodes `gone` (records of `prev`) were retracted: each taken out of
    /// the runs `prev` has it in, and the statements among them out of the statements' date
    /// index; every map none of them is in shared.
    pub(super) fn retracted(&self, prev: &KnowledgeGraph, gone: &[NodeId]) -> Self {
        let of = |kind: EntityKind| -> Vec<NodeId> {
            gone.iter().copied().filter(|&m| prev.entity(m).kind() == kind).collect()
        };
        let out = Runs::of(prev, &of(EntityKind::Actor), &of(EntityKind::Place), &of(EntityKind::Agreement));
        let statements = of(EntityKind::Statement);
        let statement_dates = if statements.is_empty() {
            self.statement_dates.clone()
        } else {
            let mut out: Vec<_> = statements
                .iter()
                .filter_map(|&s| {
                    prev.statement(s).map(|st| (prev.rank[s.index()] as usize, (st.when.start, st.when.end)))
                })
                .collect();
            out.sort_unstable_by_key(|x| x.0);
            Arc::new(self.statement_dates.moved(&out, &[]))
        };
        ListIndex {
            actors_by_kind: without(&self.actors_by_kind, out.actors_by_kind),
            places_by_kind: without(&self.places_by_kind, out.places_by_kind),
            agreements_by_kind: without(&self.agreements_by_kind, out.agreements_by_kind),
            party_to: without(&self.party_to, out.party_to),
            inside: without(&self.inside, out.inside),
            statement_dates,
        }
    }

    /// These runs with the runs `new` merged in (see [`merged`]; `moved`: their nodes are
    /// already in them), and `statement_dates`.
    fn with_runs(&self, new: Runs, g: &KnowledgeGraph, moved: bool, statement_dates: Arc<DateIndex>) -> Self {
        ListIndex {
            actors_by_kind: merged(&self.actors_by_kind, new.actors_by_kind, g, moved),
            places_by_kind: merged(&self.places_by_kind, new.places_by_kind, g, moved),
            agreements_by_kind: merged(&self.agreements_by_kind, new.agreements_by_kind, g, moved),
            party_to: merged(&self.party_to, new.party_to, g, moved),
            inside: merged(&self.inside, new.inside, g, moved),
            statement_dates,
        }
    }
}

/// The runs `old` with the runs `new` (each in its kind's order in `g`) merged in by rank;
/// when `moved`, the nodes of `new` are already in their runs (at their old places) and are
/// taken out first. Shared when there is nothing to merge.
fn merged<K: std::hash::Hash + Eq + Clone>(
    old: &Arc<HashMap<K, Vec<NodeId>>>,
    new: HashMap<K, Vec<NodeId>>,
    g: &KnowledgeGraph,
    moved: bool,
) -> Arc<HashMap<K, Vec<NodeId>>> {
    if new.is_empty() {
        return old.clone();
    }
    let mut all = (**old).clone();
    for (k, run) in new {
        let items = all.entry(k).or_default();
        if moved {
            let again: rustc_hash::FxHashSet<NodeId> = run.iter().copied().collect();
            items.retain(|x| !again.contains(x));
        }
        *items = merge_by_rank(items, &run, &g.rank);
    }
    Arc::new(all)
}

/// The runs `old` with the nodes of the runs `out` taken out of theirs (a run left empty
/// goes, as a build makes none). Shared when there is nothing to take out.
fn without<K: std::hash::Hash + Eq + Clone>(
    old: &Arc<HashMap<K, Vec<NodeId>>>,
    out: HashMap<K, Vec<NodeId>>,
) -> Arc<HashMap<K, Vec<NodeId>>> {
    if out.is_empty() {
        return old.clone();
    }
    let mut all = (**old).clone();
    for (k, run) in out {
        if let Some(items) = all.get_mut(&k) {
            items.retain(|x| !run.contains(x));
            if items.is_empty() {
                all.remove(&k);
            }
        }
    }
    Arc::new(all)
}

/// The runs of some actors, places and agreements (each in its kind's order).
#[derive(Default)]
struct Runs {
    actors_by_kind: HashMap<ActorKind, Vec<NodeId>>,
    places_by_kind: HashMap<PlaceKind, Vec<NodeId>>,
    agreements_by_kind: HashMap<AgreementKind, Vec<NodeId>>,
    party_to: HashMap<NodeId, Vec<NodeId>>,
    inside: HashMap<NodeId, Vec<NodeId>>,
}

impl Runs {
    fn of(g: &KnowledgeGraph, actors: &[NodeId], places: &[NodeId], agreements: &[NodeId]) -> Self {
        let mut ix = Runs::default();
        for &n in actors {
            if let Some(a) = g.actor(n) {
                ix.actors_by_kind.entry(a.kind).or_default().push(n);
            }
        }
        for &n in places {
            let Some(p) = g.place(n) else { continue };
            ix.places_by_kind.entry(p.kind).or_default().push(n);
            // Every place containing it, up the chain (which the seed checks has no cycle).
            let mut at = p.within;
            for _ in 0..64 {
                let Some(outer) = at else { break };
                push_once(ix.inside.entry(outer).or_default(), n);
                at = g.place(outer).and_then(|o| o.within);
            }
        }
        for &n in agreements {
            let Some(a) = g.agreement(n) else { continue };
            ix.agreements_by_kind.entry(a.kind).or_default().push(n);
            for &p in &a.parties {
                push_once(ix.party_to.entry(p).or_default(), n);
            }
        }
        ix
    }
}

/// `items` (in their kind's order) with `new` merged in by rank (the old items keep their
/// order).
pub(super) fn merge_by_rank(items: &[NodeId], new: &[NodeId], rank: &super::chunked::Chunked<u32>) -> Vec<NodeId> {
    let mut new = new.to_vec();
    new.sort_unstable_by_key(|m| rank[m.index()]);
    new.dedup();
    let mut out = Vec::with_capacity(items.len() + new.len());
    let (mut i, mut j) = (0, 0);
    while i < items.len() || j < new.len() {
        if j >= new.len() || (i < items.len() && rank[items[i].index()] < rank[new[j].index()]) {
            out.push(items[i]);
            i += 1;
        } else {
            out.push(new[j]);
            j += 1;
        }
    }
    out
}

/// Pushes `n` unless it is already last (runs are built in order, so that is the only place
/// a repeat can be).
fn push_once(list: &mut Vec<NodeId>, n: NodeId) {
    if list.last() != Some(&n) {
        list.push(n);
    }
}

/// How a list is found: runs that each hold exactly what one filter keeps (in the kind's
/// order), at most one date range, and a check for the filters no index answers.
struct Plan<'g, 'q> {
    /// Every node of the kind, in order: the list when nothing narrows it.
    all: &'g [NodeId],
    runs: Vec<Cow<'g, [NodeId]>>,
    range: Option<DateRange<'g>>,
    check: Option<&'q dyn Fn(NodeId) -> bool>,
}

impl<'g> Plan<'g, '_> {
    fn run(mut self, g: &'g KnowledgeGraph) -> List<'g> {
        if self.check.is_none() && self.runs.len() + usize::from(self.range.is_some()) <= 1 {
            // Nothing to check: the run or the range is the answer, whatever its length.
            return match (self.range, self.runs.pop()) {
                (Some(r), _) => List::Range(r),
                (None, Some(Cow::Borrowed(run))) => List::Slice(run),
                (None, Some(Cow::Owned(run))) => List::Owned(run),
                (None, None) => List::Slice(self.all),
            };
        }
        self.runs.sort_by_key(|r| r.len());
        let check = self.check;
        let keeps = |n: NodeId, others: &[Cow<'g, [NodeId]>], range: Option<&DateRange<'g>>| {
            check.is_none_or(|c| c(n))
                && range.is_none_or(|r| r.contains_position(g.rank(n) as usize))
                && others.iter().all(|run| contains(g, run, n))
        };
        // The date range drives when it is shorter than every run (its length is known
        // without listing it); otherwise the shortest run does and the range is checked
        // item by item.
        let list = match &self.range {
            Some(r) if self.runs.first().is_none_or(|run| r.len() <= run.len()) => {
                r.iter().filter(|&n| keeps(n, &self.runs, None)).collect()
            }
            range => {
                let (driver, others) = match self.runs.split_first() {
                    Some((d, o)) => (&**d, o),
                    None => (self.all, &[][..]),
                };
                driver.iter().copied().filter(|&n| keeps(n, others, range.as_ref())).collect()
            }
        };
        List::Owned(list)
    }
}

/// Is `n` in `run`, which is in its kind's order?
fn contains(g: &KnowledgeGraph, run: &[NodeId], n: NodeId) -> bool {
    let r = g.rank(n);
    run.binary_search_by_key(&r, |&x| g.rank(x)).is_ok()
}

impl KnowledgeGraph {
    /// The events `q` keeps, in date order.
    pub fn events(&self, q: &EventQuery) -> List<'_> {
        let mut runs: Vec<Cow<'_, [NodeId]>> = Vec::new();
        runs.extend(q.involving.iter().map(|&a| Cow::Borrowed(&self.reverse(a).events[..])));
        runs.extend(q.at.iter().map(|&p| Cow::Borrowed(&self.reverse(p).events[..])));
        if let Some(ids) = &q.ids {
            // A run like the others: the events among them, once each, in the kind's order.
            let mut run: Vec<NodeId> =
                ids.iter().copied().filter(|&n| self.entity(n).kind() == EntityKind::Event).collect();
            run.sort_by_key(|&n| self.rank(n));
            run.dedup();
            runs.push(Cow::Owned(run));
        }
        let range = (q.from.is_some() || q.to.is_some()).then(|| self.events_in_range(q.from, q.to));
        let topic = q.topic.as_deref().map(fold);
        let codes = self.codes_kept(&q.cameo, &q.plover);
        // Knowledge time narrows the date range (the whole kind without one): counted from
        // the first-known index and paged lazily, so it costs what the range costs.
        let range = match self.known_filter(EntityKind::Event, q.known_by) {
            Some(by) => Some(self.events_known_in_range(range.unwrap_or_else(|| self.events_in_range(None, None)), by)),
            None => range,
        };
        // The record itself is read only for the filters that need it: codes are answered
        // from a compact per-position table, kinds and statuses from another (no entity read,
        // which is a cache miss per item on a large graph).
        let tagged = !q.kinds.is_empty() || q.status.is_some();
        let of_record = topic.is_some();
        let check = |n: NodeId| {
            codes.as_ref().is_none_or(|kept| self.code_kept(n, kept))
                && (!tagged
                    || self.event_tags.get(self.rank(n) as usize).copied().flatten().is_some_and(|(kind, status)| {
                        (q.kinds.is_empty() || q.kinds.contains(&kind)) && q.status.is_none_or(|s| status == s)
                    }))
                && (!of_record || self.event(n).is_some_and(|e| topic.as_ref().is_none_or(|t| e.topics.contains(t))))
        };
        let checked = tagged || of_record || codes.is_some();
        // One busy actor's or place's events with `knownBy` alone: a scan of the first-known
        // days built for that list at load, in its order (no position look-up per item).
        if let (false, None, [run], Some(by)) =
            (checked, &q.from.or(q.to), &runs[..], self.known_filter(EntityKind::Event, q.known_by))
        {
            if let Some(kept) = self.busy_known_by(run, by) {
                return List::Owned(kept);
            }
        }
        let check: Option<&dyn Fn(NodeId) -> bool> = if checked { Some(&check) } else { None };
        Plan { all: self.all(EntityKind::Event), runs, range, check }.run(self)
    }

    /// The actors `q` keeps, by name.
    pub fn actors(&self, q: &ActorQuery) -> List<'_> {
        let mut runs = Vec::new();
        if let Some(name) = &q.name {
            runs.extend(self.names.containing(EntityKind::Actor, name));
        }
        if let Some(k) = q.kind {
            runs.push(Cow::Borrowed(run_of(&self.lists.actors_by_kind, &k)));
        }
        if let Some(title) = &q.holding {
            runs.push(Cow::Owned(self.holders(title, q.as_of)));
        }
        Plan { all: self.all(EntityKind::Actor), runs, range: None, check: None }.run(self)
    }

    /// The places `q` keeps, by name.
    pub fn places(&self, q: &PlaceQuery) -> List<'_> {
        let mut runs = Vec::new();
        if let Some(name) = &q.name {
            runs.extend(self.names.containing(EntityKind::Place, name));
        }
        if let Some(k) = q.kind {
            runs.push(Cow::Borrowed(run_of(&self.lists.places_by_kind, &k)));
        }
        if let Some(w) = q.within {
            runs.push(Cow::Borrowed(run_of(&self.lists.inside, &w)));
        }
        Plan { all: self.all(EntityKind::Place), runs, range: None, check: None }.run(self)
    }

    /// The agreements `q` keeps, by date.
    pub fn agreements(&self, q: &AgreementQuery) -> List<'_> {
        let mut runs: Vec<Cow<'_, [NodeId]>> = Vec::new();
        runs.extend(q.involving.iter().map(|&a| Cow::Borrowed(&self.reverse(a).agreements[..])));
        runs.extend(q.parties.iter().map(|p| Cow::Borrowed(run_of(&self.lists.party_to, p))));
        if let Some(k) = q.kind {
            runs.push(Cow::Borrowed(run_of(&self.lists.agreements_by_kind, &k)));
        }
        let known_by = self.known_filter(EntityKind::Agreement, q.known_by);
        let known = |n: NodeId| known_by.is_none_or(|d| self.known_by(n, d));
        let check: Option<&dyn Fn(NodeId) -> bool> = known_by.is_some().then_some(&known as _);
        Plan { all: self.all(EntityKind::Agreement), runs, range: None, check }.run(self)
    }

    /// The statements `q` keeps, by date.
    pub fn statements(&self, q: &StatementQuery) -> List<'_> {
        let all = self.all(EntityKind::Statement);
        // An actor's statements are what it said; anything else said nothing.
        let said = |a: NodeId| match self.actor(a) {
            Some(_) => &self.reverse(a).statements[..],
            None => &[][..],
        };
        let runs = q.speakers.iter().map(|&a| Cow::Borrowed(said(a))).collect();
        let range = (q.from.is_some() || q.to.is_some()).then(|| self.lists.statement_dates.range(all, q.from, q.to));
        let known_by = self.known_filter(EntityKind::Statement, q.known_by);
        let known = |n: NodeId| known_by.is_none_or(|d| self.known_by(n, d));
        let check: Option<&dyn Fn(NodeId) -> bool> = known_by.is_some().then_some(&known as _);
        Plan { all, runs, range, check }.run(self)
    }

    /// The sources, by publication date.
    pub fn sources(&self) -> List<'_> {
        List::Slice(self.all(EntityKind::Source))
    }
}

/// The run `map` holds for `key`, or none.
fn run_of<'g, K: std::hash::Hash + Eq>(map: &'g HashMap<K, Vec<NodeId>>, key: &K) -> &'g [NodeId] {
    map.get(key).map_or(&[], Vec::as_slice)
}
