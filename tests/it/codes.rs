//! Event codes (issue 18): each event's PLOVER type and mode, CAMEO code and dyads, derived by
//! the table in docs/codes.md from kinds, modes, statuses and roles, or given by the seed.

use crate::support::{check, data, error, request, run, seed_dir};
use serde_json::json;
use std::sync::Arc;

const CODES: &str = "query($id: ID!) { event(id: $id) { plover { type mode } cameo cameoDescription
    dyads { source { id } target { id } cameo } } }";

fn dyad(source: &str, target: Option<&str>, cameo: &str) -> serde_json::Value {
    json!({ "source": { "id": source }, "target": target.map(|t| json!({ "id": t })), "cameo": cameo })
}

#[test]
fn a_hosted_meeting_is_a_visit_with_linked_042_and_043_dyads() {
    check(
        CODES,
        json!({ "id": "event:2021-06-08-harris-lopez-obrador" }),
        json!({ "event": {
            "plover": { "type": "CONSULT", "mode": "visit" }, "cameo": "042", "cameoDescription": "Make a visit",
            // Ricardo Zúñiga, a plain participant, takes no side of the visit.
            "dyads": [
                dyad("actor:kamala-harris", Some("actor:andres-manuel-lopez-obrador"), "042"),
                dyad("actor:andres-manuel-lopez-obrador", Some("actor:kamala-harris"), "043"),
            ],
        } }),
    );
}

#[test]
fn a_signing_pairs_its_signatories_and_leaves_out_witnesses() {
    check(
        CODES,
        json!({ "id": "event:2021-06-08-mou-signing" }),
        json!({ "event": {
            "plover": { "type": "SUPPORT", "mode": null }, "cameo": "057", "cameoDescription": "Sign formal agreement",
            "dyads": [
                dyad("actor:mexican-secretary-of-foreign-affairs", Some("actor:us-charge-d-affaires-mexico"), "057"),
                dyad("actor:us-charge-d-affaires-mexico", Some("actor:mexican-secretary-of-foreign-affairs"), "057"),
            ],
        } }),
    );
}

#[test]
fn a_call_is_consult_by_phone_both_ways() {
    check(
        CODES,
        json!({ "id": "event:2023-12-biden-lopez-obrador-call" }),
        json!({ "event": {
            "plover": { "type": "CONSULT", "mode": "phone" }, "cameo": "041", "cameoDescription": "Discuss by telephone",
            "dyads": [
                dyad("actor:joe-biden", Some("actor:andres-manuel-lopez-obrador"), "041"),
                dyad("actor:andres-manuel-lopez-obrador", Some("actor:joe-biden"), "041"),
            ],
        } }),
    );
}

#[test]
fn a_virtual_meeting_is_consult_by_phone_or_other_remote_medium() {
    let d = data(CODES, json!({ "id": "event:2021-05-harris-lopez-obrador-virtual" }));
    assert_eq!(d["event"]["plover"], json!({ "type": "CONSULT", "mode": "phone" }));
    assert_eq!(d["event"]["cameo"], "041");
}

#[test]
fn a_planned_visit_is_an_intent_to_meet_in_both_directions() {
    check(
        CODES,
        json!({ "id": "event:2024-01-us-mexico-washington-meeting" }),
        json!({ "event": {
            "plover": { "type": "AGREE", "mode": null }, "cameo": "036",
            "cameoDescription": "Express intent to meet or negotiate",
            "dyads": [
                dyad("actor:government-of-mexico", Some("actor:government-of-the-united-states"), "036"),
                dyad("actor:government-of-the-united-states", Some("actor:government-of-mexico"), "036"),
            ],
        } }),
    );
}

#[test]
fn a_press_conference_is_a_statement_of_its_speakers_without_plover() {
    check(
        CODES,
        json!({ "id": "event:2021-06-07-harris-giammattei-press-conference" }),
        json!({ "event": {
            "plover": null, "cameo": "010", "cameoDescription": "Make statement, not specified below",
            "dyads": [dyad("actor:alejandro-giammattei", None, "010")],
        } }),
    );
}

#[test]
fn a_trip_is_a_visit_of_its_travellers_with_no_recorded_host() {
    let d = data(CODES, json!({ "id": "event:2021-06-06-air-force-two-returns-to-andrews" }));
    assert_eq!(d["event"]["plover"], json!({ "type": "CONSULT", "mode": "visit" }));
    assert_eq!(d["event"]["dyads"], json!([dyad("actor:kamala-harris", None, "042")]));
}

#[test]
fn every_bundled_event_has_a_cameo_code_and_consistent_dyads() {
    let d = data("{ events(first: 100) { nodes { id cameo plover { type } dyads { cameo } } } }", json!({}));
    let nodes = d["events"]["nodes"].as_array().expect("events");
    assert!(nodes.len() > 20);
    for n in nodes {
        let cameo = n["cameo"].as_str().expect("cameo");
        assert_eq!(cameo.len(), 3, "{n}");
        for dy in n["dyads"].as_array().expect("dyads") {
            // Only a visit splits into 042 and 043; every other dyad carries the event's code.
            let c = dy["cameo"].as_str().expect("dyad cameo");
            assert!(c == cameo || (cameo == "042" && c == "043"), "{n}");
        }
    }
}

