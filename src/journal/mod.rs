//! The durable change log: an append-only file of opaque records, each made durable
//! (`fdatasync`) before its writer is answered, concurrent writers sharing one `fsync`.
//!
//! # Format (version 1, little-endian)
//!
//! ```text
//! header  "DGJOURNL" | version u32 | base_seq u64 | crc32c(previous 20 bytes) u32   (24 bytes)
//! record  len u32 | seq u64 | crc32c(len, seq, payload) u32 | payload (len bytes)
//! ```
//!
//! Records follow the header back to back; the first has sequence number `base_seq + 1`
//! and each next one the previous plus one (no gaps). The header is written with the first
//! record: a journal that was never appended to has no file.
//!
//! # Recovery ([`Journal::open`])
//!
//! **Architecture Invariant:** a damaged record (torn frame, length past the end, checksum
//! or sequence mismatch) with no whole record after it is a torn tail: it is cut off at the
//! last whole record, on disk, with a warning naming the offset and the bytes cut.
//!
//! **Architecture Invariant:** a damaged record followed by a whole record is corruption,
//! not a crash: opening fails with its offset and nothing is cut or read.
//!
//! **Architecture Invariant:** a file of a newer format version is refused with both
//! versions named, before anything else of it is read.
//!
//! # What a crash can and cannot lose
//!
//! A record whose [`Journal::synced`] resolved is on disk (`fdatasync`, and the directory
//! entry when the file was created) and is read back after any crash of the process or the
//! machine. A record appended but not yet synced may be lost, whole: a crash never leaves
//! half a record that is read back, and never a gap in the sequence numbers. Damage that is
//! not a torn tail (a disk flipping bits under whole records) stops the open instead of
//! silently losing the records after it.
//!
//! # Failures
//!
//! A failed write (a full disk, `ulimit -f`) refuses that one record with
//! [`JournalError::Full`] or [`JournalError::Io`], cuts its partial bytes off, and leaves
//! the journal usable: the next append succeeds once there is space. A failed `fsync`
//! (`EIO`) is different: the kernel may have dropped the unsynced pages, so every record
//! not yet durable is cut off, each waiter for one gets the error, and the journal
//! reports itself failed ([`JournalError::Failed`]) to every later append until it is
//! opened again, as PostgreSQL does. A sequence number refused this way is never reused
//! while a waiter could still confuse it with a new record.

mod disk;
mod error;
mod format;
mod lock;
#[cfg(test)]
mod tests;

pub use disk::{Disk, FileDisk};
pub use error::JournalError;
pub use format::{record_crc, MAX_PAYLOAD, VERSION};
pub use lock::{hold, Hold};

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// One record read back from the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its sequence number: 1 for the first record ever written, then one more for each
    /// (counting on after a [`Journal::reset`]).
    pub seq: u64,
    /// The bytes its writer appended.
    pub payload: Vec<u8>,
}

/// An open journal: appends records and makes them durable. Clones share the one file.
#[derive(Clone)]
pub struct Journal {
    shared: Arc<Shared>,
}

struct Shared {
    path: PathBuf,
    disk: Arc<dyn Disk>,
    state: Mutex<State>,
    /// Held by the one waiter running an `fsync`; the others queue behind it and most
    /// find their record already durable when they get it (group commit).
    leader: tokio::sync::Mutex<()>,
    fsyncs: AtomicU64,
}

/// What is written and what is durable.
struct State {
    base_seq: u64,
    /// Bytes written (the header and every record appended).
    len: u64,
    last_seq: u64,
    durable_len: u64,
    durable_seq: u64,
    /// The cause of a failed `fsync`, after which nothing more is appended.
    failed: Option<String>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.shared.path).field("last_seq", &self.last_seq()).finish()
    }
}

impl Journal {
    /// Reads every whole record; creates nothing until the first append. A torn or corrupt
    /// tail (a crash mid-write) is cut off at the last whole record and logged; a corrupt
    /// record followed by whole ones is an error with its offset; a file written by a newer
    /// format version is an error naming both versions.
    pub fn open(path: impl Into<PathBuf>) -> Result<(Journal, Vec<Entry>), JournalError> {
        let path = path.into();
        let disk = Arc::new(FileDisk::new(&path));
        Journal::open_on(path, disk)
    }

