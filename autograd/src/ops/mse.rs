//! Mean squared error: `L = (1/n) Σᵢ (xᵢ − tᵢ)²` over all `n` elements, PyTorch's default
//! `reduction="mean"`.
//!
//! `∂L/∂xᵢ = 2(xᵢ − tᵢ)/n` and `∂L/∂tᵢ = −2(xᵢ − tᵢ)/n`, times the incoming scalar gradient.
//! Primitive: one pass forward, one backward, instead of the four nodes of
//! `(x − t)·(x − t)` then `mean`.

use ndarray::{ArrayD, IxDyn, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Mean of `(self − target)²` over all elements, as a 0-dimensional tensor. Both tensors
    /// must have the same shape (no broadcasting, which in a loss usually hides a bug).
    /// Gradients flow to `target` too when it requires one.
    ///
    /// # Panics
    /// If the shapes differ; the message names both.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let y = Tensor::from_vec(vec![1.0, 2.0], &[2]).unwrap();
    /// let t = Tensor::from_vec(vec![0.0, 4.0], &[2]).unwrap();
    /// assert_eq!(y.mse_loss(&t).item(), 2.5); // (1 + 4) / 2
    /// ```
    #[track_caller]
    pub fn mse_loss(&self, target: &Tensor) -> Tensor {
        let loss = {
            let (x, t) = (self.value(), target.value());
            assert!(
                x.shape() == t.shape(),
                "mse_loss: input shape {:?} and target shape {:?} differ",
                x.shape(),
                t.shape()
            );
            let sum = Zip::from(&*x)
                .and(&*t)
                .fold(0.0f32, |s, &x, &t| s + (x - t) * (x - t));
            sum / x.len() as f32
        };
        Tensor::from_op(
            ArrayD::from_elem(IxDyn(&[]), loss),
            &[self, target],
            MseLoss,
        )
    }
}

struct MseLoss;

impl Op for MseLoss {
    fn name(&self) -> &'static str {
        "mse_loss"
    }

    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        let (x, t) = (inputs[0].value(), inputs[1].value());
        let scale = 2.0 * grad.iter().next().expect("the loss is a scalar") / x.len() as f32;
        let grad_x = Zip::from(&*x)
            .and(&*t)
            .map_collect(|&x, &t| scale * (x - t));
        let grad_t = inputs[1].needs_grad().then(|| grad_x.mapv(|d| -d));
        vec![inputs[0].needs_grad().then_some(grad_x), grad_t]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // x − t = [1, −2, 0.5]: L = (1 + 4 + 0.25) / 3 = 1.75.
        let x = Tensor::from_vec(vec![2.0, 0.0, 1.5], &[3])
            .unwrap()
            .requires_grad();
        let t = Tensor::from_vec(vec![1.0, 2.0, 1.0], &[3])
            .unwrap()
            .requires_grad();
        let loss = x.mse_loss(&t);
        assert_eq!(loss.item(), 1.75);
        loss.backward();
        // ∂L/∂x = 2(x − t)/3 = [2/3, −4/3, 1/3]; ∂L/∂t is its negative.
        let gx: Vec<f32> = x.grad().unwrap().iter().copied().collect();
        let gt: Vec<f32> = t.grad().unwrap().iter().copied().collect();
        let want = [2.0 / 3.0, -4.0 / 3.0, 1.0 / 3.0];
        for i in 0..3 {
            assert!(
                (gx[i] - want[i]).abs() < 1e-6 && (gt[i] + want[i]).abs() < 1e-6,
                "{gx:?} {gt:?}"
            );
        }
    }

    #[test]
    #[should_panic(expected = "mse_loss: input shape [2, 1] and target shape [2] differ")]
    fn shape_mismatch_names_both() {
        Tensor::zeros(&[2, 1]).mse_loss(&Tensor::zeros(&[2]));
    }
}
