//! One writing server per journal: a lock file beside the journal (`FILE.lock`), locked for
//! the server's life. A server that writes holds it alone; read-only servers share it, so
//! that no reader opens (and cuts the torn tail of) a journal a writer is appending to.
//!
//! Architecture Invariant: a server opens its journal only while holding its lock.

use super::JournalError;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// The lock of a journal, released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct Hold {
    _file: File,
}

/// The lock file of `journal`.
fn lock_path(journal: &Path) -> PathBuf {
    let mut name = journal.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Locks `journal` for a server that writes (`writer`: alone) or only reads (shared).
pub fn hold(journal: &Path, writer: bool) -> Result<Hold, JournalError> {
    let path = lock_path(journal);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(|e| JournalError::io(&path, "create the lock file", e))?;
    let locked = if writer { file.try_lock() } else { file.try_lock_shared() };
    match locked {
        Ok(()) => Ok(Hold { _file: file }),
        Err(TryLockError::WouldBlock) => Err(JournalError::Locked { path: journal.to_path_buf(), writer }),
        Err(TryLockError::Error(e)) => Err(JournalError::io(&path, "lock", e)),
    }
}
