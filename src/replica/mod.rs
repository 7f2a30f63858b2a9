//! Replicas on one change log: `serve --journal postgres://...` keeps the change log in a
//! PostgreSQL table instead of the local file, and any number of servers on the same seed
//! serve it, each applying every change in sequence order.
//!
//! # Writing
//!
//! A write runs in one PostgreSQL transaction that holds the writers' advisory lock
//! (`pg_advisory_xact_lock`), so writers on every replica take turns: inside it, the
//! replica first applies every record it has not applied yet (written by the others), then
//! checks the change on that graph (the writer's own check), inserts it with the next
//! sequence number, announces it (`pg_notify`) and commits. Only then is it swapped in and
//! answered. A change that no longer applies after the others' is refused and nothing is
//! written. The table's records carry the file journal's checksum (`journal::record_crc`).
//!
//! # Following
//!
//! Each replica listens on the log's channel (`LISTEN`) on a connection of its own and,
//! when notified, every [`POLL`] and after every (re)connection, reads the records past the
//! last it applied and applies them in order ([`Writer::adopt`]), so a lost notification
//! delays a change and never loses it. A lost connection is retried with a backoff from
//! [`BACKOFF_MIN`] to [`BACKOFF_MAX`]; meanwhile reads go on, and writes fail with
//! `WRITE_FAILED` (`cause` `JOURNAL_UNREACHABLE`).
//!
//! Architecture Invariant: changes are applied one at a time and in sequence order: a write
//! and a catch-up each hold the replica's apply lock, and a write checks its change on the
//! graph holding every record before it. A change this replica wrote is applied once (the
//! writer skips a sequence number it holds).
//!
//! Architecture Invariant: a replica serves only the seed its log was written against (the
//! seed's snapshot hash is stored with the log; another seed is refused with both named),
//! and a record that fails its checksum is never applied: at start the server does not
//! start, later the replica stops applying, names the record, and reports itself behind.
//!
//! Architecture Invariant: a write whose answer was a success is committed in PostgreSQL.
//! One whose commit's outcome was lost with the connection is answered `WRITE_FAILED`, and
//! if PostgreSQL did commit it, every replica applies it from the log like any other.

mod follow;
mod pg;
mod status;
#[cfg(test)]
mod tests;

pub use follow::{BACKOFF_MAX, BACKOFF_MIN, POLL};
pub use pg::Target;
pub use status::{Health, Status};

use crate::api::inputs::ChangeInput;
use crate::api::{ChangeEntry, WriteError, Writes};
use crate::graph::{KnowledgeGraph, ServedGraph};
use crate::write::{replay, History, Log, ReplayError, Writer};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio_postgres::Client;

/// Why a replica could not start, or stopped applying changes.
#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    /// `--journal` is not a PostgreSQL URL tokio-postgres reads.
    #[error("the change log URL cannot be read: {cause} (expected postgres://USER@HOST:PORT/DATABASE)")]
    Url {
        /// What is wrong with it.
        cause: String,
    },
    /// No connection could be made.
    #[error("cannot reach the change log at PostgreSQL {target}: {cause}")]
    Unreachable {
        /// Host, port and database.
        target: String,
        /// The connection's error.
        cause: String,
    },
    /// The database refused a statement (permissions, a table of another shape).
    #[error("the change log at PostgreSQL {target} refused a statement: {cause}")]
    Database {
        /// Host, port and database.
        target: String,
        /// PostgreSQL's error.
        cause: String,
    },
    /// The log was written against another seed.
    #[error("the change log at PostgreSQL {target} was written against the seed with snapshot `{log_seed}`; this server loaded the seed with snapshot `{this_seed}`: serve the same seed, or give this seed a log of its own")]
    OtherSeed {
        /// Host, port and database.
        target: String,
        /// The seed snapshot the log stores.
        log_seed: String,
        /// The snapshot of the seed this server loaded.
        this_seed: String,
    },
    /// The tables were written by a newer build.
    #[error("the change log at PostgreSQL {target} has format {found}; this build reads format {supported}")]
    NewerFormat {
        /// Host, port and database.
        target: String,
        /// The format the log stores.
        found: i32,
        /// The format this build writes.
        supported: i32,
    },
    /// A record's checksum does not match its bytes: it is not applied.
    #[error(
        "change log record {seq} fails its checksum (stored {stored:08x}, computed {computed:08x}): it is not applied"
    )]
    Checksum {
        /// The record's sequence number.
        seq: u64,
        /// The checksum stored with it.
        stored: u32,
        /// The checksum of the bytes read.
        computed: u32,
    },
    /// A record does not apply to the graph of the records before it.
    #[error(transparent)]
    Replay(#[from] ReplayError),
}

