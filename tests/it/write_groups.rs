//! The write path's grouping (issue 15, visibility): changes checked one by one on the
//! head's records, built and published together once durable. The graph served after many
//! concurrent changes (some refused) is the graph built from scratch from the same records,
//! and the one the log replays to; a failed sync keeps the changes durable before it.

use diplograph::api::{Author, WriteService, Writes};
use diplograph::graph::{KnowledgeGraph, ServedGraph};
use diplograph::model::{EntityKind, NodeId};
use diplograph::write::{replay, Log, MemoryLog, Writer};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

const APPLY: &str = "mutation($c: ChangeInput!) { applyChange(change: $c) { seq } }";

/// A generated seed of 1,000 events, loaded.
fn generated() -> Arc<KnowledgeGraph> {
    let dir = tempfile::tempdir().expect("temp dir");
    diplograph::generate::generate(&diplograph::generate::GenerateConfig { events: 1000, seed: 3 }, dir.path())
        .expect("generate");
    Arc::new(diplograph::seed::load(dir.path()).expect("generated seed"))
}

/// A memory log whose syncs take a while, so that concurrent changes share them.
struct SlowLog(MemoryLog);

#[async_trait::async_trait]
impl Log for SlowLog {
    fn append(&self, payload: &[u8]) -> std::io::Result<u64> {
        self.0.append(payload)
    }
    async fn synced(&self, _seq: u64) -> std::io::Result<()> {
        tokio::time::sleep(Duration::from_millis(3)).await;
        Ok(())
    }
}

async fn apply(w: &Arc<Writer>, served: &ServedGraph, change: Value) -> Value {
    let request = crate::support::request(APPLY, json!({ "c": change }))
        .data(WriteService(w.clone()))
        .data(Author("alice".into()));
    serde_json::to_value(diplograph::api::execute(&diplograph::api::schema(), request, served.load()).await)
        .expect("json")
}

/// Retracts the record `id` as alice.
async fn retract(w: &Arc<Writer>, served: &ServedGraph, id: &str) -> Value {
    let query = "mutation($ids: [ID!]!) { retract(ids: $ids, reason: \"wrong\") { seq } }";
    let request = crate::support::request(query, json!({ "ids": [id] }))
        .data(WriteService(w.clone()))
        .data(Author("alice".into()));
    serde_json::to_value(diplograph::api::execute(&diplograph::api::schema(), request, served.load()).await)
        .expect("json")
}

/// Every entity of `g`, as text, in `NodeId` order (and whether it was retracted).
fn entities(g: &KnowledgeGraph) -> Vec<String> {
    (0..g.node_count() as u32).map(|i| format!("{:?} {:?}", g.is_retracted(NodeId(i)), g.entity(NodeId(i)))).collect()
}

/// The same records as `g` (retracted ones kept as retracted), built from scratch.
fn scratch(g: &KnowledgeGraph) -> Arc<KnowledgeGraph> {
    let (entities, ids) = g.records();
    Arc::new(KnowledgeGraph::build(entities, ids, g.snapshot().clone()))
}

/// Answers that go through the orders, reverse lists, dates, names, search and analytics.
fn answers(g: &Arc<KnowledgeGraph>) -> Value {
    let q = r#"{
        events(first: 30) { totalCount edges { cursor node { id title } } }
        june: events(first: 5, filter: { from: "2021-06-01", to: "2021-06-30" }) { totalCount edges { node { id } } }
        search(text: "grouped call", first: 20) { ... on Event { id } }
        actors(first: 10) { totalCount edges { node { id name events(first: 50) { totalCount edges { node { id } } } } } }
        sources(first: 5) { edges { node { id } } }
    }"#;
    crate::support::run(g, crate::support::request(q, json!({})))
}

