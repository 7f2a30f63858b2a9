//! The errors the API returns, each with a machine-readable `code` extension.

use async_graphql::{Error, ErrorExtensions};

/// Error codes, in `extensions.code`: the one list of them (the HTTP layer uses it too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// A name or id that matches nothing (or an entity of another kind).
    NotFound,
    /// An argument or variable that is malformed or out of its domain.
    BadUserInput,
    /// A name that fits several entities; `extensions.candidates` lists them.
    AmbiguousName,
    /// A page size, depth, cost or other limit exceeded.
    LimitExceeded,
    /// The document could not be parsed.
    GraphqlParseFailed,
    /// The document does not fit the schema.
    GraphqlValidationFailed,
    /// The HTTP request is not a GraphQL request (body, media type, parameters, method).
    BadRequest,
    /// The client accepts none of the media types the server answers with.
    NotAcceptable,
    /// A write without a known token.
    Unauthenticated,
    /// A write with a token that may not write, or to a server whose writes are disabled.
    Forbidden,
    /// A write the change log could not take now (disk full, journal failed): nothing was
    /// applied, reads go on; `extensions.cause` says why.
    WriteFailed,
    /// Something broke on our side; the message is masked and the cause logged.
    InternalServerError,
}

impl Code {
    /// Every code, in the order the documentation lists them.
    pub const ALL: [Code; 12] = [
        Code::NotFound,
        Code::BadUserInput,
        Code::AmbiguousName,
        Code::LimitExceeded,
        Code::GraphqlParseFailed,
        Code::GraphqlValidationFailed,
        Code::BadRequest,
        Code::NotAcceptable,
        Code::Unauthenticated,
        Code::Forbidden,
        Code::WriteFailed,
        Code::InternalServerError,
    ];

    /// The code as it is sent, `NOT_FOUND`...
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::NotFound => "NOT_FOUND",
            Code::BadUserInput => "BAD_USER_INPUT",
            Code::AmbiguousName => "AMBIGUOUS_NAME",
            Code::LimitExceeded => "LIMIT_EXCEEDED",
            Code::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            Code::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            Code::BadRequest => "BAD_REQUEST",
            Code::NotAcceptable => "NOT_ACCEPTABLE",
            Code::Unauthenticated => "UNAUTHENTICATED",
            Code::Forbidden => "FORBIDDEN",
            Code::WriteFailed => "WRITE_FAILED",
            Code::InternalServerError => "INTERNAL_SERVER_ERROR",
        }
    }

    /// The code sent as `text`, if it is one.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Code> for async_graphql::Value {
    fn from(code: Code) -> Self {
        async_graphql::Value::from(code.as_str())
    }
}

/// An error with `code` in its extensions.
pub fn coded(code: Code, message: impl Into<String>) -> Error {
    Error::new(message).extend_with(|_, e| e.set("code", code))
}

/// `BAD_USER_INPUT`.
pub fn bad_input(message: impl Into<String>) -> Error {
    coded(Code::BadUserInput, message)
}

/// `NOT_FOUND`.
pub fn not_found(message: impl Into<String>) -> Error {
    coded(Code::NotFound, message)
}

/// `LIMIT_EXCEEDED`.
pub fn limit_exceeded(message: impl Into<String>) -> Error {
    coded(Code::LimitExceeded, message)
}

/// `INTERNAL_SERVER_ERROR`: a broken invariant; the message is logged, not shown.
pub fn internal(cause: &str) -> Error {
    tracing::error!(cause, "internal error while resolving a query");
    coded(Code::InternalServerError, "internal error")
}
