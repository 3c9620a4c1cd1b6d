//! Gaussian error linear unit, exact form (PyTorch's default `nn.GELU()`):
//! `y = x·Φ(x) = ½·x·(1 + erf(x/√2))`, with `Φ` the standard normal CDF.
//!
//! `∂y/∂x = Φ(x) + x·φ(x)`, with `φ(x) = e^(−x²/2) / √(2π)` the standard normal density.
//! Not the `tanh` approximation (`approximate="tanh"` in PyTorch).
//!
//! At the infinities the formula gives `gelu(+inf) = +inf` and `gelu(−inf) = −inf·0 = NaN`, and a
//! NaN gradient at both (`x·φ(x) = ±inf·0`), as PyTorch does. (PyTorch's vectorized float32 CPU
//! kernel also turns `+inf` into NaN; its one-element, strided and float64 paths give `+inf`.)

use std::f32::consts::{FRAC_1_SQRT_2, FRAC_2_SQRT_PI};

use ndarray::{ArrayD, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

/// `1/√(2π) = (2/√π) · (1/√2) / 2`.
const FRAC_1_SQRT_2PI: f32 = FRAC_2_SQRT_PI * FRAC_1_SQRT_2 * 0.5;

/// Standard normal CDF `Φ(x) = ½(1 + erf(x/√2))`.
fn normal_cdf(x: f32) -> f32 {
    0.5 * (1.0 + libm::erff(x * FRAC_1_SQRT_2))
}

impl Tensor {
    /// Element-wise GELU `x·Φ(x)`, exact erf form.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![0.0, 10.0], &[2]).unwrap();
    /// assert_eq!(x.gelu().to_vec(), vec![0.0, 10.0]);
    /// ```
    pub fn gelu(&self) -> Tensor {
        let value = self.value().mapv(|x| x * normal_cdf(x));
        Tensor::from_op(value, &[self], Gelu)
    }
}

struct Gelu;

impl Op for Gelu {
    fn name(&self) -> &'static str {
        "gelu"
    }

    /// `∂L/∂x = ∂L/∂y · (Φ(x) + x·φ(x))`.
    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        Zip::from(&mut grad)
            .and(&*inputs[0].value())
            .for_each(|g, &x| {
                let density = FRAC_1_SQRT_2PI * (-0.5 * x * x).exp();
                *g *= normal_cdf(x) + x * density;
            });
        vec![Some(grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // From normal tables: Φ(1) = 0.8413447, Φ(−1) = 0.1586553, φ(±1) = e^(−1/2)/√(2π) = 0.2419707.
        // y = x·Φ(x) at x = [−1, 0, 1]: [−0.1586553, 0, 0.8413447].
        // dy/dx = Φ(x) + x·φ(x): [0.1586553 − 0.2419707, 0.5, 0.8413447 + 0.2419707]
        //                      = [−0.0833154, 0.5, 1.0833154].
        let x = Tensor::from_vec(vec![-1.0, 0.0, 1.0], &[3])
            .unwrap()
            .requires_grad();
        let y = x.gelu();
        let expected = [-0.158_655_3, 0.0, 0.841_344_7];
        for (v, e) in y.to_vec().iter().zip(expected) {
            assert!((v - e).abs() < 1e-6, "{v} vs {e}");
        }
        y.sum().backward();
        let expected = [-0.083_315_4, 0.5, 1.083_315_4];
        for (g, e) in x.grad().unwrap().iter().zip(expected) {
            assert!((g - e).abs() < 1e-6, "{g} vs {e}");
        }
    }
}
