//! The journal under real faults: a writer process killed with SIGKILL at random moments,
//! and a file size limit (`ulimit -f`) hit by a real write. Each test runs this test binary
//! again as the child process, told by an environment variable what to do.

use diplograph::journal::{Journal, JournalError};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

/// Set in a child: the journal file the child writes to.
const CHILD: &str = "DIPLOGRAPH_JOURNAL_TEST_CHILD";

/// The payload of record `seq`: its number, then bytes up to about 3 KB, so that records
/// cross pages and a kill can tear one.
fn payload(seq: u64) -> Vec<u8> {
    let mut out = format!("change {seq};").into_bytes();
    out.extend((0..(seq * 7919) % 3000).map(|i| (i as u8) ^ (seq as u8)));
    out
}

/// Every record of the journal at `path`, checked whole and numbered without a gap; the
/// last sequence number.
fn whole_records(path: &Path) -> u64 {
    let (_journal, entries) = Journal::open(path).expect("the journal opens after a crash");
    for (i, entry) in entries.iter().enumerate() {
        assert_eq!(entry.seq, i as u64 + 1, "no gap in the sequence");
        assert!(entry.payload == payload(entry.seq), "record {} is whole and as written", entry.seq);
    }
    entries.last().map_or(0, |e| e.seq)
}

/// The sequence number of an `acked SEQ` line (libtest may have printed the test's name
/// before it on the same line).
fn acked(line: &str) -> Option<u64> {
    line.rsplit_once("acked ").and_then(|(_, n)| n.trim().parse().ok())
}

/// This test binary, run again as a child that runs only `test` (which sees [`CHILD`]).
fn child(test: &str, journal: &Path) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("test binary"));
    command.args([test, "--exact", "--nocapture", "--test-threads=1"]).env(CHILD, journal);
    command.stdout(Stdio::piped()).stderr(Stdio::null());
    command
}

/// A small deterministic random source (xorshift), seeded from the clock; the seed is in
/// every failure message.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The child: eight tasks append records and print `acked SEQ` once each is synced, until
/// it is killed.
fn write_until_killed(path: &Path) -> ! {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().expect("runtime");
    runtime.block_on(async {
        let (journal, _) = Journal::open(path).expect("open");
        let order = Arc::new(std::sync::Mutex::new(()));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (journal, order) = (journal.clone(), order.clone());
                tokio::spawn(async move {
                    loop {
                        let seq = {
                            let _order = order.lock().expect("lock");
                            let seq = journal.last_seq() + 1;
                            assert_eq!(journal.append(&payload(seq)).expect("append"), seq);
                            seq
                        };
                        journal.synced(seq).await.expect("synced");
                        use std::io::Write;
                        let mut out = std::io::stdout().lock();
                        writeln!(out, "acked {seq}").and_then(|()| out.flush()).expect("stdout");
                    }
                })
            })
            .collect();
        for task in tasks {
            let _ = task.await;
        }
    });
    std::process::exit(1)
}

#[test]
fn a_writer_killed_at_random_moments_loses_no_acknowledged_record_and_leaves_no_gap() {
    if let Some(path) = std::env::var_os(CHILD) {
        write_until_killed(Path::new(&path));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("changes.journal");
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
    let mut random = Random(seed | 1);
    let (mut acknowledged, mut torn_tails) = (0, 0);
    for round in 0..24 {
        let mut writer =
            child("journal::a_writer_killed_at_random_moments_loses_no_acknowledged_record_and_leaves_no_gap", &path)
                .spawn()
                .expect("start the writer");
        let mut lines = BufReader::new(writer.stdout.take().expect("stdout")).lines();
        // Kill after a random number of acknowledgements, a random moment later.
        let wait_for = random.below(150);
        let mut seen = 0;
        while seen < wait_for {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(seq) = acked(&line) {
                        acknowledged = acknowledged.max(seq);
                        seen += 1;
                    }
                }
                _ => break,
            }
        }
        std::thread::sleep(std::time::Duration::from_micros(random.below(3000)));
        writer.kill().expect("SIGKILL");
        writer.wait().expect("wait");
        // Lines printed before the kill are acknowledgements too.
        let printed = lines.map_while(Result::ok).filter_map(|line| acked(&line)).max();
        acknowledged = printed.unwrap_or(0).max(acknowledged);
        let before = std::fs::metadata(&path).map_or(0, |m| m.len());
        let last = whole_records(&path);
        if std::fs::metadata(&path).map_or(0, |m| m.len()) < before {
            torn_tails += 1;
        }
        assert!(
            last >= acknowledged,
            "round {round} (seed {seed}): record {acknowledged} was acknowledged, the journal ends at {last}"
        );
        acknowledged = last;
    }
    assert!(acknowledged > 0, "the writers acknowledged records (seed {seed})");
    eprintln!("24 kills: {acknowledged} records, {torn_tails} torn tails cut (seed {seed})");
}

