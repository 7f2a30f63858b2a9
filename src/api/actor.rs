//! `Actor`: a person, government or organisation.

use super::agreement::AgreementConnection;
use super::common::NoteObj;
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
        actor_fields::id(self)
    }
    /// The name it is best known by, with accents.
    async fn name(&self) -> &str {
        actor_fields::name(self)
    }
    /// Other spellings and short forms it is found by.
    async fn aliases(&self) -> &[String] {
        actor_fields::aliases(self)
    }
    /// Person, government or organisation.
    async fn kind(&self) -> GActorKind {
        actor_fields::kind(self)
    }
    /// One line on who this is.
    async fn summary(&self) -> Option<&str> {
        actor_fields::summary(self)
    }
    /// The country it belongs to or governs.
    async fn country(&self) -> Option<PlaceObj<'a>> {
        actor_fields::country(self)
    }
    /// Offices held, with the span they were held for; one entry per office (reports that attest the same office on several days are one position). With asOf: those held on that day (between start and end where dated, or between the first and last attested day).
    async fn positions(&self, as_of: Option<Date>) -> Vec<PositionObj<'a>> {
        actor_fields::positions(self, as_of)
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
        actor_fields::events(self, filter, order_by, first, after, last, before)
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
        actor_fields::agreements(self, filter, first, after, last, before)
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
        actor_fields::statements(self, filter, first, after, last, before)
    }
    /// Actors met through shared events, most shared events first (default 20, at most 100).
    async fn counterparts(&self, first: Option<i32>) -> Result<Vec<Counterpart<'a>>> {
        actor_fields::counterparts(self, first)
    }
    /// The reports that mention it.
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        actor_fields::sources(self)
    }
    /// Other versions of its facts, where reports disagree.
    async fn notes(&self) -> Vec<NoteObj<'a>> {
        actor_fields::notes(self)
    }
}

/// The logic of each `ActorObj` field, as plain functions: its resolver above and compiled plans (`api::plan`) both call them.
pub(crate) mod actor_fields {
    use super::*;

