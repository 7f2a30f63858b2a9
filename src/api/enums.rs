//! The GraphQL faces of the domain vocabularies (same values, SDL names).

use crate::model;
use async_graphql::Enum;

/// The kinds of entity.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "EntityKind", remote = "model::EntityKind")]
pub enum GEntityKind {
    /// A person, government or organisation.
    Actor,
    /// A meeting, call, trip...
    Event,
    /// A country, city, venue...
    Place,
    /// A memorandum, funding, dialogue...
    Agreement,
    /// Something an actor said.
    Statement,
    /// A news report.
    Source,
}

/// What sort of actor.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "ActorKind", remote = "model::ActorKind")]
pub enum GActorKind {
    /// A human being.
    Person,
    /// A national government or administration.
    Government,
    /// An agency, embassy, party, council or other body.
    Organization,
}

/// What sort of event.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "EventKind", remote = "model::EventKind")]
pub enum GEventKind {
    /// Two or more actors meet (in person or not).
    Meeting,
    /// A phone or video call.
    Call,
    /// A visit to a place or institution.
    Visit,
    /// A journey made of several events.
    Trip,
    /// The signing of an agreement.
    Signing,
    /// A roundtable or group conversation.
    Roundtable,
    /// Remarks to or questions from the press.
    PressConference,
    /// A ceremony, such as an arrival.
    Ceremony,
    /// A guided tour.
    Tour,
    /// An announcement.
    Announcement,
}

/// How the participants met.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "EventMode", remote = "model::EventMode")]
pub enum GEventMode {
    /// Face to face.
    InPerson,
    /// By video.
    Virtual,
    /// By telephone.
    Phone,
    /// The reports do not say.
    Unknown,
}

/// Whether an event happened.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "EventStatus", remote = "model::EventStatus")]
pub enum GEventStatus {
    /// It took place.
    Occurred,
    /// It was announced or scheduled; the reports do not say it took place.
    Planned,
}

/// An actor's part in an event.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "ParticipantRole", remote = "model::ParticipantRole")]
pub enum GParticipantRole {
    /// Received the others.
    Host,
    /// Visited.
    Guest,
    /// Took part.
    Participant,
    /// Signed an agreement there.
    Signatory,
    /// Witnessed a signing.
    Witness,
    /// Spoke there.
    Speaker,
}

/// What sort of place.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "PlaceKind", remote = "model::PlaceKind")]
pub enum GPlaceKind {
    /// A sovereign country.
    Country,
    /// A region: a state, province or group of countries.
    Region,
    /// A city.
    City,
    /// A building or site.
    Venue,
    /// An airport.
    Airport,
    /// A military base.
    MilitaryBase,
}

/// What sort of agreement.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "AgreementKind", remote = "model::AgreementKind")]
pub enum GAgreementKind {
    /// A memorandum of understanding.
    Memorandum,
    /// Money given.
    Funding,
    /// Money lent.
    Loan,
    /// An agreed dialogue or continued talks.
    Dialogue,
    /// A partnership on a subject.
    Partnership,
    /// A commitment by one or more parties.
    Commitment,
}

/// How far an agreement has come.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "AgreementStatus", remote = "model::AgreementStatus")]
pub enum GAgreementStatus {
    /// Signed by its signatories.
    Signed,
    /// Announced by a party.
    Announced,
    /// Agreed between the parties.
    Agreed,
    /// Planned, not yet agreed.
    Planned,
}

/// Where a statement was made.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "StatementChannel", remote = "model::StatementChannel")]
pub enum GStatementChannel {
    /// To reporters.
    Press,
    /// On a social network.
    SocialMedia,
    /// In an interview.
    Interview,
    /// In a speech or public remarks.
    Speech,
    /// Elsewhere, or the reports do not say.
    Other,
}

/// How precisely a time span is known.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "DatePrecision", remote = "model::DatePrecision")]
pub enum GDatePrecision {
    /// To the day (or a range of days).
    Day,
    /// To the month.
    Month,
    /// To the year.
    Year,
}

/// The order of events.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Default)]
pub enum EventOrder {
    /// Earliest first (by start, then end, then id).
    #[default]
    DateAsc,
    /// Latest first.
    DateDesc,
}
