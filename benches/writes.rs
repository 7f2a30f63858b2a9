//! The write path's figures (issue 15), in process through the `Writer` with the file
//! journal (one `fdatasync` per group) in a directory under the target directory:
//!
//! 0. one whole graph build of the seed, and the seed's graph extended by one event (what
//!    the builder does after a write that only adds records);
//! 1. the cost of one `fsync` alone (1 KB `pwrite` + `fdatasync`);
//! 2. single-event changes per second from 32 concurrent writers, with the latency of each
//!    (from the mutation's start to its answer, when it is visible to every later query);
//! 3. reads per second alone, then during 50 writes per second, with the write-to-visible
//!    latency of those writes, then alone again (the two alone averaged): first on the graph
//!    phase 2 left (the seed and every change it wrote: thousands of events on the bundled
//!    seed), then on the seed itself (a fresh writer and journal); each with the writer as a
//!    server has it and, back to back, with every build started at once and no fold thread
//!    (`WriterOptions`, the committer before pacing and background folds);
//!    then, as served on the seed, the same with each write a replacement that moves one of 64
//!    events by a day (the event re-indexed, not built whole: `rebuild.rs`);
//! 4. the replay of 100k journaled single-event changes at start (journal read, changes
//!    checked, one graph built).
//!
//! `cargo bench --bench writes` on the bundled seed; `WRITES_SEED=DIR` for another seed
//! (`diplograph generate --events 100000 --out DIR`), `WRITES_SECS` for each phase's length
//! (default 5), `WRITES_REPLAY` for how many changes to replay (default 100000, 0 to skip).
//! `WRITES_PACE`, `WRITES_MAX_PACE_MS` and `WRITES_FOLD_SHARE` give the writer "as served"
//! other settings than a server's (`WriterOptions`), for trying them.
//! With `RUST_LOG=diplograph::write=debug` each build and fold is logged to stderr (its time,
//! CPU time and how many changes it held), with a line where each phase starts.

use diplograph::api::{Author, WriteService};
use diplograph::graph::{KnowledgeGraph, ServedGraph};
use diplograph::journal::Journal;
use diplograph::model::EntityKind;
use diplograph::write::{Body, Payload, Writer, WriterOptions};
use serde_json::json;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The allocator the server binary uses, so that the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const APPLY: &str = "mutation($c: ChangeInput!) { applyChange(change: $c) { seq } }";
const READ: &str = "{ events(first: 10) { totalCount edges { node { id title summary } } } }";

