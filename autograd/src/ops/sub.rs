//! Subtraction with broadcasting: `c = a − b`.
//!
//! `∂c/∂a = 1`, `∂c/∂b = −1`, each summed back to its input's shape.

use ndarray::ArrayD;

use crate::broadcast::{broadcast_shape, sum_to_shape};
use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise `self − other`, broadcasting. Also written `&a - &b`.
    ///
    /// # Panics
    /// If the shapes do not broadcast, naming both.
    #[track_caller]
    pub fn sub(&self, other: &Tensor) -> Tensor {
        broadcast_shape("sub", &self.shape(), &other.shape());
        let value = &*self.value() - &*other.value();
        Tensor::from_op(value, &[self, other], Sub)
    }
}

struct Sub;

impl Op for Sub {
    fn name(&self) -> &'static str {
        "sub"
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
            .then(|| sum_to_shape(grad.clone(), &a.shape()));
        let grad_b = b.needs_grad().then(|| sum_to_shape(-grad, &b.shape()));
        vec![grad_a, grad_b]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient_scalar_minus_matrix() {
        // c = s − m with s a 0-d scalar broadcast over m: [2, 2].
        let s = Tensor::scalar(10.0).requires_grad();
        let m = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2])
            .unwrap()
            .requires_grad();
        let c = &s - &m;
        assert_eq!(c.to_vec(), vec![9.0, 8.0, 7.0, 6.0]);
        c.sum().backward();
        // ∂Σc/∂s = 4 (one per element), ∂Σc/∂m = −1.
        assert_eq!(
            s.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![4.0]
        );
        assert_eq!(
            m.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![-1.0; 4]
        );
    }
}
