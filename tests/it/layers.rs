//! The layers of ARCHITECTURE.md, held by the code: every `crate::` path (and
//! `diplograph::` path in `main.rs`) in every file under `src/`, tests included, names a
//! module its layer may use. A new edge fails here until it is added to [`ALLOWED`] and
//! to ARCHITECTURE.md.

use crate::support::root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module (a folder or file of `src/`; `main` is the binary) and the
/// modules of ours it may import. Everything not listed is refused.
const ALLOWED: &[(&str, &[&str])] = &[
    // The domain knows nothing of ours.
    ("model", &[]),
    // Timing of the load's steps: a leaf that anyone below `main` may use.
    ("timing", &[]),
    // The allocator's settings, which the binaries apply first thing: a leaf.
    ("allocator", &[]),
    // The graph is built from model records; it knows nothing of files, GraphQL or HTTP.
    ("graph", &["model", "timing"]),
    // The seed reads files into model records and builds the graph. `generate` only in
    // its tests, which compare the two TOML readers on generated files.
    ("seed", &["model", "graph", "timing", "generate"]),
    // The synthetic seed writer: model names only; it writes files the seed reads.
    ("generate", &["model"]),
    // GraphQL over the graph: never the seed (files) nor http (the wire).
    ("api", &["model", "graph"]),
    // The wire: the GraphQL schema and the graph it serves; never the seed.
    ("http", &["api", "export", "graph", "model"]),
    // Exports for other tools: writes the graph's entities and links as GraphML, JSON-LD,
    // CSV or GDELT rows (files under a temporary name, renamed when whole), each timed.
    ("export", &["model", "graph", "timing"]),
    // Curated writes: changes checked by the seed's code, logged, swapped into the served
    // graph; it implements the API's write service.
    ("write", &["api", "seed", "graph", "journal", "model", "timing"]),
    // The durable change log: opaque records in an append-only file; a leaf.
    ("journal", &[]),
    // `diplograph compact`: the change log written into the seed's files (its own file IO:
    // staged copies, a manifest, renames), checked by loading the edited seed.
    ("compact", &["seed", "journal", "write", "graph", "model"]),
    // Replicas on one change log in PostgreSQL: a write service over the writer, the
    // follower that applies the other replicas' changes; the file journal's checksum.
    ("replica", &["api", "graph", "journal", "write"]),
    // Live reload: loads the seed and swaps the served graph.
    ("reload", &["seed", "graph", "write"]),
    // The binary wires everything.
    (
        "main",
        &[
            "allocator",
            "api",
            "compact",
            "export",
            "generate",
            "graph",
            "http",
            "journal",
            "model",
            "reload",
            "replica",
            "seed",
            "write",
        ],
    ),
];

/// Names the crate root re-exports, and the module each comes from.
const ROOT_REEXPORTS: &[(&str, &str)] = &[("timed", "timing")];

