//! A fast reader for the part of TOML that seed files are written in.
//!
//! `toml` builds a whole editable document (every key, comment and whitespace run) before
//! serde sees a value; at a million events that is most of the load time and several times
//! the text's size in memory. This reader goes from the text straight to the records, for
//! the shapes seed files use: `[[kind]]` and `[[kind.part]]` headers, `key = value` lines
//! with bare keys, one-line basic and literal strings, numbers, booleans and arrays of
//! strings (over several lines, with comments), and comments.
//!
//! Invariant: [`read`] gives either exactly the records `toml::from_str` would give (the
//! same values and the same span starts, which is all validation reports) or `None`, and
//! then the caller reads the file with `toml`, which accepts the rest of TOML and words the
//! error messages. So a file outside the subset, or a broken one, costs only time, and
//! never changes what is loaded or what an error says. `tests` check the two agree.

use super::records::*;
use super::KIND_ORDER;
use crate::model::EntityKind;
use std::borrow::Cow;
use std::ops::Range;
use toml::Spanned;

mod lex;

use lex::Reader;

/// The ids `text` defines with their kinds, in [`KIND_ORDER`], without building the records; `None`
/// when the file is not in the subset or a record has no string `id`. It checks less than
/// [`read`] does (the loader reads every file again with it before using anything).
pub(super) fn read_ids(text: &str) -> Option<Vec<(EntityKind, Text)>> {
    let mut by_kind: [Vec<Text>; KIND_ORDER.len()] = Default::default();
    each_table(text, false, |t| {
        let Some(kind) = KIND_ORDER.iter().position(|k| k.as_str() == t.header) else {
            return matches!(
                t.header,
                "actor.position" | "actor.note" | "place.note" | "event.participant" | "event.note" | "agreement.note"
            )
            .then_some(());
        };
        let id = t.pairs.into_iter().find(|p| p.key == "id").and_then(as_text)?;
        by_kind[kind].push(id);
        Some(())
    })?;
    Some(KIND_ORDER.into_iter().zip(by_kind).flat_map(|(k, ids)| ids.into_iter().map(move |id| (k, id))).collect())
}

/// The ids a file that is not valid TOML seems to define: each `id = "..."` line of a
/// `[[kind]]` record, read line by line whatever else the file holds. Only used to tell
/// references that fail because their file cannot be read from other unknown references.
pub(super) fn salvage_ids(text: &str) -> Vec<String> {
    let mut in_record = false;
    let mut ids = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix("[[") {
            let header = header.split("]]").next().unwrap_or(header).trim();
            in_record = KIND_ORDER.iter().any(|k| k.as_str() == header);
        } else if let Some(value) = line.strip_prefix("id").map(str::trim_start).and_then(|l| l.strip_prefix('=')) {
            let value = value.trim();
            let quote = value.chars().next().filter(|q| matches!(q, '"' | '\''));
            if let (true, Some(q)) = (in_record, quote) {
                let inner = &value[1..];
                ids.push(inner.split(q).next().unwrap_or(inner).to_owned());
            }
        }
    }
    ids
}

/// The records of `text`, or `None` when it is not in the subset or not a valid seed file.
pub(super) fn read(text: &str) -> Option<SeedFile> {
    let mut seed = SeedFile::default();
    each_table(text, true, |t| t.store(&mut seed))?;
    Some(seed)
}

/// Reads `text` a `[[header]]` table at a time, giving each complete table (its header and
/// pairs) to `each`; `None` as soon as the text leaves the subset or `each` declines.
/// `keep`: whether arrays keep their strings (only ids are wanted otherwise).
fn each_table<'a>(text: &'a str, keep: bool, mut each: impl FnMut(Table<'a>) -> Option<()>) -> Option<()> {
    let mut r = Reader { s: text, b: text.as_bytes(), i: 0, keep };
    let mut table: Option<Table> = None;
    loop {
        r.blank();
        if r.i == r.b.len() {
            break;
        }
        if r.b[r.i] == b'[' {
            if let Some(t) = table.take() {
                each(t)?;
            }
            table = Some(r.header()?);
        } else {
            let pair = r.pair()?;
            table.as_mut()?.add(pair)?;
        }
    }
    table.map_or(Some(()), each)
}

/// A value as written.
enum Value<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    Strings(Vec<Text>),
}

/// `key = value`, with the value's span.
struct Pair<'a> {
    key: &'a str,
    value: Value<'a>,
    span: Range<usize>,
}

/// One `[[header]]` and its pairs.
struct Table<'a> {
    header: &'a str,
    span: Range<usize>,
    pairs: Vec<Pair<'a>>,
}

impl<'a> Table<'a> {
    fn add(&mut self, pair: Pair<'a>) -> Option<()> {
        if self.pairs.iter().any(|p| p.key == pair.key) {
            return None; // a duplicate key: toml words the error
        }
        self.span.end = pair.span.end;
        self.pairs.push(pair);
        Some(())
    }

