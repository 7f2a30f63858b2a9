//! `Place`: a country, region, city, venue, airport or base.

use super::common::{notes, sources, NoteObj};
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
        ID(self.p.id.clone())
    }
    /// Its usual English name.
    async fn name(&self) -> &str {
        &self.p.name
    }
    /// Other names it is found by (local names, short forms).
    async fn aliases(&self) -> &[String] {
        &self.p.aliases
    }
    /// Country, region, city, venue, airport or military base.
    async fn kind(&self) -> GPlaceKind {
        self.p.kind.into()
    }
    /// A standard code where one exists: ISO 3166-1 alpha-3 for a country, IATA for an airport.
    async fn code(&self) -> Option<&str> {
        self.p.code.as_deref()
    }
    /// The place directly containing it (venue -> city -> country).
    async fn contained_in(&self) -> Option<PlaceObj<'a>> {
        self.p.within.and_then(|w| PlaceObj::of(self.g, w))
    }
    /// The places directly inside it, by name.
    async fn contains(&self) -> Vec<PlaceObj<'a>> {
        self.g.reverse(self.n).children.iter().filter_map(|&c| PlaceObj::of(self.g, c)).collect()
    }
    /// Latitude in degrees (WGS 84), where known.
    async fn latitude(&self) -> Option<f64> {
        self.p.latitude
    }
    /// Longitude in degrees (WGS 84), where known.
    async fn longitude(&self) -> Option<f64> {
        self.p.longitude
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
        let base = EventQuery { at: vec![self.n], ..EventQuery::default() };
        event_connection(self.g, base, filter.as_ref(), order_by, &PageArgs { first, after, last, before })
    }
    /// The reports that mention it.
    async fn sources(&self) -> Vec<SourceObj<'a>> {
        sources(self.g, &self.p.sources)
    }
    /// Other versions of its facts, where reports disagree.
    async fn notes(&self) -> Vec<NoteObj<'a>> {
        notes(self.g, &self.p.notes)
    }
}
