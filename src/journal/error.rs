//! The journal's errors, each with a machine-readable code.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

/// Why the journal could not be read, or a record could not be written or made durable.
/// Cheap to clone: every waiter of a failed `fsync` gets the same error.
#[derive(Debug, Clone, thiserror::Error)]
pub enum JournalError {
    /// Reading, creating or truncating the file failed.
    #[error("journal `{}`: cannot {op}: {source}", path.display())]
    Io {
        /// The journal file.
        path: PathBuf,
        /// What was being done (`read`, `write`, `truncate`...).
        op: &'static str,
        /// The operating system's error.
        #[source]
        source: Arc<io::Error>,
    },
    /// The disk is full or the file reached its size limit: the record was not written and
    /// nothing of it remains; appends succeed again once there is space.
    #[error("journal `{}` is full: {source}", path.display())]
    Full {
        /// The journal file.
        path: PathBuf,
        /// The operating system's error (`ENOSPC`, `EFBIG` or `EDQUOT`).
        #[source]
        source: Arc<io::Error>,
    },
    /// An `fsync` failed: no record past the last durable one was kept, and the journal
    /// refuses every later append until it is opened again (the server restarted).
    #[error("journal `{}` failed and takes no more writes until reopened: {cause}", path.display())]
    Failed {
        /// The journal file.
        path: PathBuf,
        /// The error of the failed `fsync`.
        cause: String,
    },
    /// The file does not start with a journal header.
    #[error("`{}` is not a diplograph journal", path.display())]
    NotAJournal {
        /// The file.
        path: PathBuf,
    },
    /// The file was written by a newer format version than this build reads.
    #[error("journal `{}` has format version {found}; this build reads version {supported} and older", path.display())]
    NewerVersion {
        /// The journal file.
        path: PathBuf,
        /// The version in the file's header.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// A damaged record with whole records after it: not a crash mid-write, so the journal
    /// is not cut and nothing is read.
    #[error("journal `{}`: corrupt record at byte {offset} ({reason}), followed by whole records", path.display())]
    Corrupt {
        /// The journal file.
        path: PathBuf,
        /// Where the damaged record starts.
        offset: u64,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A payload larger than a record may carry.
    #[error("journal record of {len} bytes is over the limit of {max} bytes")]
    TooLarge {
        /// The payload's length.
        len: usize,
        /// The largest payload a record may carry.
        max: usize,
    },
    /// Another server holds the journal: a writing server holds it alone, read-only servers
    /// share it.
    #[error("journal `{}` is in use by another diplograph server ({}); give this server its own `--journal`", path.display(), if *.writer { "a server that writes holds its journal alone" } else { "a server that writes holds it" })]
    Locked {
        /// The journal file.
        path: PathBuf,
        /// Whether this server asked to write.
        writer: bool,
    },
    /// `synced` was asked about a sequence number that was never appended.
    #[error("journal has no record {seq} (the last is {last})")]
    NotAppended {
        /// The sequence number asked about.
        seq: u64,
        /// The last sequence number appended.
        last: u64,
    },
}

impl JournalError {
    /// The machine-readable code of this error, for the `code` extension of an answer.
    pub fn code(&self) -> &'static str {
        match self {
            JournalError::Io { .. } => "JOURNAL_IO",
            JournalError::Full { .. } => "JOURNAL_FULL",
            JournalError::Failed { .. } => "JOURNAL_FAILED",
            JournalError::NotAJournal { .. } => "JOURNAL_NOT_A_JOURNAL",
            JournalError::NewerVersion { .. } => "JOURNAL_NEWER_VERSION",
            JournalError::Corrupt { .. } => "JOURNAL_CORRUPT",
            JournalError::TooLarge { .. } => "JOURNAL_RECORD_TOO_LARGE",
            JournalError::NotAppended { .. } => "JOURNAL_NOT_APPENDED",
            JournalError::Locked { .. } => "JOURNAL_LOCKED",
        }
    }

    /// An I/O error while doing `op`: [`JournalError::Full`] when the disk or the file's size
    /// limit is the cause.
    pub(crate) fn io(path: &std::path::Path, op: &'static str, source: io::Error) -> JournalError {
        let path = path.to_path_buf();
        let full = matches!(
            source.kind(),
            io::ErrorKind::StorageFull | io::ErrorKind::FileTooLarge | io::ErrorKind::QuotaExceeded
        );
        let source = Arc::new(source);
        if full {
            JournalError::Full { path, source }
        } else {
            JournalError::Io { path, op, source }
        }
    }
}
