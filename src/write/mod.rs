//! Curated writes: changes checked by the seed's rules, made durable in a change log, and
//! swapped into the served graph as a new snapshot.
//!
//! A change is rendered as a seed file (`render`), checked and converted by the seed's own
//! code against the entities the graph will hold after it (`seed::apply_records`), and
//! appended to the [`Log`] under the writer's lock (so the log's order is the apply order).
//! The rest is the writer's committer thread's (`commit`: an OS thread, not a task of the
//! async runtime, so that a write's way to visibility never queues behind the requests the
//! runtime's workers run): it syncs the log once for every change appended meanwhile (group
//! commit), builds one graph holding them, swaps it into the [`ServedGraph`] and wakes the
//! writers waiting for them, whose wake-up is the only step that goes through the runtime. A
//! graph is the one built before extended with the records added and replaced since
//! ([`KnowledgeGraph::update`], a cost of the additions plus a few linear copies; a
//! replacement that changes what an index reads makes it a whole build) and with the records
//! retracted since taken out ([`KnowledgeGraph::retract`]: a retracted record keeps its node
//! in the draft and the graph, its id no longer found, so that no other is numbered again),
//! or built whole when the draft was rebuilt (a reload, a failed sync, a replica's
//! adoption). Builds are paced ([`PACE`]): under a stream of writes each build
//! waits a multiple of the builds' CPU time, so builds take a bounded share of a core and
//! hold more changes each. The layers an extension keeps apart (and pays for in every
//! extension) are folded by a whole build on the writer's fold thread, at a low priority, off
//! the write's way (`background`). A log that is made durable only by awaiting
//! [`Log::synced`] (a database's commit: [`Log::blocking`] is `false`) is awaited by each
//! write in a task of its own, and the committer publishes a graph once all its changes are
//! durable. Either way a request dropped meanwhile leaves nothing undone: the committer (or
//! the task) finishes the change, and a writer dropped lets its committer finish what was
//! appended before it ends.
//!
//! Architecture Invariant: all or nothing. A refused change (any problem) leaves the graph,
//! the log and the change list as they were; an applied change is visible to every query
//! that starts after its answer. The log's payloads alone, replayed on the seed
//! ([`replay`]), give the same graph.
//!
//! Architecture Invariant: this module never touches the file system; the durable log is a
//! [`Log`] given to it.

mod refs;
mod render;

use crate::api::inputs::ChangeInput;
use crate::api::{ChangeEntry, ChangeKind, ChangeList, ChangeStore, Problem, WriteError, Writes};
use crate::graph::{KnowledgeGraph, ServedGraph, Snapshot};
use crate::model::NodeId;
use crate::seed::{apply_records, ChangeProblem, Draft, ProblemAt};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::hash::Hasher;
use std::sync::{Arc, Condvar, Mutex};

/// The most records one change may hold.
pub const MAX_RECORDS: usize = 1_000;

/// The durable change log: records appended in apply order, each with its sequence number.
#[async_trait::async_trait]
pub trait Log: Send + Sync {
    /// Appends `payload` (called in apply order, under the writer's lock); its `seq`.
    fn append(&self, payload: &[u8]) -> std::io::Result<u64>;
    /// Resolves once the record `seq` (and every one before it) is durable. Not called for
    /// a log that syncs on the writer's thread ([`Log::blocking`]).
    async fn synced(&self, seq: u64) -> std::io::Result<()>;
    /// Whether [`Log::sync`] makes this log durable, blocking the calling thread (a file's
    /// `fdatasync`): then the writer's committer thread syncs it, once for every record
    /// appended meanwhile, and `synced` is never awaited. `false` (the default) for a log made
    /// durable only by awaiting `synced` (a database's commit).
    fn blocking(&self) -> bool {
        false
    }
    /// Makes every record appended so far durable, blocking the calling thread; for a log
    /// whose [`Log::blocking`] is `true`. A failure refuses every record not yet durable.
    fn sync(&self) -> std::io::Result<()> {
        Err(std::io::Error::other("CHANGE_LOG_IO: this log is made durable only by `synced`"))
    }
    /// For a log whose [`Log::blocking`] is `true`: the last record durable, as the log
    /// counts it, read after a [`Log::sync`] (whether it succeeded or failed). A sync may make
    /// durable records appended after the writer last looked, and a failed one keeps those
    /// durable before it: the writer takes this number, never its own count, as the truth.
    fn durable_seq(&self) -> u64 {
        0
    }
    /// The last sequence number compacted into the seed (`diplograph compact`): the log's
    /// first record is the next one. 0 when nothing was compacted.
    fn compacted(&self) -> u64 {
        0
    }
}

/// The file journal as the writer's log; its errors keep their code (`JOURNAL_FULL`...) as
/// the message of an [`std::io::Error`] whose source is the journal's error.
#[async_trait::async_trait]
impl Log for crate::journal::Journal {
    fn append(&self, payload: &[u8]) -> std::io::Result<u64> {
        crate::journal::Journal::append(self, payload).map_err(journal_error)
    }
    async fn synced(&self, seq: u64) -> std::io::Result<()> {
        crate::journal::Journal::synced(self, seq).await.map_err(journal_error)
    }
    fn blocking(&self) -> bool {
        true
    }
    fn sync(&self) -> std::io::Result<()> {
        crate::journal::Journal::sync(self).map_err(journal_error)
    }
    fn durable_seq(&self) -> u64 {
        crate::journal::Journal::durable_seq(self)
    }
    fn compacted(&self) -> u64 {
        crate::journal::Journal::base_seq(self)
    }
}

/// A journal error as an I/O error that keeps its code in front.
fn journal_error(e: crate::journal::JournalError) -> std::io::Error {
    std::io::Error::other(format!("{}: {e}", e.code()))
}

/// A log's failure as the error a client gets: the log's code when it gave one.
fn unavailable(e: std::io::Error) -> WriteError {
    let detail = e.to_string();
    let cause = match detail.split_once(": ") {
        Some((code, _)) if code.starts_with("JOURNAL_") => code.to_owned(),
        _ => "CHANGE_LOG_IO".to_owned(),
    };
    WriteError::Unavailable { cause, detail }
}

/// A log kept in memory (tests, and servers that keep no journal): durable at once.
#[derive(Default)]
pub struct MemoryLog {
    records: Mutex<Vec<Vec<u8>>>,
}

