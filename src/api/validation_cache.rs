//! Validation results remembered per (query text, operation name, variables): clients send
//! the same few documents over and over, and async-graphql's validation walks the whole
//! document each time. The limits extension looks a request up here before validating and
//! stores what passed; documents that failed are validated again (they are rare, and their
//! errors are not kept). The cost model still runs on every request (it depends on the
//! variables, and is cheap).

use async_graphql::{ValidationResult, Variables};
use quick_cache::sync::Cache;
use quick_cache::Equivalent;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::OnceLock;

/// How many validation results are kept.
const ENTRIES: usize = 4096;
/// Query texts longer than this are validated every time (and not kept).
const MAX_QUERY_BYTES: usize = 8 * 1024;

/// A stored key: the whole query text and operation name (so that two documents never share
/// an entry), and a hash of the variables validation saw.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Stored {
    query: Box<str>,
    operation: Option<Box<str>>,
    variables: u64,
}

/// The key of a request, borrowed from it for lookups.
#[derive(Clone, Copy)]
pub struct Key<'a> {
    query: &'a str,
    operation: Option<&'a str>,
    variables: u64,
}

impl Hash for Key<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `Stored` hashes: str, Option<str>, u64.
        self.query.hash(state);
        self.operation.hash(state);
        self.variables.hash(state);
    }
}

impl Equivalent<Stored> for Key<'_> {
    fn equivalent(&self, s: &Stored) -> bool {
        *s.query == *self.query && s.operation.as_deref() == self.operation && s.variables == self.variables
    }
}

impl<'a> Key<'a> {
    /// The key of a request; `None` when its text is too long to keep.
    pub fn new(query: &'a str, operation: Option<&'a str>, variables: &Variables) -> Option<Self> {
        (query.len() <= MAX_QUERY_BYTES).then(|| Key { query, operation, variables: hash_variables(variables) })
    }
}

/// A hash of the variables, through their JSON text (written into the hasher, not a string).
fn hash_variables(variables: &Variables) -> u64 {
    struct Writer<H>(H);
    impl<H: Hasher> std::io::Write for Writer<H> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    if variables.is_empty() {
        return 0;
    }
    let mut w = Writer(rustc_hash::FxBuildHasher.build_hasher());
    // Writing JSON into a hasher cannot fail; a failure would only make the entry unusable.
    let _ = serde_json::to_writer(&mut w, variables);
    w.0.finish() | 1
}

fn cache() -> &'static Cache<Stored, ValidationResult> {
    static CACHE: OnceLock<Cache<Stored, ValidationResult>> = OnceLock::new();
    CACHE.get_or_init(|| Cache::new(ENTRIES))
}

/// The stored result of a request that passed validation before.
pub fn get(key: &Key<'_>) -> Option<ValidationResult> {
    cache().get(key)
}

/// Remembers that the request of `key` passed validation with `result`.
pub fn put(key: &Key<'_>, result: ValidationResult) {
    let stored = Stored { query: key.query.into(), operation: key.operation.map(Into::into), variables: key.variables };
    cache().insert(stored, result);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differ_by_text_operation_and_variables() {
        let none = Variables::default();
        let some = Variables::from_json(serde_json::json!({ "name": "Lopez Obrador" }));
        let other = Variables::from_json(serde_json::json!({ "name": "Sheinbaum" }));
        let result = ValidationResult { cache_control: Default::default(), complexity: 3, depth: 2 };
        let q = "query A { __typename } query B { __typename }";
        let k = |op, vars: &Variables| Key::new(q, op, vars).expect("a short text");
        put(&k(Some("A"), &some), result);
        assert_eq!(get(&k(Some("A"), &some)).map(|r| r.complexity), Some(3));
        assert!(get(&k(Some("B"), &some)).is_none());
        assert!(get(&k(None, &some)).is_none());
        assert!(get(&k(Some("A"), &none)).is_none());
        assert!(get(&k(Some("A"), &other)).is_none());
        let longer = format!("{q} ");
        assert!(get(&Key::new(&longer, Some("A"), &some).expect("short")).is_none());
        assert!(Key::new(&"x".repeat(MAX_QUERY_BYTES + 1), None, &none).is_none());
    }
}
