//! Element-wise loops, cut into one piece per thread when the arrays are large.
//!
//! Each element is computed by the same function whichever piece it falls in, so results are
//! bit-identical for every thread count. Arrays that are not contiguous, or whose memory orders
//! differ, take ndarray's ordinary loop on the calling thread.

use ndarray::{ArrayD, ArrayViewMut1, ShapeBuilder, Zip};

use super::{boundaries, pieces_for, pool};

/// The fewest elements worth a piece: below it, handing the piece to a worker costs more than
/// computing it here.
const MIN_ELEMENTS_PER_PIECE: usize = 1 << 14;

/// `f` of every element, in a new array laid out like `a`.
///
/// ```
/// use autograd::backend::elementwise::map;
/// use autograd::ndarray::{arr1, ArrayD};
/// let a: ArrayD<f32> = arr1(&[-1.0, 2.0]).into_dyn();
/// assert_eq!(map(&a, |x| 2.0 * x), arr1(&[-2.0, 4.0]).into_dyn());
/// ```
pub fn map(a: &ArrayD<f32>, f: impl Fn(f32) -> f32 + Sync) -> ArrayD<f32> {
    let pieces = pieces_for(a.len(), MIN_ELEMENTS_PER_PIECE);
    let (Some(source), true) = (a.as_slice_memory_order(), pieces > 1) else {
        return a.mapv(f);
    };
    let fortran = !a.is_standard_layout();
    let mut out = ArrayD::<f32>::uninit(a.raw_dim().set_f(fortran));
    let target = out
        .as_slice_memory_order_mut()
        .expect("a new array is contiguous");
    in_pieces(target, source, pieces, |target, source| {
        for (t, &s) in target.iter_mut().zip(source) {
            t.write(f(s));
        }
    });
    // SAFETY: the pieces cover the whole slice, and each wrote every element of its part.
    unsafe { out.assume_init() }
}

/// `f(&mut t, o)` for every pair of elements of `target` and `other` (same shape).
///
/// ```
/// use autograd::backend::elementwise::zip_mut_with;
/// use autograd::ndarray::{arr1, ArrayD};
/// let mut g: ArrayD<f32> = arr1(&[1.0, 1.0]).into_dyn();
/// let y: ArrayD<f32> = arr1(&[0.0, 3.0]).into_dyn();
/// zip_mut_with(&mut g, &y, |g, y| if y <= 0.0 { *g = 0.0 });
/// assert_eq!(g, arr1(&[0.0, 1.0]).into_dyn());
/// ```
///
/// # Panics
/// If the shapes differ.
#[track_caller]
pub fn zip_mut_with(
    target: &mut ArrayD<f32>,
    other: &ArrayD<f32>,
    f: impl Fn(&mut f32, f32) + Sync,
) {
    assert_eq!(target.shape(), other.shape(), "zip_mut_with: shapes differ");
    let pieces = pieces_for(target.len(), MIN_ELEMENTS_PER_PIECE);
    if pieces > 1 && target.strides() == other.strides() {
        if let (Some(source), Some(target)) = (
            other.as_slice_memory_order(),
            target.as_slice_memory_order_mut(),
        ) {
            return in_pieces(target, source, pieces, |target, source| {
                for (t, &s) in target.iter_mut().zip(source) {
                    f(t, s);
                }
            });
        }
    }
    Zip::from(target).and(other).for_each(|t, &o| f(t, o));
}

/// Calls `f` on matching parts of `target` and `source` (the same length), cut into `pieces`
/// near-equal runs, one per thread.
fn in_pieces<T: Send>(
    target: &mut [T],
    source: &[f32],
    pieces: usize,
    f: impl Fn(&mut [T], &[f32]) + Sync,
) {
    let cuts = boundaries(source.len(), pieces, 16);
    let parts = split_at_cuts(target, &cuts)
        .into_iter()
        .zip(cuts.windows(2).map(|c| &source[c[0]..c[1]]))
        .collect();
    pool::run_each(parts, |(target, source)| f(target, source));
}

/// Something made of equal-length runs of elements that can be cut in two at any position:
/// one parameter's weights, gradient and state buffers, say.
pub trait Divisible: Sized + Send {
    /// Elements in each run.
    fn len(&self) -> usize;

    /// True when there are no elements.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The elements before `mid` and from `mid` on.
    fn split_at(self, mid: usize) -> (Self, Self);
}

