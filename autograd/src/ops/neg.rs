//! Negation: `y = −x`, `∂y/∂x = −1`.

use ndarray::ArrayD;

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise `−self`. Also written `-&x`.
    pub fn neg(&self) -> Tensor {
        let value = self.value().mapv(|x| -x);
        Tensor::from_op(value, &[self], Neg)
    }
}

struct Neg;

impl Op for Neg {
    fn name(&self) -> &'static str {
        "neg"
    }

    fn backward(
        &self,
        _: &[Tensor],
        _: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        vec![Some(-grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // y = −x; dy/dx = −1.
        let x = Tensor::from_vec(vec![2.0, -3.0], &[2])
            .unwrap()
            .requires_grad();
        let y = -&x;
        assert_eq!(y.to_vec(), vec![-2.0, 3.0]);
        y.sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![-1.0, -1.0]
        );
    }
}
