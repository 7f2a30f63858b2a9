//! Incremental builds (issue 15): a graph extended with added records
//! (`KnowledgeGraph::extend`, what the writer builds after a write that only adds) answers
//! exactly as a whole build of the same records, index by index and query by query, after
//! random sequences of additions on the bundled seed and on a small generated seed; and the
//! writer's graphs after random adds, replacements and retractions answer as a whole build.

use crate::support::{block_on, generated, graph};
use diplograph::api::{Author, WriteService};
use diplograph::graph::{
    ActorQuery, AgreementQuery, Bucket, EventQuery, KnowledgeGraph, PlaceQuery, ServedGraph, StatementQuery,
};
use diplograph::model::*;
use diplograph::write::{MemoryLog, Writer};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A small random number generator (xorshift), so that a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick(&mut self, list: &[NodeId]) -> NodeId {
        list[self.below(list.len())]
    }
}

/// The same records built whole.
fn whole(g: &KnowledgeGraph) -> KnowledgeGraph {
    let (entities, ids) = g.records();
    KnowledgeGraph::build(entities, ids, g.snapshot().clone())
}

/// `count` new records for `g`, each a copy of a random record of its kind with a new id,
/// new references (to records of `g` or added before it) and new names, in `NodeId` order
/// from `g.node_count()`.
fn additions(g: &KnowledgeGraph, rng: &mut Rng, count: usize, batch: usize) -> Vec<Entity> {
    let mut out: Vec<Entity> = Vec::new();
    let of_kind = |kind: EntityKind, out: &[Entity]| -> Vec<NodeId> {
        let base = g.node_count();
        let mut list = g.all(kind).to_vec();
        list.extend(out.iter().enumerate().filter(|(_, e)| e.kind() == kind).map(|(i, _)| NodeId((base + i) as u32)));
        list
    };
    let words = ["Réunion", "summit", "Genève", "Zoë", "talks", "ceasefire", "Nuñez", "accord"];
    for k in 0..count {
        let id = |prefix: &str| format!("{prefix}-x{batch}-{k}");
        let word = words[rng.below(words.len())];
        let sources = of_kind(EntityKind::Source, &out);
        let cite = |rng: &mut Rng| -> Vec<NodeId> { (0..1 + rng.below(3)).map(|_| rng.pick(&sources)).collect() };
        let kind = match rng.below(10) {
            0..=4 => EntityKind::Event,
            5 => EntityKind::Actor,
            6 => EntityKind::Place,
            7 => EntityKind::Agreement,
            8 => EntityKind::Statement,
            _ => EntityKind::Source,
        };
        let template = g.entity(rng.pick(g.all(kind))).clone();
        let actors = of_kind(EntityKind::Actor, &out);
        let places = of_kind(EntityKind::Place, &out);
        let events = of_kind(EntityKind::Event, &out);
        let e = match template {
            Entity::Event(mut ev) => {
                ev.id = id("ev");
                ev.title = format!("{} {word} {k}", ev.title);
                ev.when = g.event(rng.pick(g.all(EntityKind::Event))).expect("event").when;
                ev.place = (rng.below(4) > 0).then(|| rng.pick(&places));
                ev.part_of = (rng.below(4) == 0).then(|| rng.pick(g.all(EntityKind::Event)));
                ev.participants = (0..rng.below(4))
                    .map(|_| Participation {
                        actor: rng.pick(&actors),
                        role: ParticipantRole::Host,
                        sources: cite(rng),
                    })
                    .collect();
                ev.sources = cite(rng);
                // Now and then a topic or an event kind (so codes) first seen here.
                if rng.below(6) == 0 {
                    ev.topics.push(format!("{word} topic {}", rng.below(3)));
                }
                if rng.below(6) == 0 {
                    ev.kind = EventKind::ALL[rng.below(EventKind::ALL.len())];
                }
                Entity::Event(ev)
            }
            Entity::Actor(mut a) => {
                a.id = id("actor");
                a.name = format!("{word} {}", a.name);
                a.sources = cite(rng);
                Entity::Actor(a)
            }
            Entity::Place(mut p) => {
                p.id = id("place");
                p.name = format!("{} {word}", p.name);
                p.within = (rng.below(3) > 0).then(|| rng.pick(&places));
                p.sources = cite(rng);
                Entity::Place(p)
            }
            Entity::Agreement(mut a) => {
                a.id = id("agreement");
                a.parties = (0..1 + rng.below(3)).map(|_| rng.pick(&actors)).collect();
                a.parties.dedup();
                a.signatories = a.parties.iter().copied().take(rng.below(2)).collect();
                a.event = (rng.below(3) > 0).then(|| rng.pick(&events));
                a.sources = cite(rng);
                Entity::Agreement(a)
            }
            Entity::Statement(mut s) => {
                s.id = id("statement");
                s.speaker = rng.pick(&actors);
                s.about = (rng.below(2) == 0).then(|| rng.pick(&events));
                s.text = format!("{} {word}", s.text);
                s.sources = cite(rng);
                Entity::Statement(s)
            }
            Entity::Source(mut s) => {
                s.id = id("source");
                s.title = format!("{word} {}", s.title);
                Entity::Source(s)
            }
        };
        out.push(e);
    }
    out
}

/// What a batch of replacements changes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Change {
    /// Only fields whose indexes are patched in place (texts, notes, kinds of actors...).
    InPlace,
    /// Events only, also what the indexes read of them (dates, participants, places,
    /// parents, kinds, statuses, own citations): re-indexed from the graph before.
    Events,
    /// Places only, each moved into another (not one inside it): the events at or inside it
    /// re-indexed from the graph before (the places around them, their countries).
    Contained,
    /// Agreements and statements only, their dates or an agreement's event (which an undated
    /// one sorts by): moved in their orders from the graph before.
    Dates,
    /// Actors and places only, renamed: moved in their orders from the graph before.
    Names,
}

/// Agreement `a` given a moved date, another event's date or none (then sorted by its
/// event's date, or last), or another event or none, and other scheduled events.
fn redate_agreement(g: &KnowledgeGraph, a: &mut Agreement, rng: &mut Rng) {
    let days = chrono::Duration::days(rng.below(400) as i64 - 200);
    match rng.below(4) {
        0 => a.when = Some(TimeSpan::day(a.when.map_or(some_day(g, rng), |w| w.start + days))),
        1 => a.when = g.event(rng.pick(g.all(EntityKind::Event))).map(|e| e.when),
        2 => a.when = None,
        _ => {
            a.event = (rng.below(3) > 0).then(|| rng.pick(g.all(EntityKind::Event)));
            a.schedules = (0..rng.below(2)).map(|_| rng.pick(g.all(EntityKind::Event))).collect();
        }
    }
}

/// Statement `st` given a moved day or span, or another statement's date.
fn redate_statement(g: &KnowledgeGraph, st: &mut Statement, rng: &mut Rng) {
    let days = chrono::Duration::days(rng.below(400) as i64 - 200);
    st.when = match rng.below(3) {
        0 => TimeSpan::day(st.when.start + days),
        1 => TimeSpan {
            start: st.when.start + days,
            end: st.when.start + days + chrono::Duration::days(rng.below(10) as i64),
            ..st.when
        },
        _ => g.statement(rng.pick(g.all(EntityKind::Statement))).expect("statement").when,
    };
}

