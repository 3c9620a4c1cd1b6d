//! Checking gradients against finite differences, for any function of tensors.
//!
//! For `y = f(x₁, …, xₙ)` the checker compares the backward pass with central differences
//!
//! ```text
//!   ∂L/∂xᵢ[k] ≈ (L(xᵢ[k] + h) − L(xᵢ[k] − h)) / 2h,    L = Σⱼ rⱼ · yⱼ
//! ```
//!
//! where `r` is a fixed pseudo-random weighting (so that errors cannot cancel in a plain sum)
//! and the analytic side is `backward_from_grad(r)`. Values are `f32`, so the default step and
//! tolerances are those that f32 round-off allows: `h = 1e-2` with a relative tolerance of
//! 1e-2 is tight enough to catch a wrong derivative (usually off by a factor) and loose enough
//! not to flag round-off.

use ndarray::ArrayD;

use crate::backward::BackwardOptions;
use crate::no_grad::no_grad;
use crate::tensor::Tensor;

/// Step and tolerances of [`gradcheck`].
#[derive(Debug, Clone, Copy)]
pub struct GradCheck {
    /// Finite-difference step `h`.
    pub step: f32,
    /// Absolute tolerance.
    pub atol: f32,
    /// Relative tolerance (of the larger of the two values compared).
    pub rtol: f32,
}

impl Default for GradCheck {
    fn default() -> Self {
        GradCheck {
            step: 1e-2,
            atol: 1e-3,
            rtol: 1e-2,
        }
    }
}

/// The first element where the two gradients disagree.
#[derive(Debug, Clone, PartialEq)]
pub struct GradCheckError {
    /// Which input (position in the slice passed to [`gradcheck`]).
    pub input: usize,
    /// Flat (row-major) index of the element.
    pub index: usize,
    /// From the backward pass.
    pub analytic: f32,
    /// From finite differences.
    pub numeric: f32,
}

impl std::fmt::Display for GradCheckError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "gradient mismatch at input {} element {}: backward gives {}, finite differences give {}",
            self.input, self.index, self.analytic, self.numeric
        )
    }
}

impl std::error::Error for GradCheckError {}

/// Compares the gradients of `f` at `inputs` with central differences.
///
/// Only inputs that require a gradient are checked. Returns the largest absolute difference
/// seen, or the first element out of tolerance. The inputs' values are restored and their
/// gradients cleared afterwards.
///
/// ```
/// use autograd::{gradcheck, GradCheck, Tensor};
/// let x = Tensor::from_vec(vec![0.5, -1.0, 2.0], &[3]).unwrap().requires_grad();
/// let worst = gradcheck(|t| t[0].tanh(), &[x], GradCheck::default()).unwrap();
/// assert!(worst < 1e-3);
/// ```
pub fn gradcheck(
    f: impl Fn(&[Tensor]) -> Tensor,
    inputs: &[Tensor],
    options: GradCheck,
) -> Result<f32, GradCheckError> {
    for x in inputs {
        x.zero_grad();
    }
    let output = f(inputs);
    let weights = weighting(output.len(), output.value().raw_dim());
    output.backward_from_grad(weights.clone(), BackwardOptions::default());
    let weighted = |out: Tensor| -> f64 {
        let out = out.value();
        out.iter()
            .zip(weights.iter())
            .map(|(&y, &r)| (y as f64) * (r as f64))
            .sum()
    };

    let mut worst = 0.0f32;
    for (i, x) in inputs.iter().enumerate().filter(|(_, x)| x.needs_grad()) {
        let analytic = x
            .grad()
            .map(|g| g.clone())
            .unwrap_or_else(|| ArrayD::zeros(x.value().raw_dim()));
        let indices = ndarray::indices(x.value().raw_dim());
        for (k, index) in indices.into_iter().enumerate() {
            let original = x.value()[&index];
            let at = |v: f32| {
                x.value_mut()[&index] = v;
                no_grad(|| weighted(f(inputs)))
            };
            let numeric = ((at(original + options.step) - at(original - options.step))
                / (2.0 * options.step as f64)) as f32;
            at(original);
            let a = analytic[&index];
            let diff = (a - numeric).abs();
            worst = worst.max(diff);
            let tolerance = options.atol + options.rtol * a.abs().max(numeric.abs());
            if diff.is_nan() || diff > tolerance {
                x.zero_grad();
                return Err(GradCheckError {
                    input: i,
                    index: k,
                    analytic: a,
                    numeric,
                });
            }
        }
        x.zero_grad();
    }
    Ok(worst)
}

/// Fixed weights in [0.5, 1.5), different per element, from a tiny linear congruential generator.
fn weighting(len: usize, shape: ndarray::IxDyn) -> ArrayD<f32> {
    let mut state: u32 = 0x9E37_79B9;
    let values = (0..len)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            0.5 + (state >> 8) as f32 / (1u32 << 24) as f32
        })
        .collect();
    ArrayD::from_shape_vec(shape, values).expect("len matches shape")
}
