//! Diplograph: a GraphQL knowledge graph of facts curated from news reports.
//!
//! Read in this order: [`model`] (the domain), [`graph`] (the in-memory graph and its
//! indexes), [`seed`] (loading and validating seed files), [`api`] (the GraphQL schema over
//! the graph), [`http`] (the web server).

pub mod api;
pub mod generate;
pub mod graph;
pub mod http;
pub mod model;
pub mod reload;
pub mod seed;

/// Runs `f` and logs how long it took and the resident memory after it (at debug level:
/// `RUST_LOG=diplograph=debug`), for following where a large load spends time and memory.
pub(crate) fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let started = std::time::Instant::now();
    let out = f();
    if tracing::enabled!(tracing::Level::DEBUG) {
        let (rss, peak) = resident_memory_mib();
        tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, rss_mib = rss, peak_mib = peak, "{what}");
    }
    out
}

/// The resident memory of this process and its peak so far, in MiB (zero where `/proc` is
/// not available).
fn resident_memory_mib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
