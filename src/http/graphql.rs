//! GraphQL over HTTP, as the spec (and the graphql-http audit) expects: media types, status
//! codes, and request errors without a `data` entry.

use super::cache::{etag, snapshot_number, Entry, Key, Method};
use super::error::{HttpError, ParamsError, Refusal};
use super::media::Answer;
use super::{metrics, AppState};
use crate::api::{self, is_internal, is_request_error};
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
use std::time::{Duration, Instant};

/// The response header naming the snapshot (its hash, as `snapshot { hash }` gives it) an
/// answer was computed on, so that a client or a load balancer can tell replicas apart.
pub const SNAPSHOT_HEADER: &str = "diplograph-snapshot";

/// `POST /graphql`: one operation or a batch (JSON array), as JSON.
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(answer) = Answer::negotiate(&headers) else {
        return HttpError::NotAcceptable.answered_as(Answer::Json).into_response();
    };
    if super::writes::token_in_url(raw.as_deref()) {
        return HttpError::TokenInUrl.answered_as(answer).into_response();
    }
    match post_answer(&state, &headers, answer, body).await {
        Ok(r) => r,
        Err(refusal) => refusal.into_response(),
    }
}

async fn post_answer(
    state: &AppState,
    headers: &HeaderMap,
    answer: Answer,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Refusal> {
    let refuse = |e: HttpError| e.answered_as(answer);
    let body = body.map_err(|rejection| {
        refuse(if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            HttpError::BodyTooLarge(state.config.max_body_bytes)
        } else {
            HttpError::UnreadableBody(rejection.status(), rejection.body_text())
        })
    })?;
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
        return Err(refuse(HttpError::NoContentType));
    }
    if media != "application/json" || !charset_ok {
        return Err(refuse(HttpError::UnsupportedMediaType));
    }
    let snapshot = state.snapshot();
    let key = state.cache.as_ref().map(|_| Key {
        snapshot: snapshot_number(&snapshot.snapshot().hash),
        method: Method::Post,
        answer,
        request: body.clone(),
    });
    if let (Some(cache), Some(key)) = (&state.cache, &key) {
        let hit = cache.get(key);
        if state.config.metrics {
            metrics::cache_lookup(hit.is_some());
        }
        if let Some(hit) = hit {
            return Ok(cached(hit));
        }
    }
    let value: Value = serde_json::from_slice(&body).map_err(|e| refuse(e.into()))?;
    // Mutations are checked for access, never cached, and carry their author.
    let access = |requests: Vec<Request>| super::writes::attach(state, headers, body.len(), requests).map_err(refuse);
    match value {
        Value::Array(items) => {
            if items.is_empty() || items.len() > state.config.max_batch {
                return Err(refuse(HttpError::BatchSize { max: state.config.max_batch, got: items.len() }));
            }
            let requests =
                items.into_iter().map(to_request).collect::<Result<Vec<_>, _>>().map_err(|e| refuse(e.into()))?;
            let hash = snapshot.snapshot().hash.clone();
            let (requests, writes) = access(requests)?;
            let key = key.filter(|_| !writes);
            let names: Vec<Option<String>> = requests
                .iter()
                .map(|r| r.operation_name.clone().or_else(|| api::documents::sole_operation_name(&r.query)))
                .collect();
            let started = Instant::now();
            let responses = api::execute_batch(&state.schema, requests, snapshot).await;
            let took = started.elapsed();
            for (name, response) in names.into_iter().zip(&responses) {
                observe(state, name, response, took);
            }
            let id = request_id();
            let cacheable = responses.iter().all(|r| !r.errors.iter().any(is_internal));
            let body = Value::Array(responses.into_iter().map(|r| response_json(r, &id)).collect());
            Ok(answer_with(
                state,
                Method::Post,
                key.filter(|_| cacheable),
                Answered { status: StatusCode::OK, answer, body: body.to_string(), snapshot: hash },
            ))
        }
        other => {
            let request = to_request(other).map_err(|e| refuse(e.into()))?;
            let (mut requests, writes) = access(vec![request])?;
            let key = key.filter(|_| !writes);
            let Some(request) = requests.pop() else { return Err(refuse(ParamsError::NoQuery.into())) };
            let (answered, cacheable) = execute(state, request, answer, snapshot).await;
            Ok(answer_with(state, Method::Post, key.filter(|_| cacheable), answered))
        }
    }
}

