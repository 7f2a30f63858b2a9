//! Analytics: facets and timelines checked against a brute-force count (the same filters
//! applied to the whole kind here, in the test) on the bundled seed and on a generated one,
//! over random filter combinations at several depths; valid and knowledge time; bad input.

use crate::support::{check, error, graph, request, run};
use chrono::{Datelike, Days, NaiveDate};
use diplograph::graph::KnowledgeGraph;
use diplograph::model::*;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// A generated seed of a thousand events (month, year and multi-day spans among them), loaded once.
fn generated() -> Arc<KnowledgeGraph> {
    static GRAPH: OnceLock<Arc<KnowledgeGraph>> = OnceLock::new();
    GRAPH
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let config = diplograph::generate::GenerateConfig { events: 1000, seed: 7 };
            diplograph::generate::generate(&config, dir.path()).expect("generate");
            Arc::new(diplograph::seed::load(dir.path()).unwrap_or_else(|e| panic!("generated seed is invalid:\n{e}")))
        })
        .clone()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a day")
}

/// The GraphQL name of a vocabulary value (`press_conference` -> `PRESS_CONFERENCE`).
fn gql(s: &str) -> String {
    s.to_ascii_uppercase()
}

/// Counts as the API serves them: most first, ties by `name`, at most `first`.
fn ranked<K: Clone>(counts: BTreeMap<K, u32>, name: impl Fn(&K) -> String, first: usize) -> Vec<(K, u32)> {
    let mut v: Vec<(K, u32)> = counts.into_iter().filter(|&(_, c)| c > 0).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| name(&a.0).cmp(&name(&b.0))));
    v.truncate(first);
    v
}

/// The name an actor or place sorts by among equal counts: its folded name, then its id.
fn node_name(g: &KnowledgeGraph, n: NodeId) -> String {
    let e = g.entity(n);
    format!("{}\u{1}{}", fold(e.label()), e.id())
}

/// The day the reports first told of `n`.
fn known(g: &KnowledgeGraph, n: NodeId) -> Option<NaiveDate> {
    g.entity(n).sources().iter().filter_map(|&s| g.source(s).and_then(|s| s.published)).min()
}

/// True when `inner` is `outer` or lies inside it.
fn inside(g: &KnowledgeGraph, inner: Option<NodeId>, outer: NodeId) -> bool {
    let mut at = inner;
    while let Some(p) = at {
        if p == outer {
            return true;
        }
        at = g.place(p).and_then(|pl| pl.within);
    }
    false
}

/// The country a place lies in.
fn country(g: &KnowledgeGraph, place: Option<NodeId>) -> Option<NodeId> {
    let mut at = place;
    while let Some(p) = at {
        let pl = g.place(p)?;
        if pl.kind == PlaceKind::Country {
            return Some(p);
        }
        at = pl.within;
    }
    None
}

/// An event filter, resolved.
#[derive(Clone, Debug, Default)]
struct EventF {
    involving: Vec<NodeId>,
    kinds: Vec<EventKind>,
    status: Option<EventStatus>,
    at: Option<NodeId>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    topic: Option<String>,
    known_by: Option<NaiveDate>,
    cameo: Vec<String>,
    plover: Vec<PloverType>,
}

impl EventF {
    fn keeps(&self, g: &KnowledgeGraph, n: NodeId) -> bool {
        let Some(e) = g.event(n) else { return false };
        let takes_part = |a: NodeId| e.participants.iter().any(|p| p.actor == a);
        self.involving.iter().all(|&a| takes_part(a))
            && (self.kinds.is_empty() || self.kinds.contains(&e.kind))
            && self.status.is_none_or(|s| e.status == s)
            && self.at.is_none_or(|p| inside(g, e.place, p))
            && self.from.is_none_or(|f| e.when.end >= f)
            && self.to.is_none_or(|t| e.when.start <= t)
            && self.topic.as_ref().is_none_or(|t| e.topics.contains(t))
            && self.known_by.is_none_or(|d| known(g, n).is_some_and(|k| k <= d))
            && (self.cameo.is_empty() || self.cameo.iter().any(|c| e.codes().cameo.as_str().starts_with(c.as_str())))
            && (self.plover.is_empty() || e.codes().plover.is_some_and(|p| self.plover.contains(&p.event)))
    }

    fn json(&self, g: &KnowledgeGraph) -> Value {
        let id = |n: NodeId| g.entity(n).id().to_owned();
        let mut f = serde_json::Map::new();
        if !self.involving.is_empty() {
            f.insert("involving".into(), json!(self.involving.iter().map(|&a| id(a)).collect::<Vec<_>>()));
        }
        if !self.kinds.is_empty() {
            f.insert("kinds".into(), json!(self.kinds.iter().map(|k| gql(k.as_str())).collect::<Vec<_>>()));
        }
        if let Some(s) = self.status {
            f.insert("status".into(), json!(gql(s.as_str())));
        }
        if let Some(p) = self.at {
            f.insert("at".into(), json!(id(p)));
        }
        if let Some(d) = self.from {
            f.insert("from".into(), json!(d.to_string()));
        }
        if let Some(d) = self.to {
            f.insert("to".into(), json!(d.to_string()));
        }
        if let Some(t) = &self.topic {
            f.insert("topic".into(), json!(t));
        }
        if let Some(d) = self.known_by {
            f.insert("knownBy".into(), json!(d.to_string()));
        }
        if !self.cameo.is_empty() {
            f.insert("cameo".into(), json!(self.cameo));
        }
        if !self.plover.is_empty() {
            f.insert("plover".into(), json!(self.plover.iter().map(|p| p.as_str()).collect::<Vec<_>>()));
        }
        Value::Object(f)
    }
}