    /// [`Journal::open`], writing through `disk` (a test puts a failing disk here); the file
    /// at `path` is read directly.
    pub fn open_on(path: impl Into<PathBuf>, disk: Arc<dyn Disk>) -> Result<(Journal, Vec<Entry>), JournalError> {
        let path = path.into();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(JournalError::io(&path, "read", e)),
        };
        let scan = format::scan(&bytes).map_err(|refusal| match refusal {
            format::Refusal::NotAJournal => JournalError::NotAJournal { path: path.clone() },
            format::Refusal::NewerVersion(found) => {
                JournalError::NewerVersion { path: path.clone(), found, supported: VERSION }
            }
            format::Refusal::Corrupt { offset, reason } => {
                JournalError::Corrupt { path: path.clone(), offset: offset as u64, reason }
            }
        })?;
        if let Some(reason) = scan.cut {
            let cut = bytes.len() - scan.whole_len;
            tracing::warn!(
                path = %path.display(),
                offset = scan.whole_len,
                bytes_cut = cut,
                reason,
                "journal: cut off a torn tail at the last whole record"
            );
            disk.truncate(scan.whole_len as u64).map_err(|e| JournalError::io(&path, "truncate", e))?;
            disk.sync().map_err(|e| JournalError::io(&path, "sync", e))?;
        }
        let last_seq = scan.base_seq + scan.records.len() as u64;
        let entries =
            scan.records.into_iter().map(|(seq, range)| Entry { seq, payload: bytes[range].to_vec() }).collect();
        let len = scan.whole_len as u64;
        let state =
            State { base_seq: scan.base_seq, len, last_seq, durable_len: len, durable_seq: last_seq, failed: None };
        let shared = Shared {
            path,
            disk,
            state: Mutex::new(state),
            leader: tokio::sync::Mutex::new(()),
            fsyncs: AtomicU64::new(0),
        };
        Ok((Journal { shared: Arc::new(shared) }, entries))
    }

    /// Replaces the journal at `path` with an empty one whose first record will be
    /// `last_seq + 1`, so that sequence numbers go on after `compact` moved every record into
    /// the seed. Atomic: a crash leaves the old journal or the empty one. Not for a journal
    /// open elsewhere (a server writing to it).
    pub fn reset(path: impl AsRef<Path>, last_seq: u64) -> Result<(), JournalError> {
        let path = path.as_ref();
        disk::replace(path, &format::header(last_seq)).map_err(|e| JournalError::io(path, "reset", e))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes one record, `seq = last + 1`, in call order (callers hold their own lock). Not
    /// yet durable: [`Journal::synced`] says when it is. A failed write leaves nothing of
    /// the record and uses up no sequence number.
    pub fn append(&self, payload: &[u8]) -> Result<u64, JournalError> {
        if payload.len() > MAX_PAYLOAD {
            return Err(JournalError::TooLarge { len: payload.len(), max: MAX_PAYLOAD });
        }
        let path = &self.shared.path;
        let mut state = self.state();
        if let Some(cause) = &state.failed {
            return Err(JournalError::Failed { path: path.clone(), cause: cause.clone() });
        }
        let seq = state.last_seq + 1;
        let mut bytes = Vec::with_capacity(format::HEADER_LEN + format::FRAME_LEN + payload.len());
        if state.len == 0 {
            bytes.extend_from_slice(&format::header(state.base_seq));
        }
        format::frame(seq, payload, &mut bytes);
        if let Err(e) = self.shared.disk.write_at(state.len, &bytes) {
            // Cut what part of the record was written, so that the next one follows the
            // last whole record; if even that fails, the file's end is unknown.
            if let Err(cut) = self.shared.disk.truncate(state.len) {
                let cause = format!("after a failed write ({e}), cutting it off failed: {cut}");
                tracing::error!(path = %path.display(), %cause, "journal failed");
                self.fail(&mut state, cause);
            }
            return Err(JournalError::io(path, "write", e));
        }
        state.len += bytes.len() as u64;
        state.last_seq = seq;
        Ok(seq)
    }

    /// Resolves once every record up to `seq` is durable (`fdatasync`); concurrent waiters
    /// share one `fsync` (group commit). A failed `fsync` is returned to every waiter whose
    /// record is not durable.
    pub async fn synced(&self, seq: u64) -> Result<(), JournalError> {
        if let Some(settled) = self.settled(seq) {
            return settled;
        }
        let _leader = self.shared.leader.lock().await;
        if let Some(settled) = self.settled(seq) {
            return settled;
        }
        // The fsync and what follows it run to the end even if this future is dropped, so
        // that a failed fsync always cuts the journal back.
        let journal = self.clone();
        let done = tokio::task::spawn_blocking(move || journal.sync_now()).await;
        done.unwrap_or_else(|panic| {
            Err(JournalError::Failed {
                path: self.shared.path.clone(),
                cause: format!("the fsync task failed: {panic}"),
            })
        })?;
        self.settled(seq).unwrap_or(Ok(()))
    }

    /// Makes every record appended so far durable now, blocking the calling thread: one
    /// `fdatasync`, or none when every record already is. For a caller that groups records
    /// itself (the writer's committer thread syncs once for every record appended meanwhile).
    /// A failure is as in [`Journal::synced`]: every record not durable is cut off and the
    /// journal refuses later appends.
    pub fn sync(&self) -> Result<(), JournalError> {
        match self.settled(self.last_seq()) {
            Some(settled) => settled,
            None => self.sync_now(),
        }
    }

    /// The answer for a waiter of `seq` that needs no `fsync`, if there is one.
    fn settled(&self, seq: u64) -> Option<Result<(), JournalError>> {
        let state = self.state();
        if seq <= state.durable_seq {
            Some(Ok(()))
        } else if let Some(cause) = &state.failed {
            Some(Err(JournalError::Failed { path: self.shared.path.clone(), cause: cause.clone() }))
        } else if seq > state.last_seq {
            Some(Err(JournalError::NotAppended { seq, last: state.last_seq }))
        } else {
            None
        }
    }

    /// One `fsync` of everything written so far (blocking; called by the leader, or by
    /// [`Journal::sync`]).
    fn sync_now(&self) -> Result<(), JournalError> {
        let (len, seq) = {
            let state = self.state();
            (state.len, state.last_seq)
        };
        let result = self.shared.disk.sync();
        self.shared.fsyncs.fetch_add(1, Ordering::Relaxed);
        let mut state = self.state();
        match result {
            Ok(()) => {
                if seq > state.durable_seq && state.failed.is_none() {
                    state.durable_seq = seq;
                    state.durable_len = len;
                }
                Ok(())
            }
            Err(e) => {
                let error = JournalError::io(&self.shared.path, "fsync", e);
                tracing::error!(path = %self.shared.path.display(), %error, "journal: fsync failed");
                self.fail(&mut state, error.to_string());
                Err(error)
            }
        }
    }

    /// Cuts every record not durable off and refuses later appends.
    fn fail(&self, state: &mut State, cause: String) {
        if let Err(e) = self.shared.disk.truncate(state.durable_len) {
            tracing::error!(path = %self.shared.path.display(), %e, "journal: cutting back to the durable length failed");
        }
        state.len = state.durable_len;
        state.last_seq = state.durable_seq;
        state.failed = Some(cause);
    }

    /// The sequence number of the last record appended (durable or not; 0 when none).
    pub fn last_seq(&self) -> u64 {
        self.state().last_seq
    }

    /// The sequence number before the first record: the last one compacted into the seed
    /// (see [`Journal::reset`]), 0 for a journal never compacted.
    pub fn base_seq(&self) -> u64 {
        self.state().base_seq
    }

    /// The sequence number of the last durable record.
    pub fn durable_seq(&self) -> u64 {
        self.state().durable_seq
    }

    /// Bytes of the file written so far (0 when nothing was ever appended).
    pub fn len(&self) -> u64 {
        self.state().len
    }

    /// Whether nothing was ever written (no file, or an empty one).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many `fsync`s this journal ran since it was opened (tests count group commits
    /// with it; `/metrics` may show it).
    pub fn fsyncs(&self) -> u64 {
        self.shared.fsyncs.load(Ordering::Relaxed)
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.shared.path
    }
}
