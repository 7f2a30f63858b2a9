//! GraphQL over HTTP, as the spec (and the graphql-http audit) expects: media types, status
//! codes, and request errors without a `data` entry.

use super::cache::{etag, snapshot_number, Entry, Key};
use super::AppState;
use crate::api::{self, is_request_error};
use crate::graph::KnowledgeGraph;
use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Variables};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

const JSON: &str = "application/json; charset=utf-8";
const GRAPHQL_JSON: &str = "application/graphql-response+json; charset=utf-8";

/// The media type of the answer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Answer {
    /// `application/json`: request errors with status 200, as legacy clients expect.
    Json,
    /// `application/graphql-response+json`: request errors with status 400.
    GraphqlJson,
}

impl Answer {
    /// Picks the answer type from `Accept`; `None` when nothing we can send is acceptable.
    fn negotiate(headers: &HeaderMap) -> Option<Answer> {
        let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
            return Some(Answer::Json);
        };
        for item in accept.split(',') {
            let mut parts = item.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default().to_ascii_lowercase();
            let refused = parts.any(|p| p.replace(' ', "").eq_ignore_ascii_case("q=0"));
            if refused {
                continue;
            }
            match media.as_str() {
                "application/graphql-response+json" => return Some(Answer::GraphqlJson),
                "application/json" | "application/*" | "*/*" => return Some(Answer::Json),
                _ => {}
            }
        }
        if accept.trim().is_empty() {
            return Some(Answer::Json);
        }
        None
    }

    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(self.content_type_str())
    }

    fn content_type_str(self) -> &'static str {
        match self {
            Answer::Json => JSON,
            Answer::GraphqlJson => GRAPHQL_JSON,
        }
    }

    /// The status of a response that failed before execution.
    fn request_error_status(self) -> StatusCode {
        match self {
            Answer::Json => StatusCode::OK,
            Answer::GraphqlJson => StatusCode::BAD_REQUEST,
        }
    }
}

/// An error response with one GraphQL error carrying `code`.
fn failure(status: StatusCode, answer: Answer, code: &str, message: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, [(header::CONTENT_TYPE, answer.content_type())], body.to_string()).into_response()
}

fn not_acceptable() -> Response {
    failure(
        StatusCode::NOT_ACCEPTABLE,
        Answer::Json,
        "NOT_ACCEPTABLE",
        "this endpoint answers application/graphql-response+json or application/json",
    )
}

