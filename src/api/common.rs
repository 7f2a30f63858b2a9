//! Small value types shared by the entity objects.

use super::enums::GDatePrecision;
use super::scalars::Date;
use super::source::SourceObj;
use crate::graph::KnowledgeGraph;
use crate::model::{self, NodeId};
use async_graphql::{Object, SimpleObject};

/// When something happened, to the precision the sources give.
pub struct TimeSpanObj(pub model::TimeSpan);

#[Object(name = "TimeSpan")]
impl TimeSpanObj {
    /// The first day it may cover.
    async fn start(&self) -> Date {
        time_span_fields::start(self)
    }
    /// The last day it may cover (the same as `start` for a known day).
    async fn end(&self) -> Date {
        time_span_fields::end(self)
    }
    /// Whether it is known to the day, the month or the year.
    async fn precision(&self) -> GDatePrecision {
        time_span_fields::precision(self)
    }
    /// ISO 8601: "2021-06-08", "2021-05", "2024", "2021-06-06/2021-06-08".
    async fn text(&self) -> String {
        time_span_fields::text(self)
    }
}

/// The logic of each `TimeSpanObj` field, as plain functions: its resolver above and compiled plans (`api::plan`) both call them.
pub(crate) mod time_span_fields {
    use super::*;

    pub(crate) fn start(o: &TimeSpanObj) -> Date {
        Date(o.0.start)
    }

    pub(crate) fn end(o: &TimeSpanObj) -> Date {
        Date(o.0.end)
    }

    pub(crate) fn precision(o: &TimeSpanObj) -> GDatePrecision {
        o.0.precision.into()
    }

    pub(crate) fn text(o: &TimeSpanObj) -> String {
        o.0.to_string()
    }
}

/// An amount of money.
#[derive(SimpleObject)]
#[graphql(name = "Money")]
pub struct MoneyObj {
    /// In whole units of the currency (exact up to 2^53).
    pub amount: f64,
    /// ISO 4217 code, e.g. USD.
    pub currency: String,
}

/// Another version of a fact, or a remark on it, with the reports behind it. Where reports disagree, the entity states one version and a note the other.
pub struct NoteObj<'a> {
    pub g: &'a KnowledgeGraph,
    pub note: &'a model::Note,
}

#[Object(name = "Note")]
impl<'a> NoteObj<'a> {
    /// The note, in our words.
    async fn text(&self) -> &str {
        note_fields::text(self)
    }
    /// The reports it rests on.
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        note_fields::sources(self)
    }
}

/// The logic of each `NoteObj` field, as plain functions: its resolver above and compiled plans (`api::plan`) both call them.
pub(crate) mod note_fields {
    use super::*;

    pub(crate) fn text<'s, 'a>(o: &'s NoteObj<'a>) -> &'s str {
        &o.note.text
    }

    pub(crate) fn sources<'a>(o: &NoteObj<'a>) -> Vec<SourceObj<'a>> {
        super::sources(o.g, &o.note.sources)
    }
}

/// The source objects of `ids`.
pub fn sources<'a>(g: &'a KnowledgeGraph, ids: &[NodeId]) -> Vec<SourceObj<'a>> {
    ids.iter().filter_map(|&n| SourceObj::of(g, n)).collect()
}

/// The note objects of `notes`.
pub fn notes<'a>(g: &'a KnowledgeGraph, notes: &'a [model::Note]) -> Vec<NoteObj<'a>> {
    notes.iter().map(|note| NoteObj { g, note }).collect()
}
