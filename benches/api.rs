//! In-process benchmarks: each contract query on the bundled seed, graph load, and search,
//! path and neighbourhood on their own. With `DIPLOGRAPH_BENCH_SEED=DIR` (a seed made by
//! `diplograph generate`), the `scale` group measures the queries whose latency must stay
//! flat as the graph grows (among them every top-level list, unfiltered and with each single
//! filter); with `DIPLOGRAPH_BENCH_BIG=DIR`, the `big` group measures a 1 MB answer. The
//! `documents` group: what parsing a client query costs, against the copy of its cached parsed
//! document that async-graphql takes on every request it executes.
//!
//! `cargo bench --bench api`

use criterion::{criterion_group, criterion_main, Criterion};
use diplograph::graph::KnowledgeGraph;
use diplograph::model::EntityKind;
use serde_json::{json, Value};
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

/// The allocator the server binary uses, so that the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn query_file(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("queries").join(name)).expect("query file")
}

/// The request for `q` (operation `op`, variables `vars`).
fn request(q: &str, op: Option<&str>, vars: &Value) -> async_graphql::Request {
    let request = async_graphql::Request::new(q).variables(async_graphql::Variables::from_json(vars.clone()));
    match op {
        Some(op) => request.operation_name(op),
        None => request,
    }
}

/// Runs one request in process and checks it had no error.
fn run(
    rt: &tokio::runtime::Runtime,
    schema: &diplograph::api::DiploSchema,
    g: &Arc<KnowledgeGraph>,
    q: &str,
    op: Option<&str>,
    vars: &Value,
) {
    let request = request(q, op, vars);
    let response = rt.block_on(diplograph::api::execute(schema, request, g.clone()));
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    black_box(response);
}

/// Answers one request in process as the server does (a plan when the document has one).
fn answer(
    rt: &tokio::runtime::Runtime,
    schema: &diplograph::api::DiploSchema,
    g: &Arc<KnowledgeGraph>,
    q: &str,
    op: Option<&str>,
    vars: &Value,
) {
    let request = request(q, op, vars);
    match rt.block_on(diplograph::api::answer(schema, request, g.clone())) {
        diplograph::api::Answer::Planned(body) => black_box(body).truncate(0),
        diplograph::api::Answer::Executed(response) => {
            assert!(response.errors.is_empty(), "{:?}", response.errors);
            black_box(response);
        }
    }
}

fn contract_queries(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let g = Arc::new(diplograph::seed::load(Path::new("seed")).expect("seed"));
    let schema = diplograph::api::schema();
    let explore = query_file("explore.graphql");
    let cases: Vec<(&str, String, Option<&str>, Value)> = vec![
        ("mission", query_file("meetings-with-agreements.graphql"), None, json!({})),
        ("agreements", query_file("agreements.graphql"), None, json!({})),
        ("timeline", query_file("timeline.graphql"), None, json!({})),
        ("explore-find", explore.clone(), Some("Find"), json!({})),
        ("explore-open", explore.clone(), Some("Open"), json!({ "id": "place:palacio-nacional-mexico" })),
        ("explore-around", explore.clone(), Some("Around"), json!({ "id": "event:2021-06-08-harris-lopez-obrador" })),
        (
            "explore-connect",
            explore,
            Some("Connect"),
            json!({ "from": "actor:kamala-harris", "to": "actor:alejandro-giammattei" }),
        ),
    ];
    let mut group = c.benchmark_group("query");
    for (name, q, op, vars) in &cases {
        group.bench_function(*name, |b| b.iter(|| run(&rt, &schema, &g, q, *op, vars)));
    }
    group.finish();
    // The same requests through `api::answer`: by a compiled plan where the document has one
    // (learned on the first request), else through async-graphql as above.
    let mut group = c.benchmark_group("planned");
    for (name, q, op, vars) in &cases {
        group.bench_function(*name, |b| b.iter(|| answer(&rt, &schema, &g, q, *op, vars)));
    }
    group.finish();
}

fn graph_operations(c: &mut Criterion) {
    let g = diplograph::seed::load(Path::new("seed")).expect("seed");
    let harris = g.get("actor:kamala-harris").expect("Harris");
    let giammattei = g.get("actor:alejandro-giammattei").expect("Giammattei");
    let mut group = c.benchmark_group("graph");
    group.bench_function("load-seed", |b| {
        b.iter(|| black_box(diplograph::seed::load(Path::new("seed")).expect("seed")))
    });
    group.bench_function("search-typo", |b| b.iter(|| black_box(g.search("Giamattei", &[], 20))));
    group.bench_function("search-prefix", |b| b.iter(|| black_box(g.search("lopez obr", &[], 20))));
    group.bench_function("path", |b| b.iter(|| black_box(g.path(harris, giammattei, 6))));
    group.bench_function("neighborhood-2", |b| b.iter(|| black_box(g.neighborhood(harris, 2, 200))));
    group.finish();
}

