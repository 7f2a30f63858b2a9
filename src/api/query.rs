//! The `Query` root.

use super::actor::{ActorConnection, ActorObj};
use super::agreement::{AgreementConnection, AgreementObj};
use super::enums::{EventOrder, GEntityKind};
use super::error::{bad_input, limit_exceeded};
use super::event::{event_connection, EventConnection, EventObj};
use super::filters::{
    actor_query, agreement_query, ambiguous, place_query, statement_query, ActorFilter, AgreementFilter, EventFilter,
    PlaceFilter, StatementFilter,
};
use super::graph;
use super::node::{Node, PathObj, SearchHit, SubgraphObj};
use super::paging::{count_arg, PageArgs, MAX_PAGE};
use super::place::{PlaceConnection, PlaceObj};
use super::source::SourceConnection;
use super::statement::StatementConnection;
use crate::graph::{AgreementQuery, EventQuery, KnowledgeGraph, NameMatch, StatementQuery};
use crate::model::{EntityKind, NodeId};
use async_graphql::{Context, Object, Result, SimpleObject, ID};

/// The entry points of the API.
pub struct Query;

/// Which data the server is answering from.
#[derive(SimpleObject)]
pub struct SnapshotInfo {
    /// A hash of the seed files' paths and contents; changes when the data changes.
    pub hash: String,
    /// When this data was loaded (RFC 3339).
    pub loaded_at: String,
    /// How many entities the graph holds.
    pub entities: usize,
}

/// Resolves `actor(id:, name:)` / `place(id:, name:)`: exactly one of the two.
fn by_id_or_name(g: &KnowledgeGraph, kind: EntityKind, id: Option<ID>, name: Option<String>) -> Result<Option<NodeId>> {
    match (id, name) {
        (Some(id), None) => Ok(g.get(&id).filter(|&n| g.entity(n).kind() == kind)),
        (None, Some(name)) => match g.lookup_name(kind, &name) {
            NameMatch::None => Ok(None),
            NameMatch::One(n) => Ok(Some(n)),
            NameMatch::Many(nodes) => Err(ambiguous(g, &name, &nodes)),
        },
        _ => Err(bad_input(format!("give exactly one of `id` or `name` to look up a {}", kind.as_str()))),
    }
}

/// `Query.actor`: an actor by id or by name.
pub(crate) fn actor(g: &KnowledgeGraph, id: Option<ID>, name: Option<String>) -> Result<Option<ActorObj<'_>>> {
    Ok(by_id_or_name(g, EntityKind::Actor, id, name)?.and_then(|n| ActorObj::of(g, n)))
}

/// `Query.actors`: a page of actors.
pub(crate) fn actors<'a>(
    g: &'a KnowledgeGraph,
    filter: Option<&ActorFilter>,
    args: &PageArgs,
) -> Result<ActorConnection<'a>> {
    let list = g.actors(&actor_query(filter)?);
    ActorConnection::new(g, &list, false, args)
}

/// `Query.event`: an event by id.
pub(crate) fn event<'a>(g: &'a KnowledgeGraph, id: &str) -> Option<EventObj<'a>> {
    g.get(id).and_then(|n| EventObj::of(g, n))
}

/// `Query.place`: a place by id or by name.
pub(crate) fn place(g: &KnowledgeGraph, id: Option<ID>, name: Option<String>) -> Result<Option<PlaceObj<'_>>> {
    Ok(by_id_or_name(g, EntityKind::Place, id, name)?.and_then(|n| PlaceObj::of(g, n)))
}

/// `Query.places`: a page of places.
pub(crate) fn places<'a>(
    g: &'a KnowledgeGraph,
    filter: Option<&PlaceFilter>,
    args: &PageArgs,
) -> Result<PlaceConnection<'a>> {
    let list = g.places(&place_query(g, filter)?);
    PlaceConnection::new(g, &list, false, args)
}

/// `Query.agreement`: an agreement by id.
pub(crate) fn agreement<'a>(g: &'a KnowledgeGraph, id: &str) -> Option<AgreementObj<'a>> {
    g.get(id).and_then(|n| AgreementObj::of(g, n))
}

/// `Query.agreements`: a page of agreements.
pub(crate) fn agreements<'a>(
    g: &'a KnowledgeGraph,
    filter: Option<&AgreementFilter>,
    args: &PageArgs,
) -> Result<AgreementConnection<'a>> {
    let list = g.agreements(&agreement_query(g, AgreementQuery::default(), filter)?);
    AgreementConnection::of_list(g, list, args)
}

