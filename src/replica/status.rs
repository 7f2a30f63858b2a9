//! How far behind the log a replica is: what `/health` reports, and when it says 503.

use std::time::{Duration, Instant};

/// What a replica knows of its place in the log.
#[derive(Debug, Clone)]
pub struct Status {
    /// The last change applied here.
    applied: u64,
    /// The last change the log is known to hold (notified or read).
    latest: u64,
    /// Since when `latest > applied`, if it is.
    behind_since: Option<Instant>,
    /// Whether the listening connection is up.
    pub(super) reachable: bool,
    /// Why this replica stopped applying changes (a record that fails its checksum or no
    /// longer applies), if it did.
    pub(super) stuck: Option<String>,
    max_lag: Duration,
}

/// A replica's place in the log, as `/health` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// The last change applied here.
    pub applied: u64,
    /// The last change the log is known to hold.
    pub latest: u64,
    /// How long this replica has been behind the log (zero when it is not).
    pub lag: Duration,
    /// The lag past which it reports itself behind.
    pub max_lag: Duration,
    /// Whether it is connected to the log (reads go on either way).
    pub reachable: bool,
    /// Why it stopped applying changes, if it did.
    pub stuck: Option<String>,
}

impl Health {
    /// Whether a load balancer should take this replica out: behind the log for longer
    /// than the allowed lag. A replica that cannot reach the log does not know that it is
    /// behind; it keeps serving what it has (so that an outage of the database does not
    /// take every replica out).
    pub fn behind(&self) -> bool {
        self.lag > self.max_lag
    }
}

impl Status {
    /// A replica that has applied the log up to `applied`, allowed to lag `max_lag`.
    pub fn new(applied: u64, max_lag: Duration) -> Status {
        Status { applied, latest: applied, behind_since: None, reachable: true, stuck: None, max_lag }
    }

    /// The log holds change `seq` (a notification, or a record read).
    pub fn saw(&mut self, seq: u64, now: Instant) {
        self.latest = self.latest.max(seq);
        self.update(now);
    }

    /// Every change up to `seq` is applied here.
    pub fn applied(&mut self, seq: u64, now: Instant) {
        self.applied = seq;
        self.latest = self.latest.max(seq);
        self.update(now);
    }

    fn update(&mut self, now: Instant) {
        if self.latest > self.applied {
            self.behind_since.get_or_insert(now);
        } else {
            self.behind_since = None;
        }
    }

    /// What `/health` reports at `now`.
    pub fn health(&self, now: Instant) -> Health {
        Health {
            applied: self.applied,
            latest: self.latest,
            lag: self.behind_since.map_or(Duration::ZERO, |since| now.saturating_duration_since(since)),
            max_lag: self.max_lag,
            reachable: self.reachable,
            stuck: self.stuck.clone(),
        }
    }
}
