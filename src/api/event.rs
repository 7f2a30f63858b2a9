//! `Event`: a meeting, call, trip, signing...

use super::actor::ActorObj;
use super::agreement::AgreementObj;
use super::analytics::{event_set, timeline, EventFacets, TimeBucket, TimelineBucket};
use super::common::{NoteObj, TimeSpanObj};
use super::enums::{EventOrder, GEventKind, GEventMode, GEventStatus, GParticipantRole};
use super::event_codes::{DyadObj, PloverObj};
use super::filters::{event_query, EventFilter};
use super::paging::{connection, PageArgs};
use super::place::PlaceObj;
use super::source::SourceObj;
use super::statement::StatementObj;
use crate::graph::{EventQuery, KnowledgeGraph, List};
use crate::model::{EntityKind, Event, LinkKind, NodeId, Participation};
use async_graphql::{Object, Result, ID};
use std::sync::Arc;

/// Something that happened or is planned.
#[derive(Clone, Copy)]
pub struct EventObj<'a> {
    pub g: &'a KnowledgeGraph,
    pub n: NodeId,
    e: &'a Event,
}

impl<'a> EventObj<'a> {
    pub const KIND: EntityKind = EntityKind::Event;

    /// The event `n`, if it is one.
    pub fn of(g: &'a KnowledgeGraph, n: NodeId) -> Option<Self> {
        g.event(n).map(|e| EventObj { g, n, e })
    }
}

connection!(EventConnection, EventEdge, EventObj, "EventConnection", "EventEdge", set: Arc<List<'a>>, {
    /// Counts over every event of this list, not just the page.
    async fn facets(&self) -> EventFacets<'a> {
        event_connection_fields::facets(self)
    }
    /// How many of these events start in each period. An event known less precisely than the bucket (a month-precision event in a DAY or WEEK timeline) counts at its first possible day and also in `imprecise`. At most 1000 periods (else LIMIT_EXCEEDED).
    async fn timeline(&self, bucket: TimeBucket) -> Result<Vec<TimelineBucket>> {
        event_connection_fields::timeline(self, bucket)
    }
});

/// The fields of [`EventConnection`] beyond its page, called by its resolvers and by compiled plans.
pub(crate) mod event_connection_fields {
    use super::*;

    pub fn facets<'a>(c: &EventConnection<'a>) -> EventFacets<'a> {
        EventFacets { g: c.g, set: c.set.clone() }
    }
    pub fn timeline(c: &EventConnection<'_>, bucket: TimeBucket) -> Result<Vec<TimelineBucket>> {
        super::timeline(c.g, event_set(&c.set), bucket)
    }
}

/// The page of the events `filter` keeps from those `base` stands for (every event when empty).
pub fn event_connection<'a>(
    g: &'a KnowledgeGraph,
    base: EventQuery,
    filter: Option<&EventFilter>,
    order: Option<EventOrder>,
    args: &PageArgs,
) -> Result<EventConnection<'a>> {
    let descending = order == Some(EventOrder::DateDesc);
    let list = Arc::new(g.events(&event_query(g, base, filter)?));
    EventConnection::with_set(g, &*list, descending, args, list.clone())
}

