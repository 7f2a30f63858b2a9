//! The GraphQL API: async-graphql types that wrap borrows of the graph.
//!
//! Architecture Invariant: this layer never touches axum or the file system. Each request
//! carries the graph snapshot it runs on (`Arc<KnowledgeGraph>` in the request data), so a
//! reload never changes the data under a running query. Every error has a `code` extension.

mod actor;
mod agreement;
mod analytics;
mod codes;
mod common;
pub mod cost;
pub mod documents;
mod enums;
pub mod error;
mod event;
mod event_codes;
mod filters;
mod introspection;
pub mod limits;
mod node;
pub mod paging;
mod place;
mod query;
mod scalars;
mod source;
mod statement;
mod syntax;
mod validation_cache;
mod variables;

pub use codes::{code_of, is_internal, is_request_error};
pub use error::Code;
pub use query::Query;

use crate::graph::KnowledgeGraph;
use async_graphql::{
    BatchRequest, BatchResponse, Context, EmptyMutation, EmptySubscription, Request, Response, Schema,
};
use std::sync::Arc;

/// The served schema.
pub type DiploSchema = Schema<Query, EmptyMutation, EmptySubscription>;

pub use limits::Limits;

/// Builds the schema with the default limits (without data: each request brings its graph snapshot).
pub fn schema() -> DiploSchema {
    schema_with(&Limits::default())
}

/// Builds the schema with `limits`.
pub fn schema_with(limits: &Limits) -> DiploSchema {
    let mut builder = Schema::build(Query, EmptyMutation, EmptySubscription)
        .extension(limits::QueryLimits(std::sync::Arc::new(limits.clone())))
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
