//! Running a [`Plan`] over a graph snapshot, writing JSON as it goes. Every value comes from
//! the plain function that async-graphql's resolver for the same field calls (the `*_fields`
//! modules beside each object, the root's functions in `query.rs`); this module only
//! dispatches and writes. Anything unexpected (an
//! argument that does not parse, a resolver's error, a resolver that would wait) stops the
//! run with `None`, and the caller answers through async-graphql instead.

use super::compile::{Condition, FieldPlan, Plan, F};
use crate::api::actor::{
    actor_fields, counterpart_fields, position_fields, ActorConnection, ActorEdge, ActorObj, Counterpart, PositionObj,
};
use crate::api::agreement::agreement_connection_fields;
use crate::api::agreement::{agreement_fields, AgreementConnection, AgreementEdge, AgreementObj};
use crate::api::analytics::{
    agreement_facet_fields, event_facet_fields, statement_facet_fields, ActorCount, AgreementFacets,
    AgreementKindCount, AgreementStatusCount, CameoCount, EventFacets, EventKindCount, EventModeCount,
    EventStatusCount, PlaceCount, PloverCount, StatementChannelCount, StatementFacets, TimeBucket, TimelineBucket,
    TopicCount,
};
use crate::api::common::{note_fields, time_span_fields, MoneyObj, NoteObj, TimeSpanObj};
use crate::api::enums::{EventOrder, GActorKind};
use crate::api::event::{
    event_connection, event_connection_fields, event_fields, participation_fields, EventConnection, EventEdge,
    EventObj, ParticipationObj,
};
use crate::api::filters::{ActorFilter, AgreementFilter, EventFilter, PlaceFilter, StatementFilter};
use crate::api::node::{path_fields, path_step_fields, subgraph_fields, Link, Node, PathObj, PathStepObj, SubgraphObj};
use crate::api::paging::{PageArgs, PageInfo};
use crate::api::place::{place_fields, PlaceConnection, PlaceEdge, PlaceObj};
use crate::api::query;
use crate::api::scalars::Date;
use crate::api::source::{source_fields, SourceConnection, SourceEdge, SourceObj};
use crate::api::statement::{
    statement_connection_fields, statement_fields, StatementConnection, StatementEdge, StatementObj,
};
use crate::graph::{EventQuery, KnowledgeGraph};
use async_graphql::resolver_utils::EnumType;
use async_graphql::{InputType, ScalarType, Value, Variables, ID};
use std::io::Write;

/// What a run reads: the snapshot, the request's variables and the operation's definitions.
pub struct Cx<'a> {
    pub g: &'a KnowledgeGraph,
    pub vars: &'a Variables,
    pub plan: &'a Plan,
}

/// The JSON being written.
pub type Out = Vec<u8>;

/// Writes the `data` of `plan` to `out`; None when the run had to stop.
pub fn data(cx: &Cx<'_>, out: &mut Out) -> Option<()> {
    object(cx, &cx.plan.selection, &QueryRoot, out)
}

impl Cx<'_> {
    /// The value of a variable, or its default, as async-graphql binds it in an argument.
    fn var(&self, name: &str) -> Option<Value> {
        let def = self.plan.variables.iter().find(|d| d.node.name.node == name)?;
        self.vars.get(&def.node.name.node).or_else(|| def.node.default_value()).cloned()
    }

    /// Argument `name` of `f`, parsed as the resolver's parameter is parsed.
    fn arg<T: InputType>(&self, f: &FieldPlan, name: &str) -> Option<T> {
        let value = match f.args.iter().find(|(n, _)| n.as_str() == name) {
            None => None,
            Some((_, v)) => Some(v.clone().into_const_with(|var| self.var(&var).ok_or(())).ok()?),
        };
        T::parse(value).ok()
    }

    /// The paging arguments of a connection field.
    fn page(&self, f: &FieldPlan) -> Option<PageArgs> {
        Some(PageArgs {
            first: self.arg(f, "first")?,
            after: self.arg(f, "after")?,
            last: self.arg(f, "last")?,
            before: self.arg(f, "before")?,
        })
    }

    /// Whether the conditions of `f` keep it, as async-graphql decides (request variables only,
    /// anything but `true`/`false` read as false).
    fn keeps(&self, f: &FieldPlan) -> bool {
        f.conditions.iter().all(|Condition { include, value }| {
            let v = value.clone().into_const_with(|name| self.vars.get(&name).cloned().ok_or(())).unwrap_or_default();
            let v: bool = InputType::parse(Some(v)).unwrap_or_default();
            *include == v
        })
    }
}

