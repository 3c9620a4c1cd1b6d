//! Pixels to `f32`: scale to [0, 1], then standardize with a mean and standard deviation.

use ndarray::{Array2, ArrayView2};

/// Standardization `x' = (x - mean) / std`, applied to pixels already scaled to [0, 1].
///
/// The defaults per dataset are in [`Dataset::normalization`](crate::Dataset::normalization)
/// (MNIST 0.1307 / 0.3081, Fashion-MNIST 0.2860 / 0.3530);
/// [`Normalization::of`] computes them for any set.
///
/// ```
/// use data::Normalization;
/// use ndarray::array;
/// let raw = array![[0u8, 255]];
/// let x = Normalization::IDENTITY.to_f32(raw.view());
/// assert_eq!(x, array![[0.0, 1.0]]);
/// let stats = Normalization::of(x.view());
/// assert_eq!((stats.mean, stats.std), (0.5, 0.5));
/// assert_eq!(stats.to_f32(raw.view()), array![[-1.0, 1.0]]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Normalization {
    /// Mean of the [0, 1]-scaled pixels.
    pub mean: f32,
    /// Standard deviation of the [0, 1]-scaled pixels.
    pub std: f32,
}

impl Normalization {
    /// Leaves pixels in [0, 1]: mean 0, std 1.
    pub const IDENTITY: Normalization = Normalization {
        mean: 0.0,
        std: 1.0,
    };

    /// Converts raw `u8` pixels `[N, D]` to standardized `f32` `[N, D]`:
    /// `(p / 255 - mean) / std`.
    pub fn to_f32(&self, raw: ArrayView2<u8>) -> Array2<f32> {
        let (scale, shift) = self.scale_shift();
        raw.mapv(|p| standardize(p, scale, shift))
    }

    /// Appends the standardized values of `raw` to `out`, as [`Normalization::to_f32`] would
    /// compute them (the same operations, hence the same bits); used to normalize a batch as it
    /// is drawn.
    pub(crate) fn extend_f32(&self, raw: &[u8], out: &mut Vec<f32>) {
        let (scale, shift) = self.scale_shift();
        out.extend(raw.iter().map(|&p| standardize(p, scale, shift)));
    }

    /// `(scale, shift)` such that `(p / 255 - mean) / std = p * scale + shift`.
    fn scale_shift(&self) -> (f32, f32) {
        // One multiply-add per pixel instead of a division.
        (1.0 / (255.0 * self.std), -self.mean / self.std)
    }

    /// Mean and (population) standard deviation over all entries of `images`, e.g. `[N, 784]`
    /// pixels in [0, 1] from `Normalization::IDENTITY.to_f32`. Accumulates in `f64`.
    ///
    /// An empty set gives [`Normalization::IDENTITY`]; a constant set gives `std` 1, so that
    /// applying the result never divides by zero.
    pub fn of(images: ArrayView2<f32>) -> Normalization {
        let n = images.len();
        if n == 0 {
            return Normalization::IDENTITY;
        }
        let (sum, sum_sq) = images.iter().fold((0.0f64, 0.0f64), |(s, q), &x| {
            let x = f64::from(x);
            (s + x, q + x * x)
        });
        let mean = sum / n as f64;
        let var = (sum_sq / n as f64 - mean * mean).max(0.0);
        let std = if var > 0.0 { var.sqrt() } else { 1.0 };
        Normalization {
            mean: mean as f32,
            std: std as f32,
        }
    }
}

/// One pixel: the single place where the arithmetic is written, so that normalizing a whole set
/// up front and normalizing each batch as it is drawn give the same bits.
#[inline(always)]
fn standardize(p: u8, scale: f32, shift: f32) -> f32 {
    f32::from(p) * scale + shift
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn mnist_defaults_map_black_and_white() {
        let n = Normalization {
            mean: 0.1307,
            std: 0.3081,
        };
        let x = n.to_f32(array![[0u8, 255, 51]].view());
        // (0 - 0.1307) / 0.3081, (1 - 0.1307) / 0.3081, (0.2 - 0.1307) / 0.3081
        let expected = [-0.424_212_9, 2.821_486_5, 0.224_926_97];
        for (got, want) in x.iter().zip(expected) {
            assert!((got - want).abs() < 1e-5, "{got} vs {want}");
        }
    }

    #[test]
    fn statistics_of_a_set() {
        // Values 0, 0.5, 1, 0.5: mean 0.5, population variance (0.25 + 0 + 0.25 + 0) / 4.
        let stats = Normalization::of(array![[0.0f32, 0.5], [1.0, 0.5]].view());
        assert!((stats.mean - 0.5).abs() < 1e-7);
        assert!((stats.std - 0.125f32.sqrt()).abs() < 1e-7);
        // Standardizing with its own statistics gives mean 0 and std 1.
        let raw = array![[0u8, 10, 200], [255, 3, 77]];
        let own = Normalization::of(Normalization::IDENTITY.to_f32(raw.view()).view());
        let z = Normalization::of(own.to_f32(raw.view()).view());
        assert!(z.mean.abs() < 1e-6 && (z.std - 1.0).abs() < 1e-5, "{z:?}");
    }

    #[test]
    fn degenerate_sets_do_not_divide_by_zero() {
        assert_eq!(
            Normalization::of(Array2::<f32>::zeros((0, 784)).view()),
            Normalization::IDENTITY
        );
        let constant = Normalization::of(Array2::<f32>::from_elem((2, 3), 0.25).view());
        assert_eq!(constant.std, 1.0);
    }
}
