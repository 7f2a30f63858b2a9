//! GraphQL over HTTP: requests sent to the router in process (`oneshot`, as axum's
//! `examples/testing` does), and a real server on an ephemeral loopback port for what needs
//! a socket (the first test here, and `hostile.rs`).

use crate::support::graph;
use axum::body::Body;
use axum::http::Request;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::OnceLock;
use tower::ServiceExt;

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

/// The router on the bundled seed (built once; each request gets a clone).
fn router() -> axum::Router {
    static ROUTER: OnceLock<axum::Router> = OnceLock::new();
    ROUTER
        .get_or_init(|| {
            let state = diplograph::http::AppState::new(diplograph::api::schema(), graph(), Default::default());
            diplograph::http::app(state)
        })
        .clone()
}

/// Sends `request` to the router in process, without a socket.
fn call(request: Request<Body>) -> Reply {
    rt().block_on(async {
        let r = router().oneshot(request).await.expect("the router answers");
        let status = r.status();
        let headers = r.headers().clone();
        let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let bytes = axum::body::to_bytes(r.into_body(), usize::MAX).await.expect("body");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply { status, content_type, body, headers }
    })
}

/// A request to `uri` with `method` and `headers`, and `body`.
fn request(method: &str, uri: &str, headers: &[(&str, &str)], body: impl Into<Body>) -> Request<Body> {
    let mut r = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        r = r.header(*name, *value);
    }
    r.body(body.into()).expect("a valid request")
}

/// A GET of `/graphql` with `params` in its query string.
fn get_graphql(params: &[(&str, &str)], headers: &[(&str, &str)]) -> Reply {
    let mut url = reqwest::Url::parse("http://in-process/graphql").expect("a URL");
    url.query_pairs_mut().extend_pairs(params);
    call(request("GET", &format!("/graphql?{}", url.query().unwrap_or_default()), headers, Body::empty()))
}

/// A JSON POST of `/graphql`, sent in process.
fn post_json(body: &str, accept: Option<&str>) -> Reply {
    let mut headers = vec![("content-type", "application/json")];
    headers.extend(accept.map(|a| ("accept", a)));
    call(request("POST", "/graphql", &headers, body.to_owned()))
}

const MISSION: &str = r#"{ actor(name: "Lopez Obrador") { events(filter: { kinds: [MEETING] }) { totalCount } } }"#;

/// Over a real socket: `http::serve` on a bound listener answers as the router does.
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
        let r = post_json(&body, Some("application/graphql-response+json"));
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(r.body.get("data").is_none(), "{}", r.body);
        assert_eq!(r.body["errors"][0]["extensions"]["code"], code);
        let r = post_json(&body, Some("application/json"));
        assert_eq!(r.status, StatusCode::OK, "legacy clients get 200: {query}");
        assert!(r.body.get("data").is_none(), "{}", r.body);
    }
    // An error during execution keeps `data`.
    let r = post_json(
        &json!({ "query": "{ events(first: 101) { totalCount } }" }).to_string(),
        Some("application/graphql-response+json"),
    );
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["data"], Value::Null);
    assert_eq!(r.body["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
}

#[test]
fn malformed_requests_get_4xx_with_a_graphql_error() {
    let r = post_json("{not json", None);
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    let r = call(request("POST", "/graphql", &[], json!({ "query": MISSION }).to_string()));
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "no content type");
    let r = call(request("POST", "/graphql", &[("content-type", "text/plain")], "{}"));
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = post_json(&json!({ "query": 42 }).to_string(), Some("application/graphql-response+json"));
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = post_json(&json!({ "query": "{ __typename }", "variables": "nope" }).to_string(), None);
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = post_json(&json!({}).to_string(), None);
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = post_json(&json!({ "query": MISSION }).to_string(), Some("text/html"));
    assert_eq!(r.status, StatusCode::NOT_ACCEPTABLE);
}

#[test]
fn get_runs_queries_and_refuses_mutations() {
    let r = get_graphql(&[("query", MISSION)], &[]);
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["data"]["actor"]["events"]["totalCount"], 2);
    let r = get_graphql(
        &[("query", "query($n: String) { actor(name: $n) { id } }"), ("variables", r#"{"n": "AMLO"}"#)],
        &[],
    );
    assert_eq!(r.body["data"]["actor"]["id"], "actor:andres-manuel-lopez-obrador");
    let r = get_graphql(&[("query", "mutation { x }")], &[]);
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers.get("allow").and_then(|v| v.to_str().ok()), Some("POST"));
}