/// Calls `f` on every item, or on parts of them: the items' elements, counted end to end, are
/// cut into one near-equal piece per thread when there are enough of them, and each piece's
/// parts are handed to `f` on that piece's thread. With one piece `f` gets each item whole.
///
/// For work that treats each element on its own (an optimizer's update), the result is the
/// same however the items are cut.
pub fn for_each_divided<T: Divisible>(items: Vec<T>, f: impl Fn(T) + Sync) {
    let total: usize = items.iter().map(Divisible::len).sum();
    let pieces = pieces_for(total, MIN_ELEMENTS_PER_PIECE);
    if pieces < 2 {
        return items.into_iter().for_each(f);
    }
    let cuts = boundaries(total, pieces, 16);
    let mut groups: Vec<Vec<T>> = (0..pieces).map(|_| Vec::new()).collect();
    let (mut piece, mut start) = (0, 0); // `start`: where the current item begins in the total
    for mut item in items {
        let end = start + item.len();
        // Cut the item wherever a piece ends inside it.
        while piece + 1 < pieces && cuts[piece + 1] < end {
            let (head, tail) = item.split_at(cuts[piece + 1] - start);
            start += head.len();
            groups[piece].push(head);
            item = tail;
            piece += 1;
        }
        start = end;
        groups[piece].push(item);
    }
    pool::run_each(groups, |group| group.into_iter().for_each(&f));
}

/// A slice cut at `cuts` (as made by [`boundaries`]): `cuts.len() − 1` consecutive parts.
fn split_at_cuts<'a, T>(mut rest: &'a mut [T], cuts: &[usize]) -> Vec<&'a mut [T]> {
    cuts.windows(2)
        .map(|c| {
            let (part, tail) = std::mem::take(&mut rest).split_at_mut(c[1] - c[0]);
            rest = tail;
            part
        })
        .collect()
}

/// A contiguous array as one run of elements in memory order.
///
/// # Panics
/// If `a` is not contiguous.
pub fn flat(a: &mut ArrayD<f32>) -> ArrayViewMut1<'_, f32> {
    let slice = a
        .as_slice_memory_order_mut()
        .expect("flat: the array is not contiguous");
    ArrayViewMut1::from(slice)
}

#[cfg(test)]
mod tests {
    use super::{for_each_divided, map, zip_mut_with, Divisible};
    use crate::backend::with_threads;
    use ndarray::{ArrayD, IxDyn, ShapeBuilder};
    use std::sync::Mutex;

    fn ramp(n: usize) -> ArrayD<f32> {
        ArrayD::from_shape_fn(IxDyn(&[n]), |i| i[0] as f32 * 0.25 - 1000.0)
    }

    #[test]
    fn map_gives_the_same_bits_at_every_thread_count() {
        // 300,007 elements: several pieces of at least 2¹⁴, and a ragged end.
        let a = ramp(300_007);
        let expected: Vec<f32> = a.iter().map(|&x| (x * 0.5).tanh() + x).collect();
        for threads in 1..=8 {
            let out = with_threads(threads, || map(&a, |x| (x * 0.5).tanh() + x));
            assert!(
                out.iter().copied().eq(expected.iter().copied()),
                "{threads}"
            );
        }
    }

    #[test]
    fn map_keeps_a_column_major_layout() {
        let a = ArrayD::from_shape_fn(IxDyn(&[600, 300]).f(), |i| (i[0] * 300 + i[1]) as f32);
        let out = with_threads(4, || map(&a, |x| x + 1.0));
        assert_eq!(out.strides(), a.strides());
        assert_eq!(out[[599, 7]], (599 * 300 + 7) as f32 + 1.0);
    }

    #[test]
    fn zip_mut_with_matches_the_serial_loop() {
        let other = ramp(200_000);
        for threads in [1, 2, 3, 8] {
            let mut target = ArrayD::from_elem(IxDyn(&[200_000]), 1.0f32);
            with_threads(threads, || {
                zip_mut_with(&mut target, &other, |t, o| {
                    *t = if o > 0.0 { *t + o } else { 0.0 }
                })
            });
            for (t, &o) in target.iter().zip(&other) {
                assert_eq!(*t, if o > 0.0 { 1.0 + o } else { 0.0 });
            }
        }
    }

    /// A run of element indices: which elements a call received.
    struct Run(std::ops::Range<usize>);

    impl Divisible for Run {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn split_at(self, mid: usize) -> (Run, Run) {
            let m = self.0.start + mid;
            (Run(self.0.start..m), Run(m..self.0.end))
        }
    }

    #[test]
    fn divided_items_cover_every_element_once() {
        // Items of 100k, 3, 250k and 40k elements, laid end to end.
        let lengths = [100_000, 3, 250_000, 40_000];
        let total: usize = lengths.iter().sum();
        for threads in 1..=8 {
            let mut starts = vec![0];
            for l in lengths {
                starts.push(starts.last().unwrap() + l);
            }
            let items = starts.windows(2).map(|w| Run(w[0]..w[1])).collect();
            let seen = Mutex::new(Vec::new());
            with_threads(threads, || {
                for_each_divided(items, |run| seen.lock().unwrap().push(run.0))
            });
            let mut seen = seen.into_inner().unwrap();
            seen.sort_by_key(|r| r.start);
            let covered: Vec<usize> = seen.iter().flat_map(|r| r.clone()).collect();
            assert_eq!(covered, (0..total).collect::<Vec<_>>(), "{threads} threads");
            if threads == 1 {
                assert_eq!(seen.len(), lengths.len(), "one thread: items whole");
            }
        }
    }
}