/// `Query.sources`: a page of the news reports.
pub(crate) fn sources<'a>(g: &'a KnowledgeGraph, args: &PageArgs) -> Result<SourceConnection<'a>> {
    SourceConnection::new(g, &g.sources(), false, args)
}

/// `Query.node`: the entity with this id.
pub(crate) fn node<'a>(g: &'a KnowledgeGraph, id: &str) -> Option<Node<'a>> {
    g.get(id).and_then(|n| Node::of(g, n))
}

/// `Query.nodes`: the entities with these ids (at most 100).
pub(crate) fn nodes<'a>(g: &'a KnowledgeGraph, ids: &[ID]) -> Result<Vec<Option<Node<'a>>>> {
    if ids.len() > MAX_PAGE {
        return Err(limit_exceeded(format!("`ids` holds at most {MAX_PAGE} ids (got {})", ids.len())));
    }
    Ok(ids.iter().map(|id| node(g, id)).collect())
}

/// `Query.statements`: a page of statements.
pub(crate) fn statements<'a>(
    g: &'a KnowledgeGraph,
    filter: Option<&StatementFilter>,
    args: &PageArgs,
) -> Result<StatementConnection<'a>> {
    let list = g.statements(&statement_query(g, StatementQuery::default(), filter)?);
    StatementConnection::of_list(g, list, args)
}

/// `Query.search`: the entities the ranked search finds, best first.
pub(crate) fn search<'a>(
    g: &'a KnowledgeGraph,
    text: &str,
    kinds: Option<Vec<GEntityKind>>,
    first: Option<i32>,
) -> Result<Vec<Node<'a>>> {
    let limit = count_arg("first", first, 20, MAX_PAGE)?;
    if text.chars().count() > 200 {
        return Err(bad_input("`text` is at most 200 characters"));
    }
    let kinds: Vec<EntityKind> = kinds.unwrap_or_default().into_iter().map(Into::into).collect();
    Ok(g.search(text, &kinds, limit).into_iter().filter_map(|h| Node::of(g, h.node)).collect())
}

/// `Query.path`: the shortest chain of facts between two entities.
pub(crate) fn path<'a>(
    g: &'a KnowledgeGraph,
    from: &str,
    to: &str,
    max_hops: Option<i32>,
) -> Result<Option<PathObj<'a>>> {
    let hops = count_arg("maxHops", max_hops, 6, 10)?;
    let (a, b) = (node_arg(g, from, "from")?, node_arg(g, to, "to")?);
    Ok(g.path(a, b, hops).map(|steps| PathObj { g, steps }))
}

/// `Query.neighborhood`: the entities and links near one entity.
pub(crate) fn neighborhood<'a>(
    g: &'a KnowledgeGraph,
    id: &str,
    depth: Option<i32>,
    limit: Option<i32>,
) -> Result<SubgraphObj<'a>> {
    let depth = count_arg("depth", depth, 1, 3)?;
    let limit = count_arg("limit", limit, 200, 1000)?.max(1);
    let center = node_arg(g, id, "id")?;
    Ok(SubgraphObj { g, sub: g.neighborhood(center, depth, limit) })
}

