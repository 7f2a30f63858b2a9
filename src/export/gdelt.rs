//! GDELT 2.0 event rows: tab-separated, no header, the 61 columns of the GDELT Event Codebook
//! V2.0 in order, one row per dyad of each event (`Event::dyads`, docs/codes.md), so GDELT
//! tools read our curated events beside GDELT's own. What each column holds:
//!
//! - `GLOBALEVENTID`: the row number (1, 2...), in event order; stable for a snapshot.
//! - `SQLDATE`, `MonthYear`, `Year`, `FractionDate`: the event's first day (GDELT's
//!   `(month * 30 + day) / 365` fraction).
//! - `Actor1*` / `Actor2*` (source and target of the dyad; `Actor2*` empty without a target):
//!   `Code` the CAMEO country code (our country place's `code`, ISO 3166 alpha-3 as CAMEO uses)
//!   followed by `GOV` for governments, `Name` the name in capitals, `CountryCode` the country
//!   code, `Type1Code` `GOV` for governments; known-group, ethnic, religion codes empty.
//!   `Geo_*`: the actor's country (type 1, its name and coordinates when known).
//! - `IsRootEvent`: 1 for an event that is not part of a larger one, else 0.
//! - `EventCode`, `EventBaseCode`, `EventRootCode`, `QuadClass`: from the dyad's CAMEO code;
//!   `GoldsteinScale` from GDELT's lookup (empty for codes Diplograph does not list).
//! - `NumMentions`, `NumSources`, `NumArticles`: the number of reports citing the event;
//!   `AvgTone` empty (no tone is measured).
//! - `ActionGeo_*`: the event's place: type 1 country, 4 city or landmark (3 inside the
//!   United States), 5 region (2 inside the United States); the full name "Place, Larger
//!   place, Country"; coordinates of the place or of the nearest place containing it that has
//!   them; FIPS, ADM and feature codes empty (Diplograph does not hold them).
//! - `DATEADDED`: the first report's publication day, at 000000.
//! - `SOURCEURL`: where GDELT puts the first report's URL, our ids:
//!   `diplograph://{snapshot hash}/{event id}?sources={source id};{source id}`.

use crate::graph::KnowledgeGraph;
use crate::model::{Actor, ActorKind, EntityKind, NodeId, Place, PlaceKind};
use chrono::Datelike;
use std::io::{self, Write};

/// The number of columns of a GDELT 2.0 event row.
pub const COLUMNS: usize = 61;

