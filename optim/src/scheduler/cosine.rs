//! CosineAnnealingLR: half a cosine from λ0 down to η_min over `T_max` ticks.
//!
//! `λ_t = η_min + (λ0 − η_min) · (1 + cos(π · t / T_max)) / 2` — the closed form of PyTorch's
//! `CosineAnnealingLR(optimizer, T_max, eta_min)`. `η_min` is the same absolute value for every
//! group, as in PyTorch. Past `T_max` the cosine goes on, so λ climbs back to λ0 at `2·T_max`
//! (PyTorch's recursive form does the same); stop training at `T_max` if that is not wanted.
//! Ticked once per optimizer step with `T_max` the run's number of steps, it is a per-step
//! cosine decay to η_min.

use std::f64::consts::PI;

use super::schedule::{check_rate, invalid, Schedule};
use crate::error::OptimError;

/// Anneals the value from its base to `eta_min` along a cosine over `t_max` ticks.
#[derive(Debug, Clone, PartialEq)]
pub struct CosineAnnealingLr {
    t_max: usize,
    eta_min: f64,
}

impl CosineAnnealingLr {
    /// A cosine schedule reaching `eta_min` at tick `t_max`.
    ///
    /// ```
    /// use optim::scheduler::{CosineAnnealingLr, Schedule};
    /// let s = CosineAnnealingLr::new(4, 0.0).unwrap();
    /// assert!((s.value(1.0, 2) - 0.5).abs() < 1e-12); // (1 + cos(π/2)) / 2
    /// ```
    ///
    /// # Errors
    /// `t_max` = 0; `eta_min` negative or not finite.
    pub fn new(t_max: usize, eta_min: f64) -> Result<CosineAnnealingLr, OptimError> {
        check_rate(eta_min, "eta_min", "CosineAnnealingLR")?;
        if t_max == 0 {
            return Err(invalid(
                "CosineAnnealingLR",
                "T_max must be >= 1, got 0".into(),
            ));
        }
        Ok(CosineAnnealingLr { t_max, eta_min })
    }
}

impl Schedule for CosineAnnealingLr {
    fn value(&self, base: f64, t: usize) -> f64 {
        let t_cur = t as f64;
        self.eta_min + (base - self.eta_min) * (1.0 + (PI * t_cur / self.t_max as f64).cos()) / 2.0
    }

    fn name(&self) -> &'static str {
        "CosineAnnealingLR"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::schedule::test_util::{assert_close, sequence};

    #[test]
    fn follows_half_cosine() {
        // λ0 = 1, η_min = 0.1, T_max = 4: λ_t = 0.1 + 0.9·(1 + cos(πt/4))/2.
        // t=0: 1; t=1: cos = √2/2 → 0.1 + 0.45·1.70710678 = 0.868198052; t=2: cos 0 → 0.55;
        // t=3: cos = −√2/2 → 0.1 + 0.45·0.29289322 = 0.231801948; t=4: 0.1;
        // then back up (period 8): t=5 = t=3, t=6 = t=2, t=7 = t=1, t=8 = 1.
        let s = CosineAnnealingLr::new(4, 0.1).unwrap();
        let want = [
            1.0,
            0.868198052,
            0.55,
            0.231801948,
            0.1,
            0.231801948,
            0.55,
            0.868198052,
            1.0,
        ];
        assert_close(&sequence(&s, 1.0, 8), &want);
    }

    #[test]
    fn rejects_bad_hyperparameters() {
        let err = |t_max, eta_min| {
            let s = CosineAnnealingLr::new(t_max, eta_min);
            s.unwrap_err().to_string()
        };
        assert!(err(0, 0.0).contains("T_max"));
        assert!(err(5, -0.01).contains("-0.01"));
    }
}
