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
use crate::model::EntityKind;
use std::borrow::Cow;
use std::ops::Range;
use toml::Spanned;

/// The ids `text` defines with their kinds, in the order of [`read`]'s records (sources,
/// actors, places, events, agreements, statements), without building the records; `None`
/// when the file is not in the subset or a record has no string `id`. It checks less than
/// [`read`] does (the loader reads every file again with it before using anything).
pub(super) fn read_ids(text: &str) -> Option<Vec<(EntityKind, Text)>> {
    let mut by_kind: [Vec<Text>; 6] = Default::default();
    each_table(text, false, |t| {
        let kind = match t.header {
            "source" => 0,
            "actor" => 1,
            "place" => 2,
            "event" => 3,
            "agreement" => 4,
            "statement" => 5,
            "actor.position" | "actor.note" | "place.note" | "event.participant" | "event.note" | "agreement.note" => {
                return Some(())
            }
            _ => return None,
        };
        let id = t.pairs.into_iter().find(|p| p.key == "id").and_then(as_text)?;
        by_kind[kind].push(id);
        Some(())
    })?;
    const KINDS: [EntityKind; 6] = [
        EntityKind::Source,
        EntityKind::Actor,
        EntityKind::Place,
        EntityKind::Event,
        EntityKind::Agreement,
        EntityKind::Statement,
    ];
    Some(KINDS.into_iter().zip(by_kind).flat_map(|(k, ids)| ids.into_iter().map(move |id| (k, id))).collect())
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
            note: as_string opt,
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
            title: as_text req, organization: as_text opt, start: as_text opt, end: as_text opt, as_of: as_text opt,
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
            parties: as_texts def, signatories: as_texts def, event: as_text opt, when: as_text opt,
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

struct Reader<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    /// False when only ids are wanted: arrays are checked but not kept.
    keep: bool,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Spaces and tabs.
    fn spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// A comment, if one starts here, up to (not including) the end of its line.
    fn comment(&mut self) -> Option<()> {
        if self.peek() == Some(b'#') {
            while let Some(c) = self.peek() {
                match c {
                    b'\n' => break,
                    b'\r' if self.b.get(self.i + 1) == Some(&b'\n') => break,
                    // Control characters are not allowed in comments: let toml say so.
                    0..=8 | 0x0a..=0x1f | 0x7f => return None,
                    _ => self.i += 1,
                }
            }
        }
        Some(())
    }

    /// The end of a line: spaces, a comment, then a newline or the end of the text.
    fn end_of_line(&mut self) -> Option<()> {
        self.spaces();
        self.comment()?;
        match self.peek() {
            None => {}
            Some(b'\n') => self.i += 1,
            Some(b'\r') if self.b.get(self.i + 1) == Some(&b'\n') => self.i += 2,
            Some(_) => return None,
        }
        Some(())
    }

    /// Blank and comment lines, and the spaces before the next item.
    fn blank(&mut self) {
        loop {
            self.spaces();
            let at = self.i;
            match self.peek() {
                Some(b'#' | b'\n' | b'\r') if self.end_of_line().is_some() => {}
                _ => {
                    self.i = at;
                    return;
                }
            }
        }
    }

    /// A bare key.
    fn key(&mut self) -> Option<&'a str> {
        let start = self.i;
        while matches!(self.peek(), Some(b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-')) {
            self.i += 1;
        }
        (self.i > start).then(|| &self.s[start..self.i])
    }

    /// `[[name]]` or `[[name.part]]`, alone on its line.
    fn header(&mut self) -> Option<Table<'a>> {
        let start = self.i;
        if !self.b[self.i..].starts_with(b"[[") {
            return None;
        }
        self.i += 2;
        let name_start = self.i;
        self.key()?;
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.key()?;
        }
        let header = &self.s[name_start..self.i];
        if !self.b[self.i..].starts_with(b"]]") {
            return None;
        }
        self.i += 2;
        let span = start..self.i;
        self.end_of_line()?;
        Some(Table { header, span, pairs: Vec::new() })
    }

    /// `key = value`, alone on its line.
    fn pair(&mut self) -> Option<Pair<'a>> {
        let key = self.key()?;
        self.spaces();
        if self.peek() != Some(b'=') {
            return None;
        }
        self.i += 1;
        self.spaces();
        let start = self.i;
        let value = self.value()?;
        let span = start..self.i;
        self.end_of_line()?;
        Some(Pair { key, value, span })
    }

    fn value(&mut self) -> Option<Value<'a>> {
        match self.peek()? {
            b'"' | b'\'' => self.string().map(Value::Str),
            b'[' => self.strings().map(Value::Strings),
            b't' | b'f' => {
                let word = self.word();
                match word {
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    _ => None,
                }
            }
            b'0'..=b'9' | b'+' | b'-' => number(self.word()),
            _ => None,
        }
    }

    /// The characters up to the next space, comma, bracket, comment or line end.
    fn word(&mut self) -> &'a str {
        let start = self.i;
        while let Some(c) = self.peek() {
            if matches!(c, b' ' | b'\t' | b',' | b']' | b'#' | b'\n' | b'\r') {
                break;
            }
            self.i += 1;
        }
        &self.s[start..self.i]
    }

    /// A one-line basic (`"..."`) or literal (`'...'`) string.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let quote = self.b[self.i];
        if self.b[self.i..].starts_with(&[quote; 3]) {
            return None; // a multi-line string
        }
        self.i += 1;
        let start = self.i;
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            let c = self.peek()?;
            match c {
                _ if c == quote => break,
                b'\\' if quote == b'"' => {
                    let buf = owned.get_or_insert_with(String::new);
                    buf.push_str(&self.s[run..self.i]);
                    self.i += 1;
                    let (ch, len) = match self.peek()? {
                        b'b' => ('\u{8}', 1),
                        b't' => ('\t', 1),
                        b'n' => ('\n', 1),
                        b'f' => ('\u{c}', 1),
                        b'r' => ('\r', 1),
                        b'"' => ('"', 1),
                        b'\\' => ('\\', 1),
                        b'u' => (self.unicode(4)?, 5),
                        b'U' => (self.unicode(8)?, 9),
                        _ => return None,
                    };
                    buf.push(ch);
                    self.i += len;
                    run = self.i;
                }
                b'\t' => self.i += 1,
                0..=0x1f | 0x7f => return None,
                _ => self.i += 1,
            }
        }
        let out = match owned {
            Some(mut buf) => {
                buf.push_str(&self.s[run..self.i]);
                Cow::Owned(buf)
            }
            None => Cow::Borrowed(&self.s[start..self.i]),
        };
        self.i += 1;
        Some(out)
    }

    /// The character of a `\u`/`\U` escape with `digits` hex digits after the letter.
    fn unicode(&self, digits: usize) -> Option<char> {
        let hex = self.s.get(self.i + 1..self.i + 1 + digits)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)
    }

    /// An array of strings, possibly over several lines with comments.
    fn strings(&mut self) -> Option<Vec<Text>> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            self.blank();
            match self.peek()? {
                b']' => break,
                b'"' | b'\'' => {
                    let start = self.i;
                    let s = self.string()?;
                    if self.keep {
                        out.push(Spanned::new(start..self.i, s.into_owned()));
                    }
                }
                _ => return None,
            }
            self.blank();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.i += 1;
        Some(out)
    }
}

