//! Incremental builds (issue 15): a graph extended with added records
//! (`KnowledgeGraph::extend`, what the writer builds after a write that only adds) answers
//! exactly as a whole build of the same records, index by index and query by query, after
//! random sequences of additions on the bundled seed and on a small generated seed; and the
//! writer's graphs after random adds, replacements and retractions answer as a whole build.

use crate::support::{block_on, graph};
use diplograph::api::{Author, WriteService};
use diplograph::graph::{ActorQuery, AgreementQuery, Bucket, EventQuery, KnowledgeGraph, PlaceQuery, ServedGraph};
use diplograph::model::*;
use diplograph::write::{MemoryLog, Writer};
use serde_json::{json, Value};
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
    let entities: Vec<Entity> = (0..g.node_count() as u32).map(|i| g.entity(NodeId(i)).clone()).collect();
    let ids = entities.iter().enumerate().map(|(i, e)| (e.id().to_owned(), NodeId(i as u32))).collect();
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

/// Queries that reach the added records: exact labels, prefixes, words, typos, accents.
fn queries(g: &KnowledgeGraph, rng: &mut Rng) -> Vec<String> {
    let mut out: Vec<String> =
        ["reunion", "Réunion", "summit", "geneve", "zoe", "talkz", "cesefire", "nunez", "acord", "the", "a"]
            .map(String::from)
            .to_vec();
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
        let q = PlaceQuery { within: Some(place), ..PlaceQuery::default() };
        assert_eq!(list(a.places(&q)), list(b.places(&q)));
        let name = b.entity(actor).label().split(' ').next().unwrap_or_default().to_owned();
        let q = ActorQuery { name: Some(name), ..ActorQuery::default() };
        assert_eq!(list(a.actors(&q)), list(b.actors(&q)));
        let other = rng.pick(b.all(EntityKind::Actor));
        assert_eq!(a.path(actor, other, 4), b.path(actor, other, 4), "path {actor:?} {other:?}");
        let center = NodeId(rng.below(b.node_count()) as u32);
        assert_eq!(a.neighborhood(center, 2, 50), b.neighborhood(center, 2, 50), "around {center:?}");
    }
    let (sa, sb) = (a.all_events(), b.all_events());
    assert_eq!(a.event_tally(sa), b.event_tally(sb));
    assert_eq!(a.event_countries(sa, 50), b.event_countries(sb, 50));
    assert_eq!(a.event_participants(sa, None, 50), b.event_participants(sb, None, 50));
    assert_eq!(a.event_topics(sa, 50), b.event_topics(sb, 50));
    assert_eq!(a.event_timeline(sa, Bucket::Month, 100_000), b.event_timeline(sb, Bucket::Month, 100_000));
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

#[test]
fn extending_the_bundled_seed_answers_as_a_whole_build() {
    let g = graph();
    for seed in 1..=4u64 {
        check_extensions(&g, seed * 7_919, &[1, 3, 1, 12, 40, 2]);
    }
}

#[test]
fn extending_a_generated_seed_answers_as_a_whole_build_across_a_search_fold() {
    let dir = tempfile::tempdir().expect("temp dir");
    diplograph::generate::generate(&diplograph::generate::GenerateConfig { events: 1_500, seed: 3 }, dir.path())
        .expect("generate");
    let g = diplograph::seed::load(dir.path()).expect("generated seed loads");
    // Past 1,024 added nodes the search index is built whole again (the fold).
    let mut rng = Rng(11);
    let mut ext = whole(&g);
    let mut folded = false;
    for (batch, count) in [5, 300, 1, 800, 20].into_iter().enumerate() {
        let added = additions(&ext, &mut rng, count, batch);
        ext = ext.extend(added, ext.snapshot().clone());
        folded |= ext.search_added_nodes() == 0;
        assert_same(&ext, &whole(&ext), &mut rng);
    }
    assert!(folded, "the search index was folded");
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
    let dir = tempfile::tempdir().expect("temp dir");
    diplograph::generate::generate(&diplograph::generate::GenerateConfig { events: 400, seed: 5 }, dir.path())
        .expect("generate");
    let seed = Arc::new(diplograph::seed::load(dir.path()).expect("generated seed loads"));
    let served = ServedGraph::new(seed.clone());
    let w = Arc::new(Writer::new(served.clone(), Arc::new(MemoryLog::new()), Vec::new()));
    let id = |kind: EntityKind, k: usize| seed.entity(seed.all(kind)[k % seed.all(kind).len()]).id().to_owned();
    let source = id(EntityKind::Source, 0);
    let mut rng = Rng(17);
    let mut added: Vec<String> = Vec::new();
    let mut extended = 0;
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
                Some(gone) => mutate(&w, &served, RETRACT, json!({ "ids": [gone] })),
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
}
