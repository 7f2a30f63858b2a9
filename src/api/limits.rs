//! The one extension of the schema (each extension adds a layer to every field's
//! resolution, so there is only one): query limits checked before execution: the cost model
//! of [`super::cost`] (fields times list sizes), the depth of selections, aliases and the
//! length of the query text. The cost of every executed query is reported in `extensions.cost`.
//!
//! It also gives parse, validation and input errors their `code`, and skips validating a
//! request that passed before ([`super::validation_cache`]).
//!
//! Introspection (`__schema`, `__type`) is measured by what it returns, counted against the
//! schema (see [`super::introspection`]); nesting its list fields too deeply is refused, as
//! graphql-js refuses it. GraphiQL's own introspection query passes both.

use super::codes::{code_execution_errors, ensure_code};
use super::cost::{expanded_fields, measure};
use super::error::Code;
use super::{introspection, syntax, validation_cache, variables};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Name, Request, Response, ServerError, ServerResult, ValidationResult, Value, Variables};
use std::sync::{Arc, Mutex};

/// The limits a query must stay within; every one is on by default.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The highest cost a query may have (see [`measure`]).
    pub max_cost: u64,
    /// The deepest nesting of selections.
    pub max_depth: usize,
    /// The most aliased fields in one operation.
    pub max_aliases: usize,
    /// The longest query text, in bytes.
    pub max_query_bytes: usize,
    /// The most directives on one field (unlimited directives were CVE-2024-47614).
    pub max_directives: usize,
    /// The deepest nesting of fragments within fragments.
    pub max_fragment_depth: usize,
    /// Whether introspection (`__schema`, `__type`) answers; the playground needs it.
    pub introspection: bool,
    /// Whether validation errors suggest field names ("did you mean ...?").
    pub suggestions: bool,
    /// Whether known documents run as compiled plans (`api::plan`); async-graphql answers the rest either way.
    pub plans: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_cost: 25_000,
            max_depth: 15,
            max_aliases: 50,
            max_query_bytes: 32 * 1024,
            max_directives: 4,
            max_fragment_depth: 32,
            introspection: true,
            suggestions: true,
            plans: true,
        }
    }
}

/// The extension that enforces [`Limits`] and reports each query's cost.
pub struct QueryLimits(pub Arc<Limits>);

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsExtension {
            limits: self.0.clone(),
            operation: Mutex::new(None),
            cost: Mutex::new(None),
            bad_variables: Mutex::new(Vec::new()),
            validated: Mutex::new(Validated::Unknown),
        })
    }
}

struct LimitsExtension {
    limits: Arc<Limits>,
    /// The operation the request selects, seen before parsing.
    operation: Mutex<Option<String>>,
    /// The measured cost, reported after execution.
    cost: Mutex<Option<u64>>,
    /// Errors of variables that cannot be used, answered once the document is valid.
    bad_variables: Mutex<Vec<ServerError>>,
    /// What the validation cache knows of this request.
    validated: Mutex<Validated>,
}

/// What the validation cache knows of a request, looked up before parsing.
enum Validated {
    /// Not cacheable (a long text), or not looked up.
    Unknown,
    /// Passed validation before, with this result.
    Passed(ValidationResult),
    /// Not in the cache: the key to store the result under when it passes.
    Miss { query: String, operation: Option<String>, variables: Variables },
}

/// A LIMIT_EXCEEDED error raised before execution, with what was measured.
fn over(limit: &str, measured: u64, maximum: u64, message: String) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", Code::LimitExceeded);
    ext.set("limit", limit);
    ext.set("measured", measured);
    ext.set("maximum", maximum);
    e.extensions = Some(ext);
    e
}

impl LimitsExtension {
    /// Checks the request's variables against the operation it selects; the errors of those that cannot be used, which are taken out of the request so that validation judges the document alone.
    fn check_variables(&self, ctx: &ExtensionContext<'_>, request: &mut Request) -> Vec<ServerError> {
        let variables = std::mem::take(&mut request.variables);
        let wanted = request.operation_name.clone();
        let bad = match request.parsed_query() {
            Ok(doc) => {
                let op = match &wanted {
                    Some(w) => doc.operations.iter().find(|(n, _)| n.is_some_and(|n| n.as_str() == w)),
                    None if doc.operations.iter().count() == 1 => doc.operations.iter().next(),
                    None => None,
                };
                op.map(|(_, op)| variables::check(&ctx.schema_env.registry, &op.node, &variables)).unwrap_or_default()
            }
            Err(_) => Vec::new(),
        };
        request.variables = variables;
        bad.into_iter()
            .map(|b| {
                request.variables.remove(&b.name);
                b.error
            })
            .collect()
    }
}

