//! Live reload: a valid edit swaps the graph whole; a broken one leaves the old graph
//! serving; a request keeps the snapshot it started with.

use crate::support::{block_on, root};
use diplograph::graph::ServedGraph;
use diplograph::reload::{Reloaded, Reloader};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;

/// A copy of the bundled seed in a temp dir.
pub(crate) fn seed_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&root().join("seed"), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read seed") {
        let p = e.expect("entry").path();
        let target = to.join(p.file_name().expect("name"));
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).expect("copy");
        }
    }
}

fn ask(graph: &ServedGraph, query: &str) -> Value {
    let schema = diplograph::api::schema();
    let r = block_on(diplograph::api::execute(&schema, async_graphql::Request::new(query), graph.load()));
    serde_json::to_value(r).expect("json")["data"].clone()
}

const RENAMED: (&str, &str) = ("name = \"Kamala Harris\"", "name = \"Kamala D. Harris\"");

#[test]
fn a_valid_edit_is_swapped_in_and_old_requests_keep_their_snapshot() {
    let dir = seed_copy();
    let graph = ServedGraph::new(Arc::new(diplograph::seed::load(dir.path()).expect("seed")));
    let reloader = Reloader::new(dir.path(), graph.clone());
    assert_eq!(reloader.reload(), Ok(Reloaded::Unchanged));
    let before = graph.load();
    let old_hash = before.snapshot().hash.clone();

    let actors = dir.path().join("actors.toml");
    let text = std::fs::read_to_string(&actors).expect("actors");
    assert!(text.contains(RENAMED.0));
    std::fs::write(&actors, text.replace(RENAMED.0, RENAMED.1)).expect("edit");
    let Ok(Reloaded::Swapped(new_hash)) = reloader.reload() else { panic!("a valid edit reloads") };
    assert_ne!(new_hash, old_hash);
    assert_eq!(
        ask(&graph, "{ actor(id: \"actor:kamala-harris\") { name } }"),
        json!({ "actor": { "name": "Kamala D. Harris" } })
    );
    assert_eq!(ask(&graph, "{ snapshot { hash } }")["snapshot"]["hash"], new_hash.as_str());
    // A request that started before the swap still runs on its own snapshot.
    let schema = diplograph::api::schema();
    let r = block_on(diplograph::api::execute(
        &schema,
        async_graphql::Request::new("{ actor(id: \"actor:kamala-harris\") { name } }"),
        before,
    ));
    assert_eq!(serde_json::to_value(r).expect("json")["data"]["actor"]["name"], "Kamala Harris");
}

#[test]
fn a_broken_edit_leaves_the_old_graph_serving() {
    let dir = seed_copy();
    let graph = ServedGraph::new(Arc::new(diplograph::seed::load(dir.path()).expect("seed")));
    let reloader = Reloader::new(dir.path(), graph.clone());
    let hash = graph.load().snapshot().hash.clone();
    std::fs::write(dir.path().join("broken.toml"), "[[actor]]\nid = \"actor:x\"\nname = \"X\"\nkind = \"alien\"\n")
        .expect("edit");
    let errors = reloader.reload().expect_err("a broken seed does not load");
    let text = errors.to_string();
    assert!(text.contains("broken.toml:4:8: unknown actor kind `alien`"), "{text}");
    assert!(text.contains("broken.toml:2:6: this actor has no `sources`"), "{text}");
    assert_eq!(graph.load().snapshot().hash, hash, "still the old snapshot");
    assert_eq!(
        ask(&graph, "{ actor(name: \"AMLO\") { id } }"),
        json!({ "actor": { "id": "actor:andres-manuel-lopez-obrador" } })
    );
}

