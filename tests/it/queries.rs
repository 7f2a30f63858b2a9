//! The shared client queries of `queries/` (also read by the playground and the benches)
//! and the answers they must give on the bundled seed.

use crate::support::{client_query, data, graph, request, run};
use serde_json::{json, Value};

#[test]
fn mission_query_lists_lopez_obrador_meetings_with_their_agreements() {
    let expected = json!({
        "actor": {
            "id": "actor:andres-manuel-lopez-obrador",
            "name": "Andrés Manuel López Obrador",
            "events": {
                "totalCount": 2,
                "nodes": [
                    {
                        "id": "event:2021-05-harris-lopez-obrador-virtual",
                        "title": "Harris and López Obrador hold a virtual meeting",
                        "mode": "VIRTUAL",
                        "when": {
                            "text": "2021-05",
                            "precision": "MONTH"
                        },
                        "place": null,
                        "participants": [
                            {
                                "role": "PARTICIPANT",
                                "actor": {
                                    "name": "Kamala Harris"
                                }
                            },
                            {
                                "role": "PARTICIPANT",
                                "actor": {
                                    "name": "Andrés Manuel López Obrador"
                                }
                            }
                        ],
                        "agreements": [
                            {
                                "title": "López Obrador pledges Mexico's help on irregular migration",
                                "kind": "COMMITMENT",
                                "status": "AGREED",
                                "amount": null
                            }
                        ],
                        "sources": [
                            {
                                "outlet": "Unnamed outlet",
                                "published": "2021-06-08"
                            },
                            {
                                "outlet": "Unnamed outlet",
                                "published": "2021-06-09"
                            }
                        ]
                    },
                    {
                        "id": "event:2021-06-08-harris-lopez-obrador",
                        "title": "Harris and López Obrador hold bilateral talks in Mexico City",
                        "mode": "IN_PERSON",
                        "when": {
                            "text": "2021-06-08",
                            "precision": "DAY"
                        },
                        "place": {
                            "name": "National Palace",
                            "containedIn": {
                                "name": "Mexico City"
                            }
                        },
                        "participants": [
                            {
                                "role": "GUEST",
                                "actor": {
                                    "name": "Kamala Harris"
                                }
                            },
                            {
                                "role": "HOST",
                                "actor": {
                                    "name": "Andrés Manuel López Obrador"
                                }
                            },
                            {
                                "role": "PARTICIPANT",
                                "actor": {
                                    "name": "Ricardo Zúniga"
                                }
                            }
                        ],
                        "agreements": [
                            {
                                "title": "U.S. funding for labor reforms in Mexico",
                                "kind": "FUNDING",
                                "status": "ANNOUNCED",
                                "amount": {
                                    "amount": 130000000.0,
                                    "currency": "USD"
                                }
                            },
                            {
                                "title": "U.S. loans for the economy of southern Mexico",
                                "kind": "LOAN",
                                "status": "ANNOUNCED",
                                "amount": null
                            },
                            {
                                "title": "U.S.-Mexico memorandum of understanding on development cooperation in Central America",
                                "kind": "MEMORANDUM",
                                "status": "SIGNED",
                                "amount": null
                            },
                            {
                                "title": "U.S.-Mexico economic dialogue in September 2021",
                                "kind": "DIALOGUE",
                                "status": "AGREED",
                                "amount": null
                            },
                            {
                                "title": "U.S.-Mexico partnership on human trafficking and emigration from the Northern Triangle",
                                "kind": "PARTNERSHIP",
                                "status": "AGREED",
                                "amount": null
                            }
                        ],
                        "sources": [
                            {
                                "outlet": "Unnamed outlet",
                                "published": "2021-06-07"
                            },
                            {
                                "outlet": "Unnamed outlet",
                                "published": "2021-06-08"
                            },
                            {
                                "outlet": "Unnamed outlet",
                                "published": "2021-06-09"
                            }
                        ]
                    }
                ]
            }
        }
    });
    for name in ["Lopez Obrador", "lópez obrador", "Andrés Manuel López Obrador", "AMLO"] {
        let got = data(&client_query("meetings-with-agreements.graphql"), json!({ "name": name }));
        assert_eq!(got, expected, "for {name:?}: {got:#}");
    }
    // The default variable value is the one in the file.
    assert_eq!(data(&client_query("meetings-with-agreements.graphql"), json!({})), expected);
}

