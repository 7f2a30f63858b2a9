//! Exports of the whole graph to analysts' tools: GraphML (Gephi, Cytoscape), JSON-LD with
//! schema.org types, CSV tables (spreadsheets) and GDELT 2.0 event rows (tab-separated).
//!
//! Each format is written entity by entity to any `io::Write` (a file, a pipe, an HTTP body),
//! so an export holds one entity's text at a time beyond the graph itself. Every export names
//! the graph's snapshot hash (see each format for where).
//!
//! Architecture Invariant: exports only read the graph; the file helpers here write through a
//! temporary file renamed at the end, so a failed export never leaves a partial file behind.

mod csv;
mod gdelt;
mod graphml;
mod jsonld;

pub use self::csv::Table;

use crate::graph::KnowledgeGraph;
use crate::model::{Entity, LinkKind, NodeId};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// An export format of the command line (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// GraphML: every entity a node, every relation an edge.
    Graphml,
    /// JSON-LD with schema.org types.
    Jsonld,
    /// One CSV file per table.
    Csv,
    /// GDELT 2.0 event rows, one per dyad.
    Gdelt,
}

impl Format {
    /// Every format, with its spelling.
    pub const ALL: &'static [(Format, &'static str)] =
        &[(Format::Graphml, "graphml"), (Format::Jsonld, "jsonld"), (Format::Csv, "csv"), (Format::Gdelt, "gdelt")];

    /// The format spelled `text`, if any.
    pub fn parse(text: &str) -> Option<Format> {
        Self::ALL.iter().find(|(_, s)| *s == text).map(|(f, _)| *f)
    }

    /// The accepted spellings, comma-separated.
    pub fn spellings() -> String {
        Self::ALL.iter().map(|(_, s)| *s).collect::<Vec<_>>().join(", ")
    }
}

/// One exported file: what the HTTP routes `/export/{name}` serve and the CLI writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFile {
    Graphml,
    Jsonld,
    Csv(Table),
    Gdelt,
}

impl ExportFile {
    /// Every file, in the order listed to users.
    pub fn all() -> impl Iterator<Item = ExportFile> {
        [ExportFile::Graphml, ExportFile::Jsonld]
            .into_iter()
            .chain(Table::ALL.iter().map(|&t| ExportFile::Csv(t)))
            .chain([ExportFile::Gdelt])
    }

    /// The file name: `graph.graphml`, `events.csv`, `events.gdelt.tsv`...
    pub fn name(self) -> String {
        match self {
            ExportFile::Graphml => "graph.graphml".into(),
            ExportFile::Jsonld => "graph.jsonld".into(),
            ExportFile::Csv(t) => format!("{}.csv", t.as_str()),
            ExportFile::Gdelt => "events.gdelt.tsv".into(),
        }
    }

    /// The file named `name`, if any.
    pub fn parse(name: &str) -> Option<ExportFile> {
        Self::all().find(|f| f.name() == name)
    }

    /// The media type it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFile::Graphml => "application/graphml+xml; charset=utf-8",
            ExportFile::Jsonld => "application/ld+json; charset=utf-8",
            ExportFile::Csv(_) => "text/csv; charset=utf-8; header=present",
            ExportFile::Gdelt => "text/tab-separated-values; charset=utf-8",
        }
    }

    /// Writes this file of graph `g` to `out`.
    pub fn write(self, g: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
        match self {
            ExportFile::Graphml => graphml::write(g, out),
            ExportFile::Jsonld => jsonld::write(g, out),
            ExportFile::Csv(t) => csv::write(g, t, out),
            ExportFile::Gdelt => gdelt::write(g, out),
        }
    }
}

/// Why an export could not be written; the message names the path.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The output path (or a temporary file beside it) could not be created or written.
    #[error("cannot write `{path}`: {source}")]
    Write { path: PathBuf, source: io::Error },
    /// CSV writes one file per table, so it needs a directory.
    #[error("the csv format writes one file per table: give `--out DIR`")]
    CsvNeedsDir,
}

