//! Why training stopped early, named as the user can act on it.

use std::fmt;
use std::path::PathBuf;

use crate::report::ReportError;

/// Why training stopped early.
#[derive(Debug)]
pub enum TrainError {
    /// A bad option (hyperparameter, schedule), named as on the command line.
    Config(String),
    /// The loss became NaN or infinite.
    NonFinite {
        /// Epoch, from 1.
        epoch: usize,
        /// Step (from 1) whose loss was not finite.
        step: u64,
        /// Batch within the epoch, from 1.
        batch: usize,
        /// The loss.
        loss: f32,
        /// The learning rate at that step.
        lr: f32,
        /// The weight initialization (`--init`), blamed when the loss is not finite before any
        /// update.
        init: String,
    },
    /// A step left a weight NaN or infinite.
    NonFiniteWeight {
        /// Epoch, from 1.
        epoch: usize,
        /// The step (from 1) after which the weight is not finite.
        step: u64,
        /// The parameter (`"0.weight"`).
        param: String,
        /// Its first non-finite element, in memory order.
        index: usize,
        /// That element.
        value: f32,
        /// The learning rate of that step.
        lr: f32,
    },
    /// The observer asked training to stop (after the step it names).
    Stopped {
        /// Epoch, from 1.
        epoch: usize,
        /// The last step taken.
        step: u64,
    },
    /// The optimizer refused to step.
    Optim(optim::OptimError),
    /// A checkpoint file could not be written or read (the message names the file).
    CheckpointFile(nn::CheckpointError),
    /// A checkpoint was read but does not describe a run that can be resumed.
    Checkpoint {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A metrics file could not be written.
    Report(ReportError),
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::Config(msg) => write!(f, "{msg}"),
            // The first step's loss is computed before any update: the rate cannot be the cause.
            TrainError::NonFinite { step: 1, loss, init, .. } => write!(
                f,
                "training diverged: the loss is {loss} at the first step, before any update, so the \
                 initial weights (--init {init}) or the data are the cause, not the learning rate"
            ),
            TrainError::NonFinite { epoch, step, batch, loss, lr, .. } => write!(
                f,
                "training diverged: the loss is {loss} at epoch {epoch}, step {step} (batch {batch} of the \
                 epoch) with learning rate {lr}; try a lower learning rate (--lr)"
            ),
            TrainError::NonFiniteWeight { epoch, step, param, index, value, lr } => write!(
                f,
                "training diverged: after step {step} (epoch {epoch}) parameter `{param}` holds \
                 {value} at element {index}; the update at learning rate {lr} made it so, try a \
                 lower learning rate (--lr)"
            ),
            TrainError::Stopped { epoch, step } => {
                write!(f, "stopped on request after step {step} (epoch {epoch})")
            }
            TrainError::Optim(e) => write!(f, "{e}"),
            TrainError::CheckpointFile(e) => write!(f, "{e}"),
            TrainError::Checkpoint { path, reason } => write!(f, "checkpoint {}: {reason}", path.display()),
            TrainError::Report(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for TrainError {}

impl From<ReportError> for TrainError {
    fn from(e: ReportError) -> Self {
        TrainError::Report(e)
    }
}
