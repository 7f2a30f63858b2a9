//! What goes on the wire: compression negotiated per request, the browser pages'
//! precompressed, content-hashed assets with `immutable` caching, and `ETag`/304 for pages.

use crate::http::rt;
use crate::support::graph;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use diplograph::http::assets::ASSETS;
use std::io::Read;
use std::sync::OnceLock;
use tower::ServiceExt;

/// The router on the bundled seed, its response cache off (each request executes).
fn router() -> axum::Router {
    static ROUTER: OnceLock<axum::Router> = OnceLock::new();
    ROUTER
        .get_or_init(|| {
            let config = diplograph::http::HttpConfig { response_cache_bytes: 0, ..Default::default() };
            diplograph::http::app(diplograph::http::AppState::new(diplograph::api::schema(), graph(), config))
        })
        .clone()
}

/// The status, headers and raw (possibly compressed) body of one request sent in process.
fn call(method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> (StatusCode, HeaderMap, Bytes) {
    let mut r = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        r = r.header(*name, *value);
    }
    let request = r.body(Body::from(body.to_owned())).expect("a valid request");
    rt().block_on(async {
        let r = router().oneshot(request).await.expect("the router answers");
        let (status, headers) = (r.status(), r.headers().clone());
        (status, headers, axum::body::to_bytes(r.into_body(), usize::MAX).await.expect("body"))
    })
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// `body` decoded from the coding named by `encoding` (`None`: as sent).
fn decode(encoding: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        None => out.extend_from_slice(body),
        Some("gzip") => {
            flate2::read::GzDecoder::new(body).read_to_end(&mut out).expect("valid gzip");
        }
        Some("br") => {
            brotli::Decompressor::new(body, 4096).read_to_end(&mut out).expect("valid brotli");
        }
        Some(other) => panic!("unexpected content-encoding {other}"),
    }
    out
}

/// A query whose answer is several kilobytes.
const LARGE: &str = r#"{"query":"{ events(first: 60) { nodes { id title summary } } }"}"#;
/// A query whose answer is a few bytes.
const SMALL: &str = r#"{"query":"{ __typename }"}"#;

fn post(body: &str, accept_encoding: Option<&str>) -> (StatusCode, HeaderMap, Bytes) {
    let mut headers = vec![("content-type", "application/json")];
    headers.extend(accept_encoding.map(|a| ("accept-encoding", a)));
    call("POST", "/graphql", &headers, body)
}

#[test]
fn answers_over_a_kilobyte_are_compressed_as_the_client_accepts() {
    let (status, h, plain) = post(LARGE, None);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "content-encoding"), None);
    assert!(plain.len() > 2048, "the large answer is only {} bytes", plain.len());
    let json: serde_json::Value = serde_json::from_slice(&plain).expect("JSON");
    assert!(json["errors"].is_null(), "{json}");
    for (accept, coding) in [("gzip", "gzip"), ("br", "br"), ("gzip, deflate, br", "br"), ("br;q=0, gzip", "gzip")] {
        let (status, h, body) = post(LARGE, Some(accept));
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&h, "content-encoding"), Some(coding), "Accept-Encoding: {accept}");
        assert!(header(&h, "vary").is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")));
        assert!(body.len() < plain.len() / 2, "{coding}: {} of {} bytes", body.len(), plain.len());
        assert_eq!(decode(Some(coding), &body), plain, "Accept-Encoding: {accept}");
    }
    for accept in ["identity", "gzip;q=0", "compress"] {
        let (_, h, body) = post(LARGE, Some(accept));
        assert_eq!(header(&h, "content-encoding"), None, "Accept-Encoding: {accept}");
        assert_eq!(body, plain);
    }
}

#[test]
fn small_answers_are_sent_as_they_are() {
    let (status, h, body) = post(SMALL, Some("gzip, br"));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "content-encoding"), None);
    assert!(body.len() < diplograph::http::COMPRESS_FROM_BYTES as usize, "{} bytes", body.len());
    assert!(String::from_utf8_lossy(&body).contains("\"Query\""));
}

#[test]
fn streamed_exports_are_compressed_and_still_streamed() {
    let (status, h, plain) = call("GET", "/export/events.csv", &[], "");
    assert_eq!(status, StatusCode::OK);
    assert!(plain.len() > 2048);
    for coding in ["gzip", "br"] {
        let (status, h, body) = call("GET", "/export/events.csv", &[("accept-encoding", coding)], "");
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&h, "content-encoding"), Some(coding));
        // A streamed body has no length known up front, compressed or not.
        assert_eq!(header(&h, "content-length"), None);
        assert_eq!(decode(Some(coding), &body), plain);
    }
    assert_eq!(header(&h, "content-length"), None);
}