/// An object a plan writes fields of.
trait Obj {
    /// Its type's name, for `__typename`.
    const TYPE: &'static str;
    /// Writes the value of `f` on it.
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()>;
}

/// Writes `o` with the fields of `selection`; null when none is answered (as async-graphql
/// answers an object without fields).
fn object<T: Obj>(cx: &Cx<'_>, selection: &[FieldPlan], o: &T, out: &mut Out) -> Option<()> {
    let start = out.len();
    out.push(b'{');
    let mut any = false;
    for f in selection {
        if !cx.keeps(f) {
            continue;
        }
        if any {
            out.push(b',');
        }
        any = true;
        // A response key is a GraphQL name (letters, digits, `_`): nothing in it is escaped.
        out.push(b'"');
        out.extend_from_slice(f.key.as_bytes());
        out.extend_from_slice(b"\":");
        if f.f == F::Typename {
            string(T::TYPE, out);
        } else {
            o.field(cx, f, out)?;
        }
    }
    if any {
        out.push(b'}');
    } else {
        out.truncate(start);
        out.extend_from_slice(b"null");
    }
    Some(())
}

fn opt<T: Obj>(cx: &Cx<'_>, f: &FieldPlan, o: Option<&T>, out: &mut Out) -> Option<()> {
    match o {
        Some(o) => object(cx, &f.selection, o, out),
        None => {
            out.extend_from_slice(b"null");
            Some(())
        }
    }
}

/// Writes a value of an abstract type (`Node`, `SearchHit`) with the selection of its object type.
fn node(cx: &Cx<'_>, f: &FieldPlan, n: &Node<'_>, out: &mut Out) -> Option<()> {
    fn on<T: Obj>(cx: &Cx<'_>, f: &FieldPlan, o: &T, out: &mut Out) -> Option<()> {
        let (_, selection) = f.variants.iter().find(|(t, _)| t.name() == T::TYPE)?;
        object(cx, selection, o, out)
    }
    match n {
        Node::Actor(o) => on(cx, f, o, out),
        Node::Event(o) => on(cx, f, o, out),
        Node::Place(o) => on(cx, f, o, out),
        Node::Agreement(o) => on(cx, f, o, out),
        Node::Statement(o) => on(cx, f, o, out),
        Node::Source(o) => on(cx, f, o, out),
        Node::Change(_) => None,
    }
}

fn nodes<'n>(
    cx: &Cx<'_>,
    f: &FieldPlan,
    items: impl Iterator<Item = Option<&'n Node<'n>>>,
    out: &mut Out,
) -> Option<()> {
    out.push(b'[');
    for (i, n) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match n {
            Some(n) => node(cx, f, n, out)?,
            None => out.extend_from_slice(b"null"),
        }
    }
    out.push(b']');
    Some(())
}

fn list<T: Obj>(cx: &Cx<'_>, f: &FieldPlan, items: &[T], out: &mut Out) -> Option<()> {
    out.push(b'[');
    for (i, o) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        object(cx, &f.selection, o, out)?;
    }
    out.push(b']');
    Some(())
}

/// A JSON string, escaped as serde_json escapes it (`"` and `\\` escaped, control characters
/// as `\n`-style or `\u00XX` escapes, everything else as it is), eight bytes at a time where
/// none needs escaping: most text has none, and strings are most of an answer.
fn string(s: &str, out: &mut Out) {
    /// Bytes whose eight lanes are all `b`.
    const fn lanes(b: u8) -> u64 {
        u64::from_ne_bytes([b; 8])
    }
    /// Whether a lane of `w` is below 0x20, `"` or `\\` (SWAR: a zero lane after the xor, or a
    /// lane below 0x20, sets its high bit; lanes of 0x80 and above never do).
    fn special(w: u64) -> bool {
        let below = |v: u64, n: u8| v.wrapping_sub(lanes(n)) & !v & lanes(0x80);
        (below(w, 0x20) | below(w ^ lanes(b'"'), 1) | below(w ^ lanes(b'\\'), 1)) != 0
    }
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            if !special(u64::from_ne_bytes(word)) {
                i += 8;
                continue;
            }
        }
        let end = (i + 8).min(bytes.len());
        while i < end {
            let b = bytes[i];
            let escape: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0c => b"\\f",
                0..=0x1f => b"",
                _ => {
                    i += 1;
                    continue;
                }
            };
            out.extend_from_slice(&bytes[start..i]);
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
            } else {
                out.extend_from_slice(escape);
            }
            i += 1;
            start = i;
        }
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