impl MemoryLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every payload appended, in order (record `seq` at `seq - 1`).
    pub fn payloads(&self) -> Vec<Vec<u8>> {
        self.records.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

#[async_trait::async_trait]
impl Log for MemoryLog {
    fn append(&self, payload: &[u8]) -> std::io::Result<u64> {
        let mut records = self.records.lock().map_err(|_| std::io::Error::other("the log's lock is poisoned"))?;
        records.push(payload.to_vec());
        Ok(records.len() as u64)
    }
    async fn synced(&self, _seq: u64) -> std::io::Result<()> {
        Ok(())
    }
    fn blocking(&self) -> bool {
        true
    }
    fn sync(&self) -> std::io::Result<()> {
        Ok(())
    }
    fn durable_seq(&self) -> u64 {
        self.records.lock().map_or(0, |r| r.len() as u64)
    }
}

/// One change as the log stores it (JSON): enough to apply it again on the same graph.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Payload {
    /// The payload format.
    pub v: u32,
    /// When it was applied, in milliseconds since 1970 (UTC).
    pub at: i64,
    pub author: String,
    pub comment: Option<String>,
    #[serde(flatten)]
    pub body: Body,
}

/// What a change does.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Body {
    /// Records to add or replace, as a seed file.
    Apply { records: String },
    /// Ids to remove.
    Retract { ids: Vec<String> },
}

/// Why a log could not be replayed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("change log record {seq}: not a change: {cause}")]
    Unreadable { seq: u64, cause: String },
    #[error("change log record {seq} does not apply to the seed: {}", .problems.join("; "))]
    Refused { seq: u64, problems: Vec<String> },
}

/// How a writer paces its builds and folds its layers ([`Writer::with`]); the default is what
/// a server uses.
#[derive(Clone, Debug)]
pub struct WriterOptions {
    /// A build's CPU time times this is how long the next build waits after it (0: no wait).
    pub pace: u32,
    /// The longest a build waits for its predecessor's pace.
    pub max_pace: std::time::Duration,
    /// A fold starts once the last graph holds more than 1 in this many nodes beyond its last
    /// whole build (and at least 256); 0: no fold thread (the layers fold inline only).
    pub fold_share: usize,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions { pace: PACE, max_pace: MAX_PACE, fold_share: FOLD_SHARE }
    }
}

/// The writer of a server: applies changes to the graph it serves.
pub struct Writer {
    shared: Arc<Shared>,
}

/// What the writer, its committer thread and the tasks that wait for changes share.
struct Shared {
    served: ServedGraph,
    log: Arc<dyn Log>,
    /// Whether the committer thread syncs the log ([`Log::blocking`]).
    blocking: bool,
    state: Mutex<State>,
    /// Wakes the committer thread: a change appended or made durable, the draft rebuilt,
    /// the writer dropped.
    work: Condvar,
    /// Each change as it becomes visible, for change feeds.
    feed: tokio::sync::broadcast::Sender<ChangeEntry>,
    /// The visible changes, as `changes()` serves them: appended as they become visible,
    /// never copied (`entries[..visible]`, without their payloads).
    published: Arc<ChangeStore>,
    /// The last sequence number compacted into the seed, before the log's first record.
    compacted: u64,
    /// Bumped whenever changes become visible or are dropped: what writers wait on.
    tick: tokio::sync::watch::Sender<u64>,
}

/// What the writer's lock guards.
///
/// `entries[..visible]` are in the served graph; `entries[..durable]` are durable (the log
/// said so); every entry is in `draft`. The committer thread builds a graph from `draft`
/// (all the entries appended when it starts, off the lock, one build at a time) and swaps it
/// in once every entry it holds is durable: changes that arrive together are checked one by
/// one but synced, built and published together.
struct State {
    /// The records with every change appended to the log (perhaps not yet durable).
    draft: Draft,
    /// The snapshot `draft` makes.
    head: Snapshot,
    /// Every change appended, in seq order, with its payload.
    entries: Vec<(ChangeEntry, Arc<[u8]>)>,
    /// How many of `entries` are durable.
    durable: usize,
    /// How many of `entries` are visible (durable and swapped in).
    visible: usize,
    /// Graphs built and not yet swapped in, with how many entries each holds (ascending).
    pending: Vec<(usize, Arc<KnowledgeGraph>)>,
    /// Bumped when `draft` is rebuilt (a reload, a failed sync): builds started before are
    /// thrown away.
    generation: u64,
    /// The graph the next build extends (the last one built of this generation): its
    /// entities are `draft.entities[..its node count]` unless `whole`, but for `replaced`
    /// and `retracted`.
    base: Option<Arc<KnowledgeGraph>>,
    /// Whether the draft was rebuilt: then the next build is a whole one.
    whole: bool,
    /// How many nodes `base` holds beyond its last whole build (or fold): what its layers
    /// hold apart, which each extension pays for.
    grown: usize,
    /// Bumped whenever records already in the draft are rebuilt (the draft rebuilt): a fold
    /// started before no longer holds the draft's first records. (Records replaced or
    /// retracted in place are replaced or retracted again in the fold, see
    /// `replaced_since_fold`.)
    epoch: u64,
    /// Whether a fold runs on the fold thread.
    folding: bool,
    /// A fold's graph, ready to be the next build's base (extended with the records added
    /// since it started): the same graph as the base it was made from, its layers folded.
    folded: Option<Arc<KnowledgeGraph>>,
    /// How many folds became the base. For tests.
    folds: u64,
    /// The nodes replaced in place since the running or ready fold's base was made: the
    /// build that takes the fold replaces them again.
    replaced_since_fold: Vec<NodeId>,
    /// The same for the nodes retracted: the build that takes the fold retracts them again.
    retracted_since_fold: Vec<NodeId>,
    /// Graphs to free off the lock (a fold no longer of use): the committer frees them.
    discard: Vec<Arc<KnowledgeGraph>>,
    /// The fold thread's inbox (`None` if it could not start).
    fold: Option<std::sync::mpsc::Sender<Fold>>,
    /// When the next build may start: the builds' CPU time (a moving average) times
    /// [`PACE`] after the last one ended.
    next_build: std::time::Instant,
    /// The moving average of the builds' CPU time (a quarter of each new one's weight), so
    /// that one slow build (the first on a fresh graph takes its memory from the system)
    /// does not hold back the next ones.
    build_cost: std::time::Duration,
    /// The nodes whose records a change since the last build replaced (the next build
    /// replaces those of `base`'s, [`KnowledgeGraph::update`]).
    replaced: Vec<NodeId>,
    /// The nodes whose records a change since the last build retracted (the next build
    /// takes them out, [`KnowledgeGraph::retract`], after the additions and replacements).
    retracted: Vec<NodeId>,
    /// Why the log failed to sync, if it did: the writer then refuses every change (the
    /// log's state is unknown), and reads go on.
    broken: Option<String>,
    /// Why the committer stopped building graphs (a build panicked), if it did: changes
    /// durable and not yet visible then stay so until a restart replays them.
    stalled: Option<String>,
    /// Set when the writer is dropped: the committer finishes what was appended and ends.
    closing: bool,
    options: WriterOptions,
}

impl Writer {
    /// A writer for `served`, whose graph already holds the changes `history` (replayed
    /// from `log`, with their payloads).
    pub fn new(served: ServedGraph, log: Arc<dyn Log>, history: History) -> Self {
        Self::with(served, log, history, WriterOptions::default())
    }

