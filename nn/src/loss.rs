//! Loss functions by name, as `torch.nn.functional` offers them. Each is a thin wrapper over
//! the autograd op that computes it (and documents its gradient); all reduce by the **mean**,
//! PyTorch's default `reduction="mean"`.

use autograd::Tensor;

/// Mean cross-entropy of raw scores `logits: [B, C]` against class labels (`labels.len() == B`,
/// each `< C`), PyTorch's `F.cross_entropy(logits, labels)`:
///
/// ```text
///   L = −(1/B) Σᵢ log softmax(logitsᵢ)[labelsᵢ]
/// ```
///
/// # Panics
/// If `logits` is not 2-D, the label count is not `B`, or a label is `≥ C` (from the op).
///
/// ```
/// use autograd::Tensor;
/// // Equal scores over 4 classes: L = −log(1/4) = ln 4.
/// let logits = Tensor::zeros(&[2, 4]);
/// let loss = nn::cross_entropy(&logits, &[0, 3]);
/// assert!((loss.item() - 4f32.ln()).abs() < 1e-6);
/// ```
#[track_caller]
pub fn cross_entropy(logits: &Tensor, labels: &[usize]) -> Tensor {
    logits.cross_entropy(labels)
}

/// Mean negative log-likelihood of log-probabilities `log_probs: [B, C]` (e.g. from
/// `log_softmax(1)`), PyTorch's `F.nll_loss`: `L = −(1/B) Σᵢ log_probsᵢ[labelsᵢ]`.
///
/// `nll_loss(log_softmax(x))` equals `cross_entropy(x)`.
///
/// # Panics
/// As [`cross_entropy`].
#[track_caller]
pub fn nll_loss(log_probs: &Tensor, labels: &[usize]) -> Tensor {
    log_probs.nll_loss(labels)
}

/// Mean squared error over all `n` elements, PyTorch's `F.mse_loss`:
/// `L = (1/n) Σₖ (predictionₖ − targetₖ)²`.
///
/// # Panics
/// If the shapes differ (no broadcasting).
#[track_caller]
pub fn mse_loss(prediction: &Tensor, target: &Tensor) -> Tensor {
    prediction.mse_loss(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_by_hand() {
        // logits [[0, ln 3]]: softmax = [1/4, 3/4]; label 1 → −ln(3/4) = 0.287682.
        let logits = Tensor::from_vec(vec![0.0, 3f32.ln()], &[1, 2]).unwrap();
        assert!((cross_entropy(&logits, &[1]).item() - 0.287_682).abs() < 1e-6);
        // The same through log_softmax then NLL.
        assert!((nll_loss(&logits.log_softmax(1), &[1]).item() - 0.287_682).abs() < 1e-6);
        // NLL of given log-probabilities [[-1, -2], [-3, -4]], labels [1, 0]: (2 + 3)/2 = 2.5.
        let lp = Tensor::from_vec(vec![-1.0, -2.0, -3.0, -4.0], &[2, 2]).unwrap();
        assert_eq!(nll_loss(&lp, &[1, 0]).item(), 2.5);
        // MSE of [1, 2, 3] vs [1, 0, 0]: (0 + 4 + 9)/3 = 13/3.
        let p = Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3]).unwrap();
        let t = Tensor::from_vec(vec![1.0, 0.0, 0.0], &[3]).unwrap();
        assert!((mse_loss(&p, &t).item() - 13.0 / 3.0).abs() < 1e-6);
    }
}
