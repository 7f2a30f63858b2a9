//! The change log's tables in PostgreSQL and the statements that read and write them.
//!
//! ```sql
//! diplograph_log     (one row: format integer, seed_hash text)
//! diplograph_changes (seq bigint primary key, crc32c bigint, payload bytea, written_at timestamptz)
//! ```
//!
//! `crc32c` is the file journal's record checksum (`journal::record_crc`: the payload's
//! length, its sequence number and the payload), so that a record damaged in the database
//! or on the way is refused with its sequence number, as a damaged file record is.

use super::ReplicaError;
use crate::journal::record_crc;
use std::time::Duration;
use tokio_postgres::{Client, Config, NoTls};

/// The format of the tables this build writes (in `diplograph_log.format`).
pub const FORMAT: i32 = 1;
/// The channel every committed change is announced on, its payload the change's `seq`.
pub const CHANNEL: &str = "diplograph_changes";
/// The key of the transaction-level advisory lock that orders writers (any 64-bit number
/// no other application on the database uses: "dg" "log" in ASCII).
pub const LOCK_KEY: i64 = 0x6467_006c_6f67;
/// How long a connection attempt may take before it counts as failed.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a connection may go without an answer from the database (unacknowledged data,
/// or an idle connection's keepalives) before it counts as lost, unless the URL says otherwise.
pub const DEAD_PEER: Duration = Duration::from_secs(10);

/// The most records one catch-up query reads.
const BATCH: i64 = 1_000;

/// A PostgreSQL database holding a change log: its connection settings, and how to name it
/// in messages (host, port and database; never the password).
#[derive(Clone)]
pub struct Target {
    config: Config,
    name: String,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl Target {
    /// Reads a `postgres://USER@HOST:PORT/DATABASE` URL (the libpq forms tokio-postgres
    /// reads); a connection attempt gives up after [`CONNECT_TIMEOUT`] unless the URL says
    /// otherwise (`?connect_timeout=SECONDS`).
    pub fn parse(url: &str) -> Result<Target, ReplicaError> {
        let mut config: Config =
            url.parse().map_err(|e: tokio_postgres::Error| ReplicaError::Url { cause: e.to_string() })?;
        if config.get_hosts().is_empty() && config.get_hostaddrs().is_empty() {
            return Err(ReplicaError::Url { cause: "the URL names no host".into() });
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        // A database gone silent (a host down, a network cut without a reset) fails the
        // connection within seconds instead of hanging a write or the follower for hours.
        if config.get_tcp_user_timeout().is_none() {
            config.tcp_user_timeout(DEAD_PEER);
        }
        if config.get_keepalives_interval().is_none() {
            config.keepalives_idle(DEAD_PEER).keepalives_interval(Duration::from_secs(2)).keepalives_retries(3);
        }
        config.application_name("diplograph");
        let name = describe(&config);
        Ok(Target { config, name })
    }

    /// Whether `--journal` names a PostgreSQL database rather than a file.
    pub fn is_url(journal: &str) -> bool {
        journal.starts_with("postgres://") || journal.starts_with("postgresql://")
    }

    /// A new connection, its driver spawned on the current runtime (notifications are not
    /// read: see [`listen`]).
    pub async fn connect(&self) -> Result<Client, String> {
        let (client, connection) = self.handshake().await?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "change log connection closed");
            }
        });
        Ok(client)
    }

    /// A new connection listening on [`CHANNEL`]: each notification's `seq` is sent to
    /// `notified`; the sender is dropped when the connection closes.
    pub async fn listen(&self, notified: tokio::sync::mpsc::UnboundedSender<u64>) -> Result<Client, String> {
        let (client, mut connection) = self.handshake().await?;
        tokio::spawn(async move {
            while let Some(message) = std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                match message {
                    Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                        // A notification that is not a number only wakes a catch-up.
                        let _ = notified.send(n.payload().parse().unwrap_or(0));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::debug!(error = %e, "change log listener closed");
                        break;
                    }
                }
            }
        });
        client.batch_execute(&format!("LISTEN {CHANNEL}")).await.map_err(|e| super::error_text(&e))?;
        Ok(client)
    }

    /// A connection and its driver, within the connect timeout (tokio-postgres's own bounds
    /// the TCP connect only, not a server that accepts and never answers).
    async fn handshake(
        &self,
    ) -> Result<(Client, tokio_postgres::Connection<tokio_postgres::Socket, tokio_postgres::tls::NoTlsStream>), String>
    {
        let timeout = self.config.get_connect_timeout().copied().unwrap_or(CONNECT_TIMEOUT);
        match tokio::time::timeout(timeout, self.config.connect(NoTls)).await {
            Ok(connected) => connected.map_err(|e| super::error_text(&e)),
            Err(_) => Err(format!("no answer within {timeout:?}")),
        }
    }
}

