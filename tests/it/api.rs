//! API behaviour on the bundled seed: paging, filters, name resolution, search, errors.

use crate::support::{check, data, error, generated, graph, request, run};
use chrono::NaiveDate;
use diplograph::api::paging::cursor;
use diplograph::graph::KnowledgeGraph;
use diplograph::model::{EntityKind, EventKind, NodeId};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

fn ids(list: &Value) -> Vec<String> {
    list.as_array().expect("a list").iter().map(|n| n["id"].as_str().expect("id").to_owned()).collect()
}

#[test]
fn pages_follow_cursors_forwards_and_backwards() {
    let all = data("{ events(first: 100) { totalCount nodes { id } } }", json!({}));
    let all_ids = ids(&all["events"]["nodes"]);
    assert_eq!(all["events"]["totalCount"], all_ids.len());
    // Forward, five at a time, until the end.
    let mut seen = Vec::new();
    let mut after: Value = Value::Null;
    loop {
        let page = data(
            "query($after: String) { events(first: 5, after: $after) { nodes { id } pageInfo { hasNextPage hasPreviousPage endCursor } } }",
            json!({ "after": after }),
        );
        let p = &page["events"];
        seen.extend(ids(&p["nodes"]));
        assert_eq!(p["pageInfo"]["hasPreviousPage"], !after.is_null());
        if p["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = p["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, all_ids);
    // Backward from the end.
    let last =
        data("{ events(last: 3) { nodes { id } pageInfo { hasPreviousPage hasNextPage startCursor } } }", json!({}));
    assert_eq!(ids(&last["events"]["nodes"]), all_ids[all_ids.len() - 3..]);
    assert_eq!(last["events"]["pageInfo"]["hasPreviousPage"], true);
    let before = last["events"]["pageInfo"]["startCursor"].clone();
    let prev = data("query($b: String) { events(last: 2, before: $b) { nodes { id } } }", json!({ "b": before }));
    assert_eq!(ids(&prev["events"]["nodes"]), all_ids[all_ids.len() - 5..all_ids.len() - 3]);
    // Descending order pages the same list in reverse.
    let desc = data("{ events(orderBy: DATE_DESC, first: 100) { nodes { id } } }", json!({}));
    let mut reversed = all_ids.clone();
    reversed.reverse();
    assert_eq!(ids(&desc["events"]["nodes"]), reversed);
    let d = data("{ events(orderBy: DATE_DESC, first: 2) { pageInfo { endCursor } } }", json!({}));
    let next = data(
        "query($a: String) { events(orderBy: DATE_DESC, first: 2, after: $a) { nodes { id } } }",
        json!({ "a": d["events"]["pageInfo"]["endCursor"] }),
    );
    assert_eq!(ids(&next["events"]["nodes"]), reversed[2..4]);
}

#[test]
fn default_page_is_twenty_and_limits_are_enforced() {
    let page = data("{ events { totalCount nodes { id } pageInfo { hasNextPage } } }", json!({}));
    assert!(page["events"]["totalCount"].as_u64().unwrap() > 20);
    assert_eq!(page["events"]["nodes"].as_array().unwrap().len(), 20);
    assert_eq!(page["events"]["pageInfo"]["hasNextPage"], true);
    let (code, msg, _) = error("{ events(first: 101) { totalCount } }", json!({}));
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("LIMIT_EXCEEDED", "`first` is at most 100 (got 101); page with cursors instead")
    );
    let (code, _, _) = error("{ actors(last: 1000000) { totalCount } }", json!({}));
    assert_eq!(code, "LIMIT_EXCEEDED");
    let (code, msg, _) = error("{ events(first: -1) { totalCount } }", json!({}));
    assert_eq!((code.as_str(), msg.as_str()), ("BAD_USER_INPUT", "`first` must not be negative (got -1)"));
    let (code, _, _) = error("{ events(after: \"garbage!\") { totalCount } }", json!({}));
    assert_eq!(code, "BAD_USER_INPUT");
    // A cursor of another list is refused, not misread.
    let actors = data("{ actors(first: 1) { pageInfo { endCursor } } }", json!({}));
    let (code, _, _) = error(
        "query($c: String) { events(after: $c) { totalCount } }",
        json!({ "c": actors["actors"]["pageInfo"]["endCursor"] }),
    );
    assert_eq!(code, "BAD_USER_INPUT");
    let (code, _, _) =
        error("{ actor(id: \"actor:kamala-harris\") { counterparts(first: 101) { sharedEvents } } }", json!({}));
    assert_eq!(code, "LIMIT_EXCEEDED");
}

