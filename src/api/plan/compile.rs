//! From a validated document to a [`Plan`]: each selection set flattened for the one object
//! type it runs on (fragments whose type condition applies inlined, the others dropped), each
//! field resolved to a [`F`], its arguments kept as written (variables are bound per request)
//! and its `@skip`/`@include` conditions kept to be evaluated per request. A document with
//! anything this module does not know (introspection, a field it does not compile, a
//! response key given twice in a way whose merge depends on the data) gives no plan.

use async_graphql::parser::types::{
    Directive, ExecutableDocument, OperationDefinition, OperationType, Selection, SelectionSet, VariableDefinition,
};
use async_graphql::{Name, Positioned};
use async_graphql_value::Value as InputValue;

/// The object types a plan runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Query,
    Actor,
    Event,
    Place,
    Agreement,
    Source,
    Participation,
    TimeSpan,
    Money,
    PageInfo,
    Note,
    Position,
    Counterpart,
    Statement,
    Path,
    PathStep,
    Subgraph,
    Link,
    /// The `Node` interface: a value is one of the node types.
    NodeInterface,
    /// The `SearchHit` union: a value is one of the node types.
    SearchHit,
    EventFacets,
    AgreementFacets,
    StatementFacets,
    TimelineBucket,
    EventKindCount,
    EventStatusCount,
    EventModeCount,
    AgreementKindCount,
    AgreementStatusCount,
    StatementChannelCount,
    PlaceCount,
    ActorCount,
    TopicCount,
    CameoCount,
    PloverCount,
    /// A connection over one kind of node.
    Conn(Kind),
    /// An edge of such a connection.
    Edge(Kind),
}

/// The node kinds that have connections in a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Actor,
    Event,
    Place,
    Agreement,
    Source,
    Statement,
}

/// The object types of the `Node` interface and the `SearchHit` union.
const NODE_TYPES: [Ty; 6] = [Ty::Actor, Ty::Event, Ty::Place, Ty::Agreement, Ty::Statement, Ty::Source];

impl Ty {
    /// Its name in the schema.
    pub fn name(self) -> &'static str {
        match self {
            Ty::Query => "Query",
            Ty::Actor => "Actor",
            Ty::Event => "Event",
            Ty::Place => "Place",
            Ty::Agreement => "Agreement",
            Ty::Source => "Source",
            Ty::Participation => "Participation",
            Ty::TimeSpan => "TimeSpan",
            Ty::Money => "Money",
            Ty::PageInfo => "PageInfo",
            Ty::Note => "Note",
            Ty::Position => "Position",
            Ty::Counterpart => "Counterpart",
            Ty::Statement => "Statement",
            Ty::Path => "Path",
            Ty::PathStep => "PathStep",
            Ty::Subgraph => "Subgraph",
            Ty::Link => "Link",
            Ty::NodeInterface => "Node",
            Ty::EventFacets => "EventFacets",
            Ty::AgreementFacets => "AgreementFacets",
            Ty::StatementFacets => "StatementFacets",
            Ty::TimelineBucket => "TimelineBucket",
            Ty::EventKindCount => "EventKindCount",
            Ty::EventStatusCount => "EventStatusCount",
            Ty::EventModeCount => "EventModeCount",
            Ty::AgreementKindCount => "AgreementKindCount",
            Ty::AgreementStatusCount => "AgreementStatusCount",
            Ty::StatementChannelCount => "StatementChannelCount",
            Ty::PlaceCount => "PlaceCount",
            Ty::ActorCount => "ActorCount",
            Ty::TopicCount => "TopicCount",
            Ty::CameoCount => "CameoCount",
            Ty::PloverCount => "PloverCount",
            Ty::SearchHit => "SearchHit",
            Ty::Conn(Kind::Actor) => "ActorConnection",
            Ty::Conn(Kind::Event) => "EventConnection",
            Ty::Conn(Kind::Place) => "PlaceConnection",
            Ty::Conn(Kind::Agreement) => "AgreementConnection",
            Ty::Conn(Kind::Source) => "SourceConnection",
            Ty::Conn(Kind::Statement) => "StatementConnection",
            Ty::Edge(Kind::Actor) => "ActorEdge",
            Ty::Edge(Kind::Event) => "EventEdge",
            Ty::Edge(Kind::Place) => "PlaceEdge",
            Ty::Edge(Kind::Agreement) => "AgreementEdge",
            Ty::Edge(Kind::Source) => "SourceEdge",
            Ty::Edge(Kind::Statement) => "StatementEdge",
        }
    }

    /// Whether it is abstract (an interface or a union), its values one of [`NODE_TYPES`].
    fn is_abstract(self) -> bool {
        matches!(self, Ty::NodeInterface | Ty::SearchHit)
    }

    /// Whether a fragment on `condition` applies to an object of this type as async-graphql
    /// decides it: the same type or an interface it implements (not a union it belongs to:
    /// async-graphql keeps those only on a value of the union's type, `via`).
    fn accepts(self, condition: &str, via: Option<Ty>) -> Accepts {
        if self.name() == condition || (NODE_TYPES.contains(&self) && condition == "Node") {
            Accepts::Object
        } else if via.is_some_and(|v| v.name() == condition) {
            Accepts::Abstract
        } else {
            Accepts::No
        }
    }
}

