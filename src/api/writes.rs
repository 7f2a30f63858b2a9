//! Writes: the `Mutation` root, `Change` and the change log, and [`Writes`], the service the
//! resolvers call. The API only defines the service; the write layer implements it (and
//! the HTTP layer attaches it, with the caller, to each request), so the API never sees how
//! a change is checked or stored.

use super::change_log::ChangeList;
use super::error::{coded, limit_exceeded, Code};
use super::inputs::ChangeInput;
use super::paging::{count_arg, PageInfo, DEFAULT_PAGE, MAX_PAGE};
use async_graphql::{Context, Enum, ErrorExtensions, Object, Result, SimpleObject, ID};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use std::sync::Arc;

/// Whether a change added records or removed them.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "ChangeKind")]
pub enum ChangeKind {
    /// Records added or replaced by `applyChange`.
    Apply,
    /// Records removed by `retract`.
    Retract,
}

/// One applied change, as the change log keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeEntry {
    /// 1, 2, 3... in the order applied.
    pub seq: u64,
    pub at: DateTime<Utc>,
    /// The name of the token that made it.
    pub author: String,
    pub kind: ChangeKind,
    /// The comment of `applyChange` or the reason of `retract`.
    pub comment: Option<String>,
    /// The ids of the records added, replaced or removed, in the order given.
    pub ids: Vec<String>,
    /// The snapshot hash the graph has once it is applied.
    pub snapshot: String,
}

/// One problem of a refused change: the record, the field, what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The id of the record concerned, when there is one.
    pub id: Option<String>,
    /// The field concerned (camelCase, `participants[0].sources`), when known.
    pub field: Option<String>,
    pub message: String,
}

/// Why a change was not applied (nothing of it was).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The records break the seed's rules: every problem found.
    #[error("the change was refused: {} problem{}", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Invalid(Vec<Problem>),
    /// More records than one change may hold.
    #[error("a change holds at most {max} records (got {got})")]
    TooLarge { max: usize, got: usize },
    /// The change log refused or lost the record (disk full, journal failed): nothing was
    /// applied. `cause` is the log's own code (`JOURNAL_FULL`...) when it has one.
    #[error("the change could not be written to the change log ({cause}); nothing was applied")]
    Unavailable { cause: String, detail: String },
    /// Something broke on our side; the cause is logged.
    #[error("the change could not be written to the change log")]
    Log(String),
}

impl WriteError {
    /// The GraphQL error, with its code (and `problems` for an invalid change).
    pub fn to_error(&self) -> async_graphql::Error {
        match self {
            WriteError::Invalid(problems) => {
                let list = async_graphql::to_value(problems).unwrap_or_default();
                coded(Code::BadUserInput, self.to_string()).extend_with(|_, e| e.set("problems", list.clone()))
            }
            WriteError::TooLarge { .. } => limit_exceeded(self.to_string()),
            WriteError::Unavailable { cause, detail } => {
                tracing::error!(cause, detail, "the change log refused a change");
                let cause = cause.clone();
                coded(Code::WriteFailed, self.to_string()).extend_with(move |_, e| e.set("cause", cause.clone()))
            }
            WriteError::Log(cause) => {
                tracing::error!(cause, "a change could not be written");
                coded(Code::InternalServerError, self.to_string())
            }
        }
    }
}

/// The service that applies changes and keeps their log.
#[async_trait::async_trait]
pub trait Writes: Send + Sync {
    /// Checks and applies `change` (all or nothing); once it answers, the change is durable
    /// and every query that starts after sees it.
    async fn apply(&self, author: &str, change: ChangeInput) -> std::result::Result<ChangeEntry, WriteError>;
    /// Removes the records `ids`, refused while records that stay refer to one of them.
    async fn retract(
        &self,
        author: &str,
        ids: Vec<String>,
        reason: String,
    ) -> std::result::Result<ChangeEntry, WriteError>;
    /// Every change applied and visible, oldest first (taken in O(1), never copied), and
    /// the last one compacted into the seed before them.
    fn changes(&self) -> ChangeList;
    /// The changes made visible from now on, in order.
    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<ChangeEntry>;
}

/// The write service of a server, in the request data (absent: writes are disabled).
#[derive(Clone)]
pub struct WriteService(pub Arc<dyn Writes>);

/// Who sent the request, in the request data when a write token came with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Author(pub String);

/// An applied change.
#[derive(Clone)]
pub struct ChangeObj(pub ChangeEntry);

