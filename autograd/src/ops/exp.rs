//! Natural exponential: `y = eˣ`.
//!
//! `∂y/∂x = eˣ = y`, so the backward reads the saved output and needs no second `exp`.

use ndarray::{ArrayD, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise `eˣ`. Overflows to `+inf` above `x ≈ 88.7`, as `f32` must.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![0.0, 1.0], &[2]).unwrap();
    /// let y = x.exp().to_vec();
    /// assert_eq!(y[0], 1.0);
    /// assert!((y[1] - std::f32::consts::E).abs() < 1e-6);
    /// ```
    pub fn exp(&self) -> Tensor {
        let value = self.value().mapv(f32::exp);
        Tensor::from_op(value, &[self], Exp)
    }
}

struct Exp;

impl Op for Exp {
    fn name(&self) -> &'static str {
        "exp"
    }

    /// `∂L/∂x = ∂L/∂y · y`, from the saved output.
    fn backward(
        &self,
        _: &[Tensor],
        output: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        Zip::from(&mut grad).and(output).for_each(|g, &y| *g *= y);
        vec![Some(grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // y = eˣ at x = [0, ln 2]: y = [1, 2]; dy/dx = y = [1, 2].
        let x = Tensor::from_vec(vec![0.0, std::f32::consts::LN_2], &[2])
            .unwrap()
            .requires_grad();
        let y = x.exp();
        let v = y.to_vec();
        assert_eq!(v[0], 1.0);
        assert!((v[1] - 2.0).abs() < 1e-6, "{v:?}");
        y.sum().backward();
        let g = x.grad().unwrap();
        assert_eq!(g[[0]], 1.0);
        assert!((g[[1]] - 2.0).abs() < 1e-6, "{g}");
    }
}
