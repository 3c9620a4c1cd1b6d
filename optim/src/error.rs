//! The one error type of the crate, and the hyperparameter checks every optimizer shares.

use std::fmt;

use crate::catalog;

/// What can go wrong when building, stepping or restoring an optimizer.
#[derive(Debug, Clone, PartialEq)]
pub enum OptimError {
    /// A hyperparameter outside its range, e.g. `adam: beta1 = 1.2 is outside [0, 1)`.
    InvalidHyperparameter {
        /// The optimizer's name (`"adam"`).
        optimizer: &'static str,
        /// The hyperparameter (`"beta1"`, `"momentum at step 10"`).
        what: String,
        /// The rejected value.
        value: f32,
        /// What was expected, as the end of a sentence (`"is outside [0, 1)"`).
        expected: &'static str,
    },
    /// A hyperparameter set for an optimizer that has none such, e.g. `sgd has no beta1
    /// (it uses lr, weight_decay)`: refused rather than silently ignored.
    NotUsed {
        /// The optimizer's name (`"sgd"`).
        optimizer: &'static str,
        /// The [`Hyper`](crate::Hyper) field that was set (`"beta1"`).
        what: &'static str,
        /// The fields this optimizer does use.
        uses: &'static [&'static str],
    },
    /// In anomaly mode ([`autograd::anomaly`]), a gradient holding a NaN or an infinity: the
    /// step is refused rather than turning the weights into NaN.
    NonFiniteGradient {
        /// The optimizer's name.
        optimizer: &'static str,
        /// The parameter whose gradient it is (`"0.weight"`).
        param: String,
        /// The first non-finite value found.
        value: f32,
    },
    /// A momentum schedule that is not well formed (empty, steps out of order).
    InvalidSchedule {
        /// The optimizer's name.
        optimizer: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// `step()` was called on an optimizer that must re-evaluate the loss (NAG, course form).
    NeedsClosure {
        /// The optimizer's name.
        optimizer: &'static str,
    },
    /// [`by_name`](crate::by_name) does not know this name (it is in no [`catalog`] entry).
    UnknownOptimizer(String),
    /// A saved state from another optimizer.
    WrongOptimizer {
        /// The optimizer being restored.
        expected: String,
        /// The optimizer that saved the state.
        found: String,
    },
    /// A saved state lacks a buffer or counter this optimizer needs (`"0.weight.m"`).
    MissingState(String),
    /// A saved state holds a buffer or counter this optimizer does not know (`"fc.weight.m"`).
    UnknownState(String),
    /// A saved buffer whose shape differs from its parameter's.
    ShapeMismatch {
        /// The parameter's name.
        param: String,
        /// The state slot (`"m"`).
        slot: String,
        /// The saved buffer's shape.
        saved: Vec<usize>,
        /// The parameter's shape.
        expected: Vec<usize>,
    },
    /// A saved counter that is not a non-negative integer.
    BadCounter {
        /// The key (`"0.weight.step"`, `"step"`).
        key: String,
        /// Its value.
        value: f64,
    },
    /// Saved metadata whose text is not a number of the expected kind (`"optim.lr"` = `"x"`).
    BadMetadata {
        /// The key, prefix included.
        key: String,
        /// Its text.
        value: String,
    },
    /// A scheduler hyperparameter outside its range, e.g. `StepLR: step_size must be >= 1, got 0`.
    InvalidScheduler {
        /// PyTorch's name of the schedule (`"StepLR"`).
        scheduler: &'static str,
        /// What is wrong, naming the value.
        reason: String,
    },
    /// A schedule description that does not parse, e.g. `step:30` (no γ).
    BadScheduleSpec {
        /// The whole description.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A saved scheduler position that does not fit this scheduler (a missing or unknown key,
    /// a counter that is not a non-negative integer).
    SchedulerState {
        /// PyTorch's name of the schedule being restored.
        scheduler: &'static str,
        /// What is wrong.
        reason: String,
    },
}

impl fmt::Display for OptimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptimError::InvalidHyperparameter { optimizer, what, value, expected } => {
                write!(f, "{optimizer}: {what} = {value} {expected}")
            }
            OptimError::NotUsed { optimizer, what, uses } => {
                write!(f, "{optimizer} has no {what} (it uses {})", uses.join(", "))
            }
            OptimError::NonFiniteGradient { optimizer, param, value } => write!(
                f,
                "{optimizer}: the gradient of `{param}` holds {value}; no parameter was updated"
            ),
            OptimError::InvalidSchedule { optimizer, reason } => {
                write!(f, "{optimizer}: momentum schedule: {reason}")
            }
            OptimError::NeedsClosure { optimizer } => write!(
                f,
                "{optimizer}: the course form takes the gradient at the look-ahead point, so it \
                 must re-evaluate the loss: call step_with_closure (or use Form::PyTorch)"
            ),
            OptimError::UnknownOptimizer(name) => {
                let known: Vec<&str> = catalog::ALL.iter().flat_map(catalog::Entry::names).collect();
                write!(f, "unknown optimizer `{name}` (expected one of {})", known.join(", "))
            }
            OptimError::WrongOptimizer { expected, found } => {
                write!(f, "load_state_dict: the state was saved by `{found}`, not `{expected}`")
            }
            OptimError::MissingState(key) => write!(f, "load_state_dict: missing state `{key}`"),
            OptimError::UnknownState(key) => write!(
                f,
                "load_state_dict: unknown state `{key}` (no such parameter or slot in this optimizer)"
            ),
            OptimError::ShapeMismatch { param, slot, saved, expected } => write!(
                f,
                "load_state_dict: state `{slot}` of parameter `{param}` has shape {saved:?}, \
                 but the parameter has shape {expected:?}"
            ),
            OptimError::BadCounter { key, value } => {
                write!(f, "load_state_dict: `{key}` = {value} is not a non-negative integer")
            }
            OptimError::BadMetadata { key, value } => {
                write!(f, "metadata `{key}` = `{value}` is not a number of the expected kind")
            }
            OptimError::InvalidScheduler { scheduler, reason } => write!(f, "{scheduler}: {reason}"),
            OptimError::BadScheduleSpec { text, reason } => {
                write!(f, "bad schedule `{text}`: {reason}")
            }
            OptimError::SchedulerState { scheduler, reason } => {
                write!(f, "{scheduler}::load_state: {reason}")
            }
        }
    }
}

