//! The loop: [`Trainer`] holds a model, its optimizer and schedule, and where training stands;
//! [`Trainer::train_epoch`] is one pass over the shuffled batches and an evaluation, and
//! [`Trainer::fit`] repeats it, writing a checkpoint and then metrics after every epoch.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use autograd::{Parameters, Tensor};
use data::Order;
use optim::scheduler::Scheduler;
use optim::Optim;
use serde::Serialize;

use super::checkpoint::CHECKPOINT_FILE;
use super::config::RunConfig;
use super::datasets::Datasets;
use super::metrics::{metrics_csv, EpochMetrics, Observer, StepInfo};
use super::model::{evaluate, Model, EVAL_BATCH};
use super::LrDecay;
use crate::option_names::option_error;
use crate::report::{write_atomic, ReportError};

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

/// A model, its optimizer and schedule, and where training stands.
pub struct Trainer {
    /// The run's settings; set `epochs` with [`Trainer::set_epochs`], which checks it.
    pub config: RunConfig,
    /// The network.
    pub model: Model,
    pub(super) params: Parameters,
    pub(super) optimizer: Box<dyn Optim>,
    pub(super) scheduler: Option<Box<dyn Scheduler>>,
    pub(super) epoch: usize,
    pub(super) step: u64,
    pub(super) history: Vec<EpochMetrics>,
    /// The epochs the per-step decay's curve spans: `config.epochs` when the first step was taken.
    pub(super) decay_epochs: usize,
}

impl Trainer {
    /// A fresh run: the network through `input`, the hidden sizes and `classes`, initialized
    /// from `config.seed`, with its optimizer and schedule.
    ///
    /// # Errors
    /// [`TrainError::Config`] naming the option of a bad hyperparameter or schedule, or a batch
    /// size of 0.
    pub fn new(config: RunConfig, input: usize, classes: usize) -> Result<Trainer, TrainError> {
        let sizes = config.model.sizes(input, classes);
        Trainer::with_sizes(config, &sizes)
    }

    /// [`Trainer::new`] through given layer sizes (input first), as a checkpoint records them.
    pub(super) fn with_sizes(config: RunConfig, sizes: &[usize]) -> Result<Trainer, TrainError> {
        if config.batch_size == 0 {
            return Err(TrainError::Config(
                "--batch-size: must be at least 1".into(),
            ));
        }
        if config.lr_decay != LrDecay::None && config.optim.schedule.is_some() {
            return Err(TrainError::Config(
                "--lr-decay and --schedule both set the learning rate: choose one".into(),
            ));
        }
        let model = Model::new(&config.model, sizes, config.seed);
        let params = model.parameters();
        let optimizer = config
            .optim
            .build(params.clone())
            .map_err(|e| TrainError::Config(option_error(&e)))?;
        let scheduler = match &config.optim.schedule {
            Some(spec) => Some(
                spec.build(f64::from(optimizer.lr()))
                    .map_err(|e| TrainError::Config(format!("--schedule: {e}")))?,
            ),
            None => None,
        };
        Ok(Trainer {
            decay_epochs: config.epochs,
            config,
            model,
            params,
            optimizer,
            scheduler,
            epoch: 0,
            step: 0,
            history: Vec::new(),
        })
    }

    /// Epochs completed.
    pub fn epochs_done(&self) -> usize {
        self.epoch
    }

    /// Optimizer steps taken.
    pub fn steps_done(&self) -> u64 {
        self.step
    }

    /// The current learning rate.
    pub fn lr(&self) -> f32 {
        self.optimizer.lr()
    }

    /// The optimizer, with its current learning rate (`Display` lists its hyperparameters).
    pub fn optimizer(&self) -> &dyn Optim {
        self.optimizer.as_ref()
    }

    /// The parameters (shared handles).
    pub fn parameters(&self) -> &Parameters {
        &self.params
    }

    /// Sets the total number of epochs, counting those done (as `train --epochs`).
    ///
    /// # Errors
    /// [`TrainError::Config`] naming `--epochs` and `--lr-decay` when a run with a per-step decay
    /// that has begun would end anywhere but at its planned epochs ([`LrDecay::extension_error`]).
    pub fn set_epochs(&mut self, epochs: usize) -> Result<(), TrainError> {
        if self.step > 0 {
            let decay = self.config.lr_decay;
            if let Some(e) = decay.extension_error(self.decay_epochs, self.epoch, epochs) {
                return Err(TrainError::Config(e));
            }
        } else {
            self.decay_epochs = epochs;
        }
        self.config.epochs = epochs;
        Ok(())
    }

