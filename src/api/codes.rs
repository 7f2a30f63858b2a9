//! Giving every error a `code`: async-graphql reports parse, validation and input errors
//! without one; the limits extension and `api::execute` call these.

use super::error::Code;
use async_graphql::{Response, ServerError, Value};

/// The code of `e`, if it has one of ours.
pub fn code_of(e: &ServerError) -> Option<Code> {
    match e.extensions.as_ref()?.get("code")? {
        Value::String(c) => Code::parse(c),
        _ => None,
    }
}

/// True when `e` is an internal error (masked before it reaches the client).
pub fn is_internal(e: &ServerError) -> bool {
    code_of(e) == Some(Code::InternalServerError)
}

/// Sets `code` on `e` unless it has one.
pub fn ensure_code(e: &mut ServerError, fallback: Code) {
    let ext = e.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_none() {
        ext.set("code", fallback);
    }
}

/// True when `e` was raised by the request itself before execution (parse, validation, a query limit, or variables that do not fit the operation); errors raised while executing always have a `path`.
pub fn is_request_error(e: &ServerError) -> bool {
    match code_of(e) {
        Some(Code::GraphqlParseFailed | Code::GraphqlValidationFailed) => true,
        Some(Code::BadUserInput) => e.path.is_empty(),
        _ => e.extensions.as_ref().is_some_and(|ext| ext.get("maximum").is_some()),
    }
}

/// Gives a code to the errors of an executed response that have none: input values that failed to parse are the client's fault; anything else is ours.
pub fn code_execution_errors(response: &mut Response) {
    for e in &mut response.errors {
        let input = e.message.starts_with("Failed to parse")
            || e.message.starts_with("Invalid value")
            || e.message.starts_with("Expected input type")
            // `_entities`: a representation that no entity type of ours fits.
            || e.message.starts_with("Entity not found")
            || e.message.starts_with("\"__typename\" must be");
        ensure_code(e, if input { Code::BadUserInput } else { Code::InternalServerError });
    }
}

/// Gives a code to the errors async-graphql raises outside the extension hooks: an unknown or missing operation name is the request's fault; anything else is ours.
pub fn code_remaining(response: &mut Response) {
    for e in &mut response.errors {
        let request = e.message.starts_with("Unknown operation") || e.message.starts_with("Operation name required");
        ensure_code(e, if request { Code::GraphqlValidationFailed } else { Code::InternalServerError });
    }
}
