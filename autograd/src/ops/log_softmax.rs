//! Log-softmax along an axis: `yᵢ = xᵢ − log Σⱼ exp(xⱼ)` over each lane of that axis.
//!
//! Computed as `xᵢ − m − log Σⱼ exp(xⱼ − m)` with `m = maxⱼ xⱼ`, which cannot overflow and,
//! unlike `softmax(x).log()`, never takes the log of an underflowed 0. With `pᵢ = exp(yᵢ)` (the
//! softmax), `∂yᵢ/∂xₖ = δᵢₖ − pₖ`, so `∂L/∂x = g − p · Σⱼ gⱼ` with `g = ∂L/∂y`, per lane; `p`
//! is recomputed from the saved output.
//!
//! Primitive, laid out like `softmax.rs`.

use ndarray::{ArrayD, Axis, Zip};

use super::softmax::lanes_minus_max;
use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Log-softmax along `axis`: log-probabilities whose `exp` sums to 1 in each lane.
    ///
    /// # Panics
    /// If `axis` is out of range for the tensor's shape.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let logits = Tensor::from_vec(vec![0.0, -200.0], &[1, 2]).unwrap();
    /// assert_eq!(logits.log_softmax(1).to_vec(), vec![0.0, -200.0]); // not -inf
    /// ```
    #[track_caller]
    pub fn log_softmax(&self, axis: usize) -> Tensor {
        let value = lanes_minus_max("log_softmax", &self.value(), axis, |_, mut lane| {
            // The lane already holds xᵢ − m.
            let log_sum = lane.fold(0.0, |s, &v| s + v.exp()).ln();
            lane.mapv_inplace(|v| v - log_sum);
        });
        Tensor::from_op(value, &[self], LogSoftmax { axis })
    }
}

struct LogSoftmax {
    axis: usize,
}

impl Op for LogSoftmax {
    fn name(&self) -> &'static str {
        "log_softmax"
    }

    fn backward(
        &self,
        _: &[Tensor],
        output: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        Zip::from(grad.lanes_mut(Axis(self.axis)))
            .and(output.lanes(Axis(self.axis)))
            .for_each(|mut g, y| {
                let sum = g.sum();
                Zip::from(&mut g)
                    .and(&y)
                    .for_each(|g, &y| *g -= y.exp() * sum);
            });
        vec![Some(grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6)
    }

    #[test]
    fn value_and_gradient() {
        // x = [0, ln 3]: softmax p = [1/4, 3/4], y = log p = [−ln 4, ln 3 − ln 4].
        let x = Tensor::from_vec(vec![0.0, 3f32.ln()], &[1, 2])
            .unwrap()
            .requires_grad();
        let y = x.log_softmax(1);
        assert!(close(&y.to_vec(), &[-(4f32.ln()), 3f32.ln() - 4f32.ln()]));
        // L = 2·y₀ + 1·y₁ (g = [2, 1], Σg = 3): ∂L/∂x = g − 3p = [2 − 3/4, 1 − 9/4]
        //                                               = [1.25, −1.25].
        let w = Tensor::from_vec(vec![2.0, 1.0], &[1, 2]).unwrap();
        (&y * &w).sum().backward();
        assert!(close(
            &x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            &[1.25, -1.25]
        ));
    }

    #[test]
    fn along_axis_zero() {
        // Column 0 of [[0, 5], [ln 3, 5]] → log [1/4, 3/4]; column 1 → log [1/2, 1/2].
        let x = Tensor::from_vec(vec![0.0, 5.0, 3f32.ln(), 5.0], &[2, 2]).unwrap();
        let half = -(2f32.ln());
        assert!(close(
            &x.log_softmax(0).to_vec(),
            &[-(4f32.ln()), half, 3f32.ln() - 4f32.ln(), half]
        ));
    }
}