const FACETS: &str = "totalCount facets { kinds { kind count } statuses { status count } modes { mode count }
  countries(first: 100) { place { id } count } participants(first: 100) { actor { id } count }
  persons: participants(kind: PERSON, first: 5) { actor { id } count } topics(first: 100) { topic count }
  cameo(first: 100) { code description count } plover { type count } }";

/// The facets of `events` as the API must serve them.
fn event_facets(g: &KnowledgeGraph, events: &[NodeId]) -> Value {
    let evs: Vec<&Event> = events.iter().filter_map(|&n| g.event(n)).collect();
    let vocab = |f: &dyn Fn(&Event) -> &'static str, field: &str| {
        let mut m: BTreeMap<String, u32> = BTreeMap::new();
        evs.iter().for_each(|e| *m.entry(gql(f(e))).or_default() += 1);
        let v: Vec<Value> =
            ranked(m, |k| k.clone(), usize::MAX).into_iter().map(|(k, c)| json!({ field: k, "count": c })).collect();
        Value::Array(v)
    };
    let mut countries: BTreeMap<NodeId, u32> = BTreeMap::new();
    let mut people: BTreeMap<NodeId, u32> = BTreeMap::new();
    let mut topics: BTreeMap<String, u32> = BTreeMap::new();
    let mut cameo: BTreeMap<String, u32> = BTreeMap::new();
    let mut plover: BTreeMap<String, u32> = BTreeMap::new();
    for e in &evs {
        let codes = e.codes();
        *cameo.entry(codes.cameo.to_string()).or_default() += 1;
        if let Some(p) = codes.plover {
            *plover.entry(p.event.as_str().to_owned()).or_default() += 1;
        }
        if let Some(c) = country(g, e.place) {
            *countries.entry(c).or_default() += 1;
        }
        let mut seen: Vec<NodeId> = e.participants.iter().map(|p| p.actor).collect();
        seen.sort();
        seen.dedup();
        seen.into_iter().for_each(|a| *people.entry(a).or_default() += 1);
        let mut ts = e.topics.clone();
        ts.sort();
        ts.dedup();
        ts.into_iter().for_each(|t| *topics.entry(t).or_default() += 1);
    }
    let nodes = |m: BTreeMap<NodeId, u32>, key: &str, first: usize| {
        let v: Vec<Value> = ranked(m, |&n| node_name(g, n), first)
            .into_iter()
            .map(|(n, c)| json!({ key: { "id": g.entity(n).id() }, "count": c }))
            .collect();
        Value::Array(v)
    };
    let persons: BTreeMap<NodeId, u32> = people
        .iter()
        .filter(|(&a, _)| g.actor(a).is_some_and(|x| x.kind == ActorKind::Person))
        .map(|(&a, &c)| (a, c))
        .collect();
    json!({
        "totalCount": evs.len(),
        "facets": {
            "kinds": vocab(&|e| e.kind.as_str(), "kind"),
            "statuses": vocab(&|e| e.status.as_str(), "status"),
            "modes": vocab(&|e| e.mode.as_str(), "mode"),
            "countries": nodes(countries, "place", 100),
            "participants": nodes(people, "actor", 100),
            "persons": nodes(persons, "actor", 5),
            "topics": ranked(topics, |t| t.clone(), 100).into_iter().map(|(t, c)| json!({ "topic": t, "count": c })).collect::<Vec<_>>(),
            "cameo": ranked(cameo, |c| c.clone(), 100).into_iter().map(|(c, k)| {
                let description = CameoCode::parse(&c).ok().and_then(|c| c.known()).map(|(d, _)| d);
                json!({ "code": c, "description": description, "count": k })
            }).collect::<Vec<_>>(),
            "plover": ranked(plover, |p| p.clone(), usize::MAX).into_iter().map(|(p, k)| json!({ "type": p, "count": k })).collect::<Vec<_>>(),
        }
    })
}

/// The label of the period of `bucket` holding `d`, and that period's first day.
fn period(bucket: &str, d: NaiveDate) -> (String, NaiveDate) {
    match bucket {
        "DAY" => (d.format("%Y-%m-%d").to_string(), d),
        "WEEK" => {
            let w = d.iso_week();
            let monday = d - Days::new(d.weekday().num_days_from_monday() as u64);
            (format!("{:04}-W{:02}", w.year(), w.week()), monday)
        }
        "MONTH" => (d.format("%Y-%m").to_string(), d.with_day(1).expect("day 1")),
        _ => (d.format("%Y").to_string(), d.with_ordinal(1).expect("day 1")),
    }
}

/// The timeline of `events` by `bucket` as the API must serve it (`None`: too many periods).
fn event_timeline(g: &KnowledgeGraph, events: &[NodeId], bucket: &str) -> Option<Value> {
    let spans: Vec<TimeSpan> = events.iter().filter_map(|&n| g.event(n)).map(|e| e.when).collect();
    let (Some(first), Some(last)) = (spans.iter().map(|w| w.start).min(), spans.iter().map(|w| w.start).max()) else {
        return Some(json!([]));
    };
    let mut labels: Vec<(String, NaiveDate)> = Vec::new();
    let mut d = first;
    while d <= last {
        let p = period(bucket, d);
        if labels.last().is_none_or(|l| l.0 != p.0) {
            labels.push(p);
        }
        d = d.succ_opt().expect("next day");
    }
    if labels.len() > 1000 {
        return None;
    }
    let coarse = |w: &TimeSpan| match bucket {
        "DAY" | "WEEK" => w.precision != DatePrecision::Day,
        "MONTH" => w.precision == DatePrecision::Year,
        _ => false,
    };
    let mut counts: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for w in &spans {
        let c = counts.entry(period(bucket, w.start).0).or_default();
        c.0 += 1;
        c.1 += u32::from(coarse(w));
    }
    let buckets: Vec<Value> = labels
        .iter()
        .enumerate()
        .map(|(i, (label, start))| {
            let end = labels.get(i + 1).map_or_else(
                || {
                    // The last period ends the day before the next one would start.
                    let next = match bucket {
                        "DAY" => *start + Days::new(1),
                        "WEEK" => *start + Days::new(7),
                        "MONTH" => start.checked_add_months(chrono::Months::new(1)).expect("month"),
                        _ => start.checked_add_months(chrono::Months::new(12)).expect("year"),
                    };
                    next.pred_opt().expect("day")
                },
                |n| n.1.pred_opt().expect("day"),
            );
            let (count, imprecise) = counts.get(label).copied().unwrap_or_default();
            json!({ "label": label, "start": start.to_string(), "end": end.to_string(), "count": count, "imprecise": imprecise })
        })
        .collect();
    Some(Value::Array(buckets))
}

