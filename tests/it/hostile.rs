//! Hostile and broken input: each request gets the right status and a GraphQL error with a
//! code, and afterwards the server still answers `/health` and the mission query.

use crate::http::{base, client, post, send, Reply};
use crate::support::{error, graph, request, run};
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use serde_json::{json, Value};

const MISSION: &str = r#"{ actor(name: "Lopez Obrador") { events(filter: { kinds: [MEETING] }, first: 20) { totalCount nodes { id } } } }"#;

/// The server is alive and still answers the mission query correctly.
fn still_serving() {
    let health = send(client().get(format!("{}/health", base())));
    assert_eq!(health.status, StatusCode::OK);
    let r = post(&json!({ "query": MISSION }).to_string(), None);
    assert_eq!(r.body["data"]["actor"]["events"]["totalCount"], 2, "{}", r.body);
}

/// Asserts the reply's status and first error code, then that the server still serves.
fn expect(r: Reply, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.body["errors"][0]["extensions"]["code"], code, "{}", r.body);
    still_serving();
}

fn raw(body: Vec<u8>, content_type: &str) -> Reply {
    send(client().post(format!("{}/graphql", base())).header(CONTENT_TYPE, content_type).body(body))
}

fn query(q: &str, variables: Value) -> Reply {
    post(&json!({ "query": q, "variables": variables }).to_string(), Some("application/graphql-response+json"))
}

#[test]
fn broken_bodies() {
    expect(raw(b"{\"query\": ".to_vec(), "application/json"), StatusCode::BAD_REQUEST, "BAD_REQUEST");
    expect(raw(b"{}".to_vec(), "application/xml"), StatusCode::UNSUPPORTED_MEDIA_TYPE, "BAD_REQUEST");
    expect(raw(Vec::new(), "application/json"), StatusCode::BAD_REQUEST, "BAD_REQUEST");
    expect(
        raw(b"{\"query\": \"{ __typename \xff }\"}".to_vec(), "application/json"),
        StatusCode::BAD_REQUEST,
        "BAD_REQUEST",
    );
    // 10 MB: the server answers 413 as soon as it sees the length, maybe before the body is
    // sent, so this client keeps reading after a failed write.
    let (status, body) = raw_tcp_post(&vec![b' '; 10 * 1024 * 1024]);
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("LIMIT_EXCEEDED"), "{body}");
    still_serving();
}

/// POSTs `body` over a plain socket, tolerating the server closing early; (status, body).
fn raw_tcp_post(body: &[u8]) -> (u16, String) {
    use std::io::{Read, Write};
    let addr = base().trim_start_matches("http://").to_owned();
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes()).and_then(|_| s.write_all(body));
    let mut reply = Vec::new();
    let _ = s.read_to_end(&mut reply);
    let text = String::from_utf8_lossy(&reply).into_owned();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, text)
}

#[test]
fn nesting_ten_thousand_levels_does_not_overflow() {
    let deep = format!("{}{}", "{ a ".repeat(10_000), "}".repeat(10_000));
    let r = query(&deep, json!({}));
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(r.body.get("data").is_none());
    still_serving();
    // Deep but short enough to parse: the depth limit answers.
    let nested = format!("{{ event(id: \"x\") {}{}", "{ partOf ".repeat(20), "{ id }".to_owned() + &"}".repeat(21));
    expect(query(&nested, json!({})), StatusCode::BAD_REQUEST, "LIMIT_EXCEEDED");
}

#[test]
fn many_aliases_operations_and_fragment_cycles() {
    let aliases: String = (0..10_000).map(|i| format!("a{i}: __typename ")).collect();
    expect(query(&format!("{{ {aliases} }}"), json!({})), StatusCode::BAD_REQUEST, "LIMIT_EXCEEDED");
    let some: String = (0..60).map(|i| format!("a{i}: sources(first: 1) {{ totalCount }} ")).collect();
    let r = query(&format!("{{ {some} }}"), json!({}));
    assert_eq!(r.body["errors"][0]["extensions"]["limit"], "aliases");
    still_serving();
    let batch: Vec<Value> = (0..1000).map(|_| json!({ "query": "{ __typename }" })).collect();
    expect(post(&Value::Array(batch).to_string(), None), StatusCode::BAD_REQUEST, "LIMIT_EXCEEDED");
    let cycle = "query { actor(id: \"actor:kamala-harris\") { ...A } } fragment A on Actor { counterparts { actor { ...B } } } fragment B on Actor { ...A }";
    let r = query(cycle, json!({}));
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.get("data").is_none());
    let code = r.body["errors"][0]["extensions"]["code"].as_str().unwrap_or_default().to_owned();
    assert!(code == "GRAPHQL_PARSE_FAILED" || code == "GRAPHQL_VALIDATION_FAILED", "{}", r.body);
    still_serving();
    let directives =
        "{ __typename @include(if: true) @include(if: true) @include(if: true) @include(if: true) @include(if: true) }";
    let r = query(directives, json!({}));
    assert!(r.status.is_client_error() && r.body.get("data").is_none(), "{}", r.body);
    still_serving();
}

