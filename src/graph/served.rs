//! The graph a server is serving: one snapshot at a time, replaced whole on reload.

use super::KnowledgeGraph;
use arc_swap::ArcSwap;
use std::sync::Arc;

/// The snapshot being served, shared by the HTTP handlers and the reloader (cheap to clone).
/// A request loads the snapshot once and keeps it to the end, so a swap never changes the
/// data under a running query.
#[derive(Clone)]
pub struct ServedGraph(Arc<ArcSwap<KnowledgeGraph>>);

impl ServedGraph {
    /// Serves `graph`.
    pub fn new(graph: Arc<KnowledgeGraph>) -> Self {
        ServedGraph(Arc::new(ArcSwap::new(graph)))
    }

    /// The snapshot served now.
    pub fn load(&self) -> Arc<KnowledgeGraph> {
        self.0.load_full()
    }

    /// Serves `graph` from now on; the previous snapshot.
    pub fn swap(&self, graph: Arc<KnowledgeGraph>) -> Arc<KnowledgeGraph> {
        self.0.swap(graph)
    }
}

impl std::fmt::Debug for ServedGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ServedGraph").field(&self.0.load().snapshot()).finish()
    }
}