fn opt_string(s: Option<&str>, out: &mut Out) -> Option<()> {
    match s {
        Some(s) => string(s, out),
        None => out.extend_from_slice(b"null"),
    }
    Some(())
}

fn strings(items: &[String], out: &mut Out) -> Option<()> {
    out.push(b'[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(s, out);
    }
    out.push(b']');
    Some(())
}

fn int(n: impl std::fmt::Display, out: &mut Out) -> Option<()> {
    write!(out, "{n}").ok()
}

fn boolean(b: bool, out: &mut Out) -> Option<()> {
    out.extend_from_slice(if b { b"true" } else { b"false" });
    Some(())
}

/// A scalar as its GraphQL value serializes (floats and dates as the reference writes them).
fn scalar<T: ScalarType>(v: &T, out: &mut Out) -> Option<()> {
    value(&v.to_value(), out)
}

fn opt_scalar<T: ScalarType>(v: Option<&T>, out: &mut Out) -> Option<()> {
    match v {
        Some(v) => scalar(v, out),
        None => {
            out.extend_from_slice(b"null");
            Some(())
        }
    }
}

fn value(v: &Value, out: &mut Out) -> Option<()> {
    serde_json::to_writer(&mut *out, v).ok()
}

/// An enum value by its name in the schema.
fn enumeration<E: EnumType + PartialEq + Copy>(e: E, out: &mut Out) -> Option<()> {
    string(E::items().iter().find(|i| i.value == e)?.name, out);
    Some(())
}

/// The root, which the plain functions of `api::query` answer.
struct QueryRoot;

impl Obj for QueryRoot {
    const TYPE: &'static str = "Query";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        let g = cx.g;
        match f.f {
            F::Actor => opt(cx, f, query::actor(g, cx.arg(f, "id")?, cx.arg(f, "name")?).ok()?.as_ref(), out),
            F::Actors => {
                let filter: Option<ActorFilter> = cx.arg(f, "filter")?;
                object(cx, &f.selection, &query::actors(g, filter.as_ref(), &cx.page(f)?).ok()?, out)
            }
            F::Event => opt(cx, f, query::event(g, &cx.arg::<ID>(f, "id")?).as_ref(), out),
            F::Events => {
                let filter: Option<EventFilter> = cx.arg(f, "filter")?;
                let order: Option<EventOrder> = cx.arg(f, "orderBy")?;
                let conn = event_connection(g, EventQuery::default(), filter.as_ref(), order, &cx.page(f)?).ok()?;
                object(cx, &f.selection, &conn, out)
            }
            F::Place => opt(cx, f, query::place(g, cx.arg(f, "id")?, cx.arg(f, "name")?).ok()?.as_ref(), out),
            F::Places => {
                let filter: Option<PlaceFilter> = cx.arg(f, "filter")?;
                object(cx, &f.selection, &query::places(g, filter.as_ref(), &cx.page(f)?).ok()?, out)
            }
            F::Agreement => opt(cx, f, query::agreement(g, &cx.arg::<ID>(f, "id")?).as_ref(), out),
            F::Agreements => {
                let filter: Option<AgreementFilter> = cx.arg(f, "filter")?;
                object(cx, &f.selection, &query::agreements(g, filter.as_ref(), &cx.page(f)?).ok()?, out)
            }
            F::Sources => object(cx, &f.selection, &query::sources(g, &cx.page(f)?).ok()?, out),
            F::Statements => {
                let filter: Option<StatementFilter> = cx.arg(f, "filter")?;
                object(cx, &f.selection, &query::statements(g, filter.as_ref(), &cx.page(f)?).ok()?, out)
            }
            // Changes of the log (`change:3`) are the writer's, not the graph's: async-graphql answers them.
            F::Node => match query::node(g, &cx.arg::<ID>(f, "id")?.filter_change()?) {
                Some(n) => node(cx, f, &n, out),
                None => {
                    out.extend_from_slice(b"null");
                    Some(())
                }
            },
            F::Nodes => {
                let ids = cx.arg::<Vec<ID>>(f, "ids")?;
                if ids.iter().any(|id| id.starts_with("change:")) {
                    return None;
                }
                let found = query::nodes(g, &ids).ok()?;
                nodes(cx, f, found.iter().map(Option::as_ref), out)
            }
            F::Search => {
                let found =
                    query::search(g, &cx.arg::<String>(f, "text")?, cx.arg(f, "kinds")?, cx.arg(f, "first")?).ok()?;
                nodes(cx, f, found.iter().map(Some), out)
            }
            F::PathField => {
                let (from, to) = (cx.arg::<ID>(f, "from")?, cx.arg::<ID>(f, "to")?);
                opt(cx, f, query::path(g, &from, &to, cx.arg(f, "maxHops")?).ok()?.as_ref(), out)
            }
            F::Neighborhood => {
                let sub =
                    query::neighborhood(g, &cx.arg::<ID>(f, "id")?, cx.arg(f, "depth")?, cx.arg(f, "limit")?).ok()?;
                object(cx, &f.selection, &sub, out)
            }
            _ => None,
        }
    }
}