#[test]
fn pages_revalidate_with_their_etag_and_link_immutable_hashed_assets() {
    for page in ["/", "/explore"] {
        let (status, h, body) = call("GET", page, &[], "");
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(header(&h, "cache-control"), Some("no-cache"));
        let etag = header(&h, "etag").expect("an ETag").to_owned();
        assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
        // A second visit: only validators.
        let (status, h2, again) = call("GET", page, &[("if-none-match", &etag)], "");
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{page}");
        assert!(again.is_empty());
        assert_eq!(header(&h2, "etag"), Some(etag.as_str()));
        let (status, _, _) = call("GET", page, &[("if-none-match", "\"other\"")], "");
        assert_eq!(status, StatusCode::OK);
        // Every hashed asset the page links is served, immutable.
        let html = String::from_utf8_lossy(&body).into_owned();
        let linked: Vec<&str> =
            ASSETS.iter().filter_map(|a| a.hashed_path).filter(|p| html.contains(&format!("\"{p}\""))).collect();
        // The playground links its script and style; the explorer holds its own (see
        // src/http/assets.rs) and links only the modules it fetches later (a full build).
        let least = if page == "/" { 2 } else { 0 };
        assert!(linked.len() >= least, "{page} links no hashed script and style: {html}");
        for path in linked {
            let (status, h, _) = call("GET", path, &[], "");
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_eq!(header(&h, "cache-control"), Some("public, max-age=31536000, immutable"), "{path}");
        }
    }
    // The plain names still answer, revalidated.
    let (status, h, _) = call("GET", "/playground/playground.js", &[], "");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "cache-control"), Some("no-cache"));
}

/// Each coding of an answer is its own representation: its own `ETag`, and `If-None-Match`
/// answered 304 only for the tag of the coding this request gets.
#[test]
fn each_coding_has_its_own_etag() {
    let large =
        "/graphql?query=%7B%20events(first%3A%2060)%20%7B%20nodes%20%7B%20id%20title%20summary%20%7D%20%7D%20%7D";
    let page = ASSETS.iter().find(|a| a.path == "/").expect("the playground page");
    let stored = [(page.gzip, "gzip"), (page.brotli, "br")].into_iter().filter_map(|(b, c)| b.map(|_| Some(c)));
    let page_codings: Vec<Option<&str>> = std::iter::once(None).chain(stored).collect();
    for (uri, codings) in [(large, vec![None, Some("gzip"), Some("br")]), ("/", page_codings)] {
        let get = |coding: Option<&str>, tag: Option<&str>| {
            let mut headers = Vec::new();
            headers.extend(coding.map(|c| ("accept-encoding", c)));
            headers.extend(tag.map(|t| ("if-none-match", t)));
            call("GET", uri, &headers, "")
        };
        let mut tags = Vec::new();
        for coding in codings {
            let (status, h, _) = get(coding, None);
            assert_eq!(status, StatusCode::OK, "{uri} {coding:?}");
            assert_eq!(header(&h, "content-encoding"), coding, "{uri}");
            let tag = header(&h, "etag").expect("an ETag").to_owned();
            if let Some(c) = coding {
                assert!(tag.ends_with(&format!("-{c}\"")), "{uri}: {tag}");
                assert!(header(&h, "vary").is_some_and(|v| v.eq_ignore_ascii_case("accept-encoding")), "{uri}");
            }
            tags.push((coding, tag));
        }
        for (coding, tag) in &tags {
            for (asked, _) in &tags {
                let (status, h, body) = get(*asked, Some(tag));
                if asked == coding {
                    assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri}: {tag} with {asked:?}");
                    assert!(body.is_empty());
                    assert_eq!(header(&h, "etag"), Some(tag.as_str()));
                } else {
                    assert_eq!(status, StatusCode::OK, "{uri}: {tag} with {asked:?}");
                }
            }
        }
    }
    // A POST answer has no validator to revalidate with.
    let (status, h, _) = post(LARGE, Some("gzip"));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "etag"), None);
}

#[test]
fn assets_are_sent_in_their_stored_coding() {
    for a in ASSETS {
        let path = a.hashed_path.unwrap_or(a.path);
        let (_, h, plain) = call("GET", path, &[], "");
        assert_eq!(plain, a.body, "{path}");
        assert_eq!(header(&h, "content-encoding"), None);
        for (accept, stored, coding) in [("br, gzip", a.brotli, "br"), ("gzip", a.gzip, "gzip")] {
            let (status, h, body) = call("GET", path, &[("accept-encoding", accept)], "");
            assert_eq!(status, StatusCode::OK);
            match stored {
                Some(stored) => {
                    assert_eq!(header(&h, "content-encoding"), Some(coding), "{path}");
                    assert_eq!(body, stored, "{path}: compressed again instead of sent as stored");
                    assert_eq!(decode(Some(coding), &body), a.body);
                }
                // Too small to be worth it: as built.
                None => assert_eq!(decode(header(&h, "content-encoding"), &body), a.body, "{path}"),
            }
        }
    }
}

/// The value of the Prometheus sample `series` (name and labels, as rendered) in `text`.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(series).and_then(|rest| rest.trim().parse().ok()))
}

