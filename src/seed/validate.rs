//! Checking seed records and turning them into model entities with resolved references.
//!
//! Two passes: the first registers every id (so references may point forward or to other
//! files), the second converts each record, collecting every problem instead of stopping.

use super::error::{LineIndex, SeedError, SeedErrors};
use super::records::*;
use super::{read_text, SeedPath};
use crate::graph::Snapshot;
use crate::model::*;
use chrono::NaiveDate;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;
use toml::Spanned;

/// The longest quotation a statement may hold, in characters: quotations stay short.
const MAX_QUOTE_CHARS: usize = 400;

/// Reads, parses and validates `files`, returning the entities in `NodeId` order and the
/// snapshot they make.
///
/// Each file is read and parsed twice, in parallel: the first pass keeps only its ids (so
/// that references may point forward or to other files), the second converts its records
/// into entities. Neither keeps more than a few files' text or records at once, so the peak
/// holds little more than the entities (at a million events, reading twice costs about a
/// second and saves about a gigabyte).
pub(super) fn validate(files: &[SeedPath]) -> Result<Validated, SeedErrors> {
    // Pass 1: every id, its kind and where it was defined.
    let parsed: Vec<Result<(u64, Ids), SeedError>> = crate::timed("seed pass 1: ids", || {
        files.par_iter().map(|f| parse(f, super::reader::read_ids, ids_of)).collect()
    });
    let mut errors = Vec::new();
    let mut hashes: Vec<Option<u64>> = vec![None; files.len()];
    let total = parsed.iter().map(|r| r.as_ref().map_or(0, |(_, ids)| ids.len())).sum();
    let mut registry = Registry {
        ids: HashMap::with_capacity_and_hasher(total, Default::default()),
        origins: Vec::with_capacity(total),
        duplicates: Vec::new(),
    };
    let mut counts = vec![0; files.len()];
    for (file, result) in parsed.into_iter().enumerate() {
        match result {
            Ok((hash, ids)) => {
                hashes[file] = Some(hash);
                counts[file] = ids.len();
                ids.into_iter().for_each(|(kind, id)| registry.register(file, kind, id));
            }
            Err(e) => errors.push(e),
        }
    }
    let readable: Vec<usize> = (0..files.len()).filter(|&f| hashes[f].is_some()).collect();

    // Pass 2: convert each file in parallel, in the same order as pass 1 so that NodeIds
    // match; the registry is only read.
    let converted: Vec<Result<Converted, SeedError>> = crate::timed("seed pass 2: entities", || {
        readable
            .par_iter()
            .map(|&file| {
                let (hash, seed) = parse(&files[file], super::reader::read, |seed| seed)?;
                if Some(hash) != hashes[file] {
                    let message = "the file changed during the load: load again".to_owned();
                    return Err(SeedError { file: files[file].path.clone(), line: 0, column: 0, message });
                }
                let mut problems = Vec::new();
                let mut out = Vec::new();
                let mut cx = Checker { file, registry: &registry, problems: &mut problems };
                out.extend(seed.source.iter().map(|r| Entity::Source(cx.source(r))));
                out.extend(seed.actor.iter().map(|r| Entity::Actor(cx.actor(r))));
                out.extend(seed.place.iter().map(|r| Entity::Place(cx.place(r))));
                out.extend(seed.event.iter().map(|r| Entity::Event(cx.event(r))));
                out.extend(seed.agreement.iter().map(|r| Entity::Agreement(cx.agreement(r))));
                out.extend(seed.statement.iter().map(|r| Entity::Statement(cx.statement(r))));
                Ok((out, problems))
            })
            .collect()
    });
    let mut entities = Vec::with_capacity(registry.origins.len());
    let mut problems = Vec::new();
    for (file, result) in readable.into_iter().zip(converted) {
        match result {
            Ok((out, found)) => {
                entities.extend(out);
                problems.extend(found);
            }
            Err(e) => {
                // Pass 1 read this file's ids but pass 2 cannot read its records: keep later
                // files' NodeIds in place with stand-ins, so that their checks stay right.
                errors.push(e);
                entities.extend((0..counts[file]).map(|_| stand_in()));
            }
        }
    }
    registry.report_duplicates(&mut problems);
    check_cycles(&entities, &registry, &mut problems);
    errors.extend(locate(files, &hashes, problems));

    if errors.is_empty() {
        let snapshot = Snapshot::of_files(files.iter().map(|f| f.relative.as_str()).zip(hashes.into_iter().flatten()));
        Ok((entities, registry.ids, snapshot))
    } else {
        errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        Err(SeedErrors(errors))
    }
}

