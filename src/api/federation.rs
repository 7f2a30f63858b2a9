//! Apollo Federation 2: the served schema is also a subgraph. Every type implementing `Node`
//! is an entity with `@key(fields: "id")`, resolved here for a gateway's `_entities`;
//! async-graphql adds `_entities` and `_service { sdl }` (the SDL with the `@link` to
//! federation v2) to the query root.
//!
//! A gateway sends every representation of one fetch in one `_entities` call; each is one
//! lookup in the graph's id index, so a batch of n entities costs n lookups and nothing more.
//! An id that names nothing, or an entity of another kind than its `__typename`, resolves to
//! null, as the federation spec asks of a subgraph that does not know an entity.

use super::actor::ActorObj;
use super::agreement::AgreementObj;
use super::event::EventObj;
use super::graph;
use super::place::PlaceObj;
use super::query::Query;
use super::source::SourceObj;
use super::statement::StatementObj;
use super::writes::ChangeObj;
use crate::graph::KnowledgeGraph;
use async_graphql::{Context, MergedObject, Object, Result, ID};

// The query root served: the API's entry points and, hidden from the schema, the entity
// resolvers (a plain comment: a doc comment would become the description of `Query`).
#[derive(MergedObject)]
#[graphql(name = "Query")]
pub struct Root(Query, Entities);

impl Root {
    /// The query root.
    pub fn new() -> Self {
        Root(Query, Entities)
    }
}

impl Default for Root {
    fn default() -> Self {
        Root::new()
    }
}

/// The entity resolvers a gateway calls through `_entities`, one per `Node` type.
pub struct Entities;

/// The entity `id` names, when it is of the kind `of` accepts.
fn entity<'a, T>(
    ctx: &Context<'a>,
    id: &ID,
    of: impl FnOnce(&'a KnowledgeGraph, crate::model::NodeId) -> Option<T>,
) -> Result<Option<T>> {
    let g = graph(ctx)?;
    Ok(g.get(id).and_then(|n| of(g, n)))
}

#[Object(name = "FederationEntities")]
impl Entities {
    /// An actor by its id, for `_entities`.
    #[graphql(entity)]
    async fn actor_by_id<'a>(&self, ctx: &Context<'a>, id: ID) -> Result<Option<ActorObj<'a>>> {
        entity(ctx, &id, ActorObj::of)
    }
    /// An event by its id, for `_entities`.
    #[graphql(entity)]
    async fn event_by_id<'a>(&self, ctx: &Context<'a>, id: ID) -> Result<Option<EventObj<'a>>> {
        entity(ctx, &id, EventObj::of)
    }
    /// A place by its id, for `_entities`.
    #[graphql(entity)]
    async fn place_by_id<'a>(&self, ctx: &Context<'a>, id: ID) -> Result<Option<PlaceObj<'a>>> {
        entity(ctx, &id, PlaceObj::of)
    }
    /// An agreement by its id, for `_entities`.
    #[graphql(entity)]
    async fn agreement_by_id<'a>(&self, ctx: &Context<'a>, id: ID) -> Result<Option<AgreementObj<'a>>> {
        entity(ctx, &id, AgreementObj::of)
    }
    /// A statement by its id, for `_entities`.
    #[graphql(entity)]
    async fn statement_by_id<'a>(&self, ctx: &Context<'a>, id: ID) -> Result<Option<StatementObj<'a>>> {
        entity(ctx, &id, StatementObj::of)
    }
    /// A source by its id, for `_entities`.
    #[graphql(entity)]
    async fn source_by_id<'a>(&self, ctx: &Context<'a>, id: ID) -> Result<Option<SourceObj<'a>>> {
        entity(ctx, &id, SourceObj::of)
    }
    /// A change of the log by its id (`change:3`), for `_entities`.
    #[graphql(entity)]
    async fn change_by_id(&self, ctx: &Context<'_>, id: ID) -> Option<ChangeObj> {
        super::writes::change(ctx, id.strip_prefix("change:")?.parse().ok()?)
    }
}
