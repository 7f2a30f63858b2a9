//! Two servers (the release binary in `.ci/run`) on one change log in a real PostgreSQL:
//! writes alternating between them, each visible on both within 1 s; one `kill -9`ed and
//! restarted catches up; PostgreSQL stopped and started under write load (writes fail with
//! a code while it is down, none acknowledged is lost, both resume); a log of another seed
//! and a damaged record refused at start.
//!
//! Set by `.ci/run`: `DIPLOGRAPH_PG_URL` (`postgres://USER@HOST:PORT`, a cluster this test
//! may create databases in), `DIPLOGRAPH_PG_STOP` and `DIPLOGRAPH_PG_START` (shell commands
//! that stop and start it), `DIPLOGRAPH_BIN` (the binary to run). Without
//! `DIPLOGRAPH_PG_URL` the test says it was skipped and checks nothing.
//! `DIPLOGRAPH_REPLICA_SAMPLES=N` sets how many alternating writes are timed (default 20):
//! the latencies are printed (BENCHMARKS.md).

use super::diplograph;
use crate::support::root;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What `.ci/run` gives the test.
struct Cluster {
    base: String,
    stop: String,
    start: String,
}

fn cluster() -> Option<Cluster> {
    let base = std::env::var("DIPLOGRAPH_PG_URL").ok()?;
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("DIPLOGRAPH_PG_URL is set, {name} is not"));
    Some(Cluster {
        base: base.trim_end_matches('/').to_owned(),
        stop: var("DIPLOGRAPH_PG_STOP"),
        start: var("DIPLOGRAPH_PG_START"),
    })
}

/// Runs a shell command of the cluster's.
fn sh(command: &str) {
    let status = std::process::Command::new("sh").args(["-c", command]).status().expect("sh");
    assert!(status.success(), "`{command}`: {status}");
}

/// A server process, killed when the test ends however it ends; its stderr is kept.
struct Server {
    child: Child,
    url: String,
    log: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

/// Starts `diplograph serve ARGS` and waits for its "serving" line (its stderr is read to
/// the end by a thread, so the server never blocks on a full pipe).
fn start(args: &[&str]) -> Server {
    let mut child = diplograph(args).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawn");
    let stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let log = Arc::new(Mutex::new(String::new()));
    let (serving, url) = std::sync::mpsc::channel();
    let kept = log.clone();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if let Some(at) = line.find("serving http://") {
                let _ = serving.send(line[at + "serving ".len()..].split('/').take(3).collect::<Vec<_>>().join("/"));
            }
            if let Ok(mut l) = kept.lock() {
                l.push_str(&line);
                l.push('\n');
            }
        }
    });
    let url = url.recv_timeout(Duration::from_secs(60));
    let server = Server { child, url: url.clone().unwrap_or_default(), log };
    assert!(url.is_ok(), "the server did not start:\n{}", server.log());
    server
}

/// A change log in a database of its own, dropped at the end.
struct Database {
    admin: tokio_postgres::Client,
    name: String,
    url: String,
}

impl Database {
    async fn create(base: &str) -> Database {
        let (admin, connection) = tokio_postgres::connect(&format!("{base}/postgres"), tokio_postgres::NoTls)
            .await
            .expect("admin connection");
        tokio::spawn(connection);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = format!("diplograph_replicas_{}_{nanos}", std::process::id());
        admin.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("create database");
        let url = format!("{base}/{name}");
        Database { admin, name, url }
    }

    /// A connection to the log's database (a new one: the cluster may have restarted).
    async fn client(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls).await.expect("connect");
        tokio::spawn(connection);
        client
    }

    /// The sequence numbers the log holds, in order.
    async fn seqs(&self) -> Vec<i64> {
        let rows =
            self.client().await.query("SELECT seq FROM diplograph_changes ORDER BY seq", &[]).await.expect("seqs");
        rows.iter().map(|r| r.get(0)).collect()
    }

    async fn drop_it(self) {
        let Ok((admin, connection)) =
            tokio_postgres::connect(&self.url.replace(&self.name, "postgres"), tokio_postgres::NoTls).await
        else {
            return;
        };
        tokio::spawn(connection);
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).await;
        drop(self.admin);
    }
}

/// The HTTP side: writes with the test's token, reads, `/health`.
#[derive(Clone)]
struct Http(reqwest::Client);

/// How a write ended: acknowledged (`seq`), or refused with a code and a cause.
type Written = Result<u64, (String, String)>;

impl Http {
    async fn graphql(&self, url: &str, query: &str, variables: Value) -> Value {
        let r = self
            .0
            .post(format!("{url}/graphql"))
            .bearer_auth("secret-w")
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await;
        match r {
            Ok(r) => r.json().await.unwrap_or(Value::Null),
            Err(e) => json!({ "errors": [{ "extensions": { "code": "NO_ANSWER", "cause": e.to_string() } }] }),
        }
    }