    /// The metrics of every completed epoch (carried over by a resumed run).
    pub fn history(&self) -> &[EpochMetrics] {
        &self.history
    }

    /// Trains one epoch, then evaluates on the test set (and validation set, if any).
    ///
    /// # Errors
    /// [`TrainError::NonFinite`] as soon as a batch's loss is NaN or infinite; the weights are
    /// then those before that step (no gradient was computed, so nothing moved).
    pub fn train_epoch(
        &mut self,
        data: &Datasets,
        observer: &mut dyn Observer,
    ) -> Result<EpochMetrics, TrainError> {
        let seed = self.config.seed;
        let epoch = self.epoch + 1;
        let order = Order::Shuffled {
            seed,
            epoch: self.epoch as u64,
        };
        let batches = data
            .train
            .batches(self.config.batch_size, order, self.config.drop_last);
        let count = batches.len();
        observer.epoch_start(epoch, count);
        let total_steps = (self.decay_epochs * count) as u64;
        let base_lr = f64::from(self.config.optim.lr());
        let decay = self.config.lr_decay;
        if decay != LrDecay::None {
            self.optimizer
                .set_lr(decay.at(base_lr, self.step, total_steps) as f32);
        }
        let lr = self.optimizer.lr();
        self.model.set_training(true);
        let (start, mut hooks) = (Instant::now(), Duration::ZERO);
        let (mut loss_sum, mut seen) = (0.0f64, 0usize);
        for (b, batch) in batches.enumerate() {
            let n = batch.labels.len();
            let x = Tensor::from_array(batch.images.into_dyn()); // moves the batch, no copy
            let labels = batch.labels;
            self.model
                .set_dropout_step(seed, self.epoch as u64, self.step);
            if decay != LrDecay::None {
                self.optimizer
                    .set_lr(decay.at(base_lr, self.step, total_steps) as f32);
            }
            let (model, params) = (&self.model, &self.params);
            let loss = self
                .optimizer
                .step_with_closure(&mut || {
                    params.zero_grad();
                    let loss = model.forward(&x).cross_entropy(&labels);
                    let value = loss.item();
                    // No gradient from a non-finite loss: the step then moves nothing.
                    if value.is_finite() {
                        loss.backward();
                    }
                    value
                })
                .map_err(TrainError::Optim)?;
            self.step += 1;
            if !loss.is_finite() {
                // A loss that was finite at the previous step: did that step break a weight?
                if self.step > 1 {
                    self.check_weights(epoch, self.step - 1, lr)?;
                }
                return Err(TrainError::NonFinite {
                    epoch,
                    step: self.step,
                    batch: b + 1,
                    loss,
                    lr,
                    init: self.config.model.init.to_string(),
                });
            }
            loss_sum += f64::from(loss) * n as f64;
            seen += n;
            let hook_start = Instant::now();
            let info = StepInfo {
                epoch,
                step: self.step,
                batch: b + 1,
                batches: count,
                loss,
                running_loss: loss_sum / seen as f64,
            };
            observer.step(&info, &mut self.model);
            hooks += hook_start.elapsed();
        }
        let seconds = start.elapsed().saturating_sub(hooks).as_secs_f64();
        // The last step's update is seen by no loss: check it before it is evaluated or saved.
        self.check_weights(epoch, self.step, lr)?;
        let train_loss = if seen > 0 {
            loss_sum / seen as f64
        } else {
            f64::NAN
        };
        let test = evaluate(&mut self.model, &data.test, EVAL_BATCH);
        let val = data
            .val
            .as_ref()
            .map(|v| evaluate(&mut self.model, v, EVAL_BATCH));
        self.epoch = epoch;
        if let Some(scheduler) = &mut self.scheduler {
            // ReduceLROnPlateau watches the validation loss, else the training loss: never the test set.
            let metric = val.map_or(train_loss, |v| v.loss);
            let next = scheduler.step(Some(metric as f32));
            self.optimizer.set_lr(next);
        }
        let metrics = EpochMetrics {
            epoch,
            step: self.step,
            train_loss,
            test_loss: test.loss,
            test_accuracy: test.accuracy,
            val_accuracy: val.map(|v| v.accuracy),
            seconds,
            lr,
        };
        self.history.push(metrics.clone());
        observer.epoch_end(&metrics);
        Ok(metrics)
    }