impl Obj for ActorObj<'_> {
    const TYPE: &'static str = "Actor";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Id => string(&actor_fields::id(self), out),
            F::Name => string(actor_fields::name(self), out),
            F::Aliases => return strings(actor_fields::aliases(self), out),
            F::Kind => return enumeration(actor_fields::kind(self), out),
            F::Summary => return opt_string(actor_fields::summary(self), out),
            F::Country => return opt(cx, f, actor_fields::country(self).as_ref(), out),
            F::Positions => return list(cx, f, &actor_fields::positions(self, cx.arg(f, "asOf")?), out),
            F::Events => {
                let p = cx.page(f)?;
                let conn = actor_fields::events(
                    self,
                    cx.arg(f, "filter")?,
                    cx.arg(f, "orderBy")?,
                    p.first,
                    p.after,
                    p.last,
                    p.before,
                )
                .ok()?;
                return object(cx, &f.selection, &conn, out);
            }
            F::Agreements => {
                let p = cx.page(f)?;
                let conn =
                    actor_fields::agreements(self, cx.arg(f, "filter")?, p.first, p.after, p.last, p.before).ok()?;
                return object(cx, &f.selection, &conn, out);
            }
            F::Statements => {
                let p = cx.page(f)?;
                let conn =
                    actor_fields::statements(self, cx.arg(f, "filter")?, p.first, p.after, p.last, p.before).ok()?;
                return object(cx, &f.selection, &conn, out);
            }
            F::Counterparts => return list(cx, f, &actor_fields::counterparts(self, cx.arg(f, "first")?).ok()?, out),
            F::Sources => return list(cx, f, &actor_fields::sources(self), out),
            F::Notes => return list(cx, f, &actor_fields::notes(self), out),
            _ => return None,
        }
        Some(())
    }
}

impl Obj for EventObj<'_> {
    const TYPE: &'static str = "Event";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Id => string(&event_fields::id(self), out),
            F::Title => string(event_fields::title(self), out),
            F::Kind => return enumeration(event_fields::kind(self), out),
            F::Mode => return enumeration(event_fields::mode(self), out),
            F::Status => return enumeration(event_fields::status(self), out),
            F::When => return object(cx, &f.selection, &event_fields::when(self), out),
            F::Place => return opt(cx, f, event_fields::place(self).as_ref(), out),
            F::Summary => string(event_fields::summary(self), out),
            F::Participants => return list(cx, f, &event_fields::participants(self), out),
            F::Agreements => return list(cx, f, &event_fields::agreements(self), out),
            F::PartOf => return opt(cx, f, event_fields::part_of(self).as_ref(), out),
            F::Parts => return list(cx, f, &event_fields::parts(self), out),
            F::Topics => return strings(event_fields::topics(self), out),
            F::Sources => return list(cx, f, &event_fields::sources(self), out),
            F::Notes => return list(cx, f, &event_fields::notes(self), out),
            F::Statements => return list(cx, f, &event_fields::statements(self), out),
            F::ScheduledBy => return list(cx, f, &event_fields::scheduled_by(self), out),
            F::Cameo => string(&event_fields::cameo(self), out),
            F::CameoDescription => return opt_string(event_fields::cameo_description(self), out),
            _ => return None,
        }
        Some(())
    }
}

