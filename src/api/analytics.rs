//! The analytics types: facets (counts over the whole filtered set of a connection) and
//! timelines (counts per period). The counting itself is the graph's (`graph/analytics/`).

use super::actor::ActorObj;
use super::common::MoneyObj;
use super::enums::{
    GActorKind, GAgreementKind, GAgreementStatus, GEventKind, GEventMode, GEventStatus, GStatementChannel,
};
use super::error::limit_exceeded;
use super::event_codes::{cameo_description, GPloverType};
use super::paging::{count_arg, MAX_PAGE};
use super::place::PlaceObj;
use super::scalars::Date;
use crate::graph::{Bucket, EventSet, KnowledgeGraph, List, Period, TooManyPeriods};
use crate::model::{self, ActorKind, NodeId};
use async_graphql::{Enum, Object, Result, SimpleObject};
use std::sync::Arc;

/// The entries a facet list holds when `first` is not given.
const DEFAULT_FACETS: usize = 20;
/// The most periods a timeline serves.
pub const MAX_PERIODS: usize = 1000;

/// The length of a timeline's periods. ISO weeks start on Monday.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum TimeBucket {
    /// Days: `2021-06-08`.
    Day,
    /// ISO weeks, Monday to Sunday: `2021-W23`.
    Week,
    /// Calendar months: `2021-06`.
    Month,
    /// Calendar years: `2021`.
    Year,
}

impl From<TimeBucket> for Bucket {
    fn from(b: TimeBucket) -> Self {
        match b {
            TimeBucket::Day => Bucket::Day,
            TimeBucket::Week => Bucket::Week,
            TimeBucket::Month => Bucket::Month,
            TimeBucket::Year => Bucket::Year,
        }
    }
}

/// One period of a timeline.
#[derive(SimpleObject)]
pub struct TimelineBucket {
    /// Its first day.
    pub(crate) start: Date,
    /// Its last day.
    pub(crate) end: Date,
    /// ISO 8601: 2021-06-08, 2021-W23, 2021-06, 2021.
    pub(crate) label: String,
    /// How many of the events start in it.
    pub(crate) count: u32,
    /// Of count, the events whose date is known less precisely than this bucket.
    pub(crate) imprecise: u32,
}

/// The timeline of `set` by `bucket`: LIMIT_EXCEEDED, naming coarser buckets that fit, when it would have more than [`MAX_PERIODS`] periods.
pub fn timeline(g: &KnowledgeGraph, set: EventSet<'_>, bucket: TimeBucket) -> Result<Vec<TimelineBucket>> {
    let b = Bucket::from(bucket);
    let periods = g.event_timeline(set, b, MAX_PERIODS).map_err(|e| too_long(b, &e))?;
    Ok(periods
        .into_iter()
        .map(|Period { start, end, count, imprecise }| TimelineBucket {
            start: Date(start),
            end: Date(end),
            label: b.label(start),
            count,
            imprecise,
        })
        .collect())
}

/// The error for a timeline of too many periods.
fn too_long(bucket: Bucket, e: &TooManyPeriods) -> async_graphql::Error {
    let name = |b: Bucket| format!("{b:?}").to_uppercase();
    let fit: Vec<String> = Bucket::ALL
        .iter()
        .filter(|&&b| b > bucket && b.periods(e.first, e.last) <= MAX_PERIODS)
        .map(|&b| format!("{} ({} periods)", name(b), b.periods(e.first, e.last)))
        .collect();
    let advice = if fit.is_empty() {
        "narrow the date range".to_owned()
    } else {
        format!("use a coarser bucket: {}, or narrow the date range", fit.join(", "))
    };
    limit_exceeded(format!(
        "a {} timeline from {} to {} has {} periods; at most {MAX_PERIODS} are served: {advice}",
        name(bucket),
        e.first,
        e.last,
        e.periods
    ))
}

/// The entries of a facet list `first` asks for (20 by default, at most 100).
fn first_arg(first: Option<i32>) -> Result<usize> {
    count_arg("first", first, DEFAULT_FACETS, MAX_PAGE)
}

