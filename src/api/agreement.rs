//! `Agreement`: a memorandum, funding, loan, dialogue, partnership or commitment.

use super::actor::ActorObj;
use super::analytics::AgreementFacets;
use super::common::{notes, sources, MoneyObj, NoteObj, TimeSpanObj};
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
        AgreementFacets { g: self.g, list: self.set.clone() }
    }
});

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
        ID(self.a.id.clone())
    }
    /// A short title in our words.
    async fn title(&self) -> &str {
        &self.a.title
    }
    /// Memorandum, funding, loan...
    async fn kind(&self) -> GAgreementKind {
        self.a.kind.into()
    }
    /// Signed, announced, agreed or planned.
    async fn status(&self) -> GAgreementStatus {
        self.a.status.into()
    }
    /// What it says, in our words.
    async fn summary(&self) -> &str {
        &self.a.summary
    }
    /// Actors bound by it or committing to it.
    async fn parties(&self) -> Vec<ActorObj<'a>> {
        self.a.parties.iter().filter_map(|&p| ActorObj::of(self.g, p)).collect()
    }
    /// Actors who signed it.
    async fn signatories(&self) -> Vec<ActorObj<'a>> {
        self.a.signatories.iter().filter_map(|&p| ActorObj::of(self.g, p)).collect()
    }
    /// The event at which it was reached, signed or announced.
    async fn event(&self) -> Option<EventObj<'a>> {
        self.a.event.and_then(|e| EventObj::of(self.g, e))
    }
    /// When it was reached: its own date, else its event's.
    async fn when(&self) -> Option<TimeSpanObj> {
        self.g.agreement_date(self.a).map(TimeSpanObj)
    }
    /// The money involved, when the reports give an amount.
    async fn amount(&self) -> Option<MoneyObj> {
        self.a.amount.as_ref().map(|m| MoneyObj { amount: m.amount, currency: m.currency.clone() })
    }
    /// How long the commitment runs, in months, when the sources say.
    async fn duration_months(&self) -> Option<u32> {
        self.a.duration_months
    }
    /// What it is about, lowercase.
    async fn topics(&self) -> &[String] {
        &self.a.topics
    }
    /// The reports that tell of it.
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        sources(self.g, &self.a.sources)
    }
    /// Other versions of its facts, where reports disagree.
    async fn notes(&self) -> Vec<NoteObj<'a>> {
        notes(self.g, &self.a.notes)
    }
    /// The events it schedules (the dialogue it sets up for a later date), as the agreement's sources tell.
    async fn schedules(&self) -> Vec<EventObj<'a>> {
        self.a.schedules.iter().filter_map(|&e| EventObj::of(self.g, e)).collect()
    }
}
