//! A sequence indexed by line number that splices cheaply anywhere.
//!
//! A plain `Vec` would move every later line's entry when an edit adds or
//! removes a line: O(lines) per keystroke. Entries live in chunks of about
//! [`CHUNK`] instead, so a splice moves at most a chunk's worth and walks the
//! chunk lengths (O(lines / CHUNK)), which for a 10 MB policy is a few
//! hundred additions.
//!
//! Chunks are shared (`Arc`) between clones and copied on write, so a clone
//! — a snapshot a request works on while edits go on — costs
//! O(lines / CHUNK), and an edit after it copies only the chunks it touches.

use std::ops::Range;
use std::sync::Arc;

/// Target chunk length: small enough that a splice inside one is a short
/// memmove, large enough that the chunk list stays short.
const CHUNK: usize = 256;

#[derive(Clone, Debug)]
pub struct LineTable<T> {
    /// Never empty: an empty table is one empty chunk.
    chunks: Vec<Arc<Vec<T>>>,
    /// `chunks[i].len()`, kept beside them so that the chunks' blocks are
    /// not visited to learn their lengths…
    lens: Vec<usize>,
    /// …and `ends[i]`, the number of entries in `chunks[..=i]`, so that
    /// finding a line is a binary search in one small contiguous array.
    ends: Vec<usize>,
    len: usize,
}

impl<T> Default for LineTable<T> {
    fn default() -> Self {
        LineTable {
            chunks: vec![Arc::new(Vec::new())],
            lens: vec![0],
            ends: vec![0],
            len: 0,
        }
    }
}

impl<T> FromIterator<T> for LineTable<T> {
    /// O(n).
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut chunks = Vec::new();
        let mut len = 0;
        let mut iter = iter.into_iter().peekable();
        while iter.peek().is_some() {
            let chunk: Vec<T> = iter.by_ref().take(CHUNK).collect();
            len += chunk.len();
            chunks.push(Arc::new(chunk));
        }
        if chunks.is_empty() {
            chunks.push(Arc::new(Vec::new()));
        }
        let lens: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
        let ends = lens
            .iter()
            .scan(0, |end, len| {
                *end += len;
                Some(*end)
            })
            .collect();
        LineTable {
            chunks,
            lens,
            ends,
            len,
        }
    }
}

impl<T> LineTable<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The chunk holding index `i` and the offset in it; `i == len` gives the
    /// end of the last chunk. O(log(lines / CHUNK)).
    fn locate(&self, i: usize) -> (usize, usize) {
        let last = self.ends.len() - 1;
        let ci = self.ends.partition_point(|&end| end <= i).min(last);
        let start = if ci == 0 { 0 } else { self.ends[ci - 1] };
        (ci, i - start)
    }

    /// The entry of line `i`. O(lines / CHUNK).
    pub fn get(&self, i: usize) -> Option<&T> {
        if i >= self.len {
            return None;
        }
        let (ci, off) = self.locate(i);
        self.chunks[ci].get(off)
    }

    /// All entries in order. O(1) to start, O(1) per item.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// Entries from line `start` on. O(lines / CHUNK) to start.
    pub fn iter_from(&self, start: usize) -> impl Iterator<Item = &T> + '_ {
        let (ci, off) = self.locate(start.min(self.len));
        self.chunks[ci..].iter().flat_map(|c| c.iter()).skip(off)
    }
}

impl<T: Clone> LineTable<T> {
    /// Replaces the entry of line `i`; false (nothing done) past the end.
    /// O(log(lines / CHUNK)), plus a copy of its chunk when a clone
    /// shares it.
    pub fn set(&mut self, i: usize, value: T) -> bool {
        if i >= self.len {
            return false;
        }
        let (ci, off) = self.locate(i);
        Arc::make_mut(&mut self.chunks[ci])[off] = value;
        true
    }

    /// Replaces the entries `range` with `new`, like `Vec::splice`.
    /// O(lines / CHUNK + CHUNK + new.len()); a chunk shared with a clone is
    /// copied before it changes.
    ///
    /// # Panics
    /// If `range` is reversed or reaches past the end: the document computes
    /// it from the rope, so that would be a bug of ours, not bad input.
    pub fn splice(&mut self, range: Range<usize>, new: impl IntoIterator<Item = T>) {
        assert!(
            range.start <= range.end && range.end <= self.len,
            "splice {range:?} of {}",
            self.len
        );
        let (ci, off) = self.locate(range.start);
        let chunks_before = self.chunks.len();
        let in_first = range.len().min(self.lens[ci] - off);
        let mut rest = range.len() - in_first;
        let spans_chunks = rest > 0;
        let j = ci + 1;
        while rest > 0 {
            let len = self.lens[j];
            if rest >= len {
                // Wholly removed: no need to copy a shared chunk first.
                self.chunks.remove(j);
                self.lens.remove(j);
                rest -= len;
            } else {
                Arc::make_mut(&mut self.chunks[j]).drain(..rest);
                self.lens[j] -= rest;
                rest = 0;
            }
        }
        let first = Arc::make_mut(&mut self.chunks[ci]);
        let before = first.len();
        first.splice(off..off + in_first, new);
        self.len = self.len - range.len() + (first.len() + in_first - before);
        let grew = first.len() as isize - self.lens[ci] as isize;
        self.lens[ci] = first.len();
        self.rebalance(ci);
        if self.chunks.len() == chunks_before && !spans_chunks {
            // Only chunk `ci` changed length (the common case: an edit
            // within a chunk): shift the ends from it on, if at all.
            if grew != 0 {
                for end in &mut self.ends[ci..] {
                    *end = end.wrapping_add_signed(grew);
                }
            }
        } else {
            self.recount_ends(ci);
        }
    }