    async fn write(&self, url: &str, id: &str) -> Written {
        let event = json!({ "id": id, "title": "A call", "summary": "They spoke.", "kind": "CALL",
            "status": "OCCURRED", "when": "2021-06-10", "sources": ["source:report-000-2021-06-08"] });
        let r = self.graphql(url, super::APPLY, json!({ "c": { "events": [event] } })).await;
        match r["data"]["applyChange"]["seq"].as_u64() {
            Some(seq) => Ok(seq),
            None => {
                let ext = &r["errors"][0]["extensions"];
                Err((ext["code"].as_str().unwrap_or("?").to_owned(), ext["cause"].as_str().unwrap_or("").to_owned()))
            }
        }
    }

    async fn has(&self, url: &str, id: &str) -> bool {
        let r = self.graphql(url, "query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })).await;
        r["data"]["node"]["id"] == id
    }

    async fn health(&self, url: &str) -> (u16, Value) {
        match self.0.get(format!("{url}/health")).send().await {
            Ok(r) => (r.status().as_u16(), r.json().await.unwrap_or(Value::Null)),
            Err(_) => (0, Value::Null),
        }
    }

    /// Waits until `id` is visible on `url`: how long that took, or `None` after `limit`.
    async fn visible(&self, url: &str, id: &str, limit: Duration) -> Option<Duration> {
        let t = Instant::now();
        loop {
            if self.has(url, id).await {
                return Some(t.elapsed());
            }
            if t.elapsed() > limit {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    /// Waits until every server has applied the log up to `seq` and they serve one snapshot.
    async fn converged(&self, urls: &[&str], seq: u64, limit: Duration) -> Result<String, String> {
        let t = Instant::now();
        loop {
            let mut seen = Vec::new();
            for url in urls {
                seen.push(self.health(url).await.1);
            }
            let applied = seen.iter().all(|h| h["changeLog"]["applied"] == seq && h["changeLog"]["latest"] == seq);
            let hash = &seen[0]["snapshot"]["hash"];
            if applied && seen.iter().all(|h| &h["snapshot"]["hash"] == hash) {
                return Ok(hash.as_str().unwrap_or_default().to_owned());
            }
            if t.elapsed() > limit {
                return Err(format!("not converged on {seq} after {limit:?}: {seen:#?}"));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The `p`th percentile of `sorted`.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[test]
fn replicas_share_one_postgresql_log_through_kills_and_restarts() {
    let Some(cluster) = cluster() else {
        eprintln!("skipped: DIPLOGRAPH_PG_URL is not set (.ci/run sets it, with a private PostgreSQL)");
        return;
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(scenario(cluster));
}

async fn scenario(cluster: Cluster) {
    let db = Database::create(&cluster.base).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let tokens = dir.path().join("tokens");
    let hash = {
        use sha2::Digest;
        sha2::Sha256::digest(b"secret-w").iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    std::fs::write(&tokens, format!("writer write {hash}\n")).expect("tokens");
    let tokens = tokens.to_string_lossy().into_owned();
    let args = ["serve", "--addr", "127.0.0.1:0", "--seed", "seed", "--tokens", &tokens, "--journal", &db.url];
    let http = Http(reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client"));

    // Two replicas; writes alternate between them, each visible on the other within 1 s.
    let a = start(&args);
    let mut b = start(&args);
    let samples: usize = std::env::var("DIPLOGRAPH_REPLICA_SAMPLES").ok().and_then(|n| n.parse().ok()).unwrap_or(20);
    let (mut acks, mut lags) = (Vec::new(), Vec::new());
    for i in 0..samples {
        let (on, other) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let id = format!("event:replicated-{i}");
        let t = Instant::now();
        assert_eq!(http.write(&on.url, &id).await, Ok(i as u64 + 1), "writes take the next seq in turn");
        acks.push(t.elapsed());
        assert!(http.has(&on.url, &id).await, "visible where written once answered");
        let lag = http.visible(&other.url, &id, Duration::from_secs(1)).await;
        lags.push(lag.unwrap_or_else(|| panic!("{id} not visible on the other replica within 1 s\n{}", other.log())));
    }
    acks.sort();
    lags.sort();
    println!(
        "replicas: {samples} writes alternating; acknowledged p50 {:?} p99 {:?}; visible on the other replica p50 {:?} p99 {:?} max {:?}",
        percentile(&acks, 0.5),
        percentile(&acks, 0.99),
        percentile(&lags, 0.5),
        percentile(&lags, 0.99),
        lags[lags.len() - 1]
    );
    let mut last = samples as u64;
    http.converged(&[&a.url, &b.url], last, Duration::from_secs(5)).await.expect("one snapshot");

    // `kill -9` one replica: the other goes on writing; restarted, it catches up.
    b.child.kill().expect("kill -9");
    let _ = b.child.wait();
    for i in 0..5 {
        last += 1;
        assert_eq!(http.write(&a.url, &format!("event:while-b-down-{i}")).await, Ok(last));
    }
    b = start(&args);
    for i in 0..5 {
        assert!(http.has(&b.url, &format!("event:while-b-down-{i}")).await, "replayed at start");
    }
    last += 1;
    assert_eq!(http.write(&b.url, "event:after-restart").await, Ok(last));
    assert!(http.visible(&a.url, "event:after-restart", Duration::from_secs(1)).await.is_some());
    http.converged(&[&a.url, &b.url], last, Duration::from_secs(5)).await.expect("caught up");

    // PostgreSQL stopped and started under write load.
    let before_load = last;
    let stop = Arc::new(AtomicBool::new(false));
    let load = {
        let (stop, http, urls) = (stop.clone(), http.clone(), [a.url.clone(), b.url.clone()]);
        tokio::spawn(async move {
            let mut done: Vec<(String, Written)> = Vec::new();
            for i in 0.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let id = format!("event:load-{i}");
                let written = http.write(&urls[i % 2], &id).await;
                done.push((id, written));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            done
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    tokio::task::spawn_blocking({
        let stop = cluster.stop.clone();
        move || sh(&stop)
    })
    .await
    .expect("stopped");
    // While it is down: a coded refusal, and reads go on.
    assert_eq!(
        http.write(&a.url, "event:while-pg-down").await,
        Err(("WRITE_FAILED".to_owned(), "JOURNAL_UNREACHABLE".to_owned()))
    );
    assert!(http.has(&b.url, "event:replicated-0").await, "reads go on");
    assert_eq!(http.health(&a.url).await.0, 200, "a replica that cannot reach the log keeps serving");
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    tokio::task::spawn_blocking({
        let start = cluster.start.clone();
        move || sh(&start)
    })
    .await
    .expect("started");
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    stop.store(true, Ordering::Relaxed);
    let done = load.await.expect("load");
    let acked: Vec<&(String, Written)> = done.iter().filter(|(_, w)| w.is_ok()).collect();
    let failed: Vec<&(String, Written)> = done.iter().filter(|(_, w)| w.is_err()).collect();
    assert!(!failed.is_empty(), "writes failed while PostgreSQL was down: {done:?}");
    for (id, w) in &failed {
        let refused = w.as_ref().err().map(|(code, cause)| (code.as_str(), cause.as_str()));
        assert_eq!(refused, Some(("WRITE_FAILED", "JOURNAL_UNREACHABLE")), "{id}");
    }
    let resumed = done.iter().rev().take_while(|(_, w)| w.is_ok()).count();
    assert!(resumed > 0, "writes succeed again once PostgreSQL is back: {done:?}");
    let seqs = db.seqs().await;
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>(), "no gap in the log");
    last = seqs.len() as u64;
    assert!(last >= before_load + acked.len() as u64, "every acknowledged write is in the log");
    let hash = http.converged(&[&a.url, &b.url], last, Duration::from_secs(10)).await.expect("both resume");
    for (id, _) in &acked {
        for server in [&a, &b] {
            assert!(http.has(&server.url, id).await, "{id}, acknowledged, is on {}", server.url);
        }
    }
    println!(
        "replicas: PostgreSQL restarted under load: {} acknowledged, {} refused, snapshot {hash}",
        acked.len(),
        failed.len()
    );

    // Refused at start: a log written against another seed, then a record that fails its checksum.
    let other_seed = crate::reload::seed_copy();
    let actors = other_seed.path().join("actors.toml");
    let text = std::fs::read_to_string(&actors).expect("actors");
    std::fs::write(&actors, text.replace("name = \"Kamala Harris\"", "name = \"Kamala D. Harris\"")).expect("edit");
    let seed_hash = |dir: &std::path::Path| diplograph::seed::load(dir).expect("seed").snapshot().hash.clone();
    let (ours, theirs) = (seed_hash(&root().join("seed")), seed_hash(other_seed.path()));
    let seed_arg = other_seed.path().to_string_lossy().into_owned();
    let out = diplograph(&["serve", "--addr", "127.0.0.1:0", "--seed", &seed_arg, "--journal", &db.url])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("`{ours}`")) && stderr.contains(&format!("`{theirs}`")), "{stderr}");

    db.client()
        .await
        .batch_execute("UPDATE diplograph_changes SET payload = payload || '\\x20'::bytea WHERE seq = 3")
        .await
        .expect("damage record 3");
    let out = diplograph(&args[..args.len()]).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("change log record 3 fails its checksum"), "{stderr}");
    drop((a, b));
    db.drop_it().await;
}
