//! An extension that gives every error a `code`: parse and validation failures are marked
//! here, since async-graphql reports them without one.

use super::error::code;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Value, Variables};
use std::sync::Arc;

/// Adds `extensions.code` to the errors async-graphql raises itself.
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

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

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|mut e| {
            ensure_code(&mut e, code::GRAPHQL_PARSE_FAILED);
            e
        })
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|mut errors| {
            errors.iter_mut().for_each(|e| ensure_code(e, code::GRAPHQL_VALIDATION_FAILED));
            errors
        })
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        for e in &mut response.errors {
            let input = e.message.starts_with("Failed to parse") || e.message.starts_with("Invalid value");
            ensure_code(e, if input { code::BAD_USER_INPUT } else { code::INTERNAL_SERVER_ERROR });
        }
        response
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