#[test]
fn watching_picks_up_an_edit() {
    let dir = seed_copy();
    let graph = ServedGraph::new(Arc::new(diplograph::seed::load(dir.path()).expect("seed")));
    let reloader = Reloader::new(dir.path(), graph.clone());
    let hash = graph.load().snapshot().hash.clone();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("rt");
    rt.spawn(reloader.watch(std::time::Duration::from_millis(50)));
    std::thread::sleep(std::time::Duration::from_millis(120));
    let actors = dir.path().join("actors.toml");
    let text = std::fs::read_to_string(&actors).expect("actors");
    std::fs::write(&actors, text.replace(RENAMED.0, RENAMED.1)).expect("edit");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while graph.load().snapshot().hash == hash {
        assert!(std::time::Instant::now() < deadline, "the watcher did not reload within 20 s");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        ask(&graph, "{ actor(id: \"actor:kamala-harris\") { name } }"),
        json!({ "actor": { "name": "Kamala D. Harris" } })
    );
}

/// POSTs `query` to `app` in process; (status, body).
fn post_in_process(app: &axum::Router, query: &str) -> (u16, Value) {
    use tower::ServiceExt;
    let req = axum::http::Request::post("/graphql")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(json!({ "query": query }).to_string()))
        .expect("request");
    block_on(async {
        let r = app.clone().oneshot(req).await.expect("answer");
        let status = r.status().as_u16();
        let bytes = axum::body::to_bytes(r.into_body(), usize::MAX).await.expect("body");
        (status, serde_json::from_slice(&bytes).expect("json"))
    })
}

#[test]
fn the_response_cache_never_serves_an_older_snapshot() {
    let dir = seed_copy();
    let graph = Arc::new(diplograph::seed::load(dir.path()).expect("seed"));
    let state = diplograph::http::AppState::new(diplograph::api::schema(), graph, Default::default());
    let app = diplograph::http::app(state.clone());
    let q = "{ actor(id: \"actor:kamala-harris\") { name } }";
    let (_, first) = post_in_process(&app, q);
    let (_, again) = post_in_process(&app, q);
    assert_eq!(first, again);
    assert_eq!(state.cache.as_ref().map(|c| c.len()), Some(1), "the answer was cached");
    let actors = dir.path().join("actors.toml");
    let text = std::fs::read_to_string(&actors).expect("actors");
    std::fs::write(&actors, text.replace(RENAMED.0, RENAMED.1)).expect("edit");
    Reloader::new(dir.path(), state.graph.clone()).reload().expect("reload");
    let (_, after) = post_in_process(&app, q);
    assert_eq!(after["data"]["actor"]["name"], "Kamala D. Harris");
}

#[test]
fn the_snapshot_header_names_the_snapshot_after_a_reload() {
    use tower::ServiceExt;
    let dir = seed_copy();
    let graph = Arc::new(diplograph::seed::load(dir.path()).expect("seed"));
    let state = diplograph::http::AppState::new(diplograph::api::schema(), graph, Default::default());
    let app = diplograph::http::app(state.clone());
    let ask = || {
        let req = axum::http::Request::post("/graphql")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(json!({ "query": "{ snapshot { hash } }" }).to_string()))
            .expect("request");
        block_on(async {
            let r = app.clone().oneshot(req).await.expect("answer");
            let header = r.headers().get("diplograph-snapshot").and_then(|v| v.to_str().ok()).map(str::to_owned);
            let bytes = axum::body::to_bytes(r.into_body(), usize::MAX).await.expect("body");
            let body: Value = serde_json::from_slice(&bytes).expect("json");
            (header, body["data"]["snapshot"]["hash"].as_str().map(str::to_owned))
        })
    };
    let (before, field) = ask();
    assert!(before.is_some() && before == field, "{before:?} {field:?}");
    let actors = dir.path().join("actors.toml");
    let text = std::fs::read_to_string(&actors).expect("actors");
    std::fs::write(&actors, text.replace(RENAMED.0, RENAMED.1)).expect("edit");
    Reloader::new(dir.path(), state.graph.clone()).reload().expect("reload");
    let (after, field) = ask();
    assert!(after.is_some() && after == field, "{after:?} {field:?}");
    assert_ne!(after, before, "a new snapshot after the edit");
}