/// How a fragment applies to an object.
#[derive(PartialEq, Eq)]
enum Accepts {
    /// On the object's own type (or an interface it implements).
    Object,
    /// On the abstract type of the value it is.
    Abstract,
    No,
}

/// The fields a plan knows, by their name in the schema (the type they are read on picks the
/// resolver).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum F {
    Typename,
    // Query
    Actor,
    Actors,
    Event,
    Events,
    Place,
    Places,
    Agreement,
    Agreements,
    Sources,
    Statements,
    Search,
    PathField,
    Neighborhood,
    // Entities
    Id,
    Name,
    Aliases,
    Kind,
    Summary,
    Country,
    Positions,
    Notes,
    Counterparts,
    Title,
    Mode,
    Status,
    When,
    Participants,
    PartOf,
    Parts,
    Topics,
    ScheduledBy,
    Cameo,
    CameoDescription,
    Code,
    ContainedIn,
    Contains,
    Latitude,
    Longitude,
    Parties,
    Signatories,
    Amount,
    DurationMonths,
    Schedules,
    Outlet,
    Published,
    Document,
    Note,
    FactCount,
    Publisher,
    Credits,
    Role,
    Start,
    End,
    Precision,
    Text,
    Currency,
    Organization,
    AsOf,
    Attested,
    SharedEvents,
    Speaker,
    Channel,
    Quote,
    About,
    RespondsTo,
    Responses,
    Hops,
    Steps,
    Link,
    Forward,
    Links,
    Truncated,
    From,
    To,
    // Facets and timelines
    Facets,
    Timeline,
    Kinds,
    Statuses,
    Modes,
    Countries,
    Plover,
    Amounts,
    Speakers,
    Channels,
    Label,
    Count,
    Imprecise,
    Topic,
    Description,
    Type,
    // Paging
    Edges,
    Nodes,
    PageInfo,
    TotalCount,
    Cursor,
    Node,
    HasNextPage,
    HasPreviousPage,
    StartCursor,
    EndCursor,
}

