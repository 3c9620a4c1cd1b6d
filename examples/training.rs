//! The training loop of `train` and `compare`: a fully connected classifier, trained with
//! mini-batches on an in-memory dataset, evaluated after every epoch, checkpointed and resumable.
//!
//! ```text
//! for epoch:
//!     for batch in train.batches(B, Shuffled { seed, epoch }):      # order = f(seed, epoch)
//!         dropout masks ← f(seed, epoch, step)
//!         loss = cross_entropy(model(x), labels); loss.backward()     # inside step_with_closure
//!         optimizer.step(); step += 1                                # stop if loss is NaN/inf
//!     test (and validation) loss and accuracy under no_grad, in batches of 1000
//!     scheduler.step(validation loss, else train loss) → optimizer.set_lr
//!     write metrics.csv, metrics.json, checkpoint.safetensors
//! ```
//!
//! Everything random is a function of the seed and the position in training, never of how
//! many random numbers were drawn before: the initial weights of `seed`, the batch order of
//! `(seed, epoch)`, the dropout masks of `(seed, epoch, step)`. So the same seed gives the same
//! run bit for bit, and a run resumed from a checkpoint continues exactly as an uninterrupted
//! one would (the checkpoint holds the weights, the optimizer's buffers and step counts, the
//! scheduler's position and the learning rate).
//!
//! The dataset is any [`data::Split`] (`[N, D]` images, `N` labels), so tests train on small
//! synthetic data and the programs on MNIST.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use autograd::{no_grad, ArrayD, Parameters, Tensor};
use data::{Order, Split};
use nn::{Dropout, DropoutKey, Linear, Module, Sequential};
use optim::scheduler::Scheduler;
use optim::{Optim, OptimizerState};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::cli::{ModelArgs, OptimArgs};
use crate::report::{cell, write_json, Csv, ReportError};

/// Evaluation batch size: large, since no graph is kept.
pub const EVAL_BATCH: usize = 1000;

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

/// Name of the checkpoint file in the output directory.
pub const CHECKPOINT_FILE: &str = "checkpoint.safetensors";

/// Identifies our checkpoints in their metadata (`format` key).
const CHECKPOINT_FORMAT: &str = "examples.training/1";

/// ChaCha stream of the weight initialization; the batch order uses streams `0, 1, …` (one per
/// epoch) and the validation split `u64::MAX` (see `data`), so the three never share numbers.
pub const INIT_STREAM: u64 = u64::MAX - 1;

/// Seed of the validation split: fixed, so every seed and every optimizer is validated on the
/// same held-out images.
pub const VALIDATION_SEED: u64 = 0;

/// The data of a run: training, optional validation, and test samples.
#[derive(Debug, Clone)]
pub struct Datasets {
    /// Samples the optimizer sees.
    pub train: Split,
    /// Held-out training samples, for choosing hyperparameters (never the test set).
    pub val: Option<Split>,
    /// Samples reported on.
    pub test: Split,
    /// Number of classes (10 for MNIST).
    pub classes: usize,
}

impl Datasets {
    /// Splits `val_split` samples off `train` for validation (none when 0); the same images for
    /// every seed ([`VALIDATION_SEED`]).
    ///
    /// # Panics
    /// If `val_split` exceeds the training samples, or the classes are not all in `0..classes`.
    #[track_caller]
    pub fn new(train: Split, test: Split, val_split: usize, classes: usize) -> Datasets {
        assert!(
            train
                .labels
                .iter()
                .chain(&test.labels)
                .all(|&l| usize::from(l) < classes),
            "Datasets::new: a label is not below the {classes} classes"
        );
        let (train, val) = if val_split > 0 {
            let (train, val) = train.split_validation(val_split, VALIDATION_SEED);
            (train, Some(val))
        } else {
            (train, None)
        };
        Datasets {
            train,
            val,
            test,
            classes,
        }
    }

