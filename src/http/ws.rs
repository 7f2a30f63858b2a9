//! `GET /graphql/ws`: subscriptions over graphql-transport-ws (and the older graphql-ws),
//! served by async-graphql-axum. Each connection gets the write service (for the change
//! feed); each operation on it runs on the snapshot served when it starts, as a request to
//! `/graphql` does, so a query sent after a change (or a reload) sees it. A token in the
//! URL is refused as on `/graphql`.

use super::error::HttpError;
use super::media::Answer;
use super::AppState;
use crate::api::{self, DiploSchema};
use crate::graph::ServedGraph;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::{Data, Executor, Request, Response};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response as HttpResponse};
use futures_util::stream::BoxStream;
use std::sync::Arc;

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
        .on_upgrade(move |stream| {
            let mut data = Data::default();
            if let Some(w) = &state.writes {
                data.insert(w.service.clone());
            }
            let executor = Live { schema: state.schema.clone(), graph: state.graph.clone() };
            GraphQLWebSocket::new(stream, executor, protocol).with_data(data).serve()
        })
        .into_response()
}

/// The schema, running each operation of a socket on the snapshot served when it starts.
#[derive(Clone)]
struct Live {
    schema: DiploSchema,
    graph: ServedGraph,
}

impl Executor for Live {
    async fn execute(&self, request: Request) -> Response {
        api::execute(&self.schema, request, self.graph.load()).await
    }

    fn execute_stream(&self, request: Request, session: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        api::execute_stream(&self.schema, request, self.graph.load(), session.unwrap_or_default())
    }
}