/// An applied change.
#[Object(name = "Change")]
impl ChangeObj {
    /// Stable global id, "change:1".
    pub async fn id(&self) -> ID {
        ID(format!("change:{}", self.0.seq))
    }
    /// 1, 2, 3... in the order applied.
    async fn seq(&self) -> i64 {
        self.0.seq as i64
    }
    /// When it was applied (RFC 3339).
    async fn at(&self) -> String {
        self.0.at.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
    /// The name of the token that made it.
    async fn author(&self) -> &str {
        &self.0.author
    }
    /// Whether it added or removed records.
    async fn kind(&self) -> ChangeKind {
        self.0.kind
    }
    /// The comment given with applyChange, or the reason given with retract.
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }
    /// The ids of the records added, replaced or removed, in the order given.
    async fn ids(&self) -> Vec<ID> {
        self.0.ids.iter().cloned().map(ID).collect()
    }
    /// The snapshot hash the graph has once this change is applied.
    async fn snapshot(&self) -> &str {
        &self.0.snapshot
    }
}

/// A change with its cursor.
#[derive(SimpleObject)]
#[graphql(name = "ChangeEdge")]
pub struct ChangeEdge {
    /// Where this change stands in the log, for `after`/`before`.
    cursor: String,
    /// The change.
    node: ChangeObj,
}

/// A page of the change log.
pub struct ChangeConnection {
    page: Vec<ChangeEntry>,
    info: PageInfo,
    total: usize,
}

/// A page of the change log.
#[Object(name = "ChangeConnection")]
impl ChangeConnection {
    /// The changes of this page with their cursors.
    async fn edges(&self) -> Vec<ChangeEdge> {
        self.page.iter().map(|c| ChangeEdge { cursor: cursor(c.seq), node: ChangeObj(c.clone()) }).collect()
    }
    /// The changes of this page.
    async fn nodes(&self) -> Vec<ChangeObj> {
        self.page.iter().cloned().map(ChangeObj).collect()
    }
    /// Where this page stands in the whole log.
    async fn page_info(&self) -> &PageInfo {
        &self.info
    }
    /// How many changes the log holds.
    async fn total_count(&self) -> usize {
        self.total
    }
}

/// The cursor of the change `seq`.
pub fn cursor(seq: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:change:{seq}"))
}

/// The `seq` a change cursor carries.
pub fn decode_cursor(cursor: &str) -> Result<u64> {
    let invalid = || super::error::bad_input(format!("`{cursor}` is not a cursor of the change log"));
    let bytes = URL_SAFE_NO_PAD.decode(cursor.as_bytes()).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    text.strip_prefix("v1:change:").and_then(|s| s.parse().ok()).ok_or_else(invalid)
}

/// The refusal of a cursor naming change `seq`, which is older than the log: the changes up
/// to `through` were compacted into the seed (`diplograph compact`), so what came after
/// `seq` cannot be listed; the client reloads what it shows and follows the log again.
pub fn compacted(seq: u64, through: u64) -> async_graphql::Error {
    let message = format!(
        "the cursor names change {seq}, but the changes up to {through} were compacted into the seed: \
         reload what you show (it holds them), then follow the change log from its start (no cursor)"
    );
    coded(Code::BadUserInput, message).extend_with(move |_, e| {
        e.set("cause", "CHANGES_COMPACTED");
        e.set("compactedThrough", through);
    })
}

/// The page of `log` (in seq order) that `first/after/last/before` select. A cursor naming
/// a change compacted into the seed is refused ([`compacted`]), except `after` the last one
/// compacted (nothing is missing after it).
pub fn change_page(
    log: &ChangeList,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> Result<ChangeConnection> {
    let after = after.as_deref().map(decode_cursor).transpose()?;
    let before = before.as_deref().map(decode_cursor).transpose()?;
    let through = log.compacted();
    if let Some(seq) = after.filter(|&a| a < through).or(before.filter(|&b| b <= through)) {
        return Err(compacted(seq, through));
    }
    let lo = after.map_or(0, |a| log.after(a));
    let hi = before.map_or(log.len(), |b| b.checked_sub(1).map_or(0, |b| log.after(b))).max(lo);
    let (mut p, mut q) = (lo, hi);
    if let Some(n) = first.map(|_| count_arg("first", first, DEFAULT_PAGE, MAX_PAGE)).transpose()? {
        q = q.min(p + n);
    }
    if let Some(n) = last.map(|_| count_arg("last", last, DEFAULT_PAGE, MAX_PAGE)).transpose()? {
        p = p.max(q.saturating_sub(n));
    }
    if first.is_none() && last.is_none() {
        q = q.min(p + DEFAULT_PAGE);
    }
    let page: Vec<ChangeEntry> = log.range(p, q).cloned().collect();
    let info = PageInfo {
        has_next_page: q < hi,
        has_previous_page: p > lo,
        start_cursor: page.first().map(|c| cursor(c.seq)),
        end_cursor: page.last().map(|c| cursor(c.seq)),
    };
    Ok(ChangeConnection { page, info, total: log.len() })
}

/// The change log of the running request's server (empty without writes).
pub fn change_log(ctx: &Context<'_>) -> ChangeList {
    ctx.data_opt::<WriteService>().map_or_else(ChangeList::empty, |w| w.0.changes())
}

/// The change `seq`, if the log holds it.
pub fn change(ctx: &Context<'_>, seq: u64) -> Option<ChangeObj> {
    change_log(ctx).find(seq).cloned().map(ChangeObj)
}

/// The service and author of a mutation, or why it may not run.
fn writer<'a>(ctx: &Context<'a>) -> Result<(&'a WriteService, &'a str)> {
    let service =
        ctx.data_opt::<WriteService>().ok_or_else(|| coded(Code::Forbidden, "writes are disabled on this server"))?;
    let author = ctx
        .data_opt::<Author>()
        .ok_or_else(|| coded(Code::Unauthenticated, "a write needs `Authorization: Bearer <token>`"))?;
    Ok((service, &author.0))
}