/// Text made safe for a tab-separated field.
fn clean(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

/// The country place of `p`: itself or the first containing place of kind country.
fn country_of(g: &KnowledgeGraph, mut p: NodeId) -> Option<&Place> {
    for _ in 0..64 {
        let place = g.place(p)?;
        if place.kind == PlaceKind::Country {
            return Some(place);
        }
        p = place.within?;
    }
    None
}

/// The ten `Actor*` columns of one side of a dyad (empty without an actor).
fn actor_columns(g: &KnowledgeGraph, a: Option<&Actor>, row: &mut Vec<String>) {
    let Some(a) = a else {
        row.extend(std::iter::repeat_n(String::new(), 10));
        return;
    };
    let country = a.country.and_then(|c| country_of(g, c));
    let code = country.and_then(|c| c.code.clone()).unwrap_or_default();
    let gov = a.kind == ActorKind::Government;
    row.push(if gov { format!("{code}GOV") } else { code.clone() });
    row.push(clean(&a.name.to_uppercase()));
    row.push(code);
    row.extend(std::iter::repeat_n(String::new(), 4)); // known group, ethnic, religion 1 and 2
    row.push(if gov { "GOV".into() } else { String::new() });
    row.extend(std::iter::repeat_n(String::new(), 2)); // type 2 and 3
}

/// The eight `Geo_*` columns of an actor (its country).
fn actor_geo(g: &KnowledgeGraph, a: Option<&Actor>, row: &mut Vec<String>) {
    match a.and_then(|a| a.country).and_then(|c| country_of(g, c)) {
        Some(c) => {
            row.push("1".into());
            row.push(clean(&c.name));
            row.extend(std::iter::repeat_n(String::new(), 3)); // FIPS country, ADM1, ADM2
            row.push(c.latitude.map(|x| x.to_string()).unwrap_or_default());
            row.push(c.longitude.map(|x| x.to_string()).unwrap_or_default());
            row.push(String::new());
        }
        None => row.extend(std::iter::repeat_n(String::new(), 8)),
    }
}

/// The eight `ActionGeo_*` columns of the place `p`.
fn action_geo(g: &KnowledgeGraph, p: Option<NodeId>, row: &mut Vec<String>) {
    let Some(place) = p.and_then(|p| g.place(p)) else {
        row.extend(std::iter::repeat_n(String::new(), 8));
        return;
    };
    let mut names = vec![clean(&place.name)];
    let mut coords = place.latitude.zip(place.longitude);
    let mut at = place.within;
    for _ in 0..64 {
        let Some(up) = at.and_then(|w| g.place(w)) else { break };
        names.push(clean(&up.name));
        coords = coords.or(up.latitude.zip(up.longitude));
        at = up.within;
    }
    let in_us = p.and_then(|p| country_of(g, p)).and_then(|c| c.code.as_deref()) == Some("USA");
    let ty = match (place.kind, in_us) {
        (PlaceKind::Country, _) => "1",
        (PlaceKind::Region, true) => "2",
        (PlaceKind::Region, false) => "5",
        (_, true) => "3",
        (_, false) => "4",
    };
    row.push(ty.into());
    row.push(names.join(", "));
    row.extend(std::iter::repeat_n(String::new(), 3));
    row.push(coords.map(|c| c.0.to_string()).unwrap_or_default());
    row.push(coords.map(|c| c.1.to_string()).unwrap_or_default());
    row.push(String::new());
}

/// Writes a row per dyad of every event of `g`, in event order.
pub fn write(g: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let hash = &g.snapshot().hash;
    let mut row: Vec<String> = Vec::with_capacity(COLUMNS);
    let mut number = 0u64;
    for &n in g.all(EntityKind::Event) {
        let Some(ev) = g.event(n) else { continue };
        let day = ev.when.start;
        let first_report = ev.sources.iter().filter_map(|&s| g.source(s)?.published).min();
        let source_ids = super::join_ids(g, &ev.sources, ";");
        for d in ev.dyads() {
            number += 1;
            row.clear();
            row.push(number.to_string());
            row.push(day.format("%Y%m%d").to_string());
            row.push(day.format("%Y%m").to_string());
            row.push(day.year().to_string());
            row.push(format!("{:.4}", day.year() as f64 + (day.month() * 30 + day.day()) as f64 / 365.0));
            let (a1, a2) = (g.actor(d.source), d.target.and_then(|t| g.actor(t)));
            actor_columns(g, a1, &mut row);
            actor_columns(g, a2, &mut row);
            row.push(if ev.part_of.is_none() { "1" } else { "0" }.into());
            row.push(d.cameo.as_str().into());
            row.push(d.cameo.base().into());
            row.push(d.cameo.root().into());
            row.push(d.cameo.quad_class().to_string());
            row.push(d.cameo.known().map(|(_, s)| format!("{s:.1}")).unwrap_or_default());
            let reports = ev.sources.len().to_string();
            row.extend([reports.clone(), reports.clone(), reports]);
            row.push(String::new()); // AvgTone
            actor_geo(g, a1, &mut row);
            actor_geo(g, a2, &mut row);
            action_geo(g, ev.place, &mut row);
            row.push(first_report.map(|d| format!("{}000000", d.format("%Y%m%d"))).unwrap_or_default());
            row.push(format!("diplograph://{hash}/{}?sources={source_ids}", ev.id));
            debug_assert_eq!(row.len(), COLUMNS);
            out.write_all(row.join("\t").as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}
