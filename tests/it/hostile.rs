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
    // A variable of the wrong type is the client's input: a request error, coded BAD_USER_INPUT.
    expect(
        query("query($n: Int) { events(first: $n) { totalCount } }", json!({ "n": "many" })),
        StatusCode::BAD_REQUEST,
        "BAD_USER_INPUT",
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

/// The first error of `r`: (code, message, locations).
fn first_error(r: &Value) -> (String, String, Value) {
    let e = &r["errors"][0];
    (
        e["extensions"]["code"].as_str().unwrap_or_default().to_owned(),
        e["message"].as_str().unwrap_or_default().to_owned(),
        e["locations"].clone(),
    )
}

#[test]
fn variables_the_client_got_wrong_are_bad_user_input_worded_as_graphql_js() {
    let lookup = "query($n: String!) { actor(name: $n) { id } }";
    let filter = "query($f: EventFilter) { events(filter: $f) { totalCount } }";
    for (query, variables, message) in [
        (lookup, json!({}), r#"Variable "$n" of required type "String!" was not provided."#),
        (lookup, json!({ "n": null }), r#"Variable "$n" of non-null type "String!" must not be null."#),
        (
            lookup,
            json!({ "n": 5 }),
            r#"Variable "$n" got invalid value 5; String cannot represent a non string value: 5"#,
        ),
        (
            filter,
            json!({ "f": 3 }),
            r#"Variable "$f" got invalid value 3; Expected type "EventFilter" to be an object."#,
        ),
        (
            filter,
            json!({ "f": { "nope": 1 } }),
            r#"Variable "$f" got invalid value { nope: 1 }; Field "nope" is not defined by type "EventFilter"."#,
        ),
        (
            filter,
            json!({ "f": { "kinds": ["NOPE"] } }),
            r#"Variable "$f" got invalid value "NOPE" at "f.kinds[0]"; Value "NOPE" does not exist in "EventKind" enum."#,
        ),
        (
            filter,
            json!({ "f": { "involving": ["Harris", null] } }),
            r#"Variable "$f" got invalid value null at "f.involving[1]"; Expected non-nullable type "String!" not to be null."#,
        ),
    ] {
        let r = run(&graph(), request(query, variables.clone()));
        let (code, got, locations) = first_error(&r);
        assert_eq!((code.as_str(), got.as_str()), ("BAD_USER_INPUT", message), "{variables}: {r}");
        assert_eq!(locations, json!([{ "line": 1, "column": 7 }]), "the variable's definition");
        assert!(r.get("data").is_none_or(Value::is_null), "nothing ran: {r}");
    }
    // Over HTTP it is a request error: 400 and no `data` with graphql-response+json.
    let r = query(lookup, json!({}));
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.get("data").is_none(), "{}", r.body);
    assert_eq!(r.body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    // A nullable variable left out is null, and an undefined extra one is ignored.
    let r = run(
        &graph(),
        request(
            "query($n: String, $f: Int = 3) { events(first: $f) { totalCount } actor(name: $n) { id } }",
            json!({ "zz": 1 }),
        ),
    );
    assert_eq!(r["data"]["events"]["totalCount"].as_u64().map(|n| n > 0), Some(true), "{r}");
}

#[test]
fn parse_errors_are_one_line_with_a_location() {
    for (query, message, line, column) in [
        ("{ actor(", "Syntax Error: Expected Name, found <EOF>.", 1, 9),
        ("query {\n  actor(name: ) { id }\n}", r#"Syntax Error: Unexpected ")"."#, 2, 15),
        ("{ }", r#"Syntax Error: Expected Name, found "}"."#, 1, 3),
        ("{ a }}", r#"Syntax Error: Unexpected "}"."#, 1, 6),
        ("{ actor(name: \"Harris) { id } }", "Syntax Error: Unterminated string.", 1, 15),
    ] {
        let r = run(&graph(), request(query, json!({})));
        let (code, got, locations) = first_error(&r);
        assert_eq!((code.as_str(), got.as_str()), ("GRAPHQL_PARSE_FAILED", message), "{query:?}: {r}");
        assert_eq!(locations, json!([{ "line": line, "column": column }]), "{query:?}");
    }
    for (query, message) in [
        ("query A { __typename } query A { __typename }", r#"There can be only one operation named "A"."#),
        ("{ __typename } { __typename }", "This anonymous operation must be the only defined operation."),
        ("fragment F on Query { __typename }", "Must provide an operation."),
    ] {
        let (code, got, _) = first_error(&run(&graph(), request(query, json!({}))));
        assert_eq!((code.as_str(), got.as_str()), ("GRAPHQL_VALIDATION_FAILED", message), "{query}");
    }
    // The schema has a Mutation type now (issue 15): a field it does not have fails validation.
    let (code, _, _) = first_error(&run(&graph(), request("mutation { dropEverything }", json!({}))));
    assert_eq!(code, "GRAPHQL_VALIDATION_FAILED");
}

#[test]
fn introspection_nested_too_deeply_is_refused_before_it_runs() {
    let cycles = "{ __schema { types { possibleTypes { interfaces { possibleTypes { interfaces { possibleTypes { name } } } } } } } }";
    let through_fragments = "{ __type(name: \"Actor\") { ...F } } fragment F on __Type { fields { type { ...G } } } fragment G on __Type { fields { type { inputFields { name } } } }";
    for q in [cycles, through_fragments] {
        let r = run(&graph(), request(q, json!({})));
        let (code, message, _) = first_error(&r);
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("GRAPHQL_VALIDATION_FAILED", "Maximum introspection depth exceeded"),
            "{q}: {r}"
        );
        assert!(r.get("data").is_none_or(Value::is_null), "nothing ran: {r}");
    }
    let r = query(cycles, json!({}));
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // Two levels of lists are what graphql-js allows too.
    let r = run(&graph(), request("{ __schema { queryType { fields { type { fields { name } } } } } }", json!({})));
    assert!(r.get("errors").is_none(), "{r}");
    still_serving();
}

#[test]
fn introspection_costs_what_it_returns() {
    let r = run(&graph(), request("{ __schema { types { name } } }", json!({})));
    let types = r["data"]["__schema"]["types"].as_array().expect("types").len() as u64;
    // __schema, types, and each type with its name.
    assert_eq!(r["extensions"]["cost"]["requestedQueryCost"].as_u64(), Some(1 + 1 + types * 2), "{}", r["extensions"]);
    let r = run(&graph(), request(&crate::support::client_query("introspection.graphql"), json!({})));
    let cost = r["extensions"]["cost"]["requestedQueryCost"].as_u64().expect("a cost");
    assert!(cost > 50 * types && cost <= 25_000, "GraphiQL's query costs {cost} and passes");
    // Copies of a large introspection under aliases cost what they return (about 1,000 each)
    // and are refused together.
    let big: String = (0..40)
        .map(|i| format!("a{i}: __schema {{ types {{ fields {{ name args {{ name type {{ name }} }} }} }} }} "))
        .collect();
    let (code, _, e) = crate::support::error(&format!("{{ {big} }}"), json!({}));
    assert_eq!((code.as_str(), &e["extensions"]["limit"]), ("LIMIT_EXCEEDED", &json!("cost")), "{e}");
}

#[test]
fn fragments_that_expand_exponentially_are_refused_before_anything_walks_them() {
    // Each fragment spreads the next twice: 2^24 selections from 1 KB of text, which
    // async-graphql's own checks, validation and the cost model would each walk in full.
    let n = 24;
    let mut q = String::from("query { ...F0 } ");
    for i in 0..n {
        q.push_str(&format!("fragment F{i} on Query {{ ...F{} ...F{} }} ", i + 1, i + 1));
    }
    q.push_str(&format!("fragment F{n} on Query {{ __schema {{ types {{ name }} }} }}"));
    let (code, message, e) = error(&q, json!({}));
    assert_eq!((code.as_str(), &e["extensions"]["limit"]), ("LIMIT_EXCEEDED", &json!("fields")), "{e}");
    assert_eq!(e["extensions"]["measured"], json!(3u64 << n), "three fields, 2^n times: {message}");
    still_serving();
}
