//! `GET /graphql/ws`: subscriptions over graphql-transport-ws (and the older graphql-ws),
//! served by async-graphql-axum. Each connection gets the write service (for the change
//! feed) and the snapshot it started on. A token in the URL is refused as on `/graphql`.

use super::error::HttpError;
use super::media::Answer;
use super::AppState;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::Data;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};

/// Upgrades to a GraphQL WebSocket.
pub async fn upgrade(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    protocol: GraphQLProtocol,
    websocket: WebSocketUpgrade,
) -> Response {
    if super::writes::token_in_url(raw.as_deref()) {
        return HttpError::TokenInUrl.answered_as(Answer::Json).into_response();
    }
    websocket
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            let mut data = Data::default();
            data.insert(state.snapshot());
            if let Some(w) = &state.writes {
                data.insert(w.service.clone());
            }
            GraphQLWebSocket::new(stream, state.schema.clone(), protocol).with_data(data).serve()
        })
        .into_response()
}