    /// [`Writer::new`] with its builds paced and its layers folded as `options` say.
    pub fn with(served: ServedGraph, log: Arc<dyn Log>, history: History, options: WriterOptions) -> Self {
        let entries: Vec<(ChangeEntry, Arc<[u8]>)> = history.into_iter().map(|(e, p)| (e, Arc::from(p))).collect();
        let graph = served.load();
        let state = State {
            draft: draft(&graph),
            head: graph.snapshot().clone(),
            visible: entries.len(),
            durable: entries.len(),
            entries,
            pending: Vec::new(),
            generation: 0,
            base: Some(graph.clone()),
            whole: false,
            grown: 0,
            epoch: 0,
            folding: false,
            folded: None,
            folds: 0,
            replaced_since_fold: Vec::new(),
            retracted_since_fold: Vec::new(),
            discard: Vec::new(),
            fold: None,
            next_build: std::time::Instant::now(),
            build_cost: std::time::Duration::ZERO,
            replaced: Vec::new(),
            retracted: Vec::new(),
            broken: None,
            stalled: None,
            closing: false,
            options,
        };
        let published = Arc::new(ChangeStore::new());
        for (e, _) in &state.entries {
            published.push(e.clone());
        }
        let compacted = log.compacted();
        let shared = Arc::new(Shared {
            served,
            blocking: log.blocking(),
            log,
            state: Mutex::new(state),
            work: Condvar::new(),
            feed: tokio::sync::broadcast::channel(1024).0,
            published,
            compacted,
            tick: tokio::sync::watch::channel(0).0,
        });
        let (inbox, jobs) = std::sync::mpsc::channel();
        let folder = Arc::downgrade(&shared);
        let folds = shared.lock().is_ok_and(|st| st.options.fold_share > 0);
        let thread = folds.then(|| {
            std::thread::Builder::new().name("diplograph-fold".into()).spawn(move || background(folder, jobs))
        });
        match thread.transpose() {
            Ok(None) => {}
            Ok(Some(_)) => {
                if let Ok(mut st) = shared.lock() {
                    st.fold = Some(inbox);
                }
            }
            // Without it, the layers fold inline (see `rebuild.rs`) and graphs are freed here.
            Err(e) => tracing::warn!(%e, "the writer's fold thread could not start"),
        }
        let committer = shared.clone();
        if let Err(e) = std::thread::Builder::new().name("diplograph-commit".into()).spawn(move || commit(committer)) {
            // Without its committer the writer cannot publish: it refuses every change.
            tracing::error!(%e, "the writer's committer thread could not start");
            if let Ok(mut st) = shared.lock() {
                st.broken = Some(format!("CHANGE_LOG_IO: the writer's committer thread could not start: {e}"));
            }
        }
        Writer { shared }
    }

    /// Serves `seed` (a reloaded seed) with every visible change of the log replayed on it:
    /// the new snapshot's hash, or `None` when that is the graph already served. Changes
    /// still waiting for their sync are replayed too, onto the draft later graphs are built
    /// from, so that they publish a graph of the reloaded seed, and never before they are
    /// durable. A change that no longer applies leaves the served graph as it was.
    pub fn rebase(&self, seed: &KnowledgeGraph) -> Result<Option<String>, ReplayError> {
        let shared = &self.shared;
        let mut st = shared.lock().map_err(|e| ReplayError::Unreadable { seq: 0, cause: e.to_string() })?;
        let (graph, _) = replay(seed, payloads(&st.entries[..st.visible]))?;
        let graph = Arc::new(graph);
        let mut head = draft(&graph);
        let (snapshot, _) = replay_onto(&mut head, graph.snapshot().clone(), payloads(&st.entries[st.visible..]))?;
        let hash = graph.snapshot().hash.clone();
        let same = hash == shared.served.load().snapshot().hash;
        st.draft = head;
        st.head = snapshot;
        st.pending.clear();
        st.generation += 1;
        st.rewritten();
        // A whole build of the reloaded records is tried again, whatever stopped the last.
        st.stalled = None;
        if !same {
            shared.served.swap(graph);
        }
        shared.kick();
        Ok((!same).then_some(hash))
    }

    /// Makes change `seq` of a log that other servers write too (replicas sharing one log)
    /// visible here: the change, already durable in that log, is checked on the head records
    /// as a replayed one is, and a graph holding it is built and swapped in at once. A `seq`
    /// this writer already holds (its own write, coming back from the log) is skipped:
    /// `Ok(None)`. Refused, leaving everything as it was, when `seq` does not follow the last
    /// change held, when the change no longer applies, or while a write of this server waits
    /// for its sync or its graph (the caller orders its own writes and adoptions).
    pub fn adopt(&self, seq: u64, payload: &[u8]) -> Result<Option<ChangeEntry>, ReplayError> {
        let shared = &self.shared;
        let mut st = shared.lock().map_err(|e| ReplayError::Unreadable { seq, cause: e.to_string() })?;
        let last = st.entries.last().map_or(shared.compacted, |(e, _)| e.seq);
        if seq <= last {
            return Ok(None);
        }
        if seq != last + 1 || st.visible != st.entries.len() {
            let cause = match seq != last + 1 {
                true => format!("it does not follow change {last}, the last one applied"),
                false => "a write of this server is waiting for its sync".to_owned(),
            };
            return Err(ReplayError::Unreadable { seq, cause });
        }
        // A refused change leaves the draft as it was (see `apply_records` and `retract`).
        let head = st.head.clone();
        let (head, mut adopted) = replay_onto(&mut st.draft, head, [(seq, payload.to_vec())])?;
        let Some((entry, bytes)) = adopted.pop() else {
            return Ok(None);
        };
        let (entities, ids) = (st.draft.entities.clone(), st.draft.ids.clone());
        let graph = crate::timing::timed("adopt: graph built", || KnowledgeGraph::build(entities, ids, head.clone()));
        shared.served.swap(Arc::new(graph));
        st.head = head;
        st.entries.push((entry.clone(), Arc::from(bytes)));
        st.visible = st.entries.len();
        st.durable = st.entries.len();
        // Builds started before (none should run: nothing was waiting) hold fewer changes.
        st.pending.clear();
        st.generation += 1;
        st.rewritten();
        shared.published.push(entry.clone());
        // No receiver is not an error: nobody is listening.
        let _ = shared.feed.send(entry.clone());
        shared.tick.send_modify(|t| *t += 1);
        Ok(Some(entry))
    }

    /// How many background folds became the base of later builds. For tests.
    #[doc(hidden)]
    pub fn folds(&self) -> u64 {
        self.shared.lock().map_or(0, |st| st.folds)
    }

