//! LinearLR: scale λ0 by a factor moving linearly from `start_factor` to `end_factor` over
//! `total_iters` epochs, then hold it — a linear warm-up when `start_factor < end_factor = 1`.
//!
//! `λ_e = λ0 · (s + (f − s) · min(e, T) / T)` with `s` = start factor, `f` = end factor,
//! `T` = `total_iters` — the closed form of PyTorch's `LinearLR(optimizer, start_factor,
//! end_factor, total_iters)` (defaults there: `s = 1/3`, `f = 1`, `T = 5`).

use super::{check_rate, invalid, ClosedForm};
use crate::OptimError;

/// λ0 times a factor ramping linearly from `start_factor` to `end_factor`.
#[derive(Debug, Clone)]
pub struct LinearLr {
    base_lr: f64,
    start_factor: f64,
    end_factor: f64,
    total_iters: usize,
    epoch: usize,
}

impl LinearLr {
    /// PyTorch's default start factor, used by `warmup:ITERS` without a factor.
    pub const DEFAULT_START_FACTOR: f64 = 1.0 / 3.0;

    /// A linear ramp of the factor over `total_iters` epochs.
    ///
    /// ```
    /// use optim::scheduler::{ClosedForm, LinearLr};
    /// let s = LinearLr::new(0.1, 0.5, 1.0, 4).unwrap();
    /// assert!((s.lr_at(2) - 0.075).abs() < 1e-12); // 0.1 · (0.5 + 0.5·2/4)
    /// ```
    ///
    /// # Errors
    /// As PyTorch: `start_factor` outside (0, 1], `end_factor` outside [0, 1]; also
    /// `total_iters` = 0 and a negative or non-finite `base_lr`.
    pub fn new(
        base_lr: f64,
        start_factor: f64,
        end_factor: f64,
        total_iters: usize,
    ) -> Result<LinearLr, OptimError> {
        check_rate(base_lr, "base lr", "LinearLR")?;
        if !(start_factor > 0.0 && start_factor <= 1.0) {
            return Err(invalid(
                "LinearLR",
                format!("start_factor must be in (0, 1], got {start_factor}"),
            ));
        }
        if !(0.0..=1.0).contains(&end_factor) {
            return Err(invalid(
                "LinearLR",
                format!("end_factor must be in [0, 1], got {end_factor}"),
            ));
        }
        if total_iters == 0 {
            return Err(invalid(
                "LinearLR",
                "total_iters must be >= 1, got 0".into(),
            ));
        }
        Ok(LinearLr {
            base_lr,
            start_factor,
            end_factor,
            total_iters,
            epoch: 0,
        })
    }

    /// A warm-up from `start_factor · base_lr` to `base_lr` over `iters` epochs, then constant.
    ///
    /// # Errors
    /// As [`LinearLr::new`].
    pub fn warmup(base_lr: f64, iters: usize, start_factor: f64) -> Result<LinearLr, OptimError> {
        LinearLr::new(base_lr, start_factor, 1.0, iters)
    }
}

impl ClosedForm for LinearLr {
    fn lr_at(&self, epoch: usize) -> f64 {
        let t = self.total_iters as f64;
        let done = epoch.min(self.total_iters) as f64;
        self.base_lr * (self.start_factor + (self.end_factor - self.start_factor) * done / t)
    }

    fn name(&self) -> &'static str {
        "LinearLR"
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
    fn warms_up_then_holds() {
        // λ0 = 1, factor 0.2 → 1 over 4 epochs: 0.2, 0.4, 0.6, 0.8, 1, then 1.
        let mut s = LinearLr::warmup(1.0, 4, 0.2).unwrap();
        let want = [0.2, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        assert_close(&sequence(&mut s, 10, |_| None), &want);
    }

    #[test]
    fn decays_linearly_to_end_factor() {
        // λ0 = 0.5, factor 1 → 0.5 over 5 epochs: 0.5·(1 − 0.1e) = 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, then 0.25.
        let mut s = LinearLr::new(0.5, 1.0, 0.5, 5).unwrap();
        let want = [0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.25, 0.25];
        assert_close(&sequence(&mut s, 7, |_| None), &want);
    }

    #[test]
    fn resume_continues_identically() {
        let make = || Box::new(LinearLr::warmup(0.1, 5, 0.1).unwrap());
        check_resume(make(), make(), 2, 8, |_| None);
    }

    #[test]
    fn rejects_bad_factors() {
        assert!(LinearLr::new(1.0, 0.0, 1.0, 3)
            .unwrap_err()
            .to_string()
            .contains("start_factor"));
        assert!(LinearLr::new(1.0, 1.5, 1.0, 3)
            .unwrap_err()
            .to_string()
            .contains("1.5"));
        assert!(LinearLr::new(1.0, 0.5, -0.5, 3)
            .unwrap_err()
            .to_string()
            .contains("-0.5"));
        assert!(LinearLr::new(1.0, 0.5, 1.0, 0)
            .unwrap_err()
            .to_string()
            .contains("total_iters"));
    }
}
