//! The knowledge graph built from the bundled seed: names, dates, containment, and links
//! reachable from both ends.

use crate::support::graph;
use diplograph::graph::NameMatch;
use diplograph::model::{DatePrecision, Entity, EntityKind, LinkKind};

fn id_of(name_match: NameMatch) -> Option<String> {
    match name_match {
        NameMatch::One(n) => Some(graph().entity(n).id().to_owned()),
        _ => None,
    }
}

#[test]
fn names_fold_accents_case_punctuation_and_aliases() {
    let g = graph();
    for spelling in [
        "Andrés Manuel López Obrador",
        "Andres Manuel Lopez Obrador",
        "López Obrador",
        "Lopez Obrador",
        "lópez obrador",
        "LÓPEZ OBRADOR",
        "lopez-obrador",
        "AMLO",
    ] {
        assert_eq!(
            id_of(g.lookup_name(EntityKind::Actor, spelling)).as_deref(),
            Some("actor:andres-manuel-lopez-obrador"),
            "{spelling:?}"
        );
    }
    assert_eq!(id_of(g.lookup_name(EntityKind::Actor, "ricardo zuniga")).as_deref(), Some("actor:ricardo-zuniga"));
    assert_eq!(g.lookup_name(EntityKind::Actor, "Lopez Obrad"), NameMatch::None, "whole words only");
    assert_eq!(g.lookup_name(EntityKind::Actor, ""), NameMatch::None);
}

#[test]
fn an_exact_name_wins_and_shared_words_are_ambiguous() {
    let g = graph();
    // Both palaces have "National Palace" in a name, but one is called exactly that.
    assert_eq!(
        id_of(g.lookup_name(EntityKind::Place, "national palace")).as_deref(),
        Some("place:palacio-nacional-mexico")
    );
    let NameMatch::Many(nodes) = g.lookup_name(EntityKind::Place, "nacional") else {
        panic!("two venues have \"Nacional\" in a name")
    };
    let ids: Vec<&str> = nodes.iter().map(|&n| g.entity(n).id()).collect();
    assert!(ids.contains(&"place:palacio-nacional-mexico"), "{ids:?}");
    assert!(ids.contains(&"place:palacio-nacional-de-la-cultura"), "{ids:?}");
}

#[test]
fn dates_keep_their_precision() {
    let g = graph();
    let may = g.event(g.get("event:2021-05-harris-lopez-obrador-virtual").expect("May meeting")).expect("an event");
    assert_eq!(may.when.precision, DatePrecision::Month);
    assert_eq!((may.when.start.to_string(), may.when.end.to_string()), ("2021-05-01".into(), "2021-05-31".into()));
    let meeting = g.event(g.get("event:2021-06-08-harris-lopez-obrador").expect("meeting")).expect("an event");
    assert_eq!((meeting.when.precision, meeting.when.to_string()), (DatePrecision::Day, "2021-06-08".into()));
    // Events are ordered by start: the month-precision May meeting sorts at May 1st.
    let order: Vec<&str> = g.all(EntityKind::Event).iter().map(|&n| g.entity(n).id()).collect();
    let pos = |id: &str| order.iter().position(|x| *x == id).unwrap_or_else(|| panic!("{id}"));
    assert!(pos("event:2021-05-harris-lopez-obrador-virtual") < pos("event:2021-06-08-harris-lopez-obrador"));
    let starts: Vec<_> = g.all(EntityKind::Event).iter().map(|&n| g.event(n).expect("event").when.start).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "events sorted by start");
}

#[test]
fn places_contain_venues_and_their_events() {
    let g = graph();
    let palace = g.get("place:palacio-nacional-mexico").expect("palace");
    let city = g.place(palace).and_then(|p| p.within).expect("palace is in a city");
    assert_eq!(g.entity(city).id(), "place:mexico-city");
    let country = g.place(city).and_then(|p| p.within).expect("city is in a country");
    assert_eq!(g.entity(country).id(), "place:mexico");
    assert_eq!(g.place(country).and_then(|p| p.code.as_deref()), Some("MEX"));
    let meeting = g.get("event:2021-06-08-harris-lopez-obrador").expect("meeting");
    for p in [palace, city, country] {
        assert!(g.reverse(p).events.contains(&meeting), "{} holds the meeting", g.entity(p).id());
    }
    assert!(g.reverse(country).children.contains(&city));
}

