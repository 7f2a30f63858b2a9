//! The served schema as an Apollo Federation 2 subgraph: `_entities` resolves every `Node`
//! type by id, and `_service { sdl }` is the subgraph SDL with its `@key`s.

use crate::support::{block_on, data, error, graph, request, run};
use serde_json::{json, Value};

/// The `Node` types of the graph and a list each is found in (`Change` is a `Node` too, of
/// the change log: see `a_change_resolves_by_id_once_applied`).
const NODE_TYPES: &[(&str, &str)] = &[
    ("Actor", "actors"),
    ("Event", "events"),
    ("Place", "places"),
    ("Agreement", "agreements"),
    ("Statement", "statements"),
    ("Source", "sources"),
];

/// The gateway's document: every representation of one fetch in one `_entities` call.
const ENTITIES: &str = r#"query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Node { id }
    ... on Actor { name }
    ... on Event { title }
    ... on Place { name }
    ... on Agreement { title }
    ... on Statement { quote }
    ... on Source { outlet }
  }
}"#;

/// The second id of each `Node` type's list, with the type's name.
fn one_of_each() -> Vec<(&'static str, String)> {
    NODE_TYPES
        .iter()
        .map(|&(ty, list)| {
            let d = data(&format!("{{ {list}(first: 2) {{ nodes {{ id }} }} }}"), json!({}));
            let id = d[list]["nodes"][1]["id"].as_str().unwrap_or_else(|| panic!("{list}: {d}")).to_owned();
            (ty, id)
        })
        .collect()
}

/// What `nodes(ids:)` answers for `ids`, with the same selection as [`ENTITIES`].
fn by_nodes(ids: &[&str]) -> Vec<Value> {
    let query = ENTITIES
        .replace("query($representations: [_Any!]!)", "query($ids: [ID!]!)")
        .replace("_entities(representations: $representations)", "nodes(ids: $ids)");
    data(&query, json!({ "ids": ids }))["nodes"].as_array().expect("a list").clone()
}

#[test]
fn entities_resolves_each_node_type_by_id_in_one_batch() {
    let wanted = one_of_each();
    let representations: Vec<Value> = wanted.iter().map(|(ty, id)| json!({ "__typename": ty, "id": id })).collect();
    let got = data(ENTITIES, json!({ "representations": representations }));
    let ids: Vec<&str> = wanted.iter().map(|(_, id)| id.as_str()).collect();
    assert_eq!(got["_entities"].as_array().expect("a list"), &by_nodes(&ids));
    for ((ty, id), e) in wanted.iter().zip(got["_entities"].as_array().expect("a list")) {
        assert_eq!((e["__typename"].as_str(), e["id"].as_str()), (Some(*ty), Some(id.as_str())));
    }
}

#[test]
fn an_unknown_id_or_one_of_another_kind_is_null_in_its_place() {
    let representations = json!([
        { "__typename": "Actor", "id": "actor:kamala-harris" },
        { "__typename": "Actor", "id": "actor:nobody-of-that-name" },
        { "__typename": "Actor", "id": "event:2021-06-08-harris-lopez-obrador" },
        { "__typename": "Place", "id": "actor:kamala-harris" },
        { "__typename": "Event", "id": "event:2021-06-08-harris-lopez-obrador" },
    ]);
    let got = data(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Node { id } } }",
        json!({ "r": representations }),
    );
    assert_eq!(
        got["_entities"],
        json!([
            { "id": "actor:kamala-harris" },
            null,
            null,
            null,
            { "id": "event:2021-06-08-harris-lopez-obrador" },
        ])
    );
}

#[test]
fn a_representation_no_entity_type_fits_is_bad_user_input() {
    for representation in [
        json!({ "__typename": "PageInfo", "id": "actor:kamala-harris" }),
        json!({ "__typename": "Actor" }),
        json!({ "id": "actor:kamala-harris" }),
    ] {
        let (code, message, _) = error(
            "query($r: [_Any!]!) { _entities(representations: $r) { ... on Node { id } } }",
            json!({ "r": [representation] }),
        );
        assert_eq!(code, "BAD_USER_INPUT", "{representation}: {message}");
    }
}

