//! `Agreement`: a memorandum, funding, loan, dialogue, partnership or commitment.

use super::actor::ActorObj;
use super::analytics::AgreementFacets;
use super::common::{MoneyObj, NoteObj, TimeSpanObj};
use super::enums::{GAgreementKind, GAgreementStatus};
use super::event::EventObj;
use super::paging::connection;
use super::source::SourceObj;
use crate::graph::{KnowledgeGraph, List};
use crate::model::{Agreement, EntityKind, NodeId};
use async_graphql::{Object, ID};
use std::sync::Arc;

/// An agreement.
#[derive(Clone, Copy)]
pub struct AgreementObj<'a> {
    pub g: &'a KnowledgeGraph,
    pub n: NodeId,
    a: &'a Agreement,
}

impl<'a> AgreementObj<'a> {
    pub const KIND: EntityKind = EntityKind::Agreement;

    /// The agreement `n`, if it is one.
    pub fn of(g: &'a KnowledgeGraph, n: NodeId) -> Option<Self> {
        g.agreement(n).map(|a| AgreementObj { g, n, a })
    }
}

connection!(AgreementConnection, AgreementEdge, AgreementObj, "AgreementConnection", "AgreementEdge", set: Arc<List<'a>>, {
    /// Counts over every agreement of this list, not just the page.
    async fn facets(&self) -> AgreementFacets<'a> {
        agreement_connection_fields::facets(self)
    }
});

/// The fields of [`AgreementConnection`] beyond its page, called by its resolvers and by compiled plans.
pub(crate) mod agreement_connection_fields {
    use super::*;

    pub fn facets<'a>(c: &AgreementConnection<'a>) -> AgreementFacets<'a> {
        AgreementFacets { g: c.g, list: c.set.clone() }
    }
}

impl<'a> AgreementConnection<'a> {
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

/// A memorandum, funding, loan, dialogue, partnership or commitment.
#[Object(name = "Agreement")]
impl<'a> AgreementObj<'a> {
    /// Stable global id, e.g. "agreement:2021-06-08-mou-central-america-development".
    pub async fn id(&self) -> ID {
        agreement_fields::id(self)
    }
    /// A short title in our words.
    async fn title(&self) -> &str {
        agreement_fields::title(self)
    }
    /// Memorandum, funding, loan...
    async fn kind(&self) -> GAgreementKind {
        agreement_fields::kind(self)
    }
    /// Signed, announced, agreed or planned.
    async fn status(&self) -> GAgreementStatus {
        agreement_fields::status(self)
    }
    /// What it says, in our words.
    async fn summary(&self) -> &str {
        agreement_fields::summary(self)
    }
    /// Actors bound by it or committing to it.
    async fn parties(&self) -> Vec<ActorObj<'a>> {
        agreement_fields::parties(self)
    }
    /// Actors who signed it.
    async fn signatories(&self) -> Vec<ActorObj<'a>> {
        agreement_fields::signatories(self)
    }
    /// The event at which it was reached, signed or announced.
    async fn event(&self) -> Option<EventObj<'a>> {
        agreement_fields::event(self)
    }
    /// When it was reached: its own date, else its event's.
    async fn when(&self) -> Option<TimeSpanObj> {
        agreement_fields::when(self)
    }
    /// The money involved, when the reports give an amount.
    async fn amount(&self) -> Option<MoneyObj> {
        agreement_fields::amount(self)
    }
    /// How long the commitment runs, in months, when the sources say.
    async fn duration_months(&self) -> Option<u32> {
        agreement_fields::duration_months(self)
    }
    /// What it is about, lowercase.
    async fn topics(&self) -> &[String] {
        agreement_fields::topics(self)
    }
    /// The reports that tell of it.
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        agreement_fields::sources(self)
    }
    /// Other versions of its facts, where reports disagree.
    async fn notes(&self) -> Vec<NoteObj<'a>> {
        agreement_fields::notes(self)
    }
    /// The events it schedules (the dialogue it sets up for a later date), as the agreement's sources tell.
    async fn schedules(&self) -> Vec<EventObj<'a>> {
        agreement_fields::schedules(self)
    }
}

/// The logic of each `AgreementObj` field, as plain functions: its resolver above and compiled plans (`api::plan`) both call them.
pub(crate) mod agreement_fields {
    use super::*;

    pub(crate) fn id<'a>(o: &AgreementObj<'a>) -> ID {
        ID(o.a.id.clone())
    }

    pub(crate) fn title<'s, 'a>(o: &'s AgreementObj<'a>) -> &'s str {
        &o.a.title
    }

    pub(crate) fn kind<'a>(o: &AgreementObj<'a>) -> GAgreementKind {
        o.a.kind.into()
    }

    pub(crate) fn status<'a>(o: &AgreementObj<'a>) -> GAgreementStatus {
        o.a.status.into()
    }

    pub(crate) fn summary<'s, 'a>(o: &'s AgreementObj<'a>) -> &'s str {
        &o.a.summary
    }

    pub(crate) fn parties<'a>(o: &AgreementObj<'a>) -> Vec<ActorObj<'a>> {
        o.a.parties.iter().filter_map(|&p| ActorObj::of(o.g, p)).collect()
    }

    pub(crate) fn signatories<'a>(o: &AgreementObj<'a>) -> Vec<ActorObj<'a>> {
        o.a.signatories.iter().filter_map(|&p| ActorObj::of(o.g, p)).collect()
    }

    pub(crate) fn event<'a>(o: &AgreementObj<'a>) -> Option<EventObj<'a>> {
        o.a.event.and_then(|e| EventObj::of(o.g, e))
    }

    pub(crate) fn when<'a>(o: &AgreementObj<'a>) -> Option<TimeSpanObj> {
        o.g.agreement_date(o.a).map(TimeSpanObj)
    }

    pub(crate) fn amount<'a>(o: &AgreementObj<'a>) -> Option<MoneyObj> {
        o.a.amount.as_ref().map(|m| MoneyObj { amount: m.amount, currency: m.currency.clone() })
    }

    pub(crate) fn duration_months<'a>(o: &AgreementObj<'a>) -> Option<u32> {
        o.a.duration_months
    }

    pub(crate) fn topics<'s, 'a>(o: &'s AgreementObj<'a>) -> &'s [String] {
        &o.a.topics
    }

    pub(crate) fn sources<'a>(o: &AgreementObj<'a>) -> Vec<SourceObj<'a>> {
        crate::api::common::sources(o.g, &o.a.sources)
    }

    pub(crate) fn notes<'a>(o: &AgreementObj<'a>) -> Vec<NoteObj<'a>> {
        crate::api::common::notes(o.g, &o.a.notes)
    }

    pub(crate) fn schedules<'a>(o: &AgreementObj<'a>) -> Vec<EventObj<'a>> {
        o.a.schedules.iter().filter_map(|&e| EventObj::of(o.g, e)).collect()
    }
}