/// `count` replacements of random records of `g` (each node once), each a copy with some
/// fields changed: for [`Change::InPlace`], only fields [`KnowledgeGraph::replaces_in_place`]
/// allows to differ (labels and texts search reads, aliases, notes and the citations of
/// notes, participations and positions, the own citations of actors, places, agreements and
/// statements, an actor's positions and country, an actor's or place's name, an actor's or
/// agreement's kind, a place's kind (to or from a country too), an agreement's parties,
/// signatories, event and date, a statement's speaker, event and date, fields no index
/// reads); for [`Change::Events`], events only, also one or more of what the indexes read
/// of an event (its date, participants and roles, place, parent, kind, status, own
/// citations, topics, mode, own codes); for [`Change::Contained`], places, also their
/// container.
fn replacements(g: &KnowledgeGraph, rng: &mut Rng, count: usize, change: Change) -> Vec<(NodeId, Entity)> {
    let words = ["amended", "corrected", "erratum", "summit", "Genève", "ωmega", "talks"];
    let sources = g.all(EntityKind::Source);
    let mut out: Vec<(NodeId, Entity)> = Vec::new();
    for k in 0..count {
        let n = match change {
            Change::Events => rng.pick(g.all(EntityKind::Event)),
            Change::Dates if rng.below(2) == 0 => rng.pick(g.all(EntityKind::Agreement)),
            Change::Dates => rng.pick(g.all(EntityKind::Statement)),
            Change::Names if rng.below(2) == 0 => rng.pick(g.all(EntityKind::Place)),
            Change::Names => rng.pick(g.all(EntityKind::Actor)),
            Change::Contained => loop {
                let p = rng.pick(g.all(EntityKind::Place));
                if g.place(p).is_some_and(|p| p.within.is_some()) {
                    break p;
                }
            },
            _ => NodeId(rng.below(g.node_count()) as u32),
        };
        if out.iter().any(|r| r.0 == n) {
            continue;
        }
        let word = words[rng.below(words.len())];
        // A text: some of the words, now and then one nobody else has (a new vocabulary
        // word) or none of the old ones (whose words may then be nobody's).
        let text = |old: &str, rng: &mut Rng| match rng.below(4) {
            0 => format!("{word} {}", rng.below(5)),
            1 => format!("{old} {word}"),
            2 => format!("{word} ωmega{k}"),
            _ => old.split(' ').skip(1).collect::<Vec<_>>().join(" "),
        };
        let cite = |rng: &mut Rng| -> Vec<NodeId> { (0..rng.below(3)).map(|_| rng.pick(sources)).collect() };
        let note = |rng: &mut Rng| Note { text: format!("{word} note"), sources: cite(rng) };
        let mut e = g.entity(n).clone();
        match &mut e {
            Entity::Agreement(a) if change == Change::Dates => redate_agreement(g, a, rng),
            Entity::Statement(st) if change == Change::Dates => redate_statement(g, st, rng),
            Entity::Actor(a) if change == Change::Names => a.name = text(&a.name, rng),
            Entity::Place(p) if change == Change::Names => p.name = text(&p.name, rng),
            Entity::Event(ev) => match rng.below(4) {
                0 => ev.title = text(&ev.title, rng),
                1 => ev.summary = text(&ev.summary, rng),
                2 => ev.notes.push(note(rng)),
                _ => ev.participants.iter_mut().for_each(|p| p.sources = cite(rng)),
            },
            Entity::Actor(a) => match rng.below(8) {
                // Another country, or none.
                7 => {
                    let countries: Vec<NodeId> = g
                        .all(EntityKind::Place)
                        .iter()
                        .copied()
                        .filter(|&p| g.place(p).is_some_and(|p| p.kind == PlaceKind::Country) && Some(p) != a.country)
                        .collect();
                    a.country = match a.country {
                        Some(_) if rng.below(2) == 0 || countries.is_empty() => None,
                        _ => Some(rng.pick(&countries)),
                    };
                }
                0 => a.aliases.push(text(&a.name, rng)),
                // Renamed: now and then to another actor's name (a tie broken by id).
                6 if rng.below(3) == 0 => a.name = g.entity(rng.pick(g.all(EntityKind::Actor))).label().to_owned(),
                6 => a.name = text(&a.name, rng),
                3 => a.kind = ActorKind::ALL[rng.below(ActorKind::ALL.len())],
                1 => a.summary = Some(text(a.summary.as_deref().unwrap_or_default(), rng)),
                4 => a.sources = cite(rng),
                // An office taken up (now and then at another actor, an organisation), one
                // left, one given another title or end.
                5 => match rng.below(3) {
                    0 => a.positions.push(Position {
                        title: format!("{word} minister"),
                        organization: (rng.below(2) == 0).then(|| rng.pick(g.all(EntityKind::Actor))),
                        start: Some(some_day(g, rng)),
                        end: None,
                        attested: Vec::new(),
                        sources: cite(rng),
                    }),
                    1 if !a.positions.is_empty() => {
                        a.positions.remove(rng.below(a.positions.len()));
                    }
                    _ => a.positions.iter_mut().for_each(|p| {
                        p.title = text(&p.title, rng);
                        p.end = Some(some_day(g, rng));
                    }),
                },
                _ => {
                    a.notes.clear();
                    a.positions.iter_mut().for_each(|p| p.sources = cite(rng));
                }
            },
            Entity::Place(p) => match rng.below(6) {
                0 => p.aliases = vec![text(&p.name, rng)],
                // Another kind, now and then to or from a country (the events at or inside
                // it re-indexed).
                5 => p.kind = PlaceKind::ALL[rng.below(PlaceKind::ALL.len())],
                4 => p.name = text(&p.name, rng),
                1 => (p.latitude, p.code) = (Some(rng.below(90) as f64), Some(word.into())),
                3 => p.sources = cite(rng),
                _ => p.notes.push(note(rng)),
            },
            Entity::Agreement(a) => match rng.below(8) {
                0 => a.title = text(&a.title, rng),
                // Other parties and signatories, and (when its own date orders it) another
                // event.
                4 => {
                    let actors = g.all(EntityKind::Actor);
                    a.parties = (0..1 + rng.below(3)).map(|_| rng.pick(actors)).collect();
                    a.parties.sort_unstable();
                    a.parties.dedup();
                    a.signatories = a.parties.iter().copied().take(rng.below(3)).collect();
                }
                6 | 7 => redate_agreement(g, a, rng),
                3 => {
                    a.kind = AgreementKind::ALL[rng.below(AgreementKind::ALL.len())];
                    a.status = AgreementStatus::ALL[rng.below(AgreementStatus::ALL.len())];
                }
                1 => a.topics.push(text(word, rng)),
                5 => a.sources = cite(rng),
                _ => (a.summary, a.duration_months) = (text(&a.summary, rng), Some(rng.below(40) as u32)),
            },
            Entity::Statement(st) => match rng.below(5) {
                0 => (st.text, st.quote) = (text(&st.text, rng), rng.below(2) == 0),
                3 => st.sources = cite(rng),
                4 => redate_statement(g, st, rng),
                // Another speaker, about another event or none.
                2 => {
                    st.speaker = rng.pick(g.all(EntityKind::Actor));
                    st.about = (rng.below(3) > 0).then(|| rng.pick(g.all(EntityKind::Event)));
                }
                _ => st.channel = StatementChannel::ALL[rng.below(StatementChannel::ALL.len())],
            },
            Entity::Source(src) => match rng.below(4) {
                0 => src.title = text(&src.title, rng),
                1 => src.outlet = text(&src.outlet, rng),
                // Published on another day: every record citing it lists its citations in
                // another order, and may be known from another day.
                2 => {
                    let days = chrono::Duration::days(rng.below(60) as i64 - 30);
                    src.published = src.published.map(|d| d + days);
                }
                _ => (src.document, src.credits) = (text(&src.document, rng), vec![word.into()]),
            },
        }
        // One of the others of `kind` (not `now`).
        let other = |kind: EntityKind, now: Option<NodeId>, rng: &mut Rng| loop {
            let o = rng.pick(g.all(kind));
            if Some(o) != now || g.all(kind).len() < 2 {
                break o;
            }
        };
        if let (Change::Events, Entity::Event(ev)) = (change, &mut e) {
            // One to three of the changes, now and then a change that changes nothing.
            for _ in 0..1 + rng.below(3) {
                let days = chrono::Duration::days(rng.below(400) as i64 - 200);
                match rng.below(15) {
                    // A moved day, a corrected span, a precision.
                    0 => ev.when = TimeSpan::day(ev.when.start + days),
                    1 => {
                        let start = ev.when.start + days;
                        ev.when =
                            TimeSpan { start, end: start + chrono::Duration::days(rng.below(20) as i64), ..ev.when };
                    }
                    2 => {
                        let dates: Vec<NodeId> = g.all(EntityKind::Event).to_vec();
                        ev.when = g.event(rng.pick(&dates)).expect("event").when;
                    }
                    // A participant replaced, added, taken out, given another role.
                    3 if !ev.participants.is_empty() => {
                        let i = rng.below(ev.participants.len());
                        ev.participants[i].actor = other(EntityKind::Actor, Some(ev.participants[i].actor), rng);
                    }
                    4 => ev.participants.push(Participation {
                        actor: other(EntityKind::Actor, None, rng),
                        role: ParticipantRole::ALL[rng.below(ParticipantRole::ALL.len())],
                        sources: cite(rng),
                    }),
                    5 if !ev.participants.is_empty() => {
                        ev.participants.remove(rng.below(ev.participants.len()));
                    }
                    6 if !ev.participants.is_empty() => {
                        let i = rng.below(ev.participants.len());
                        ev.participants[i].role = ParticipantRole::ALL[rng.below(ParticipantRole::ALL.len())];
                    }
                    7 => ev.place = (rng.below(5) > 0).then(|| other(EntityKind::Place, ev.place, rng)),
                    8 => ev.status = EventStatus::ALL[rng.below(EventStatus::ALL.len())],
                    9 => ev.kind = EventKind::ALL[rng.below(EventKind::ALL.len())],
                    // A topic added (now and then one no event has), one taken out, the mode,
                    // the codes of another event given as its own.
                    11 => match rng.below(3) {
                        0 if !ev.topics.is_empty() => {
                            ev.topics.remove(rng.below(ev.topics.len()));
                        }
                        1 => ev.topics.push(format!("{word} {}", rng.below(3))),
                        _ => ev.topics.push(word.into()),
                    },
                    12 => ev.mode = EventMode::ALL[rng.below(EventMode::ALL.len())],
                    13 => {
                        let codes = g.event(rng.pick(g.all(EntityKind::Event))).expect("event").codes();
                        ev.code_override = CodeOverride {
                            cameo: Some(codes.cameo),
                            plover: codes.plover.filter(|_| rng.below(2) > 0),
                        };
                    }
                    10 => {
                        // Another parent (neither itself nor a part of it), or none.
                        let parent = other(EntityKind::Event, Some(n), rng);
                        let mut up = Some(parent);
                        let mut cycle = false;
                        for _ in 0..64 {
                            cycle |= up == Some(n);
                            up = up.and_then(|p| g.event(p)).and_then(|p| p.part_of);
                        }
                        ev.part_of = (rng.below(4) > 0 && !cycle).then_some(parent);
                    }
                    _ => ev.sources = cite(rng),
                }
            }
        } else if change == Change::Contained {
            let Entity::Place(p) = &mut e else { unreachable!("only places are picked to be moved") };
            // Within another place, not one inside it.
            let inside = |mut at: Option<NodeId>| {
                for _ in 0..64 {
                    match at {
                        Some(a) if a == n => return true,
                        Some(a) => at = g.place(a).and_then(|x| x.within),
                        None => return false,
                    }
                }
                true
            };
            let places = g.all(EntityKind::Place);
            p.within =
                (0..50).map(|_| rng.pick(places)).find(|&o| Some(o) != p.within && !inside(Some(o))).or(p.within);
        }
        out.push((n, e));
    }
    out
}