/// Every entity in `NodeId` order, each id's `NodeId`, and the snapshot they make.
pub(super) type Validated = (Vec<Entity>, HashMap<String, NodeId>, Snapshot);

/// The ids one file defines, with their kinds.
pub(super) type Ids = Vec<(EntityKind, Text)>;

/// One file's entities and the problems found in them.
type Converted = (Vec<Entity>, Vec<Problem>);

/// Reads and parses one file: its content hash and what `fast` (one of the fast reader's
/// functions) makes of it, or, when that declines, what `slow` makes of toml's records;
/// toml also words every error.
fn parse<T>(f: &SeedPath, fast: fn(&str) -> Option<T>, slow: fn(SeedFile) -> T) -> Result<(u64, T), SeedError> {
    let text = read_text(&f.path)?;
    let hash = Snapshot::content_hash(&text);
    if let Some(out) = fast(&text) {
        return Ok((hash, out));
    }
    toml::from_str(&text).map(|seed| (hash, slow(seed))).map_err(|e| {
        let (line, column) = e.span().map(|s| LineIndex::new(&text).locate(s.start)).unwrap_or((0, 0));
        let message = match e.message().trim() {
            "" => "the file is not valid TOML here".to_owned(),
            m => m.to_owned(),
        };
        SeedError { file: f.path.clone(), line, column, message }
    })
}

/// The ids a file defines, in the order pass 2 converts its records.
pub(super) fn ids_of(seed: SeedFile) -> Ids {
    let mut ids = Vec::new();
    ids.extend(seed.source.into_iter().map(|r| (EntityKind::Source, r.into_inner().id)));
    ids.extend(seed.actor.into_iter().map(|r| (EntityKind::Actor, r.into_inner().id)));
    ids.extend(seed.place.into_iter().map(|r| (EntityKind::Place, r.into_inner().id)));
    ids.extend(seed.event.into_iter().map(|r| (EntityKind::Event, r.into_inner().id)));
    ids.extend(seed.agreement.into_iter().map(|r| (EntityKind::Agreement, r.into_inner().id)));
    ids.extend(seed.statement.into_iter().map(|r| (EntityKind::Statement, r.into_inner().id)));
    ids
}

/// An entity standing for one that could not be read (never in a graph: its file is an error).
fn stand_in() -> Entity {
    let none = String::new;
    Entity::Source(Source { id: none(), outlet: none(), title: none(), published: None, document: none(), note: None })
}

/// A problem at a byte offset of a file. Lines and columns are worked out only when there
/// are problems, from the files read again: a large seed keeps no line index while loading.
struct Problem {
    file: usize,
    offset: usize,
    message: String,
    /// A place the message ends by pointing at (file, offset), shown as `path:line`.
    see: Option<(usize, usize)>,
}

/// The errors `problems` make, with their lines and columns.
fn locate(files: &[SeedPath], hashes: &[Option<u64>], problems: Vec<Problem>) -> Vec<SeedError> {
    let mut concerned: Vec<usize> =
        problems.iter().flat_map(|p| std::iter::once(p.file).chain(p.see.map(|s| s.0))).collect();
    concerned.sort_unstable();
    concerned.dedup();
    // A file edited since it was read would give wrong lines: it gives none instead.
    let lines: HashMap<usize, LineIndex> = concerned
        .into_par_iter()
        .filter_map(|f| {
            let text = read_text(&files[f].path).ok().filter(|t| Some(Snapshot::content_hash(t)) == hashes[f])?;
            Some((f, LineIndex::new(&text)))
        })
        .collect();
    let at = |file: usize, offset: usize| lines.get(&file).map(|ix| ix.locate(offset));
    problems
        .into_iter()
        .map(|p| {
            let mut message = p.message;
            if let Some((file, offset)) = p.see {
                let line = at(file, offset).map_or(0, |(l, _)| l);
                message.push_str(&format!("{}:{line}", files[file].path.display()));
            }
            let file = files[p.file].path.clone();
            match at(p.file, p.offset) {
                Some((line, column)) => SeedError { file, line, column, message },
                None => SeedError {
                    file,
                    line: 0,
                    column: 0,
                    message: format!("{message} (the file changed during the load: load again for its line)"),
                },
            }
        })
        .collect()
}