/// Counts of a closed vocabulary, most first, ties by name; values that count none are left out.
fn ranked<M: Copy>(all: &[M], counts: &[u32], name: impl Fn(M) -> &'static str) -> Vec<(M, u32)> {
    let mut v: Vec<(M, u32)> = all.iter().copied().zip(counts.iter().copied()).filter(|&(_, c)| c > 0).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| name(a.0).to_ascii_uppercase().cmp(&name(b.0).to_ascii_uppercase())));
    v
}

/// How many events are of one kind.
#[derive(SimpleObject)]
pub struct EventKindCount {
    pub(crate) kind: GEventKind,
    pub(crate) count: u32,
}

/// How many events have one status.
#[derive(SimpleObject)]
pub struct EventStatusCount {
    pub(crate) status: GEventStatus,
    pub(crate) count: u32,
}

/// How many events took place in one mode.
#[derive(SimpleObject)]
pub struct EventModeCount {
    pub(crate) mode: GEventMode,
    pub(crate) count: u32,
}

/// How many agreements are of one kind.
#[derive(SimpleObject)]
pub struct AgreementKindCount {
    pub(crate) kind: GAgreementKind,
    pub(crate) count: u32,
}

/// How many agreements have one status.
#[derive(SimpleObject)]
pub struct AgreementStatusCount {
    pub(crate) status: GAgreementStatus,
    pub(crate) count: u32,
}

/// How many statements were made on one channel.
#[derive(SimpleObject)]
pub struct StatementChannelCount {
    pub(crate) channel: GStatementChannel,
    pub(crate) count: u32,
}

/// How many records one place counts.
#[derive(SimpleObject)]
pub struct PlaceCount<'a> {
    pub(crate) place: PlaceObj<'a>,
    pub(crate) count: u32,
}

/// How many records one actor counts.
#[derive(SimpleObject)]
pub struct ActorCount<'a> {
    pub(crate) actor: ActorObj<'a>,
    pub(crate) count: u32,
}

/// How many events have one topic.
#[derive(SimpleObject)]
pub struct TopicCount {
    pub(crate) topic: String,
    pub(crate) count: u32,
}

/// How many events have one CAMEO code.
#[derive(SimpleObject)]
pub struct CameoCount {
    /// The CAMEO event code, e.g. "042".
    pub(crate) code: String,
    /// Its CAMEO description, e.g. "Make a visit" (null for a code Diplograph does not know).
    pub(crate) description: Option<&'static str>,
    pub(crate) count: u32,
}

/// How many events have one PLOVER event type.
#[derive(SimpleObject)]
pub struct PloverCount {
    pub(crate) r#type: GPloverType,
    pub(crate) count: u32,
}

/// The actor counts of `counts`.
fn actor_counts(g: &KnowledgeGraph, counts: Vec<(NodeId, u32)>) -> Vec<ActorCount<'_>> {
    counts.into_iter().filter_map(|(n, count)| ActorObj::of(g, n).map(|actor| ActorCount { actor, count })).collect()
}

/// The events a connection stands for, whole.
pub fn event_set<'s>(list: &'s List<'_>) -> EventSet<'s> {
    match list {
        List::Slice(l) => EventSet::List(l),
        List::Owned(l) => EventSet::List(l),
        List::Range(r) => EventSet::Range(*r),
    }
}

/// Counts over every event of a connection (not just the page).
pub struct EventFacets<'a> {
    pub g: &'a KnowledgeGraph,
    pub set: Arc<List<'a>>,
}

