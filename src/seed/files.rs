//! Reading seed files: which files a seed directory holds, their text, and a cheap
//! fingerprint of them for the reloader.
//!
//! Architecture Invariant: the seed module is the only place that lists or reads seed
//! files; the reloader asks [`fingerprint`] whether anything changed.

use super::error::{LineIndex, SeedError, SeedErrors};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One seed file, before it is read.
pub(crate) struct SeedPath {
    /// The path shown in error messages.
    pub path: PathBuf,
    /// The path below the seed directory, `/`-separated, for the content hash.
    pub relative: String,
    /// The text, for a file built into the binary; `None` for a file on disk.
    pub embedded: Option<&'static str>,
}

impl SeedPath {
    /// The text of this seed file, or why it cannot be read (invalid UTF-8 located).
    pub fn read_text(&self) -> Result<Cow<'static, str>, SeedError> {
        match self.embedded {
            Some(text) => Ok(Cow::Borrowed(text)),
            None => read_text(&self.path).map(Cow::Owned),
        }
    }
}

/// Every `*.toml` file below `dir`, sorted by path.
pub(super) fn list_files(dir: &Path) -> Result<Vec<SeedPath>, SeedErrors> {
    let whole = |message: String| SeedErrors(vec![SeedError::whole(dir, message)]);
    let mut paths = Vec::new();
    collect_toml(dir, &mut paths).map_err(|e| whole(format!("cannot read the seed directory: {e}")))?;
    if paths.is_empty() {
        return Err(whole("no `*.toml` seed files in this directory".into()));
    }
    paths.sort();
    Ok(paths
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            SeedPath { path, relative, embedded: None }
        })
        .collect())
}

/// Every `*.toml` file below `dir` (the files a load reads), sorted by path.
pub fn toml_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    collect_toml(dir, &mut paths)?;
    paths.sort();
    Ok(paths)
}

/// The text of the file at `path`, or why it cannot be read (invalid UTF-8 located).
fn read_text(path: &Path) -> Result<String, SeedError> {
    let bytes = std::fs::read(path).map_err(|e| SeedError::whole(path, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        // The line shown is the bad line with its bad bytes replaced; the text before them is intact.
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        SeedError::at(path, &text, &LineIndex::new(&text), offset, "the file is not valid UTF-8")
    })
}

fn collect_toml(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_toml(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// The path, length and modification time of every file a load of the seed would read,
/// in path order: when it changes, the seed may have changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fingerprint(Vec<(PathBuf, u64, Option<SystemTime>)>);

/// The fingerprint of the seed directory `dir` (empty when it cannot be read).
pub(super) fn fingerprint(dir: &Path) -> Fingerprint {
    let mut paths = Vec::new();
    // An unreadable directory fingerprints as what could be read: a later load reports it.
    let _ = collect_toml(dir, &mut paths);
    paths.sort();
    Fingerprint(
        paths
            .into_iter()
            .filter_map(|path| {
                let m = std::fs::metadata(&path).ok()?;
                Some((path, m.len(), m.modified().ok()))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_changes_with_the_files_the_seed_reads_and_only_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("part")).expect("mkdir");
        std::fs::write(dir.path().join("part/a.toml"), "# a\n").expect("write");
        let before = fingerprint(dir.path());
        assert_eq!(before.0.len(), 1);
        std::fs::write(dir.path().join("README.md"), "notes").expect("write");
        std::fs::write(dir.path().join("part/notes.txt"), "notes").expect("write");
        assert_eq!(fingerprint(dir.path()), before, "files the seed does not read do not count");
        std::fs::write(dir.path().join("part/a.toml"), "# a, longer\n").expect("write");
        assert_ne!(fingerprint(dir.path()), before);
        std::fs::write(dir.path().join("b.toml"), "").expect("write");
        assert_eq!(fingerprint(dir.path()).0.len(), 2);
    }
}
