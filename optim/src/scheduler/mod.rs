//! Learning-rate schedulers, as in PyTorch's `torch.optim.lr_scheduler`.
//!
//! A scheduler maps the epoch number (and, for [`ReduceLrOnPlateau`], the history of a validation
//! metric) to a learning rate λ. It does not hold the optimizer: the training loop calls
//! `optimizer.step()` once per batch and, after each epoch, hands the new rate over itself —
//! PyTorch's order:
//!
//! ```
//! use optim::scheduler::{Scheduler, StepLr};
//! let mut sched = StepLr::new(1.0, 3, 0.1).unwrap();
//! let mut lrs = vec![sched.last_lr()];
//! for _epoch in 0..4 {
//!     // for batch in data { loss.backward(); opt.step(); opt.zero_grad(); }
//!     let lr = sched.step(None); // then: opt.set_lr(lr)
//!     lrs.push(lr);
//! }
//! assert_eq!(lrs, vec![1.0, 1.0, 1.0, 0.1, 0.1]);
//! ```
//!
//! Epoch 0 is the state right after construction (`last_lr() == λ0`, like PyTorch's initial
//! step); the `k`-th call to [`Scheduler::step`] moves to epoch `k`. Rates are computed in `f64`,
//! as PyTorch does with Python floats, and rounded to `f32` only when handed out.
//!
//! Files: `step.rs` (StepLR), `multi_step.rs` (MultiStepLR), `exponential.rs` (ExponentialLR),
//! `cosine.rs` (CosineAnnealingLR), `warmup.rs` (LinearLR), `sequential.rs` (SequentialLR, e.g.
//! warm-up then cosine), `plateau.rs` (ReduceLROnPlateau), `constant.rs`, `spec.rs` (the
//! [`ScheduleSpec`] strings of the command line).

mod constant;
mod cosine;
mod exponential;
mod multi_step;
mod plateau;
mod sequential;
mod spec;
mod step;
mod warmup;

use std::collections::BTreeMap;

use crate::OptimError;

pub use constant::Constant;
pub use cosine::CosineAnnealingLr;
pub use exponential::ExponentialLr;
pub use multi_step::MultiStepLr;
pub use plateau::{PlateauConfig, PlateauMode, ReduceLrOnPlateau, ThresholdMode};
pub use sequential::SequentialLr;
pub use spec::ScheduleSpec;
pub use step::StepLr;
pub use warmup::LinearLr;

/// A learning-rate schedule advanced once per epoch.
pub trait Scheduler: std::fmt::Debug {
    /// Moves to the next epoch and returns its learning rate.
    ///
    /// `metric` is the validation value [`ReduceLrOnPlateau`] watches; the epoch-only schedules
    /// ignore it.
    ///
    /// # Panics
    /// [`ReduceLrOnPlateau`] panics when `metric` is `None`.
    fn step(&mut self, metric: Option<f32>) -> f32;

    /// The learning rate of the current epoch (λ0 before the first `step`).
    fn last_lr(&self) -> f32;

    /// The current epoch: 0 after construction, +1 per `step`.
    fn epoch(&self) -> usize;

    /// The position of the schedule (epoch counter and any counters), to save in a checkpoint.
    fn state(&self) -> BTreeMap<String, f64>;

    /// Restores a position saved by [`Scheduler::state`] of the same kind of scheduler.
    ///
    /// # Errors
    /// [`OptimError::SchedulerState`] for a missing or unknown key, or a counter that is not a
    /// non-negative integer.
    fn load_state(&mut self, state: &BTreeMap<String, f64>) -> Result<(), OptimError>;

    /// [`Scheduler::state`] as string metadata for a checkpoint file: `<prefix><key>` = the
    /// value's shortest exact text (`{:?}`), e.g. `scheduler.epoch` = `3.0`.
    fn to_metadata(&self, prefix: &str) -> BTreeMap<String, String> {
        self.state()
            .into_iter()
            .map(|(key, value)| (format!("{prefix}{key}"), format!("{value:?}")))
            .collect()
    }

    /// Restores the position [`Scheduler::to_metadata`] saved under `prefix`; other keys of
    /// `metadata` are ignored. The numbers come back bit for bit, so the schedule continues
    /// exactly.
    ///
    /// # Errors
    /// [`OptimError::BadMetadata`] for a value that is not a number; otherwise as
    /// [`Scheduler::load_state`].
    fn load_metadata(
        &mut self,
        prefix: &str,
        metadata: &BTreeMap<String, String>,
    ) -> Result<(), OptimError> {
        let mut state = BTreeMap::new();
        for (key, text) in metadata.range(prefix.to_string()..) {
            let Some(name) = key.strip_prefix(prefix) else {
                break; // sorted: the keys with the prefix come first, together
            };
            let value = text.parse().map_err(|_| OptimError::BadMetadata {
                key: key.clone(),
                value: text.clone(),
            })?;
            state.insert(name.to_string(), value);
        }
        self.load_state(&state)
    }
}