    /// The first parameter element that is NaN or infinite after `step`, as an error.
    fn check_weights(&self, epoch: usize, step: u64, lr: f32) -> Result<(), TrainError> {
        for p in self.params.iter() {
            let value = p.tensor.value();
            if let Some((index, &bad)) = value.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(TrainError::NonFiniteWeight {
                    epoch,
                    step,
                    param: p.name.clone(),
                    index,
                    value: bad,
                    lr,
                });
            }
        }
        Ok(())
    }

    /// Trains from the current epoch up to `config.epochs`. With an output directory, writes
    /// [`CHECKPOINT_FILE`], `metrics.csv` and `metrics.json` there after every epoch.
    ///
    /// # Errors
    /// As [`Trainer::train_epoch`] and [`Trainer::set_epochs`] (for `config.epochs` set
    /// directly); [`TrainError::Report`] / [`TrainError::CheckpointFile`] if a file cannot be
    /// written.
    pub fn fit(
        &mut self,
        data: &Datasets,
        observer: &mut dyn Observer,
        out_dir: Option<&Path>,
    ) -> Result<(), TrainError> {
        if self.epoch < self.config.epochs {
            self.set_epochs(self.config.epochs)?;
        }
        while self.epoch < self.config.epochs {
            self.train_epoch(data, observer)?;
            if let Some(dir) = out_dir {
                self.write_outputs(dir)?;
            }
        }
        Ok(())
    }

    /// Writes the checkpoint, then `metrics.csv` and `metrics.json`, into `dir`. Checkpoint
    /// first: if the run stops between the writes, the metrics are behind the checkpoint, and
    /// [`Trainer::sync_metrics`] on resume rewrites them from its history.
    ///
    /// # Errors
    /// [`TrainError::CheckpointFile`] or [`TrainError::Report`] naming the file.
    pub fn write_outputs(&self, dir: &Path) -> Result<(), TrainError> {
        std::fs::create_dir_all(dir).map_err(|e| ReportError {
            path: dir.to_path_buf(),
            reason: format!("cannot create the directory: {e}"),
        })?;
        self.save_checkpoint(&dir.join(CHECKPOINT_FILE))?;
        for (name, text) in self.metrics_files() {
            write_atomic(&dir.join(name), text.as_bytes())?;
        }
        Ok(())
    }

    /// Rewrites `metrics.csv` and `metrics.json` in `dir` from this run's history (as resumed
    /// from its checkpoint) and configuration; returns the names of those whose epochs were not
    /// that history (missing, behind, ahead or altered).
    ///
    /// # Errors
    /// [`TrainError::Report`] naming the file that cannot be written.
    pub fn sync_metrics(&self, dir: &Path) -> Result<Vec<&'static str>, TrainError> {
        let mut disagreed = Vec::new();
        for (name, text) in self.metrics_files() {
            let path = dir.join(name);
            let old = std::fs::read_to_string(&path).unwrap_or_default();
            // metrics.json also holds the configuration, whose `epochs` a resumed run may raise.
            let agrees = match name {
                "metrics.json" => serde_json::from_str::<serde_json::Value>(&old)
                    .ok()
                    .and_then(|json| serde_json::from_value(json["epochs"].clone()).ok())
                    .is_some_and(|epochs: Vec<EpochMetrics>| epochs == self.history),
                _ => old == text,
            };
            if !agrees {
                disagreed.push(name);
            }
            write_atomic(&path, text.as_bytes())?;
        }
        Ok(disagreed)
    }

    /// The names and contents of `metrics.csv` and `metrics.json` for this run's history.
    fn metrics_files(&self) -> [(&'static str, String); 2] {
        #[derive(Serialize)]
        struct Json<'a> {
            config: &'a RunConfig,
            sizes: &'a [usize],
            epochs: &'a [EpochMetrics],
        }
        let json = Json {
            config: &self.config,
            sizes: self.model.sizes(),
            epochs: &self.history,
        };
        let json = serde_json::to_string_pretty(&json)
            .expect("plain data and maps with string keys serialize");
        let csv = metrics_csv(&self.history).to_text();
        [("metrics.csv", csv), ("metrics.json", json + "\n")]
    }
}
