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
use super::load::{check_cycles, ids_of, stand_in, Problem};
use super::records::SeedFile;
use super::registry::{Origin, Registry};
use crate::model::{Entity, NodeId};
use rustc_hash::FxHashMap as HashMap;
use toml::Spanned;

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

/// Every entity of a graph in `NodeId` order, and each id's `NodeId`: what a change edits.
pub type Draft = (Vec<Entity>, HashMap<String, NodeId>);

/// Applies the records of `text` (a seed file) to `draft`: each record replaces the entity
/// with its id or is added. Checked as a seed load checks its files, against the entities
/// as they will be after the change. Returns the ids of the records in the order written
/// (by kind: sources, actors, places, events, agreements, statements); on any problem,
/// every problem found and `draft` unchanged.
pub fn apply_records(draft: &mut Draft, text: &str) -> Result<Vec<String>, Vec<ChangeProblem>> {
    let parse = || {
        toml::from_str::<SeedFile>(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let message = super::wording::toml_message(e.message(), text, offset);
            vec![ChangeProblem { at: ProblemAt::Text(offset), message }]
        })
    };
    let (entities, _) = &*draft;
    let records = parse()?;
    let ids = ids_of(parse()?);
    let mut registry = Registry::with_capacity(entities.len() + ids.len());
    for (i, e) in entities.iter().enumerate() {
        registry.register(BASE, e.kind(), Spanned::new(i..i + 1, e.id().to_owned()));
    }
    // Where each record goes, in the order `convert` returns them.
    let mut slots = Vec::with_capacity(ids.len());
    let mut order = Vec::with_capacity(ids.len());
    for (kind, id) in ids {
        order.push(id.get_ref().clone());
        match registry.ids.get(id.get_ref()) {
            Some(&n) if registry.origins[n.index()].file == BASE => {
                registry.origins[n.index()] = Origin { file: CHANGE, span: id.span(), kind };
                slots.push(n);
            }
            // New, or given twice in this change (the registry reports it).
            _ => {
                slots.push(NodeId(registry.origins.len() as u32));
                registry.register(CHANGE, kind, id);
            }
        }
    }
    let converted = convert(&records, CHANGE, &registry);
    let mut next = entities.clone();
    next.resize_with(registry.origins.len(), stand_in);
    for (slot, entity) in slots.into_iter().zip(converted.entities) {
        next[slot.index()] = entity;
    }
    let mut problems = converted.problems;
    registry.report_duplicates(&mut problems);
    check_cycles(&next, &registry, &mut problems);
    if !problems.is_empty() {
        problems.sort_by_key(|p| (p.file, p.offset));
        return Err(problems.into_iter().map(|p| located(p, &next)).collect());
    }
    *draft = (next, registry.ids);
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