/// The field `name` of `ty`: what resolves it and the object type of its value (None for a
/// leaf); None when a plan does not compile it.
fn shape(ty: Ty, name: &str) -> Option<(F, Option<Ty>)> {
    use Ty as T;
    let leaf = |f| Some((f, None));
    let obj = |f, t| Some((f, Some(t)));
    match (ty, name) {
        (T::Query, "actor") => obj(F::Actor, T::Actor),
        (T::Query, "actors") => obj(F::Actors, T::Conn(Kind::Actor)),
        (T::Query, "event") => obj(F::Event, T::Event),
        (T::Query, "events") => obj(F::Events, T::Conn(Kind::Event)),
        (T::Query, "place") => obj(F::Place, T::Place),
        (T::Query, "places") => obj(F::Places, T::Conn(Kind::Place)),
        (T::Query, "agreement") => obj(F::Agreement, T::Agreement),
        (T::Query, "agreements") => obj(F::Agreements, T::Conn(Kind::Agreement)),
        (T::Query, "sources") => obj(F::Sources, T::Conn(Kind::Source)),
        (T::Query, "statements") => obj(F::Statements, T::Conn(Kind::Statement)),
        (T::Query, "node") => obj(F::Node, T::NodeInterface),
        (T::Query, "nodes") => obj(F::Nodes, T::NodeInterface),
        (T::Query, "search") => obj(F::Search, T::SearchHit),
        (T::Query, "path") => obj(F::PathField, T::Path),
        (T::Query, "neighborhood") => obj(F::Neighborhood, T::Subgraph),
        (T::Actor, "statements") => obj(F::Statements, T::Conn(Kind::Statement)),
        (T::Event, "statements") => obj(F::Statements, T::Statement),
        (T::Statement, "id") => leaf(F::Id),
        (T::Statement, "speaker") => obj(F::Speaker, T::Actor),
        (T::Statement, "when") => obj(F::When, T::TimeSpan),
        (T::Statement, "channel") => leaf(F::Channel),
        (T::Statement, "text") => leaf(F::Text),
        (T::Statement, "quote") => leaf(F::Quote),
        (T::Statement, "about") => obj(F::About, T::Event),
        (T::Statement, "respondsTo") => obj(F::RespondsTo, T::Statement),
        (T::Statement, "responses") => obj(F::Responses, T::Statement),
        (T::Statement, "sources") => obj(F::Sources, T::Source),
        (T::Path, "hops") => leaf(F::Hops),
        (T::Path, "steps") => obj(F::Steps, T::PathStep),
        (T::PathStep, "node") => obj(F::Node, T::NodeInterface),
        (T::PathStep, "link") => leaf(F::Link),
        (T::PathStep, "forward") => leaf(F::Forward),
        (T::Subgraph, "nodes") => obj(F::Nodes, T::NodeInterface),
        (T::Subgraph, "links") => obj(F::Links, T::Link),
        (T::Subgraph, "truncated") => leaf(F::Truncated),
        (T::Link, "from") => leaf(F::From),
        (T::Link, "to") => leaf(F::To),
        (T::Link, "kind") => leaf(F::Kind),

        (T::Actor | T::Event | T::Place | T::Agreement | T::Source, "id") => leaf(F::Id),
        (T::Actor | T::Place, "name") => leaf(F::Name),
        (T::Actor | T::Place, "aliases") => leaf(F::Aliases),
        (T::Actor | T::Event | T::Place | T::Agreement, "kind") => leaf(F::Kind),
        (T::Actor | T::Event | T::Agreement, "summary") => leaf(F::Summary),
        (T::Actor | T::Event | T::Place | T::Agreement | T::Position, "sources") => obj(F::Sources, T::Source),
        (T::Participation | T::Note, "sources") => obj(F::Sources, T::Source),
        (T::Actor | T::Event | T::Place | T::Agreement, "notes") => obj(F::Notes, T::Note),
        (T::Actor, "country") => obj(F::Country, T::Place),
        (T::Actor, "positions") => obj(F::Positions, T::Position),
        (T::Actor | T::Place, "events") => obj(F::Events, T::Conn(Kind::Event)),
        (T::Actor, "agreements") => obj(F::Agreements, T::Conn(Kind::Agreement)),
        (T::Actor, "counterparts") => obj(F::Counterparts, T::Counterpart),

        (T::Event | T::Agreement | T::Source | T::Position, "title") => leaf(F::Title),
        (T::Event, "mode") => leaf(F::Mode),
        (T::Event | T::Agreement, "status") => leaf(F::Status),
        (T::Event | T::Agreement, "when") => obj(F::When, T::TimeSpan),
        (T::Event, "place") => obj(F::Place, T::Place),
        (T::Event, "participants") => obj(F::Participants, T::Participation),
        (T::Event, "agreements") => obj(F::Agreements, T::Agreement),
        (T::Event, "partOf") => obj(F::PartOf, T::Event),
        (T::Event, "parts") => obj(F::Parts, T::Event),
        (T::Event | T::Agreement, "topics") => leaf(F::Topics),
        (T::Event, "scheduledBy") => obj(F::ScheduledBy, T::Agreement),
        (T::Event, "cameo") => leaf(F::Cameo),
        (T::Event, "cameoDescription") => leaf(F::CameoDescription),

        (T::Place, "code") => leaf(F::Code),
        (T::Place, "containedIn") => obj(F::ContainedIn, T::Place),
        (T::Place, "contains") => obj(F::Contains, T::Place),
        (T::Place, "latitude") => leaf(F::Latitude),
        (T::Place, "longitude") => leaf(F::Longitude),

        (T::Agreement, "parties") => obj(F::Parties, T::Actor),
        (T::Agreement, "signatories") => obj(F::Signatories, T::Actor),
        (T::Agreement, "event") => obj(F::Event, T::Event),
        (T::Agreement, "amount") => obj(F::Amount, T::Money),
        (T::Agreement, "durationMonths") => leaf(F::DurationMonths),
        (T::Agreement, "schedules") => obj(F::Schedules, T::Event),

        (T::Source, "outlet") => leaf(F::Outlet),
        (T::Source, "published") => leaf(F::Published),
        (T::Source, "document") => leaf(F::Document),
        (T::Source, "note") => leaf(F::Note),
        (T::Source, "factCount") => leaf(F::FactCount),
        (T::Source, "publisher") => leaf(F::Publisher),
        (T::Source, "credits") => leaf(F::Credits),

        (T::Participation | T::Counterpart, "actor") => obj(F::Actor, T::Actor),
        (T::Participation, "role") => leaf(F::Role),
        (T::Counterpart, "sharedEvents") => leaf(F::SharedEvents),
        (T::Note, "text") => leaf(F::Text),
        (T::Position, "organization") => obj(F::Organization, T::Actor),
        (T::Position | T::TimeSpan, "start") => leaf(F::Start),
        (T::Position | T::TimeSpan, "end") => leaf(F::End),
        (T::Position, "asOf") => leaf(F::AsOf),
        (T::Position, "attested") => leaf(F::Attested),

        (T::TimeSpan, "precision") => leaf(F::Precision),
        (T::TimeSpan, "text") => leaf(F::Text),
        (T::Money, "amount") => leaf(F::Amount),
        (T::Money, "currency") => leaf(F::Currency),

        (T::Conn(Kind::Event), "facets") => obj(F::Facets, T::EventFacets),
        (T::Conn(Kind::Agreement), "facets") => obj(F::Facets, T::AgreementFacets),
        (T::Conn(Kind::Statement), "facets") => obj(F::Facets, T::StatementFacets),
        (T::Conn(Kind::Event), "timeline") => obj(F::Timeline, T::TimelineBucket),
        (T::EventFacets, "kinds") => obj(F::Kinds, T::EventKindCount),
        (T::EventFacets, "statuses") => obj(F::Statuses, T::EventStatusCount),
        (T::EventFacets, "modes") => obj(F::Modes, T::EventModeCount),
        (T::EventFacets, "countries") => obj(F::Countries, T::PlaceCount),
        (T::EventFacets, "participants") => obj(F::Participants, T::ActorCount),
        (T::EventFacets, "topics") => obj(F::Topics, T::TopicCount),
        (T::EventFacets, "cameo") => obj(F::Cameo, T::CameoCount),
        (T::EventFacets, "plover") => obj(F::Plover, T::PloverCount),
        (T::AgreementFacets, "kinds") => obj(F::Kinds, T::AgreementKindCount),
        (T::AgreementFacets, "statuses") => obj(F::Statuses, T::AgreementStatusCount),
        (T::AgreementFacets, "parties") => obj(F::Parties, T::ActorCount),
        (T::AgreementFacets, "amounts") => obj(F::Amounts, T::Money),
        (T::StatementFacets, "speakers") => obj(F::Speakers, T::ActorCount),
        (T::StatementFacets, "channels") => obj(F::Channels, T::StatementChannelCount),
        (T::TimelineBucket, "start") => leaf(F::Start),
        (T::TimelineBucket, "end") => leaf(F::End),
        (T::TimelineBucket, "label") => leaf(F::Label),
        (T::TimelineBucket, "imprecise") => leaf(F::Imprecise),
        (T::EventKindCount | T::AgreementKindCount, "kind") => leaf(F::Kind),
        (T::EventStatusCount | T::AgreementStatusCount, "status") => leaf(F::Status),
        (T::EventModeCount, "mode") => leaf(F::Mode),
        (T::StatementChannelCount, "channel") => leaf(F::Channel),
        (T::PlaceCount, "place") => obj(F::Place, T::Place),
        (T::ActorCount, "actor") => obj(F::Actor, T::Actor),
        (T::TopicCount, "topic") => leaf(F::Topic),
        (T::CameoCount, "code") => leaf(F::Code),
        (T::CameoCount, "description") => leaf(F::Description),
        (T::PloverCount, "type") => leaf(F::Type),
        (
            T::TimelineBucket
            | T::EventKindCount
            | T::EventStatusCount
            | T::EventModeCount
            | T::AgreementKindCount
            | T::AgreementStatusCount
            | T::StatementChannelCount
            | T::PlaceCount
            | T::ActorCount
            | T::TopicCount
            | T::CameoCount
            | T::PloverCount,
            "count",
        ) => leaf(F::Count),

        (T::Conn(k), "edges") => obj(F::Edges, T::Edge(k)),
        (T::Conn(k), "nodes") => obj(F::Nodes, node_ty(k)),
        (T::Conn(_), "pageInfo") => obj(F::PageInfo, T::PageInfo),
        (T::Conn(_), "totalCount") => leaf(F::TotalCount),
        (T::Edge(_), "cursor") => leaf(F::Cursor),
        (T::Edge(k), "node") => obj(F::Node, node_ty(k)),
        (T::PageInfo, "hasNextPage") => leaf(F::HasNextPage),
        (T::PageInfo, "hasPreviousPage") => leaf(F::HasPreviousPage),
        (T::PageInfo, "startCursor") => leaf(F::StartCursor),
        (T::PageInfo, "endCursor") => leaf(F::EndCursor),
        _ => None,
    }
}

