//! StepLR: decay by γ every `step_size` ticks.
//!
//! `λ_t = λ0 · γ^⌊t / step_size⌋` — PyTorch's `StepLR(optimizer, step_size, gamma)` (PyTorch
//! multiplies the previous rate by γ at each boundary; the closed form here is the same number up
//! to `f64` rounding).

use super::schedule::{check_rate, invalid, Schedule};
use crate::error::OptimError;

/// Decays the value by `gamma` every `step_size` ticks.
#[derive(Debug, Clone, PartialEq)]
pub struct StepLr {
    step_size: usize,
    gamma: f64,
}

impl StepLr {
    /// A StepLR schedule.
    ///
    /// ```
    /// use optim::scheduler::{Schedule, StepLr};
    /// let s = StepLr::new(3, 0.1).unwrap();
    /// assert_eq!(s.value(1.0, 6) as f32, 0.01);
    /// ```
    ///
    /// # Errors
    /// `step_size` = 0; `gamma` negative or not finite.
    pub fn new(step_size: usize, gamma: f64) -> Result<StepLr, OptimError> {
        check_rate(gamma, "gamma", "StepLR")?;
        if step_size == 0 {
            return Err(invalid("StepLR", "step_size must be >= 1, got 0".into()));
        }
        Ok(StepLr { step_size, gamma })
    }
}

impl Schedule for StepLr {
    fn value(&self, base: f64, t: usize) -> f64 {
        base * self.gamma.powi((t / self.step_size) as i32)
    }

    fn name(&self) -> &'static str {
        "StepLR"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::schedule::test_util::{assert_close, sequence};

    #[test]
    fn decays_every_step_size_ticks() {
        // λ0 = 1, step 3, γ = 0.1: ticks 0-2 → 1, 3-5 → 0.1, 6-8 → 0.01, 9-10 → 0.001.
        let s = StepLr::new(3, 0.1).unwrap();
        let want = [1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001];
        assert_close(&sequence(&s, 1.0, 10), &want);
    }

    #[test]
    fn rejects_bad_hyperparameters() {
        let err = |s: Result<StepLr, OptimError>| s.unwrap_err().to_string();
        assert_eq!(
            err(StepLr::new(0, 0.1)),
            "StepLR: step_size must be >= 1, got 0"
        );
        assert!(err(StepLr::new(3, -0.1)).contains("-0.1"));
        assert!(err(StepLr::new(3, f64::NAN)).contains("NaN"));
    }
}
