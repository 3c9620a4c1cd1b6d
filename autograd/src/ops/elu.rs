//! Exponential linear unit: `y = x` for `x > 0`, else `y = α(eˣ − 1)`.
//!
//! `∂y/∂x = 1` for `x > 0`, else `α·eˣ = y + α` (at exactly 0 too, as in PyTorch), so the
//! negative side reuses the saved output instead of a second `exp`.

use ndarray::{ArrayD, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise ELU with scale `alpha` for `x ≤ 0` (PyTorch's `nn.ELU` default is `1.0`).
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![0.0, 2.0], &[2]).unwrap();
    /// assert_eq!(x.elu(1.0).to_vec(), vec![0.0, 2.0]);
    /// ```
    pub fn elu(&self, alpha: f32) -> Tensor {
        // `exp_m1` keeps eˣ − 1 accurate for x near 0, where eˣ ≈ 1 would cancel.
        let value = self
            .value()
            .mapv(|x| if x > 0.0 { x } else { alpha * x.exp_m1() });
        Tensor::from_op(value, &[self], Elu(alpha))
    }
}

struct Elu(f32);

impl Op for Elu {
    fn name(&self) -> &'static str {
        "elu"
    }

    /// `∂L/∂x = ∂L/∂y` for `x > 0`, else `∂L/∂y · (y + α)`.
    fn backward(
        &self,
        inputs: &[Tensor],
        output: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        let alpha = self.0;
        Zip::from(&mut grad)
            .and(&*inputs[0].value())
            .and(output)
            .for_each(|g, &x, &y| {
                if x <= 0.0 {
                    *g *= y + alpha;
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
        // y = elu(x, 2) at x = [-ln 2, 0, 3]:
        //   y(-ln 2) = 2·(1/2 − 1) = -1,  y(0) = 0,  y(3) = 3;
        //   dy/dx = 2·eˣ = [1, 2] on the first two, 1 on the last.
        let x = Tensor::from_vec(vec![-std::f32::consts::LN_2, 0.0, 3.0], &[3])
            .unwrap()
            .requires_grad();
        let y = x.elu(2.0);
        let v = y.to_vec();
        assert!((v[0] + 1.0).abs() < 1e-6, "{v:?}");
        assert_eq!(&v[1..], &[0.0, 3.0]);
        y.sum().backward();
        let g = x.grad().unwrap();
        assert!((g[[0]] - 1.0).abs() < 1e-6, "{g}");
        assert_eq!((g[[1]], g[[2]]), (2.0, 1.0));
    }
}
