//! Mini-batches: a seeded permutation per epoch, then one gather per batch, which standardizes
//! raw `u8` pixels into the batch's `f32` array as it copies them.
//!
//! The generator is ChaCha8, whose output for a given seed is fixed by its specification (not by
//! the `rand` version), and the shuffle is a Fisher–Yates (`shuffle.rs`), so the same
//! `(seed, epoch)` gives the same batches on every machine and every release of this crate.
//! Each epoch uses its own ChaCha stream (`set_stream(epoch)`): epochs differ, and epoch 7 can
//! be reproduced without replaying epochs 0–6.

use ndarray::Array2;

use crate::shuffle::{permutation, rng};
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

impl Split {
    /// The mini-batches of one epoch, each `[B, D]` standardized `f32` images and `B` labels,
    /// with `B = batch_size` except perhaps the last, which is smaller unless `drop_last` drops
    /// it. Every sample appears exactly once per epoch (or not at all if it falls in a dropped
    /// tail).
    ///
    /// ```
    /// use data::{Normalization, Order, Split};
    /// use ndarray::Array2;
    /// let set = Split::from_raw(Array2::zeros((10, 784)), Normalization::IDENTITY, (0..10).collect());
    /// let sizes: Vec<usize> = set
    ///     .batches(4, Order::Shuffled { seed: 1, epoch: 0 }, false)
    ///     .map(|b| b.labels.len())
    ///     .collect();
    /// assert_eq!(sizes, [4, 4, 2]);
    /// assert_eq!(set.batches(4, Order::Sequential, true).len(), 2);
    /// ```
    ///
    /// # Panics
    /// If `batch_size == 0`.
    #[track_caller]
    pub fn batches(&self, batch_size: usize, order: Order, drop_last: bool) -> Batches<'_> {
        assert!(batch_size > 0, "batches: batch_size must be positive");
        Batches::new(self, batch_size, order, drop_last)
    }
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
