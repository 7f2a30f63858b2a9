//! The web server: GraphQL over HTTP (POST and GET), the playground, and `/health`;
//! answers over 1 KB compressed (gzip, brotli) for clients that accept it.
//!
//! Architecture Invariant: this is the only module that knows axum and the wire format of
//! GraphQL over HTTP (status codes, media types). It hands the API a parsed request and the
//! current graph snapshot, and never looks inside the graph itself.

pub mod assets;
pub mod cache;
mod conditional;
mod error;
mod export;
mod graphql;
pub mod media;
pub mod metrics;
pub mod tokens;
mod writes;
mod ws;

use crate::api::DiploSchema;
use crate::graph::{KnowledgeGraph, ServedGraph};
use axum::extract::State;
use axum::http::{HeaderValue, Method};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::trace::TraceLayer;

/// How the server behaves; every field has a safe default.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// Origins allowed to call the API from a browser; `*` allows any.
    pub cors_origins: Vec<String>,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The most operations one batched request may hold.
    pub max_batch: usize,
    /// How long one request may take.
    pub timeout: Duration,
    /// Bytes of answers kept by the response cache; 0 turns it off.
    pub response_cache_bytes: u64,
    /// The largest body of a request holding a mutation, in bytes (at most `max_body_bytes`).
    pub max_write_bytes: usize,
    /// Mutation fields one token may run per minute (each alias one); 0: no limit.
    pub writes_per_minute: u32,
    /// Whether operations are counted and timed for `/metrics` (the snapshot series are
    /// served in any case).
    pub metrics: bool,
    /// Operations slower than this get a log line (operation, cost, time); `None`: none do.
    pub slow_query: Option<Duration>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            cors_origins: vec!["*".into()],
            max_body_bytes: 256 * 1024,
            max_batch: 10,
            timeout: Duration::from_secs(10),
            response_cache_bytes: 64 * 1024 * 1024,
            max_write_bytes: 256 * 1024,
            writes_per_minute: 600,
            metrics: true,
            slow_query: None,
        }
    }
}

/// What every handler shares: the schema and the current graph snapshot.
#[derive(Clone)]
pub struct AppState {
    pub schema: DiploSchema,
    /// The graph being served; a reload swaps it whole.
    pub graph: ServedGraph,
    pub config: Arc<HttpConfig>,
    /// Answers already computed on the current snapshot; `None` when turned off.
    pub cache: Option<Arc<cache::ResponseCache>>,
    /// Writes: the service and the tokens allowed to use it; `None`: writes are disabled.
    pub writes: Option<Writes>,
    /// A replica's place in a shared change log, for `/health`; `None`: not a replica.
    pub log_health: Option<Arc<dyn Fn() -> LogHealth + Send + Sync>>,
}

/// A replica's place in the change log it shares with others, as `/health` reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct LogHealth {
    /// The last change applied here.
    pub applied: u64,
    /// The last change the log is known to hold.
    pub latest: u64,
    /// How long this replica has been behind the log.
    pub lag: Duration,
    /// The lag past which `/health` answers 503.
    pub max_lag: Duration,
    /// Whether the log can be reached now.
    pub reachable: bool,
    /// Why the replica stopped applying changes, if it did.
    pub stuck: Option<String>,
}

/// What a server that accepts writes holds.
#[derive(Clone)]
pub struct Writes {
    pub service: crate::api::WriteService,
    pub tokens: Arc<tokens::Tokens>,
    pub rate: Arc<tokens::RateLimit>,
}

impl AppState {
    /// State serving `graph` with `schema`.
    pub fn new(schema: DiploSchema, graph: Arc<KnowledgeGraph>, config: HttpConfig) -> Self {
        if config.metrics {
            metrics::handle();
        }
        let cache =
            (config.response_cache_bytes > 0).then(|| Arc::new(cache::ResponseCache::new(config.response_cache_bytes)));
        AppState {
            schema,
            graph: ServedGraph::new(graph),
            config: Arc::new(config),
            cache,
            writes: None,
            log_health: None,
        }
    }

    /// This state reporting a replica's place in its change log on `/health`.
    pub fn with_log_health(mut self, health: impl Fn() -> LogHealth + Send + Sync + 'static) -> Self {
        self.log_health = Some(Arc::new(health));
        self
    }

    /// This state accepting writes through `service` from the holders of `tokens`.
    pub fn with_writes(mut self, service: Arc<dyn crate::api::Writes>, tokens: tokens::Tokens) -> Self {
        let rate = Arc::new(tokens::RateLimit::new(self.config.writes_per_minute));
        self.writes = Some(Writes { service: crate::api::WriteService(service), tokens: Arc::new(tokens), rate });
        self
    }

    /// The snapshot a new request runs on.
    pub fn snapshot(&self) -> Arc<KnowledgeGraph> {
        self.graph.load()
    }
}

