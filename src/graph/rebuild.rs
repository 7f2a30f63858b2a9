//! Incremental builds: the graph of a write that added records, or replaced some in place,
//! made from the graph before it instead of from nothing ([`KnowledgeGraph::extend`],
//! [`KnowledgeGraph::update`]).
//!
//! A write adds records at the end of the node order (`seed::apply_records` appends new
//! ids; nothing already there changes), so every index of the previous graph stays right
//! for its nodes, and the new graph shares or patches it:
//!
//! - entities (`Arc`s) and links: the previous petgraph shared, the new nodes and their links
//!   kept beside it (`nodes.rs`), listed where a whole build puts them (links are added in
//!   node order, and each node lists the latest first), so every node's links come out in
//!   the same order; folded into a copy of the petgraph once they are many;
//! - the per-node vectors (ranks, sort keys, the reverse lists' table and each node's place
//!   in it, degrees, first-known days) kept in chunks shared between the graphs
//!   (`chunked.rs`): a copy shares every chunk, an append or a changed entry copies only the
//!   chunk it writes;
//! - ids: the previous map shared, the added ids in a small map beside it (folded into one
//!   map once it holds more than a share of them);
//! - each kind's order: the added nodes' keys sorted and merged into their kind's order (an
//!   old node keeps its key, so the old order stays), ranks renumbered for those kinds;
//! - reverse lists: shared (`Arc`) except the lists the added nodes belong in, which get
//!   them merged in by rank; the counterparts and shared events of the actors of added
//!   events computed again (the shared events kept apart from the load-built list until
//!   they are many, `paths::SharedEvents`); facts counted for the sources they cite;
//! - search: the load-built index shared and a small index of the added nodes (see
//!   `search/layers.rs`), folded into one index once the added nodes outgrow a share;
//! - names: shared unless an actor or place was added, or one's name or aliases replaced,
//!   then built again (actors and places are few: 52 ms at 100k events); list runs (actors,
//!   places and agreements by kind, agreements by party, places inside a place, the
//!   statements' date index): the added nodes' runs merged by rank into those they belong
//!   in, the statements' date index extended, every other run shared
//!   (`ListIndex::extended`);
//! - the date index (`dates.rs`) and `analytics` (kept per event by date position, which an
//!   added event shifts): patched, never built again ([`DateIndex::extended`],
//!   `analytics/extend.rs`): what is kept by position gets the added events inserted (a
//!   linear copy of a few small arrays), what is kept per start or end day gets its rows
//!   merged with the added days, the whole kind's and the busy lists' counts get the added
//!   events counted in, and the wavelet matrices are shared, the added events counted in a
//!   small matrix beside them until they are more than 1 in 16 of the events, when the
//!   matrices are built again from the arrays kept by position (`layered.rs`).
//!
//! A write that replaces records (same ids, so the same `NodeId`s; [`KnowledgeGraph::update`])
//! is made the same way when every replacement is one of those below, and built whole
//! ([`KnowledgeGraph::build`]) otherwise. A write that also adds records is made in two
//! steps when one of its replacements re-indexes an event, moves a record in its order or
//! refers to a record it adds (a report added, an event corrected to cite it): the
//! additions first, then the
//! replacements on that graph, where what they refer to is there. The check, [`KnowledgeGraph::replaces_in_place`],
//! is conservative: the old and the new entity must be of the same kind and id and equal
//! once emptied of the fields listed here (`indexed`; for an event, `reindexable`, which
//! empties the fields it re-indexes too); any other difference, however small,
//! makes the build whole. What may differ, and what is done for it:
//!
//! - search's labels and texts (an event's, agreement's title and summary, an agreement's
//!   topics, an actor's aliases and summary, a place's aliases, a statement's text, a
//!   source's title, outlet and document): the node's entries in the indexes built before
//!   are left out of their hits and the node is indexed again beside them
//!   (`search/layers.rs`, which builds the whole index again if a stale entry's label word
//!   is nobody else's); an actor's or place's aliases: the name index built again;
//! - notes (text and citations) and the citations of participations and positions: the
//!   cited sources' fact counts counted again (their `Reverse` copied);
//! - an actor's, place's, agreement's or statement's own citations: their links kept apart
//!   (`nodes.rs`), the sources' fact counts counted again, the node's first-known day read
//!   again and, for an agreement or statement, the day by which all of its kind were known
//!   found again (`Analytics::recite`);
//! - an actor's positions (titles, organisations, dates): the links to the organisations
//!   kept apart, the office holders made again (the actors with an office: a walk of the
//!   actors, `Analytics::recite`), search's entries made again (it reads the titles);
//! - an actor's country: its link kept apart (nothing else reads it: an event's country is
//!   its place's);
//! - an actor's or agreement's kind, a place's kind: the list runs built again (`lists.rs`);
//!   a place made a country or no longer one: also every event at or inside it re-indexed
//!   as below (its record the same: its country, the nearest around its place, may change);
//! - a place's container: its link kept apart (`nodes.rs`), the place taken out of its old
//!   container's list of places and merged into its new one's (`relist`), the list runs
//!   built again (the places inside each place), and every event at or inside it re-indexed
//!   as below (its record the same: it leaves the lists of the places it is no longer in and
//!   joins those of the places now around it, its country may change);
//! - an agreement's parties, signatories, event and scheduled events, a statement's speaker,
//!   event and statement it answers (so long as every reference is to a node of the graph
//!   before):
//!   the links kept apart for every node at an end of an old or new link (`nodes.rs`), and
//!   the node taken out of the reverse lists it left and merged by rank into those it
//!   joined (no agreement or statement is counted by the analytics, met at or walked for
//!   counterparts); for an agreement, the list runs built again (the parties' runs; 23 ms
//!   at 100k events, BENCHMARKS.md);
//! - an agreement's or statement's date, so its order key (which an undated agreement's
//!   event gives too, and so does the moved date of an event an undated agreement is
//!   reached at, though the agreement is not replaced): the node taken out of its kind's
//!   order and merged back in by its new key, the ranks renumbered from the first position
//!   that changed (`reorder`), taken out of every reverse list it was in and merged back by
//!   rank (`relist`); a moved agreement's runs (its kind's, its parties') have it taken out
//!   and merged back in, the statements' date index has a moved statement taken out of its
//!   old position and put in at its new one (`ListIndex::moved`); nothing else keeps them
//!   by rank;
//! - an actor's or place's name, so its order key: moved in its kind's order as above
//!   (`reorder`), a place taken out of its container's list and merged back (`relist`);
//!   its runs (its kind's, a place's in every place around it) patched the same way
//!   (`ListIndex::moved`); the name index built again, search's entries of the node made
//!   again (as for aliases); and what breaks ties by name: the counterparts of the actors a
//!   renamed actor met sorted again (`resort_counterparts`), the counts per participant and
//!   per country that hold the node (the whole kind's, the busy lists') sorted again
//!   (`Analytics::reranked`), the office holders made again when it holds one;
//! - fields read from the entity only when asked (a place's code and coordinates, an
//!   agreement's status, amount and duration, a statement's channel and quote flag, a
//!   source's note, publisher and credits): nothing;
//! - an event's date (start, end, precision), participants (actors and roles), place,
//!   parent, kind, status, mode, topics, own codes and own citations (`reindexable`; the
//!   undated agreements reached at it move with it, as above), the event re-indexed: its
//!   links kept apart (`nodes.rs`); when its order
//!   key (its date) changed, it is taken out of the events' order and merged back in by its
//!   new key, the ranks renumbered from the first position that changed (`reorder`), and it
//!   leaves every reverse list it was in and joins every list it is now in (its
//!   participants', its place's and the places around it, its parent's), merged by rank;
//!   otherwise only the lists it left or joined change (`relist`); the agreements reached at
//!   it or at its parts, when its parent changed, are relisted too (the events above them
//!   changed); the actors that joined or left it get their counterparts and shared events
//!   computed again (`remeet`); the cited sources' fact counts counted again; the kinds and
//!   statuses by event position patched (each event's tag found by its rank in the graph
//!   before, the re-indexed and added events' read: `patch_tags`); the date index patched,
//!   each re-indexed event taken out of its old position and put in at its new one
//!   ([`DateIndex::moved`]: the start days counted again, the wavelet matrix shared and
//!   the positions taken out and put in counted beside it, `layered.rs`; under 1 ms at
//!   100k events); the analytics made from the graph before's arrays by position (`Analytics::reindexed`: a
//!   moved event shifts every position between its old and new place, so each event's
//!   entries are found by its rank in the graph before and only the re-indexed events read;
//!   the time axes' wavelet matrices shared, the events taken out and put in counted beside
//!   them, their tallies by end day patched, and so the per-day counts of countries and
//!   topics (`prefix.rs`: the rows between an event's old and new day; built again when a
//!   country or topic is gained or lost); the tallies by start day summed again; the busy
//!   lists' counts of the actors and places whose events the write left alone shared, the
//!   others patched: the re-indexed events' old entries out, their new ones in): a moved
//!   date or a changed participant costs about 11 ms at 100k events against a whole build's
//!   1.5 to 2.7 s (BENCHMARKS.md);
//! - a source's publication day: the source moved in its order (`reorder`; nothing else keeps
//!   sources by rank), every record citing it replaced too, by itself with its citations in
//!   order again (found by a walk of every record's citations, a few milliseconds at 100k
//!   events), so that their links are listed as a whole build lists them; the events among
//!   them re-indexed as above (their first-known days), the others' first-known days read
//!   again and the source's own (`Analytics::recite`);
//! - the entity itself: kept beside the shared petgraph (`nodes.rs`).
//!
//! Every field of every kind is one of those, so every replacement of a record by one of the
//! same id (so of the same kind: an id names its kind) is made from the graph before; the
//! whole build is left for a replacement of another kind or id, which no write makes.
//!
//! A write that retracts records ([`KnowledgeGraph::retract`]; the writer checks that nothing
//! that stays refers to them) keeps their nodes, so that no other node is numbered again and
//! every index stays right for the others: a retracted node keeps its entity, found by no id
//! (the id maps are shared, a look-up skips it) and read by no typed accessor
//! ([`KnowledgeGraph::event`]... give `None`, and so [`KnowledgeGraph::each_back_link`]
//! gives nothing), and a whole build of the same records keeps it the same way (a record
//! whose id does not map to it is a retracted one, [`KnowledgeGraph::build`]). What it was in
//! is patched as for a replacement: its links taken out (`nodes.rs`, as a replacement with
//! none), its kind's order without it and the ranks after it renumbered, every reverse list
//! it was in without it (`relist`), the sources it cited counted again, search's entries of
//! it left out of their hits (as a replaced node's, not indexed again); for an event, the
//! actors it had met again (`remeet`), its position taken out of the date index
//! ([`DateIndex::moved`] with nothing put in), the tags by position and the analytics
//! patched as for a re-indexed event that is put in nowhere (`Analytics::reindexed`); for an
//! actor, place, agreement or statement, taken out of the list runs it was in and the
//! statements' date index (`ListIndex::retracted`), and for an actor or place the name index
//! built again; the day by which every agreement or statement was
//! known found again, and the office holders made again for an actor that held an office
//! (`Analytics::retracted`).
//!
//! The graph extended is answer for answer the graph a whole build of the same records
//! gives: `tests/it/extend.rs` compares both, index by index (and, for the counts, whose
//! internal tables may number a code or topic differently, answer by answer over many
//! lists), after random sequences of additions, and of additions and replacements of all
//! five sorts (in place, events re-indexed, agreements and statements moved, actors and
//! places renamed, places moved into other containers).
//!
//! [`DateIndex::extended`]: super::dates::DateIndex::extended
//! [`DateIndex::moved`]: super::dates::DateIndex::moved

