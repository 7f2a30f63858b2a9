//! A change's records written as one seed file (TOML in the seed's own format), so that the
//! seed's reader and checks read it exactly as they read a hand-written file, and the
//! change log holds text that can be pasted into the seed. Rendering notes where each value
//! starts, so that a problem the seed reports at an offset names its record and field.
//! Fields are written in the order the hand-written files use, so that `diplograph compact`
//! can paste a record into the seed as it is.

use crate::api::inputs::*;
use crate::model;
use async_graphql::ID;
use std::fmt::Write;

/// A change rendered as a seed file.
pub struct Rendered {
    pub text: String,
    /// (offset, record id, field), in offset order: where each value starts.
    fields: Vec<(usize, String, String)>,
}

impl Rendered {
    /// The record id and field of the value at or before `offset`.
    pub fn locate(&self, offset: usize) -> (Option<String>, Option<String>) {
        let i = self.fields.partition_point(|(o, _, _)| *o <= offset);
        match i.checked_sub(1).and_then(|i| self.fields.get(i)) {
            Some((_, id, field)) => (Some(id.clone()), Some(field.clone())),
            None => (None, None),
        }
    }
}

/// Writes `v` as a TOML string, as toml writes it: a string that needs no escape and no other
/// quoting (most) directly in double quotes, any other through toml.
fn string(text: &mut String, v: &str) {
    if v.bytes().all(|b| b >= 0x20 && b != 0x7f && b != b'"' && b != b'\\' && b != b'\'') {
        text.push('"');
        text.push_str(v);
        text.push('"');
    } else {
        let _ = write!(text, "{}", toml::Value::String(v.to_owned()));
    }
}

/// The writer of one record: `key = value` lines, each value's offset noted.
struct Out {
    text: String,
    fields: Vec<(usize, String, String)>,
    id: String,
    /// The prefix of the fields of the sub-table being written (`positions[0].`).
    at: String,
}

impl Out {
    fn header(&mut self, table: &str, id: &str) {
        self.id = id.to_owned();
        self.at.clear();
        let _ = writeln!(self.text, "\n[[{table}]]");
    }

    fn sub(&mut self, table: &str, field: &str, i: usize) {
        self.at = format!("{field}[{i}].");
        self.fields.push((self.text.len(), self.id.clone(), format!("{field}[{i}]")));
        let _ = writeln!(self.text, "[[{table}]]");
    }

    fn value(&mut self, key: &str, field: &str, v: toml::Value) {
        let _ = write!(self.text, "{key} = ");
        self.fields.push((self.text.len(), self.id.clone(), format!("{}{field}", self.at)));
        let _ = writeln!(self.text, "{v}");
    }

    fn str(&mut self, key: &str, field: &str, v: &str) {
        let _ = write!(self.text, "{key} = ");
        self.fields.push((self.text.len(), self.id.clone(), format!("{}{field}", self.at)));
        string(&mut self.text, v);
        self.text.push('\n');
    }

    fn opt(&mut self, key: &str, field: &str, v: Option<&str>) {
        if let Some(v) = v {
            self.str(key, field, v);
        }
    }

    /// An array of strings, each element's offset noted (`sources[1]`).
    fn list<S: AsRef<str>>(&mut self, key: &str, field: &str, items: &[S]) {
        let _ = write!(self.text, "{key} = [");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.fields.push((self.text.len(), self.id.clone(), format!("{}{field}[{i}]", self.at)));
            string(&mut self.text, item.as_ref());
        }
        self.text.push_str("]\n");
    }

    fn opt_list<S: AsRef<str>>(&mut self, key: &str, field: &str, items: &Option<Vec<S>>) {
        if let Some(items) = items.as_ref().filter(|v| !v.is_empty()) {
            self.list(key, field, items);
        }
    }

    fn notes(&mut self, table: &str, notes: &Option<Vec<NoteInput>>) {
        for (i, n) in notes.iter().flatten().enumerate() {
            self.sub(&format!("{table}.note"), "notes", i);
            self.str("text", "text", &n.text);
            self.list("sources", "sources", &n.sources);
        }
    }
}

fn id(id: &ID) -> &str {
    id.as_str()
}

fn day(d: &DateInput) -> String {
    d.0.format("%Y-%m-%d").to_string()
}

