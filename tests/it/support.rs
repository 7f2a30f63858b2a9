//! Shared helpers: the bundled seed loaded once, `run` for a GraphQL request in process, and
//! `check`/`data`/`error` on top of it.

use diplograph::graph::KnowledgeGraph;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The repository's root directory.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled seed, loaded once per test binary.
pub fn graph() -> Arc<KnowledgeGraph> {
    static GRAPH: OnceLock<Arc<KnowledgeGraph>> = OnceLock::new();
    GRAPH
        .get_or_init(|| {
            Arc::new(
                diplograph::seed::load(&root().join("seed"))
                    .unwrap_or_else(|e| panic!("bundled seed is invalid:\n{e}")),
            )
        })
        .clone()
}

/// A request of `query` with `variables` (name the operation of a document holding
/// several with `.operation_name(..)`).
pub fn request(query: &str, variables: Value) -> async_graphql::Request {
    async_graphql::Request::new(query).variables(async_graphql::Variables::from_json(variables))
}

/// Runs `request` against the graph `g` (the bundled seed is `&graph()`), in process; the
/// whole response.
pub fn run(g: &Arc<KnowledgeGraph>, request: async_graphql::Request) -> Value {
    let schema = diplograph::api::schema();
    let response = block_on(diplograph::api::execute(&schema, request, g.clone()));
    serde_json::to_value(&response).expect("response serializes")
}

/// Runs `query` and returns `data`, failing on any error.
pub fn data(query: &str, variables: Value) -> Value {
    let response = run(&graph(), request(query, variables));
    assert!(response.get("errors").is_none(), "unexpected errors: {response:#}");
    response["data"].clone()
}

/// Runs `query`, expecting exactly one error; returns (code, message, whole error).
pub fn error(query: &str, variables: Value) -> (String, String, Value) {
    let response = run(&graph(), request(query, variables));
    let errors = response["errors"].as_array().unwrap_or_else(|| panic!("expected an error, got {response:#}"));
    assert_eq!(errors.len(), 1, "expected one error: {response:#}");
    let e = errors[0].clone();
    let code = e["extensions"]["code"].as_str().unwrap_or_else(|| panic!("error without code: {e:#}")).to_owned();
    (code, e["message"].as_str().unwrap_or_default().to_owned(), e)
}

/// Asserts that `query` answers exactly `expected` as its `data`.
pub fn check(query: &str, variables: Value, expected: Value) {
    let got = data(query, variables);
    assert_eq!(got, expected, "\nquery: {query}\ngot: {got:#}\nexpected: {expected:#}");
}

/// A tokio runtime for one future (tests are synchronous).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(f)
}

/// A seed directory made of `files` (relative path, content), in a fresh temp dir.
pub fn seed_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let p: PathBuf = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    dir
}

/// The graph of a synthetic seed of `events` events made by `diplograph generate` with
/// `seed` (written to a temp dir, loaded, the dir removed).
pub fn generated(events: usize, seed: u64) -> KnowledgeGraph {
    let dir = tempfile::tempdir().expect("temp dir");
    diplograph::generate::generate(&diplograph::generate::GenerateConfig { events, seed }, dir.path())
        .expect("generate");
    diplograph::seed::load(dir.path()).expect("generated seed loads")
}

/// A query file of the shared client queries, in `queries/`.
pub fn client_query(name: &str) -> String {
    std::fs::read_to_string(root().join("queries").join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}
