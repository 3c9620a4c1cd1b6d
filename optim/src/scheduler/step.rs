//! StepLR: decay by γ every `step_size` epochs.
//!
//! `λ_e = λ0 · γ^⌊e / step_size⌋` — PyTorch's `StepLR(optimizer, step_size, gamma)` (PyTorch
//! multiplies the previous rate by γ at each boundary; the closed form here is the same number up
//! to `f64` rounding).

use super::{check_rate, invalid, ClosedForm};
use crate::OptimError;

/// Decays λ by `gamma` every `step_size` epochs.
#[derive(Debug, Clone)]
pub struct StepLr {
    base_lr: f64,
    step_size: usize,
    gamma: f64,
    epoch: usize,
}

impl StepLr {
    /// A StepLR schedule starting at `base_lr` (λ0).
    ///
    /// ```
    /// use optim::scheduler::{ClosedForm, StepLr};
    /// let s = StepLr::new(1.0, 3, 0.1).unwrap();
    /// assert_eq!(s.lr_at(6) as f32, 0.01);
    /// ```
    ///
    /// # Errors
    /// `step_size` = 0; `base_lr` or `gamma` negative or not finite.
    pub fn new(base_lr: f64, step_size: usize, gamma: f64) -> Result<StepLr, OptimError> {
        check_rate(base_lr, "base lr", "StepLR")?;
        check_rate(gamma, "gamma", "StepLR")?;
        if step_size == 0 {
            return Err(invalid("StepLR", "step_size must be >= 1, got 0".into()));
        }
        Ok(StepLr {
            base_lr,
            step_size,
            gamma,
            epoch: 0,
        })
    }
}

impl ClosedForm for StepLr {
    fn lr_at(&self, epoch: usize) -> f64 {
        self.base_lr * self.gamma.powi((epoch / self.step_size) as i32)
    }

    fn name(&self) -> &'static str {
        "StepLR"
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
    use std::collections::BTreeMap;

    use super::*;
    use crate::scheduler::test_util::{assert_close, check_resume, sequence};
    use crate::scheduler::Scheduler;

    #[test]
    fn decays_every_step_size_epochs() {
        // λ0 = 1, step 3, γ = 0.1: epochs 0-2 → 1, 3-5 → 0.1, 6-8 → 0.01, 9-10 → 0.001.
        let mut s = StepLr::new(1.0, 3, 0.1).unwrap();
        let want = [1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001];
        assert_close(&sequence(&mut s, 10, |_| None), &want);
    }

    #[test]
    fn resume_continues_identically() {
        let make = || Box::new(StepLr::new(0.5, 2, 0.5).unwrap());
        check_resume(make(), make(), 5, 12, |_| None);
    }

    #[test]
    fn rejects_bad_hyperparameters() {
        assert!(StepLr::new(1.0, 0, 0.1)
            .unwrap_err()
            .to_string()
            .contains("step_size"));
        assert!(StepLr::new(1.0, 3, -0.1)
            .unwrap_err()
            .to_string()
            .contains("-0.1"));
        assert!(StepLr::new(-1.0, 3, 0.1)
            .unwrap_err()
            .to_string()
            .contains("-1"));
        let mut s = StepLr::new(1.0, 3, 0.1).unwrap();
        let bad = BTreeMap::from([("epoch".to_string(), 2.5)]);
        assert!(s.load_state(&bad).unwrap_err().to_string().contains("2.5"));
        let other = BTreeMap::from([("epoch".to_string(), 2.0), ("best".to_string(), 1.0)]);
        assert!(s
            .load_state(&other)
            .unwrap_err()
            .to_string()
            .contains("best"));
    }
}