use super::build::{each_citation, each_link, sort_citations, Met};
use super::lists::{merge_by_rank, ListIndex};
use super::nodes::{Relinked, Stated};
use super::{names::NameIndex, KnowledgeGraph, Reverse, Snapshot};
use crate::model::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// The share of the ids (1 in this many) that may sit in the map of added ids before it is
/// folded into the main one.
const IDS_SHARE: usize = 16;

impl KnowledgeGraph {
    /// The graph of this graph's entities followed by `added` (in `NodeId` order from
    /// `self.node_count()`, their references resolved to nodes of either), as of `snapshot`:
    /// what [`KnowledgeGraph::build`] gives for the same entities, made in time proportional
    /// to the added records plus a few linear copies (see the module doc).
    pub fn extend(&self, added: Vec<Entity>, snapshot: Snapshot) -> KnowledgeGraph {
        self.update(Vec::new(), added, snapshot)
    }

    /// The graph of this graph's entities with those of the nodes `replaced` replaced (same
    /// ids, their references resolved as `added`'s) followed by `added`, as of `snapshot`:
    /// what [`KnowledgeGraph::build`] gives for the same entities. Made from this graph as
    /// [`KnowledgeGraph::extend`] does when every replacement changes only what no index
    /// reads, or what is patched ([`KnowledgeGraph::replaces_in_place`], the module doc);
    /// built whole otherwise.
    pub fn update(
        &self,
        mut replaced: Vec<(NodeId, Entity)>,
        mut added: Vec<Entity>,
        snapshot: Snapshot,
    ) -> KnowledgeGraph {
        let old = self.node_count();
        // The sources whose publication day a replacement moved: every record citing one lists
        // its citations in another order, and may be known from another day, so it is
        // replaced too (by itself, its citations sorted again below).
        let republished: HashSet<NodeId> = replaced
            .iter()
            .filter(|(n, e)| matches!((self.source(*n), e), (Some(a), Entity::Source(b)) if a.published != b.published))
            .map(|r| r.0)
            .collect();
        let mut citers: Vec<NodeId> = Vec::new();
        if !republished.is_empty() {
            citers = crate::timing::timed("extend: records citing a moved source", || {
                let listed: HashSet<NodeId> = replaced.iter().map(|r| r.0).collect();
                let cites = |n: NodeId| {
                    let mut found = false;
                    each_citation(self.entity(n), |s| found |= republished.contains(&s));
                    found && !self.is_retracted(n)
                };
                let all: Vec<NodeId> = (0..old).map(|i| NodeId(i as u32)).filter(|&n| cites(n)).collect();
                replaced.extend(all.iter().filter(|n| !listed.contains(n)).map(|&n| (n, self.entity(n).clone())));
                all
            });
        }
        crate::timing::timed("extend: citations in order", || {
            let now: HashMap<NodeId, &Entity> = replaced.iter().map(|(n, e)| (*n, e)).collect();
            let key = |s: &NodeId| {
                let e = match s.index().checked_sub(old) {
                    None => Some(now.get(s).copied().unwrap_or_else(|| self.entity(*s))),
                    Some(i) => added.get(i),
                };
                match e {
                    Some(Entity::Source(src)) => Some((src.published, src.id.clone())),
                    _ => None,
                }
            };
            let keys: HashMap<NodeId, _> =
                added.iter().chain(replaced.iter().map(|r| &r.1)).flat_map(cited).map(|s| (s, key(&s))).collect();
            sort_citations(&mut added, |s| keys.get(s).and_then(Option::as_ref));
            for (_, e) in &mut replaced {
                sort_citations(std::slice::from_mut(e), |s| keys.get(s).and_then(Option::as_ref));
            }
        });
        replaced.sort_by_key(|r| r.0);
        replaced.dedup_by_key(|r| r.0);
        // A write that adds records and re-indexes events, moves a record in its order (a
        // date), or replaces a record with one that refers to a record it adds (a report
        // added and an event corrected to cite it): the additions first, then the replacements on that graph, where what they
        // refer to is there (each step patched, rather than the analytics or the whole
        // graph built again).
        let refers_to_added = |n: NodeId, e: &Entity| {
            let mut added = false;
            each_link(n, e, |a, b, _| added |= a.index() >= old || b.index() >= old);
            added
        };
        let split = !added.is_empty()
            && replaced.iter().any(|(n, e)| {
                let old = self.entity(*n);
                refers_to_added(*n, e)
                    || (matches!(e, Entity::Event(_)) && indexed(old) != indexed(e))
                    || placing(old) != placing(e)
                    || (self.key_of(old) != self.key_of(e) && self.replaces_in_place(*n, e))
            });
        if split {
            let mid =
                crate::timing::timed("extend: additions first", || self.update(Vec::new(), added, snapshot.clone()));
            return mid.update(replaced, Vec::new(), snapshot);
        }
        if !replaced.iter().all(|(n, e)| self.replaces_in_place(*n, e)) {
            return crate::timing::timed("extend: built whole (a replacement)", || {
                let (mut entities, _) = self.records();
                entities.extend(added);
                for (n, e) in replaced {
                    if let Some(x) = entities.get_mut(n.index()) {
                        *x = e;
                    }
                }
                let ids = (0..entities.len())
                    .map(|i| NodeId(i as u32))
                    .filter(|&n| !self.is_retracted(n))
                    .map(|n| (entities[n.index()].id().to_owned(), n))
                    .collect();
                KnowledgeGraph::build(entities, ids, snapshot)
            });
        }
        let n = old + added.len();
        let replaced_nodes: Vec<NodeId> = replaced.iter().map(|r| r.0).collect();
        // The replaced nodes whose stated links changed: (node, old links, new links).
        let relinked: Vec<Relinked> = replaced
            .iter()
            .map(|(r, e)| (*r, stated(*r, self.entity(*r)), stated(*r, e)))
            .filter(|(_, a, b)| a != b)
            .collect();
        // The replaced events whose replacement changes what the indexes read of an event
        // (its date, participants, place, parent, kind, status, mode, topics, own codes or
        // own citations).
        let mut reindexed: Vec<NodeId> = replaced
            .iter()
            .filter(|(r, e)| matches!(e, Entity::Event(_)) && indexed(self.entity(*r)) != indexed(e))
            .map(|r| r.0)
            .collect();
        // The events at or inside a place made a country, or no longer one, or moved into
        // another container: their country (the nearest one around their place) and the
        // places around them may have changed, so they are re-indexed too (their records the
        // same).
        for (r, e) in &replaced {
            if placing(self.entity(*r)) != placing(e) {
                reindexed.extend_from_slice(&self.reverse(*r).events);
            }
        }
        // The events citing a moved source: their first-known day may have changed.
        reindexed.extend(citers.iter().copied().filter(|&c| self.event(c).is_some()));
        reindexed.sort_unstable();
        reindexed.dedup();
        let (nodes, degree, by_id, more_ids) = crate::timing::timed("extend: nodes and links", || {
            let mut more_ids = self.more_ids.clone();
            let mut edges = Vec::new();
            for (i, e) in added.iter().enumerate() {
                let me = NodeId((old + i) as u32);
                more_ids.insert(e.id().to_owned(), me);
                each_link(me, e, |from, to, kind| edges.push((from, to, kind)));
            }
            let mut degree = self.degree.clone();
            degree.resize(n, 0);
            for &(a, b, _) in &edges {
                degree[a.index()] += 1;
                degree[b.index()] += 1;
            }
            for (_, before, now) in &relinked {
                for &(a, b, _) in before {
                    degree[a.index()] -= 1;
                    degree[b.index()] -= 1;
                }
                for &(a, b, _) in now {
                    degree[a.index()] += 1;
                    degree[b.index()] += 1;
                }
            }
            let nodes = self.nodes.with(added, &edges, replaced, &relinked, &self.retracted);
            let mut by_id = self.by_id.clone();
            if more_ids.len() > by_id.len() / IDS_SHARE {
                let mut all = (*by_id).clone();
                all.extend(more_ids.drain());
                by_id = Arc::new(all);
            }
            (nodes, degree, by_id, more_ids)
        });
        let mut kg = self.patched(nodes, degree, (by_id, more_ids), self.retracted.clone(), snapshot);
        let kinds: HashSet<EntityKind> = (old..n).map(|i| kg.entity(NodeId(i as u32)).kind()).collect();
        // The nodes whose order key may have changed: the replaced ones, and the undated
        // agreements reached at a re-indexed event (which sort by its date).
        let mut rekeyed: Vec<NodeId> = replaced_nodes.clone();
        for &r in &reindexed {
            rekeyed.extend(
                self.reverse(r)
                    .agreements
                    .iter()
                    .filter(|&&a| kg.agreement(a).is_some_and(|ag| ag.when.is_none() && ag.event == Some(r))),
            );
        }
        rekeyed.sort_unstable();
        rekeyed.dedup();
        let moved = crate::timing::timed("extend: moved records", || kg.reorder(&rekeyed));
        crate::timing::timed("extend: orders", || kg.extend_orders(old));
        debug_assert!(reindexed.is_empty() || n == old, "a write that adds records re-indexes in a second step");
        if !reindexed.is_empty() {
            // Re-indexed events taken out of their places in the order before and put in
            // at their new ones.
            let span =
                |g: &KnowledgeGraph, r: NodeId| g.event(r).map(|e| (g.rank(r) as usize, (e.when.start, e.when.end)));
            let (mut out, mut ins): (Vec<_>, Vec<_>) =
                reindexed.iter().filter_map(|&r| Some((span(self, r)?, span(&kg, r)?))).unzip();
            out.sort_unstable_by_key(|x| x.0);
            ins.sort_unstable_by_key(|x| x.0);
            kg.dates = crate::timing::timed("extend: date index", || self.dates.moved(&out, &ins));
        } else {
            let events: Vec<(usize, (chrono::NaiveDate, chrono::NaiveDate))> = {
                let mut v: Vec<_> = (old..n)
                    .filter_map(|i| {
                        kg.event(NodeId(i as u32)).map(|e| (kg.rank[i] as usize, (e.when.start, e.when.end)))
                    })
                    .collect();
                v.sort_unstable_by_key(|x| x.0);
                v
            };
            kg.dates = crate::timing::timed("extend: date index", || self.dates.extended(&events));
        }
        if kinds.contains(&EntityKind::Event) || !reindexed.is_empty() {
            kg.event_tags =
                Arc::new(crate::timing::timed("extend: event tags", || kg.patch_tags(self, old, &reindexed)));
        }
        // The nodes whose lists change: those whose stated links changed, the re-indexed
        // events, and the agreements at (or at a part of) an event given another parent.
        let mut relisted: Vec<NodeId> =
            relinked.iter().map(|r| r.0).chain(reindexed.iter().copied()).chain(moved.iter().copied()).collect();
        for &r in &reindexed {
            if self.event(r).map(|e| e.part_of) != kg.event(r).map(|e| e.part_of) {
                relisted.extend_from_slice(&self.reverse(r).agreements);
            }
        }
        relisted.sort_unstable();
        relisted.dedup();
        if !relisted.is_empty() {
            crate::timing::timed("extend: replaced links", || kg.relist(self, &relisted, &moved));
        }
        let mut actors = crate::timing::timed("extend: reverse links", || kg.extend_reverse(old));
        // The actors that joined or left a re-indexed event: who they met, again.
        for &r in &reindexed {
            let (before, now) = (participants(self.entity(r)), participants(kg.entity(r)));
            if before != now {
                actors.extend(before.iter().chain(&now).map(|a| a.0));
            }
        }
        crate::timing::timed("extend: counterparts", || kg.remeet(self, actors));
        // An actor renamed: the counterparts of those it met, which break ties by name.
        if moved.iter().any(|&m| kg.actor(m).is_some()) {
            crate::timing::timed("extend: counterparts in order", || kg.resort_counterparts(&moved));
        }
        if !replaced_nodes.is_empty() {
            crate::timing::timed("extend: replaced facts", || kg.recount_facts(self, &replaced_nodes));
        }
        let listed = [EntityKind::Actor, EntityKind::Place, EntityKind::Agreement, EntityKind::Statement];
        // An actor's, agreement's or place's kind replaced: the runs by kind; a place's
        // container: the runs of places inside a place.
        let rekinded = replaced_nodes.iter().any(|&r| match (self.entity(r), kg.entity(r)) {
            (Entity::Actor(a), Entity::Actor(b)) => a.kind != b.kind,
            (Entity::Agreement(a), Entity::Agreement(b)) => a.kind != b.kind,
            (Entity::Place(a), Entity::Place(b)) => a.kind != b.kind || a.within != b.within,
            _ => false,
        });
        // An agreement's parties replaced: the runs of agreements by party (no run holds a
        // statement's references, or an agreement's signatories, event or citations).
        let reparted = relinked.iter().any(|r| match (self.agreement(r.0), kg.agreement(r.0)) {
            (Some(a), Some(b)) => a.parties != b.parties,
            _ => false,
        });
        // An actor, place, agreement or statement moved (its name or date): the runs it is
        // in, the statements' date index.
        let rerun: Vec<NodeId> = moved.iter().copied().filter(|&m| kg.event(m).is_none()).collect();
        debug_assert!(rerun.is_empty() || n == old, "a write that adds records moves others in a second step");
        if rekinded || reparted {
            kg.lists = Arc::new(crate::timing::timed("extend: list indexes", || ListIndex::build(&kg)));
        } else if listed.iter().any(|k| kinds.contains(k)) {
            kg.lists = Arc::new(crate::timing::timed("extend: list indexes", || self.lists.extended(&kg, old)));
        } else if !rerun.is_empty() {
            kg.lists = Arc::new(crate::timing::timed("extend: list indexes", || self.lists.moved(&kg, self, &rerun)));
        }
        // An actor or place added, or one's name or aliases replaced: the name index.
        let named = [EntityKind::Actor, EntityKind::Place];
        let renamed = replaced_nodes
            .iter()
            .any(|&r| super::names::names_of(self.entity(r)) != super::names::names_of(kg.entity(r)));
        if renamed || named.iter().any(|k| kinds.contains(k)) {
            kg.names = Arc::new(crate::timing::timed("extend: name index", || NameIndex::build(&kg)));
        }
        kg.search = crate::timing::timed("extend: search index", || self.search.extended(&kg, self, &replaced_nodes));
        kg.analytics = if reindexed.is_empty() {
            crate::timing::timed("extend: analytics", || self.analytics.extended(&kg, self, old))
        } else {
            // A replaced event moved or changed what is counted of it (and nothing was added:
            // see `split`): made from the graph before's arrays by position. The actors and
            // places whose lists of events changed: those the re-indexed events left or
            // joined (or stayed in).
            let mut changed: HashSet<NodeId> = HashSet::default();
            for g in [self, &kg] {
                for &r in &reindexed {
                    g.each_back_link(r, |t, list| {
                        if list == super::build::EVENTS {
                            changed.insert(t);
                        }
                    });
                }
            }
            let a = || self.analytics.reindexed(&kg, self, &reindexed, &changed);
            crate::timing::timed("extend: analytics re-indexed", a)
        };
        // Records of other kinds than events given other citations (the re-indexed events'
        // are counted above): their first-known days; an actor's positions, or an office
        // holder's name: the office holders (in name order); an actor or place renamed:
        // the counts that break ties by name.
        let recited: Vec<NodeId> = replaced_nodes
            .iter()
            .copied()
            .filter(|&r| {
                let (before, now) = (self.entity(r), kg.entity(r));
                self.event(r).is_none()
                    && (before.sources() != now.sources()
                        || republished.contains(&r)
                        || now.sources().iter().any(|s| republished.contains(s)))
            })
            .collect();
        let reheld = replaced_nodes.iter().any(|&r| match (self.actor(r), kg.actor(r)) {
            (Some(a), Some(b)) => !held(a).eq(held(b)) || (moved.contains(&r) && !b.positions.is_empty()),
            _ => false,
        });
        let renamed: Vec<NodeId> =
            rerun.iter().copied().filter(|&m| kg.actor(m).is_some() || kg.place(m).is_some()).collect();
        if !recited.is_empty() || reheld || !renamed.is_empty() {
            let mut analytics = std::mem::take(&mut kg.analytics);
            crate::timing::timed("extend: first-known days, holders and ties", || {
                analytics.recite(&kg, &recited, reheld);
                analytics.reranked(&kg, &renamed);
            });
            kg.analytics = analytics;
        }
        kg
    }

