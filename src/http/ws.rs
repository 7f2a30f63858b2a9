//! `GET /graphql/ws`: subscriptions over graphql-transport-ws (and the older graphql-ws),
//! served by async-graphql-axum. Each connection gets the write service (for the change
//! feed); each operation on it runs on the snapshot served when it starts, as a request to
//! `/graphql` does, so a query sent after a change (or a reload) sees it. A token in the
//! URL is refused as on `/graphql`.
//!
//! A socket carries no header, so a client that writes over it gives its token in the
//! `connection_init` payload, as Apollo's and graphql-ws's clients send `connectionParams`:
//! `{"Authorization": "Bearer <token>"}` (the key in any case, at the top or under
//! `headers`). It is checked as the header is on `/graphql` (by digest, in constant time;
//! never logged or kept): an unknown token closes the socket with `4403: Forbidden`, as
//! graphql-transport-ws says a refused `connection_init` does; none is a reader's socket.
//! Each mutation sent over it then passes the same checks as one over HTTP (writes enabled,
//! a write token, the write body limit, the token's write rate, counted by mutation field)
//! and is refused with the same code otherwise.

use super::error::HttpError;
use super::media::Answer;
use super::AppState;
use crate::api;
use crate::http::tokens::Token;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::{Data, ErrorExtensionValues, Executor, Request, Response, ServerError};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response as HttpResponse};
use futures_util::stream::BoxStream;
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;

/// The close code of a refused `connection_init` (graphql-transport-ws: `4403: Forbidden`).
pub const FORBIDDEN: u16 = 4403;
/// The reason async-graphql closes a socket with when `connection_init` is refused by us
/// (its code, 1002, is rewritten to [`FORBIDDEN`]).
const REFUSED: &str = "Forbidden: the token of connection_init is not known";

/// Upgrades to a GraphQL WebSocket.
pub async fn upgrade(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    protocol: GraphQLProtocol,
    websocket: WebSocketUpgrade,
) -> HttpResponse {
    if super::writes::token_in_url(raw.as_deref()) {
        return HttpError::TokenInUrl.answered_as(Answer::Json).into_response();
    }
    websocket
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let mut data = Data::default();
            if let Some(w) = &state.writes {
                data.insert(w.service.clone());
            }
            let (sink, stream) = socket.split();
            // async-graphql closes a refused `connection_init` with 1002; the protocol says 4403.
            let sink = sink.with(|m: Message| futures_util::future::ready(Ok::<_, axum::Error>(forbidden(m))));
            let init_state = state.clone();
            let executor = Live { state };
            GraphQLWebSocket::new_with_pair(sink, stream, executor, protocol)
                .with_data(data)
                .on_connection_init(move |payload| futures_util::future::ready(connection_init(&init_state, &payload)))
                .serve()
        })
        .into_response()
}

/// The token a socket's `connection_init` gave, once checked.
#[derive(Clone)]
struct SocketToken(Token);

/// The connection data of a socket whose `connection_init` carried `payload`: its token's
/// when it gave a known one, none when it gave none (or writes are disabled: mutations are
/// refused then whatever it gave), refused when it gave one that is not known.
fn connection_init(state: &AppState, payload: &serde_json::Value) -> async_graphql::Result<Data> {
    let mut data = Data::default();
    let Some(w) = state.writes.as_ref().filter(|w| !w.tokens.is_empty()) else { return Ok(data) };
    let Some(value) = authorization(payload) else { return Ok(data) };
    let token = value.as_str().and_then(super::writes::bearer).and_then(|p| w.tokens.check(p));
    match token {
        Some(t) => {
            data.insert(SocketToken(t.clone()));
            Ok(data)
        }
        None => Err(async_graphql::Error::new(REFUSED)),
    }
}

/// The `Authorization` value of a `connection_init` payload: its key in any case, at the top
/// of the payload or in its `headers` object.
fn authorization(payload: &serde_json::Value) -> Option<&serde_json::Value> {
    key(payload, "authorization").or_else(|| key(key(payload, "headers")?, "authorization"))
}

/// The value of `name` (in any case) in the object `o`.
fn key<'a>(o: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
    o.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v)
}

/// `m`, with the close of a refused `connection_init` given its protocol code.
fn forbidden(m: Message) -> Message {
    match m {
        Message::Close(Some(frame)) if frame.code == 1002 && frame.reason.as_str() == REFUSED => {
            Message::Close(Some(CloseFrame { code: FORBIDDEN, reason: frame.reason }))
        }
        m => m,
    }
}

/// The schema, running each operation of a socket on the snapshot served when it starts,
/// a mutation only past the write checks of `/graphql`.
#[derive(Clone)]
struct Live {
    state: AppState,
}

impl Live {
    /// `request` with its author attached when it is a mutation allowed to run, or why not.
    fn authorize(&self, request: Request, session: &Data) -> Result<Request, HttpError> {
        let Some(cost) = super::writes::mutation_fields(&request) else { return Ok(request) };
        let state = &self.state;
        let w = state.writes.as_ref().filter(|w| !w.tokens.is_empty()).ok_or(HttpError::WritesDisabled)?;
        let SocketToken(token) = session
            .get(&std::any::TypeId::of::<SocketToken>())
            .and_then(|d| d.downcast_ref::<SocketToken>())
            .ok_or(HttpError::SocketUnauthenticated)?;
        let size = request.query.len() + serde_json::to_string(&request.variables).map_or(0, |v| v.len());
        let author = super::writes::allow_write(state, w, token, size, cost)?;
        Ok(request.data(author))
    }
}

impl Executor for Live {
    async fn execute(&self, request: Request) -> Response {
        api::execute(&self.state.schema, request, self.state.graph.load()).await
    }

    fn execute_stream(&self, request: Request, session: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        let session = session.unwrap_or_default();
        match self.authorize(request, &session) {
            Ok(request) => api::execute_stream(&self.state.schema, request, self.state.graph.load(), session),
            Err(refused) => {
                let mut error = ServerError::new(refused.to_string(), None);
                let mut extensions = ErrorExtensionValues::default();
                extensions.set("code", refused.code().as_str());
                error.extensions = Some(extensions);
                futures_util::stream::once(futures_util::future::ready(Response::from_errors(vec![error]))).boxed()
            }
        }
    }
}