/// Counts over every event of a connection, not just the page. Every list defaults to 20 entries and allows at most 100 (`first`); counts come most first, ties by name then id.
#[Object]
impl<'a> EventFacets<'a> {
    /// Events per kind.
    async fn kinds(&self) -> Vec<EventKindCount> {
        event_facet_fields::kinds(self)
    }
    /// Events per status.
    async fn statuses(&self) -> Vec<EventStatusCount> {
        event_facet_fields::statuses(self)
    }
    /// Events per mode.
    async fn modes(&self) -> Vec<EventModeCount> {
        event_facet_fields::modes(self)
    }
    /// Per country the event's place lies in; events with no place in a country are not counted.
    async fn countries(&self, first: Option<i32>) -> Result<Vec<PlaceCount<'a>>> {
        event_facet_fields::countries(self, first)
    }
    /// Per actor taking part (of `kind`, when given).
    async fn participants(&self, kind: Option<GActorKind>, first: Option<i32>) -> Result<Vec<ActorCount<'a>>> {
        event_facet_fields::participants(self, kind, first)
    }
    /// Per topic.
    async fn topics(&self, first: Option<i32>) -> Result<Vec<TopicCount>> {
        event_facet_fields::topics(self, first)
    }
    /// Per CAMEO event code (Event.cameo), ties by code.
    async fn cameo(&self, first: Option<i32>) -> Result<Vec<CameoCount>> {
        event_facet_fields::cameo(self, first)
    }
    /// Per PLOVER event type (Event.plover); statements, which have none, are not counted.
    async fn plover(&self) -> Vec<PloverCount> {
        event_facet_fields::plover(self)
    }
}

/// The fields of [`EventFacets`], called by its resolvers and by compiled plans.
pub(crate) mod event_facet_fields {
    use super::*;

    pub fn kinds(f: &EventFacets<'_>) -> Vec<EventKindCount> {
        let t = f.g.event_tally(event_set(&f.set));
        ranked(model::EventKind::ALL, &t.kinds, model::EventKind::as_str)
            .into_iter()
            .map(|(k, count)| EventKindCount { kind: k.into(), count })
            .collect()
    }
    pub fn statuses(f: &EventFacets<'_>) -> Vec<EventStatusCount> {
        let t = f.g.event_tally(event_set(&f.set));
        ranked(model::EventStatus::ALL, &t.statuses, model::EventStatus::as_str)
            .into_iter()
            .map(|(s, count)| EventStatusCount { status: s.into(), count })
            .collect()
    }
    pub fn modes(f: &EventFacets<'_>) -> Vec<EventModeCount> {
        let t = f.g.event_tally(event_set(&f.set));
        ranked(model::EventMode::ALL, &t.modes, model::EventMode::as_str)
            .into_iter()
            .map(|(m, count)| EventModeCount { mode: m.into(), count })
            .collect()
    }
    pub fn countries<'a>(f: &EventFacets<'a>, first: Option<i32>) -> Result<Vec<PlaceCount<'a>>> {
        let first = first_arg(first)?;
        let counts = f.g.event_countries(event_set(&f.set), first);
        Ok(counts
            .into_iter()
            .filter_map(|(n, count)| PlaceObj::of(f.g, n).map(|place| PlaceCount { place, count }))
            .collect())
    }
    pub fn participants<'a>(
        f: &EventFacets<'a>,
        kind: Option<GActorKind>,
        first: Option<i32>,
    ) -> Result<Vec<ActorCount<'a>>> {
        let first = first_arg(first)?;
        let counts = f.g.event_participants(event_set(&f.set), kind.map(ActorKind::from), first);
        Ok(actor_counts(f.g, counts))
    }
    pub fn topics(f: &EventFacets<'_>, first: Option<i32>) -> Result<Vec<TopicCount>> {
        let first = first_arg(first)?;
        let counts = f.g.event_topics(event_set(&f.set), first);
        Ok(counts.into_iter().map(|(t, count)| TopicCount { topic: t.to_owned(), count }).collect())
    }
    pub fn cameo(f: &EventFacets<'_>, first: Option<i32>) -> Result<Vec<CameoCount>> {
        let first = first_arg(first)?;
        let t = f.g.event_code_tally(event_set(&f.set));
        Ok(t.cameo
            .into_iter()
            .take(first)
            .map(|(c, count)| CameoCount { code: c.to_string(), description: cameo_description(c), count })
            .collect())
    }
    pub fn plover(f: &EventFacets<'_>) -> Vec<PloverCount> {
        let t = f.g.event_code_tally(event_set(&f.set));
        ranked(model::PloverType::ALL, &t.plover, model::PloverType::as_str)
            .into_iter()
            .map(|(p, count)| PloverCount { r#type: p.into(), count })
            .collect()
    }
}

/// Counts over every agreement of a connection, not just the page.
pub struct AgreementFacets<'a> {
    pub g: &'a KnowledgeGraph,
    pub list: Arc<List<'a>>,
}

