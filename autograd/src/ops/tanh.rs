//! Hyperbolic tangent: `y = tanh x = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)`.
//!
//! `∂y/∂x = 1 − tanh²x = 1 − y²`, so the backward reads the saved output.

use ndarray::{ArrayD, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise `tanh x`, in `[−1, 1]`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![0.0, 100.0], &[2]).unwrap();
    /// assert_eq!(x.tanh().to_vec(), vec![0.0, 1.0]);
    /// ```
    pub fn tanh(&self) -> Tensor {
        let value = self.value().mapv(f32::tanh);
        Tensor::from_op(value, &[self], Tanh)
    }
}

struct Tanh;

impl Op for Tanh {
    fn name(&self) -> &'static str {
        "tanh"
    }

    /// `∂L/∂x = ∂L/∂y · (1 − y²)`, from the saved output.
    fn backward(
        &self,
        _: &[Tensor],
        output: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        Zip::from(&mut grad)
            .and(output)
            .for_each(|g, &y| *g *= 1.0 - y * y);
        vec![Some(grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // tanh(ln 2) = (2 − 1/2) / (2 + 1/2) = 0.6, and tanh is odd: tanh(−ln 2) = −0.6.
        // dy/dx = 1 − y² = [1, 0.64, 0.64] at x = [0, ln 2, −ln 2].
        let ln2 = std::f32::consts::LN_2;
        let x = Tensor::from_vec(vec![0.0, ln2, -ln2], &[3])
            .unwrap()
            .requires_grad();
        let y = x.tanh();
        let expected = [0.0, 0.6, -0.6];
        for (v, e) in y.to_vec().iter().zip(expected) {
            assert!((v - e).abs() < 1e-6, "{v} vs {e}");
        }
        y.sum().backward();
        let expected = [1.0, 0.64, 0.64];
        for (g, e) in x.grad().unwrap().iter().zip(expected) {
            assert!((g - e).abs() < 1e-6, "{g} vs {e}");
        }
    }
}
