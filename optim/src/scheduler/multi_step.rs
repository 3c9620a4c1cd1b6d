//! MultiStepLR: decay by γ at each milestone epoch.
//!
//! `λ_e = λ0 · γ^(number of milestones ≤ e)` — PyTorch's `MultiStepLR(optimizer, milestones,
//! gamma)`. As in PyTorch, milestones may come in any order, and a milestone listed twice applies
//! γ twice.

use super::{check_rate, ClosedForm};
use crate::OptimError;

/// Multiplies λ by `gamma` at each epoch listed in `milestones`.
#[derive(Debug, Clone)]
pub struct MultiStepLr {
    base_lr: f64,
    milestones: Vec<usize>,
    gamma: f64,
    epoch: usize,
}

impl MultiStepLr {
    /// A MultiStepLR schedule starting at `base_lr` (λ0).
    ///
    /// ```
    /// use optim::scheduler::{ClosedForm, MultiStepLr};
    /// let s = MultiStepLr::new(1.0, &[2, 5], 0.5).unwrap();
    /// assert_eq!([s.lr_at(1), s.lr_at(2), s.lr_at(5)], [1.0, 0.5, 0.25]);
    /// ```
    ///
    /// # Errors
    /// `base_lr` or `gamma` negative or not finite.
    pub fn new(base_lr: f64, milestones: &[usize], gamma: f64) -> Result<MultiStepLr, OptimError> {
        check_rate(base_lr, "base lr", "MultiStepLR")?;
        check_rate(gamma, "gamma", "MultiStepLR")?;
        let mut milestones = milestones.to_vec();
        milestones.sort_unstable();
        Ok(MultiStepLr {
            base_lr,
            milestones,
            gamma,
            epoch: 0,
        })
    }
}

impl ClosedForm for MultiStepLr {
    fn lr_at(&self, epoch: usize) -> f64 {
        // PyTorch's bisect_right: the milestones passed, counting repeats.
        let passed = self.milestones.partition_point(|&m| m <= epoch);
        self.base_lr * self.gamma.powi(passed as i32)
    }

    fn name(&self) -> &'static str {
        "MultiStepLR"
    }

    fn epoch_counter(&self) -> usize {
        self.epoch
    }

    fn epoch_counter_mut(&mut self) -> &mut usize {
        &mut self.epoch
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::test_util::{assert_close, check_resume, sequence};

    #[test]
    fn decays_at_milestones() {
        // λ0 = 1, milestones {2, 5, 8}, γ = 0.1: epochs 0-1 → 1, 2-4 → 0.1, 5-7 → 0.01, 8-10 → 0.001.
        let mut s = MultiStepLr::new(1.0, &[5, 2, 8], 0.1).unwrap();
        let want = [
            1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001, 0.001,
        ];
        assert_close(&sequence(&mut s, 10, |_| None), &want);
    }

    #[test]
    fn repeated_milestone_applies_gamma_twice() {
        // milestones {3, 3}, γ = 0.5 from 1: epochs 0-2 → 1, from 3 on → 0.25.
        let mut s = MultiStepLr::new(1.0, &[3, 3], 0.5).unwrap();
        assert_close(&sequence(&mut s, 4, |_| None), &[1.0, 1.0, 1.0, 0.25, 0.25]);
    }

    #[test]
    fn resume_continues_identically() {
        let make = || Box::new(MultiStepLr::new(0.3, &[3, 6], 0.2).unwrap());
        check_resume(make(), make(), 4, 10, |_| None);
    }

    #[test]
    fn rejects_negative_gamma() {
        assert!(MultiStepLr::new(1.0, &[1], -2.0)
            .unwrap_err()
            .to_string()
            .contains("-2"));
    }
}
