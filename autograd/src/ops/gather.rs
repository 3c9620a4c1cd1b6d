//! Picking one element per row: `y[i] = x[i, indices[i]]` for `x: [B, C]`, `y: [B]`.
//!
//! Each output is one input passed through, so `∂y[i]/∂x[i, j] = 1` if `j = indices[i]`, else
//! `0`: the backward pass scatters `∂L/∂y[i]` into row `i` at column `indices[i]`. Used for the
//! negative log-likelihood, where `x` holds log-probabilities and `indices` the labels.

use ndarray::{ArrayD, Axis, IxDyn};

use crate::op::Op;
use crate::tensor::Tensor;

/// Checks that `indices` picks one valid column of each row of a `[B, C]` `shape`; `[one, many]`
/// name an index in messages (`["label", "labels"]`).
#[track_caller]
pub(crate) fn check_row_indices(
    op: &str,
    shape: &[usize],
    indices: &[usize],
    [one, many]: [&str; 2],
) {
    assert!(
        shape.len() == 2,
        "{op}: expected a 2-D [B, C] tensor, got shape {shape:?}"
    );
    let (rows, cols) = (shape[0], shape[1]);
    assert!(
        indices.len() == rows,
        "{op}: {} {many} given for a tensor of shape {shape:?} ({rows} rows)",
        indices.len()
    );
    if let Some((i, &j)) = indices.iter().enumerate().find(|(_, &j)| j >= cols) {
        panic!("{op}: {one} {j} at row {i} is out of range for shape {shape:?} ({cols} columns)");
    }
}

impl Tensor {
    /// For a `[B, C]` tensor, the `[B]` tensor of `self[i, indices[i]]`.
    ///
    /// # Panics
    /// If the tensor is not 2-D, `indices.len() != B`, or an index is `≥ C`; the message names
    /// the shape and the bad length or index.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
    /// assert_eq!(x.gather_rows(&[2, 0]).to_vec(), vec![3.0, 4.0]);
    /// ```
    #[track_caller]
    pub fn gather_rows(&self, indices: &[usize]) -> Tensor {
        let value = {
            let x = self.value();
            check_row_indices("gather_rows", x.shape(), indices, ["index", "indices"]);
            let picked = indices
                .iter()
                .enumerate()
                .map(|(i, &j)| x[[i, j]])
                .collect();
            ArrayD::from_shape_vec(IxDyn(&[indices.len()]), picked).expect("one value per row")
        };
        Tensor::from_op(
            value,
            &[self],
            GatherRows {
                indices: indices.to_vec(),
            },
        )
    }
}

struct GatherRows {
    indices: Vec<usize>,
}

impl Op for GatherRows {
    fn name(&self) -> &'static str {
        "gather_rows"
    }

    fn backward(
        &self,
        inputs: &[Tensor],
        _: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        let mut grad_x = ArrayD::zeros(inputs[0].value().raw_dim());
        for ((mut row, &j), &g) in grad_x.axis_iter_mut(Axis(0)).zip(&self.indices).zip(&grad) {
            row[j] = g;
        }
        vec![Some(grad_x)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn value_and_gradient() {
        // x = [[1, 2, 3], [4, 5, 6]], indices [2, 0]: y = [x₀₂, x₁₀] = [3, 4].
        let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3])
            .unwrap()
            .requires_grad();
        let y = x.gather_rows(&[2, 0]);
        assert_eq!(y.to_vec(), vec![3.0, 4.0]);
        // L = 5·y₀ + 7·y₁: ∂L/∂x is 5 at (0, 2), 7 at (1, 0), 0 elsewhere.
        let w = Tensor::from_vec(vec![5.0, 7.0], &[2]).unwrap();
        (&y * &w).sum().backward();
        assert_eq!(
            x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            vec![0.0, 0.0, 5.0, 7.0, 0.0, 0.0]
        );
    }

    #[test]
    #[should_panic(
        expected = "gather_rows: index 3 at row 1 is out of range for shape [2, 3] (3 columns)"
    )]
    fn index_out_of_range() {
        Tensor::zeros(&[2, 3]).gather_rows(&[0, 3]);
    }

    #[test]
    #[should_panic(expected = "gather_rows: 3 indices given for a tensor of shape [2, 3] (2 rows)")]
    fn wrong_number_of_indices() {
        Tensor::zeros(&[2, 3]).gather_rows(&[0, 1, 2]);
    }
}
