//! Reading a seed (a directory, or the bundled one built into the binary) into a validated
//! knowledge graph.
//!
//! The load goes by stages, a file each: `files` lists and reads the seed files
//! (`embedded` holds the built-in ones), `reader`
//! (or `toml`) parses one into `records`, `load` runs the two passes, `registry` holds every
//! id between them, and `convert` turns records into model entities.
//!
//! Architecture Invariant: this is the only module that touches the file system, and it
//! either returns a whole graph or every problem it found, never a partial graph. It knows
//! nothing of GraphQL or HTTP.

mod change;
mod convert;
mod embedded;
mod error;
mod files;
mod load;
mod reader;
mod records;
mod registry;
mod wording;

pub use change::{apply_records, ChangeProblem, Draft, ProblemAt};
pub use error::{SeedError, SeedErrors};
pub use files::{toml_files, Fingerprint};

use crate::graph::KnowledgeGraph;
use crate::model::EntityKind;
use std::fmt;
use std::path::{Path, PathBuf};

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

/// Where a seed is read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeedSource {
    /// A directory of `*.toml` files.
    Dir(PathBuf),
    /// The bundled seed, built into the binary.
    BuiltIn,
}

impl SeedSource {
    /// The directory `given`; without one, `./seed` when it exists, else the built-in seed.
    pub fn find(given: Option<PathBuf>) -> Self {
        Self::find_in(given, Path::new("."))
    }

    /// [`SeedSource::find`] from the directory `cwd`.
    pub fn find_in(given: Option<PathBuf>, cwd: &Path) -> Self {
        match given {
            Some(dir) => SeedSource::Dir(dir),
            None if cwd.join("seed").is_dir() => SeedSource::Dir(PathBuf::from("seed")),
            None => SeedSource::BuiltIn,
        }
    }
}

/// `built-in` or the directory, as logs and `/health` show where the data came from.
impl fmt::Display for SeedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeedSource::Dir(dir) => write!(f, "{}", dir.display()),
            SeedSource::BuiltIn => f.write_str("built-in"),
        }
    }
}

impl From<&Path> for SeedSource {
    fn from(dir: &Path) -> Self {
        SeedSource::Dir(dir.to_path_buf())
    }
}

impl From<PathBuf> for SeedSource {
    fn from(dir: PathBuf) -> Self {
        SeedSource::Dir(dir)
    }
}

/// Loads and validates every `*.toml` file below `dir` into a graph.
pub fn load(dir: &Path) -> Result<KnowledgeGraph, SeedErrors> {
    load_from(&SeedSource::Dir(dir.to_path_buf()))
}

/// Loads and validates the seed of `source` into a graph; its snapshot says where it came from.
pub fn load_from(source: &SeedSource) -> Result<KnowledgeGraph, SeedErrors> {
    let files = match source {
        SeedSource::Dir(dir) => files::list_files(dir)?,
        SeedSource::BuiltIn => embedded::files(),
    };
    let (entities, ids, mut snapshot) = crate::timed("read, parse and check seed files", || load::validate(&files))?;
    snapshot.source = source.to_string();
    Ok(crate::timed("build the graph", || KnowledgeGraph::build(entities, ids, snapshot)))
}

/// The fingerprint of the files a load of `source` would read: when it changes, the seed
/// may have changed (the built-in seed never does).
pub fn fingerprint(source: &SeedSource) -> Fingerprint {
    match source {
        SeedSource::Dir(dir) => files::fingerprint(dir),
        SeedSource::BuiltIn => Fingerprint::default(),
    }
}
