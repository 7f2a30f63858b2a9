//! Relay cursor connections: `first/after`, `last/before`, opaque cursors that carry the
//! sort key of an item (so they stay valid across reloads of the same data).

use super::error::{bad_input, limit_exceeded};
use crate::graph::{DateRange, KnowledgeGraph, List};
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
// `@shareable` in the subgraph SDL: every Relay subgraph defines `PageInfo` the same way.
#[graphql(shareable)]
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

/// A list in sort-key order that a page can be cut from without being materialised: its items sit at some of the positions of `order()` (a slice of nodes in sort-key order, the list itself or the whole kind it filters).
pub trait Ordered {
    /// The nodes whose positions the items occupy, in sort-key order.
    fn order(&self) -> &[NodeId];
    /// How many items the list holds.
    fn count(&self) -> usize;
    /// Pushes the first `n` items at positions in `[p, q)` onto `out`, in order.
    fn forward(&self, p: usize, q: usize, n: usize, out: &mut Vec<NodeId>);
    /// Pushes the last `n` items at positions in `[p, q)` onto `out`, last first.
    fn backward(&self, p: usize, q: usize, n: usize, out: &mut Vec<NodeId>);
}

impl Ordered for [NodeId] {
    fn order(&self) -> &[NodeId] {
        self
    }
    fn count(&self) -> usize {
        self.len()
    }
    fn forward(&self, p: usize, q: usize, n: usize, out: &mut Vec<NodeId>) {
        let q = q.min(self.len());
        if p < q {
            out.extend_from_slice(&self[p..q.min(p + n)]);
        }
    }
    fn backward(&self, p: usize, q: usize, n: usize, out: &mut Vec<NodeId>) {
        let q = q.min(self.len());
        if p < q {
            out.extend(self[q - (q - p).min(n)..q].iter().rev());
        }
    }
}

impl Ordered for crate::graph::List<'_> {
    fn order(&self) -> &[NodeId] {
        match self {
            List::Slice(s) => s,
            List::Owned(v) => v,
            List::Range(r) => r.order(),
        }
    }
    fn count(&self) -> usize {
        self.len()
    }
    fn forward(&self, p: usize, q: usize, n: usize, out: &mut Vec<NodeId>) {
        match self {
            List::Slice(s) => s.forward(p, q, n, out),
            List::Owned(v) => v.as_slice().forward(p, q, n, out),
            List::Range(r) => r.forward(p, q, n, out),
        }
    }
    fn backward(&self, p: usize, q: usize, n: usize, out: &mut Vec<NodeId>) {
        match self {
            List::Slice(s) => s.backward(p, q, n, out),
            List::Owned(v) => v.as_slice().backward(p, q, n, out),
            List::Range(r) => r.backward(p, q, n, out),
        }
    }
}

impl Ordered for Vec<NodeId> {
    fn order(&self) -> &[NodeId] {
        self
    }
    fn count(&self) -> usize {
        self.len()
    }
    fn forward(&self, p: usize, q: usize, n: usize, out: &mut Vec<NodeId>) {
        self.as_slice().forward(p, q, n, out)
    }
    fn backward(&self, p: usize, q: usize, n: usize, out: &mut Vec<NodeId>) {
        self.as_slice().backward(p, q, n, out)
    }
}

impl Ordered for DateRange<'_> {
    fn order(&self) -> &[NodeId] {
        DateRange::order(self)
    }
    fn count(&self) -> usize {
        self.len()
    }
    fn forward(&self, p: usize, q: usize, n: usize, out: &mut Vec<NodeId>) {
        DateRange::forward(self, p, q, n, out)
    }
    fn backward(&self, p: usize, q: usize, n: usize, out: &mut Vec<NodeId>) {
        DateRange::backward(self, p, q, n, out)
    }
}

/// Cuts the page `args` asks for out of `list` (of nodes of `kind`), served in sort-key order or, when `descending`, in reverse. Only the page and one item on each side are looked at: the list is never walked or copied.
pub fn paginate<L: Ordered + ?Sized>(
    g: &KnowledgeGraph,
    list: &L,
    descending: bool,
    kind: EntityKind,
    args: &PageArgs,
) -> Result<Page> {
    let first = args.first.map(|f| count_arg("first", Some(f), DEFAULT_PAGE, MAX_PAGE)).transpose()?;
    let last = args.last.map(|l| count_arg("last", Some(l), DEFAULT_PAGE, MAX_PAGE)).transpose()?;
    let order = list.order();
    let key = |n: &NodeId| g.sort_key(*n);
    // Positions in sort-key order: the first whose key is above (or at least) `k`.
    let above = |k: &str| order.partition_point(|n| key(n) <= k);
    let at_least = |k: &str| order.partition_point(|n| key(n) < k);
    let after = args.after.as_deref().map(|c| decode(c, kind)).transpose()?;
    let before = args.before.as_deref().map(|c| decode(c, kind)).transpose()?;
    // The window `[lo, hi)` of positions between the cursors (`after` bounds the start of the
    // list's order, `before` its end; a `before` that comes first empties the window at
    // `after`).
    let all = order.len();
    let (lo, hi) = if descending {
        let hi = after.as_deref().map_or(all, at_least);
        (before.as_deref().map_or(0, above).min(hi), hi)
    } else {
        let lo = after.as_deref().map_or(0, above);
        (lo, before.as_deref().map_or(all, at_least).max(lo))
    };
    // Taking from the start of the list's order, or from its end (last first).
    let take_start = |n: usize, out: &mut Vec<NodeId>| {
        if descending {
            list.backward(lo, hi, n, out)
        } else {
            list.forward(lo, hi, n, out)
        }
    };
    let take_end = |n: usize, out: &mut Vec<NodeId>| {
        if descending {
            list.forward(lo, hi, n, out)
        } else {
            list.backward(lo, hi, n, out)
        }
    };
    let first = if first.is_none() && last.is_none() { Some(DEFAULT_PAGE) } else { first };
    let mut items = Vec::new();
    let (mut cut_end, mut cut_start) = (false, false);
    if let Some(f) = first {
        take_start(f + 1, &mut items);
        cut_end = items.len() > f;
        items.truncate(f);
        if let Some(l) = last {
            cut_start = items.len() > l;
            items.drain(..items.len().saturating_sub(l));
        }
    } else if let Some(l) = last {
        take_end(l + 1, &mut items);
        cut_start = items.len() > l;
        items.truncate(l);
        items.reverse();
    }
    // Items outside the window, beyond `before` / ahead of `after` in the list's order.
    let any = |p: usize, q: usize| {
        let mut one = Vec::with_capacity(1);
        list.forward(p, q, 1, &mut one);
        !one.is_empty()
    };
    let (beyond, ahead) = if descending { (any(0, lo), any(hi, all)) } else { (any(hi, all), any(0, lo)) };
    let info = PageInfo {
        has_next_page: cut_end || (args.before.is_some() && beyond),
        has_previous_page: cut_start || (args.after.is_some() && ahead),
        start_cursor: items.first().map(|&n| cursor(g, n)),
        end_cursor: items.last().map(|&n| cursor(g, n)),
    };
    Ok(Page { items, total: list.count(), info })
}