/// Change feeds.
pub struct Subscription;

/// Where a change feed stands: the live receiver, the logged changes still to send (from
/// `next` of `backlog`), the last seq sent.
struct Feed {
    live: Option<tokio::sync::broadcast::Receiver<ChangeEntry>>,
    service: Option<Arc<dyn Writes>>,
    backlog: ChangeList,
    next: usize,
    last: u64,
}

impl Feed {
    /// The next change after `last`: the backlog first, then live ones; a receiver that
    /// fell behind reads what it missed from the log.
    async fn next(mut self) -> Option<(ChangeObj, Feed)> {
        loop {
            if let Some(c) = self.backlog.get(self.next).cloned() {
                self.next += 1;
                if c.seq > self.last {
                    self.last = c.seq;
                    return Some((ChangeObj(c), self));
                }
                continue;
            }
            let live = self.live.as_mut()?;
            match live.recv().await {
                Ok(c) if c.seq > self.last => {
                    self.last = c.seq;
                    return Some((ChangeObj(c), self));
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    self.backlog = self.service.as_ref()?.changes();
                    self.next = self.backlog.after(self.last);
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

#[async_graphql::Subscription]
impl Subscription {
    /// Every change applied from now on, over graphql-transport-ws at /graphql/ws; with after, first the changes after that change's cursor, so a client that lost its connection misses nothing. A cursor of a change compacted into the seed since (diplograph compact) is refused with BAD_USER_INPUT, extensions.cause CHANGES_COMPACTED and extensions.compactedThrough: reload, then subscribe again.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
    ) -> Result<impl futures_util::Stream<Item = ChangeObj>> {
        let service = ctx.data_opt::<WriteService>().map(|w| w.0.clone());
        // Subscribe before reading the log, so that nothing falls between the two.
        let live = service.as_ref().map(|s| s.subscribe());
        let backlog = service.as_ref().map_or_else(ChangeList::empty, |s| s.changes());
        let (next, last) = match after.as_deref().map(decode_cursor).transpose()? {
            Some(after) if after < backlog.compacted() => return Err(compacted(after, backlog.compacted())),
            Some(after) => (backlog.after(after), after),
            None => (backlog.len(), backlog.last().map_or(backlog.compacted(), |c| c.seq)),
        };
        let feed = Feed { live, service, backlog, next, last };
        Ok(futures_util::stream::unfold(feed, Feed::next))
    }
}

/// Writes: curated changes, durable and logged.
pub struct Mutation;

#[Object]
impl Mutation {
    /// Adds or replaces (by id) every record in `change`, atomically. The records are checked by the seed's rules against the graph as it will be after the change (ids well formed, references resolve to the right kind, every fact and relation cites a source that exists or comes in the same change, vocabularies, dates). Any problem: nothing is applied and the error (code BAD_USER_INPUT) lists every problem in extensions.problems, each with the record id and field. Applied: the change is on disk (fsync) before the answer is sent, and every query that starts after the answer sees it.
    async fn apply_change(&self, ctx: &Context<'_>, change: ChangeInput) -> Result<ChangeObj> {
        let (service, author) = writer(ctx)?;
        service.0.apply(author, change).await.map(ChangeObj).map_err(|e| e.to_error())
    }
    /// Removes records by id, keeping the reason in the change log. Refused (listing them) while records that stay refer to one of them.
    async fn retract(&self, ctx: &Context<'_>, ids: Vec<ID>, reason: String) -> Result<ChangeObj> {
        let (service, author) = writer(ctx)?;
        let ids = ids.into_iter().map(|id| id.0).collect();
        service.0.retract(author, ids, reason).await.map(ChangeObj).map_err(|e| e.to_error())
    }
}