/// `POST /graphql`: one operation or a batch (JSON array), as JSON.
pub async fn post(State(state): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let Some(answer) = Answer::negotiate(&headers) else { return not_acceptable() };
    let body = match body {
        Ok(b) => b,
        Err(rejection) => {
            let status = rejection.status();
            let (code, message) = if status == StatusCode::PAYLOAD_TOO_LARGE {
                ("LIMIT_EXCEEDED", format!("the body is larger than {} bytes", state.config.max_body_bytes))
            } else {
                ("BAD_REQUEST", format!("the body could not be read: {}", rejection.body_text()))
            };
            return failure(status, answer, code, &message);
        }
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut params = content_type.split(';').map(str::trim);
    let media = params.next().unwrap_or_default().to_ascii_lowercase();
    let charset_ok = params.all(|p| match p.split_once('=') {
        Some((k, v)) if k.trim().eq_ignore_ascii_case("charset") => {
            v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    });
    if media.is_empty() {
        return failure(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            answer,
            "BAD_REQUEST",
            "a POST needs `Content-Type: application/json`",
        );
    }
    if media != "application/json" || !charset_ok {
        return failure(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            answer,
            "BAD_REQUEST",
            "the body must be `application/json` in UTF-8",
        );
    }
    let snapshot = state.snapshot();
    let key = state.cache.as_ref().map(|_| Key {
        snapshot: snapshot_number(&snapshot.snapshot().hash),
        variant: answer as u8,
        request: body.clone(),
    });
    if let (Some(cache), Some(key)) = (&state.cache, &key) {
        if let Some(hit) = cache.get(key) {
            return cached(hit);
        }
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return failure(StatusCode::BAD_REQUEST, answer, "BAD_REQUEST", &format!("the body is not valid JSON: {e}"))
        }
    };
    match value {
        Value::Array(items) => {
            if items.is_empty() || items.len() > state.config.max_batch {
                let msg = format!("a batch holds 1 to {} operations (got {})", state.config.max_batch, items.len());
                return failure(StatusCode::BAD_REQUEST, answer, "LIMIT_EXCEEDED", &msg);
            }
            let mut requests = Vec::with_capacity(items.len());
            for item in items {
                match to_request(item) {
                    Ok(r) => requests.push(r),
                    Err(msg) => return failure(StatusCode::BAD_REQUEST, answer, "BAD_REQUEST", &msg),
                }
            }
            let responses = api::execute_batch(&state.schema, requests, snapshot).await;
            let id = request_id();
            let cacheable = responses.iter().all(|r| !has_internal_error(r));
            let body = Value::Array(responses.into_iter().map(|r| response_json(r, &id)).collect());
            answer_with(
                &state,
                key.filter(|_| cacheable),
                Answered { status: StatusCode::OK, answer, body: body.to_string() },
            )
        }
        other => match to_request(other) {
            Ok(request) => {
                let (answered, cacheable) = execute(&state, request, answer, snapshot).await;
                answer_with(&state, key.filter(|_| cacheable), answered)
            }
            Err(msg) => {
                failure(answer.request_error_status().max(StatusCode::BAD_REQUEST), answer, "BAD_REQUEST", &msg)
            }
        },
    }
}

/// An answer about to be sent.
struct Answered {
    status: StatusCode,
    answer: Answer,
    body: String,
}

/// Sends `a`, remembering it under `key` when there is one.
fn answer_with(state: &AppState, key: Option<Key>, a: Answered) -> Response {
    let body = Bytes::from(a.body);
    let snapshot = key.as_ref().map(|k| k.snapshot).unwrap_or_default();
    let entry = Entry {
        status: a.status.as_u16(),
        content_type: a.answer.content_type_str(),
        etag: etag(snapshot, &body),
        body,
    };
    if let (Some(cache), Some(key)) = (&state.cache, key) {
        cache.put(key, entry.clone());
    }
    cached(entry)
}

/// The response of a (possibly cached) answer.
fn cached(e: Entry) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::OK);
    let mut r = (status, [(header::CONTENT_TYPE, e.content_type)], e.body).into_response();
    if let Ok(v) = HeaderValue::from_str(&e.etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

fn has_internal_error(r: &async_graphql::Response) -> bool {
    r.errors.iter().any(|e| {
        e.extensions.as_ref().and_then(|x| x.get("code")).is_some_and(
            |c| matches!(c, async_graphql::Value::String(s) if s == crate::api::error::code::INTERNAL_SERVER_ERROR),
        )
    })
}

/// `GET /graphql?query=...&variables=...`: queries only. Answers carry an `ETag` and
/// `Cache-Control`; a matching `If-None-Match` gets 304.
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some(answer) = Answer::negotiate(&headers) else { return not_acceptable() };
    let mut response = get_answer(&state, answer, raw.unwrap_or_default(), params).await;
    let etag = response.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let matches = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|wanted| {
        !etag.is_empty() && wanted.split(',').any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == etag)
    });
    if response.status() != StatusCode::OK {
        return response;
    }
    let cache_control = HeaderValue::from_static("public, max-age=0, must-revalidate");
    if matches {
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            not_modified.headers_mut().insert(header::ETAG, v);
        }
        not_modified.headers_mut().insert(header::CACHE_CONTROL, cache_control);
        return not_modified;
    }
    response.headers_mut().insert(header::CACHE_CONTROL, cache_control);
    response
}

