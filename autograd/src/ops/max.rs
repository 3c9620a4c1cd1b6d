//! Maximum along an axis: `y = maxⱼ x[…, j, …]`, with the position of the maximum saved.
//!
//! The maximum is one of the inputs passed through, so `∂y/∂x[…, j, …] = 1` at the arg-max `j*`
//! and `0` elsewhere: the backward pass scatters each output gradient to the saved index. On
//! ties the first index wins (PyTorch's `max(dim)` also returns one index per lane). A NaN in a
//! lane is its maximum, so NaNs propagate as in PyTorch.

use ndarray::{ArrayD, Axis, RemoveAxis, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// The maximum along `axis`; with `keep_dim` the axis stays with size 1.
    ///
    /// # Panics
    /// If `axis` is out of range or has size 0; the message names the shape.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let m = Tensor::from_vec(vec![1.0, 5.0, 3.0, 2.0], &[2, 2]).unwrap();
    /// assert_eq!(m.max_axis(1, false).to_vec(), vec![5.0, 3.0]);
    /// assert_eq!(m.max_axis(0, true).shape(), vec![1, 2]);
    /// ```
    /// The position of the maximum along `axis` (the first on ties), e.g. the predicted class
    /// of each row of scores: PyTorch's `argmax(dim)`. Indices are not differentiable, so this
    /// returns an array, not a tensor.
    ///
    /// # Panics
    /// If `axis` is out of range or has size 0; the message names the shape.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let scores = Tensor::from_vec(vec![0.1, 2.0, -1.0, 3.0, 3.0, 0.0], &[2, 3]).unwrap();
    /// assert_eq!(scores.argmax(1).into_raw_vec_and_offset().0, vec![1, 0]);
    /// ```
    #[track_caller]
    pub fn argmax(&self, axis: usize) -> ArrayD<usize> {
        let x = self.value();
        assert!(
            axis < x.ndim() && x.len_of(Axis(axis)) > 0,
            "argmax: axis {axis} out of range or empty for shape {:?}",
            x.shape()
        );
        x.map_axis(Axis(axis), |lane| {
            let mut best = 0;
            for (j, &v) in lane.iter().enumerate() {
                // `>` keeps the first maximum; a NaN is the maximum of its lane, as in `max_axis`.
                if v > lane[best] || (v.is_nan() && !lane[best].is_nan()) {
                    best = j;
                }
            }
            best
        })
    }

    #[track_caller]
    pub fn max_axis(&self, axis: usize, keep_dim: bool) -> Tensor {
        let (mut value, indices) = {
            let x = self.value();
            assert!(
                axis < x.ndim(),
                "max_axis: axis {axis} out of range for shape {:?}",
                x.shape()
            );
            assert!(
                x.len_of(Axis(axis)) > 0,
                "max_axis: axis {axis} of shape {:?} is empty",
                x.shape()
            );
            let reduced = x.raw_dim().remove_axis(Axis(axis));
            let mut value = ArrayD::zeros(reduced.clone());
            let mut indices = ArrayD::zeros(reduced);
            Zip::from(&mut value)
                .and(&mut indices)
                .and(x.lanes(Axis(axis)))
                .for_each(|max, index, lane| {
                    let (mut best, mut at) = (lane[0], 0);
                    for (j, &v) in lane.iter().enumerate().skip(1) {
                        if v > best || (v.is_nan() && !best.is_nan()) {
                            (best, at) = (v, j);
                        }
                    }
                    (*max, *index) = (best, at);
                });
            (value, indices)
        };
        if keep_dim {
            value.insert_axis_inplace(Axis(axis));
        }
        Tensor::from_op(value, &[self], MaxAxis { axis, indices })
    }
}

struct MaxAxis {
    axis: usize,
    /// The arg-max of each lane, shaped as the output without the reduced axis.
    indices: ArrayD<usize>,
}

impl Op for MaxAxis {
    fn name(&self) -> &'static str {
        "max_axis"
    }

    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        let axis = Axis(self.axis);
        // With keep_dim the gradient still has the reduced axis (size 1): drop it.
        let grad = if grad.ndim() == self.indices.ndim() {
            grad
        } else {
            grad.index_axis_move(axis, 0)
        };
        let mut grad_x = ArrayD::zeros(inputs[0].value().raw_dim());
        Zip::from(grad_x.lanes_mut(axis))
            .and(&grad)
            .and(&self.indices)
            .for_each(|mut lane, &g, &j| lane[j] = g);
        vec![Some(grad_x)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient_along_rows() {
        // x = [[1, 5, 3], [4, 2, 0]]: max over axis 1 = [5, 4] at columns 1 and 0.
        let x = Tensor::from_vec(vec![1.0, 5.0, 3.0, 4.0, 2.0, 0.0], &[2, 3])
            .unwrap()
            .requires_grad();
        let y = x.max_axis(1, false);
        assert_eq!(y.to_vec(), vec![5.0, 4.0]);
        // L = 2·y₀ + 3·y₁: ∂L/∂x is 2 at (0, 1), 3 at (1, 0), 0 elsewhere.
        let w = Tensor::from_vec(vec![2.0, 3.0], &[2]).unwrap();
        (&y * &w).sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![0.0, 2.0, 0.0, 3.0, 0.0, 0.0]
        );
    }

    #[test]
    fn value_and_gradient_along_columns_with_keep_dim() {
        // Same x; max over axis 0 = [[4, 5, 3]] at rows 1, 0, 0.
        let x = Tensor::from_vec(vec![1.0, 5.0, 3.0, 4.0, 2.0, 0.0], &[2, 3])
            .unwrap()
            .requires_grad();
        let y = x.max_axis(0, true);
        assert_eq!(y.shape(), vec![1, 3]);
        assert_eq!(y.to_vec(), vec![4.0, 5.0, 3.0]);
        y.sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![0.0, 1.0, 1.0, 1.0, 0.0, 0.0]
        );
    }

    #[test]
    fn ties_send_the_gradient_to_the_first_maximum() {
        let x = Tensor::from_vec(vec![2.0, 7.0, 7.0], &[1, 3])
            .unwrap()
            .requires_grad();
        x.max_axis(1, false).sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![0.0, 1.0, 0.0]
        );
    }

    #[test]
    #[should_panic(expected = "max_axis: axis 1 of shape [2, 0] is empty")]
    fn empty_axis() {
        Tensor::zeros(&[2, 0]).max_axis(1, false);
    }
}
