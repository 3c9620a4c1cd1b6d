//! What the loop reports: one [`EpochMetrics`] per epoch (the rows of `metrics.csv`), and a
//! [`StepInfo`] after every step to the [`Observer`] hooks (progress bars, per-step logs).

use serde::{Deserialize, Serialize};

use super::model::Model;
use crate::report::{cell, Csv};

/// The columns of `metrics.csv`, in order.
pub const METRICS_COLUMNS: [&str; 9] = [
    "epoch",
    "step",
    "train_loss",
    "test_loss",
    "test_accuracy",
    "val_accuracy",
    "val_loss",
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
    /// Validation loss after the epoch, if a validation split was held out.
    #[serde(default)]
    pub val_loss: Option<f64>,
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
            cell(m.val_loss),
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
    /// The learning rate of this step (the first group's).
    pub lr: f32,
    /// The gradients' global 2-norm before clipping, when the run clips it.
    pub grad_norm: Option<f32>,
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

    /// Asked after every step: `true` ends training there with [`TrainError::Stopped`]
    /// (a closed browser tab, a stop button).
    ///
    /// [`TrainError::Stopped`]: super::TrainError::Stopped
    fn stop_requested(&self) -> bool {
        false
    }
}

/// The observer that observes nothing.
impl Observer for () {}

/// Two observers, the first told first.
impl<A: Observer, B: Observer> Observer for (A, B) {
    fn epoch_start(&mut self, epoch: usize, batches: usize) {
        self.0.epoch_start(epoch, batches);
        self.1.epoch_start(epoch, batches);
    }

    fn step(&mut self, info: &StepInfo, model: &mut Model) {
        self.0.step(info, model);
        self.1.step(info, model);
    }

    fn epoch_end(&mut self, metrics: &EpochMetrics) {
        self.0.epoch_end(metrics);
        self.1.epoch_end(metrics);
    }

    fn stop_requested(&self) -> bool {
        self.0.stop_requested() || self.1.stop_requested()
    }
}

/// An observer that may be absent (an option not given).
impl<O: Observer> Observer for Option<O> {
    fn epoch_start(&mut self, epoch: usize, batches: usize) {
        if let Some(o) = self {
            o.epoch_start(epoch, batches);
        }
    }

    fn step(&mut self, info: &StepInfo, model: &mut Model) {
        if let Some(o) = self {
            o.step(info, model);
        }
    }

    fn epoch_end(&mut self, metrics: &EpochMetrics) {
        if let Some(o) = self {
            o.epoch_end(metrics);
        }
    }

    fn stop_requested(&self) -> bool {
        self.as_ref().is_some_and(O::stop_requested)
    }
}
