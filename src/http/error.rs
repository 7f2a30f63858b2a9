//! Requests refused before they reach the schema, as one error type with its status, code
//! and response (the shape of axum's `anyhow-error-response` example).

use super::media::Answer;
use crate::api::Code;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Why a request was refused before execution.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// No media type we answer with is acceptable to the client.
    #[error("this endpoint answers application/graphql-response+json or application/json")]
    NotAcceptable,
    /// The body is larger than the configured limit.
    #[error("the body is larger than {0} bytes")]
    BodyTooLarge(usize),
    /// The body could not be read (with the status axum gave the failure).
    #[error("the body could not be read: {1}")]
    UnreadableBody(StatusCode, String),
    /// A POST without `Content-Type`.
    #[error("a POST needs `Content-Type: application/json`")]
    NoContentType,
    /// A POST whose body is not JSON in UTF-8.
    #[error("the body must be `application/json` in UTF-8")]
    UnsupportedMediaType,
    /// A body that does not parse as JSON.
    #[error("the body is not valid JSON: {0}")]
    InvalidJson(#[from] serde_json::Error),
    /// A batch that is empty or holds more operations than allowed.
    #[error("a batch holds 1 to {max} operations (got {got})")]
    BatchSize { max: usize, got: usize },
    /// A GET parameter that must be JSON and is not.
    #[error("`{0}` is not valid JSON")]
    ParameterNotJson(String),
    /// GraphQL request parameters of the wrong shape.
    #[error(transparent)]
    Params(#[from] ParamsError),
    /// A mutation or subscription sent with GET.
    #[error("only queries may be sent with GET; use POST")]
    MutationOverGet,
    /// A token in the URL, where logs and histories keep it.
    #[error("a token goes in the `Authorization: Bearer` header, never in the URL")]
    TokenInUrl,
    /// A mutation without a known token.
    #[error("a write needs `Authorization: Bearer <token>` with a known token")]
    Unauthenticated,
    /// A mutation over `/graphql/ws` on a socket whose `connection_init` gave no token.
    #[error("a write over /graphql/ws needs the token in connection_init: {{\"Authorization\": \"Bearer <token>\"}}")]
    SocketUnauthenticated,
    /// A mutation with a token that may only read.
    #[error("the token `{0}` may only read")]
    ReadOnlyToken(String),
    /// A mutation to a server started without `--tokens`.
    #[error("writes are disabled on this server")]
    WritesDisabled,
    /// Too many mutation fields from one token (each alias counts one), with the limit.
    #[error("the token `{0}` may run {1} mutation fields per minute (each alias counts one); wait and retry")]
    WriteRate(String, u32),
    /// A mutation body over the write limit.
    #[error("a write body is at most {0} bytes")]
    WriteTooLarge(usize),
}

/// GraphQL request parameters (`query`, `operationName`, `variables`, `extensions`) of the
/// wrong shape.
#[derive(Debug, thiserror::Error)]
pub enum ParamsError {
    #[error("the body must be a JSON object (or an array of them)")]
    NotAnObject,
    #[error("the `query` parameter is missing")]
    NoQuery,
    #[error("`query` must be a string")]
    QueryNotString,
    #[error("`operationName` must be a string or null")]
    OperationNameNotString,
    #[error("`variables` must be an object or null")]
    VariablesNotObject,
    #[error("`extensions` must be an object or null")]
    ExtensionsNotObject,
}

impl HttpError {
    /// The HTTP status of the refusal.
    pub fn status(&self) -> StatusCode {
        match self {
            HttpError::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            HttpError::BodyTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            HttpError::UnreadableBody(status, _) => *status,
            HttpError::NoContentType | HttpError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            HttpError::MutationOverGet => StatusCode::METHOD_NOT_ALLOWED,
            HttpError::Unauthenticated | HttpError::SocketUnauthenticated => StatusCode::UNAUTHORIZED,
            HttpError::ReadOnlyToken(_) | HttpError::WritesDisabled => StatusCode::FORBIDDEN,
            HttpError::WriteRate(..) => StatusCode::TOO_MANY_REQUESTS,
            HttpError::WriteTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            HttpError::TokenInUrl => StatusCode::BAD_REQUEST,
            HttpError::InvalidJson(_)
            | HttpError::BatchSize { .. }
            | HttpError::ParameterNotJson(_)
            | HttpError::Params(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// The `code` of its GraphQL error.
    pub fn code(&self) -> Code {
        match self {
            HttpError::NotAcceptable => Code::NotAcceptable,
            HttpError::BodyTooLarge(_) | HttpError::BatchSize { .. } => Code::LimitExceeded,
            HttpError::WriteRate(..) | HttpError::WriteTooLarge(_) => Code::LimitExceeded,
            HttpError::Unauthenticated | HttpError::SocketUnauthenticated => Code::Unauthenticated,
            HttpError::ReadOnlyToken(_) | HttpError::WritesDisabled => Code::Forbidden,
            _ => Code::BadRequest,
        }
    }

    /// The refusal, sent as `answer` (a refusal of `Accept` itself is sent as JSON).
    pub fn answered_as(self, answer: Answer) -> Refusal {
        Refusal { error: self, answer }
    }
}

/// An [`HttpError`] with the media type it is sent as.
#[derive(Debug)]
pub struct Refusal {
    error: HttpError,
    answer: Answer,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let Refusal { error, answer } = self;
        let answer = if matches!(error, HttpError::NotAcceptable) { Answer::Json } else { answer };
        let body =
            json!({ "errors": [{ "message": error.to_string(), "extensions": { "code": error.code().as_str() } }] });
        // Access refusals keep the legacy status 200 for `application/json` clients, as
        // other request errors do.
        let access =
            matches!(error, HttpError::Unauthenticated | HttpError::ReadOnlyToken(_) | HttpError::WritesDisabled);
        let status = if access && answer == Answer::Json { StatusCode::OK } else { error.status() };
        let mut r = (status, [(header::CONTENT_TYPE, answer.content_type())], body.to_string()).into_response();
        if matches!(error, HttpError::MutationOverGet) {
            r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        if status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        r
    }
}