/// Queries that reach the added records: exact labels, prefixes, words, typos, accents.
fn queries(g: &KnowledgeGraph, rng: &mut Rng) -> Vec<String> {
    let mut out: Vec<String> =
        ["reunion", "Réunion", "summit", "geneve", "zoe", "talkz", "cesefire", "nunez", "acord", "the", "a"]
            .into_iter()
            .chain([
                "amended",
                "amendd",
                "corrected erratum",
                "erratum",
                "eratum",
                "ωmega",
                "ωmega 3",
                "ωmegq",
                "qwertyzb",
            ])
            .map(String::from)
            .collect();
    for _ in 0..40 {
        let label = g.entity(NodeId(rng.below(g.node_count()) as u32)).label().to_owned();
        let chars: Vec<char> = label.chars().collect();
        out.push(label.clone());
        out.push(chars.iter().take(1 + rng.below(chars.len().max(1))).collect());
        if chars.len() > 5 {
            let cut = 1 + rng.below(chars.len() - 2);
            out.push(chars.iter().enumerate().filter(|&(i, _)| i != cut).map(|(_, c)| c).collect());
        }
        out.extend(label.split(' ').nth(1).map(str::to_owned));
    }
    out
}

/// Every index of `a` answers as `b`'s does.
fn assert_same(a: &KnowledgeGraph, b: &KnowledgeGraph, rng: &mut Rng) {
    assert_eq!(a.node_count(), b.node_count());
    assert_eq!(a.counts(), b.counts());
    for &kind in EntityKind::ALL {
        assert_eq!(a.all(kind), b.all(kind), "{kind:?} order");
    }
    for i in 0..a.node_count() as u32 {
        let n = NodeId(i);
        let id = b.entity(n).id();
        assert_eq!(format!("{:?}", a.entity(n)), format!("{:?}", b.entity(n)), "{id}");
        assert_eq!(a.is_retracted(n), b.is_retracted(n), "{id}");
        if a.is_retracted(n) {
            assert!(a.get(id) != Some(n) && b.get(id) != Some(n), "{id} is found by no id");
            assert!(a.links(n).next().is_none() && b.links(n).next().is_none(), "{id} has no links");
            continue;
        }
        assert_eq!(a.get(id), Some(n), "{id}");
        assert_eq!((a.rank(n), a.sort_key(n)), (b.rank(n), b.sort_key(n)), "{id}");
        assert_eq!(format!("{:?}", a.reverse(n)), format!("{:?}", b.reverse(n)), "{id} reverse");
        assert_eq!(a.links(n).collect::<Vec<_>>(), b.links(n).collect::<Vec<_>>(), "{id} links");
        assert_eq!(a.known_from(n), b.known_from(n), "{id}");
    }
    for q in queries(b, rng) {
        for kinds in [&[][..], &[EntityKind::Event], &[EntityKind::Actor, EntityKind::Place]] {
            for limit in [1, 5, 20, 500] {
                assert_eq!(a.search(&q, kinds, limit), b.search(&q, kinds, limit), "search {q:?} {kinds:?} {limit}");
            }
        }
        let kind = [EntityKind::Actor, EntityKind::Place][rng.below(2)];
        assert_eq!(a.lookup_name(kind, &q), b.lookup_name(kind, &q), "name {q:?}");
    }
    let events = b.all(EntityKind::Event);
    for _ in 0..20 {
        let (x, y) = (
            b.event(b.all(EntityKind::Event)[rng.below(events.len())]).expect("event").when,
            b.event(events[rng.below(events.len())]).expect("event").when,
        );
        let (from, to) = (x.start.min(y.start), x.end.max(y.end));
        let ra: Vec<NodeId> = a.events_in_range(Some(from), Some(to)).iter().collect();
        let rb: Vec<NodeId> = b.events_in_range(Some(from), Some(to)).iter().collect();
        assert_eq!(ra, rb, "events from {from} to {to}");
    }
    let list = |l: diplograph::graph::List| l.iter().collect::<Vec<_>>();
    for _ in 0..20 {
        let actor = rng.pick(b.all(EntityKind::Actor));
        let place = rng.pick(b.all(EntityKind::Place));
        let q = EventQuery { involving: vec![actor], ..EventQuery::default() };
        assert_eq!(list(a.events(&q)), list(b.events(&q)), "events of {actor:?}");
        let q = EventQuery { at: vec![place], ..EventQuery::default() };
        assert_eq!(list(a.events(&q)), list(b.events(&q)), "events at {place:?}");
        let q = AgreementQuery { involving: vec![actor], ..AgreementQuery::default() };
        assert_eq!(list(a.agreements(&q)), list(b.agreements(&q)));
        let q = AgreementQuery { parties: vec![actor], ..AgreementQuery::default() };
        assert_eq!(list(a.agreements(&q)), list(b.agreements(&q)));
        let name = b.entity(actor).label().split(' ').next().unwrap_or_default().to_owned();
        let q = ActorQuery { name: Some(name), ..ActorQuery::default() };
        assert_eq!(list(a.actors(&q)), list(b.actors(&q)));
        let other = rng.pick(b.all(EntityKind::Actor));
        assert_eq!(a.path(actor, other, 4), b.path(actor, other, 4), "path {actor:?} {other:?}");
        let center = NodeId(rng.below(b.node_count()) as u32);
        assert_eq!(a.neighborhood(center, 2, 50), b.neighborhood(center, 2, 50), "around {center:?}");
    }
    for &place in b.all(EntityKind::Place) {
        let q = PlaceQuery { within: Some(place), ..PlaceQuery::default() };
        assert_eq!(list(a.places(&q)), list(b.places(&q)), "places within {place:?}");
    }
    for kind in ActorKind::ALL {
        let q = ActorQuery { kind: Some(*kind), ..ActorQuery::default() };
        assert_eq!(list(a.actors(&q)), list(b.actors(&q)), "{kind:?}");
    }
    for kind in AgreementKind::ALL {
        let q = AgreementQuery { kind: Some(*kind), ..AgreementQuery::default() };
        assert_eq!(list(a.agreements(&q)), list(b.agreements(&q)), "{kind:?}");
    }
    for kind in PlaceKind::ALL {
        let q = PlaceQuery { kind: Some(*kind), ..PlaceQuery::default() };
        assert_eq!(list(a.places(&q)), list(b.places(&q)), "{kind:?}");
    }
    let said = b.all(EntityKind::Statement);
    for _ in 0..10 {
        let (x, y) = (rng.pick(said), rng.pick(said));
        let (x, y) = (b.statement(x).expect("statement").when, b.statement(y).expect("statement").when);
        for (from, to) in
            [(Some(x.start.min(y.start)), Some(x.end.max(y.end))), (Some(x.start), None), (None, Some(y.end))]
        {
            let q = StatementQuery { from, to, ..StatementQuery::default() };
            assert_eq!(list(a.statements(&q)), list(b.statements(&q)), "statements from {from:?} to {to:?}");
        }
    }
    // Knowledge time of the kinds whose first-known days a replacement of their own
    // citations changes, and valid time of offices.
    let holders: Vec<&Actor> = b.all(EntityKind::Actor).iter().filter_map(|&n| b.actor(n)).collect();
    let mut titles: Vec<String> = ["minister", "president", "summit"].map(String::from).to_vec();
    for _ in 0..5 {
        let actor = holders[rng.below(holders.len())];
        titles.extend(actor.positions.iter().filter_map(|p| p.title.split(' ').next().map(str::to_owned)));
    }
    for title in titles {
        let day = some_day(b, rng);
        let q = AgreementQuery { known_by: Some(day), ..AgreementQuery::default() };
        assert_eq!(list(a.agreements(&q)), list(b.agreements(&q)), "agreements known by {day}");
        let q = StatementQuery { known_by: Some(day), ..StatementQuery::default() };
        assert_eq!(list(a.statements(&q)), list(b.statements(&q)), "statements known by {day}");
        for as_of in [None, Some(day)] {
            let q = ActorQuery { holding: Some(title.clone()), as_of, ..ActorQuery::default() };
            assert_eq!(list(a.actors(&q)), list(b.actors(&q)), "holding {title:?} on {as_of:?}");
        }
    }
    let agreements = b.all(EntityKind::Agreement);
    assert_eq!(
        format!("{:?}", a.agreement_tally(agreements.iter().copied())),
        format!("{:?}", b.agreement_tally(agreements.iter().copied()))
    );
    let statements = b.all(EntityKind::Statement);
    assert_eq!(a.statement_channels(statements.iter().copied()), b.statement_channels(statements.iter().copied()));
    let (sa, sb) = (a.all_events(), b.all_events());
    assert_eq!(a.event_tally(sa), b.event_tally(sb));
    assert_eq!(a.event_countries(sa, 50), b.event_countries(sb, 50));
    assert_eq!(a.event_participants(sa, None, 50), b.event_participants(sb, None, 50));
    assert_eq!(a.event_topics(sa, 50), b.event_topics(sb, 50));
    assert_eq!(a.event_timeline(sa, Bucket::Month, 100_000), b.event_timeline(sb, Bucket::Month, 100_000));
    assert_same_counts(a, b, rng);
}

