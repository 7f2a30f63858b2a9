//! The cost model: what a query would cost (fields times the sizes of the lists they sit in),
//! how deep it nests and how many aliases it has, measured on the document before execution;
//! and how many fields it selects once its fragments are expanded.

use super::introspection;
use super::paging::MAX_PAGE;
use async_graphql::parser::types::{ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{Name, Value, Variables};
use std::collections::HashMap;

/// How many items a list without paging arguments is assumed to hold.
const BOUNDED_LIST: u64 = 10;

/// What a query would cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Measure {
    /// Fields resolved, each multiplied by the size of the lists it sits in: `first`/`last` (or the cap of 100 when absent) for connections, `first`/`limit` for search and neighbourhoods, 10 for lists without arguments.
    pub cost: u64,
    /// The deepest nesting of selections.
    pub depth: usize,
    /// Fields with an alias.
    pub aliases: usize,
    /// Introspection fields of the schema (`__schema`, `__type`).
    pub introspection: usize,
    /// Whether the request's variables were read (a list size given by a variable): when not,
    /// the measure holds for any variables of the same operation.
    pub read_variables: bool,
}

/// Measures `operation` of `doc` against the schema in `registry`; the count of an introspection field stops a little past `cap`.
pub fn measure(
    registry: &Registry,
    doc: &ExecutableDocument,
    op: &OperationDefinition,
    vars: &Variables,
    cap: u64,
) -> Measure {
    let mut m = Measurer {
        registry,
        doc,
        vars,
        aliases: 0,
        depth: 0,
        introspection: 0,
        fragments: Vec::new(),
        cap,
        read_variables: std::cell::Cell::new(false),
    };
    let cost = m.set(&op.selection_set.node, &registry.query_type, 1, MAX_PAGE as u64);
    // Introspection is measured on what it returns, with the variables in hand.
    let read_variables = m.read_variables.get() || m.introspection > 0;
    Measure { cost, depth: m.depth, aliases: m.aliases, introspection: m.introspection, read_variables }
}

struct Measurer<'a> {
    registry: &'a Registry,
    doc: &'a ExecutableDocument,
    vars: &'a Variables,
    aliases: usize,
    depth: usize,
    introspection: usize,
    /// Fragments being expanded (a cycle is left to validation to report).
    fragments: Vec<&'a Name>,
    /// Where counting an introspection field may stop.
    cap: u64,
    /// Set when an argument read holds a variable.
    read_variables: std::cell::Cell<bool>,
}

impl<'a> Measurer<'a> {
    /// The cost of resolving `set` once on an object of type `ty` at nesting `depth`; `page` is how many items its list fields hold when paged by the field above (a connection's `first`, a neighbourhood's `limit`).
    fn set(&mut self, set: &'a SelectionSet, ty: &str, depth: usize, page: u64) -> u64 {
        self.depth = self.depth.max(depth);
        let mut cost: u64 = 0;
        for item in &set.items {
            let c = match &item.node {
                Selection::Field(f) => self.field(&f.node, ty, depth, page),
                Selection::FragmentSpread(s) => {
                    let name = &s.node.fragment_name.node;
                    match self.doc.fragments.get(name) {
                        Some(frag) if !self.fragments.contains(&name) && self.fragments.len() < 64 => {
                            self.fragments.push(name);
                            let on = frag.node.type_condition.node.on.node.as_str();
                            let c = self.set(&frag.node.selection_set.node, on, depth, page);
                            self.fragments.pop();
                            c
                        }
                        _ => 0,
                    }
                }
                Selection::InlineFragment(i) => {
                    let on = i.node.type_condition.as_ref().map(|t| t.node.on.node.as_str()).unwrap_or(ty);
                    self.set(&i.node.selection_set.node, on, depth, page)
                }
            };
            cost = cost.saturating_add(c);
        }
        cost
    }

