//! JSON-LD with schema.org types, one `@graph` member per entity. The context is inline
//! (`@vocab` https://schema.org/), so the file expands offline, with no remote context.
//!
//! | ours                         | schema.org                                                   |
//! |------------------------------|--------------------------------------------------------------|
//! | actor person / government / organization | `Person` / `GovernmentOrganization` / `Organization`; `name`, `alternateName`, `description`, `nationality` (person) or `areaServed` (its country), `memberOf` (organisations it holds office in), `jobTitle` |
//! | event                        | `Event`; `name`, `description`, `startDate`, `endDate`, `eventStatus` (`EventScheduled`: schema.org's "is taking place or has taken place ... as scheduled"; our `occurred`/`planned` in `additionalProperty` "status"), `eventAttendanceMode` (in person: `OfflineEventAttendanceMode`, virtual or phone: `OnlineEventAttendanceMode`), `location` (a `Place`), `superEvent`, `organizer` (hosts), `attendee` (every participant), `keywords` (topics), `identifier` (CAMEO code as a `PropertyValue`) |
//! | place                        | `Country`, `City`, `AdministrativeArea` (region), `Airport`, else `Place`; `name`, `containedInPlace`, `geo` (`GeoCoordinates`) |
//! | agreement                    | `CreativeWork` (schema.org has no agreement type); `name`, `description`, `recordedAt` (its event), `contributor` (parties), `creator` (signatories), `dateCreated` |
//! | statement                    | `Quotation` when a quotation (`spokenByCharacter`), else `CreativeWork` (`author`); `text`, `about` (its event), `dateCreated` |
//! | source                       | `NewsArticle`; `headline`, `publisher` (`Organization` by name), `datePublished`, `identifier` (document file) |
//!
//! Every entity links its reports with `citation` (`@id`s of the `NewsArticle`s). The first
//! member is a `Dataset` whose `version` is the snapshot hash.

use crate::graph::KnowledgeGraph;
use crate::model::{ActorKind, Entity, EntityKind, EventMode, NodeId, ParticipantRole, PlaceKind};
use serde_json::{json, Map, Value};
use std::io::{self, Write};

fn id(g: &KnowledgeGraph, n: NodeId) -> Value {
    json!({ "@id": g.entity(n).id() })
}

fn ids(g: &KnowledgeGraph, list: &[NodeId]) -> Value {
    Value::Array(list.iter().map(|&n| id(g, n)).collect())
}