/// A random day around the events' dates (a little before the first, after the last).
fn some_day(g: &KnowledgeGraph, rng: &mut Rng) -> chrono::NaiveDate {
    let events = g.all(EntityKind::Event);
    let when = g.event(events[rng.below(events.len())]).expect("event").when;
    let base = [when.start, when.end][rng.below(2)];
    base + chrono::Duration::days(rng.below(90) as i64 - 45)
}

/// The events' lists whose counts are compared: the whole kind, date ranges (both ends, one
/// end, an empty one), `knownBy` alone and with a range, the busiest actors' and places'
/// events and random ones, and filters combined.
fn event_queries(g: &KnowledgeGraph, rng: &mut Rng) -> Vec<EventQuery> {
    let mut out = vec![EventQuery::default()];
    let busiest = |kind: EntityKind| {
        let mut v: Vec<NodeId> = g.all(kind).to_vec();
        v.sort_by_key(|&n| std::cmp::Reverse(g.reverse(n).events.len()));
        v.truncate(3);
        v
    };
    for actor in busiest(EntityKind::Actor) {
        out.push(EventQuery { involving: vec![actor], ..EventQuery::default() });
        out.push(EventQuery { involving: vec![actor], known_by: Some(some_day(g, rng)), ..EventQuery::default() });
    }
    for place in busiest(EntityKind::Place) {
        out.push(EventQuery { at: vec![place], ..EventQuery::default() });
    }
    for _ in 0..12 {
        let (x, y) = (some_day(g, rng), some_day(g, rng));
        let (from, to) = (x.min(y), x.max(y));
        out.push(EventQuery { from: Some(from), to: Some(to), ..EventQuery::default() });
        out.push(EventQuery { from: Some(from), ..EventQuery::default() });
        out.push(EventQuery { to: Some(to), ..EventQuery::default() });
        out.push(EventQuery { from: Some(to), to: Some(from), ..EventQuery::default() });
        out.push(EventQuery { known_by: Some(x), ..EventQuery::default() });
        out.push(EventQuery { from: Some(from), to: Some(to), known_by: Some(y), ..EventQuery::default() });
        let actor = rng.pick(g.all(EntityKind::Actor));
        out.push(EventQuery { involving: vec![actor], ..EventQuery::default() });
        out.push(EventQuery { at: vec![rng.pick(g.all(EntityKind::Place))], ..EventQuery::default() });
        out.push(EventQuery { involving: vec![actor], from: Some(from), ..EventQuery::default() });
        // Kinds and statuses (checked by position in the events' order).
        let kinds =
            vec![EventKind::ALL[rng.below(EventKind::ALL.len())], EventKind::ALL[rng.below(EventKind::ALL.len())]];
        let status = Some(EventStatus::ALL[rng.below(EventStatus::ALL.len())]);
        out.push(EventQuery { kinds: kinds.clone(), ..EventQuery::default() });
        out.push(EventQuery { status, from: Some(from), to: Some(to), ..EventQuery::default() });
        out.push(EventQuery { involving: vec![actor], kinds, status, ..EventQuery::default() });
    }
    out
}

/// The facets, timelines and code counts of many lists of events, the lists themselves,
/// and the office holders on random days, answer alike in `a` and `b`.
fn assert_same_counts(a: &KnowledgeGraph, b: &KnowledgeGraph, rng: &mut Rng) {
    use diplograph::graph::{EventSet, List};
    let set = |l: &List<'_>| -> Vec<NodeId> { l.iter().collect() };
    fn event_set<'s>(l: &'s List<'_>) -> EventSet<'s> {
        match l {
            List::Slice(s) => EventSet::List(s),
            List::Owned(v) => EventSet::List(v),
            List::Range(r) => EventSet::Range(*r),
        }
    }
    for q in event_queries(b, rng) {
        let (la, lb) = (a.events(&q), b.events(&q));
        assert_eq!(la.len(), lb.len(), "{q:?}");
        assert_eq!(set(&la), set(&lb), "{q:?}");
        let (sa, sb) = (event_set(&la), event_set(&lb));
        assert_eq!(a.event_tally(sa), b.event_tally(sb), "kinds of {q:?}");
        assert_eq!(a.event_countries(sa, 500), b.event_countries(sb, 500), "countries of {q:?}");
        assert_eq!(a.event_participants(sa, None, 500), b.event_participants(sb, None, 500), "participants {q:?}");
        let kind = Some(ActorKind::ALL[rng.below(ActorKind::ALL.len())]);
        assert_eq!(a.event_participants(sa, kind, 7), b.event_participants(sb, kind, 7), "{kind:?} {q:?}");
        assert_eq!(a.event_topics(sa, 500), b.event_topics(sb, 500), "topics of {q:?}");
        assert_eq!(a.event_code_tally(sa), b.event_code_tally(sb), "codes of {q:?}");
        for bucket in Bucket::ALL {
            assert_eq!(a.event_timeline(sa, bucket, 5_000), b.event_timeline(sb, bucket, 5_000), "{bucket:?} {q:?}");
        }
    }
    let mut titles: Vec<String> = Vec::new();
    for &n in b.all(EntityKind::Actor) {
        titles.extend(b.actor(n).expect("actor").positions.iter().map(|p| p.title.clone()));
    }
    titles.sort();
    titles.dedup();
    for _ in 0..10.min(titles.len()) {
        let title = titles[rng.below(titles.len())].split(' ').next().unwrap_or_default().to_owned();
        for as_of in [None, Some(some_day(b, rng))] {
            let q = ActorQuery { holding: Some(title.clone()), as_of, ..ActorQuery::default() };
            assert_eq!(set(&a.actors(&q)), set(&b.actors(&q)), "holding {title:?} on {as_of:?}");
        }
    }
    for _ in 0..20 {
        let (n, by) = (NodeId(rng.below(b.node_count()) as u32), some_day(b, rng));
        assert_eq!(a.known_by(n, by), b.known_by(n, by));
    }
}

/// Random batches of additions, each extending the graph before it, compared with a whole
/// build after every batch.
fn check_extensions(start: &KnowledgeGraph, seed: u64, batches: &[usize]) {
    let mut rng = Rng(seed);
    let mut g = whole(start);
    for (batch, &count) in batches.iter().enumerate() {
        let added = additions(&g, &mut rng, count, batch);
        g = g.extend(added, g.snapshot().clone());
        assert_same(&g, &whole(&g), &mut rng);
    }
}