#[test]
fn a_write_past_the_file_size_limit_fails_with_a_code_and_leaves_only_whole_records() {
    if let Some(path) = std::env::var_os(CHILD) {
        // The child, under `ulimit -f`: append until a write is refused, then say how far it got.
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let (journal, _) = Journal::open(Path::new(&path)).expect("open");
        let refused = runtime.block_on(async {
            loop {
                let seq = journal.last_seq() + 1;
                match journal.append(&payload(seq)) {
                    Ok(seq) => journal.synced(seq).await.expect("synced"),
                    Err(error) => return error,
                }
            }
        });
        println!("acked {}", journal.last_seq());
        println!("refused {} {} len {}", refused.code(), matches!(refused, JournalError::Full { .. }), journal.len());
        std::process::exit(0);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("changes.journal");
    let test = "journal::a_write_past_the_file_size_limit_fails_with_a_code_and_leaves_only_whole_records";
    let exe = std::env::current_exe().expect("test binary");
    // `ulimit -f 16`: 8 KiB (512-byte blocks); SIGXFSZ ignored so that the write fails with
    // EFBIG instead of killing the writer (an ignored signal stays ignored across exec).
    let shell = Command::new("sh")
        .args(["-c", "trap '' XFSZ; ulimit -f 16; exec \"$0\" \"$@\""])
        .arg(&exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, &path)
        .output()
        .expect("run the writer");
    let out = String::from_utf8_lossy(&shell.stdout);
    let acked = out.lines().find_map(acked).unwrap_or_else(|| panic!("no `acked` line in {out}"));
    let refused =
        out.lines().find(|l| l.starts_with("refused ")).unwrap_or_else(|| panic!("no `refused` line in {out}"));
    let on_disk = std::fs::metadata(&path).expect("file").len();
    assert_eq!(refused, format!("refused JOURNAL_FULL true len {on_disk}"), "{out}");
    assert!(on_disk <= 8192 && acked >= 2, "{acked} records in {on_disk} bytes");
    assert_eq!(whole_records(&path), acked, "the refused record left nothing");
}

#[test]
fn a_writing_server_holds_its_journal_alone_and_readers_share_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = dir.path().join("changes.journal");
    let writer = diplograph::journal::hold(&journal, true).expect("the first writer");
    for writes in [true, false] {
        match diplograph::journal::hold(&journal, writes) {
            Err(e @ JournalError::Locked { .. }) => assert_eq!(e.code(), "JOURNAL_LOCKED"),
            other => panic!("writes {writes}: {other:?} beside a writer"),
        }
    }
    drop(writer);
    let reader = diplograph::journal::hold(&journal, false).expect("a reader");
    let other_reader = diplograph::journal::hold(&journal, false).expect("readers share");
    assert!(matches!(diplograph::journal::hold(&journal, true), Err(JournalError::Locked { writer: true, .. })));
    drop((reader, other_reader));
    diplograph::journal::hold(&journal, true).expect("a writer once the readers are gone");
}