impl std::error::Error for OptimError {}

/// Builds an [`OptimError::InvalidHyperparameter`].
fn invalid(optimizer: &'static str, what: &str, value: f32, expected: &'static str) -> OptimError {
    OptimError::InvalidHyperparameter {
        optimizer,
        what: what.to_string(),
        value,
        expected,
    }
}

/// A learning rate: finite and ≥ 0.
pub(crate) fn check_lr(optimizer: &'static str, lr: f32) -> Result<(), OptimError> {
    check_non_negative(optimizer, "lr", lr)
}

/// Finite and ≥ 0 (learning rates, weight decay).
pub(crate) fn check_non_negative(
    optimizer: &'static str,
    what: &str,
    value: f32,
) -> Result<(), OptimError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(invalid(optimizer, what, value, "must be finite and >= 0"))
    }
}

/// Finite and > 0 (ε).
pub(crate) fn check_positive(
    optimizer: &'static str,
    what: &str,
    value: f32,
) -> Result<(), OptimError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(invalid(optimizer, what, value, "must be finite and > 0"))
    }
}

/// In `[0, 1)` (momentum, moving-average coefficients); NaN is rejected too.
pub(crate) fn check_unit(
    optimizer: &'static str,
    what: &str,
    value: f32,
) -> Result<(), OptimError> {
    if (0.0..1.0).contains(&value) {
        Ok(())
    } else {
        Err(invalid(optimizer, what, value, "is outside [0, 1)"))
    }
}