/// Where an id was defined.
#[derive(Clone)]
struct Origin {
    file: usize,
    span: Range<usize>,
    kind: EntityKind,
}

struct Registry {
    ids: HashMap<String, NodeId>,
    origins: Vec<Origin>,
    /// Later definitions of an id already taken: (origin, first NodeId).
    duplicates: Vec<(Origin, NodeId)>,
}

impl Registry {
    fn register(&mut self, file: usize, kind: EntityKind, id: Text) {
        let node = NodeId(self.origins.len() as u32);
        let origin = Origin { file, span: id.span(), kind };
        self.origins.push(origin.clone());
        if let Some(&first) = self.ids.get(id.get_ref()) {
            self.duplicates.push((origin, first));
        } else {
            self.ids.insert(id.into_inner(), node);
        }
    }

    fn report_duplicates(&self, problems: &mut Vec<Problem>) {
        for (origin, first) in &self.duplicates {
            let f = &self.origins[first.index()];
            problems.push(Problem {
                file: origin.file,
                offset: origin.span.start,
                message: "duplicate id: it is already defined at ".into(),
                see: Some((f.file, f.span.start)),
            });
        }
    }

    /// The known id of `kind` closest to `wanted`, if one is close enough to be a typo.
    fn suggest(&self, wanted: &str, kind: EntityKind) -> Option<&str> {
        self.ids
            .iter()
            .filter(|(_, n)| self.origins[n.index()].kind == kind)
            .map(|(id, _)| (strsim::levenshtein(wanted, id), id.as_str()))
            .filter(|(d, id)| *d <= 3.max(id.len() / 4))
            .min()
            .map(|(_, id)| id)
    }
}

/// Converts the records of one file, reporting problems against it.
struct Checker<'a> {
    file: usize,
    registry: &'a Registry,
    problems: &'a mut Vec<Problem>,
}

