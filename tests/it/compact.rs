//! `diplograph compact` (issue 15): the journal's changes written into a copy of the
//! bundled seed, the journal emptied, and the seed alone giving the same records as the
//! seed and the journal did; refused while a server holds the journal; a compaction
//! interrupted past its commit point finished by the next run.

use crate::support::{block_on, root};
use diplograph::api::{Author, WriteService};
use diplograph::compact::{canonical, compact, compact_to_commit_point, pending};
use diplograph::graph::ServedGraph;
use diplograph::journal::{self, Journal};
use diplograph::write::{replay, Writer};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

const SRC: &str = "source:report-000-2021-06-08";
const HARRIS: &str = "episodes/2021-06-harris-trip.toml";
const APPLY: &str = "mutation($c: ChangeInput!) { applyChange(change: $c) { seq } }";
const RETRACT: &str = "mutation($ids: [ID!]!) { retract(ids: $ids, reason: \"wrong\") { seq } }";

/// A copy of the bundled seed's TOML files in a temp dir, and the journal path beside it.
fn seed_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let seed = tmp.path().join("seed");
    for file in diplograph::seed::toml_files(&root().join("seed")).expect("seed files") {
        let rel = file.strip_prefix(root().join("seed")).expect("below seed");
        let to = seed.join(rel);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&file, &to).expect("copy");
    }
    let journal = tmp.path().join("changes.journal");
    (tmp, seed, journal)
}

/// Applies each `(query, variables)` through a writer whose log is the journal at `path`;
/// the graph it serves after them.
fn write_through_api(seed: &Path, path: &Path, changes: &[(&str, Value)]) -> ServedGraph {
    let served = ServedGraph::new(Arc::new(diplograph::seed::load(seed).expect("seed loads")));
    let (j, entries) = Journal::open(path).expect("journal");
    assert!(entries.is_empty());
    let w = Arc::new(Writer::new(served.clone(), Arc::new(j), Vec::new()));
    let schema = diplograph::api::schema();
    for (query, variables) in changes {
        let r = crate::support::request(query, variables.clone())
            .data(WriteService(w.clone()))
            .data(Author("alice".to_owned()));
        let response = block_on(diplograph::api::execute(&schema, r, served.load()));
        let response = serde_json::to_value(&response).expect("json");
        assert!(response.get("errors").is_none(), "{response:#}");
    }
    served
}

/// The records of `seed` with every change of `journal` replayed on it.
fn records_with_journal(seed: &Path, journal: &Path) -> Vec<String> {
    let g = diplograph::seed::load(seed).expect("seed loads");
    let (_, entries) = Journal::open(journal).expect("journal");
    let (after, _) = replay(&g, entries.into_iter().map(|e| (e.seq, e.payload))).expect("replays");
    canonical(&after)
}

