//! `Actor`: a person, government or organisation.

use super::agreement::AgreementConnection;
use super::common::{notes, sources, NoteObj};
use super::enums::{EventOrder, GActorKind};
use super::event::{event_connection, EventConnection};
use super::filters::{agreement_query, statement_query, AgreementFilter, EventFilter, StatementFilter};
use super::paging::{connection, count_arg, PageArgs, MAX_PAGE};
use super::place::PlaceObj;
use super::scalars::Date;
use super::source::SourceObj;
use super::statement::StatementConnection;
use crate::graph::{held_on, AgreementQuery, EventQuery, KnowledgeGraph, StatementQuery};
use crate::model::{Actor, EntityKind, NodeId, Position};
use async_graphql::{Object, Result, ID};

/// A person, government or organisation.
#[derive(Clone, Copy)]
pub struct ActorObj<'a> {
    pub g: &'a KnowledgeGraph,
    pub n: NodeId,
    a: &'a Actor,
}

impl<'a> ActorObj<'a> {
    pub const KIND: EntityKind = EntityKind::Actor;

    /// The actor `n`, if it is one.
    pub fn of(g: &'a KnowledgeGraph, n: NodeId) -> Option<Self> {
        g.actor(n).map(|a| ActorObj { g, n, a })
    }
}

connection!(ActorConnection, ActorEdge, ActorObj, "ActorConnection", "ActorEdge");

/// A person, government or organisation.
#[Object(name = "Actor")]
impl<'a> ActorObj<'a> {
    /// Stable global id, e.g. "actor:andres-manuel-lopez-obrador".
    pub async fn id(&self) -> ID {
        ID(self.a.id.clone())
    }
    /// The name it is best known by, with accents.
    async fn name(&self) -> &str {
        &self.a.name
    }
    /// Other spellings and short forms it is found by.
    async fn aliases(&self) -> &[String] {
        &self.a.aliases
    }
    /// Person, government or organisation.
    async fn kind(&self) -> GActorKind {
        self.a.kind.into()
    }
    /// One line on who this is.
    async fn summary(&self) -> Option<&str> {
        self.a.summary.as_deref()
    }
    /// The country it belongs to or governs.
    async fn country(&self) -> Option<PlaceObj<'a>> {
        self.a.country.and_then(|p| PlaceObj::of(self.g, p))
    }
    /// Offices held, with the span they were held for; one entry per office (reports that attest the same office on several days are one position). With asOf: those held on that day (between start and end where dated, or between the first and last attested day).
    async fn positions(&self, as_of: Option<Date>) -> Vec<PositionObj<'a>> {
        let held = |p: &Position| as_of.is_none_or(|d| held_on(p, d.0));
        self.a.positions.iter().filter(|p| held(p)).map(|p| PositionObj { g: self.g, p }).collect()
    }
    /// Events it took part in.
    #[allow(clippy::too_many_arguments)]
    async fn events(
        &self,
        filter: Option<EventFilter>,
        order_by: Option<EventOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<EventConnection<'a>> {
        let base = EventQuery { involving: vec![self.n], ..EventQuery::default() };
        event_connection(self.g, base, filter.as_ref(), order_by, &PageArgs { first, after, last, before })
    }
    /// Agreements it is a party to or signed.
    async fn agreements(
        &self,
        filter: Option<AgreementFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AgreementConnection<'a>> {
        let base = AgreementQuery { involving: vec![self.n], ..AgreementQuery::default() };
        let list = self.g.agreements(&agreement_query(self.g, base, filter.as_ref())?);
        AgreementConnection::of_list(self.g, list, &PageArgs { first, after, last, before })
    }
    /// What it said.
    async fn statements(
        &self,
        filter: Option<StatementFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<StatementConnection<'a>> {
        let base = StatementQuery { speakers: vec![self.n], ..StatementQuery::default() };
        let list = self.g.statements(&statement_query(self.g, base, filter.as_ref())?);
        StatementConnection::of_list(self.g, list, &PageArgs { first, after, last, before })
    }
    /// Actors met through shared events, most shared events first (default 20, at most 100).
    async fn counterparts(&self, first: Option<i32>) -> Result<Vec<Counterpart<'a>>> {
        let n = count_arg("first", first, 20, MAX_PAGE)?;
        Ok(self
            .g
            .reverse(self.n)
            .counterparts
            .iter()
            .take(n)
            .filter_map(|&(a, shared)| ActorObj::of(self.g, a).map(|actor| Counterpart { actor, shared }))
            .collect())
    }
    /// The reports that mention it.
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        sources(self.g, &self.a.sources)
    }
    /// Other versions of its facts, where reports disagree.
    async fn notes(&self) -> Vec<NoteObj<'a>> {
        notes(self.g, &self.a.notes)
    }
}

/// An office held by an actor.
pub struct PositionObj<'a> {
    g: &'a KnowledgeGraph,
    p: &'a Position,
}

/// An office held by an actor.
#[Object(name = "Position")]
impl<'a> PositionObj<'a> {
    /// The office, e.g. "Vice President of the United States".
    async fn title(&self) -> &str {
        &self.p.title
    }
    /// The government or organisation the office belongs to.
    async fn organization(&self) -> Option<ActorObj<'a>> {
        self.p.organization.and_then(|o| ActorObj::of(self.g, o))
    }
    /// The day it began, when the reports say.
    async fn start(&self) -> Option<Date> {
        self.p.start.map(Date)
    }
    /// The day it ended, when the reports say.
    async fn end(&self) -> Option<Date> {
        self.p.end.map(Date)
    }
    /// A day the reports say it was held, when its span is unknown (the first of `attested`).
    async fn as_of(&self) -> Option<Date> {
        self.p.attested.first().copied().map(Date)
    }
    /// The reports that say this office was held.
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        sources(self.g, &self.p.sources)
    }
    /// Every day a report says it was held, in date order, when its span is unknown.
    async fn attested(&self) -> Vec<Date> {
        self.p.attested.iter().copied().map(Date).collect()
    }
}

/// Another actor met through shared events.
pub struct Counterpart<'a> {
    actor: ActorObj<'a>,
    shared: u32,
}

/// Another actor met through shared events.
#[Object]
impl<'a> Counterpart<'a> {
    /// The other actor.
    async fn actor(&self) -> &ActorObj<'a> {
        &self.actor
    }
    /// How many events both took part in.
    async fn shared_events(&self) -> u32 {
        self.shared
    }
}
