//! The in-memory knowledge graph: entities as petgraph nodes, their links as edges, and the
//! indexes every API request needs, all built once at load (`build.rs`). A write that adds
//! records, replaces some in place or retracts some gets a new graph made from the previous
//! one (`rebuild.rs`: [`KnowledgeGraph::extend`], [`KnowledgeGraph::update`],
//! [`KnowledgeGraph::retract`]; a retracted record keeps its node, in no order, list or
//! index), sharing what the write leaves alone, which answers as a whole build of the same
//! records would.
//!
//! Architecture Invariant: the graph is immutable once built; every query here returns
//! borrows or small vectors of [`NodeId`]s and never folds, sorts or scans a whole kind on
//! the request path unless the caller asked for a filter that needs it. It knows nothing of
//! files, GraphQL or HTTP.

mod analytics;
mod build;
mod chunked;
mod dates;
mod layered;
mod lists;
mod names;
mod nodes;
mod paths;
mod rebuild;
mod search;
mod served;

pub use analytics::{
    codes_pass, held_on, AgreementTally, Bucket, CodeTally, EventSet, EventTally, Period, TooManyPeriods,
};
pub use build::retracted_in;
pub use dates::{DateRange, EventsInRange};
pub use lists::{ActorQuery, AgreementQuery, EventQuery, List, PlaceQuery, StatementQuery};
pub use names::NameMatch;
pub use paths::{PathStep, Subgraph};
pub use search::SearchHit;
pub use served::ServedGraph;

use crate::model::*;
use chrono::{DateTime, Utc};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::hash::Hasher;
use std::sync::Arc;

/// Which data a graph was built from, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// A hash of every seed file's path and content (64 bits, hex).
    pub hash: String,
    pub loaded_at: DateTime<Utc>,
    /// Where the seed was read from: its directory, or `built-in`.
    pub source: String,
}

impl Snapshot {
    /// The snapshot of files given as `(path, content hash)` in path order, loaded now.
    pub fn of_files<'a>(files: impl Iterator<Item = (&'a str, u64)>) -> Self {
        let mut h = rustc_hash::FxHasher::default();
        for (path, content) in files {
            h.write(path.as_bytes());
            h.write_u8(0);
            h.write_u64(content);
        }
        Snapshot { hash: format!("{:016x}", h.finish()), loaded_at: Utc::now(), source: String::new() }
    }

    /// A hash of one file's content (fast: it runs over every byte of every seed file).
    pub fn content_hash(text: &str) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        h.write(text.as_bytes());
        h.write_usize(text.len());
        h.finish()
    }
}

/// What the graph knows that points at one node, each list in the order the API serves.
#[derive(Clone, Debug, Default)]
pub struct Reverse {
    /// Actor: events it took part in. Place: events here or anywhere inside.
    pub events: Vec<NodeId>,
    /// Actor: agreements it is party to or signed. Event: agreements reached at it or at
    /// any of its parts, however deep.
    pub agreements: Vec<NodeId>,
    /// Actor: what it said. Event: statements about it.
    pub statements: Vec<NodeId>,
    /// Event: its parts. Place: the places directly inside it. Statement: its answers.
    pub children: Vec<NodeId>,
    /// Actor: other actors met at shared events, most shared first.
    pub counterparts: Vec<(NodeId, u32)>,
    /// Source: how many facts (entities and relations) cite it.
    pub fact_count: u32,
}

impl std::fmt::Debug for KnowledgeGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnowledgeGraph")
            .field("nodes", &self.node_count())
            .field("snapshot", &self.snapshot)
            .finish_non_exhaustive()
    }
}

/// A loaded, validated knowledge graph.
pub struct KnowledgeGraph {
    /// The entities and their links (shared with the graphs built from this one by
    /// [`KnowledgeGraph::extend`], see `nodes.rs`).
    nodes: nodes::Nodes,
    /// Id -> node, shared by the graphs extended from the one that built it; `more_ids` holds
    /// the ids added since (see `rebuild.rs`).
    by_id: Arc<HashMap<String, NodeId>>,
    more_ids: HashMap<String, NodeId>,
    /// The nodes whose records a write retracted: kept (so that no other node is numbered
    /// again), but in no order, list or index, and found by no id (see `rebuild.rs`).
    retracted: Arc<HashSet<NodeId>>,
    order: HashMap<EntityKind, Vec<NodeId>>,
    /// The position of each node in its kind's order.
    rank: chunked::Chunked<u32>,
    /// The key each node sorts by in its kind's order; cursors carry it.
    sort_key: chunked::Chunked<Arc<str>>,
    /// The nodes that something points at, each once; most events point nowhere back, so
    /// nodes index into this list (0: the empty `Reverse`) instead of each holding one.
    reverse: chunked::Chunked<Arc<Reverse>>,
    reverse_of: chunked::Chunked<u32>,
    /// How many links touch each node (both directions), to walk the cheaper side first.
    degree: chunked::Chunked<u32>,
    /// For each actor, the actors met at an event and the first such event (node order),
    /// sorted by actor: `(starts, met)`, node `a`'s in `met[starts[a]..starts[a + 1]]` as
    /// (other actor, event). Two busy actors share an event among thousands; this finds it
    /// by binary search instead of walking either's links.
    shared_events: paths::SharedEvents,
    names: Arc<names::NameIndex>,
    search: search::Search,
    /// The date index over the events' order, for date-range filters (see `dates.rs`).
    dates: dates::DateIndex,
    /// The runs that answer list filters (see `lists.rs`).
    lists: Arc<lists::ListIndex>,
    /// Each event's kind and status, by position in the events' order (`lists::EventTags`).
    event_tags: Arc<lists::EventTags>,
    /// Per-event records and prefix tallies for counting (see `analytics/`).
    analytics: analytics::Analytics,
    snapshot: Snapshot,
}