impl Obj for PlaceObj<'_> {
    const TYPE: &'static str = "Place";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Id => string(&place_fields::id(self), out),
            F::Name => string(place_fields::name(self), out),
            F::Aliases => return strings(place_fields::aliases(self), out),
            F::Kind => return enumeration(place_fields::kind(self), out),
            F::Code => return opt_string(place_fields::code(self), out),
            F::ContainedIn => return opt(cx, f, place_fields::contained_in(self).as_ref(), out),
            F::Contains => return list(cx, f, &place_fields::contains(self), out),
            F::Latitude => return opt_scalar(place_fields::latitude(self).as_ref(), out),
            F::Longitude => return opt_scalar(place_fields::longitude(self).as_ref(), out),
            F::Events => {
                let p = cx.page(f)?;
                let conn = place_fields::events(
                    self,
                    cx.arg(f, "filter")?,
                    cx.arg(f, "orderBy")?,
                    p.first,
                    p.after,
                    p.last,
                    p.before,
                )
                .ok()?;
                return object(cx, &f.selection, &conn, out);
            }
            F::Sources => return list(cx, f, &place_fields::sources(self), out),
            F::Notes => return list(cx, f, &place_fields::notes(self), out),
            _ => return None,
        }
        Some(())
    }
}

impl Obj for AgreementObj<'_> {
    const TYPE: &'static str = "Agreement";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Id => string(&agreement_fields::id(self), out),
            F::Title => string(agreement_fields::title(self), out),
            F::Kind => return enumeration(agreement_fields::kind(self), out),
            F::Status => return enumeration(agreement_fields::status(self), out),
            F::Summary => string(agreement_fields::summary(self), out),
            F::Parties => return list(cx, f, &agreement_fields::parties(self), out),
            F::Signatories => return list(cx, f, &agreement_fields::signatories(self), out),
            F::Event => return opt(cx, f, agreement_fields::event(self).as_ref(), out),
            F::When => return opt(cx, f, agreement_fields::when(self).as_ref(), out),
            F::Amount => return opt(cx, f, agreement_fields::amount(self).as_ref(), out),
            F::DurationMonths => match agreement_fields::duration_months(self) {
                Some(n) => return int(n, out),
                None => out.extend_from_slice(b"null"),
            },
            F::Topics => return strings(agreement_fields::topics(self), out),
            F::Sources => return list(cx, f, &agreement_fields::sources(self), out),
            F::Notes => return list(cx, f, &agreement_fields::notes(self), out),
            F::Schedules => return list(cx, f, &agreement_fields::schedules(self), out),
            _ => return None,
        }
        Some(())
    }
}

impl Obj for SourceObj<'_> {
    const TYPE: &'static str = "Source";
    fn field(&self, _cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Id => string(&source_fields::id(self), out),
            F::Outlet => string(source_fields::outlet(self), out),
            F::Title => string(source_fields::title(self), out),
            F::Published => return opt_scalar(source_fields::published(self).as_ref(), out),
            F::Document => string(source_fields::document(self), out),
            F::Note => return opt_string(source_fields::note(self), out),
            F::FactCount => return int(source_fields::fact_count(self), out),
            F::Publisher => return opt_string(source_fields::publisher(self), out),
            F::Credits => return strings(source_fields::credits(self), out),
            _ => return None,
        }
        Some(())
    }
}

impl Obj for StatementObj<'_> {
    const TYPE: &'static str = "Statement";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Id => string(&statement_fields::id(self), out),
            F::Speaker => return object(cx, &f.selection, &statement_fields::speaker(self).ok()?, out),
            F::When => return object(cx, &f.selection, &statement_fields::when(self), out),
            F::Channel => return enumeration(statement_fields::channel(self), out),
            F::Text => string(statement_fields::text(self), out),
            F::Quote => return boolean(statement_fields::quote(self), out),
            F::About => return opt(cx, f, statement_fields::about(self).as_ref(), out),
            F::RespondsTo => return opt(cx, f, statement_fields::responds_to(self).as_ref(), out),
            F::Responses => return list(cx, f, &statement_fields::responses(self), out),
            F::Sources => return list(cx, f, &statement_fields::sources(self), out),
            _ => return None,
        }
        Some(())
    }
}

