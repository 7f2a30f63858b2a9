//! Filter inputs, how names and ids in arguments are resolved, and the graph queries they
//! make (the graph plans and answers the lists: `graph/lists.rs`).

use super::enums::*;
use super::error::{coded, not_found, Code};
use super::event_codes::GPloverType;
use super::scalars::Date;
use crate::graph::{ActorQuery, AgreementQuery, EventQuery, KnowledgeGraph, NameMatch, PlaceQuery, StatementQuery};
use crate::model::{
    ActorKind, AgreementKind, CameoCode, EntityKind, EventKind, EventStatus, NodeId, PlaceKind, PloverType,
};
use async_graphql::{ErrorExtensions, InputObject, Result, Value, ID};

/// Which events to list. Every field narrows the list; an empty list is the same as leaving the field out.
#[derive(InputObject, Clone, Default)]
pub struct EventFilter {
    /// Only events in which every one of these actors (ids or names) took part.
    pub involving: Option<Vec<String>>,
    /// Only events of these kinds.
    pub kinds: Option<Vec<GEventKind>>,
    /// Only events with this status.
    pub status: Option<GEventStatus>,
    /// Events at this place (id or name) or anywhere inside it (a venue inside a city inside a country).
    pub at: Option<String>,
    /// With to: events whose time span overlaps [from, to], both days included. Alone: on or after.
    pub from: Option<Date>,
    /// Alone: events on or before this day.
    pub to: Option<Date>,
    /// Only events with this topic (a whole topic, folded).
    pub topic: Option<String>,
    /// Only events the reports had told by this day (knowledge time): one of their sources was published on or before it.
    pub known_by: Option<Date>,
    /// Only events whose CAMEO code (Event.cameo) is one of these or lies under one: "04" keeps every consultation (040 to 046), "042" keeps 042 and its sub-codes.
    pub cameo: Option<Vec<String>>,
    /// Only events of one of these PLOVER types (Event.plover; statements have none).
    pub plover: Option<Vec<GPloverType>>,
    /// Only the events with these ids (a set drawn or selected elsewhere), in the list's order; an id no event has keeps nothing.
    pub ids: Option<Vec<ID>>,
}

/// Which actors to list.
#[derive(InputObject, Clone, Default)]
pub struct ActorFilter {
    /// Every actor one of whose names (name or alias) contains all these words as whole words, accents, case and punctuation aside, exact matches included (not a lookup: never ambiguous, never NOT_FOUND).
    pub name: Option<String>,
    /// Only actors of this kind.
    pub kind: Option<GActorKind>,
    /// Actors holding an office whose title contains all these words (folded): "President of Mexico".
    pub holding: Option<String>,
    /// With holding: held on this day (as Actor.positions(asOf:) says).
    pub as_of: Option<Date>,
}

/// Which places to list.
#[derive(InputObject, Clone, Default)]
pub struct PlaceFilter {
    /// Every place one of whose names (name or alias) contains all these words as whole words, accents, case and punctuation aside, exact matches included (not a lookup: never ambiguous, never NOT_FOUND).
    pub name: Option<String>,
    /// Only places of this kind.
    pub kind: Option<GPlaceKind>,
    /// Only places inside this place (id or name), at any depth.
    pub within: Option<String>,
}

/// Which agreements to list.
#[derive(InputObject, Clone, Default)]
pub struct AgreementFilter {
    /// Only agreements this actor (id or name) is a party to.
    pub party: Option<String>,
    /// Only agreements of this kind.
    pub kind: Option<GAgreementKind>,
    /// Only agreements the reports had told by this day (knowledge time).
    pub known_by: Option<Date>,
}

/// Which statements to list.
#[derive(InputObject, Clone, Default)]
pub struct StatementFilter {
    /// Only statements by this actor (id or name).
    pub speaker: Option<String>,
    /// Statements made on or after this day (spans overlapping, as for events).
    pub from: Option<Date>,
    /// Statements made on or before this day.
    pub to: Option<Date>,
    /// Only statements the reports had told by this day (knowledge time).
    pub known_by: Option<Date>,
}

/// True when `text` is written like an id (`kind:slug`).
fn looks_like_id(text: &str) -> bool {
    text.split_once(':').is_some_and(|(k, s)| EntityKind::parse(k).is_some() && !s.is_empty() && !s.contains(' '))
}

/// Resolves `text`, an id or a name, to an entity of `kind`, for the argument `arg`. Nothing found, or an id of another kind: NOT_FOUND. Several: AMBIGUOUS_NAME.
pub fn resolve(g: &KnowledgeGraph, kind: EntityKind, text: &str, arg: &str) -> Result<NodeId> {
    let what = kind.as_str();
    if looks_like_id(text) {
        return match g.get(text) {
            Some(n) if g.entity(n).kind() == kind => Ok(n),
            Some(_) => Err(not_found(format!("`{arg}`: `{text}` is not {}", kind.with_article()))),
            None => Err(not_found(format!("`{arg}`: no {what} has the id `{text}`"))),
        };
    }
    match g.lookup_name(kind, text) {
        NameMatch::One(n) => Ok(n),
        NameMatch::None => Err(not_found(format!("`{arg}`: no {what} is named `{}`", clip(text)))),
        NameMatch::Many(nodes) => Err(ambiguous(g, text, &nodes)),
    }
}

