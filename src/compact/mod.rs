//! `diplograph compact`: the change log written into the seed's TOML files, then emptied,
//! so that the seed stays the reviewable source of truth in git.
//!
//! Each record a change applied ends in the seed as the last change left it: a record the
//! seed already holds is replaced (or removed) in place in its file, the comment block above
//! it kept; a new record is appended to the file of its story ([`place`]). The edited files
//! are loaded as a seed and compared, record by record, with the seed plus the journal
//! replayed ([`canonical`]) before anything is written: a compaction that would change the
//! graph is refused.
//!
//! # Steps, and what a crash leaves
//!
//! 1. Take the journal's lock alone (refused with `JOURNAL_LOCKED` while a server holds it).
//! 2. Write each new file's text beside it as `FILE.toml.compacting` (not `*.toml`, so no
//!    load reads it), each `fsync`ed.
//! 3. Commit: write the manifest `JOURNAL.compacting` (the files, and the journal's last
//!    sequence number) under a temporary name, `fsync`, rename, `fsync` its directory.
//! 4. Rename every staged file over its seed file, `fsync` their directories.
//! 5. Reset the journal to an empty one that counts on from that sequence number
//!    (`Journal::reset`, itself atomic), then remove the manifest.
//!
//! Architecture Invariant: a crash before step 3 leaves the seed and the journal as they
//! were (a staged file is litter, removed by the next run); a crash after it leaves a
//! manifest, and while one exists `serve` refuses to start and `compact` first finishes it
//! (steps 4 and 5 are idempotent: a staged file already renamed is gone, a journal already
//! reset holds no record). So every change is either in the journal or in the seed, never in
//! both for a server to read, and never in neither.

mod edit;