#[test]
fn metrics_count_operations_errors_and_show_the_snapshot() {
    let named = r#"{"query":"query WireMetricsProbe { __typename }"}"#;
    let failing = r#"{"query":"query WireMetricsBroken { nope }"}"#;
    let before = String::from_utf8_lossy(&call("GET", "/metrics", &[], "").2).into_owned();
    let ok = r#"diplograph_requests_total{operation="WireMetricsProbe",code="OK"}"#;
    let bad = r#"diplograph_requests_total{operation="WireMetricsBroken",code="GRAPHQL_VALIDATION_FAILED"}"#;
    let bad_errors = r#"diplograph_errors_total{operation="WireMetricsBroken",code="GRAPHQL_VALIDATION_FAILED"}"#;
    let count = |text: &str, s: &str| sample(text, s).unwrap_or(0.0);
    post(named, None);
    post(named, None);
    post(failing, None);
    let (status, h, body) = call("GET", "/metrics", &[], "");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "content-type"), Some("text/plain; version=0.0.4; charset=utf-8"));
    let text = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(count(&text, ok) - count(&before, ok), 2.0, "{text}");
    assert_eq!(count(&text, bad) - count(&before, bad), 1.0, "{text}");
    assert_eq!(count(&text, bad_errors) - count(&before, bad_errors), 1.0, "{text}");
    let bucket = r#"diplograph_request_duration_seconds_bucket{operation="WireMetricsProbe",le="+Inf"}"#;
    assert!(count(&text, bucket) >= 2.0, "no latency histogram: {text}");
    for series in [
        "diplograph_response_cache_hits_total",
        "diplograph_response_cache_misses_total",
        "diplograph_plan_cache_hits_total",
        "diplograph_reloads_total",
        "diplograph_reload_failures_total",
        "diplograph_snapshot_loaded_timestamp_seconds",
        "diplograph_snapshot_age_seconds",
    ] {
        assert!(sample(&text, &format!("{series} ")).is_some(), "{series} is missing: {text}");
    }
    let g = graph();
    let hash = &g.snapshot().hash;
    assert_eq!(sample(&text, &format!("diplograph_snapshot_info{{hash=\"{hash}\"}}")), Some(1.0), "{text}");
}

#[test]
fn the_response_cache_is_counted() {
    let config = diplograph::http::HttpConfig::default();
    let app = diplograph::http::app(diplograph::http::AppState::new(diplograph::api::schema(), graph(), config));
    let scrape = |app: &axum::Router| {
        let r = rt().block_on(app.clone().oneshot(Request::get("/metrics").body(Body::empty()).expect("request")));
        let body = rt().block_on(axum::body::to_bytes(r.expect("answer").into_body(), usize::MAX)).expect("body");
        let text = String::from_utf8_lossy(&body).into_owned();
        let get = |s: &str| sample(&text, s).unwrap_or(0.0);
        (get("diplograph_response_cache_hits_total "), get("diplograph_response_cache_misses_total "))
    };
    let query = r#"{"query":"{ wireCacheProbe: __typename }"}"#;
    let send = || {
        let r = Request::post("/graphql").header("content-type", "application/json").body(Body::from(query));
        rt().block_on(app.clone().oneshot(r.expect("request"))).expect("answer")
    };
    let (hits, misses) = scrape(&app);
    send();
    send();
    let (hits2, misses2) = scrape(&app);
    // Other tests may run at the same time: at least ours are counted.
    assert!(misses2 - misses >= 1.0 && hits2 - hits >= 1.0, "hits {hits} -> {hits2}, misses {misses} -> {misses2}");
}

/// The `code`s of the errors of an answer.
fn codes(body: &[u8]) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(body).expect("JSON");
    v["errors"].as_array().map_or(vec![], |es| es.iter().map(|e| e["extensions"]["code"].to_string()).collect())
}

/// A validation result is remembered per text, operation and variables: asking again gives
/// the same answer, and other variables are checked again.
#[test]
fn validation_remembered_per_document_still_checks_each_request() {
    let q = "query WireValidated($n: Int) { events(first: $n) { totalCount } }";
    let body = |vars: serde_json::Value| serde_json::json!({ "query": q, "variables": vars }).to_string();
    for _ in 0..2 {
        let (status, _, ok) = post(&body(serde_json::json!({ "n": 2 })), None);
        assert_eq!((status, codes(&ok)), (StatusCode::OK, vec![]), "{}", String::from_utf8_lossy(&ok));
        let (_, _, bad) = post(&body(serde_json::json!({ "n": "two" })), None);
        assert_eq!(codes(&bad), ["\"BAD_USER_INPUT\""], "{}", String::from_utf8_lossy(&bad));
        let (_, _, over) = post(&body(serde_json::json!({ "n": 100000 })), None);
        assert!(!codes(&over).is_empty(), "{}", String::from_utf8_lossy(&over));
        let (_, _, invalid) = post(r#"{"query":"query WireInvalid { events { nope } }"}"#, None);
        assert_eq!(codes(&invalid), ["\"GRAPHQL_VALIDATION_FAILED\""]);
    }
}
