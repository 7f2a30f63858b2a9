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

/// Gives `request` its parsed document from the cache, parsing and keeping it on a miss. A text that does not parse is left to the schema, which reports the error.
pub fn attach(request: &mut Request) {
    if request.query.len() > MAX_CACHED_QUERY_BYTES {
        return;
    }
    let doc = match cache().get(request.query.as_str()) {
        Some(doc) => doc,
        None => match async_graphql::parser::parse_query(&request.query) {
            Ok(doc) => {
                let doc = Arc::new(doc);
                cache().insert(Arc::from(request.query.as_str()), doc.clone());
                doc
            }
            Err(_) => return,
        },
    };
    request.set_parsed_query(doc.as_ref().clone());
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