use crate::graph::KnowledgeGraph;
use crate::journal::{self, Journal, JournalError};
use crate::model::{Entity, EntityKind};
use crate::seed::{self, SeedErrors};
use crate::write::{self, Body, Payload, ReplayError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The suffix of a staged seed file.
const STAGED: &str = "compacting";

/// Why a compaction did not run (or did not finish).
#[derive(Debug, thiserror::Error)]
pub enum CompactError {
    /// The journal cannot be locked or read (`JOURNAL_LOCKED` while a server holds it).
    #[error("{0}")]
    Journal(#[from] JournalError),
    /// The seed does not load.
    #[error("the seed does not load:\n{0}")]
    Seed(SeedErrors),
    /// The journal does not apply to the seed.
    #[error("the change log does not apply to the seed: {0}")]
    Replay(#[from] ReplayError),
    /// The edited seed would not give the graph the seed and the journal give.
    #[error("compaction refused, nothing written: the edited seed would differ from the seed with its changes: {0}")]
    Differs(String),
    /// A file could not be read or written.
    #[error("{path}: cannot {op}: {source}")]
    Io { path: PathBuf, op: &'static str, source: std::io::Error },
    /// The manifest of an interrupted compaction does not match the journal.
    #[error("{path}: an interrupted compaction cannot be finished: {reason}")]
    Manifest { path: PathBuf, reason: String },
}

impl CompactError {
    /// The machine-readable code: the journal's own, or `COMPACT_*`.
    pub fn code(&self) -> &'static str {
        match self {
            CompactError::Journal(e) => e.code(),
            CompactError::Seed(_) => "COMPACT_SEED_INVALID",
            CompactError::Replay(_) => "COMPACT_REPLAY_FAILED",
            CompactError::Differs(_) => "COMPACT_DIFFERS",
            CompactError::Io { .. } => "COMPACT_IO",
            CompactError::Manifest { .. } => "COMPACT_MANIFEST",
        }
    }
}

fn io<'a>(path: &'a Path, op: &'static str) -> impl FnOnce(std::io::Error) -> CompactError + 'a {
    move |source| CompactError::Io { path: path.to_path_buf(), op, source }
}

/// What a compaction did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Changes moved from the journal into the seed.
    pub changes: usize,
    /// The sequence number the journal counts on from.
    pub last_seq: u64,
    /// Records written (added or replaced), and records retracted (removed from the seed, or
    /// added and retracted within the journal).
    pub written: usize,
    pub removed: usize,
    /// Seed files rewritten or created, relative to the seed directory.
    pub files: Vec<String>,
    /// Whether an interrupted compaction was finished first.
    pub finished_interrupted: bool,
}

/// The manifest of a compaction past its commit point.
#[derive(Serialize, Deserialize)]
struct Manifest {
    /// The journal's last sequence number, now in the seed.
    seq: u64,
    /// The seed files replaced by their staged copies.
    files: Vec<PathBuf>,
}

/// The manifest of `journal`'s compaction.
fn manifest_path(journal: &Path) -> PathBuf {
    with_suffix(journal, STAGED)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Whether a compaction of `journal` was interrupted past its commit point: the seed and
/// the journal must not be read until `compact` finishes it.
pub fn pending(journal: &Path) -> bool {
    manifest_path(journal).exists()
}

/// Writes the changes of `journal` into the seed at `seed_dir` and empties the journal.
pub fn compact(seed_dir: &Path, journal_path: &Path) -> Result<Summary, CompactError> {
    let _hold = journal::hold(journal_path, true)?;
    let summary = commit(seed_dir, journal_path)?;
    finish(journal_path)?;
    Ok(summary)
}

/// A compaction up to its commit point (the files staged, the manifest written), without
/// moving anything: what a crash right after the commit point leaves. For tests of the
/// recovery; [`compact`] finishes it.
pub fn compact_to_commit_point(seed_dir: &Path, journal_path: &Path) -> Result<Summary, CompactError> {
    let _hold = journal::hold(journal_path, true)?;
    commit(seed_dir, journal_path)
}

/// Steps 2 and 3 (after finishing an interrupted compaction), under the caller's lock.
fn commit(seed_dir: &Path, journal_path: &Path) -> Result<Summary, CompactError> {
    let finished_interrupted = finish(journal_path)?;
    let files = seed::toml_files(seed_dir).map_err(io(seed_dir, "list the seed files"))?;
    remove_staged(&files)?;
    let (journal, entries) = Journal::open(journal_path)?;
    let last_seq = journal.last_seq();
    drop(journal);
    let mut summary = Summary { changes: entries.len(), last_seq, finished_interrupted, ..Summary::default() };
    if entries.is_empty() {
        return Ok(summary);
    }
    let before = seed::load(seed_dir).map_err(CompactError::Seed)?;
    let payloads: Vec<(u64, Vec<u8>)> = entries.into_iter().map(|e| (e.seq, e.payload)).collect();
    let (after, _) = write::replay(&before, payloads.iter().cloned())?;
    let last = last_versions(&payloads)?;

    let mut texts = Vec::with_capacity(files.len());
    for path in &files {
        texts.push(std::fs::read_to_string(path).map_err(io(path, "read"))?);
    }
    let relative: Vec<String> =
        files.iter().map(|p| p.strip_prefix(seed_dir).unwrap_or(p).to_string_lossy().replace('\\', "/")).collect();
    let plan = plan(&relative, &texts, &last, &after)?;
    summary.written = last.order.iter().filter(|id| matches!(last.text.get(*id), Some(Some(_)))).count();
    summary.removed = last.order.len() - summary.written;

    // The new text of every file the plan touches.
    let mut changed: BTreeMap<String, String> = BTreeMap::new();
    for (file, p) in &plan {
        let old = relative.iter().position(|r| r == file).map(|i| texts[i].as_str());
        let mut text = old.map_or_else(|| p.header.clone(), str::to_owned);
        text = edit::edit(&text, &p.edits, &p.appended);
        changed.insert(file.clone(), text);
    }
    check(seed_dir, &relative, &texts, &changed, &after)?;

    // Stage, commit, finish.
    let mut staged = Vec::with_capacity(changed.len());
    for (file, text) in &changed {
        let path = seed_dir.join(file);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir, "create"))?;
        }
        write_synced(&with_suffix(&path, STAGED), text.as_bytes())?;
        staged.push(std::path::absolute(&path).unwrap_or(path));
    }
    let manifest = Manifest { seq: last_seq, files: staged };
    let bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| io(journal_path, "write the manifest")(e.into()))?;
    let path = manifest_path(journal_path);
    let tmp = with_suffix(&path, "tmp");
    write_synced(&tmp, &bytes)?;
    std::fs::rename(&tmp, &path).map_err(io(&path, "commit the manifest"))?;
    sync_dir(&path)?;
    summary.files = changed.into_keys().collect();
    Ok(summary)
}

