//! The change log's figures (issue 15): records made durable per second from 32 concurrent
//! writers with one `fsync` per group, the cost of one `fsync` alone, and the replay of
//! 100k records. The files are written under the target directory (a real disk, not tmpfs).
//!
//! `cargo bench --bench journal`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use diplograph::journal::Journal;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::time::{Duration, Instant};

/// The allocator the server binary uses, so that the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A small change, about the size of a one-event `applyChange`.
const PAYLOAD: [u8; 1024] = [b'x'; 1024];

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("scratch dir")
}

fn journal(c: &mut Criterion) {
    let mut group = c.benchmark_group("journal");
    group.sample_size(10).warm_up_time(Duration::from_secs(2)).measurement_time(Duration::from_secs(10));

    // One 1 KB write at the end of a file and its fdatasync: the floor of a write's latency.
    let dir = scratch();
    let file = std::fs::File::create(dir.path().join("fsync")).expect("file");
    let mut at = 0;
    group.throughput(Throughput::Elements(1));
    group.bench_function("fsync alone (1 KB pwrite + fdatasync)", |b| {
        b.iter(|| {
            file.write_all_at(&PAYLOAD, at).expect("write");
            at += PAYLOAD.len() as u64;
            file.sync_data().expect("fdatasync");
        })
    });

    // 32 writers, each appending a record and waiting for it to be durable, in a loop: the
    // time per record, so criterion's throughput is records per second.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().expect("runtime");
    let (log, _) = Journal::open(dir.path().join("changes.journal")).expect("open");
    let (mut records, fsyncs_before) = (0u64, log.fsyncs());
    group.bench_function("append + synced, 32 writers, 1 KB", |b| {
        b.iter_custom(|iters| {
            let per_writer = iters.div_ceil(32);
            records += per_writer * 32;
            let start = Instant::now();
            runtime.block_on(async {
                let writers: Vec<_> = (0..32)
                    .map(|_| {
                        let log = log.clone();
                        tokio::spawn(async move {
                            for _ in 0..per_writer {
                                let seq = log.append(&PAYLOAD).expect("append");
                                log.synced(seq).await.expect("synced");
                            }
                        })
                    })
                    .collect();
                for writer in writers {
                    writer.await.expect("writer");
                }
            });
            // Time per record of this batch, scaled to the `iters` criterion asked for.
            start.elapsed().mul_f64(iters as f64 / (per_writer * 32) as f64)
        })
    });
    let fsyncs = log.fsyncs() - fsyncs_before;
    eprintln!(
        "32 writers: {records} records in {fsyncs} fsyncs ({:.1} records per fsync)",
        records as f64 / fsyncs as f64
    );
    drop(log);

    // Replay: open a journal of 100k records of 1 KB (about 100 MB) and read every record.
    let path = dir.path().join("replay.journal");
    {
        let (log, _) = Journal::open(&path).expect("open");
        let mut last = 0;
        for _ in 0..100_000 {
            last = log.append(&PAYLOAD).expect("append");
        }
        runtime.block_on(log.synced(last)).expect("synced");
    }
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("replay 100k records of 1 KB", |b| {
        b.iter(|| {
            let (_, entries) = Journal::open(&path).expect("open");
            assert_eq!(entries.len(), 100_000);
            entries
        })
    });
    group.finish();
    let _ = std::io::stderr().flush();
}

criterion_group!(benches, journal);
criterion_main!(benches);
