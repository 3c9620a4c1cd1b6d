//! Softplus, a smooth ReLU: `y = ln(1 + eˣ)`, and `y = x` above a threshold of 20
//! (PyTorch's `nn.Softplus()` defaults `beta = 1`, `threshold = 20`).
//!
//! `∂y/∂x = eˣ / (1 + eˣ) = σ(x)`, the logistic sigmoid (`1` above the threshold).

use ndarray::{ArrayD, Zip};

use super::sigmoid::logistic;
use crate::op::Op;
use crate::tensor::Tensor;

/// Above this, `ln(1 + eˣ)` equals `x` to within f32 round-off (`e⁻²⁰ ≈ 2·10⁻⁹`).
const THRESHOLD: f32 = 20.0;

impl Tensor {
    /// Element-wise softplus `ln(1 + eˣ)`, always `≥ 0`; returns `x` itself for `x > 20`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![0.0, 100.0], &[2]).unwrap();
    /// let y = x.softplus().to_vec();
    /// assert!((y[0] - std::f32::consts::LN_2).abs() < 1e-6);
    /// assert_eq!(y[1], 100.0);
    /// ```
    pub fn softplus(&self) -> Tensor {
        // Below the threshold eˣ ≤ e²⁰ cannot overflow, and `ln_1p` stays accurate when
        // eˣ is tiny (very negative x), where `ln(1 + eˣ)` would round to 0.
        let value = self
            .value()
            .mapv(|x| if x > THRESHOLD { x } else { x.exp().ln_1p() });
        Tensor::from_op(value, &[self], Softplus)
    }
}

struct Softplus;

impl Op for Softplus {
    fn name(&self) -> &'static str {
        "softplus"
    }

    /// `∂L/∂x = ∂L/∂y · σ(x)`; above the threshold `σ(x)` is 1 in f32, matching `y = x`.
    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        Zip::from(&mut grad)
            .and(&*inputs[0].value())
            .for_each(|g, &x| *g *= logistic(x));
        vec![Some(grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // y = ln(1 + eˣ) at x = [0, ln 3, 30]: [ln 2, ln 4, 30] (30 > threshold returns x).
        // dy/dx = σ(x) = [1/2, 3/(1 + 3), 1] = [0.5, 0.75, 1].
        let ln3 = 3.0f32.ln();
        let x = Tensor::from_vec(vec![0.0, ln3, 30.0], &[3])
            .unwrap()
            .requires_grad();
        let y = x.softplus();
        let expected = [std::f32::consts::LN_2, 2.0 * std::f32::consts::LN_2, 30.0];
        for (v, e) in y.to_vec().iter().zip(expected) {
            assert!((v - e).abs() < 1e-6, "{v} vs {e}");
        }
        y.sum().backward();
        let expected = [0.5, 0.75, 1.0];
        for (g, e) in x.grad().unwrap().iter().zip(expected) {
            assert!((g - e).abs() < 1e-6, "{g} vs {e}");
        }
    }

    #[test]
    fn large_inputs_stay_finite() {
        // ln(1 + e⁻⁵⁰) ≈ e⁻⁵⁰ ≈ 1.9287e-22 (ln(1 + ε) ≈ ε); a naive ln(1 + eˣ) would give 0.
        // x = 1000 would overflow eˣ without the threshold.
        let x = Tensor::from_vec(vec![-50.0, 1000.0], &[2])
            .unwrap()
            .requires_grad();
        let y = x.softplus().to_vec();
        assert!((y[0] / 1.928_749_8e-22 - 1.0).abs() < 1e-5, "{}", y[0]);
        assert_eq!(y[1], 1000.0);
    }
}
