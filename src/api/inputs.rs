//! The inputs of `applyChange`: the seed's records, field for field, in camelCase.
//!
//! A record given replaces the one with its id whole, as given: a field left out (an
//! event's `cameo`, an agreement's `schedules`...) is not kept from the record it replaces.

use super::enums::{
    GActorKind, GAgreementKind, GAgreementStatus, GEventKind, GEventMode, GEventStatus, GParticipantRole, GPlaceKind,
    GStatementChannel,
};
pub use super::scalars::Date as DateInput;
use super::scalars::Date;
use async_graphql::{InputObject, ID};

/// Records to add, or to replace by id, in one atomic change.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ChangeInput {
    /// News reports.
    pub sources: Option<Vec<SourceInput>>,
    /// People, governments, organisations.
    pub actors: Option<Vec<ActorInput>>,
    /// Countries, cities, venues...
    pub places: Option<Vec<PlaceInput>>,
    /// Meetings, calls, visits...
    pub events: Option<Vec<EventInput>>,
    /// Memoranda, funding, dialogues...
    pub agreements: Option<Vec<AgreementInput>>,
    /// What actors said.
    pub statements: Option<Vec<StatementInput>>,
    /// Why: kept in the change log.
    pub comment: Option<String>,
}

impl ChangeInput {
    /// How many records it holds.
    pub fn len(&self) -> usize {
        fn n<T>(v: &Option<Vec<T>>) -> usize {
            v.as_ref().map_or(0, Vec::len)
        }
        n(&self.sources)
            + n(&self.actors)
            + n(&self.places)
            + n(&self.events)
            + n(&self.agreements)
            + n(&self.statements)
    }