/// Where a connection sits: `Query.events`, an actor's, a place's, or the first counterpart's
/// of an actor (two levels down).
#[derive(Clone, Copy, Debug)]
enum Depth {
    Top,
    Actor(NodeId),
    Place(NodeId),
    Counterpart(NodeId),
}

impl Depth {
    /// The query around `inner` (a selection on an EventConnection), and the path to it.
    fn wrap(self, g: &KnowledgeGraph, field: &str, inner: &str) -> (String, Vec<&'static str>, Option<NodeId>) {
        self.wrap_page(g, field, "first: 1", inner)
    }

    /// The same with the paging arguments `page`.
    fn wrap_page(
        self,
        g: &KnowledgeGraph,
        field: &str,
        page: &str,
        inner: &str,
    ) -> (String, Vec<&'static str>, Option<NodeId>) {
        let conn = format!("{field}(filter: $f, {page}) {{ {inner} }}");
        match self {
            Depth::Top => (format!("query($f: EventFilter) {{ {conn} }}"), vec![], None),
            Depth::Actor(a) => (
                format!("query($f: EventFilter) {{ actor(id: \"{}\") {{ {conn} }} }}", g.entity(a).id()),
                vec!["actor"],
                Some(a),
            ),
            Depth::Place(p) => (
                format!("query($f: EventFilter) {{ place(id: \"{}\") {{ {conn} }} }}", g.entity(p).id()),
                vec!["place"],
                Some(p),
            ),
            Depth::Counterpart(a) => {
                let other = g.reverse(a).counterparts.first().map(|&(o, _)| o);
                let q = format!(
                    "query($f: EventFilter) {{ actor(id: \"{}\") {{ counterparts(first: 1) {{ actor {{ {conn} }} }} }} }}",
                    g.entity(a).id()
                );
                (q, vec!["actor", "counterparts", "0", "actor"], other)
            }
        }
    }

    /// The events the connection stands for before its filter.
    fn base(self, g: &KnowledgeGraph, who: Option<NodeId>) -> Vec<NodeId> {
        let all = g.all(EntityKind::Event).to_vec();
        match (self, who) {
            (Depth::Top, _) => all,
            (Depth::Place(p), _) => {
                all.into_iter().filter(|&n| g.event(n).is_some_and(|e| inside(g, e.place, p))).collect()
            }
            (_, Some(a)) => all
                .into_iter()
                .filter(|&n| g.event(n).is_some_and(|e| e.participants.iter().any(|p| p.actor == a)))
                .collect(),
            (_, None) => Vec::new(),
        }
    }
}

/// Follows `path` in `v` (object keys and list indexes).
fn at<'v>(mut v: &'v Value, path: &[&str]) -> &'v Value {
    for p in path {
        v = match p.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[*p],
        };
    }
    v
}

/// A random event filter and depth over `g`, from proptest's numbers.
fn event_case(g: &KnowledgeGraph, picks: &[usize; 12]) -> (EventF, Depth) {
    let events = g.all(EntityKind::Event);
    let actors = g.all(EntityKind::Actor);
    let places = g.all(EntityKind::Place);
    let (lo, hi) = (
        g.event(events[0]).expect("event").when.start,
        g.event(*events.last().expect("events")).expect("event").when.start,
    );
    let span = (hi - lo).num_days().max(1) as usize + 60;
    let date = |k: usize| lo - Days::new(30) + Days::new((k % span) as u64);
    // An actor that takes part in something, from a random event.
    let busy = |k: usize| {
        g.event(events[k % events.len()])
            .and_then(|e| e.participants.get(k % 3).or(e.participants.first()))
            .map(|p| p.actor)
    };
    let sources = g.all(EntityKind::Source);
    let mut f = EventF::default();
    if picks[0].is_multiple_of(4) {
        f.involving = busy(picks[1]).into_iter().collect();
    }
    if picks[2].is_multiple_of(3) {
        f.kinds = (0..1 + picks[3] % 3).map(|i| EventKind::ALL[(picks[3] + i * 3) % EventKind::ALL.len()]).collect();
    }
    if picks[4].is_multiple_of(4) {
        f.status = Some(EventStatus::ALL[picks[4] / 4 % 2]);
    }
    if picks[5].is_multiple_of(5) {
        f.at = Some(places[picks[6] % places.len()]);
    }
    match picks[7] % 4 {
        0 => f.from = Some(date(picks[8])),
        1 => f.to = Some(date(picks[8])),
        2 => {
            let (a, b) = (date(picks[8]), date(picks[8] + picks[9] % 400));
            (f.from, f.to) = (Some(a), Some(b));
        }
        _ => {}
    }
    if picks[9].is_multiple_of(6) {
        let e = g.event(events[picks[10] % events.len()]).expect("event");
        f.topic = e.topics.first().cloned();
    }
    if picks[10].is_multiple_of(3) {
        // Publication days of the reports, or a day between them.
        let s = g.source(sources[picks[11] % sources.len()]).and_then(|s| s.published).unwrap_or(lo);
        f.known_by = Some(if picks[11].is_multiple_of(2) { s } else { s - Days::new(1) });
    }
    if picks[6] % 5 == 1 {
        // An event's own CAMEO code, or its root (which keeps the codes under it).
        let code = g.event(events[picks[8] % events.len()]).expect("event").codes().cameo;
        let code = if picks[6].is_multiple_of(2) { code.as_str() } else { code.root() };
        f.cameo = vec![code.to_owned()];
    }
    if picks[1] % 5 == 2 {
        f.plover = (0..1 + picks[3] % 2).map(|i| PloverType::ALL[(picks[1] / 5 + i) % 3]).collect();
    }
    let depth = match picks[11] % 4 {
        0 => Depth::Top,
        1 => busy(picks[0]).map_or(Depth::Top, Depth::Actor),
        2 => Depth::Place(places[picks[1] % places.len()]),
        _ => busy(picks[2]).map_or(Depth::Top, Depth::Counterpart),
    };
    let _ = actors;
    (f, depth)
}

