//! Softmax along an axis: `yᵢ = exp(xᵢ) / Σⱼ exp(xⱼ)` over each lane of that axis.
//!
//! Computed as `exp(xᵢ − m) / Σⱼ exp(xⱼ − m)` with `m = maxⱼ xⱼ`: the same value, but no
//! `exp` can overflow. The Jacobian is `∂yᵢ/∂xₖ = yᵢ(δᵢₖ − yₖ)`, so the backward pass needs only
//! the saved output: `∂L/∂x = y ⊙ (g − Σⱼ gⱼyⱼ)` with `g = ∂L/∂y`, per lane.
//!
//! Primitive. Each lane is processed in one place, so on a row-major `[B, C]` tensor with
//! `axis = 1` every lane is a contiguous row.

use ndarray::{ArrayD, ArrayViewMut1, Axis, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Softmax along `axis`: every lane along it becomes positive and sums to 1.
    ///
    /// # Panics
    /// If `axis` is out of range for the tensor's shape.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let logits = Tensor::from_vec(vec![0.0, 0.0, 1000.0, 1000.0], &[2, 2]).unwrap();
    /// assert_eq!(logits.softmax(1).to_vec(), vec![0.5, 0.5, 0.5, 0.5]); // no overflow
    /// ```
    #[track_caller]
    pub fn softmax(&self, axis: usize) -> Tensor {
        let value = lanes_minus_max("softmax", &self.value(), axis, |_, mut lane| {
            lane.mapv_inplace(f32::exp);
            let sum = lane.sum();
            lane.mapv_inplace(|e| e / sum);
        });
        Tensor::from_op(value, &[self], Softmax { axis })
    }
}

/// A copy of `x` in which every lane along `axis` has its maximum subtracted, then goes through
/// `finish` with its position among the lanes — the overflow-safe start shared by softmax,
/// `log_softmax.rs` and `cross_entropy.rs`: after the shift every value is ≤ 0, so its `exp`
/// lies in [0, 1]. A lane holding a NaN, or only `−inf`, is all NaN after the shift, and one
/// holding `+inf` has a NaN there (`inf − inf`), so each of the three ops makes such a lane NaN
/// throughout, as PyTorch does.
///
/// Shape: the output has `x`'s shape, in standard layout.
///
/// # Panics
/// If `axis` is out of range for `x`'s shape; the message names `op`.
#[track_caller]
pub(crate) fn lanes_minus_max(
    op: &str,
    x: &ArrayD<f32>,
    axis: usize,
    mut finish: impl FnMut(usize, ArrayViewMut1<'_, f32>),
) -> ArrayD<f32> {
    assert!(
        axis < x.ndim(),
        "{op}: axis {axis} out of range for shape {:?}",
        x.shape()
    );
    let mut y = x.as_standard_layout().into_owned();
    for (i, mut lane) in y.lanes_mut(Axis(axis)).into_iter().enumerate() {
        // A NaN is the lane's maximum, as in PyTorch (`f32::max` would skip it), so every value
        // of a lane holding a NaN becomes NaN here, not only through the sum that follows.
        let max = lane.fold(
            f32::NEG_INFINITY,
            |m, &v| if v > m || v.is_nan() { v } else { m },
        );
        lane.mapv_inplace(|v| v - max);
        finish(i, lane);
    }
    y
}

struct Softmax {
    axis: usize,
}

impl Op for Softmax {
    fn name(&self) -> &'static str {
        "softmax"
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
                let dot = g.dot(&y);
                Zip::from(&mut g)
                    .and(&y)
                    .for_each(|g, &y| *g = y * (*g - dot));
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
        // x = [0, ln 3]: y = [1/4, 3/4].
        let x = Tensor::from_vec(vec![0.0, 3f32.ln()], &[1, 2])
            .unwrap()
            .requires_grad();
        let y = x.softmax(1);
        assert!(close(&y.to_vec(), &[0.25, 0.75]));
        // L = y₀ (g = [1, 0]): ∂L/∂x = y ⊙ (g − g·y) = [1/4·(1 − 1/4), 3/4·(0 − 1/4)]
        //                                          = [3/16, −3/16].
        let w = Tensor::from_vec(vec![1.0, 0.0], &[1, 2]).unwrap();
        (&y * &w).sum().backward();
        assert!(close(
            &x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            &[0.1875, -0.1875]
        ));
    }

    #[test]
    fn along_axis_zero() {
        // Columns of [[0, 1], [ln 3, 1]]: column 0 → [1/4, 3/4], column 1 → [1/2, 1/2].
        let x = Tensor::from_vec(vec![0.0, 1.0, 3f32.ln(), 1.0], &[2, 2]).unwrap();
        assert!(close(&x.softmax(0).to_vec(), &[0.25, 0.5, 0.75, 0.5]));
    }

    #[test]
    #[should_panic(expected = "softmax: axis 2 out of range for shape [2, 2]")]
    fn axis_out_of_range() {
        Tensor::zeros(&[2, 2]).softmax(2);
    }
}