/// The queries whose latency must not grow with the graph, on `DIPLOGRAPH_BENCH_SEED`.
///
/// With several seeds (`DIPLOGRAPH_BENCH_SEED=DIR1,DIR2`), every case runs on each in turn
/// (`scale/CASE/DIR`), so that the sizes are compared under the same load of the machine.
fn scale(c: &mut Criterion) {
    let Ok(dirs) = std::env::var("DIPLOGRAPH_BENCH_SEED") else { return };
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let schema = diplograph::api::schema();
    let dirs: Vec<&str> = dirs.split(',').collect();
    let seeds: Vec<(String, Arc<KnowledgeGraph>, Vec<Case>)> = dirs
        .iter()
        .map(|dir| {
            let g = Arc::new(diplograph::seed::load(Path::new(dir)).expect("generated seed"));
            let cases = scale_cases(dir, &g);
            let short = Path::new(dir).file_name().map_or((*dir).to_owned(), |f| f.to_string_lossy().into_owned());
            (short, g, cases)
        })
        .collect();
    let mut group = c.benchmark_group("scale");
    for i in 0..seeds[0].2.len() {
        for (short, g, cases) in &seeds {
            let (name, q, vars) = &cases[i];
            let id = if seeds.len() > 1 { format!("{name}/{short}") } else { (*name).to_owned() };
            group.bench_function(id, |b| b.iter(|| run(&rt, &schema, g, q, None, vars)));
        }
    }
    group.finish();
}