/// Random batches of additions and replacements (each one in place), each made from the
/// graph before it by `update`, compared with a whole build after every batch; how many
/// graphs after replacements were made from the graph before (their replaced nodes kept
/// apart, not built whole).
fn check_updates(start: &KnowledgeGraph, seed: u64, changes: &[Change], most: usize) -> usize {
    check_updates_busy(start, seed, changes, most, None)
}

/// [`check_updates`] with the counts of lists of `busy` events or more built (the whole
/// builds compared too), when given.
fn check_updates_busy(
    start: &KnowledgeGraph,
    seed: u64,
    changes: &[Change],
    most: usize,
    busy: Option<usize>,
) -> usize {
    let mut rng = Rng(seed);
    let whole = |g: &KnowledgeGraph| match busy {
        Some(b) => whole(g).with_busy_lists(b),
        None => whole(g),
    };
    let mut g = whole(start);
    let mut kept = 0;
    for (batch, &change) in changes.iter().enumerate() {
        let count = 1 + rng.below(most);
        let replaced = replacements(&g, &mut rng, count, change);
        for (n, e) in &replaced {
            assert!(g.replaces_in_place(*n, e), "batch {batch}: {} in place: {e:?}", g.entity(*n).id());
        }
        let count = rng.below(2) * (1 + rng.below(4));
        let added = additions(&g, &mut rng, count, batch);
        let apart = g.nodes_added();
        g = g.update(replaced, added, g.snapshot().clone());
        kept += usize::from(g.nodes_added() > apart);
        assert_same(&g, &whole(&g), &mut rng);
    }
    kept
}

#[test]
fn replacing_in_the_bundled_seed_answers_as_a_whole_build() {
    let g = graph();
    for seed in 1..=3u64 {
        let mut rng = Rng(seed);
        let changes: Vec<Change> =
            (0..10).map(|_| if rng.below(4) > 0 { Change::InPlace } else { Change::Contained }).collect();
        let kept = check_updates(&g, seed * 104_729, &changes, 6);
        assert!(kept >= 3, "replacements in place were made from the graph before: {kept}");
    }
}

#[test]
fn a_replaced_label_word_left_to_nobody_answers_as_a_whole_build() {
    // Two events whose titles' first words are one edit ("qwertyzx") and two edits
    // ("qwertyaa") from the query "qwertyzb", in the load-built search index.
    let g = graph();
    let template = g.all(EntityKind::Event)[0];
    let event = |id: &str, title: &str| {
        let mut e = g.entity(template).clone();
        if let Entity::Event(ev) = &mut e {
            (ev.id, ev.title) = (id.into(), title.into());
        }
        e
    };
    let added = vec![event("event:qz", "Qwertyzx summit"), event("event:qa", "Qwertyaa summit")];
    let g = whole(&g.extend(added, g.snapshot().clone()));
    let qz = g.get("event:qz").expect("added");
    let mut rng = Rng(3);
    // Its title keeps "qwertyzx": the stale entry's words are others' too.
    let kept = vec![(qz, event("event:qz", "Summit qwertyzx talks"))];
    let a = g.update(kept, Vec::new(), g.snapshot().clone());
    assert!(a.search_added_nodes() > 0, "the replaced node indexed beside the load-built index");
    assert_eq!(a.search("qwertyzb", &[], 10), whole(&a).search("qwertyzb", &[], 10));
    assert_same(&a, &whole(&a), &mut rng);
    // Its title loses "qwertyzx", nobody else's word: the typo step's closest word for
    // "qwertyzb" is now "qwertyaa", two edits away.
    let lost = vec![(qz, event("event:qz", "Summit talks"))];
    for b in
        [g.update(lost.clone(), Vec::new(), g.snapshot().clone()), a.update(lost, Vec::new(), a.snapshot().clone())]
    {
        let hits = b.search("qwertyzb", &[], 10);
        assert_eq!(hits, whole(&b).search("qwertyzb", &[], 10));
        assert_eq!(hits.first().map(|h| h.node), g.get("event:qa"), "{hits:?}");
        assert!(b.nodes_added() > 0, "made from the graph before");
        assert_same(&b, &whole(&b), &mut rng);
    }
}

#[test]
fn a_report_added_and_an_event_moved_to_cite_it_in_one_write_is_made_from_the_graph_before() {
    // A curator's usual write: a new report, and an event corrected (moved a day, another
    // participant) to cite it. The event refers to a record the same write adds, so it is
    // re-indexed on the graph with the report added, not built whole.
    let g = whole(&graph());
    let mut rng = Rng(5);
    let source = g.all(EntityKind::Source)[0];
    let mut report = g.entity(source).clone();
    if let Entity::Source(s) = &mut report {
        s.id = "source:added-report".into();
        s.title = "A report added with the correction".into();
    }
    let added_at = NodeId(g.node_count() as u32);
    for (i, &n) in g.all(EntityKind::Event).iter().enumerate().step_by(3) {
        let mut e = g.entity(n).clone();
        let Entity::Event(ev) = &mut e else { continue };
        ev.when.start = ev.when.start.succ_opt().expect("a day after");
        ev.when.end = ev.when.end.max(ev.when.start);
        ev.sources.push(added_at);
        if let Some(p) = ev.participants.first_mut() {
            p.actor = g.all(EntityKind::Actor)[i % g.all(EntityKind::Actor).len()];
            p.sources.push(added_at);
        }
        assert!(!g.replaces_in_place(n, &e), "cites a record not in the graph before");
        let u = g.update(vec![(n, e)], vec![report.clone()], g.snapshot().clone());
        assert!(u.nodes_added() > 0, "{}: made from the graph before, not built whole", g.entity(n).id());
        assert_eq!(u.get("source:added-report"), Some(added_at));
        assert_same(&u, &whole(&u), &mut rng);
        assert_same_counts(&u, &whole(&u), &mut rng);
    }
}

#[test]
fn the_first_topic_of_a_graph_given_by_a_re_indexed_event_is_counted_as_a_whole_build_counts_it() {
    // A graph whose events have no topic: no topic counted by day. An event given the first
    // one, re-indexed: the counts by day must come as a build's (a new table), also once an
    // event with that topic is added after it.
    let g = whole(&graph());
    let cleared: Vec<(NodeId, Entity)> = g
        .all(EntityKind::Event)
        .iter()
        .map(|&n| {
            let mut e = g.entity(n).clone();
            if let Entity::Event(ev) = &mut e {
                ev.topics.clear();
            }
            (n, e)
        })
        .collect();
    let g = whole(&g.update(cleared, Vec::new(), g.snapshot().clone()));
    assert!(!g.counts_by_day().1, "no topic, none counted by day");
    let mut rng = Rng(17);
    let node = g.all(EntityKind::Event)[3];
    let mut e = g.entity(node).clone();
    if let Entity::Event(ev) = &mut e {
        ev.topics = vec!["migration".into()];
    }
    assert!(g.replaces_in_place(node, &e), "re-indexed");
    let a = g.update(vec![(node, e.clone())], Vec::new(), g.snapshot().clone());
    assert!(a.nodes_added() > 0, "made from the graph before");
    assert_eq!(a.counts_by_day(), whole(&a).counts_by_day());
    assert_same(&a, &whole(&a), &mut rng);
    if let Entity::Event(ev) = &mut e {
        ev.id = "event:with-the-first-topic-too".into();
    }
    let b = a.extend(vec![e], a.snapshot().clone());
    assert_eq!(b.counts_by_day(), whole(&b).counts_by_day());
    assert_same(&b, &whole(&b), &mut rng);
}

#[test]
fn replacing_in_a_generated_seed_answers_as_a_whole_build_across_search_layers() {
    let g = generated(1_500, 4);
    // Up to 80 replacements a batch, in place for 9 batches: the small search index passes
    // 256 nodes and the middle one is built again, with nodes replaced before and after.
    let mut changes = [Change::InPlace; 12];
    changes[9] = Change::Contained;
    let kept = check_updates(&g, 31, &changes, 80);
    assert!(kept >= 5, "replacements in place were made from the graph before: {kept}");
}

#[test]
fn moving_agreements_and_statements_answers_as_a_whole_build() {
    for g in [graph(), Arc::new(generated(1_500, 9))] {
        // Moved dates alone (so that the agreements' runs are patched, not built again
        // for another agreement's kind or parties), now and then with events moved (the
        // undated agreements reached at them move too) and other replacements.
        let mut changes = [Change::Dates; 10];
        (changes[3], changes[6], changes[8]) = (Change::Events, Change::InPlace, Change::Contained);
        let kept = check_updates(&g, 53, &changes, 12);
        assert!(kept >= 5, "agreements and statements moved from the graph before: {kept}");
    }
}

