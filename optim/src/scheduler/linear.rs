//! LinearLR: scale λ0 by a factor moving linearly from `start_factor` to `end_factor` over
//! `total_iters` ticks, then hold it — a linear warm-up when `start_factor < end_factor = 1`.
//!
//! `λ_t = λ0 · (s + (f − s) · min(t, T) / T)` with `s` = start factor, `f` = end factor,
//! `T` = `total_iters` — the closed form of PyTorch's `LinearLR(optimizer, start_factor,
//! end_factor, total_iters)` (defaults there: `s = 1/3`, `f = 1`, `T = 5`). Applied at
//! construction, a warm-up's first step already uses `s · λ0`. With `s = 1`, `f = 0` and `T`
//! the run's number of steps, ticked per step, it is a linear decay to 0.

use super::schedule::{invalid, Schedule};
use crate::error::OptimError;

/// The base value times a factor ramping linearly from `start_factor` to `end_factor`.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearLr {
    start_factor: f64,
    end_factor: f64,
    total_iters: usize,
}

impl LinearLr {
    /// PyTorch's default start factor.
    pub const DEFAULT_START_FACTOR: f64 = 1.0 / 3.0;

    /// A linear ramp of the factor over `total_iters` ticks.
    ///
    /// ```
    /// use optim::scheduler::{LinearLr, Schedule};
    /// let s = LinearLr::new(0.5, 1.0, 4).unwrap();
    /// assert!((s.value(0.1, 2) - 0.075).abs() < 1e-12); // 0.1 · (0.5 + 0.5·2/4)
    /// ```
    ///
    /// # Errors
    /// As PyTorch: `start_factor` outside (0, 1], `end_factor` outside [0, 1]; also
    /// `total_iters` = 0.
    pub fn new(
        start_factor: f64,
        end_factor: f64,
        total_iters: usize,
    ) -> Result<LinearLr, OptimError> {
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
            start_factor,
            end_factor,
            total_iters,
        })
    }

    /// A warm-up from `start_factor` times the base to the base over `iters` ticks, then
    /// constant.
    ///
    /// # Errors
    /// As [`LinearLr::new`].
    pub fn warmup(iters: usize, start_factor: f64) -> Result<LinearLr, OptimError> {
        LinearLr::new(start_factor, 1.0, iters)
    }
}

impl Schedule for LinearLr {
    fn value(&self, base: f64, t: usize) -> f64 {
        let total = self.total_iters as f64;
        let done = t.min(self.total_iters) as f64;
        base * (self.start_factor + (self.end_factor - self.start_factor) * done / total)
    }

    fn name(&self) -> &'static str {
        "LinearLR"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::schedule::test_util::{assert_close, sequence};

    #[test]
    fn warms_up_then_holds() {
        // λ0 = 1, factor 0.2 → 1 over 4 ticks: 0.2, 0.4, 0.6, 0.8, 1, then 1.
        let s = LinearLr::warmup(4, 0.2).unwrap();
        let want = [0.2, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        assert_close(&sequence(&s, 1.0, 10), &want);
    }

    #[test]
    fn decays_linearly_to_end_factor() {
        // λ0 = 0.5, factor 1 → 0.5 over 5 ticks: 0.5·(1 − 0.1t) = 0.5, 0.45, …, 0.25, then 0.25.
        let s = LinearLr::new(1.0, 0.5, 5).unwrap();
        let want = [0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.25, 0.25];
        assert_close(&sequence(&s, 0.5, 7), &want);
    }

    #[test]
    fn rejects_bad_factors() {
        let err = |s, e, t| LinearLr::new(s, e, t).unwrap_err().to_string();
        assert!(err(0.0, 1.0, 3).contains("start_factor"));
        assert!(err(1.5, 1.0, 3).contains("1.5"));
        assert!(err(0.5, -0.5, 3).contains("-0.5"));
        assert!(err(0.5, 1.0, 0).contains("total_iters"));
    }
}