#[test]
fn grouped_changes_publish_the_graph_built_from_scratch_and_the_one_the_log_replays_to() {
    let seed = generated();
    let source = seed.entity(seed.all(EntityKind::Source)[0]).id().to_owned();
    let actors: Vec<String> =
        seed.all(EntityKind::Actor).iter().take(8).map(|&n| seed.entity(n).id().to_owned()).collect();
    let replaced = seed.entity(seed.all(EntityKind::Event)[5]).id().to_owned();
    let served = ServedGraph::new(seed.clone());
    let log = Arc::new(SlowLog(MemoryLog::new()));
    let w = Arc::new(Writer::new(served.clone(), log.clone(), Vec::new()));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    let refused = AtomicU64::new(0);
    let answers_ok = runtime.block_on(async {
        let tasks: Vec<_> = (0..16)
            .map(|t| {
                let (w, served, source, actors, replaced) =
                    (w.clone(), served.clone(), source.clone(), actors.clone(), replaced.clone());
                tokio::spawn(async move {
                    let mut results = Vec::new();
                    for i in 0..6 {
                        let id = format!("event:grouped-{t}-{i}");
                        let actor = &actors[(t + i) % actors.len()];
                        let change = match i {
                            // Refused: an unknown source (the draft must come back whole).
                            3 => json!({ "events": [{ "id": format!("event:refused-{t}"), "title": "No",
                                "summary": "No.", "kind": "CALL", "status": "OCCURRED", "when": "2021-06-10",
                                "sources": ["source:nowhere"] }] }),
                            // Replaces an event of the seed (the last writer wins).
                            4 => json!({ "events": [{ "id": replaced, "title": format!("Replaced by {t}"),
                                "summary": "Again.", "kind": "MEETING", "status": "OCCURRED", "when": "2021-06-11",
                                "sources": [source],
                                "participants": [{ "actor": actor, "role": "PARTICIPANT", "sources": [source] }] }] }),
                            _ => json!({ "events": [{ "id": id, "title": format!("Grouped call {t} {i}"),
                                "summary": "They spoke.", "kind": "CALL", "status": "OCCURRED",
                                "when": format!("2021-06-{:02}", 1 + (t + i) % 28), "sources": [source],
                                "participants": [{ "actor": actor, "role": "PARTICIPANT", "sources": [source] }] }] }),
                        };
                        let r = apply(&w, &served, change).await;
                        // Visible to every query that starts after the answer.
                        let visible = served.load().get(&id).is_some();
                        results.push((i, r, visible));
                    }
                    results
                })
            })
            .collect();
        let mut ok = 0;
        for task in tasks {
            for (i, r, visible) in task.await.expect("writer") {
                if i == 3 {
                    assert_eq!(r["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{r:#}");
                    refused.fetch_add(1, Ordering::Relaxed);
                } else {
                    assert!(r.get("errors").is_none(), "{r:#}");
                    assert!(i == 4 || visible, "change {i} is visible once answered");
                    ok += 1;
                }
            }
        }
        ok
    });
    assert_eq!((answers_ok, refused.load(Ordering::Relaxed)), (16 * 5, 16));
    let payloads = log.0.payloads();
    assert_eq!(payloads.len(), 16 * 5, "refused changes are not logged");
    assert_eq!(w.changes().len(), 16 * 5);
    // `changes` pages them, forwards and backwards, across the change store's chunks.
    let changes = |args: &str, cursor: &Value| {
        let q = format!("query($c: String) {{ changes({args}) {{ totalCount nodes {{ seq }} pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }} }}");
        let request = crate::support::request(&q, json!({ "c": cursor })).data(WriteService(w.clone()));
        let r = crate::support::block_on(diplograph::api::execute(&diplograph::api::schema(), request, served.load()));
        let r = serde_json::to_value(r).expect("json");
        assert_eq!(r["data"]["changes"]["totalCount"], 16 * 5, "{r:#}");
        r["data"]["changes"].clone()
    };
    let seqs = |page: &Value| {
        page["nodes"].as_array().expect("nodes").iter().map(|n| n["seq"].as_u64().expect("seq")).collect::<Vec<_>>()
    };
    let (mut forward, mut cursor) = (Vec::new(), Value::Null);
    loop {
        let page = changes("first: 30, after: $c", &cursor);
        forward.extend(seqs(&page));
        cursor = page["pageInfo"]["endCursor"].clone();
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
    }
    let (mut backward, mut cursor) = (Vec::new(), Value::Null);
    loop {
        let page = changes("last: 30, before: $c", &cursor);
        backward.splice(0..0, seqs(&page));
        cursor = page["pageInfo"]["startCursor"].clone();
        if page["pageInfo"]["hasPreviousPage"] != true {
            break;
        }
    }
    let all: Vec<u64> = (1..=16 * 5).collect();
    assert_eq!((forward, backward), (all.clone(), all));

    let now = served.load();
    let (replayed, _) =
        replay(&seed, payloads.into_iter().enumerate().map(|(i, p)| (i as u64 + 1, p))).expect("replay");
    assert_eq!(now.snapshot().hash, replayed.snapshot().hash, "the snapshot chain of the log");
    assert_eq!(entities(&now), entities(&replayed));
    let replayed = Arc::new(replayed);
    // The same records, built from scratch.
    let scratch = scratch(&now);
    let served_answers = answers(&now);
    assert!(served_answers.get("errors").is_none(), "{served_answers:#}");
    assert_eq!(served_answers, answers(&scratch));
    assert_eq!(served_answers, answers(&replayed));
    assert_eq!(now.node_count(), seed.node_count() + 16 * 4);
}

/// A log whose syncs wait for the test's gate; record 1 syncs, the others fail.
struct FailsAfterFirst {
    appended: AtomicU64,
    gate: tokio::sync::Semaphore,
}

#[async_trait::async_trait]
impl Log for FailsAfterFirst {
    fn append(&self, _payload: &[u8]) -> std::io::Result<u64> {
        Ok(self.appended.fetch_add(1, Ordering::SeqCst) + 1)
    }
    async fn synced(&self, seq: u64) -> std::io::Result<()> {
        let _permit = self.gate.acquire().await.map_err(std::io::Error::other)?;
        if seq == 1 {
            Ok(())
        } else {
            Err(std::io::Error::other("JOURNAL_FAILED: fsync: input/output error"))
        }
    }
}

#[test]
fn a_failed_sync_drops_its_change_and_later_ones_but_keeps_the_durable_ones_before_it() {
    let served = ServedGraph::new(crate::support::graph());
    let log = Arc::new(FailsAfterFirst { appended: 0.into(), gate: tokio::sync::Semaphore::new(0) });
    let w = Arc::new(Writer::new(served.clone(), log.clone(), Vec::new()));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    let event = |id: &str| {
        json!({ "events": [{ "id": id, "title": "A call", "summary": "They spoke.", "kind": "CALL",
            "status": "OCCURRED", "when": "2021-06-10", "sources": ["source:report-000-2021-06-08"] }] })
    };
    let (first, second) = runtime.block_on(async {
        let one = tokio::spawn({
            let (w, served, c) = (w.clone(), served.clone(), event("event:durable"));
            async move { apply(&w, &served, c).await }
        });
        while log.appended.load(Ordering::SeqCst) < 1 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let two = tokio::spawn({
            let (w, served, c) = (w.clone(), served.clone(), event("event:lost"));
            async move { apply(&w, &served, c).await }
        });
        while log.appended.load(Ordering::SeqCst) < 2 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        // Both are appended; neither is visible before its sync.
        assert!(served.load().get("event:durable").is_none());
        log.gate.add_permits(2);
        (one.await.expect("one"), two.await.expect("two"))
    });
    assert!(first.get("errors").is_none(), "{first:#}");
    assert_eq!(second["errors"][0]["extensions"]["code"], "WRITE_FAILED", "{second:#}");
    let g = served.load();
    assert!(g.get("event:durable").is_some(), "the durable change stays visible");
    assert!(g.get("event:lost").is_none());
    assert_eq!(w.changes().iter().map(|c| c.seq).collect::<Vec<_>>(), vec![1]);
    // Later writes are refused; reads go on.
    let third = runtime.block_on(apply(&w, &served, event("event:after")));
    assert_eq!(third["errors"][0]["extensions"]["code"], "WRITE_FAILED", "{third:#}");
}

/// The file journal's disk, whose `fsync` waits while the test holds its gate shut and fails
/// while the test says so.
struct GatedDisk {
    file: diplograph::journal::FileDisk,
    shut: std::sync::Mutex<bool>,
    opened: std::sync::Condvar,
    fail: std::sync::atomic::AtomicBool,
}

impl GatedDisk {
    fn set(&self, shut: bool) {
        *self.shut.lock().expect("gate") = shut;
        self.opened.notify_all();
    }
}

impl diplograph::journal::Disk for GatedDisk {
    fn write_at(&self, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
        self.file.write_at(offset, bytes)
    }
    fn sync(&self) -> std::io::Result<()> {
        let mut shut = self.shut.lock().expect("gate");
        while *shut {
            shut = self.opened.wait(shut).expect("gate");
        }
        if self.fail.load(Ordering::SeqCst) {
            return Err(std::io::Error::other("EIO (injected)"));
        }
        self.file.sync()
    }
    fn truncate(&self, len: u64) -> std::io::Result<()> {
        self.file.truncate(len)
    }
}

/// A writer on a file journal in `dir` whose disk's `fsync` is shut until the test opens it.
fn gated(dir: &std::path::Path) -> (Arc<Writer>, ServedGraph, diplograph::journal::Journal, Arc<GatedDisk>) {
    let path = dir.join("changes.journal");
    let disk = Arc::new(GatedDisk {
        file: diplograph::journal::FileDisk::new(&path),
        shut: std::sync::Mutex::new(true),
        opened: std::sync::Condvar::new(),
        fail: false.into(),
    });
    let (journal, _) = diplograph::journal::Journal::open_on(&path, disk.clone()).expect("journal");
    let served = ServedGraph::new(crate::support::graph());
    let w = Arc::new(Writer::new(served.clone(), Arc::new(journal.clone()), Vec::new()));
    (w, served, journal, disk)
}

fn call(id: &str) -> Value {
    json!({ "events": [{ "id": id, "title": "A call", "summary": "They spoke.", "kind": "CALL",
        "status": "OCCURRED", "when": "2021-06-10", "sources": ["source:report-000-2021-06-08"] }] })
}

/// Waits (up to a minute) until `done` holds.
fn until(what: &str, done: impl Fn() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(60), "still waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn a_change_whose_request_and_writer_are_dropped_before_its_fsync_is_still_made_durable_and_visible() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (w, served, journal, disk) = gated(dir.path());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    let request = runtime.spawn({
        let (w, served) = (w.clone(), served.clone());
        async move { apply(&w, &served, call("event:orphan")).await }
    });
    until("the change to be appended", || journal.last_seq() == 1);
    // The client goes away, and the server drops its writer: the fsync has not run yet.
    request.abort();
    assert!(runtime.block_on(request).expect_err("aborted").is_cancelled());
    drop(w);
    assert!(served.load().get("event:orphan").is_none(), "not visible before it is durable");
    disk.set(false);
    until("the change to be visible", || served.load().get("event:orphan").is_some());
    assert_eq!(journal.durable_seq(), 1);
    let (_, entries) = diplograph::journal::Journal::open(dir.path().join("changes.journal")).expect("reopen");
    assert_eq!(entries.len(), 1, "on disk");
}

