//! Compiled plans for known documents: the answer to a query that has been answered before,
//! written straight into the response text without async-graphql's per-field machinery.
//!
//! Clients send the same few documents over and over. The first time a document (a query
//! text and an operation name) is answered without any error, it has passed parsing,
//! validation and the limits through async-graphql; it is then compiled into a [`Plan`]
//! (`compile.rs`): each selection set flattened for the one object type it runs on, fragments
//! inlined, each field resolved to what answers it, arguments kept to be bound to the
//! request's variables, `@skip`/`@include` kept to be evaluated per request. Plans are kept
//! by document in a bounded cache per schema, with the document that passed (or a note that
//! it does not compile, so it is not tried again).
//!
//! A request for a known document then runs as async-graphql would run it, minus the
//! machinery: its variables are checked against the operation (`variables.rs`, as the limits
//! extension checks them), the cost model measures it with those variables (`cost.rs`: the
//! cost may depend on them, so it runs on every request unless the first measure read no
//! variable, which is then kept with the plan) and refuses what is over a limit, and the
//! plan runs synchronously over the snapshot (`run.rs`), writing JSON as it goes with no
//! value tree: every value comes from the very resolver async-graphql calls for that field
//! (polled once: none of them waits) or from the plain functions of `query.rs` that the root
//! resolvers also call. The plan adds dispatch and writing, never a second copy of the logic.
//!
//! async-graphql stays the reference. Whatever a plan does not cover runs through it as
//! before: introspection, mutations, batches, fields not compiled (`snapshot`, an event's
//! `dyads` and `plover`, the change log, federation's entities), a response key selected twice in a way whose merge
//! depends on the data, and any request whose plan stops midway (a variable that does not
//! fit, a cost over the limit, an argument that does not parse, a resolver's error: the
//! partial answer is dropped and async-graphql answers, errors and all). The differential
//! test (`tests/it/plans.rs`) runs the client queries, the hostile documents and thousands of
//! random documents with random variables through both paths and requires the same bytes.
//!
//! The answer is the text async-graphql's response serializes to: `data` in selection order,
//! an object with no field answered as null, floats, dates and enums written by the same
//! functions, and `extensions.cost` as the limits extension reports it.
//!
//! `Limits::plans` (`--no-plans`, `DIPLOGRAPH_NO_PLANS=true`) turns plans off.

mod compile;
mod run;

pub use compile::{compile, Plan};

use super::limits::Limits;
use super::{cost, variables};
use async_graphql::parser::types::{ExecutableDocument, OperationDefinition};
use async_graphql::registry::Registry;
use async_graphql::{OutputType, Request};
use quick_cache::sync::Cache;
use quick_cache::Equivalent;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// How many documents' plans are kept.
const PLANS: usize = 1024;
/// Query texts longer than this are not planned.
const MAX_PLANNED_QUERY_BYTES: usize = 16 * 1024;

/// A compiled document and what its requests are checked with.
pub struct Entry {
    doc: ExecutableDocument,
    op: OperationDefinition,
    plan: Plan,
    /// The measure of the operation when it does not depend on the variables (no list size
    /// given by one), taken on the first request that passed: then later requests are not
    /// measured again.
    fixed: OnceLock<cost::Measure>,
    /// The length of the last answer written, to size the next one's buffer.
    last_len: AtomicUsize,
}

impl Entry {
    /// The plan, for printing.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }
}

/// The plans of one schema (kept in its data), by document.
pub struct Plans {
    limits: Arc<Limits>,
    /// The schema's types, for checking variables and measuring the cost as the extension does.
    registry: Registry,
    /// By operation name and query text; None for a document that does not compile.
    cache: Cache<Key, Option<Arc<Entry>>>,
}

/// What the cache knows of a request's document.
pub enum Lookup {
    /// Its plan.
    Plan(Arc<Entry>),
    /// That it has no plan.
    Unplanned,
    /// Nothing yet: the key to [`Plans::learn`] it under once async-graphql has answered it.
    Miss(Key),
}