#[test]
fn wrong_operations_variables_and_dates() {
    let r = post(
        &json!({ "query": "query A { __typename }", "operationName": "B" }).to_string(),
        Some("application/graphql-response+json"),
    );
    expect(r, StatusCode::BAD_REQUEST, "GRAPHQL_VALIDATION_FAILED");
    expect(
        query("query($n: Int) { events(first: $n) { totalCount } }", json!({ "n": "many" })),
        StatusCode::BAD_REQUEST,
        "GRAPHQL_VALIDATION_FAILED",
    );
    for bad in ["2021-02-30", "June", "2021-6-8", ""] {
        let r = query("query($d: Date) { events(filter: { from: $d }) { totalCount } }", json!({ "d": bad }));
        assert!(r.body["errors"][0]["message"].as_str().unwrap_or_default().contains("Date"), "{bad}: {}", r.body);
        assert!(r.body["errors"][0]["extensions"]["code"].is_string(), "{}", r.body);
        still_serving();
    }
}

#[test]
fn page_sizes_cursors_ids_and_long_names() {
    expect(query("{ events(first: -1) { totalCount } }", json!({})), StatusCode::OK, "BAD_USER_INPUT");
    expect(query("{ events(first: 1000000) { totalCount } }", json!({})), StatusCode::OK, "LIMIT_EXCEEDED");
    for cursor in ["", "!!!", "djE6", "dj", "AAAA", "djE6ZXZlbnQ6eA"] {
        let r = query("query($c: String) { events(after: $c) { totalCount } }", json!({ "c": cursor }));
        assert_eq!(r.body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{cursor:?}: {}", r.body);
    }
    // A forged cursor that decodes to a well-formed key past every event: an empty page.
    let forged = base64_url("v1:9999-12-31\u{1}9999-12-31\u{1}event:zzz");
    let r = query("query($c: String) { events(after: $c) { nodes { id } } }", json!({ "c": forged }));
    assert_eq!(r.body["data"]["events"]["nodes"], json!([]));
    let r = query(r#"{ node(id: "event:") { id } a: node(id: "") { id } b: node(id: "::::") { id } }"#, json!({}));
    assert_eq!(r.body["data"], json!({ "node": null, "a": null, "b": null }));
    let long = "Zúñigaxx ".repeat(20_000);
    let r = query("query($n: String!) { events(filter: { involving: [$n] }) { totalCount } }", json!({ "n": long }));
    assert_eq!(r.body["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert!(r.body["errors"][0]["message"].as_str().unwrap().len() < 300, "the message quotes a clipped name");
    still_serving();
}

fn base64_url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

#[test]
fn cost_multiplies_by_list_sizes_and_is_reported() {
    let greedy =
        "{ actors(first: 100) { nodes { events(first: 100) { nodes { participants { actor { name } } } } } } }";
    let (code, msg, e) = error(greedy, json!({}));
    assert_eq!(code, "LIMIT_EXCEEDED");
    assert_eq!(e["extensions"]["limit"], "cost");
    // 1 (actors) + 100 * (1 (nodes) ... ): the nested page multiplies.
    let measured = e["extensions"]["measured"].as_u64().unwrap();
    assert!(measured > 100 * 100 * 10, "{measured}: {msg}");
    assert!(msg.contains(&measured.to_string()), "{msg}");
    // The same shape with small pages passes, and its cost is reported.
    let modest = "{ actors(first: 5) { nodes { events(first: 5) { nodes { participants { actor { name } } } } } } }";
    let r = run(&graph(), request(modest, json!({})));
    assert!(r.get("errors").is_none(), "{r}");
    let cost = r["extensions"]["cost"]["requestedQueryCost"].as_u64().unwrap();
    assert_eq!(
        cost,
        1 + 1 + 5 * (1 + 1 + 5 * (1 + 10 * (1 + 1))),
        "actors > nodes(5) > events > nodes(5) > participants(10) > actor > name"
    );
    // Variables count too.
    let (code, _, _) = error("query($n: Int) { events(first: $n) { nodes { participants { actor { events(first: $n) { nodes { id } } } } } } }", json!({ "n": 100 }));
    assert_eq!(code, "LIMIT_EXCEEDED");
}

#[test]
fn graphiql_introspection_passes_the_limits() {
    let q = crate::support::client_query("introspection.graphql");
    let r = run(&graph(), request(&q, json!({})));
    assert!(r.get("errors").is_none(), "{}", r["errors"]);
    assert!(r["data"]["__schema"]["types"].as_array().unwrap().len() > 40);
    let r = query(&q, json!({}));
    assert_eq!(r.status, StatusCode::OK);
}

#[test]
fn introspection_and_suggestions_can_be_turned_off() {
    let limits = diplograph::api::Limits { introspection: false, suggestions: false, ..Default::default() };
    let schema = diplograph::api::schema_with(&limits);
    let exec = |q: &str| -> Value {
        let req = diplograph::api::with_graph(async_graphql::Request::new(q), crate::support::graph());
        serde_json::to_value(crate::support::block_on(schema.execute(req))).unwrap()
    };
    let r = exec("{ __schema { types { name } } }");
    assert_eq!(r["errors"][0]["message"], "introspection is disabled on this server", "{r}");
    assert!(r.get("data").is_none_or(Value::is_null), "{r}");
    let r = exec("{ __typename }");
    assert_eq!(r["data"]["__typename"], "Query", "__typename is not introspection of the schema");
    let r = exec("{ actorz { totalCount } }");
    assert!(!r["errors"][0]["message"].as_str().unwrap().contains("Did you mean"), "{r}");
    let on = run(&graph(), request("{ actorz { totalCount } }", json!({})));
    assert!(on["errors"][0]["message"].as_str().unwrap().contains("Did you mean"), "{on}");
}