/// `change` as a seed file, records in the seed's kind order.
pub fn render(change: &ChangeInput) -> Rendered {
    let mut o = Out { text: String::new(), fields: Vec::new(), id: String::new(), at: String::new() };
    for s in change.sources.iter().flatten() {
        o.header("source", id(&s.id));
        o.str("id", "id", id(&s.id));
        o.str("outlet", "outlet", &s.outlet);
        o.opt("publisher", "publisher", s.publisher.as_deref());
        o.opt_list("credits", "credits", &s.credits);
        o.str("title", "title", &s.title);
        o.opt("published", "published", s.published.as_ref().map(day).as_deref());
        o.str("document", "document", &s.document);
        o.opt("note", "note", s.note.as_deref());
    }
    for a in change.actors.iter().flatten() {
        o.header("actor", id(&a.id));
        o.str("id", "id", id(&a.id));
        o.str("name", "name", &a.name);
        o.str("kind", "kind", model::ActorKind::from(a.kind).as_str());
        o.opt_list("aliases", "aliases", &a.aliases);
        o.opt("country", "country", a.country.as_ref().map(id));
        o.opt("summary", "summary", a.summary.as_deref());
        o.list("sources", "sources", &a.sources);
        for (i, p) in a.positions.iter().flatten().enumerate() {
            o.sub("actor.position", "positions", i);
            o.str("title", "title", &p.title);
            o.opt("organization", "organization", p.organization.as_ref().map(id));
            o.opt("start", "start", p.start.as_ref().map(day).as_deref());
            o.opt("end", "end", p.end.as_ref().map(day).as_deref());
            let days: Vec<String> = p.as_of.iter().chain(p.as_of_days.iter().flatten()).map(day).collect();
            match days.as_slice() {
                [] => {}
                [one] if p.as_of_days.as_ref().is_none_or(Vec::is_empty) => o.str("as_of", "asOf", one),
                _ => o.list("as_of", "asOfDays", &days),
            }
            o.list("sources", "sources", &p.sources);
        }
        o.notes("actor", &a.notes);
    }
    for p in change.places.iter().flatten() {
        o.header("place", id(&p.id));
        o.str("id", "id", id(&p.id));
        o.str("name", "name", &p.name);
        o.str("kind", "kind", model::PlaceKind::from(p.kind).as_str());
        o.opt("within", "within", p.within.as_ref().map(id));
        o.opt("code", "code", p.code.as_deref());
        o.opt_list("aliases", "aliases", &p.aliases);
        if let Some(v) = p.latitude {
            o.value("latitude", "latitude", toml::Value::Float(v));
        }
        if let Some(v) = p.longitude {
            o.value("longitude", "longitude", toml::Value::Float(v));
        }
        o.list("sources", "sources", &p.sources);
        o.notes("place", &p.notes);
    }
    for e in change.events.iter().flatten() {
        o.header("event", id(&e.id));
        o.str("id", "id", id(&e.id));
        o.str("title", "title", &e.title);
        o.str("kind", "kind", model::EventKind::from(e.kind).as_str());
        o.opt("mode", "mode", e.mode.map(|m| model::EventMode::from(m).as_str()));
        o.str("status", "status", model::EventStatus::from(e.status).as_str());
        o.str("when", "when", &e.when);
        o.opt("place", "place", e.place.as_ref().map(id));
        o.opt("part_of", "partOf", e.part_of.as_ref().map(id));
        o.opt_list("topics", "topics", &e.topics);
        o.str("summary", "summary", &e.summary);
        o.opt("cameo", "cameo", e.cameo.as_deref());
        o.opt("plover", "plover", e.plover.as_deref());
        o.list("sources", "sources", &e.sources);
        for (i, p) in e.participants.iter().flatten().enumerate() {
            o.sub("event.participant", "participants", i);
            o.str("actor", "actor", id(&p.actor));
            o.str("role", "role", model::ParticipantRole::from(p.role).as_str());
            o.list("sources", "sources", &p.sources);
        }
        o.notes("event", &e.notes);
    }
    for a in change.agreements.iter().flatten() {
        o.header("agreement", id(&a.id));
        o.str("id", "id", id(&a.id));
        o.str("title", "title", &a.title);
        o.str("kind", "kind", model::AgreementKind::from(a.kind).as_str());
        o.str("status", "status", model::AgreementStatus::from(a.status).as_str());
        o.str("summary", "summary", &a.summary);
        o.opt_list("parties", "parties", &a.parties);
        o.opt_list("signatories", "signatories", &a.signatories);
        o.opt("event", "event", a.event.as_ref().map(id));
        o.opt_list("schedules", "schedules", &a.schedules);
        o.opt("when", "when", a.when.as_deref());
        if let Some(m) = &a.amount {
            o.value("amount", "amount.amount", toml::Value::Float(m.amount));
            o.str("currency", "amount.currency", &m.currency);
        }
        if let Some(d) = a.duration_months {
            o.value("duration_months", "durationMonths", toml::Value::Integer(d.into()));
        }
        o.opt_list("topics", "topics", &a.topics);
        o.list("sources", "sources", &a.sources);
        o.notes("agreement", &a.notes);
    }
    for s in change.statements.iter().flatten() {
        o.header("statement", id(&s.id));
        o.str("id", "id", id(&s.id));
        o.str("speaker", "speaker", id(&s.speaker));
        o.str("when", "when", &s.when);
        o.str("text", "text", &s.text);
        o.str("channel", "channel", model::StatementChannel::from(s.channel).as_str());
        if let Some(q) = s.quote {
            o.value("quote", "quote", toml::Value::Boolean(q));
        }
        o.opt("about", "about", s.about.as_ref().map(id));
        o.opt("responds_to", "respondsTo", s.responds_to.as_ref().map(id));
        o.list("sources", "sources", &s.sources);
    }
    Rendered { text: o.text, fields: o.fields }
}

#[cfg(test)]
mod tests {
    #[test]
    fn strings_are_written_as_toml_writes_them() {
        let samples = [
            "",
            "plain",
            "Andrés Manuel López Obrador",
            "Ciudad de México",
            "東京 🌐",
            "a 'quote'",
            "a \"quote\"",
            "back\\slash",
            "tab\there",
            "two\nlines",
            "del\u{7f}",
            "#not a comment",
            "x = 1",
            "[[event]]",
        ];
        for v in samples {
            let mut fast = String::new();
            super::string(&mut fast, v);
            assert_eq!(fast, toml::Value::String(v.to_owned()).to_string(), "{v:?}");
        }
    }
}
