//! Checking a change against the graph it applies to: the change's records, written as one
//! seed file, are read, validated and converted by the same code as a seed load (`convert`,
//! the registry's duplicate check, the cycle check), against the entities the graph will
//! hold once the change is applied.
//!
//! A record whose id is already in the graph replaces that entity in place (same `NodeId`,
//! so everything that points at it still does); a new id is appended. The graph's own
//! entities are registered as "file 1" with their `NodeId` as offset, the change's text as
//! "file 0", so that every problem says where it is.

use super::convert::convert;
use super::load::{check_cycles_from, ids_of, stand_in, Problem};
use super::records::SeedFile;
use super::registry::{Origin, Registry};
use crate::model::{Entity, EntityKind, NodeId};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// The file number of the change's text.
const CHANGE: usize = 0;
/// The file number of the entities already in the graph (their offset is their `NodeId`).
const BASE: usize = 1;

/// Where a problem of a change is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemAt {
    /// At this byte offset of the change's text.
    Text(usize),
    /// In the entity with this id, already in the graph (a cycle through it).
    Entity(String),
}

/// One problem of a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeProblem {
    pub at: ProblemAt,
    pub message: String,
}

/// Every entity of a graph in `NodeId` order, each id's `NodeId` and each node's kind:
/// what a change edits, in place. A retracted record keeps its entity and its place (so that
/// no other node is numbered again) but not its id: `ids` maps each id to the one record
/// that has it and is not retracted (as [`crate::graph::KnowledgeGraph::build`] reads it).
#[derive(Clone, Debug, Default)]
pub struct Draft {
    pub entities: Vec<Entity>,
    pub ids: HashMap<String, NodeId>,
    kinds: Vec<EntityKind>,
    retracted: HashSet<NodeId>,
}

impl Draft {
    /// The draft of `entities`, whose ids are `ids` (an entity whose id `ids` does not map
    /// to it is a retracted record).
    pub fn new(entities: Vec<Entity>, ids: HashMap<String, NodeId>) -> Self {
        let kinds = entities.iter().map(Entity::kind).collect();
        let retracted = crate::graph::retracted_in(&entities, &ids);
        Draft { entities, ids, kinds, retracted }
    }

    /// Whether node `n`'s record was retracted.
    pub fn is_retracted(&self, n: NodeId) -> bool {
        !self.retracted.is_empty() && self.retracted.contains(&n)
    }

    /// Retracts node `n`'s record: its id no longer found (the caller checked that no
    /// record that stays refers to it).
    pub fn retract(&mut self, n: NodeId) {
        if self.ids.get(self.entities[n.index()].id()) == Some(&n) {
            self.ids.remove(self.entities[n.index()].id());
        }
        self.retracted.insert(n);
    }

    /// Undoes [`Draft::retract`] of node `n` (its id not taken since).
    pub fn restore(&mut self, n: NodeId) {
        if self.retracted.remove(&n) {
            self.ids.insert(self.entities[n.index()].id().to_owned(), n);
        }
    }

    /// The entities and their ids.
    pub fn into_parts(self) -> (Vec<Entity>, HashMap<String, NodeId>) {
        (self.entities, self.ids)
    }
}

/// Applies the records of `text` (a seed file) to `draft`: each record replaces the entity
/// with its id or is added. Checked as a seed load checks its files, against the entities
/// as they will be after the change. Returns the ids of the records in the order written
/// (by kind: sources, actors, places, events, agreements, statements); on any problem,
/// every problem found and `draft` unchanged.
///
/// The cost is the change's, not the graph's: the records are written into `draft` in place
/// (the ones they replace kept aside, to put back if the change is refused), the graph's
/// ids are looked up where they are, and only cycles through a record written are looked
/// for (the graph had none).
pub fn apply_records(draft: &mut Draft, text: &str) -> Result<Vec<String>, Vec<ChangeProblem>> {
    let parse = || {
        toml::from_str::<SeedFile>(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let message = super::wording::toml_message(e.message(), text, offset);
            vec![ChangeProblem { at: ProblemAt::Text(offset), message }]
        })
    };
    // The fast reader gives exactly what toml gives, or declines (then toml reads, and words
    // any error): a rendered change is in its subset, so toml reads it at most once.
    let records = match super::reader::read(text) {
        Some(records) => records,
        None => parse()?,
    };
    let ids = match super::reader::read_ids(text) {
        Some(ids) => ids,
        None => ids_of(parse()?),
    };
    let base = draft.entities.len();
    let mut registry = Registry::over(BASE, std::mem::take(&mut draft.ids), std::mem::take(&mut draft.kinds));
    // Where each record goes, in the order `convert` returns them.
    let mut slots = Vec::with_capacity(ids.len());
    let mut order = Vec::with_capacity(ids.len());
    for (kind, id) in ids {
        order.push(id.get_ref().clone());
        match registry.ids.get(id.get_ref()) {
            Some(&n) if registry.origin(n).file == BASE => {
                registry.redefine(n, Origin { file: CHANGE, span: id.span(), kind });
                slots.push(n);
            }
            // New, or given twice in this change (the registry reports it).
            _ => {
                slots.push(NodeId(registry.len() as u32));
                registry.register(CHANGE, kind, id);
            }
        }
    }
    let converted = convert(&records, CHANGE, &registry);
    let entities = &mut draft.entities;
    entities.resize_with(registry.len(), stand_in);
    let mut replaced = Vec::new();
    for (&slot, entity) in slots.iter().zip(converted.entities) {
        let old = std::mem::replace(&mut entities[slot.index()], entity);
        if slot.index() < base {
            replaced.push((slot, old));
        }
    }
    let mut problems = converted.problems;
    registry.report_duplicates(&mut problems);
    check_cycles_from(entities, &registry, slots.iter().copied(), &mut problems);
    let kinds: Vec<(NodeId, EntityKind)> = slots.iter().map(|&n| (n, registry.origin(n).kind)).collect();
    let (mut by_id, mut all_kinds) = registry.into_base();
    if !problems.is_empty() {
        problems.sort_by_key(|p| (p.file, p.offset));
        let found = problems.into_iter().map(|p| located(p, entities)).collect();
        // Put the graph back as it was.
        for (slot, old) in replaced.into_iter().rev() {
            entities[slot.index()] = old;
        }
        entities.truncate(base);
        for id in &order {
            if by_id.get(id).is_some_and(|n| n.index() >= base) {
                by_id.remove(id);
            }
        }
        draft.ids = by_id;
        draft.kinds = all_kinds;
        return Err(found);
    }
    all_kinds.resize(entities.len(), EntityKind::Source);
    for (n, kind) in kinds {
        all_kinds[n.index()] = kind;
    }
    draft.ids = by_id;
    draft.kinds = all_kinds;
    Ok(order)
}

/// A seed problem as a change problem.
fn located(p: Problem, entities: &[Entity]) -> ChangeProblem {
    let mut message = p.message;
    if p.see.is_some() {
        message.push_str("an earlier record of this change");
    }
    let at = match p.file {
        CHANGE => ProblemAt::Text(p.offset),
        _ => ProblemAt::Entity(entities.get(p.offset).map(|e| e.id().to_owned()).unwrap_or_default()),
    };
    ChangeProblem { at, message }
}