impl Plans {
    /// Plans for a schema with `limits`.
    pub fn new(limits: &Limits) -> Self {
        let mut registry = Registry::default();
        // The served root (`federation::Root`, named `Query`), as the schema registers it.
        <super::Root as OutputType>::create_type_info(&mut registry);
        // The built-in scalars, whether or not an argument uses them (`@skip(if:)` does).
        <bool as async_graphql::InputType>::create_type_info(&mut registry);
        <String as async_graphql::InputType>::create_type_info(&mut registry);
        <i32 as async_graphql::InputType>::create_type_info(&mut registry);
        <f64 as async_graphql::InputType>::create_type_info(&mut registry);
        <async_graphql::ID as async_graphql::InputType>::create_type_info(&mut registry);
        registry.query_type = "Query".into();
        Plans { limits: Arc::new(limits.clone()), registry, cache: Cache::new(PLANS) }
    }

    /// Whether plans are on.
    pub fn enabled(&self) -> bool {
        self.limits.plans
    }

    /// What is known of `request`'s document.
    pub fn lookup(&self, request: &Request) -> Lookup {
        if request.query.len() > MAX_PLANNED_QUERY_BYTES {
            return Lookup::Unplanned;
        }
        let wanted = KeyRef { name: request.operation_name.as_deref(), text: &request.query };
        match self.cache.get(&wanted) {
            Some(Some(entry)) => Lookup::Plan(entry),
            Some(None) => Lookup::Unplanned,
            None => Lookup::Miss(Key { name: wanted.name.map(Into::into), text: wanted.text.into() }),
        }
    }

    /// Compiles the document of `key`, which async-graphql has just answered without an error.
    pub fn learn(&self, key: Key) {
        let entry = entry(key.name.as_deref(), &key.text);
        self.cache.insert(key, entry);
    }

    /// The answer `entry` gives to `request` on `g`, as JSON text; None when async-graphql must
    /// answer it (a variable that does not fit, a limit exceeded, anything the plan stops at).
    pub fn run(&self, entry: &Entry, request: &Request, g: &crate::graph::KnowledgeGraph) -> Option<String> {
        if !variables::check(&self.registry, &entry.op, &request.variables).is_empty() {
            return None;
        }
        let l = &self.limits;
        let m = match entry.fixed.get() {
            Some(m) => *m,
            None => {
                let m = cost::measure(&self.registry, &entry.doc, &entry.op, &request.variables, l.max_cost);
                if m.introspection > 0 || m.depth > l.max_depth || m.aliases > l.max_aliases || m.cost > l.max_cost {
                    return None;
                }
                if !m.read_variables {
                    let _ = entry.fixed.set(m);
                }
                m
            }
        };
        let mut out = Vec::with_capacity(entry.last_len.load(Ordering::Relaxed).max(1024) + 256);
        out.extend_from_slice(b"{\"data\":");
        run::data(&run::Cx { g, vars: &request.variables, plan: &entry.plan }, &mut out)?;
        out.extend_from_slice(b",\"extensions\":{\"cost\":{\"requestedQueryCost\":");
        out.extend_from_slice(m.cost.to_string().as_bytes());
        out.extend_from_slice(b",\"maximumAvailable\":");
        out.extend_from_slice(l.max_cost.to_string().as_bytes());
        out.extend_from_slice(b"}}}");
        entry.last_len.store(out.len(), Ordering::Relaxed);
        String::from_utf8(out).ok()
    }
}

/// The cache key of a document: its operation name and text.
#[derive(PartialEq, Eq)]
pub struct Key {
    name: Option<Box<str>>,
    text: Box<str>,
}

/// A request's [`Key`], borrowed from it for lookups (no copy of the text).
struct KeyRef<'a> {
    name: Option<&'a str>,
    text: &'a str,
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        KeyRef { name: self.name.as_deref(), text: &self.text }.hash(state);
    }
}

impl Hash for KeyRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.text.hash(state);
    }
}

impl Equivalent<Key> for KeyRef<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        key.name.as_deref() == self.name && *key.text == *self.text
    }
}

/// The compiled entry of the document under `key`, when it compiles.
fn entry(name: Option<&str>, text: &str) -> Option<Arc<Entry>> {
    let doc = async_graphql::parser::parse_query(text).ok()?;
    let plan = compile(&doc, name)?;
    let op = match name {
        Some(n) => doc.operations.iter().find(|(o, _)| o.is_some_and(|o| o.as_str() == n))?.1.node.clone(),
        None => doc.operations.iter().next()?.1.node.clone(),
    };
    Some(Arc::new(Entry { doc, op, plan, fixed: OnceLock::new(), last_len: AtomicUsize::new(0) }))
}
