//! The graph's lists (`graph/lists.rs`) against brute force: every filter combination, on the
//! bundled seed and on a generated one, gives exactly the nodes a scan of the whole kind keeps,
//! in the kind's order.

use crate::support::graph;
use diplograph::graph::{ActorQuery, AgreementQuery, EventQuery, KnowledgeGraph, List, PlaceQuery, StatementQuery};
use diplograph::model::{ActorKind, AgreementKind, EntityKind, EventKind, EventStatus, NodeId, PlaceKind};
use std::sync::{Arc, OnceLock};

/// A generated seed of 2,000 events, loaded once.
fn generated() -> Arc<KnowledgeGraph> {
    static GRAPH: OnceLock<Arc<KnowledgeGraph>> = OnceLock::new();
    GRAPH
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            diplograph::generate::generate(
                &diplograph::generate::GenerateConfig { events: 2000, seed: 11 },
                dir.path(),
            )
            .expect("generate");
            Arc::new(diplograph::seed::load(dir.path()).expect("generated seed"))
        })
        .clone()
}

/// Checks that `list` holds exactly the nodes of `kind` that `keep` keeps, in order, and that
/// its length, iteration and slice agree.
fn check(g: &KnowledgeGraph, kind: EntityKind, list: &List<'_>, keep: impl Fn(NodeId) -> bool, what: &str) {
    let brute: Vec<NodeId> = g.all(kind).iter().copied().filter(|&n| keep(n)).collect();
    let listed: Vec<NodeId> = list.iter().collect();
    assert_eq!(listed, brute, "{what}");
    assert_eq!(list.len(), brute.len(), "{what}: len");
    if let Some(s) = list.as_slice() {
        assert_eq!(s, &brute[..], "{what}: slice");
    }
}

/// A few nodes of `kind`: the first, the last, and the ones `pick` prefers, plus none.
fn some(g: &KnowledgeGraph, kind: EntityKind, by: impl Fn(NodeId) -> usize) -> Vec<Option<NodeId>> {
    let all = g.all(kind);
    let mut picks: Vec<NodeId> = all.to_vec();
    picks.sort_by_key(|&n| std::cmp::Reverse(by(n)));
    picks.truncate(3);
    picks.extend(all.first().copied());
    picks.extend(all.last().copied());
    std::iter::once(None).chain(picks.into_iter().map(Some)).collect()
}

/// True when `inner` lies inside `outer` at any depth (not the place itself).
fn inside(g: &KnowledgeGraph, inner: NodeId, outer: NodeId) -> bool {
    let mut at = g.place(inner).and_then(|p| p.within);
    while let Some(p) = at {
        if p == outer {
            return true;
        }
        at = g.place(p).and_then(|pl| pl.within);
    }
    false
}

fn places_and_actors_by_kind_and_containment(g: &KnowledgeGraph) {
    for kind in std::iter::once(None).chain(ActorKind::ALL.iter().copied().map(Some)) {
        let list = g.actors(&ActorQuery { kind, ..ActorQuery::default() });
        check(g, EntityKind::Actor, &list, |n| g.actor(n).is_some_and(|a| kind.is_none_or(|k| a.kind == k)), "actors");
    }
    let withins = some(g, EntityKind::Place, |p| g.reverse(p).children.len());
    for kind in std::iter::once(None).chain(PlaceKind::ALL.iter().copied().map(Some)) {
        for &within in &withins {
            let list = g.places(&PlaceQuery { kind, within, ..PlaceQuery::default() });
            let keep = |n: NodeId| {
                g.place(n).is_some_and(|p| kind.is_none_or(|k| p.kind == k)) && within.is_none_or(|w| inside(g, n, w))
            };
            check(g, EntityKind::Place, &list, keep, &format!("places {kind:?} within {within:?}"));
        }
    }
}

fn agreements_by_actor_party_and_kind(g: &KnowledgeGraph) {
    let actors = some(g, EntityKind::Actor, |a| g.reverse(a).agreements.len());
    for kind in std::iter::once(None).chain(AgreementKind::ALL.iter().copied().map(Some)) {
        for &involving in &actors {
            for &party in &actors {
                let q = AgreementQuery {
                    involving: involving.into_iter().collect(),
                    parties: party.into_iter().collect(),
                    kind,
                    ..AgreementQuery::default()
                };
                let keep = |n: NodeId| {
                    g.agreement(n).is_some_and(|a| {
                        kind.is_none_or(|k| a.kind == k)
                            && party.is_none_or(|p| a.parties.contains(&p))
                            && involving.is_none_or(|i| a.parties.contains(&i) || a.signatories.contains(&i))
                    })
                };
                check(g, EntityKind::Agreement, &g.agreements(&q), keep, &format!("{q:?}"));
            }
        }
    }
}

