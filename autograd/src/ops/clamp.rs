//! Clamping into an interval: `y = min(max(x, lo), hi)`.
//!
//! `∂y/∂x = 1` for `lo ≤ x ≤ hi` and `0` outside. At the two boundaries, where the derivative
//! is not defined, the gradient is `1`, as in PyTorch (its `clamp_backward` keeps the gradient
//! where `x >= min && x <= max`).

use ndarray::{ArrayD, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise clamp into `[min, max]`. NaN stays NaN, as in PyTorch.
    ///
    /// # Panics
    /// If `min > max` or either bound is NaN, naming both.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![-2.0, 0.5, 3.0], &[3]).unwrap();
    /// assert_eq!(x.clamp(-1.0, 1.0).to_vec(), vec![-1.0, 0.5, 1.0]);
    /// ```
    #[track_caller]
    pub fn clamp(&self, min: f32, max: f32) -> Tensor {
        if min.is_nan() || max.is_nan() || min > max {
            panic!("clamp: min ({min}) must not exceed max ({max})");
        }
        let value = self.value().mapv(|x| x.clamp(min, max));
        Tensor::from_op(value, &[self], Clamp { min, max })
    }
}

struct Clamp {
    min: f32,
    max: f32,
}

impl Op for Clamp {
    fn name(&self) -> &'static str {
        "clamp"
    }

    /// Passes the gradient where `min ≤ x ≤ max` (boundaries included), zero elsewhere.
    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        let (min, max) = (self.min, self.max);
        Zip::from(&mut grad)
            .and(&*inputs[0].value())
            .for_each(|g, &x| {
                // `contains` is false for a NaN `x` too, which gets no gradient.
                if !(min..=max).contains(&x) {
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
        // y = clamp(x, -1, 1) at x = [-2, -1, 0.5, 1, 3]: y = [-1, -1, 0.5, 1, 1];
        // dy/dx = 1 inside [-1, 1] with both ends included, 0 outside: [0, 1, 1, 1, 0].
        let x = Tensor::from_vec(vec![-2.0, -1.0, 0.5, 1.0, 3.0], &[5])
            .unwrap()
            .requires_grad();
        let y = x.clamp(-1.0, 1.0);
        assert_eq!(y.to_vec(), vec![-1.0, -1.0, 0.5, 1.0, 1.0]);
        y.sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![0.0, 1.0, 1.0, 1.0, 0.0]
        );
    }

    #[test]
    fn nan_passes_through_with_zero_gradient() {
        let x = Tensor::from_vec(vec![f32::NAN], &[1])
            .unwrap()
            .requires_grad();
        let y = x.clamp(-1.0, 1.0);
        assert!(y.to_vec()[0].is_nan());
        y.sum().backward();
        assert_eq!(x.grad().unwrap()[[0]], 0.0);
    }

    #[test]
    #[should_panic(expected = "clamp: min (2) must not exceed max (1)")]
    fn min_above_max_panics() {
        Tensor::zeros(&[1]).clamp(2.0, 1.0);
    }

    #[test]
    #[should_panic(expected = "clamp: min (NaN) must not exceed max (1)")]
    fn nan_bound_panics() {
        Tensor::zeros(&[1]).clamp(f32::NAN, 1.0);
    }
}
