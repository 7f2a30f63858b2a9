//! A cache of parsed documents: clients send the same few query texts over and over, and
//! parsing is the largest part of answering a small query (callgrind: 43% of the mission
//! query). Documents depend only on the query text, so one cache serves the whole process.
//! Validation and the limits still run on every request (they depend on the variables).

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::Request;
use quick_cache::sync::Cache;
use std::sync::{Arc, OnceLock};

/// Query texts longer than this are parsed every time (and not kept).
const MAX_CACHED_QUERY_BYTES: usize = 8 * 1024;
/// How many parsed documents are kept.
const DOCUMENTS: usize = 1024;

fn cache() -> &'static Cache<Arc<str>, Arc<ExecutableDocument>> {
    static CACHE: OnceLock<Cache<Arc<str>, Arc<ExecutableDocument>>> = OnceLock::new();
    CACHE.get_or_init(|| Cache::new(DOCUMENTS))
}

/// The parsed document of `query`, from the cache (parsing and keeping it on a miss); None
/// when it does not parse or is too long to keep (then it is left to the schema, which
/// parses it and reports the error).
pub fn parsed(query: &str) -> Option<Arc<ExecutableDocument>> {
    if query.len() > MAX_CACHED_QUERY_BYTES {
        return None;
    }
    if let Some(doc) = cache().get(query) {
        return Some(doc);
    }
    let doc = Arc::new(async_graphql::parser::parse_query(query).ok()?);
    cache().insert(Arc::from(query), doc.clone());
    Some(doc)
}

/// `f` of the parsed document of `query`: the cached one (parsed and kept on a miss), or, for a
/// text too long to keep, one parsed for this call; None when the text does not parse. For
/// what the HTTP layer reads before the answer (the operation's type, its mutation fields), so
/// that a known text is never parsed again.
pub fn with_parsed<R>(query: &str, f: impl FnOnce(&ExecutableDocument) -> R) -> Option<R> {
    match parsed(query) {
        Some(doc) => Some(f(&doc)),
        None if query.len() > MAX_CACHED_QUERY_BYTES => async_graphql::parser::parse_query(query).ok().map(|d| f(&d)),
        None => None,
    }
}

/// Gives `request` its parsed document from the cache, parsing and keeping it on a miss. A
/// text that does not parse is left to the schema, which reports the error. async-graphql
/// takes the document by value and edits it (skipped fields are removed), so the request gets
/// a copy; compiled plans (`plan/`) read the cached one without copying.
pub fn attach(request: &mut Request) {
    if let Some(doc) = parsed(&request.query) {
        request.set_parsed_query(doc.as_ref().clone());
    }
}

/// The name of the operation `query` runs without an `operationName` (its only operation),
/// when its parsed document is in the cache; for labels and logs.
pub fn sole_operation_name(query: &str) -> Option<String> {
    let doc = cache().get(query)?;
    let mut ops = doc.operations.iter();
    match (ops.next(), ops.next()) {
        (Some((name, _)), None) => name.map(|n| n.to_string()),
        _ => None,
    }
}
