//! Reshape: the same elements in row-major order, under a new shape with as many elements.
//!
//! No element changes, so the gradient is the output gradient reshaped back to the input's
//! shape: `∂L/∂x = reshape(∂L/∂y, shape(x))`.

use ndarray::{ArrayD, IxDyn};

use crate::op::Op;
use crate::tensor::Tensor;

/// `value`'s elements in row-major order under `shape` (copied; row-major layout).
fn reshaped(value: &ArrayD<f32>, shape: &[usize]) -> ArrayD<f32> {
    value
        .to_shape(IxDyn(shape))
        .expect("element counts were checked to match")
        .as_standard_layout()
        .into_owned()
}

impl Tensor {
    /// The same elements, read in row-major order, with shape `shape`.
    ///
    /// # Panics
    /// If `shape` has a different number of elements than the tensor; the message names both
    /// shapes.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
    /// let y = x.reshape(&[3, 2]);
    /// assert_eq!(y.shape(), vec![3, 2]);
    /// assert_eq!(y.to_vec(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    /// ```
    #[track_caller]
    pub fn reshape(&self, shape: &[usize]) -> Tensor {
        let value = {
            let x = self.value();
            let len: usize = shape.iter().product();
            assert!(
                len == x.len(),
                "reshape: shape {:?} ({} elements) cannot become {shape:?} ({len} elements)",
                x.shape(),
                x.len()
            );
            reshaped(&x, shape)
        };
        Tensor::from_op(value, &[self], Reshape)
    }
}

struct Reshape;

impl Op for Reshape {
    fn name(&self) -> &'static str {
        "reshape"
    }

    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        vec![Some(reshaped(&grad, &inputs[0].shape()))]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // x: [2, 3] → y: [3, 2], same row-major order.
        let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3])
            .unwrap()
            .requires_grad();
        let y = x.reshape(&[3, 2]);
        assert_eq!(y.shape(), vec![3, 2]);
        assert_eq!(y.to_vec(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        // L = Σ w ⊙ y, w = [[10, 20], [30, 40], [50, 60]]: ∂L/∂x is w laid out as [2, 3].
        let w = Tensor::from_vec(vec![10.0, 20.0, 30.0, 40.0, 50.0, 60.0], &[3, 2]).unwrap();
        (&y * &w).sum().backward();
        let g = x.grad().unwrap();
        assert_eq!(g.shape(), &[2, 3]);
        assert_eq!(
            g.iter().copied().collect::<Vec<_>>(),
            vec![10.0, 20.0, 30.0, 40.0, 50.0, 60.0]
        );
    }

    #[test]
    fn reads_a_transposed_input_in_logical_order() {
        // A column-major view of [[1, 2], [3, 4]] stores [1, 3, 2, 4] but reads [1, 2, 3, 4].
        let stored = ndarray::arr2(&[[1.0f32, 3.0], [2.0, 4.0]])
            .reversed_axes()
            .into_dyn();
        assert!(!stored.is_standard_layout());
        let y = Tensor::from_array(stored).reshape(&[4]);
        assert_eq!(y.to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
        assert!(y.value().is_standard_layout());
    }

    #[test]
    #[should_panic(expected = "reshape: shape [2, 3] (6 elements) cannot become [4] (4 elements)")]
    fn count_mismatch_names_both_shapes() {
        Tensor::zeros(&[2, 3]).reshape(&[4]);
    }
}
