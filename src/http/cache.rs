//! The response cache: the graph only changes on reload, so identical requests get identical
//! answers. Entries are keyed by the snapshot they were computed on, and the cache is emptied
//! when a new snapshot is seen, so an answer from an older snapshot is never served.

use super::media::Answer;
use axum::body::Bytes;
use quick_cache::sync::Cache;
use quick_cache::Weighter;
use std::sync::Mutex;

/// What identifies an answer: the snapshot, the method and media type (status codes differ
/// between them), and the raw request (the POST body, or the GET query string).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// The snapshot the answer was computed on.
    pub snapshot: u64,
    pub method: Method,
    pub answer: Answer,
    pub request: Bytes,
}

/// The HTTP method of a GraphQL request.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Method {
    Get,
    Post,
}

/// A cached answer: status, content type and body.
#[derive(Clone)]
pub struct Entry {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Bytes,
    /// A strong validator for `ETag`, for answers to GET (a POST answer has none: nothing
    /// revalidates a POST, and hashing a large body costs as much as writing it).
    pub etag: Option<String>,
    /// The hash of the snapshot the answer came from, sent as `Diplograph-Snapshot`.
    pub snapshot: String,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<Key, Entry> for ByBytes {
    fn weight(&self, key: &Key, value: &Entry) -> u64 {
        (key.request.len() + value.body.len() + 64) as u64
    }
}

/// A bounded cache of answers (by bytes held).
pub struct ResponseCache {
    entries: Cache<Key, Entry, ByBytes>,
    /// The snapshot the entries belong to.
    snapshot: Mutex<u64>,
}

impl ResponseCache {
    /// A cache holding at most `max_bytes` of requests and answers.
    pub fn new(max_bytes: u64) -> Self {
        let items = (max_bytes / 2048).max(16) as usize;
        ResponseCache { entries: Cache::with_weighter(items, max_bytes, ByBytes), snapshot: Mutex::new(0) }
    }

    /// Empties the cache if `snapshot` is not the one its entries belong to.
    fn sync(&self, snapshot: u64) {
        if let Ok(mut current) = self.snapshot.lock() {
            if *current != snapshot {
                self.entries.clear();
                *current = snapshot;
            }
        }
    }

    /// The answer cached for `key`, if any.
    pub fn get(&self, key: &Key) -> Option<Entry> {
        self.sync(key.snapshot);
        self.entries.get(key)
    }

    /// Remembers `entry` as the answer for `key`.
    pub fn put(&self, key: Key, entry: Entry) {
        self.sync(key.snapshot);
        self.entries.insert(key, entry);
    }

    /// How many answers are cached.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The snapshot hash as a number (it is 16 hex digits).
pub fn snapshot_number(hash: &str) -> u64 {
    u64::from_str_radix(hash, 16).unwrap_or(0)
}

/// A strong `ETag` for `body` computed on `snapshot` (FxHash, eight bytes at a time).
pub fn etag(snapshot: u64, body: &[u8]) -> String {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write_u64(snapshot);
    h.write(body);
    format!("\"{snapshot:016x}-{:016x}\"", h.finish())
}
