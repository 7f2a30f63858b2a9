//! [`Chunked`]: a vector kept in chunks of [`CHUNK`] items, each shared (`Arc`) between the
//! graphs extended from one another until one of them writes to it.
//!
//! A write's graph copies the per-node vectors of the graph before it (`rebuild.rs`), then
//! appends its added nodes and changes a few entries. Copied whole, those vectors cost a
//! write time linear in the graph (at 100k events the sort keys alone were 163k `Arc<str>`
//! counts raised on copy and lowered again when the old graph was freed, about a fifth of an
//! extension). Chunked, a copy raises one count per chunk, an append copies at most the last
//! chunk, and a changed entry copies its own chunk once (`Arc::make_mut`): a write costs what
//! it touches, plus a pointer per thousand items. A read is one more indirection than a
//! `Vec`'s, through a table of a few hundred pointers that stays in cache.

use std::ops::{Index, IndexMut};
use std::sync::Arc;

/// log2 of [`CHUNK`].
const BITS: usize = 10;
/// Items per chunk: 1,024 (4 KiB of `u32`, 16 KiB of `Arc<str>`).
const CHUNK: usize = 1 << BITS;

/// A vector in shared chunks (see the module doc). Every chunk but the last is full.
#[derive(Clone, Debug)]
pub(crate) struct Chunked<T> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked { chunks: Vec::new(), len: 0 }
    }
}

impl<T> Chunked<T> {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i >> BITS)?.get(i & (CHUNK - 1))
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.chunks.iter().flat_map(|c| c.iter())
    }
}

impl<T: Clone> Chunked<T> {
    pub(crate) fn push(&mut self, item: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Arc::new(Vec::with_capacity(CHUNK)));
        }
        let last = self.chunks.last_mut().expect("a chunk with room");
        Arc::make_mut(last).push(item);
        self.len += 1;
    }

    /// Grows to `len` items, the new ones `item`; never shrinks.
    pub(crate) fn resize(&mut self, len: usize, item: T) {
        assert!(len >= self.len, "Chunked::resize only grows ({} to {len})", self.len);
        while self.len < len {
            self.push(item.clone());
        }
    }
}

impl<T> Index<usize> for Chunked<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        assert!(i < self.len, "index {i} out of a Chunked of {}", self.len);
        &self.chunks[i >> BITS][i & (CHUNK - 1)]
    }
}

/// Writing an item copies its chunk first if another graph shares it.
impl<T: Clone> IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        assert!(i < self.len, "index {i} out of a Chunked of {}", self.len);
        &mut Arc::make_mut(&mut self.chunks[i >> BITS])[i & (CHUNK - 1)]
    }
}

impl<T: Clone> Extend<T> for Chunked<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.push(item);
        }
    }
}

impl<T: Clone> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut out = Chunked::default();
        out.extend(items);
        out
    }
}

impl<T: Clone> From<Vec<T>> for Chunked<T> {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads, writes and appends agree with a `Vec` doing the same, and a copy shares its
    /// chunks until either side writes: then only the written chunk is copied, and the other
    /// side keeps its items.
    #[test]
    fn a_copy_shares_chunks_until_written_and_reads_as_a_vec_would() {
        let n = 3 * CHUNK + 17;
        let mut vec: Vec<u32> = (0..n as u32).collect();
        let mut chunked: Chunked<u32> = vec.clone().into();
        assert_eq!(chunked.len(), n);
        assert!(chunked.iter().eq(vec.iter()));
        let before = chunked.clone();
        assert!(before.chunks.iter().zip(&chunked.chunks).all(|(a, b)| Arc::ptr_eq(a, b)));

        chunked[CHUNK + 5] = 7;
        vec[CHUNK + 5] = 7;
        chunked.push(99);
        vec.push(99);
        chunked.resize(n + 2000, 1);
        vec.resize(n + 2000, 1);
        chunked.extend([4, 5]);
        vec.extend([4, 5]);
        assert_eq!(chunked.len(), vec.len());
        assert!(chunked.iter().eq(vec.iter()));
        assert!((0..vec.len()).all(|i| chunked[i] == vec[i] && chunked.get(i) == Some(&vec[i])));
        assert_eq!(chunked.get(vec.len()), None);
        // Only the written chunk and the last (appended to) were copied.
        let shared: Vec<bool> = before.chunks.iter().zip(&chunked.chunks).map(|(a, b)| Arc::ptr_eq(a, b)).collect();
        assert_eq!(shared, [true, false, true, false]);
        // The copy kept its items.
        assert!(before.iter().copied().eq(0..n as u32));
    }
}