impl Obj for PathObj<'_> {
    const TYPE: &'static str = "Path";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Hops => int(path_fields::hops(self), out),
            F::Steps => list(cx, f, &path_fields::steps(self), out),
            _ => None,
        }
    }
}

impl Obj for PathStepObj<'_> {
    const TYPE: &'static str = "PathStep";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Node => node(cx, f, path_step_fields::node(self), out),
            F::Link => opt_string(path_step_fields::link(self), out),
            F::Forward => match path_step_fields::forward(self) {
                Some(b) => boolean(b, out),
                None => {
                    out.extend_from_slice(b"null");
                    Some(())
                }
            },
            _ => None,
        }
    }
}

impl Obj for SubgraphObj<'_> {
    const TYPE: &'static str = "Subgraph";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Nodes => nodes(cx, f, subgraph_fields::nodes(self).iter().map(Some), out),
            F::Links => list(cx, f, &subgraph_fields::links(self), out),
            F::Truncated => boolean(subgraph_fields::truncated(self), out),
            _ => None,
        }
    }
}

impl Obj for Link {
    const TYPE: &'static str = "Link";
    fn field(&self, _cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::From => string(&self.from, out),
            F::To => string(&self.to, out),
            F::Kind => string(self.kind, out),
            _ => return None,
        }
        Some(())
    }
}

impl Obj for ParticipationObj<'_> {
    const TYPE: &'static str = "Participation";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Actor => object(cx, &f.selection, participation_fields::actor(self), out),
            F::Role => enumeration(participation_fields::role(self), out),
            F::Sources => list(cx, f, &participation_fields::sources(self), out),
            _ => None,
        }
    }
}

impl Obj for TimeSpanObj {
    const TYPE: &'static str = "TimeSpan";
    fn field(&self, _cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Start => scalar::<Date>(&time_span_fields::start(self), out),
            F::End => scalar::<Date>(&time_span_fields::end(self), out),
            F::Precision => enumeration(time_span_fields::precision(self), out),
            F::Text => {
                string(&time_span_fields::text(self), out);
                Some(())
            }
            _ => None,
        }
    }
}

impl Obj for MoneyObj {
    const TYPE: &'static str = "Money";
    fn field(&self, _cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Amount => scalar(&self.amount, out),
            F::Currency => {
                string(&self.currency, out);
                Some(())
            }
            _ => None,
        }
    }
}

impl Obj for NoteObj<'_> {
    const TYPE: &'static str = "Note";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Text => {
                string(note_fields::text(self), out);
                Some(())
            }
            F::Sources => list(cx, f, &note_fields::sources(self), out),
            _ => None,
        }
    }
}

impl Obj for PositionObj<'_> {
    const TYPE: &'static str = "Position";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Title => {
                string(position_fields::title(self), out);
                Some(())
            }
            F::Organization => opt(cx, f, position_fields::organization(self).as_ref(), out),
            F::Start => opt_scalar(position_fields::start(self).as_ref(), out),
            F::End => opt_scalar(position_fields::end(self).as_ref(), out),
            F::AsOf => opt_scalar(position_fields::as_of(self).as_ref(), out),
            F::Sources => list(cx, f, &position_fields::sources(self), out),
            F::Attested => {
                out.push(b'[');
                for (i, d) in position_fields::attested(self).iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    scalar(d, out)?;
                }
                out.push(b']');
                Some(())
            }
            _ => None,
        }
    }
}

impl Obj for Counterpart<'_> {
    const TYPE: &'static str = "Counterpart";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Actor => object(cx, &f.selection, counterpart_fields::actor(self), out),
            F::SharedEvents => int(counterpart_fields::shared_events(self), out),
            _ => None,
        }
    }
}

impl Obj for PageInfo {
    const TYPE: &'static str = "PageInfo";
    fn field(&self, _cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::HasNextPage => boolean(self.has_next_page, out),
            F::HasPreviousPage => boolean(self.has_previous_page, out),
            F::StartCursor => opt_string(self.start_cursor.as_deref(), out),
            F::EndCursor => opt_string(self.end_cursor.as_deref(), out),
            _ => None,
        }
    }
}