/// A schedule whose rate is a function of the epoch alone, so it can be evaluated anywhere
/// (and restarted, which [`SequentialLr`] does at each milestone).
///
/// Implementing it is all a closed-form schedule does: the [`Scheduler`] impl below (shared by
/// `step.rs`, `cosine.rs`, …) advances the epoch counter and looks the rate up with
/// [`lr_at`](ClosedForm::lr_at).
pub trait ClosedForm: std::fmt::Debug {
    /// λ at `epoch`, in `f64`.
    fn lr_at(&self, epoch: usize) -> f64;

    /// PyTorch's name of the schedule (`"StepLR"`), for error messages.
    fn name(&self) -> &'static str;

    /// The current epoch, as counted by [`Scheduler::step`].
    fn epoch_counter(&self) -> usize;

    /// The epoch counter, for [`Scheduler::step`] and [`Scheduler::load_state`] to move.
    fn epoch_counter_mut(&mut self) -> &mut usize;
}

/// A closed-form schedule's position is its epoch alone: it saves as `{"epoch": n}`.
impl<T: ClosedForm + ?Sized> Scheduler for T {
    fn step(&mut self, _metric: Option<f32>) -> f32 {
        *self.epoch_counter_mut() += 1;
        self.last_lr()
    }

    fn last_lr(&self) -> f32 {
        self.lr_at(self.epoch_counter()) as f32
    }

    fn epoch(&self) -> usize {
        self.epoch_counter()
    }

    fn state(&self) -> BTreeMap<String, f64> {
        BTreeMap::from([("epoch".to_string(), self.epoch_counter() as f64)])
    }

    fn load_state(&mut self, state: &BTreeMap<String, f64>) -> Result<(), OptimError> {
        // Other keys (e.g. a plateau state) are rejected so that a checkpoint of one kind of
        // scheduler cannot silently restore another.
        let who = self.name();
        check_keys(state, &["epoch"], who)?;
        *self.epoch_counter_mut() = counter(state, "epoch", who)?;
        Ok(())
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

/// An [`OptimError::SchedulerState`]: `who` cannot restore a saved position, for `reason`.
pub(crate) fn state_error(who: &'static str, reason: String) -> OptimError {
    OptimError::SchedulerState {
        scheduler: who,
        reason,
    }
}

/// Checks that `state` has no keys besides `keys`.
pub(crate) fn check_keys(
    state: &BTreeMap<String, f64>,
    keys: &[&str],
    who: &'static str,
) -> Result<(), OptimError> {
    if let Some(k) = state.keys().find(|k| !keys.contains(&k.as_str())) {
        return Err(state_error(
            who,
            format!("unknown key `{k}` (expected {keys:?})"),
        ));
    }
    Ok(())
}

/// Reads a required non-negative integer counter.
pub(crate) fn counter(
    state: &BTreeMap<String, f64>,
    key: &str,
    who: &'static str,
) -> Result<usize, OptimError> {
    let v = *state
        .get(key)
        .ok_or_else(|| state_error(who, format!("missing key `{key}`")))?;
    if !(v >= 0.0 && v.fract() == 0.0 && v <= u32::MAX as f64) {
        return Err(state_error(
            who,
            format!("`{key}` = {v} is not a non-negative integer"),
        ));
    }
    Ok(v as usize)
}

/// Checks a learning rate or a rate floor: finite and ≥ 0.
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
    use super::Scheduler;

    /// The rates of epochs 0..=n: `last_lr()` then `n` steps.
    pub fn sequence(
        s: &mut dyn Scheduler,
        n: usize,
        metric: impl Fn(usize) -> Option<f32>,
    ) -> Vec<f32> {
        let mut out = vec![s.last_lr()];
        for e in 1..=n {
            out.push(s.step(metric(e)));
        }
        out
    }

    /// Asserts equal to a relative 1e-6 (the hand values are written in decimal).
    #[track_caller]
    pub fn assert_close(got: &[f32], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "length: got {got:?}, want {want:?}");
        for (e, (&g, &w)) in got.iter().zip(want).enumerate() {
            let tol = 1e-6 * w.abs().max(1e-12);
            assert!(
                (g as f64 - w).abs() <= tol,
                "epoch {e}: got {g}, want {w}\n got {got:?}\nwant {want:?}"
            );
        }
    }

    /// Runs `k` steps, saves, runs on; a fresh copy restored from the save must then produce the
    /// same rates.
    pub fn check_resume(
        mut a: Box<dyn Scheduler>,
        mut b: Box<dyn Scheduler>,
        k: usize,
        n: usize,
        metric: impl Fn(usize) -> Option<f32>,
    ) {
        for e in 1..=k {
            a.step(metric(e));
        }
        let saved = a.state();
        b.load_state(&saved).unwrap();
        assert_eq!(b.epoch(), k);
        assert_eq!(b.last_lr(), a.last_lr());
        for e in k + 1..=n {
            assert_eq!(
                a.step(metric(e)),
                b.step(metric(e)),
                "epoch {e} after resume at {k}"
            );
        }
    }
}