fn read(seed: &Path, file: &str) -> String {
    std::fs::read_to_string(seed.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn event(id: &str, extra: Value) -> Value {
    let mut e = json!({ "id": id, "title": "A call", "summary": "They spoke.", "kind": "CALL", "status": "OCCURRED",
        "when": "2021-06-10", "sources": [SRC] });
    if let (Some(o), Value::Object(x)) = (e.as_object_mut(), extra) {
        o.extend(x);
    }
    e
}

/// The changes of the main test: new records of each placement rule, a replace, a retract,
/// and a record added then retracted.
fn changes() -> Vec<(&'static str, Value)> {
    vec![
        (
            APPLY,
            json!({ "c": {
                "actors": [{ "id": "actor:test-envoy", "name": "Test Envoy", "kind": "PERSON", "sources": [SRC] }],
                "events": [event("event:2021-06-10-envoy-call", json!({
                    "partOf": "event:2021-06-harris-trip-guatemala-mexico",
                    "participants": [{ "actor": "actor:test-envoy", "role": "PARTICIPANT", "sources": [SRC] }]
                }))],
            }}),
        ),
        (
            APPLY,
            json!({ "c": {
                "events": [event("event:2024-02-new-talks", json!({ "title": "New talks", "when": "2024-02" }))],
                "statements": [{ "id": "statement:2024-02-envoy-hopeful", "speaker": "actor:test-envoy", "when": "2024-02",
                    "text": "The envoy said the talks went well.", "channel": "PRESS",
                    "about": "event:2024-02-new-talks", "sources": [SRC] }],
            }}),
        ),
        (
            APPLY,
            json!({ "c": { "events": [event("event:2021-05-harris-lopez-obrador-virtual", json!({
                "title": "Harris and López Obrador meet by video", "kind": "MEETING", "mode": "VIRTUAL", "when": "2021-05",
                "topics": ["migration"],
                "participants": [{ "actor": "actor:kamala-harris", "role": "PARTICIPANT", "sources": [SRC] }]
            }))] }}),
        ),
        (RETRACT, json!({ "ids": ["statement:2021-lopez-obrador-blames-biden"] })),
        (APPLY, json!({ "c": { "events": [event("event:2021-06-11-gone", json!({}))] } })),
        (RETRACT, json!({ "ids": ["event:2021-06-11-gone"] })),
    ]
}

#[test]
fn compaction_moves_every_change_into_the_seed_files_and_empties_the_journal() {
    let (_tmp, seed, journal) = seed_copy();
    let untouched = read(&seed, "places.toml");
    write_through_api(&seed, &journal, &changes());
    let expected = records_with_journal(&seed, &journal);

    let summary = compact(&seed, &journal).expect("compacts");
    assert_eq!((summary.changes, summary.last_seq, summary.written, summary.removed), (6, 6, 5, 2), "{summary:?}");
    assert_eq!(summary.files, ["actors.toml", "episodes/2021-06-harris-trip.toml", "episodes/2024-02-new-talks.toml"]);

    // The seed alone gives the records the seed and the journal gave.
    let g = diplograph::seed::load(&seed).expect("the compacted seed loads");
    assert_eq!(canonical(&g), expected);
    // The journal is empty and counts on.
    let (j, entries) = Journal::open(&journal).expect("journal");
    assert!(entries.is_empty());
    assert_eq!(j.last_seq(), 6);
    assert_eq!(records_with_journal(&seed, &journal), expected);

    // Each record where the rule says, written like the hand-written ones.
    assert_eq!(read(&seed, "places.toml"), untouched, "a file no change touched is left as it was");
    assert!(read(&seed, "actors.toml").ends_with(
        "\n\n[[actor]]\nid = \"actor:test-envoy\"\nname = \"Test Envoy\"\nkind = \"person\"\nsources = [\"source:report-000-2021-06-08\"]\n"
    ));
    let harris = read(&seed, HARRIS);
    assert!(harris.contains("[[event]]\nid = \"event:2021-06-10-envoy-call\""), "appended to its story's file");
    assert!(
        harris.contains(
            "\nsources = [\"source:report-000-2021-06-08\"]\n\n[[event.participant]]\nactor = \"actor:test-envoy\""
        ),
        "a blank line before a sub-table"
    );
    assert!(!harris.contains("blames-biden") && !harris.contains("gone"), "retracted records are removed");
    let replaced = harris.find("meet by video").expect("replaced in place");
    assert!(replaced < harris.find("id = \"event:2021-06-harris-trip-guatemala-mexico\"").expect("the trip"));
    assert!(harris.contains("# ================================================================ background, May 2021\n\n[[event]]\nid = \"event:2021-05-harris-lopez-obrador-virtual\""));
    let story = read(&seed, "episodes/2024-02-new-talks.toml");
    assert!(story.starts_with("# New talks\n#\n# Written by `diplograph compact`"), "{story}");
    assert!(story.contains("id = \"statement:2024-02-envoy-hopeful\""), "a statement goes where its event is");

    // Again, with nothing to do: nothing changes.
    let again = compact(&seed, &journal).expect("compacts");
    assert_eq!((again.changes, again.files.len()), (0, 0));
    assert_eq!(read(&seed, HARRIS), harris);
}

#[test]
fn compaction_is_refused_while_a_server_holds_the_journal() {
    let (_tmp, seed, journal) = seed_copy();
    write_through_api(&seed, &journal, &changes()[..1]);
    for writer in [true, false] {
        let hold = journal::hold(&journal, writer).expect("lock");
        let e = compact(&seed, &journal).expect_err("refused");
        assert_eq!(e.code(), "JOURNAL_LOCKED", "{e}");
        drop(hold);
    }
    assert!(!read(&seed, "actors.toml").contains("test-envoy"), "nothing written");
    assert_eq!(Journal::open(&journal).expect("journal").1.len(), 1);
}

#[test]
fn a_compaction_interrupted_after_its_commit_point_is_finished_by_the_next_run() {
    let (_tmp, seed, journal) = seed_copy();
    write_through_api(&seed, &journal, &changes());
    let expected = records_with_journal(&seed, &journal);
    let harris = read(&seed, HARRIS);

    compact_to_commit_point(&seed, &journal).expect("commits");
    assert!(pending(&journal));
    assert_eq!(read(&seed, HARRIS), harris, "nothing is moved before the commit point's follow-up");
    // A crash midway through the renames: one staged file already in place.
    std::fs::rename(seed.join("actors.toml.compacting"), seed.join("actors.toml")).expect("rename");

    let summary = compact(&seed, &journal).expect("finishes, then compacts");
    assert!(summary.finished_interrupted);
    assert_eq!(summary.changes, 0, "every change was moved once");
    assert!(!pending(&journal));
    assert_eq!(canonical(&diplograph::seed::load(&seed).expect("loads")), expected);
    assert!(Journal::open(&journal).expect("journal").1.is_empty());
    let staged: Vec<_> = diplograph::seed::toml_files(&seed)
        .expect("files")
        .into_iter()
        .filter(|f| f.with_extension("toml.compacting").exists())
        .collect();
    assert!(staged.is_empty(), "{staged:?}");
}

#[test]
fn a_compaction_interrupted_before_its_commit_point_left_nothing_but_litter() {
    let (_tmp, seed, journal) = seed_copy();
    write_through_api(&seed, &journal, &changes());
    let expected = records_with_journal(&seed, &journal);
    // A crash while staging: a half-written copy, no manifest.
    std::fs::write(seed.join("actors.toml.compacting"), "[[actor]]\nid = \"actor:half").expect("write");
    assert!(!pending(&journal));
    assert_eq!(records_with_journal(&seed, &journal), expected, "the seed and the journal are as they were");
    let summary = compact(&seed, &journal).expect("compacts");
    assert_eq!(summary.changes, 6);
    assert!(!seed.join("actors.toml.compacting").exists());
    assert_eq!(canonical(&diplograph::seed::load(&seed).expect("loads")), expected);
}

/// The built binary.
fn diplograph(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_diplograph"));
    c.args(args).env_remove("RUST_LOG").env_remove("DIPLOGRAPH_ADDR").env_remove("DIPLOGRAPH_SEED");
    c
}

#[test]
fn the_compact_command_empties_a_journal_written_directly_and_check_passes() {
    let (_tmp, seed, journal) = seed_copy();
    let payload = |body: Value| {
        let mut p = json!({ "v": 1, "at": 1_700_000_000_000i64, "author": "alice", "comment": null });
        if let (Some(o), Value::Object(b)) = (p.as_object_mut(), body) {
            o.extend(b);
        }
        serde_json::to_vec(&p).expect("json")
    };
    let records = "\n[[place]]\nid = \"place:test-town\"\nname = \"Test Town\"\nkind = \"city\"\nsources = [\"source:report-000-2021-06-08\"]\n";
    {
        let (j, _) = Journal::open(&journal).expect("journal");
        j.append(&payload(json!({ "kind": "apply", "records": records }))).expect("append");
        let seq =
            j.append(&payload(json!({ "kind": "retract", "ids": ["statement:2021-lopez-obrador-blames-biden"] })));
        block_on(j.synced(seq.expect("append"))).expect("synced");
    }
    let expected = records_with_journal(&seed, &journal);
    let (s, j) = (seed.to_str().expect("utf-8"), journal.to_str().expect("utf-8"));

    // Refused while a server holds the journal.
    let hold = journal::hold(&journal, false).expect("lock");
    let out = diplograph(&["compact", "--seed", s, "--journal", j]).output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("JOURNAL_LOCKED"), "{out:?}");
    drop(hold);

    let out = diplograph(&["compact", "--seed", s, "--journal", j]).output().expect("run");
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 changes written"), "{out:?}");
    let out = diplograph(&["check", s]).output().expect("run");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(canonical(&diplograph::seed::load(&seed).expect("loads")), expected);
    assert!(read(&seed, "places.toml").contains("id = \"place:test-town\""));
    assert!(Journal::open(&journal).expect("journal").1.is_empty());
}

#[test]
fn serve_refuses_to_start_on_an_interrupted_compaction() {
    let (_tmp, seed, journal) = seed_copy();
    write_through_api(&seed, &journal, &changes()[..1]);
    compact_to_commit_point(&seed, &journal).expect("commits");
    let (s, j) = (seed.to_str().expect("utf-8"), journal.to_str().expect("utf-8"));
    let out = diplograph(&["serve", "--addr", "127.0.0.1:0", "--seed", s, "--journal", j]).output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("a compaction was interrupted"), "{out:?}");
    let out = diplograph(&["compact", "--seed", s, "--journal", j]).output().expect("run");
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("finished an interrupted compaction"), "{out:?}");
    assert!(read(&seed, "actors.toml").contains("actor:test-envoy"));
}

