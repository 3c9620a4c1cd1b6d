//! Absolute value: `y = |x|`.
//!
//! `∂y/∂x = sign(x)`: `1` for `x > 0`, `−1` for `x < 0`, and `0` at `x = 0` (PyTorch's choice).

use ndarray::{ArrayD, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise `|x|`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![-1.5, 0.0, 2.0], &[3]).unwrap();
    /// assert_eq!(x.abs().to_vec(), vec![1.5, 0.0, 2.0]);
    /// ```
    pub fn abs(&self) -> Tensor {
        let value = self.value().mapv(f32::abs);
        Tensor::from_op(value, &[self], Abs)
    }
}

struct Abs;

impl Op for Abs {
    fn name(&self) -> &'static str {
        "abs"
    }

    /// `∂L/∂x = ∂L/∂y · sign(x)`.
    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        Zip::from(&mut grad)
            .and(&*inputs[0].value())
            .for_each(|g, &x| {
                // Not `f32::signum`, which is 1 at +0 and −1 at −0.
                *g *= if x > 0.0 {
                    1.0
                } else if x < 0.0 {
                    -1.0
                } else {
                    0.0
                };
            });
        vec![Some(grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // y = |x| at x = [-2, 0, 3]: y = [2, 0, 3]; dy/dx = sign(x) = [-1, 0, 1].
        let x = Tensor::from_vec(vec![-2.0, 0.0, 3.0], &[3])
            .unwrap()
            .requires_grad();
        let y = x.abs();
        assert_eq!(y.to_vec(), vec![2.0, 0.0, 3.0]);
        y.sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![-1.0, 0.0, 1.0]
        );
    }

    #[test]
    fn gradient_at_negative_zero_is_zero() {
        let x = Tensor::from_vec(vec![-0.0], &[1]).unwrap().requires_grad();
        x.abs().sum().backward();
        assert_eq!(x.grad().unwrap()[[0]], 0.0);
    }
}
