//! Natural logarithm: `y = ln x`.
//!
//! `∂y/∂x = 1/x`.

use ndarray::{ArrayD, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise natural logarithm `ln x`.
    ///
    /// As in PyTorch, `ln 0 = −inf` and a negative `x` gives NaN (run under
    /// [`crate::anomaly::detect`] to find where such a value first appears).
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![1.0, std::f32::consts::E], &[2]).unwrap();
    /// let y = x.log().to_vec();
    /// assert_eq!(y[0], 0.0);
    /// assert!((y[1] - 1.0).abs() < 1e-6);
    /// ```
    pub fn log(&self) -> Tensor {
        let value = self.value().mapv(f32::ln);
        Tensor::from_op(value, &[self], Log)
    }
}

struct Log;

impl Op for Log {
    fn name(&self) -> &'static str {
        "log"
    }

    /// `∂L/∂x = ∂L/∂y / x`.
    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        Zip::from(&mut grad)
            .and(&*inputs[0].value())
            .for_each(|g, &x| *g /= x);
        vec![Some(grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // y = ln x at x = [1, 4]: y = [0, 2·ln 2]; dy/dx = 1/x = [1, 0.25].
        let x = Tensor::from_vec(vec![1.0, 4.0], &[2])
            .unwrap()
            .requires_grad();
        let y = x.log();
        let v = y.to_vec();
        assert_eq!(v[0], 0.0);
        assert!((v[1] - 2.0 * std::f32::consts::LN_2).abs() < 1e-6, "{v:?}");
        y.sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![1.0, 0.25]
        );
    }
}