fn main() {
    diplograph::allocator::configure();
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let secs: u64 = std::env::var("WRITES_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let replays: usize = std::env::var("WRITES_REPLAY").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let seed = std::env::var("WRITES_SEED").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/seed").into());
    let phase = Duration::from_secs(secs);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("scratch dir");
    let started = Instant::now();
    let graph = Arc::new(diplograph::seed::load(std::path::Path::new(&seed)).expect("seed"));
    let source = graph.entity(graph.all(EntityKind::Source)[0]).id().to_owned();
    let actor = graph.entity(graph.all(EntityKind::Actor)[0]).id().to_owned();
    println!(
        "seed {seed}: {} entities, {} events, loaded in {:.2} s",
        graph.node_count(),
        graph.all(EntityKind::Event).len(),
        started.elapsed().as_secs_f64()
    );
    let build = Instant::now();
    drop(KnowledgeGraph::build(
        (0..graph.node_count() as u32).map(|i| graph.entity(diplograph::model::NodeId(i)).clone()).collect(),
        (0..graph.node_count() as u32)
            .map(|i| (graph.entity(diplograph::model::NodeId(i)).id().to_owned(), diplograph::model::NodeId(i)))
            .collect(),
        graph.snapshot().clone(),
    ));
    println!("one graph build of this seed: {:.1} ms", build.elapsed().as_secs_f64() * 1e3);
    // What a write that adds one event costs the builder: the graph extended (issue 15).
    let mut times = Vec::new();
    let template = graph.entity(graph.all(EntityKind::Event)[0]).clone();
    for n in 0..20 {
        let mut event = template.clone();
        if let diplograph::model::Entity::Event(e) = &mut event {
            e.id = format!("event:bench-extend-{n}");
        }
        let t = Instant::now();
        drop(graph.extend(vec![event], graph.snapshot().clone()));
        times.push(t.elapsed());
    }
    println!("one graph extended by one event (20 times): {}", summary(&mut times));

    // 1. fsync alone.
    let file = std::fs::File::create(dir.path().join("fsync")).expect("file");
    let mut times = Vec::new();
    for i in 0..200u64 {
        let t = Instant::now();
        file.write_all_at(&[b'x'; 1024], i * 1024).expect("write");
        file.sync_data().expect("fdatasync");
        times.push(t.elapsed());
    }
    println!("fsync alone (1 KB pwrite + fdatasync, 200 times): {}", summary(&mut times));

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let (journal, _) = Journal::open(dir.path().join("changes.journal")).expect("journal");
    let served = ServedGraph::new(graph.clone());
    // The writer as a server has it, or with the pace and fold settings of `WRITES_PACE`,
    // `WRITES_MAX_PACE_MS` and `WRITES_FOLD_SHARE` (for trying other settings).
    let served_options = {
        let d = WriterOptions::default();
        let var = |name: &str| std::env::var(name).ok().and_then(|s| s.parse::<u64>().ok());
        WriterOptions {
            pace: var("WRITES_PACE").map_or(d.pace, |v| v as u32),
            max_pace: var("WRITES_MAX_PACE_MS").map_or(d.max_pace, Duration::from_millis),
            fold_share: var("WRITES_FOLD_SHARE").map_or(d.fold_share, |v| v as usize),
        }
    };
    println!("writer as served: {served_options:?}");
    let writer = Arc::new(Writer::with(served.clone(), Arc::new(journal.clone()), Vec::new(), served_options.clone()));
    let schema = diplograph::api::schema();
    let next = Arc::new(AtomicU64::new(0));
    let change: Change = {
        let (source, actor, next) = (source.clone(), actor.clone(), next.clone());
        Arc::new(move || {
            let n = next.fetch_add(1, Ordering::Relaxed);
            json!({ "c": { "events": [{ "id": format!("event:bench-write-{n}"), "title": format!("Bench call {n}"),
                "summary": "They spoke.", "kind": "CALL", "status": "OCCURRED", "when": "2021-06-10",
                "sources": [source], "participants": [{ "actor": actor, "role": "PARTICIPANT", "sources": [source] }] }] } })
        })
    };
    // One `applyChange` through GraphQL on a writer: its write-to-visible latency.
    let writes_on = |writer: &Arc<Writer>, served: &ServedGraph| -> Write {
        let (writer, served, schema) = (writer.clone(), served.clone(), schema.clone());
        Arc::new(move |variables: serde_json::Value| {
            let (writer, served, schema) = (writer.clone(), served.clone(), schema.clone());
            Box::pin(async move {
                let request = async_graphql::Request::new(APPLY)
                    .variables(async_graphql::Variables::from_json(variables))
                    .data(WriteService(writer))
                    .data(Author("bench".into()));
                let t = Instant::now();
                let response = diplograph::api::execute(&schema, request, served.load()).await;
                let elapsed = t.elapsed();
                assert!(response.errors.is_empty(), "{:?}", response.errors);
                elapsed
            })
        })
    };
    let write = writes_on(&writer, &served);

    // 2. 32 concurrent writers.
    tracing::info!("phase 2: 32 writers");
    let fsyncs = journal.fsyncs();
    let t = Instant::now();
    let latencies = runtime.block_on(async {
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let (write, change) = (write.clone(), change.clone());
                tokio::spawn(async move {
                    let mut times = Vec::new();
                    while t.elapsed() < phase {
                        times.push(write(change()).await);
                    }
                    times
                })
            })
            .collect();
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.expect("writer"));
        }
        all
    });
    let elapsed = t.elapsed().as_secs_f64();
    let mut latencies = latencies;
    let fsyncs = journal.fsyncs() - fsyncs;
    println!(
        "32 writers: {} changes in {elapsed:.1} s = {:.0} changes/s, {fsyncs} fsyncs ({:.1} changes per fsync); write-to-visible {}",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        latencies.len() as f64 / fsyncs.max(1) as f64,
        summary(&mut latencies)
    );

    // 3. Reads alone, then reads during 50 writes/s: on the graph phase 2 left (the seed and
    // every change it wrote), then on the seed itself (a fresh writer and journal), since
    // how much phase 2 added depends on its throughput and length.
    let reads = |served: &ServedGraph, write: Option<(&Write, &Change)>| {
        let stop = Arc::new(AtomicBool::new(false));
        let count = Arc::new(AtomicU64::new(0));
        let t = Instant::now();
        let writes = runtime.block_on(async {
            let readers: Vec<_> = (0..4)
                .map(|_| {
                    let (served, schema, stop, count) =
                        ((*served).clone(), schema.clone(), stop.clone(), count.clone());
                    tokio::spawn(async move {
                        while !stop.load(Ordering::Relaxed) {
                            let r = diplograph::api::execute(&schema, async_graphql::Request::new(READ), served.load())
                                .await;
                            assert!(r.errors.is_empty(), "{:?}", r.errors);
                            count.fetch_add(1, Ordering::Relaxed);
                            // A query answers without yielding: let the writes' tasks run.
                            tokio::task::yield_now().await;
                        }
                    })
                })
                .collect();
            let mut times = Vec::new();
            if let Some((write, change)) = write {
                let mut tick = tokio::time::interval(Duration::from_millis(20));
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                let mut pending = Vec::new();
                while t.elapsed() < phase {
                    tick.tick().await;
                    pending.push(tokio::spawn(write(change())));
                }
                for p in pending {
                    times.push(p.await.expect("write"));
                }
            } else {
                tokio::time::sleep(phase).await;
            }
            stop.store(true, Ordering::Relaxed);
            for r in readers {
                r.await.expect("reader");
            }
            times
        });
        (count.load(Ordering::Relaxed) as f64 / t.elapsed().as_secs_f64(), writes)
    };
    // Each read-load phase runs twice, back to back: with the committer as a server has it
    // (builds paced, layers folded in the background) and with every build started at once
    // and the layers folded inline only (the committer before pacing and folds), each on a
    // fresh writer of the same graph but the first (phase 2's writer, its layers as it left
    // them).
    let unpaced = WriterOptions { pace: 0, max_pace: Duration::ZERO, fold_share: 0 };
    let grown = served.load();
    // Reads alone, during 50 writes/s through `writer` (which serves `served`), alone again.
    let measure = |what: &str, label: &str, writer: &Arc<Writer>, served: &ServedGraph, change: &Change| {
        tracing::info!("phase 3: reads on {what}, then during 50 writes/s, {label}");
        let (before, _) = reads(served, None);
        let write = writes_on(writer, served);
        let (during, mut times) = reads(served, Some((&write, change)));
        let (after, _) = reads(served, None);
        // The reads alone before and after, averaged: the machine's own drift over the
        // three phases (other processes on the same cores) cancels out to first order.
        let alone = (before + after) / 2.0;
        println!(
            "reads on {what} ({} entities after), writer {label}: {alone:.0}/s alone ({before:.0} before, {after:.0} after), {during:.0}/s during 50 writes/s ({:.1}% of alone); those writes' write-to-visible {}",
            served.load().node_count(),
            during / alone * 100.0,
            summary(&mut times)
        );
    };
    measure("the graph phase 2 left", "as served", &writer, &served, &change);
    let again = ServedGraph::new(grown.clone());
    let journal = journal_at(&dir, "grown.journal");
    let unpaced_writer = Arc::new(Writer::with(again.clone(), Arc::new(journal), Vec::new(), unpaced.clone()));
    measure("the graph phase 2 left", "unpaced  ", &unpaced_writer, &again, &change);
    drop((write, writer, unpaced_writer, grown));
    for (label, options) in [("as served", served_options.clone()), ("unpaced  ", unpaced)] {
        let served = ServedGraph::new(graph.clone());
        let journal = journal_at(&dir, &format!("seed-{}.journal", label.trim()));
        let writer = Arc::new(Writer::with(served.clone(), Arc::new(journal), Vec::new(), options));
        measure("the seed", label, &writer, &served, &change);
    }

    // 3b. The same on the seed, each write a replacement that moves an event's date (so the
    // event is re-indexed: moved in the events' order, its lists, date index and analytics
    // made again from the graph before; `rebuild.rs`), as served: 64 events added first,
    // then each write gives one of them, in turn, another day.
    {
        let served = ServedGraph::new(graph.clone());
        let journal = journal_at(&dir, "moves.journal");
        let writer = Arc::new(Writer::with(served.clone(), Arc::new(journal), Vec::new(), served_options.clone()));
        let event = {
            let (source, actor) = (source.clone(), actor.clone());
            move |i: u64, day: u64| {
                json!({ "id": format!("event:bench-move-{i}"), "title": format!("Bench meeting {i}"),
                    "summary": "They met.", "kind": "MEETING", "status": "OCCURRED", "when": format!("2021-06-{:02}", day % 28 + 1),
                    "sources": [source], "participants": [{ "actor": actor, "role": "PARTICIPANT", "sources": [source] }] })
            }
        };
        let first: Vec<_> = (0..64).map(|i| event(i, i)).collect();
        runtime.block_on(writes_on(&writer, &served)(json!({ "c": { "events": first } })));
        let next = AtomicU64::new(0);
        let moves: Change = Arc::new(move || {
            let n = next.fetch_add(1, Ordering::Relaxed);
            json!({ "c": { "events": [event(n % 64, n % 64 + n / 64 + 1)] } })
        });
        measure("the seed, dates moved", "as served", &writer, &served, &moves);
    }

    println!("{}", memory());

    // 4. Replay.
    if replays > 0 {
        let path = dir.path().join("replay.journal");
        {
            let (log, _) = Journal::open(&path).expect("journal");
            let mut last = 0;
            for n in 0..replays {
                let records = format!(
                    "[[event]]\nid = \"event:replayed-{n}\"\ntitle = \"Replayed call {n}\"\nkind = \"call\"\nstatus = \"occurred\"\nwhen = \"2021-06-10\"\nsummary = \"They spoke.\"\nsources = [\"{source}\"]\n\n[[event.participant]]\nactor = \"{actor}\"\nrole = \"participant\"\nsources = [\"{source}\"]\n"
                );
                let payload =
                    Payload { v: 1, at: 0, author: "bench".into(), comment: None, body: Body::Apply { records } };
                last = log.append(&serde_json::to_vec(&payload).expect("json")).expect("append");
            }
            runtime.block_on(log.synced(last)).expect("synced");
        }
        let t = Instant::now();
        let (_, entries) = Journal::open(&path).expect("journal");
        let read = t.elapsed();
        let (replayed, history) =
            diplograph::write::replay(&graph, entries.into_iter().map(|e| (e.seq, e.payload))).expect("replay");
        assert_eq!(history.len(), replays);
        println!(
            "replay of {replays} single-event changes: {:.2} s ({:.2} s reading the journal), {} entities after",
            t.elapsed().as_secs_f64(),
            read.as_secs_f64(),
            replayed.node_count()
        );
    }
}

