//! GraphQL over HTTP through a real server on an ephemeral loopback port.

use crate::support::graph;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// The runtime the test server and clients share.
pub(crate) fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime")
    })
}

/// The base URL of a server on the bundled seed, started once.
pub(crate) fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        rt().block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("addr");
            let state = diplograph::http::AppState::new(diplograph::api::schema(), graph(), Default::default());
            tokio::spawn(diplograph::http::serve(listener, diplograph::http::app(state)));
            format!("http://{addr}")
        })
    })
}

pub(crate) struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

pub(crate) fn send(request: reqwest::RequestBuilder) -> Reply {
    rt().block_on(async {
        let r = request.send().await.expect("request");
        let status = r.status();
        let headers = r.headers().clone();
        let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let text = r.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply { status, content_type, body, headers }
    })
}

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::new()
}

pub(crate) fn post(body: &str, accept: Option<&str>) -> Reply {
    let mut r =
        client().post(format!("{}/graphql", base())).header(CONTENT_TYPE, "application/json").body(body.to_owned());
    if let Some(a) = accept {
        r = r.header(ACCEPT, a);
    }
    send(r)
}

const MISSION: &str = r#"{ actor(name: "Lopez Obrador") { events(filter: { kinds: [MEETING] }) { totalCount } } }"#;

#[test]
fn post_json_answers_the_mission_query() {
    let r = post(&json!({ "query": MISSION }).to_string(), None);
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type, "application/json; charset=utf-8");
    assert_eq!(r.body["data"], json!({ "actor": { "events": { "totalCount": 2 } } }));
    assert_eq!(r.body["extensions"]["cost"], json!({ "requestedQueryCost": 3, "maximumAvailable": 25000 }));
    let r = post(&json!({ "query": MISSION }).to_string(), Some("application/graphql-response+json"));
    assert_eq!(
        (r.status, r.content_type.as_str()),
        (StatusCode::OK, "application/graphql-response+json; charset=utf-8")
    );
    let r = post(&json!({ "query": MISSION }).to_string(), Some("*/*"));
    assert_eq!((r.status, r.content_type.as_str()), (StatusCode::OK, "application/json; charset=utf-8"));
}

#[test]
fn request_errors_have_no_data_and_status_by_media_type() {
    for (query, code) in [("{ actor(", "GRAPHQL_PARSE_FAILED"), ("{ nope }", "GRAPHQL_VALIDATION_FAILED")] {
        let body = json!({ "query": query }).to_string();
        let r = post(&body, Some("application/graphql-response+json"));
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(r.body.get("data").is_none(), "{}", r.body);
        assert_eq!(r.body["errors"][0]["extensions"]["code"], code);
        let r = post(&body, Some("application/json"));
        assert_eq!(r.status, StatusCode::OK, "legacy clients get 200: {query}");
        assert!(r.body.get("data").is_none(), "{}", r.body);
    }
    // An error during execution keeps `data`.
    let r = post(
        &json!({ "query": "{ events(first: 101) { totalCount } }" }).to_string(),
        Some("application/graphql-response+json"),
    );
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["data"], Value::Null);
    assert_eq!(r.body["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
}

#[test]
fn malformed_requests_get_4xx_with_a_graphql_error() {
    let r = post("{not json", None);
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    let r = send(client().post(format!("{}/graphql", base())).body(json!({ "query": MISSION }).to_string()));
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "no content type");
    let r = send(client().post(format!("{}/graphql", base())).header(CONTENT_TYPE, "text/plain").body("{}"));
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = post(&json!({ "query": 42 }).to_string(), Some("application/graphql-response+json"));
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = post(&json!({ "query": "{ __typename }", "variables": "nope" }).to_string(), None);
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = post(&json!({}).to_string(), None);
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = post(&json!({ "query": MISSION }).to_string(), Some("text/html"));
    assert_eq!(r.status, StatusCode::NOT_ACCEPTABLE);
}

#[test]
fn get_runs_queries_and_refuses_mutations() {
    let r = send(client().get(format!("{}/graphql", base())).query(&[("query", MISSION)]));
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["data"]["actor"]["events"]["totalCount"], 2);
    let r = send(
        client()
            .get(format!("{}/graphql", base()))
            .query(&[("query", "query($n: String) { actor(name: $n) { id } }"), ("variables", r#"{"n": "AMLO"}"#)]),
    );
    assert_eq!(r.body["data"]["actor"]["id"], "actor:andres-manuel-lopez-obrador");
    let r = send(client().get(format!("{}/graphql", base())).query(&[("query", "mutation { x }")]));
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers.get("allow").and_then(|v| v.to_str().ok()), Some("POST"));
}

#[test]
fn batches_are_answered_in_order_and_bounded() {
    let batch = json!([{ "query": "{ a: actor(name: \"Harris\") { id } }" }, { "query": "{ place(name: \"Mexico\") { id } }" }]);
    let r = post(&batch.to_string(), None);
    assert_eq!(r.status, StatusCode::OK);
    let data: Vec<&Value> = r.body.as_array().expect("an array").iter().map(|x| &x["data"]).collect();
    assert_eq!(data, [&json!({ "a": { "id": "actor:kamala-harris" } }), &json!({ "place": { "id": "place:mexico" } })]);
    let many: Vec<Value> = (0..11).map(|_| json!({ "query": "{ __typename }" })).collect();
    let r = post(&Value::Array(many).to_string(), None);
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
}

#[test]
fn health_reports_the_loaded_snapshot() {
    let r = send(client().get(format!("{}/health", base())));
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "ok");
    assert_eq!(r.body["snapshot"]["hash"], graph().snapshot().hash.as_str());
    assert!(r.body["seed"].as_str().is_some_and(|s| s.ends_with("seed")), "where the seed came from: {}", r.body);
}

#[test]
fn cors_allows_browser_front_ends() {
    let r = send(
        client()
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", base()))
            .header("Origin", "http://localhost:5173")
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type"),
    );
    assert!(r.status.is_success(), "{}", r.status);
    assert_eq!(r.headers.get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("*"));
}

#[test]
fn get_answers_carry_an_etag_and_revalidate_with_304() {
    let url = format!("{}/graphql", base());
    let r = send(client().get(&url).query(&[("query", MISSION)]));
    assert_eq!(r.status, StatusCode::OK);
    let etag = r.headers.get("etag").and_then(|v| v.to_str().ok()).expect("an ETag").to_owned();
    assert_eq!(
        r.headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("public, max-age=0, must-revalidate")
    );
    let again = send(client().get(&url).query(&[("query", MISSION)]).header("if-none-match", &etag));
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers.get("etag").and_then(|v| v.to_str().ok()), Some(etag.as_str()));
    let other = send(client().get(&url).query(&[("query", MISSION)]).header("if-none-match", "\"something-else\""));
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.body, r.body);
}