#[test]
fn involving_needs_every_listed_actor_and_accepts_names_and_ids() {
    let both = data(
        r#"{ events(filter: { involving: ["Harris", "actor:andres-manuel-lopez-obrador"] }, first: 100) { nodes { id } } }"#,
        json!({}),
    );
    let got = ids(&both["events"]["nodes"]);
    assert!(got.contains(&"event:2021-06-08-harris-lopez-obrador".to_owned()), "{got:?}");
    assert!(got.contains(&"event:2021-05-harris-lopez-obrador-virtual".to_owned()), "{got:?}");
    assert!(!got.iter().any(|id| id.contains("giammattei")), "{got:?}");
    let empty_list = data("{ events(filter: { involving: [] }) { totalCount } }", json!({}));
    let none = data("{ events { totalCount } }", json!({}));
    assert_eq!(empty_list, none, "an empty list is the same as no filter");
    let (code, msg, _) = error(r#"{ events(filter: { involving: ["Nobody Atall"] }) { totalCount } }"#, json!({}));
    assert_eq!((code.as_str(), msg.as_str()), ("NOT_FOUND", "`involving`: no actor is named `Nobody Atall`"));
    let (code, msg, _) = error(r#"{ events(filter: { involving: ["place:mexico"] }) { totalCount } }"#, json!({}));
    assert_eq!((code.as_str(), msg.as_str()), ("NOT_FOUND", "`involving`: `place:mexico` is not an actor"));
}

#[test]
fn at_covers_everything_inside_a_place() {
    let country = data(r#"{ events(filter: { at: "Mexico" }, first: 100) { nodes { id place { id } } } }"#, json!({}));
    let got = ids(&country["events"]["nodes"]);
    assert!(got.contains(&"event:2021-06-08-harris-lopez-obrador".to_owned()), "the venue is inside the country");
    assert!(got.contains(&"event:2021-06-07-harris-arrives-mexico-city".to_owned()), "the airport is inside the city");
    assert!(!got.iter().any(|id| id.contains("giammattei")));
    let city = data(r#"{ place(name: "mexico city") { events(first: 100) { totalCount } } }"#, json!({}));
    assert!(city["place"]["events"]["totalCount"].as_u64().unwrap() <= got.len() as u64);
}

#[test]
fn from_and_to_select_overlapping_spans() {
    // The May meeting is known only to the month: any day of May overlaps it.
    let may_31 = data(
        r#"{ events(filter: { from: "2021-05-31", to: "2021-05-31" }) { nodes { id when { text } } } }"#,
        json!({}),
    );
    assert_eq!(ids(&may_31["events"]["nodes"]), ["event:2021-05-harris-lopez-obrador-virtual"]);
    let after =
        data(r#"{ events(filter: { from: "2023-01-01" }, first: 100) { nodes { when { start } } } }"#, json!({}));
    assert!(after["events"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["when"]["start"].as_str().unwrap() >= "2023"));
    let before = data(r#"{ events(filter: { to: "2021-06-06" }, first: 100) { totalCount } }"#, json!({}));
    assert!(before["events"]["totalCount"].as_u64().unwrap() >= 3);
    let (code, msg, _) = error(r#"{ events(filter: { from: "2021-02-30" }) { totalCount } }"#, json!({}));
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(msg.contains("`2021-02-30` is not a day of the calendar"), "{msg}");
    let (code, msg, _) =
        error(r#"query($d: Date) { events(filter: { from: $d }) { totalCount } }"#, json!({ "d": "June" }));
    assert!(msg.contains("YYYY-MM-DD"), "{code}: {msg}");
}

#[test]
fn kinds_status_and_topic_filters() {
    let planned = data("{ events(filter: { status: PLANNED }, first: 100) { nodes { status } } }", json!({}));
    assert!(!planned["events"]["nodes"].as_array().unwrap().is_empty());
    assert!(planned["events"]["nodes"].as_array().unwrap().iter().all(|n| n["status"] == "PLANNED"));
    let calls = data("{ events(filter: { kinds: [CALL] }) { nodes { id mode } } }", json!({}));
    assert_eq!(calls["events"]["nodes"][0]["mode"], "PHONE");
    let topic = data(r#"{ events(filter: { topic: "MIGRATION" }, first: 100) { nodes { topics } } }"#, json!({}));
    let nodes = topic["events"]["nodes"].as_array().unwrap();
    assert!(!nodes.is_empty() && nodes.iter().all(|n| n["topics"].as_array().unwrap().contains(&json!("migration"))));
}

#[test]
fn names_resolve_through_aliases_and_ambiguity_lists_candidates() {
    check(
        r#"{ a: actor(name: "lopez obrador") { id } b: actor(name: "AMLO") { id } c: actor(name: "nobody here") { id } }"#,
        json!({}),
        json!({ "a": { "id": "actor:andres-manuel-lopez-obrador" }, "b": { "id": "actor:andres-manuel-lopez-obrador" }, "c": null }),
    );
    let (code, msg, e) = error(r#"{ actor(name: "Alejandro") { id } }"#, json!({}));
    assert_eq!(code, "AMBIGUOUS_NAME");
    assert!(msg.starts_with("`Alejandro` fits several entities: "), "{msg}");
    let candidates: Vec<&str> =
        e["extensions"]["candidates"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(
        candidates.contains(&"actor:alejandro-giammattei") && candidates.contains(&"actor:alejandro-mayorkas"),
        "{candidates:?}"
    );
    let (code, _, _) = error(r#"{ actor(id: "actor:kamala-harris", name: "Harris") { id } }"#, json!({}));
    assert_eq!(code, "BAD_USER_INPUT");
    let (code, _, _) = error("{ actor { id } }", json!({}));
    assert_eq!(code, "BAD_USER_INPUT");
    check(
        r#"{ actor(id: "place:mexico") { id } node(id: "nope:x") { id } }"#,
        json!({}),
        json!({ "actor": null, "node": null }),
    );
}

#[test]
fn search_ranks_and_forgives_accents_and_typos() {
    let first_hit = |text: &str| -> String {
        let d = data("query($t: String!) { search(text: $t) { ... on Node { id } } }", json!({ "t": text }));
        d["search"][0]["id"].as_str().unwrap_or_default().to_owned()
    };
    assert_eq!(first_hit("Giammattei"), "actor:alejandro-giammattei");
    assert_eq!(first_hit("Giamattei"), "actor:alejandro-giammattei", "one letter missing");
    assert_eq!(first_hit("Giamatei"), "actor:alejandro-giammattei", "two letters missing");
    assert_eq!(first_hit("GIAMMATTEÍ"), "actor:alejandro-giammattei");
    assert_eq!(first_hit("Lopez Obrador"), "actor:andres-manuel-lopez-obrador");
    assert_eq!(first_hit("menchu"), "actor:rigoberta-menchu");
    assert_eq!(first_hit("Giamm"), "actor:alejandro-giammattei", "prefix as you type");
    let kinds = data(r#"{ search(text: "Mexico", kinds: [PLACE]) { __typename } }"#, json!({}));
    assert!(kinds["search"].as_array().unwrap().iter().all(|h| h["__typename"] == "Place"));
    let exact = data(r#"{ search(text: "Mexico") { ... on Node { id } } }"#, json!({}));
    assert_eq!(exact["search"][0]["id"], "place:mexico", "the exact name first");
    check(r#"{ search(text: "   ") { __typename } }"#, json!({}), json!({ "search": [] }));
    let (code, _, _) = error(r#"{ search(text: "x", first: 500) { __typename } }"#, json!({}));
    assert_eq!(code, "LIMIT_EXCEEDED");
}

#[test]
fn path_and_neighborhood_bounds() {
    check(
        r#"{ path(from: "actor:kamala-harris", to: "actor:kamala-harris") { hops } }"#,
        json!({}),
        json!({ "path": { "hops": 0 } }),
    );
    check(
        r#"{ path(from: "actor:joe-biden", to: "place:joint-base-andrews", maxHops: 1) { hops } }"#,
        json!({}),
        json!({ "path": null }),
    );
    let (code, _, _) = error(r#"{ path(from: "actor:kamala-harris", to: "actor:nobody") { hops } }"#, json!({}));
    assert_eq!(code, "NOT_FOUND");
    let (code, _, _) =
        error(r#"{ path(from: "actor:kamala-harris", to: "actor:joe-biden", maxHops: 11) { hops } }"#, json!({}));
    assert_eq!(code, "LIMIT_EXCEEDED");
    let (code, _, _) = error(r#"{ neighborhood(id: "actor:kamala-harris", depth: 4) { truncated } }"#, json!({}));
    assert_eq!(code, "LIMIT_EXCEEDED");
    let cut = data(
        r#"{ neighborhood(id: "actor:kamala-harris", depth: 3, limit: 5) { truncated nodes { id } } }"#,
        json!({}),
    );
    assert_eq!(cut["neighborhood"]["truncated"], true);
    assert_eq!(cut["neighborhood"]["nodes"].as_array().unwrap().len(), 5);
    // A path never runs through a report.
    let p = data(
        r#"{ path(from: "actor:joe-biden", to: "actor:rigoberta-menchu", maxHops: 10) { steps { node { id } } } }"#,
        json!({}),
    );
    if let Some(steps) = p["path"]["steps"].as_array() {
        assert!(steps[1..steps.len() - 1].iter().all(|s| !s["node"]["id"].as_str().unwrap().starts_with("source:")));
    }
}

#[test]
fn facts_cite_their_sources_relations_included() {
    let d = data(
        r#"{ event(id: "event:2021-06-08-harris-lopez-obrador") {
              sources { id }
              participants { actor { id } sources { id } }
            }
            actor(id: "actor:kamala-harris") { positions { title asOf sources { id } } }
            sources { totalCount nodes { id document factCount published } } }"#,
        json!({}),
    );
    assert_eq!(d["event"]["sources"].as_array().unwrap().len(), 3, "three reports tell of the meeting");
    for p in d["event"]["participants"].as_array().unwrap() {
        assert!(!p["sources"].as_array().unwrap().is_empty(), "{p}");
    }
    let zuniga =
        d["event"]["participants"].as_array().unwrap().iter().find(|p| p["actor"]["id"] == "actor:ricardo-zuniga");
    assert_eq!(
        zuniga.unwrap()["sources"],
        json!([{ "id": "source:report-001-2021-06-09" }]),
        "only report 001 puts him there"
    );
    assert!(d["actor"]["positions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["title"] == "Vice President of the United States"));
    assert_eq!(d["sources"]["totalCount"], 4);
    let published: Vec<&str> =
        d["sources"]["nodes"].as_array().unwrap().iter().map(|s| s["published"].as_str().unwrap()).collect();
    assert_eq!(published, ["2021-06-07", "2021-06-08", "2021-06-09", "2023-12-28"]);
}

#[test]
fn node_and_nodes_resolve_every_kind() {
    let d = data(
        r#"{ nodes(ids: ["actor:kamala-harris", "place:mexico", "source:report-003-2023-12-28", "missing:x"]) { __typename id } }"#,
        json!({}),
    );
    assert_eq!(
        d["nodes"],
        json!([
            { "__typename": "Actor", "id": "actor:kamala-harris" },
            { "__typename": "Place", "id": "place:mexico" },
            { "__typename": "Source", "id": "source:report-003-2023-12-28" },
            null
        ])
    );
}

#[test]
fn counterparts_and_statements() {
    let d = data(
        r#"{ actor(name: "Harris") { counterparts(first: 3) { actor { name } sharedEvents } statements(first: 100) { totalCount nodes { text quote respondsTo { id } } } } }"#,
        json!({}),
    );
    let cps = d["actor"]["counterparts"].as_array().unwrap();
    assert_eq!(cps.len(), 3);
    let shared: Vec<u64> = cps.iter().map(|c| c["sharedEvents"].as_u64().unwrap()).collect();
    assert!(shared.windows(2).all(|w| w[0] >= w[1]), "most shared first: {shared:?}");
    assert!(d["actor"]["statements"]["totalCount"].as_u64().unwrap() >= 3);
    let by = data(r#"{ statements(filter: { speaker: "Mayorkas" }) { nodes { channel speaker { id } } } }"#, json!({}));
    let nodes = by["statements"]["nodes"].as_array().unwrap();
    assert!(!nodes.is_empty());
    assert!(nodes.iter().all(|n| n["speaker"]["id"] == "actor:alejandro-mayorkas"));
}

/// The event page query with every paging argument as a variable.
const EVENT_PAGE: &str =
    "query($f: EventFilter, $o: EventOrder, $first: Int, $after: String, $last: Int, $before: String) {
  events(filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
    totalCount nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

/// A page as the API should answer it: ids, hasNextPage, hasPreviousPage, totalCount.
type Expected = (Vec<String>, bool, bool, usize);

/// The reference: paging as a cut by index out of the whole list (`list` in date order,
/// reversed when `desc`), cursors compared by sort key.
fn reference_page(
    g: &KnowledgeGraph,
    list: &[NodeId],
    desc: bool,
    (first, after, last, before): (Option<usize>, Option<NodeId>, Option<usize>, Option<NodeId>),
) -> Expected {
    let mut list = list.to_vec();
    if desc {
        list.reverse();
    }
    let key = |n: &NodeId| g.sort_key(*n).to_owned();
    let after_pos = |k: &str| list.partition_point(|n| if desc { key(n).as_str() >= k } else { key(n).as_str() <= k });
    let before_pos = |k: &str| list.partition_point(|n| if desc { key(n).as_str() > k } else { key(n).as_str() < k });
    let mut start = after.map_or(0, |a| after_pos(g.sort_key(a)));
    let mut end = before.map_or(list.len(), |b| before_pos(g.sort_key(b)).max(start));
    let (window_start, window_end) = (start, end);
    let first = if first.is_none() && last.is_none() { Some(20) } else { first };
    if let Some(f) = first {
        end = end.min(start + f);
    }
    if let Some(l) = last {
        start = start.max(end.saturating_sub(l));
    }
    let ids = list[start..end].iter().map(|&n| g.entity(n).id().to_owned()).collect();
    let next = end < window_end || (before.is_some() && window_end < list.len());
    let prev = start > window_start || (after.is_some() && window_start > 0);
    (ids, next, prev, list.len())
}

/// Pages through date-filtered events every way (forwards and backwards with cursors, both
/// orders, cursors of events outside the filter, first and last together) and compares each
/// answer with the reference on the brute-force list.
fn date_paging_matches_brute_force(g: &Arc<KnowledgeGraph>, seed: u64, ranges: usize) {
    let events = g.all(EntityKind::Event);
    let by_cursor: HashMap<String, NodeId> = events.iter().map(|&n| (cursor(g, n), n)).collect();
    let mut state = seed;
    let mut rand = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    let days: Vec<NaiveDate> =
        events.iter().flat_map(|&n| g.event(n).map(|e| [e.when.start, e.when.end])).flatten().collect();
    let busiest = *g.all(EntityKind::Actor).iter().max_by_key(|&&a| g.reverse(a).events.len()).expect("an actor");
    for i in 0..ranges {
        let mut day = || days[rand(days.len())] + chrono::Days::new(1) - chrono::Days::new(rand(3) as u64);
        let (a, b) = (day(), day());
        let (from, to) = match i % 6 {
            0 => (Some(a), None),
            1 => (None, Some(a)),
            2 => (Some(a.max(b)), Some(a.min(b))),
            3 => (Some(a), Some(a)),
            _ => (Some(a.min(b)), Some(a.max(b))),
        };
        let (kinds, involving) = match i % 9 {
            4 => (true, false),
            7 => (false, true),
            8 => (true, true),
            _ => (false, false),
        };
        let mut filter = json!({ "from": from.map(|d| d.to_string()), "to": to.map(|d| d.to_string()) });
        if kinds {
            filter["kinds"] = json!(["MEETING"]);
        }
        if involving {
            filter["involving"] = json!([g.entity(busiest).id()]);
        }
        let list: Vec<NodeId> = events
            .iter()
            .copied()
            .filter(|&n| {
                let e = g.event(n).expect("an event");
                e.when.overlaps(from, to)
                    && (!kinds || e.kind == EventKind::Meeting)
                    && (!involving || e.participants.iter().any(|p| p.actor == busiest))
            })
            .collect();
        let what = format!("filter {filter}");
        for desc in [false, true] {
            let ask = |args: (Option<usize>, Option<NodeId>, Option<usize>, Option<NodeId>)| {
                let vars = json!({
                    "f": filter,
                    "o": if desc { "DATE_DESC" } else { "DATE_ASC" },
                    "first": args.0, "after": args.1.map(|n| cursor(g, n)),
                    "last": args.2, "before": args.3.map(|n| cursor(g, n)),
                });
                let response = run(g, request(EVENT_PAGE, vars.clone()));
                assert!(response.get("errors").is_none(), "{vars}: {response:#}");
                let p = &response["data"]["events"];
                let got: Expected = (
                    ids(&p["nodes"]),
                    p["pageInfo"]["hasNextPage"].as_bool().expect("hasNextPage"),
                    p["pageInfo"]["hasPreviousPage"].as_bool().expect("hasPreviousPage"),
                    p["totalCount"].as_u64().expect("totalCount") as usize,
                );
                assert_eq!(got, reference_page(g, &list, desc, args), "{what} desc={desc} {vars}");
                let edge = |c: &str| p["pageInfo"][c].as_str().map(|c| by_cursor[c]);
                (edge("startCursor"), edge("endCursor"), got.1, got.2)
            };
            let size = (list.len() / 5).clamp(1, 98) + rand(3);
            // Forwards to the end, then backwards to the start, following cursors.
            let mut after = None;
            for _ in 0..12 {
                let (_, end, next, _) = ask((Some(size), after, None, None));
                match end {
                    Some(e) if next => after = Some(e),
                    _ => break,
                }
            }
            let mut before = None;
            for _ in 0..12 {
                let (start, _, _, prev) = ask((None, None, Some(size), before));
                match start {
                    Some(s) if prev => before = Some(s),
                    _ => break,
                }
            }
            // Cursors of any event (in the filter or not), first and last alone or together.
            for _ in 0..6 {
                let mut count = || [None, Some(0), Some(1), Some(3), Some(size)][rand(5)];
                let (first, last) = (count(), count());
                let mut any = || (rand(3) > 0).then(|| events[rand(events.len())]);
                let (after, before) = (any(), any());
                ask((first, after, last, before));
            }
        }
    }
}

#[test]
fn date_range_pages_match_brute_force_on_the_bundled_seed() {
    date_paging_matches_brute_force(&graph(), 0x2545_f491_4f6c_dd1d, 60);
}

#[test]
fn date_range_pages_match_brute_force_on_a_generated_seed() {
    let g = Arc::new(generated(3000, 7));
    date_paging_matches_brute_force(&g, 0x9e37_79b9_7f4a_7c15, 60);
}

#[test]
fn an_event_lists_the_agreements_reached_at_it_and_at_its_parts() {
    // The June 8 meeting is the morning's bilateral visit: the mural tour and the signing
    // the two leaders witnessed are its parts, so the memorandum signed there is among its
    // agreements, while the signing lists only its own.
    let d = data(
        r#"{ meeting: event(id: "event:2021-06-08-harris-lopez-obrador") { parts { id } agreements { id event { id } } }
             signing: event(id: "event:2021-06-08-mou-signing") { partOf { id } agreements { id } }
             trip: event(id: "event:2021-06-harris-trip-guatemala-mexico") { agreements { id } } }"#,
        json!({}),
    );
    assert_eq!(
        ids(&d["meeting"]["parts"]),
        ["event:2021-06-08-mou-signing", "event:2021-06-08-national-palace-mural-tour"]
    );
    let mou = "agreement:2021-06-08-us-mexico-central-america-development-mou";
    let meeting = d["meeting"]["agreements"].as_array().unwrap();
    assert_eq!(meeting.len(), 5, "{meeting:?}");
    let signed = meeting.iter().find(|a| a["id"] == mou).expect("the memorandum");
    assert_eq!(signed["event"]["id"], "event:2021-06-08-mou-signing", "still reached at the signing itself");
    assert_eq!(d["signing"]["partOf"]["id"], "event:2021-06-08-harris-lopez-obrador");
    assert_eq!(ids(&d["signing"]["agreements"]), [mou]);
    // A trip's agreements are those of every stop, however deep.
    let trip = ids(&d["trip"]["agreements"]);
    assert_eq!(trip.len(), 6, "{trip:?}");
    assert_eq!(trip[0], "agreement:2021-06-07-us-commitments-guatemala", "by date, then id");
    assert!(trip.contains(&mou.to_owned()), "{trip:?}");
}

#[test]
fn each_office_is_listed_once_with_every_day_and_report_that_attests_it() {
    check(
        r#"{ amlo: actor(id: "actor:andres-manuel-lopez-obrador") { positions { title asOf attested sources { id } } }
             biden: actor(id: "actor:joe-biden") { positions { title asOf attested sources { id } } } }"#,
        json!({}),
        json!({
            "amlo": { "positions": [{
                "title": "President of Mexico",
                "asOf": "2021-06-08",
                "attested": ["2021-06-08", "2023-12-27"],
                "sources": [
                    { "id": "source:report-002-2021-06-07" },
                    { "id": "source:report-000-2021-06-08" },
                    { "id": "source:report-001-2021-06-09" },
                    { "id": "source:report-003-2023-12-28" }
                ]
            }] },
            "biden": { "positions": [{
                "title": "President of the United States",
                "asOf": "2021-06-08",
                "attested": ["2021-06-08", "2023-12-28"],
                "sources": [{ "id": "source:report-001-2021-06-09" }, { "id": "source:report-003-2023-12-28" }]
            }] }
        }),
    );
    // No actor of the seed holds the same office twice.
    let d = data(r#"{ actors(first: 100) { nodes { id positions { title organization { id } } } } }"#, json!({}));
    for a in d["actors"]["nodes"].as_array().unwrap() {
        let offices: Vec<String> = a["positions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| format!("{}|{}", p["title"], p["organization"]))
            .collect();
        let mut once = offices.clone();
        once.sort();
        once.dedup();
        assert_eq!(once.len(), offices.len(), "{}: {offices:?}", a["id"]);
    }
}

#[test]
fn sources_name_their_publisher_and_credits_as_the_documents_do() {
    let d = data(r#"{ sources { nodes { id outlet publisher credits title published document } } }"#, json!({}));
    let nodes = d["sources"]["nodes"].as_array().unwrap();
    let got: Vec<(&str, &Value, &Value)> =
        nodes.iter().map(|s| (s["id"].as_str().unwrap(), &s["publisher"], &s["credits"])).collect();
    assert_eq!(
        got,
        [
            (
                "source:report-002-2021-06-07",
                &Value::Null,
                &json!([
                    "Erin Schaff/The New York Times/Redux (photograph)",
                    "Jim Watson/AFP/Getty Images (photographs)",
                    "Carlos Barria/Reuters (photographs)",
                    "Jacquelyn Martin/AP (photographs)"
                ])
            ),
            ("source:report-000-2021-06-08", &Value::Null, &json!([])),
            (
                "source:report-001-2021-06-09",
                &Value::Null,
                &json!([
                    "Elliot Spagat of The Associated Press (contributed information)",
                    "Jacquelyn Martin/AP Photo (photographs)"
                ])
            ),
            ("source:report-003-2023-12-28", &json!("UPI"), &json!(["Madia Hartz/EPA-EFE (photograph)"])),
        ]
    );
    // Where the documents are beside the repository, every name credited is in its document.
    let shared = crate::support::root().join("../shared/seeds");
    for s in nodes {
        let Ok(text) = std::fs::read_to_string(shared.join(s["document"].as_str().unwrap())) else { continue };
        let named = s["publisher"].as_str().into_iter().chain(s["credits"].as_array().unwrap().iter().flat_map(|c| {
            let who = c.as_str().unwrap().split(" (").next().unwrap();
            who.split('/').flat_map(|w| w.split(" of "))
        }));
        for name in named {
            assert!(text.contains(name), "{}: {name:?} is not in {}", s["id"], s["document"]);
        }
    }
}

#[test]
fn an_agreement_links_to_the_event_it_schedules_both_ways() {
    let dialogue = "agreement:2021-06-08-us-mexico-economic-dialogue";
    let september = "event:2021-09-us-mexico-economic-dialogue";
    check(
        r#"{ agreement(id: "agreement:2021-06-08-us-mexico-economic-dialogue") { event { id } schedules { id status } sources { id } }
             event(id: "event:2021-09-us-mexico-economic-dialogue") { scheduledBy { id } } }"#,
        json!({}),
        json!({
            "agreement": {
                "event": { "id": "event:2021-06-08-harris-lopez-obrador" },
                "schedules": [{ "id": september, "status": "PLANNED" }],
                "sources": [{ "id": "source:report-001-2021-06-09" }]
            },
            "event": { "scheduledBy": [{ "id": dialogue }] }
        }),
    );
    // Path and neighbourhood walk it from either end.
    check(
        &format!(
            r#"{{ path(from: "{september}", to: "{dialogue}") {{ hops steps {{ node {{ id }} link forward }} }} }}"#
        ),
        json!({}),
        json!({ "path": { "hops": 1, "steps": [
            { "node": { "id": september }, "link": "SCHEDULES", "forward": false },
            { "node": { "id": dialogue }, "link": null, "forward": null }
        ] } }),
    );
    let around =
        data(&format!(r#"{{ neighborhood(id: "{september}", depth: 1) {{ links {{ from to kind }} }} }}"#), json!({}));
    let links = around["neighborhood"]["links"].as_array().unwrap();
    assert!(links.contains(&json!({ "from": dialogue, "to": september, "kind": "SCHEDULES" })), "{links:?}");
    // The December 2023 talks likewise schedule the January 2024 meeting in Washington.
    check(
        r#"{ event(id: "event:2024-01-us-mexico-washington-meeting") { scheduledBy { id } } }"#,
        json!({}),
        json!({ "event": { "scheduledBy": [{ "id": "agreement:2023-12-27-us-mexico-continue-talks" }] } }),
    );
}
