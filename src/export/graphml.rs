//! GraphML (graphml.graphdrawing.org), as Gephi, Cytoscape and networkx read it: every entity
//! a node (`id` its Diplograph id) with its kind and main fields, every relation an edge with
//! its kind (`PARTICIPATED_IN`, `CITES`...) and the ids of the reports that state it
//! (space-separated). The graph's `snapshot` data holds the snapshot hash. Node and edge counts
//! equal the graph's entities and links (citations included).

use super::each_relation;
use crate::graph::KnowledgeGraph;
use crate::model::{Entity, EntityKind};
use std::io::{self, Write};

/// The node attributes: (key id, type). Every key's `attr.name` is its id.
const NODE_KEYS: &[(&str, &str)] = &[
    ("kind", "string"),
    ("label", "string"),
    ("type", "string"),
    ("status", "string"),
    ("mode", "string"),
    ("when", "string"),
    ("start", "string"),
    ("end", "string"),
    ("summary", "string"),
    ("cameo", "string"),
    ("plover", "string"),
    ("code", "string"),
    ("latitude", "double"),
    ("longitude", "double"),
    ("outlet", "string"),
    ("published", "string"),
    ("sources", "string"),
];

/// Text with the five XML specials escaped and characters XML 1.0 forbids dropped.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes the GraphML document of `g` to `out`, a node or an edge at a time.
pub fn write(g: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let snapshot = &g.snapshot().hash;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, "<!-- Diplograph export, snapshot {snapshot} -->")?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    writeln!(out, r#"  <key id="snapshot" for="graph" attr.name="snapshot" attr.type="string"/>"#)?;
    for (key, ty) in NODE_KEYS {
        writeln!(out, r#"  <key id="{key}" for="node" attr.name="{key}" attr.type="{ty}"/>"#)?;
    }
    writeln!(out, r#"  <key id="e_kind" for="edge" attr.name="kind" attr.type="string"/>"#)?;
    writeln!(out, r#"  <key id="e_sources" for="edge" attr.name="sources" attr.type="string"/>"#)?;
    writeln!(out, r#"  <graph id="diplograph" edgedefault="directed">"#)?;
    writeln!(out, r#"    <data key="snapshot">{}</data>"#, esc(snapshot))?;

    let mut line = String::new();
    for kind in EntityKind::ALL {
        for &n in g.all(*kind) {
            let e = g.entity(n);
            line.clear();
            line.push_str(&format!(r#"    <node id="{}">"#, esc(e.id())));
            let mut data = |key: &str, value: &str| {
                if !value.is_empty() {
                    line.push_str(&format!(r#"<data key="{key}">{}</data>"#, esc(value)));
                }
            };
            data("kind", kind.as_str());
            data("label", e.label());
            match e {
                Entity::Actor(a) => {
                    data("type", a.kind.as_str());
                    data("summary", a.summary.as_deref().unwrap_or(""));
                }
                Entity::Event(ev) => {
                    let codes = ev.codes();
                    data("type", ev.kind.as_str());
                    data("status", ev.status.as_str());
                    data("mode", ev.mode.as_str());
                    data("when", &ev.when.to_string());
                    data("start", &ev.when.start.to_string());
                    data("end", &ev.when.end.to_string());
                    data("summary", &ev.summary);
                    data("cameo", codes.cameo.as_str());
                    data("plover", &codes.plover.map(|p| p.to_string()).unwrap_or_default());
                }
                Entity::Place(p) => {
                    data("type", p.kind.as_str());
                    data("code", p.code.as_deref().unwrap_or(""));
                    data("latitude", &p.latitude.map(|x| x.to_string()).unwrap_or_default());
                    data("longitude", &p.longitude.map(|x| x.to_string()).unwrap_or_default());
                }
                Entity::Agreement(a) => {
                    data("type", a.kind.as_str());
                    data("status", a.status.as_str());
                    data("when", &a.when.map(|w| w.to_string()).unwrap_or_default());
                    data("summary", &a.summary);
                }
                Entity::Statement(s) => {
                    data("type", s.channel.as_str());
                    data("when", &s.when.to_string());
                }
                Entity::Source(s) => {
                    data("outlet", &s.outlet);
                    data("published", &s.published.map(|d| d.to_string()).unwrap_or_default());
                }
            }
            data("sources", &super::join_ids(g, e.sources(), " "));
            line.push_str("</node>\n");
            out.write_all(line.as_bytes())?;
        }
    }

    let mut count = 0u64;
    each_relation(g, |from, to, kind, sources| {
        line.clear();
        line.push_str(&format!(
            r#"    <edge id="e{count}" source="{}" target="{}"><data key="e_kind">{}</data>"#,
            esc(g.entity(from).id()),
            esc(g.entity(to).id()),
            kind.as_str()
        ));
        if !sources.is_empty() {
            line.push_str(&format!(r#"<data key="e_sources">{}</data>"#, esc(&super::join_ids(g, sources, " "))));
        }
        line.push_str("</edge>\n");
        count += 1;
        out.write_all(line.as_bytes())
    })?;
    writeln!(out, "  </graph>")?;
    writeln!(out, "</graphml>")
}
