//! The errors the API returns, each with a machine-readable `code` extension.

use async_graphql::{Error, ErrorExtensions};

/// Error codes, in `extensions.code`.
pub mod code {
    /// A name or id that matches nothing (or an entity of another kind).
    pub const NOT_FOUND: &str = "NOT_FOUND";
    /// An argument that is malformed or out of its domain.
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    /// A name that fits several entities; `extensions.candidates` lists them.
    pub const AMBIGUOUS_NAME: &str = "AMBIGUOUS_NAME";
    /// A page size, depth, cost or other limit exceeded.
    pub const LIMIT_EXCEEDED: &str = "LIMIT_EXCEEDED";
    /// The document could not be parsed.
    pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
    /// The document does not fit the schema.
    pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
    /// Something broke on our side; the message is masked and the cause logged.
    pub const INTERNAL_SERVER_ERROR: &str = "INTERNAL_SERVER_ERROR";
}

/// An error with `code` in its extensions.
pub fn coded(code: &'static str, message: impl Into<String>) -> Error {
    Error::new(message).extend_with(|_, e| e.set("code", code))
}

/// `BAD_USER_INPUT`.
pub fn bad_input(message: impl Into<String>) -> Error {
    coded(code::BAD_USER_INPUT, message)
}

/// `NOT_FOUND`.
pub fn not_found(message: impl Into<String>) -> Error {
    coded(code::NOT_FOUND, message)
}

/// `LIMIT_EXCEEDED`.
pub fn limit_exceeded(message: impl Into<String>) -> Error {
    coded(code::LIMIT_EXCEEDED, message)
}

/// `INTERNAL_SERVER_ERROR`: a broken invariant; the message is logged, not shown.
pub fn internal(cause: &str) -> Error {
    tracing::error!(cause, "internal error while resolving a query");
    coded(code::INTERNAL_SERVER_ERROR, "internal error")
}
