//! `Place`: a country, region, city, venue, airport or base.

use super::common::{notes, sources, NoteObj};
use super::enums::{EventOrder, GPlaceKind};
use super::event::{event_connection, EventConnection};
use super::filters::{name_matches, resolve, EventFilter, PlaceFilter};
use super::paging::connection;
use super::paging::PageArgs;
use super::source::SourceObj;
use crate::graph::KnowledgeGraph;
use crate::model::{EntityKind, NodeId, Place, PlaceKind};
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

/// True when `inner` is `outer` or lies anywhere inside it.
pub fn is_within(g: &KnowledgeGraph, inner: NodeId, outer: NodeId) -> bool {
    let mut at = g.place(inner).and_then(|p| p.within);
    for _ in 0..64 {
        match at {
            Some(p) if p == outer => return true,
            Some(p) => at = g.place(p).and_then(|pl| pl.within),
            None => return false,
        }
    }
    false
}

/// The places `filter` keeps, by name.
pub fn place_list(g: &KnowledgeGraph, filter: Option<&PlaceFilter>) -> Result<Vec<NodeId>> {
    let Some(f) = filter else { return Ok(g.all(EntityKind::Place).to_vec()) };
    let within = f.within.as_deref().map(|w| resolve(g, EntityKind::Place, w, "within")).transpose()?;
    let kind = f.kind.map(PlaceKind::from);
    let base = match &f.name {
        Some(name) => name_matches(g, EntityKind::Place, name),
        None => g.all(EntityKind::Place).to_vec(),
    };
    Ok(base
        .into_iter()
        .filter(|&n| {
            g.place(n).is_some_and(|p| kind.is_none_or(|k| p.kind == k)) && within.is_none_or(|w| is_within(g, n, w))
        })
        .collect())
}

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
        let base = &self.g.reverse(self.n).events;
        event_connection(self.g, Some(base), filter.as_ref(), order_by, &PageArgs { first, after, last, before })
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
