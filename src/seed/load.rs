//! The two-pass load: every file read in parallel twice, first for its ids (so that
//! references may point forward or into other files), then for its records, which are
//! converted against the finished registry. Every problem is collected, located at the end.

use super::convert::convert;
use super::error::{LineIndex, SeedError, SeedErrors};
use super::files::{read_text, SeedPath};
use super::records::*;
use super::registry::Registry;
use super::KIND_ORDER;
use crate::graph::Snapshot;
use crate::model::*;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

/// Reads, parses and validates `files`, returning the entities in `NodeId` order and the
/// snapshot they make.
///
/// Each file is read and parsed twice, in parallel: the first pass keeps only its ids (so
/// that references may point forward or to other files), the second converts its records
/// into entities. Neither keeps more than a few files' text or records at once, so the peak
/// holds little more than the entities (at a million events, reading twice costs about a
/// second and saves about a gigabyte).
pub(super) fn validate(files: &[SeedPath]) -> Result<Validated, SeedErrors> {
    // Pass 1: every id, its kind and where it was defined.
    let parsed: Vec<Result<(u64, Ids), SeedError>> = crate::timed("seed pass 1: ids", || {
        files.par_iter().map(|f| parse(f, super::reader::read_ids, ids_of)).collect()
    });
    let mut errors = Vec::new();
    let mut hashes: Vec<Option<u64>> = vec![None; files.len()];
    let total = parsed.iter().map(|r| r.as_ref().map_or(0, |(_, ids)| ids.len())).sum();
    let mut registry = Registry::with_capacity(total);
    let mut counts = vec![0; files.len()];
    for (file, result) in parsed.into_iter().enumerate() {
        match result {
            Ok((hash, ids)) => {
                hashes[file] = Some(hash);
                counts[file] = ids.len();
                ids.into_iter().for_each(|(kind, id)| registry.register(file, kind, id));
            }
            Err(e) => errors.push(e),
        }
    }
    let readable: Vec<usize> = (0..files.len()).filter(|&f| hashes[f].is_some()).collect();

    // Pass 2: convert each file in parallel, in the same order as pass 1 so that NodeIds
    // match; the registry is only read.
    let converted: Vec<Result<Converted, SeedError>> = crate::timed("seed pass 2: entities", || {
        readable
            .par_iter()
            .map(|&file| {
                let (hash, seed) = parse(&files[file], super::reader::read, |seed| seed)?;
                if Some(hash) != hashes[file] {
                    let message = "the file changed during the load: load again".to_owned();
                    return Err(SeedError { file: files[file].path.clone(), line: 0, column: 0, message });
                }
                Ok(convert(&seed, file, &registry))
            })
            .collect()
    });
    let mut entities = Vec::with_capacity(registry.origins.len());
    let mut problems = Vec::new();
    for (file, result) in readable.into_iter().zip(converted) {
        match result {
            Ok((out, found)) => {
                entities.extend(out);
                problems.extend(found);
            }
            Err(e) => {
                // Pass 1 read this file's ids but pass 2 cannot read its records: keep later
                // files' NodeIds in place with stand-ins, so that their checks stay right.
                errors.push(e);
                entities.extend((0..counts[file]).map(|_| stand_in()));
            }
        }
    }
    registry.report_duplicates(&mut problems);
    check_cycles(&entities, &registry, &mut problems);
    errors.extend(locate(files, &hashes, problems));

    if errors.is_empty() {
        let snapshot = Snapshot::of_files(files.iter().map(|f| f.relative.as_str()).zip(hashes.into_iter().flatten()));
        Ok((entities, registry.ids, snapshot))
    } else {
        errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        Err(SeedErrors(errors))
    }
}

/// Every entity in `NodeId` order, each id's `NodeId`, and the snapshot they make.
pub(super) type Validated = (Vec<Entity>, HashMap<String, NodeId>, Snapshot);

/// The ids one file defines, with their kinds.
pub(super) type Ids = Vec<(EntityKind, Text)>;

/// One file's entities and the problems found in them.
type Converted = (Vec<Entity>, Vec<Problem>);

/// Reads and parses one file: its content hash and what `fast` (one of the fast reader's
/// functions) makes of it, or, when that declines, what `slow` makes of toml's records;
/// toml also words every error.
fn parse<T>(f: &SeedPath, fast: fn(&str) -> Option<T>, slow: fn(SeedFile) -> T) -> Result<(u64, T), SeedError> {
    let text = read_text(f)?;
    let hash = Snapshot::content_hash(&text);
    if let Some(out) = fast(&text) {
        return Ok((hash, out));
    }
    toml::from_str(&text).map(|seed| (hash, slow(seed))).map_err(|e| {
        let (line, column) = e.span().map(|s| LineIndex::new(&text).locate(s.start)).unwrap_or((0, 0));
        let message = match e.message().trim() {
            "" => "the file is not valid TOML here".to_owned(),
            m => m.to_owned(),
        };
        SeedError { file: f.path.clone(), line, column, message }
    })
}

