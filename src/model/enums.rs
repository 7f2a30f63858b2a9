//! The closed vocabularies of the domain, each with its seed spelling (`press_conference`).

/// A closed vocabulary that seed files spell in lowercase.
pub trait Vocabulary: Sized + Copy {
    /// The value spelled `text`, if any.
    fn parse(text: &str) -> Option<Self>;
    /// The accepted spellings, comma-separated.
    fn spellings() -> String;
    /// A value to stand in while an error is being reported.
    fn fallback() -> Self;
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value spelled `text` in seed files, if any.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The spelling used in seed files.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The accepted spellings, for error messages.
            pub fn spellings() -> String {
                [$($text),+].join(", ")
            }
        }

        impl Vocabulary for $name {
            fn parse(text: &str) -> Option<Self> {
                $name::parse(text)
            }
            fn spellings() -> String {
                $name::spellings()
            }
            fn fallback() -> Self {
                $name::ALL[0]
            }
        }
    };
}

vocabulary!(
    /// The six kinds of entity.
    EntityKind { Actor = "actor", Event = "event", Place = "place", Agreement = "agreement",
        Statement = "statement", Source = "source" }
);
vocabulary!(
    /// What sort of actor.
    ActorKind { Person = "person", Government = "government", Organization = "organization" }
);
vocabulary!(
    /// What sort of event.
    EventKind { Meeting = "meeting", Call = "call", Visit = "visit", Trip = "trip",
        Signing = "signing", Roundtable = "roundtable", PressConference = "press_conference",
        Ceremony = "ceremony", Tour = "tour", Announcement = "announcement" }
);
vocabulary!(
    /// How the participants met.
    EventMode { InPerson = "in_person", Virtual = "virtual", Phone = "phone", Unknown = "unknown" }
);
vocabulary!(
    /// Whether it happened.
    EventStatus { Occurred = "occurred", Planned = "planned" }
);
vocabulary!(
    /// An actor's part in an event.
    ParticipantRole { Host = "host", Guest = "guest", Participant = "participant",
        Signatory = "signatory", Witness = "witness", Speaker = "speaker" }
);
vocabulary!(
    /// What sort of place.
    PlaceKind { Country = "country", Region = "region", City = "city", Venue = "venue",
        Airport = "airport", MilitaryBase = "military_base" }
);
vocabulary!(
    /// What sort of agreement.
    AgreementKind { Memorandum = "memorandum", Funding = "funding", Loan = "loan",
        Dialogue = "dialogue", Partnership = "partnership", Commitment = "commitment" }
);
vocabulary!(
    /// How far an agreement has come.
    AgreementStatus { Signed = "signed", Announced = "announced", Agreed = "agreed",
        Planned = "planned" }
);
vocabulary!(
    /// Where a statement was made.
    StatementChannel { Press = "press", SocialMedia = "social_media", Interview = "interview",
        Speech = "speech", Other = "other" }
);
vocabulary!(
    /// How precisely a time span is known.
    DatePrecision { Day = "day", Month = "month", Year = "year" }
);
vocabulary!(
    /// The kind of a link between two entities, as stored (`from` -> `to`).
    LinkKind {
        /// actor -> event
        ParticipatedIn = "PARTICIPATED_IN",
        /// event -> place
        HeldAt = "HELD_AT",
        /// event -> larger event
        PartOf = "PART_OF",
        /// place -> larger place
        ContainedIn = "CONTAINED_IN",
        /// agreement -> event
        ReachedAt = "REACHED_AT",
        /// actor -> agreement
        PartyTo = "PARTY_TO",
        /// actor -> agreement
        Signed = "SIGNED",
        /// actor -> statement
        Said = "SAID",
        /// statement -> event
        About = "ABOUT",
        /// statement -> statement
        RespondsTo = "RESPONDS_TO",
        /// actor -> organisation actor
        HoldsPosition = "HOLDS_POSITION",
        /// actor -> country
        BelongsTo = "BELONGS_TO",
        /// entity -> source
        Cites = "CITES",
        /// agreement -> the (planned) event it schedules
        Schedules = "SCHEDULES",
    }
);

impl EntityKind {
    /// The kind with its indefinite article, for messages: "an actor", "a place".
    pub fn with_article(self) -> &'static str {
        match self {
            EntityKind::Actor => "an actor",
            EntityKind::Event => "an event",
            EntityKind::Place => "a place",
            EntityKind::Agreement => "an agreement",
            EntityKind::Statement => "a statement",
            EntityKind::Source => "a source",
        }
    }
}