    /// Loads a dataset in the MNIST format from `dir` (see [`data::load`]) and holds out
    /// `val_split` training images for validation.
    ///
    /// # Errors
    /// [`DataLoadError::Data`] naming the file and what is wrong with it;
    /// [`DataLoadError::ValSplit`] if `val_split` is not below the number of training images.
    pub fn load(
        dataset: data::Dataset,
        dir: &Path,
        val_split: usize,
    ) -> Result<Datasets, DataLoadError> {
        let mnist = data::load(dataset, dir).map_err(DataLoadError::Data)?;
        if val_split >= mnist.train.len() {
            return Err(DataLoadError::ValSplit {
                val_split,
                train: mnist.train.len(),
            });
        }
        Ok(Datasets::new(
            mnist.train,
            mnist.test,
            val_split,
            usize::from(data::CLASSES),
        ))
    }

    /// Width of one input row (784 for MNIST).
    pub fn input_size(&self) -> usize {
        self.train.dim().1
    }
}

/// Why [`Datasets::load`] failed.
#[derive(Debug)]
pub enum DataLoadError {
    /// Reading the files failed.
    Data(data::DataError),
    /// `--val-split` is too large.
    ValSplit {
        /// The requested number of validation samples.
        val_split: usize,
        /// The number of training samples.
        train: usize,
    },
}

impl fmt::Display for DataLoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataLoadError::Data(e) => write!(f, "{e}"),
            DataLoadError::ValSplit { val_split, train } => {
                write!(
                    f,
                    "--val-split: {val_split} must be below the {train} training images"
                )
            }
        }
    }
}

impl std::error::Error for DataLoadError {}

/// Everything that decides a run's result, saved in its checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    /// The network (hidden sizes, activation, initialization, dropout).
    pub model: ModelArgs,
    /// The optimizer, its hyperparameters and the learning-rate schedule.
    pub optim: OptimArgs,
    /// Total number of epochs.
    pub epochs: usize,
    /// Mini-batch size.
    pub batch_size: usize,
    /// Seed of the initial weights, the batch order and the dropout masks.
    pub seed: u64,
    /// Learning-rate decay applied at every step over the whole run (none: λ stays the
    /// optimizer's, or the per-epoch `--schedule`'s).
    #[serde(default)]
    pub lr_decay: LrDecay,
    /// Skip each epoch's last, smaller batch (PyTorch's `DataLoader(drop_last=True)`), so every
    /// step averages the same number of samples. Off by default, as in PyTorch.
    #[serde(default)]
    pub drop_last: bool,
    /// The dataset's name (`mnist`, `fashion-mnist`), when it is a named one; a resumed run
    /// trains on the same.
    #[serde(default)]
    pub dataset: Option<String>,
    /// Training images held out for validation; a resumed run holds out the same.
    #[serde(default)]
    pub val_split: usize,
}

impl Default for RunConfig {
    /// 784-512-512-10 ReLU, Adam λ = 1e-3 constant, batch 64, 3 epochs, seed 0.
    fn default() -> Self {
        RunConfig {
            model: ModelArgs::default(),
            optim: OptimArgs::default(),
            epochs: 3,
            batch_size: 64,
            seed: 0,
            lr_decay: LrDecay::None,
            drop_last: false,
            dataset: None,
            val_split: 0,
        }
    }
}

/// A learning rate that decays at every step from λ0 to 0 over the whole run — per step, not
/// per epoch like `--schedule`, so it also helps a one-epoch run. A function of the step alone,
/// so a resumed run needs no state for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LrDecay {
    /// λ0 throughout (or the per-epoch schedule's λ).
    #[default]
    None,
    /// Half a cosine: `λ_s = λ0 · (1 + cos(π s / S)) / 2` before step `s` of `S` (0-based).
    Cosine,
    /// A straight line: `λ_s = λ0 · (1 − s / S)`.
    Linear,
}

