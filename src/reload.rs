//! Live seed reload: a new graph is built and validated beside the one being served, then
//! swapped in whole. Requests in flight keep the snapshot they started with (they hold an
//! `Arc` to it); a broken edit leaves the old graph serving and logs every problem.

use crate::graph::ServedGraph;
use crate::seed::{self, SeedErrors};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Reloads one seed directory into the graph a server reads.
#[derive(Clone)]
pub struct Reloader {
    dir: PathBuf,
    graph: ServedGraph,
}

/// What a reload did.
#[derive(Debug, PartialEq, Eq)]
pub enum Reloaded {
    /// A new snapshot is being served (its hash).
    Swapped(String),
    /// The files hold the data already served.
    Unchanged,
}

impl Reloader {
    /// A reloader of `dir` into `graph`.
    pub fn new(dir: impl Into<PathBuf>, graph: ServedGraph) -> Self {
        Reloader { dir: dir.into(), graph }
    }

    /// Loads the seed again; swaps the new graph in when it is valid and different.
    /// On error the served graph is left as it was.
    pub fn reload(&self) -> Result<Reloaded, SeedErrors> {
        let fresh = seed::load(&self.dir)?;
        let hash = fresh.snapshot().hash.clone();
        if self.graph.load().snapshot().hash == hash {
            return Ok(Reloaded::Unchanged);
        }
        self.graph.swap(Arc::new(fresh));
        Ok(Reloaded::Swapped(hash))
    }

    /// Reloads off the async threads and logs the outcome.
    pub async fn reload_logged(&self, why: &str) {
        let this = self.clone();
        match tokio::task::spawn_blocking(move || this.reload()).await {
            Ok(Ok(Reloaded::Swapped(hash))) => tracing::info!(why, snapshot = %hash, "seed reloaded"),
            Ok(Ok(Reloaded::Unchanged)) => tracing::debug!(why, "seed unchanged"),
            Ok(Err(errors)) => {
                for e in &errors.0 {
                    tracing::error!(why, "{e}");
                }
                tracing::error!(why, problems = errors.0.len(), "seed not reloaded: still serving the previous data");
            }
            Err(e) => tracing::error!(why, "reload task failed: {e}"),
        }
    }

    /// Polls the seed files every `every` and reloads when any changed (path, size, time).
    pub async fn watch(self, every: Duration) {
        let mut last = fingerprint(&self.dir);
        loop {
            tokio::time::sleep(every).await;
            let now = fingerprint(&self.dir);
            if now != last {
                last = now;
                self.reload_logged("files changed").await;
            }
        }
    }

    /// Reloads on every SIGHUP.
    #[cfg(unix)]
    pub async fn on_sighup(self) {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP: reload on signal is off");
            return;
        };
        while hup.recv().await.is_some() {
            self.reload_logged("SIGHUP").await;
        }
    }
}

/// The path, length and modification time of every file below `dir`, sorted.
fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let path = e.path();
            match e.metadata() {
                Ok(m) if m.is_dir() => stack.push(path),
                Ok(m) => out.push((path, m.len(), m.modified().ok())),
                Err(_) => {}
            }
        }
    }
    out.sort();
    out
}
