//! The media types of GraphQL over HTTP: which one an answer is sent as.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};

const JSON: &str = "application/json; charset=utf-8";
const GRAPHQL_JSON: &str = "application/graphql-response+json; charset=utf-8";

/// The media type of the answer.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Answer {
    /// `application/json`: request errors with status 200, as legacy clients expect.
    Json,
    /// `application/graphql-response+json`: request errors with status 400.
    GraphqlJson,
}

impl Answer {
    /// Picks the answer type from `Accept`; `None` when nothing we can send is acceptable.
    pub fn negotiate(headers: &HeaderMap) -> Option<Answer> {
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

    /// The `Content-Type` of an answer of this type.
    pub fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(self.content_type_str())
    }

    /// The `Content-Type` of an answer of this type, as text.
    pub fn content_type_str(self) -> &'static str {
        match self {
            Answer::Json => JSON,
            Answer::GraphqlJson => GRAPHQL_JSON,
        }
    }

    /// The status of a response that failed before execution.
    pub fn request_error_status(self) -> StatusCode {
        match self {
            Answer::Json => StatusCode::OK,
            Answer::GraphqlJson => StatusCode::BAD_REQUEST,
        }
    }
}