/// An answer about to be sent.
struct Answered {
    status: StatusCode,
    answer: Answer,
    body: String,
    /// The hash of the snapshot it was computed on.
    snapshot: String,
}

/// Sends `a` (with an `ETag` when answering `method` GET), remembering it under `key` when
/// there is one.
fn answer_with(state: &AppState, method: Method, key: Option<Key>, a: Answered) -> Response {
    let body = Bytes::from(a.body);
    let entry = Entry {
        status: a.status.as_u16(),
        content_type: a.answer.content_type_str(),
        etag: (method == Method::Get).then(|| etag(snapshot_number(&a.snapshot), &body)),
        body,
        snapshot: a.snapshot,
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
    if let Some(v) = e.etag.as_deref().and_then(|t| HeaderValue::from_str(t).ok()) {
        r.headers_mut().insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&e.snapshot) {
        r.headers_mut().insert(SNAPSHOT_HEADER, v);
    }
    r
}

/// `GET /graphql?query=...&variables=...`: queries only. Answers carry an `ETag` and
/// `Cache-Control`; a matching `If-None-Match` gets 304 (from [`super::conditional`], which
/// knows the coding the answer goes out in).
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some(answer) = Answer::negotiate(&headers) else {
        return HttpError::NotAcceptable.answered_as(Answer::Json).into_response();
    };
    let mut response = match get_answer(&state, answer, raw.unwrap_or_default(), params).await {
        Ok(r) => r,
        Err(refusal) => refusal.into_response(),
    };
    if response.status() == StatusCode::OK {
        let cache_control = HeaderValue::from_static("public, max-age=0, must-revalidate");
        response.headers_mut().insert(header::CACHE_CONTROL, cache_control);
    }
    response
}

async fn get_answer(
    state: &AppState,
    answer: Answer,
    raw: String,
    params: HashMap<String, String>,
) -> Result<Response, Refusal> {
    let refuse = |e: HttpError| e.answered_as(answer);
    if super::writes::token_in_url(Some(&raw)) {
        return Err(refuse(HttpError::TokenInUrl));
    }
    let snapshot = state.snapshot();
    let key = Key {
        snapshot: snapshot_number(&snapshot.snapshot().hash),
        method: Method::Get,
        answer,
        request: Bytes::from(raw),
    };
    if let Some(cache) = &state.cache {
        let hit = cache.get(&key);
        if state.config.metrics {
            metrics::cache_lookup(hit.is_some());
        }
        if let Some(hit) = hit {
            return Ok(cached(hit));
        }
    }
    let mut object = Map::new();
    for (key, value) in params {
        let v = match key.as_str() {
            "variables" | "extensions" => {
                serde_json::from_str::<Value>(&value).map_err(|_| refuse(HttpError::ParameterNotJson(key.clone())))?
            }
            _ => Value::String(value),
        };
        object.insert(key, v);
    }
    let request = to_request(Value::Object(object)).map_err(|e| refuse(e.into()))?;
    if matches!(operation_type(&request), Some(OperationType::Mutation | OperationType::Subscription)) {
        return Err(refuse(HttpError::MutationOverGet));
    }
    let request = match &state.writes {
        Some(w) => request.data(w.service.clone()),
        None => request,
    };
    let (answered, cacheable) = execute(state, request, answer, snapshot).await;
    Ok(answer_with(state, Method::Get, Some(key).filter(|_| cacheable), answered))
}

/// The type of the operation `request` runs, when its document parses (read from the cache of
/// parsed documents, which the answer then uses too: a known text is not parsed again).
pub(super) fn operation_type(request: &Request) -> Option<OperationType> {
    api::documents::with_parsed(&request.query, |doc| match &request.operation_name {
        Some(name) => {
            doc.operations.iter().find(|(n, _)| n.is_some_and(|n| n.as_str() == name)).map(|(_, o)| o.node.ty)
        }
        None => doc.operations.iter().next().map(|(_, o)| o.node.ty),
    })
    .flatten()
}