/// The ids a file defines, in [`KIND_ORDER`] (the order pass 2 converts its records in).
pub(super) fn ids_of(mut seed: SeedFile) -> Ids {
    fn ids<R>(
        kind: EntityKind,
        records: Vec<toml::Spanned<R>>,
        id: fn(R) -> Text,
    ) -> impl Iterator<Item = (EntityKind, Text)> {
        records.into_iter().map(move |r| (kind, id(r.into_inner())))
    }
    let mut out = Vec::new();
    for kind in KIND_ORDER {
        match kind {
            EntityKind::Source => out.extend(ids(kind, std::mem::take(&mut seed.source), |r| r.id)),
            EntityKind::Actor => out.extend(ids(kind, std::mem::take(&mut seed.actor), |r| r.id)),
            EntityKind::Place => out.extend(ids(kind, std::mem::take(&mut seed.place), |r| r.id)),
            EntityKind::Event => out.extend(ids(kind, std::mem::take(&mut seed.event), |r| r.id)),
            EntityKind::Agreement => out.extend(ids(kind, std::mem::take(&mut seed.agreement), |r| r.id)),
            EntityKind::Statement => out.extend(ids(kind, std::mem::take(&mut seed.statement), |r| r.id)),
        }
    }
    out
}

/// An entity standing for one that could not be read (never in a graph: its file is an error).
fn stand_in() -> Entity {
    let none = String::new;
    Entity::Source(Source { id: none(), outlet: none(), title: none(), published: None, document: none(), note: None })
}

/// A problem at a byte offset of a file. Lines and columns are worked out only when there
/// are problems, from the files read again: a large seed keeps no line index while loading.
pub(super) struct Problem {
    pub file: usize,
    pub offset: usize,
    pub message: String,
    /// A place the message ends by pointing at (file, offset), shown as `path:line`.
    pub see: Option<(usize, usize)>,
}

/// The errors `problems` make, with their lines and columns.
fn locate(files: &[SeedPath], hashes: &[Option<u64>], problems: Vec<Problem>) -> Vec<SeedError> {
    let mut concerned: Vec<usize> =
        problems.iter().flat_map(|p| std::iter::once(p.file).chain(p.see.map(|s| s.0))).collect();
    concerned.sort_unstable();
    concerned.dedup();
    // A file edited since it was read would give wrong lines: it gives none instead.
    let lines: HashMap<usize, LineIndex> = concerned
        .into_par_iter()
        .filter_map(|f| {
            let text = read_text(&files[f]).ok().filter(|t| Some(Snapshot::content_hash(t)) == hashes[f])?;
            Some((f, LineIndex::new(&text)))
        })
        .collect();
    let at = |file: usize, offset: usize| lines.get(&file).map(|ix| ix.locate(offset));
    problems
        .into_iter()
        .map(|p| {
            let mut message = p.message;
            if let Some((file, offset)) = p.see {
                let line = at(file, offset).map_or(0, |(l, _)| l);
                message.push_str(&format!("{}:{line}", files[file].path.display()));
            }
            let file = files[p.file].path.clone();
            match at(p.file, p.offset) {
                Some((line, column)) => SeedError { file, line, column, message },
                None => SeedError {
                    file,
                    line: 0,
                    column: 0,
                    message: format!("{message} (the file changed during the load: load again for its line)"),
                },
            }
        })
        .collect()
}

/// A place inside itself or an event part of itself, however indirectly, is an error.
fn check_cycles(entities: &[Entity], registry: &Registry, problems: &mut Vec<Problem>) {
    let parent = |n: NodeId| match entities.get(n.index()) {
        Some(Entity::Place(p)) => p.within,
        Some(Entity::Event(e)) => e.part_of,
        Some(Entity::Statement(s)) => s.responds_to,
        _ => None,
    };
    for start in (0..entities.len() as u32).map(NodeId) {
        let mut at = parent(start);
        let mut steps = 0;
        while let Some(n) = at {
            if n == start {
                let o = &registry.origins[start.index()];
                let link = match o.kind {
                    EntityKind::Place => "`within`",
                    EntityKind::Event => "`part_of`",
                    _ => "`responds_to`",
                };
                let message = format!("`{}` leads back to itself through {link}", entities[start.index()].id());
                problems.push(Problem { file: o.file, offset: o.span.start, message, see: None });
                break;
            }
            steps += 1;
            if steps > entities.len().min(10_000) {
                break;
            }
            at = parent(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(offset: usize) -> Problem {
        Problem { file: 0, offset, message: "bad".into(), see: None }
    }

    #[test]
    fn problems_are_located_in_the_file_as_it_was_read_and_never_in_another_version() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "one\ntwo\nthree\n").expect("write");
        let files = [SeedPath { path: path.clone(), relative: "a.toml".into() }];
        let read = Some(Snapshot::content_hash("one\ntwo\nthree\n"));
        let located = locate(&files, &[read], vec![problem(8)]);
        assert_eq!((located[0].line, located[0].column, located[0].message.as_str()), (3, 1, "bad"));
        // Edited since it was read: no line rather than a wrong one.
        std::fs::write(&path, "zero\none\ntwo\nthree\n").expect("write");
        let located = locate(&files, &[read], vec![problem(8)]);
        assert_eq!((located[0].line, located[0].column), (0, 0));
        assert!(located[0].message.contains("changed during the load"), "{}", located[0].message);
    }
}
