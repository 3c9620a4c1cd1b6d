//! Rectified linear unit: `y = max(x, 0)`.
//!
//! `∂y/∂x = 1` where `x > 0`, else `0` (PyTorch's choice at exactly 0 too).
//!
//! NaN stays NaN, as in PyTorch (`f32::max` would turn it into 0 and hide it from the loss), and
//! its gradient passes through unchanged: PyTorch's backward masks by the output, `y ≤ 0`, which
//! is false for NaN.

use ndarray::ArrayD;

use crate::backend::elementwise::{map, zip_mut_with};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise `max(x, 0)`; NaN stays NaN, as in PyTorch.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![-1.0, 2.0], &[2]).unwrap();
    /// assert_eq!(x.relu().to_vec(), vec![0.0, 2.0]);
    /// ```
    pub fn relu(&self) -> Tensor {
        // PyTorch's `std::max(x, 0)`: a NaN fails `x < 0` and is kept. One `maxps`, no branch.
        let value = map(&self.value(), |x| if x < 0.0 { 0.0 } else { x });
        Tensor::from_op(value, &[self], Relu)
    }
}

struct Relu;

impl Op for Relu {
    fn name(&self) -> &'static str {
        "relu"
    }

    /// Reads the saved output, as PyTorch's `threshold_backward` does: `y > 0` exactly where
    /// `x > 0`, and a NaN `y` (from a NaN `x`) is not `≤ 0`, so its gradient passes.
    fn backward(
        &self,
        _: &[Tensor],
        output: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        zip_mut_with(&mut grad, output, |g, y| {
            if y <= 0.0 {
                *g = 0.0;
            }
        });
        vec![Some(grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // y = relu(x); dy/dx = [0, 0, 1] for x = [-2, 0, 3].
        let x = Tensor::from_vec(vec![-2.0, 0.0, 3.0], &[3])
            .unwrap()
            .requires_grad();
        let y = x.relu();
        assert_eq!(y.to_vec(), vec![0.0, 0.0, 3.0]);
        y.sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![0.0, 0.0, 1.0]
        );
    }

    #[test]
    fn nan_stays_nan_at_every_length() {
        // Short tails, vectorized bodies and arrays cut into pieces for threads: NaN wherever x
        // is NaN (every third element), and max(x, 0) elsewhere.
        for n in [1, 7, 33, 100_003] {
            let x: Vec<f32> = (0..n)
                .map(|i| {
                    if i % 3 == 0 {
                        f32::NAN
                    } else {
                        i as f32 - 50.0
                    }
                })
                .collect();
            let y = Tensor::from_vec(x.clone(), &[n]).unwrap().relu().to_vec();
            for (i, (&x, &y)) in x.iter().zip(&y).enumerate() {
                if x.is_nan() {
                    assert!(y.is_nan(), "n = {n}, i = {i}: {y}");
                } else {
                    assert_eq!(y, if x < 0.0 { 0.0 } else { x }, "n = {n}, i = {i}");
                }
            }
        }
    }
}
