//! Reading a seed directory into a validated knowledge graph.
//!
//! The load goes by stages, a file each: `files` lists and reads the seed files, `reader`
//! (or `toml`) parses one into `records`, `load` runs the two passes, `registry` holds every
//! id between them, and `convert` turns records into model entities.
//!
//! Architecture Invariant: this is the only module that touches the file system, and it
//! either returns a whole graph or every problem it found, never a partial graph. It knows
//! nothing of GraphQL or HTTP.

mod convert;
mod error;
mod files;
mod load;
mod reader;
mod records;
mod registry;
mod wording;

pub use error::{SeedError, SeedErrors};
pub use files::{fingerprint, Fingerprint};

use crate::graph::KnowledgeGraph;
use crate::model::EntityKind;
use std::path::Path;

/// The order of the record kinds within a file. Pass 1 registers ids and pass 2 converts
/// records in this order, file after file, so it decides every `NodeId`.
pub(crate) const KIND_ORDER: [EntityKind; 6] = [
    EntityKind::Source,
    EntityKind::Actor,
    EntityKind::Place,
    EntityKind::Event,
    EntityKind::Agreement,
    EntityKind::Statement,
];

/// Loads and validates every `*.toml` file below `dir` into a graph.
pub fn load(dir: &Path) -> Result<KnowledgeGraph, SeedErrors> {
    let files = files::list_files(dir)?;
    let (entities, ids, snapshot) = crate::timed("read, parse and check seed files", || load::validate(&files))?;
    Ok(crate::timed("build the graph", || KnowledgeGraph::build(entities, ids, snapshot)))
}
