//! Square root: `y = √x`.
//!
//! `∂y/∂x = 1/(2√x) = 1/(2y)`, so the backward reads the saved output.

use ndarray::{ArrayD, Zip};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise `√x`.
    ///
    /// As in PyTorch, a negative `x` gives NaN, and the gradient at `x = 0` is `+inf`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![4.0, 9.0], &[2]).unwrap();
    /// assert_eq!(x.sqrt().to_vec(), vec![2.0, 3.0]);
    /// ```
    pub fn sqrt(&self) -> Tensor {
        let value = self.value().mapv(f32::sqrt);
        Tensor::from_op(value, &[self], Sqrt)
    }
}

struct Sqrt;

impl Op for Sqrt {
    fn name(&self) -> &'static str {
        "sqrt"
    }

    /// `∂L/∂x = ∂L/∂y / (2y)`, from the saved output.
    fn backward(
        &self,
        _: &[Tensor],
        output: &ArrayD<f32>,
        mut grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        Zip::from(&mut grad)
            .and(output)
            .for_each(|g, &y| *g /= 2.0 * y);
        vec![Some(grad)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // y = √x at x = [4, 0.25]: y = [2, 0.5]; dy/dx = 1/(2y) = [1/4, 1].
        let x = Tensor::from_vec(vec![4.0, 0.25], &[2])
            .unwrap()
            .requires_grad();
        let y = x.sqrt();
        assert_eq!(y.to_vec(), vec![2.0, 0.5]);
        y.sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![0.25, 1.0]
        );
    }
}