const DIALOGUE: &str = "agreement:2021-06-08-us-mexico-economic-dialogue";

/// The economic dialogue agreement as an input, with `extra` fields.
fn dialogue(extra: Value) -> Value {
    let mut a = json!({ "id": DIALOGUE, "title": "U.S.-Mexico economic dialogue in September 2021", "kind": "DIALOGUE",
        "status": "AGREED", "summary": "An economic dialogue, to be held in September.",
        "parties": ["actor:government-of-the-united-states", "actor:government-of-mexico"],
        "event": "event:2021-06-08-harris-lopez-obrador", "when": "2021-06-08", "sources": ["source:report-001-2021-06-09"] });
    if let (Some(o), Value::Object(x)) = (a.as_object_mut(), extra) {
        o.extend(x);
    }
    a
}

#[test]
fn a_replace_keeps_the_codes_schedules_and_days_it_gives_and_only_those() {
    let (_tmp, seed, journal) = seed_copy();
    let biden = json!({ "id": "actor:joe-biden", "name": "Joe Biden", "kind": "PERSON", "sources": ["source:report-001-2021-06-09"],
        "positions": [{ "title": "President of the United States", "organization": "actor:government-of-the-united-states",
            "asOf": "2021-06-08", "asOfDays": ["2023-12-28"], "sources": ["source:report-001-2021-06-09"] }] });
    let codes = json!({ "cameo": "046", "plover": "CONSULT:multilateral" });
    let served = write_through_api(
        &seed,
        &journal,
        &[(
            APPLY,
            json!({ "c": { "agreements": [dialogue(json!({ "schedules": ["event:2021-09-us-mexico-economic-dialogue"] }))],
                "events": [event("event:2021-06-10-envoy-call", codes)], "actors": [biden] } }),
        )],
    );
    let query = r#"{ agreement(id: "agreement:2021-06-08-us-mexico-economic-dialogue") { schedules { id } }
        event(id: "event:2021-06-10-envoy-call") { cameo plover { type mode } }
        actor(id: "actor:joe-biden") { positions { attested } } }"#;
    let answer = crate::support::run(&served.load(), crate::support::request(query, json!({})));
    assert_eq!(
        answer["data"],
        json!({
            "agreement": { "schedules": [{ "id": "event:2021-09-us-mexico-economic-dialogue" }] },
            "event": { "cameo": "046", "plover": { "type": "CONSULT", "mode": "multilateral" } },
            "actor": { "positions": [{ "attested": ["2021-06-08", "2023-12-28"] }] },
        }),
        "{answer:#}"
    );
    let expected = records_with_journal(&seed, &journal);
    compact(&seed, &journal).expect("compacts");
    assert_eq!(canonical(&diplograph::seed::load(&seed).expect("loads")), expected);
    let harris = read(&seed, HARRIS);
    assert!(harris.contains("event = \"event:2021-06-08-harris-lopez-obrador\"\nschedules = [\"event:2021-09-us-mexico-economic-dialogue\"]\n"));
    let call = read(&seed, "episodes/2021-06-10-envoy-call.toml");
    assert!(call.contains("summary = \"They spoke.\"\ncameo = \"046\"\nplover = \"CONSULT:multilateral\"\n"));
    assert!(read(&seed, "actors.toml").contains("as_of = [\"2021-06-08\", \"2023-12-28\"]"));

    // A replace is the whole record, as given: without `schedules`, the agreement has none.
    let served =
        write_through_api(&seed, &journal, &[(APPLY, json!({ "c": { "agreements": [dialogue(json!({}))] } }))]);
    let answer = crate::support::run(&served.load(), crate::support::request(query, json!({})));
    assert_eq!(answer["data"]["agreement"], json!({ "schedules": [] }), "{answer:#}");
}

