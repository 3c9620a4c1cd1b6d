//! ExponentialLR: decay by γ every tick.
//!
//! `λ_t = λ0 · γ^t` — PyTorch's `ExponentialLR(optimizer, gamma)`.

use super::schedule::{check_rate, Schedule};
use crate::error::OptimError;

/// Multiplies the value by `gamma` every tick.
#[derive(Debug, Clone, PartialEq)]
pub struct ExponentialLr {
    gamma: f64,
}

impl ExponentialLr {
    /// An ExponentialLR schedule.
    ///
    /// # Errors
    /// `gamma` negative or not finite.
    pub fn new(gamma: f64) -> Result<ExponentialLr, OptimError> {
        check_rate(gamma, "gamma", "ExponentialLR")?;
        Ok(ExponentialLr { gamma })
    }
}

impl Schedule for ExponentialLr {
    fn value(&self, base: f64, t: usize) -> f64 {
        base * self.gamma.powi(t as i32)
    }

    fn name(&self) -> &'static str {
        "ExponentialLR"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::schedule::test_util::{assert_close, sequence};

    #[test]
    fn halves_every_tick() {
        // λ0 = 0.8, γ = 0.5: 0.8, 0.4, 0.2, 0.1, 0.05, 0.025, 0.0125, 0.00625, ...
        let s = ExponentialLr::new(0.5).unwrap();
        let want = [
            0.8, 0.4, 0.2, 0.1, 0.05, 0.025, 0.0125, 0.00625, 0.003125, 0.0015625, 0.00078125,
        ];
        assert_close(&sequence(&s, 0.8, 10), &want);
    }

    #[test]
    fn rejects_bad_gamma() {
        let err = |gamma| ExponentialLr::new(gamma).unwrap_err().to_string();
        assert!(err(-0.5).contains("-0.5"));
        assert!(err(f64::NAN).contains("NaN"));
    }
}