// Named apart from `Query`: the served `Query` is `federation::Root`, these fields plus the
// federation entity resolvers.
#[Object(name = "QueryFields")]
impl Query {
    /// The entity with this global id, or null.
    async fn node<'a>(&self, ctx: &Context<'a>, id: ID) -> Result<Option<Node<'a>>> {
        let g = graph(ctx)?;
        Ok(Node::by_id(ctx, g, &id))
    }
    /// The entities with these ids, in the same order, null where none (at most 100 ids).
    async fn nodes<'a>(&self, ctx: &Context<'a>, ids: Vec<ID>) -> Result<Vec<Option<Node<'a>>>> {
        let g = graph(ctx)?;
        if ids.len() > MAX_PAGE {
            return Err(limit_exceeded(format!("`ids` holds at most {MAX_PAGE} ids (got {})", ids.len())));
        }
        Ok(ids.iter().map(|id| Node::by_id(ctx, g, id)).collect())
    }
    /// An actor by id or by name (accents, case and punctuation optional; aliases count). Give exactly one. Null when nothing matches; AMBIGUOUS_NAME when several do.
    async fn actor<'a>(&self, ctx: &Context<'a>, id: Option<ID>, name: Option<String>) -> Result<Option<ActorObj<'a>>> {
        actor(graph(ctx)?, id, name)
    }
    /// Actors, by name.
    async fn actors<'a>(
        &self,
        ctx: &Context<'a>,
        filter: Option<ActorFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ActorConnection<'a>> {
        actors(graph(ctx)?, filter.as_ref(), &PageArgs { first, after, last, before })
    }
    /// An event by id, or null.
    async fn event<'a>(&self, ctx: &Context<'a>, id: ID) -> Result<Option<EventObj<'a>>> {
        Ok(event(graph(ctx)?, &id))
    }
    /// Events, by date (start, then end, then id) unless `orderBy` says otherwise.
    #[allow(clippy::too_many_arguments)]
    async fn events<'a>(
        &self,
        ctx: &Context<'a>,
        filter: Option<EventFilter>,
        order_by: Option<EventOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<EventConnection<'a>> {
        let g = graph(ctx)?;
        event_connection(g, EventQuery::default(), filter.as_ref(), order_by, &PageArgs { first, after, last, before })
    }
    /// A place by id or by name (as for `actor`). Give exactly one.
    async fn place<'a>(&self, ctx: &Context<'a>, id: Option<ID>, name: Option<String>) -> Result<Option<PlaceObj<'a>>> {
        place(graph(ctx)?, id, name)
    }
    /// Places, by name.
    async fn places<'a>(
        &self,
        ctx: &Context<'a>,
        filter: Option<PlaceFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<PlaceConnection<'a>> {
        places(graph(ctx)?, filter.as_ref(), &PageArgs { first, after, last, before })
    }
    /// An agreement by id, or null.
    async fn agreement<'a>(&self, ctx: &Context<'a>, id: ID) -> Result<Option<AgreementObj<'a>>> {
        Ok(agreement(graph(ctx)?, &id))
    }
    /// Agreements, by date.
    async fn agreements<'a>(
        &self,
        ctx: &Context<'a>,
        filter: Option<AgreementFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AgreementConnection<'a>> {
        agreements(graph(ctx)?, filter.as_ref(), &PageArgs { first, after, last, before })
    }
    /// Statements, by date.
    async fn statements<'a>(
        &self,
        ctx: &Context<'a>,
        filter: Option<StatementFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<StatementConnection<'a>> {
        statements(graph(ctx)?, filter.as_ref(), &PageArgs { first, after, last, before })
    }
    /// The news reports, by publication date.
    async fn sources<'a>(
        &self,
        ctx: &Context<'a>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<SourceConnection<'a>> {
        sources(graph(ctx)?, &PageArgs { first, after, last, before })
    }
    /// Ranked full-text search over names, aliases, titles and summaries: exact name, then alias, prefix, whole words, words of summaries, then matches with one or two typos. Accents and case are ignored. At most `first` hits (default 20, at most 100).
    async fn search<'a>(
        &self,
        ctx: &Context<'a>,
        text: String,
        kinds: Option<Vec<GEntityKind>>,
        first: Option<i32>,
    ) -> Result<Vec<SearchHit<'a>>> {
        Ok(search(graph(ctx)?, &text, kinds, first)?.into_iter().filter_map(SearchHit::of).collect())
    }
    /// Shortest chain of facts linking two entities, or null when none within maxHops (default 6, at most 10). Sources are never in the middle of a path.
    async fn path<'a>(
        &self,
        ctx: &Context<'a>,
        from: ID,
        to: ID,
        max_hops: Option<i32>,
    ) -> Result<Option<PathObj<'a>>> {
        path(graph(ctx)?, &from, &to, max_hops)
    }
    /// The entities and links within `depth` hops of an entity (default 1, at most 3), nearest first, at most `limit` nodes (default 200, at most 1000), for drawing. Reports are shown but not walked through.
    async fn neighborhood<'a>(
        &self,
        ctx: &Context<'a>,
        id: ID,
        depth: Option<i32>,
        limit: Option<i32>,
    ) -> Result<SubgraphObj<'a>> {
        neighborhood(graph(ctx)?, &id, depth, limit)
    }
    /// Which data the server is answering from (changes when the seed is reloaded).
    async fn snapshot(&self, ctx: &Context<'_>) -> Result<SnapshotInfo> {
        let g = graph(ctx)?;
        let s = g.snapshot();
        Ok(SnapshotInfo { hash: s.hash.clone(), loaded_at: s.loaded_at.to_rfc3339(), entities: g.entity_count() })
    }
    /// The change log, oldest first: every change applied through Mutation since the seed was loaded.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<super::writes::ChangeConnection> {
        super::writes::change_page(&super::writes::change_log(ctx), first, after, last, before)
    }
}

/// The node an id argument names; NOT_FOUND when none.
fn node_arg(g: &KnowledgeGraph, id: &str, arg: &str) -> Result<NodeId> {
    g.get(id).ok_or_else(|| {
        super::error::not_found(format!("`{arg}`: no entity has the id `{}`", id.chars().take(100).collect::<String>()))
    })
}