#[async_trait::async_trait]
impl Extension for LimitsExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let len = request.query.len();
        if len > self.limits.max_query_bytes {
            let (n, max) = (len as u64, self.limits.max_query_bytes as u64);
            return Err(over("queryBytes", n, max, format!("the query text is {n} bytes; at most {max} are accepted")));
        }
        if let Ok(mut op) = self.operation.lock() {
            op.clone_from(&request.operation_name);
        }
        let mut request = request;
        if let Ok(doc) = request.parsed_query() {
            let (n, max) = (expanded_fields(doc), self.limits.max_cost);
            if n > max {
                let message =
                    format!("the query selects {n} fields once its fragments are expanded; at most {max} are allowed");
                return Err(over("fields", n, max, message));
            }
        }
        let bad = self.check_variables(ctx, &mut request);
        if let Ok(mut errors) = self.bad_variables.lock() {
            *errors = bad;
        }
        // Looked up with the variables validation will see (the unusable ones taken out).
        let key = validation_cache::Key::new(&request.query, request.operation_name.as_deref(), &request.variables);
        let known = match key.map(|k| validation_cache::get(&k)) {
            None => Validated::Unknown,
            Some(Some(result)) => Validated::Passed(result),
            Some(None) => Validated::Miss {
                query: request.query.clone(),
                operation: request.operation_name.clone(),
                variables: request.variables.clone(),
            },
        };
        if let Ok(mut v) = self.validated.lock() {
            *v = known;
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await.map_err(|e| syntax::describe(query, e))?;
        let wanted = self.operation.lock().ok().and_then(|o| o.clone());
        let op = doc.operations.iter().find(|(name, _)| match (&wanted, name) {
            (Some(w), Some(n)) => n.as_str() == w,
            (None, _) => true,
            _ => false,
        });
        let Some((_, op)) = op else { return Ok(doc) };
        let l = &self.limits;
        let m = measure(&ctx.schema_env.registry, &doc, &op.node, variables, l.max_cost);
        if !l.introspection && m.introspection > 0 {
            let mut e = ServerError::new("introspection is disabled on this server", None);
            let mut ext = async_graphql::ErrorExtensionValues::default();
            ext.set("code", Code::GraphqlValidationFailed);
            e.extensions = Some(ext);
            return Err(e);
        }
        if m.introspection > 0 {
            if let Some(at) = introspection::too_deep(&doc, &op.node.selection_set.node) {
                let mut e = ServerError::new("Maximum introspection depth exceeded", Some(at));
                let mut ext = async_graphql::ErrorExtensionValues::default();
                ext.set("code", Code::GraphqlValidationFailed);
                e.extensions = Some(ext);
                return Err(e);
            }
        }
        if m.depth > l.max_depth {
            return Err(over(
                "depth",
                m.depth as u64,
                l.max_depth as u64,
                format!("the query is nested {} levels deep; at most {} are allowed", m.depth, l.max_depth),
            ));
        }
        if m.aliases > l.max_aliases {
            return Err(over(
                "aliases",
                m.aliases as u64,
                l.max_aliases as u64,
                format!("the query has {} aliases; at most {} are allowed", m.aliases, l.max_aliases),
            ));
        }
        if m.cost > l.max_cost {
            return Err(over(
                "cost",
                m.cost,
                l.max_cost,
                format!(
                    "the query would cost {} (fields times list sizes); at most {} is allowed: ask for smaller pages",
                    m.cost, l.max_cost
                ),
            ));
        }
        if let Ok(mut c) = self.cost.lock() {
            *c = Some(m.cost);
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let known = match self.validated.lock() {
            Ok(mut v) => std::mem::replace(&mut *v, Validated::Unknown),
            Err(_) => Validated::Unknown,
        };
        let valid = match known {
            Validated::Passed(result) => result,
            known => {
                let valid = next.run(ctx).await.map_err(|mut errors| {
                    errors.iter_mut().for_each(|e| ensure_code(e, Code::GraphqlValidationFailed));
                    errors.dedup_by(|a, b| a.message == b.message && a.locations == b.locations);
                    errors
                })?;
                if let Validated::Miss { query, operation, variables } = known {
                    if let Some(key) = validation_cache::Key::new(&query, operation.as_deref(), &variables) {
                        validation_cache::put(&key, valid);
                    }
                }
                valid
            }
        };
        // The document is valid: now its variables must fit it (the spec's order).
        let bad = self.bad_variables.lock().map(|mut b| std::mem::take(&mut *b)).unwrap_or_default();
        if bad.is_empty() {
            Ok(valid)
        } else {
            Err(bad)
        }
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        code_execution_errors(&mut response);
        if let Some(cost) = self.cost.lock().ok().and_then(|c| *c) {
            let mut v = async_graphql::indexmap::IndexMap::new();
            v.insert(Name::new("requestedQueryCost"), Value::from(cost));
            v.insert(Name::new("maximumAvailable"), Value::from(self.limits.max_cost));
            response.extensions.insert("cost".into(), Value::Object(v));
        }
        response
    }
}