#[test]
fn every_link_is_reachable_from_both_ends() {
    let g = graph();
    let mut checked = 0;
    for i in 0..g.node_count() {
        let n = diplograph::model::NodeId(i as u32);
        for (other, kind, forward) in g.links(n) {
            assert!(
                g.links(other).any(|(back, k, f)| back == n && k == kind && f != forward),
                "{} -{}-> {} has no way back",
                g.entity(n).id(),
                kind.as_str(),
                g.entity(other).id()
            );
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked} link ends checked");
    // Participation, both ways, through the indexes the API uses.
    let harris = g.get("actor:kamala-harris").expect("Harris");
    for &ev in &g.reverse(harris).events {
        let e = g.event(ev).expect("event");
        assert!(e.participants.iter().any(|p| p.actor == harris), "{}", e.id);
        assert!(g.links(ev).any(|(a, k, f)| a == harris && k == LinkKind::ParticipatedIn && !f));
    }
    assert!(g.reverse(harris).events.len() >= 8, "Harris took part in the trip's events");
}

#[test]
fn every_fact_and_relation_cites_a_source() {
    let g = graph();
    for i in 0..g.node_count() {
        let e = g.entity(diplograph::model::NodeId(i as u32));
        if let Entity::Source(_) = e {
            continue;
        }
        assert!(!e.sources().is_empty(), "{} has no source", e.id());
        match e {
            Entity::Event(ev) => ev.participants.iter().for_each(|p| assert!(!p.sources.is_empty(), "{}", ev.id)),
            Entity::Actor(a) => a.positions.iter().for_each(|p| assert!(!p.sources.is_empty(), "{}", a.id)),
            _ => {}
        }
    }
    for &s in g.all(EntityKind::Source) {
        assert!(g.reverse(s).fact_count > 10, "{} is cited", g.entity(s).id());
    }
}

#[test]
fn date_ranges_list_exactly_the_overlapping_events() {
    let g = graph();
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    let ranges = [
        (Some("2021-05-31"), Some("2021-05-31")),
        (Some("2021-06-07"), Some("2021-06-07")),
        (Some("2021-06-08"), None),
        (None, Some("2021-06-06")),
        (Some("2023-12-20"), Some("2023-12-21")),
        (Some("2021-12-31"), Some("2022-01-01")),
        (Some("2021-06-30"), Some("2021-05-02")),
    ];
    for (from, to) in ranges {
        let (from, to) = (from.map(d), to.map(d));
        let brute: Vec<_> = g
            .all(EntityKind::Event)
            .iter()
            .copied()
            .filter(|&n| g.event(n).expect("event").when.overlaps(from, to))
            .collect();
        let range = g.events_in_range(from, to);
        assert_eq!(range.iter().collect::<Vec<_>>(), brute, "{from:?}..{to:?}");
        assert_eq!(range.len(), brute.len(), "{from:?}..{to:?}");
        assert!(!brute.is_empty() || from == Some(d("2021-12-31")) || from > to, "{from:?}..{to:?} finds something");
    }
}

#[test]
fn a_position_keeps_its_attested_days_in_date_order_once_each() {
    let seed = |as_of: &str| {
        let actors = format!(
            "[[source]]\nid = \"source:a\"\noutlet = \"O\"\ntitle = \"T\"\ndocument = \"a.txt\"\n\n\
             [[actor]]\nid = \"actor:a\"\nname = \"A\"\nkind = \"person\"\nsources = [\"source:a\"]\n\n\
             [[actor.position]]\ntitle = \"President\"\nas_of = {as_of}\nsources = [\"source:a\"]\n"
        );
        let dir = crate::support::seed_dir(&[("seed.toml", &actors)]);
        diplograph::seed::load(dir.path()).map(|g| {
            let Entity::Actor(a) = g.entity(g.get("actor:a").expect("actor")) else { panic!("an actor") };
            a.positions[0].attested.iter().map(|d| d.to_string()).collect::<Vec<_>>()
        })
    };
    assert_eq!(seed("\"2021-06-08\"").expect("one day"), ["2021-06-08"]);
    assert_eq!(
        seed("[\"2023-12-27\", \"2021-06-08\", \"2023-12-27\"]").expect("several days"),
        ["2021-06-08", "2023-12-27"]
    );
    // A bad day in a list is reported where it is written.
    let e = seed("[\"2021-06-08\", \"2021-13-01\"]").expect_err("a bad day");
    assert_eq!((e.0[0].line, e.0[0].column), (15, 24), "{e}");
}