#[test]
fn renaming_actors_and_places_answers_as_a_whole_build() {
    // Lists of 6 events or more have their counts built, so that the renamed actors and
    // places are in many of them (whose ties are broken by name).
    for (g, busy) in [(graph(), None), (Arc::new(generated(1_500, 11)), Some(6))] {
        let mut changes = [Change::Names; 8];
        (changes[2], changes[5]) = (Change::Events, Change::InPlace);
        let kept = check_updates_busy(&g, 59, &changes, 10, busy);
        assert!(kept >= 4, "actors and places renamed from the graph before: {kept}");
    }
}

/// For each node of `g`, the nodes (not retracted) whose records refer to it by a link (own
/// citations too; those of notes, participations and positions not).
fn referrers(g: &KnowledgeGraph) -> HashMap<NodeId, Vec<NodeId>> {
    let mut referrers: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
    for i in 0..g.node_count() as u32 {
        let me = NodeId(i);
        if g.is_retracted(me) {
            continue;
        }
        g.each_stated_link(me, |a, b, _| {
            let other = if a == me { b } else { a };
            referrers.entry(other).or_default().push(me);
        });
    }
    referrers
}

/// A random record of `g` (not a source) with every record that refers to it, however
/// indirectly (statements about an event, its parts, agreements reached at them...), when
/// those are at most `most`: a set the writer lets a client retract in one change.
fn retractable(g: &KnowledgeGraph, rng: &mut Rng, most: usize) -> Option<Vec<NodeId>> {
    let referrers = referrers(g);
    let kinds = [EntityKind::Event, EntityKind::Statement, EntityKind::Agreement, EntityKind::Actor, EntityKind::Place];
    (0..50).find_map(|_| {
        let all = g.all(kinds[rng.below(kinds.len())]);
        (!all.is_empty()).then(|| referring(&referrers, all[rng.below(all.len())], most)).flatten()
    })
}

/// `start` with every record that refers to it, however indirectly (`referrers`: the nodes
/// that refer to each), when those are at most `most`.
fn referring(referrers: &HashMap<NodeId, Vec<NodeId>>, start: NodeId, most: usize) -> Option<Vec<NodeId>> {
    let mut set = vec![start];
    let mut k = 0;
    while k < set.len() && set.len() <= most {
        for &m in referrers.get(&set[k]).into_iter().flatten() {
            if !set.contains(&m) {
                set.push(m);
            }
        }
        k += 1;
    }
    (set.len() <= most).then_some(set)
}

#[test]
fn retracting_records_answers_as_a_whole_build() {
    // Busy lists of 6 events or more, so that retracted events leave many of them; now and
    // then records added or replaced between the retractions.
    for (start, busy, seed) in [(graph(), None, 5u64), (Arc::new(generated(1_500, 17)), Some(6), 71)] {
        let mut rng = Rng(seed);
        let whole = |g: &KnowledgeGraph| match busy {
            Some(b) => whole(g).with_busy_lists(b),
            None => whole(g),
        };
        let mut g = whole(&start);
        let (mut kinds, mut retracted) = (HashSet::new(), 0);
        for batch in 0..12 {
            if batch % 4 == 3 {
                let replaced = replacements(&g, &mut rng, 3, Change::Events);
                let count = 1 + rng.below(3);
                let added = additions(&g, &mut rng, count, batch);
                g = g.update(replaced, added, g.snapshot().clone());
            }
            let mut gone = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let g = &g;
                if let Some(set) = retractable(g, &mut rng, 8).filter(|s| s.iter().all(|n| !gone.contains(n))) {
                    gone.extend(set);
                }
            }
            kinds.extend(gone.iter().map(|&n| g.entity(n).kind()));
            retracted += gone.len();
            let before = g.entity_count();
            let apart = g.nodes_added();
            g = g.retract(&gone, g.snapshot().clone());
            assert_eq!(g.entity_count(), before - gone.len(), "batch {batch}");
            assert!(gone.is_empty() || g.nodes_added() >= apart, "made from the graph before, not built whole");
            for &n in &gone {
                assert!(g.is_retracted(n) && g.get(g.entity(n).id()).is_none(), "batch {batch}");
            }
            assert_same(&g, &whole(&g), &mut rng);
        }
        assert!(retracted >= 12 && kinds.len() >= 4, "{retracted} records retracted, of kinds {kinds:?}");
        // The agreement and the statement known last (with what refers to them), so that the
        // day by which all of their kind were known moves; an actor holding an office.
        for kind in [EntityKind::Agreement, EntityKind::Statement] {
            let latest = g.all(kind).iter().copied().max_by_key(|&n| g.known_from(n)).expect("records");
            let gone = referring(&referrers(&g), latest, 20).expect("few refer to it");
            g = g.retract(&gone, g.snapshot().clone());
            assert_same(&g, &whole(&g), &mut rng);
        }
        let holder = g.all(EntityKind::Actor).iter().find_map(|&n| g.actor(n).filter(|a| !a.positions.is_empty()));
        let mut e = Entity::Actor(holder.expect("an actor holds an office").clone());
        if let Entity::Actor(a) = &mut e {
            (a.id, a.name) = ("actor:zz-envoy".into(), "Zz Envoy".into());
        }
        let g = g.extend(vec![e], g.snapshot().clone());
        let envoy = g.get("actor:zz-envoy").expect("added");
        let g = g.retract(&[envoy], g.snapshot().clone());
        assert_same(&g, &whole(&g), &mut rng);
    }
}

#[test]
fn a_place_made_a_country_or_no_longer_one_answers_as_a_whole_build() {
    // Busy lists of 6 events or more, so that the events whose country changes are in many.
    let g = generated(1_500, 19).with_busy_lists(6);
    let mut rng = Rng(83);
    let busiest = |kind: PlaceKind, g: &KnowledgeGraph| {
        let of_kind = g.all(EntityKind::Place).iter().copied().filter(|&p| g.place(p).is_some_and(|p| p.kind == kind));
        of_kind.max_by_key(|&p| g.reverse(p).events.len()).expect("a place of the kind")
    };
    let (city, country) = (busiest(PlaceKind::City, &g), busiest(PlaceKind::Country, &g));
    assert!(g.reverse(city).events.len() >= 6, "the city has events");
    let mut u = g;
    for (place, kind) in [(city, PlaceKind::Country), (country, PlaceKind::Region), (city, PlaceKind::City)] {
        let mut e = u.entity(place).clone();
        if let Entity::Place(p) = &mut e {
            p.kind = kind;
        }
        assert!(u.replaces_in_place(place, &e), "made from the graph before");
        u = u.update(vec![(place, e)], Vec::new(), u.snapshot().clone());
        assert!(u.nodes_added() > 0, "not built whole");
        assert_same(&u, &whole(&u).with_busy_lists(6), &mut rng);
    }
}

#[test]
fn a_place_moved_into_another_container_answers_as_a_whole_build() {
    // Busy lists of 6 events or more, so that the events under the moved place leave and
    // join many of them.
    let g = generated(1_500, 29).with_busy_lists(6);
    let mut rng = Rng(97);
    let of_kind = |kind: PlaceKind, g: &KnowledgeGraph| -> Vec<NodeId> {
        let mut v: Vec<NodeId> =
            g.all(EntityKind::Place).iter().copied().filter(|&p| g.place(p).is_some_and(|p| p.kind == kind)).collect();
        v.sort_by_key(|&p| std::cmp::Reverse(g.reverse(p).events.len()));
        v
    };
    let (cities, countries) = (of_kind(PlaceKind::City, &g), of_kind(PlaceKind::Country, &g));
    let (city, country) = (cities[0], countries[0]);
    assert!(g.reverse(city).events.len() >= 6, "the city has events");
    let around = g.place(city).and_then(|p| p.within);
    let elsewhere = *countries.iter().find(|&&c| Some(c) != around).expect("another country");
    let other = *countries.iter().find(|&&c| c != country).expect("another country");
    let mut u = g;
    // The busiest city into another country, the busiest country into another, the city
    // out of every place, then back in and made a country at once.
    let moves = [
        (city, Some(elsewhere), None),
        (country, Some(other), None),
        (city, None, None),
        (city, around, Some(PlaceKind::Country)),
    ];
    for (place, within, kind) in moves {
        let mut e = u.entity(place).clone();
        if let Entity::Place(p) = &mut e {
            p.within = within;
            p.kind = kind.unwrap_or(p.kind);
        }
        assert!(u.replaces_in_place(place, &e), "made from the graph before");
        u = u.update(vec![(place, e)], Vec::new(), u.snapshot().clone());
        assert!(u.nodes_added() > 0, "not built whole");
        assert_same(&u, &whole(&u).with_busy_lists(6), &mut rng);
    }
    // Into a place the same write adds (the addition first, then the move on that graph).
    let mut region = u.entity(other).clone();
    if let Entity::Place(p) = &mut region {
        (p.id, p.name, p.kind, p.within) =
            ("place:added-region".into(), "Added Region".into(), PlaceKind::Region, None);
    }
    let added = NodeId(u.node_count() as u32);
    let mut e = u.entity(city).clone();
    if let Entity::Place(p) = &mut e {
        p.within = Some(added);
    }
    u = u.update(vec![(city, e)], vec![region], u.snapshot().clone());
    assert_eq!(u.place(city).and_then(|p| p.within), Some(added));
    assert!(u.nodes_added() > 0, "not built whole");
    assert_same(&u, &whole(&u).with_busy_lists(6), &mut rng);
}

