//! Bad input and the edges of writing over HTTP (issue 15): each hostile write refused with
//! its code and nothing written (the journal's length unchanged); the write rate limit
//! counting mutation fields; queries over `/graphql/ws` on the current snapshot. The real
//! binary's crash and full-disk tests are in `cli.rs`.

use crate::support::graph;
use crate::writes::{apply_over_http, event, send, tokens, APPLY};
use axum::http::StatusCode;
use diplograph::http::{AppState, HttpConfig};
use diplograph::journal::Journal;
use diplograph::write::Writer;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A router writing to a fresh journal file (in the returned directory) with `config`.
fn journaled_app(config: HttpConfig) -> (axum::Router, tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("changes.journal");
    let (journal, entries) = Journal::open(&path).expect("a new journal");
    assert!(entries.is_empty());
    let state = AppState::new(diplograph::api::schema(), graph(), config);
    let writer = Writer::new(state.graph.clone(), Arc::new(journal), Vec::new());
    (diplograph::http::app(state.with_writes(Arc::new(writer), tokens())), dir, path)
}

/// The journal file's length (0 before the first write creates it).
fn journal_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// The code of the first error of an answer.
fn code(v: &Value) -> &str {
    v["errors"][0]["extensions"]["code"].as_str().unwrap_or_default()
}

/// An `applyChange` request body of `change`.
fn apply(change: Value) -> Value {
    json!({ "query": APPLY, "variables": { "c": change } })
}

/// One hostile write: where it goes, with which token, what it sends, and the answer it must get.
struct Hostile {
    name: &'static str,
    uri: &'static str,
    token: Option<&'static str>,
    body: Value,
    status: StatusCode,
    code: &'static str,
}

#[test]
fn hostile_writes_are_refused_with_their_code_and_the_journal_keeps_its_length() {
    const MAX_WRITE: usize = 4 << 20;
    let config = HttpConfig { max_body_bytes: 2 * MAX_WRITE, max_write_bytes: MAX_WRITE, ..Default::default() };
    let (app, _dir, journal) = journaled_app(config);
    let fine = |id: &str| apply(json!({ "events": [event(id, json!({}))] }));
    let (s, _, b) = send(&app, "/graphql", Some("secret-w"), fine("event:first"));
    assert_eq!((s, b["data"]["applyChange"]["seq"].clone()), (StatusCode::OK, json!(1)), "{b:#}");
    let len = journal_len(&journal);
    assert!(len > 0, "the first write created the journal");
    let huge = event("event:huge", json!({ "summary": "x".repeat(MAX_WRITE + 1) }));
    let many: Vec<Value> = (0..10_000).map(|i| event(&format!("event:n-{i}"), json!({}))).collect();
    let cycle =
        [event("event:x-1", json!({ "partOf": "event:x-2" })), event("event:x-2", json!({ "partOf": "event:x-1" }))];
    let retract = json!({ "query": "mutation { retract(ids: [\"actor:kamala-harris\"], reason: \"wrong\") { seq } }" });
    let matrix = [
        Hostile {
            name: "no token",
            uri: "/graphql",
            token: None,
            body: fine("event:a"),
            status: StatusCode::UNAUTHORIZED,
            code: "UNAUTHENTICATED",
        },
        Hostile {
            name: "a wrong token",
            uri: "/graphql",
            token: Some("secret-x"),
            body: fine("event:a"),
            status: StatusCode::UNAUTHORIZED,
            code: "UNAUTHENTICATED",
        },
        Hostile {
            name: "a read token",
            uri: "/graphql",
            token: Some("secret-r"),
            body: fine("event:a"),
            status: StatusCode::FORBIDDEN,
            code: "FORBIDDEN",
        },
        Hostile {
            name: "the token in the query string",
            uri: "/graphql?token=secret-w",
            token: None,
            body: fine("event:a"),
            status: StatusCode::BAD_REQUEST,
            code: "BAD_REQUEST",
        },
        Hostile {
            name: "a change over --max-write-bytes",
            uri: "/graphql",
            token: Some("secret-w"),
            body: apply(json!({ "events": [huge] })),
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "LIMIT_EXCEEDED",
        },
        Hostile {
            name: "10,000 records in one change",
            uri: "/graphql",
            token: Some("secret-w"),
            body: apply(json!({ "events": many })),
            status: StatusCode::OK,
            code: "LIMIT_EXCEEDED",
        },
        Hostile {
            name: "a partOf cycle",
            uri: "/graphql",
            token: Some("secret-w"),
            body: apply(json!({ "events": cycle })),
            status: StatusCode::OK,
            code: "BAD_USER_INPUT",
        },
        Hostile {
            name: "the same id twice",
            uri: "/graphql",
            token: Some("secret-w"),
            body: apply(json!({ "events": [event("event:twice", json!({})), event("event:twice", json!({}))] })),
            status: StatusCode::OK,
            code: "BAD_USER_INPUT",
        },
        Hostile {
            name: "an id of the wrong kind",
            uri: "/graphql",
            token: Some("secret-w"),
            body: fine("actor:not-an-event"),
            status: StatusCode::OK,
            code: "BAD_USER_INPUT",
        },
        Hostile {
            name: "a retract of something referred to",
            uri: "/graphql",
            token: Some("secret-w"),
            body: retract,
            status: StatusCode::OK,
            code: "BAD_USER_INPUT",
        },
    ];
    for h in matrix {
        let (s, _, b) = send(&app, h.uri, h.token, h.body);
        assert_eq!((s, code(&b)), (h.status, h.code), "{}: {b:#}", h.name);
        assert_eq!(journal_len(&journal), len, "{}: nothing is written", h.name);
        let (_, _, q) = send(&app, "/graphql", None, json!({ "query": "{ changes { totalCount } }" }));
        assert_eq!(q["data"]["changes"]["totalCount"], 1, "{}: {q:#}", h.name);
    }
    let (_, _, b) = send(&app, "/graphql", Some("secret-w"), fine("event:last"));
    assert_eq!(b["data"]["applyChange"]["seq"], 2, "{b:#}");
    assert!(journal_len(&journal) > len, "a write that is not refused grows the journal");
}