fn node_ty(k: Kind) -> Ty {
    match k {
        Kind::Actor => Ty::Actor,
        Kind::Event => Ty::Event,
        Kind::Place => Ty::Place,
        Kind::Agreement => Ty::Agreement,
        Kind::Source => Ty::Source,
        Kind::Statement => Ty::Statement,
    }
}

/// An `@skip(if:)` or `@include(if:)`, evaluated per request.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// True for `@include`, false for `@skip`.
    pub include: bool,
    /// The `if` argument as written (a literal or a variable).
    pub value: InputValue,
}

/// One field of a selection set, as the plan runs it.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldPlan {
    /// The key it is answered under (its alias or name).
    pub key: Name,
    /// What resolves it.
    pub f: F,
    /// Its arguments as written; variables are bound per request.
    pub args: Vec<(Name, InputValue)>,
    /// The conditions that must all hold for it to be answered (its own and those of the
    /// fragments it was inlined from).
    pub conditions: Vec<Condition>,
    /// Its selection set, flattened for the type of its value (empty for a leaf or a value of
    /// an abstract type).
    pub selection: Vec<FieldPlan>,
    /// For a value of an abstract type: its selection set flattened for each object type the
    /// value may be.
    pub variants: Vec<(Ty, Vec<FieldPlan>)>,
}

