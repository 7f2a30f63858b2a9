//! GraphQL over HTTP, as the spec (and the graphql-http audit) expects: media types, status
//! codes, and request errors without a `data` entry.

use super::AppState;
use crate::api::{is_request_error, with_graph};
use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, Request, Variables};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

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
        HeaderValue::from_static(match self {
            Answer::Json => JSON,
            Answer::GraphqlJson => GRAPHQL_JSON,
        })
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
pub async fn post(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(answer) = Answer::negotiate(&headers) else { return not_acceptable() };
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
            let snapshot = state.snapshot();
            let batch = BatchRequest::Batch(requests.into_iter().map(|r| with_graph(r, snapshot.clone())).collect());
            let responses = state.schema.execute_batch(batch).await;
            let body = match responses {
                async_graphql::BatchResponse::Single(r) => response_json(r),
                async_graphql::BatchResponse::Batch(rs) => Value::Array(rs.into_iter().map(response_json).collect()),
            };
            (StatusCode::OK, [(header::CONTENT_TYPE, answer.content_type())], body.to_string()).into_response()
        }
        other => match to_request(other) {
            Ok(request) => execute(&state, request, answer).await,
            Err(msg) => {
                failure(answer.request_error_status().max(StatusCode::BAD_REQUEST), answer, "BAD_REQUEST", &msg)
            }
        },
    }
}

/// `GET /graphql?query=...&variables=...`: queries only.
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some(answer) = Answer::negotiate(&headers) else { return not_acceptable() };
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
    execute(&state, request, answer).await
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

/// Runs one request on the current snapshot and writes the answer.
async fn execute(state: &AppState, request: Request, answer: Answer) -> Response {
    let response = state.schema.execute(with_graph(request, state.snapshot())).await;
    let request_error = !response.errors.is_empty() && response.errors.iter().all(is_request_error);
    let status = if request_error { answer.request_error_status() } else { StatusCode::OK };
    let body = response_json(response);
    (status, [(header::CONTENT_TYPE, answer.content_type())], body.to_string()).into_response()
}

/// The JSON of a response; no `data` entry when the request failed before execution.
fn response_json(response: async_graphql::Response) -> Value {
    let request_error = !response.errors.is_empty() && response.errors.iter().all(is_request_error);
    let mut v =
        serde_json::to_value(&response).unwrap_or_else(|_| json!({ "errors": [{ "message": "internal error" }] }));
    if let (true, Value::Object(map)) = (request_error, &mut v) {
        map.remove("data");
    }
    v
}