/// Something that happened or is planned: a meeting, call, trip, signing...
#[Object(name = "Event")]
impl<'a> EventObj<'a> {
    /// Stable global id, e.g. "event:2021-06-08-harris-lopez-obrador".
    pub async fn id(&self) -> ID {
        event_fields::id(self)
    }
    /// A short title in our words.
    async fn title(&self) -> &str {
        event_fields::title(self)
    }
    /// Meeting, call, trip...
    async fn kind(&self) -> GEventKind {
        event_fields::kind(self)
    }
    /// In person, virtual, by phone, or unknown.
    async fn mode(&self) -> GEventMode {
        event_fields::mode(self)
    }
    /// Whether it took place or was planned.
    async fn status(&self) -> GEventStatus {
        event_fields::status(self)
    }
    /// When, to the precision the reports give.
    async fn when(&self) -> TimeSpanObj {
        event_fields::when(self)
    }
    /// Where it happened.
    async fn place(&self) -> Option<PlaceObj<'a>> {
        event_fields::place(self)
    }
    /// What happened, in our words.
    async fn summary(&self) -> &str {
        event_fields::summary(self)
    }
    /// Who took part, and in what role.
    async fn participants(&self) -> Vec<ParticipationObj<'a>> {
        event_fields::participants(self)
    }
    /// Agreements reached, signed or announced at it or at any of its parts, however deep (the memorandum signed within a meeting, every agreement of a trip), by date. `Agreement.event` names the event each was reached at.
    async fn agreements(&self) -> Vec<AgreementObj<'a>> {
        event_fields::agreements(self)
    }
    /// Statements about it.
    async fn statements(&self) -> Vec<StatementObj<'a>> {
        event_fields::statements(self)
    }
    /// The larger event this one is part of (a meeting within a trip).
    async fn part_of(&self) -> Option<EventObj<'a>> {
        event_fields::part_of(self)
    }
    /// The events it is made of, in date order.
    async fn parts(&self) -> Vec<EventObj<'a>> {
        event_fields::parts(self)
    }
    /// What it was about, lowercase.
    async fn topics(&self) -> &[String] {
        event_fields::topics(self)
    }
    /// The reports that tell of it.
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        event_fields::sources(self)
    }
    /// Other versions of its facts, where reports disagree.
    async fn notes(&self) -> Vec<NoteObj<'a>> {
        event_fields::notes(self)
    }
    /// The agreements that schedule it (a planned dialogue and the talks that agreed on it), by date.
    async fn scheduled_by(&self) -> Vec<AgreementObj<'a>> {
        event_fields::scheduled_by(self)
    }
    /// Its PLOVER event type and mode (null for press conferences and announcements: PLOVER has no statement category). Derived from kind, mode, status and roles (docs/codes.md) unless the seed gives its own.
    async fn plover(&self) -> Option<PloverObj> {
        event_fields::plover(self)
    }
    /// Its CAMEO event code, e.g. "042" (make a visit); derived like `plover`.
    async fn cameo(&self) -> String {
        event_fields::cameo(self)
    }
    /// The CAMEO description of `cameo`, e.g. "Make a visit" (null for a code Diplograph does not list).
    async fn cameo_description(&self) -> Option<&'static str> {
        event_fields::cameo_description(self)
    }
    /// Who did what to whom: the CAMEO dyads derived from participants and roles (host and guest give 042/043 pairs, signatories 057...; docs/codes.md).
    async fn dyads(&self) -> Vec<DyadObj<'a>> {
        event_fields::dyads(self)
    }
}

/// The logic of each `EventObj` field, as plain functions: its resolver above and compiled plans (`api::plan`) both call them.
pub(crate) mod event_fields {
    use super::*;

