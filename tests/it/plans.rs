//! The differential test of compiled plans (`api::plan`): every request runs through
//! async-graphql alone (the reference) and through `api::answer` (a plan once the document is
//! known), and both answers must be the same bytes. Client queries, hostile documents and
//! random documents built from the introspected schema with random variables.

use crate::props::{introspected, named_type, plausible, type_text, Tape};
use crate::support::{block_on, client_query, graph, request};
use diplograph::api::{self, Answer, DiploSchema, Limits};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// The schema with plans, kept across tests so that documents are learned once.
fn planned() -> &'static DiploSchema {
    static S: OnceLock<DiploSchema> = OnceLock::new();
    S.get_or_init(api::schema)
}

/// The schema without plans: async-graphql answers everything.
fn reference() -> &'static DiploSchema {
    static S: OnceLock<DiploSchema> = OnceLock::new();
    S.get_or_init(|| api::schema_with(&Limits { plans: false, ..Limits::default() }))
}

/// The body the server writes for a response of async-graphql. async-graphql lists some
/// validation errors in hash order (unused variables), which differs between two runs of the
/// same document: those answers (never a plan's) have their errors sorted.
fn body(response: async_graphql::Response) -> String {
    let mut v = serde_json::to_value(&response).expect("serializes");
    if let Some(Value::Array(errors)) = v.get_mut("errors") {
        errors.sort_by_key(|e| e.to_string());
    }
    v.to_string()
}

/// Runs `query` with `variables` (and `operation`) through both paths, twice through the
/// planned one (the first answer teaches it the document); fails unless every answer is the
/// reference's bytes. True when a plan wrote the last answer.
fn same(query: &str, operation: Option<&str>, variables: &Value) -> bool {
    let make = || {
        let r = request(query, variables.clone());
        match operation {
            Some(op) => r.operation_name(op),
            None => r,
        }
    };
    let expected = body(block_on(api::execute(reference(), make(), graph())));
    let mut planned_last = false;
    for _ in 0..2 {
        let (got, by_plan) = match block_on(api::answer(planned(), make(), graph())) {
            Answer::Planned(text) => (text, true),
            Answer::Executed(response) => (body(response), false),
        };
        assert_eq!(
            got, expected,
            "\nplanned: {by_plan}\nquery: {query}\noperation: {operation:?}\nvariables: {variables}"
        );
        planned_last = by_plan;
    }
    planned_last
}

#[test]
fn client_queries_answer_the_same_bytes_and_the_contract_ones_by_plan() {
    let explore = client_query("explore.graphql");
    let cases: Vec<(String, Option<&str>, Value, bool)> = vec![
        (client_query("meetings-with-agreements.graphql"), None, json!({}), true),
        (client_query("meetings-with-agreements.graphql"), None, json!({ "name": "Harris" }), true),
        (client_query("agreements.graphql"), None, json!({}), true),
        (client_query("agreements.graphql"), None, json!({ "party": "United States" }), true),
        (client_query("timeline.graphql"), None, json!({}), true),
        (client_query("timeline.graphql"), None, json!({ "from": "2021-01-01", "to": "2024-12-31" }), true),
        (client_query("dashboard.graphql"), None, json!({}), true),
        (client_query("dashboard.graphql"), None, json!({ "kinds": ["CALL", "SIGNING"] }), true),
        (explore.clone(), Some("Find"), json!({}), true),
        (explore.clone(), Some("Open"), json!({ "id": "place:palacio-nacional-mexico" }), true),
        (explore.clone(), Some("Open"), json!({ "id": "actor:kamala-harris" }), true),
        (explore.clone(), Some("Around"), json!({ "id": "event:2021-06-08-harris-lopez-obrador" }), true),
        (explore, Some("Connect"), json!({ "from": "actor:kamala-harris", "to": "actor:alejandro-giammattei" }), true),
    ];
    for (query, op, vars, by_plan) in cases {
        assert_eq!(same(&query, op, &vars), by_plan, "{query} {op:?} {vars}");
    }
}

