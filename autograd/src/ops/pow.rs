//! Power with a constant exponent: `y = xᵖ`, `∂y/∂x = p·xᵖ⁻¹`.
//!
//! Computed as PyTorch computes `x.pow(p)`: `√x` for `p = ½` and `1/√x` for `p = −½`, so that
//! `x = −inf` gives NaN there as at every other negative `x` (`f32::powf` would give `+inf` and
//! `0`); `f32::powf` otherwise. The backward uses the same function for `xᵖ⁻¹`, and for `p = 0`
//! it is zero, even where `x` or the incoming gradient is NaN or infinite (PyTorch's
//! `pow_backward`; `0·x⁻¹` would be NaN at `x = 0`).

use ndarray::{ArrayD, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

/// `xᵖ`, with PyTorch's square-root cases (see the module documentation).
fn pow(x: f32, p: f32) -> f32 {
    if p == 0.5 {
        x.sqrt()
    } else if p == -0.5 {
        1.0 / x.sqrt()
    } else {
        x.powf(p)
    }
}

impl Tensor {
    /// Element-wise `self^p` for a constant `p` (`powf(0.5)` is a square root, `powf(-1.0)` a
    /// reciprocal). Negative bases with a non-integer `p` give NaN, `−inf` included, as in
    /// PyTorch.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![4.0, f32::NEG_INFINITY], &[2]).unwrap();
    /// let y = x.powf(0.5).to_vec();
    /// assert_eq!(y[0], 2.0);
    /// assert!(y[1].is_nan());
    /// ```
    pub fn powf(&self, p: f32) -> Tensor {
        let value = self.value().mapv(|x| pow(x, p));
        Tensor::from_op(value, &[self], Pow(p))
    }
}

struct Pow(f32);

impl Op for Pow {
    fn name(&self) -> &'static str {
        "pow"
    }

    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        let p = self.0;
        if p == 0.0 {
            // y = 1 whatever x is: PyTorch returns zeros without reading x or the gradient.
            grad.fill(0.0);
        } else {
            Zip::from(&mut grad)
                .and(&*inputs[0].value())
                .for_each(|g, &x| *g *= p * pow(x, p - 1.0));
        }
        vec![Some(grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // y = x³ at x = 2: y = 8, dy/dx = 3·2² = 12.
        let x = Tensor::from_vec(vec![2.0], &[1]).unwrap().requires_grad();
        let y = x.powf(3.0);
        assert_eq!(y.to_vec(), vec![8.0]);
        y.sum().backward();
        assert_eq!(x.grad().unwrap()[[0]], 12.0);
    }

    #[test]
    fn square_roots_of_minus_infinity_are_nan() {
        // √(−inf) is NaN (no real root), and so are 1/√(−inf) and ∂(x^1.5)/∂x = 1.5·√x there.
        let x = Tensor::from_vec(vec![f32::NEG_INFINITY], &[1])
            .unwrap()
            .requires_grad();
        assert!(x.powf(0.5).to_vec()[0].is_nan());
        assert!(x.powf(-0.5).to_vec()[0].is_nan());
        x.powf(1.5).sum().backward();
        assert!(x.grad().unwrap()[[0]].is_nan());
    }

    #[test]
    fn power_zero_has_zero_gradient_everywhere() {
        // x⁰ = 1 for every x, NaN and 0 included, so its derivative is 0 there too.
        let x = Tensor::from_vec(vec![0.0, f32::NAN], &[2])
            .unwrap()
            .requires_grad();
        let y = x.powf(0.0);
        assert_eq!(y.to_vec(), vec![1.0, 1.0]);
        y.sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![0.0, 0.0]
        );
    }
}
