//! CSV: one RFC 4180 file per table (comma-separated, CRLF line ends, a header row, fields
//! quoted when they hold a comma, a quote or a line break, quotes doubled). Lists of ids or
//! words are joined with `;`. The columns and their order are stable (README, "Exports").
//!
//! The snapshot hash is not inside the tables (a comment line is not RFC 4180): the CLI
//! writes it to `snapshot.txt` beside them and HTTP sends it as the `ETag`.

use super::join_ids;
use crate::graph::KnowledgeGraph;
use crate::model::{EntityKind, NodeId};
use std::io::{self, Write};

/// A CSV table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Events,
    Participations,
    Agreements,
    Statements,
    Sources,
    Places,
    Actors,
}

impl Table {
    /// Every table, in the order listed to users.
    pub const ALL: &'static [Table] = &[
        Table::Events,
        Table::Participations,
        Table::Agreements,
        Table::Statements,
        Table::Sources,
        Table::Places,
        Table::Actors,
    ];

    /// The table's name (its file is `{name}.csv`).
    pub fn as_str(self) -> &'static str {
        match self {
            Table::Events => "events",
            Table::Participations => "participations",
            Table::Agreements => "agreements",
            Table::Statements => "statements",
            Table::Sources => "sources",
            Table::Places => "places",
            Table::Actors => "actors",
        }
    }

    /// The header row: the columns, in order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Events => &[
                "id",
                "title",
                "kind",
                "mode",
                "status",
                "when",
                "start",
                "end",
                "place",
                "part_of",
                "topics",
                "summary",
                "plover_type",
                "plover_mode",
                "cameo",
                "sources",
            ],
            Table::Participations => &["event", "actor", "role", "sources"],
            Table::Agreements => &[
                "id",
                "title",
                "kind",
                "status",
                "when",
                "event",
                "parties",
                "signatories",
                "amount",
                "currency",
                "duration_months",
                "topics",
                "summary",
                "sources",
            ],
            Table::Statements => {
                &["id", "speaker", "when", "channel", "quote", "text", "about", "responds_to", "sources"]
            }
            Table::Sources => &["id", "outlet", "title", "published", "document", "note"],
            Table::Places => &["id", "name", "kind", "code", "within", "latitude", "longitude", "aliases", "sources"],
            Table::Actors => &["id", "name", "kind", "country", "aliases", "summary", "sources"],
        }
    }
}

/// Writes one CSV record of `fields`.
fn record<S: AsRef<str>>(out: &mut dyn Write, fields: &[S]) -> io::Result<()> {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let f = f.as_ref();
        if f.contains([',', '"', '\r', '\n']) {
            out.write_all(b"\"")?;
            out.write_all(f.replace('"', "\"\"").as_bytes())?;
            out.write_all(b"\"")?;
        } else {
            out.write_all(f.as_bytes())?;
        }
    }
    out.write_all(b"\r\n")
}

/// Writes table `t` of `g`: the header, then a row per record in the API's order.
pub fn write(g: &KnowledgeGraph, t: Table, out: &mut dyn Write) -> io::Result<()> {
    record(out, t.columns())?;
    let id = |n: Option<NodeId>| n.map(|n| g.entity(n).id().to_owned()).unwrap_or_default();
    let ids = |list: &[NodeId]| join_ids(g, list, ";");
    let opt = |x: Option<String>| x.unwrap_or_default();
    match t {
        Table::Events | Table::Participations => {
            for &n in g.all(EntityKind::Event) {
                let Some(e) = g.event(n) else { continue };
                if t == Table::Participations {
                    for p in &e.participants {
                        record(out, &[e.id.clone(), id(Some(p.actor)), p.role.as_str().into(), ids(&p.sources)])?;
                    }
                    continue;
                }
                let codes = e.codes();
                record(
                    out,
                    &[
                        e.id.clone(),
                        e.title.clone(),
                        e.kind.as_str().into(),
                        e.mode.as_str().into(),
                        e.status.as_str().into(),
                        e.when.to_string(),
                        e.when.start.to_string(),
                        e.when.end.to_string(),
                        id(e.place),
                        id(e.part_of),
                        e.topics.join(";"),
                        e.summary.clone(),
                        opt(codes.plover.map(|p| p.event.as_str().to_owned())),
                        opt(codes.plover.and_then(|p| p.mode).map(str::to_owned)),
                        codes.cameo.to_string(),
                        ids(&e.sources),
                    ],
                )?;
            }
        }
        Table::Agreements => {
            for &n in g.all(EntityKind::Agreement) {
                let Some(a) = g.agreement(n) else { continue };
                record(
                    out,
                    &[
                        a.id.clone(),
                        a.title.clone(),
                        a.kind.as_str().into(),
                        a.status.as_str().into(),
                        opt(a.when.map(|w| w.to_string())),
                        id(a.event),
                        ids(&a.parties),
                        ids(&a.signatories),
                        opt(a.amount.as_ref().map(|m| m.amount.to_string())),
                        opt(a.amount.as_ref().map(|m| m.currency.clone())),
                        opt(a.duration_months.map(|d| d.to_string())),
                        a.topics.join(";"),
                        a.summary.clone(),
                        ids(&a.sources),
                    ],
                )?;
            }
        }
        Table::Statements => {
            for &n in g.all(EntityKind::Statement) {
                let Some(s) = g.statement(n) else { continue };
                record(
                    out,
                    &[
                        s.id.clone(),
                        id(Some(s.speaker)),
                        s.when.to_string(),
                        s.channel.as_str().into(),
                        s.quote.to_string(),
                        s.text.clone(),
                        id(s.about),
                        id(s.responds_to),
                        ids(&s.sources),
                    ],
                )?;
            }
        }
        Table::Sources => {
            for &n in g.all(EntityKind::Source) {
                let Some(s) = g.source(n) else { continue };
                record(
                    out,
                    &[
                        s.id.clone(),
                        s.outlet.clone(),
                        s.title.clone(),
                        opt(s.published.map(|d| d.to_string())),
                        s.document.clone(),
                        opt(s.note.clone()),
                    ],
                )?;
            }
        }
        Table::Places => {
            for &n in g.all(EntityKind::Place) {
                let Some(p) = g.place(n) else { continue };
                record(
                    out,
                    &[
                        p.id.clone(),
                        p.name.clone(),
                        p.kind.as_str().into(),
                        opt(p.code.clone()),
                        id(p.within),
                        opt(p.latitude.map(|x| x.to_string())),
                        opt(p.longitude.map(|x| x.to_string())),
                        p.aliases.join(";"),
                        ids(&p.sources),
                    ],
                )?;
            }
        }
        Table::Actors => {
            for &n in g.all(EntityKind::Actor) {
                let Some(a) = g.actor(n) else { continue };
                record(
                    out,
                    &[
                        a.id.clone(),
                        a.name.clone(),
                        a.kind.as_str().into(),
                        id(a.country),
                        a.aliases.join(";"),
                        opt(a.summary.clone()),
                        ids(&a.sources),
                    ],
                )?;
            }
        }
    }
    Ok(())
}
