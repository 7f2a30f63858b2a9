//! The two-pass load: every file read in parallel twice, first for its ids (so that
//! references may point forward or into other files), then for its records, which are
//! converted against the finished registry. Every problem is collected, located at the end.

use super::convert::{convert, Converted};
use super::error::{LineIndex, SeedError, SeedErrors};
use super::files::SeedPath;
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
    let parsed: Vec<Result<Parsed<Ids>, SeedError>> = crate::timed("seed pass 1: ids", || {
        files.par_iter().map(|f| parse(f, super::reader::read_ids, ids_of)).collect()
    });
    let mut errors = Vec::new();
    let mut hashes: Vec<Option<u64>> = vec![None; files.len()];
    let total = parsed.iter().map(|r| r.as_ref().map_or(0, |p| p.value.as_ref().map_or(0, Vec::len))).sum();
    let mut registry = Registry::with_capacity(total);
    let mut counts = vec![0; files.len()];
    for (file, result) in parsed.into_iter().enumerate() {
        match result {
            // Problems of a file that can be read are reported by pass 2, which reads it all.
            Ok(Parsed { hash, value: Some(ids), .. }) => {
                hashes[file] = Some(hash);
                counts[file] = ids.len();
                ids.into_iter().for_each(|(kind, id)| registry.register(file, kind, id));
            }
            Ok(Parsed { value: None, errors: found, .. }) => {
                errors.extend(found);
                if let Ok(text) = files[file].read_text() {
                    registry.unread(file, super::reader::salvage_ids(&text));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    let readable: Vec<usize> = (0..files.len()).filter(|&f| hashes[f].is_some()).collect();

    // Pass 2: convert each file in parallel, in the same order as pass 1 so that NodeIds
    // match; the registry is only read.
    let converted: Vec<(Option<Converted>, Vec<SeedError>)> = crate::timed("seed pass 2: entities", || {
        readable
            .par_iter()
            .map(|&file| match parse(&files[file], super::reader::read, |seed| seed) {
                Ok(parsed) if Some(parsed.hash) == hashes[file] => {
                    (parsed.value.map(|seed| convert(&seed, file, &registry)), parsed.errors)
                }
                Ok(_) => {
                    (None, vec![SeedError::whole(&files[file].path, "the file changed during the load: load again")])
                }
                Err(e) => (None, vec![e]),
            })
            .collect()
    });
    let mut entities = Vec::with_capacity(registry.len());
    let mut problems = Vec::new();
    let mut unchecked = vec![0usize; files.len()];
    for (file, (converted, found)) in readable.into_iter().zip(converted) {
        errors.extend(found);
        match converted {
            Some(c) => {
                entities.extend(c.entities);
                problems.extend(c.problems);
                c.unchecked.into_iter().for_each(|f| unchecked[f] += 1);
            }
            // Pass 1 read this file's ids but pass 2 cannot read its records: keep later
            // files' NodeIds in place with stand-ins, so that their checks stay right.
            None => entities.extend((0..counts[file]).map(|_| stand_in())),
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
        // References into a file that cannot be read are not checked: one line says how many,
        // after that file's own errors.
        for (file, n) in unchecked.into_iter().enumerate().filter(|&(_, n)| n > 0) {
            let path = &files[file].path;
            let at = errors.iter().rposition(|e| &e.file == path).map_or(errors.len(), |i| i + 1);
            let s = if n == 1 { "" } else { "s" };
            let message = format!("{n} reference{s} into {} not checked", files[file].relative);
            errors.insert(at, SeedError::whole(path, message));
        }
        Err(SeedErrors(errors))
    }
}

/// Every entity in `NodeId` order, each id's `NodeId`, and the snapshot they make.
pub(super) type Validated = (Vec<Entity>, HashMap<String, NodeId>, Snapshot);

/// The ids one file defines, with their kinds.
pub(super) type Ids = Vec<(EntityKind, Text)>;

/// What parsing one file gave.
struct Parsed<T> {
    /// The hash of the text read.
    hash: u64,
    /// What the file holds, when it could be read (perhaps after setting unknown fields aside).
    value: Option<T>,
    /// Its problems as TOML or as records, in file order.
    errors: Vec<SeedError>,
}

/// Reads and parses one file: what `fast` (one of the fast reader's functions) makes of it,
/// or, when that declines, what `slow` makes of toml's records, with toml's errors in plain
/// words. An unknown field is reported and set aside (its line read as blank), so that the
/// rest of the file is still read and checked: every problem is reported at once.
fn parse<T>(f: &SeedPath, fast: fn(&str) -> Option<T>, slow: fn(SeedFile) -> T) -> Result<Parsed<T>, SeedError> {
    let text = f.read_text()?;
    let hash = Snapshot::content_hash(&text);
    if let Some(out) = fast(&text) {
        return Ok(Parsed { hash, value: Some(out), errors: Vec::new() });
    }
    let lines = LineIndex::new(&text);
    let mut errors = Vec::new();
    let mut current = std::borrow::Cow::Borrowed(text.as_ref());
    loop {
        let e = match toml::from_str::<SeedFile>(&current) {
            Ok(seed) => return Ok(Parsed { hash, value: Some(slow(seed)), errors }),
            Err(e) => e,
        };
        // With a field set aside the text is still TOML; if not, setting it aside broke it
        // (a value over several lines), and that error is not the author's.
        if !errors.is_empty() && current.parse::<toml::Table>().is_err() {
            break;
        }
        let offset = e.span().map_or(0, |s| s.start);
        let message = super::wording::toml_message(e.message(), &text, offset);
        errors.push(match e.span() {
            Some(_) => SeedError::at(&f.path, &text, &lines, offset, message),
            None => SeedError::whole(&f.path, message),
        });
        match set_aside(&current, offset) {
            Some(next) if e.message().starts_with("unknown field") && errors.len() < 100 => current = next.into(),
            _ => break,
        }
    }
    Ok(Parsed { hash, value: None, errors })
}

/// `text` with the `key = value` line starting at byte `offset` blanked (every byte of it a
/// space, so that every other offset stays), or `None` when no one-line pair starts there.
fn set_aside(text: &str, offset: usize) -> Option<String> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let pair = text[offset..end].trim_end_matches('\r');
    let alone = text[line_start..offset].trim().is_empty();
    if !alone || pair.parse::<toml::Table>().map_or(true, |t| t.len() != 1) {
        return None;
    }
    let mut out = text.to_owned();
    out.replace_range(offset..offset + pair.len(), &" ".repeat(pair.len()));
    Some(out)
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
pub(super) fn stand_in() -> Entity {
    Entity::Source(Source::default())
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
    let lines: HashMap<usize, (String, LineIndex)> = concerned
        .into_par_iter()
        .filter_map(|f| {
            let text = files[f].read_text().ok().filter(|t| Some(Snapshot::content_hash(t)) == hashes[f])?;
            let index = LineIndex::new(&text);
            Some((f, (text.into_owned(), index)))
        })
        .collect();
    let at = |file: usize, offset: usize| lines.get(&file).map(|(_, ix)| ix.locate(offset));
    problems
        .into_iter()
        .map(|p| {
            let mut message = p.message;
            if let Some((file, offset)) = p.see {
                let line = at(file, offset).map_or(0, |(l, _)| l);
                message.push_str(&format!("{}:{line}", files[file].path.display()));
            }
            let file = &files[p.file].path;
            match lines.get(&p.file) {
                Some((text, index)) => SeedError::at(file, text, index, p.offset, message),
                None => SeedError::whole(
                    file,
                    format!("{message} (the file changed during the load: load again for its line)"),
                ),
            }
        })
        .collect()
}

/// A place inside itself or an event part of itself, however indirectly, is an error.
pub(super) fn check_cycles(entities: &[Entity], registry: &Registry, problems: &mut Vec<Problem>) {
    check_cycles_from(entities, registry, (0..entities.len() as u32).map(NodeId), problems);
}

/// Reports every node on a cycle (of `within`, `part_of` or `responds_to`) that goes
/// through one of `starts`, once each: all the cycles when `starts` is every node, and all
/// the new ones when it is every node a change wrote (a cycle the change made goes through
/// one of them).
pub(super) fn check_cycles_from(
    entities: &[Entity],
    registry: &Registry,
    starts: impl IntoIterator<Item = NodeId>,
    problems: &mut Vec<Problem>,
) {
    let parent = |n: NodeId| match entities.get(n.index()) {
        Some(Entity::Place(p)) => p.within,
        Some(Entity::Event(e)) => e.part_of,
        Some(Entity::Statement(s)) => s.responds_to,
        _ => None,
    };
    let mut reported = rustc_hash::FxHashSet::default();
    for start in starts {
        if reported.contains(&start) {
            continue;
        }
        let mut at = parent(start);
        let mut steps = 0;
        while let Some(n) = at {
            if n == start {
                // Every node of this cycle is on a cycle: report each.
                let mut on = Some(start);
                while let Some(node) = on.filter(|&node| reported.insert(node)) {
                    let o = registry.origin(node);
                    let link = match o.kind {
                        EntityKind::Place => "`within`",
                        EntityKind::Event => "`part_of`",
                        _ => "`responds_to`",
                    };
                    let message = format!("`{}` leads back to itself through {link}", entities[node.index()].id());
                    problems.push(Problem { file: o.file, offset: o.span.start, message, see: None });
                    on = parent(node);
                }
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
        let files = [SeedPath { path: path.clone(), relative: "a.toml".into(), embedded: None }];
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
