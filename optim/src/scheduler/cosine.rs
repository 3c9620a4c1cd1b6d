//! CosineAnnealingLR: half a cosine from λ0 down to η_min over `T_max` epochs.
//!
//! `λ_e = η_min + (λ0 − η_min) · (1 + cos(π · e / T_max)) / 2` — the closed form of PyTorch's
//! `CosineAnnealingLR(optimizer, T_max, eta_min)`. Past `T_max` the cosine goes on, so λ climbs
//! back to λ0 at `2·T_max` (PyTorch's recursive form does the same); stop training at `T_max` or
//! use SGDR-style restarts if that is not wanted.

use std::f64::consts::PI;

use super::{check_rate, invalid, ClosedForm};
use crate::OptimError;

/// Anneals λ from `base_lr` to `eta_min` along a cosine over `t_max` epochs.
#[derive(Debug, Clone)]
pub struct CosineAnnealingLr {
    base_lr: f64,
    t_max: usize,
    eta_min: f64,
    epoch: usize,
}

impl CosineAnnealingLr {
    /// A cosine schedule starting at `base_lr` (λ0), reaching `eta_min` at epoch `t_max`.
    ///
    /// ```
    /// use optim::scheduler::{ClosedForm, CosineAnnealingLr};
    /// let s = CosineAnnealingLr::new(1.0, 4, 0.0).unwrap();
    /// assert!((s.lr_at(2) - 0.5).abs() < 1e-12); // (1 + cos(π/2)) / 2
    /// ```
    ///
    /// # Errors
    /// `t_max` = 0; `base_lr` or `eta_min` negative or not finite.
    pub fn new(base_lr: f64, t_max: usize, eta_min: f64) -> Result<CosineAnnealingLr, OptimError> {
        check_rate(base_lr, "base lr", "CosineAnnealingLR")?;
        check_rate(eta_min, "eta_min", "CosineAnnealingLR")?;
        if t_max == 0 {
            return Err(invalid(
                "CosineAnnealingLR",
                "T_max must be >= 1, got 0".into(),
            ));
        }
        Ok(CosineAnnealingLr {
            base_lr,
            t_max,
            eta_min,
            epoch: 0,
        })
    }
}

impl ClosedForm for CosineAnnealingLr {
    fn lr_at(&self, epoch: usize) -> f64 {
        let t_cur = epoch as f64;
        self.eta_min
            + (self.base_lr - self.eta_min) * (1.0 + (PI * t_cur / self.t_max as f64).cos()) / 2.0
    }

    fn name(&self) -> &'static str {
        "CosineAnnealingLR"
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
    fn follows_half_cosine() {
        // λ0 = 1, η_min = 0.1, T_max = 4: λ_e = 0.1 + 0.9·(1 + cos(πe/4))/2.
        // e=0: 1; e=1: cos = √2/2 → 0.1 + 0.45·1.70710678 = 0.868198052; e=2: cos 0 → 0.55;
        // e=3: cos = −√2/2 → 0.1 + 0.45·0.29289322 = 0.231801948; e=4: 0.1;
        // then back up (period 8): e=5 = e=3, e=6 = e=2, e=7 = e=1, e=8 = 1.
        let mut s = CosineAnnealingLr::new(1.0, 4, 0.1).unwrap();
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
        assert_close(&sequence(&mut s, 8, |_| None), &want);
    }

    #[test]
    fn resume_continues_identically() {
        let make = || Box::new(CosineAnnealingLr::new(0.1, 10, 0.0).unwrap());
        check_resume(make(), make(), 3, 10, |_| None);
    }

    #[test]
    fn rejects_bad_hyperparameters() {
        assert!(CosineAnnealingLr::new(1.0, 0, 0.0)
            .unwrap_err()
            .to_string()
            .contains("T_max"));
        assert!(CosineAnnealingLr::new(1.0, 5, -0.01)
            .unwrap_err()
            .to_string()
            .contains("-0.01"));
    }
}
