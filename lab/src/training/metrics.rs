//! What the loop reports: one [`EpochMetrics`] per epoch (the rows of `metrics.csv`), and a
//! [`StepInfo`] after every step to the [`Observer`] hooks (progress bars, per-step logs).

use serde::{Deserialize, Serialize};

use super::model::Model;
use crate::report::{cell, Csv};

/// The columns of `metrics.csv`, in order.
pub const METRICS_COLUMNS: [&str; 8] = [
    "epoch",
    "step",
    "train_loss",
    "test_loss",
    "test_accuracy",
    "val_accuracy",
    "seconds",
    "lr",
];

/// One line of `metrics.csv`: the state after an epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochMetrics {
    /// Epoch number, from 1.
    pub epoch: usize,
    /// Optimizer steps taken so far (all epochs).
    pub step: u64,
    /// Mean training loss over the epoch's batches (per sample, as the weights moved).
    pub train_loss: f64,
    /// Mean test loss after the epoch.
    pub test_loss: f64,
    /// Test accuracy after the epoch, in `[0, 1]`.
    pub test_accuracy: f64,
    /// Validation accuracy after the epoch, if a validation split was held out.
    pub val_accuracy: Option<f64>,
    /// Wall time of the epoch's training steps (not evaluation, not observers), in seconds.
    pub seconds: f64,
    /// The learning rate of the epoch's first step.
    pub lr: f32,
}

/// The CSV of a run's epochs, columns [`METRICS_COLUMNS`].
pub fn metrics_csv(history: &[EpochMetrics]) -> Csv {
    let mut csv = Csv::new(&METRICS_COLUMNS);
    for m in history {
        csv.push(vec![
            m.epoch.to_string(),
            m.step.to_string(),
            m.train_loss.to_string(),
            m.test_loss.to_string(),
            m.test_accuracy.to_string(),
            cell(m.val_accuracy),
            format!("{:.3}", m.seconds),
            m.lr.to_string(),
        ]);
    }
    csv
}

/// What an [`Observer`] learns after each step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepInfo {
    /// Epoch, from 1.
    pub epoch: usize,
    /// Steps taken so far, this one included (from 1).
    pub step: u64,
    /// Batch within the epoch, from 1.
    pub batch: usize,
    /// Batches in this epoch.
    pub batches: usize,
    /// This batch's loss (before the step).
    pub loss: f32,
    /// Mean loss of the epoch's batches so far.
    pub running_loss: f64,
}

/// Hooks into the loop: progress bars, per-step logs, extra evaluations. All do nothing by
/// default; time spent in them is not counted in [`EpochMetrics::seconds`].
pub trait Observer {
    /// Before the first batch of `epoch` (from 1), which has `batches` batches.
    fn epoch_start(&mut self, epoch: usize, batches: usize) {
        let _ = (epoch, batches);
    }

    /// After each optimizer step. The model may be evaluated (see [`evaluate`](super::evaluate)).
    fn step(&mut self, info: &StepInfo, model: &mut Model) {
        let _ = (info, model);
    }

    /// After the epoch's evaluation.
    fn epoch_end(&mut self, metrics: &EpochMetrics) {
        let _ = metrics;
    }
}

/// The observer that observes nothing.
impl Observer for () {}