/// Checks the facets and every timeline of one event case against the brute-force count.
fn check_events(g: &Arc<KnowledgeGraph>, f: &EventF, depth: Depth) {
    let vars = json!({ "f": f.json(g) });
    let (query, path, who) = depth.wrap(g, "events", FACETS);
    let response = run(g, request(&query, vars.clone()));
    assert!(response.get("errors").is_none(), "{query}\n{vars}\n{response:#}");
    let events: Vec<NodeId> = depth.base(g, who).into_iter().filter(|&n| f.keeps(g, n)).collect();
    let got = at(&response["data"], &path)["events"].clone();
    assert_eq!(got, event_facets(g, &events), "\nquery: {query}\nvariables: {vars}");
    // The first and last pages hold the first and last events kept, in date order.
    let ids = |list: &[NodeId]| list.iter().map(|&n| json!({ "id": g.entity(n).id() })).collect::<Vec<_>>();
    let inner = "totalCount nodes { id } pageInfo { hasNextPage hasPreviousPage }";
    for (page, expected) in [
        (
            "first: 4",
            json!({ "totalCount": events.len(), "nodes": ids(&events[..events.len().min(4)]),
            "pageInfo": { "hasNextPage": events.len() > 4, "hasPreviousPage": false } }),
        ),
        (
            "last: 3",
            json!({ "totalCount": events.len(), "nodes": ids(&events[events.len().saturating_sub(3)..]),
            "pageInfo": { "hasNextPage": false, "hasPreviousPage": events.len() > 3 } }),
        ),
    ] {
        let (query, path, _) = depth.wrap_page(g, "events", page, inner);
        let response = run(g, request(&query, vars.clone()));
        let got = &at(&response["data"], &path)["events"];
        assert_eq!(got, &expected, "\nquery: {query}\nvariables: {vars}\n{response:#}");
    }
    for bucket in ["DAY", "WEEK", "MONTH", "YEAR"] {
        let inner = format!("timeline(bucket: {bucket}) {{ label start end count imprecise }}");
        let (query, path, _) = depth.wrap(g, "events", &inner);
        let response = run(g, request(&query, vars.clone()));
        match event_timeline(g, &events, bucket) {
            Some(expected) => {
                assert!(response.get("errors").is_none(), "{query}\n{vars}\n{response:#}");
                let got = &at(&response["data"], &path)["events"]["timeline"];
                assert_eq!(got, &expected, "\nquery: {query}\nvariables: {vars}");
            }
            None => {
                let code = &response["errors"][0]["extensions"]["code"];
                assert_eq!(code, "LIMIT_EXCEEDED", "{query}\n{vars}\n{response:#}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn event_facets_and_timelines_match_a_brute_force_count_on_the_bundled_seed(picks in any::<[usize; 12]>()) {
        let g = graph();
        let (f, depth) = event_case(&g, &picks);
        check_events(&g, &f, depth);
    }

    #[test]
    fn event_facets_and_timelines_match_a_brute_force_count_on_a_generated_seed(picks in any::<[usize; 12]>()) {
        let g = generated();
        let (f, depth) = event_case(&g, &picks);
        check_events(&g, &f, depth);
    }

    #[test]
    fn agreement_and_statement_facets_match_a_brute_force_count(picks in any::<[usize; 6]>(), generated_seed in any::<bool>()) {
        let g = if generated_seed { generated() } else { graph() };
        check_agreements_and_statements(&g, &picks);
    }
}

/// One random agreement and statement case, at the top and under an actor.
fn check_agreements_and_statements(g: &Arc<KnowledgeGraph>, picks: &[usize; 6]) {
    let agreements = g.all(EntityKind::Agreement);
    let statements = g.all(EntityKind::Statement);
    let sources = g.all(EntityKind::Source);
    let known_by = (picks[0].is_multiple_of(2)).then(|| {
        let s = g.source(sources[picks[1] % sources.len()]).and_then(|s| s.published).unwrap_or(day("2021-06-08"));
        if picks[1].is_multiple_of(3) {
            s - Days::new(1)
        } else {
            s
        }
    });
    // An actor party to an agreement, and one who spoke.
    let party = (!agreements.is_empty())
        .then(|| g.agreement(agreements[picks[2] % agreements.len()]).and_then(|a| a.parties.first().copied()))
        .flatten();
    let speaker = (!statements.is_empty())
        .then(|| g.statement(statements[picks[3] % statements.len()]).map(|s| s.speaker))
        .flatten();
    let kind = (picks[4].is_multiple_of(3)).then(|| AgreementKind::ALL[picks[4] / 3 % AgreementKind::ALL.len()]);
    let under = picks[5].is_multiple_of(2);
    let known_ok = |n: NodeId| known_by.is_none_or(|d| known(g, n).is_some_and(|k| k <= d));
    let id = |n: NodeId| g.entity(n).id().to_owned();
    let ranked_nodes = |m: BTreeMap<NodeId, u32>, key: &str| -> Value {
        Value::Array(
            ranked(m, |&n| node_name(g, n), 100)
                .into_iter()
                .map(|(n, c)| json!({ key: { "id": id(n) }, "count": c }))
                .collect(),
        )
    };

    // Agreements: party and kind at the top, or an actor's own (party or signatory).
    let mut filter = serde_json::Map::new();
    if let Some(d) = known_by {
        filter.insert("knownBy".into(), json!(d.to_string()));
    }
    if let Some(k) = kind {
        filter.insert("kind".into(), json!(gql(k.as_str())));
    }
    let owner = party;
    if !under {
        if let Some(p) = party.filter(|_| picks[5].is_multiple_of(3)) {
            filter.insert("party".into(), json!(id(p)));
        }
    }
    let sel = "agreements(filter: $f, first: 1) { totalCount facets { kinds { kind count } statuses { status count } parties(first: 100) { actor { id } count } amounts { amount currency } } }";
    let (query, list): (String, Vec<NodeId>) = match (under, owner) {
        (true, Some(a)) => (
            format!("query($f: AgreementFilter) {{ actor(id: \"{}\") {{ {sel} }} }}", id(a)),
            agreements
                .iter()
                .copied()
                .filter(|&n| g.agreement(n).is_some_and(|x| x.parties.contains(&a) || x.signatories.contains(&a)))
                .collect(),
        ),
        _ => (format!("query($f: AgreementFilter) {{ {sel} }}"), agreements.to_vec()),
    };
    let party_filter = filter.get("party").and(party);
    let list: Vec<NodeId> = list
        .into_iter()
        .filter(|&n| {
            let a = g.agreement(n).expect("agreement");
            kind.is_none_or(|k| a.kind == k) && party_filter.is_none_or(|p| a.parties.contains(&p)) && known_ok(n)
        })
        .collect();
    let ags: Vec<&Agreement> = list.iter().filter_map(|&n| g.agreement(n)).collect();
    let mut kinds = BTreeMap::new();
    let mut statuses = BTreeMap::new();
    let mut parties = BTreeMap::new();
    let mut sums: BTreeMap<String, f64> = BTreeMap::new();
    for a in &ags {
        *kinds.entry(gql(a.kind.as_str())).or_insert(0u32) += 1;
        *statuses.entry(gql(a.status.as_str())).or_insert(0u32) += 1;
        let mut ps = a.parties.clone();
        ps.sort();
        ps.dedup();
        ps.into_iter().for_each(|p| *parties.entry(p).or_insert(0u32) += 1);
        if let Some(m) = &a.amount {
            *sums.entry(m.currency.clone()).or_default() += m.amount;
        }
    }
    let vocab = |m: BTreeMap<String, u32>, key: &str| -> Value {
        Value::Array(
            ranked(m, |k| k.clone(), usize::MAX).into_iter().map(|(k, c)| json!({ key: k, "count": c })).collect(),
        )
    };
    let expected = json!({
        "totalCount": ags.len(),
        "facets": {
            "kinds": vocab(kinds, "kind"),
            "statuses": vocab(statuses, "status"),
            "parties": ranked_nodes(parties, "actor"),
            "amounts": sums.into_iter().map(|(c, a)| json!({ "amount": a, "currency": c })).collect::<Vec<_>>(),
        }
    });
    let vars = json!({ "f": Value::Object(filter) });
    let response = run(g, request(&query, vars.clone()));
    assert!(response.get("errors").is_none(), "{query}\n{vars}\n{response:#}");
    let got = if under && owner.is_some() {
        &response["data"]["actor"]["agreements"]
    } else {
        &response["data"]["agreements"]
    };
    assert_eq!(got, &expected, "\nquery: {query}\nvariables: {vars}");

    // Statements: speaker, dates and knownBy at the top, or a speaker's own.
    let mut filter = serde_json::Map::new();
    if let Some(d) = known_by {
        filter.insert("knownBy".into(), json!(d.to_string()));
    }
    let from = (picks[4].is_multiple_of(2)).then(|| day("2021-06-08"));
    let to = (picks[3].is_multiple_of(3)).then(|| day("2023-12-27"));
    if let Some(d) = from {
        filter.insert("from".into(), json!(d.to_string()));
    }
    if let Some(d) = to {
        filter.insert("to".into(), json!(d.to_string()));
    }
    let by_speaker = !under && picks[2].is_multiple_of(2);
    if by_speaker {
        if let Some(s) = speaker {
            filter.insert("speaker".into(), json!(id(s)));
        }
    }
    let sel = "statements(filter: $f, first: 1) { totalCount facets { speakers(first: 100) { actor { id } count } channels { channel count } } }";
    let (query, list): (String, Vec<NodeId>) = match (under, speaker) {
        (true, Some(s)) => (
            format!("query($f: StatementFilter) {{ actor(id: \"{}\") {{ {sel} }} }}", id(s)),
            statements.iter().copied().filter(|&n| g.statement(n).is_some_and(|x| x.speaker == s)).collect(),
        ),
        _ => (format!("query($f: StatementFilter) {{ {sel} }}"), statements.to_vec()),
    };
    let speaker_filter = if by_speaker { speaker } else { None };
    let sts: Vec<&Statement> = list
        .into_iter()
        .filter(|&n| {
            let s = g.statement(n).expect("statement");
            speaker_filter.is_none_or(|sp| s.speaker == sp) && s.when.overlaps(from, to) && known_ok(n)
        })
        .filter_map(|n| g.statement(n))
        .collect();
    let mut speakers = BTreeMap::new();
    let mut channels = BTreeMap::new();
    for s in &sts {
        *speakers.entry(s.speaker).or_insert(0u32) += 1;
        *channels.entry(gql(s.channel.as_str())).or_insert(0u32) += 1;
    }
    let expected = json!({
        "totalCount": sts.len(),
        "facets": { "speakers": ranked_nodes(speakers, "actor"), "channels": vocab(channels, "channel") }
    });
    let vars = json!({ "f": Value::Object(filter) });
    let response = run(g, request(&query, vars.clone()));
    assert!(response.get("errors").is_none(), "{query}\n{vars}\n{response:#}");
    let got = if under && speaker.is_some() {
        &response["data"]["actor"]["statements"]
    } else {
        &response["data"]["statements"]
    };
    assert_eq!(got, &expected, "\nquery: {query}\nvariables: {vars}");
}

/// The dashboard query of the README: what the reports had told by June 9, 2021.
const DASHBOARD: &str = r#"{
  events(filter: { knownBy: "2021-06-09" }, first: 0) {
    totalCount
    facets {
      kinds { kind count }
      countries(first: 3) { place { name } count }
      participants(kind: PERSON, first: 3) { actor { name } count }
    }
    timeline(bucket: MONTH) { label count imprecise }
  }
}"#;

#[test]
fn a_dashboard_counts_what_the_reports_had_told_by_a_day() {
    check(
        DASHBOARD,
        json!({}),
        json!({ "events": {
            "totalCount": 20,
            "facets": {
                "kinds": [
                    { "kind": "MEETING", "count": 8 }, { "kind": "TRIP", "count": 4 },
                    { "kind": "PRESS_CONFERENCE", "count": 3 }, { "kind": "ROUNDTABLE", "count": 2 },
                    { "kind": "CEREMONY", "count": 1 }, { "kind": "SIGNING", "count": 1 }, { "kind": "TOUR", "count": 1 }
                ],
                "countries": [
                    { "place": { "name": "Mexico" }, "count": 8 },
                    { "place": { "name": "Guatemala" }, "count": 6 },
                    { "place": { "name": "United States" }, "count": 2 }
                ],
                "participants": [
                    { "actor": { "name": "Kamala Harris" }, "count": 19 },
                    { "actor": { "name": "Andrés Manuel López Obrador" }, "count": 4 },
                    { "actor": { "name": "Alejandro Giammattei" }, "count": 2 }
                ]
            },
            "timeline": [
                { "label": "2021-05", "count": 1, "imprecise": 0 },
                { "label": "2021-06", "count": 18, "imprecise": 0 },
                { "label": "2021-07", "count": 0, "imprecise": 0 },
                { "label": "2021-08", "count": 0, "imprecise": 0 },
                { "label": "2021-09", "count": 1, "imprecise": 0 }
            ]
        } }),
    );
}

#[test]
fn knowledge_time_shrinks_as_the_day_moves_back() {
    let total = |day: &str| {
        let q = r#"query($d: Date) { events(filter: { knownBy: $d }) { totalCount }
            agreements(filter: { knownBy: $d }) { totalCount } statements(filter: { knownBy: $d }) { totalCount } }"#;
        let d = crate::support::data(q, json!({ "d": day }));
        [&d["events"], &d["agreements"], &d["statements"]].map(|c| c["totalCount"].as_u64().unwrap_or(0))
    };
    let (before, first, later, all) =
        (total("2021-06-06"), total("2021-06-07"), total("2021-06-09"), total("2024-01-01"));
    assert_eq!(before, [0, 0, 0], "no report was out before June 7, 2021");
    for k in 0..3 {
        assert!(first[k] <= later[k] && later[k] <= all[k], "{first:?} {later:?} {all:?}");
    }
    assert!(first[0] > 0 && later[0] > first[0] && all[0] > later[0], "{first:?} {later:?} {all:?}");
    let everything = crate::support::data("{ events { totalCount } }", json!({}));
    assert_eq!(everything["events"]["totalCount"].as_u64(), Some(all[0]));
}

#[test]
fn valid_time_says_who_held_an_office_on_a_day() {
    check(
        r#"{ mexico: actors(filter: { holding: "President of Mexico", asOf: "2022-07-01" }) { nodes { id } }
             before: actors(filter: { holding: "President of Mexico", asOf: "2021-01-01" }) { nodes { id } }
             anyDay: actors(filter: { holding: "president" }) { nodes { id } }
             nobody: actors(filter: { holding: "Emperor of Mars" }) { totalCount }
             biden: actor(id: "actor:joe-biden") {
               positions { title attested }
               then: positions(asOf: "2022-07-01") { title }
               before: positions(asOf: "2021-06-07") { title } } }"#,
        json!({}),
        json!({
            "mexico": { "nodes": [{ "id": "actor:andres-manuel-lopez-obrador" }] },
            "before": { "nodes": [] },
            "anyDay": { "nodes": [
                { "id": "actor:alejandro-giammattei" }, { "id": "actor:andres-manuel-lopez-obrador" },
                { "id": "actor:joe-biden" }, { "id": "actor:kamala-harris" }
            ] },
            "nobody": { "totalCount": 0 },
            "biden": {
                "positions": [{ "title": "President of the United States", "attested": ["2021-06-08", "2023-12-28"] }],
                "then": [{ "title": "President of the United States" }],
                "before": []
            }
        }),
    );
}