/// The process's resident memory and how much of it is freed pages the system may take back
/// at will (`LazyFree`: what the allocator purged with `MADV_FREE`, `diplograph::allocator`),
/// from `/proc/self/smaps_rollup`.
fn memory() -> String {
    let rollup = std::fs::read_to_string("/proc/self/smaps_rollup").unwrap_or_default();
    let kib = |field: &str| {
        rollup.lines().find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse::<u64>().ok())
    };
    match (kib("Rss:"), kib("LazyFree:")) {
        (Some(rss), Some(lazy)) => {
            format!("memory after the read-load phases: resident {} MiB, of which {} MiB freed pages the system may take back", rss / 1024, lazy / 1024)
        }
        _ => "memory: /proc/self/smaps_rollup not readable".to_owned(),
    }
}

/// A fresh file journal named `name` in `dir`.
fn journal_at(dir: &tempfile::TempDir, name: &str) -> Journal {
    Journal::open(dir.path().join(name)).expect("journal").0
}

/// One `applyChange` through GraphQL: its write-to-visible latency.
/// The variables of the next change a phase writes.
type Change = Arc<dyn Fn() -> serde_json::Value + Send + Sync>;

type Write = Arc<
    dyn Fn(serde_json::Value) -> std::pin::Pin<Box<dyn std::future::Future<Output = Duration> + Send>> + Send + Sync,
>;

/// p50, p99 and max of `times`.
fn summary(times: &mut [Duration]) -> String {
    times.sort();
    let at = |q: f64| times.get(((times.len() as f64 * q) as usize).min(times.len().saturating_sub(1)));
    let ms = |d: Option<&Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1e3);
    format!("p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms", ms(at(0.5)), ms(at(0.99)), ms(times.last()))
}