impl ReplicaError {
    /// The machine-readable code of this error (the `cause` of a refused write).
    pub fn code(&self) -> &'static str {
        match self {
            ReplicaError::Url { .. } => "JOURNAL_URL",
            ReplicaError::Unreachable { .. } => "JOURNAL_UNREACHABLE",
            ReplicaError::Database { .. } => "JOURNAL_DATABASE",
            ReplicaError::OtherSeed { .. } => "JOURNAL_OTHER_SEED",
            ReplicaError::NewerFormat { .. } => "JOURNAL_NEWER_VERSION",
            ReplicaError::Checksum { .. } | ReplicaError::Replay(_) => "JOURNAL_CORRUPT",
        }
    }
}

/// A log opened at start: its connection, and the seed's graph with every record replayed.
pub struct Opened {
    target: Target,
    client: Client,
    /// The seed with every change of the log applied.
    pub graph: Arc<KnowledgeGraph>,
    history: History,
}

impl Opened {
    /// How many changes were replayed.
    pub fn replayed(&self) -> usize {
        self.history.len()
    }
}

/// Connects to the log at `url`, creates its tables when missing, refuses a log written
/// against another seed than `seed`, and replays every record on `seed` (each checked
/// against its checksum first).
pub async fn open(url: &str, seed: Arc<KnowledgeGraph>) -> Result<Opened, ReplicaError> {
    let target = Target::parse(url)?;
    let client =
        target.connect().await.map_err(|cause| ReplicaError::Unreachable { target: target.to_string(), cause })?;
    let database = |e: tokio_postgres::Error| match pg::cause(&e) {
        "JOURNAL_UNREACHABLE" => ReplicaError::Unreachable { target: target.to_string(), cause: error_text(&e) },
        _ => ReplicaError::Database { target: target.to_string(), cause: error_text(&e) },
    };
    let this_seed = seed.snapshot().hash.clone();
    let (log_seed, format) = pg::prepare(&client, &this_seed).await.map_err(database)?;
    if format > pg::FORMAT {
        return Err(ReplicaError::NewerFormat { target: target.to_string(), found: format, supported: pg::FORMAT });
    }
    if log_seed != this_seed {
        return Err(ReplicaError::OtherSeed { target: target.to_string(), log_seed, this_seed });
    }
    let records = pg::all_after(&client, 0).await.map_err(database)?;
    let records = records.into_iter().map(pg::Row::checked).collect::<Result<Vec<_>, _>>()?;
    let (graph, history) = match records.is_empty() {
        true => (seed, Vec::new()),
        false => {
            let (graph, history) = replay(&seed, records)?;
            (Arc::new(graph), history)
        }
    };
    Ok(Opened { target, client, graph, history })
}

/// A PostgreSQL error with its cause (tokio-postgres's own text says only "db error").
fn error_text(e: &tokio_postgres::Error) -> String {
    match (e.as_db_error(), std::error::Error::source(e)) {
        (Some(db), _) => db.to_string(),
        (None, Some(source)) => format!("{e}: {source}"),
        (None, None) => e.to_string(),
    }
}

/// A server serving a log that other servers write too: the write service, and the task
/// that applies the others' changes ([`Replica::follow`]). Cheap to clone.
#[derive(Clone)]
pub struct Replica(Arc<Inner>);

