//! What a closed-form schedule is ([`Schedule`]), what a scheduler sets ([`Target`]), and the
//! checks the schedules share.

use std::fmt;

use crate::error::OptimError;

/// A closed-form schedule: the value at tick `t` from a base value, and nothing else (its
/// hyperparameters, without a base, which each group brings).
pub trait Schedule: fmt::Debug + Send + Sync {
    /// The value at tick `t` (0 at construction) of a group whose base value is `base`.
    fn value(&self, base: f64, t: usize) -> f64;

    /// PyTorch's name of the schedule (`"StepLR"`), for messages and saved positions.
    fn name(&self) -> &'static str;
}

/// A boxed schedule is a schedule: what a program that picks one at run time passes on.
impl<S: Schedule + ?Sized> Schedule for Box<S> {
    fn value(&self, base: f64, t: usize) -> f64 {
        (**self).value(base, t)
    }

    fn name(&self) -> &'static str {
        (**self).name()
    }
}

/// What a [`Scheduler`](super::Scheduler) sets in every group's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The learning rate `λ` ([`UpdateRule::set_lr`](crate::UpdateRule::set_lr)).
    Lr,
    /// The momentum `μ` ([`UpdateRule::set_momentum`](crate::UpdateRule::set_momentum)).
    Momentum,
}

impl Target {
    /// `lr` or `momentum`, as saved.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Lr => "lr",
            Target::Momentum => "momentum",
        }
    }
}

/// An [`OptimError::InvalidScheduler`]: `who` (PyTorch's name of the schedule) rejects a
/// hyperparameter for `reason`.
pub(crate) fn invalid(who: &'static str, reason: String) -> OptimError {
    OptimError::InvalidScheduler {
        scheduler: who,
        reason,
    }
}

/// Checks a rate-like hyperparameter (γ, η_min, a floor): finite and ≥ 0.
pub(crate) fn check_rate(value: f64, what: &str, who: &'static str) -> Result<(), OptimError> {
    if !(value.is_finite() && value >= 0.0) {
        return Err(invalid(
            who,
            format!("{what} must be finite and >= 0, got {value}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::Schedule;

    /// The values of ticks 0..=n from base 1, rounded to f32 as a group receives them.
    pub fn sequence(s: &dyn Schedule, base: f64, n: usize) -> Vec<f32> {
        (0..=n).map(|t| s.value(base, t) as f32).collect()
    }

    /// Asserts equal to a relative 1e-6 (the hand values are written in decimal).
    #[track_caller]
    pub fn assert_close(got: &[f32], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "length: got {got:?}, want {want:?}");
        for (e, (&g, &w)) in got.iter().zip(want).enumerate() {
            let tol = 1e-6 * w.abs().max(1e-12);
            assert!(
                (g as f64 - w).abs() <= tol,
                "tick {e}: got {g}, want {w}\n got {got:?}\nwant {want:?}"
            );
        }
    }
}
