//! Mini-batches: a seeded permutation per epoch, then one gather per batch, which standardizes
//! raw `u8` pixels into the batch's `f32` array as it copies them.
//!
//! The generator is [`ChaCha8Rng`], whose output for a given seed is fixed by its specification
//! (not by the `rand` version), and the shuffle is a Fisher–Yates written out below, so the same
//! `(seed, epoch)` gives the same batches on every machine and every release of this crate.
//! Each epoch uses its own ChaCha stream (`set_stream(epoch)`): epochs differ, and epoch 7 can
//! be reproduced without replaying epochs 0–6.

use ndarray::Array2;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::split::Split;

/// The order in which [`Split::batches`] visits the samples.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Samples in file order, e.g. for evaluation.
    Sequential,
    /// A permutation determined by `seed` and `epoch`, different for every epoch.
    Shuffled { seed: u64, epoch: u64 },
}

/// One mini-batch: images `[B, 784]` (standardized with the split's [`Normalization`]) and their
/// class indices `[B]`, both owned so they can move into a tensor without a copy.
///
/// [`Normalization`]: crate::Normalization
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// `[B, 784]`, row `i` is sample `i` of the batch.
    pub images: Array2<f32>,
    /// `labels[i]` is the class of row `i`, in `0..10`.
    pub labels: Vec<usize>,
}

/// A random generator for `(seed, stream)`.
pub(crate) fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// A uniformly random permutation of `0..n` (Fisher–Yates).
pub(crate) fn permutation(n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        // j uniform in 0..=i. The modulo bias is below (i + 1) / 2^64, i.e. < 1e-13 here.
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// Iterator over the mini-batches of one epoch; see [`Split::batches`].
#[derive(Clone, Debug)]
pub struct Batches<'a> {
    split: &'a Split,
    order: Vec<usize>,
    next: usize,
    batch_size: usize,
    end: usize,
}

impl<'a> Batches<'a> {
    pub(crate) fn new(split: &'a Split, batch_size: usize, order: Order, drop_last: bool) -> Self {
        let n = split.len();
        let order = match order {
            Order::Sequential => (0..n).collect(),
            Order::Shuffled { seed, epoch } => permutation(n, &mut rng(seed, epoch)),
        };
        let end = if drop_last { n - n % batch_size } else { n };
        Batches {
            split,
            order,
            next: 0,
            batch_size,
            end,
        }
    }
}

impl Iterator for Batches<'_> {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        if self.next >= self.end {
            return None;
        }
        let stop = (self.next + self.batch_size).min(self.end);
        let indices = &self.order[self.next..stop];
        self.next = stop;

        let images = self.split.gather(indices);
        let labels = indices
            .iter()
            .map(|&i| usize::from(self.split.labels[i]))
            .collect();
        Some(Batch { images, labels })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.end - self.next).div_ceil(self.batch_size);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Batches<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutation_is_a_permutation_and_seeded() {
        let p = permutation(1000, &mut rng(1, 0));
        let mut sorted = p.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..1000).collect::<Vec<_>>());
        assert_eq!(p, permutation(1000, &mut rng(1, 0)));
        assert_ne!(p, permutation(1000, &mut rng(2, 0)));
        assert_ne!(p, permutation(1000, &mut rng(1, 1)));
        assert!(permutation(0, &mut rng(1, 0)).is_empty());
    }

    #[test]
    fn generator_output_is_pinned() {
        // Guards "same seed, same batches across versions": if this changes, saved runs no
        // longer replay. Values recorded from this implementation (ChaCha8, stream 0).
        let p = permutation(10, &mut rng(42, 0));
        assert_eq!(p, PINNED);
    }

    const PINNED: [usize; 10] = [1, 5, 9, 6, 3, 2, 0, 8, 4, 7];
}
