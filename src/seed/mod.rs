//! Reading a seed directory into a validated knowledge graph.
//!
//! Architecture Invariant: this is the only module that touches the file system, and it
//! either returns a whole graph or every problem it found, never a partial graph. It knows
//! nothing of GraphQL or HTTP.

mod error;
mod records;
mod validate;

pub use error::{SeedError, SeedErrors};

use crate::graph::{KnowledgeGraph, Snapshot};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Loads and validates every `*.toml` file below `dir` into a graph.
pub fn load(dir: &Path) -> Result<KnowledgeGraph, SeedErrors> {
    let files = read_files(dir)?;
    let snapshot = Snapshot::of_files(files.iter().map(|f| (f.relative.as_str(), f.text.as_str())));
    let entities = validate::validate(files)?;
    Ok(KnowledgeGraph::build(entities, snapshot))
}

/// One seed file's text, read before parsing.
pub(crate) struct RawFile {
    /// The path shown in error messages.
    pub path: PathBuf,
    /// The path below the seed directory, `/`-separated, for the content hash.
    pub relative: String,
    pub text: String,
}

fn read_files(dir: &Path) -> Result<Vec<RawFile>, SeedErrors> {
    let whole = |message: String| SeedErrors(vec![SeedError { file: dir.to_path_buf(), line: 0, column: 0, message }]);
    let mut paths = Vec::new();
    collect_toml(dir, &mut paths).map_err(|e| whole(format!("cannot read the seed directory: {e}")))?;
    if paths.is_empty() {
        return Err(whole("no `*.toml` seed files in this directory".into()));
    }
    paths.sort();
    let read: Vec<Result<RawFile, SeedError>> = paths
        .into_par_iter()
        .map(|path| {
            let relative = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            match std::fs::read(&path) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => Ok(RawFile { path, relative, text }),
                    Err(e) => {
                        let offset = e.utf8_error().valid_up_to();
                        let text = String::from_utf8_lossy(&e.into_bytes()[..offset]).into_owned();
                        let (line, column) = error::LineIndex::new(&text).locate(offset);
                        Err(SeedError { file: path, line, column, message: "the file is not valid UTF-8".into() })
                    }
                },
                Err(e) => Err(SeedError { file: path, line: 0, column: 0, message: format!("cannot read: {e}") }),
            }
        })
        .collect();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for r in read {
        match r {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(SeedErrors(errors))
    }
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