impl LrDecay {
    /// The rate before step `step` (0-based) of `total`, from `base`.
    ///
    /// ```
    /// use examples::training::LrDecay;
    /// assert_eq!(LrDecay::Cosine.at(0.1, 0, 4), 0.1);
    /// assert!((LrDecay::Cosine.at(0.1, 2, 4) - 0.05).abs() < 1e-9); // cos(π/2) = 0
    /// assert!((LrDecay::Linear.at(0.1, 3, 4) - 0.025).abs() < 1e-9);
    /// ```
    pub fn at(self, base: f64, step: u64, total: u64) -> f64 {
        let done = if total == 0 {
            0.0
        } else {
            (step as f64 / total as f64).min(1.0)
        };
        match self {
            LrDecay::None => base,
            LrDecay::Cosine => base * 0.5 * (1.0 + (std::f64::consts::PI * done).cos()),
            LrDecay::Linear => base * (1.0 - done),
        }
    }
}

/// A well-mixed 64-bit hash (SplitMix64's finalizer), to derive independent seeds.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The fully connected classifier: `Linear, activation, [Dropout], …, Linear`, laid out as
/// [`nn::mlp`] and PyTorch's `nn.Sequential` lay it out, so parameter names are PyTorch's
/// (`0.weight`, `0.bias`, `2.weight`, … without dropout; `0.*`, `3.*`, `6.*` with it).
pub struct Model {
    net: Sequential,
    sizes: Vec<usize>,
    dropout_key: DropoutKey,
    training: bool,
}

impl Model {
    /// Builds the network through `sizes` (input, hidden…, classes) with weights drawn from
    /// `seed`: each layer with PyTorch's default first, then re-drawn with `args.init` unless
    /// that is `pytorch` — the same weights as `nn::mlp` with an RNG seeded the same way.
    ///
    /// # Panics
    /// If fewer than two sizes are given, a size is 0, or the dropout is not in `[0, 1)`.
    #[track_caller]
    pub fn new(args: &ModelArgs, sizes: &[usize], seed: u64) -> Model {
        assert!(
            sizes.len() >= 2,
            "Model::new: need an input and an output size, got {sizes:?}"
        );
        let mut rng = init_rng(seed);
        let dropout_key = DropoutKey::default();
        let mut net = Sequential::new();
        let last = sizes.len() - 2;
        for (i, pair) in sizes.windows(2).enumerate() {
            net = net.add(Linear::new(pair[0], pair[1], &mut rng));
            if i < last {
                net = net.add_boxed(args.activation.module());
                if args.dropout > 0.0 {
                    // Masks keyed by (seed, epoch, step) and the layer: see `set_dropout_step`.
                    net = net.add(Dropout::keyed(args.dropout, &dropout_key, i as u64));
                }
            }
        }
        if args.init != nn::Init::Pytorch {
            args.init.apply(&net, args.activation.gain(), &mut rng);
        }
        Model {
            net,
            sizes: sizes.to_vec(),
            dropout_key,
            training: true,
        }
    }

    /// The layer sizes, input first.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// The parameter registry (shared handles: updating it updates the model).
    pub fn parameters(&self) -> Parameters {
        self.net.parameters()
    }

    /// Logits `[B, classes]` of a batch `[B, input]`.
    pub fn forward(&self, x: &Tensor) -> Tensor {
        self.net.forward(x)
    }

    /// Training mode (dropout on) or evaluation mode.
    pub fn set_training(&mut self, training: bool) {
        self.training = training;
        self.net.set_training(training);
    }

    /// Whether dropout is active.
    pub fn is_training(&self) -> bool {
        self.training
    }

    /// Fixes the dropout masks of the next forward passes to those of `(seed, epoch, step)`.
    pub fn set_dropout_step(&self, seed: u64, epoch: u64, step: u64) {
        self.dropout_key.set(mix(mix(mix(seed) ^ epoch) ^ step));
    }

    /// PyTorch's printout of the network, with parameter shapes and counts.
    pub fn summary(&self) -> String {
        self.net.to_string()
    }
}

/// The generator of the initial weights of `seed`.
fn init_rng(seed: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(INIT_STREAM);
    rng
}

/// Mean loss and accuracy on a set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Mean cross-entropy per sample.
    pub loss: f64,
    /// Fraction of samples whose largest logit is their label, in `[0, 1]`.
    pub accuracy: f64,
}

