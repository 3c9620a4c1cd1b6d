//! Element-wise division with broadcasting: `c = a / b`.
//!
//! `∂c/∂a = 1/b`, `∂c/∂b = −a/b²`, each summed back to its input's shape.

use ndarray::{ArrayD, Zip};

use crate::broadcast::{broadcast_shape, sum_to_shape};
use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Element-wise `self / other`, broadcasting. Also written `&a / &b`.
    ///
    /// # Panics
    /// If the shapes do not broadcast, naming both.
    #[track_caller]
    pub fn div(&self, other: &Tensor) -> Tensor {
        broadcast_shape("div", &self.shape(), &other.shape());
        let value = &*self.value() / &*other.value();
        Tensor::from_op(value, &[self, other], Div)
    }
}

struct Div;

impl Op for Div {
    fn name(&self) -> &'static str {
        "div"
    }

    fn backward(
        &self,
        inputs: &[Tensor],
        output: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        let (a, b) = (&inputs[0], &inputs[1]);
        let b_value = b.value();
        let grad_a = a
            .needs_grad()
            .then(|| sum_to_shape(&grad / &*b_value, &a.shape()));
        // −a/b² = −c/b, using the saved output c = a/b; as −g·(c/b), PyTorch's order, in which
        // g·c cannot overflow to inf where the product is finite.
        let grad_b = b.needs_grad().then(|| {
            let mut g = grad;
            let b_wide = b_value
                .broadcast(output.raw_dim())
                .expect("b broadcasts to the output");
            Zip::from(&mut g)
                .and(output)
                .and(&b_wide)
                .for_each(|g, &c, &b| *g *= -(c / b));
            sum_to_shape(g, &b.shape())
        });
        vec![grad_a, grad_b]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // c = a / b at a = 6, b = 3: c = 2, ∂c/∂a = 1/3, ∂c/∂b = −6/9.
        let a = Tensor::from_vec(vec![6.0], &[1]).unwrap().requires_grad();
        let b = Tensor::from_vec(vec![3.0], &[1]).unwrap().requires_grad();
        let c = &a / &b;
        assert_eq!(c.to_vec(), vec![2.0]);
        c.sum().backward();
        assert!((a.grad().unwrap()[[0]] - 1.0 / 3.0).abs() < 1e-7);
        assert!((b.grad().unwrap()[[0]] + 6.0 / 9.0).abs() < 1e-7);
    }

    #[test]
    fn divisor_gradient_does_not_overflow_on_the_way() {
        // a = 1e38, b = 1e19: c = 1e19; with g = 1e20, ∂L/∂b = −g·c/b = −1e20·1 = −1e20, finite,
        // though g·c = 1e39 is past f32's largest value (3.4e38).
        let a = Tensor::from_vec(vec![1e38], &[1]).unwrap();
        let b = Tensor::from_vec(vec![1e19], &[1]).unwrap().requires_grad();
        let g = Tensor::from_vec(vec![1e20], &[1]).unwrap();
        (&(&a / &b) * &g).sum().backward();
        let got = b.grad().unwrap()[[0]];
        assert!((got / -1e20 - 1.0).abs() < 1e-6, "{got}");
    }
}
