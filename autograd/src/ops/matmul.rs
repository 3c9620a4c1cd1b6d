//! Matrix product of two 2-D tensors: `C = A · B`, `A: [n, k]`, `B: [k, m]`, `C: [n, m]`.
//!
//! `∂L/∂A = ∂L/∂C · Bᵀ` and `∂L/∂B = Aᵀ · ∂L/∂C`. The transposes are strided views, not
//! copies; the products run in [`crate::backend::gemm`]. `C` is column-major and each gradient is laid
//! out like its input (see [`Layout`] for why).

use ndarray::ArrayD;

use crate::backend::gemm::{as_matrix, product, Layout};

use crate::op::Op;
use crate::tensor::Tensor;

impl Tensor {
    /// Matrix product `self · other` of `[n, k]` and `[k, m]` tensors.
    ///
    /// # Panics
    /// If either tensor is not 2-D or the inner sizes differ; the message names both shapes.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let a = Tensor::from_vec(vec![1.0, 2.0], &[1, 2]).unwrap();
    /// let b = Tensor::from_vec(vec![3.0, 4.0], &[2, 1]).unwrap();
    /// assert_eq!(a.matmul(&b).to_vec(), vec![11.0]);
    /// ```
    #[track_caller]
    pub fn matmul(&self, other: &Tensor) -> Tensor {
        let (a, b) = (self.value(), other.value());
        if a.ndim() != 2 || b.ndim() != 2 || a.shape()[1] != b.shape()[0] {
            panic!(
                "matmul: shapes {:?} and {:?} do not multiply",
                a.shape(),
                b.shape()
            );
        }
        let (a_matrix, b_matrix) = (as_matrix("matmul", &a), as_matrix("matmul", &b));
        let value = product(&a_matrix, &b_matrix, Layout::ColumnMajor).into_dyn();
        drop((a, b));
        Tensor::from_op(value, &[self, other], MatMul)
    }
}

struct MatMul;

impl Op for MatMul {
    fn name(&self) -> &'static str {
        "matmul"
    }

    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        let (a, b) = (&inputs[0], &inputs[1]);
        let g = as_matrix("matmul backward", &grad);
        let (a_value, b_value) = (a.value(), b.value());
        let (a_matrix, b_matrix) = (as_matrix("matmul", &a_value), as_matrix("matmul", &b_value));
        let grad_a = a
            .needs_grad()
            .then(|| product(&g, &b_matrix.t(), Layout::of(&a_matrix)).into_dyn());
        let grad_b = b
            .needs_grad()
            .then(|| product(&a_matrix.t(), &g, Layout::of(&b_matrix)).into_dyn());
        vec![grad_a, grad_b]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // A = [[1, 2], [3, 4]], B = [[5], [6]]: C = [[17], [39]].
        let a = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2])
            .unwrap()
            .requires_grad();
        let b = Tensor::from_vec(vec![5.0, 6.0], &[2, 1])
            .unwrap()
            .requires_grad();
        let c = a.matmul(&b);
        assert_eq!(c.to_vec(), vec![17.0, 39.0]);
        c.sum().backward();
        // ∂ΣC/∂A = 1·Bᵀ = [[5, 6], [5, 6]]; ∂ΣC/∂B = Aᵀ·1 = [[1+3], [2+4]] = [[4], [6]].
        assert_eq!(
            a.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![5.0, 6.0, 5.0, 6.0]
        );
        assert_eq!(
            b.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![4.0, 6.0]
        );
    }

    #[test]
    #[should_panic(expected = "matmul: shapes [2, 3] and [2, 3] do not multiply")]
    fn mismatch_names_both_shapes() {
        Tensor::zeros(&[2, 3]).matmul(&Tensor::zeros(&[2, 3]));
    }
}
