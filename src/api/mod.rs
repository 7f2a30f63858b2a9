//! The GraphQL API: async-graphql types that wrap borrows of the graph.
//!
//! Architecture Invariant: this layer never touches axum or the file system. Each request
//! carries the graph snapshot it runs on (`Arc<KnowledgeGraph>` in the request data), so a
//! reload never changes the data under a running query. Every error has a `code` extension.

mod actor;
mod agreement;
mod codes;
mod common;
mod enums;
pub mod error;
mod event;
mod filters;
mod node;
pub mod paging;
mod place;
mod query;
mod scalars;
mod source;
mod statement;

pub use codes::is_request_error;
pub use query::Query;

use crate::graph::KnowledgeGraph;
use async_graphql::{Context, EmptyMutation, EmptySubscription, Request, Schema};
use std::sync::Arc;

/// The served schema.
pub type DiploSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Builds the schema (without data: each request brings its graph snapshot).
pub fn schema() -> DiploSchema {
    Schema::build(Query, EmptyMutation, EmptySubscription).extension(codes::ErrorCodes).finish()
}

/// The SDL of the served schema, as written to `schema.graphql`.
pub fn sdl() -> String {
    schema().sdl()
}

/// Attaches the graph snapshot a request runs on.
pub fn with_graph(request: Request, graph: Arc<KnowledgeGraph>) -> Request {
    request.data(graph)
}

/// The graph snapshot of the running request.
fn graph<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a KnowledgeGraph> {
    ctx.data::<Arc<KnowledgeGraph>>()
        .map(|g| g.as_ref())
        .map_err(|_| error::internal("no graph attached to the request"))
}