/// A named query and its variables.
type Case = (&'static str, String, Value);

/// The scale cases on the graph `g` loaded from `dir`.
fn scale_cases(dir: &str, g: &KnowledgeGraph) -> Vec<Case> {
    let actors = g.all(EntityKind::Actor);
    let busiest = *actors.iter().max_by_key(|&&a| g.reverse(a).events.len()).expect("an actor");
    let busy_id = g.entity(busiest).id().to_owned();
    let other = *actors.iter().filter(|&&a| a != busiest).max_by_key(|&&a| g.reverse(a).events.len()).expect("another");
    let other_id = g.entity(other).id().to_owned();
    let name = g.actor(other).map(|a| a.name.clone()).unwrap_or_default();
    let typo: String = name.chars().enumerate().filter(|&(i, _)| i != 2).map(|(_, c)| c).collect();
    // The same name with its longest word mistyped (second letter dropped): a typo that
    // finds the actor at every size, whereas `typo` may cut a short word below the length
    // that allows one (then nothing is found, at some sizes only).
    let longest = name.split(' ').max_by_key(|w| w.chars().count()).unwrap_or_default();
    let mistyped: String = longest.chars().enumerate().filter(|&(i, _)| i != 1).map(|(_, c)| c).collect();
    let word_typo = name.replacen(longest, &mistyped, 1);
    let label =
        format!("{} ({} events, of {})", busy_id, g.reverse(busiest).events.len(), g.all(EntityKind::Event).len());
    eprintln!("scale bench on {dir}: busiest actor {label}; search {typo:?}, {word_typo:?}, {name:?}");
    let mut cases: Vec<Case> = vec![
        (
            "busy-actor-first-page",
            "query($id: ID!) { actor(id: $id) { events(first: 20) { nodes { id title when { text } } } } }".into(),
            json!({ "id": busy_id }),
        ),
        (
            "date-range",
            "{ events(filter: { from: \"2020-03-01\", to: \"2020-03-07\" }, first: 20) { nodes { id } } }".into(),
            json!({}),
        ),
        (
            "date-range-count",
            "{ events(filter: { from: \"2020-03-01\", to: \"2020-03-07\" }, first: 20) { totalCount pageInfo { hasNextPage } nodes { id } } }"
                .into(),
            json!({}),
        ),
        (
            "date-from",
            "{ events(filter: { from: \"2020-03-01\" }, first: 20) { totalCount nodes { id } } }".into(),
            json!({}),
        ),
        (
            "total-count",
            "query($id: ID!) { actor(id: $id) { events { totalCount } } }".into(),
            json!({ "id": busy_id }),
        ),
        (
            "search",
            "query($t: String!) { search(text: $t, first: 10) { ... on Node { id } } }".into(),
            json!({ "t": typo }),
        ),
        (
            "search-word-typo",
            "query($t: String!) { search(text: $t, first: 10) { ... on Node { id } } }".into(),
            json!({ "t": word_typo }),
        ),
        (
            "search-exact-name",
            "query($t: String!) { search(text: $t, first: 10) { ... on Node { id } } }".into(),
            json!({ "t": name }),
        ),
        (
            "path",
            "query($a: ID!, $b: ID!) { path(from: $a, to: $b) { hops } }".into(),
            json!({ "a": busy_id, "b": other_id }),
        ),
        (
            "facets-all",
            "{ events(first: 0) { facets { kinds { kind count } } timeline(bucket: MONTH) { count } } }".into(),
            json!({}),
        ),
        (
            "facets-date-range",
            "{ events(filter: { from: \"2020-03-01\", to: \"2020-06-30\" }, first: 0) { facets { kinds { kind count } } timeline(bucket: MONTH) { count } } }"
                .into(),
            json!({}),
        ),
        (
            "facets-busy-actor",
            "query($id: ID!) { actor(id: $id) { events(first: 0) { facets { kinds { count } countries(first: 10) { count } participants(first: 10) { count } } } } }"
                .into(),
            json!({ "id": busy_id }),
        ),
        (
            "known-by-date-range",
            "{ events(filter: { from: \"2020-03-01\", to: \"2020-03-07\", knownBy: \"2020-03-05\" }, first: 20) { totalCount pageInfo { hasNextPage } nodes { id } } }"
                .into(),
            json!({}),
        ),
        (
            "known-by-busy-actor",
            "query($id: ID!) { actor(id: $id) { events(filter: { knownBy: \"2020-06-30\" }, first: 20) { totalCount nodes { id } } } }"
                .into(),
            json!({ "id": busy_id }),
        ),
        // The same two queries without `knownBy`: the bound is within 2x of these.
        (
            "known-by-date-range-without",
            "{ events(filter: { from: \"2020-03-01\", to: \"2020-03-07\" }, first: 20) { totalCount pageInfo { hasNextPage } nodes { id } } }"
                .into(),
            json!({}),
        ),
        (
            "known-by-busy-actor-without",
            "query($id: ID!) { actor(id: $id) { events(first: 20) { totalCount nodes { id } } } }".into(),
            json!({ "id": busy_id }),
        ),
        // Event codes (issue 18): a filter by CAMEO root and the code facets of a date range.
        (
            "cameo-filter",
            "{ events(filter: { cameo: [\"04\"] }, first: 20) { totalCount nodes { id } } }".into(),
            json!({}),
        ),
        (
            "facets-codes-date-range",
            "{ events(filter: { from: \"2020-03-01\", to: \"2020-06-30\" }, first: 0) { facets { cameo { code count } plover { type count } } } }"
                .into(),
            json!({}),
        ),
    ];
    cases.extend(list_cases(g));
    cases
}

/// The top-level lists with `first: 20` and `totalCount`, unfiltered and with each single
/// filter, each argument chosen to be among the busiest of its kind (so that the list grows
/// with the graph unless it is a run of an index).
fn list_cases(g: &KnowledgeGraph) -> Vec<Case> {
    let busiest = |kind: EntityKind, by: &dyn Fn(diplograph::model::NodeId) -> usize| {
        *g.all(kind).iter().max_by_key(|&&n| by(n)).expect("a node")
    };
    let party = busiest(EntityKind::Actor, &|a| g.reverse(a).agreements.len());
    let speaker = busiest(EntityKind::Actor, &|a| g.reverse(a).statements.len());
    let country = busiest(EntityKind::Place, &|p| g.reverse(p).events.len());
    let actor = busiest(EntityKind::Actor, &|a| g.reverse(a).events.len());
    let id = |n| g.entity(n).id().to_owned();
    let label = |n| g.entity(n).label().to_owned();
    eprintln!(
        "list cases: party {} ({} agreements), speaker {} ({} statements), within {} ({} events), names {:?} and {:?}",
        id(party),
        g.reverse(party).agreements.len(),
        id(speaker),
        g.reverse(speaker).statements.len(),
        id(country),
        g.reverse(country).events.len(),
        label(actor),
        label(country),
    );
    let list = |field: &str, filter: &str| {
        let vars = if filter.contains("$v") { "($v: String)" } else { "" };
        let filter = if filter.is_empty() { String::new() } else { format!("filter: {{ {filter} }}, ") };
        format!("query{vars} {{ {field}({filter}first: 20) {{ totalCount nodes {{ id }} }} }}")
    };
    vec![
        ("actors", list("actors", ""), json!({})),
        ("actors-name", list("actors", "name: $v"), json!({ "v": label(actor) })),
        ("actors-kind", list("actors", "kind: PERSON"), json!({})),
        ("places", list("places", ""), json!({})),
        ("places-name", list("places", "name: $v"), json!({ "v": label(country) })),
        ("places-kind", list("places", "kind: CITY"), json!({})),
        ("places-within", list("places", "within: $v"), json!({ "v": id(country) })),
        ("agreements", list("agreements", ""), json!({})),
        ("agreements-party", list("agreements", "party: $v"), json!({ "v": id(party) })),
        ("agreements-kind", list("agreements", "kind: MEMORANDUM"), json!({})),
        ("statements", list("statements", ""), json!({})),
        ("statements-speaker", list("statements", "speaker: $v"), json!({ "v": id(speaker) })),
        ("statements-range", list("statements", "from: \"2020-03-01\", to: \"2020-03-07\""), json!({})),
        ("statements-from", list("statements", "from: \"2020-03-01\""), json!({})),
        ("statements-to", list("statements", "to: \"2020-03-07\""), json!({})),
        ("sources", list("sources", ""), json!({})),
    ]
}

/// Issue 14's large answer: `neighborhood` at depth 3 with `limit: 1000` around the busiest
/// actor of `DIPLOGRAPH_BENCH_BIG` (a generated seed, e.g. 100k events), every node with its
/// text fields, through async-graphql (`big/…/reference`) and through its compiled plan
/// (`big/…/planned`). The answer is over the default cost limit, so the schema here allows it.
fn big_answer(c: &mut Criterion) {
    let Ok(dir) = std::env::var("DIPLOGRAPH_BENCH_BIG") else { return };
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let g = Arc::new(diplograph::seed::load(Path::new(&dir)).expect("generated seed"));
    let limits = diplograph::api::Limits { max_cost: 10_000_000, ..Default::default() };
    let schema = diplograph::api::schema_with(&limits);
    let actors = g.all(EntityKind::Actor);
    let busiest = *actors.iter().max_by_key(|&&a| g.reverse(a).events.len()).expect("an actor");
    let id = g.entity(busiest).id().to_owned();
    let q = "query($id: ID!) { neighborhood(id: $id, depth: 3, limit: 1000) { truncated \
             nodes { __typename id \
             ... on Actor { name kind summary aliases country { id name } sources { id outlet title } } \
             ... on Event { title kind mode status summary topics cameo when { start end text } place { id name } \
             participants { role actor { id name } } agreements { id title } notes { text } \
             sources { id outlet title published } } \
             ... on Place { name kind code latitude longitude containedIn { id name } } \
             ... on Agreement { title kind status summary topics parties { id name } sources { id outlet title } } \
             ... on Source { outlet title published } } \
             links { from to kind } } }";
    let vars = json!({ "id": id });
    let request = || async_graphql::Request::new(q).variables(async_graphql::Variables::from_json(vars.clone()));
    let bytes = match rt.block_on(diplograph::api::answer(&schema, request(), g.clone())) {
        diplograph::api::Answer::Executed(r) => {
            assert!(r.errors.is_empty(), "{:?}", r.errors);
            serde_json::to_string(&r).expect("serializes").len()
        }
        diplograph::api::Answer::Planned(body) => body.len(),
    };
    eprintln!("big answer on {dir}: neighborhood of {id}, depth 3, limit 1000: {bytes} bytes");
    let mut group = c.benchmark_group("big");
    group.sample_size(20);
    group.bench_function("neighborhood-3-1000/reference", |b| b.iter(|| run(&rt, &schema, &g, q, None, &vars)));
    group.bench_function("neighborhood-3-1000/planned", |b| b.iter(|| answer(&rt, &schema, &g, q, None, &vars)));
    group.finish();
}

/// Parsing each shared client query (`documents/parse/…`) against copying its parsed document
/// (`documents/copy/…`): async-graphql 7 takes a request's document by value
/// (`Request::set_parsed_query`, or an extension's `parse_query`) and edits it (skipped fields
/// removed, the operation taken out), so a request it executes gets a copy of the cached one.
fn documents(c: &mut Criterion) {
    let mut group = c.benchmark_group("documents");
    for name in ["introspection", "meetings-with-agreements", "dashboard", "explore"] {
        let text = query_file(&format!("{name}.graphql"));
        let doc = async_graphql::parser::parse_query(&text).expect("parses");
        group.bench_function(format!("parse/{name}"), |b| {
            b.iter(|| async_graphql::parser::parse_query(black_box(&text)).expect("parses"))
        });
        group.bench_function(format!("copy/{name}"), |b| b.iter(|| black_box(&doc).clone()));
    }
    group.finish();
}

criterion_group!(benches, contract_queries, graph_operations, scale, big_answer, documents);
criterion_main!(benches);