#[test]
fn agreements_of_mexico_with_the_money_involved() {
    let got = data(&client_query("agreements.graphql"), json!({}));
    let a = &got["agreements"];
    assert_eq!(a["totalCount"], 8);
    let titles: Vec<&str> = a["nodes"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "López Obrador pledges Mexico's help on irregular migration",
            "U.S. funding for labor reforms in Mexico",
            "U.S. loans for the economy of southern Mexico",
            "U.S.-Mexico memorandum of understanding on development cooperation in Central America",
            "U.S.-Mexico economic dialogue in September 2021",
            "U.S.-Mexico partnership on human trafficking and emigration from the Northern Triangle",
            "Mexico commits to continue its migration efforts",
            "U.S. and Mexico agree to continue migration talks in Washington",
        ],
        "by date, then id"
    );
    let funding = &a["nodes"][1];
    assert_eq!(funding["amount"], json!({ "amount": 130000000.0, "currency": "USD" }));
    assert_eq!(funding["durationMonths"], 36);
    assert_eq!(funding["kind"], "FUNDING");
    let mou = &a["nodes"][3];
    assert_eq!(mou["kind"], "MEMORANDUM");
    assert_eq!(mou["status"], "SIGNED");
    assert_eq!(mou["signatories"].as_array().unwrap().len(), 2, "the two officials who signed it");
    assert_eq!(mou["event"]["when"]["text"], "2021-06-08");
    assert_eq!(mou["sources"].as_array().map(Vec::len), Some(2), "{mou}");
    // The client query asks for outlets only; a report is told apart by its title and date.
    let titled = data(
        "query($id: ID!) { node(id: $id) { ... on Agreement { sources { title published } } } }",
        json!({ "id": "agreement:2021-06-08-us-mexico-central-america-development-mou" }),
    );
    assert_eq!(
        titled["node"]["sources"],
        json!([
            { "title": "Harris opens her Mexico City talks with López Obrador at the end of her regional trip", "published": "2021-06-08" },
            { "title": "Harris tells López Obrador of a new era as her first foreign trip ends in Mexico", "published": "2021-06-09" }
        ]),
        "each report by its title and date"
    );
    for n in a["nodes"].as_array().unwrap() {
        assert!(n["parties"].as_array().unwrap().iter().any(|p| p["name"] == "Government of Mexico"), "{n}");
        assert!(!n["sources"].as_array().unwrap().is_empty(), "{n}");
    }
    // "Mexico" names the government among actors (the country is a place).
    let same = data(&client_query("agreements.graphql"), json!({ "party": "actor:government-of-mexico" }));
    assert_eq!(same, got);
}

#[test]
fn timeline_of_the_trip_day_by_day() {
    let got = data(&client_query("timeline.graphql"), json!({}));
    let e = &got["events"];
    assert_eq!(e["totalCount"], 18);
    assert_eq!(e["pageInfo"]["hasNextPage"], false);
    let edges = e["edges"].as_array().unwrap();
    let days: Vec<&str> = edges.iter().map(|x| x["node"]["when"]["text"].as_str().unwrap()).collect();
    assert_eq!(days.first(), Some(&"2021-06-06"));
    assert!(days.contains(&"2021-06-06/2021-06-08"), "the trip itself overlaps the range");
    assert_eq!(days.last(), Some(&"2021-06-08"));
    let starts: Vec<&str> = days.iter().map(|d| &d[..10]).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "in date order: {days:?}");
    let ids: Vec<&str> = edges.iter().map(|x| x["node"]["id"].as_str().unwrap()).collect();
    for id in
        ["event:2021-06-07-harris-giammattei", "event:2021-06-08-harris-lopez-obrador", "event:2021-06-08-mou-signing"]
    {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    assert!(!ids.contains(&"event:2021-05-harris-lopez-obrador-virtual"), "May is outside the range");
    let meeting = edges.iter().find(|x| x["node"]["id"] == "event:2021-06-08-harris-lopez-obrador").unwrap();
    assert_eq!(meeting["node"]["partOf"]["title"], "Harris's trip to Guatemala and Mexico");
    assert_eq!(meeting["node"]["place"]["name"], "National Palace");
    assert_eq!(e["pageInfo"]["endCursor"], edges.last().unwrap()["cursor"]);
}

