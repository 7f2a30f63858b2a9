//! Giving every error a `code`: async-graphql reports parse, validation and input errors
//! without one; the limits extension and `api::execute` call these.

use super::error::code;
use async_graphql::{Response, ServerError, Value};

/// Sets `code` on `e` unless it has one.
pub fn ensure_code(e: &mut ServerError, fallback: &'static str) {
    let ext = e.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_none() {
        ext.set("code", Value::from(fallback));
    }
}

/// True when `e` was raised by the request itself (parse, validation or a query limit),
/// before execution.
pub fn is_request_error(e: &ServerError) -> bool {
    let Some(ext) = e.extensions.as_ref() else { return false };
    let code = ext.get("code");
    matches!(code, Some(Value::String(c)) if c == code::GRAPHQL_PARSE_FAILED || c == code::GRAPHQL_VALIDATION_FAILED)
        || ext.get("maximum").is_some()
}

/// Gives a code to the errors of an executed response that have none: input values that
/// failed to parse are the client's fault; anything else is ours.
pub fn code_execution_errors(response: &mut Response) {
    for e in &mut response.errors {
        let input = e.message.starts_with("Failed to parse") || e.message.starts_with("Invalid value");
        ensure_code(e, if input { code::BAD_USER_INPUT } else { code::INTERNAL_SERVER_ERROR });
    }
}

/// Gives a code to the errors async-graphql raises outside the extension hooks: an unknown
/// or missing operation name is the request's fault; anything else is ours.
pub fn code_remaining(response: &mut Response) {
    for e in &mut response.errors {
        let request = e.message.starts_with("Unknown operation") || e.message.starts_with("Operation name required");
        ensure_code(e, if request { code::GRAPHQL_VALIDATION_FAILED } else { code::INTERNAL_SERVER_ERROR });
    }
}
