//! The allocator's settings. The binaries (the server and the benches) allocate with mimalloc
//! (`#[global_allocator]` in each); [`configure`] sets how it hands freed memory back to the
//! system, and each of them calls it first thing in `main`. A leaf: it imports nothing of ours.
//!
//! Why: every write builds a graph beside the served one (tens of MB at 100k events) and
//! frees the one before, so the server frees and takes back the same memory many times a
//! second while writes come, and none at all while they do not. By default mimalloc purges
//! memory freed more than a second ago with `MADV_DONTNEED`, which takes the pages from the
//! process: after an idle second the next builds find every page gone, and the kernel
//! clears each one again on first touch (`perf` on the writes bench at 100k: 60% of the
//! committer's samples in `clear_page_erms`, the first builds after a pause 60–230 ms of CPU
//! instead of 7; BENCHMARKS.md "The allocator keeps freed pages"). With purges done by
//! `MADV_FREE` instead, the pages stay the process's until the system runs short of memory,
//! and only then are they taken (the kernel's own accounting still counts them in the
//! resident size until then, as `LazyFree` in `/proc/self/smaps`).

/// mimalloc's `mi_option_purge_decommits`: its place in `mi_option_e` (`mimalloc.h` of the
/// mimalloc the `libmimalloc-sys` crate builds, v3: show_errors, show_stats, verbose,
/// deprecated_eager_commit, arena_eager_commit, purge_decommits). The crate does not name it.
const PURGE_DECOMMITS: std::ffi::c_int = 5;
/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, as above), only read by
/// the test that checks the places.
#[cfg(test)]
const PURGE_DELAY: std::ffi::c_int = 15;

// Linked: the `mimalloc` crate brings mimalloc's static library into every binary of ours.
extern crate mimalloc as _;

unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    #[cfg(test)]
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
}

/// Makes mimalloc purge freed memory with `MADV_FREE` (the pages stay mapped and are taken
/// by the system only when it needs them) instead of `MADV_DONTNEED` (taken at once, cleared
/// again on the next touch). Call it before the first large allocation; a setting made later
/// applies to later purges. A no-op for a binary whose allocator is not mimalloc, since
/// mimalloc is linked into every binary of this crate either way. `MIMALLOC_PURGE_DECOMMITS`
/// set in the environment (mimalloc's own switch, read at start) wins over this setting.
pub fn configure() {
    if std::env::var_os("MIMALLOC_PURGE_DECOMMITS").is_some() {
        return;
    }
    configure_anyway();
}

/// [`configure`] without looking at the environment.
fn configure_anyway() {
    // SAFETY: `mi_option_set` only stores an integer in mimalloc's option table (an atomic
    // store); it takes no pointer and may be called at any time, from any thread.
    unsafe { mi_option_set(PURGE_DECOMMITS, 0) };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option places named above are mimalloc's: the defaults its options.c gives them
    /// (purge_decommits 1, purge_delay 1000 ms) are read at those places, and `configure`
    /// changes the first. A mimalloc that renumbered its options fails here.
    #[test]
    fn configure_sets_the_option_mimalloc_reads_for_how_purges_are_made() {
        // SAFETY: reads of mimalloc's option table, as in `configure`.
        let delay = unsafe { mi_option_get(PURGE_DELAY) };
        assert_eq!(delay, 1000, "mi_option_purge_delay is not at {PURGE_DELAY}");
        let before = unsafe { mi_option_get(PURGE_DECOMMITS) };
        configure_anyway();
        let after = unsafe { mi_option_get(PURGE_DECOMMITS) };
        assert_eq!((before, after), (1, 0), "mi_option_purge_decommits is not at {PURGE_DECOMMITS}");
    }
}