/// Runs one named operation of `explore.graphql`.
fn explore(op: &str, variables: Value) -> Value {
    let response = run(&graph(), request(&client_query("explore.graphql"), variables).operation_name(op));
    assert!(response.get("errors").is_none(), "{op}: {response:#}");
    response["data"].clone()
}

#[test]
fn explore_find_open_around_connect() {
    let found = explore("Find", json!({}));
    let places: Vec<&Value> =
        found["search"].as_array().unwrap().iter().filter(|h| h["__typename"] == "Place").collect();
    assert_eq!(
        places[..2],
        [
            &json!({ "__typename": "Place", "id": "place:palacio-nacional-mexico", "name": "National Palace", "containedIn": { "name": "Mexico City" } }),
            &json!({ "__typename": "Place", "id": "place:palacio-nacional-de-la-cultura", "name": "Palacio Nacional de la Cultura", "containedIn": { "name": "Guatemala City" } }),
        ],
        "the exact alias first, then the name holding both words"
    );

    let opened = explore("Open", json!({ "id": "place:palacio-nacional-mexico" }));
    assert_eq!(opened["node"]["name"], "National Palace");
    let titles: Vec<&str> =
        opened["node"]["events"]["nodes"].as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Harris and López Obrador hold bilateral talks in Mexico City",
            "Signing of the U.S.-Mexico memorandum on development cooperation in Central America",
            "López Obrador shows Harris The History of Mexico mural",
        ]
    );

    let around = explore("Around", json!({ "id": "event:2021-06-08-harris-lopez-obrador" }));
    let ids: Vec<&str> =
        around["neighborhood"]["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(ids[0], "event:2021-06-08-harris-lopez-obrador", "the centre first");
    for id in [
        "actor:kamala-harris",
        "actor:andres-manuel-lopez-obrador",
        "place:palacio-nacional-mexico",
        "place:mexico-city",
        "event:2021-06-harris-trip-guatemala-mexico",
    ] {
        assert!(ids.contains(&id), "{id} within two hops: {ids:?}");
    }
    let links = around["neighborhood"]["links"].as_array().unwrap();
    assert!(links.contains(&json!({ "from": "actor:kamala-harris", "to": "event:2021-06-08-harris-lopez-obrador", "kind": "PARTICIPATED_IN" })));
    assert!(links.contains(&json!({ "from": "event:2021-06-08-harris-lopez-obrador", "to": "place:palacio-nacional-mexico", "kind": "HELD_AT" })));
    for l in links {
        assert!(ids.contains(&l["from"].as_str().unwrap()) && ids.contains(&l["to"].as_str().unwrap()), "{l}");
    }

    let path = explore("Connect", json!({ "from": "actor:kamala-harris", "to": "actor:alejandro-giammattei" }));
    let steps = path["path"]["steps"].as_array().unwrap();
    assert_eq!(path["path"]["hops"], 2, "they met");
    assert_eq!(steps[0], json!({ "node": { "id": "actor:kamala-harris" }, "link": "PARTICIPATED_IN" }));
    assert!(steps[1]["node"]["id"].as_str().unwrap().starts_with("event:2021-06-07-harris-giammattei"));
    assert_eq!(steps[2], json!({ "node": { "id": "actor:alejandro-giammattei" }, "link": null }));
}