    /// The graph of this graph's records with those of the nodes `gone` retracted (each keeps
    /// its node, so that no other is numbered again, but is in no order, list or index, and
    /// found by no id), as of `snapshot`: what [`KnowledgeGraph::build`] gives for the same
    /// records, made from this graph (see the module doc). Nothing that stays may refer to
    /// them (the writer checks).
    pub fn retract(&self, gone: &[NodeId], snapshot: Snapshot) -> KnowledgeGraph {
        let mut gone: Vec<NodeId> =
            gone.iter().copied().filter(|&r| r.index() < self.node_count() && !self.is_retracted(r)).collect();
        gone.sort_unstable();
        gone.dedup();
        let relinked: Vec<Relinked> = gone
            .iter()
            .map(|&r| (r, stated(r, self.entity(r)), Vec::new()))
            .filter(|(_, before, _)| !before.is_empty())
            .collect();
        let mut retracted = (*self.retracted).clone();
        retracted.extend(gone.iter().copied());
        let retracted = Arc::new(retracted);
        let (nodes, degree) = crate::timing::timed("retract: nodes and links", || {
            let mut degree = self.degree.clone();
            for &(a, b, _) in relinked.iter().flat_map(|r| &r.1) {
                degree[a.index()] -= 1;
                degree[b.index()] -= 1;
            }
            (self.nodes.with(Vec::new(), &[], Vec::new(), &relinked, &retracted), degree)
        });
        let ids = (self.by_id.clone(), self.more_ids.clone());
        let mut kg = self.patched(nodes, degree, ids, retracted, snapshot);
        let kind_of = |r: &NodeId| self.entity(*r).kind();
        crate::timing::timed("retract: orders", || {
            let mut kinds: Vec<EntityKind> = gone.iter().map(kind_of).collect();
            kinds.sort_unstable();
            kinds.dedup();
            let out: HashSet<NodeId> = gone.iter().copied().collect();
            for kind in kinds {
                let first = gone.iter().filter(|r| kind_of(r) == kind).map(|r| self.rank(*r) as usize).min();
                let list: Vec<NodeId> = self.all(kind).iter().copied().filter(|m| !out.contains(m)).collect();
                for (r, m) in list.iter().enumerate().skip(first.unwrap_or(0)) {
                    if kg.rank[m.index()] != r as u32 {
                        kg.rank[m.index()] = r as u32;
                    }
                }
                kg.order.insert(kind, list);
            }
        });
        // Out of every reverse list they were in; what pointed at them is retracted too.
        crate::timing::timed("retract: reverse links", || kg.relist(self, &gone, &[]));
        let events: Vec<NodeId> = gone.iter().copied().filter(|&r| self.event(r).is_some()).collect();
        let actors: Vec<u32> = events.iter().flat_map(|&r| participants(self.entity(r))).map(|a| a.0).collect();
        crate::timing::timed("retract: counterparts", || kg.remeet(self, actors));
        crate::timing::timed("retract: facts", || kg.recount_facts(self, &gone));
        // Nothing points at them any more (a source retracted with what cited it included).
        for &r in &gone {
            if kg.reverse_of[r.index()] != 0 {
                kg.reverse_of[r.index()] = 0;
            }
        }
        let listed = [EntityKind::Actor, EntityKind::Place, EntityKind::Agreement, EntityKind::Statement];
        if gone.iter().any(|r| listed.contains(&kind_of(r))) {
            kg.lists = Arc::new(crate::timing::timed("retract: list indexes", || self.lists.retracted(self, &gone)));
        }
        if gone.iter().any(|r| matches!(kind_of(r), EntityKind::Actor | EntityKind::Place)) {
            kg.names = Arc::new(crate::timing::timed("retract: name index", || NameIndex::build(&kg)));
        }
        kg.search = crate::timing::timed("retract: search index", || self.search.extended(&kg, self, &gone));
        if events.is_empty() {
            kg.dates = self.dates.extended(&[]);
            kg.analytics =
                crate::timing::timed("retract: analytics", || self.analytics.extended(&kg, self, self.node_count()));
        } else {
            let mut out: Vec<_> = events
                .iter()
                .filter_map(|&r| self.event(r).map(|e| (self.rank(r) as usize, (e.when.start, e.when.end))))
                .collect();
            out.sort_unstable_by_key(|x| x.0);
            kg.dates = crate::timing::timed("retract: date index", || self.dates.moved(&out, &[]));
            kg.event_tags = Arc::new(kg.patch_tags(self, self.node_count(), &events));
            // The actors and places whose lists of events lost one.
            let mut changed: HashSet<NodeId> = HashSet::default();
            for &r in &events {
                self.each_back_link(r, |t, list| {
                    if list == super::build::EVENTS {
                        changed.insert(t);
                    }
                });
            }
            kg.analytics =
                crate::timing::timed("retract: analytics", || self.analytics.reindexed(&kg, self, &events, &changed));
        }
        let mut analytics = std::mem::take(&mut kg.analytics);
        analytics.retracted(&kg, self, &gone);
        kg.analytics = analytics;
        kg
    }