    /// Recomputes `ends` from chunk `from` on, after chunks came or went.
    fn recount_ends(&mut self, from: usize) {
        let from = from.min(self.lens.len());
        self.ends.truncate(from);
        let mut end = self.ends.last().copied().unwrap_or(0);
        for &len in &self.lens[from..] {
            end += len;
            self.ends.push(end);
        }
    }

    /// Keeps chunk `ci` between 1 and 2 × CHUNK long. A chunk grown past
    /// that is cut into pieces of CHUNK (the last one shorter), each in a
    /// block of its own length: cutting the tail off again and again
    /// (`split_off`) would copy the rest at every cut and leave every piece
    /// the capacity of all that followed it, O(lines²) time and memory for
    /// one splice of a whole document.
    fn rebalance(&mut self, ci: usize) {
        if self.chunks[ci].len() > 2 * CHUNK {
            let long = std::mem::take(Arc::make_mut(&mut self.chunks[ci]));
            let mut entries = long.into_iter();
            let pieces: Vec<Vec<T>> = std::iter::from_fn(|| {
                let piece: Vec<T> = entries.by_ref().take(CHUNK).collect();
                (!piece.is_empty()).then_some(piece)
            })
            .collect();
            self.lens.splice(ci..=ci, pieces.iter().map(Vec::len));
            self.chunks
                .splice(ci..=ci, pieces.into_iter().map(Arc::new));
        } else if self.chunks[ci].is_empty() && self.chunks.len() > 1 {
            self.chunks.remove(ci);
            self.lens.remove(ci);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A whole document spliced in at once (a file opened, a document
    /// index built) is cut into chunks that hold no more room than their
    /// entries: 100,000 lines took 725 MB and 1.2 s when every chunk kept
    /// the room of all the lines after it.
    #[test]
    fn a_large_splice_leaves_chunks_no_larger_than_their_entries() {
        let mut table: LineTable<u64> = LineTable::default();
        table.splice(0..0, 0..100_000u64);
        assert_eq!(table.len(), 100_000);
        assert!(table.iter().copied().eq(0..100_000u64));
        for chunk in &table.chunks {
            assert!(
                chunk.len() <= CHUNK && chunk.capacity() <= 2 * CHUNK,
                "a chunk of {} entries holds room for {}",
                chunk.len(),
                chunk.capacity()
            );
        }
        // The same in the middle of a table that has chunks already.
        table.splice(50_000..50_010, 0..30_000u64);
        assert_eq!(table.len(), 129_990);
        assert!(table.chunks.iter().all(|c| c.capacity() <= 2 * CHUNK));
    }

    proptest! {
        /// Any sequence of splices leaves the table equal to a `Vec` given
        /// the same splices, and never changes a clone taken before.
        #[test]
        fn splices_agree_with_a_vec(
            initial in 0usize..2000,
            ops in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..700, 0usize..700), 1..30),
        ) {
            let mut model: Vec<usize> = (0..initial).collect();
            let mut table: LineTable<usize> = model.iter().copied().collect();
            let mut next = initial;
            for (at, remove, add) in ops {
                let start = if model.is_empty() { 0 } else { at.index(model.len() + 1) };
                let end = (start + remove).min(model.len());
                let new: Vec<usize> = (next..next + add).collect();
                next += add;
                let snapshot = table.clone();
                let before = model.clone();
                model.splice(start..end, new.iter().copied());
                table.splice(start..end, new);
                // A clone taken before the splice still holds what it held.
                prop_assert_eq!(snapshot.iter().copied().collect::<Vec<_>>(), before);
                prop_assert_eq!(table.len(), model.len());
                let lens: Vec<usize> = table.chunks.iter().map(|c| c.len()).collect();
                prop_assert_eq!(&table.lens, &lens);
                let ends: Vec<usize> = lens.iter().scan(0, |e, l| { *e += l; Some(*e) }).collect();
                prop_assert_eq!(&table.ends, &ends);
                prop_assert_eq!(table.iter().copied().collect::<Vec<_>>(), model.clone());
            }
            for (i, v) in model.iter().enumerate() {
                prop_assert_eq!(table.get(i), Some(v));
            }
            prop_assert_eq!(table.get(model.len()), None);
        }
    }
}