/// Connections and their edges, the same for every kind of node.
macro_rules! connection_objects {
    ($($conn:ident, $edge:ident, $conn_name:literal, $edge_name:literal;)*) => {$(
        impl Obj for $conn<'_> {
            const TYPE: &'static str = $conn_name;
            fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
                match f.f {
                    F::Edges => list(cx, f, &self.edge_list(), out),
                    F::Nodes => list(cx, f, &self.node_list(), out),
                    F::PageInfo => object(cx, &f.selection, &self.page().info, out),
                    F::TotalCount => int(self.page().total, out),
                    _ => self.beyond_page(cx, f, out),
                }
            }
        }

        impl Obj for $edge<'_> {
            const TYPE: &'static str = $edge_name;
            fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
                match f.f {
                    F::Cursor => {
                        string(&self.cursor_text(), out);
                        Some(())
                    }
                    F::Node => object(cx, &f.selection, self.item(), out),
                    _ => None,
                }
            }
        }
    )*};
}

connection_objects! {
    ActorConnection, ActorEdge, "ActorConnection", "ActorEdge";
    EventConnection, EventEdge, "EventConnection", "EventEdge";
    PlaceConnection, PlaceEdge, "PlaceConnection", "PlaceEdge";
    AgreementConnection, AgreementEdge, "AgreementConnection", "AgreementEdge";
    SourceConnection, SourceEdge, "SourceConnection", "SourceEdge";
    StatementConnection, StatementEdge, "StatementConnection", "StatementEdge";
}

/// The fields of a connection beyond its page (none by default).
trait BeyondPage {
    fn beyond_page(&self, _cx: &Cx<'_>, _f: &FieldPlan, _out: &mut Out) -> Option<()> {
        None
    }
}

impl BeyondPage for ActorConnection<'_> {}
impl BeyondPage for PlaceConnection<'_> {}
impl BeyondPage for SourceConnection<'_> {}

impl BeyondPage for EventConnection<'_> {
    fn beyond_page(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Facets => object(cx, &f.selection, &event_connection_fields::facets(self), out),
            F::Timeline => {
                let bucket: TimeBucket = cx.arg(f, "bucket")?;
                list(cx, f, &event_connection_fields::timeline(self, bucket).ok()?, out)
            }
            _ => None,
        }
    }
}

impl BeyondPage for AgreementConnection<'_> {
    fn beyond_page(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Facets => object(cx, &f.selection, &agreement_connection_fields::facets(self), out),
            _ => None,
        }
    }
}

impl BeyondPage for StatementConnection<'_> {
    fn beyond_page(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Facets => object(cx, &f.selection, &statement_connection_fields::facets(self), out),
            _ => None,
        }
    }
}

impl Obj for EventFacets<'_> {
    const TYPE: &'static str = "EventFacets";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        use event_facet_fields as e;
        match f.f {
            F::Kinds => list(cx, f, &e::kinds(self), out),
            F::Statuses => list(cx, f, &e::statuses(self), out),
            F::Modes => list(cx, f, &e::modes(self), out),
            F::Countries => list(cx, f, &e::countries(self, cx.arg(f, "first")?).ok()?, out),
            F::Participants => {
                let kind: Option<GActorKind> = cx.arg(f, "kind")?;
                list(cx, f, &e::participants(self, kind, cx.arg(f, "first")?).ok()?, out)
            }
            F::Topics => list(cx, f, &e::topics(self, cx.arg(f, "first")?).ok()?, out),
            F::Cameo => list(cx, f, &e::cameo(self, cx.arg(f, "first")?).ok()?, out),
            F::Plover => list(cx, f, &e::plover(self), out),
            _ => None,
        }
    }
}

impl Obj for AgreementFacets<'_> {
    const TYPE: &'static str = "AgreementFacets";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        use agreement_facet_fields as a;
        match f.f {
            F::Kinds => list(cx, f, &a::kinds(self), out),
            F::Statuses => list(cx, f, &a::statuses(self), out),
            F::Parties => {
                let kind: Option<GActorKind> = cx.arg(f, "kind")?;
                list(cx, f, &a::parties(self, kind, cx.arg(f, "first")?).ok()?, out)
            }
            F::Amounts => list(cx, f, &a::amounts(self), out),
            _ => None,
        }
    }
}