/// A mutation of `n` `applyChange` fields under aliases, each adding one event `PREFIX-i`.
fn aliased(n: usize, prefix: &str) -> Value {
    let vars: Vec<String> = (0..n).map(|i| format!("$c{i}: ChangeInput!")).collect();
    let fields: Vec<String> = (0..n).map(|i| format!("a{i}: applyChange(change: $c{i}) {{ seq }}")).collect();
    let variables: serde_json::Map<String, Value> =
        (0..n).map(|i| (format!("c{i}"), json!({ "events": [event(&format!("{prefix}-{i}"), json!({}))] }))).collect();
    json!({ "query": format!("mutation({}) {{ {} }}", vars.join(", "), fields.join(" ")), "variables": variables })
}

#[test]
fn the_write_rate_limit_counts_mutation_fields_not_requests() {
    let config = HttpConfig { writes_per_minute: 3, ..Default::default() };
    let (app, _dir, journal) = journaled_app(config);
    let total = |app: &axum::Router| {
        let (_, _, q) = send(app, "/graphql", None, json!({ "query": "{ changes { totalCount } }" }));
        q["data"]["changes"]["totalCount"].clone()
    };
    // Four aliases are four writes: more than a minute's worth, refused whole.
    let (s, _, b) = send(&app, "/graphql", Some("secret-w"), aliased(4, "event:four"));
    assert_eq!((s, code(&b)), (StatusCode::TOO_MANY_REQUESTS, "LIMIT_EXCEEDED"), "{b:#}");
    assert!(b["errors"][0]["message"].as_str().unwrap_or_default().contains("3 mutation fields per minute"), "{b:#}");
    assert_eq!((total(&app), journal_len(&journal)), (json!(0), 0));
    // Two aliases: two of the three.
    let (s, _, b) = send(&app, "/graphql", Some("secret-w"), aliased(2, "event:two"));
    assert_eq!(s, StatusCode::OK, "{b:#}");
    assert_eq!((b["data"]["a0"]["seq"].clone(), b["data"]["a1"]["seq"].clone()), (json!(1), json!(2)), "{b:#}");
    // A batch of two single mutations counts two: one is left, so it is refused whole.
    let batch = json!([aliased(1, "event:batch-a"), aliased(1, "event:batch-b")]);
    let (s, _, b) = send(&app, "/graphql", Some("secret-w"), batch);
    assert_eq!((s, code(&b)), (StatusCode::TOO_MANY_REQUESTS, "LIMIT_EXCEEDED"), "{b:#}");
    assert_eq!(total(&app), 2);
    // A field spread from a fragment counts too: the last one of the minute.
    let spread = json!({
        "query": "mutation($c: ChangeInput!) { ...W } fragment W on Mutation { applyChange(change: $c) { seq } }",
        "variables": { "c": { "events": [event("event:spread", json!({}))] } },
    });
    let (s, _, b) = send(&app, "/graphql", Some("secret-w"), spread);
    assert_eq!((s, b["data"]["applyChange"]["seq"].clone()), (StatusCode::OK, json!(3)), "{b:#}");
    let (s, _, b) = send(&app, "/graphql", Some("secret-w"), aliased(1, "event:over"));
    assert_eq!((s, code(&b)), (StatusCode::TOO_MANY_REQUESTS, "LIMIT_EXCEEDED"), "{b:#}");
    // Reads are never counted.
    assert_eq!(total(&app), 3);
}