#[test]
fn a_source_published_on_another_day_answers_as_a_whole_build() {
    // The most cited sources moved far (so that they pass others in every citation list
    // and the records citing them are known from other days), then a little; busy lists of
    // 6 events or more.
    for (g, busy) in [(graph(), None), (Arc::new(generated(1_500, 23)), Some(6))] {
        let whole = |g: &KnowledgeGraph| match busy {
            Some(b) => whole(g).with_busy_lists(b),
            None => whole(g),
        };
        let mut u = whole(&g);
        let mut sources = u.all(EntityKind::Source).to_vec();
        sources.sort_by_key(|&s| std::cmp::Reverse(u.reverse(s).fact_count));
        let mut rng = Rng(89);
        for (k, days) in [(0, -400), (1, 300), (0, 2), (2, -1)] {
            let source = sources[k % sources.len()];
            let mut e = u.entity(source).clone();
            if let Entity::Source(src) = &mut e {
                src.published = src.published.map(|d| d + chrono::Duration::days(days));
            }
            assert!(u.replaces_in_place(source, &e), "made from the graph before");
            u = u.update(vec![(source, e)], Vec::new(), u.snapshot().clone());
            // A whole build keeps nothing apart (the many records replaced may fold one layer).
            let apart = u.nodes_added() + u.dates_added_events() + u.search_added_nodes();
            assert!(apart > 0, "not built whole");
            assert_same(&u, &whole(&u), &mut rng);
        }
    }
}

#[test]
fn an_undated_agreement_moves_with_the_event_it_is_ordered_by() {
    // Undated agreements reached at an event sort by its date: the event moved far, so
    // that each such agreement moves in the agreements' order, its parties' runs and
    // lists, as a whole build orders them.
    let g = generated(1_500, 13);
    let undated: Vec<(NodeId, NodeId)> = g
        .all(EntityKind::Agreement)
        .iter()
        .filter_map(|&a| g.agreement(a).filter(|ag| ag.when.is_none() && !ag.parties.is_empty()).map(|ag| (a, ag)))
        .filter_map(|(a, ag)| Some((a, ag.event?)))
        .take(5)
        .collect();
    assert!(undated.len() >= 3, "the generated seed has undated agreements reached at events: {undated:?}");
    let mut rng = Rng(67);
    for (agreement, event) in undated {
        // Far from where it is: an early agreement later, a late one earlier.
        let early = (g.rank(agreement) as usize) * 2 < g.all(EntityKind::Agreement).len();
        let mut e = g.entity(event).clone();
        if let Entity::Event(ev) = &mut e {
            ev.when = TimeSpan::day(ev.when.start + chrono::Duration::days(if early { 900 } else { -900 }));
        }
        assert!(g.replaces_in_place(event, &e), "re-indexed from the graph before");
        let u = g.update(vec![(event, e)], Vec::new(), g.snapshot().clone());
        assert!(u.nodes_added() > 0, "made from the graph before, not built whole");
        let w = whole(&u);
        assert_ne!(u.rank(agreement), g.rank(agreement), "the agreement moved in its order");
        assert_eq!(u.all(EntityKind::Agreement), w.all(EntityKind::Agreement));
        let list = |l: diplograph::graph::List| l.iter().collect::<Vec<_>>();
        for &party in &u.agreement(agreement).expect("agreement").parties {
            let q = AgreementQuery { parties: vec![party], ..AgreementQuery::default() };
            assert_eq!(list(u.agreements(&q)), list(w.agreements(&q)), "agreements of {party:?}");
            assert_eq!(format!("{:?}", u.reverse(party)), format!("{:?}", w.reverse(party)));
        }
        assert_same(&u, &w, &mut rng);
    }
}

/// Every event of `g`, as a list.
fn list_of(g: &KnowledgeGraph) -> diplograph::graph::EventSet<'_> {
    diplograph::graph::EventSet::List(g.all(EntityKind::Event))
}

#[test]
fn a_renamed_country_tied_with_another_takes_its_place_in_the_counts() {
    // Two countries with as many events (in the first small generated seed that has them):
    // the one after the other in name order renamed to come first, so that the counts
    // (ties in name order) change order.
    let tied = (1..40u64).find_map(|seed| {
        let g = generated(300, seed);
        let countries = g.event_countries(g.all_events(), usize::MAX);
        let tied = countries.windows(2).find(|w| w[0].1 == w[1].1).map(|w| (w[0].0, w[1].0));
        tied.map(|t| (g, t))
    });
    let (g, (first, second)) = tied.expect("a generated seed with two countries of as many events");
    let mut e = g.entity(second).clone();
    if let Entity::Place(p) = &mut e {
        p.name = format!("Aa {}", p.name);
    }
    assert!(g.replaces_in_place(second, &e), "a rename is made from the graph before");
    // With an event moved a day in the same write (the counts made from the graph before's
    // by position, not counted again).
    let event = g.all(EntityKind::Event)[0];
    let mut moved = g.entity(event).clone();
    if let Entity::Event(ev) = &mut moved {
        ev.when = TimeSpan::day(ev.when.start + chrono::Duration::days(1));
    }
    let u = g.update(vec![(second, e), (event, moved)], Vec::new(), g.snapshot().clone());
    let w = whole(&u);
    // The whole kind as a date range (counted by day) and as a list (counted at load).
    for (set, all) in [(u.all_events(), w.all_events()), (list_of(&u), list_of(&w))] {
        let counts = u.event_countries(set, usize::MAX);
        let at = |n: NodeId| counts.iter().position(|c| c.0 == n);
        assert!(at(second) < at(first), "the renamed country now comes first: {counts:?}");
        assert_eq!(counts, w.event_countries(all, usize::MAX));
    }
    assert_same(&u, &whole(&u), &mut Rng(61));
}

#[test]
fn re_indexing_events_in_the_bundled_seed_answers_as_a_whole_build() {
    let g = graph();
    for seed in 1..=6u64 {
        let mut rng = Rng(seed);
        let changes: Vec<Change> = (0..10)
            .map(|_| match rng.below(6) {
                0 => Change::InPlace,
                1 => Change::Contained,
                _ => Change::Events,
            })
            .collect();
        let kept = check_updates(&g, seed * 15_485_863, &changes, 4);
        assert!(kept >= 3, "events re-indexed from the graph before: {kept}");
    }
}

#[test]
fn re_indexing_events_in_a_generated_seed_answers_as_a_whole_build() {
    // Lists of 6 events or more have their counts built, so that the moved events leave
    // and join many of them.
    let g = generated(1_500, 7);
    let mut changes = [Change::Events; 10];
    changes[3] = Change::InPlace;
    changes[7] = Change::Contained;
    let kept = check_updates_busy(&g, 41, &changes, 40, Some(6));
    assert!(kept >= 4, "events re-indexed from the graph before: {kept}");
}

#[test]
fn extending_the_bundled_seed_answers_as_a_whole_build() {
    let g = graph();
    for seed in 1..=4u64 {
        check_extensions(&g, seed * 7_919, &[1, 3, 1, 12, 40, 2]);
    }
}

#[test]
fn extending_a_generated_seed_answers_as_a_whole_build_across_a_search_fold() {
    let g = generated(1_500, 3);
    // Past 1,024 added nodes the search index is built whole again (the fold).
    let mut rng = Rng(11);
    let mut ext = whole(&g);
    let (mut folded, mut nodes_apart, mut nodes_folded) = (false, false, false);
    for (batch, count) in [5, 300, 1, 800, 20].into_iter().enumerate() {
        let added = additions(&ext, &mut rng, count, batch);
        ext = ext.extend(added, ext.snapshot().clone());
        folded |= ext.search_added_nodes() == 0;
        nodes_folded |= nodes_apart && ext.nodes_added() == 0;
        nodes_apart |= ext.nodes_added() > 0;
        assert_same(&ext, &whole(&ext), &mut rng);
    }
    assert!(folded, "the search index was folded");
    assert!(nodes_folded, "the nodes kept apart were folded into the petgraph");
}