/// Counts over every agreement of a connection, not just the page. Every list defaults to 20 entries and allows at most 100 (`first`); counts come most first, ties by name then id.
#[Object]
impl<'a> AgreementFacets<'a> {
    /// Agreements per kind.
    async fn kinds(&self) -> Vec<AgreementKindCount> {
        agreement_facet_fields::kinds(self)
    }
    /// Agreements per status.
    async fn statuses(&self) -> Vec<AgreementStatusCount> {
        agreement_facet_fields::statuses(self)
    }
    /// Agreements per party (of `kind`, when given).
    async fn parties(&self, kind: Option<GActorKind>, first: Option<i32>) -> Result<Vec<ActorCount<'a>>> {
        agreement_facet_fields::parties(self, kind, first)
    }
    /// The sum of the amounts per currency, over the agreements that state one (by currency).
    async fn amounts(&self) -> Vec<MoneyObj> {
        agreement_facet_fields::amounts(self)
    }
}

/// The fields of [`AgreementFacets`], called by its resolvers and by compiled plans.
pub(crate) mod agreement_facet_fields {
    use super::*;

    pub fn kinds(f: &AgreementFacets<'_>) -> Vec<AgreementKindCount> {
        let t = f.g.agreement_tally(f.list.iter());
        ranked(model::AgreementKind::ALL, &t.kinds, model::AgreementKind::as_str)
            .into_iter()
            .map(|(k, count)| AgreementKindCount { kind: k.into(), count })
            .collect()
    }
    pub fn statuses(f: &AgreementFacets<'_>) -> Vec<AgreementStatusCount> {
        let t = f.g.agreement_tally(f.list.iter());
        ranked(model::AgreementStatus::ALL, &t.statuses, model::AgreementStatus::as_str)
            .into_iter()
            .map(|(s, count)| AgreementStatusCount { status: s.into(), count })
            .collect()
    }
    pub fn parties<'a>(
        f: &AgreementFacets<'a>,
        kind: Option<GActorKind>,
        first: Option<i32>,
    ) -> Result<Vec<ActorCount<'a>>> {
        let first = first_arg(first)?;
        Ok(actor_counts(f.g, f.g.agreement_parties(f.list.iter(), kind.map(ActorKind::from), first)))
    }
    pub fn amounts(f: &AgreementFacets<'_>) -> Vec<MoneyObj> {
        let t = f.g.agreement_tally(f.list.iter());
        t.amounts.into_iter().map(|(currency, amount)| MoneyObj { amount, currency }).collect()
    }
}

/// Counts over every statement of a connection, not just the page.
pub struct StatementFacets<'a> {
    pub g: &'a KnowledgeGraph,
    pub list: Arc<List<'a>>,
}

/// Counts over every statement of a connection, not just the page. Every list defaults to 20 entries and allows at most 100 (`first`); counts come most first, ties by name then id.
#[Object]
impl<'a> StatementFacets<'a> {
    /// Statements per speaker.
    async fn speakers(&self, first: Option<i32>) -> Result<Vec<ActorCount<'a>>> {
        statement_facet_fields::speakers(self, first)
    }
    /// Statements per channel.
    async fn channels(&self) -> Vec<StatementChannelCount> {
        statement_facet_fields::channels(self)
    }
}

/// The fields of [`StatementFacets`], called by its resolvers and by compiled plans.
pub(crate) mod statement_facet_fields {
    use super::*;

    pub fn speakers<'a>(f: &StatementFacets<'a>, first: Option<i32>) -> Result<Vec<ActorCount<'a>>> {
        let first = first_arg(first)?;
        Ok(actor_counts(f.g, f.g.statement_speakers(f.list.iter(), first)))
    }
    pub fn channels(f: &StatementFacets<'_>) -> Vec<StatementChannelCount> {
        let t = f.g.statement_channels(f.list.iter());
        ranked(model::StatementChannel::ALL, &t, model::StatementChannel::as_str)
            .into_iter()
            .map(|(c, count)| StatementChannelCount { channel: c.into(), count })
            .collect()
    }
}