struct Inner {
    target: Target,
    writer: Writer,
    log: Arc<PgLog>,
    /// Held by a write for its whole transaction and by each catch-up, so that changes are
    /// applied one at a time in sequence order; holds the connection writes use (`None`
    /// once it is lost: the next write connects again).
    apply: tokio::sync::Mutex<Option<Arc<Client>>>,
    status: Mutex<Status>,
}

impl Replica {
    /// The replica serving `opened` in `served` (which serves `opened.graph`); changes are
    /// reported late on `/health` after `max_lag`.
    pub fn new(opened: Opened, served: ServedGraph, max_lag: Duration) -> Replica {
        let log = Arc::new(PgLog::default());
        let applied = opened.history.last().map_or(0, |(e, _)| e.seq);
        let writer = Writer::new(served, log.clone(), opened.history);
        Replica(Arc::new(Inner {
            target: opened.target,
            writer,
            log,
            apply: tokio::sync::Mutex::new(Some(Arc::new(opened.client))),
            status: Mutex::new(Status::new(applied, max_lag)),
        }))
    }

    /// What `/health` reports: the last change applied here, the last one the log is known
    /// to hold, and how long this replica has been behind.
    pub fn health(&self) -> Health {
        self.status().health(std::time::Instant::now())
    }

    fn status(&self) -> std::sync::MutexGuard<'_, Status> {
        self.0.status.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The sequence number of the last change applied here.
    fn last(&self) -> u64 {
        self.0.writer.changes().last().map_or(0, |c| c.seq)
    }

    /// Applies the records of `rows` past the last one applied, in order (the caller holds
    /// the apply lock). A record that fails its checksum or does not apply stops it: the
    /// replica is stuck on it, and says so on `/health` and in the log.
    fn adopt(&self, rows: Vec<pg::Row>) -> Result<(), ReplicaError> {
        let now = std::time::Instant::now();
        if let Some(last) = rows.last() {
            self.status().saw(last.seq, now);
        }
        for row in rows {
            let adopted = row.checked().and_then(|(seq, payload)| Ok(self.0.writer.adopt(seq, &payload)?));
            if let Err(e) = adopted {
                let mut status = self.status();
                if status.stuck.is_none() {
                    tracing::error!(log = %self.0.target, error = %e, "this replica stopped applying the change log");
                }
                status.stuck = Some(e.to_string());
                return Err(e);
            }
        }
        let last = self.last();
        self.status().applied(last, now);
        Ok(())
    }

    /// Runs `op` on the writer inside a write transaction of the log (see the module's doc).
    async fn write(self, op: Op) -> Result<ChangeEntry, WriteError> {
        let mut conn = self.0.apply.lock().await;
        let unavailable = |e: &tokio_postgres::Error| WriteError::Unavailable {
            cause: pg::cause(e).to_owned(),
            detail: format!("the change log at PostgreSQL {}: {}", self.0.target, error_text(e)),
        };
        let client = match conn.as_ref().filter(|c| !c.is_closed()) {
            Some(c) => c.clone(),
            None => {
                let connected = self.0.target.connect().await.map_err(|cause| WriteError::Unavailable {
                    cause: "JOURNAL_UNREACHABLE".into(),
                    detail: format!("cannot reach the change log at PostgreSQL {}: {cause}", self.0.target),
                })?;
                let c = Arc::new(connected);
                *conn = Some(c.clone());
                c
            }
        };
        let result = async {
            pg::begin(&client).await.map_err(|e| unavailable(&e))?;
            let rows = pg::all_after(&client, self.last()).await.map_err(|e| unavailable(&e))?;
            self.adopt(rows)
                .map_err(|e| WriteError::Unavailable { cause: e.code().to_owned(), detail: e.to_string() })?;
            self.0.log.stage(client.clone(), self.last() + 1);
            let result = match op {
                Op::Apply { author, change } => self.0.writer.apply(&author, change).await,
                Op::Retract { author, ids, reason } => self.0.writer.retract(&author, ids, reason).await,
            };
            if let Err(WriteError::Unavailable { .. }) = &result {
                // A database's failure passes (unlike a failed fsync's): the next write tries again.
                self.0.writer.resume();
            }
            result
        }
        .await;
        if !self.0.log.unstage() {
            pg::rollback(&client).await;
        }
        if client.is_closed() {
            *conn = None;
        }
        let last = self.last();
        self.status().applied(last, std::time::Instant::now());
        result
    }
}

