//! An MNIST run as its page sees it: the observer that streams the loss every
//! [`STREAM_EVERY`] steps and each epoch's metrics as they are computed, records them for the
//! CSV files, and asks the loop to stop when the page went away (the stream's receiver was
//! dropped) or the stop button was pressed.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use tokio::sync::mpsc;

use crate::training::{EpochMetrics, Model, Observer, StepInfo};

/// The loss is sent every this many steps.
pub const STREAM_EVERY: u64 = 20;

/// One point of the loss curve: the mean batch loss of the last [`STREAM_EVERY`] steps.
#[derive(Debug, Clone, Serialize)]
pub struct StepPoint {
    /// Steps taken (all epochs).
    pub step: u64,
    /// Epoch, from 1.
    pub epoch: usize,
    /// Mean batch loss since the previous point.
    pub loss: f64,
    /// Mean loss of the epoch's batches so far.
    pub running_loss: f64,
    /// Learning rate of the last step.
    pub lr: f32,
}

/// A run, as the page shows it and the CSV files hold it.
#[derive(Debug, Clone, Serialize)]
pub struct RunRecord {
    /// Number of the run on this server, from 1.
    pub id: u64,
    /// `adam λ=0.001 · 784-128-10 · batch 64 · 1 epoch`.
    pub label: String,
    /// The optimizer's name (its colour).
    pub optimizer: String,
    /// Every hyperparameter, as the optimizer prints itself.
    pub settings: String,
    /// The command line of `train` that does the same run (without `--out-dir`).
    pub command: String,
    /// The loss curve.
    pub steps: Vec<StepPoint>,
    /// One row per finished epoch (train's metrics.csv).
    pub epochs: Vec<EpochMetrics>,
    /// `running`, `finished`, `stopped` or `failed`.
    pub status: String,
    /// Why it stopped or failed.
    pub message: String,
}

/// What the stream carries: `(event name, JSON data)`.
pub type Event = (&'static str, String);

/// The observer that streams a run to its page and records it.
pub(super) struct Stream<'a> {
    pub(super) tx: &'a mpsc::Sender<Event>,
    pub(super) stop: &'a AtomicBool,
    pub(super) record: RunRecord,
    /// The sum and count of the losses since the last point sent.
    pub(super) recent: (f64, u32),
}

impl Observer for Stream<'_> {
    fn step(&mut self, info: &StepInfo, _model: &mut Model) {
        self.recent = (self.recent.0 + f64::from(info.loss), self.recent.1 + 1);
        if !info.step.is_multiple_of(STREAM_EVERY) && info.batch != info.batches {
            return;
        }
        let loss = self.recent.0 / f64::from(self.recent.1);
        self.recent = (0.0, 0);
        let point = StepPoint {
            step: info.step,
            epoch: info.epoch,
            loss,
            running_loss: info.running_loss,
            lr: info.lr,
        };
        let data = serde_json::to_string(&point).unwrap_or_default();
        self.record.steps.push(point);
        // A page that went away dropped the receiver: stop_requested sees it.
        let _ = self.tx.blocking_send(("step", data));
    }

    fn epoch_end(&mut self, metrics: &EpochMetrics) {
        self.record.epochs.push(metrics.clone());
        let _ =
            (self.tx).blocking_send(("epoch", serde_json::to_string(metrics).unwrap_or_default()));
    }

    fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || self.tx.is_closed()
    }
}
