//! `Event`: a meeting, call, trip, signing...

use super::actor::ActorObj;
use super::agreement::AgreementObj;
use super::analytics::{event_set, timeline, EventFacets, TimeBucket, TimelineBucket};
use super::common::{notes, sources, NoteObj, TimeSpanObj};
use super::enums::{EventOrder, GEventKind, GEventMode, GEventStatus, GParticipantRole};
use super::event_codes::{cameo_description, DyadObj, PloverObj};
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
        EventFacets { g: self.g, set: self.set.clone() }
    }
    /// How many of these events start in each period. An event known less precisely than the bucket (a month-precision event in a DAY or WEEK timeline) counts at its first possible day and also in `imprecise`. At most 1000 periods (else LIMIT_EXCEEDED).
    async fn timeline(&self, bucket: TimeBucket) -> Result<Vec<TimelineBucket>> {
        timeline(self.g, event_set(&self.set), bucket)
    }
});

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
        ID(self.e.id.clone())
    }
    /// A short title in our words.
    async fn title(&self) -> &str {
        &self.e.title
    }
    /// Meeting, call, trip...
    async fn kind(&self) -> GEventKind {
        self.e.kind.into()
    }
    /// In person, virtual, by phone, or unknown.
    async fn mode(&self) -> GEventMode {
        self.e.mode.into()
    }
    /// Whether it took place or was planned.
    async fn status(&self) -> GEventStatus {
        self.e.status.into()
    }
    /// When, to the precision the reports give.
    async fn when(&self) -> TimeSpanObj {
        TimeSpanObj(self.e.when)
    }
    /// Where it happened.
    async fn place(&self) -> Option<PlaceObj<'a>> {
        self.e.place.and_then(|p| PlaceObj::of(self.g, p))
    }
    /// What happened, in our words.
    async fn summary(&self) -> &str {
        &self.e.summary
    }
    /// Who took part, and in what role.
    async fn participants(&self) -> Vec<ParticipationObj<'a>> {
        let g = self.g;
        self.e
            .participants
            .iter()
            .filter_map(|p| ActorObj::of(g, p.actor).map(|actor| ParticipationObj { g, p, actor }))
            .collect()
    }
    /// Agreements reached, signed or announced at it or at any of its parts, however deep (the memorandum signed within a meeting, every agreement of a trip), by date. `Agreement.event` names the event each was reached at.
    async fn agreements(&self) -> Vec<AgreementObj<'a>> {
        self.g.reverse(self.n).agreements.iter().filter_map(|&a| AgreementObj::of(self.g, a)).collect()
    }
    /// Statements about it.
    async fn statements(&self) -> Vec<StatementObj<'a>> {
        self.g.reverse(self.n).statements.iter().filter_map(|&s| StatementObj::of(self.g, s)).collect()
    }
    /// The larger event this one is part of (a meeting within a trip).
    async fn part_of(&self) -> Option<EventObj<'a>> {
        self.e.part_of.and_then(|p| EventObj::of(self.g, p))
    }
    /// The events it is made of, in date order.
    async fn parts(&self) -> Vec<EventObj<'a>> {
        self.g.reverse(self.n).children.iter().filter_map(|&p| EventObj::of(self.g, p)).collect()
    }
    /// What it was about, lowercase.
    async fn topics(&self) -> &[String] {
        &self.e.topics
    }
    /// The reports that tell of it.
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        sources(self.g, &self.e.sources)
    }
    /// Other versions of its facts, where reports disagree.
    async fn notes(&self) -> Vec<NoteObj<'a>> {
        notes(self.g, &self.e.notes)
    }
    /// The agreements that schedule it (a planned dialogue and the talks that agreed on it), by date.
    async fn scheduled_by(&self) -> Vec<AgreementObj<'a>> {
        let mut by: Vec<NodeId> = (self.g.links(self.n))
            .filter_map(|(a, kind, from_here)| (kind == LinkKind::Schedules && !from_here).then_some(a))
            .collect();
        by.sort_unstable_by_key(|&a| self.g.rank(a));
        by.into_iter().filter_map(|a| AgreementObj::of(self.g, a)).collect()
    }
    /// Its PLOVER event type and mode (null for press conferences and announcements: PLOVER has no statement category). Derived from kind, mode, status and roles (docs/codes.md) unless the seed gives its own.
    async fn plover(&self) -> Option<PloverObj> {
        self.e.codes().plover.map(PloverObj)
    }
    /// Its CAMEO event code, e.g. "042" (make a visit); derived like `plover`.
    async fn cameo(&self) -> String {
        self.e.codes().cameo.to_string()
    }
    /// The CAMEO description of `cameo`, e.g. "Make a visit" (null for a code Diplograph does not list).
    async fn cameo_description(&self) -> Option<&'static str> {
        cameo_description(self.e.codes().cameo)
    }
    /// Who did what to whom: the CAMEO dyads derived from participants and roles (host and guest give 042/043 pairs, signatories 057...; docs/codes.md).
    async fn dyads(&self) -> Vec<DyadObj<'a>> {
        self.e.dyads().into_iter().filter_map(|d| DyadObj::of(self.g, d)).collect()
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
        &self.actor
    }
    /// In what role.
    async fn role(&self) -> GParticipantRole {
        self.p.role.into()
    }
    /// The reports that place this actor at this event (each fact cites its sources).
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        sources(self.g, &self.p.sources)
    }
}
