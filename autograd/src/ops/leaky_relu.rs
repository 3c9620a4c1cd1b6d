//! Leaky rectified linear unit: `y = x` for `x > 0`, else `y = a·x` (`a` the negative slope).
//!
//! `∂y/∂x = 1` for `x > 0`, else `a` (at exactly 0 too, as in PyTorch). A NaN `x` gives a NaN
//! `y`, and its gradient is scaled by `a`, as PyTorch's `x > 0 ? g : g·a` does.

use ndarray::{ArrayD, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise leaky ReLU with slope `negative_slope` for `x ≤ 0`
    /// (PyTorch's `nn.LeakyReLU` default is `0.01`).
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![-2.0, 3.0], &[2]).unwrap();
    /// assert_eq!(x.leaky_relu(0.1).to_vec(), vec![-0.2, 3.0]);
    /// ```
    pub fn leaky_relu(&self, negative_slope: f32) -> Tensor {
        let value = self
            .value()
            .mapv(|x| if x > 0.0 { x } else { negative_slope * x });
        Tensor::from_op(value, &[self], LeakyRelu(negative_slope))
    }
}

struct LeakyRelu(f32);

impl Op for LeakyRelu {
    fn name(&self) -> &'static str {
        "leaky_relu"
    }

    /// Reads the input, not the output: with a negative slope `a < 0` the sign of `y` no longer
    /// tells which side of 0 `x` was on.
    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        let slope = self.0;
        Zip::from(&mut grad)
            .and(&*inputs[0].value())
            // PyTorch's `x > 0 ? g : g·a`, so a NaN `x` takes the slope too (`x <= 0` would not).
            .for_each(|g, &x| *g = if x > 0.0 { *g } else { *g * slope });
        vec![Some(grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // y = leaky_relu(x, 0.25) at x = [-2, 0, 3]: y = [-0.5, 0, 3];
        // dy/dx = [0.25, 0.25, 1] (the slope applies at x = 0).
        let x = Tensor::from_vec(vec![-2.0, 0.0, 3.0], &[3])
            .unwrap()
            .requires_grad();
        let y = x.leaky_relu(0.25);
        assert_eq!(y.to_vec(), vec![-0.5, 0.0, 3.0]);
        y.sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![0.25, 0.25, 1.0]
        );
    }
}