    /// The graph a patch starts from: these `nodes`, `degree`, ids and `retracted`, this
    /// graph's orders, ranks, reverse lists, names, list runs and tags shared (for the patch
    /// to change), the indexes it always makes again (shared events, search, dates,
    /// analytics) empty.
    fn patched(
        &self,
        nodes: super::nodes::Nodes,
        degree: super::chunked::Chunked<u32>,
        (by_id, more_ids): (Arc<HashMap<String, NodeId>>, HashMap<String, NodeId>),
        retracted: Arc<HashSet<NodeId>>,
        snapshot: Snapshot,
    ) -> KnowledgeGraph {
        KnowledgeGraph {
            nodes,
            by_id,
            more_ids,
            retracted,
            order: self.order.clone(),
            rank: self.rank.clone(),
            sort_key: self.sort_key.clone(),
            reverse: self.reverse.clone(),
            reverse_of: self.reverse_of.clone(),
            degree,
            shared_events: Default::default(),
            names: self.names.clone(),
            search: Default::default(),
            dates: Default::default(),
            lists: self.lists.clone(),
            event_tags: self.event_tags.clone(),
            analytics: Default::default(),
            snapshot,
        }
    }

    /// Every record of this graph in `NodeId` order, retracted ones kept, and the node of
    /// each id (not retracted): what [`KnowledgeGraph::build`] makes this graph from.
    pub fn records(&self) -> (Vec<Entity>, HashMap<String, NodeId>) {
        let entities: Vec<Entity> = (0..self.node_count()).map(|i| self.entity(NodeId(i as u32)).clone()).collect();
        let ids = (0..entities.len())
            .map(|i| NodeId(i as u32))
            .filter(|&n| !self.is_retracted(n))
            .map(|n| (entities[n.index()].id().to_owned(), n))
            .collect();
        (entities, ids)
    }

