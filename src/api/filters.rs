//! Filter inputs and how names and ids in arguments are resolved.

use super::enums::*;
use super::error::{code, coded, not_found};
use super::scalars::Date;
use crate::graph::{EventsInRange, KnowledgeGraph, NameMatch};
use crate::model::{fold, EntityKind, NodeId};
use async_graphql::{ErrorExtensions, InputObject, Result, Value};
use std::borrow::Cow;

/// Which events to list. Every field narrows the list; an empty list is the same as
/// leaving the field out.
#[derive(InputObject, Clone, Default)]
pub struct EventFilter {
    /// Only events in which every one of these actors (ids or names) took part.
    pub involving: Option<Vec<String>>,
    /// Only events of these kinds.
    pub kinds: Option<Vec<GEventKind>>,
    /// Only events with this status.
    pub status: Option<GEventStatus>,
    /// Events at this place (id or name) or anywhere inside it (a venue inside a city inside
    /// a country).
    pub at: Option<String>,
    /// With to: events whose time span overlaps [from, to], both days included. Alone: on or
    /// after.
    pub from: Option<Date>,
    /// Alone: events on or before this day.
    pub to: Option<Date>,
    /// Only events with this topic (a whole topic, folded).
    pub topic: Option<String>,
    /// Only events the reports had told by this day (knowledge time): one of their sources
    /// was published on or before it.
    pub known_by: Option<Date>,
}

/// Which actors to list.
#[derive(InputObject, Clone, Default)]
pub struct ActorFilter {
    /// Actors one of whose names or aliases matches (as for `actor(name:)`).
    pub name: Option<String>,
    /// Only actors of this kind.
    pub kind: Option<GActorKind>,
    /// Actors holding an office whose title contains all these words (folded): "President
    /// of Mexico".
    pub holding: Option<String>,
    /// With holding: held on this day (as Actor.positions(asOf:) says).
    pub as_of: Option<Date>,
}

/// Which places to list.
#[derive(InputObject, Clone, Default)]
pub struct PlaceFilter {
    /// Places one of whose names or aliases matches (as for `place(name:)`).
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

/// Resolves `text`, an id or a name, to an entity of `kind`, for the argument `arg`.
/// Nothing found, or an id of another kind: NOT_FOUND. Several: AMBIGUOUS_NAME.
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
        code::AMBIGUOUS_NAME,
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

/// The entities of `kind` a name filter keeps (every match; never ambiguous).
pub fn name_matches(g: &KnowledgeGraph, kind: EntityKind, name: &str) -> Vec<NodeId> {
    match g.lookup_name(kind, name) {
        NameMatch::None => Vec::new(),
        NameMatch::One(n) => vec![n],
        NameMatch::Many(mut nodes) => {
            nodes.sort_by_key(|&n| g.rank(n));
            nodes
        }
    }
}

/// Is `b` in `list`, which is sorted by rank?
fn contains(g: &KnowledgeGraph, list: &[NodeId], n: NodeId) -> bool {
    let r = g.rank(n);
    list.binary_search_by_key(&r, |&x| g.rank(x)).is_ok()
}

/// The events a filter keeps, in date order.
pub enum EventList<'a> {
    /// A list (borrowed when the filter needed no copy).
    List(Cow<'a, [NodeId]>),
    /// Every event overlapping a date range: a view of the date index, never listed.
    Range(EventsInRange<'a>),
}

/// The events `filter` keeps from `base` (every event when `None`), in date order.
pub fn filter_events<'a>(
    g: &'a KnowledgeGraph,
    base: Option<&'a [NodeId]>,
    filter: Option<&EventFilter>,
) -> Result<EventList<'a>> {
    let empty = EventFilter::default();
    let f = filter.unwrap_or(&empty);
    // Every list here is in date order; the shortest drives, the others are probed.
    let mut lists: Vec<&'a [NodeId]> = base.into_iter().collect();
    for who in f.involving.iter().flatten() {
        let a = resolve(g, EntityKind::Actor, who, "involving")?;
        lists.push(&g.reverse(a).events);
    }
    if let Some(at) = &f.at {
        let p = resolve(g, EntityKind::Place, at, "at")?;
        lists.push(&g.reverse(p).events);
    }
    let (from, to) = (f.from.map(|d| d.0), f.to.map(|d| d.0));
    let range = (from.is_some() || to.is_some()).then(|| g.events_in_range(from, to));
    let known_by = f.known_by.map(|d| d.0);
    let unfiltered =
        f.kinds.as_ref().is_none_or(Vec::is_empty) && f.status.is_none() && f.topic.is_none() && known_by.is_none();
    if unfiltered && lists.len() <= 1 {
        // Nothing to check: the list or the range is the answer (no scan, whatever its length).
        let all = g.all(EntityKind::Event);
        match (range, lists.first()) {
            (None, list) => return Ok(EventList::List(Cow::Borrowed(list.copied().unwrap_or(all)))),
            (Some(r), None) => return Ok(EventList::Range(r)),
            (Some(_), Some(_)) => {}
        }
    }
    lists.sort_by_key(|l| l.len());
    let kinds: Vec<crate::model::EventKind> = f.kinds.iter().flatten().map(|&k| k.into()).collect();
    let status = f.status.map(crate::model::EventStatus::from);
    let topic = f.topic.as_deref().map(fold);
    let keeps = |n: NodeId, others: &[&[NodeId]], dates: bool| {
        let Some(e) = g.event(n) else { return false };
        (kinds.is_empty() || kinds.contains(&e.kind))
            && status.is_none_or(|s| e.status == s)
            && topic.as_ref().is_none_or(|t| e.topics.contains(t))
            && known_by.is_none_or(|d| g.known_by(n, d))
            && (!dates || e.when.overlaps(from, to))
            && others.iter().all(|l| contains(g, l, n))
    };
    // The date range drives when it is shorter than every list (its length is known without
    // listing it); otherwise the shortest list does and dates are checked item by item.
    let list: Vec<NodeId> = match range {
        Some(r) if lists.first().is_none_or(|l| r.len() <= l.len()) => {
            r.iter().filter(|&n| keeps(n, &lists, false)).collect()
        }
        _ => {
            let (driver, others) = lists.split_first().map_or((g.all(EntityKind::Event), &[][..]), |(d, o)| (*d, o));
            driver.iter().copied().filter(|&n| keeps(n, others, range.is_some())).collect()
        }
    };
    Ok(EventList::List(Cow::Owned(list)))
}
