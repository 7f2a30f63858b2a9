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
        source_fields::id(self)
    }
    /// Who published it, as far as the document shows.
    async fn outlet(&self) -> &str {
        source_fields::outlet(self)
    }
    /// Its headline, or a descriptive title in our words when the document has none.
    async fn title(&self) -> &str {
        source_fields::title(self)
    }
    /// When it was published.
    async fn published(&self) -> Option<Date> {
        source_fields::published(self)
    }
    /// The seed document the facts were read from.
    async fn document(&self) -> &str {
        source_fields::document(self)
    }
    /// How its date or outlet was inferred, when the document does not say.
    async fn note(&self) -> Option<&str> {
        source_fields::note(self)
    }
    /// How many facts cite it: entities and relations (participations, positions...) alike.
    async fn fact_count(&self) -> u32 {
        source_fields::fact_count(self)
    }
    /// Who published it, when the document names them; null when it does not.
    async fn publisher(&self) -> Option<&str> {
        source_fields::publisher(self)
    }
    /// Who the document credits: contributing wire services and reporters, photo agencies.
    async fn credits(&self) -> &[String] {
        source_fields::credits(self)
    }
}

/// The logic of each `SourceObj` field, as plain functions: its resolver above and compiled plans (`api::plan`) both call them.
pub(crate) mod source_fields {
    use super::*;

    pub(crate) fn id<'a>(o: &SourceObj<'a>) -> ID {
        ID(o.s.id.clone())
    }

    pub(crate) fn outlet<'s, 'a>(o: &'s SourceObj<'a>) -> &'s str {
        &o.s.outlet
    }

    pub(crate) fn title<'s, 'a>(o: &'s SourceObj<'a>) -> &'s str {
        &o.s.title
    }

    pub(crate) fn published<'a>(o: &SourceObj<'a>) -> Option<Date> {
        o.s.published.map(Date)
    }

    pub(crate) fn document<'s, 'a>(o: &'s SourceObj<'a>) -> &'s str {
        &o.s.document
    }

    pub(crate) fn note<'s, 'a>(o: &'s SourceObj<'a>) -> Option<&'s str> {
        o.s.note.as_deref()
    }

    pub(crate) fn fact_count<'a>(o: &SourceObj<'a>) -> u32 {
        o.g.reverse(o.n).fact_count
    }

    pub(crate) fn publisher<'s, 'a>(o: &'s SourceObj<'a>) -> Option<&'s str> {
        o.s.publisher.as_deref()
    }

    pub(crate) fn credits<'s, 'a>(o: &'s SourceObj<'a>) -> &'s [String] {
        &o.s.credits
    }
}
