//! Curated writes (issue 15): changes checked by the seed's rules, all or nothing, visible
//! to the next query and in `changes`; retract; access over HTTP.

use crate::support::{block_on, graph};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use diplograph::api::{Author, WriteService};
use diplograph::graph::ServedGraph;
use diplograph::write::{replay, MemoryLog, Writer};
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;

/// A writer over a fresh copy of the bundled seed, its served graph and its log.
fn writer() -> (Arc<Writer>, ServedGraph, Arc<MemoryLog>) {
    let served = ServedGraph::new(graph());
    let log = Arc::new(MemoryLog::new());
    (Arc::new(Writer::new(served.clone(), log.clone(), Vec::new())), served, log)
}

/// Runs `query` on the graph `served` serves now, as `author` when given.
fn run(w: &Arc<Writer>, served: &ServedGraph, query: &str, variables: Value, author: Option<&str>) -> Value {
    let schema = diplograph::api::schema();
    let mut r = crate::support::request(query, variables).data(WriteService(w.clone()));
    if let Some(a) = author {
        r = r.data(Author(a.to_owned()));
    }
    let response = block_on(diplograph::api::execute(&schema, r, served.load()));
    serde_json::to_value(&response).expect("json")
}

pub(crate) const APPLY: &str =
    "mutation($c: ChangeInput!) { applyChange(change: $c) { id seq author kind comment ids snapshot at } }";
pub(crate) const SRC: &str = "source:report-000-2021-06-08";

pub(crate) fn event(id: &str, extra: Value) -> Value {
    let mut e = json!({ "id": id, "title": "A call", "summary": "They spoke.", "kind": "CALL", "status": "OCCURRED",
        "when": "2021-06-10", "sources": [SRC] });
    if let (Some(o), Value::Object(x)) = (e.as_object_mut(), extra) {
        o.extend(x);
    }
    e
}

/// Applies `change`, expecting a refusal with `code`; the graph and the log are unchanged.
fn refused(change: Value, code: &str) -> Value {
    let (w, served, log) = writer();
    let before = served.load().snapshot().hash.clone();
    let r = run(&w, &served, APPLY, json!({ "c": change }), Some("alice"));
    let e = &r["errors"][0];
    assert_eq!(e["extensions"]["code"], code, "{r:#}");
    assert_eq!(served.load().snapshot().hash, before, "the graph is unchanged");
    assert!(log.payloads().is_empty(), "nothing was logged");
    assert!(w.changes_now().is_empty());
    e.clone()
}

trait Now {
    fn changes_now(&self) -> Vec<u64>;
}
impl Now for Arc<Writer> {
    fn changes_now(&self) -> Vec<u64> {
        use diplograph::api::Writes;
        self.changes().iter().map(|c| c.seq).collect()
    }
}