#[test]
fn bad_time_input_is_refused_with_the_accepted_form() {
    for q in [
        r#"{ events(filter: { knownBy: "June 7" }) { totalCount } }"#,
        r#"{ agreements(filter: { knownBy: "2021-06" }) { totalCount } }"#,
        r#"{ statements(filter: { knownBy: "2021-02-30" }) { totalCount } }"#,
        r#"{ actors(filter: { holding: "President", asOf: "2021" }) { totalCount } }"#,
        r#"{ actor(id: "actor:joe-biden") { positions(asOf: "yesterday") { title } } }"#,
    ] {
        let (code, message, _) = error(q, json!({}));
        assert_eq!(code, "BAD_USER_INPUT", "{q}: {message}");
        assert!(message.contains("YYYY-MM-DD"), "{q}: {message}");
    }
    let (code, message, _) = error(r#"{ actors(filter: { asOf: "2022-07-01" }) { totalCount } }"#, json!({}));
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.contains("holding"), "{message}");
}

#[test]
fn a_day_timeline_over_years_is_refused_with_a_coarser_bucket_suggested() {
    let g = generated();
    let r = run(&g, request("{ events { timeline(bucket: DAY) { label count } } }", json!({})));
    let e = &r["errors"][0];
    assert_eq!(e["extensions"]["code"], "LIMIT_EXCEEDED", "{r:#}");
    let message = e["message"].as_str().unwrap_or_default();
    assert!(message.contains("coarser bucket") && message.contains("MONTH"), "{message}");
    let ok = run(&g, request("{ events { timeline(bucket: MONTH) { label count } } }", json!({})));
    assert!(ok.get("errors").is_none(), "{ok:#}");
}