#[test]
fn each_query_over_the_socket_runs_on_the_snapshot_served_when_it_starts() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = AppState::new(diplograph::api::schema(), graph(), Default::default());
        let log = Arc::new(diplograph::write::MemoryLog::new());
        let w = Arc::new(Writer::new(state.graph.clone(), log, Vec::new()));
        tokio::spawn(diplograph::http::serve(listener, diplograph::http::app(state.with_writes(w, tokens()))));
        let mut request = format!("ws://{addr}/graphql/ws").into_client_request().expect("request");
        request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().expect("header"));
        let (mut ws, _) = tokio_tungstenite::connect_async(request).await.expect("connects");
        let text = |v: Value| Message::Text(v.to_string().into());
        ws.send(text(json!({ "type": "connection_init" }))).await.expect("init");
        let ack = ws.next().await.expect("ack").expect("ack");
        assert!(ack.to_text().expect("text").contains("connection_ack"), "{ack:?}");
        let query = r#"{ event(id: "event:ws-late") { id } changes { totalCount } }"#;
        // Sends `query` as operation `id`; the `data` of its answers up to `complete`.
        async fn ask<S>(ws: &mut S, id: &str, query: &str) -> Vec<Value>
        where
            S: futures_util::Sink<Message>
                + futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
                + Unpin,
            S::Error: std::fmt::Debug,
        {
            let subscribe = json!({ "id": id, "type": "subscribe", "payload": { "query": query } });
            ws.send(Message::Text(subscribe.to_string().into())).await.expect("subscribe");
            let mut out = Vec::new();
            loop {
                let m = ws.next().await.expect("a message").expect("a message");
                let v: Value = serde_json::from_str(m.to_text().expect("text")).expect("json");
                assert_eq!(v["id"], id, "{v:#}");
                match v["type"].as_str() {
                    Some("next") => out.push(v["payload"]["data"].clone()),
                    Some("complete") => return out,
                    _ => panic!("unexpected: {v:#}"),
                }
            }
        }
        let before = ask(&mut ws, "1", query).await;
        assert_eq!(before, vec![json!({ "event": null, "changes": { "totalCount": 0 } })]);
        apply_over_http(addr, "event:ws-late").await;
        // The same connection, a query after the change's answer: it sees the change.
        let after = ask(&mut ws, "2", query).await;
        assert_eq!(after, vec![json!({ "event": { "id": "event:ws-late" }, "changes": { "totalCount": 1 } })]);
    });
}

/// A graphql-transport-ws client of `addr`'s `/graphql/ws`, its `connection_init` sent with
/// `payload`: the socket once acknowledged, or the close frame's code when it is refused.
async fn socket(
    addr: std::net::SocketAddr,
    payload: Value,
) -> Result<tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>, Option<u16>> {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};
    let mut request = format!("ws://{addr}/graphql/ws").into_client_request().expect("request");
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().expect("header"));
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.expect("connects");
    let init = json!({ "type": "connection_init", "payload": payload });
    ws.send(Message::Text(init.to_string().into())).await.expect("init");
    match ws.next().await {
        Some(Ok(Message::Text(t))) if t.contains("connection_ack") => Ok(ws),
        Some(Ok(Message::Close(frame))) => Err(frame.map(|f| u16::from(f.code))),
        other => panic!("neither an ack nor a close: {other:?}"),
    }
}

/// The one answer (`payload`) to operation `id` sent as `body` over `ws`, after its `complete`.
async fn answer<S>(ws: &mut S, id: &str, body: Value) -> Value
where
    S: futures_util::Sink<tokio_tungstenite::tungstenite::Message>
        + futures_util::Stream<
            Item = Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>,
        > + Unpin,
    S::Error: std::fmt::Debug,
{
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let subscribe = json!({ "id": id, "type": "subscribe", "payload": body });
    ws.send(Message::Text(subscribe.to_string().into())).await.expect("subscribe");
    let mut out = Vec::new();
    loop {
        let m = ws.next().await.expect("a message").expect("a message");
        let v: Value = serde_json::from_str(m.to_text().expect("text")).expect("json");
        assert_eq!(v["id"], id, "{v:#}");
        match v["type"].as_str() {
            Some("next") => out.push(v["payload"].clone()),
            Some("complete") => break,
            _ => panic!("unexpected: {v:#}"),
        }
    }
    assert_eq!(out.len(), 1, "{out:#?}");
    out.remove(0)
}

