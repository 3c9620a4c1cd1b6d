//! Element-wise product with broadcasting: `c = a ⊙ b`.
//!
//! `∂c/∂a = b` and `∂c/∂b = a`, each summed back to its input's shape.

use ndarray::ArrayD;

use crate::broadcast::{broadcast_shape, sum_to_shape};
use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise `self * other`, broadcasting. Also written `&a * &b`.
    ///
    /// # Panics
    /// If the shapes do not broadcast, naming both.
    #[track_caller]
    pub fn mul(&self, other: &Tensor) -> Tensor {
        broadcast_shape("mul", &self.shape(), &other.shape());
        let value = &*self.value() * &*other.value();
        Tensor::from_op(value, &[self, other], Mul)
    }
}

struct Mul;

impl Op for Mul {
    fn name(&self) -> &'static str {
        "mul"
    }

    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        let (a, b) = (&inputs[0], &inputs[1]);
        let grad_a = a
            .needs_grad()
            .then(|| sum_to_shape(&grad * &*b.value(), &a.shape()));
        let grad_b = b
            .needs_grad()
            .then(|| sum_to_shape(grad * &*a.value(), &b.shape()));
        vec![grad_a, grad_b]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient_column_times_row() {
        // a: [2, 1] column, b: [1, 2] row, c = a ⊙ b: [2, 2] outer product.
        let a = Tensor::from_vec(vec![1.0, 2.0], &[2, 1])
            .unwrap()
            .requires_grad();
        let b = Tensor::from_vec(vec![3.0, 4.0], &[1, 2])
            .unwrap()
            .requires_grad();
        let c = &a * &b;
        assert_eq!(c.to_vec(), vec![3.0, 4.0, 6.0, 8.0]);
        c.sum().backward();
        // ∂Σc/∂a[i] = Σ_j b[j] = 7; ∂Σc/∂b[j] = Σ_i a[i] = 3.
        assert_eq!(
            a.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![7.0, 7.0]
        );
        assert_eq!(
            b.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![3.0, 3.0]
        );
    }
}