#[test]
fn an_applied_change_is_in_the_next_query_and_in_the_change_log_and_replays_to_the_same_graph() {
    let (w, served, log) = writer();
    let actor = json!({ "id": "actor:jane-doe", "name": "Jane Doe", "kind": "PERSON", "sources": [SRC] });
    let ev = event(
        "event:2021-06-10-call",
        json!({ "participants": [{ "actor": "actor:jane-doe", "role": "HOST", "sources": [SRC] }] }),
    );
    let r = run(
        &w,
        &served,
        APPLY,
        json!({ "c": { "actors": [actor], "events": [ev], "comment": "from the desk" } }),
        Some("alice"),
    );
    assert!(r.get("errors").is_none(), "{r:#}");
    let c = &r["data"]["applyChange"];
    assert_eq!((c["id"].clone(), c["seq"].clone(), c["author"].clone()), (json!("change:1"), json!(1), json!("alice")));
    assert_eq!(c["ids"], json!(["actor:jane-doe", "event:2021-06-10-call"]));
    assert_eq!((c["kind"].clone(), c["comment"].clone()), (json!("APPLY"), json!("from the desk")));
    assert_eq!(c["snapshot"], served.load().snapshot().hash.as_str());
    let q = run(
        &w,
        &served,
        r#"{ actor(id: "actor:jane-doe") { name events { nodes { id } } } changes { totalCount nodes { id } edges { cursor } } node(id: "change:1") { id } }"#,
        json!({}),
        None,
    );
    assert_eq!(
        q["data"]["actor"],
        json!({ "name": "Jane Doe", "events": { "nodes": [{ "id": "event:2021-06-10-call" }] } }),
        "{q:#}"
    );
    assert_eq!(q["data"]["changes"]["totalCount"], 1);
    assert_eq!(q["data"]["node"]["id"], "change:1");
    // Replacing by id keeps one record.
    let renamed = json!({ "id": "actor:jane-doe", "name": "Jane Q. Doe", "kind": "PERSON", "sources": [SRC] });
    let r = run(&w, &served, APPLY, json!({ "c": { "actors": [renamed] } }), Some("bob"));
    assert_eq!(r["data"]["applyChange"]["seq"], 2, "{r:#}");
    let q = run(&w, &served, r#"{ actor(id: "actor:jane-doe") { name events { totalCount } } }"#, json!({}), None);
    assert_eq!(q["data"]["actor"], json!({ "name": "Jane Q. Doe", "events": { "totalCount": 1 } }));
    // The log alone, replayed on the seed, gives the same graph.
    let payloads = log.payloads().into_iter().enumerate().map(|(i, p)| (i as u64 + 1, p));
    let (replayed, entries) = replay(&graph(), payloads).expect("replays");
    assert_eq!(replayed.snapshot().hash, served.load().snapshot().hash);
    assert_eq!(replayed.node_count(), served.load().node_count());
    assert_eq!(entries.len(), 2);
}

#[test]
fn a_change_resolves_by_id_through_federation_entities_once_applied() {
    let (w, served, _) = writer();
    let entities = r#"query($r: [_Any!]!) { _entities(representations: $r) { ... on Change { id seq author } } }"#;
    let representations = json!({ "r": [{ "__typename": "Change", "id": "change:1" }] });
    let before = run(&w, &served, entities, representations.clone(), None);
    assert_eq!(before["data"]["_entities"], json!([null]), "{before:#}");
    let actor = json!({ "id": "actor:jane-doe", "name": "Jane Doe", "kind": "PERSON", "sources": [SRC] });
    let r = run(&w, &served, APPLY, json!({ "c": { "actors": [actor] } }), Some("alice"));
    assert!(r.get("errors").is_none(), "{r:#}");
    let after = run(&w, &served, entities, representations, None);
    assert_eq!(after["data"]["_entities"], json!([{ "id": "change:1", "seq": 1, "author": "alice" }]), "{after:#}");
}

#[test]
fn every_problem_is_listed_with_its_record_and_field_and_nothing_is_applied() {
    let bad = event(
        "event:2021-06-10-call",
        json!({ "when": "2021-13-40", "place": "actor:kamala-harris",
        "participants": [{ "actor": "actor:nobody-at-all", "role": "HOST", "sources": [] }] }),
    );
    let e = refused(json!({ "events": [bad] }), "BAD_USER_INPUT");
    let problems = e["extensions"]["problems"].as_array().expect("problems").clone();
    let fields: Vec<&str> = problems.iter().map(|p| p["field"].as_str().unwrap_or("?")).collect();
    assert!(problems.iter().all(|p| p["id"] == "event:2021-06-10-call"), "{problems:#?}");
    for f in ["when", "place", "participants[0].actor", "participants[0].sources"] {
        assert!(fields.contains(&f), "{f} not in {fields:?}: {problems:#?}");
    }
    // A fact without a source, and a malformed id.
    let e = refused(json!({ "events": [event("event:Bad Id", json!({ "sources": [] }))] }), "BAD_USER_INPUT");
    let messages = e["extensions"]["problems"].to_string();
    assert!(messages.contains("no `sources`") && messages.contains("a-z, 0-9"), "{messages}");
}

#[test]
fn duplicates_cycles_wrong_kinds_and_huge_changes_are_refused_with_their_codes() {
    let e =
        refused(json!({ "events": [event("event:x-1", json!({})), event("event:x-1", json!({}))] }), "BAD_USER_INPUT");
    assert!(e["extensions"]["problems"].to_string().contains("duplicate id"), "{e:#}");
    let e = refused(
        json!({ "events": [event("event:x-1", json!({ "partOf": "event:x-2" })), event("event:x-2", json!({ "partOf": "event:x-1" }))] }),
        "BAD_USER_INPUT",
    );
    assert!(e["extensions"]["problems"].to_string().contains("leads back to itself"), "{e:#}");
    let e = refused(json!({ "events": [event("actor:not-an-event", json!({}))] }), "BAD_USER_INPUT");
    assert!(e["extensions"]["problems"].to_string().contains("must start with `event:`"), "{e:#}");
    let many: Vec<Value> = (0..10_000).map(|i| event(&format!("event:n-{i}"), json!({}))).collect();
    refused(json!({ "events": many }), "LIMIT_EXCEEDED");
}

#[test]
fn retract_is_refused_while_something_refers_to_the_record_then_removes_it() {
    let (w, served, log) = writer();
    let retract = "mutation($ids: [ID!]!) { retract(ids: $ids, reason: \"wrong\") { seq kind ids comment } }";
    let r = run(&w, &served, retract, json!({ "ids": ["actor:kamala-harris"] }), Some("alice"));
    assert_eq!(r["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{r:#}");
    assert!(r["errors"][0]["extensions"]["problems"].to_string().contains("refers to `actor:kamala-harris`"));
    assert!(log.payloads().is_empty());
    let r = run(&w, &served, APPLY, json!({ "c": { "events": [event("event:lonely", json!({}))] } }), Some("alice"));
    assert!(r.get("errors").is_none(), "{r:#}");
    let count = served.load().entity_count();
    let r = run(&w, &served, retract, json!({ "ids": ["event:lonely"] }), Some("alice"));
    assert_eq!(
        r["data"]["retract"],
        json!({ "seq": 2, "kind": "RETRACT", "ids": ["event:lonely"], "comment": "wrong" }),
        "{r:#}"
    );
    assert_eq!(served.load().entity_count(), count - 1);
    let q = run(
        &w,
        &served,
        r#"{ event(id: "event:lonely") { id } actor(id: "actor:kamala-harris") { events { totalCount } } }"#,
        json!({}),
        None,
    );
    assert_eq!(q["data"]["event"], Value::Null);
    assert_eq!(
        q["data"]["actor"]["events"]["totalCount"],
        run(
            &w,
            &ServedGraph::new(graph()),
            r#"{ actor(id: "actor:kamala-harris") { events { totalCount } } }"#,
            json!({}),
            None
        )["data"]["actor"]["events"]["totalCount"]
    );
}

#[test]
fn a_record_only_retracted_ones_referred_to_can_be_retracted_and_its_id_used_again() {
    let (w, served, log) = writer();
    let retract = "mutation($ids: [ID!]!) { retract(ids: $ids, reason: \"wrong\") { seq } }";
    let said = json!({ "id": "statement:talked", "speaker": "actor:kamala-harris", "when": "2021-06-10",
        "text": "The call went well.", "channel": "PRESS", "about": "event:talk", "sources": [SRC] });
    let change = json!({ "c": { "events": [event("event:talk", json!({}))], "statements": [said] } });
    let r = run(&w, &served, APPLY, change, Some("alice"));
    assert!(r.get("errors").is_none(), "{r:#}");
    // The statement refers to the event: refused until the statement goes.
    let r = run(&w, &served, retract, json!({ "ids": ["event:talk"] }), Some("alice"));
    assert!(r["errors"][0]["extensions"]["problems"].to_string().contains("`statement:talked` refers to"), "{r:#}");
    for id in ["statement:talked", "event:talk"] {
        let r = run(&w, &served, retract, json!({ "ids": [id] }), Some("alice"));
        assert!(r.get("errors").is_none(), "{id}: {r:#}");
    }
    let q = r#"{ event(id: "event:talk") { title } node(id: "statement:talked") { id }
        actor(id: "actor:kamala-harris") { statements { totalCount } } }"#;
    let seed = run(&w, &ServedGraph::new(graph()), q, json!({}), None);
    assert_eq!(run(&w, &served, q, json!({}), None), seed, "as before the records were added");
    // The id again, for another record: found, and the retracted one is not.
    let again = json!({ "c": { "events": [event("event:talk", json!({ "title": "Another call" }))] } });
    let r = run(&w, &served, APPLY, again, Some("alice"));
    assert!(r.get("errors").is_none(), "{r:#}");
    let r = run(&w, &served, q, json!({}), None);
    assert_eq!(r["data"]["event"], json!({ "title": "Another call" }), "{r:#}");
    let search = r#"{ search(text: "call", first: 50) { ... on Event { id title } } }"#;
    let hits = run(&w, &served, search, json!({}), None);
    let calls: Vec<&Value> =
        hits["data"]["search"].as_array().expect("hits").iter().filter(|h| h["id"] == "event:talk").collect();
    assert_eq!(calls, [&json!({ "id": "event:talk", "title": "Another call" })], "{hits:#}");
    // A record of the seed too: retracted, then written again with another text.
    let blames = "statement:2021-lopez-obrador-blames-biden";
    let r = run(&w, &served, retract, json!({ "ids": [blames] }), Some("alice"));
    assert!(r.get("errors").is_none(), "{r:#}");
    let text = r#"{ node(id: "statement:2021-lopez-obrador-blames-biden") { ... on Statement { text } } }"#;
    assert_eq!(run(&w, &served, text, json!({}), None)["data"]["node"], Value::Null);
    let said = json!({ "id": blames, "speaker": "actor:andres-manuel-lopez-obrador", "when": "2021",
        "text": "Written again.", "channel": "OTHER", "sources": ["source:report-001-2021-06-09"] });
    let r = run(&w, &served, APPLY, json!({ "c": { "statements": [said] } }), Some("alice"));
    assert!(r.get("errors").is_none(), "{r:#}");
    assert_eq!(run(&w, &served, text, json!({}), None)["data"]["node"], json!({ "text": "Written again." }));
    // The log replayed on the seed gives the same graph, answer for answer.
    let payloads = log.payloads().into_iter().enumerate().map(|(i, p)| (i as u64 + 1, p));
    let (replayed, _) = replay(&graph(), payloads).expect("replays");
    let replayed = ServedGraph::new(Arc::new(replayed));
    assert_eq!(replayed.load().snapshot().hash, served.load().snapshot().hash);
    for q in [q, search, text] {
        assert_eq!(run(&w, &replayed, q, json!({}), None), run(&w, &served, q, json!({}), None));
    }
}

#[test]
fn without_a_write_service_or_an_author_a_mutation_is_refused() {
    let r = crate::support::run(
        &graph(),
        crate::support::request(APPLY, json!({ "c": { "events": [event("event:a", json!({}))] } })),
    );
    assert_eq!(r["errors"][0]["extensions"]["code"], "FORBIDDEN", "{r:#}");
    let (w, served, _) = writer();
    let r = run(&w, &served, APPLY, json!({ "c": { "events": [event("event:a", json!({}))] } }), None);
    assert_eq!(r["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{r:#}");
}

// ---- over HTTP ----

/// Applies a change of one event `id` over real HTTP at `addr` with the write token, and
/// checks it was answered 200.
pub(crate) async fn apply_over_http(addr: std::net::SocketAddr, id: &str) {
    let body = json!({ "query": APPLY, "variables": { "c": { "events": [event(id, json!({}))] } } });
    let r = reqwest::Client::new()
        .post(format!("http://{addr}/graphql"))
        .bearer_auth("secret-w")
        .json(&body)
        .send()
        .await
        .expect("mutation");
    assert_eq!(r.status(), reqwest::StatusCode::OK);
}

/// sha256("secret-w") and sha256("secret-r").
pub(crate) fn tokens() -> diplograph::http::tokens::Tokens {
    use sha2::Digest;
    let hex = |t: &str| sha2::Sha256::digest(t.as_bytes()).iter().map(|b| format!("{b:02x}")).collect::<String>();
    let text = format!("# test tokens\nwriter write {}\nreader read {}\n", hex("secret-w"), hex("secret-r"));
    diplograph::http::tokens::Tokens::parse("tokens", &text).expect("tokens")
}

fn app(writes: bool) -> (axum::Router, Arc<MemoryLog>) {
    let state = diplograph::http::AppState::new(diplograph::api::schema(), graph(), Default::default());
    let log = Arc::new(MemoryLog::new());
    let state = if writes {
        let w = Writer::new(state.graph.clone(), log.clone(), Vec::new());
        state.with_writes(Arc::new(w), tokens())
    } else {
        state
    };
    (diplograph::http::app(state), log)
}

pub(crate) fn send(
    app: &axum::Router,
    uri: &str,
    token: Option<&str>,
    body: Value,
) -> (StatusCode, Option<String>, Value) {
    let mut r = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/graphql-response+json");
    if let Some(t) = token {
        r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let request = r.body(Body::from(body.to_string())).expect("request");
    block_on(async {
        let r = app.clone().oneshot(request).await.expect("answer");
        let status = r.status();
        let www = r.headers().get(header::WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = axum::body::to_bytes(r.into_body(), 1 << 20).await.expect("body");
        (status, www, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    })
}

#[test]
fn a_mutation_too_long_for_the_document_cache_still_needs_a_token() {
    // The access check reads the operation from the cache of parsed documents, which keeps
    // texts up to 8 KB; a longer one is parsed for the check, and refused the same way.
    let query = format!("# {}\n{APPLY}", "x".repeat(9000));
    let change = json!({ "query": query, "variables": { "c": { "events": [event("event:http-long", json!({}))] } } });
    let (app_w, log) = app(true);
    let (s, _, b) = send(&app_w, "/graphql", None, change.clone());
    assert_eq!((s, b["errors"][0]["extensions"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("UNAUTHENTICATED")));
    let (s, _, b) = send(&app_w, "/graphql", Some("secret-w"), change);
    assert_eq!((s, b["data"]["applyChange"]["seq"].clone()), (StatusCode::OK, json!(1)), "{b:#}");
    assert_eq!(log.payloads().len(), 1);
}

#[test]
fn the_access_matrix_over_http() {
    let change = json!({ "query": APPLY, "variables": { "c": { "events": [event("event:http-1", json!({}))] } } });
    let (app_w, log) = app(true);
    let code = |v: &Value| v["errors"][0]["extensions"]["code"].as_str().unwrap_or_default().to_owned();
    let (s, www, b) = send(&app_w, "/graphql", None, change.clone());
    assert_eq!((s, www.as_deref(), code(&b).as_str()), (StatusCode::UNAUTHORIZED, Some("Bearer"), "UNAUTHENTICATED"));
    let (s, _, b) = send(&app_w, "/graphql", Some("wrong"), change.clone());
    assert_eq!((s, code(&b).as_str()), (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED"));
    let (s, _, b) = send(&app_w, "/graphql", Some("secret-r"), change.clone());
    assert_eq!((s, code(&b).as_str()), (StatusCode::FORBIDDEN, "FORBIDDEN"));
    let (s, _, b) = send(&app_w, "/graphql?access_token=secret-w", None, change.clone());
    assert_eq!((s, code(&b).as_str()), (StatusCode::BAD_REQUEST, "BAD_REQUEST"));
    assert!(log.payloads().is_empty(), "no refused write was logged");
    // Reads need no token.
    let (s, _, b) = send(&app_w, "/graphql", None, json!({ "query": "{ changes { totalCount } }" }));
    assert_eq!((s, b["data"]["changes"]["totalCount"].clone()), (StatusCode::OK, json!(0)));
    let (s, _, b) = send(&app_w, "/graphql", Some("secret-w"), change.clone());
    assert_eq!((s, b["data"]["applyChange"]["author"].clone()), (StatusCode::OK, json!("writer")), "{b:#}");
    assert_eq!(log.payloads().len(), 1);
    // The same body again is run again (never answered from the cache): a second change.
    let (_, _, b) = send(&app_w, "/graphql", Some("secret-w"), change.clone());
    assert_eq!(b["data"]["applyChange"]["seq"], 2, "{b:#}");
    let (_, _, b) = send(
        &app_w,
        "/graphql",
        None,
        json!({ "query": "{ changes { totalCount } event(id: \"event:http-1\") { id } }" }),
    );
    assert_eq!(b["data"], json!({ "changes": { "totalCount": 2 }, "event": { "id": "event:http-1" } }), "{b:#}");
    // A server without tokens refuses every mutation.
    let (app_r, _) = app(false);
    let (s, _, b) = send(&app_r, "/graphql", Some("secret-w"), change);
    assert_eq!((s, code(&b).as_str()), (StatusCode::FORBIDDEN, "FORBIDDEN"));
    assert!(b["errors"][0]["message"].as_str().unwrap_or_default().contains("writes are disabled"));
    // Mutations over GET stay 405.
    let get = Request::get("/graphql?query=mutation%7Bretract(ids%3A%5B%22a%22%5D%2Creason%3A%22x%22)%7Bseq%7D%7D")
        .body(Body::empty())
        .expect("request");
    let r = block_on(app_w.clone().oneshot(get)).expect("answer");
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[test]
fn a_reload_replays_the_changes_on_the_reloaded_seed() {
    use diplograph::reload::{Reloaded, Reloader};
    let dir = crate::reload::seed_copy();
    let served = ServedGraph::new(Arc::new(diplograph::seed::load(dir.path()).expect("seed")));
    let w = Arc::new(Writer::new(served.clone(), Arc::new(MemoryLog::new()), Vec::new()));
    let reloader = Reloader::new(dir.path(), served.clone()).with_writer(w.clone());
    let r = run(&w, &served, APPLY, json!({ "c": { "events": [event("event:kept", json!({}))] } }), Some("alice"));
    assert!(r.get("errors").is_none(), "{r:#}");
    assert_eq!(reloader.reload(), Ok(Reloaded::Unchanged), "the same seed with the same changes");
    let actors = dir.path().join("actors.toml");
    let text = std::fs::read_to_string(&actors).expect("actors");
    std::fs::write(&actors, text.replace("name = \"Kamala Harris\"", "name = \"Kamala D. Harris\"")).expect("edit");
    assert!(matches!(reloader.reload(), Ok(Reloaded::Swapped(_))));
    let q = run(
        &w,
        &served,
        r#"{ event(id: "event:kept") { id } actor(id: "actor:kamala-harris") { name } }"#,
        json!({}),
        None,
    );
    assert_eq!(q["data"], json!({ "event": { "id": "event:kept" }, "actor": { "name": "Kamala D. Harris" } }), "{q:#}");
}

#[test]
fn the_change_feed_sends_the_missed_changes_after_a_cursor_then_live_ones() {
    use futures_util::StreamExt;
    let (w, served, _) = writer();
    for id in ["event:feed-1", "event:feed-2"] {
        let r = run(&w, &served, APPLY, json!({ "c": { "events": [event(id, json!({}))] } }), Some("alice"));
        assert!(r.get("errors").is_none(), "{r:#}");
    }
    let schema = diplograph::api::schema();
    block_on(async {
        let after = diplograph::api::writes::cursor(1);
        let request = crate::support::request(
            "subscription($a: String) { changes(after: $a) { seq ids } }",
            json!({ "a": after }),
        )
        .data(WriteService(w.clone()))
        .data(served.load());
        let mut stream = schema.execute_stream(request);
        let first = stream.next().await.expect("the missed change");
        assert_eq!(
            serde_json::to_value(&first.data).expect("json"),
            json!({ "changes": { "seq": 2, "ids": ["event:feed-2"] } })
        );
        use diplograph::api::Writes;
        let live = w.clone();
        let apply = async move {
            let input: diplograph::api::inputs::ChangeInput = async_graphql::InputType::parse(Some(
                async_graphql::Value::from_json(json!({ "events": [event("event:feed-3", json!({}))] }))
                    .expect("value"),
            ))
            .expect("input");
            live.apply("alice", input).await.expect("applied")
        };
        let (applied, next) = futures_util::join!(apply, stream.next());
        assert_eq!(applied.seq, 3);
        let next = next.expect("the live change");
        assert_eq!(
            serde_json::to_value(&next.data).expect("json"),
            json!({ "changes": { "seq": 3, "ids": ["event:feed-3"] } })
        );
    });
}

#[test]
fn subscriptions_are_served_over_graphql_transport_ws() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = diplograph::http::AppState::new(diplograph::api::schema(), graph(), Default::default());
        let w = Arc::new(Writer::new(state.graph.clone(), Arc::new(MemoryLog::new()), Vec::new()));
        let state = state.with_writes(w, tokens());
        tokio::spawn(diplograph::http::serve(listener, diplograph::http::app(state)));
        let mut request = format!("ws://{addr}/graphql/ws").into_client_request().expect("request");
        request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().expect("header"));
        let (mut ws, _) = tokio_tungstenite::connect_async(request).await.expect("connects");
        let send = |v: Value| Message::Text(v.to_string().into());
        ws.send(send(json!({ "type": "connection_init" }))).await.expect("init");
        let ack = ws.next().await.expect("ack").expect("ack");
        assert!(ack.to_text().expect("text").contains("connection_ack"), "{ack:?}");
        apply_over_http(addr, "event:ws-1").await;
        // From the start of the log: the change just made comes first.
        let query = "subscription($a: String) { changes(after: $a) { seq author } }";
        let variables = json!({ "a": diplograph::api::writes::cursor(0) });
        ws.send(send(json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": variables } })))
            .await
            .expect("subscribe");
        let next = ws.next().await.expect("next").expect("next");
        let v: Value = serde_json::from_str(next.to_text().expect("text")).expect("json");
        assert_eq!(v["type"], "next", "{v:#}");
        assert_eq!(v["payload"]["data"]["changes"], json!({ "seq": 1, "author": "writer" }));
    });
}

/// A log whose syncs fail (a full disk), or whose appends do.
struct FailingLog {
    append_fails: bool,
}

#[async_trait::async_trait]
impl diplograph::write::Log for FailingLog {
    fn append(&self, _payload: &[u8]) -> std::io::Result<u64> {
        if self.append_fails {
            Err(std::io::Error::other("no space left on device"))
        } else {
            Ok(1)
        }
    }
    async fn synced(&self, _seq: u64) -> std::io::Result<()> {
        Err(std::io::Error::other("no space left on device"))
    }
}

#[test]
fn a_log_failure_is_a_coded_error_the_change_is_not_visible_and_reads_go_on() {
    for append_fails in [true, false] {
        let served = ServedGraph::new(graph());
        let before = served.load().snapshot().hash.clone();
        let w = Arc::new(Writer::new(served.clone(), Arc::new(FailingLog { append_fails }), Vec::new()));
        for _ in 0..2 {
            let r =
                run(&w, &served, APPLY, json!({ "c": { "events": [event("event:lost", json!({}))] } }), Some("alice"));
            assert_eq!(r["errors"][0]["extensions"]["code"], "WRITE_FAILED", "{r:#}");
        }
        assert_eq!(served.load().snapshot().hash, before);
        let q = run(&w, &served, r#"{ event(id: "event:lost") { id } changes { totalCount } }"#, json!({}), None);
        assert_eq!(q["data"], json!({ "event": null, "changes": { "totalCount": 0 } }));
    }
}

/// A log whose syncs wait until the test opens the gate.
struct GatedLog {
    appended: std::sync::atomic::AtomicU64,
    gate: tokio::sync::Semaphore,
}

#[async_trait::async_trait]
impl diplograph::write::Log for GatedLog {
    fn append(&self, _payload: &[u8]) -> std::io::Result<u64> {
        Ok(self.appended.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1)
    }
    async fn synced(&self, _seq: u64) -> std::io::Result<()> {
        let _permit = self.gate.acquire().await.map_err(std::io::Error::other)?;
        Ok(())
    }
}

#[test]
fn a_reload_during_a_write_shows_the_change_only_once_durable_and_keeps_the_reload() {
    use diplograph::reload::{Reloaded, Reloader};
    let dir = crate::reload::seed_copy();
    let served = ServedGraph::new(Arc::new(diplograph::seed::load(dir.path()).expect("seed")));
    let log = Arc::new(GatedLog { appended: 0.into(), gate: tokio::sync::Semaphore::new(0) });
    let w = Arc::new(Writer::new(served.clone(), log.clone(), Vec::new()));
    let reloader = Reloader::new(dir.path(), served.clone()).with_writer(w.clone());
    let probe = r#"{ event(id: "event:pending") { id } actor(id: "actor:kamala-harris") { name } }"#;
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("rt");
    let schema = diplograph::api::schema();
    let write = {
        let (w, served, schema) = (w.clone(), served.clone(), schema.clone());
        let change = json!({ "c": { "events": [event("event:pending", json!({}))] } });
        runtime.spawn(async move {
            let r = crate::support::request(APPLY, change).data(WriteService(w)).data(Author("alice".into()));
            serde_json::to_value(diplograph::api::execute(&schema, r, served.load()).await).expect("json")
        })
    };
    // The change is appended, waiting for its sync.
    while log.appended.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let actors = dir.path().join("actors.toml");
    let text = std::fs::read_to_string(&actors).expect("actors");
    std::fs::write(&actors, text.replace("name = \"Kamala Harris\"", "name = \"Kamala D. Harris\"")).expect("edit");
    assert!(matches!(reloader.reload(), Ok(Reloaded::Swapped(_))));
    let q = run(&w, &served, probe, json!({}), None);
    assert_eq!(q["data"], json!({ "event": null, "actor": { "name": "Kamala D. Harris" } }), "not durable yet: {q:#}");
    log.gate.add_permits(1);
    let r = runtime.block_on(write).expect("the write's task");
    assert!(r.get("errors").is_none(), "{r:#}");
    let q = run(&w, &served, probe, json!({}), None);
    assert_eq!(
        q["data"],
        json!({ "event": { "id": "event:pending" }, "actor": { "name": "Kamala D. Harris" } }),
        "durable, on the reloaded seed: {q:#}"
    );
}
