//! Property tests: random mutations of valid seed files and valid queries never panic the
//! loader or the API; every outcome is a graph, a clean list of seed errors, or a response
//! whose errors all carry a code.

use crate::support::{block_on, client_query, graph, request, root, run};
use proptest::prelude::*;
use serde_json::Value;

/// Tokens that make interesting damage in TOML and GraphQL.
const TOKENS: &[&str] = &[
    "\"",
    "[",
    "]",
    "[[",
    "]]",
    "=",
    "\n",
    "{",
    "}",
    "(",
    ")",
    ":",
    ",",
    "#",
    "\\",
    "...",
    "$x",
    "@include",
    "actor:kamala-harris",
    "place:mexico",
    "event:x",
    "2021-02-30",
    "2021-13",
    "meeting",
    "planned",
    "first: 101",
    "first: -1",
    "é",
    "\u{0}",
    "\u{1}",
    "😀",
    "\r\n",
    "true",
    "1e999",
    "-0",
];

#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, usize),
    Duplicate(usize, usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, t)| Edit::Insert(at, t)),
        (any::<usize>(), 1usize..200).prop_map(|(at, n)| Edit::Duplicate(at, n)),
    ];
    proptest::collection::vec(edit, 1..6)
}

/// Applies `edits` to `text` at character boundaries.
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let len = chars.len().max(1);
        match *e {
            Edit::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            Edit::Insert(at, t) => {
                let at = at % (chars.len() + 1);
                chars.splice(at..at, TOKENS[t].chars());
            }
            Edit::Duplicate(at, n) => {
                let at = at % len;
                let end = (at + n).min(chars.len());
                let piece: Vec<char> = chars[at.min(end)..end].to_vec();
                chars.splice(end..end, piece);
            }
        }
    }
    chars.into_iter().collect()
}

const SEED_FILES: &[&str] = &[
    "sources.toml",
    "actors.toml",
    "places.toml",
    "episodes/2021-06-harris-trip.toml",
    "episodes/2023-12-mexico-city.toml",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_seed_files_load_or_fail_cleanly(file in 0..SEED_FILES.len(), edits in edits()) {
        let dir = tempfile::tempdir().expect("temp dir");
        for f in SEED_FILES {
            let text = std::fs::read_to_string(root().join("seed").join(f)).expect("seed file");
            let text = if *f == SEED_FILES[file] { apply(&text, &edits) } else { text };
            let path = dir.path().join(f);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        match diplograph::seed::load(dir.path()) {
            Ok(g) => prop_assert!(g.node_count() > 0),
            Err(errors) => {
                prop_assert!(!errors.0.is_empty());
                for e in &errors.0 {
                    prop_assert!(!e.message.is_empty());
                    prop_assert!(e.file.starts_with(dir.path()), "{}", e);
                }
            }
        }
    }

    #[test]
    fn mutated_queries_answer_with_coded_errors(which in 0..5usize, edits in edits(), name in "\\PC{0,40}", n in any::<i32>()) {
        let queries = [
            client_query("meetings-with-agreements.graphql"),
            client_query("agreements.graphql"),
            client_query("timeline.graphql"),
            client_query("explore.graphql"),
            "query($n: Int, $name: String) { events(first: $n, filter: { involving: [$name] }) { totalCount edges { cursor } } search(text: $name) { __typename } }".to_owned(),
        ];
        let query = apply(&queries[which], &edits);
        let variables = serde_json::json!({ "name": name, "n": n, "party": name, "from": name, "id": name, "to": name });
        let schema = diplograph::api::schema();
        let request = async_graphql::Request::new(query).variables(async_graphql::Variables::from_json(variables));
        let response = block_on(diplograph::api::execute(&schema, request, graph()));
        let json: Value = serde_json::to_value(&response).expect("serializes");
        for e in json["errors"].as_array().into_iter().flatten() {
            prop_assert!(e["extensions"]["code"].is_string(), "error without code: {e}");
        }
    }
}

/// The served schema as GraphiQL's introspection query returns it, read once.
pub(crate) fn introspected() -> &'static Value {
    static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| crate::support::data(&client_query("introspection.graphql"), serde_json::json!({})))
}

/// Choices read from a tape of random numbers (proptest shrinks the tape).
pub(crate) struct Tape<'a>(pub(crate) &'a [u32], pub(crate) usize);

impl Tape<'_> {
    pub(crate) fn pick(&mut self, n: usize) -> usize {
        let v = self.0.get(self.1 % self.0.len().max(1)).copied().unwrap_or(0);
        self.1 += 1;
        v as usize % n.max(1)
    }
}

/// `[String!]!` for an introspected type reference.
pub(crate) fn type_text(t: &Value) -> String {
    match t["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", type_text(&t["ofType"])),
        Some("LIST") => format!("[{}]", type_text(&t["ofType"])),
        _ => t["name"].as_str().unwrap_or("String").to_owned(),
    }
}

pub(crate) fn named_type(name: &str) -> &'static Value {
    introspected()["__schema"]["types"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["name"] == name))
        .unwrap_or(&Value::Null)
}

