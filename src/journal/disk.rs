//! Where the journal's bytes go: the [`Disk`] trait, and [`FileDisk`], the real file. Tests
//! put a disk that fails in its place.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// The storage under a journal. Writes come one at a time, in order, each at the end of
/// what was written; `sync` may run at the same time as a write.
pub trait Disk: Send + Sync + 'static {
    /// Writes `bytes` at `offset`, creating the file on the first write. On error a prefix
    /// of `bytes` may have been written.
    fn write_at(&self, offset: u64, bytes: &[u8]) -> io::Result<()>;
    /// Makes every byte written so far durable (`fdatasync`, and the directory entry of a
    /// file this disk created).
    fn sync(&self) -> io::Result<()>;
    /// Cuts the file to `len` bytes (nothing happens when there is no file and `len` is 0).
    fn truncate(&self, len: u64) -> io::Result<()>;
}

/// A journal file on the file system, created on the first write.
#[derive(Debug)]
pub struct FileDisk {
    path: PathBuf,
    file: OnceLock<File>,
    /// Whether the directory holding the file is known to have its entry on disk.
    dir_synced: AtomicBool,
}

impl FileDisk {
    /// The file at `path`; nothing is opened or created yet.
    pub fn new(path: impl Into<PathBuf>) -> FileDisk {
        FileDisk { path: path.into(), file: OnceLock::new(), dir_synced: AtomicBool::new(false) }
    }

    /// The open file, opened (and created if missing) on first use.
    fn file(&self) -> io::Result<&File> {
        if let Some(file) = self.file.get() {
            return Ok(file);
        }
        let existed = self.path.exists();
        let file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&self.path)?;
        self.dir_synced.store(existed, Ordering::Release);
        Ok(self.file.get_or_init(|| file))
    }
}

/// The directory of `path` (`.` for a bare file name).
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

impl Disk for FileDisk {
    fn write_at(&self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        self.file()?.write_all_at(bytes, offset)
    }

    fn sync(&self) -> io::Result<()> {
        let Some(file) = self.file.get() else { return Ok(()) };
        file.sync_data()?;
        if !self.dir_synced.load(Ordering::Acquire) {
            File::open(parent(&self.path))?.sync_all()?;
            self.dir_synced.store(true, Ordering::Release);
        }
        Ok(())
    }

    fn truncate(&self, len: u64) -> io::Result<()> {
        if self.file.get().is_none() && len == 0 && !self.path.exists() {
            return Ok(());
        }
        self.file()?.set_len(len)
    }
}

/// Replaces the file at `path` with `bytes`, atomically: written beside it under a temporary
/// name, synced, renamed over it, and the directory synced, so that a crash leaves either
/// the old file or the new one.
pub(super) fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    let temporary = path.with_file_name(name);
    let file = OpenOptions::new().write(true).create(true).truncate(true).open(&temporary)?;
    file.write_all_at(bytes, 0)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)?;
    File::open(parent(path))?.sync_all()
}