impl Checker<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.problems.push(Problem { file: self.file, offset: span.start, message: message.into(), see: None });
    }

    fn id(&mut self, id: &Text, kind: EntityKind) -> String {
        let text = id.get_ref();
        let slug = text.strip_prefix(kind.as_str()).and_then(|s| s.strip_prefix(':'));
        match slug {
            Some(s)
                if !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') => {}
            Some(_) => self.error(
                id.span(),
                format!("id `{text}`: the part after `{}:` may hold only a-z, 0-9 and `-`", kind.as_str()),
            ),
            None => self.error(
                id.span(),
                format!("id `{text}` of {} must start with `{}:`", kind.with_article(), kind.as_str()),
            ),
        }
        text.clone()
    }

    fn text(&mut self, t: &Text, field: &str) -> String {
        if t.get_ref().trim().is_empty() {
            self.error(t.span(), format!("`{field}` is empty"));
        }
        t.get_ref().clone()
    }

    fn texts(&mut self, ts: &[Text], field: &str) -> Vec<String> {
        ts.iter().map(|t| self.text(t, field)).collect()
    }

    fn vocab<T: Vocabulary>(&mut self, t: &Text, field: &str) -> T {
        T::parse(t.get_ref()).unwrap_or_else(|| {
            self.error(t.span(), format!("unknown {field} `{}`: expected one of {}", t.get_ref(), T::spellings()));
            T::fallback()
        })
    }

    fn reference(&mut self, t: &Text, want: EntityKind) -> Option<NodeId> {
        let wanted = t.get_ref();
        match self.registry.ids.get(wanted) {
            Some(&node) => {
                let found = self.registry.origins[node.index()].kind;
                if found == want {
                    return Some(node);
                }
                self.error(
                    t.span(),
                    format!("`{wanted}` is {}, but {} is expected here", found.with_article(), want.with_article()),
                );
            }
            None => {
                let hint = match self.registry.suggest(wanted, want) {
                    Some(s) => format!(" (did you mean `{s}`?)"),
                    None => String::new(),
                };
                self.error(t.span(), format!("unknown {} `{wanted}`{hint}", want.as_str()));
            }
        }
        None
    }

    fn opt_ref(&mut self, t: &Option<Text>, want: EntityKind) -> Option<NodeId> {
        t.as_ref().and_then(|t| self.reference(t, want))
    }

    fn refs(&mut self, ts: &[Text], want: EntityKind) -> Vec<NodeId> {
        ts.iter().filter_map(|t| self.reference(t, want)).collect()
    }

    /// The `sources` of a fact: at least one, each a `source:` id.
    fn sources(&mut self, s: &[Text], owner: Range<usize>, what: &str) -> Vec<NodeId> {
        if s.is_empty() {
            self.error(owner, format!("{what} has no `sources`: every fact cites the reports it was read from"));
        }
        self.refs(s, EntityKind::Source)
    }

    fn span(&mut self, t: &Text) -> TimeSpan {
        TimeSpan::parse(t.get_ref()).unwrap_or_else(|e| {
            self.error(t.span(), e.to_string());
            TimeSpan::day(NaiveDate::MIN)
        })
    }

    fn day(&mut self, t: &Option<Text>) -> Option<NaiveDate> {
        let t = t.as_ref()?;
        TimeSpan::parse_day(t.get_ref()).map_err(|e| self.error(t.span(), e.to_string())).ok()
    }

    fn notes(&mut self, notes: &[Spanned<NoteRecord>]) -> Vec<Note> {
        notes
            .iter()
            .map(|n| {
                let r = n.get_ref();
                Note { text: self.text(&r.text, "text"), sources: self.sources(&r.sources, n.span(), "a note") }
            })
            .collect()
    }

    fn source(&mut self, r: &Spanned<SourceRecord>) -> Source {
        let s = r.get_ref();
        Source {
            id: self.id(&s.id, EntityKind::Source),
            outlet: self.text(&s.outlet, "outlet"),
            title: self.text(&s.title, "title"),
            published: self.day(&s.published),
            document: self.text(&s.document, "document"),
            note: s.note.clone(),
        }
    }

    fn actor(&mut self, r: &Spanned<ActorRecord>) -> Actor {
        let a = r.get_ref();
        let positions = a
            .position
            .iter()
            .map(|p| {
                let pr = p.get_ref();
                let (start, end) = (self.day(&pr.start), self.day(&pr.end));
                if let (Some(s), Some(e), Some(t)) = (start, end, &pr.end) {
                    if e < s {
                        self.error(t.span(), format!("the position `{}` ends before it starts", pr.title.get_ref()));
                    }
                }
                Position {
                    title: self.text(&pr.title, "title"),
                    organization: self.opt_ref(&pr.organization, EntityKind::Actor),
                    start,
                    end,
                    as_of: self.day(&pr.as_of),
                    sources: self.sources(&pr.sources, p.span(), "a position"),
                }
            })
            .collect();
        Actor {
            id: self.id(&a.id, EntityKind::Actor),
            name: self.text(&a.name, "name"),
            aliases: self.texts(&a.aliases, "aliases"),
            kind: self.vocab(&a.kind, "actor kind"),
            country: self.opt_ref(&a.country, EntityKind::Place),
            summary: a.summary.clone(),
            positions,
            notes: self.notes(&a.note),
            sources: self.sources(&a.sources, a.id.span(), "this actor"),
        }
    }

    fn place(&mut self, r: &Spanned<PlaceRecord>) -> Place {
        let p = r.get_ref();
        let kind: PlaceKind = self.vocab(&p.kind, "place kind");
        if let Some(code) = &p.code {
            let c = code.get_ref();
            let ok = c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase());
            match kind {
                PlaceKind::Country | PlaceKind::Airport if !ok => self.error(
                    code.span(),
                    format!("code `{c}`: a country takes its ISO 3166-1 alpha-3 code and an airport its IATA code, three capital letters"),
                ),
                PlaceKind::Country | PlaceKind::Airport => {}
                _ => self.error(code.span(), "only countries and airports have a standard `code`"),
            }
        }
        for (value, range, name) in
            [(&p.latitude, -90.0..=90.0, "latitude"), (&p.longitude, -180.0..=180.0, "longitude")]
        {
            if let Some(v) = value {
                if !range.contains(v.get_ref()) {
                    self.error(v.span(), format!("{name} {} is out of range", v.get_ref()));
                }
            }
        }
        Place {
            id: self.id(&p.id, EntityKind::Place),
            name: self.text(&p.name, "name"),
            aliases: self.texts(&p.aliases, "aliases"),
            kind,
            code: p.code.as_ref().map(|c| c.get_ref().clone()),
            within: self.opt_ref(&p.within, EntityKind::Place),
            latitude: p.latitude.as_ref().map(|v| *v.get_ref()),
            longitude: p.longitude.as_ref().map(|v| *v.get_ref()),
            notes: self.notes(&p.note),
            sources: self.sources(&p.sources, p.id.span(), "this place"),
        }
    }

    fn event(&mut self, r: &Spanned<EventRecord>) -> Event {
        let e = r.get_ref();
        let participants = e
            .participant
            .iter()
            .map(|p| {
                let pr = p.get_ref();
                Participation {
                    actor: self.reference(&pr.actor, EntityKind::Actor).unwrap_or(NodeId(0)),
                    role: self.vocab(&pr.role, "participant role"),
                    sources: self.sources(&pr.sources, p.span(), "a participant"),
                }
            })
            .collect();
        Event {
            id: self.id(&e.id, EntityKind::Event),
            title: self.text(&e.title, "title"),
            kind: self.vocab(&e.kind, "event kind"),
            mode: e.mode.as_ref().map(|m| self.vocab(m, "event mode")).unwrap_or(EventMode::Unknown),
            status: self.vocab(&e.status, "event status"),
            when: self.span(&e.when),
            place: self.opt_ref(&e.place, EntityKind::Place),
            part_of: self.opt_ref(&e.part_of, EntityKind::Event),
            participants,
            topics: topics(self, &e.topics),
            summary: self.text(&e.summary, "summary"),
            notes: self.notes(&e.note),
            sources: self.sources(&e.sources, e.id.span(), "this event"),
            // Optional PLOVER/CAMEO codes that win over the derived ones (model::codes).
            code_override: CodeOverride {
                cameo: e
                    .cameo
                    .as_ref()
                    .and_then(|t| CameoCode::parse(t.get_ref()).map_err(|x| self.error(t.span(), x.to_string())).ok()),
                plover: e
                    .plover
                    .as_ref()
                    .and_then(|t| Plover::parse(t.get_ref()).map_err(|x| self.error(t.span(), x.to_string())).ok()),
            },
        }
    }

    fn agreement(&mut self, r: &Spanned<AgreementRecord>) -> Agreement {
        let a = r.get_ref();
        let amount = match (&a.amount, &a.currency) {
            (Some(v), Some(c)) => {
                let code = c.get_ref();
                if !(code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())) {
                    self.error(
                        c.span(),
                        format!("currency `{code}` is not an ISO 4217 code (three capital letters, e.g. USD)"),
                    );
                }
                if !(v.get_ref().is_finite() && *v.get_ref() >= 0.0) {
                    self.error(v.span(), "an amount is a non-negative number");
                }
                Some(Money { amount: *v.get_ref(), currency: code.clone() })
            }
            (Some(v), None) => {
                self.error(v.span(), "an `amount` needs its `currency`");
                None
            }
            (None, Some(c)) => {
                self.error(c.span(), "a `currency` needs its `amount`");
                None
            }
            (None, None) => None,
        };
        let duration_months = a.duration_months.as_ref().and_then(|d| match u32::try_from(*d.get_ref()) {
            Ok(m) if m > 0 => Some(m),
            _ => {
                self.error(d.span(), "`duration_months` is a positive whole number");
                None
            }
        });
        Agreement {
            id: self.id(&a.id, EntityKind::Agreement),
            title: self.text(&a.title, "title"),
            kind: self.vocab(&a.kind, "agreement kind"),
            status: self.vocab(&a.status, "agreement status"),
            summary: self.text(&a.summary, "summary"),
            parties: self.refs(&a.parties, EntityKind::Actor),
            signatories: self.refs(&a.signatories, EntityKind::Actor),
            event: self.opt_ref(&a.event, EntityKind::Event),
            when: a.when.as_ref().map(|w| self.span(w)),
            amount,
            duration_months,
            topics: topics(self, &a.topics),
            notes: self.notes(&a.note),
            sources: self.sources(&a.sources, a.id.span(), "this agreement"),
        }
    }

    fn statement(&mut self, r: &Spanned<StatementRecord>) -> Statement {
        let s = r.get_ref();
        if s.quote && s.text.get_ref().chars().count() > MAX_QUOTE_CHARS {
            self.error(
                s.text.span(),
                format!("a quotation is at most {MAX_QUOTE_CHARS} characters: quote a sentence, paraphrase the rest"),
            );
        }
        Statement {
            id: self.id(&s.id, EntityKind::Statement),
            speaker: self.reference(&s.speaker, EntityKind::Actor).unwrap_or(NodeId(0)),
            when: self.span(&s.when),
            channel: self.vocab(&s.channel, "statement channel"),
            text: self.text(&s.text, "text"),
            quote: s.quote,
            about: self.opt_ref(&s.about, EntityKind::Event),
            responds_to: self.opt_ref(&s.responds_to, EntityKind::Statement),
            sources: self.sources(&s.sources, s.id.span(), "this statement"),
        }
    }
}