/// Finishes a compaction interrupted past its commit point, if there is one: renames what
/// is still staged, resets the journal, removes the manifest. True when there was one.
fn finish(journal_path: &Path) -> Result<bool, CompactError> {
    let path = manifest_path(journal_path);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io(&path, "read")(e)),
    };
    let bad = |reason: String| CompactError::Manifest { path: path.clone(), reason };
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    for file in &manifest.files {
        let staged = with_suffix(file, STAGED);
        if staged.exists() {
            std::fs::rename(&staged, file).map_err(io(file, "replace"))?;
        }
    }
    for file in &manifest.files {
        sync_dir(file)?;
    }
    let (journal, entries) = Journal::open(journal_path)?;
    if journal.last_seq() != manifest.seq {
        return Err(bad(format!(
            "it moved the changes up to {} into the seed, but the journal's last is {}",
            manifest.seq,
            journal.last_seq()
        )));
    }
    drop(journal);
    if !entries.is_empty() {
        Journal::reset(journal_path, manifest.seq)?;
    }
    std::fs::remove_file(&path).map_err(io(&path, "remove"))?;
    sync_dir(&path)?;
    Ok(true)
}

/// Removes the staged copies left by a compaction that crashed before its commit point.
fn remove_staged(files: &[PathBuf]) -> Result<(), CompactError> {
    for file in files {
        let staged = with_suffix(file, STAGED);
        if staged.exists() {
            std::fs::remove_file(&staged).map_err(io(&staged, "remove"))?;
        }
    }
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), CompactError> {
    use std::io::Write;
    let mut f = std::fs::File::create(path).map_err(io(path, "create"))?;
    f.write_all(bytes).map_err(io(path, "write"))?;
    f.sync_all().map_err(io(path, "fsync"))
}

/// `fsync`s the directory holding `path`, so that a rename or creation in it is durable.
fn sync_dir(path: &Path) -> Result<(), CompactError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir, "fsync"))
}

/// Each record the journal touched, as the last change left it.
struct LastVersions {
    /// Ids in the order first touched.
    order: Vec<String>,
    /// The record's text as it goes into a file, or `None` when retracted.
    text: HashMap<String, Option<String>>,
}

fn last_versions(payloads: &[(u64, Vec<u8>)]) -> Result<LastVersions, CompactError> {
    let mut last = LastVersions { order: Vec::new(), text: HashMap::new() };
    let mut set = |id: String, text: Option<String>| {
        if !last.text.contains_key(&id) {
            last.order.push(id.clone());
        }
        last.text.insert(id, text);
    };
    for (seq, bytes) in payloads {
        let payload: Payload =
            serde_json::from_slice(bytes).map_err(|e| ReplayError::Unreadable { seq: *seq, cause: e.to_string() })?;
        match payload.body {
            Body::Apply { records } => {
                for r in edit::records(&records) {
                    set(r.id.clone(), Some(edit::tidy(&records[r.header..r.end])));
                }
            }
            Body::Retract { ids } => ids.into_iter().for_each(|id| set(id, None)),
        }
    }
    Ok(last)
}

