//! The journal's recovery rules, each tested on a damaged file, and its failures, each on a
//! disk that fails.

use super::*;
use std::io;
use std::sync::atomic::AtomicBool;

/// A fresh directory and the path of a journal in it (not created).
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("changes.journal");
    (dir, path)
}

/// The payload of record `seq` in these tests: its number and some bytes of varying length.
fn payload(seq: u64) -> Vec<u8> {
    let mut out = format!("change {seq}:").into_bytes();
    out.extend((0..seq % 37).map(|i| (i * 7 + seq) as u8));
    out
}

/// Writes `n` records with [`payload`], each synced, and returns the file's bytes and the
/// offset where each record starts.
fn written(path: &Path, n: u64) -> (Vec<u8>, Vec<usize>) {
    let (journal, entries) = Journal::open(path).expect("open");
    assert!(entries.is_empty());
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let mut starts = Vec::new();
    for seq in 1..=n {
        starts.push((journal.len() as usize).max(format::HEADER_LEN));
        assert_eq!(journal.append(&payload(seq)).expect("append"), seq);
        runtime.block_on(journal.synced(seq)).expect("synced");
    }
    (std::fs::read(path).expect("read"), starts)
}

/// Opens `bytes` written to a fresh file: the sequence numbers read, or the error.
fn reopen(bytes: &[u8]) -> Result<(Vec<u64>, u64), JournalError> {
    let (_dir, path) = scratch();
    std::fs::write(&path, bytes).expect("write copy");
    let (journal, entries) = Journal::open(&path)?;
    for entry in &entries {
        assert_eq!(entry.payload, payload(entry.seq), "record {} read back as written", entry.seq);
    }
    let on_disk = std::fs::metadata(&path).expect("metadata").len();
    assert_eq!(journal.len(), on_disk, "the file is cut where the whole records end");
    Ok((entries.iter().map(|e| e.seq).collect(), on_disk))
}

#[test]
fn records_read_back_as_written_and_nothing_is_created_before_the_first_append() {
    let (_dir, path) = scratch();
    let (journal, entries) = Journal::open(&path).expect("open");
    assert!(entries.is_empty());
    assert!(!path.exists(), "open creates nothing");
    assert_eq!((journal.len(), journal.last_seq()), (0, 0));
    drop(journal);
    let (bytes, _) = written(&path, 20);
    assert_eq!(reopen(&bytes).expect("reopen").0, (1..=20).collect::<Vec<_>>());
    // A reopened journal goes on from the last record.
    let (journal, entries) = Journal::open(&path).expect("open again");
    assert_eq!(entries.len(), 20);
    assert_eq!(journal.append(&payload(21)).expect("append"), 21);
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    runtime.block_on(journal.synced(21)).expect("synced");
    assert_eq!(Journal::open(&path).expect("open").1.last().map(|e| e.seq), Some(21));
}

#[test]
fn a_torn_last_record_is_cut_at_every_byte_and_the_earlier_ones_kept() {
    let (_dir, path) = scratch();
    let (bytes, starts) = written(&path, 5);
    let last = starts[4];
    for end in last..bytes.len() {
        let (seqs, len) = reopen(&bytes[..end]).expect("a torn tail is no error");
        assert_eq!(seqs, [1, 2, 3, 4], "cut at byte {end}");
        assert_eq!(len as usize, last, "cut at byte {end}");
    }
    // A header torn by a crash during the first append is no journal yet.
    for end in 0..format::HEADER_LEN + 3 {
        assert_eq!(reopen(&bytes[..end]).expect("torn header").0, Vec::<u64>::new(), "cut at byte {end}");
    }
    // Zeros past the end (a file extended but its data never written) are a torn tail too.
    let mut zeros = bytes.clone();
    zeros.extend([0u8; 100]);
    assert_eq!(reopen(&zeros).expect("zeros").0, [1, 2, 3, 4, 5]);
}

