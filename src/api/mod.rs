//! The GraphQL API: async-graphql types that wrap borrows of the graph.
//!
//! Architecture Invariant: this layer never touches axum or the file system. Each request
//! carries the graph snapshot it runs on (`Arc<KnowledgeGraph>` in the request data), so a
//! reload never changes the data under a running query. Every error has a `code` extension.

mod actor;
mod agreement;
mod analytics;
pub mod change_log;
mod codes;
mod common;
pub mod cost;
pub mod documents;
mod enums;
pub mod error;
mod event;
mod event_codes;
mod federation;
mod filters;
pub mod inputs;
mod introspection;
pub mod limits;
mod node;
pub mod paging;
mod place;
pub mod plan;
mod query;
mod scalars;
mod source;
mod statement;
mod syntax;
mod validation_cache;
mod variables;
pub mod writes;

pub use change_log::{ChangeList, ChangeStore};
pub use codes::{code_of, is_internal, is_request_error};
pub use error::Code;
pub use federation::Root;
pub use query::Query;
pub use writes::{Author, ChangeEntry, ChangeKind, Mutation, Problem, Subscription, WriteError, WriteService, Writes};

use crate::graph::KnowledgeGraph;
use async_graphql::{BatchRequest, BatchResponse, Context, Request, Response, Schema};
use std::sync::Arc;

/// The served schema (also an Apollo Federation 2 subgraph: see `federation.rs`).
pub type DiploSchema = Schema<Root, Mutation, Subscription>;

pub use limits::Limits;

/// Builds the schema with the default limits (without data: each request brings its graph snapshot).
pub fn schema() -> DiploSchema {
    schema_with(&Limits::default())
}

/// Builds the schema with `limits`.
pub fn schema_with(limits: &Limits) -> DiploSchema {
    let mut builder = Schema::build(Root::new(), Mutation, Subscription)
        .enable_federation()
        .extension(limits::QueryLimits(std::sync::Arc::new(limits.clone())))
        .data(plan::Plans::new(limits))
        .limit_directives(limits.max_directives)
        .limit_recursive_depth(limits.max_fragment_depth);
    if !limits.introspection {
        builder = builder.disable_introspection();
    }
    if !limits.suggestions {
        builder = builder.disable_suggestions();
    }
    builder.finish()
}

/// The SDL of the served schema, as written to `schema.graphql`.
pub fn sdl() -> String {
    schema().sdl()
}

/// Runs `request` on `graph`; every error of the answer has a `code` extension.
pub async fn execute(schema: &DiploSchema, request: Request, graph: Arc<KnowledgeGraph>) -> Response {
    let mut response = schema.execute(with_graph(request, graph)).await;
    codes::code_remaining(&mut response);
    response
}

/// Runs `request` as a stream on `graph` (a subscription's events, or the one answer of a
/// query or mutation), with the `session` data of its connection; every error of every
/// answer has a `code` extension.
pub fn execute_stream(
    schema: &DiploSchema,
    request: Request,
    graph: Arc<KnowledgeGraph>,
    session: Arc<async_graphql::Data>,
) -> futures_util::stream::BoxStream<'static, Response> {
    use futures_util::StreamExt;
    schema
        .execute_stream_with_session_data(with_graph(request, graph), session)
        .map(|mut response| {
            codes::code_remaining(&mut response);
            response
        })
        .boxed()
}

/// An answer: JSON text written by a compiled plan, or async-graphql's response.
pub enum Answer {
    /// The whole response body (`data` and `extensions`, no error), written by a plan.
    Planned(String),
    /// The response of async-graphql, every error with a `code` extension.
    Executed(Response),
}

/// Answers `request` on `graph`: by its document's compiled plan when there is one that
/// applies (see [`plan`]), else as [`execute`] does (learning the document's plan when it
/// answers without an error).
pub async fn answer(schema: &DiploSchema, request: Request, graph: Arc<KnowledgeGraph>) -> Answer {
    let Some(plans) = schema.data::<plan::Plans>().filter(|p| p.enabled()) else {
        return Answer::Executed(execute(schema, request, graph).await);
    };
    match plans.lookup(&request) {
        plan::Lookup::Plan(entry) => {
            if let Some(body) = plans.run(&entry, &request, &graph) {
                return Answer::Planned(body);
            }
        }
        plan::Lookup::Miss(key) => {
            let response = execute(schema, request, graph).await;
            if response.errors.is_empty() {
                plans.learn(key);
            }
            return Answer::Executed(response);
        }
        plan::Lookup::Unplanned => {}
    }
    Answer::Executed(execute(schema, request, graph).await)
}

/// Runs a batch of requests on `graph`, as [`execute`] does each.
pub async fn execute_batch(schema: &DiploSchema, requests: Vec<Request>, graph: Arc<KnowledgeGraph>) -> Vec<Response> {
    let batch = BatchRequest::Batch(requests.into_iter().map(|r| with_graph(r, graph.clone())).collect());
    let responses = match schema.execute_batch(batch).await {
        BatchResponse::Single(r) => vec![r],
        BatchResponse::Batch(rs) => rs,
    };
    responses
        .into_iter()
        .map(|mut r| {
            codes::code_remaining(&mut r);
            r
        })
        .collect()
}

/// Attaches the graph snapshot a request runs on, and its parsed document when cached.
pub fn with_graph(mut request: Request, graph: Arc<KnowledgeGraph>) -> Request {
    documents::attach(&mut request);
    request.data(graph)
}

/// The graph snapshot of the running request.
fn graph<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a KnowledgeGraph> {
    ctx.data::<Arc<KnowledgeGraph>>()
        .map(|g| g.as_ref())
        .map_err(|_| error::internal("no graph attached to the request"))
}