    /// Takes changes again after a log failure: for a log whose failures are passing (a
    /// database connection lost) and leave nothing half-written, unlike a failed `fsync`.
    pub fn resume(&self) {
        if let Ok(mut st) = self.shared.lock() {
            st.broken = None;
        }
    }

    /// Checks `body` on the head records, appends it to the log and makes it the head; then
    /// waits for the log to sync and for a graph holding it to be swapped in.
    async fn write(
        &self,
        payload: Payload,
        rendered: Option<render::Rendered>,
        ids_given: Vec<String>,
    ) -> Result<ChangeEntry, WriteError> {
        let shared = &self.shared;
        let (seq, entry) = {
            let mut st = shared.lock()?;
            if let Some(cause) = &st.broken {
                return Err(WriteError::Unavailable {
                    cause: "JOURNAL_FAILED".into(),
                    detail: format!("writes stopped after a change log failure: {cause}"),
                });
            }
            // No graph can be built any more (a build failed): a change appended now would be
            // durable but never visible until a restart, so none is taken.
            if let Some(cause) = &st.stalled {
                return Err(WriteError::Unavailable {
                    cause: "WRITER_STALLED".into(),
                    detail: format!("writes stopped until a restart: {cause}"),
                });
            }
            let bytes = serde_json::to_vec(&payload).map_err(|e| WriteError::Log(e.to_string()))?;
            let (ids, undo) = match &payload.body {
                Body::Apply { records } => {
                    let before = st.draft.entities.len();
                    let ids = apply_records(&mut st.draft, records)
                        .map_err(|p| WriteError::Invalid(problems(p, &rendered)))?;
                    // Records replaced: the next graph replaces them (or is built whole).
                    let replaced = ids.iter().filter_map(|id| st.draft.ids.get(id)).filter(|n| n.index() < before);
                    let replaced: Vec<NodeId> = replaced.copied().collect();
                    if !replaced.is_empty() {
                        st.replaced_in_place(replaced);
                    }
                    // Undone by a replay of the visible graph: only if the log refuses it.
                    (ids, None)
                }
                Body::Retract { ids } => {
                    let gone = retract(&mut st.draft, ids).map_err(WriteError::Invalid)?;
                    (ids_given, Some(gone))
                }
            };
            let seq = match shared.log.append(&bytes) {
                Ok(seq) => seq,
                Err(e) => {
                    // Nothing of the change stays: the draft as it was before it.
                    match undo {
                        Some(gone) => gone.into_iter().for_each(|n| st.draft.restore(n)),
                        None => shared.redraft(&mut st).map_err(|e| WriteError::Log(e.to_string()))?,
                    }
                    return Err(unavailable(e));
                }
            };
            // Records retracted: the next graph takes them out (in place, or built whole).
            if let Some(gone) = undo {
                st.retracted_in_place(gone);
            }
            st.head = next_snapshot(&st.head, &bytes);
            let entry = entry(seq, &payload, ids, st.head.hash.clone());
            st.entries.push((entry.clone(), Arc::from(bytes)));
            (seq, entry)
        };
        shared.kick();
        if shared.blocking {
            // The committer thread syncs, builds and publishes it (even if this request is
            // dropped meanwhile): only the wake-up of this request goes through the runtime.
            return visible(shared, seq).await.map(|()| entry);
        }
        // Waiting for the sync runs in a task of its own, so that a request dropped meanwhile
        // (a client gone, a timeout) never leaves a durable change unpublished or a failed one
        // in the writer's state.
        let settle = tokio::spawn(settle(shared.clone(), seq));
        match settle.await {
            Ok(Ok(())) => Ok(entry),
            Ok(Err(e)) => Err(e),
            Err(e) => Err(WriteError::Log(format!("the task publishing change {seq} failed: {e}"))),
        }
    }
}

impl Drop for Writer {
    /// Ends the committer thread once it has synced, built and published every change
    /// appended (it holds the shared state, so nothing appended is left behind).
    fn drop(&mut self) {
        if let Ok(mut st) = self.shared.lock() {
            st.closing = true;
        }
        self.shared.work.notify_one();
    }
}

impl Shared {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, State>, WriteError> {
        self.state.lock().map_err(|_| WriteError::Log("the writer's lock is poisoned".into()))
    }

    /// Wakes the committer thread: there may be a change to sync or a graph to build.
    fn kick(&self) {
        self.work.notify_one();
    }

    /// Swaps in the newest built graph whose entries are all durable, if there is one: the
    /// graph served before, for the caller to drop off the writer's lock.
    fn publish(&self, st: &mut State) -> Option<Arc<KnowledgeGraph>> {
        let at = st.pending.iter().rposition(|&(k, _)| k <= st.durable)?;
        let (k, graph) = st.pending.drain(..=at).next_back().expect("at least one");
        if k <= st.visible {
            return None;
        }
        let old = self.served.swap(graph);
        for (e, _) in &st.entries[st.visible..k] {
            self.published.push(e.clone());
            // No receiver is not an error: nobody is listening.
            let _ = self.feed.send(e.clone());
        }
        st.visible = k;
        self.tick.send_modify(|t| *t += 1);
        Some(old)
    }

    /// Rebuilds the draft from the served graph and the entries not yet visible (after the
    /// log refused or lost some of them); builds started before are thrown away.
    fn redraft(&self, st: &mut State) -> Result<(), ReplayError> {
        let graph = self.served.load();
        let mut draft = draft(&graph);
        let (head, _) = replay_onto(&mut draft, graph.snapshot().clone(), payloads(&st.entries[st.visible..]))?;
        st.draft = draft;
        st.head = head;
        st.pending.clear();
        st.generation += 1;
        st.rewritten();
        self.kick();
        Ok(())
    }

    /// After the log failed to sync `entries[at..]`: refuses them and every later change
    /// (the log's state is unknown), keeps the ones durable before them, and wakes their
    /// waiters.
    fn refuse(&self, st: &mut State, at: usize, cause: String) -> Result<(), ReplayError> {
        st.broken = Some(cause);
        let mut rebuilt = Ok(());
        if at < st.entries.len() {
            st.entries.truncate(at);
            rebuilt = self.redraft(st);
        }
        self.tick.send_modify(|t| *t += 1);
        rebuilt
    }
}

/// Drops a graph no longer served off the writer's lock and the async workers (freeing a
/// graph's indexes is a good part of a build's cost), unless a request still holds it (then
/// that request drops it).
fn retire(old: Arc<KnowledgeGraph>) {
    if Arc::strong_count(&old) > 1 {
        return;
    }
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => drop(runtime.spawn_blocking(move || drop(old))),
        Err(_) => drop(old),
    }
}