#[test]
fn writes_on_the_file_journal_share_fsyncs_and_a_failed_fsync_refuses_its_changes_and_every_later_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (w, served, journal, disk) = gated(dir.path());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    let spawn = |id: String| {
        let (w, served) = (w.clone(), served.clone());
        runtime.spawn(async move { apply(&w, &served, call(&id)).await })
    };
    // 16 writers while the first fsync waits: at most two fsyncs for them all.
    let writes: Vec<_> = (0..16).map(|i| spawn(format!("event:shared-{i}"))).collect();
    until("16 changes to be appended", || journal.last_seq() == 16);
    assert!(served.load().get("event:shared-0").is_none(), "not visible before it is durable");
    disk.set(false);
    for write in writes {
        let r = runtime.block_on(write).expect("write");
        assert!(r.get("errors").is_none(), "{r:#}");
    }
    assert!(journal.fsyncs() <= 2, "{} fsyncs for 16 concurrent changes", journal.fsyncs());
    let g = served.load();
    assert!((0..16).all(|i| g.get(&format!("event:shared-{i}")).is_some()), "every change visible once answered");
    let durable = journal.len();

    // The next fsync fails: both changes waiting for it are refused, and every later one.
    disk.set(true);
    disk.fail.store(true, Ordering::SeqCst);
    let lost: Vec<_> = (0..2).map(|i| spawn(format!("event:lost-{i}"))).collect();
    until("2 more changes to be appended", || journal.last_seq() == 18);
    disk.set(false);
    for write in lost {
        let r = runtime.block_on(write).expect("write");
        assert_eq!(r["errors"][0]["extensions"]["code"], "WRITE_FAILED", "{r:#}");
        assert_eq!(r["errors"][0]["extensions"]["cause"], "JOURNAL_IO", "{r:#}");
    }
    let later = runtime.block_on(apply(&w, &served, call("event:later")));
    assert_eq!(later["errors"][0]["extensions"]["cause"], "JOURNAL_FAILED", "{later:#}");
    let g = served.load();
    assert!(g.get("event:lost-0").is_none() && g.get("event:lost-1").is_none() && g.get("event:later").is_none());
    assert!(g.get("event:shared-15").is_some(), "the durable changes stay");
    assert_eq!(w.changes().iter().map(|c| c.seq).collect::<Vec<_>>(), (1..=16).collect::<Vec<_>>());
    assert_eq!((journal.len(), journal.last_seq()), (durable, 16), "cut back to the durable records");
    let (_, entries) = diplograph::journal::Journal::open(dir.path().join("changes.journal")).expect("reopen");
    assert_eq!(entries.len(), 16);
}