/// A value of type `t` as a client might send it: mostly right, sometimes out of its domain.
pub(crate) fn plausible(t: &Value, tape: &mut Tape, depth: usize) -> Value {
    use serde_json::json;
    match t["kind"].as_str() {
        Some("NON_NULL") => plausible(&t["ofType"], tape, depth),
        Some("LIST") if tape.pick(4) == 0 => plausible(&t["ofType"], tape, depth),
        Some("LIST") => Value::Array((0..tape.pick(3)).map(|_| plausible(&t["ofType"], tape, depth)).collect()),
        Some("ENUM") => {
            let values = named_type(t["name"].as_str().unwrap_or_default())["enumValues"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            match tape.pick(values.len() + 1) {
                i if i < values.len() => values[i]["name"].clone(),
                _ => json!("NOPE"),
            }
        }
        Some("INPUT_OBJECT") if depth < 2 => {
            let fields = named_type(t["name"].as_str().unwrap_or_default())["inputFields"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let mut object = serde_json::Map::new();
            for f in fields {
                if tape.pick(3) == 0 {
                    object.insert(
                        f["name"].as_str().unwrap_or_default().to_owned(),
                        plausible(&f["type"], tape, depth + 1),
                    );
                }
            }
            Value::Object(object)
        }
        _ => match t["name"].as_str() {
            Some("Int") => {
                [json!(0), json!(1), json!(5), json!(-1), json!(101), json!(2_147_483_648u64)][tape.pick(6)].clone()
            }
            Some("Float") => json!(1.5),
            Some("Boolean") => json!(tape.pick(2) == 0),
            Some("ID") => ["actor:kamala-harris", "event:x", "", "place:mexico"][tape.pick(4)].into(),
            Some("Date") => ["2021-06-08", "2021-02-30", "June", "2021"][tape.pick(4)].into(),
            _ => ["Harris", "López Obrador", "", "Mexico", "zzzz"][tape.pick(5)].into(),
        },
    }
}

/// A value of no particular type.
pub(crate) fn junk(tape: &mut Tape) -> Value {
    use serde_json::json;
    [json!(5), json!("x"), json!(true), json!([]), json!({}), json!({ "zz": 1 }), json!(1.5), json!([null])]
        [tape.pick(8)]
    .clone()
}

/// A document of 1 to 3 root fields, each argument omitted or given by a variable that is
/// right, missing, null, of the wrong type, or declared with the wrong type; and its
/// variables (with an extra one now and then).
fn document(tape: &mut Tape) -> (String, Value) {
    let query_type = named_type("Query");
    let fields = query_type["fields"].as_array().cloned().unwrap_or_default();
    let (mut defs, mut body, mut variables) = (Vec::new(), String::new(), serde_json::Map::new());
    for i in 0..1 + tape.pick(3) {
        let field = &fields[tape.pick(fields.len())];
        let mut args = Vec::new();
        for arg in field["args"].as_array().into_iter().flatten() {
            let choice = tape.pick(6);
            if choice == 0 {
                continue;
            }
            let var = format!("v{}", defs.len());
            let declared = if choice == 5 {
                ["Int", "String!", "[Boolean]", "ID", "EventFilter"][tape.pick(5)].to_owned()
            } else {
                type_text(&arg["type"])
            };
            defs.push(format!("${var}: {declared}"));
            args.push(format!("{}: ${var}", arg["name"].as_str().unwrap_or_default()));
            match choice {
                2 => {}
                3 => {
                    variables.insert(var, Value::Null);
                }
                4 => {
                    variables.insert(var, junk(tape));
                }
                _ => {
                    variables.insert(var, plausible(&arg["type"], tape, 0));
                }
            }
        }
        let mut ty = &field["type"];
        while ty["ofType"].is_object() {
            ty = &ty["ofType"];
        }
        let select =
            if matches!(ty["kind"].as_str(), Some("OBJECT" | "INTERFACE" | "UNION")) { "{ __typename }" } else { "" };
        let args = if args.is_empty() { String::new() } else { format!("({})", args.join(", ")) };
        body.push_str(&format!("f{i}: {}{args} {select} ", field["name"].as_str().unwrap_or_default()));
    }
    if tape.pick(4) == 0 {
        variables.insert("extra".into(), junk(tape));
    }
    let defs = if defs.is_empty() { String::new() } else { format!("({})", defs.join(", ")) };
    (format!("query Q{defs} {{ {body}}}"), Value::Object(variables))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn documents_and_variables_from_the_schema_never_give_internal_errors(tape in proptest::collection::vec(any::<u32>(), 64)) {
        let (query, variables) = document(&mut Tape(&tape, 0));
        let response = run(&graph(), request(&query, variables.clone()));
        let documented: Vec<&str> = diplograph::api::Code::ALL.iter().map(|c| c.as_str()).collect();
        for e in response["errors"].as_array().into_iter().flatten() {
            let code = e["extensions"]["code"].as_str().unwrap_or_default();
            prop_assert!(documented.contains(&code), "undocumented code {code:?}: {e}\n{query}\n{variables}");
            prop_assert_ne!(code, "INTERNAL_SERVER_ERROR", "{}\n{}\n{}", e, query, variables);
        }
    }
}

/// Every code the API can answer is in the README's list of them.
#[test]
fn every_code_is_documented_in_the_readme() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let start = readme.find("Every error has `extensions.code`").expect("the README lists the codes");
    let list = &readme[start..start + readme[start..].find("\n\n").unwrap_or(readme.len() - start)];
    for code in diplograph::api::Code::ALL {
        assert!(list.contains(&format!("`{code}`")), "{code} is not in the README's list: {list}");
    }
}
