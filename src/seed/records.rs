//! The seed file records as written by hand (TOML), before any reference is resolved.
//!
//! Enumerations, references and dates are kept as spanned strings so that validation can
//! report every bad value with its line, instead of stopping at the first one.

use serde::Deserialize;
use toml::Spanned;

/// A spanned string: a value and where it was written.
pub type Text = Spanned<String>;

/// One seed file: any mix of the six record kinds.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    #[serde(default)]
    pub source: Vec<Spanned<SourceRecord>>,
    #[serde(default)]
    pub actor: Vec<Spanned<ActorRecord>>,
    #[serde(default)]
    pub place: Vec<Spanned<PlaceRecord>>,
    #[serde(default)]
    pub event: Vec<Spanned<EventRecord>>,
    #[serde(default)]
    pub agreement: Vec<Spanned<AgreementRecord>>,
    #[serde(default)]
    pub statement: Vec<Spanned<StatementRecord>>,
}

/// `[[source]]`: a news report.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRecord {
    pub id: Text,
    pub outlet: Text,
    pub title: Text,
    pub published: Option<Text>,
    pub document: Text,
    pub note: Option<String>,
    pub publisher: Option<Text>,
    #[serde(default)]
    pub credits: Vec<Text>,
}

/// `[[kind.note]]`: another version of a fact, with its reports.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteRecord {
    pub text: Text,
    #[serde(default)]
    pub sources: Vec<Text>,
}

/// `[[actor]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorRecord {
    pub id: Text,
    pub name: Text,
    pub kind: Text,
    #[serde(default)]
    pub aliases: Vec<Text>,
    pub country: Option<Text>,
    pub summary: Option<String>,
    #[serde(default)]
    pub position: Vec<Spanned<PositionRecord>>,
    #[serde(default)]
    pub note: Vec<Spanned<NoteRecord>>,
    #[serde(default)]
    pub sources: Vec<Text>,
}

/// `[[actor.position]]`: an office held.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionRecord {
    pub title: Text,
    pub organization: Option<Text>,
    pub start: Option<Text>,
    pub end: Option<Text>,
    #[serde(default)]
    pub as_of: Days,
    #[serde(default)]
    pub sources: Vec<Text>,
}

/// `as_of`: one day (`"2021-06-08"`) or a list of days (`["2021-06-08", "2023-12-27"]`),
/// each with where it was written (a single day's span is the value's).
#[derive(Debug, Default)]
pub struct Days(pub Vec<Text>);

impl<'de> Deserialize<'de> for Days {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// The value as written: a string, or an array whose strings keep their spans.
        enum OneOrMany {
            One(String),
            Many(Vec<Text>),
        }
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date or an array of dates")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut days = Vec::new();
                while let Some(day) = seq.next_element()? {
                    days.push(day);
                }
                Ok(OneOrMany::Many(days))
            }
        }
        impl<'de> Deserialize<'de> for OneOrMany {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(Visitor)
            }
        }
        let value = Spanned::<OneOrMany>::deserialize(d)?;
        let span = value.span();
        Ok(Days(match value.into_inner() {
            OneOrMany::One(day) => vec![Spanned::new(span, day)],
            OneOrMany::Many(days) => days,
        }))
    }
}

/// `[[place]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceRecord {
    pub id: Text,
    pub name: Text,
    pub kind: Text,
    #[serde(default)]
    pub aliases: Vec<Text>,
    pub code: Option<Text>,
    pub within: Option<Text>,
    pub latitude: Option<Spanned<f64>>,
    pub longitude: Option<Spanned<f64>>,
    #[serde(default)]
    pub note: Vec<Spanned<NoteRecord>>,
    #[serde(default)]
    pub sources: Vec<Text>,
}

/// `[[event]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventRecord {
    pub id: Text,
    pub title: Text,
    pub kind: Text,
    pub mode: Option<Text>,
    pub status: Text,
    pub when: Text,
    pub place: Option<Text>,
    pub part_of: Option<Text>,
    #[serde(default)]
    pub topics: Vec<Text>,
    pub summary: Text,
    #[serde(default)]
    pub participant: Vec<Spanned<ParticipantRecord>>,
    /// A CAMEO event code overriding the derived one (`"046"`).
    pub cameo: Option<Text>,
    /// A PLOVER event type and mode overriding the derived ones (`"CONSULT:multilateral"`).
    pub plover: Option<Text>,
    #[serde(default)]
    pub note: Vec<Spanned<NoteRecord>>,
    #[serde(default)]
    pub sources: Vec<Text>,
}

/// `[[event.participant]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipantRecord {
    pub actor: Text,
    pub role: Text,
    #[serde(default)]
    pub sources: Vec<Text>,
}

/// `[[agreement]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementRecord {
    pub id: Text,
    pub title: Text,
    pub kind: Text,
    pub status: Text,
    pub summary: Text,
    #[serde(default)]
    pub parties: Vec<Text>,
    #[serde(default)]
    pub signatories: Vec<Text>,
    pub event: Option<Text>,
    #[serde(default)]
    pub schedules: Vec<Text>,
    pub when: Option<Text>,
    pub amount: Option<Spanned<f64>>,
    pub currency: Option<Text>,
    pub duration_months: Option<Spanned<i64>>,
    #[serde(default)]
    pub topics: Vec<Text>,
    #[serde(default)]
    pub note: Vec<Spanned<NoteRecord>>,
    #[serde(default)]
    pub sources: Vec<Text>,
}

/// `[[statement]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementRecord {
    pub id: Text,
    pub speaker: Text,
    pub when: Text,
    pub channel: Text,
    pub text: Text,
    #[serde(default)]
    pub quote: bool,
    pub about: Option<Text>,
    pub responds_to: Option<Text>,
    #[serde(default)]
    pub sources: Vec<Text>,
}