/// The committer: one OS thread per writer, so that a write's way to visibility never queues
/// behind the requests the async workers run. It waits for work; then, for every change
/// appended so far, syncs the log once (when the log syncs on this thread,
/// [`Log::blocking`]: group commit), builds one graph holding them (the previous graph
/// extended with the records added and replaced since, [`KnowledgeGraph::update`], then those
/// retracted since taken out, [`KnowledgeGraph::retract`], or a whole build when the draft
/// was rebuilt), swaps it in, and wakes the writers
/// waiting for them. A failed sync refuses its changes and every later one before anything of them is
/// built. For a log made durable by `synced` (awaited by each write's task), it builds at
/// most one graph ahead of the log and publishes it once the log says its changes are durable.
fn commit(shared: Arc<Shared>) {
    // The graph's builds run their parallel steps (`rayon`) on this thread alone: from a
    // thread outside a pool, each step would be handed to the global pool's threads and
    // waited for, and while the async workers are busy every such hand-off waits for one of
    // those threads to be scheduled (most of a write's time under read load, measured).
    if let Err(e) = rayon::ThreadPoolBuilder::new().num_threads(1).use_current_thread().build() {
        tracing::warn!(%e, "the committer's builds use the global thread pool");
    }
    let Ok(mut st) = shared.state.lock() else { return };
    loop {
        if !st.discard.is_empty() {
            // Freed off the lock.
            let discard = std::mem::take(&mut st.discard);
            drop(st);
            drop(discard);
            st = match shared.state.lock() {
                Ok(st) => st,
                Err(_) => return,
            };
            continue;
        }
        let k = st.entries.len();
        let built = st.pending.last().map_or(st.visible, |&(k, _)| k);
        let sync = shared.blocking && st.broken.is_none() && st.durable < k;
        let due = st.stalled.is_none() && built < k && (sync || built <= st.durable);
        // Paced: a build waits until its predecessor's time times `PACE` has passed (the sync
        // does not wait), so that under a stream of writes the builds take at most a share of
        // a core and each holds every change that arrived meanwhile.
        let now = std::time::Instant::now();
        let paced = (due && !st.closing).then(|| st.next_build.checked_duration_since(now)).flatten();
        let build = due && paced.is_none();
        if !sync && !build {
            if st.closing && !due {
                return;
            }
            let woken = match paced {
                Some(wait) => shared.work.wait_timeout(st, wait).map(|(st, _)| st).ok(),
                None => shared.work.wait(st).ok(),
            };
            let Some(woken) = woken else { return };
            st = woken;
            continue;
        }
        let built_before = built;
        let job = build.then(|| {
            // A fold ready is the base from now on: the same records, its layers folded.
            if let Some(folded) = st.folded.take() {
                st.base = Some(folded);
                st.grown = 0;
                st.folds += 1;
                let again = std::mem::take(&mut st.replaced_since_fold);
                st.replaced.extend(again);
                let again = std::mem::take(&mut st.retracted_since_fold);
                st.retracted.extend(again);
            }
            let job = match st.base.clone() {
                Some(base) if !st.whole && base.node_count() <= st.draft.entities.len() => {
                    let mut replaced: Vec<NodeId> =
                        st.replaced.drain(..).filter(|n| n.index() < base.node_count()).collect();
                    replaced.sort_unstable();
                    replaced.dedup();
                    let replaced = replaced.into_iter().map(|n| (n, st.draft.entities[n.index()].clone())).collect();
                    let mut retracted = std::mem::take(&mut st.retracted);
                    retracted.sort_unstable();
                    retracted.dedup();
                    Job::Extend(base.clone(), replaced, st.draft.entities[base.node_count()..].to_vec(), retracted)
                }
                _ => Job::Whole(st.draft.entities.clone(), st.draft.ids.clone()),
            };
            let grown = match &job {
                Job::Extend(_, replaced, added, retracted) => st.grown + replaced.len() + added.len() + retracted.len(),
                Job::Whole(..) => 0,
            };
            st.whole = false;
            st.replaced.clear();
            st.retracted.clear();
            (st.generation, job, st.head.clone(), (grown, st.epoch))
        });
        drop(st);
        let synced = sync.then(|| shared.log.sync());
        let graph = match (&synced, job) {
            (Some(Err(_)), _) | (_, None) => None,
            (_, Some((generation, job, snapshot, grown))) => {
                let (started, cpu) = (std::time::Instant::now(), crate::timing::thread_cpu_time());
                let (extend, records) = match &job {
                    Job::Extend(_, replaced, added, retracted) => {
                        (true, replaced.len() + added.len() + retracted.len())
                    }
                    Job::Whole(entities, _) => (false, entities.len()),
                };
                let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match job {
                    // Retractions last: what a record added or replaced since referred to is
                    // still there when it is added (the record retracted meanwhile, or what a
                    // replacement stopped referring to).
                    Job::Extend(base, replaced, added, retracted) => match retracted.is_empty() {
                        true => base.update(replaced, added, snapshot),
                        false => base.update(replaced, added, snapshot.clone()).retract(&retracted, snapshot),
                    },
                    Job::Whole(entities, ids) => KnowledgeGraph::build(entities, ids, snapshot),
                }));
                let took = crate::timing::thread_cpu_time().saturating_sub(cpu);
                tracing::debug!(
                    extend,
                    records,
                    grown = grown.0,
                    changes = k - built_before,
                    wall_us = started.elapsed().as_micros() as u64,
                    cpu_us = took.as_micros() as u64,
                    "write: graph built"
                );
                Some((generation, built, grown, took))
            }
        };
        st = match shared.state.lock() {
            Ok(st) => st,
            Err(_) => return,
        };
        // What the log holds durable decides, not `k`: a sync makes durable whatever was
        // appended before it started (perhaps after `k` was read), and a failed one cuts the
        // log back to its last durable record, which the changes up to it keep.
        let upto = synced.as_ref().map(|_| shared.log.durable_seq());
        let durable = upto.map_or(st.durable, |upto| st.entries.partition_point(|(e, _)| e.seq <= upto));
        match synced {
            Some(Err(e)) => {
                // Not acknowledged, never made visible: neither these changes nor any after
                // them (the log's state is unknown; its replay says what it holds).
                let at = st.durable.max(durable);
                st.durable = at;
                if let Err(e) = shared.refuse(&mut st, at, e.to_string()) {
                    tracing::error!(%e, "the changes durable before a failed sync no longer apply");
                    st.stalled = Some(e.to_string());
                }
                continue;
            }
            Some(Ok(())) => st.durable = st.durable.max(durable),
            None => {}
        }
        if let Some((_, _, _, took)) = &graph {
            st.build_cost = (st.build_cost * 3 + *took) / 4;
            st.next_build = std::time::Instant::now() + (st.build_cost * st.options.pace).min(st.options.max_pace);
        }
        match graph {
            Some((generation, Ok(graph), (grown, epoch), _)) if st.generation == generation => {
                let graph = Arc::new(graph);
                st.base = Some(graph.clone());
                // An update may have built whole after all (a replacement an index reads).
                // (Retractions alone leave link lists apart, and search's entries out of
                // its hits: folded too.)
                let layered = graph.nodes_added()
                    + graph.nodes_relinked()
                    + graph.search_added_nodes()
                    + graph.dates_added_events()
                    > 0;
                st.grown = if layered { grown } else { 0 };
                st.pending.push((k, graph.clone()));
                // Folded only if it still holds the draft's first records.
                if epoch == st.epoch {
                    st.fold_if_grown(graph);
                }
            }
            Some((_, Err(panic), _, _)) => {
                let cause = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!(%cause, "the graph build of a change failed");
                st.stalled = Some(format!("the graph build of a change failed: {cause}"));
                shared.tick.send_modify(|t| *t += 1);
            }
            _ => {}
        }
        if let Some(old) = shared.publish(&mut st) {
            // Freed here, off the lock, after the writers are woken (freeing a graph's indexes
            // takes a while; under a stream of writes the pace leaves the time), unless a
            // request still holds it (then that request frees it). Not on the fold thread:
            // queued behind a fold, the freed memory would not be reused, and each build would
            // take fresh pages from the system (measured: several times slower builds).
            drop(st);
            drop(old);
            st = match shared.state.lock() {
                Ok(st) => st,
                Err(_) => return,
            };
        }
    }
}

