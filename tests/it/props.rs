//! Property tests: random mutations of valid seed files and valid queries never panic the
//! loader or the API; every outcome is a graph, a clean list of seed errors, or a response
//! whose errors all carry a code.

use crate::support::{block_on, client_query, graph, root};
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
