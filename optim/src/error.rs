//! The one error type of the crate, and the hyperparameter checks every optimizer shares.
//!
//! This file imports nothing from the rest of the crate: the errors name optimizers, forms and
//! schedules by the strings their callers pass in.

use std::fmt;

/// What can go wrong when building, stepping, scheduling or restoring an optimizer.
#[derive(Debug, Clone, PartialEq)]
pub enum OptimError {
    /// A hyperparameter outside its range, e.g. `adam: beta1 = 1.2 is outside [0, 1)`.
    InvalidHyperparameter {
        /// The optimizer's name (`"adam"`).
        optimizer: &'static str,
        /// The hyperparameter, as its field is named (`"beta1"`).
        what: String,
        /// The rejected value.
        value: f32,
        /// What was expected, as the end of a sentence (`"is outside [0, 1)"`).
        expected: &'static str,
    },
    /// A learning rate given to a form that has none: `adadelta: the course form has no
    /// learning rate (lr = 0.5); the PyTorch form multiplies the step by lr`.
    NotInForm {
        /// The optimizer's name.
        optimizer: &'static str,
        /// The form, as in running text (`"course"`).
        form: &'static str,
        /// The learning rate that was set.
        value: f32,
        /// Where a learning rate does exist.
        note: &'static str,
    },
    /// A learning rate or momentum asked of a rule that has none (a scheduler, or `set_lr`,
    /// on AdaDelta's course form; a momentum schedule on Adam).
    NoSuchHyperparameter {
        /// Who asked (`"StepLR"`, `"set_lr"`).
        wanted_by: String,
        /// The rule, as it prints itself.
        rule: String,
        /// `"learning rate"` or `"momentum"`.
        what: &'static str,
    },
    /// An optimizer over no parameter at all.
    NoParameters,
    /// The same tensor in two places of an optimizer's parameter groups.
    ParameterInTwoGroups {
        /// Its name in the later place.
        param: String,
        /// The two groups (equal when a group lists it twice).
        groups: (usize, usize),
    },
    /// Two parameters of the same name in an optimizer; saved state is keyed by name.
    DuplicateName {
        /// The name.
        param: String,
        /// The two groups (equal for two tensors of one group).
        groups: (usize, usize),
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
    /// `step()` was called on an optimizer that must re-evaluate the loss (NAG, course form).
    NeedsClosure {
        /// The optimizer's name.
        optimizer: &'static str,
    },
    /// A name no optimizer answers to.
    UnknownOptimizer {
        /// The name asked for.
        name: String,
        /// The names and aliases that exist.
        known: &'static [&'static str],
    },
    /// A saved state from another optimizer.
    WrongOptimizer {
        /// The optimizer being restored.
        expected: String,
        /// The optimizer that saved the state.
        found: String,
    },
    /// A saved state whose parameter groups differ from the optimizer's.
    WrongGrouping {
        /// The optimizer's groups, as lists of parameter names.
        expected: Vec<Vec<String>>,
        /// The saved groups.
        found: Vec<Vec<String>>,
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
        /// The key (`"0.weight.step"`).
        key: String,
        /// Its value.
        value: f64,
    },
    /// Saved metadata whose text is not a number of the expected kind (`"optim.step"` = `"x"`).
    BadMetadata {
        /// The key, prefix included.
        key: String,
        /// Its text.
        value: String,
    },
    /// Saved parameter groups (JSON) that do not read as this optimizer's rules.
    BadGroups {
        /// The key, prefix included (`"optim.groups"`).
        key: String,
        /// What is wrong, from the JSON reader.
        reason: String,
    },
    /// A scheduler hyperparameter outside its range, e.g. `StepLR: step_size must be >= 1, got 0`.
    InvalidScheduler {
        /// PyTorch's name of the schedule (`"StepLR"`).
        scheduler: &'static str,
        /// What is wrong, naming the value.
        reason: String,
    },
    /// A saved scheduler position that does not fit this scheduler (a missing or unknown key,
    /// a counter that is not a non-negative integer, another number of groups).
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
            OptimError::NotInForm { optimizer, form, value, note } => write!(
                f,
                "{optimizer}: the {form} form has no learning rate (lr = {value}); {note}"
            ),
            OptimError::NoSuchHyperparameter { wanted_by, rule, what } => {
                write!(f, "{wanted_by}: {rule} has no {what}")
            }
            OptimError::NoParameters => f.write_str("optimizer got an empty parameter list"),
            OptimError::ParameterInTwoGroups { param, groups: (a, b) } => write!(
                f,
                "some parameters appear in more than one parameter group: `{param}` is in \
                 group {a} and again in group {b}"
            ),
            OptimError::DuplicateName { param, groups: (a, b) } => write!(
                f,
                "two parameters are named `{param}` (groups {a} and {b}); saved state is keyed \
                 by name, so names must differ"
            ),
            OptimError::NonFiniteGradient { optimizer, param, value } => write!(
                f,
                "{optimizer}: the gradient of `{param}` holds {value}; no parameter was updated"
            ),
            OptimError::NeedsClosure { optimizer } => write!(
                f,
                "{optimizer}: the course form takes the gradient at the look-ahead point, so it \
                 must re-evaluate the loss: call step_with_closure (or use Form::PyTorch)"
            ),
            OptimError::UnknownOptimizer { name, known } => {
                write!(f, "unknown optimizer `{name}` (expected one of {})", known.join(", "))
            }
            OptimError::WrongOptimizer { expected, found } => {
                write!(f, "load_state_dict: the state was saved by `{found}`, not `{expected}`")
            }
            OptimError::WrongGrouping { expected, found } => write!(
                f,
                "load_state_dict: the state was saved for the parameter groups {found:?}, but \
                 this optimizer has {expected:?}"
            ),
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
            OptimError::BadGroups { key, reason } => {
                write!(f, "metadata `{key}` does not hold this optimizer's groups: {reason}")
            }
            OptimError::InvalidScheduler { scheduler, reason } => write!(f, "{scheduler}: {reason}"),
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