#[test]
fn facet_lists_take_first_as_other_lists_do() {
    let d = crate::support::data(
        r#"{ events { facets { one: participants(first: 1) { count } all: participants { count } } } }"#,
        json!({}),
    );
    assert_eq!(d["events"]["facets"]["one"].as_array().map(Vec::len), Some(1));
    assert!(d["events"]["facets"]["all"].as_array().map_or(0, Vec::len) > 1);
    let (code, _, _) = error("{ events { facets { topics(first: 101) { count } } } }", json!({}));
    assert_eq!(code, "LIMIT_EXCEEDED");
    let (code, _, _) = error("{ events { facets { countries(first: -1) { count } } } }", json!({}));
    assert_eq!(code, "BAD_USER_INPUT");
}

#[test]
fn the_cost_model_counts_facet_lists_by_first_and_timelines_by_their_most_periods() {
    let cost = |q: &str| {
        let r = run(&graph(), request(q, json!({})));
        assert!(r.get("errors").is_none(), "{r:#}");
        r["extensions"]["cost"]["requestedQueryCost"].as_u64()
    };
    // events 1 + facets 1 + participants 1 + 5 counts.
    assert_eq!(cost("{ events(first: 1) { facets { participants(first: 5) { count } } } }"), Some(8));
    // A list without first holds 20.
    assert_eq!(cost("{ events(first: 1) { facets { topics { count } } } }"), Some(23));
    // events 1 + timeline 1 + 1000 periods of one field.
    assert_eq!(cost("{ events(first: 1) { timeline(bucket: YEAR) { count } } }"), Some(1002));
    let (code, message, _) =
        error("{ actors(first: 100) { nodes { events { timeline(bucket: MONTH) { label count } } } } }", json!({}));
    assert_eq!(code, "LIMIT_EXCEEDED", "{message}");
}

