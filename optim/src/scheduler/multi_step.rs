//! MultiStepLR: decay by γ at each milestone tick.
//!
//! `λ_t = λ0 · γ^(number of milestones ≤ t)` — PyTorch's `MultiStepLR(optimizer, milestones,
//! gamma)`. As in PyTorch, milestones may come in any order, and a milestone listed twice applies
//! γ twice.

use super::schedule::{check_rate, Schedule};
use crate::error::OptimError;

/// Multiplies the value by `gamma` at each tick listed in `milestones`.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiStepLr {
    milestones: Vec<usize>,
    gamma: f64,
}

impl MultiStepLr {
    /// A MultiStepLR schedule.
    ///
    /// ```
    /// use optim::scheduler::{MultiStepLr, Schedule};
    /// let s = MultiStepLr::new(&[2, 5], 0.5).unwrap();
    /// assert_eq!([s.value(1.0, 1), s.value(1.0, 2), s.value(1.0, 5)], [1.0, 0.5, 0.25]);
    /// ```
    ///
    /// # Errors
    /// `gamma` negative or not finite.
    pub fn new(milestones: &[usize], gamma: f64) -> Result<MultiStepLr, OptimError> {
        check_rate(gamma, "gamma", "MultiStepLR")?;
        let mut milestones = milestones.to_vec();
        milestones.sort_unstable();
        Ok(MultiStepLr { milestones, gamma })
    }
}

impl Schedule for MultiStepLr {
    fn value(&self, base: f64, t: usize) -> f64 {
        // PyTorch's bisect_right: the milestones passed, counting repeats.
        let passed = self.milestones.partition_point(|&m| m <= t);
        base * self.gamma.powi(passed as i32)
    }

    fn name(&self) -> &'static str {
        "MultiStepLR"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::schedule::test_util::{assert_close, sequence};

    #[test]
    fn decays_at_milestones() {
        // λ0 = 1, milestones {2, 5, 8}, γ = 0.1: ticks 0-1 → 1, 2-4 → 0.1, 5-7 → 0.01, 8-10 → 0.001.
        let s = MultiStepLr::new(&[5, 2, 8], 0.1).unwrap();
        let want = [
            1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001, 0.001,
        ];
        assert_close(&sequence(&s, 1.0, 10), &want);
    }

    #[test]
    fn repeated_milestone_applies_gamma_twice() {
        // milestones {3, 3}, γ = 0.5 from 1: ticks 0-2 → 1, from 3 on → 0.25.
        let s = MultiStepLr::new(&[3, 3], 0.5).unwrap();
        assert_close(&sequence(&s, 1.0, 4), &[1.0, 1.0, 1.0, 0.25, 0.25]);
    }

    #[test]
    fn rejects_negative_gamma() {
        let err = MultiStepLr::new(&[1], -2.0).unwrap_err().to_string();
        assert_eq!(err, "MultiStepLR: gamma must be finite and >= 0, got -2");
    }
}
