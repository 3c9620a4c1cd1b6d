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

use ndarray::{Array2, ArrayD, Axis, ShapeBuilder};

use crate::backend::gemm::{as_matrix, gemm, product, Layout};
use crate::op::Op;
use crate::tensor::Tensor;

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
        let (x, w) = (
            as_matrix("linear: input", &x),
            as_matrix("linear: weight", &w),
        );
        // Y starts as the bias in every row, then gemm adds X·Wᵀ; column-major (see `Layout`),
        // so that each column, one output unit, is filled with its bias in one run.
        let y = match bias {
            Some(b) => {
                let mut y = Array2::from_elem((x.nrows(), w.nrows()).f(), 0.0);
                for (mut column, &b) in y.columns_mut().into_iter().zip(b.value().iter()) {
                    column.fill(b);
                }
                gemm(1.0, &x, &w.t(), 1.0, &mut y.view_mut());
                y
            }
            None => product(&x, &w.t(), Layout::ColumnMajor),
        };
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
        let g = as_matrix("linear: gradient", &grad);
        let (x_value, w_value) = (x.value(), w.value());
        let (x_matrix, w_matrix) = (
            as_matrix("linear: input", &x_value),
            as_matrix("linear: weight", &w_value),
        );
        // Each gradient is laid out like its value (see `Layout`).
        let grad_x = x
            .needs_grad()
            .then(|| product(&g, &w_matrix, Layout::of(&x_matrix)).into_dyn());
        let grad_w = w
            .needs_grad()
            .then(|| product(&g.t(), &x_matrix, Layout::of(&w_matrix)).into_dyn());
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
    fn output_is_column_major_and_gradients_follow_their_values() {
        use crate::backend::gemm::Layout;
        // x = [[1, 2], [3, 4]] (row-major input batch); h = x·Wᵀ + b is column-major; a second
        // layer on h gives h a column-major gradient and each weight a row-major one.
        let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2])
            .unwrap()
            .requires_grad();
        let w1 = Tensor::from_vec(vec![1.0, 0.0, 1.0, 1.0], &[2, 2])
            .unwrap()
            .requires_grad();
        let b1 = Tensor::from_vec(vec![0.5, -0.5], &[2]).unwrap();
        let w2 = Tensor::from_vec(vec![2.0, -1.0], &[1, 2])
            .unwrap()
            .requires_grad();
        let h = x.linear(&w1, Some(&b1));
        // h = [[1 + 0.5, 3 − 0.5], [3 + 0.5, 7 − 0.5]] = [[1.5, 2.5], [3.5, 6.5]].
        assert_eq!(h.to_vec(), vec![1.5, 2.5, 3.5, 6.5]);
        assert_eq!(Layout::of(&*h.value()), Layout::ColumnMajor);
        h.retain_grad();
        // y = h·w2ᵀ = [[0.5], [0.5]]; ∂Σy/∂h = [[2, −1], [2, −1]]; ∂Σy/∂w2 = Σ_rows h = [5, 9].
        let y = h.linear(&w2, None);
        assert_eq!(y.to_vec(), vec![0.5, 0.5]);
        y.sum().backward();
        let grad_h = h.grad().unwrap();
        assert_eq!(
            grad_h.iter().copied().collect::<Vec<_>>(),
            vec![2.0, -1.0, 2.0, -1.0]
        );
        assert_eq!(Layout::of(&*grad_h), Layout::ColumnMajor);
        let grad_w2 = w2.grad().unwrap();
        assert_eq!(grad_w2.iter().copied().collect::<Vec<_>>(), vec![5.0, 9.0]);
        assert_eq!(Layout::of(&*grad_w2), Layout::RowMajor);
        // ∂Σy/∂W1 = (∂Σy/∂h)ᵀ·x = [[2·1 + 2·3, 2·2 + 2·4], [−4, −6]] = [[8, 12], [−4, −6]].
        let grad_w1 = w1.grad().unwrap();
        assert_eq!(
            grad_w1.iter().copied().collect::<Vec<_>>(),
            vec![8.0, 12.0, -4.0, -6.0]
        );
        assert_eq!(Layout::of(&*grad_w1), Layout::RowMajor);
        assert_eq!(Layout::of(&*x.grad().unwrap()), Layout::RowMajor);
    }

    #[test]
    #[should_panic(expected = "linear: input [1, 3], weight [2, 2] and bias None do not fit")]
    fn mismatch_names_all_shapes() {
        Tensor::zeros(&[1, 3]).linear(&Tensor::zeros(&[2, 2]), None);
    }
}