impl KnowledgeGraph {
    /// The entity `n` (for a retracted node, its record as it was). Panics only on a
    /// `NodeId` from another graph.
    pub fn entity(&self, n: NodeId) -> &Entity {
        self.nodes.entity(n)
    }

    /// The node with this id, if any.
    pub fn get(&self, id: &str) -> Option<NodeId> {
        let live = |n: &&NodeId| !self.is_retracted(**n);
        self.by_id.get(id).filter(live).or_else(|| self.more_ids.get(id).filter(live)).copied()
    }

    /// How many nodes there are, retracted ones included: every `NodeId` of this graph is
    /// below it.
    pub fn node_count(&self) -> usize {
        self.nodes.node_count()
    }

    /// The number of entities (not retracted).
    pub fn entity_count(&self) -> usize {
        self.node_count() - self.retracted.len()
    }

    /// Whether node `n`'s record was retracted: it is in no order, list or index, and its
    /// typed accessors ([`KnowledgeGraph::event`]...) give `None`.
    pub fn is_retracted(&self, n: NodeId) -> bool {
        !self.retracted.is_empty() && self.retracted.contains(&n)
    }

    /// The entity `n` unless it was retracted.
    fn live(&self, n: NodeId) -> Option<&Entity> {
        (!self.is_retracted(n)).then(|| self.entity(n))
    }

    /// Every entity of `kind` in the API's order (events by date, actors by name...).
    pub fn all(&self, kind: EntityKind) -> &[NodeId] {
        self.order.get(&kind).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The position of `n` in its kind's order.
    pub fn rank(&self, n: NodeId) -> u32 {
        self.rank[n.index()]
    }

    /// The key `n` sorts by within its kind (what a cursor holds).
    pub fn sort_key(&self, n: NodeId) -> &str {
        &self.sort_key[n.index()]
    }

    /// What points at `n`.
    pub fn reverse(&self, n: NodeId) -> &Reverse {
        &self.reverse[self.reverse_of[n.index()] as usize]
    }

    /// Which data this graph was built from.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Resolves a name of an entity of `kind` (accent-, case- and punctuation-insensitive,
    /// through aliases).
    pub fn lookup_name(&self, kind: EntityKind, name: &str) -> NameMatch {
        self.names.lookup(kind, name)
    }

    /// Ranked search hits for `text` among `kinds` (all kinds when empty).
    pub fn search(&self, text: &str, kinds: &[EntityKind], limit: usize) -> Vec<SearchHit> {
        self.search.search(self, text, kinds, limit)
    }

    /// Counts of entities by kind and of links (relations without citations, citations).
    pub fn counts(&self) -> (Vec<(EntityKind, usize)>, usize, usize) {
        let kinds = EntityKind::ALL.iter().map(|&k| (k, self.all(k).len())).collect();
        let (links, cites) = self.nodes.link_counts();
        (kinds, links - cites, cites)
    }

    /// Every link touching `n`: (other node, kind, true when stored from `n` to the other).
    pub fn links(&self, n: NodeId) -> impl Iterator<Item = (NodeId, LinkKind, bool)> + '_ {
        self.nodes.links(n)
    }

    /// Calls `link(from, to, kind)` for each link the entity `n` states (every link of the
    /// graph is stated by exactly one of its ends; a retracted node states none), as stored: a
    /// walk over every node's stated links visits every link once.
    pub fn each_stated_link(&self, n: NodeId, link: impl FnMut(NodeId, NodeId, LinkKind)) {
        if self.is_retracted(n) {
            return;
        }
        build::each_link(n, self.entity(n), link)
    }

    /// The actor `n`, if it is one.
    pub fn actor(&self, n: NodeId) -> Option<&Actor> {
        match self.live(n)? {
            Entity::Actor(a) => Some(a),
            _ => None,
        }
    }

    /// The event `n`, if it is one.
    pub fn event(&self, n: NodeId) -> Option<&Event> {
        match self.live(n)? {
            Entity::Event(e) => Some(e),
            _ => None,
        }
    }

    /// The place `n`, if it is one.
    pub fn place(&self, n: NodeId) -> Option<&Place> {
        match self.live(n)? {
            Entity::Place(p) => Some(p),
            _ => None,
        }
    }

    /// The agreement `n`, if it is one.
    pub fn agreement(&self, n: NodeId) -> Option<&Agreement> {
        match self.live(n)? {
            Entity::Agreement(a) => Some(a),
            _ => None,
        }
    }

    /// The statement `n`, if it is one.
    pub fn statement(&self, n: NodeId) -> Option<&Statement> {
        match self.live(n)? {
            Entity::Statement(s) => Some(s),
            _ => None,
        }
    }

    /// The source `n`, if it is one.
    pub fn source(&self, n: NodeId) -> Option<&Source> {
        match self.live(n)? {
            Entity::Source(s) => Some(s),
            _ => None,
        }
    }

    /// The date an agreement sorts by: its own, else its event's.
    pub fn agreement_date(&self, a: &Agreement) -> Option<TimeSpan> {
        a.when.or_else(|| a.event.and_then(|e| self.event(e)).map(|e| e.when))
    }
}

/// A small deterministic PRNG (xorshift) for the graph's unit tests.
#[cfg(test)]
pub(crate) struct Rng(pub(crate) u64);

#[cfg(test)]
impl Rng {
    /// A number below `n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}