/// A decimal integer or float as TOML writes them (no underscores, no leading zeros, no
/// `inf`/`nan`); anything else, dates included, is left to toml.
fn number(word: &str) -> Option<Value<'static>> {
    let digits = word.strip_prefix(['+', '-']).unwrap_or(word);
    let int_len = digits.bytes().take_while(u8::is_ascii_digit).count();
    let (int, rest) = digits.split_at(int_len);
    if int.is_empty() || (int.len() > 1 && int.starts_with('0')) {
        return None;
    }
    if rest.is_empty() {
        return word.parse().ok().map(Value::Int);
    }
    let mut tail = rest;
    if let Some(frac) = tail.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        tail = &frac[n..];
    }
    if let Some(exp) = tail.strip_prefix(['e', 'E']) {
        let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if exp.is_empty() || !exp.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        tail = "";
    }
    if !tail.is_empty() {
        return None;
    }
    word.parse::<f64>().ok().filter(|f| f.is_finite()).map(Value::Float)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::Path;

    use crate::seed::validate::ids_of;

    /// What toml reads, as text with every span (None when toml refuses the file).
    fn by_toml(text: &str) -> Option<String> {
        toml::from_str::<SeedFile>(text).ok().map(|s| format!("{s:?}"))
    }

    /// The fast reader must give what toml gives (records and ids), or nothing.
    fn agrees(text: &str) -> Result<bool, String> {
        let Some(fast) = read(text) else { return Ok(false) };
        let fast = format!("{fast:?}");
        let Ok(slow) = toml::from_str::<SeedFile>(text) else {
            return Err(format!("toml refuses what the reader accepted: {fast}"));
        };
        if fast != format!("{slow:?}") {
            return Err(format!("differs:\nfast {fast}\ntoml {slow:?}"));
        }
        let (ids, expected) = (format!("{:?}", read_ids(text)), format!("{:?}", Some(ids_of(slow))));
        if ids != expected {
            return Err(format!("ids differ:\nfast {ids}\ntoml {expected}"));
        }
        Ok(true)
    }

    fn seed_texts(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("seed dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                seed_texts(&path, out);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(std::fs::read_to_string(&path).expect("seed file"));
            }
        }
    }

    fn bundled() -> Vec<String> {
        let mut texts = Vec::new();
        seed_texts(&Path::new(env!("CARGO_MANIFEST_DIR")).join("seed"), &mut texts);
        texts
    }

    #[test]
    fn reads_every_bundled_and_generated_file_as_toml_does() {
        let mut texts = bundled();
        let dir = tempfile::tempdir().expect("tempdir");
        crate::generate::generate(&crate::generate::GenerateConfig { events: 300, seed: 7 }, dir.path()).expect("gen");
        seed_texts(dir.path(), &mut texts);
        assert!(texts.len() > 5);
        for text in &texts {
            // Every file we write is in the subset: the fast reader must take it.
            assert_eq!(agrees(text), Ok(true), "{}", &text[..text.len().min(300)]);
        }
    }

    #[test]
    fn leaves_other_toml_and_broken_files_to_toml() {
        let event = "id = \"event:x\"\ntitle = \"T\"\nkind = \"meeting\"\nstatus = \"occurred\"\nwhen = \"2021-06-08\"\nsummary = \"S\"\n";
        let cases = [
            // Valid TOML outside the subset: toml reads them, the reader declines.
            format!("[[event]]\n{event}topics = [\"a\", ]\nsources = [\n  # why\n  \"source:a\",\n]\n"),
            format!("[[event]]\n{event}summary2 = '''x'''\n"),
            format!("[[ event ]]\n{event}"),
            format!("[[event]]\n{}", event.replace("title = \"T\"", "title = \"\"\"T\"\"\"")),
            format!("[[event]]\n{}", event.replace("id = ", "\"id\" = ")),
            format!("[[event]]\n{event}participant = [{{ actor = \"actor:a\", role = \"host\" }}]\n"),
            "[[agreement]]\nid = \"agreement:a\"\ntitle = \"T\"\nkind = \"funding\"\nstatus = \"signed\"\nsummary = \"S\"\namount = 1_000\n".to_owned(),
            "[[agreement]]\nid = \"agreement:a\"\ntitle = \"T\"\nkind = \"funding\"\nstatus = \"signed\"\nsummary = \"S\"\namount = 1.5e3\nduration_months = 12\n".to_owned(),
            // Broken: unknown key, duplicate key, wrong type, missing field, bad escape,
            // control character, a part before its record, a table that is not an array.
            format!("[[event]]\n{event}colour = \"red\"\n"),
            format!("[[event]]\n{event}title = \"again\"\n"),
            format!("[[event]]\n{event}topics = \"one\"\n"),
            format!("[[event]]\n{}", event.replace("summary = \"S\"\n", "")),
            format!("[[event]]\n{}", event.replace("\"T\"", "\"a\\qb\"")),
            format!("[[event]]\n{}", event.replace("\"T\"", "\"a\u{1}b\"")),
            format!("[[event.participant]]\nactor = \"actor:a\"\nrole = \"host\"\n[[event]]\n{event}"),
            format!("[event]\n{event}"),
            format!("[[event]]\n{event}[[event.participant]]\nactor = \"actor:a\"\nrole = \"host\"\nextra = 1\n"),
            "[[statement]]\nid = \"statement:a\"\nspeaker = \"actor:a\"\nwhen = 2021-06-08\nchannel = \"interview\"\ntext = \"t\"\n".to_owned(),
        ];
        for (i, text) in cases.iter().enumerate() {
            let fast = agrees(text).unwrap_or_else(|e| panic!("case {i}: {e}"));
            // Each case that the reader takes must match toml; the broken ones it declines.
            if i >= 8 {
                assert!(!fast, "case {i} is broken and must go to toml:\n{text}");
                assert!(by_toml(text).is_none(), "case {i} should be refused by toml too");
            }
        }
    }

    #[test]
    fn escapes_numbers_and_crlf_read_as_toml_reads_them() {
        let text = "# c\r\n[[agreement]] # after\r\nid = \"agreement:a\\u00e9\\t\\\"q\\\"\\\\\"\r\ntitle = 'lit \\n eral'\r\nkind = \"funding\"\r\nstatus = \"signed\"\r\nsummary = \"S \\U0001F600\"\r\namount = -12.5e-1\r\nduration_months = +36\r\nparties = [ \"actor:a\" , 'actor:b' ]\r\n\r\n[[agreement.note]]\r\ntext = \"n\"\r\n[[statement]]\nid = \"statement:s\"\nspeaker = \"actor:a\"\nwhen = \"2021\"\nchannel = \"x\"\ntext = \"t\"\nquote = true\n";
        assert_eq!(agrees(text), Ok(true));
    }

    /// Bytes that make interesting damage in a TOML file.
    const TOKENS: &[&str] = &[
        "\"", "'", "[", "]", "[[", "]]", "=", "\n", "\r\n", "\r", "#", ",", "\\", "\\u00e9", "1.5", "-0", "1e999",
        "true", "\t", "é", "\u{0}", "{", "}", ".", " ",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        /// Random damage to a bundled seed file: whatever the reader accepts, toml reads the same.
        #[test]
        fn damaged_files_are_read_as_toml_reads_them_or_left_to_it(
            file in 0usize..64,
            edits in proptest::collection::vec((any::<usize>(), 0..TOKENS.len(), 0usize..3), 1..6),
        ) {
            let texts = bundled();
            let mut text = texts[file % texts.len()].clone();
            for (at, token, what) in edits {
                let mut at = at % (text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match what {
                    0 => text.insert_str(at, TOKENS[token]),
                    1 => {
                        let mut end = (at + 1 + token).min(text.len());
                        while !text.is_char_boundary(end) {
                            end += 1;
                        }
                        text.replace_range(at..end, "");
                    }
                    _ => {
                        let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
                        let line = text[at..line_end].to_owned();
                        text.insert_str(line_end, &line);
                    }
                }
            }
            prop_assert_eq!(agrees(&text).map(|_| ()), Ok(()));
        }
    }
}