#[test]
fn batches_are_answered_in_order_and_bounded() {
    let batch = json!([{ "query": "{ a: actor(name: \"Harris\") { id } }" }, { "query": "{ place(name: \"Mexico\") { id } }" }]);
    let r = post_json(&batch.to_string(), None);
    assert_eq!(r.status, StatusCode::OK);
    let data: Vec<&Value> = r.body.as_array().expect("an array").iter().map(|x| &x["data"]).collect();
    assert_eq!(data, [&json!({ "a": { "id": "actor:kamala-harris" } }), &json!({ "place": { "id": "place:mexico" } })]);
    let many: Vec<Value> = (0..11).map(|_| json!({ "query": "{ __typename }" })).collect();
    let r = post_json(&Value::Array(many).to_string(), None);
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
}

#[test]
fn health_reports_the_loaded_snapshot() {
    let r = call(request("GET", "/health", &[], Body::empty()));
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "ok");
    assert_eq!(r.body["snapshot"]["hash"], graph().snapshot().hash.as_str());
    assert!(r.body["seed"].as_str().is_some_and(|s| s.ends_with("seed")), "where the seed came from: {}", r.body);
}

#[test]
fn cors_allows_browser_front_ends() {
    let r = call(request(
        "OPTIONS",
        "/graphql",
        &[
            ("origin", "http://localhost:5173"),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
        ],
        Body::empty(),
    ));
    assert!(r.status.is_success(), "{}", r.status);
    assert_eq!(r.headers.get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("*"));
}

#[test]
fn get_answers_carry_an_etag_and_revalidate_with_304() {
    let r = get_graphql(&[("query", MISSION)], &[]);
    assert_eq!(r.status, StatusCode::OK);
    let etag = r.headers.get("etag").and_then(|v| v.to_str().ok()).expect("an ETag").to_owned();
    assert_eq!(
        r.headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("public, max-age=0, must-revalidate")
    );
    let again = get_graphql(&[("query", MISSION)], &[("if-none-match", &etag)]);
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers.get("etag").and_then(|v| v.to_str().ok()), Some(etag.as_str()));
    let other = get_graphql(&[("query", MISSION)], &[("if-none-match", "\"something-else\"")]);
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.body, r.body);
}

/// The `diplograph-snapshot` header of `r`.
fn snapshot_header(r: &Reply) -> Option<&str> {
    r.headers.get("diplograph-snapshot").and_then(|v| v.to_str().ok())
}

#[test]
fn every_graphql_answer_names_the_snapshot_it_came_from() {
    let hash = graph().snapshot().hash.clone();
    let field = post_json(&json!({ "query": "{ snapshot { hash } }" }).to_string(), None);
    assert_eq!(field.body["data"]["snapshot"]["hash"], hash.as_str());
    assert_eq!(snapshot_header(&field), Some(hash.as_str()));
    // Computed, then served from the response cache, over POST and GET, one or a batch.
    for _ in 0..2 {
        let posted = post_json(&json!({ "query": MISSION }).to_string(), None);
        assert_eq!(snapshot_header(&posted), Some(hash.as_str()));
        let got = get_graphql(&[("query", MISSION)], &[]);
        assert_eq!(snapshot_header(&got), Some(hash.as_str()));
        let batch = post_json(&json!([{ "query": MISSION }, { "query": "{ snapshot { hash } }" }]).to_string(), None);
        assert_eq!(snapshot_header(&batch), Some(hash.as_str()));
    }
    // An answer with errors, a 304, and a server without a response cache say it too.
    let failed = post_json(&json!({ "query": "{ nope }" }).to_string(), None);
    assert_eq!(snapshot_header(&failed), Some(hash.as_str()), "{:?}", failed.body);
    let etag = get_graphql(&[("query", MISSION)], &[]).headers["etag"].to_str().expect("an ETag").to_owned();
    let not_modified = get_graphql(&[("query", MISSION)], &[("if-none-match", &etag)]);
    assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);
    assert_eq!(snapshot_header(&not_modified), Some(hash.as_str()));
    let config = diplograph::http::HttpConfig { response_cache_bytes: 0, ..Default::default() };
    let uncached = diplograph::http::app(diplograph::http::AppState::new(diplograph::api::schema(), graph(), config));
    let r = rt().block_on(uncached.oneshot(request(
        "POST",
        "/graphql",
        &[("content-type", "application/json")],
        json!({ "query": MISSION }).to_string(),
    )));
    let r = r.expect("the router answers");
    assert_eq!(r.headers().get("diplograph-snapshot").and_then(|v| v.to_str().ok()), Some(hash.as_str()));
    // Browsers may read it across origins.
    let cors = post(&json!({ "query": MISSION }).to_string(), None);
    let exposed = cors.headers.get("access-control-expose-headers").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(exposed.to_ascii_lowercase().contains("diplograph-snapshot"), "exposed: {exposed:?}");
}
