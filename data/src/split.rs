//! A set of samples (train, validation or test): standardized images and their labels.

use ndarray::{Array2, Axis};

use crate::batches::{permutation, rng, Batches, Order};

/// The ChaCha stream used for validation splits, apart from the per-epoch streams `0, 1, ...`.
const VALIDATION_STREAM: u64 = u64::MAX;

/// Samples of one set: `images[i]` has class `labels[i]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    /// `[N, 784]`, standardized `f32` pixels, one image per row.
    pub images: Array2<f32>,
    /// `[N]` class indices in `0..10`.
    pub labels: Vec<u8>,
}

impl Split {
    /// Builds a split from images `[N, D]` and `N` labels.
    ///
    /// # Panics
    /// If the number of rows and labels differ (a programming error: [`load`](crate::load)
    /// checks this for files and reports it as [`DataError::CountMismatch`](crate::DataError)).
    #[track_caller]
    pub fn new(images: Array2<f32>, labels: Vec<u8>) -> Split {
        assert_eq!(
            images.nrows(),
            labels.len(),
            "Split::new: images have {} rows but there are {} labels",
            images.nrows(),
            labels.len()
        );
        Split { images, labels }
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True if there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Splits off `n_val` samples, chosen at random from `seed`, as a validation set:
    /// returns `(train, validation)`, each keeping the original order of its samples. The same
    /// seed always picks the same samples.
    ///
    /// ```
    /// use data::Split;
    /// use ndarray::Array2;
    /// let all = Split::new(Array2::zeros((100, 784)), vec![3; 100]);
    /// let (train, val) = all.split_validation(10, 7);
    /// assert_eq!((train.len(), val.len()), (90, 10));
    /// ```
    ///
    /// # Panics
    /// If `n_val > self.len()`.
    #[track_caller]
    pub fn split_validation(self, n_val: usize, seed: u64) -> (Split, Split) {
        assert!(
            n_val <= self.len(),
            "split_validation: n_val = {n_val} exceeds the {} samples",
            self.len()
        );
        let order = permutation(self.len(), &mut rng(seed, VALIDATION_STREAM));
        let (val, train) = order.split_at(n_val);
        let (mut val, mut train) = (val.to_vec(), train.to_vec());
        val.sort_unstable();
        train.sort_unstable();
        (self.select(&train), self.select(&val))
    }

    fn select(&self, indices: &[usize]) -> Split {
        Split {
            images: self.images.select(Axis(0), indices),
            labels: indices.iter().map(|&i| self.labels[i]).collect(),
        }
    }

    /// The mini-batches of one epoch, each `[B, 784]` images and `B` labels, with
    /// `B = batch_size` except perhaps the last, which is smaller unless `drop_last` drops it.
    /// Every sample appears exactly once per epoch (or not at all if it falls in a dropped tail).
    ///
    /// ```
    /// use data::{Order, Split};
    /// use ndarray::Array2;
    /// let set = Split::new(Array2::zeros((10, 784)), (0..10).collect());
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