/// Writes `format` of `g` to `out` (a file; a directory for CSV), or to stdout when `out` is
/// `None`. Files are written to a temporary name beside them and renamed when complete. For
/// CSV, `snapshot.txt` beside the tables holds the snapshot hash. Returns the files written.
pub fn export(g: &KnowledgeGraph, format: Format, out: Option<&Path>) -> Result<Vec<PathBuf>, ExportError> {
    let single = match format {
        Format::Graphml => ExportFile::Graphml,
        Format::Jsonld => ExportFile::Jsonld,
        Format::Gdelt => ExportFile::Gdelt,
        Format::Csv => {
            let dir = out.ok_or(ExportError::CsvNeedsDir)?;
            std::fs::create_dir_all(dir).map_err(|source| ExportError::Write { path: dir.to_owned(), source })?;
            let mut written = Vec::new();
            for &t in Table::ALL {
                let path = dir.join(ExportFile::Csv(t).name());
                crate::timed(&format!("export {}", path.display()), || {
                    write_file(&path, |w| ExportFile::Csv(t).write(g, w))
                })?;
                written.push(path);
            }
            let path = dir.join("snapshot.txt");
            write_file(&path, |w| writeln!(w, "{}", g.snapshot().hash))?;
            written.push(path);
            return Ok(written);
        }
    };
    match out {
        Some(path) => {
            crate::timed(&format!("export {}", path.display()), || write_file(path, |w| single.write(g, w)))?;
            Ok(vec![path.to_owned()])
        }
        None => {
            let stdout = io::stdout();
            let mut w = io::BufWriter::with_capacity(1 << 16, stdout.lock());
            single
                .write(g, &mut w)
                .and_then(|()| w.flush())
                .map_err(|source| ExportError::Write { path: "<stdout>".into(), source })?;
            Ok(Vec::new())
        }
    }
}

/// Writes `path` through `fill`: into `path.tmp-<pid>` beside it, renamed over `path` once
/// complete; on any error the temporary file is removed and `path` is left as it was.
pub fn write_file(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), ExportError> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let fail = |source| ExportError::Write { path: path.to_owned(), source };
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut w = io::BufWriter::with_capacity(1 << 16, file);
        fill(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

/// Every relation of the graph once, as stored (`from`, `to`, kind), with the reports that
/// state it: a participation's or position's own sources, a citation's report, and for any
/// other link the sources of the record that states it.
pub(crate) fn each_relation(
    g: &KnowledgeGraph,
    mut each: impl FnMut(NodeId, NodeId, LinkKind, &[NodeId]) -> io::Result<()>,
) -> io::Result<()> {
    let mut sources: Vec<NodeId> = Vec::new();
    for kind in crate::model::EntityKind::ALL {
        for &me in g.all(*kind) {
            let e = g.entity(me);
            let mut links = Vec::new();
            g.each_stated_link(me, |from, to, kind| links.push((from, to, kind)));
            for (from, to, kind) in links {
                sources.clear();
                match (kind, e) {
                    (LinkKind::Cites, _) => sources.push(to),
                    (LinkKind::ParticipatedIn, Entity::Event(ev)) => {
                        ev.participants.iter().filter(|p| p.actor == from).for_each(|p| sources.extend(&p.sources))
                    }
                    (LinkKind::HoldsPosition, Entity::Actor(a)) => a
                        .positions
                        .iter()
                        .filter(|p| p.organization == Some(to))
                        .for_each(|p| sources.extend(&p.sources)),
                    _ => sources.extend(e.sources()),
                }
                // Each report once, in the order the records list them (oldest first).
                let mut seen = 0;
                for i in 0..sources.len() {
                    if !sources[..seen].contains(&sources[i]) {
                        sources[seen] = sources[i];
                        seen += 1;
                    }
                }
                sources.truncate(seen);
                each(from, to, kind, &sources)?;
            }
        }
    }
    Ok(())
}

/// `ids` of `g`'s nodes joined by `sep`.
pub(crate) fn join_ids(g: &KnowledgeGraph, ids: &[NodeId], sep: &str) -> String {
    let mut out = String::new();
    for (i, &n) in ids.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(g.entity(n).id());
    }
    out
}
