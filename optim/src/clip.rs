//! Gradient clipping, between `backward()` and `step()`, as PyTorch's
//! `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`.
//!
//! By norm: with `g_1 … g_n` the gradients of the parameters that have one,
//!
//! ```text
//! N = ‖(‖g_1‖_p, …, ‖g_n‖_p)‖_p      (the norm of all gradients as one vector; p = ∞: max |g|)
//! c = min(max_norm / (N + 1e-6), 1)
//! g_i ← c · g_i
//! ```
//!
//! so the gradients are only ever scaled down, all by the same factor, keeping their direction.
//! By value: every element is clamped to `[−clip_value, clip_value]`, which changes the
//! direction. The norms are summed in `f64` and rounded to `f32` (PyTorch sums in `f32`), so
//! `N` may differ from PyTorch's in the last bit.
//!
//! ```
//! use autograd::{Parameters, Tensor};
//! let mut params = Parameters::new();
//! let w = Tensor::from_vec(vec![0.0, 0.0], &[2]).unwrap().requires_grad();
//! params.push("w", w.clone());
//! (&w * &Tensor::from_vec(vec![3.0, 4.0], &[2]).unwrap()).sum().backward(); // g = (3, 4)
//! let norm = optim::clip_grad_norm(&params, 1.0, 2.0); // ‖g‖ = 5 → g · 1/(5 + 1e-6)
//! assert_eq!(norm, 5.0);
//! assert!((w.grad().unwrap()[0] - 0.6).abs() < 1e-6);
//! // With an optimizer: optim::clip_grad_norm(&opt.params(), 1.0, 2.0) before opt.step().
//! ```

use autograd::Parameters;

/// Scales every gradient of `params` by `min(max_norm / (N + 1e-6), 1)`, `N` the `norm_type`
/// norm of all the gradients together (`f32::INFINITY` for the largest `|g|`); returns `N`,
/// the norm before clipping. Parameters without a gradient are skipped; with none at all the
/// norm is 0.
///
/// A non-finite `N` is not an error, as with PyTorch's default `error_if_nonfinite=False`: a
/// NaN anywhere makes every gradient NaN, and an infinite `N` makes the factor 0, so finite
/// gradients become 0 and infinite ones NaN. Check the returned norm to skip such a step.
///
/// # Panics
/// If `max_norm` is negative or NaN (PyTorch would flip the gradients' sign), or `norm_type`
/// is not a positive number or infinity.
#[track_caller]
pub fn clip_grad_norm(params: &Parameters, max_norm: f32, norm_type: f32) -> f32 {
    assert!(
        max_norm >= 0.0,
        "clip_grad_norm: max_norm = {max_norm} must be >= 0 (a negative one would flip the gradients)"
    );
    assert!(
        norm_type > 0.0,
        "clip_grad_norm: norm_type = {norm_type} must be > 0 (or f32::INFINITY)"
    );
    let norms: Vec<f32> = params
        .iter()
        .filter_map(|p| p.tensor.grad().map(|g| norm(g.iter().copied(), norm_type)))
        .collect();
    if norms.is_empty() {
        return 0.0;
    }
    let total = norm(norms.into_iter(), norm_type);
    let coef = max_norm / (total + 1e-6);
    // Clamped to 1 from above; a NaN stays NaN (as torch.clamp), where f32::min would drop it.
    let coef = if coef > 1.0 { 1.0 } else { coef };
    for p in params.iter() {
        if let Some(g) = p.tensor.grad_slot().as_mut() {
            g.mapv_inplace(|x| x * coef);
        }
    }
    total
}

/// Clamps every gradient element of `params` to `[−clip_value, clip_value]`; parameters
/// without a gradient are skipped, and a NaN stays NaN.
///
/// ```
/// use autograd::{Parameters, Tensor};
/// let mut params = Parameters::new();
/// let w = Tensor::from_vec(vec![0.0, 0.0], &[2]).unwrap().requires_grad();
/// params.push("w", w.clone());
/// (&w * &Tensor::from_vec(vec![3.0, -0.5], &[2]).unwrap()).sum().backward();
/// optim::clip_grad_value(&params, 1.0);
/// assert_eq!(w.grad().unwrap().iter().copied().collect::<Vec<_>>(), vec![1.0, -0.5]);
/// ```
///
/// # Panics
/// If `clip_value` is negative or NaN.
#[track_caller]
pub fn clip_grad_value(params: &Parameters, clip_value: f32) {
    assert!(
        clip_value >= 0.0,
        "clip_grad_value: clip_value = {clip_value} must be >= 0"
    );
    for p in params.iter() {
        if let Some(g) = p.tensor.grad_slot().as_mut() {
            g.mapv_inplace(|x| x.clamp(-clip_value, clip_value));
        }
    }
}

/// `‖x‖_p` of the values, summed in `f64`; `p = ∞` is the largest `|x|`. NaN in, NaN out.
fn norm(values: impl Iterator<Item = f32>, p: f32) -> f32 {
    if p == f32::INFINITY {
        return values.fold(0.0f32, |max, x| {
            if x.is_nan() || max.is_nan() {
                f32::NAN
            } else {
                max.max(x.abs())
            }
        });
    }
    let p = f64::from(p);
    let sum: f64 = values.map(|x| f64::from(x).abs().powf(p)).sum();
    sum.powf(1.0 / p) as f32
}
