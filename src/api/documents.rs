//! A cache of parsed documents: clients send the same few query texts over and over, and
//! parsing is the largest part of answering a small query. Validation still runs on every
//! request (it depends on the variables), and so do the limits.

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerResult, Variables};
use quick_cache::sync::Cache;
use std::sync::Arc;

/// Query texts longer than this are parsed every time (and not kept).
const MAX_CACHED_QUERY_BYTES: usize = 8 * 1024;

/// Keeps the parsed documents of the most used query texts.
pub struct DocumentCache(Arc<Cache<Arc<str>, Arc<ExecutableDocument>>>);

impl DocumentCache {
    /// A cache of at most `documents` parsed documents.
    pub fn new(documents: usize) -> Self {
        DocumentCache(Arc::new(Cache::new(documents.max(1))))
    }
}

impl ExtensionFactory for DocumentCache {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentCacheExtension(self.0.clone()))
    }
}

struct DocumentCacheExtension(Arc<Cache<Arc<str>, Arc<ExecutableDocument>>>);

#[async_trait::async_trait]
impl Extension for DocumentCacheExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if query.len() > MAX_CACHED_QUERY_BYTES {
            return next.run(ctx, query, variables).await;
        }
        if let Some(doc) = self.0.get(query) {
            return Ok(doc.as_ref().clone());
        }
        let doc = next.run(ctx, query, variables).await?;
        self.0.insert(Arc::from(query), Arc::new(doc.clone()));
        Ok(doc)
    }
}
