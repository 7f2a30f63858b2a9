//! The one extension of the schema (each extension adds a layer to every field's
//! resolution, so there is only one): query limits checked before execution: a cost model that multiplies by list sizes, the
//! depth of selections, aliases and the length of the query text. The cost of every executed
//! query is reported in `extensions.cost`.
//!
//! It also gives parse, validation and input errors their `code`.
//!
//! Introspection (`__schema`, `__type`) is measured as one field: it resolves against the
//! schema alone, whose size is fixed, and GraphiQL's own introspection query must pass.

use super::codes::{code_execution_errors, ensure_code};
use super::error::code;
use super::paging::MAX_PAGE;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet};
use async_graphql::registry::Registry;
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
        }
    }
}

/// How many items a list without paging arguments is assumed to hold.
const BOUNDED_LIST: u64 = 10;

/// What a query would cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Measure {
    /// Fields resolved, each multiplied by the size of the lists it sits in: `first`/`last`
    /// (or the cap of 100 when absent) for connections, `first`/`limit` for search and
    /// neighbourhoods, 10 for lists without arguments.
    pub cost: u64,
    /// The deepest nesting of selections.
    pub depth: usize,
    /// Fields with an alias.
    pub aliases: usize,
    /// Introspection fields of the schema (`__schema`, `__type`).
    pub introspection: usize,
}

/// Measures `operation` of `doc` against the schema in `registry`.
pub fn measure(registry: &Registry, doc: &ExecutableDocument, op: &OperationDefinition, vars: &Variables) -> Measure {
    let mut m = Measurer { registry, doc, vars, aliases: 0, depth: 0, introspection: 0, fragments: Vec::new() };
    let cost = m.set(&op.selection_set.node, &registry.query_type, 1, MAX_PAGE as u64);
    Measure { cost, depth: m.depth, aliases: m.aliases, introspection: m.introspection }
}

struct Measurer<'a> {
    registry: &'a Registry,
    doc: &'a ExecutableDocument,
    vars: &'a Variables,
    aliases: usize,
    depth: usize,
    introspection: usize,
    /// Fragments being expanded (a cycle is left to validation to report).
    fragments: Vec<&'a Name>,
}

impl<'a> Measurer<'a> {
    /// The cost of resolving `set` once on an object of type `ty` at nesting `depth`; `page`
    /// is how many items its list fields hold when paged by the field above (a connection's
    /// `first`, a neighbourhood's `limit`).
    fn set(&mut self, set: &'a SelectionSet, ty: &str, depth: usize, page: u64) -> u64 {
        self.depth = self.depth.max(depth);
        let mut cost: u64 = 0;
        for item in &set.items {
            let c = match &item.node {
                Selection::Field(f) => self.field(&f.node, ty, depth, page),
                Selection::FragmentSpread(s) => {
                    let name = &s.node.fragment_name.node;
                    match self.doc.fragments.get(name) {
                        Some(frag) if !self.fragments.contains(&name) && self.fragments.len() < 64 => {
                            self.fragments.push(name);
                            let on = frag.node.type_condition.node.on.node.as_str();
                            let c = self.set(&frag.node.selection_set.node, on, depth, page);
                            self.fragments.pop();
                            c
                        }
                        _ => 0,
                    }
                }
                Selection::InlineFragment(i) => {
                    let on = i.node.type_condition.as_ref().map(|t| t.node.on.node.as_str()).unwrap_or(ty);
                    self.set(&i.node.selection_set.node, on, depth, page)
                }
            };
            cost = cost.saturating_add(c);
        }
        cost
    }

