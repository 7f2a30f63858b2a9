//! Following the log: `LISTEN` on a connection of its own, a catch-up query after every
//! (re)connection, on every notification and every [`POLL`], and reconnection with a
//! backoff when the connection is lost.

use super::{pg, Replica};
use std::time::{Duration, Instant};

/// How often a replica reads the log even without a notification (a lost one delays a
/// change by at most this).
pub const POLL: Duration = Duration::from_secs(2);
/// The first wait before connecting again after the connection was lost.
pub const BACKOFF_MIN: Duration = Duration::from_millis(100);
/// The longest wait between two connection attempts.
pub const BACKOFF_MAX: Duration = Duration::from_secs(5);

/// Why a catch-up stopped.
enum Stop {
    /// The connection failed: connect again.
    Connection(tokio_postgres::Error),
    /// A record cannot be applied: the replica is stuck on it (already logged).
    Stuck,
}

impl Replica {
    /// Applies the changes other replicas write, as they are announced, until the runtime
    /// stops. Spawn it once, when the server starts.
    pub async fn follow(self) {
        let mut backoff = BACKOFF_MIN;
        let mut lost_at: Option<Instant> = None;
        loop {
            let (notified, mut notifications) = tokio::sync::mpsc::unbounded_channel();
            let client = match self.0.target.listen(notified).await {
                Ok(client) => client,
                Err(e) => {
                    if lost_at.is_none() {
                        tracing::warn!(log = %self.0.target, error = %e, "cannot reach the change log; retrying");
                        lost_at = Some(Instant::now());
                    }
                    self.status().reachable = false;
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(BACKOFF_MAX);
                    continue;
                }
            };
            if let Some(at) = lost_at.take() {
                tracing::info!(log = %self.0.target, after = ?at.elapsed(), "change log reachable again");
            }
            backoff = BACKOFF_MIN;
            self.status().reachable = true;
            loop {
                match self.catch_up(&client).await {
                    Ok(()) | Err(Stop::Stuck) => {}
                    Err(Stop::Connection(e)) => {
                        tracing::warn!(log = %self.0.target, error = %super::error_text(&e), "lost the change log; reconnecting");
                        lost_at = Some(Instant::now());
                        break;
                    }
                }
                tokio::select! {
                    seq = notifications.recv() => {
                        let Some(seq) = seq else {
                            tracing::warn!(log = %self.0.target, "lost the change log's notifications; reconnecting");
                            lost_at = Some(Instant::now());
                            break;
                        };
                        let mut latest = seq;
                        while let Ok(seq) = notifications.try_recv() {
                            latest = latest.max(seq);
                        }
                        self.status().saw(latest, Instant::now());
                    }
                    _ = tokio::time::sleep(POLL) => {}
                }
            }
            self.status().reachable = false;
        }
    }

    /// Reads the records past the last one applied and applies them, in batches.
    async fn catch_up(&self, client: &tokio_postgres::Client) -> Result<(), Stop> {
        loop {
            // Read outside the apply lock (a write may go on meanwhile: the records it
            // applied are skipped), apply inside it.
            let rows = pg::after(client, self.last()).await.map_err(Stop::Connection)?;
            if rows.is_empty() {
                return Ok(());
            }
            let _apply = self.0.apply.lock().await;
            self.adopt(rows).map_err(|_| Stop::Stuck)?;
        }
    }
}