#[test]
fn after_a_compaction_the_log_counts_on_and_a_cursor_of_a_compacted_change_is_refused() {
    use futures_util::StreamExt;
    let (_tmp, seed, journal) = seed_copy();
    write_through_api(&seed, &journal, &changes()[..3]);
    assert_eq!(compact(&seed, &journal).expect("compacts").last_seq, 3);

    // A server started on the compacted seed: its changes are numbered on from 4.
    let more = [
        (APPLY, json!({ "c": { "events": [event("event:2021-06-12-after-1", json!({}))] } })),
        (APPLY, json!({ "c": { "events": [event("event:2021-06-12-after-2", json!({}))] } })),
    ];
    write_through_api(&seed, &journal, &more);
    // Restarted: the journal replayed on the compacted seed, as `serve` does.
    let g = diplograph::seed::load(&seed).expect("seed loads");
    let (j, entries) = Journal::open(&journal).expect("journal");
    assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [4, 5]);
    let (g, history) = replay(&g, entries.into_iter().map(|e| (e.seq, e.payload))).expect("replays");
    let served = ServedGraph::new(Arc::new(g));
    let w = Arc::new(Writer::new(served.clone(), Arc::new(j), history));
    let schema = diplograph::api::schema();
    let ask = |query: &str, variables: Value| {
        let r = crate::support::request(query, variables).data(WriteService(w.clone()));
        serde_json::to_value(block_on(diplograph::api::execute(&schema, r, served.load()))).expect("json")
    };
    let cursor = diplograph::api::writes::cursor;
    let page = "query($a: String, $b: String) { changes(after: $a, before: $b) { totalCount nodes { seq } } }";
    let r = ask(page, json!({}));
    assert_eq!(r["data"]["changes"], json!({ "totalCount": 2, "nodes": [{ "seq": 4 }, { "seq": 5 }] }), "{r:#}");
    // After the last change compacted, nothing is missing.
    let r = ask(page, json!({ "a": cursor(3) }));
    assert_eq!(r["data"]["changes"]["nodes"], json!([{ "seq": 4 }, { "seq": 5 }]), "{r:#}");
    // A cursor inside the compacted range: refused, saying up to where, never an empty page.
    for variables in [json!({ "a": cursor(2) }), json!({ "a": cursor(0) }), json!({ "b": cursor(3) })] {
        let r = ask(page, variables.clone());
        let e = &r["errors"][0]["extensions"];
        assert_eq!(
            (e["code"].as_str(), e["cause"].as_str()),
            (Some("BAD_USER_INPUT"), Some("CHANGES_COMPACTED")),
            "{r:#}"
        );
        assert_eq!(e["compactedThrough"], 3, "{variables}");
        assert!(r["errors"][0]["message"].as_str().unwrap_or_default().contains("compacted into the seed"), "{r:#}");
    }

    // A subscriber resuming: after the compacted range it gets the changes since; inside it,
    // the same refusal.
    let subscribe = |after: u64| {
        let r = crate::support::request(
            "subscription($a: String) { changes(after: $a) { seq } }",
            json!({ "a": cursor(after) }),
        )
        .data(WriteService(w.clone()))
        .data(served.load());
        let first = block_on(async { schema.execute_stream(r).next().await.expect("an answer") });
        serde_json::to_value(&first).expect("json")
    };
    assert_eq!(subscribe(3)["data"], json!({ "changes": { "seq": 4 } }));
    assert_eq!(subscribe(4)["data"], json!({ "changes": { "seq": 5 } }));
    let refused = subscribe(1);
    assert_eq!(refused["errors"][0]["extensions"]["cause"], "CHANGES_COMPACTED", "{refused:#}");
}