/// A log synced on the writer's thread whose first sync waits for the test's gate and then,
/// as the file journal does, counts durable every record appended before it returned; every
/// later sync fails (the log cut back to those).
struct LateSync {
    appended: AtomicU64,
    durable: AtomicU64,
    syncs: AtomicU64,
    open: std::sync::Mutex<bool>,
    opened: std::sync::Condvar,
}

#[async_trait::async_trait]
impl Log for LateSync {
    fn append(&self, _payload: &[u8]) -> std::io::Result<u64> {
        Ok(self.appended.fetch_add(1, Ordering::SeqCst) + 1)
    }
    async fn synced(&self, _seq: u64) -> std::io::Result<()> {
        Err(std::io::Error::other("a blocking log is synced by `sync`"))
    }
    fn blocking(&self) -> bool {
        true
    }
    fn sync(&self) -> std::io::Result<()> {
        if self.syncs.fetch_add(1, Ordering::SeqCst) > 0 {
            return Err(std::io::Error::other("JOURNAL_IO: fsync: input/output error (injected)"));
        }
        let mut open = self.open.lock().expect("gate");
        while !*open {
            open = self.opened.wait(open).expect("gate");
        }
        self.durable.store(self.appended.load(Ordering::SeqCst), Ordering::SeqCst);
        Ok(())
    }
    fn durable_seq(&self) -> u64 {
        self.durable.load(Ordering::SeqCst)
    }
}