/// The top-level modules named by the `crate::` paths of `text` (of a file whose module
/// path under `src/` is `module`), with the comment lines left out.
fn imports(text: &str, module: &[String], prefix: &str) -> BTreeSet<String> {
    let code: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let mut found = BTreeSet::new();
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut rest = code.as_str();
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a::X, b}`: the first name of each item of the group.
            let group = &group[..group.find('}').unwrap_or(group.len())];
            found.extend(group.split(',').map(|item| ident(item.trim())).filter(|n| !n.is_empty()));
        } else {
            found.insert(ident(rest));
        }
    }
    // `super::` paths that climb out of the top-level module name a module of the root.
    let mut rest = code.as_str();
    while let Some(at) = rest.find("super::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at..];
        let mut depth = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            depth += 1;
            rest = r;
        }
        if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') && depth >= module.len() {
            found.insert(ident(rest));
        }
    }
    found
        .into_iter()
        .map(|n| ROOT_REEXPORTS.iter().find(|(name, _)| *name == n).map_or(n.clone(), |(_, m)| m.to_string()))
        // `use super::*` in an inline `mod tests` names no module (the glob is its own file's).
        .filter(|n| !n.is_empty() && module.first() != Some(n))
        .collect()
}

/// Every `.rs` file under `dir`, with its module path under `src/` (`src/graph/search/mod.rs`
/// is `graph::search`, `src/reload.rs` is `reload`).
fn files(dir: &Path, module: &[String], out: &mut Vec<(String, Vec<String>, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("src dir").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let mut inner = module.to_vec();
        if path.is_dir() {
            inner.push(name);
            files(&path, &inner, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            if name != "mod" && name != "lib" {
                inner.push(name);
            }
            let shown = path.strip_prefix(root()).unwrap_or(&path).display().to_string();
            out.push((shown, inner, std::fs::read_to_string(&path).expect("source file")));
        }
    }
}

/// Every edge between top-level modules found in `src/`: (from, to) -> the files.
fn edges() -> BTreeMap<(String, String), Vec<String>> {
    let mut all = Vec::new();
    files(&root().join("src"), &[], &mut all);
    let mut edges: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (shown, module, text) in all {
        // lib.rs declares the modules; it is no layer.
        let Some(top) = module.first() else { continue };
        let prefix = if top == "main" { "diplograph::" } else { "crate::" };
        for to in imports(&text, &module, prefix) {
            edges.entry((top.clone(), to)).or_default().push(shown.clone());
        }
    }
    edges
}

#[test]
fn each_layer_imports_only_what_architecture_md_allows() {
    let edges = edges();
    let mut refused = Vec::new();
    for ((from, to), files) in &edges {
        let allowed = ALLOWED.iter().find(|(m, _)| m == from).map(|(_, to)| *to);
        match allowed {
            None => refused.push(format!("{from}: a module without a layer (add it to ALLOWED), in {files:?}")),
            Some(ok) if !ok.contains(&to.as_str()) => refused.push(format!("{from} -> {to} in {files:?}")),
            Some(_) => {}
        }
    }
    assert!(refused.is_empty(), "imports across layers that ARCHITECTURE.md does not allow:\n{}", refused.join("\n"));
    // The scan sees the edges the code has (so that an empty scan cannot pass).
    for edge in [("http", "api"), ("api", "graph"), ("graph", "model"), ("seed", "graph"), ("main", "http")] {
        assert!(edges.contains_key(&(edge.0.to_owned(), edge.1.to_owned())), "no {edge:?} edge found");
    }
}

#[test]
fn the_scan_sees_use_groups_paths_and_super() {
    let module = |m: &str| m.split("::").map(str::to_owned).collect::<Vec<_>>();
    let seen = imports(
        "use crate::{graph::KnowledgeGraph, model};\n// crate::http in a comment\nfn f() { crate::seed::load(p); \
         crate::timed(\"x\", || 1); }\nuse super::super::api::X;\nuse super::Sibling;",
        &module("graph::search"),
        "crate::",
    );
    assert_eq!(seen, ["api", "model", "seed", "timing"].map(str::to_owned).into_iter().collect());
    let seen =
        imports("use diplograph::{api, http};\nuse diplograph::reload::Reloader;", &module("main"), "diplograph::");
    assert_eq!(seen, ["api", "http", "reload"].map(str::to_owned).into_iter().collect());
}

#[test]
fn only_the_seed_generate_export_journal_compact_and_timing_touch_files() {
    let mut all = Vec::new();
    files(&root().join("src"), &[], &mut all);
    let mut found = Vec::new();
    for (shown, module, text) in &all {
        let top = module.first().map(String::as_str).unwrap_or_default();
        // Unit tests may read fixtures; main reads nothing itself either, but may.
        if matches!(top, "seed" | "generate" | "export" | "journal" | "compact" | "timing" | "main" | "")
            || shown.ends_with("tests.rs")
        {
            continue;
        }
        let code: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
        let names = |l: &str, word: &str| {
            l.match_indices(word).any(|(at, _)| !l[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
        };
        if code.iter().any(|l| names(l, "std::fs") || names(l, "fs::") || names(l, "File::")) {
            found.push(shown.clone());
        }
    }
    assert!(found.is_empty(), "file system use outside seed, generate, export, journal, compact and timing: {found:?}");
}
