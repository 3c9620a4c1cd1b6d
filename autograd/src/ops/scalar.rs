//! Operations with a plain number: `y = x + s` and `y = s · x`.
//!
//! `∂(x + s)/∂x = 1`, `∂(s·x)/∂x = s`. Subtraction and division by a number are built from
//! these two (`x − s = x + (−s)`, `x / s = (1/s)·x`); `s − x` and `s / x` from these, `neg`
//! and `pow` (see `ops/operators.rs`).

use ndarray::ArrayD;

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Adds a number to every element. Also written `&x + s` or `s + &x`.
    pub fn add_scalar(&self, s: f32) -> Tensor {
        let value = self.value().mapv(|x| x + s);
        Tensor::from_op(value, &[self], AddScalar)
    }

    /// Multiplies every element by a number. Also written `&x * s` or `s * &x`.
    pub fn mul_scalar(&self, s: f32) -> Tensor {
        let value = self.value().mapv(|x| x * s);
        Tensor::from_op(value, &[self], MulScalar(s))
    }
}

struct AddScalar;

impl Op for AddScalar {
    fn name(&self) -> &'static str {
        "add_scalar"
    }

    fn backward(
        &self,
        _: &[Tensor],
        _: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        vec![Some(grad)]
    }
}

struct MulScalar(f32);

impl Op for MulScalar {
    fn name(&self) -> &'static str {
        "mul_scalar"
    }

    fn backward(
        &self,
        _: &[Tensor],
        _: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        grad *= self.0;
        vec![Some(grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // y = 3·(x + 1): y(2) = 9, dy/dx = 3.
        let x = Tensor::from_vec(vec![2.0], &[1]).unwrap().requires_grad();
        let y = (&x + 1.0) * 3.0;
        assert_eq!(y.to_vec(), vec![9.0]);
        y.sum().backward();
        assert_eq!(x.grad().unwrap()[[0]], 3.0);
    }
}