/// The router: `/graphql` (POST, GET), `/health`, `/metrics`, `/export/...`, and the
/// playground at `/`.
pub fn app(state: AppState) -> Router {
    let config = state.config.clone();
    Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphql/ws", get(ws::upgrade))
        .route("/health", get(health))
        .route("/metrics", get(metrics::get))
        .route("/export/{file}", get(export::get))
        .route("/", get(static_asset))
        .route("/explore", get(static_asset))
        .route("/playground/{file}", get(static_asset))
        .layer(compression())
        // Outside compression: it sees the coding chosen, gives a coded answer its own tag and
        // answers `If-None-Match`.
        .layer(axum::middleware::from_fn(conditional::per_coding))
        .layer(axum::extract::DefaultBodyLimit::max(config.max_body_bytes))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            config.timeout,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panic_response))
        .layer(cors(&config.cors_origins))
        // The span names the path only: a query string may hold what must never be logged
        // (a token sent in the URL is refused, but the span would come first).
        .layer(TraceLayer::new_for_http().make_span_with(|r: &axum::http::Request<axum::body::Body>| {
            tracing::debug_span!("request", method = %r.method(), path = %r.uri().path())
        }))
        .with_state(state)
}

/// A panic anywhere below becomes a masked GraphQL error (and a log line), never a dropped
/// connection.
fn panic_response(cause: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let text = cause.downcast_ref::<String>().map(String::as_str).or_else(|| cause.downcast_ref::<&str>().copied());
    tracing::error!(panic = text.unwrap_or("?"), "a request panicked");
    let body = serde_json::json!({ "errors": [{ "message": "internal error", "extensions": { "code": crate::api::Code::InternalServerError.as_str() } }] });
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        [(axum::http::header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// Bodies at least this long are compressed when the client accepts it; below, the headers
/// and the work outweigh the saving.
pub const COMPRESS_FROM_BYTES: u16 = 1024;

/// gzip or brotli for answers of at least [`COMPRESS_FROM_BYTES`] (or of unknown length, such
/// as the streamed exports, which stay streamed: each chunk is compressed as it comes), when
/// the client's `Accept-Encoding` allows; never for images or event streams, and never twice
/// (an answer that already has a `Content-Encoding`, such as a precompressed asset, is left
/// alone).
fn compression() -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
    tower_http::compression::CompressionLayer::new().gzip(true).br(true).compress_when(
        SizeAbove::new(COMPRESS_FROM_BYTES)
            .and(NotForContentType::GRPC)
            .and(NotForContentType::IMAGES)
            .and(NotForContentType::SSE),
    )
}

fn cors(origins: &[String]) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST])
        .allow_headers(Any)
        .expose_headers([axum::http::HeaderName::from_static(graphql::SNAPSHOT_HEADER)])
        .max_age(Duration::from_secs(3600));
    if origins.iter().any(|o| o == "*") {
        layer.allow_origin(Any)
    } else {
        layer.allow_origin(AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok())))
    }
}

/// `GET /`, `/explore` and `/playground/...`: the browser pages, their scripts, styles and
/// licences, in the best coding the client accepts. A hashed name is cached forever
/// (`immutable`); a plain name (the pages) is revalidated with its `ETag` (one per coding) and
/// answered 304 when unchanged (by [`conditional`]), so a second visit transfers only
/// validators.
async fn static_asset(uri: axum::http::Uri, headers: axum::http::HeaderMap) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    let Some((a, hashed)) = assets::lookup(uri.path()) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let accept = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let (coding, body) = a.encoded(accept);
    let cache_control = if hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
    let mut r = ([(header::CONTENT_TYPE, a.content_type)], body).into_response();
    if let Some(c) = coding.header() {
        r.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
    }
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    h.insert(header::ETAG, HeaderValue::from_static(a.etag));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    r
}

/// `GET /health`: liveness, and which data is loaded; for a replica, its place in the
/// change log, and 503 (`"status": "behind"`) while it lags more than allowed.
async fn health(State(state): State<AppState>) -> (axum::http::StatusCode, Json<serde_json::Value>) {
    let g = state.snapshot();
    let s = g.snapshot();
    let mut body = serde_json::json!({
        "status": "ok",
        "snapshot": { "hash": s.hash, "loadedAt": s.loaded_at.to_rfc3339(), "entities": g.entity_count() },
        "seed": s.source,
    });
    let mut status = axum::http::StatusCode::OK;
    if let Some(log) = state.log_health.as_ref().map(|f| f()) {
        if log.lag > log.max_lag {
            status = axum::http::StatusCode::SERVICE_UNAVAILABLE;
            body["status"] = "behind".into();
        }
        body["changeLog"] = serde_json::json!({
            "applied": log.applied,
            "latest": log.latest,
            "lagSeconds": log.lag.as_secs_f64(),
            "maxLagSeconds": log.max_lag.as_secs_f64(),
            "reachable": log.reachable,
            "stuck": log.stuck,
        });
    }
    (status, Json(body))
}

/// Serves `app` on `listener` until SIGINT or SIGTERM, then lets requests in flight finish.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
