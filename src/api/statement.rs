//! `Statement`: something a named actor said.

use super::actor::ActorObj;
use super::analytics::StatementFacets;
use super::common::{sources, TimeSpanObj};
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
        StatementFacets { g: self.g, list: self.set.clone() }
    }
});

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
        ID(self.s.id.clone())
    }
    /// Who said it.
    async fn speaker(&self) -> Result<ActorObj<'a>> {
        ActorObj::of(self.g, self.s.speaker)
            .ok_or_else(|| super::error::internal("a statement's speaker is not an actor"))
    }
    /// When it was said.
    async fn when(&self) -> TimeSpanObj {
        TimeSpanObj(self.s.when)
    }
    /// Where it was said: to the press, on social media...
    async fn channel(&self) -> GStatementChannel {
        self.s.channel.into()
    }
    /// A short, attributed quotation or a paraphrase.
    async fn text(&self) -> &str {
        &self.s.text
    }
    /// True when `text` is the speaker's own words, false for a paraphrase.
    async fn quote(&self) -> bool {
        self.s.quote
    }
    /// The event it is about.
    async fn about(&self) -> Option<EventObj<'a>> {
        self.s.about.and_then(|e| EventObj::of(self.g, e))
    }
    /// The statement this one answers or criticises.
    async fn responds_to(&self) -> Option<StatementObj<'a>> {
        self.s.responds_to.and_then(|r| StatementObj::of(self.g, r))
    }
    /// The statements that answer this one.
    async fn responses(&self) -> Vec<StatementObj<'a>> {
        self.g.reverse(self.n).children.iter().filter_map(|&r| StatementObj::of(self.g, r)).collect()
    }
    /// The reports that quote or relate it.
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        sources(self.g, &self.s.sources)
    }
}
