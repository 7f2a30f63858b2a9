//! Record conversion: each record of one file checked and turned into a model entity with
//! its references resolved through the registry, every problem collected rather than the
//! first one returned.

use super::load::Problem;
use super::records::*;
use super::registry::Registry;
use super::KIND_ORDER;
use crate::model::*;
use chrono::NaiveDate;
use std::ops::Range;
use toml::Spanned;

/// The longest quotation a statement may hold, in characters: quotations stay short.
const MAX_QUOTE_CHARS: usize = 400;

/// One file's entities and what was found checking them.
pub(super) struct Converted {
    /// The entities, in [`KIND_ORDER`].
    pub entities: Vec<Entity>,
    pub problems: Vec<Problem>,
    /// For each reference not checked (its id seems defined by a file that cannot be read),
    /// that file.
    pub unchecked: Vec<usize>,
}

/// The entities of one file's records, in [`KIND_ORDER`] (the order pass 1 registered their
/// ids in), with the problems found in them.
pub(super) fn convert(seed: &SeedFile, file: usize, registry: &Registry) -> Converted {
    let mut problems = Vec::new();
    let mut unchecked = Vec::new();
    let mut out = Vec::new();
    let mut cx = Checker { file, registry, problems: &mut problems, unchecked: &mut unchecked };
    for kind in KIND_ORDER {
        match kind {
            EntityKind::Source => out.extend(seed.source.iter().map(|r| Entity::Source(cx.source(r)))),
            EntityKind::Actor => out.extend(seed.actor.iter().map(|r| Entity::Actor(cx.actor(r)))),
            EntityKind::Place => out.extend(seed.place.iter().map(|r| Entity::Place(cx.place(r)))),
            EntityKind::Event => out.extend(seed.event.iter().map(|r| Entity::Event(cx.event(r)))),
            EntityKind::Agreement => out.extend(seed.agreement.iter().map(|r| Entity::Agreement(cx.agreement(r)))),
            EntityKind::Statement => out.extend(seed.statement.iter().map(|r| Entity::Statement(cx.statement(r)))),
        }
    }
    Converted { entities: out, problems, unchecked }
}

/// Converts the records of one file, reporting problems against it.
struct Checker<'a> {
    file: usize,
    registry: &'a Registry,
    problems: &'a mut Vec<Problem>,
    unchecked: &'a mut Vec<usize>,
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
                let found = self.registry.origin(node).kind;
                if found == want {
                    return Some(node);
                }
                self.error(
                    t.span(),
                    format!("`{wanted}` is {}, but {} is expected here", found.with_article(), want.with_article()),
                );
            }
            None if self.registry.unread_file(wanted).is_some() => {
                self.unchecked.extend(self.registry.unread_file(wanted));
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
            publisher: s.publisher.as_ref().map(|p| self.text(p, "publisher")),
            credits: self.texts(&s.credits, "credits"),
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
                let day = |cx: &mut Self, d: &Text| {
                    TimeSpan::parse_day(d.get_ref()).map_err(|e| cx.error(d.span(), e.to_string()))
                };
                let mut attested: Vec<NaiveDate> = pr.as_of.0.iter().filter_map(|d| day(self, d).ok()).collect();
                attested.sort_unstable();
                attested.dedup();
                Position {
                    title: self.text(&pr.title, "title"),
                    organization: self.opt_ref(&pr.organization, EntityKind::Actor),
                    start,
                    end,
                    attested,
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
            schedules: self.refs(&a.schedules, EntityKind::Event),
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