/// The builds' CPU time (a moving average) times this is how long the committer waits after
/// a build before the next one (the sync does not wait): under a stream of writes builds take at most a fifth of a
/// core (up to [`MAX_PACE`]), however busy the cores are, and a change that arrives meanwhile
/// joins the next one. At the seed's size a build takes well under a millisecond, so this is
/// felt only under a stream of writes to a large graph, where an extension's cost is mostly
/// linear copies that do not grow with the changes it holds.
const PACE: u32 = 4;

/// The longest a build waits for its predecessor's pace: what pacing may add to a write's
/// time to visibility (after a whole build of a large graph, the next write waits at most
/// this).
const MAX_PACE: std::time::Duration = std::time::Duration::from_millis(50);

/// A fold starts once the base holds more than 1 in this many nodes beyond its last whole
/// build (and at least [`FOLD_AT_LEAST`]): before the search index's own inline fold (1 in
/// 32, about a second at 100k events) and the counts' (1 in 16); the links' (1 in 128, a
/// copy of the petgraph) comes first (see `rebuild.rs`). A fold is a whole build (about 2 s
/// of one core at 100k events), so this also bounds what folds cost a stream of writes.
const FOLD_SHARE: usize = 64;

/// The fewest added nodes a fold is started for.
const FOLD_AT_LEAST: usize = 256;

impl State {
    /// Records already in the draft changed (or the draft was rebuilt): the next graph is
    /// built whole, and a fold running or ready holds other records.
    fn rewritten(&mut self) {
        self.whole = true;
        self.epoch += 1;
        self.discard.extend(self.folded.take());
        self.replaced_since_fold.clear();
        self.retracted_since_fold.clear();
        // Built whole from the draft, which has them retracted.
        self.retracted.clear();
    }

    /// `nodes`, records the draft already holds, were replaced: the next build replaces them
    /// in place ([`KnowledgeGraph::update`]), and so does the build that takes a fold running
    /// or ready (which holds their old records).
    fn replaced_in_place(&mut self, nodes: Vec<NodeId>) {
        if self.folding || self.folded.is_some() {
            self.replaced_since_fold.extend_from_slice(&nodes);
        }
        self.replaced.extend(nodes);
    }

    /// `nodes`, records the draft held, were retracted: the next build takes them out
    /// ([`KnowledgeGraph::retract`]), and so does the build that takes a fold running or ready
    /// (which holds them).
    fn retracted_in_place(&mut self, nodes: Vec<NodeId>) {
        if self.folding || self.folded.is_some() {
            self.retracted_since_fold.extend_from_slice(&nodes);
        }
        self.retracted.extend(nodes);
    }

    /// Starts a fold of `base` (the graph just built, now the base) on the fold thread if its
    /// layers have grown past [`FOLD_SHARE`] and no fold is running or waiting.
    fn fold_if_grown(&mut self, base: Arc<KnowledgeGraph>) {
        let Some(inbox) = &self.fold else { return };
        let share = self.options.fold_share.max(1);
        if self.folding || self.folded.is_some() || self.grown <= FOLD_AT_LEAST.max(base.node_count() / share) {
            return;
        }
        if inbox.send((base, self.epoch)).is_ok() {
            self.folding = true;
            // Replaced or retracted after the base's job was made: not in the fold's records
            // either.
            self.replaced_since_fold = self.replaced.clone();
            self.retracted_since_fold = self.retracted.clone();
        }
    }
}

/// A fold's work: build this graph's records whole (its layers folded), for the draft at
/// this epoch.
type Fold = (Arc<KnowledgeGraph>, u64);

/// The fold thread: one per writer, at a low scheduling priority, so that folding the
/// extensions' layers into a whole graph again gives way to the requests. A fold builds the base
/// it is given whole, from the same records (`KnowledgeGraph::build`), and hands it back as
/// `folded`: the committer's next build extends it with the records added meanwhile, so the
/// layers an extension pays for stay small, and no write waits for a fold. Ends with the
/// writer (its inbox closes).
fn background(shared: std::sync::Weak<Shared>, inbox: std::sync::mpsc::Receiver<Fold>) {
    lower_priority();
    if let Err(e) = rayon::ThreadPoolBuilder::new().num_threads(1).use_current_thread().build() {
        tracing::warn!(%e, "the fold thread's builds use the global thread pool");
    }
    while let Ok((base, epoch)) = inbox.recv() {
        let (started, cpu) = (std::time::Instant::now(), crate::timing::thread_cpu_time());
        let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let (entities, ids) = draft(&base).into_parts();
            KnowledgeGraph::build(entities, ids, base.snapshot().clone())
        }));
        tracing::debug!(
            nodes = base.node_count(),
            wall_ms = started.elapsed().as_millis() as u64,
            cpu_ms = crate::timing::thread_cpu_time().saturating_sub(cpu).as_millis() as u64,
            "write: layers folded"
        );
        drop(base);
        let Some(shared) = shared.upgrade() else { return };
        let Ok(mut st) = shared.state.lock() else { return };
        let stale = st.folded(epoch, built.ok());
        // A fold no longer of use is freed off the lock.
        drop(st);
        drop(stale);
    }
}

