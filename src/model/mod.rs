//! The domain: what Diplograph knows about actors, events, places, agreements, statements and
//! the reports that tell them.
//!
//! Architecture Invariant: this layer knows nothing of files, serde, GraphQL or HTTP. Records
//! refer to each other through [`NodeId`]s that the seed layer resolved; the graph layer
//! derives its links from those fields.

mod codes;
mod enums;
mod text;
mod time;

pub use codes::{CameoCode, CodeError, CodeOverride, Dyad, EventCodes, Plover, PloverType};
pub use enums::*;
pub use text::{fold, fold_words, FoldedName};
pub use time::{iso_day, DateError, TimeSpan};

use chrono::NaiveDate;

/// The index of an entity in the knowledge graph (dense, assigned at load).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The index as a `usize`, for vectors indexed by node.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A news report the facts were read from.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Source {
    pub id: String,
    pub outlet: String,
    pub title: String,
    pub published: Option<NaiveDate>,
    /// File name of the report in the shared seed documents.
    pub document: String,
    /// How the date or outlet was inferred, when the report does not say.
    pub note: Option<String>,
    /// Who published it, when the document names them.
    pub publisher: Option<String>,
    /// Who the document credits (contributing wire services and reporters, photo
    /// agencies), in the order it names them.
    pub credits: Vec<String>,
}

/// Another version of a fact, or a remark on one, with the reports behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub text: String,
    pub sources: Vec<NodeId>,
}

/// A person, government or organisation.
#[derive(Clone, Debug, PartialEq)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: ActorKind,
    /// The country it belongs to or governs.
    pub country: Option<NodeId>,
    pub summary: Option<String>,
    pub positions: Vec<Position>,
    pub notes: Vec<Note>,
    pub sources: Vec<NodeId>,
}

/// An office held by an actor.
#[derive(Clone, Debug, PartialEq)]
pub struct Position {
    pub title: String,
    pub organization: Option<NodeId>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// The days reports say the office was held on, when its span is unknown; in date
    /// order, each once.
    pub attested: Vec<NaiveDate>,
    pub sources: Vec<NodeId>,
}

/// A country, region, city, venue, airport or base.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: PlaceKind,
    pub code: Option<String>,
    pub within: Option<NodeId>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub notes: Vec<Note>,
    pub sources: Vec<NodeId>,
}

/// Something that happened or is planned: a meeting, call, trip...
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: String,
    pub title: String,
    pub kind: EventKind,
    pub mode: EventMode,
    pub status: EventStatus,
    pub when: TimeSpan,
    pub place: Option<NodeId>,
    pub part_of: Option<NodeId>,
    pub participants: Vec<Participation>,
    pub topics: Vec<String>,
    pub summary: String,
    pub notes: Vec<Note>,
    pub sources: Vec<NodeId>,
    /// The seed record's own PLOVER and CAMEO codes, if it gives any (see [`Event::codes`]).
    pub code_override: CodeOverride,
}

/// An actor's part in an event.
#[derive(Clone, Debug, PartialEq)]
pub struct Participation {
    pub actor: NodeId,
    pub role: ParticipantRole,
    pub sources: Vec<NodeId>,
}

/// An amount of money in whole units of an ISO 4217 currency.
#[derive(Clone, Debug, PartialEq)]
pub struct Money {
    pub amount: f64,
    pub currency: String,
}

/// A memorandum, funding, loan, dialogue, partnership or commitment.
#[derive(Clone, Debug, PartialEq)]
pub struct Agreement {
    pub id: String,
    pub title: String,
    pub kind: AgreementKind,
    pub status: AgreementStatus,
    pub summary: String,
    pub parties: Vec<NodeId>,
    pub signatories: Vec<NodeId>,
    pub event: Option<NodeId>,
    /// The events it schedules (a dialogue it sets up for later).
    pub schedules: Vec<NodeId>,
    pub when: Option<TimeSpan>,
    pub amount: Option<Money>,
    pub duration_months: Option<u32>,
    pub topics: Vec<String>,
    pub notes: Vec<Note>,
    pub sources: Vec<NodeId>,
}

/// Something a named actor said: a short quotation or a paraphrase.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub id: String,
    pub speaker: NodeId,
    pub when: TimeSpan,
    pub channel: StatementChannel,
    pub text: String,
    /// True when `text` is the speaker's own words.
    pub quote: bool,
    pub about: Option<NodeId>,
    pub responds_to: Option<NodeId>,
    pub sources: Vec<NodeId>,
}

/// Any entity of the graph.
#[derive(Clone, Debug, PartialEq)]
pub enum Entity {
    Actor(Actor),
    Event(Event),
    Place(Place),
    Agreement(Agreement),
    Statement(Statement),
    Source(Source),
}

impl Entity {
    /// The stable, readable id (`actor:kamala-harris`).
    pub fn id(&self) -> &str {
        match self {
            Entity::Actor(x) => &x.id,
            Entity::Event(x) => &x.id,
            Entity::Place(x) => &x.id,
            Entity::Agreement(x) => &x.id,
            Entity::Statement(x) => &x.id,
            Entity::Source(x) => &x.id,
        }
    }

    /// Which kind of entity this is.
    pub fn kind(&self) -> EntityKind {
        match self {
            Entity::Actor(_) => EntityKind::Actor,
            Entity::Event(_) => EntityKind::Event,
            Entity::Place(_) => EntityKind::Place,
            Entity::Agreement(_) => EntityKind::Agreement,
            Entity::Statement(_) => EntityKind::Statement,
            Entity::Source(_) => EntityKind::Source,
        }
    }

    /// The name a person would read: a name, a title, a quotation or an outlet.
    pub fn label(&self) -> &str {
        match self {
            Entity::Actor(x) => &x.name,
            Entity::Event(x) => &x.title,
            Entity::Place(x) => &x.name,
            Entity::Agreement(x) => &x.title,
            Entity::Statement(x) => &x.text,
            Entity::Source(x) => &x.title,
        }
    }

    /// The reports that state this entity (a source cites nothing).
    pub fn sources(&self) -> &[NodeId] {
        match self {
            Entity::Actor(x) => &x.sources,
            Entity::Event(x) => &x.sources,
            Entity::Place(x) => &x.sources,
            Entity::Agreement(x) => &x.sources,
            Entity::Statement(x) => &x.sources,
            Entity::Source(_) => &[],
        }
    }

    /// The notes recording other versions of this entity's facts.
    pub fn notes(&self) -> &[Note] {
        match self {
            Entity::Actor(x) => &x.notes,
            Entity::Event(x) => &x.notes,
            Entity::Place(x) => &x.notes,
            Entity::Agreement(x) => &x.notes,
            Entity::Statement(_) | Entity::Source(_) => &[],
        }
    }
}
