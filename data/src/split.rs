//! A set of samples (train, validation or test): images and their labels.

use ndarray::{Array2, ArrayView2, Axis};

use crate::normalize::Normalization;
use crate::shuffle::{permutation, rng};

/// The ChaCha stream used for validation splits, apart from the per-epoch streams `0, 1, ...`.
const VALIDATION_STREAM: u64 = u64::MAX;

/// Samples of one set: image `i` has class `labels[i]`.
///
/// A split from [`load`](crate::load) or [`Split::from_raw`] holds its pixels as raw `u8`
/// (1 byte each, a quarter of `f32`) together with their [`Normalization`], and standardizes
/// each batch as [`Split::batches`] draws it. The arithmetic is that of
/// [`Normalization::to_f32`], so every batch is bit-identical to one cut from images
/// normalized up front. A split from [`Split::new`] holds `f32` values as given (4 bytes each),
/// for data that are not bytes.
///
/// ```
/// use data::{Normalization, Split};
/// use ndarray::array;
/// let norm = Normalization { mean: 0.5, std: 0.5 };
/// let set = Split::from_raw(array![[0u8, 255], [255, 0]], norm, vec![1, 2]);
/// assert_eq!(set.pixel_bytes(), 4); // 2 × 2 pixels, 1 byte each
/// assert_eq!(set.images_f32(), array![[-1.0, 1.0], [1.0, -1.0]]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pixels: Pixels,
    /// `[N]` class indices in `0..10`.
    pub labels: Vec<u8>,
}

/// How a split holds its `[N, D]` pixels, one image per row.
#[derive(Clone, Debug, PartialEq)]
enum Pixels {
    /// Raw bytes in standard (row-major) layout, standardized with `norm` when drawn.
    Raw {
        pixels: Array2<u8>,
        norm: Normalization,
    },
    /// Values used as they are.
    F32(Array2<f32>),
}

impl Split {
    /// Builds a split from raw pixels `[N, D]`, the statistics to standardize them with, and `N`
    /// labels. This is what [`load`](crate::load) returns: 1 byte per pixel.
    ///
    /// # Panics
    /// If the number of rows and labels differ (a programming error: [`load`](crate::load)
    /// checks this for files and reports it as [`DataError::CountMismatch`](crate::DataError)).
    #[track_caller]
    pub fn from_raw(pixels: Array2<u8>, norm: Normalization, labels: Vec<u8>) -> Split {
        check_counts("Split::from_raw", pixels.nrows(), labels.len());
        // Batches read each image as one contiguous slice.
        let pixels = if pixels.is_standard_layout() {
            pixels
        } else {
            pixels.as_standard_layout().into_owned()
        };
        Split {
            pixels: Pixels::Raw { pixels, norm },
            labels,
        }
    }

    /// Builds a split from images `[N, D]` already in `f32` and `N` labels; batches copy them
    /// unchanged. For data that are not bytes (e.g. synthetic); it holds 4 bytes per pixel.
    ///
    /// # Panics
    /// If the number of rows and labels differ.
    #[track_caller]
    pub fn new(images: Array2<f32>, labels: Vec<u8>) -> Split {
        check_counts("Split::new", images.nrows(), labels.len());
        Split {
            pixels: Pixels::F32(images),
            labels,
        }
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True if there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// `(N, D)`: the number of images and the pixels per image (784 for MNIST).
    pub fn dim(&self) -> (usize, usize) {
        match &self.pixels {
            Pixels::Raw { pixels, .. } => pixels.dim(),
            Pixels::F32(images) => images.dim(),
        }
    }

    /// The raw pixels `[N, D]`, if the split holds bytes ([`Split::from_raw`],
    /// [`load`](crate::load)).
    pub fn raw(&self) -> Option<ArrayView2<'_, u8>> {
        match &self.pixels {
            Pixels::Raw { pixels, .. } => Some(pixels.view()),
            Pixels::F32(_) => None,
        }
    }

    /// The statistics batches are standardized with, if the split holds bytes.
    pub fn normalization(&self) -> Option<Normalization> {
        match &self.pixels {
            Pixels::Raw { norm, .. } => Some(*norm),
            Pixels::F32(_) => None,
        }
    }

    /// Bytes held for the pixels: `N · D` for raw bytes, `4 · N · D` for `f32`.
    pub fn pixel_bytes(&self) -> usize {
        match &self.pixels {
            Pixels::Raw { pixels, .. } => pixels.len() * std::mem::size_of::<u8>(),
            Pixels::F32(images) => images.len() * std::mem::size_of::<f32>(),
        }
    }

    /// All images `[N, D]` as `f32`, exactly as batches deliver them. Allocates 4 bytes per
    /// pixel: for inspection and statistics, not for training (use [`Split::batches`]).
    pub fn images_f32(&self) -> Array2<f32> {
        match &self.pixels {
            Pixels::Raw { pixels, norm } => norm.to_f32(pixels.view()),
            Pixels::F32(images) => images.clone(),
        }
    }

    /// The images at `indices`, in that order, as `f32` `[indices.len(), D]`.
    pub(crate) fn gather(&self, indices: &[usize]) -> Array2<f32> {
        match &self.pixels {
            Pixels::Raw { pixels, norm } => {
                let width = pixels.ncols();
                let all = pixels
                    .as_slice()
                    .expect("Split keeps raw pixels in standard layout");
                let mut values = Vec::with_capacity(indices.len() * width);
                for &i in indices {
                    norm.extend_f32(&all[i * width..(i + 1) * width], &mut values);
                }
                Array2::from_shape_vec((indices.len(), width), values)
                    .expect("one row of `width` values per index")
            }
            Pixels::F32(images) => {
                let mut out = Array2::<f32>::zeros((indices.len(), images.ncols()));
                for (mut row, &i) in out.rows_mut().into_iter().zip(indices) {
                    row.assign(&images.row(i));
                }
                out
            }
        }
    }

    /// Splits off `n_val` samples, chosen at random from `seed`, as a validation set:
    /// returns `(train, validation)`, each keeping the original order of its samples. The same
    /// seed always picks the same samples. Both keep this split's storage (raw bytes stay bytes).
    ///
    /// ```
    /// use data::{Normalization, Split};
    /// use ndarray::Array2;
    /// let all = Split::from_raw(Array2::zeros((100, 784)), Normalization::IDENTITY, vec![3; 100]);
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
        let labels = indices.iter().map(|&i| self.labels[i]).collect();
        match &self.pixels {
            Pixels::Raw { pixels, norm } => {
                Split::from_raw(pixels.select(Axis(0), indices), *norm, labels)
            }
            Pixels::F32(images) => Split::new(images.select(Axis(0), indices), labels),
        }
    }
}

#[track_caller]
fn check_counts(what: &str, rows: usize, labels: usize) {
    assert_eq!(
        rows, labels,
        "{what}: images have {rows} rows but there are {labels} labels"
    );
}
