//! Addition with broadcasting: `c = a + b`.
//!
//! `∂c/∂a = 1` and `∂c/∂b = 1`, so each input receives the output gradient unchanged, summed
//! back over the axes it was broadcast along ([`sum_to_shape`]).

use ndarray::ArrayD;

use crate::broadcast::{broadcast_shape, sum_to_shape};
use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise `self + other`, broadcasting as NumPy does. Also written `&a + &b`.
    ///
    /// # Panics
    /// If the shapes do not broadcast, naming both.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let m = Tensor::zeros(&[2, 3]);
    /// let row = Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3]).unwrap();
    /// assert_eq!((&m + &row).to_vec(), vec![1.0, 2.0, 3.0, 1.0, 2.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn add(&self, other: &Tensor) -> Tensor {
        broadcast_shape("add", &self.shape(), &other.shape());
        let value = &*self.value() + &*other.value();
        Tensor::from_op(value, &[self, other], Add)
    }
}

struct Add;

impl Op for Add {
    fn name(&self) -> &'static str {
        "add"
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
        let grad_b = b.needs_grad().then(|| sum_to_shape(grad, &b.shape()));
        vec![grad_a, grad_b]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient_with_row_broadcast() {
        // c = a + b with a: [2, 2], b: [2] added to each row.
        let a = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2])
            .unwrap()
            .requires_grad();
        let b = Tensor::from_vec(vec![10.0, 20.0], &[2])
            .unwrap()
            .requires_grad();
        let c = &a + &b;
        assert_eq!(c.to_vec(), vec![11.0, 22.0, 13.0, 24.0]);
        c.sum().backward();
        // ∂Σc/∂a = 1 everywhere; ∂Σc/∂b[j] = number of rows = 2.
        assert_eq!(
            a.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![1.0; 4]
        );
        assert_eq!(
            b.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![2.0, 2.0]
        );
    }
}