impl State {
    /// A fold started at `epoch` ended with `graph` (`None`: its build panicked): ready to be
    /// the next build's base if the draft's first records are still the ones it holds.
    /// Returns the graph if it is of no use.
    fn folded(&mut self, epoch: u64, graph: Option<KnowledgeGraph>) -> Option<KnowledgeGraph> {
        self.folding = false;
        match graph {
            Some(graph) if self.epoch == epoch => {
                self.folded = Some(Arc::new(graph));
                None
            }
            Some(graph) => {
                self.replaced_since_fold.clear();
                self.retracted_since_fold.clear();
                Some(graph)
            }
            None => {
                // The same build as a whole one: the committer's next whole build would fail
                // too. Nothing is lost: the layers fold inline.
                tracing::error!("a fold of the writer's graph failed; the layers fold inline from now on");
                self.fold = None;
                self.replaced_since_fold.clear();
                self.retracted_since_fold.clear();
                None
            }
        }
    }
}

/// Lowers the calling thread's scheduling priority (Linux: its nice value to 10), so that
/// the background work on it yields to requests when the cores are busy.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: plain system calls on the calling thread, with no pointer passed.
        let r = unsafe { libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 10) };
        if r != 0 {
            tracing::debug!(error = %std::io::Error::last_os_error(), "the fold thread keeps its priority");
        }
    }
}

/// What the committer builds a graph from.
enum Job {
    /// The previous graph, the records replaced since (by node), those added, and the nodes
    /// retracted.
    Extend(Arc<KnowledgeGraph>, Vec<(NodeId, crate::model::Entity)>, Vec<crate::model::Entity>, Vec<NodeId>),
    /// Every record, and their ids.
    Whole(Vec<crate::model::Entity>, rustc_hash::FxHashMap<String, NodeId>),
}

/// For a log made durable by `synced`: waits for change `seq` to be durable, then for a graph
/// holding it to be swapped in; if the log fails, the change is never made visible and the
/// writer refuses later changes, while the changes durable before it are still published.
async fn settle(shared: Arc<Shared>, seq: u64) -> Result<(), WriteError> {
    let synced = shared.log.synced(seq).await;
    let old = {
        let mut st = shared.lock()?;
        let at = st.entries.partition_point(|(e, _)| e.seq < seq);
        let here = st.entries.get(at).is_some_and(|(e, _)| e.seq == seq);
        match synced {
            Err(e) => {
                let at = if here && at >= st.durable { at } else { st.entries.len() };
                shared.refuse(&mut st, at, e.to_string()).map_err(|e| WriteError::Log(e.to_string()))?;
                return Err(unavailable(e));
            }
            Ok(()) if here => {
                st.durable = st.durable.max(at + 1);
                shared.kick();
                shared.publish(&mut st)
            }
            Ok(()) => None,
        }
    };
    if let Some(old) = old {
        retire(old);
    }
    visible(&shared, seq).await
}

/// Waits until change `seq` is visible: `Ok`, or an error once it was refused (the log
/// failed to sync it) or no graph can be built for it.
async fn visible(shared: &Shared, seq: u64) -> Result<(), WriteError> {
    let mut tick = shared.tick.subscribe();
    loop {
        {
            let st = shared.lock()?;
            let at = st.entries.partition_point(|(e, _)| e.seq < seq);
            match st.entries.get(at) {
                Some((e, _)) if e.seq == seq && at < st.visible => return Ok(()),
                Some((e, _)) if e.seq == seq => {
                    if let Some(cause) = &st.stalled {
                        return Err(WriteError::Log(format!(
                            "change {seq} is durable but could not be made visible ({cause}): a restart replays it"
                        )));
                    }
                }
                _ => {
                    let cause = st.broken.clone().unwrap_or_default();
                    let code = match cause.split_once(": ") {
                        Some((code, _)) if code.starts_with("JOURNAL_") => code.to_owned(),
                        _ => "JOURNAL_FAILED".to_owned(),
                    };
                    return Err(WriteError::Unavailable {
                        cause: code,
                        detail: format!("change {seq} was refused after a change log failure: {cause}"),
                    });
                }
            }
        }
        if tick.changed().await.is_err() {
            return Err(WriteError::Log("the writer is gone".into()));
        }
    }
}

/// The `(seq, payload)` of `entries`.
fn payloads(entries: &[(ChangeEntry, Arc<[u8]>)]) -> Vec<(u64, Vec<u8>)> {
    entries.iter().map(|(e, p)| (e.seq, p.to_vec())).collect()
}

#[async_trait::async_trait]
impl Writes for Writer {
    async fn apply(&self, author: &str, change: ChangeInput) -> Result<ChangeEntry, WriteError> {
        if change.len() > MAX_RECORDS {
            return Err(WriteError::TooLarge { max: MAX_RECORDS, got: change.len() });
        }
        if change.is_empty() {
            let problem = Problem { id: None, field: None, message: "the change holds no record".into() };
            return Err(WriteError::Invalid(vec![problem]));
        }
        let rendered = render::render(&change);
        let payload = Payload {
            v: 1,
            at: Utc::now().timestamp_millis(),
            author: author.to_owned(),
            comment: change.comment,
            body: Body::Apply { records: rendered.text.clone() },
        };
        self.write(payload, Some(rendered), Vec::new()).await
    }

    async fn retract(&self, author: &str, ids: Vec<String>, reason: String) -> Result<ChangeEntry, WriteError> {
        if ids.len() > MAX_RECORDS {
            return Err(WriteError::TooLarge { max: MAX_RECORDS, got: ids.len() });
        }
        let payload = Payload {
            v: 1,
            at: Utc::now().timestamp_millis(),
            author: author.to_owned(),
            comment: Some(reason),
            body: Body::Retract { ids: ids.clone() },
        };
        self.write(payload, None, ids).await
    }

    fn changes(&self) -> ChangeList {
        ChangeList::new(self.shared.published.clone(), self.shared.compacted)
    }

    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<ChangeEntry> {
        self.shared.feed.subscribe()
    }
}

/// Applied changes with their payloads, in seq order.
pub type History = Vec<(ChangeEntry, Vec<u8>)>;

/// The graph with the log's changes (`(seq, payload)` in order) applied, and their entries:
/// each change checked on the records before it, one graph built at the end.
pub fn replay(
    seed: &KnowledgeGraph,
    log: impl IntoIterator<Item = (u64, Vec<u8>)>,
) -> Result<(KnowledgeGraph, History), ReplayError> {
    let mut records = draft(seed);
    let (snapshot, entries) = replay_onto(&mut records, seed.snapshot().clone(), log)?;
    let (entities, ids) = records.into_parts();
    let graph = crate::timing::timed("replay: graph built", || KnowledgeGraph::build(entities, ids, snapshot));
    Ok((graph, entries))
}

