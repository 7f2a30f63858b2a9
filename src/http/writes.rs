//! Access to writes over HTTP: a request holding a mutation needs a write token
//! (`Authorization: Bearer`), within the write body and rate limits; every request gets
//! the write service (for `changes`), and a mutation its author. The rate limit counts
//! mutation fields, not requests: `{ a: applyChange(..) b: applyChange(..) }` is two writes.

use super::error::HttpError;
use super::tokens::{Role, Token};
use super::{AppState, Writes};
use crate::api::Author;
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Name, Request};
use axum::http::{header, HeaderMap};
use std::collections::HashMap;

/// True when the query string carries something that looks like a token.
pub fn token_in_url(raw: Option<&str>) -> bool {
    raw.unwrap_or_default().split('&').any(|pair| {
        let key = pair.split('=').next().unwrap_or_default().to_ascii_lowercase();
        matches!(key.as_str(), "token" | "access_token" | "bearer" | "authorization")
    })
}

/// The token of an `Authorization` value: `Bearer <token>` (or `bearer`), trimmed.
pub fn bearer(value: &str) -> Option<&str> {
    value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")).map(str::trim)
}

/// The author of `cost` writes by the holder of `token` in a request of `size` bytes, or
/// why they may not run: a read token, a body over the write limit, the token's rate spent
/// (the writes are counted when they fit). The same checks for `/graphql` and the socket.
pub fn allow_write(state: &AppState, w: &Writes, token: &Token, size: usize, cost: u32) -> Result<Author, HttpError> {
    if token.role != Role::Write {
        return Err(HttpError::ReadOnlyToken(token.name.clone()));
    }
    if size > state.config.max_write_bytes {
        return Err(HttpError::WriteTooLarge(state.config.max_write_bytes));
    }
    if !w.rate.allow(&token.name, cost) {
        return Err(HttpError::WriteRate(token.name.clone(), state.config.writes_per_minute));
    }
    Ok(Author(token.name.clone()))
}

/// The requests with what they need attached, and whether one of them is a mutation; or
/// why a mutation among them may not run (then none runs).
pub fn attach(
    state: &AppState,
    headers: &HeaderMap,
    body_len: usize,
    requests: Vec<Request>,
) -> Result<(Vec<Request>, bool), HttpError> {
    let fields: Vec<Option<u32>> = requests.iter().map(mutation_fields).collect();
    let writes = fields.iter().any(Option::is_some);
    let cost = fields.iter().flatten().fold(0u32, |sum, n| sum.saturating_add(*n));
    let Some(w) = &state.writes else {
        return if writes { Err(HttpError::WritesDisabled) } else { Ok((requests, false)) };
    };
    if writes && w.tokens.is_empty() {
        return Err(HttpError::WritesDisabled);
    }
    let author = if writes {
        let presented = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(bearer);
        let token = presented.and_then(|p| w.tokens.check(p)).ok_or(HttpError::Unauthenticated)?;
        Some(allow_write(state, w, token, body_len, cost)?)
    } else {
        None
    };
    let requests = requests
        .into_iter()
        .map(|r| {
            let r = r.data(w.service.clone());
            match &author {
                Some(a) => r.data(a.clone()),
                None => r,
            }
        })
        .collect();
    Ok((requests, writes))
}

/// The writes a request costs: `None` when the operation it runs is not a mutation (or it
/// does not parse: the API refuses it), else the mutation fields it selects at its root,
/// each alias one, fragments expanded (each fragment counted once however often it is
/// spread, so that counting stays linear), `__typename` free, `@skip`/`@include` ignored;
/// at least 1.
pub fn mutation_fields(request: &Request) -> Option<u32> {
    // The cached document, which the answer then uses too: a known text is not parsed again.
    crate::api::documents::with_parsed(&request.query, |doc| {
        let operation = match &request.operation_name {
            Some(name) => doc.operations.iter().find(|(n, _)| n.is_some_and(|n| n.as_str() == name))?.1,
            None => doc.operations.iter().next()?.1,
        };
        if operation.node.ty != OperationType::Mutation {
            return None;
        }
        Some(root_fields(doc, &operation.node.selection_set.node, &mut HashMap::new()).max(1))
    })
    .flatten()
}

/// The fields of `set`, fragments expanded; `counted` holds each fragment's count once
/// known (`None` while it is being counted: a cycle, which validation refuses, counts 0).
fn root_fields(doc: &ExecutableDocument, set: &SelectionSet, counted: &mut HashMap<Name, Option<u32>>) -> u32 {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => u32::from(!f.node.name.node.starts_with("__")),
            Selection::InlineFragment(i) => root_fields(doc, &i.node.selection_set.node, counted),
            Selection::FragmentSpread(s) => {
                let name = &s.node.fragment_name.node;
                if let Some(known) = counted.get(name) {
                    return known.unwrap_or(0);
                }
                counted.insert(name.clone(), None);
                let n = doc.fragments.get(name).map_or(0, |f| root_fields(doc, &f.node.selection_set.node, counted));
                counted.insert(name.clone(), Some(n));
                n
            }
        })
        .fold(0, u32::saturating_add)
}