    /// True when it holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A news report.
#[derive(InputObject, Clone, Debug)]
pub struct SourceInput {
    /// `source:...`
    pub id: ID,
    /// Who published it, as far as the document shows.
    pub outlet: String,
    /// Who published it, when the document names them.
    pub publisher: Option<String>,
    /// Contributing wire services and reporters, photo agencies.
    pub credits: Option<Vec<String>>,
    /// Its headline, or a descriptive title.
    pub title: String,
    /// When it was published.
    pub published: Option<Date>,
    /// The document the facts were read from.
    pub document: String,
    /// How its date or outlet was inferred.
    pub note: Option<String>,
}

/// Another version of a fact, with its reports.
#[derive(InputObject, Clone, Debug)]
pub struct NoteInput {
    /// What this version says.
    pub text: String,
    /// The reports that say it.
    pub sources: Vec<ID>,
}

/// An office held.
#[derive(InputObject, Clone, Debug)]
pub struct PositionInput {
    /// The office.
    pub title: String,
    /// The organisation (an actor id).
    pub organization: Option<ID>,
    /// First day held, when known.
    pub start: Option<Date>,
    /// Last day held, when known.
    pub end: Option<Date>,
    /// A day the reports say it was held.
    pub as_of: Option<Date>,
    /// Every day the reports say it was held (the seed's `as_of` list); with `asOf`, both are kept.
    pub as_of_days: Option<Vec<Date>>,
    /// The reports that say so.
    pub sources: Vec<ID>,
}

/// A person, government or organisation.
#[derive(InputObject, Clone, Debug)]
pub struct ActorInput {
    /// `actor:...`
    pub id: ID,
    /// The name it is best known by.
    pub name: String,
    /// What sort of actor.
    pub kind: GActorKind,
    /// Other names.
    pub aliases: Option<Vec<String>>,
    /// Its country (a place id).
    pub country: Option<ID>,
    /// One or two sentences on who it is.
    pub summary: Option<String>,
    /// Offices held.
    pub positions: Option<Vec<PositionInput>>,
    /// Other versions of facts about it.
    pub notes: Option<Vec<NoteInput>>,
    /// The reports it is read from.
    pub sources: Vec<ID>,
}

/// A country, city, venue...
#[derive(InputObject, Clone, Debug)]
pub struct PlaceInput {
    /// `place:...`
    pub id: ID,
    /// Its name.
    pub name: String,
    /// What sort of place.
    pub kind: GPlaceKind,
    /// The place it is in (a place id).
    pub within: Option<ID>,
    /// ISO 3166-1 alpha-3 for a country, IATA for an airport.
    pub code: Option<String>,
    /// Other names.
    pub aliases: Option<Vec<String>>,
    /// Degrees north.
    pub latitude: Option<f64>,
    /// Degrees east.
    pub longitude: Option<f64>,
    /// Other versions of facts about it.
    pub notes: Option<Vec<NoteInput>>,
    /// The reports it is read from.
    pub sources: Vec<ID>,
}

/// An actor's part in an event.
#[derive(InputObject, Clone, Debug)]
pub struct ParticipantInput {
    /// The actor (an actor id).
    pub actor: ID,
    /// Its part.
    pub role: GParticipantRole,
    /// The reports that say so.
    pub sources: Vec<ID>,
}

/// A meeting, call, visit...
#[derive(InputObject, Clone, Debug)]
pub struct EventInput {
    /// `event:...`
    pub id: ID,
    /// A short title.
    pub title: String,
    /// What happened, in a sentence or two.
    pub summary: String,
    /// What sort of event.
    pub kind: GEventKind,
    /// How the participants met.
    pub mode: Option<GEventMode>,
    /// Whether it happened.
    pub status: GEventStatus,
    /// A time span as the seed writes it: 2021-06-08, 2021-05, 2021, 2023-12-18/2023-12-24.
    pub when: String,
    /// Where (a place id).
    pub place: Option<ID>,
    /// The event it is part of (an event id).
    pub part_of: Option<ID>,
    /// Subjects.
    pub topics: Option<Vec<String>>,
    /// Who took part.
    pub participants: Option<Vec<ParticipantInput>>,
    /// A CAMEO event code overriding the one derived from kind, mode and status ("046").
    pub cameo: Option<String>,
    /// A PLOVER event type, and mode, overriding the derived ones ("CONSULT:multilateral").
    pub plover: Option<String>,
    /// Other versions of facts about it.
    pub notes: Option<Vec<NoteInput>>,
    /// The reports it is read from.
    pub sources: Vec<ID>,
}

/// An amount of money.
#[derive(InputObject, Clone, Debug)]
pub struct MoneyInput {
    /// How much.
    pub amount: f64,
    /// ISO 4217 code, e.g. USD.
    pub currency: String,
}

/// A memorandum, funding, dialogue...
#[derive(InputObject, Clone, Debug)]
pub struct AgreementInput {
    /// `agreement:...`
    pub id: ID,
    /// A short title.
    pub title: String,
    /// What was agreed, in a sentence or two.
    pub summary: String,
    /// What sort of agreement.
    pub kind: GAgreementKind,
    /// How far it has come.
    pub status: GAgreementStatus,
    /// The parties (actor ids).
    pub parties: Option<Vec<ID>>,
    /// Who signed (actor ids).
    pub signatories: Option<Vec<ID>>,
    /// The event it was reached at (an event id).
    pub event: Option<ID>,
    /// The events it sets up for later (event ids): a dialogue it schedules.
    pub schedules: Option<Vec<ID>>,
    /// When, as the seed writes a time span.
    pub when: Option<String>,
    /// Its amount.
    pub amount: Option<MoneyInput>,
    /// How long it runs.
    pub duration_months: Option<i32>,
    /// Subjects.
    pub topics: Option<Vec<String>>,
    /// Other versions of facts about it.
    pub notes: Option<Vec<NoteInput>>,
    /// The reports it is read from.
    pub sources: Vec<ID>,
}

/// Something an actor said.
#[derive(InputObject, Clone, Debug)]
pub struct StatementInput {
    /// `statement:...`
    pub id: ID,
    /// Who said it (an actor id).
    pub speaker: ID,
    /// When, as the seed writes a time span.
    pub when: String,
    /// What was said.
    pub text: String,
    /// Where it was said.
    pub channel: GStatementChannel,
    /// True when `text` is a quotation.
    pub quote: Option<bool>,
    /// The event it is about (an event id).
    pub about: Option<ID>,
    /// The statement it answers (a statement id).
    pub responds_to: Option<ID>,
    /// The reports it is read from.
    pub sources: Vec<ID>,
}
