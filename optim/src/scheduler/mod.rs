//! Schedules of the learning rate `λ` or the momentum `μ`, as in PyTorch's
//! `torch.optim.lr_scheduler`, acting on every parameter group.
//!
//! A [`Schedule`] is a closed form: the value at tick `t` from a group's base value
//! ([`StepLr`], [`MultiStepLr`], [`ExponentialLr`], [`CosineAnnealingLr`], [`LinearLr`],
//! [`SequentialLr`], [`Constant`]). A [`Scheduler`] applies one to an optimizer: it takes each
//! group's current value as that group's base (PyTorch's `initial_lr`), sets the value of
//! tick 0 at once, as PyTorch's constructors do (so a warm-up starts low), and sets the value
//! of the next tick at each [`Scheduler::step`]. [`Scheduler::plateau`] is PyTorch's
//! `ReduceLROnPlateau`, which follows a metric instead of a formula.
//!
//! What a tick is, is the caller's choice: call `step` after every optimizer step, or after
//! every epoch; a schedule's lengths (`step_size`, `T_max`, …) count those ticks. PyTorch's
//! order, one tick per epoch:
//!
//! ```
//! use autograd::{Parameters, Tensor};
//! use optim::scheduler::{Scheduler, StepLr};
//! use optim::{Optimizer, Sgd};
//! let mut params = Parameters::new();
//! params.push("w", Tensor::scalar(1.0).requires_grad());
//! let mut opt = Optimizer::new(params, Sgd { lr: 1.0, ..Default::default() })?;
//! let mut sched = Scheduler::new(&mut opt, StepLr::new(3, 0.1)?)?;
//! let mut lrs = vec![opt.groups()[0].rule.lr];
//! for _epoch in 0..4 {
//!     // for batch in data { opt.zero_grad(); loss.backward(); opt.step()?; }
//!     sched.step(&mut opt, None)?; // sets λ in every group
//!     lrs.push(opt.groups()[0].rule.lr);
//! }
//! assert_eq!(lrs, vec![1.0, 1.0, 1.0, 0.1, 0.1]);
//! # Ok::<(), optim::OptimError>(())
//! ```
//!
//! Values are computed in `f64`, as PyTorch does with Python floats, and rounded to `f32` when
//! set. Files: `step.rs` (StepLR), `multi_step.rs` (MultiStepLR), `exponential.rs`
//! (ExponentialLR), `cosine.rs` (CosineAnnealingLR), `linear.rs` (LinearLR, warm-up),
//! `sequential.rs` (SequentialLR, e.g. warm-up then cosine), `constant.rs`, `plateau.rs`
//! (ReduceLROnPlateau), `driver.rs` ([`Scheduler`]), `position.rs` (saving its position).

mod constant;
mod cosine;
mod driver;
mod exponential;
mod linear;
mod multi_step;
mod plateau;
mod position;
mod sequential;
mod step;

use std::fmt;

use crate::error::OptimError;

pub use constant::Constant;
pub use cosine::CosineAnnealingLr;
pub use driver::Scheduler;
pub use exponential::ExponentialLr;
pub use linear::LinearLr;
pub use multi_step::MultiStepLr;
pub use plateau::{PlateauConfig, PlateauMode, ThresholdMode};
pub use sequential::SequentialLr;
pub use step::StepLr;

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

/// What a [`Scheduler`] sets in every group's rule.
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
