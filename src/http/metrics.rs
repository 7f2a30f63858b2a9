//! `GET /metrics`: what the server serves, in the Prometheus text format, through the
//! `metrics` facade and `metrics-exporter-prometheus`'s recorder (installed once per process
//! as the global recorder; its upkeep runs on a thread of its own every few seconds).
//!
//! The series (every name starts with `diplograph_`):
//! - `requests_total{operation,code}`: GraphQL operations answered, by operation name
//!   (`anonymous` without one; at most [`MAX_OPERATIONS`] names, then `other`) and the code
//!   of the first error (`OK` without errors);
//! - `errors_total{operation,code}`: errors in those answers, one per error;
//! - `request_duration_seconds{operation}`: a histogram of the time to answer;
//! - `response_cache_hits_total`, `response_cache_misses_total`: the response cache;
//! - `plan_cache_hits_total`: operations answered from a compiled plan (`api::answer`
//!   returning `Planned`), counted by the GraphQL handler;
//! - `reloads_total`, `reload_failures_total`: seed reloads swapped in, and refused
//!   (counted by `reload`, under these names);
//! - `snapshot_info{hash}` (always 1), `snapshot_loaded_timestamp_seconds` and
//!   `snapshot_age_seconds`: the data being served, read from the snapshot at each scrape.
//!
//! A slow-query log line (operation, cost, time) is written at `warn` level for operations
//! slower than [`super::HttpConfig::slow_query`].

use super::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// Operations answered, by `operation` and `code`.
pub const REQUESTS: &str = "diplograph_requests_total";
/// Errors in answers, by `operation` and `code`.
pub const ERRORS: &str = "diplograph_errors_total";
/// Time to answer an operation, by `operation`.
pub const DURATION: &str = "diplograph_request_duration_seconds";
/// Answers found in the response cache.
pub const CACHE_HITS: &str = "diplograph_response_cache_hits_total";
/// Answers not found in the response cache (then computed).
pub const CACHE_MISSES: &str = "diplograph_response_cache_misses_total";
/// Operations answered from a compiled plan.
pub const PLAN_CACHE_HITS: &str = "diplograph_plan_cache_hits_total";
/// Seed reloads swapped in (incremented by `reload` under this name).
pub const RELOADS: &str = "diplograph_reloads_total";
/// Seed reloads refused (incremented by `reload` under this name).
pub const RELOAD_FAILURES: &str = "diplograph_reload_failures_total";

/// How many distinct operation names get a label of their own; later ones count as `other`.
pub const MAX_OPERATIONS: usize = 200;

/// The histogram buckets of [`DURATION`], in seconds: 50 µs to 2.5 s.
const BUCKETS: [f64; 14] =
    [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 2.5];

/// The recorder's handle, installing the recorder on first use; `None` when another global
/// recorder was installed first (then `/metrics` shows only the snapshot).
pub fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder =
                PrometheusBuilder::new().set_buckets_for_metric(Matcher::Full(DURATION.to_owned()), &BUCKETS).ok()?;
            let handle = match builder.install_recorder() {
                Ok(h) => h,
                Err(e) => {
                    tracing::warn!("/metrics has no recorder: {e}");
                    return None;
                }
            };
            describe();
            let upkeep = handle.clone();
            let spawned = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(move || loop {
                std::thread::sleep(Duration::from_secs(5));
                upkeep.run_upkeep();
            });
            if let Err(e) = spawned {
                tracing::warn!("cannot start the metrics upkeep thread: {e}");
            }
            Some(handle)
        })
        .as_ref()
}

/// Describes every series and registers the counters at zero, so that a scrape shows them
/// before anything happened.
fn describe() {
    use metrics::{describe_counter, describe_histogram, Unit};
    describe_counter!(REQUESTS, "GraphQL operations answered, by operation name and the code of the first error");
    describe_counter!(ERRORS, "Errors in GraphQL answers, by operation name and code");
    describe_histogram!(DURATION, Unit::Seconds, "Time to answer a GraphQL operation");
    describe_counter!(CACHE_HITS, "Answers sent from the response cache");
    describe_counter!(CACHE_MISSES, "Answers computed because the response cache did not hold them");
    describe_counter!(PLAN_CACHE_HITS, "Operations answered from a compiled plan");
    describe_counter!(RELOADS, "Seed reloads swapped in");
    describe_counter!(RELOAD_FAILURES, "Seed reloads refused (the previous data is still served)");
    for name in [CACHE_HITS, CACHE_MISSES, PLAN_CACHE_HITS, RELOADS, RELOAD_FAILURES] {
        metrics::counter!(name).absolute(0);
    }
}