/// The JSON-LD node of entity `n`.
fn node(g: &KnowledgeGraph, n: NodeId) -> Value {
    let e = g.entity(n);
    let mut o = Map::new();
    o.insert("@id".into(), e.id().into());
    let mut put = |k: &str, v: Value| {
        let empty = v.is_null() || v.as_array().is_some_and(|a| a.is_empty()) || v.as_str() == Some("");
        if !empty {
            o.insert(k.into(), v);
        }
    };
    match e {
        Entity::Actor(a) => {
            let ty = match a.kind {
                ActorKind::Person => "Person",
                ActorKind::Government => "GovernmentOrganization",
                ActorKind::Organization => "Organization",
            };
            put("@type", ty.into());
            put("name", a.name.clone().into());
            put("alternateName", a.aliases.clone().into());
            put("description", a.summary.clone().into());
            let country = a.country.map(|c| id(g, c)).unwrap_or(Value::Null);
            put(if a.kind == ActorKind::Person { "nationality" } else { "areaServed" }, country);
            let mut orgs: Vec<NodeId> = a.positions.iter().filter_map(|p| p.organization).collect();
            orgs.dedup();
            put("memberOf", ids(g, &orgs));
            put("jobTitle", a.positions.iter().map(|p| p.title.clone()).collect::<Vec<_>>().into());
        }
        Entity::Event(ev) => {
            put("@type", "Event".into());
            put("name", ev.title.clone().into());
            put("description", ev.summary.clone().into());
            put("startDate", ev.when.start.to_string().into());
            put("endDate", ev.when.end.to_string().into());
            put("eventStatus", json!({ "@id": "https://schema.org/EventScheduled" }));
            put(
                "additionalProperty",
                json!([
                    { "@type": "PropertyValue", "name": "status", "value": ev.status.as_str() },
                    { "@type": "PropertyValue", "name": "kind", "value": ev.kind.as_str() },
                ]),
            );
            let mode = match ev.mode {
                EventMode::InPerson => Some("https://schema.org/OfflineEventAttendanceMode"),
                EventMode::Virtual | EventMode::Phone => Some("https://schema.org/OnlineEventAttendanceMode"),
                EventMode::Unknown => None,
            };
            put("eventAttendanceMode", mode.map(|m| json!({ "@id": m })).unwrap_or(Value::Null));
            put("location", ev.place.map(|p| id(g, p)).unwrap_or(Value::Null));
            put("superEvent", ev.part_of.map(|p| id(g, p)).unwrap_or(Value::Null));
            let hosts: Vec<NodeId> =
                ev.participants.iter().filter(|p| p.role == ParticipantRole::Host).map(|p| p.actor).collect();
            put("organizer", ids(g, &hosts));
            let mut all: Vec<NodeId> = ev.participants.iter().map(|p| p.actor).collect();
            all.dedup();
            put("attendee", ids(g, &all));
            put("keywords", ev.topics.clone().into());
            put(
                "identifier",
                json!({ "@type": "PropertyValue", "propertyID": "CAMEO", "value": ev.codes().cameo.as_str() }),
            );
        }
        Entity::Place(p) => {
            let ty = match p.kind {
                PlaceKind::Country => "Country",
                PlaceKind::City => "City",
                PlaceKind::Region => "AdministrativeArea",
                PlaceKind::Airport => "Airport",
                PlaceKind::Venue | PlaceKind::MilitaryBase => "Place",
            };
            put("@type", ty.into());
            put("name", p.name.clone().into());
            put("alternateName", p.aliases.clone().into());
            put("containedInPlace", p.within.map(|w| id(g, w)).unwrap_or(Value::Null));
            if let (Some(lat), Some(long)) = (p.latitude, p.longitude) {
                put("geo", json!({ "@type": "GeoCoordinates", "latitude": lat, "longitude": long }));
            }
        }
        Entity::Agreement(a) => {
            put("@type", "CreativeWork".into());
            put("name", a.title.clone().into());
            put("description", a.summary.clone().into());
            put("recordedAt", a.event.map(|ev| id(g, ev)).unwrap_or(Value::Null));
            put("contributor", ids(g, &a.parties));
            put("creator", ids(g, &a.signatories));
            put("dateCreated", a.when.map(|w| w.to_string()).into());
            put("keywords", a.topics.clone().into());
        }
        Entity::Statement(s) => {
            put("@type", if s.quote { "Quotation" } else { "CreativeWork" }.into());
            put("text", s.text.clone().into());
            put(if s.quote { "spokenByCharacter" } else { "author" }, id(g, s.speaker));
            put("about", s.about.map(|ev| id(g, ev)).unwrap_or(Value::Null));
            put("dateCreated", s.when.to_string().into());
        }
        Entity::Source(s) => {
            put("@type", "NewsArticle".into());
            put("headline", s.title.clone().into());
            put("publisher", json!({ "@type": "Organization", "name": s.outlet }));
            put("datePublished", s.published.map(|d| d.to_string()).into());
            put("identifier", s.document.clone().into());
        }
    }
    put("citation", ids(g, e.sources()));
    Value::Object(o)
}

/// Writes the JSON-LD document of `g` to `out`, an entity at a time.
pub fn write(g: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let hash = &g.snapshot().hash;
    let head = json!({
        "@id": format!("urn:diplograph:snapshot:{hash}"),
        "@type": "Dataset",
        "name": "Diplograph export",
        "version": hash,
    });
    write!(out, "{{\"@context\":{{\"@vocab\":\"https://schema.org/\"}},\n\"@graph\":[\n{head}")?;
    for kind in EntityKind::ALL {
        for &n in g.all(*kind) {
            out.write_all(b",\n")?;
            serde_json::to_writer(&mut *out, &node(g, n))?;
        }
    }
    out.write_all(b"\n]}\n")
}