/// The edits of one file.
#[derive(Default)]
struct FilePlan {
    /// The first lines of a new file.
    header: String,
    edits: HashMap<String, Option<String>>,
    appended: Vec<String>,
}

/// Where the seed keeps its records: which file holds each id, the file holding the most
/// records of each kind (the first in path order on a tie), and the folder of its stories.
struct Layout {
    located: HashMap<String, String>,
    /// The file of each new record placed so far.
    placed: HashMap<String, String>,
    homes: HashMap<String, String>,
    story_dir: String,
}

impl Layout {
    fn of(relative: &[String], texts: &[String]) -> Layout {
        let mut located = HashMap::new();
        let mut counts: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, text) in texts.iter().enumerate() {
            for r in edit::records(text) {
                counts.entry(r.kind).or_insert_with(|| vec![0; texts.len()])[i] += 1;
                located.insert(r.id, relative[i].clone());
            }
        }
        let homes: HashMap<String, String> = counts
            .into_iter()
            .filter_map(|(kind, c)| {
                let max = c.iter().copied().max()?;
                Some((kind, relative[c.iter().position(|&n| n == max)?].clone()))
            })
            .collect();
        let story_dir =
            homes.get("event").and_then(|f| f.rsplit_once('/')).map(|(dir, _)| format!("{dir}/")).unwrap_or_default();
        Layout { located, placed: HashMap::new(), homes, story_dir }
    }

    /// The file a new record goes to: the file of its story (an event's `partOf`, an
    /// agreement's `event`, a statement's `about` or else `respondsTo`); an event of no
    /// other story starts its own file, named after its id, beside the seed's other
    /// stories; any other record goes to the file holding the most records of its kind.
    fn place(&mut self, id: &str, after: &KnowledgeGraph) -> Result<String, CompactError> {
        if let Some(file) = self.located.get(id).or_else(|| self.placed.get(id)) {
            return Ok(file.clone());
        }
        let n = after.get(id).ok_or_else(|| CompactError::Differs(format!("`{id}` is not in the replayed graph")))?;
        let e = after.entity(n);
        let story = match e {
            Entity::Event(x) => x.part_of,
            Entity::Agreement(x) => x.event,
            Entity::Statement(x) => x.about.or(x.responds_to),
            _ => None,
        };
        let file = match (story, e) {
            (Some(s), _) => self.place(after.entity(s).id(), after)?,
            (None, Entity::Event(x)) => format!("{}{}.toml", self.story_dir, x.id.trim_start_matches("event:")),
            (None, e) => {
                let kind = kind_name(e.kind());
                self.homes.get(kind).cloned().unwrap_or_else(|| format!("{kind}s.toml"))
            }
        };
        self.placed.insert(id.to_owned(), file.clone());
        Ok(file)
    }
}

/// Which file each touched record goes to, and how.
fn plan(
    relative: &[String],
    texts: &[String],
    last: &LastVersions,
    after: &KnowledgeGraph,
) -> Result<BTreeMap<String, FilePlan>, CompactError> {
    let mut layout = Layout::of(relative, texts);
    let mut files: BTreeMap<String, FilePlan> = BTreeMap::new();
    for id in &last.order {
        let text = last.text.get(id).cloned().flatten();
        if let Some(file) = layout.located.get(id) {
            files.entry(file.clone()).or_default().edits.insert(id.clone(), text);
            continue;
        }
        // Added, then retracted: nothing to write.
        let Some(text) = text else { continue };
        let file = layout.place(id, after)?;
        let entry = files.entry(file.clone()).or_default();
        if entry.header.is_empty() && !relative.contains(&file) {
            entry.header = new_file_header(id, after);
        }
        entry.appended.push(text);
    }
    Ok(files)
}

fn kind_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Source => "source",
        EntityKind::Actor => "actor",
        EntityKind::Place => "place",
        EntityKind::Event => "event",
        EntityKind::Agreement => "agreement",
        EntityKind::Statement => "statement",
    }
}