/// Topics are matched folded, so they are stored folded.
fn topics(cx: &mut Checker<'_>, ts: &[Text]) -> Vec<String> {
    cx.texts(ts, "topics").iter().map(|t| fold(t)).collect()
}

/// A place inside itself or an event part of itself, however indirectly, is an error.
fn check_cycles(entities: &[Entity], registry: &Registry, problems: &mut Vec<Problem>) {
    let parent = |n: NodeId| match entities.get(n.index()) {
        Some(Entity::Place(p)) => p.within,
        Some(Entity::Event(e)) => e.part_of,
        Some(Entity::Statement(s)) => s.responds_to,
        _ => None,
    };
    for start in (0..entities.len() as u32).map(NodeId) {
        let mut at = parent(start);
        let mut steps = 0;
        while let Some(n) = at {
            if n == start {
                let o = &registry.origins[start.index()];
                let link = match o.kind {
                    EntityKind::Place => "`within`",
                    EntityKind::Event => "`part_of`",
                    _ => "`responds_to`",
                };
                let message = format!("`{}` leads back to itself through {link}", entities[start.index()].id());
                problems.push(Problem { file: o.file, offset: o.span.start, message, see: None });
                break;
            }
            steps += 1;
            if steps > entities.len().min(10_000) {
                break;
            }
            at = parent(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(offset: usize) -> Problem {
        Problem { file: 0, offset, message: "bad".into(), see: None }
    }

    #[test]
    fn problems_are_located_in_the_file_as_it_was_read_and_never_in_another_version() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "one\ntwo\nthree\n").expect("write");
        let files = [SeedPath { path: path.clone(), relative: "a.toml".into() }];
        let read = Some(Snapshot::content_hash("one\ntwo\nthree\n"));
        let located = locate(&files, &[read], vec![problem(8)]);
        assert_eq!((located[0].line, located[0].column, located[0].message.as_str()), (3, 1, "bad"));
        // Edited since it was read: no line rather than a wrong one.
        std::fs::write(&path, "zero\none\ntwo\nthree\n").expect("write");
        let located = locate(&files, &[read], vec![problem(8)]);
        assert_eq!((located[0].line, located[0].column), (0, 0));
        assert!(located[0].message.contains("changed during the load"), "{}", located[0].message);
    }
}