    pub(crate) fn id<'a>(o: &ActorObj<'a>) -> ID {
        ID(o.a.id.clone())
    }

    pub(crate) fn name<'s, 'a>(o: &'s ActorObj<'a>) -> &'s str {
        &o.a.name
    }

    pub(crate) fn aliases<'s, 'a>(o: &'s ActorObj<'a>) -> &'s [String] {
        &o.a.aliases
    }

    pub(crate) fn kind<'a>(o: &ActorObj<'a>) -> GActorKind {
        o.a.kind.into()
    }

    pub(crate) fn summary<'s, 'a>(o: &'s ActorObj<'a>) -> Option<&'s str> {
        o.a.summary.as_deref()
    }

    pub(crate) fn country<'a>(o: &ActorObj<'a>) -> Option<PlaceObj<'a>> {
        o.a.country.and_then(|p| PlaceObj::of(o.g, p))
    }

    pub(crate) fn positions<'a>(o: &ActorObj<'a>, as_of: Option<Date>) -> Vec<PositionObj<'a>> {
        let held = |p: &Position| as_of.is_none_or(|d| held_on(p, d.0));
        o.a.positions.iter().filter(|p| held(p)).map(|p| PositionObj { g: o.g, p }).collect()
    }

    pub(crate) fn events<'a>(
        o: &ActorObj<'a>,
        filter: Option<EventFilter>,
        order_by: Option<EventOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<EventConnection<'a>> {
        let base = EventQuery { involving: vec![o.n], ..EventQuery::default() };
        event_connection(o.g, base, filter.as_ref(), order_by, &PageArgs { first, after, last, before })
    }

    pub(crate) fn agreements<'a>(
        o: &ActorObj<'a>,
        filter: Option<AgreementFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AgreementConnection<'a>> {
        let base = AgreementQuery { involving: vec![o.n], ..AgreementQuery::default() };
        let list = o.g.agreements(&agreement_query(o.g, base, filter.as_ref())?);
        AgreementConnection::of_list(o.g, list, &PageArgs { first, after, last, before })
    }

    pub(crate) fn statements<'a>(
        o: &ActorObj<'a>,
        filter: Option<StatementFilter>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<StatementConnection<'a>> {
        let base = StatementQuery { speakers: vec![o.n], ..StatementQuery::default() };
        let list = o.g.statements(&statement_query(o.g, base, filter.as_ref())?);
        StatementConnection::of_list(o.g, list, &PageArgs { first, after, last, before })
    }

    pub(crate) fn counterparts<'a>(o: &ActorObj<'a>, first: Option<i32>) -> Result<Vec<Counterpart<'a>>> {
        let n = count_arg("first", first, 20, MAX_PAGE)?;
        Ok(o.g
            .reverse(o.n)
            .counterparts
            .iter()
            .take(n)
            .filter_map(|&(a, shared)| ActorObj::of(o.g, a).map(|actor| Counterpart { actor, shared }))
            .collect())
    }

    pub(crate) fn sources<'a>(o: &ActorObj<'a>) -> Vec<SourceObj<'a>> {
        crate::api::common::sources(o.g, &o.a.sources)
    }

    pub(crate) fn notes<'a>(o: &ActorObj<'a>) -> Vec<NoteObj<'a>> {
        crate::api::common::notes(o.g, &o.a.notes)
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
        position_fields::title(self)
    }
    /// The government or organisation the office belongs to.
    async fn organization(&self) -> Option<ActorObj<'a>> {
        position_fields::organization(self)
    }
    /// The day it began, when the reports say.
    async fn start(&self) -> Option<Date> {
        position_fields::start(self)
    }
    /// The day it ended, when the reports say.
    async fn end(&self) -> Option<Date> {
        position_fields::end(self)
    }
    /// A day the reports say it was held, when its span is unknown (the first of `attested`).
    async fn as_of(&self) -> Option<Date> {
        position_fields::as_of(self)
    }
    /// The reports that say this office was held.
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        position_fields::sources(self)
    }
    /// Every day a report says it was held, in date order, when its span is unknown.
    async fn attested(&self) -> Vec<Date> {
        position_fields::attested(self)
    }
}

/// The logic of each `PositionObj` field, as plain functions: its resolver above and compiled plans (`api::plan`) both call them.
pub(crate) mod position_fields {
    use super::*;

    pub(crate) fn title<'s, 'a>(o: &'s PositionObj<'a>) -> &'s str {
        &o.p.title
    }

    pub(crate) fn organization<'a>(o: &PositionObj<'a>) -> Option<ActorObj<'a>> {
        o.p.organization.and_then(|org| ActorObj::of(o.g, org))
    }

    pub(crate) fn start<'a>(o: &PositionObj<'a>) -> Option<Date> {
        o.p.start.map(Date)
    }

    pub(crate) fn end<'a>(o: &PositionObj<'a>) -> Option<Date> {
        o.p.end.map(Date)
    }

    pub(crate) fn as_of<'a>(o: &PositionObj<'a>) -> Option<Date> {
        o.p.attested.first().copied().map(Date)
    }

    pub(crate) fn sources<'a>(o: &PositionObj<'a>) -> Vec<SourceObj<'a>> {
        crate::api::common::sources(o.g, &o.p.sources)
    }

    pub(crate) fn attested<'a>(o: &PositionObj<'a>) -> Vec<Date> {
        o.p.attested.iter().copied().map(Date).collect()
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
        counterpart_fields::actor(self)
    }
    /// How many events both took part in.
    async fn shared_events(&self) -> u32 {
        counterpart_fields::shared_events(self)
    }
}

/// The logic of each `Counterpart` field, as plain functions: its resolver above and compiled plans (`api::plan`) both call them.
pub(crate) mod counterpart_fields {
    use super::*;

    pub(crate) fn actor<'s, 'a>(o: &'s Counterpart<'a>) -> &'s ActorObj<'a> {
        &o.actor
    }

    pub(crate) fn shared_events<'a>(o: &Counterpart<'a>) -> u32 {
        o.shared
    }
}