/// The first lines of a file a compaction creates.
fn new_file_header(id: &str, after: &KnowledgeGraph) -> String {
    let title = after.get(id).and_then(|n| match after.entity(n) {
        Entity::Event(e) => Some(e.title.clone()),
        _ => None,
    });
    let mut out = String::new();
    if let Some(title) = title {
        let _ = writeln!(out, "# {title}");
        out.push_str("#\n");
    }
    out.push_str("# Written by `diplograph compact` from changes made through the API.\n");
    out
}

/// Loads the seed as the compaction would leave it (in a scratch directory) and compares
/// its records with `after`'s.
fn check(
    seed_dir: &Path,
    relative: &[String],
    texts: &[String],
    changed: &BTreeMap<String, String>,
    after: &KnowledgeGraph,
) -> Result<(), CompactError> {
    let scratch =
        std::env::temp_dir().join(format!("diplograph-compact-{}-{}", std::process::id(), after.snapshot().hash));
    // A directory left by a crashed run of the same process id would add its files.
    let _ = std::fs::remove_dir_all(&scratch);
    let result = (|| {
        let write = |file: &str, text: &str| -> Result<(), CompactError> {
            let path = scratch.join(file);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io(dir, "create"))?;
            }
            std::fs::write(&path, text).map_err(io(&path, "write"))
        };
        for (file, text) in relative.iter().zip(texts) {
            if !changed.contains_key(file) {
                write(file, text)?;
            }
        }
        for (file, text) in changed {
            write(file, text)?;
        }
        let loaded = seed::load(&scratch).map_err(|e| {
            CompactError::Differs(format!(
                "the edited seed does not load:\n{}",
                e.to_string().replace(&*scratch.to_string_lossy(), &seed_dir.to_string_lossy())
            ))
        })?;
        same_records(&loaded, after).map_err(CompactError::Differs)
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// Every record of `g`, one line each (its `NodeId`s written as the ids they stand for),
/// sorted: two graphs with the same records give the same lines, whatever their order.
pub fn canonical(g: &KnowledgeGraph) -> Vec<String> {
    let mut out: Vec<String> = (0..g.node_count() as u32)
        .filter(|&i| !g.is_retracted(crate::model::NodeId(i)))
        .map(|i| {
            let text = format!("{:?}", g.entity(crate::model::NodeId(i)));
            let mut line = String::with_capacity(text.len());
            let mut rest = text.as_str();
            while let Some(at) = rest.find("NodeId(") {
                line.push_str(&rest[..at]);
                rest = &rest[at + "NodeId(".len()..];
                let digits = rest.find(')').unwrap_or(rest.len());
                match rest[..digits].parse::<u32>().ok().filter(|&n| (n as usize) < g.node_count()) {
                    Some(n) => {
                        let _ = write!(line, "<{}>", g.entity(crate::model::NodeId(n)).id());
                    }
                    None => {
                        let _ = write!(line, "NodeId({})", &rest[..digits]);
                    }
                }
                rest = rest.get(digits + 1..).unwrap_or("");
            }
            line.push_str(rest);
            line
        })
        .collect();
    out.sort_unstable();
    out
}

/// Whether `a` and `b` hold the same records; the first difference when not.
fn same_records(a: &KnowledgeGraph, b: &KnowledgeGraph) -> Result<(), String> {
    let (a, b) = (canonical(a), canonical(b));
    if a == b {
        return Ok(());
    }
    let only_a = a.iter().find(|l| b.binary_search(l).is_err());
    let only_b = b.iter().find(|l| a.binary_search(l).is_err());
    Err(format!(
        "{} records against {}; first only in the edited seed: {}; first only in seed + journal: {}",
        a.len(),
        b.len(),
        only_a.map_or("none", String::as_str),
        only_b.map_or("none", String::as_str)
    ))
}