/// The series an operation name counts into: its label's request counter (for answers
/// without errors) and duration histogram, kept once made, so that an answer costs no label
/// allocation, hashing or registry look-up (the fixed cost of `/metrics` per request).
struct Series {
    label: String,
    ok: metrics::Counter,
    duration: metrics::Histogram,
}

impl Series {
    fn of(label: String) -> Self {
        let ok = metrics::counter!(REQUESTS, "operation" => label.clone(), "code" => "OK");
        let duration = metrics::histogram!(DURATION, "operation" => label.clone());
        Series { label, ok, duration }
    }
}

/// Whether `name` may be a label: a GraphQL name of at most 64 bytes.
fn labelable(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit()
}

/// The series of an operation name: its own when it is a GraphQL name among the first
/// [`MAX_OPERATIONS`] seen, `anonymous` without one, else `other` (clients choose names, and
/// each label value is a series kept forever).
fn series(name: Option<&str>) -> Arc<Series> {
    static SEEN: OnceLock<Mutex<HashMap<String, Arc<Series>>>> = OnceLock::new();
    // The recorder first: a series made before it would count nowhere.
    handle();
    let label = match name {
        None => "anonymous",
        Some(n) if labelable(n) => n,
        Some(_) => "other",
    };
    let Ok(mut seen) = SEEN.get_or_init(Default::default).lock() else {
        return Arc::new(Series::of("other".to_owned()));
    };
    if let Some(s) = seen.get(label) {
        return s.clone();
    }
    // `anonymous` and `other` are not among the names counted against the limit.
    let names = seen.keys().filter(|k| *k != "anonymous" && *k != "other").count();
    let label = match label {
        "anonymous" | "other" => label,
        _ if names < MAX_OPERATIONS => label,
        _ => "other",
    };
    seen.entry(label.to_owned()).or_insert_with(|| Arc::new(Series::of(label.to_owned()))).clone()
}

/// Records one answered operation, named `name`: its count, its errors by code, and how long
/// it took.
pub fn record(name: Option<&str>, codes: &[&'static str], took: Duration) {
    let series = series(name);
    match codes.first() {
        None => series.ok.increment(1),
        Some(&first) => {
            let operation = &series.label;
            metrics::counter!(REQUESTS, "operation" => operation.clone(), "code" => first).increment(1);
            for code in codes {
                metrics::counter!(ERRORS, "operation" => operation.clone(), "code" => *code).increment(1);
            }
        }
    }
    series.duration.record(took.as_secs_f64());
}

/// Records an operation answered from a compiled plan.
pub fn plan_hit() {
    static HITS: OnceLock<metrics::Counter> = OnceLock::new();
    HITS.get_or_init(|| {
        handle();
        metrics::counter!(PLAN_CACHE_HITS)
    })
    .increment(1);
}

/// Records a lookup of the response cache.
pub fn cache_lookup(hit: bool) {
    metrics::counter!(if hit { CACHE_HITS } else { CACHE_MISSES }).increment(1);
}

/// `GET /metrics`.
pub async fn get(State(state): State<AppState>) -> Response {
    let mut text = handle().map(PrometheusHandle::render).unwrap_or_default();
    let g = state.snapshot();
    let s = g.snapshot();
    let loaded = s.loaded_at.timestamp_millis() as f64 / 1000.0;
    let age = (chrono::Utc::now() - s.loaded_at).num_milliseconds().max(0) as f64 / 1000.0;
    let hash: String = s.hash.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    text.push_str(&format!(
        "# HELP diplograph_snapshot_info The data being served: its snapshot hash.\n\
         # TYPE diplograph_snapshot_info gauge\n\
         diplograph_snapshot_info{{hash=\"{hash}\"}} 1\n\
         # HELP diplograph_snapshot_loaded_timestamp_seconds When the served snapshot was loaded (Unix time).\n\
         # TYPE diplograph_snapshot_loaded_timestamp_seconds gauge\n\
         diplograph_snapshot_loaded_timestamp_seconds {loaded}\n\
         # HELP diplograph_snapshot_age_seconds How long ago the served snapshot was loaded.\n\
         # TYPE diplograph_snapshot_age_seconds gauge\n\
         diplograph_snapshot_age_seconds {age}\n"
    ));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_get_their_own_label_up_to_the_limit_then_other() {
        assert_eq!(series(None).label, "anonymous");
        assert_eq!(series(Some("1NotAName")).label, "other");
        assert_eq!(series(Some("has space")).label, "other");
        assert_eq!(series(Some("MetricsFirst")).label, "MetricsFirst");
        for i in 0..MAX_OPERATIONS {
            series(Some(&format!("MetricsOp{i}")));
        }
        assert_eq!(series(Some("MetricsOneTooMany")).label, "other");
        assert_eq!(series(Some("MetricsFirst")).label, "MetricsFirst", "a name seen before keeps its label");
        assert_eq!(series(None).label, "anonymous");
    }
}
