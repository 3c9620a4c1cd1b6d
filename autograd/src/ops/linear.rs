//! The fully connected layer as one op: `y = x · Wᵀ + b`.
//!
//! `x: [B, in]`, `W: [out, in]` (PyTorch's layout), `b: [out]`, `y: [B, out]`.
//!
//! ```text
//!   ∂L/∂x = ∂L/∂y · W          [B, out]·[out, in]
//!   ∂L/∂W = (∂L/∂y)ᵀ · x       [out, B]·[B, in]
//!   ∂L/∂b = Σ_rows ∂L/∂y       [out]
//! ```
//!
//! The same result as `x.matmul(&w.transpose()) + b`, which this op is tested against, but
//! fused: `Wᵀ` is a strided view rather than a copy, and the bias is written into the output
//! before the product accumulates onto it (`y = 1·x·Wᵀ + 1·y`), so no intermediate `[B, out]`
//! array is made.

use ndarray::{Array2, ArrayD, ArrayView2, Axis, Ix2};

use crate::gemm::gemm;
use crate::op::Op;
use crate::ops::matmul::product;
use crate::tensor::Tensor;

fn matrix<'a>(what: &str, value: &'a ArrayD<f32>) -> ArrayView2<'a, f32> {
    value
        .view()
        .into_dimensionality::<Ix2>()
        .unwrap_or_else(|_| panic!("linear: {what} must be 2-D, got shape {:?}", value.shape()))
}

impl Tensor {
    /// `self · weightᵀ + bias` for `self: [B, in]`, `weight: [out, in]`, `bias: [out]`.
    ///
    /// # Panics
    /// If the shapes do not fit together; the message names all of them.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![1.0, 2.0], &[1, 2]).unwrap();
    /// let w = Tensor::from_vec(vec![1.0, 1.0, 0.0, 1.0], &[2, 2]).unwrap();
    /// let b = Tensor::from_vec(vec![0.5, -0.5], &[2]).unwrap();
    /// assert_eq!(x.linear(&w, Some(&b)).to_vec(), vec![3.5, 1.5]);
    /// ```
    #[track_caller]
    pub fn linear(&self, weight: &Tensor, bias: Option<&Tensor>) -> Tensor {
        let (x, w) = (self.value(), weight.value());
        let fits = x.ndim() == 2
            && w.ndim() == 2
            && x.shape()[1] == w.shape()[1]
            && bias.is_none_or(|b| b.shape() == [w.shape()[0]]);
        if !fits {
            panic!(
                "linear: input {:?}, weight {:?} and bias {:?} do not fit (expected [B, in], [out, in], [out])",
                x.shape(),
                w.shape(),
                bias.map(|b| b.shape())
            );
        }
        let (x, w) = (matrix("input", &x), matrix("weight", &w));
        let mut y = match bias {
            Some(b) => {
                let b = b.value();
                let row = b
                    .view()
                    .into_shape_with_order(w.nrows())
                    .expect("bias is [out]");
                row.broadcast((x.nrows(), w.nrows()))
                    .expect("a row broadcasts over the batch")
                    .to_owned()
            }
            None => Array2::zeros((x.nrows(), w.nrows())),
        };
        gemm(1.0, &x, &w.t(), 1.0, &mut y.view_mut());
        let mut inputs = vec![self, weight];
        inputs.extend(bias);
        Tensor::from_op(y.into_dyn(), &inputs, Linear)
    }
}

struct Linear;

impl Op for Linear {
    fn name(&self) -> &'static str {
        "linear"
    }

    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        let (x, w) = (&inputs[0], &inputs[1]);
        let g = matrix("gradient", &grad);
        let grad_x = x
            .needs_grad()
            .then(|| product(&g, &matrix("weight", &w.value())).into_dyn());
        let grad_w = w
            .needs_grad()
            .then(|| product(&g.t(), &matrix("input", &x.value())).into_dyn());
        let mut grads = vec![grad_x, grad_w];
        if let Some(b) = inputs.get(2) {
            grads.push(b.needs_grad().then(|| g.sum_axis(Axis(0)).into_dyn()));
        }
        grads
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // x = [[1, 2]], W = [[1, 1], [0, 1]], b = [0.5, −0.5]:
        // y = [1+2+0.5, 0+2−0.5] = [3.5, 1.5].
        let x = Tensor::from_vec(vec![1.0, 2.0], &[1, 2])
            .unwrap()
            .requires_grad();
        let w = Tensor::from_vec(vec![1.0, 1.0, 0.0, 1.0], &[2, 2])
            .unwrap()
            .requires_grad();
        let b = Tensor::from_vec(vec![0.5, -0.5], &[2])
            .unwrap()
            .requires_grad();
        let y = x.linear(&w, Some(&b));
        assert_eq!(y.to_vec(), vec![3.5, 1.5]);
        // L = 1·y₀ + 2·y₁:  ∂L/∂x = [1, 2]·W = [1, 3]; ∂L/∂W = [1, 2]ᵀ·x = [[1, 2], [2, 4]];
        // ∂L/∂b = [1, 2].
        let weights = Tensor::from_vec(vec![1.0, 2.0], &[1, 2]).unwrap();
        (&y * &weights).sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![1.0, 3.0]
        );
        assert_eq!(
            w.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![1.0, 2.0, 2.0, 4.0]
        );
        assert_eq!(
            b.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![1.0, 2.0]
        );
    }

    #[test]
    fn equals_matmul_transpose_add_and_passes_gradcheck() {
        let x = Tensor::from_vec((0..12).map(|i| (i as f32 * 0.37).sin()).collect(), &[3, 4])
            .unwrap()
            .requires_grad();
        let w = Tensor::from_vec((0..20).map(|i| (i as f32 * 0.73).cos()).collect(), &[5, 4])
            .unwrap()
            .requires_grad();
        let b = Tensor::from_vec((0..5).map(|i| i as f32 * 0.1 - 0.2).collect(), &[5])
            .unwrap()
            .requires_grad();
        let fused = x.linear(&w, Some(&b));
        let composed = &x.matmul(&w.transpose()) + &b;
        for (f, c) in fused.to_vec().iter().zip(composed.to_vec()) {
            assert!((f - c).abs() < 1e-6, "{f} vs {c}");
        }
        let worst = crate::gradcheck(
            |t| t[0].linear(&t[1], Some(&t[2])),
            &[x, w, b],
            crate::GradCheck::default(),
        );
        assert!(worst.is_ok(), "{worst:?}");
    }

    #[test]
    #[should_panic(expected = "linear: input [1, 3], weight [2, 2] and bias None do not fit")]
    fn mismatch_names_all_shapes() {
        Tensor::zeros(&[1, 3]).linear(&Tensor::zeros(&[2, 2]), None);
    }
}
