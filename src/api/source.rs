//! `Source`: a news report.

use super::paging::connection;
use super::scalars::Date;
use crate::graph::KnowledgeGraph;
use crate::model::{EntityKind, NodeId, Source};
use async_graphql::{Object, ID};

/// A news report the facts were taken from.
#[derive(Clone, Copy)]
pub struct SourceObj<'a> {
    pub g: &'a KnowledgeGraph,
    pub n: NodeId,
    s: &'a Source,
}

impl<'a> SourceObj<'a> {
    pub const KIND: EntityKind = EntityKind::Source;

    /// The source `n`, if it is one.
    pub fn of(g: &'a KnowledgeGraph, n: NodeId) -> Option<Self> {
        g.source(n).map(|s| SourceObj { g, n, s })
    }
}

connection!(SourceConnection, SourceEdge, SourceObj, "SourceConnection", "SourceEdge");

/// A news report the facts were taken from.
#[Object(name = "Source")]
impl<'a> SourceObj<'a> {
    /// Stable global id, e.g. "source:report-003-2023-12-28".
    pub async fn id(&self) -> ID {
        ID(self.s.id.clone())
    }
    /// Who published it, as far as the document shows.
    async fn outlet(&self) -> &str {
        &self.s.outlet
    }
    /// Its headline, or a descriptive title in our words when the document has none.
    async fn title(&self) -> &str {
        &self.s.title
    }
    /// When it was published.
    async fn published(&self) -> Option<Date> {
        self.s.published.map(Date)
    }
    /// The seed document the facts were read from.
    async fn document(&self) -> &str {
        &self.s.document
    }
    /// How its date or outlet was inferred, when the document does not say.
    async fn note(&self) -> Option<&str> {
        self.s.note.as_deref()
    }
    /// How many facts cite it: entities and relations (participations, positions...) alike.
    async fn fact_count(&self) -> u32 {
        self.g.reverse(self.n).fact_count
    }
    /// Who published it, when the document names them; null when it does not.
    async fn publisher(&self) -> Option<&str> {
        self.s.publisher.as_deref()
    }
    /// Who the document credits: contributing wire services and reporters, photo agencies.
    async fn credits(&self) -> &[String] {
        &self.s.credits
    }
}