/// Reads the GraphQL request parameters of one JSON object, checking their types.
fn to_request(value: Value) -> Result<Request, ParamsError> {
    let Value::Object(mut map) = value else {
        return Err(ParamsError::NotAnObject);
    };
    let query = match map.remove("query") {
        Some(Value::String(q)) => q,
        Some(_) => return Err(ParamsError::QueryNotString),
        None => return Err(ParamsError::NoQuery),
    };
    let mut request = Request::new(query);
    match map.remove("operationName") {
        Some(Value::String(name)) => request = request.operation_name(name),
        Some(Value::Null) | None => {}
        Some(_) => return Err(ParamsError::OperationNameNotString),
    }
    match map.remove("variables") {
        Some(v @ Value::Object(_)) => request = request.variables(Variables::from_json(v)),
        Some(Value::Null) | None => {}
        Some(_) => return Err(ParamsError::VariablesNotObject),
    }
    match map.remove("extensions") {
        Some(Value::Object(_)) | Some(Value::Null) | None => {}
        Some(_) => return Err(ParamsError::ExtensionsNotObject),
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
    let hash = snapshot.snapshot().hash.clone();
    // The operation's name for `/metrics` and the slow-query log, found before the request is
    // handed over (no copy of the query text is kept for it).
    let name = if state.config.metrics || state.config.slow_query.is_some() {
        request.operation_name.clone().or_else(|| api::documents::sole_operation_name(&request.query))
    } else {
        None
    };
    let started = Instant::now();
    let response = match api::answer(&state.schema, request, snapshot).await {
        api::Answer::Planned(body) => {
            if state.config.metrics {
                metrics::plan_hit();
            }
            observe_parts(state, name, &[], None, started.elapsed());
            return (Answered { status: StatusCode::OK, answer, body, snapshot: hash }, true);
        }
        api::Answer::Executed(response) => response,
    };
    observe(state, name, &response, started.elapsed());
    let request_error = !response.errors.is_empty() && response.errors.iter().all(is_request_error);
    let status = if request_error { answer.request_error_status() } else { StatusCode::OK };
    let cacheable = !response.errors.iter().any(is_internal);
    let body = response_json(response, &request_id()).to_string();
    (Answered { status, answer, body, snapshot: hash }, cacheable)
}

/// Counts and times one answered operation for `/metrics`, and logs it when slow.
fn observe(state: &AppState, name: Option<String>, response: &async_graphql::Response, took: Duration) {
    if !state.config.metrics && state.config.slow_query.is_none_or(|limit| took < limit) {
        return;
    }
    let codes: Vec<&'static str> =
        response.errors.iter().map(|e| api::code_of(e).unwrap_or(api::Code::InternalServerError).as_str()).collect();
    let cost = match response.extensions.get("cost") {
        Some(async_graphql::Value::Object(c)) => c.get("requestedQueryCost").map(|v| v.to_string()),
        _ => None,
    };
    observe_parts(state, name, &codes, cost, took);
}

/// [`observe`] of an operation given by its error codes and cost (a planned answer has none
/// of either: plans answer only what async-graphql answered without error). `name` is the
/// operation's (`operationName`, else the document's only operation's, when named).
fn observe_parts(state: &AppState, name: Option<String>, codes: &[&'static str], cost: Option<String>, took: Duration) {
    let slow = state.config.slow_query.is_some_and(|limit| took >= limit);
    if !state.config.metrics && !slow {
        return;
    }
    if state.config.metrics {
        metrics::record(name.as_deref(), codes, took);
    }
    if slow {
        tracing::warn!(
            operation = name.as_deref().unwrap_or("anonymous"),
            cost = cost.as_deref().unwrap_or("-"),
            ms = took.as_secs_f64() * 1000.0,
            errors = codes.len(),
            "slow query"
        );
    }
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
        if is_internal(e) {
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
