//! What can be checked without a PostgreSQL: reading URLs, checksums, the lag, the write
//! transaction's staging. The real database is exercised by `tests/it/replicas.rs` when
//! `DIPLOGRAPH_PG_URL` is set (`.ci/run` sets it).

use super::pg::{Row, Target};
use super::status::Status;
use super::{Log, PgLog, ReplicaError};
use crate::journal::record_crc;
use std::time::{Duration, Instant};

#[test]
fn a_url_is_named_by_host_port_and_database_never_its_password() {
    let t = Target::parse("postgres://writer:s3cret@db.internal:6543/changes").expect("parses");
    assert_eq!(t.to_string(), "db.internal:6543/changes");
    assert_eq!(Target::parse("postgresql://u@127.0.0.1/x").expect("parses").to_string(), "127.0.0.1:5432/x");
    assert_eq!(Target::parse("postgres://u@[::1]:5433/x").expect("parses").to_string(), "[::1]:5433/x");
    assert_eq!(Target::parse("postgres://pat@localhost:5432").expect("parses").to_string(), "localhost:5432/pat");
    for bad in ["postgres://u@h:notaport/x", "postgres:///x"] {
        let e = Target::parse(bad).expect_err(bad);
        assert!(matches!(e, ReplicaError::Url { .. }) && e.to_string().contains("HOST:PORT"), "{bad}: {e}");
    }
    assert!(Target::is_url("postgres://h/x") && Target::is_url("postgresql://h/x"));
    assert!(!Target::is_url("changes.journal") && !Target::is_url("/var/lib/postgres/changes.journal"));
}

#[test]
fn a_record_whose_bytes_do_not_match_its_checksum_is_refused_with_its_seq() {
    let payload = br#"{"v":1}"#.to_vec();
    let good = Row { seq: 7, crc: record_crc(7, &payload), payload: payload.clone() };
    assert_eq!(good.clone().checked().expect("whole"), (7, payload.clone()));
    let mut flipped = good.clone();
    flipped.payload[2] ^= 1;
    let moved = Row { seq: 8, ..good };
    for bad in [flipped, moved] {
        let e = bad.checked().expect_err("damaged");
        assert!(matches!(e, ReplicaError::Checksum { seq, .. } if seq == 7 || seq == 8), "{e}");
        assert_eq!(e.code(), "JOURNAL_CORRUPT");
        assert!(e.to_string().starts_with("change log record "), "{e}");
    }
}

#[test]
fn a_replica_is_behind_once_a_known_change_waits_longer_than_the_allowed_lag() {
    let t0 = Instant::now();
    let at = |ms| t0 + Duration::from_millis(ms);
    let mut s = Status::new(3, Duration::from_secs(5));
    assert_eq!((s.health(at(0)).lag, s.health(at(0)).behind()), (Duration::ZERO, false));
    s.saw(5, at(1_000));
    let h = s.health(at(5_000));
    assert_eq!((h.applied, h.latest, h.lag, h.behind()), (3, 5, Duration::from_secs(4), false));
    assert!(s.health(at(6_001)).behind(), "behind since 1 s, 5 s allowed");
    s.applied(4, at(6_500));
    assert!(s.health(at(7_000)).behind(), "still behind: the lag counts from the first change waiting");
    s.applied(5, at(7_000));
    assert_eq!((s.health(at(9_000)).lag, s.health(at(9_000)).behind()), (Duration::ZERO, false));
    s.saw(2, at(9_000));
    assert_eq!(s.health(at(20_000)).latest, 5, "an old notification changes nothing");
}

#[test]
fn the_log_takes_one_record_per_open_transaction_and_nothing_outside_one() {
    let log = PgLog::default();
    let e = log.append(b"x").expect_err("no transaction");
    assert!(e.to_string().starts_with("JOURNAL_UNAVAILABLE: "), "{e}");
    assert!(!log.unstage(), "nothing was committed");
}

#[test]
fn errors_name_what_the_operator_must_fix() {
    let target = Target::parse("postgres://u@db:5433/log").expect("parses").to_string();
    let seed = ReplicaError::OtherSeed { target: target.clone(), log_seed: "aaaa".into(), this_seed: "bbbb".into() };
    let text = seed.to_string();
    assert!(text.contains("db:5433/log") && text.contains("`aaaa`") && text.contains("`bbbb`"), "{text}");
    let down = ReplicaError::Unreachable { target, cause: "connection refused".into() };
    assert_eq!(down.to_string(), "cannot reach the change log at PostgreSQL db:5433/log: connection refused");
    assert_eq!(down.code(), "JOURNAL_UNREACHABLE");
}