#[test]
fn hostile_documents_answer_the_same_bytes() {
    let mission = r#"{ actor(name: "Lopez Obrador") { events(filter: { kinds: [MEETING] }, first: 20) { totalCount nodes { id } } } }"#;
    let docs: Vec<(&str, Value)> = vec![
        (mission, json!({})),
        // Lookups that fail, by name or by id, and ambiguous names.
        (r#"{ actor(name: "zzzz") { id } }"#, json!({})),
        (r#"{ actor(name: "Harris", id: "actor:kamala-harris") { id } }"#, json!({})),
        (r#"{ actor { id } }"#, json!({})),
        (r#"{ events(filter: { involving: ["nobody at all"] }) { totalCount } }"#, json!({})),
        (r#"{ events(filter: { at: "actor:kamala-harris" }) { totalCount } }"#, json!({})),
        // Pages out of range, bad cursors, cost and depth over the limits.
        (r#"{ events(first: -1) { totalCount } }"#, json!({})),
        (r#"{ events(first: 101) { totalCount } }"#, json!({})),
        (r#"{ events(after: "bm9wZQ") { totalCount } }"#, json!({})),
        (
            r#"query($n: Int) { events(first: $n) { nodes { participants { actor { events(first: $n) { nodes { id } } } } } } }"#,
            json!({ "n": 100 }),
        ),
        (
            r#"query($n: Int) { events(first: $n) { nodes { participants { actor { events(first: $n) { nodes { id } } } } } } }"#,
            json!({ "n": 2 }),
        ),
        (
            r#"{ a: actor(name: "Harris") { country { containedIn { containedIn { containedIn { containedIn { containedIn { containedIn { containedIn { containedIn { containedIn { containedIn { containedIn { containedIn { containedIn { name } } } } } } } } } } } } } } }"#,
            json!({}),
        ),
        // Variables missing, null, of the wrong type, with defaults.
        (r#"query($name: String!) { actor(name: $name) { id } }"#, json!({})),
        (r#"query($name: String!) { actor(name: $name) { id } }"#, json!({ "name": null })),
        (r#"query($name: String!) { actor(name: $name) { id } }"#, json!({ "name": 5 })),
        (r#"query($k: [EventKind!]) { events(filter: { kinds: $k }) { totalCount } }"#, json!({ "k": ["NOPE"] })),
        (r#"query($k: [EventKind!] = [CALL]) { events(filter: { kinds: $k }) { totalCount } }"#, json!({})),
        (r#"query($d: Date) { events(filter: { from: $d }) { totalCount } }"#, json!({ "d": "2021-02-30" })),
        // @skip and @include, with literals, variables, missing variables and defaults.
        (r#"query($s: Boolean!) { actor(name: "Harris") { id @skip(if: $s) name } }"#, json!({ "s": true })),
        (r#"query($s: Boolean!) { actor(name: "Harris") { id @skip(if: $s) name } }"#, json!({ "s": false })),
        (r#"query($s: Boolean = true) { actor(name: "Harris") { id @skip(if: $s) name } }"#, json!({})),
        (r#"query($s: Boolean!) { actor(name: "Harris") { id @include(if: $s) } }"#, json!({ "s": false })),
        (r#"query($s: Boolean!) { actor(name: "Harris") @skip(if: $s) { id } }"#, json!({ "s": true })),
        (
            r#"{ actor(name: "Harris") { ... on Actor @skip(if: true) { id } ... @include(if: true) { name } } }"#,
            json!({}),
        ),
        // Fragments on the node interface and the search union, repeated keys, __typename.
        (r#"{ actor(name: "Harris") { ...N ...N __typename id kind } } fragment N on Node { id }"#, json!({})),
        (r#"{ actor(name: "Harris") { ... on SearchHit { __typename } ... on Place { name } } }"#, json!({})),
        (r#"{ actor(name: "Harris") { id } actor(name: "Harris") { name } }"#, json!({})),
        (r#"{ x: actor(name: "Harris") { id } x: actor(name: "Harris") { id } }"#, json!({})),
        (
            r#"{ __typename events(first: 2) { __typename edges { __typename cursor node { __typename id } } pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor } } }"#,
            json!({}),
        ),
        // Values of the Node interface and the SearchHit union.
        (
            r#"{ search(text: "Harris") { ... on SearchHit { __typename } ... on Node { id } ... { __typename } } }"#,
            json!({}),
        ),
        (r#"{ node(id: "actor:kamala-harris") { ... on SearchHit { __typename } } }"#, json!({})),
        (r#"{ node(id: "actor:kamala-harris") { id ... on Actor { name } ... on Event { title } } }"#, json!({})),
        (
            r#"{ nodes(ids: ["actor:kamala-harris", "nope", "event:2021-06-08-harris-lopez-obrador"]) { __typename id } }"#,
            json!({}),
        ),
        (
            r#"{ statements(first: 3) { nodes { id text quote channel speaker { name } about { title } when { text } } } }"#,
            json!({}),
        ),
        (r#"{ path(from: "actor:kamala-harris", to: "nope") { hops } }"#, json!({})),
        (
            r#"{ neighborhood(id: "actor:kamala-harris", depth: 2, limit: 5) { truncated nodes { id } links { from to kind } } }"#,
            json!({}),
        ),
        // Facets and timelines: every list, its arguments, errors in the middle (a bucket
        // with too many periods, a page over the limit) and fragments on the count types.
        (
            r#"{ events { facets { kinds { kind count __typename } statuses { status count } modes { mode count } countries(first: 3) { place { id name } count } participants(kind: PERSON, first: 4) { actor { name } count } topics(first: 2) { topic count } cameo(first: 3) { code description count } plover { type count } __typename } } }"#,
            json!({}),
        ),
        (
            r#"query($b: TimeBucket!, $f: Date) { events(filter: { from: $f }) { timeline(bucket: $b) { start end label count imprecise __typename } } }"#,
            json!({ "b": "YEAR", "f": "2021-01-01" }),
        ),
        (r#"query($b: TimeBucket!) { events { timeline(bucket: $b) { label count } } }"#, json!({ "b": "DAY" })),
        (r#"query($b: TimeBucket!) { events { timeline(bucket: $b) { label } } }"#, json!({})),
        (r#"{ events { facets { participants(first: 101) { count } } } }"#, json!({})),
        (r#"{ events { facets { topics(first: -1) { count } } } }"#, json!({})),
        (
            r#"{ agreements { facets { kinds { kind count } statuses { status count } parties(first: 3) { actor { id } count } amounts { amount currency } } } }"#,
            json!({}),
        ),
        (
            r#"{ statements { facets { speakers(first: 2) { actor { name } count } channels { channel count } } } }"#,
            json!({}),
        ),
        (
            r#"{ actor(name: "Harris") { events { facets { ... on EventFacets { kinds { ...K } } } } } } fragment K on EventKindCount { kind count }"#,
            json!({}),
        ),
        // Introspection and mutations are async-graphql's.
        (r#"{ __type(name: "Actor") { name } }"#, json!({})),
        (r#"mutation { x }"#, json!({})),
        (r#"{ nope }"#, json!({})),
        (r#"{ actor(name: "#, json!({})),
    ];
    for (query, vars) in docs {
        same(query, None, &vars);
    }
}

/// Facets and timelines are answered by plans once known (errors in them are not: the reference answers those).
#[test]
fn facets_and_timelines_are_planned() {
    let planned = [
        r#"{ events(filter: { kinds: [MEETING] }) { facets { participants(first: 2) { actor { id } count } countries { place { name } count } } } }"#,
        r#"{ events { timeline(bucket: MONTH) { label count imprecise } } }"#,
        r#"{ agreements { facets { parties { actor { name } count } amounts { currency } } } }"#,
        r#"{ statements { facets { channels { channel count } } } }"#,
    ];
    for query in planned {
        assert!(same(query, None, &json!({})), "not planned: {query}");
    }
    let refused = r#"{ events { facets { participants(first: 101) { count } } } }"#;
    assert!(!same(refused, None, &json!({})), "an error is the reference's to answer: {refused}");
}

/// Fields that plans do not compile (async-graphql answers documents that select them), by
/// type and name.
const UNPLANNED: &[(&str, &str)] = &[("Query", "snapshot"), ("Event", "dyads"), ("Event", "plover")];

/// A selection set on the object type `ty` (`depth` levels from the root), with its
/// variables' definitions and values added to `defs` and `vars`.
fn selection(
    ty: &str,
    depth: usize,
    tape: &mut Tape,
    defs: &mut Vec<String>,
    vars: &mut serde_json::Map<String, Value>,
    plannable: bool,
) -> String {
    let t = named_type(ty);
    let mut out = Vec::new();
    if matches!(t["kind"].as_str(), Some("INTERFACE" | "UNION")) {
        out.push("__typename".to_owned());
        for p in t["possibleTypes"].as_array().into_iter().flatten().take(2 + tape.pick(4)) {
            let name = p["name"].as_str().unwrap_or_default();
            out.push(format!("... on {name} {{ {} }}", selection(name, depth + 1, tape, defs, vars, plannable)));
        }
        return out.join(" ");
    }
    let mut fields = t["fields"].as_array().cloned().unwrap_or_default();
    if plannable {
        fields.retain(|f| !UNPLANNED.contains(&(ty, f["name"].as_str().unwrap_or_default())));
    }
    if fields.is_empty() {
        return "__typename".to_owned();
    }
    for i in 0..1 + tape.pick(4) {
        if tape.pick(8) == 0 {
            out.push("__typename".to_owned());
            continue;
        }
        let field = &fields[tape.pick(fields.len())];
        let name = field["name"].as_str().unwrap_or_default();
        let mut inner = &field["type"];
        while inner["ofType"].is_object() {
            inner = &inner["ofType"];
        }
        let composite = matches!(inner["kind"].as_str(), Some("OBJECT" | "INTERFACE" | "UNION"));
        if composite && depth >= 4 {
            out.push("__typename".to_owned());
            continue;
        }
        let mut args = Vec::new();
        for arg in field["args"].as_array().into_iter().flatten() {
            let arg_name = arg["name"].as_str().unwrap_or_default();
            let required = arg["type"]["kind"] == "NON_NULL";
            match tape.pick(5) {
                0 | 1 if !required => {}
                0..=2 => args.push(format!("{arg_name}: {}", literal(&plausible(&arg["type"], tape, 0)))),
                _ => {
                    let var = format!("v{}", defs.len());
                    defs.push(format!("${var}: {}", type_text(&arg["type"])));
                    if tape.pick(6) > 0 {
                        vars.insert(var.clone(), plausible(&arg["type"], tape, 0));
                    }
                    args.push(format!("{arg_name}: ${var}"));
                }
            }
        }
        let sub = if composite {
            format!(
                " {{ {} }}",
                selection(inner["name"].as_str().unwrap_or_default(), depth + 1, tape, defs, vars, plannable)
            )
        } else {
            String::new()
        };
        let alias = if tape.pick(4) == 0 { format!("a{i}: ") } else { String::new() };
        let directive = match tape.pick(8) {
            0 => {
                let var = format!("v{}", defs.len());
                defs.push(format!("${var}: Boolean!"));
                vars.insert(var.clone(), json!(tape.pick(2) == 0));
                format!(" @skip(if: ${var})")
            }
            1 => format!(" @include(if: {})", tape.pick(2) == 0),
            _ => String::new(),
        };
        let args = if args.is_empty() { String::new() } else { format!("({})", args.join(", ")) };
        let text = format!("{alias}{name}{args}{directive}{sub}");
        if tape.pick(10) == 0 {
            out.push(format!("... on {ty} {{ {text} }}"));
        } else {
            out.push(text);
        }
    }
    out.join(" ")
}

/// `v` written as a GraphQL literal (enum values unquoted where the schema has them).
fn literal(v: &Value) -> String {
    match v {
        Value::String(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_uppercase() || c == '_') => s.clone(),
        Value::Array(items) => format!("[{}]", items.iter().map(literal).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => {
            format!("{{ {} }}", m.iter().map(|(k, v)| format!("{k}: {}", literal(v))).collect::<Vec<_>>().join(", "))
        }
        other => other.to_string(),
    }
}

/// A random query document on the schema and its variables (`plannable`: only fields plans
/// compile).
fn document(tape: &mut Tape, plannable: bool) -> (String, Value) {
    let _ = introspected();
    let (mut defs, mut vars) = (Vec::new(), serde_json::Map::new());
    let body = selection("Query", 1, tape, &mut defs, &mut vars, plannable);
    let defs = if defs.is_empty() { String::new() } else { format!("({})", defs.join(", ")) };
    (format!("query Q{defs} {{ {body} }}"), Value::Object(vars))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_documents_answer_the_same_bytes(tape in proptest::collection::vec(any::<u32>(), 96)) {
        let plannable = tape[0] % 2 == 0;
        let (query, variables) = document(&mut Tape(&tape, 1), plannable);
        same(&query, None, &variables);
    }
}

/// The random documents do exercise plans: a good share of them is answered by one.
#[test]
fn random_documents_are_often_planned() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut planned = 0;
    for _ in 0..200 {
        let tape: Vec<u32> = (0..96)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 32) as u32
            })
            .collect();
        let (query, variables) = document(&mut Tape(&tape, 0), true);
        if same(&query, None, &variables) {
            planned += 1;
        }
    }
    assert!(planned >= 20, "only {planned} of 200 random documents were answered by a plan");
}

/// The server's body for `body` posted to `/graphql` of `router`, with its status.
fn post(router: &axum::Router, body: &str) -> (u16, String) {
    use tower::ServiceExt;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/graphql")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_owned()))
        .expect("request");
    block_on(async {
        let r = router.clone().oneshot(request).await.expect("the router answers");
        let status = r.status().as_u16();
        let bytes = axum::body::to_bytes(r.into_body(), usize::MAX).await.expect("body");
        (status, String::from_utf8_lossy(&bytes).into_owned())
    })
}

/// The HTTP handler answers by plan (the same status and bytes as without plans).
#[test]
fn the_server_answers_known_documents_by_plan_with_the_same_bytes() {
    let router = |limits: Limits| {
        let config = diplograph::http::HttpConfig { response_cache_bytes: 0, ..Default::default() };
        diplograph::http::app(diplograph::http::AppState::new(api::schema_with(&limits), graph(), config))
    };
    let (with, without) = (router(Limits::default()), router(Limits { plans: false, ..Limits::default() }));
    let query = serde_json::to_string(&client_query("meetings-with-agreements.graphql")).expect("text");
    for vars in [r#"{}"#, r#"{"name":"Harris"}"#, r#"{"name":"nobody"}"#, r#"{"name":5}"#] {
        let body = format!(r#"{{"query":{query},"variables":{vars}}}"#);
        let expected = post(&without, &body);
        for _ in 0..2 {
            assert_eq!(post(&with, &body), expected, "{body}");
        }
    }
}
