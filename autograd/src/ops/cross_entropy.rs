//! Classification losses on a batch of `B` rows of `C` class scores: cross-entropy (fused) and
//! the negative log-likelihood (composite).
//!
//! **Cross-entropy** of logits `x: [B, C]` and labels `t`, averaged over the batch as
//! `torch.nn.functional.cross_entropy` does by default:
//!
//! ```text
//!   L = −(1/B) Σᵢ log pᵢ[tᵢ],    pᵢ = softmax(xᵢ),
//!   log pᵢ[c] = xᵢ[c] − mᵢ − log Σⱼ exp(xᵢ[j] − mᵢ)
//! ```
//!
//! with `mᵢ = maxⱼ xᵢ[j]` for stability. Its gradient is the famous
//! `∂L/∂xᵢ[c] = (pᵢ[c] − [c = tᵢ]) / B`, times the incoming scalar gradient `g`.
//!
//! It is **primitive** and **fused**: one pass over each row computes the loss and saves `p`;
//! the backward pass is one subtraction. Built from `log_softmax`, `gather_rows` and `mean`
//! (as [`Tensor::nll_loss`] of `log_softmax` is) it would store and walk three extra nodes.
//!
//! **NLL** of log-probabilities `z: [B, C]`: `L = −(1/B) Σᵢ zᵢ[tᵢ]`, **composite**
//! (`−mean(gather_rows)`), so its gradient comes from those ops: `−1/B` at each label.

use ndarray::{ArrayD, Axis, IxDyn, Zip};

use crate::op::Op;
use crate::ops::gather::check_row_indices;
use crate::ops::softmax::lanes_minus_max;
use crate::tensor::Tensor;

impl Tensor {
    /// Mean cross-entropy of logits `self: [B, C]` against class labels (`labels.len() == B`,
    /// each `< C`), as a 0-dimensional tensor.
    ///
    /// # Panics
    /// If `self` is not 2-D, the batch is empty, `labels.len() != B`, or a label is `≥ C`; the
    /// message names the shape and the bad length or label.
    ///
    /// ```
    /// use autograd::Tensor;
    /// // Two classes with equal scores: the loss is log 2 whatever the label.
    /// let logits = Tensor::zeros(&[1, 2]);
    /// assert!((logits.cross_entropy(&[1]).item() - 2f32.ln()).abs() < 1e-6);
    /// ```
    #[track_caller]
    pub fn cross_entropy(&self, labels: &[usize]) -> Tensor {
        let (loss, probs) = {
            let x = self.value();
            check_row_indices("cross_entropy", x.shape(), labels, ["label", "labels"]);
            assert!(
                !labels.is_empty(),
                "cross_entropy: empty batch (logits of shape {:?})",
                x.shape()
            );
            let mut total = 0.0f32; // Σᵢ log pᵢ[tᵢ]
            let probs = lanes_minus_max("cross_entropy", &x, 1, |i, mut row| {
                let shifted_label = row[labels[i]]; // xᵢ[tᵢ] − mᵢ, read before `row` turns into exp
                row.mapv_inplace(f32::exp);
                let sum = row.sum();
                // log pᵢ[tᵢ] from the logits, not log(pᵢ[tᵢ]): exact even when pᵢ[tᵢ] underflows.
                total += shifted_label - sum.ln();
                row.mapv_inplace(|e| e / sum);
            });
            (-total / labels.len() as f32, probs)
        };
        let value = ArrayD::from_elem(IxDyn(&[]), loss);
        Tensor::from_op(
            value,
            &[self],
            CrossEntropy {
                probs,
                labels: labels.to_vec(),
            },
        )
    }

