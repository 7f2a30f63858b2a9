//! The served schema against the front-end contract and the checked-in `schema.graphql`.

use crate::support::root;
use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
use std::collections::BTreeMap;

/// A schema flattened to names: "Type" -> kind, "Type.field" -> type, "Type.field(arg)" -> type,
/// "Enum.VALUE", "Union|Member", "Type implements Interface".
fn names(sdl: &str) -> BTreeMap<String, String> {
    let doc = parse_schema(sdl).unwrap_or_else(|e| panic!("SDL does not parse: {e}"));
    let mut out = BTreeMap::new();
    for def in doc.definitions {
        let TypeSystemDefinition::Type(t) = def else { continue };
        let t = t.node;
        let name = t.name.node.to_string();
        let (kind, fields, args_of) = match &t.kind {
            TypeKind::Scalar => ("scalar", vec![], false),
            TypeKind::Object(o) => {
                for i in &o.implements {
                    out.insert(format!("{name} implements {}", i.node), String::new());
                }
                ("type", o.fields.iter().map(|f| f.node.clone()).collect(), true)
            }
            TypeKind::Interface(o) => ("interface", o.fields.iter().map(|f| f.node.clone()).collect(), true),
            TypeKind::Union(u) => {
                for m in &u.members {
                    out.insert(format!("{name}|{}", m.node), String::new());
                }
                ("union", vec![], false)
            }
            TypeKind::Enum(e) => {
                for v in &e.values {
                    out.insert(format!("{name}.{}", v.node.value.node), String::new());
                }
                ("enum", vec![], false)
            }
            TypeKind::InputObject(i) => {
                for f in &i.fields {
                    out.insert(format!("{name}.{}", f.node.name.node), f.node.ty.node.to_string());
                }
                ("input", vec![], false)
            }
        };
        out.insert(name.clone(), kind.to_owned());
        for f in fields {
            let field = format!("{name}.{}", f.name.node);
            if args_of {
                for a in &f.arguments {
                    out.insert(format!("{field}({})", a.node.name.node), a.node.ty.node.to_string());
                }
            }
            out.insert(field, f.ty.node.to_string());
        }
    }
    out
}

/// The contract: the shared one when it is beside the repository, else our copy of it.
fn contract() -> String {
    let shared = root().join("../shared/CONTRACT.graphql");
    let path = if shared.exists() { shared } else { root().join("tests/contract/CONTRACT.graphql") };
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Contract names an open issue brings, each with its issue: allowed to be missing from the
/// served schema (or served with an older type) until that issue lands. This list only shrinks:
/// a name served as the contract says must leave it (the test below fails until it does).
/// A prefix ending in `.` or `(` stands for every name under it.
const PENDING: &[(&str, u32)] = &[
    // #11 fidelity
    // #15 curated writes
];

/// The entry of `PENDING` that covers `name` (the name itself or a type, field or argument
/// it belongs to), if any.
fn pending(name: &str) -> Option<&'static str> {
    PENDING
        .iter()
        .map(|&(p, _)| p)
        .find(|p| name.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '(', '|', ' '])))
}

#[test]
fn every_name_in_the_contract_is_served_with_the_same_type() {
    let served = names(&diplograph::api::sdl());
    let wanted = names(&contract());
    let mut problems = Vec::new();
    let mut still_pending = std::collections::BTreeSet::new();
    for (name, ty) in &wanted {
        let problem = match served.get(name) {
            None => format!("missing: {name}"),
            Some(got) if got != ty => format!("{name}: contract says `{ty}`, served `{got}`"),
            Some(_) => continue,
        };
        match pending(name) {
            Some(entry) => {
                still_pending.insert(entry);
            }
            None => problems.push(problem),
        }
    }
    assert!(problems.is_empty(), "the served schema breaks the contract:\n{}", problems.join("\n"));
    let done: Vec<_> = PENDING.iter().filter(|(p, _)| !still_pending.contains(p)).collect();
    assert!(done.is_empty(), "served as the contract says: remove from PENDING {done:?}");
    assert!(wanted.len() > 300, "the contract was read ({} names)", wanted.len());
}

#[test]
fn our_copy_of_the_contract_is_current() {
    let shared = root().join("../shared/CONTRACT.graphql");
    if let Ok(text) = std::fs::read_to_string(shared) {
        let copy = std::fs::read_to_string(root().join("tests/contract/CONTRACT.graphql")).expect("copy");
        assert_eq!(copy, text, "shared/CONTRACT.graphql changed: copy it to tests/contract/ and check the API");
    }
}

#[test]
fn schema_graphql_is_the_served_schema() {
    let path = root().join("schema.graphql");
    let served = diplograph::api::sdl();
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk != served {
        std::fs::write(&path, &served).expect("write schema.graphql");
        panic!("schema.graphql was out of date and has been rewritten: review the diff and rerun");
    }
}

/// Every description of `sdl` (types, fields, arguments, input fields, enum values).
fn descriptions(sdl: &str) -> Vec<(String, String)> {
    let doc = parse_schema(sdl).unwrap_or_else(|e| panic!("SDL does not parse: {e}"));
    let mut out = Vec::new();
    let mut add = |name: String, d: &Option<async_graphql::Positioned<String>>| {
        if let Some(d) = d {
            out.push((name, d.node.clone()));
        }
    };
    for def in doc.definitions {
        let TypeSystemDefinition::Type(t) = def else { continue };
        let t = t.node;
        let name = t.name.node.to_string();
        add(name.clone(), &t.description);
        let fields = match &t.kind {
            TypeKind::Object(o) => o.fields.clone(),
            TypeKind::Interface(o) => o.fields.clone(),
            TypeKind::InputObject(i) => {
                i.fields.iter().for_each(|f| add(format!("{name}.{}", f.node.name.node), &f.node.description));
                vec![]
            }
            TypeKind::Enum(e) => {
                e.values.iter().for_each(|v| add(format!("{name}.{}", v.node.value.node), &v.node.description));
                vec![]
            }
            _ => vec![],
        };
        for f in fields {
            let field = format!("{name}.{}", f.node.name.node);
            add(field.clone(), &f.node.description);
            for a in &f.node.arguments {
                add(format!("{field}({})", a.node.name.node), &a.node.description);
            }
        }
    }
    out
}

#[test]
fn descriptions_are_one_paragraph_per_line() {
    // A docs pane wraps text itself: a line break inside a paragraph breaks a sentence in the
    // middle ("inside / a country"). Paragraphs are separated by an empty line.
    // `_Any` is federation's scalar, described by async-graphql (the only text not ours).
    let wrapped: Vec<String> = descriptions(&diplograph::api::sdl())
        .into_iter()
        .filter(|(name, _)| name != "_Any")
        .filter(|(_, d)| d.trim().split("\n\n").any(|paragraph| paragraph.contains('\n')))
        .map(|(name, d)| format!("{name}: {d:?}"))
        .collect();
    assert!(wrapped.is_empty(), "descriptions wrapped inside a paragraph:\n{}", wrapped.join("\n"));
}