#[test]
fn a_change_the_log_made_durable_by_a_sync_started_before_it_is_kept_when_the_next_sync_fails() {
    let served = ServedGraph::new(crate::support::graph());
    let log = Arc::new(LateSync {
        appended: 0.into(),
        durable: 0.into(),
        syncs: 0.into(),
        open: std::sync::Mutex::new(false),
        opened: std::sync::Condvar::new(),
    });
    let w = Arc::new(Writer::new(served.clone(), log.clone(), Vec::new()));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    let spawn = |id: &str| {
        let (w, served, c) = (w.clone(), served.clone(), call(id));
        runtime.spawn(async move { apply(&w, &served, c).await })
    };
    let first = spawn("event:first");
    until("the first sync to start", || log.syncs.load(Ordering::SeqCst) == 1);
    // Appended while the sync runs: the log counts it durable when the sync returns.
    let second = spawn("event:second");
    until("the second change to be appended", || log.appended.load(Ordering::SeqCst) == 2);
    *log.open.lock().expect("gate") = true;
    log.opened.notify_all();
    for (write, id) in [(first, "event:first"), (second, "event:second")] {
        let r = runtime.block_on(write).expect("write");
        assert!(r.get("errors").is_none(), "{id}: {r:#}");
        assert!(served.load().get(id).is_some(), "{id} visible once answered");
    }
    // The next sync fails: its change is refused, the two durable ones stay.
    let third = runtime.block_on(spawn("event:third")).expect("write");
    assert_eq!(third["errors"][0]["extensions"]["code"], "WRITE_FAILED", "{third:#}");
    assert!(served.load().get("event:third").is_none());
    assert_eq!(w.changes().iter().map(|c| c.seq).collect::<Vec<_>>(), vec![1, 2]);
}