#[test]
fn extending_with_busy_lists_answers_as_a_whole_build_across_date_folds() {
    // Lists of 6 events or more have their counts built (the load's threshold is 1,024), so
    // that the additions patch many of them, and some lists grow past it.
    let busy = 6;
    let g = generated(300, 9).with_busy_lists(busy);
    assert!(g.busy_lists() > 10, "{} busy lists", g.busy_lists());
    let mut rng = Rng(23);
    let mut ext = g;
    let (mut layered, mut folded) = (false, false);
    for batch in 0..12 {
        let count = [1, 3, 6, 10][rng.below(4)];
        let added = additions(&ext, &mut rng, count, batch);
        ext = ext.extend(added, ext.snapshot().clone());
        let now = ext.dates_added_events();
        folded |= layered && now == 0;
        layered |= now > 0;
        let b = whole(&ext).with_busy_lists(busy);
        assert_eq!(ext.busy_lists(), b.busy_lists(), "batch {batch}: the same lists are busy");
        assert_same(&ext, &b, &mut rng);
    }
    assert!(layered && folded, "the date index counted added events apart, then folded them in");
}

const APPLY: &str = "mutation($c: ChangeInput!) { applyChange(change: $c) { seq } }";
const RETRACT: &str = "mutation($ids: [ID!]!) { retract(ids: $ids, reason: \"test\") { seq } }";

/// Runs a mutation through the writer; its errors, if any.
fn mutate(w: &Arc<Writer>, served: &ServedGraph, query: &str, variables: Value) -> Option<Value> {
    let request = crate::support::request(query, variables).data(WriteService(w.clone())).data(Author("test".into()));
    let r =
        serde_json::to_value(block_on(diplograph::api::execute(&diplograph::api::schema(), request, served.load())))
            .expect("json");
    r.get("errors").cloned()
}

#[test]
fn the_writers_graphs_after_random_adds_replacements_and_retractions_answer_as_whole_builds() {
    let seed = Arc::new(generated(400, 5));
    let served = ServedGraph::new(seed.clone());
    let w = Arc::new(Writer::new(served.clone(), Arc::new(MemoryLog::new()), Vec::new()));
    let id = |kind: EntityKind, k: usize| seed.entity(seed.all(kind)[k % seed.all(kind).len()]).id().to_owned();
    let source = id(EntityKind::Source, 0);
    let mut rng = Rng(17);
    let mut added: Vec<String> = Vec::new();
    let (mut extended, mut retracted) = (0, 0);
    for step in 0..40 {
        let actor = id(EntityKind::Actor, rng.below(1000));
        let place = id(EntityKind::Place, rng.below(1000));
        let event = |id: String, title: String, rng: &mut Rng| {
            json!({ "id": id, "title": title, "summary": "Talks in Genève.", "kind": "MEETING",
                "status": "OCCURRED", "when": format!("2021-0{}-{:02}", 1 + rng.below(9), 1 + rng.below(28)),
                "place": place, "sources": [source],
                "participants": [{ "actor": actor, "role": "HOST", "sources": [source] }] })
        };
        let errors = match rng.below(10) {
            // Adds: events (most writes), now and then an actor with one.
            0..=5 => {
                let new = format!("event:x-{step}");
                added.push(new.clone());
                let mut change = json!({ "events": [event(new, format!("Réunion {step} summit"), &mut rng)] });
                if rng.below(3) == 0 {
                    let who = format!("actor:x-{step}");
                    change["actors"] = json!([{ "id": who, "name": format!("Zoë Nuñez {step}"), "kind": "PERSON",
                        "sources": [source] }]);
                    change["events"][0]["participants"][0]["actor"] = json!(who);
                }
                mutate(&w, &served, APPLY, json!({ "c": change }))
            }
            // Replaces an event of the seed or one added.
            6..=7 => {
                let target = match added.last() {
                    Some(a) if rng.below(2) == 0 => a.clone(),
                    _ => id(EntityKind::Event, rng.below(1000)),
                };
                let change = json!({ "events": [event(target, format!("Replaced {step}"), &mut rng)] });
                mutate(&w, &served, APPLY, json!({ "c": change }))
            }
            // Retracts an added event (nothing refers to it).
            _ => match added.pop() {
                Some(gone) => {
                    let apart = served.load().nodes_added();
                    let errors = mutate(&w, &served, RETRACT, json!({ "ids": [gone] }));
                    if errors.is_none() && apart > 0 {
                        let now = served.load().nodes_added();
                        assert!(now > 0, "step {step}: taken out of the graph before, not built whole");
                        retracted += 1;
                    }
                    errors
                }
                None => None,
            },
        };
        assert!(errors.is_none(), "step {step}: {errors:#?}");
        let now = served.load();
        assert!(added.last().is_none_or(|a| now.get(a).is_some()), "step {step} is visible");
        extended += usize::from(now.search_added_nodes() > 0);
        assert_same(&now, &whole(&now), &mut rng);
    }
    assert!(extended > 5, "most graphs after an addition are extended, not built whole: {extended}");
    assert!(retracted >= 2, "retractions made from the graph before: {retracted}");
}

#[test]
fn a_replacement_in_place_is_visible_after_its_answer_without_a_whole_build() {
    let seed = Arc::new(generated(300, 6));
    let served = ServedGraph::new(seed.clone());
    let w = Arc::new(Writer::new(served.clone(), Arc::new(MemoryLog::new()), Vec::new()));
    let id = |kind: EntityKind| seed.entity(seed.all(kind)[0]).id().to_owned();
    let (source, actor, place) = (id(EntityKind::Source), id(EntityKind::Actor), id(EntityKind::Place));
    let event = |title: &str, summary: &str, when: &str| {
        json!({ "events": [{ "id": "event:replaced", "title": title, "summary": summary, "kind": "MEETING",
            "status": "OCCURRED", "when": when, "place": place, "sources": [source],
            "participants": [{ "actor": actor, "role": "HOST", "sources": [source] }] }] })
    };
    let read = |served: &ServedGraph| {
        let q = r#"{ event(id: "event:replaced") { title summary when { start } }
            search(text: "erratum", first: 5) { ... on Event { id } } }"#;
        crate::support::run(&served.load(), crate::support::request(q, json!({})))
    };
    let errors = mutate(&w, &served, APPLY, json!({ "c": event("Talks in Genève", "Talks.", "2021-03-04") }));
    assert!(errors.is_none(), "{errors:#?}");
    // Nodes and entities apart from the petgraph: none right after a whole build.
    let before = served.load().nodes_added();
    assert!(before > 0, "the addition extended the graph");

    // A corrected title and summary: replaced in place.
    let change = event("Talks in Genève (corrected)", "Talks. Erratum: the talks were held in Genève.", "2021-03-04");
    let errors = mutate(&w, &served, APPLY, json!({ "c": change }));
    assert!(errors.is_none(), "{errors:#?}");
    let r = read(&served);
    assert_eq!(r["data"]["event"]["title"], json!("Talks in Genève (corrected)"), "{r}");
    assert_eq!(r["data"]["event"]["summary"], json!("Talks. Erratum: the talks were held in Genève."), "{r}");
    assert_eq!(r["data"]["search"], json!([{ "id": "event:replaced" }]), "{r}");
    let now = served.load();
    assert_eq!(now.nodes_added(), before, "made from the graph before (a whole build keeps no node apart)");
    assert_same(&now, &whole(&now), &mut Rng(5));

    // A moved date: re-indexed from the graph before, visible too.
    let errors = mutate(&w, &served, APPLY, json!({ "c": event("Talks in Genève", "Talks.", "2021-05-06") }));
    assert!(errors.is_none(), "{errors:#?}");
    let r = read(&served);
    assert_eq!(r["data"]["event"]["when"]["start"], json!("2021-05-06"), "{r}");
    assert_eq!(r["data"]["search"], json!([]), "{r}");
    let now = served.load();
    assert_eq!(now.nodes_added(), before, "made from the graph before");
    assert_same(&now, &whole(&now), &mut Rng(6));

    // A topic: re-indexed too, visible (search reads an event's topics).
    let mut change = event("Talks in Genève", "Talks.", "2021-05-06");
    change["events"][0]["topics"] = json!(["erratum"]);
    let errors = mutate(&w, &served, APPLY, json!({ "c": change }));
    assert!(errors.is_none(), "{errors:#?}");
    let r = read(&served);
    assert_eq!(r["data"]["search"], json!([{ "id": "event:replaced" }]), "{r}");
    let now = served.load();
    assert_eq!(now.nodes_added(), before, "made from the graph before");
    assert_same(&now, &whole(&now), &mut Rng(7));
}