#[test]
fn a_bit_flip_in_the_last_record_is_cut_and_in_a_middle_record_is_an_error_with_its_offset() {
    let (_dir, path) = scratch();
    let (bytes, starts) = written(&path, 6);
    for at in starts[5]..bytes.len() {
        for bit in 0..8 {
            let mut damaged = bytes.clone();
            damaged[at] ^= 1 << bit;
            assert_eq!(reopen(&damaged).expect("cut").0, [1, 2, 3, 4, 5], "bit {bit} of byte {at}");
        }
    }
    for record in [0, 2, 4] {
        for at in starts[record]..starts[record + 1] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 1 << (at % 8);
            match reopen(&damaged) {
                Err(JournalError::Corrupt { offset, .. }) => {
                    assert_eq!(offset as usize, starts[record], "byte {at}")
                }
                other => panic!("a flip in byte {at} of record {}: {other:?}", record + 1),
            }
        }
    }
    // A damaged header before whole records is corruption at byte 0.
    for at in 12..format::HEADER_LEN {
        let mut damaged = bytes.clone();
        damaged[at] ^= 1;
        assert!(matches!(reopen(&damaged), Err(JournalError::Corrupt { offset: 0, .. })), "header byte {at}");
    }
    // The damaged file is left as it was.
    let mut damaged = bytes.clone();
    damaged[starts[2] + 20] ^= 4;
    let (_dir2, copy) = scratch();
    std::fs::write(&copy, &damaged).expect("write");
    let error = Journal::open(&copy).expect_err("corrupt");
    assert_eq!(error.code(), "JOURNAL_CORRUPT");
    assert!(error.to_string().contains(&format!("byte {}", starts[2])), "{error}");
    assert_eq!(std::fs::read(&copy).expect("read"), damaged);
}

#[test]
fn a_newer_format_version_is_refused_naming_both_versions() {
    let (_dir, path) = scratch();
    let (mut bytes, _) = written(&path, 2);
    bytes[8..12].copy_from_slice(&(VERSION + 1).to_le_bytes());
    let error = reopen(&bytes).expect_err("newer");
    assert!(matches!(error, JournalError::NewerVersion { found: 2, supported: 1, .. }), "{error:?}");
    assert!(error.to_string().contains("version 2") && error.to_string().contains("version 1"), "{error}");
    // A newer version is refused even when the rest is laid out differently.
    let error = reopen(&bytes[..12]).expect_err("newer, short");
    assert_eq!(error.code(), "JOURNAL_NEWER_VERSION");
    let error = reopen(b"# some other file\n").expect_err("not a journal");
    assert_eq!(error.code(), "JOURNAL_NOT_A_JOURNAL");
}

#[test]
fn waiters_share_one_fsync() {
    let (_dir, path) = scratch();
    let (journal, _) = Journal::open(&path).expect("open");
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let seqs: Vec<u64> = (1..=32).map(|seq| journal.append(&payload(seq)).expect("append")).collect();
    runtime.block_on(async {
        let waiters: Vec<_> = seqs.iter().map(|&seq| journal.synced(seq)).collect();
        for result in join_all(waiters).await {
            result.expect("synced");
        }
    });
    assert_eq!(journal.fsyncs(), 1, "32 waiters, one fsync");
    assert_eq!(journal.durable_seq(), 32);
    let error = runtime.block_on(journal.synced(40)).expect_err("never appended");
    assert_eq!(error.code(), "JOURNAL_NOT_APPENDED");
}

