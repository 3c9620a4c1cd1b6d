//! ExponentialLR: decay by γ every epoch.
//!
//! `λ_e = λ0 · γ^e` — PyTorch's `ExponentialLR(optimizer, gamma)`.

use super::{check_rate, ClosedForm};
use crate::OptimError;

/// Multiplies λ by `gamma` every epoch.
#[derive(Debug, Clone)]
pub struct ExponentialLr {
    base_lr: f64,
    gamma: f64,
    epoch: usize,
}

impl ExponentialLr {
    /// An ExponentialLR schedule starting at `base_lr` (λ0).
    ///
    /// # Errors
    /// `base_lr` or `gamma` negative or not finite.
    pub fn new(base_lr: f64, gamma: f64) -> Result<ExponentialLr, OptimError> {
        check_rate(base_lr, "base lr", "ExponentialLR")?;
        check_rate(gamma, "gamma", "ExponentialLR")?;
        Ok(ExponentialLr {
            base_lr,
            gamma,
            epoch: 0,
        })
    }
}

impl ClosedForm for ExponentialLr {
    fn lr_at(&self, epoch: usize) -> f64 {
        self.base_lr * self.gamma.powi(epoch as i32)
    }

    fn name(&self) -> &'static str {
        "ExponentialLR"
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
    fn halves_every_epoch() {
        // λ0 = 0.8, γ = 0.5: 0.8, 0.4, 0.2, 0.1, 0.05, 0.025, 0.0125, 0.00625, ...
        let mut s = ExponentialLr::new(0.8, 0.5).unwrap();
        let want = [
            0.8, 0.4, 0.2, 0.1, 0.05, 0.025, 0.0125, 0.00625, 0.003125, 0.0015625, 0.00078125,
        ];
        assert_close(&sequence(&mut s, 10, |_| None), &want);
    }

    #[test]
    fn resume_continues_identically() {
        let make = || Box::new(ExponentialLr::new(0.1, 0.9).unwrap());
        check_resume(make(), make(), 4, 15, |_| None);
    }

    #[test]
    fn rejects_bad_gamma() {
        assert!(ExponentialLr::new(0.1, -0.5)
            .unwrap_err()
            .to_string()
            .contains("-0.5"));
        assert!(ExponentialLr::new(0.1, f64::NAN)
            .unwrap_err()
            .to_string()
            .contains("NaN"));
    }
}