    /// Whether the entity of node `n` may be replaced by `new` (its citations in order) in
    /// place, by [`KnowledgeGraph::update`]: the same kind and id, and the same values in
    /// every field an index reads, except those that are patched (see the module doc).
    pub fn replaces_in_place(&self, n: NodeId, new: &Entity) -> bool {
        n.index() < self.node_count() && {
            let old = self.entity(n);
            let mut known = true;
            each_link(n, new, |a, b, _| known &= a.index() < self.node_count() && b.index() < self.node_count());
            old.kind() == new.kind()
                && old.id() == new.id()
                && known
                && match (old, new) {
                    // An event's date, participants, place, parent, kind, status, mode,
                    // topics, own codes and own citations are re-indexed; an agreement's or
                    // statement's date moves it in its order.
                    (Entity::Event(_), _) => reindexable(old) == reindexable(new),
                    (Entity::Agreement(_) | Entity::Statement(_), _) => redated(old) == redated(new),
                    // An actor's or place's name moves it in its order.
                    (Entity::Actor(_) | Entity::Place(_), _) => unnamed(old) == unnamed(new),
                    // A source's publication day moves it in its order, and every record
                    // citing it is replaced too (its citations in another order).
                    (Entity::Source(_), _) => unpublished(old) == unpublished(new),
                }
        }
    }