fn statements_by_speaker_and_date(g: &KnowledgeGraph) {
    let speakers = some(g, EntityKind::Actor, |a| g.reverse(a).statements.len());
    // Days around the statements' own: the first, the last, the middle one, and beyond.
    let days: Vec<_> = {
        let all = g.all(EntityKind::Statement);
        let day = |i: usize| all.get(i).and_then(|&n| g.statement(n)).map(|s| s.when.start);
        [day(0), day(all.len() / 2), day(all.len() / 3), all.len().checked_sub(1).and_then(day)]
            .into_iter()
            .flatten()
            .flat_map(|d| [d.pred_opt(), Some(d), d.succ_opt()])
            .collect()
    };
    let bounds: Vec<Option<chrono::NaiveDate>> = std::iter::once(None).chain(days.iter().copied()).collect();
    for &speaker in &speakers {
        for &from in &bounds {
            for &to in &bounds {
                let q =
                    StatementQuery { speakers: speaker.into_iter().collect(), from, to, ..StatementQuery::default() };
                let keep = |n: NodeId| {
                    g.statement(n)
                        .is_some_and(|s| speaker.is_none_or(|sp| s.speaker == sp) && s.when.overlaps(from, to))
                };
                check(g, EntityKind::Statement, &g.statements(&q), keep, &format!("{q:?}"));
            }
        }
    }
    // Two different speakers: nothing.
    if let [_, Some(a), Some(b), ..] = speakers[..] {
        if a != b {
            assert!(g.statements(&StatementQuery { speakers: vec![a, b], ..StatementQuery::default() }).is_empty());
        }
    }
}

#[test]
fn lists_match_brute_force_on_the_bundled_seed() {
    let g = graph();
    places_and_actors_by_kind_and_containment(&g);
    agreements_by_actor_party_and_kind(&g);
    statements_by_speaker_and_date(&g);
    check(&g, EntityKind::Source, &g.sources(), |_| true, "sources");
}

#[test]
fn lists_match_brute_force_on_a_generated_seed() {
    let g = generated();
    places_and_actors_by_kind_and_containment(&g);
    agreements_by_actor_party_and_kind(&g);
    statements_by_speaker_and_date(&g);
}

/// `EventQuery.ids` (the explorer's drawn events): alone and with an actor and a date range,
/// exactly the events named that the other filters keep, once each, in date order, whatever
/// the order and repeats of the ids and whatever else they name.
fn events_by_ids(g: &KnowledgeGraph) {
    let events = g.all(EntityKind::Event);
    // Every third event, backwards, with repeats and a few entities of other kinds mixed in.
    let mut ids: Vec<NodeId> = events.iter().copied().step_by(3).rev().collect();
    ids.extend(events.iter().copied().step_by(6));
    ids.extend(g.all(EntityKind::Actor).iter().copied().take(3));
    let named = |n: NodeId| ids.contains(&n);
    let q = EventQuery { ids: Some(ids.clone()), ..EventQuery::default() };
    check(g, EntityKind::Event, &g.events(&q), named, "events by ids");
    let none = EventQuery { ids: Some(Vec::new()), ..EventQuery::default() };
    check(g, EntityKind::Event, &g.events(&none), |_| false, "events by no ids");
    let actor = *g.all(EntityKind::Actor).iter().max_by_key(|&&a| g.reverse(a).events.len()).expect("an actor");
    let (from, to) = (chrono::NaiveDate::from_ymd_opt(2021, 1, 1), chrono::NaiveDate::from_ymd_opt(2022, 12, 31));
    let q = EventQuery { ids: Some(ids.clone()), involving: vec![actor], from, to, ..EventQuery::default() };
    let brute_dates = g.events(&EventQuery { from, to, ..EventQuery::default() });
    let dated: Vec<NodeId> = brute_dates.iter().collect();
    check(
        g,
        EntityKind::Event,
        &g.events(&q),
        |n| named(n) && g.reverse(actor).events.contains(&n) && dated.contains(&n),
        "events by ids, an actor and dates",
    );
}