/// `HOST:PORT/DATABASE` (every host when the URL lists several).
fn describe(config: &Config) -> String {
    let ports = config.get_ports();
    let port = |i: usize| ports.get(i).or(ports.first()).copied().unwrap_or(5432);
    let hosts: Vec<String> = if config.get_hosts().is_empty() {
        config.get_hostaddrs().iter().enumerate().map(|(i, a)| format!("{a}:{}", port(i))).collect()
    } else {
        config
            .get_hosts()
            .iter()
            .enumerate()
            .map(|(i, h)| match h {
                tokio_postgres::config::Host::Tcp(h) if h.contains(':') => format!("[{h}]:{}", port(i)),
                tokio_postgres::config::Host::Tcp(h) => format!("{h}:{}", port(i)),
                #[cfg(unix)]
                tokio_postgres::config::Host::Unix(dir) => format!("{}:{}", dir.display(), port(i)),
            })
            .collect()
    };
    let db = config.get_dbname().or(config.get_user()).unwrap_or("postgres");
    format!("{}/{db}", hosts.join(","))
}

/// One record of the log as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub seq: u64,
    pub crc: u32,
    pub payload: Vec<u8>,
}

impl Row {
    /// The payload, once its checksum is checked; refused with the record's `seq`.
    pub fn checked(self) -> Result<(u64, Vec<u8>), ReplicaError> {
        let computed = record_crc(self.seq, &self.payload);
        if computed != self.crc {
            return Err(ReplicaError::Checksum { seq: self.seq, stored: self.crc, computed });
        }
        Ok((self.seq, self.payload))
    }
}

/// Creates the tables if they are missing and records `seed_hash` as the log's seed if it
/// has none; the seed it was written against, and the log's format.
pub async fn prepare(client: &Client, seed_hash: &str) -> Result<(String, i32), tokio_postgres::Error> {
    // One transaction under the writers' lock: two replicas starting at once do not race
    // to create the same tables.
    client
        .batch_execute(&format!(
            "BEGIN;
             SET LOCAL client_min_messages = warning;
             SELECT pg_advisory_xact_lock({LOCK_KEY});
             CREATE TABLE IF NOT EXISTS diplograph_log (
                 one boolean PRIMARY KEY DEFAULT true CHECK (one),
                 format integer NOT NULL,
                 seed_hash text NOT NULL);
             CREATE TABLE IF NOT EXISTS diplograph_changes (
                 seq bigint PRIMARY KEY CHECK (seq > 0),
                 crc32c bigint NOT NULL,
                 payload bytea NOT NULL,
                 written_at timestamptz NOT NULL DEFAULT now());"
        ))
        .await?;
    let prepared = async {
        client
            .execute(
                "INSERT INTO diplograph_log (format, seed_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&FORMAT, &seed_hash],
            )
            .await?;
        let row = client.query_one("SELECT seed_hash, format FROM diplograph_log", &[]).await?;
        client.batch_execute("COMMIT").await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }
    .await;
    if prepared.is_err() {
        let _ = client.batch_execute("ROLLBACK").await;
    }
    prepared
}

/// The records after `after`, in order, at most [`BATCH`] of them.
pub async fn after(client: &Client, after: u64) -> Result<Vec<Row>, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT seq, crc32c, payload FROM diplograph_changes WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&(after as i64), &BATCH],
        )
        .await?;
    rows.into_iter()
        .map(|r| {
            let seq: i64 = r.try_get(0)?;
            let crc: i64 = r.try_get(1)?;
            Ok(Row { seq: seq as u64, crc: crc as u32, payload: r.try_get(2)? })
        })
        .collect()
}

/// Every record after `from`, in order (several queries for a long log).
pub async fn all_after(client: &Client, mut from: u64) -> Result<Vec<Row>, tokio_postgres::Error> {
    let mut out = Vec::new();
    loop {
        let batch = after(client, from).await?;
        let full = batch.len() as i64 == BATCH;
        from = batch.last().map_or(from, |r| r.seq);
        out.extend(batch);
        if !full {
            return Ok(out);
        }
    }
}

/// Opens a write transaction holding the writers' lock: every other writer waits until it
/// ends, so the records after the last one read inside it are all there are.
pub async fn begin(client: &Client) -> Result<(), tokio_postgres::Error> {
    client.batch_execute(&format!("BEGIN; SELECT pg_advisory_xact_lock({LOCK_KEY})")).await
}

/// Inserts record `seq`, announces it and commits; durable once this returns `Ok`.
pub async fn commit(client: &Client, seq: u64, payload: &[u8]) -> Result<(), tokio_postgres::Error> {
    let crc = i64::from(record_crc(seq, payload));
    client
        .execute(
            "INSERT INTO diplograph_changes (seq, crc32c, payload) VALUES ($1, $2, $3)",
            &[&(seq as i64), &crc, &payload],
        )
        .await?;
    client.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &seq.to_string()]).await?;
    client.batch_execute("COMMIT").await
}

/// Ends a write transaction without writing (best effort: a connection gone has ended it).
pub async fn rollback(client: &Client) {
    let _ = client.batch_execute("ROLLBACK").await;
}

/// The client's code for a database error: the connection is gone or the server is going
/// away (`JOURNAL_UNREACHABLE`), or the database refused a statement (`JOURNAL_DATABASE`).
pub fn cause(e: &tokio_postgres::Error) -> &'static str {
    match e.code().map(|c| c.code()) {
        // Class 08: connection exception; 57: operator intervention (shutdown, restart).
        Some(code) if !code.starts_with("08") && !code.starts_with("57") => "JOURNAL_DATABASE",
        _ => "JOURNAL_UNREACHABLE",
    }
}
