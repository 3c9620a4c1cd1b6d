//! Means: of all elements (`y = (1/n) Σᵢ xᵢ`), or along one axis.
//!
//! **Composite**: `sum` (or `sum_axis`) followed by `mul_scalar(1/n)`, so it has no backward of
//! its own; the gradient that arrives at each element is `∂L/∂y · 1/n`.

use crate::tensor::Tensor;

impl Tensor {
    /// The mean of all elements, as a 0-dimensional tensor (NaN for an empty tensor, as in
    /// PyTorch).
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 6.0], &[2, 2]).unwrap();
    /// assert_eq!(x.mean().item(), 3.0);
    /// ```
    pub fn mean(&self) -> Tensor {
        let n = self.len() as f32;
        self.sum().mul_scalar(1.0 / n)
    }

    /// The mean along `axis`; with `keep_dim` the axis stays with size 1.
    ///
    /// # Panics
    /// If `axis` is out of range for the tensor's shape.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let m = Tensor::from_vec(vec![1.0, 2.0, 3.0, 6.0], &[2, 2]).unwrap();
    /// assert_eq!(m.mean_axis(0, false).to_vec(), vec![2.0, 4.0]);
    /// assert_eq!(m.mean_axis(1, true).shape(), vec![2, 1]);
    /// ```
    #[track_caller]
    pub fn mean_axis(&self, axis: usize, keep_dim: bool) -> Tensor {
        let shape = self.shape();
        assert!(
            axis < shape.len(),
            "mean_axis: axis {axis} out of range for shape {shape:?}"
        );
        self.sum_axis(axis, keep_dim)
            .mul_scalar(1.0 / shape[axis] as f32)
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient_of_mean() {
        // y = (1 + 2 + 3 + 6) / 4 = 3; ∂y/∂xᵢ = 1/4.
        let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 6.0], &[2, 2])
            .unwrap()
            .requires_grad();
        let y = x.mean();
        assert_eq!(y.shape(), Vec::<usize>::new());
        assert_eq!(y.item(), 3.0);
        y.backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![0.25; 4]
        );
    }

    #[test]
    fn value_and_gradient_of_mean_axis() {
        // x = [[1, 2, 3], [4, 5, 9]]; mean over axis 1: y = [2, 6].
        let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 9.0], &[2, 3])
            .unwrap()
            .requires_grad();
        let y = x.mean_axis(1, false);
        assert_eq!(y.to_vec(), vec![2.0, 6.0]);
        // L = 3·y₀ + 6·y₁: ∂L/∂x[i, j] = wᵢ / 3 = 1 on row 0, 2 on row 1.
        let w = Tensor::from_vec(vec![3.0, 6.0], &[2]).unwrap();
        (&y * &w).sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![1.0, 1.0, 1.0, 2.0, 2.0, 2.0]
        );
    }

    #[test]
    #[should_panic(expected = "mean_axis: axis 2 out of range for shape [2, 3]")]
    fn axis_out_of_range() {
        Tensor::zeros(&[2, 3]).mean_axis(2, false);
    }
}