async fn get_answer(state: &AppState, answer: Answer, raw: String, params: HashMap<String, String>) -> Response {
    let snapshot = state.snapshot();
    let key = Key {
        snapshot: snapshot_number(&snapshot.snapshot().hash),
        variant: 8 | answer as u8,
        request: Bytes::from(raw),
    };
    if let Some(hit) = state.cache.as_ref().and_then(|c| c.get(&key)) {
        return cached(hit);
    }
    let mut object = Map::new();
    for (key, value) in params {
        let v = match key.as_str() {
            "variables" | "extensions" => match serde_json::from_str::<Value>(&value) {
                Ok(v) => v,
                Err(_) => {
                    return failure(
                        StatusCode::BAD_REQUEST,
                        answer,
                        "BAD_REQUEST",
                        &format!("`{key}` is not valid JSON"),
                    )
                }
            },
            _ => Value::String(value),
        };
        object.insert(key, v);
    }
    let request = match to_request(Value::Object(object)) {
        Ok(r) => r,
        Err(msg) => return failure(StatusCode::BAD_REQUEST, answer, "BAD_REQUEST", &msg),
    };
    if let Ok(doc) = async_graphql::parser::parse_query(&request.query) {
        let op = match &request.operation_name {
            Some(name) => {
                doc.operations.iter().find(|(n, _)| n.is_some_and(|n| n.as_str() == name)).map(|(_, o)| o.node.ty)
            }
            None => doc.operations.iter().next().map(|(_, o)| o.node.ty),
        };
        if matches!(op, Some(OperationType::Mutation | OperationType::Subscription)) {
            let mut r = failure(
                StatusCode::METHOD_NOT_ALLOWED,
                answer,
                "BAD_REQUEST",
                "only queries may be sent with GET; use POST",
            );
            r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
            return r;
        }
    }
    let (answered, cacheable) = execute(state, request, answer, snapshot).await;
    answer_with(state, Some(key).filter(|_| cacheable), answered)
}

/// Reads the GraphQL request parameters of one JSON object, checking their types.
fn to_request(value: Value) -> Result<Request, String> {
    let Value::Object(mut map) = value else {
        return Err("the body must be a JSON object (or an array of them)".into());
    };
    let query = match map.remove("query") {
        Some(Value::String(q)) => q,
        Some(_) => return Err("`query` must be a string".into()),
        None => return Err("the `query` parameter is missing".into()),
    };
    let mut request = Request::new(query);
    match map.remove("operationName") {
        Some(Value::String(name)) => request = request.operation_name(name),
        Some(Value::Null) | None => {}
        Some(_) => return Err("`operationName` must be a string or null".into()),
    }
    match map.remove("variables") {
        Some(v @ Value::Object(_)) => request = request.variables(Variables::from_json(v)),
        Some(Value::Null) | None => {}
        Some(_) => return Err("`variables` must be an object or null".into()),
    }
    match map.remove("extensions") {
        Some(Value::Object(_)) | Some(Value::Null) | None => {}
        Some(_) => return Err("`extensions` must be an object or null".into()),
    }
    Ok(request)
}

/// Runs one request on `snapshot`; the answer, and whether it may be cached.
async fn execute(
    state: &AppState,
    request: Request,
    answer: Answer,
    snapshot: Arc<KnowledgeGraph>,
) -> (Answered, bool) {
    let response = api::execute(&state.schema, request, snapshot).await;
    let request_error = !response.errors.is_empty() && response.errors.iter().all(is_request_error);
    let status = if request_error { answer.request_error_status() } else { StatusCode::OK };
    let cacheable = !has_internal_error(&response);
    let body = response_json(response, &request_id()).to_string();
    (Answered { status, answer, body }, cacheable)
}

/// A short id for one request, quoted in masked errors and the logs.
fn request_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    static START: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let start = *START.get_or_init(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
    });
    format!("{:x}-{:x}", start & 0xff_ffff, NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The JSON of a response; no `data` entry when the request failed before execution.
/// Internal errors are logged in full and masked: the client gets a request id to quote.
fn response_json(mut response: async_graphql::Response, request_id: &str) -> Value {
    for e in &mut response.errors {
        let internal = e.extensions.as_ref().and_then(|x| x.get("code")).is_some_and(
            |c| matches!(c, async_graphql::Value::String(s) if s == crate::api::error::code::INTERNAL_SERVER_ERROR),
        );
        if internal {
            tracing::error!(request_id, error = %e.message, path = ?e.path, "internal error");
            e.message = format!("internal error: quote request id {request_id} to the operators");
            if let Some(ext) = e.extensions.as_mut() {
                ext.set("requestId", request_id);
            }
        }
    }
    let request_error = !response.errors.is_empty() && response.errors.iter().all(is_request_error);
    let mut v =
        serde_json::to_value(&response).unwrap_or_else(|_| json!({ "errors": [{ "message": "internal error" }] }));
    if let (true, Value::Object(map)) = (request_error, &mut v) {
        map.remove("data");
    }
    v
}
