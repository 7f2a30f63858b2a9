//! API behaviour on the bundled seed: paging, filters, name resolution, search, errors.

use crate::support::{check, data, error};
use serde_json::{json, Value};

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