/// A compiled query operation.
#[derive(Debug)]
pub struct Plan {
    /// The operation's variable definitions (for default values).
    pub variables: Vec<Positioned<VariableDefinition>>,
    /// The root selection set, on `Query`.
    pub selection: Vec<FieldPlan>,
}

/// The plan of the operation `operation_name` of `doc` (the one chosen as async-graphql chooses
/// it), when every field it selects can be compiled.
pub fn compile(doc: &ExecutableDocument, operation_name: Option<&str>) -> Option<Plan> {
    let op: &OperationDefinition = match operation_name {
        Some(name) => &doc.operations.iter().find(|(n, _)| n.is_some_and(|n| n.as_str() == name))?.1.node,
        None => {
            let mut ops = doc.operations.iter();
            let (_, op) = ops.next()?;
            if ops.next().is_some() {
                return None;
            }
            &op.node
        }
    };
    if op.ty != OperationType::Query || !op.directives.is_empty() {
        return None;
    }
    let mut c = Compiler { doc, depth: 0 };
    let mut selection = Vec::new();
    c.set(Ty::Query, None, &op.selection_set.node, &[], &mut selection)?;
    Some(Plan { variables: op.variable_definitions.clone(), selection })
}

struct Compiler<'d> {
    doc: &'d ExecutableDocument,
    /// How deep fragments and fields nest (validation bounds it; this only guards the stack).
    depth: usize,
}