/// A write, run by [`Replica::write`].
enum Op {
    Apply { author: String, change: ChangeInput },
    Retract { author: String, ids: Vec<String>, reason: String },
}

#[async_trait::async_trait]
impl Writes for Replica {
    async fn apply(&self, author: &str, change: ChangeInput) -> Result<ChangeEntry, WriteError> {
        // A task of its own: a request dropped meanwhile never leaves a transaction half done.
        let op = Op::Apply { author: author.to_owned(), change };
        tokio::spawn(self.clone().write(op)).await.unwrap_or_else(|e| Err(WriteError::Log(e.to_string())))
    }

    async fn retract(&self, author: &str, ids: Vec<String>, reason: String) -> Result<ChangeEntry, WriteError> {
        let op = Op::Retract { author: author.to_owned(), ids, reason };
        tokio::spawn(self.clone().write(op)).await.unwrap_or_else(|e| Err(WriteError::Log(e.to_string())))
    }

    fn changes(&self) -> crate::api::ChangeList {
        self.0.writer.changes()
    }

    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<ChangeEntry> {
        self.0.writer.subscribe()
    }
}

/// The writer's [`Log`] during a write transaction: `append` takes the record the writer
/// checked (with the sequence number the transaction reserved), `synced` inserts and commits
/// it. Outside a transaction it refuses every record.
#[derive(Default)]
struct PgLog {
    staged: Mutex<Staged>,
}

#[derive(Default)]
struct Staged {
    /// The open transaction's connection and the sequence number its record gets.
    open: Option<(Arc<Client>, u64)>,
    /// The record appended in it.
    payload: Option<Vec<u8>>,
    /// Whether it was committed.
    committed: bool,
}

impl PgLog {
    fn staged(&self) -> std::sync::MutexGuard<'_, Staged> {
        self.staged.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Opens the log to one record, `seq`, written through `client`'s open transaction.
    fn stage(&self, client: Arc<Client>, seq: u64) {
        *self.staged() = Staged { open: Some((client, seq)), payload: None, committed: false };
    }

    /// Closes it again: whether its record was committed.
    fn unstage(&self) -> bool {
        std::mem::take(&mut *self.staged()).committed
    }
}

/// An I/O error that keeps the log's code in front, as the writer reads it.
fn log_error(cause: &str, detail: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(format!("{cause}: {detail}"))
}

#[async_trait::async_trait]
impl Log for PgLog {
    fn append(&self, payload: &[u8]) -> std::io::Result<u64> {
        let mut staged = self.staged();
        match (&staged.open, &staged.payload) {
            (Some((_, seq)), None) => {
                let seq = *seq;
                staged.payload = Some(payload.to_vec());
                Ok(seq)
            }
            _ => Err(log_error("JOURNAL_UNAVAILABLE", "no write transaction is open for this record")),
        }
    }

    async fn synced(&self, seq: u64) -> std::io::Result<()> {
        let (client, payload) = {
            let mut staged = self.staged();
            let payload = staged.payload.take();
            match (&staged.open, payload) {
                (Some((client, at)), Some(payload)) if *at == seq => (client.clone(), payload),
                _ => return Err(log_error("JOURNAL_NOT_APPENDED", format!("record {seq} was not appended"))),
            }
        };
        pg::commit(&client, seq, &payload).await.map_err(|e| log_error(pg::cause(&e), error_text(&e)))?;
        self.staged().committed = true;
        Ok(())
    }
}
