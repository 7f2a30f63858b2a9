//! Relay cursor connections: `first/after`, `last/before`, opaque cursors that carry the
//! sort key of an item (so they stay valid across reloads of the same data).

use super::error::{bad_input, limit_exceeded};
use crate::graph::KnowledgeGraph;
use crate::model::{EntityKind, NodeId};
use async_graphql::{Result, SimpleObject};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// The page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE: usize = 20;
/// The largest `first` or `last` accepted.
pub const MAX_PAGE: usize = 100;
const CURSOR_PREFIX: &str = "v1:";

/// The paging arguments of a connection field.
#[derive(Clone, Debug, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// Information about a page, for fetching the next or previous one.
#[derive(SimpleObject, Clone, Debug, Default)]
pub struct PageInfo {
    /// True when more items follow this page.
    pub has_next_page: bool,
    /// True when items come before this page.
    pub has_previous_page: bool,
    /// The cursor of the first item of the page.
    pub start_cursor: Option<String>,
    /// The cursor of the last item of the page.
    pub end_cursor: Option<String>,
}

/// One page of an ordered list of nodes.
pub struct Page {
    pub items: Vec<NodeId>,
    pub total: usize,
    pub info: PageInfo,
}

/// Checks a `first`/`last`/`limit`-style count against `max`.
pub fn count_arg(name: &str, value: Option<i32>, default: usize, max: usize) -> Result<usize> {
    match value {
        None => Ok(default),
        Some(v) if v < 0 => Err(bad_input(format!("`{name}` must not be negative (got {v})"))),
        Some(v) if v as usize > max => {
            Err(limit_exceeded(format!("`{name}` is at most {max} (got {v}); page with cursors instead")))
        }
        Some(v) => Ok(v as usize),
    }
}

/// The opaque cursor of `n`.
pub fn cursor(g: &KnowledgeGraph, n: NodeId) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{}", g.sort_key(n)))
}

/// The sort key a cursor carries, checked to belong to a list of `kind`.
fn decode(cursor: &str, kind: EntityKind) -> Result<String> {
    let invalid = || bad_input(format!("`{cursor}` is not a cursor of this list"));
    let bytes = URL_SAFE_NO_PAD.decode(cursor.as_bytes()).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let key = text.strip_prefix(CURSOR_PREFIX).ok_or_else(invalid)?;
    let id = key.rsplit('\u{1}').next().unwrap_or_default();
    if !key.contains('\u{1}') || !id.strip_prefix(kind.as_str()).is_some_and(|r| r.starts_with(':')) {
        return Err(invalid());
    }
    Ok(key.to_owned())
}

/// Cuts the page `args` asks for out of `list`, which is in sort-key order (reversed when
/// `descending`), and holds nodes of `kind`.
pub fn paginate(
    g: &KnowledgeGraph,
    list: &[NodeId],
    descending: bool,
    kind: EntityKind,
    args: &PageArgs,
) -> Result<Page> {
    let first = args.first.map(|f| count_arg("first", Some(f), DEFAULT_PAGE, MAX_PAGE)).transpose()?;
    let last = args.last.map(|l| count_arg("last", Some(l), DEFAULT_PAGE, MAX_PAGE)).transpose()?;
    let key = |n: &NodeId| g.sort_key(*n);
    // Position of the first item that comes after `k` in list order.
    let after_pos = |k: &str| list.partition_point(|n| if descending { key(n) >= k } else { key(n) <= k });
    let before_pos = |k: &str| list.partition_point(|n| if descending { key(n) > k } else { key(n) < k });
    let mut start = 0;
    let mut end = list.len();
    if let Some(c) = &args.after {
        start = after_pos(&decode(c, kind)?);
    }
    if let Some(c) = &args.before {
        end = before_pos(&decode(c, kind)?).max(start);
    }
    let (window_start, window_end) = (start, end);
    let first = if first.is_none() && last.is_none() { Some(DEFAULT_PAGE) } else { first };
    if let Some(f) = first {
        end = end.min(start + f);
    }
    if let Some(l) = last {
        start = start.max(end.saturating_sub(l));
    }
    let items = list[start..end].to_vec();
    let info = PageInfo {
        has_next_page: end < window_end || (args.before.is_some() && window_end < list.len()),
        has_previous_page: start > window_start || (args.after.is_some() && window_start > 0),
        start_cursor: items.first().map(|&n| cursor(g, n)),
        end_cursor: items.last().map(|&n| cursor(g, n)),
    };
    Ok(Page { items, total: list.len(), info })
}

/// Declares a Relay connection type and its edge type over one node wrapper.
macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ident, $conn_name:literal, $edge_name:literal) => {
        #[doc = concat!("A page of a list: ", $conn_name, ".")]
        pub struct $conn<'a> {
            g: &'a $crate::graph::KnowledgeGraph,
            page: $crate::api::paging::Page,
        }

        impl<'a> $conn<'a> {
            /// The page `args` selects from `list`.
            pub fn new(
                g: &'a $crate::graph::KnowledgeGraph,
                list: &[$crate::model::NodeId],
                descending: bool,
                args: &$crate::api::paging::PageArgs,
            ) -> async_graphql::Result<Self> {
                let page = $crate::api::paging::paginate(g, list, descending, $node::KIND, args)?;
                Ok($conn { g, page })
            }
        }

        #[async_graphql::Object(name = $conn_name)]
        impl<'a> $conn<'a> {
            /// The items of this page with their cursors.
            async fn edges(&self) -> Vec<$edge<'a>> {
                self.page.items.iter().filter_map(|&n| $node::of(self.g, n)).map(|node| $edge { node }).collect()
            }
            /// The items of this page.
            async fn nodes(&self) -> Vec<$node<'a>> {
                self.page.items.iter().filter_map(|&n| $node::of(self.g, n)).collect()
            }
            /// Where this page stands in the whole list.
            async fn page_info(&self) -> &$crate::api::paging::PageInfo {
                &self.page.info
            }
            /// How many items the whole list holds, across all pages.
            async fn total_count(&self) -> usize {
                self.page.total
            }
        }

        #[doc = concat!("An item of a ", $conn_name, " page, with its cursor.")]
        pub struct $edge<'a> {
            node: $node<'a>,
        }

        #[async_graphql::Object(name = $edge_name)]
        impl<'a> $edge<'a> {
            /// An opaque cursor for paging from this item (`after`/`before`).
            async fn cursor(&self) -> String {
                $crate::api::paging::cursor(self.node.g, self.node.n)
            }
            /// The item.
            async fn node(&self) -> &$node<'a> {
                &self.node
            }
        }
    };
}
pub(crate) use connection;
