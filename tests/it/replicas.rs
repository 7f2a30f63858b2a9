//! Replicas on one change log (issue 17): a change written by one server applied by another
//! (`Writer::adopt`), `/health` reporting a replica's lag, and the refusals at start. The
//! last test runs two servers on a real PostgreSQL when `DIPLOGRAPH_PG_URL` is set
//! (`.ci/run` starts a private cluster and sets it); without it, it says so and checks
//! nothing.

use crate::support::{block_on, graph, root};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use diplograph::api::{Author, WriteService, Writes};
use diplograph::graph::ServedGraph;
use diplograph::write::{MemoryLog, ReplayError, Writer};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

const APPLY: &str = "mutation($c: ChangeInput!) { applyChange(change: $c) { seq snapshot } }";
const RETRACT: &str = "mutation($ids: [ID!]!) { retract(ids: $ids, reason: \"gone\") { seq snapshot } }";

/// An event of the bundled seed's first report, as `applyChange` takes it.
fn event(id: &str) -> Value {
    json!({ "id": id, "title": "A call", "summary": "They spoke.", "kind": "CALL", "status": "OCCURRED",
        "when": "2021-06-10", "sources": ["source:report-000-2021-06-08"] })
}

/// A writer over a fresh copy of the bundled seed, the graph it serves and its log.
fn writer() -> (Arc<Writer>, ServedGraph, Arc<MemoryLog>) {
    let served = ServedGraph::new(graph());
    let log = Arc::new(MemoryLog::new());
    (Arc::new(Writer::new(served.clone(), log.clone(), Vec::new())), served, log)
}

/// Runs a mutation as `alice` on the writer's graph; its errors, if any.
fn write(w: &Arc<Writer>, served: &ServedGraph, query: &str, variables: Value) {
    let r = crate::support::request(query, variables).data(WriteService(w.clone())).data(Author("alice".into()));
    let r = block_on(diplograph::api::execute(&diplograph::api::schema(), r, served.load()));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

fn summary(changes: &diplograph::api::ChangeList) -> Vec<(u64, String, Vec<String>)> {
    changes.iter().map(|c| (c.seq, c.snapshot.clone(), c.ids.clone())).collect()
}

#[test]
fn a_change_written_by_another_replica_is_adopted_once_in_order_and_gives_the_same_graph() {
    let (a, served_a, log_a) = writer();
    write(&a, &served_a, APPLY, json!({ "c": { "events": [event("event:rep-1")] } }));
    write(&a, &served_a, RETRACT, json!({ "ids": ["event:rep-1"] }));
    write(&a, &served_a, APPLY, json!({ "c": { "events": [event("event:rep-2")] } }));
    let payloads = log_a.payloads();

    let (b, served_b, log_b) = writer();
    let mut feed = b.subscribe();
    let first = b.adopt(1, &payloads[0]).expect("applies").expect("new");
    assert_eq!(first.snapshot, a.changes()[0].snapshot, "the same change gives the same snapshot everywhere");
    assert_eq!(served_b.load().snapshot().hash, first.snapshot, "visible at once: it is durable in the log");
    assert_eq!(feed.try_recv().map(|e| e.seq), Ok(1), "and sent to the change feed");
    assert_eq!(b.adopt(1, &payloads[0]).expect("held"), None, "a change already held is skipped");
    let gap = b.adopt(3, &payloads[2]).expect_err("change 2 is missing");
    assert!(matches!(gap, ReplayError::Unreadable { seq: 3, .. }), "{gap}");
    for (i, p) in payloads.iter().enumerate().skip(1) {
        b.adopt(i as u64 + 1, p).expect("applies").expect("new");
    }
    assert_eq!(summary(&b.changes()), summary(&a.changes()));
    assert_eq!(served_b.load().snapshot().hash, served_a.load().snapshot().hash);
    assert!(log_b.payloads().is_empty(), "adopted changes are not written again");

    // A change that does not apply to this replica's graph is refused, and nothing changes.
    let (c, served_c, _) = writer();
    let before = served_c.load().snapshot().hash.clone();
    let refused = c.adopt(1, &payloads[1]).expect_err("retracts an event this graph lacks");
    assert!(
        matches!(&refused, ReplayError::Refused { seq: 1, problems } if problems[0].contains("event:rep-1")),
        "{refused}"
    );
    assert_eq!((served_c.load().snapshot().hash.clone(), c.changes().len()), (before, 0));
}

/// `GET /health` of a replica whose place in the log is `lag`; its status and body.
fn health(lag: Duration) -> (StatusCode, Value) {
    let state = diplograph::http::AppState::new(diplograph::api::schema(), graph(), Default::default())
        .with_log_health(move || diplograph::http::LogHealth {
            applied: 7,
            latest: 9,
            lag,
            max_lag: Duration::from_secs(5),
            reachable: true,
            stuck: None,
        });
    block_on(async {
        let r = diplograph::http::app(state)
            .oneshot(Request::get("/health").body(Body::empty()).expect("request"))
            .await
            .expect("answer");
        let status = r.status();
        let bytes = axum::body::to_bytes(r.into_body(), 1 << 20).await.expect("body");
        (status, serde_json::from_slice(&bytes).expect("json"))
    })
}

#[test]
fn health_says_503_while_a_replica_lags_more_than_allowed() {
    let (status, body) = health(Duration::from_secs(2));
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ok")), "{body}");
    assert_eq!(
        body["changeLog"],
        json!({ "applied": 7, "latest": 9, "lagSeconds": 2.0, "maxLagSeconds": 5.0, "reachable": true, "stuck": null })
    );
    let (status, body) = health(Duration::from_secs(6));
    assert_eq!((status, body["status"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("behind")), "{body}");
    assert!(body["snapshot"]["hash"].is_string(), "still says what it serves: {body}");
}

/// The built binary (`DIPLOGRAPH_BIN`: the release one in `.ci/run`), run from the root.
fn diplograph(args: &[&str]) -> std::process::Command {
    let bin = std::env::var("DIPLOGRAPH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_diplograph").to_owned());
    let mut c = std::process::Command::new(bin);
    c.args(args).current_dir(root()).env_remove("RUST_LOG").env_remove("DIPLOGRAPH_ADDR");
    c
}

/// A loopback port nothing listens on (bound, then let go).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

#[test]
fn a_log_that_cannot_be_reached_stops_the_server_naming_its_host_and_port() {
    let port = closed_port();
    let url = format!("postgres://diplograph@127.0.0.1:{port}/changes");
    let out = diplograph(&["serve", "--addr", "127.0.0.1:0", "--journal", &url]).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot reach the change log at PostgreSQL 127.0.0.1:{port}/changes")),
        "{stderr}"
    );
    assert!(stderr.contains("the server did not start") && !stderr.contains("serving http"), "{stderr}");

    let out = diplograph(&["serve", "--addr", "127.0.0.1:0", "--watch", "--journal", &url]).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code() == Some(1) && stderr.contains("leave --watch out"), "{stderr}");
}

mod postgres;
