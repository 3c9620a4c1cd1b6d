//! Logistic sigmoid: `y = σ(x) = 1 / (1 + e⁻ˣ)`.
//!
//! `∂y/∂x = σ(x)(1 − σ(x)) = y(1 − y)`, so the backward reads the saved output.

use ndarray::{ArrayD, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise logistic sigmoid `1 / (1 + e⁻ˣ)`, in `[0, 1]` for every finite `x`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![-1000.0, 0.0, 1000.0], &[3]).unwrap();
    /// assert_eq!(x.sigmoid().to_vec(), vec![0.0, 0.5, 1.0]);
    /// ```
    pub fn sigmoid(&self) -> Tensor {
        let value = self.value().mapv(logistic);
        Tensor::from_op(value, &[self], Sigmoid)
    }
}

/// `σ(x)`, computed so that `exp` only ever sees a non-positive argument: `e^(−|x|) ≤ 1`
/// cannot overflow, whatever the size of `x`. Also used by `softplus`, whose derivative it is.
pub(super) fn logistic(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        // σ(x) = eˣ / (1 + eˣ) for x < 0, the same function multiplied through by eˣ.
        let e = x.exp();
        e / (1.0 + e)
    }
}

struct Sigmoid;

impl Op for Sigmoid {
    fn name(&self) -> &'static str {
        "sigmoid"
    }

    /// `∂L/∂x = ∂L/∂y · y(1 − y)`, from the saved output.
    fn backward(
        &self,
        _: &[Tensor],
        output: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        Zip::from(&mut grad)
            .and(output)
            .for_each(|g, &y| *g *= y * (1.0 - y));
        vec![Some(grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // σ(0) = 1/2; σ(ln 3) = 1/(1 + 1/3) = 3/4; σ(−ln 3) = 1/(1 + 3) = 1/4.
        // dy/dx = y(1 − y) = [1/4, 3/16, 3/16].
        let ln3 = 3.0f32.ln();
        let x = Tensor::from_vec(vec![0.0, ln3, -ln3], &[3])
            .unwrap()
            .requires_grad();
        let y = x.sigmoid();
        let expected = [0.5, 0.75, 0.25];
        for (v, e) in y.to_vec().iter().zip(expected) {
            assert!((v - e).abs() < 1e-6, "{v} vs {e}");
        }
        y.sum().backward();
        let expected = [0.25, 3.0 / 16.0, 3.0 / 16.0];
        for (g, e) in x.grad().unwrap().iter().zip(expected) {
            assert!((g - e).abs() < 1e-6, "{g} vs {e}");
        }
    }

    #[test]
    fn large_inputs_keep_tiny_values_and_give_no_nan() {
        // σ(−80) = 1/(1 + e⁸⁰) ≈ e⁻⁸⁰ = 1.8048514e-35 (a normal f32), kept to full precision;
        // σ(100) rounds to 1 and σ(−1000) underflows to 0, with gradients y(1 − y) = [≈e⁻⁸⁰, 0, 0].
        let x = Tensor::from_vec(vec![-80.0, 100.0, -1000.0], &[3])
            .unwrap()
            .requires_grad();
        let y = x.sigmoid();
        let v = y.to_vec();
        assert!((v[0] / 1.804_851_4e-35 - 1.0).abs() < 1e-5, "{}", v[0]);
        assert_eq!(&v[1..], &[1.0, 0.0]);
        y.sum().backward();
        let g = x.grad().unwrap();
        assert!((g[[0]] / 1.804_851_4e-35 - 1.0).abs() < 1e-5, "{}", g[[0]]);
        assert_eq!((g[[1]], g[[2]]), (0.0, 0.0));
    }
}
