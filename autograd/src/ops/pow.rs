//! Power with a constant exponent: `y = xᵖ`, `∂y/∂x = p·xᵖ⁻¹`.

use ndarray::{ArrayD, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise `self^p` for a constant `p` (`powf(0.5)` is a square root, `powf(-1.0)` a
    /// reciprocal). Negative bases with a non-integer `p` give NaN, as in PyTorch.
    pub fn powf(&self, p: f32) -> Tensor {
        let value = self.value().mapv(|x| x.powf(p));
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
        Zip::from(&mut grad)
            .and(&*inputs[0].value())
            .for_each(|g, &x| *g *= p * x.powf(p - 1.0));
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
}