/// The AMBIGUOUS_NAME error for `text`, listing the candidates.
pub fn ambiguous(g: &KnowledgeGraph, text: &str, nodes: &[NodeId]) -> async_graphql::Error {
    let names: Vec<String> = nodes.iter().map(|&n| format!("{} ({})", g.entity(n).label(), g.entity(n).id())).collect();
    let candidates: Vec<Value> = nodes
        .iter()
        .map(|&n| {
            let e = g.entity(n);
            Value::from_json(serde_json::json!({ "id": e.id(), "name": e.label() })).unwrap_or(Value::Null)
        })
        .collect();
    coded(
        Code::AmbiguousName,
        format!("`{}` fits several entities: {}; use an id or a fuller name", clip(text), names.join(", ")),
    )
    .extend_with(|_, e| e.set("candidates", Value::List(candidates.clone())))
}

/// At most 100 characters of user text, for messages.
fn clip(text: &str) -> String {
    match text.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// `q` narrowed by `filter` (names and ids resolved; `q` is what the field's parent already narrows to, such as the actor whose events these are).
pub fn event_query(g: &KnowledgeGraph, mut q: EventQuery, filter: Option<&EventFilter>) -> Result<EventQuery> {
    let Some(f) = filter else { return Ok(q) };
    for who in f.involving.iter().flatten() {
        q.involving.push(resolve(g, EntityKind::Actor, who, "involving")?);
    }
    if let Some(at) = &f.at {
        q.at.push(resolve(g, EntityKind::Place, at, "at")?);
    }
    q.kinds.extend(f.kinds.iter().flatten().map(|&k| EventKind::from(k)));
    q.status = f.status.map(EventStatus::from);
    (q.from, q.to) = (f.from.map(|d| d.0), f.to.map(|d| d.0));
    q.topic = f.topic.clone();
    q.known_by = f.known_by.map(|d| d.0);
    for code in f.cameo.iter().flatten() {
        q.cameo.push(CameoCode::parse(code).map_err(|e| super::error::bad_input(format!("`cameo`: {e}")))?);
    }
    q.plover.extend(f.plover.iter().flatten().map(|&p| PloverType::from(p)));
    if let Some(ids) = f.ids.as_ref().filter(|ids| !ids.is_empty()) {
        let events = ids.iter().filter_map(|id| g.get(id)).filter(|&n| g.entity(n).kind() == EntityKind::Event);
        q.ids = Some(events.collect());
    }
    Ok(q)
}

/// The graph query for an actor filter. `asOf` without `holding`: BAD_USER_INPUT.
pub fn actor_query(filter: Option<&ActorFilter>) -> Result<ActorQuery> {
    let Some(f) = filter else { return Ok(ActorQuery::default()) };
    if f.as_of.is_some() && f.holding.is_none() {
        return Err(super::error::bad_input("`asOf` in an actor filter needs `holding`: the office held on that day"));
    }
    Ok(ActorQuery {
        name: f.name.clone(),
        kind: f.kind.map(ActorKind::from),
        holding: f.holding.clone(),
        as_of: f.as_of.map(|d| d.0),
    })
}

/// The graph query for a place filter (names and ids resolved).
pub fn place_query(g: &KnowledgeGraph, filter: Option<&PlaceFilter>) -> Result<PlaceQuery> {
    let Some(f) = filter else { return Ok(PlaceQuery::default()) };
    let within = f.within.as_deref().map(|w| resolve(g, EntityKind::Place, w, "within")).transpose()?;
    Ok(PlaceQuery { name: f.name.clone(), kind: f.kind.map(PlaceKind::from), within })
}

/// `q` narrowed by `filter` (names and ids resolved).
pub fn agreement_query(
    g: &KnowledgeGraph,
    mut q: AgreementQuery,
    filter: Option<&AgreementFilter>,
) -> Result<AgreementQuery> {
    let Some(f) = filter else { return Ok(q) };
    if let Some(p) = &f.party {
        q.parties.push(resolve(g, EntityKind::Actor, p, "party")?);
    }
    q.kind = f.kind.map(AgreementKind::from);
    q.known_by = f.known_by.map(|d| d.0);
    Ok(q)
}

/// `q` narrowed by `filter` (names and ids resolved).
pub fn statement_query(
    g: &KnowledgeGraph,
    mut q: StatementQuery,
    filter: Option<&StatementFilter>,
) -> Result<StatementQuery> {
    let Some(f) = filter else { return Ok(q) };
    if let Some(s) = &f.speaker {
        q.speakers.push(resolve(g, EntityKind::Actor, s, "speaker")?);
    }
    (q.from, q.to) = (f.from.map(|d| d.0), f.to.map(|d| d.0));
    q.known_by = f.known_by.map(|d| d.0);
    Ok(q)
}
