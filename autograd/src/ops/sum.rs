//! Sums: of all elements (`y = Σᵢ xᵢ`), or along one axis.
//!
//! `∂y/∂xᵢ = 1`: every element receives the output gradient, broadcast back over the summed
//! axis.

use ndarray::{ArrayD, Axis, IxDyn};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// The sum of all elements, as a 0-dimensional tensor.
    pub fn sum(&self) -> Tensor {
        let value = ArrayD::from_elem(IxDyn(&[]), self.value().sum());
        Tensor::from_op(value, &[self], Sum { axis: None })
    }

    /// Sum along `axis`; with `keep_dim` the axis stays with size 1.
    ///
    /// # Panics
    /// If `axis` is out of range for the tensor's shape.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let m = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
    /// assert_eq!(m.sum_axis(0, false).to_vec(), vec![4.0, 6.0]);
    /// assert_eq!(m.sum_axis(1, true).shape(), vec![2, 1]);
    /// ```
    #[track_caller]
    pub fn sum_axis(&self, axis: usize, keep_dim: bool) -> Tensor {
        let ndim = self.value().ndim();
        assert!(
            axis < ndim,
            "sum_axis: axis {axis} out of range for shape {:?}",
            self.shape()
        );
        let mut value = self.value().sum_axis(Axis(axis));
        if keep_dim {
            value.insert_axis_inplace(Axis(axis));
        }
        Tensor::from_op(value, &[self], Sum { axis: Some(axis) })
    }
}

struct Sum {
    axis: Option<usize>,
}

impl Op for Sum {
    fn name(&self) -> &'static str {
        "sum"
    }

    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        let input = inputs[0].value();
        let grad = match self.axis {
            // Put the summed axis back (size 1) unless keep_dim already did.
            Some(axis) if grad.ndim() < input.ndim() => grad.insert_axis(Axis(axis)),
            _ => grad,
        };
        let expanded = grad
            .broadcast(input.raw_dim())
            .expect("the gradient of a sum broadcasts to its input")
            .to_owned();
        vec![Some(expanded)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // y = Σ_j x[i, j] (axis 1): y = [3, 7]; ∂(y·[1, 2])/∂x[i, j] = weight of row i.
        let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2])
            .unwrap()
            .requires_grad();
        let y = x.sum_axis(1, false);
        assert_eq!(y.to_vec(), vec![3.0, 7.0]);
        let w = Tensor::from_vec(vec![1.0, 2.0], &[2]).unwrap();
        (&y * &w).sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![1.0, 1.0, 2.0, 2.0]
        );
    }
}