/// Applies the log's changes to `records`, whose snapshot is `snapshot`: the snapshot after
/// them, and their entries.
fn replay_onto(
    records: &mut Draft,
    mut snapshot: Snapshot,
    log: impl IntoIterator<Item = (u64, Vec<u8>)>,
) -> Result<(Snapshot, History), ReplayError> {
    let mut entries = Vec::new();
    for (seq, bytes) in log {
        let payload: Payload =
            serde_json::from_slice(&bytes).map_err(|e| ReplayError::Unreadable { seq, cause: e.to_string() })?;
        let refused = |problems: Vec<Problem>| ReplayError::Refused {
            seq,
            problems: problems.into_iter().map(|p| format!("{}: {}", p.id.unwrap_or_default(), p.message)).collect(),
        };
        let ids = match &payload.body {
            Body::Apply { records: text } => apply_records(records, text).map_err(|p| refused(problems(p, &None)))?,
            Body::Retract { ids } => {
                retract(records, ids).map_err(refused)?;
                ids.clone()
            }
        };
        snapshot = next_snapshot(&snapshot, &bytes);
        entries.push((entry(seq, &payload, ids, snapshot.hash.clone()), bytes));
    }
    Ok((snapshot, entries))
}

/// The log entry of an applied change.
fn entry(seq: u64, p: &Payload, ids: Vec<String>, snapshot: String) -> ChangeEntry {
    let kind = match p.body {
        Body::Apply { .. } => ChangeKind::Apply,
        Body::Retract { .. } => ChangeKind::Retract,
    };
    ChangeEntry {
        seq,
        at: DateTime::from_timestamp_millis(p.at).unwrap_or_default(),
        author: p.author.clone(),
        kind,
        comment: p.comment.clone(),
        ids,
        snapshot,
    }
}

/// The snapshot after a change whose payload is `bytes`: its hash chains the previous one.
fn next_snapshot(previous: &Snapshot, bytes: &[u8]) -> Snapshot {
    let mut h = rustc_hash::FxHasher::default();
    h.write(previous.hash.as_bytes());
    h.write_u8(0);
    h.write(bytes);
    Snapshot { hash: format!("{:016x}", h.finish()), loaded_at: Utc::now(), source: previous.source.clone() }
}

/// Every record of `g` in `NodeId` order (retracted ones kept), and each id's `NodeId`.
fn draft(g: &KnowledgeGraph) -> Draft {
    let (entities, ids) = g.records();
    Draft::new(entities, ids)
}

/// The API's problems for the seed's, named by record and field where `rendered` knows them.
fn problems(found: Vec<ChangeProblem>, rendered: &Option<render::Rendered>) -> Vec<Problem> {
    found
        .into_iter()
        .map(|p| {
            let (id, field) = match (&p.at, rendered) {
                (ProblemAt::Entity(id), _) => (Some(id.clone()), None),
                (ProblemAt::Text(offset), Some(r)) => r.locate(*offset),
                (ProblemAt::Text(_), None) => (None, None),
            };
            let field = if p.message.contains("has no `sources`") {
                let base = field.map(|f| {
                    if f.ends_with(']') {
                        f
                    } else {
                        f.rsplit_once('.').map_or(String::new(), |(b, _)| b.to_owned())
                    }
                });
                Some(base.filter(|b| !b.is_empty()).map_or("sources".to_owned(), |b| format!("{b}.sources")))
            } else {
                field
            };
            Problem { id, field, message: p.message }
        })
        .collect()
}

/// Retracts the records `ids` from `draft` (each keeps its node, its id no longer found, see
/// [`Draft`], so that no other node is numbered again and the graph can take them out in
/// place); refused (every referrer listed) while a record that stays refers to one of them,
/// or when an id is unknown, and then `draft` is left as it was. Returns the nodes retracted.
fn retract(draft: &mut Draft, ids: &[String]) -> Result<Vec<NodeId>, Vec<Problem>> {
    let (entities, by_id) = (&draft.entities, &draft.ids);
    let mut removed = vec![false; entities.len()];
    let mut gone = Vec::with_capacity(ids.len());
    let mut problems = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        match by_id.get(id) {
            Some(n) if !removed[n.index()] => {
                removed[n.index()] = true;
                gone.push(*n);
            }
            Some(_) => problems.push(Problem {
                id: Some(id.clone()),
                field: Some(format!("ids[{i}]")),
                message: format!("`{id}` is given twice"),
            }),
            None => problems.push(Problem {
                id: Some(id.clone()),
                field: Some(format!("ids[{i}]")),
                message: format!("no record has the id `{id}`"),
            }),
        }
    }
    if ids.is_empty() {
        problems.push(Problem { id: None, field: Some("ids".into()), message: "no id to retract".into() });
    }
    let stays = |i: usize| !removed[i] && !draft.is_retracted(NodeId(i as u32));
    for (_, e) in entities.iter().enumerate().filter(|&(i, _)| stays(i)) {
        let mut targets = Vec::new();
        refs::each_ref(e, &mut |n| {
            if removed[n.index()] && !targets.contains(n) {
                targets.push(*n);
            }
        });
        for t in targets {
            let (referrer, target) = (e.id(), entities[t.index()].id());
            problems.push(Problem {
                id: Some(referrer.to_owned()),
                field: None,
                message: format!("`{referrer}` refers to `{target}`: retract it too, or change it first"),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    for &n in &gone {
        draft.retract(n);
    }
    Ok(gone)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer of the bundled seed on a memory log, and its graph.
    fn writer() -> (Writer, Arc<KnowledgeGraph>) {
        let graph = Arc::new(crate::seed::load(std::path::Path::new("seed")).expect("the bundled seed"));
        let served = ServedGraph::new(graph.clone());
        (Writer::new(served, Arc::new(MemoryLog::new()), Vec::new()), graph)
    }

    fn whole(g: &KnowledgeGraph) -> KnowledgeGraph {
        let (entities, ids) = draft(g).into_parts();
        KnowledgeGraph::build(entities, ids, g.snapshot().clone())
    }

    #[test]
    fn a_fold_started_before_records_were_replaced_never_becomes_the_base() {
        let (w, graph) = writer();
        let mut st = w.shared.lock().expect("lock");
        let epoch = st.epoch;
        st.folding = true;
        // The draft rebuilt (a reload, a failed sync) while the fold runs.
        st.rewritten();
        st.folded(epoch, Some(whole(&graph)));
        assert!(st.folded.is_none() && !st.folding);
        // A fold of the records as they are now is taken.
        let epoch = st.epoch;
        st.folded(epoch, Some(whole(&graph)));
        assert!(st.folded.is_some());
        // A fold ready, then records replaced in place (after the whole build was taken): it
        // stays, and the build that takes it replaces them again; no whole build.
        st.whole = false;
        st.replaced_in_place(vec![NodeId(0)]);
        assert!(st.folded.is_some() && !st.whole);
        assert_eq!(st.replaced_since_fold, vec![NodeId(0)]);
        // Then the draft rebuilt: the fold is dropped (freed off the lock), and the next build
        // is a whole one.
        st.rewritten();
        assert!(st.folded.is_none() && st.whole && st.replaced_since_fold.is_empty());
        assert_eq!(st.discard.len(), 1);
    }
}
