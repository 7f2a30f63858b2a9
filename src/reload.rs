//! Live seed reload: a new graph is built and validated beside the one being served, then
//! swapped in whole. Requests in flight keep the snapshot they started with (they hold an
//! `Arc` to it); a broken edit leaves the old graph serving and logs every problem.

use crate::graph::ServedGraph;
use crate::seed::{self, SeedError, SeedErrors, SeedSource};
use crate::write::Writer;
use std::sync::Arc;
use std::time::Duration;

/// Reloads one seed into the graph a server reads.
#[derive(Clone)]
pub struct Reloader {
    source: SeedSource,
    graph: ServedGraph,
    /// The writer whose changes are replayed on every reloaded seed, when writes are on.
    writer: Option<Arc<Writer>>,
}

/// What a reload did.
#[derive(Debug, PartialEq, Eq)]
pub enum Reloaded {
    /// A new snapshot is being served (its hash).
    Swapped(String),
    /// The files hold the data already served.
    Unchanged,
}

/// The `/metrics` counter of reloads swapped in (`http::metrics::RELOADS`; this module may
/// not import `http`).
const RELOADS: &str = "diplograph_reloads_total";
/// The `/metrics` counter of reloads refused (`http::metrics::RELOAD_FAILURES`).
const RELOAD_FAILURES: &str = "diplograph_reload_failures_total";

impl Reloader {
    /// A reloader of `source` (a seed directory, or the built-in seed) into `graph`.
    pub fn new(source: impl Into<SeedSource>, graph: ServedGraph) -> Self {
        Reloader { source: source.into(), graph, writer: None }
    }

    /// This reloader replaying the changes of `writer` (which serves the same graph) on
    /// every reloaded seed.
    pub fn with_writer(mut self, writer: Arc<Writer>) -> Self {
        self.writer = Some(writer);
        self
    }

    /// Loads the seed again; swaps the new graph in when it is valid and different.
    /// On error the served graph is left as it was.
    pub fn reload(&self) -> Result<Reloaded, SeedErrors> {
        let fresh = seed::load_from(&self.source)?;
        if let Some(w) = &self.writer {
            return match w.rebase(&fresh) {
                Ok(Some(hash)) => Ok(Reloaded::Swapped(hash)),
                Ok(None) => Ok(Reloaded::Unchanged),
                Err(e) => Err(SeedErrors(vec![SeedError::whole(self.source.to_string(), e.to_string())])),
            };
        }
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
            Ok(Ok(Reloaded::Swapped(hash))) => {
                metrics::counter!(RELOADS).increment(1);
                tracing::info!(why, snapshot = %hash, "seed reloaded")
            }
            Ok(Ok(Reloaded::Unchanged)) => tracing::debug!(why, "seed unchanged"),
            Ok(Err(errors)) => {
                metrics::counter!(RELOAD_FAILURES).increment(1);
                for e in &errors.0 {
                    tracing::error!(why, "{e}");
                }
                tracing::error!(why, problems = errors.0.len(), "seed not reloaded: still serving the previous data");
            }
            Err(e) => {
                metrics::counter!(RELOAD_FAILURES).increment(1);
                tracing::error!(why, "reload task failed: {e}")
            }
        }
    }

    /// Polls the seed files every `every` and reloads when any the seed reads changed (path,
    /// size, time; see [`seed::fingerprint`]).
    pub async fn watch(self, every: Duration) {
        let mut last = seed::fingerprint(&self.source);
        loop {
            tokio::time::sleep(every).await;
            let now = seed::fingerprint(&self.source);
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
