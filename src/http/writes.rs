//! Access to writes over HTTP: a request holding a mutation needs a write token
//! (`Authorization: Bearer`), within the write body and rate limits; every request gets
//! the write service (for `changes`), and a mutation its author.

use super::error::HttpError;
use super::graphql::operation_type;
use super::AppState;
use crate::api::Author;
use async_graphql::parser::types::OperationType;
use async_graphql::Request;
use axum::http::{header, HeaderMap};

/// True when the query string carries something that looks like a token.
pub fn token_in_url(raw: Option<&str>) -> bool {
    raw.unwrap_or_default().split('&').any(|pair| {
        let key = pair.split('=').next().unwrap_or_default().to_ascii_lowercase();
        matches!(key.as_str(), "token" | "access_token" | "bearer" | "authorization")
    })
}

/// The requests with what they need attached, and whether one of them is a mutation; or
/// why a mutation among them may not run (then none runs).
pub fn attach(
    state: &AppState,
    headers: &HeaderMap,
    body_len: usize,
    requests: Vec<Request>,
) -> Result<(Vec<Request>, bool), HttpError> {
    let writes = requests.iter().any(|r| operation_type(r) == Some(OperationType::Mutation));
    let Some(w) = &state.writes else {
        return if writes { Err(HttpError::WritesDisabled) } else { Ok((requests, false)) };
    };
    if writes && w.tokens.is_empty() {
        return Err(HttpError::WritesDisabled);
    }
    let author = if writes {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim);
        let token = presented.and_then(|p| w.tokens.check(p)).ok_or(HttpError::Unauthenticated)?;
        if token.role != super::tokens::Role::Write {
            return Err(HttpError::ReadOnlyToken(token.name.clone()));
        }
        if body_len > state.config.max_write_bytes {
            return Err(HttpError::WriteTooLarge(state.config.max_write_bytes));
        }
        if !w.rate.allow(&token.name) {
            return Err(HttpError::WriteRate(token.name.clone()));
        }
        Some(Author(token.name.clone()))
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
