//! DeepOBS's `quadratic_deep`: a 100-dimensional noisy quadratic whose Hessian has a deep net's
//! eigenspectrum, 90 eigenvalues drawn from (0, 1) and 10 from (30, 60).
//!
//! ```text
//! L(θ) = ½ · mean_b (θ − x_b)ᵀ Q (θ − x_b),   Q = Rᵀ D R,   x_b ~ N(0, 0.6² I),   θ₀ = 1
//! ```
//!
//! with `R` a random rotation. As in DeepOBS the problem itself is fixed (its own seed draws the
//! eigenvalues, the rotation and the 1000 training, 1000 validation and 1000 test points); a
//! trial's seed only orders the batches. The loss cannot go below `½ tr(Q Σ)` (about 89 here):
//! the noise sets a floor every optimizer meets sooner or later, and the large eigenvalues set
//! the largest stable λ.

use autograd::{ArrayD, IxDyn, Tensor};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

/// Dimensions.
pub const DIM: usize = 100;

/// Points in each of the training, validation and test sets.
pub const POINTS: usize = 1000;

/// The problem's own seed: the same quadratic for every trial.
const PROBLEM_SEED: u64 = 42;

/// The standard deviation of the points around 0 (DeepOBS's `noise_level`).
const NOISE: f64 = 0.6;

/// The quadratic and its three point sets.
pub struct Quadratic {
    /// `Q`, `[DIM, DIM]`, symmetric; an array, not a tensor, so that trials on several threads
    /// share it.
    hessian: ArrayD<f32>,
    /// Training points, `[POINTS, DIM]`.
    pub train: ArrayD<f32>,
    /// Validation points (what tuning looks at).
    pub val: ArrayD<f32>,
    /// Test points (what is reported).
    pub test: ArrayD<f32>,
}

impl Default for Quadratic {
    fn default() -> Quadratic {
        Quadratic::new()
    }
}

impl Quadratic {
    /// The problem, drawn from its fixed seed.
    pub fn new() -> Quadratic {
        let mut rng = ChaCha8Rng::seed_from_u64(PROBLEM_SEED);
        let eigenvalues: Vec<f64> = (0..DIM)
            .map(|i| {
                if i < 90 {
                    rng.random_range(0.0..1.0)
                } else {
                    rng.random_range(30.0..60.0)
                }
            })
            .collect();
        let rotation = random_rotation(&mut rng);
        // Q = Rᵀ D R, in f64 before rounding to f32.
        let mut q = vec![0.0f32; DIM * DIM];
        for i in 0..DIM {
            for j in 0..DIM {
                let v: f64 = (0..DIM)
                    .map(|k| rotation[k][i] * eigenvalues[k] * rotation[k][j])
                    .sum();
                q[i * DIM + j] = v as f32;
            }
        }
        let hessian = ArrayD::from_shape_vec(IxDyn(&[DIM, DIM]), q).expect("DIM² values");
        let normal = Normal::new(0.0, NOISE).expect("a positive standard deviation");
        let mut points = || -> ArrayD<f32> {
            let data: Vec<f32> = (0..POINTS * DIM)
                .map(|_| normal.sample(&mut rng) as f32)
                .collect();
            ArrayD::from_shape_vec(IxDyn(&[POINTS, DIM]), data).expect("POINTS·DIM values")
        };
        let (train, val, test) = (points(), points(), points());
        Quadratic {
            hessian,
            train,
            val,
            test,
        }
    }

    /// `Q` as a tensor, built once per trial: the data is shared between threads as an array,
    /// and a step should not copy it.
    pub fn hessian(&self) -> Tensor {
        Tensor::from_array(self.hessian.clone())
    }

    /// `½ · mean_b (θ − x_b)ᵀ Q (θ − x_b)` over the rows `x` (`[B, DIM]`), as an autograd
    /// expression of `theta` (`[DIM]`); `hessian` is [`Quadratic::hessian`].
    pub fn loss(hessian: &Tensor, theta: &Tensor, x: &Tensor) -> Tensor {
        let q = theta - x; // [B, DIM], θ broadcast over the rows
        let qh = q.matmul(hessian);
        (&q * &qh).sum_axis(1, false).mean() * 0.5
    }

    /// The loss over a whole set, without a graph.
    pub fn loss_on(hessian: &Tensor, theta: &Tensor, points: &ArrayD<f32>) -> f64 {
        autograd::no_grad(|| {
            let x = Tensor::from_array(points.clone());
            f64::from(Quadratic::loss(hessian, theta, &x).item())
        })
    }

    /// `½ tr(Q Σ)`, the expected loss at the best θ (0) for points of covariance `Σ = 0.6² I`:
    /// the floor no optimizer can beat.
    pub fn floor(&self) -> f64 {
        let q = &self.hessian;
        0.5 * NOISE * NOISE * (0..DIM).map(|i| f64::from(q[[i, i]])).sum::<f64>()
    }
}

/// A rotation drawn uniformly (Haar): the Q of the QR decomposition of a Gaussian matrix, with
/// the signs of R's diagonal taken out, by modified Gram–Schmidt in f64. Row `k` is the `k`-th
/// basis vector.
fn random_rotation(rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let normal = Normal::new(0.0, 1.0).expect("a positive standard deviation");
    let mut rows: Vec<Vec<f64>> = (0..DIM)
        .map(|_| (0..DIM).map(|_| normal.sample(rng)).collect())
        .collect();
    for k in 0..DIM {
        let (done, rest) = rows.split_at_mut(k);
        let row = &mut rest[0];
        for basis in done.iter() {
            let dot: f64 = row.iter().zip(basis).map(|(a, b)| a * b).sum();
            for (v, b) in row.iter_mut().zip(basis) {
                *v -= dot * b;
            }
        }
        let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
        for v in row.iter_mut() {
            *v /= norm;
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hessian_has_the_stated_spectrum_and_the_loss_its_formula() {
        let quad = Quadratic::new();
        // Q is symmetric, and its trace is the eigenvalues' sum: 90 in (0, 1), 10 in (30, 60).
        let q = &quad.hessian;
        let trace: f64 = (0..DIM).map(|i| f64::from(q[[i, i]])).sum();
        assert!((300.0..690.0).contains(&trace), "trace {trace}");
        for i in 0..DIM {
            for j in 0..i {
                assert!((q[[i, j]] - q[[j, i]]).abs() < 1e-4, "Q[{i},{j}]");
            }
        }
        // At θ = x the loss is 0; at θ = x + e₀ it is ½ Q₀₀, with one point.
        let x = Tensor::from_array(ArrayD::from_elem(IxDyn(&[1, DIM]), 0.3));
        let theta = Tensor::full(&[DIM], 0.3);
        assert!(Quadratic::loss(&quad.hessian(), &theta, &x).item().abs() < 1e-5);
        let mut shifted = vec![0.3f32; DIM];
        shifted[0] += 1.0;
        let theta = Tensor::from_vec(shifted, &[DIM]).unwrap();
        let want = 0.5 * q[[0, 0]];
        assert!((Quadratic::loss(&quad.hessian(), &theta, &x).item() - want).abs() < 1e-4 * want);
        // The floor: about ½ · 0.36 · trace.
        assert!((quad.floor() - 0.18 * trace).abs() < 1e-9 * trace);
    }
}