    /// Converts the table into its record and stores it where TOML puts it: a `[[kind]]`
    /// at the end of its list, a `[[kind.part]]` in the last `[[kind]]` so far.
    fn store(self, seed: &mut SeedFile) -> Option<()> {
        fn at<T>(span: &Range<usize>, record: T) -> Spanned<T> {
            Spanned::new(span.clone(), record)
        }
        let span = &self.span.clone();
        match self.header {
            "source" => seed.source.push(at(span, self.source()?)),
            "actor" => seed.actor.push(at(span, self.actor()?)),
            "place" => seed.place.push(at(span, self.place()?)),
            "event" => seed.event.push(at(span, self.event()?)),
            "agreement" => seed.agreement.push(at(span, self.agreement()?)),
            "statement" => seed.statement.push(at(span, self.statement()?)),
            "actor.position" => seed.actor.last_mut()?.get_mut().position.push(at(span, self.position()?)),
            "actor.note" => seed.actor.last_mut()?.get_mut().note.push(at(span, self.note()?)),
            "place.note" => seed.place.last_mut()?.get_mut().note.push(at(span, self.note()?)),
            "event.participant" => seed.event.last_mut()?.get_mut().participant.push(at(span, self.participant()?)),
            "event.note" => seed.event.last_mut()?.get_mut().note.push(at(span, self.note()?)),
            "agreement.note" => seed.agreement.last_mut()?.get_mut().note.push(at(span, self.note()?)),
            _ => return None,
        }
        Some(())
    }
}

/// Builds a record from a table's pairs: each field converted by its function (`as_text`,
/// `as_texts`...) and then required (`req`), optional (`opt`) or defaulted (`def`); nested
/// lists start empty. An unknown key, or a value of the wrong type, gives `None`.
macro_rules! record {
    ($table:expr => $ty:ident { $($field:ident: $convert:ident $how:ident),* $(,)? } $(nested { $($list:ident),* })?) => {{
        $(let mut $field = None;)*
        for p in $table.pairs {
            match p.key {
                $(stringify!($field) => $field = Some($convert(p)?),)*
                _ => return None,
            }
        }
        Some($ty { $($field: $how($field)?,)* $($($list: Vec::new(),)*)? })
    }};
}

impl Table<'_> {
    fn source(self) -> Option<SourceRecord> {
        record!(self => SourceRecord {
            id: as_text req, outlet: as_text req, title: as_text req, published: as_text opt, document: as_text req,
            note: as_string opt, publisher: as_text opt, credits: as_texts def,
        })
    }

    fn note(self) -> Option<NoteRecord> {
        record!(self => NoteRecord { text: as_text req, sources: as_texts def })
    }

    fn actor(self) -> Option<ActorRecord> {
        record!(self => ActorRecord {
            id: as_text req, name: as_text req, kind: as_text req, aliases: as_texts def, country: as_text opt,
            summary: as_string opt, sources: as_texts def,
        } nested { position, note })
    }

    fn position(self) -> Option<PositionRecord> {
        record!(self => PositionRecord {
            title: as_text req, organization: as_text opt, start: as_text opt, end: as_text opt, as_of: as_days def,
            sources: as_texts def,
        })
    }

    fn place(self) -> Option<PlaceRecord> {
        record!(self => PlaceRecord {
            id: as_text req, name: as_text req, kind: as_text req, aliases: as_texts def, code: as_text opt,
            within: as_text opt, latitude: as_float opt, longitude: as_float opt, sources: as_texts def,
        } nested { note })
    }

    fn event(self) -> Option<EventRecord> {
        record!(self => EventRecord {
            id: as_text req, title: as_text req, kind: as_text req, mode: as_text opt, status: as_text req,
            when: as_text req, place: as_text opt, part_of: as_text opt, topics: as_texts def, summary: as_text req,
            sources: as_texts def, cameo: as_text opt, plover: as_text opt,
        } nested { participant, note })
    }

    fn participant(self) -> Option<ParticipantRecord> {
        record!(self => ParticipantRecord { actor: as_text req, role: as_text req, sources: as_texts def })
    }

    fn agreement(self) -> Option<AgreementRecord> {
        record!(self => AgreementRecord {
            id: as_text req, title: as_text req, kind: as_text req, status: as_text req, summary: as_text req,
            parties: as_texts def, signatories: as_texts def, event: as_text opt, schedules: as_texts def, when: as_text opt,
            amount: as_float opt, currency: as_text opt, duration_months: as_int opt, topics: as_texts def,
            sources: as_texts def,
        } nested { note })
    }

    fn statement(self) -> Option<StatementRecord> {
        record!(self => StatementRecord {
            id: as_text req, speaker: as_text req, when: as_text req, channel: as_text req, text: as_text req,
            quote: as_boolean def, about: as_text opt, responds_to: as_text opt, sources: as_texts def,
        })
    }
}

fn req<T>(v: Option<T>) -> Option<T> {
    v
}

fn opt<T>(v: Option<T>) -> Option<Option<T>> {
    Some(v)
}

fn def<T: Default>(v: Option<T>) -> Option<T> {
    Some(v.unwrap_or_default())
}

fn as_text(p: Pair) -> Option<Text> {
    match p.value {
        Value::Str(s) => Some(Spanned::new(p.span, s.into_owned())),
        _ => None,
    }
}

fn as_string(p: Pair) -> Option<String> {
    as_text(p).map(Spanned::into_inner)
}

fn as_texts(p: Pair) -> Option<Vec<Text>> {
    match p.value {
        Value::Strings(list) => Some(list),
        _ => None,
    }
}

fn as_days(p: Pair) -> Option<Days> {
    match p.value {
        Value::Str(s) => Some(Days(vec![Spanned::new(p.span, s.into_owned())])),
        Value::Strings(list) => Some(Days(list)),
        _ => None,
    }
}

fn as_float(p: Pair) -> Option<Spanned<f64>> {
    match p.value {
        Value::Float(f) => Some(Spanned::new(p.span, f)),
        Value::Int(i) => Some(Spanned::new(p.span, i as f64)),
        _ => None,
    }
}

fn as_int(p: Pair) -> Option<Spanned<i64>> {
    match p.value {
        Value::Int(i) => Some(Spanned::new(p.span, i)),
        _ => None,
    }
}

fn as_boolean(p: Pair) -> Option<bool> {
    match p.value {
        Value::Bool(b) => Some(b),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
