//! `Place`: a country, region, city, venue, airport or base.

use super::common::NoteObj;
use super::enums::{EventOrder, GPlaceKind};
use super::event::{event_connection, EventConnection};
use super::filters::EventFilter;
use super::paging::connection;
use super::paging::PageArgs;
use super::source::SourceObj;
use crate::graph::{EventQuery, KnowledgeGraph};
use crate::model::{EntityKind, NodeId, Place};
use async_graphql::{Object, Result, ID};

/// A place.
#[derive(Clone, Copy)]
pub struct PlaceObj<'a> {
    pub g: &'a KnowledgeGraph,
    pub n: NodeId,
    p: &'a Place,
}

impl<'a> PlaceObj<'a> {
    pub const KIND: EntityKind = EntityKind::Place;

    /// The place `n`, if it is one.
    pub fn of(g: &'a KnowledgeGraph, n: NodeId) -> Option<Self> {
        g.place(n).map(|p| PlaceObj { g, n, p })
    }
}

connection!(PlaceConnection, PlaceEdge, PlaceObj, "PlaceConnection", "PlaceEdge");

/// A country, region, city, venue, airport or military base.
#[Object(name = "Place")]
impl<'a> PlaceObj<'a> {
    /// Stable global id, e.g. "place:mexico-city".
    pub async fn id(&self) -> ID {
        place_fields::id(self)
    }
    /// Its usual English name.
    async fn name(&self) -> &str {
        place_fields::name(self)
    }
    /// Other names it is found by (local names, short forms).
    async fn aliases(&self) -> &[String] {
        place_fields::aliases(self)
    }
    /// Country, region, city, venue, airport or military base.
    async fn kind(&self) -> GPlaceKind {
        place_fields::kind(self)
    }
    /// A standard code where one exists: ISO 3166-1 alpha-3 for a country, IATA for an airport.
    async fn code(&self) -> Option<&str> {
        place_fields::code(self)
    }
    /// The place directly containing it (venue -> city -> country).
    async fn contained_in(&self) -> Option<PlaceObj<'a>> {
        place_fields::contained_in(self)
    }
    /// The places directly inside it, by name.
    async fn contains(&self) -> Vec<PlaceObj<'a>> {
        place_fields::contains(self)
    }
    /// Latitude in degrees (WGS 84), where known.
    async fn latitude(&self) -> Option<f64> {
        place_fields::latitude(self)
    }
    /// Longitude in degrees (WGS 84), where known.
    async fn longitude(&self) -> Option<f64> {
        place_fields::longitude(self)
    }
    /// Events here or anywhere inside this place.
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
        place_fields::events(self, filter, order_by, first, after, last, before)
    }
    /// The reports that mention it.
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        place_fields::sources(self)
    }
    /// Other versions of its facts, where reports disagree.
    async fn notes(&self) -> Vec<NoteObj<'a>> {
        place_fields::notes(self)
    }
}

/// The logic of each `PlaceObj` field, as plain functions: its resolver above and compiled plans (`api::plan`) both call them.
pub(crate) mod place_fields {
    use super::*;

    pub(crate) fn id<'a>(o: &PlaceObj<'a>) -> ID {
        ID(o.p.id.clone())
    }

    pub(crate) fn name<'s, 'a>(o: &'s PlaceObj<'a>) -> &'s str {
        &o.p.name
    }

    pub(crate) fn aliases<'s, 'a>(o: &'s PlaceObj<'a>) -> &'s [String] {
        &o.p.aliases
    }

    pub(crate) fn kind<'a>(o: &PlaceObj<'a>) -> GPlaceKind {
        o.p.kind.into()
    }

    pub(crate) fn code<'s, 'a>(o: &'s PlaceObj<'a>) -> Option<&'s str> {
        o.p.code.as_deref()
    }

    pub(crate) fn contained_in<'a>(o: &PlaceObj<'a>) -> Option<PlaceObj<'a>> {
        o.p.within.and_then(|w| PlaceObj::of(o.g, w))
    }

    pub(crate) fn contains<'a>(o: &PlaceObj<'a>) -> Vec<PlaceObj<'a>> {
        o.g.reverse(o.n).children.iter().filter_map(|&c| PlaceObj::of(o.g, c)).collect()
    }

    pub(crate) fn latitude<'a>(o: &PlaceObj<'a>) -> Option<f64> {
        o.p.latitude
    }

    pub(crate) fn longitude<'a>(o: &PlaceObj<'a>) -> Option<f64> {
        o.p.longitude
    }

    pub(crate) fn events<'a>(
        o: &PlaceObj<'a>,
        filter: Option<EventFilter>,
        order_by: Option<EventOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<EventConnection<'a>> {
        let base = EventQuery { at: vec![o.n], ..EventQuery::default() };
        event_connection(o.g, base, filter.as_ref(), order_by, &PageArgs { first, after, last, before })
    }

    pub(crate) fn sources<'a>(o: &PlaceObj<'a>) -> Vec<SourceObj<'a>> {
        crate::api::common::sources(o.g, &o.p.sources)
    }

    pub(crate) fn notes<'a>(o: &PlaceObj<'a>) -> Vec<NoteObj<'a>> {
        crate::api::common::notes(o.g, &o.p.notes)
    }
}