/// A minimal seed with one event whose record gives its own codes.
fn override_seed(codes: &str) -> tempfile::TempDir {
    let event = format!(
        r#"
[[source]]
id = "source:a"
outlet = "Outlet"
title = "A report"
published = "2021-06-08"
document = "a.txt"

[[actor]]
id = "actor:a"
name = "A"
kind = "person"
sources = ["source:a"]

[[actor]]
id = "actor:b"
name = "B"
kind = "person"
sources = ["source:a"]

[[event]]
id = "event:talks"
title = "Talks"
kind = "meeting"
status = "occurred"
when = "2021-06-08"
summary = "They negotiated."
{codes}
sources = ["source:a"]

[[event.participant]]
actor = "actor:a"
role = "participant"
sources = ["source:a"]

[[event.participant]]
actor = "actor:b"
role = "participant"
sources = ["source:a"]
"#
    );
    seed_dir(&[("all.toml", &event)])
}

#[test]
fn a_seed_record_overrides_the_derived_codes_and_its_dyads_follow() {
    let dir = override_seed("cameo = \"046\"\nplover = \"CONSULT:multilateral\"");
    let g = Arc::new(diplograph::seed::load(dir.path()).expect("valid seed"));
    let got = run(&g, request(CODES, json!({ "id": "event:talks" })));
    assert_eq!(
        got["data"]["event"],
        json!({
            "plover": { "type": "CONSULT", "mode": "multilateral" }, "cameo": "046",
            "cameoDescription": "Engage in negotiation",
            "dyads": [dyad("actor:a", Some("actor:b"), "046"), dyad("actor:b", Some("actor:a"), "046")],
        })
    );
}

#[test]
fn a_bad_override_is_a_seed_error_on_its_line() {
    let dir = override_seed("cameo = \"42\"\nplover = \"CONSULT:dinner\"");
    let errors = diplograph::seed::load(dir.path()).expect_err("bad codes");
    let lines: Vec<String> = errors.0.iter().map(|e| format!("{}: {}", e.line, e.message)).collect();
    assert_eq!(
        lines,
        [
            "28: `42` is not a CAMEO event code: write two to four digits, the first two from 01 to 20 (`042`)",
            "29: `CONSULT:dinner` is not a PLOVER mode of that event type (write `TYPE` or `TYPE:mode`, e.g. `CONSULT:visit`)",
        ]
    );
}

#[test]
fn events_filter_by_cameo_code_or_root_and_by_plover_type_and_count_by_code() {
    let all = data("{ events(first: 100) { totalCount nodes { id cameo plover { type } } } }", json!({}));
    let nodes = all["events"]["nodes"].as_array().expect("events");
    assert_eq!(all["events"]["totalCount"], nodes.len(), "the bundled seed fits one page");
    let ids = |keep: &dyn Fn(&serde_json::Value) -> bool| -> Vec<serde_json::Value> {
        nodes.iter().filter(|n| keep(n)).map(|n| json!({ "id": n["id"] })).collect()
    };
    let consult = ids(&|n| n["plover"]["type"] == "CONSULT");
    let visits_or_hosts = ids(&|n| n["cameo"] == "042" || n["cameo"] == "043");
    let consult_roots = ids(&|n| n["cameo"].as_str().is_some_and(|c| c.starts_with("04")));
    assert!(!visits_or_hosts.is_empty() && consult_roots.len() > visits_or_hosts.len());
    let d = data(
        r#"{ consult: events(first: 100, filter: { plover: [CONSULT] }) { nodes { id } }
             visits: events(first: 100, filter: { cameo: ["042", "043"] }) { nodes { id } }
             roots: events(first: 100, filter: { cameo: ["04"] }) { nodes { id } }
             none: events(filter: { cameo: ["04"], plover: [AGREE] }) { totalCount }
             all: events(first: 1) { facets { cameo(first: 100) { code count } plover { type count } } } }"#,
        json!({}),
    );
    assert_eq!(d["consult"]["nodes"], json!(consult));
    assert_eq!(d["visits"]["nodes"], json!(visits_or_hosts));
    assert_eq!(d["roots"]["nodes"], json!(consult_roots));
    // AGREE codes planned events 03x, never 04x.
    assert_eq!(d["none"]["totalCount"], 0);
    // The facets count every event once by its code; statements (no PLOVER type) are left out.
    let facets = &d["all"]["facets"];
    let sum = |list: &serde_json::Value| {
        list.as_array().expect("list").iter().map(|c| c["count"].as_u64().unwrap_or(0)).sum::<u64>()
    };
    assert_eq!(sum(&facets["cameo"]), nodes.len() as u64);
    assert_eq!(sum(&facets["plover"]), nodes.iter().filter(|n| !n["plover"].is_null()).count() as u64);
    let consult_count = facets["plover"].as_array().expect("plover").iter().find(|c| c["type"] == "CONSULT");
    assert_eq!(consult_count.map(|c| c["count"].clone()), Some(json!(consult.len())));
}

#[test]
fn a_filter_code_that_is_not_cameo_is_bad_user_input_with_the_accepted_form() {
    let (code, message, _) = error(r#"{ events(filter: { cameo: ["42"] }) { totalCount } }"#, json!({}));
    assert_eq!(code, "BAD_USER_INPUT");
    assert_eq!(
        message,
        "`cameo`: `42` is not a CAMEO event code: write two to four digits, the first two from 01 to 20 (`042`)"
    );
}