    /// The cost of one field: itself, plus its selections once per item it returns.
    fn field(&mut self, f: &'a Field, parent: &str, depth: usize, page: u64) -> u64 {
        if f.alias.is_some() {
            self.aliases += 1;
        }
        let name = f.name.node.as_str();
        if name == "__typename" {
            return 1;
        }
        if name == "_service" && parent == "Query" {
            // Federation's subgraph SDL tells what introspection tells: closed along with it.
            self.introspection += 1;
            return 1;
        }
        if name.starts_with("__") {
            self.introspection += 1;
            // One budget for every introspection field of the document.
            let cost = introspection::Cost::new(self.registry, self.doc, self.vars, self.cap).root(f);
            self.cap = self.cap.saturating_sub(cost);
            return cost;
        }
        let ty =
            self.registry.types.get(parent).and_then(|t| t.field_by_name(name)).map(|mf| mf.ty.as_str()).unwrap_or("");
        let inner = ty.trim_matches(|c| c == '[' || c == ']' || c == '!');
        let items = if ty.starts_with('[') {
            match (parent, name) {
                (p, "nodes" | "edges") if p.ends_with("Connection") => page,
                ("Subgraph", "nodes" | "links") | ("Path", "steps") => page,
                ("Query", "nodes") => self.arg(f, "ids").unwrap_or(BOUNDED_LIST),
                ("Query", "_entities") => self.arg(f, "representations").unwrap_or(BOUNDED_LIST),
                (_, "search" | "counterparts") => self.arg(f, "first").unwrap_or(20).min(MAX_PAGE as u64),
                // Facet lists hold their `first` (20 by default); a timeline at most its
                // number of periods, which it refuses to exceed.
                (p, _) if p.ends_with("Facets") => self.arg(f, "first").unwrap_or(20).min(MAX_PAGE as u64),
                ("EventConnection", "timeline") => super::analytics::MAX_PERIODS as u64,
                _ => BOUNDED_LIST,
            }
        } else {
            1
        };
        // What the lists below this field hold.
        let below = match name {
            "neighborhood" => self.arg(f, "limit").unwrap_or(200),
            "path" => self.arg(f, "maxHops").unwrap_or(6) + 1,
            _ => self.arg(f, "first").or_else(|| self.arg(f, "last")).unwrap_or(MAX_PAGE as u64),
        };
        let children = if f.selection_set.node.items.is_empty() {
            0
        } else {
            self.set(&f.selection_set.node, inner, depth + 1, below)
        };
        1u64.saturating_add(items.saturating_mul(children))
    }

    /// The numeric value (or list length) of argument `n` of `f`, variables resolved.
    fn arg(&self, f: &Field, n: &str) -> Option<u64> {
        let v = f.arguments.iter().find(|(a, _)| a.node.as_str() == n).map(|(_, v)| &v.node)?;
        let v = v
            .clone()
            .into_const_with(|var| {
                self.read_variables.set(true);
                Ok::<_, ()>(self.vars.get(&var).cloned().unwrap_or(Value::Null))
            })
            .ok()?;
        match v {
            Value::Number(n) => n.as_u64(),
            Value::List(l) => Some(l.len() as u64),
            _ => None,
        }
    }
}

/// How many fields the operations of `doc` select once every fragment spread is replaced by the fragment (each fragment is counted once and remembered, so this is linear in the text even when expanding would be exponential: fragments that spread the next one twice). Checked before anything else walks the document expanded (async-graphql's own checks, validation, the cost model), which would take seconds on such a document.
pub fn expanded_fields(doc: &ExecutableDocument) -> u64 {
    fn set<'a>(doc: &'a ExecutableDocument, s: &'a SelectionSet, memo: &mut HashMap<&'a Name, Option<u64>>) -> u64 {
        s.items.iter().fold(0u64, |n, item| {
            n.saturating_add(match &item.node {
                Selection::Field(f) => 1u64.saturating_add(set(doc, &f.node.selection_set.node, memo)),
                Selection::InlineFragment(i) => set(doc, &i.node.selection_set.node, memo),
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    match (memo.get(name), doc.fragments.get(name)) {
                        (Some(Some(n)), _) => *n,
                        // Being expanded (a cycle, which validation reports) or unknown.
                        (Some(None), _) | (None, None) => 0,
                        (None, Some(frag)) => {
                            memo.insert(name, None);
                            let n = set(doc, &frag.node.selection_set.node, memo);
                            memo.insert(name, Some(n));
                            n
                        }
                    }
                }
            })
        })
    }
    let mut memo = HashMap::new();
    doc.operations.iter().fold(0u64, |n, (_, op)| n.saturating_add(set(doc, &op.node.selection_set.node, &mut memo)))
}
