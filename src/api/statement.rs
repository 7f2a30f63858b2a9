//! `Statement`: something a named actor said.

use super::actor::ActorObj;
use super::analytics::StatementFacets;
use super::common::TimeSpanObj;
use super::enums::GStatementChannel;
use super::event::EventObj;
use super::paging::connection;
use super::source::SourceObj;
use crate::graph::{KnowledgeGraph, List};
use crate::model::{EntityKind, NodeId, Statement};
use async_graphql::{Object, Result, ID};
use std::sync::Arc;

/// A statement.
#[derive(Clone, Copy)]
pub struct StatementObj<'a> {
    pub g: &'a KnowledgeGraph,
    pub n: NodeId,
    s: &'a Statement,
}

impl<'a> StatementObj<'a> {
    pub const KIND: EntityKind = EntityKind::Statement;

    /// The statement `n`, if it is one.
    pub fn of(g: &'a KnowledgeGraph, n: NodeId) -> Option<Self> {
        g.statement(n).map(|s| StatementObj { g, n, s })
    }
}

connection!(StatementConnection, StatementEdge, StatementObj, "StatementConnection", "StatementEdge", set: Arc<List<'a>>, {
    /// Counts over every statement of this list, not just the page.
    async fn facets(&self) -> StatementFacets<'a> {
        statement_connection_fields::facets(self)
    }
});

/// The fields of [`StatementConnection`] beyond its page, called by its resolvers and by compiled plans.
pub(crate) mod statement_connection_fields {
    use super::*;

    pub fn facets<'a>(c: &StatementConnection<'a>) -> StatementFacets<'a> {
        StatementFacets { g: c.g, list: c.set.clone() }
    }
}

impl<'a> StatementConnection<'a> {
    /// The page `args` selects from `list`, which facets count whole.
    pub fn of_list(
        g: &'a KnowledgeGraph,
        list: List<'a>,
        args: &super::paging::PageArgs,
    ) -> async_graphql::Result<Self> {
        let list = Arc::new(list);
        Self::with_set(g, &*list, false, args, list.clone())
    }
}

/// Something a named actor said: a short attributed quotation or a paraphrase.
#[Object(name = "Statement")]
impl<'a> StatementObj<'a> {
    /// Stable global id.
    pub async fn id(&self) -> ID {
        statement_fields::id(self)
    }
    /// Who said it.
    async fn speaker(&self) -> Result<ActorObj<'a>> {
        statement_fields::speaker(self)
    }
    /// When it was said.
    async fn when(&self) -> TimeSpanObj {
        statement_fields::when(self)
    }
    /// Where it was said: to the press, on social media...
    async fn channel(&self) -> GStatementChannel {
        statement_fields::channel(self)
    }
    /// A short, attributed quotation or a paraphrase.
    async fn text(&self) -> &str {
        statement_fields::text(self)
    }
    /// True when `text` is the speaker's own words, false for a paraphrase.
    async fn quote(&self) -> bool {
        statement_fields::quote(self)
    }
    /// The event it is about.
    async fn about(&self) -> Option<EventObj<'a>> {
        statement_fields::about(self)
    }
    /// The statement this one answers or criticises.
    async fn responds_to(&self) -> Option<StatementObj<'a>> {
        statement_fields::responds_to(self)
    }
    /// The statements that answer this one.
    async fn responses(&self) -> Vec<StatementObj<'a>> {
        statement_fields::responses(self)
    }
    /// The reports that quote or relate it.
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        statement_fields::sources(self)
    }
}

/// The logic of each `StatementObj` field, as plain functions: its resolver above and compiled plans (`api::plan`) both call them.
pub(crate) mod statement_fields {
    use super::*;

    pub(crate) fn id<'a>(o: &StatementObj<'a>) -> ID {
        ID(o.s.id.clone())
    }

    pub(crate) fn speaker<'a>(o: &StatementObj<'a>) -> Result<ActorObj<'a>> {
        ActorObj::of(o.g, o.s.speaker)
            .ok_or_else(|| crate::api::error::internal("a statement's speaker is not an actor"))
    }

    pub(crate) fn when<'a>(o: &StatementObj<'a>) -> TimeSpanObj {
        TimeSpanObj(o.s.when)
    }

    pub(crate) fn channel<'a>(o: &StatementObj<'a>) -> GStatementChannel {
        o.s.channel.into()
    }

    pub(crate) fn text<'s, 'a>(o: &'s StatementObj<'a>) -> &'s str {
        &o.s.text
    }

    pub(crate) fn quote<'a>(o: &StatementObj<'a>) -> bool {
        o.s.quote
    }

    pub(crate) fn about<'a>(o: &StatementObj<'a>) -> Option<EventObj<'a>> {
        o.s.about.and_then(|e| EventObj::of(o.g, e))
    }

    pub(crate) fn responds_to<'a>(o: &StatementObj<'a>) -> Option<StatementObj<'a>> {
        o.s.responds_to.and_then(|r| StatementObj::of(o.g, r))
    }

    pub(crate) fn responses<'a>(o: &StatementObj<'a>) -> Vec<StatementObj<'a>> {
        o.g.reverse(o.n).children.iter().filter_map(|&r| StatementObj::of(o.g, r)).collect()
    }

    pub(crate) fn sources<'a>(o: &StatementObj<'a>) -> Vec<SourceObj<'a>> {
        crate::api::common::sources(o.g, &o.s.sources)
    }
}