    /// How many nodes the search index holds apart from its load-built part (see
    /// `search/layers.rs`): 0 right after a whole build or a fold. For tests.
    #[doc(hidden)]
    pub fn search_added_nodes(&self) -> usize {
        self.search.added_nodes()
    }

    /// How many nodes are kept beside the load-built petgraph (see `nodes.rs`): 0 right after
    /// a whole build or a fold. For tests.
    #[doc(hidden)]
    pub fn nodes_added(&self) -> usize {
        self.nodes.added_nodes()
    }

    /// How many nodes have their lists of links kept apart from the load-built petgraph
    /// (their links changed, see `nodes.rs`): 0 right after a whole build or a fold. For
    /// the writer's folds and tests.
    #[doc(hidden)]
    pub fn nodes_relinked(&self) -> usize {
        self.nodes.relinked_nodes()
    }

    /// How many events the date index counts apart from its load-built part (see
    /// `layered.rs`): 0 right after a whole build or a fold. For tests.
    #[doc(hidden)]
    pub fn dates_added_events(&self) -> usize {
        self.dates.added_events()
    }

    /// Merges the nodes from `old` on into their kinds' orders (their keys sorted, then
    /// merged with the old order, which keeps its keys) and renumbers those kinds' ranks.
    fn extend_orders(&mut self, old: usize) {
        let n = self.node_count();
        let keys: Vec<Arc<str>> = (old..n).map(|i| Arc::from(self.order_key(NodeId(i as u32)))).collect();
        self.sort_key.extend(keys);
        self.rank.resize(n, 0);
        let mut by_kind: HashMap<EntityKind, Vec<NodeId>> = HashMap::default();
        for i in old..n {
            let node = NodeId(i as u32);
            by_kind.entry(self.entity(node).kind()).or_default().push(node);
        }
        for (kind, mut new) in by_kind {
            let key = |m: &NodeId| &self.sort_key[m.index()];
            new.sort_unstable_by(|a, b| key(a).cmp(key(b)));
            let before = self.order.get(&kind).map(Vec::as_slice).unwrap_or(&[]);
            // Each added node goes where a binary search of the old order puts it (its keys
            // are all different from the old ones): runs of the old order are copied, and
            // the ranks before the first added node stay.
            let mut merged = Vec::with_capacity(before.len() + new.len());
            let (mut i, mut first) = (0, None);
            for m in &new {
                let at = i + before[i..].partition_point(|b| key(b) < key(m));
                merged.extend_from_slice(&before[i..at]);
                first = first.or(Some(merged.len()));
                merged.push(*m);
                i = at;
            }
            merged.extend_from_slice(&before[i..]);
            let first = first.unwrap_or(merged.len());
            for (r, m) in merged.iter().enumerate().skip(first) {
                if self.rank[m.index()] != r as u32 {
                    self.rank[m.index()] = r as u32;
                }
            }
            self.order.insert(kind, merged);
        }
    }

    /// The reverse lists with the nodes from `old` on added: the lists they belong in get
    /// them merged in by rank (the old items keep their order), the sources they cite their
    /// facts counted; every other list is shared. The actors of added events: their
    /// counterparts and shared events are to be computed again ([`KnowledgeGraph::remeet`]).
    fn extend_reverse(&mut self, old: usize) -> Vec<u32> {
        let n = self.node_count();
        // (target, list, rank, node), as a whole build makes them, for the added nodes.
        let mut links: Vec<(u32, u8, u32, u32)> = Vec::new();
        let mut facts: HashMap<u32, u32> = HashMap::default();
        for i in old..n {
            let me = NodeId(i as u32);
            self.each_back_link(me, |target, list| links.push((target.0, list, self.rank[i], me.0)));
            each_citation(self.entity(me), |s| *facts.entry(s.0).or_default() += 1);
        }
        links.sort_unstable();
        links.dedup();
        let mut targets: Vec<u32> = links.iter().map(|l| l.0).chain(facts.keys().copied()).collect();
        targets.sort_unstable();
        targets.dedup();
        self.reverse_of.resize(n, 0);
        let mut k = 0;
        let mut actors = Vec::new();
        for t in targets {
            let at = self.reverse_of[t as usize] as usize;
            let mut r: Reverse = if at == 0 { Reverse::default() } else { (*self.reverse[at]).clone() };
            r.fact_count += facts.get(&t).copied().unwrap_or(0);
            let start = k;
            while k < links.len() && links[k].0 == t {
                k += 1;
            }
            let mut events_changed = false;
            for list in
                [super::build::EVENTS, super::build::AGREEMENTS, super::build::STATEMENTS, super::build::CHILDREN]
            {
                let new: Vec<NodeId> = links[start..k].iter().filter(|l| l.1 == list).map(|l| NodeId(l.3)).collect();
                if new.is_empty() {
                    continue;
                }
                events_changed |= list == super::build::EVENTS;
                let items = r.list_mut(list);
                *items = merge_by_rank(items, &new, &self.rank);
            }
            if events_changed && self.actor(NodeId(t)).is_some() {
                actors.push(t);
            }
            let r = Arc::new(r);
            if at == 0 {
                self.reverse_of[t as usize] = self.reverse.len() as u32;
                self.reverse.push(r);
            } else {
                self.reverse[at] = r;
            }
        }
        actors
    }

    /// The counterparts and shared events of the `actors` (those of added events, and those
    /// that joined or left a replaced event) computed again, the others' shared with `prev`.
    fn remeet(&mut self, prev: &KnowledgeGraph, mut actors: Vec<u32>) {
        actors.sort_unstable();
        actors.dedup();
        let mut met: Vec<(u32, Vec<(NodeId, NodeId)>)> = Vec::new();
        for a in actors {
            if self.actor(NodeId(a)).is_none() {
                continue;
            }
            let at = self.reverse_of[a as usize] as usize;
            let list: Vec<Met> = self.met(NodeId(a), &self.reverse[at].events);
            let (shared, counterparts) = self.counterparts(list);
            if at != 0 {
                let mut r = (*self.reverse[at]).clone();
                r.counterparts = counterparts;
                self.reverse[at] = Arc::new(r);
            }
            met.push((a, shared));
        }
        self.shared_events = prev.shared_events.with(met, self.node_count());
    }