/// The subgraph SDL, as a gateway reads it.
fn subgraph_sdl() -> String {
    data("{ _service { sdl } }", json!({}))["_service"]["sdl"].as_str().expect("sdl").to_owned()
}

#[test]
fn service_sdl_links_federation_2_and_keys_every_node_type_by_id() {
    let sdl = subgraph_sdl();
    assert!(sdl.contains("extend schema @link(") && sdl.contains("https://specs.apollo.dev/federation/v2."), "{sdl}");
    let served = diplograph::api::sdl();
    let node_types: Vec<&str> =
        served.lines().filter_map(|l| l.strip_prefix("type ")?.strip_suffix(" implements Node {")).collect();
    let listed: Vec<&str> = NODE_TYPES.iter().map(|&(ty, _)| ty).chain(["Change"]).collect();
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    assert_eq!(node_types, sorted, "every Node type is tested here");
    for ty in node_types {
        let line = format!("type {ty} implements Node @key(fields: \"id\") {{");
        assert!(sdl.contains(&line), "no `{line}` in the subgraph SDL");
    }
    assert!(sdl.contains("type PageInfo @shareable {"), "PageInfo is shareable");
    assert!(!sdl.contains("_entities") && !sdl.contains("_service"), "the SDL leaves federation's own fields out");
}

#[test]
fn the_subgraph_sdl_and_the_checked_in_schema_have_the_same_types() {
    // The subgraph SDL is the served schema with federation's directives, not another schema.
    let names = |sdl: &str| -> Vec<String> {
        let mut v: Vec<String> = sdl
            .lines()
            .filter_map(|l| {
                let rest =
                    l.strip_prefix("type ").or_else(|| l.strip_prefix("input ")).or_else(|| l.strip_prefix("enum "))?;
                rest.split([' ', '{']).next().map(str::to_owned)
            })
            .filter(|n| !n.starts_with('_'))
            .collect();
        v.sort();
        v
    };
    // async-graphql leaves `Subscription` out of a subgraph's SDL: a gateway routes queries
    // and mutations, and clients subscribe to `/graphql/ws` directly.
    let mut served = names(&diplograph::api::sdl());
    served.retain(|n| n != "Subscription");
    assert_eq!(names(&subgraph_sdl()), served);
}

#[test]
fn service_sdl_is_closed_with_introspection_but_entities_still_resolve() {
    let limits = diplograph::api::Limits { introspection: false, ..Default::default() };
    let schema = diplograph::api::schema_with(&limits);
    let exec = |q: &str, variables: Value| -> Value {
        let response = block_on(diplograph::api::execute(&schema, request(q, variables), graph()));
        serde_json::to_value(response).expect("response serializes")
    };
    let r = exec("{ _service { sdl } }", json!({}));
    assert_eq!(r["errors"][0]["message"], "introspection is disabled on this server", "{r}");
    assert_eq!(r["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{r}");
    assert!(r.get("data").is_none_or(Value::is_null), "{r}");
    let r = exec(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Actor { name } } }",
        json!({ "r": [{ "__typename": "Actor", "id": "actor:kamala-harris" }] }),
    );
    assert_eq!(r["data"], json!({ "_entities": [{ "name": "Kamala Harris" }] }), "{r}");
}

#[test]
fn entities_cost_what_each_representation_selects() {
    let cost = |n: usize| -> u64 {
        let representations = vec![json!({ "__typename": "Actor", "id": "actor:kamala-harris" }); n];
        let r = run(
            &graph(),
            request(
                "query($r: [_Any!]!) { _entities(representations: $r) { ... on Actor { name events(first: 5) { nodes { title } } } } }",
                json!({ "r": representations }),
            ),
        );
        r["extensions"]["cost"]["requestedQueryCost"].as_u64().unwrap_or_else(|| panic!("a cost: {r}"))
    };
    let one = cost(1);
    assert!(one > 1, "{one}");
    assert_eq!(cost(40) - 1, 40 * (one - 1), "each representation costs its selection");
    let (code, message, _) = error(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Actor { events(first: 100) { nodes { title } } } } }",
        json!({ "r": vec![json!({ "__typename": "Actor", "id": "actor:kamala-harris" }); 1000] }),
    );
    assert_eq!(code, "LIMIT_EXCEEDED", "{message}");
}