/// Declares a Relay connection type and its edge type over one node wrapper. With `set:`, the connection also keeps the whole list it pages (what its extra fields, such as facets, count) and serves the extra resolvers given in braces.
macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ident, $conn_name:literal, $edge_name:literal) => {
        connection!($conn, $edge, $node, $conn_name, $edge_name, set: (), {});

        impl<'a> $conn<'a> {
            /// The page `args` selects from `list` (in sort-key order; served in reverse when `descending`).
            pub fn new<L: $crate::api::paging::Ordered + ?Sized>(
                g: &'a $crate::graph::KnowledgeGraph,
                list: &L,
                descending: bool,
                args: &$crate::api::paging::PageArgs,
            ) -> async_graphql::Result<Self> {
                Self::with_set(g, list, descending, args, ())
            }
        }
    };
    ($conn:ident, $edge:ident, $node:ident, $conn_name:literal, $edge_name:literal, set: $set:ty, { $($extra:tt)* }) => {
        #[doc = concat!("A page of a list: ", $conn_name, ".")]
        pub struct $conn<'a> {
            g: &'a $crate::graph::KnowledgeGraph,
            page: $crate::api::paging::Page,
            /// The whole list the page is cut from, for counts over it.
            #[allow(dead_code)]
            set: $set,
        }

        impl<'a> $conn<'a> {
            /// The page `args` selects from `list` (in sort-key order; served in reverse when `descending`), keeping `set`, the whole list.
            pub fn with_set<L: $crate::api::paging::Ordered + ?Sized>(
                g: &'a $crate::graph::KnowledgeGraph,
                list: &L,
                descending: bool,
                args: &$crate::api::paging::PageArgs,
                set: $set,
            ) -> async_graphql::Result<Self> {
                let page = $crate::api::paging::paginate(g, list, descending, $node::KIND, args)?;
                Ok($conn { g, page, set })
            }

            /// The page (resolvers and compiled plans read it).
            pub(crate) fn page(&self) -> &$crate::api::paging::Page {
                &self.page
            }

            /// The edges of the page.
            pub(crate) fn edge_list(&self) -> Vec<$edge<'a>> {
                self.node_list().into_iter().map(|node| $edge { node }).collect()
            }

            /// The items of the page.
            pub(crate) fn node_list(&self) -> Vec<$node<'a>> {
                self.page.items.iter().filter_map(|&n| $node::of(self.g, n)).collect()
            }
        }

        #[async_graphql::Object(name = $conn_name)]
        impl<'a> $conn<'a> {
            /// The items of this page with their cursors.
            async fn edges(&self) -> Vec<$edge<'a>> {
                self.edge_list()
            }
            /// The items of this page.
            async fn nodes(&self) -> Vec<$node<'a>> {
                self.node_list()
            }
            /// Where this page stands in the whole list.
            async fn page_info(&self) -> &$crate::api::paging::PageInfo {
                &self.page().info
            }
            /// How many items the whole list holds, across all pages.
            async fn total_count(&self) -> usize {
                self.page().total
            }
            $($extra)*
        }

        #[doc = concat!("An item of a ", $conn_name, " page, with its cursor.")]
        pub struct $edge<'a> {
            node: $node<'a>,
        }

        #[async_graphql::Object(name = $edge_name)]
        impl<'a> $edge<'a> {
            /// An opaque cursor for paging from this item (`after`/`before`).
            async fn cursor(&self) -> String {
                self.cursor_text()
            }
            /// The item.
            async fn node(&self) -> &$node<'a> {
                self.item()
            }
        }

        impl<'a> $edge<'a> {
            /// The edge's cursor (resolvers and compiled plans call this).
            pub(crate) fn cursor_text(&self) -> String {
                $crate::api::paging::cursor(self.node.g, self.node.n)
            }

            /// The edge's item.
            pub(crate) fn item(&self) -> &$node<'a> {
                &self.node
            }
        }
    };
}
pub(crate) use connection;