    /// The nodes `rekeyed` (sorted; their entities in this graph new, or sorting by such an
    /// entity) whose order key changed (a moved date) taken out of their kind's order and
    /// merged back in by their new keys, the ranks from the first position that changed
    /// renumbered: the moved nodes, sorted.
    fn reorder(&mut self, rekeyed: &[NodeId]) -> Vec<NodeId> {
        let mut moved: Vec<NodeId> = Vec::new();
        for &r in rekeyed {
            let key = self.order_key(r);
            if *self.sort_key[r.index()] != *key {
                self.sort_key[r.index()] = Arc::from(key);
                moved.push(r);
            }
        }
        let mut kinds: Vec<EntityKind> = moved.iter().map(|&m| self.entity(m).kind()).collect();
        kinds.sort_unstable();
        kinds.dedup();
        for kind in kinds {
            let mut new: Vec<NodeId> = moved.iter().copied().filter(|&m| self.entity(m).kind() == kind).collect();
            let gone: HashSet<NodeId> = new.iter().copied().collect();
            let rest: Vec<NodeId> = self.all(kind).iter().copied().filter(|m| !gone.contains(m)).collect();
            let mut first = new.iter().map(|m| self.rank[m.index()] as usize).min().unwrap_or(0);
            let key = |m: &NodeId| &self.sort_key[m.index()];
            new.sort_unstable_by(|a, b| key(a).cmp(key(b)));
            let mut merged = Vec::with_capacity(rest.len() + new.len());
            let mut i = 0;
            for m in &new {
                let at = i + rest[i..].partition_point(|b| key(b) < key(m));
                merged.extend_from_slice(&rest[i..at]);
                first = first.min(merged.len());
                merged.push(*m);
                i = at;
            }
            merged.extend_from_slice(&rest[i..]);
            // Written only where it changed: past the moved nodes' furthest old and new
            // places the ranks stay, and a write copies the chunk it falls in (`chunked.rs`).
            for (r, m) in merged.iter().enumerate().skip(first) {
                if self.rank[m.index()] != r as u32 {
                    self.rank[m.index()] = r as u32;
                }
            }
            self.order.insert(kind, merged);
        }
        moved
    }

    /// The counterparts of the actors the `moved` actors (renamed: their ranks changed) met
    /// put in order again (most shared first, ties in the actors' order): each such list
    /// copied and sorted.
    fn resort_counterparts(&mut self, moved: &[NodeId]) {
        let mut met: Vec<NodeId> = moved
            .iter()
            .filter(|&&m| self.actor(m).is_some())
            .flat_map(|&m| self.reverse(m).counterparts.iter().map(|c| c.0))
            .collect();
        met.sort_unstable();
        met.dedup();
        for a in met {
            let at = self.reverse_of[a.index()] as usize;
            if at == 0 {
                continue;
            }
            let mut r = (*self.reverse[at]).clone();
            r.counterparts.sort_unstable_by_key(|&(b, k)| (std::cmp::Reverse(k), self.rank[b.index()]));
            self.reverse[at] = Arc::new(r);
        }
    }

    /// The events' kinds and statuses by position (`lists::EventTags`) once events were added
    /// (from node `old` on) or `reindexed`: `prev`'s tag of every other event, found by its
    /// rank there, the added and re-indexed events' read from their records.
    fn patch_tags(&self, prev: &KnowledgeGraph, old: usize, reindexed: &[NodeId]) -> super::lists::EventTags {
        if reindexed.is_empty() {
            // Only added events: the others keep their order, so their tags are `prev`'s in
            // turn (a merge, no rank looked up).
            let mut kept = prev.event_tags.iter();
            return self
                .all(EntityKind::Event)
                .iter()
                .map(|&m| match (m.index() < old).then(|| kept.next()).flatten() {
                    Some(&t) => t,
                    None => super::lists::event_tag(self, m),
                })
                .collect();
        }
        let again: HashSet<NodeId> = reindexed.iter().copied().collect();
        self.all(EntityKind::Event)
            .iter()
            .map(|&m| {
                let kept = m.index() < old && !again.contains(&m);
                match kept.then(|| prev.event_tags.get(prev.rank[m.index()] as usize)).flatten() {
                    Some(&t) => t,
                    None => super::lists::event_tag(self, m),
                }
            })
            .collect()
    }
}

impl KnowledgeGraph {
    /// The reverse lists of the nodes `relinked` (those whose references a replacement
    /// changed, their entities in `prev` replaced by this graph's, and the nodes `moved` in
    /// their orders, whose ranks changed) moved: each list the node left (`prev`'s
    /// [`KnowledgeGraph::each_back_link`] and not this graph's) has it taken out, each list
    /// it joined has it merged in by rank; a moved node leaves every list and joins them
    /// again.
    fn relist(&mut self, prev: &KnowledgeGraph, relinked: &[NodeId], moved: &[NodeId]) {
        // (target, list, node, true when joined)
        let mut moves: Vec<(u32, u8, NodeId, bool)> = Vec::new();
        for &r in relinked {
            let back = |g: &KnowledgeGraph| {
                let mut v: Vec<(u32, u8)> = Vec::new();
                g.each_back_link(r, |t, list| v.push((t.0, list)));
                v.sort_unstable();
                v.dedup();
                v
            };
            let (before, now) = (back(prev), back(self));
            // A moved node (its rank changed) leaves every list and joins them again.
            let again = moved.contains(&r);
            moves.extend(before.iter().filter(|x| again || !now.contains(x)).map(|&(t, l)| (t, l, r, false)));
            moves.extend(now.iter().filter(|x| again || !before.contains(x)).map(|&(t, l)| (t, l, r, true)));
        }
        moves.sort_unstable_by_key(|m| m.0);
        for group in moves.chunk_by(|a, b| a.0 == b.0) {
            let t = group[0].0 as usize;
            let at = self.reverse_of[t] as usize;
            let mut rev: Reverse = if at == 0 { Reverse::default() } else { (*self.reverse[at]).clone() };
            // Every node leaving a list taken out before any is merged in (a merge needs the
            // list in rank order, which a moved node still in it breaks).
            for list in
                [super::build::EVENTS, super::build::AGREEMENTS, super::build::STATEMENTS, super::build::CHILDREN]
            {
                let of = |joined: bool| -> Vec<NodeId> {
                    group.iter().filter(|m| m.1 == list && m.3 == joined).map(|m| m.2).collect()
                };
                let (left, joined) = (of(false), of(true));
                let items = rev.list_mut(list);
                if !left.is_empty() {
                    // A place moved into another container takes every event at or inside it
                    // out of the lists of the places it left: many, so looked up in a set.
                    let left: HashSet<NodeId> = left.into_iter().collect();
                    items.retain(|x| !left.contains(x));
                }
                if !joined.is_empty() {
                    *items = merge_by_rank(items, &joined, &self.rank);
                }
            }
            if at == 0 {
                self.reverse_of[t] = self.reverse.len() as u32;
                self.reverse.push(Arc::new(rev));
            } else {
                self.reverse[at] = Arc::new(rev);
            }
        }
    }

    /// The sources cited by the facts of the nodes `replaced` (their entities in `prev`
    /// replaced by this graph's) counted again: each source whose count changed gets its
    /// [`Reverse`] copied with the new count.
    fn recount_facts(&mut self, prev: &KnowledgeGraph, replaced: &[NodeId]) {
        let mut delta: HashMap<u32, i64> = HashMap::default();
        for &r in replaced {
            each_citation(prev.entity(r), |s| *delta.entry(s.0).or_default() -= 1);
            if !self.is_retracted(r) {
                each_citation(self.entity(r), |s| *delta.entry(s.0).or_default() += 1);
            }
        }
        let mut changed: Vec<(u32, i64)> = delta.into_iter().filter(|&(_, d)| d != 0).collect();
        changed.sort_unstable();
        for (t, d) in changed {
            let at = self.reverse_of[t as usize] as usize;
            let mut r: Reverse = if at == 0 { Reverse::default() } else { (*self.reverse[at]).clone() };
            r.fact_count = (i64::from(r.fact_count) + d).max(0) as u32;
            if at == 0 {
                self.reverse_of[t as usize] = self.reverse.len() as u32;
                self.reverse.push(Arc::new(r));
            } else {
                self.reverse[at] = Arc::new(r);
            }
        }
    }
}

