//! Rectified linear unit: `y = max(x, 0)`.
//!
//! `∂y/∂x = 1` where `x > 0`, else `0` (PyTorch's choice at exactly 0 too).

use ndarray::ArrayD;

use crate::backend::elementwise::{map, zip_mut_with};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise `max(x, 0)`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![-1.0, 2.0], &[2]).unwrap();
    /// assert_eq!(x.relu().to_vec(), vec![0.0, 2.0]);
    /// ```
    pub fn relu(&self) -> Tensor {
        let value = map(&self.value(), |x| x.max(0.0));
        Tensor::from_op(value, &[self], Relu)
    }
}

struct Relu;

impl Op for Relu {
    fn name(&self) -> &'static str {
        "relu"
    }

    /// Reads the saved output: `y > 0` exactly where `x > 0`.
    fn backward(
        &self,
        _: &[Tensor],
        output: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        zip_mut_with(&mut grad, output, |g, y| {
            if y <= 0.0 {
                *g = 0.0;
            }
        });
        vec![Some(grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // y = relu(x); dy/dx = [0, 0, 1] for x = [-2, 0, 3].
        let x = Tensor::from_vec(vec![-2.0, 0.0, 3.0], &[3])
            .unwrap()
            .requires_grad();
        let y = x.relu();
        assert_eq!(y.to_vec(), vec![0.0, 0.0, 3.0]);
        y.sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![0.0, 0.0, 1.0]
        );
    }
}