/// Awaits every future, all polled concurrently on this one task (the crate has no
/// `futures` dependency).
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        for (slot, future) in out.iter_mut().zip(futures.iter_mut()) {
            if slot.is_none() {
                if let std::task::Poll::Ready(v) = future.as_mut().poll(cx) {
                    *slot = Some(v);
                }
            }
        }
        match out.iter().all(Option::is_some) {
            true => std::task::Poll::Ready(()),
            false => std::task::Poll::Pending,
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

#[tokio::test]
async fn concurrent_appenders_are_grouped_into_fewer_fsyncs_than_records() {
    let (_dir, path) = scratch();
    let (journal, _) = Journal::open(&path).expect("open");
    let writers: Vec<_> = (0..32)
        .map(|_| {
            let journal = journal.clone();
            tokio::spawn(async move {
                for _ in 0..10 {
                    let seq = journal.append(&[7u8; 1000]).expect("append");
                    journal.synced(seq).await.expect("synced");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("writer");
    }
    assert_eq!(journal.durable_seq(), 320);
    assert!(journal.fsyncs() < 320 / 2, "{} fsyncs for 320 records", journal.fsyncs());
    let (_, entries) = Journal::open(&path).expect("reopen");
    assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=320).collect::<Vec<_>>());
}

/// A file whose size may not pass a limit (like `ulimit -f` or a full disk: the write that
/// passes it writes what fits, then fails), and whose `fsync` can be made to fail.
struct FaultyDisk {
    file: FileDisk,
    limit: AtomicU64,
    fail_sync: AtomicBool,
}

impl Disk for FaultyDisk {
    fn write_at(&self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        let room = self.limit.load(Ordering::SeqCst).saturating_sub(offset) as usize;
        if bytes.len() > room {
            self.file.write_at(offset, &bytes[..room])?;
            return Err(io::Error::from(io::ErrorKind::StorageFull));
        }
        self.file.write_at(offset, bytes)
    }

    fn sync(&self) -> io::Result<()> {
        if self.fail_sync.load(Ordering::SeqCst) {
            return Err(io::Error::other("EIO (injected)"));
        }
        self.file.sync()
    }

    fn truncate(&self, len: u64) -> io::Result<()> {
        self.file.truncate(len)
    }
}

fn faulty(path: &Path, limit: u64) -> (Journal, Arc<FaultyDisk>) {
    let disk = Arc::new(FaultyDisk {
        file: FileDisk::new(path),
        limit: AtomicU64::new(limit),
        fail_sync: AtomicBool::new(false),
    });
    let (journal, _) = Journal::open_on(path, disk.clone()).expect("open");
    (journal, disk)
}

#[tokio::test]
async fn a_full_disk_refuses_the_record_with_a_code_leaves_nothing_of_it_and_later_appends_succeed() {
    let (_dir, path) = scratch();
    // The first record does not fit at all: no half header either.
    let (journal, disk) = faulty(&path, 30);
    let error = journal.append(&payload(1)).expect_err("full");
    assert_eq!(error.code(), "JOURNAL_FULL");
    assert_eq!((journal.len(), journal.last_seq()), (0, 0));
    assert_eq!(std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0), 0);
    disk.limit.store(300, Ordering::SeqCst);
    let mut acknowledged = 0;
    loop {
        let before = journal.len();
        match journal.append(&payload(acknowledged + 1)) {
            Ok(seq) => {
                journal.synced(seq).await.expect("synced");
                acknowledged = seq;
            }
            Err(error) => {
                assert_eq!(error.code(), "JOURNAL_FULL", "{error}");
                assert_eq!(journal.len(), before, "nothing of the refused record is counted");
                assert_eq!(std::fs::metadata(&path).expect("file").len(), before, "nothing half-written remains");
                break;
            }
        }
    }
    assert!(acknowledged >= 2, "{acknowledged} records fit");
    assert_eq!(reopen(&std::fs::read(&path).expect("read")).expect("whole").0, (1..=acknowledged).collect::<Vec<_>>());
    // Space comes back: the journal goes on with the next sequence number, no gap.
    disk.limit.store(u64::MAX, Ordering::SeqCst);
    let seq = journal.append(&payload(acknowledged + 1)).expect("append after space is back");
    assert_eq!(seq, acknowledged + 1);
    journal.synced(seq).await.expect("synced");
    assert_eq!(reopen(&std::fs::read(&path).expect("read")).expect("whole").0, (1..=seq).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_failed_fsync_answers_every_waiter_cuts_back_to_the_durable_length_and_fails_the_journal() {
    let (_dir, path) = scratch();
    let (journal, disk) = faulty(&path, u64::MAX);
    for seq in 1..=3 {
        journal.append(&payload(seq)).expect("append");
    }
    journal.synced(3).await.expect("synced");
    let durable = journal.len();
    let pending: Vec<u64> = (4..=8).map(|seq| journal.append(&payload(seq)).expect("append")).collect();
    disk.fail_sync.store(true, Ordering::SeqCst);
    for seq in pending {
        let error = journal.synced(seq).await.expect_err("not durable");
        assert!(matches!(error.code(), "JOURNAL_IO" | "JOURNAL_FAILED"), "{error}");
    }
    assert_eq!(std::fs::metadata(&path).expect("file").len(), durable, "cut back to the durable length");
    assert_eq!((journal.len(), journal.last_seq()), (durable, 3));
    journal.synced(2).await.expect("durable records stay durable");
    disk.fail_sync.store(false, Ordering::SeqCst);
    assert_eq!(journal.append(b"later").expect_err("failed").code(), "JOURNAL_FAILED");
    // Reopened, it holds the durable records and takes appends again.
    let (journal, entries) = Journal::open(&path).expect("reopen");
    assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(journal.append(&payload(4)).expect("append"), 4);
}

#[test]
fn sync_makes_every_record_appended_durable_with_one_fsync_and_a_failed_one_fails_the_journal() {
    let (_dir, path) = scratch();
    let (journal, disk) = faulty(&path, u64::MAX);
    journal.sync().expect("nothing to sync");
    assert_eq!(journal.fsyncs(), 0, "nothing appended, no fsync");
    for seq in 1..=5 {
        journal.append(&payload(seq)).expect("append");
    }
    journal.sync().expect("synced");
    assert_eq!((journal.fsyncs(), journal.durable_seq()), (1, 5), "five records, one fsync");
    journal.sync().expect("already durable");
    assert_eq!(journal.fsyncs(), 1, "every record durable: no fsync");
    let durable = journal.len();
    for seq in 6..=8 {
        journal.append(&payload(seq)).expect("append");
    }
    disk.fail_sync.store(true, Ordering::SeqCst);
    let error = journal.sync().expect_err("not durable");
    assert_eq!(error.code(), "JOURNAL_IO", "{error}");
    assert_eq!(std::fs::metadata(&path).expect("file").len(), durable, "cut back to the durable length");
    assert_eq!((journal.last_seq(), journal.durable_seq()), (5, 5));
    disk.fail_sync.store(false, Ordering::SeqCst);
    journal.sync().expect("the records durable before stay durable");
    assert_eq!(journal.append(b"later").expect_err("failed").code(), "JOURNAL_FAILED");
    let (_, entries) = Journal::open(&path).expect("reopen");
    assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
}

#[test]
fn a_payload_over_the_limit_is_refused_before_anything_is_written() {
    let (_dir, path) = scratch();
    let (journal, _) = Journal::open(&path).expect("open");
    let error = journal.append(&vec![0u8; MAX_PAYLOAD + 1]).expect_err("too large");
    assert_eq!(error.code(), "JOURNAL_RECORD_TOO_LARGE");
    assert!(!path.exists());
}

#[test]
fn a_reset_journal_is_empty_and_numbers_on_from_the_last_record() {
    let (dir, path) = scratch();
    written(&path, 3);
    Journal::reset(&path, 3).expect("reset");
    let (journal, entries) = Journal::open(&path).expect("open");
    assert!(entries.is_empty());
    assert_eq!((journal.last_seq(), journal.len()), (3, format::HEADER_LEN as u64));
    assert_eq!(journal.append(&payload(4)).expect("append"), 4);
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    runtime.block_on(journal.synced(4)).expect("synced");
    let (_, entries) = Journal::open(&path).expect("reopen");
    assert_eq!(entries, [Entry { seq: 4, payload: payload(4) }]);
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1, "no temporary file left");
}

/// A log sink for one test: what the journal warned about.
#[derive(Clone, Default)]
struct Logged(Arc<std::sync::Mutex<Vec<u8>>>);

impl io::Write for Logged {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_cut_tail_is_logged_with_its_offset_and_the_bytes_cut() {
    let (_dir, path) = scratch();
    let (bytes, starts) = written(&path, 3);
    std::fs::write(&path, &bytes[..bytes.len() - 5]).expect("tear the last record");
    let logged = Logged::default();
    let sink = logged.clone();
    let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || sink.clone()).finish();
    tracing::subscriber::with_default(subscriber, || Journal::open(&path).expect("open"));
    let text = String::from_utf8_lossy(&logged.0.lock().expect("log")).into_owned();
    let torn = bytes.len() - 5 - starts[2];
    assert!(text.contains("WARN"), "{text}");
    assert!(text.contains(&format!("offset={}", starts[2])) && text.contains(&format!("bytes_cut={torn}")), "{text}");
}

#[test]
fn a_journal_and_its_waits_can_be_shared_across_threads() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    let (_dir, path) = scratch();
    let (journal, _) = Journal::open(&path).expect("open");
    send_sync(&journal);
    send(&journal.synced(0));
}