/// `e` with the fields no index reads, or whose indexes are patched for a replacement
/// ([`KnowledgeGraph::update`]), emptied: two entities of a node with the same `indexed`
/// give every index the same inputs but search's, the name index's and the sources' fact
/// counts and the list runs by kind. Emptied: search's labels and texts (titles,
/// summaries, aliases, a statement's text, an agreement's topics, a source's title, outlet
/// and document), notes (their text is read by no index, their citations counted), the
/// citations of participations and positions (counted), an actor's and an agreement's kind
/// (the list runs built again), a place's kind and container (the same, and the events at or
/// inside a place made a country or no longer one, or moved, re-indexed),
/// the own citations of an actor, place, agreement or
/// statement (links kept apart, first-known days read again), an actor's positions (office
/// holders made again) and country (a link), and fields read only from the entity when asked (a place's code and
/// coordinates, an agreement's status, amount and duration, a statement's channel and quote
/// flag, a source's note, publisher and credits). Kept, so compared: everything else, among
/// them every other reference (the links and reverse lists), names and dates (orders, date
/// index), events' kinds, statuses, modes, roles,
/// topics and own citations (analytics, codes, list runs). (An event's
/// date, participants, place, parent, kind, status, mode, topics, own codes and own
/// citations are re-indexed by [`KnowledgeGraph::update`] all the same: see
/// [`reindexable`].)
fn indexed(e: &Entity) -> Entity {
    let mut e = e.clone();
    match &mut e {
        Entity::Actor(a) => {
            a.kind = ActorKind::ALL[0];
            a.aliases.clear();
            a.summary = None;
            a.notes.clear();
            a.sources.clear();
            a.positions.clear();
            a.country = None;
        }
        Entity::Place(p) => {
            // A place's kind: read by the list runs, and whether it is a country by the
            // events' countries (the events at or inside it re-indexed).
            // Its container: a link (kept apart), the list runs of places inside a place
            // (built again), the places around the events at or inside it (re-indexed).
            p.kind = PlaceKind::City;
            p.within = None;
            p.aliases.clear();
            p.sources.clear();
            (p.code, p.latitude, p.longitude) = (None, None, None);
            p.notes.clear();
        }
        Entity::Event(ev) => {
            ev.title.clear();
            ev.summary.clear();
            ev.notes.clear();
            ev.participants.iter_mut().for_each(|p| p.sources.clear());
        }
        Entity::Agreement(a) => {
            (a.kind, a.status) = (AgreementKind::ALL[0], AgreementStatus::ALL[0]);
            (a.parties, a.signatories, a.event, a.schedules) = (Vec::new(), Vec::new(), None, Vec::new());
            a.title.clear();
            a.summary.clear();
            a.topics.clear();
            (a.amount, a.duration_months) = (None, None);
            a.notes.clear();
            a.sources.clear();
        }
        Entity::Statement(s) => {
            (s.speaker, s.about, s.responds_to) = (NodeId(u32::MAX), None, None);
            s.text.clear();
            s.sources.clear();
            (s.quote, s.channel) = (false, StatementChannel::ALL[0]);
        }
        Entity::Source(s) => {
            s.title.clear();
            s.outlet.clear();
            s.document.clear();
            (s.note, s.publisher) = (None, None);
            s.credits.clear();
        }
    }
    e
}

/// `e` with the fields of an event that [`KnowledgeGraph::update`] re-indexes also emptied
/// (see [`indexed`]): its date, participants (actors and roles), place, parent, kind,
/// status, mode, topics, own codes and own citations. Kept, so compared (a difference
/// builds whole): every field of the other kinds that `indexed` keeps.
fn reindexable(e: &Entity) -> Entity {
    let mut e = indexed(e);
    if let Entity::Event(ev) = &mut e {
        ev.when = TimeSpan::day(chrono::NaiveDate::MIN);
        ev.participants.clear();
        (ev.place, ev.part_of) = (None, None);
        (ev.kind, ev.status, ev.mode) = (EventKind::ALL[0], EventStatus::ALL[0], EventMode::ALL[0]);
        ev.sources.clear();
        ev.topics.clear();
        ev.code_override = CodeOverride::default();
    }
    e
}

/// `e` with an agreement's or statement's date also emptied (see [`indexed`]): what
/// [`KnowledgeGraph::update`] moves in their order when it changes.
fn redated(e: &Entity) -> Entity {
    let mut e = indexed(e);
    match &mut e {
        Entity::Agreement(a) => a.when = None,
        Entity::Statement(s) => s.when = TimeSpan::day(chrono::NaiveDate::MIN),
        _ => {}
    }
    e
}

/// `e` with an actor's or place's name also emptied (see [`indexed`]): what
/// [`KnowledgeGraph::update`] moves in their order when it changes.
fn unnamed(e: &Entity) -> Entity {
    let mut e = indexed(e);
    match &mut e {
        Entity::Actor(a) => a.name.clear(),
        Entity::Place(p) => p.name.clear(),
        _ => {}
    }
    e
}

/// `e` with a source's publication day also emptied (see [`indexed`]): what
/// [`KnowledgeGraph::update`] moves in its order when it changes.
fn unpublished(e: &Entity) -> Entity {
    let mut e = indexed(e);
    if let Entity::Source(s) = &mut e {
        s.published = None;
    }
    e
}

/// What the events at or inside place `e` read of it: whether it is a country (an event's
/// country is the nearest one around its place) and the place it lies in (the places around
/// an event, whose lists it is in). `None` for other kinds.
fn placing(e: &Entity) -> Option<(bool, Option<NodeId>)> {
    match e {
        Entity::Place(p) => Some((p.kind == PlaceKind::Country, p.within)),
        _ => None,
    }
}

/// What the office holders read of actor `a`'s positions: each one's title and days.
fn held(
    a: &Actor,
) -> impl Iterator<Item = (&str, Option<chrono::NaiveDate>, Option<chrono::NaiveDate>, &[chrono::NaiveDate])> {
    a.positions.iter().map(|p| (p.title.as_str(), p.start, p.end, p.attested.as_slice()))
}

/// The links entity `e` of node `n` states, in its order.
fn stated(n: NodeId, e: &Entity) -> Vec<Stated> {
    let mut v: Vec<Stated> = Vec::new();
    each_link(n, e, |a, b, k| v.push((a, b, k)));
    v
}

/// The actors taking part in `e` (an event), each once, in node order.
fn participants(e: &Entity) -> Vec<NodeId> {
    let mut v: Vec<NodeId> = match e {
        Entity::Event(ev) => ev.participants.iter().map(|p| p.actor).collect(),
        _ => Vec::new(),
    };
    v.sort_unstable();
    v.dedup();
    v
}

/// Every source `e` cites (for its facts, participations, positions and notes).
fn cited(e: &Entity) -> Vec<NodeId> {
    let mut out = Vec::new();
    each_citation(e, |s| out.push(s));
    out
}