#[test]
fn a_socket_writes_with_the_token_of_its_connection_init_checked_as_the_header_is() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("changes.journal");
        let (journal, _) = Journal::open(&path).expect("a new journal");
        let config = HttpConfig { writes_per_minute: 3, max_write_bytes: 64 * 1024, ..Default::default() };
        let state = AppState::new(diplograph::api::schema(), graph(), config);
        let writer = Writer::new(state.graph.clone(), Arc::new(journal), Vec::new());
        let app = diplograph::http::app(state.with_writes(Arc::new(writer), tokens()));
        tokio::spawn(diplograph::http::serve(listener, app));
        let write = |id: &str| apply(json!({ "events": [event(id, json!({}))] }));

        // No token: a reader's socket; its reads run, its writes are refused.
        let mut ws = socket(addr, Value::Null).await.expect("a socket without a token");
        let a = answer(&mut ws, "1", write("event:ws-anon")).await;
        assert_eq!(code(&a), "UNAUTHENTICATED", "{a:#}");
        assert!(a["errors"][0]["message"].as_str().unwrap_or_default().contains("connection_init"), "{a:#}");
        let a = answer(&mut ws, "2", json!({ "query": "{ changes { totalCount } }" })).await;
        assert_eq!(a["data"], json!({ "changes": { "totalCount": 0 } }), "{a:#}");
        assert_eq!(journal_len(&path), 0, "nothing written");

        // An unknown token: the socket is closed with 4403, as graphql-transport-ws says.
        for bad in [json!({ "Authorization": "Bearer secret-x" }), json!({ "authorization": "secret-w" })] {
            let refused = socket(addr, bad.clone()).await.err();
            assert_eq!(refused, Some(Some(4403)), "{bad}");
        }

        // A read token: reads, never writes.
        let mut ws = socket(addr, json!({ "Authorization": "Bearer secret-r" })).await.expect("a read token");
        let a = answer(&mut ws, "1", write("event:ws-read")).await;
        assert_eq!(code(&a), "FORBIDDEN", "{a:#}");
        assert_eq!(journal_len(&path), 0, "nothing written");

        // A write token, its key in any case, at the top or in `headers`: the write is made,
        // signed with the token's name, and visible to the next operation on the socket.
        let mut ws = socket(addr, json!({ "AUTHORIZATION": "Bearer secret-w" })).await.expect("a write token");
        let a = answer(&mut ws, "1", write("event:ws-1")).await;
        assert_eq!(a["data"]["applyChange"]["seq"], 1, "{a:#}");
        assert_eq!(a["data"]["applyChange"]["author"], "writer", "{a:#}");
        let a = answer(&mut ws, "2", json!({ "query": "{ event(id: \"event:ws-1\") { id } }" })).await;
        assert_eq!(a["data"]["event"]["id"], "event:ws-1", "{a:#}");
        let mut other =
            socket(addr, json!({ "headers": { "Authorization": "Bearer secret-w" } })).await.expect("headers");
        let a = answer(&mut other, "1", write("event:ws-2")).await;
        assert_eq!(a["data"]["applyChange"]["seq"], 2, "{a:#}");

        // The same limits as over HTTP: a body over the write limit, and the token's rate,
        // shared with `/graphql` (3 a minute: two spent above, one left; two aliases is two).
        let len = journal_len(&path);
        let huge = apply(json!({ "events": [event("event:ws-huge", json!({ "summary": "x".repeat(65 * 1024) }))] }));
        let a = answer(&mut ws, "3", huge).await;
        assert_eq!(code(&a), "LIMIT_EXCEEDED", "{a:#}");
        let a = answer(&mut ws, "4", aliased(2, "event:ws-rate")).await;
        assert_eq!(code(&a), "LIMIT_EXCEEDED", "{a:#}");
        assert!(a["errors"][0]["message"].as_str().unwrap_or_default().contains("per minute"), "{a:#}");
        assert_eq!(journal_len(&path), len, "nothing written");
        let r = reqwest::Client::new()
            .post(format!("http://{addr}/graphql"))
            .bearer_auth("secret-w")
            .json(&write("event:ws-3"))
            .send()
            .await
            .expect("mutation");
        let b: Value = r.json().await.expect("json");
        assert_eq!(b["data"]["applyChange"]["seq"], 3, "{b:#}");
        let a = answer(&mut ws, "5", write("event:ws-4")).await;
        assert_eq!(code(&a), "LIMIT_EXCEEDED", "the HTTP write spent the last one: {a:#}");
    });
}