#[test]
fn known_by_on_or_after_the_last_report_keeps_what_was_ever_told() {
    // From the day every record was known the filter keeps them all without checking each;
    // the day before, it must still check. Both against a brute-force count.
    let g = graph();
    let last = g.all(EntityKind::Source).iter().filter_map(|&s| g.source(s).and_then(|s| s.published)).max();
    let last = last.expect("a dated report");
    for by in [last, last - Days::new(1), day("2100-01-01")] {
        let count = |kind: EntityKind| g.all(kind).iter().filter(|&&n| known(&g, n).is_some_and(|k| k <= by)).count();
        let q = format!(
            "{{ events(filter: {{ knownBy: \"{by}\" }}) {{ totalCount }} agreements(filter: {{ knownBy: \"{by}\" }}) {{ totalCount }} statements(filter: {{ knownBy: \"{by}\" }}) {{ totalCount }} }}"
        );
        check(
            &q,
            json!({}),
            json!({
                "events": { "totalCount": count(EntityKind::Event) },
                "agreements": { "totalCount": count(EntityKind::Agreement) },
                "statements": { "totalCount": count(EntityKind::Statement) },
            }),
        );
    }
}

#[test]
fn events_by_ids_count_and_chart_exactly_the_events_named() {
    // The explorer's month brush: the timeline of the events drawn, named by id (any order,
    // repeats, ids of other kinds and unknown ids among them), on both seeds; an empty list
    // is no filter, as for every list field of a filter.
    for g in [graph(), generated()] {
        let events = g.all(EntityKind::Event);
        let picked: Vec<NodeId> = events.iter().copied().step_by(13).collect();
        let mut ids: Vec<String> = picked.iter().rev().map(|&n| g.entity(n).id().to_owned()).collect();
        ids.push(ids[0].clone());
        ids.push(g.entity(g.all(EntityKind::Actor)[0]).id().to_owned());
        ids.push("event:no-such-event".to_owned());
        let q = "query($ids: [ID!]) { events(filter: { ids: $ids }, first: 100) { totalCount nodes { id } timeline(bucket: MONTH) { label start end count imprecise } } }";
        let response = run(&g, request(q, json!({ "ids": ids })));
        assert!(response.get("errors").is_none(), "{response:#}");
        let got = &response["data"]["events"];
        let listed: Vec<Value> = picked.iter().take(100).map(|&n| json!({ "id": g.entity(n).id() })).collect();
        assert_eq!(got["totalCount"], json!(picked.len()));
        assert_eq!(got["nodes"], json!(listed));
        assert_eq!(Some(got["timeline"].clone()), event_timeline(&g, &picked, "MONTH"));
        let response = run(&g, request(q, json!({ "ids": ["event:no-such-event"] })));
        assert_eq!(response["data"]["events"]["totalCount"], json!(0), "{response:#}");
        let response = run(&g, request(q, json!({ "ids": [] })));
        assert_eq!(response["data"]["events"]["totalCount"], json!(events.len()), "{response:#}");
    }
}

