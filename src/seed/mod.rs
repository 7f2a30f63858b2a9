//! Reading a seed directory into a validated knowledge graph.
//!
//! Architecture Invariant: this is the only module that touches the file system, and it
//! either returns a whole graph or every problem it found, never a partial graph. It knows
//! nothing of GraphQL or HTTP.

mod error;
mod reader;
mod records;
mod validate;

pub use error::{SeedError, SeedErrors};

use crate::graph::KnowledgeGraph;
use std::path::{Path, PathBuf};

/// Loads and validates every `*.toml` file below `dir` into a graph.
pub fn load(dir: &Path) -> Result<KnowledgeGraph, SeedErrors> {
    let files = list_files(dir)?;
    let (entities, ids, snapshot) = crate::timed("read, parse and check seed files", || validate::validate(&files))?;
    Ok(crate::timed("build the graph", || KnowledgeGraph::build(entities, ids, snapshot)))
}

/// One seed file, before it is read.
pub(crate) struct SeedPath {
    /// The path shown in error messages.
    pub path: PathBuf,
    /// The path below the seed directory, `/`-separated, for the content hash.
    pub relative: String,
}

/// Every `*.toml` file below `dir`, sorted by path.
fn list_files(dir: &Path) -> Result<Vec<SeedPath>, SeedErrors> {
    let whole = |message: String| SeedErrors(vec![SeedError { file: dir.to_path_buf(), line: 0, column: 0, message }]);
    let mut paths = Vec::new();
    collect_toml(dir, &mut paths).map_err(|e| whole(format!("cannot read the seed directory: {e}")))?;
    if paths.is_empty() {
        return Err(whole("no `*.toml` seed files in this directory".into()));
    }
    paths.sort();
    Ok(paths
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            SeedPath { path, relative }
        })
        .collect())
}

/// The text of one seed file, or why it cannot be read (invalid UTF-8 located).
fn read_text(path: &Path) -> Result<String, SeedError> {
    let bytes = std::fs::read(path).map_err(|e| SeedError {
        file: path.to_path_buf(),
        line: 0,
        column: 0,
        message: format!("cannot read: {e}"),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.into_bytes()[..offset]).into_owned();
        let (line, column) = error::LineIndex::new(&text).locate(offset);
        SeedError { file: path.to_path_buf(), line, column, message: "the file is not valid UTF-8".into() }
    })
}

fn collect_toml(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_toml(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}
