//! Timing and memory of the load's steps, logged at debug level
//! (`RUST_LOG=diplograph=debug`). A leaf: it imports nothing of ours, so the graph and the
//! seed, which time their builds, stay below every other layer.

/// Runs `f` and logs how long it took and the resident memory after it (at debug level:
/// `RUST_LOG=diplograph=debug`), for following where a large load spends time and memory.
pub(crate) fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let debug = tracing::enabled!(tracing::Level::DEBUG);
    let cpu = if debug { cpu_time_ms() } else { 0 };
    let started = std::time::Instant::now();
    let out = f();
    if debug {
        let (rss, peak) = resident_memory_mib();
        let elapsed_us = started.elapsed().as_micros() as u64;
        let elapsed_ms = elapsed_us / 1000;
        let cpu_ms = cpu_time_ms().saturating_sub(cpu);
        tracing::debug!(elapsed_ms, elapsed_us, cpu_ms, rss_mib = rss, peak_mib = peak, "{what}");
    }
    out
}

/// The CPU time (user and system, all threads) this process has used, in milliseconds
/// (zero where `/proc` is not available).
fn cpu_time_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields 14 and 15 (utime, stime), counted after the parenthesised command name.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after.split_whitespace().skip(11).take(2).filter_map(|t| t.parse::<u64>().ok()).sum();
    ticks * 10 // USER_HZ is 100 on Linux
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

/// The CPU time the calling thread has used so far (Linux; elsewhere, zero): what a build on
/// a thread of its own costs, whatever else competes for the cores meanwhile.
pub(crate) fn thread_cpu_time() -> std::time::Duration {
    #[cfg(target_os = "linux")]
    {
        let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `t` is a valid, writable `timespec` for the call's whole duration.
        if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } == 0 {
            return std::time::Duration::new(t.tv_sec as u64, t.tv_nsec as u32);
        }
    }
    std::time::Duration::ZERO
}