#[test]
fn a_stream_of_additions_is_folded_in_the_background_and_a_replacement_or_retraction_meanwhile_is_never_lost() {
    let seed = generated();
    let source = seed.entity(seed.all(EntityKind::Source)[0]).id().to_owned();
    let actors: Vec<String> =
        seed.all(EntityKind::Actor).iter().take(8).map(|&n| seed.entity(n).id().to_owned()).collect();
    let served = ServedGraph::new(seed.clone());
    let log = Arc::new(MemoryLog::new());
    let w = Arc::new(Writer::new(served.clone(), log.clone(), Vec::new()));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    runtime.block_on(async {
        let tasks: Vec<_> = (0..4)
            .map(|t| {
                let (w, served, source, actors) = (w.clone(), served.clone(), source.clone(), actors.clone());
                tokio::spawn(async move {
                    for i in 0..160 {
                        // Every tenth change gives an event this task added before another title
                        // (a replacement made in place), and every tenth retracts one, while folds
                        // run or wait: a fold holds the records its base had, and the build that
                        // takes it must replace or retract them again.
                        if i % 10 == 7 {
                            let id = format!("event:folded-{t}-{}", i - 6);
                            let r = retract(&w, &served, &id).await;
                            assert!(r.get("errors").is_none(), "{r:#}");
                            assert!(served.load().get(&id).is_none(), "{id} gone once answered");
                            continue;
                        }
                        let (j, title) = match i % 10 {
                            5 => (i - 5, format!("Retitled by {t} at {i}")),
                            _ => (i, format!("Folded call {t} {i}")),
                        };
                        let id = format!("event:folded-{t}-{j}");
                        let actor = &actors[(t + j) % actors.len()];
                        let participants = json!([{ "actor": actor, "role": "PARTICIPANT", "sources": [source] }]);
                        let change = json!({ "events": [{ "id": id, "title": title, "summary": "They spoke.",
                            "kind": "CALL", "status": "OCCURRED", "when": format!("2022-03-{:02}", 1 + (t + j) % 28),
                            "sources": [source], "participants": participants }] });
                        let r = apply(&w, &served, change).await;
                        assert!(r.get("errors").is_none(), "{r:#}");
                        let now = served.load();
                        let node = now.get(&id).expect("visible once answered");
                        assert!(format!("{:?}", now.entity(node)).contains(&title), "{title} is what is served");
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("writer");
        }
    });
    assert!(w.folds() > 0, "512 additions to a graph of {} nodes start a fold", seed.node_count());
    let now = served.load();
    assert_eq!(now.node_count(), seed.node_count() + 4 * 128);
    assert_eq!(now.entity_count(), seed.node_count() + 4 * 112);
    let payloads = log.payloads();
    let (replayed, _) =
        replay(&seed, payloads.into_iter().enumerate().map(|(i, p)| (i as u64 + 1, p))).expect("replay");
    assert_eq!(entities(&now), entities(&replayed));
    let scratch = scratch(&now);
    let served_answers = answers(&now);
    assert!(served_answers.get("errors").is_none(), "{served_answers:#}");
    assert_eq!(served_answers, answers(&scratch));
}