/// Events by kind and status (answered from a per-position table, not the records), alone
/// and with an actor or a place, and with a topic (which reads the record).
fn events_by_kind_and_status(g: &KnowledgeGraph) {
    let actors = some(g, EntityKind::Actor, |a| g.reverse(a).events.len());
    let places = some(g, EntityKind::Place, |p| g.reverse(p).events.len());
    let kinds: Vec<Vec<EventKind>> = std::iter::once(Vec::new())
        .chain(EventKind::ALL.iter().map(|&k| vec![k]))
        .chain(std::iter::once(EventKind::ALL.iter().copied().step_by(2).collect()))
        .collect();
    let topic = g.all(EntityKind::Event).iter().find_map(|&n| g.event(n).and_then(|e| e.topics.first().cloned()));
    for kinds in &kinds {
        for status in std::iter::once(None).chain(EventStatus::ALL.iter().copied().map(Some)) {
            for (&actor, &place) in actors.iter().zip(&places) {
                for topic in [None, topic.clone()] {
                    let q = EventQuery {
                        involving: actor.into_iter().collect(),
                        at: place.into_iter().collect(),
                        kinds: kinds.clone(),
                        status,
                        topic: topic.clone(),
                        ..EventQuery::default()
                    };
                    let keep = |n: NodeId| {
                        g.event(n).is_some_and(|e| {
                            (kinds.is_empty() || kinds.contains(&e.kind))
                                && status.is_none_or(|s| e.status == s)
                                && topic.as_ref().is_none_or(|t| e.topics.contains(t))
                        }) && actor.is_none_or(|a| g.reverse(a).events.contains(&n))
                            && place.is_none_or(|p| g.reverse(p).events.contains(&n))
                    };
                    let what = format!("events {kinds:?} {status:?} by {actor:?} at {place:?} on {topic:?}");
                    check(g, EntityKind::Event, &g.events(&q), keep, &what);
                }
            }
        }
    }
}

#[test]
fn events_by_kind_and_status_match_brute_force() {
    events_by_kind_and_status(&graph());
    events_by_kind_and_status(&generated());
}

#[test]
fn events_by_ids_match_brute_force() {
    events_by_ids(&graph());
    events_by_ids(&generated());
}

#[test]
fn a_single_filter_is_a_borrowed_run_not_a_copy() {
    let g = generated();
    let borrowed = |l: &List<'_>| matches!(l, List::Slice(_) | List::Range(_));
    assert!(borrowed(&g.actors(&ActorQuery::default())));
    assert!(borrowed(&g.actors(&ActorQuery { kind: Some(ActorKind::Person), ..ActorQuery::default() })));
    assert!(borrowed(&g.places(&PlaceQuery { kind: Some(PlaceKind::City), ..PlaceQuery::default() })));
    let country =
        g.all(EntityKind::Place).iter().copied().find(|&p| g.reverse(p).children.len() > 1).expect("a country");
    assert!(borrowed(&g.places(&PlaceQuery { within: Some(country), ..PlaceQuery::default() })));
    assert!(borrowed(&g.agreements(&AgreementQuery::default())));
    assert!(borrowed(&g.agreements(&AgreementQuery { kind: Some(AgreementKind::Loan), ..AgreementQuery::default() })));
    let party = *g.all(EntityKind::Actor).iter().max_by_key(|&&a| g.reverse(a).agreements.len()).expect("a party");
    assert!(borrowed(&g.agreements(&AgreementQuery { parties: vec![party], ..AgreementQuery::default() })));
    assert!(borrowed(&g.statements(&StatementQuery::default())));
    let from = chrono::NaiveDate::from_ymd_opt(2021, 1, 1);
    assert!(borrowed(&g.statements(&StatementQuery { from, ..StatementQuery::default() })));
    assert!(borrowed(&g.sources()));
}

/// The ids `actors`/`places` (the list field) gives for a name filter, every page.
fn listed_by_name(field: &str, name: &str) -> Vec<String> {
    let q =
        format!("query($n: String) {{ {field}(filter: {{ name: $n }}, first: 100) {{ totalCount nodes {{ id }} }} }}");
    let d = crate::support::data(&q, serde_json::json!({ "n": name }));
    let ids: Vec<String> =
        d[field]["nodes"].as_array().expect("nodes").iter().map(|n| n["id"].as_str().expect("id").to_owned()).collect();
    assert_eq!(d[field]["totalCount"].as_u64(), Some(ids.len() as u64), "{field} {name:?}: one page holds them all");
    ids
}