impl Obj for StatementFacets<'_> {
    const TYPE: &'static str = "StatementFacets";
    fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        use statement_facet_fields as s;
        match f.f {
            F::Speakers => list(cx, f, &s::speakers(self, cx.arg(f, "first")?).ok()?, out),
            F::Channels => list(cx, f, &s::channels(self), out),
            _ => None,
        }
    }
}

impl Obj for TimelineBucket {
    const TYPE: &'static str = "TimelineBucket";
    fn field(&self, _cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Start => scalar(&self.start, out),
            F::End => scalar(&self.end, out),
            F::Label => {
                string(&self.label, out);
                Some(())
            }
            F::Count => int(self.count, out),
            F::Imprecise => int(self.imprecise, out),
            _ => None,
        }
    }
}

/// The count objects of facets: a counted value and its count.
macro_rules! count_objects {
    ($($ty:ident $(<$l:lifetime>)?, $name:literal, $field:ident => $write:expr;)*) => {$(
        impl Obj for $ty $(<$l>)? {
            const TYPE: &'static str = $name;
            fn field(&self, cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
                match f.f {
                    F::Count => int(self.count, out),
                    F::$field => {
                        let write: fn(&Self, &Cx<'_>, &FieldPlan, &mut Out) -> Option<()> = $write;
                        write(self, cx, f, out)
                    }
                    _ => None,
                }
            }
        }
    )*};
}

count_objects! {
    EventKindCount, "EventKindCount", Kind => |c, _, _, out| enumeration(c.kind, out);
    EventStatusCount, "EventStatusCount", Status => |c, _, _, out| enumeration(c.status, out);
    EventModeCount, "EventModeCount", Mode => |c, _, _, out| enumeration(c.mode, out);
    AgreementKindCount, "AgreementKindCount", Kind => |c, _, _, out| enumeration(c.kind, out);
    AgreementStatusCount, "AgreementStatusCount", Status => |c, _, _, out| enumeration(c.status, out);
    StatementChannelCount, "StatementChannelCount", Channel => |c, _, _, out| enumeration(c.channel, out);
    PlaceCount<'_>, "PlaceCount", Place => |c, cx, f, out| object(cx, &f.selection, &c.place, out);
    ActorCount<'_>, "ActorCount", Actor => |c, cx, f, out| object(cx, &f.selection, &c.actor, out);
    TopicCount, "TopicCount", Topic => |c, _, _, out| {
        string(&c.topic, out);
        Some(())
    };
    PloverCount, "PloverCount", Type => |c, _, _, out| enumeration(c.r#type, out);
}

impl Obj for CameoCount {
    const TYPE: &'static str = "CameoCount";
    fn field(&self, _cx: &Cx<'_>, f: &FieldPlan, out: &mut Out) -> Option<()> {
        match f.f {
            F::Code => {
                string(&self.code, out);
                Some(())
            }
            F::Description => opt_string(self.description, out),
            F::Count => int(self.count, out),
            _ => None,
        }
    }
}

/// An id argument, or nothing when it names a change of the log (answered by async-graphql).
trait FilterChange: Sized {
    fn filter_change(self) -> Option<Self>;
}

impl FilterChange for ID {
    fn filter_change(self) -> Option<Self> {
        (!self.starts_with("change:")).then_some(self)
    }
}

#[cfg(test)]
mod tests {
    /// Strings are written byte for byte as serde_json writes them.
    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let every_ascii: String = (0u8..0x80).map(char::from).collect();
        let cases = [
            "",
            "plain text, long enough for a few words",
            "quote \" and backslash \\ at 9",
            "12345678\n",
            "1234567\"",
            "tab\there\r\n\u{8}\u{c}\u{1}\u{1f}\u{7f}",
            "López Obrador — «Palacio» 中文 😀 and more text after it",
            every_ascii.as_str(),
        ];
        for s in cases {
            let mut out = Vec::new();
            super::string(s, &mut out);
            assert_eq!(String::from_utf8(out).expect("utf-8"), serde_json::to_string(s).expect("json"), "{s:?}");
        }
    }
}
