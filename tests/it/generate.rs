//! `diplograph generate`: the same bytes for the same config, and a seed the loader
//! accepts with the counts it reports.

use diplograph::generate::{generate, GenerateConfig, GenerateStats};
use diplograph::model::EntityKind;
use std::path::Path;

fn run(events: usize, seed: u64) -> (tempfile::TempDir, GenerateStats) {
    let dir = tempfile::tempdir().expect("temp dir");
    let stats = generate(&GenerateConfig { events, seed }, dir.path()).expect("generate");
    (dir, stats)
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for sub in [dir.to_path_buf(), dir.join("events")] {
        for e in std::fs::read_dir(&sub).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_file() {
                out.push((
                    p.strip_prefix(dir).expect("inside").display().to_string(),
                    std::fs::read(&p).expect("read"),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_same_config_gives_the_same_bytes() {
    let (a, sa) = run(12_345, 42);
    let (b, sb) = run(12_345, 42);
    assert_eq!(sa, sb);
    assert_eq!(files(a.path()), files(b.path()));
    assert_eq!(sa.files, 5, "three shared files and two event files");
    let (c, _) = run(12_345, 7);
    assert_ne!(files(a.path()), files(c.path()), "another seed gives another seed");
}

#[test]
fn the_loader_accepts_the_output_and_counts_match() {
    let (dir, stats) = run(2_000, 42);
    let graph = diplograph::seed::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let (kinds, _, _) = graph.counts();
    let count = |k: EntityKind| kinds.iter().find(|(kind, _)| *kind == k).map_or(0, |(_, n)| *n);
    assert_eq!(count(EntityKind::Event), 2_000);
    assert_eq!(count(EntityKind::Event), stats.events);
    assert_eq!(count(EntityKind::Source), stats.sources);
    assert_eq!(count(EntityKind::Actor), stats.actors);
    assert_eq!(count(EntityKind::Place), stats.places);
    assert_eq!(count(EntityKind::Agreement), stats.agreements);
    assert_eq!(count(EntityKind::Statement), stats.statements);
    assert_eq!(stats.actors, 200);
    assert!((300..=500).contains(&stats.agreements), "{stats:?}");
    assert!((380..=650).contains(&stats.statements), "{stats:?}");
    let total: u64 = files(dir.path()).iter().map(|(_, b)| b.len() as u64).sum();
    assert_eq!(total, stats.bytes);
}

#[test]
fn a_smaller_run_removes_the_event_files_of_a_larger_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    generate(&GenerateConfig { events: 10_001, seed: 1 }, dir.path()).expect("generate");
    let stats = generate(&GenerateConfig { events: 500, seed: 1 }, dir.path()).expect("generate");
    assert_eq!(files(dir.path()).len(), 4);
    let graph = diplograph::seed::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(graph.counts().0.iter().find(|(k, _)| *k == EntityKind::Event).map(|(_, n)| *n), Some(stats.events));
}