/// The entities of `kind` one of whose names holds every word of `text` (folded), in order.
fn brute_by_name(g: &KnowledgeGraph, kind: EntityKind, text: &str) -> Vec<String> {
    let words: Vec<String> = diplograph::model::FoldedName::new(text).words;
    let names = |n: NodeId| -> Vec<String> {
        match g.entity(n) {
            diplograph::model::Entity::Actor(a) => std::iter::once(&a.name).chain(&a.aliases).cloned().collect(),
            diplograph::model::Entity::Place(p) => std::iter::once(&p.name).chain(&p.aliases).cloned().collect(),
            _ => Vec::new(),
        }
    };
    g.all(kind)
        .iter()
        .copied()
        .filter(|&n| {
            words.is_empty()
                || names(n).iter().any(|name| diplograph::model::FoldedName::new(name).has_all_words(&words))
        })
        .map(|n| g.entity(n).id().to_owned())
        .collect()
}

#[test]
fn name_filters_list_every_entity_whose_names_hold_the_words_exact_matches_included() {
    // "Mexico" is exactly one place's name and one actor's alias: a lookup picks those, a list
    // filter lists every entity one of whose names holds the word.
    let places = listed_by_name("places", "Mexico");
    for id in [
        "place:mexico",
        "place:mexico-city",
        "place:palacio-nacional-mexico",
        "place:benito-juarez-international-airport",
    ] {
        assert!(places.contains(&id.to_owned()), "places named Mexico: {places:?} lack {id}");
    }
    let actors = listed_by_name("actors", "Mexico");
    for id in ["actor:government-of-mexico", "actor:us-embassy-in-mexico", "actor:us-charge-d-affaires-mexico"] {
        assert!(actors.contains(&id.to_owned()), "actors named Mexico: {actors:?} lack {id}");
    }
    // The lookups keep "an exact name wins".
    let one =
        crate::support::data(r#"{ place(name: "Mexico") { id } actor(name: "Mexico") { id } }"#, serde_json::json!({}));
    assert_eq!(
        one,
        serde_json::json!({ "place": { "id": "place:mexico" }, "actor": { "id": "actor:government-of-mexico" } })
    );
    // Against brute force, for names that are exact, partial, ambiguous as lookups, or unknown
    // (an empty list, never NOT_FOUND or AMBIGUOUS_NAME).
    let g = graph();
    let texts = [
        "Mexico",
        "méxico city",
        "National Palace",
        "palacio nacional",
        "Harris",
        "US",
        "U.S.",
        "Lopez Obrador",
        "united states",
        "Guatemala",
        "AMLO",
        "Nobody Atall",
        "Mexico Nobody",
        "airport",
    ];
    for text in texts {
        assert_eq!(listed_by_name("actors", text), brute_by_name(&g, EntityKind::Actor, text), "actors {text:?}");
        assert_eq!(listed_by_name("places", text), brute_by_name(&g, EntityKind::Place, text), "places {text:?}");
    }
    assert!(listed_by_name("places", "Nobody Atall").is_empty());
}

#[test]
fn name_filters_match_brute_force_on_a_generated_seed() {
    let g = generated();
    // Every word of a few names, alone and together, and a name with a word of another.
    let mut texts: Vec<String> = Vec::new();
    for kind in [EntityKind::Actor, EntityKind::Place] {
        let all = g.all(kind);
        for &n in [all[0], all[all.len() / 2], all[all.len() - 1]].iter() {
            let name = g.entity(n).label().to_owned();
            texts.extend(name.split(' ').map(str::to_owned));
            texts.push(name.clone());
            texts.push(format!("{name} {}", g.entity(all[1]).label()));
        }
    }
    for text in &texts {
        for kind in [EntityKind::Actor, EntityKind::Place] {
            let list = match kind {
                EntityKind::Actor => g.actors(&ActorQuery { name: Some(text.clone()), ..ActorQuery::default() }),
                _ => g.places(&PlaceQuery { name: Some(text.clone()), ..PlaceQuery::default() }),
            };
            let listed: Vec<String> = list.iter().map(|n| g.entity(n).id().to_owned()).collect();
            assert_eq!(listed, brute_by_name(&g, kind, text), "{kind:?} {text:?}");
        }
    }
}