/// Loss and accuracy of `model` on `split`, under `no_grad`, in evaluation mode (restored
/// afterwards), in batches of `batch_size`. An empty split gives NaN for both.
pub fn evaluate(model: &mut Model, split: &Split, batch_size: usize) -> Evaluation {
    if split.is_empty() {
        return Evaluation {
            loss: f64::NAN,
            accuracy: f64::NAN,
        };
    }
    let was_training = model.is_training();
    model.set_training(false);
    let (loss_sum, correct) = no_grad(|| {
        let (mut loss_sum, mut correct) = (0.0f64, 0usize);
        for batch in split.batches(batch_size, Order::Sequential, false) {
            let n = batch.labels.len();
            let logits = model.forward(&Tensor::from_array(batch.images.into_dyn()));
            loss_sum += f64::from(logits.cross_entropy(&batch.labels).item()) * n as f64;
            correct += count_correct(&logits.value(), &batch.labels);
        }
        (loss_sum, correct)
    });
    model.set_training(was_training);
    let n = split.len() as f64;
    Evaluation {
        loss: loss_sum / n,
        accuracy: correct as f64 / n,
    }
}

/// How many rows of `logits: [B, C]` have their largest value at the label (first on ties).
fn count_correct(logits: &ArrayD<f32>, labels: &[usize]) -> usize {
    logits
        .outer_iter()
        .zip(labels)
        .filter(|(row, &label)| {
            let mut best = 0;
            for (j, &v) in row.iter().enumerate() {
                if v > row[best] {
                    best = j;
                }
            }
            best == label
        })
        .count()
}

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

    /// After each optimizer step. The model may be evaluated (see [`evaluate`]).
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
            TrainError::NonFinite { epoch, step, batch, loss, lr } => write!(
                f,
                "training diverged: the loss is {loss} at epoch {epoch}, step {step} (batch {batch} of the \
                 epoch) with learning rate {lr}; try a lower learning rate (--lr)"
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
    /// The run's settings; `epochs` may be raised before resuming.
    pub config: RunConfig,
    /// The network.
    pub model: Model,
    params: Parameters,
    optimizer: Box<dyn Optim>,
    scheduler: Option<Box<dyn Scheduler>>,
    epoch: usize,
    step: u64,
    history: Vec<EpochMetrics>,
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

    fn with_sizes(config: RunConfig, sizes: &[usize]) -> Result<Trainer, TrainError> {
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
            .map_err(TrainError::Config)?;
        let scheduler = match &config.optim.schedule {
            Some(spec) => Some(
                spec.build(f64::from(optimizer.lr()))
                    .map_err(|e| TrainError::Config(format!("--schedule: {e}")))?,
            ),
            None => None,
        };
        Ok(Trainer {
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

    /// The parameters (shared handles).
    pub fn parameters(&self) -> &Parameters {
        &self.params
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
        let total_steps = (self.config.epochs * count) as u64;
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
                return Err(TrainError::NonFinite {
                    epoch,
                    step: self.step,
                    batch: b + 1,
                    loss,
                    lr,
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

    /// Trains from the current epoch up to `config.epochs`. With an output directory, writes
    /// `metrics.csv`, `metrics.json` and [`CHECKPOINT_FILE`] there after every epoch.
    ///
    /// # Errors
    /// As [`Trainer::train_epoch`]; [`TrainError::Report`] / [`TrainError::CheckpointFile`] if a
    /// file cannot be written.
    pub fn fit(
        &mut self,
        data: &Datasets,
        observer: &mut dyn Observer,
        out_dir: Option<&Path>,
    ) -> Result<(), TrainError> {
        while self.epoch < self.config.epochs {
            self.train_epoch(data, observer)?;
            if let Some(dir) = out_dir {
                self.write_outputs(dir)?;
            }
        }
        Ok(())
    }

    /// Writes `metrics.csv`, `metrics.json` and the checkpoint into `dir`.
    ///
    /// # Errors
    /// [`TrainError::Report`] or [`TrainError::CheckpointFile`] naming the file.
    pub fn write_outputs(&self, dir: &Path) -> Result<(), TrainError> {
        metrics_csv(&self.history).write(&dir.join("metrics.csv"))?;
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
        write_json(&dir.join("metrics.json"), &json)?;
        self.save_checkpoint(&dir.join(CHECKPOINT_FILE))
    }

    /// Saves weights (PyTorch names), optimizer buffers (`optim.<param>.<slot>`) and, in the
    /// metadata, everything else needed to resume: epoch, step, learning rate, optimizer and
    /// scheduler counters, seed, configuration, layer sizes and the metrics so far. Atomic.
    ///
    /// # Errors
    /// [`TrainError::CheckpointFile`] naming the file; [`TrainError::Checkpoint`] if the
    /// metadata cannot be serialized.
    pub fn save_checkpoint(&self, path: &Path) -> Result<(), TrainError> {
        let fail = |reason: String| TrainError::Checkpoint {
            path: path.to_path_buf(),
            reason,
        };
        let mut tensors: Vec<(String, ArrayD<f32>)> = self
            .params
            .iter()
            .map(|p| (p.name.clone(), p.tensor.value().clone()))
            .collect();
        let state = self.optimizer.state_dict();
        tensors.extend(
            state
                .buffers
                .into_iter()
                .map(|(name, buf)| (format!("optim.{name}"), buf)),
        );
        let json = |v: &dyn erased::Json| v.to_json().map_err(|e| fail(e.to_string()));
        let mut meta = BTreeMap::from([
            ("format".to_string(), CHECKPOINT_FORMAT.to_string()),
            ("epoch".to_string(), self.epoch.to_string()),
            ("step".to_string(), self.step.to_string()),
            ("seed".to_string(), self.config.seed.to_string()),
            // `{:?}` of a float is the shortest text that parses back to the same bits.
            ("lr".to_string(), format!("{:?}", self.optimizer.lr())),
            ("config".to_string(), json(&self.config)?),
            ("sizes".to_string(), json(&self.model.sizes().to_vec())?),
            ("history".to_string(), json(&self.history)?),
            ("optim.name".to_string(), state.optimizer.clone()),
            ("optim.step".to_string(), state.step.to_string()),
            ("optim.lr".to_string(), format!("{:?}", state.lr)),
        ]);
        for (key, value) in &state.scalars {
            meta.insert(format!("optim.scalar.{key}"), format!("{value:?}"));
        }
        if let Some(s) = &self.scheduler {
            for (key, value) in s.state() {
                meta.insert(format!("scheduler.{key}"), format!("{value:?}"));
            }
        }
        nn::save_tensors(path, &tensors, meta).map_err(TrainError::CheckpointFile)
    }

    /// Rebuilds a run from a checkpoint written by [`Trainer::save_checkpoint`]: the same
    /// configuration and layer sizes, then the saved weights, optimizer state, schedule position,
    /// counters and metrics. Raise `config.epochs` to train further.
    ///
    /// # Errors
    /// [`TrainError::CheckpointFile`] if the file cannot be read; [`TrainError::Checkpoint`]
    /// naming the file and what is missing or does not fit.
    pub fn resume(path: &Path) -> Result<Trainer, TrainError> {
        let fail = |reason: String| TrainError::Checkpoint {
            path: path.to_path_buf(),
            reason,
        };
        let (tensors, meta) = nn::load_tensors(path).map_err(TrainError::CheckpointFile)?;
        let get = |key: &str| {
            meta.get(key).ok_or_else(|| {
                fail(format!(
                    "metadata has no `{key}`: not a checkpoint of train/compare"
                ))
            })
        };
        if get("format")? != CHECKPOINT_FORMAT {
            return Err(fail(format!(
                "format `{}` is not `{CHECKPOINT_FORMAT}`",
                get("format")?
            )));
        }
        fn parse<T: std::str::FromStr>(text: &str, key: &str) -> Result<T, String> {
            text.parse()
                .map_err(|_| format!("metadata `{key}` = `{text}` does not parse"))
        }
        let num = |key: &str| -> Result<f64, TrainError> { parse(get(key)?, key).map_err(fail) };
        fn from_json<T: serde::de::DeserializeOwned>(text: &str, key: &str) -> Result<T, String> {
            serde_json::from_str(text).map_err(|e| format!("metadata `{key}`: {e}"))
        }
        let config: RunConfig = from_json(get("config")?, "config").map_err(fail)?;
        let sizes: Vec<usize> = from_json(get("sizes")?, "sizes").map_err(fail)?;
        let history = from_json(get("history")?, "history").map_err(fail)?;
        let mut trainer = Trainer::with_sizes(config, &sizes)?;

        // Weights, strictly: every parameter present with its shape, nothing unknown.
        let mut weights: BTreeMap<String, ArrayD<f32>> = BTreeMap::new();
        let mut buffers = Vec::new();
        for (name, array) in tensors {
            match name.strip_prefix("optim.") {
                Some(buffer) => buffers.push((buffer.to_string(), array)),
                None => {
                    weights.insert(name, array);
                }
            }
        }
        for p in trainer.params.iter() {
            let w = weights
                .remove(&p.name)
                .ok_or_else(|| fail(format!("no weights for parameter `{}`", p.name)))?;
            if w.shape() != p.tensor.shape().as_slice() {
                return Err(fail(format!(
                    "parameter `{}` has shape {:?} in the file but {:?} in the model",
                    p.name,
                    w.shape(),
                    p.tensor.shape()
                )));
            }
            p.tensor.set_value(w);
        }
        if let Some(name) = weights.keys().next() {
            return Err(fail(format!("unexpected tensor `{name}`")));
        }

        let scalars = |prefix: &str| -> Result<BTreeMap<String, f64>, TrainError> {
            let mut out = BTreeMap::new();
            for (key, value) in meta.range(prefix.to_string()..) {
                let Some(name) = key.strip_prefix(prefix) else {
                    break;
                };
                out.insert(name.to_string(), parse(value, key).map_err(fail)?);
            }
            Ok(out)
        };
        let state = OptimizerState {
            optimizer: get("optim.name")?.clone(),
            step: parse(get("optim.step")?, "optim.step").map_err(fail)?,
            lr: parse(get("optim.lr")?, "optim.lr").map_err(fail)?,
            buffers,
            scalars: scalars("optim.scalar.")?,
        };
        trainer
            .optimizer
            .load_state_dict(&state)
            .map_err(|e| fail(e.to_string()))?;
        if let Some(s) = &mut trainer.scheduler {
            s.load_state(&scalars("scheduler.")?).map_err(fail)?;
        }
        trainer.epoch = num("epoch")? as usize;
        trainer.step = num("step")? as u64;
        trainer.history = history;
        Ok(trainer)
    }
}

/// Serializing `&dyn` values to JSON text (serde's traits are not object safe).
mod erased {
    pub trait Json {
        fn to_json(&self) -> Result<String, serde_json::Error>;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> Result<String, serde_json::Error> {
            serde_json::to_string(self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_correct_takes_the_first_maximum() {
        // rows: argmax 1, argmax 0 (tie → first), argmax 2
        let logits = ArrayD::from_shape_vec(
            vec![3, 3],
            vec![0.0, 2.0, 1.0, 5.0, 5.0, 0.0, -1.0, -3.0, 0.5],
        )
        .unwrap();
        assert_eq!(count_correct(&logits, &[1, 0, 2]), 3);
        assert_eq!(count_correct(&logits, &[1, 1, 0]), 1);
    }

    #[test]
    fn dropout_keys_differ_by_seed_epoch_and_step() {
        let keys: Vec<u64> = [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 1, 1)]
            .iter()
            .map(|&(s, e, t)| mix(mix(mix(s) ^ e) ^ t))
            .collect();
        for i in 0..keys.len() {
            for j in i + 1..keys.len() {
                assert_ne!(keys[i], keys[j], "{i} vs {j}");
            }
        }
    }
}