    /// Mean negative log-likelihood of log-probabilities `self: [B, C]` (from
    /// [`Tensor::log_softmax`]) against class labels, as a 0-dimensional tensor:
    /// `−mean_i self[i, labels[i]]`, like `torch.nn.functional.nll_loss`.
    ///
    /// # Panics
    /// As [`Tensor::gather_rows`]: if `self` is not 2-D, `labels.len() != B` or a label is `≥ C`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let log_p = Tensor::from_vec(vec![-0.5, -1.0, -2.0, -0.1], &[2, 2]).unwrap();
    /// assert!((log_p.nll_loss(&[0, 1]).item() - 0.3).abs() < 1e-6); // (0.5 + 0.1) / 2
    /// ```
    #[track_caller]
    pub fn nll_loss(&self, labels: &[usize]) -> Tensor {
        self.gather_rows(labels).mean().neg()
    }
}

struct CrossEntropy {
    /// `softmax(logits)`, `[B, C]`.
    probs: ArrayD<f32>,
    labels: Vec<usize>,
}

impl Op for CrossEntropy {
    fn name(&self) -> &'static str {
        "cross_entropy"
    }

    fn backward(
        &self,
        _: &[Tensor],
        _: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        let scale = grad.iter().next().expect("the loss is a scalar") / self.labels.len() as f32;
        let mut grad_x = self.probs.clone(); // kept intact for retain_graph
        for (mut row, &label) in grad_x.axis_iter_mut(Axis(0)).zip(&self.labels) {
            row[label] -= 1.0;
        }
        Zip::from(&mut grad_x).for_each(|d| *d *= scale);
        vec![Some(grad_x)]
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6)
    }

    #[test]
    fn value_and_gradient() {
        // Row 0: logits [0, ln 3] → p = [1/4, 3/4], label 1 → −log p = ln(4/3).
        // Row 1: logits [ln 2, ln 2] → p = [1/2, 1/2], label 0 → −log p = ln 2.
        // L = (ln(4/3) + ln 2) / 2 = ln(8/3) / 2.
        let (l3, l2) = (3f32.ln(), 2f32.ln());
        let x = Tensor::from_vec(vec![0.0, l3, l2, l2], &[2, 2])
            .unwrap()
            .requires_grad();
        let loss = x.cross_entropy(&[1, 0]);
        assert_eq!(loss.shape(), Vec::<usize>::new());
        assert!((loss.item() - (8f32 / 3.0).ln() / 2.0).abs() < 1e-6);
        // ∂L/∂x = (p − onehot) / B = [[1/4, −1/4], [−1/2, 1/2]] / 2.
        loss.backward();
        assert!(close(
            &x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            &[0.125, -0.125, -0.25, 0.25]
        ));
    }

    #[test]
    fn large_logits_do_not_overflow() {
        // [1000, 0], label 0: p₀ = 1/(1 + e⁻¹⁰⁰⁰) ≈ 1, loss ≈ 0; label 1: loss = 1000.
        let x = Tensor::from_vec(vec![1000.0, 0.0, 1000.0, 0.0], &[2, 2]).unwrap();
        assert!(close(&[x.cross_entropy(&[0, 1]).item()], &[500.0]));
    }

    #[test]
    fn nll_of_log_softmax_matches_cross_entropy() {
        // Same logits as above: value ln(8/3)/2 and the same gradient, through three ops.
        let (l3, l2) = (3f32.ln(), 2f32.ln());
        let x = Tensor::from_vec(vec![0.0, l3, l2, l2], &[2, 2])
            .unwrap()
            .requires_grad();
        let loss = x.log_softmax(1).nll_loss(&[1, 0]);
        assert!((loss.item() - (8f32 / 3.0).ln() / 2.0).abs() < 1e-6);
        loss.backward();
        assert!(close(
            &x.grad().unwrap().iter().copied().collect::<Vec<_>>(),
            &[0.125, -0.125, -0.25, 0.25]
        ));
    }

    #[test]
    #[should_panic(
        expected = "cross_entropy: label 2 at row 0 is out of range for shape [1, 2] (2 columns)"
    )]
    fn label_out_of_range() {
        Tensor::zeros(&[1, 2]).cross_entropy(&[2]);
    }

    #[test]
    #[should_panic(
        expected = "cross_entropy: 1 labels given for a tensor of shape [2, 2] (2 rows)"
    )]
    fn wrong_number_of_labels() {
        Tensor::zeros(&[2, 2]).cross_entropy(&[0]);
    }
}