impl Compiler<'_> {
    /// Appends the fields `set` selects on an object of type `ty` (a value of the abstract type
    /// `via`, if any) to `out`, each under `conditions` and its own.
    fn set(
        &mut self,
        ty: Ty,
        via: Option<Ty>,
        set: &SelectionSet,
        conditions: &[Condition],
        out: &mut Vec<FieldPlan>,
    ) -> Option<()> {
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        for item in &set.items {
            let mut conds = conditions.to_vec();
            conds.extend(directives(item.node.directives())?);
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let name = field.name.node.as_str();
                    let (f, child) = if name == "__typename" { (F::Typename, None) } else { shape(ty, name)? };
                    let (mut selection, mut variants) = (Vec::new(), Vec::new());
                    match child {
                        Some(child) if child.is_abstract() => {
                            for t in NODE_TYPES {
                                let mut s = Vec::new();
                                self.set(t, Some(child), &field.selection_set.node, &[], &mut s)?;
                                variants.push((t, s));
                            }
                        }
                        Some(child) => self.set(child, None, &field.selection_set.node, &[], &mut selection)?,
                        None if !field.selection_set.node.items.is_empty() => return None,
                        None => {}
                    }
                    let args = field.arguments.iter().map(|(n, v)| (n.node.clone(), v.node.clone())).collect();
                    let key = field.response_key().node.clone();
                    let plan = FieldPlan { key, f, args, conditions: conds, selection, variants };
                    match out.iter().find(|p| p.key == plan.key) {
                        // The same leaf again, answered once where it first appears.
                        Some(p) if same_leaf(p, &plan) => {}
                        Some(_) => return None,
                        None => out.push(plan),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let frag = &self.doc.fragments.get(&spread.node.fragment_name.node)?.node;
                    match ty.accepts(frag.type_condition.node.on.node.as_str(), via) {
                        Accepts::Object => self.set(ty, None, &frag.selection_set.node, &conds, out)?,
                        Accepts::Abstract => self.set(ty, via, &frag.selection_set.node, &conds, out)?,
                        Accepts::No => {}
                    }
                }
                Selection::InlineFragment(inline) => {
                    let inline = &inline.node;
                    match inline.type_condition.as_ref().map(|t| ty.accepts(t.node.on.node.as_str(), via)) {
                        // No type condition: async-graphql adds the set on the same root.
                        None | Some(Accepts::Abstract) => self.set(ty, via, &inline.selection_set.node, &conds, out)?,
                        Some(Accepts::Object) => self.set(ty, None, &inline.selection_set.node, &conds, out)?,
                        Some(Accepts::No) => {}
                    }
                }
            }
        }
        self.depth -= 1;
        Some(())
    }
}

/// True when `b` repeats the leaf `a` unconditionally (validation has checked that fields
/// answered under one key are the same field with the same arguments).
fn same_leaf(a: &FieldPlan, b: &FieldPlan) -> bool {
    a.f == b.f
        && a.args == b.args
        && a.selection.is_empty()
        && b.selection.is_empty()
        && a.variants.is_empty()
        && b.variants.is_empty()
        && a.conditions.is_empty()
        && b.conditions.is_empty()
}

/// The conditions of `@skip`/`@include`; None for any other directive.
fn directives(list: &[Positioned<Directive>]) -> Option<Vec<Condition>> {
    list.iter()
        .map(|d| {
            let include = match d.node.name.node.as_str() {
                "skip" => false,
                "include" => true,
                _ => return None,
            };
            let value = d.node.get_argument("if")?.node.clone();
            Some(Condition { include, value })
        })
        .collect()
}