#[test]
fn dashboard_query_counts_meetings_per_month_and_who_takes_part_most() {
    let got = data(&client_query("dashboard.graphql"), json!({}));
    let events = &got["events"];
    // The same meetings, listed and counted here.
    let listed = data(
        "{ events(filter: { kinds: [MEETING] }, orderBy: DATE_ASC, first: 100) {
             nodes { when { start } participants { actor { id name } } } } }",
        json!({}),
    );
    let nodes = listed["events"]["nodes"].as_array().expect("nodes");
    assert!(nodes.len() > 2, "the seed has meetings over several months");
    assert_eq!(events["totalCount"], json!(nodes.len()));

    // Per month, from the first meeting's month to the last's, empty months included.
    let month = |n: &Value| n["when"]["start"].as_str().expect("dated")[..7].to_owned();
    let mut per_month = std::collections::BTreeMap::new();
    for n in nodes {
        *per_month.entry(month(n)).or_insert(0u64) += 1;
    }
    let timeline = events["timeline"].as_array().expect("timeline");
    assert_eq!(timeline.first().map(|b| b["label"].clone()), Some(json!(month(&nodes[0]))));
    assert_eq!(timeline.last().map(|b| b["label"].clone()), Some(json!(month(&nodes[nodes.len() - 1]))));
    for b in timeline {
        let label = b["label"].as_str().expect("label");
        assert_eq!(b["count"], json!(per_month.get(label).copied().unwrap_or(0)), "{label}");
    }
    let counted: u64 = timeline.iter().map(|b| b["count"].as_u64().expect("count")).sum();
    assert_eq!(counted, nodes.len() as u64);

    // Who takes part most: counted per actor, most first, ties by name then id, top five.
    let mut per_actor: std::collections::HashMap<(String, String), u64> = std::collections::HashMap::new();
    for n in nodes {
        for p in n["participants"].as_array().expect("participants") {
            let key = (
                p["actor"]["name"].as_str().unwrap_or_default().to_owned(),
                p["actor"]["id"].as_str().unwrap_or_default().to_owned(),
            );
            *per_actor.entry(key).or_insert(0) += 1;
        }
    }
    let mut ranked: Vec<_> = per_actor.into_iter().collect();
    ranked.sort_by(|(a, x), (b, y)| y.cmp(x).then_with(|| a.cmp(b)));
    let want: Vec<Value> = ranked.iter().take(5).map(|((_, id), n)| json!([id, n])).collect();
    let got: Vec<Value> = events["facets"]["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .map(|p| json!([p["actor"]["id"], p["count"]]))
        .collect();
    assert_eq!(got, want);
    assert!(!events["facets"]["countries"].as_array().expect("countries").is_empty());
}

#[test]
fn meetings_at_a_place_in_a_month_include_its_venues() {
    let got = data(&client_query("meetings-at-place.graphql"), json!({}));
    let e = &got["events"];
    let ids: Vec<&str> = e["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "event:2021-06-08-harris-greets-us-mission-mexico-staff",
            "event:2021-06-08-harris-lopez-obrador",
            "event:2021-06-08-harris-women-entrepreneurs",
        ],
        "June 2021 in Mexico City, by date then id"
    );
    assert_eq!(e["totalCount"], 3);
    assert_eq!(e["nodes"][1]["place"]["name"], "National Palace", "a venue inside the city counts");
    // The month is a range: the virtual meeting of May 2021 and Guatemala in June are outside.
    let may = data(&client_query("meetings-at-place.graphql"), json!({ "from": "2021-05-01", "to": "2021-05-31" }));
    assert_eq!(may["events"]["totalCount"], 0);
    let guatemala = data(&client_query("meetings-at-place.graphql"), json!({ "place": "Guatemala" }));
    assert!(guatemala["events"]["nodes"].as_array().unwrap().iter().all(|n| n["when"]["text"] == "2021-06-07"));
}

#[test]
fn path_between_two_actors_names_each_step_and_link() {
    let got = data(&client_query("path.graphql"), json!({}));
    let p = &got["path"];
    let steps = p["steps"].as_array().unwrap();
    assert_eq!(p["hops"], 4);
    assert_eq!(steps.len(), 5);
    assert_eq!(
        steps[0],
        json!({ "node": { "id": "actor:alejandro-giammattei", "__typename": "Actor", "name": "Alejandro Giammattei" }, "link": "PARTICIPATED_IN", "forward": true })
    );
    assert_eq!(steps[2]["node"]["title"], "Harris's trip to Guatemala and Mexico", "through the trip");
    assert_eq!(steps[4]["node"]["name"], "Andrés Manuel López Obrador");
    assert_eq!(steps[4]["link"], Value::Null);
    assert!(steps[..4].iter().all(|s| s["link"].is_string()), "{steps:?}");
}