    /// The cost of one field: itself, plus its selections once per item it returns.
    fn field(&mut self, f: &'a Field, parent: &str, depth: usize, page: u64) -> u64 {
        if f.alias.is_some() {
            self.aliases += 1;
        }
        let name = f.name.node.as_str();
        if name.starts_with("__") {
            if name != "__typename" {
                self.introspection += 1;
            }
            return 1;
        }
        let ty =
            self.registry.types.get(parent).and_then(|t| t.field_by_name(name)).map(|mf| mf.ty.as_str()).unwrap_or("");
        let inner = ty.trim_matches(|c| c == '[' || c == ']' || c == '!');
        let items = if ty.starts_with('[') {
            match (parent, name) {
                (p, "nodes" | "edges") if p.ends_with("Connection") => page,
                ("Subgraph", "nodes" | "links") | ("Path", "steps") => page,
                ("Query", "nodes") => self.arg(f, "ids").unwrap_or(BOUNDED_LIST),
                (_, "search" | "counterparts") => self.arg(f, "first").unwrap_or(20).min(MAX_PAGE as u64),
                // Facet lists hold their `first` (20 by default); a timeline at most its
                // number of periods, which it refuses to exceed.
                (p, _) if p.ends_with("Facets") => self.arg(f, "first").unwrap_or(20).min(MAX_PAGE as u64),
                ("EventConnection", "timeline") => super::analytics::MAX_PERIODS as u64,
                _ => BOUNDED_LIST,
            }
        } else {
            1
        };
        // What the lists below this field hold.
        let below = match name {
            "neighborhood" => self.arg(f, "limit").unwrap_or(200),
            "path" => self.arg(f, "maxHops").unwrap_or(6) + 1,
            _ => self.arg(f, "first").or_else(|| self.arg(f, "last")).unwrap_or(MAX_PAGE as u64),
        };
        let children = if f.selection_set.node.items.is_empty() {
            0
        } else {
            self.set(&f.selection_set.node, inner, depth + 1, below)
        };
        1u64.saturating_add(items.saturating_mul(children))
    }

    /// The numeric value (or list length) of argument `n` of `f`, variables resolved.
    fn arg(&self, f: &Field, n: &str) -> Option<u64> {
        let v = f.arguments.iter().find(|(a, _)| a.node.as_str() == n).map(|(_, v)| &v.node)?;
        let v =
            v.clone().into_const_with(|var| Ok::<_, ()>(self.vars.get(&var).cloned().unwrap_or(Value::Null))).ok()?;
        match v {
            Value::Number(n) => n.as_u64(),
            Value::List(l) => Some(l.len() as u64),
            _ => None,
        }
    }
}

/// The extension that enforces [`Limits`] and reports each query's cost.
pub struct QueryLimits(pub Arc<Limits>);

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsExtension { limits: self.0.clone(), operation: Mutex::new(None), cost: Mutex::new(None) })
    }
}

struct LimitsExtension {
    limits: Arc<Limits>,
    /// The operation the request selects, seen before parsing.
    operation: Mutex<Option<String>>,
    /// The measured cost, reported after execution.
    cost: Mutex<Option<u64>>,
}

/// A LIMIT_EXCEEDED error raised before execution, with what was measured.
fn over(limit: &str, measured: u64, maximum: u64, message: String) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code::LIMIT_EXCEEDED);
    ext.set("limit", limit);
    ext.set("measured", measured);
    ext.set("maximum", maximum);
    e.extensions = Some(ext);
    e
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
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await.map_err(|mut e| {
            ensure_code(&mut e, code::GRAPHQL_PARSE_FAILED);
            e
        })?;
        let wanted = self.operation.lock().ok().and_then(|o| o.clone());
        let op = doc.operations.iter().find(|(name, _)| match (&wanted, name) {
            (Some(w), Some(n)) => n.as_str() == w,
            (None, _) => true,
            _ => false,
        });
        let Some((_, op)) = op else { return Ok(doc) };
        let m = measure(&ctx.schema_env.registry, &doc, &op.node, variables);
        let l = &self.limits;
        if !l.introspection && m.introspection > 0 {
            let mut e = ServerError::new("introspection is disabled on this server", None);
            let mut ext = async_graphql::ErrorExtensionValues::default();
            ext.set("code", code::GRAPHQL_VALIDATION_FAILED);
            e.extensions = Some(ext);
            return Err(e);
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