/// The generated seed of a thousand events, loaded afresh, with the counts of every list of
/// at least `busy` events built at load (`usize::MAX`: none, every list is walked).
fn generated_with_busy_lists(busy: usize) -> KnowledgeGraph {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = diplograph::generate::GenerateConfig { events: 1000, seed: 7 };
    diplograph::generate::generate(&config, dir.path()).expect("generate");
    diplograph::seed::load(dir.path()).expect("generated seed").with_busy_lists(busy)
}

#[test]
fn a_busy_lists_facets_built_at_load_are_those_of_its_walk() {
    use diplograph::graph::EventSet;
    let (walked, looked_up) = (generated_with_busy_lists(usize::MAX), generated_with_busy_lists(1));
    assert_eq!(walked.busy_lists(), 0);
    assert!(looked_up.busy_lists() > 100, "every actor's and place's events are looked up");
    let lists: Vec<NodeId> =
        [EntityKind::Actor, EntityKind::Place].iter().flat_map(|&k| walked.all(k).to_vec()).collect();
    for n in lists {
        let (w, l) = (EventSet::List(&walked.reverse(n).events), EventSet::List(&looked_up.reverse(n).events));
        assert_eq!(walked.event_tally(w), looked_up.event_tally(l), "{n:?}");
        for first in [1, 3, 100] {
            assert_eq!(walked.event_countries(w, first), looked_up.event_countries(l, first), "{n:?}");
            assert_eq!(walked.event_topics(w, first), looked_up.event_topics(l, first), "{n:?}");
            for kind in [None, Some(ActorKind::Person), Some(ActorKind::Government)] {
                let (a, b) = (walked.event_participants(w, kind, first), looked_up.event_participants(l, kind, first));
                assert_eq!(a, b, "{n:?} {kind:?}");
            }
        }
    }
}

#[test]
fn a_busy_lists_known_by_built_at_load_is_a_brute_force_filter() {
    use diplograph::graph::EventQuery;
    let (walked, looked_up) = (generated_with_busy_lists(usize::MAX), generated_with_busy_lists(1));
    let days: Vec<NaiveDate> = ["2019-06-30", "2020-03-05", "2020-06-30", "2021-01-01", "2022-12-31"].map(day).to_vec();
    let mut kept_part = false;
    for &n in walked.all(EntityKind::Actor).iter().chain(walked.all(EntityKind::Place)) {
        for &by in &days {
            let actor = walked.actor(n).is_some();
            let q = EventQuery {
                involving: if actor { vec![n] } else { vec![] },
                at: if actor { vec![] } else { vec![n] },
                known_by: Some(by),
                ..EventQuery::default()
            };
            let brute: Vec<NodeId> = walked
                .reverse(n)
                .events
                .iter()
                .copied()
                .filter(|&e| known(&walked, e).is_some_and(|k| k <= by))
                .collect();
            assert_eq!(walked.events(&q).iter().collect::<Vec<_>>(), brute, "{n:?} {by}");
            assert_eq!(looked_up.events(&q).iter().collect::<Vec<_>>(), brute, "{n:?} {by}");
            kept_part |= !brute.is_empty() && brute.len() < walked.reverse(n).events.len();
        }
    }
    assert!(kept_part, "some day keeps part of a list");
}

/// A date-range filter alone at the top (no other filter): its `countries` and `topics` come
/// from the per-day counts built at load, not a walk.
fn date_range_case(g: &KnowledgeGraph, picks: &[usize; 3]) -> EventF {
    let events = g.all(EntityKind::Event);
    let (lo, hi) = (
        g.event(events[0]).expect("event").when.start,
        g.event(*events.last().expect("events")).expect("event").when.start,
    );
    let span = (hi - lo).num_days().max(1) as usize + 60;
    let date = |k: usize| lo - Days::new(30) + Days::new((k % span) as u64);
    let (a, b) = (date(picks[1]), date(picks[1]) + Days::new((picks[2] % 400) as u64));
    let mut f = EventF::default();
    match picks[0] % 3 {
        0 => f.from = Some(a),
        1 => f.to = Some(b),
        _ => (f.from, f.to) = (Some(a), Some(b)),
    }
    f
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_date_ranges_facets_at_the_top_match_a_brute_force_count(picks in any::<[usize; 3]>(), generated_seed in any::<bool>()) {
        let g = if generated_seed { generated() } else { graph() };
        check_events(&g, &date_range_case(&g, &picks), Depth::Top);
    }

    #[test]
    fn a_date_ranges_countries_and_topics_counted_by_day_are_those_of_its_walk(
        picks in any::<[usize; 3]>(),
        backwards in any::<bool>(),
        generated_seed in any::<bool>(),
    ) {
        use diplograph::graph::EventSet;
        let g = if generated_seed { generated() } else { graph() };
        if generated_seed {
            prop_assert_eq!(g.counts_by_day(), (true, true), "a generated seed has its counts by day built");
        }
        let f = date_range_case(&g, &picks);
        // Sometimes a range that ends before it starts.
        let (from, to) = match (f.from, f.to) {
            (Some(a), Some(b)) if backwards => (Some(b), Some(a - Days::new(1))),
            x => x,
        };
        let range = g.events_in_range(from, to);
        let listed: Vec<NodeId> = range.iter().collect();
        let (counted, walked) = (EventSet::Range(range), EventSet::List(&listed));
        for first in [1, 5, 1000] {
            prop_assert_eq!(g.event_countries(counted, first), g.event_countries(walked, first));
            prop_assert_eq!(g.event_topics(counted, first), g.event_topics(walked, first));
        }
    }
}
