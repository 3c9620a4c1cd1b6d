//! Transpose of a matrix: `y[j, i] = x[i, j]`, `x: [n, m]`, `y: [m, n]`.
//!
//! Each output element is one input element moved, so the gradient is moved back:
//! `∂L/∂x = (∂L/∂y)ᵀ`. Both directions copy into row-major (standard) layout, so later ops
//! read contiguous memory.

use ndarray::ArrayD;

use crate::op::Op;
use crate::tensor::Tensor;

/// Swaps the two axes of a 2-D array into a new row-major array.
fn transposed(value: &ArrayD<f32>) -> ArrayD<f32> {
    let mut view = value.view();
    view.swap_axes(0, 1);
    view.as_standard_layout().into_owned()
}

impl Tensor {
    /// The transpose of a 2-D tensor: `[n, m]` → `[m, n]`.
    ///
    /// # Panics
    /// If the tensor is not 2-D; the message names its shape.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
    /// let y = x.transpose();
    /// assert_eq!(y.shape(), vec![3, 2]);
    /// assert_eq!(y.to_vec(), vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    /// ```
    #[track_caller]
    pub fn transpose(&self) -> Tensor {
        let value = {
            let x = self.value();
            assert!(
                x.ndim() == 2,
                "transpose: expected a 2-D tensor, got shape {:?}",
                x.shape()
            );
            transposed(&x)
        };
        Tensor::from_op(value, &[self], Transpose)
    }

    /// Short for [`Tensor::transpose`], as `x.t()` in PyTorch.
    ///
    /// # Panics
    /// If the tensor is not 2-D.
    #[track_caller]
    pub fn t(&self) -> Tensor {
        self.transpose()
    }
}

struct Transpose;

impl Op for Transpose {
    fn name(&self) -> &'static str {
        "transpose"
    }

    fn backward(
        &self,
        _: &[Tensor],
        _: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        vec![Some(transposed(&grad))]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // x = [[1, 2, 3], [4, 5, 6]]; y = xᵀ = [[1, 4], [2, 5], [3, 6]].
        let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3])
            .unwrap()
            .requires_grad();
        let y = x.t();
        assert_eq!(y.shape(), vec![3, 2]);
        assert_eq!(y.to_vec(), vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        assert!(y.value().is_standard_layout());
        // L = Σ w ⊙ y with w = [[1, 2], [3, 4], [5, 6]]: ∂L/∂x[i, j] = w[j, i] = wᵀ.
        let w = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2]).unwrap();
        (&y * &w).sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![1.0, 3.0, 5.0, 2.0, 4.0, 6.0]
        );
    }

    #[test]
    #[should_panic(expected = "transpose: expected a 2-D tensor, got shape [3]")]
    fn rejects_non_matrix() {
        Tensor::zeros(&[3]).t();
    }
}