    pub(crate) fn id<'a>(o: &EventObj<'a>) -> ID {
        ID(o.e.id.clone())
    }

    pub(crate) fn title<'s, 'a>(o: &'s EventObj<'a>) -> &'s str {
        &o.e.title
    }

    pub(crate) fn kind<'a>(o: &EventObj<'a>) -> GEventKind {
        o.e.kind.into()
    }

    pub(crate) fn mode<'a>(o: &EventObj<'a>) -> GEventMode {
        o.e.mode.into()
    }

    pub(crate) fn status<'a>(o: &EventObj<'a>) -> GEventStatus {
        o.e.status.into()
    }

    pub(crate) fn when<'a>(o: &EventObj<'a>) -> TimeSpanObj {
        TimeSpanObj(o.e.when)
    }

    pub(crate) fn place<'a>(o: &EventObj<'a>) -> Option<PlaceObj<'a>> {
        o.e.place.and_then(|p| PlaceObj::of(o.g, p))
    }

    pub(crate) fn summary<'s, 'a>(o: &'s EventObj<'a>) -> &'s str {
        &o.e.summary
    }

    pub(crate) fn participants<'a>(o: &EventObj<'a>) -> Vec<ParticipationObj<'a>> {
        let g = o.g;
        o.e.participants
            .iter()
            .filter_map(|p| ActorObj::of(g, p.actor).map(|actor| ParticipationObj { g, p, actor }))
            .collect()
    }

    pub(crate) fn agreements<'a>(o: &EventObj<'a>) -> Vec<AgreementObj<'a>> {
        o.g.reverse(o.n).agreements.iter().filter_map(|&a| AgreementObj::of(o.g, a)).collect()
    }

    pub(crate) fn statements<'a>(o: &EventObj<'a>) -> Vec<StatementObj<'a>> {
        o.g.reverse(o.n).statements.iter().filter_map(|&s| StatementObj::of(o.g, s)).collect()
    }

    pub(crate) fn part_of<'a>(o: &EventObj<'a>) -> Option<EventObj<'a>> {
        o.e.part_of.and_then(|p| EventObj::of(o.g, p))
    }

    pub(crate) fn parts<'a>(o: &EventObj<'a>) -> Vec<EventObj<'a>> {
        o.g.reverse(o.n).children.iter().filter_map(|&p| EventObj::of(o.g, p)).collect()
    }

    pub(crate) fn topics<'s, 'a>(o: &'s EventObj<'a>) -> &'s [String] {
        &o.e.topics
    }

    pub(crate) fn sources<'a>(o: &EventObj<'a>) -> Vec<SourceObj<'a>> {
        crate::api::common::sources(o.g, &o.e.sources)
    }

    pub(crate) fn notes<'a>(o: &EventObj<'a>) -> Vec<NoteObj<'a>> {
        crate::api::common::notes(o.g, &o.e.notes)
    }

    pub(crate) fn scheduled_by<'a>(o: &EventObj<'a>) -> Vec<AgreementObj<'a>> {
        let mut by: Vec<NodeId> = (o.g.links(o.n))
            .filter_map(|(a, kind, from_here)| (kind == LinkKind::Schedules && !from_here).then_some(a))
            .collect();
        by.sort_unstable_by_key(|&a| o.g.rank(a));
        by.into_iter().filter_map(|a| AgreementObj::of(o.g, a)).collect()
    }

    pub(crate) fn plover<'a>(o: &EventObj<'a>) -> Option<PloverObj> {
        o.e.codes().plover.map(PloverObj)
    }

    pub(crate) fn cameo<'a>(o: &EventObj<'a>) -> String {
        o.e.codes().cameo.to_string()
    }

    pub(crate) fn cameo_description<'s, 'a>(o: &'s EventObj<'a>) -> Option<&'static str> {
        crate::api::event_codes::cameo_description(o.e.codes().cameo)
    }

    pub(crate) fn dyads<'a>(o: &EventObj<'a>) -> Vec<DyadObj<'a>> {
        o.e.dyads().into_iter().filter_map(|d| DyadObj::of(o.g, d)).collect()
    }
}

/// An actor's part in an event.
pub struct ParticipationObj<'a> {
    g: &'a KnowledgeGraph,
    p: &'a Participation,
    actor: ActorObj<'a>,
}

/// An actor's part in an event.
#[Object(name = "Participation")]
impl<'a> ParticipationObj<'a> {
    /// Who took part.
    async fn actor(&self) -> &ActorObj<'a> {
        participation_fields::actor(self)
    }
    /// In what role.
    async fn role(&self) -> GParticipantRole {
        participation_fields::role(self)
    }
    /// The reports that place this actor at this event (each fact cites its sources).
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        participation_fields::sources(self)
    }
}

/// The logic of each `ParticipationObj` field, as plain functions: its resolver above and compiled plans (`api::plan`) both call them.
pub(crate) mod participation_fields {
    use super::*;

    pub(crate) fn actor<'s, 'a>(o: &'s ParticipationObj<'a>) -> &'s ActorObj<'a> {
        &o.actor
    }

    pub(crate) fn role<'a>(o: &ParticipationObj<'a>) -> GParticipantRole {
        o.p.role.into()
    }

    pub(crate) fn sources<'a>(o: &ParticipationObj<'a>) -> Vec<SourceObj<'a>> {
        crate::api::common::sources(o.g, &o.p.sources)
    }
}
