//! The seven optimizers on real training: the same network, from the same initial weights, on
//! the same batch order, with each optimizer at its own learning rate; what `compare` runs.
//!
//! For each optimizer (and each seed) one [`Trainer`](crate::training::Trainer) run records the loss of every step, the
//! validation accuracy every `eval_every` steps (to find the first step that reaches the
//! target), and the usual per-epoch metrics. With `sweep`, each optimizer first tries its
//! learning rate × 0.3, × 1 and × 3 on the first seed and keeps the best by **validation**
//! accuracy (held-out training images; the test set is only reported, never used to choose).
//!
//! Outputs ([`Comparison::write`]): `summary.csv` (the table), `steps.csv`
//! (optimizer,seed,step,loss), `epochs.csv` (optimizer,seed + the columns of `metrics.csv`),
//! `sweep.csv` when sweeping, `loss.png` and `accuracy.png`.
//!
//! This file holds the options and the settings; `comparison/run.rs` trains the runs,
//! `comparison/table.rs` summarizes them, `comparison/files.rs` writes the CSV files and
//! `comparison/plots.rs` draws the curves.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Parser;
use data::Dataset;
use optim::{Algorithm, Form, UpdateRule};
use serde::Serialize;

use crate::cli::{fraction, DataDir};
use crate::training::{recommended_lr, ModelConfig, RunConfig, ScheduleSpec};

mod files;
mod plots;
mod run;
mod table;

pub use files::STEPS_COLUMNS;
pub use run::{compare, Run, Trial};
pub use table::{Row, TABLE_COLUMNS};

/// The validation accuracy whose first crossing `compare` reports when `--target` is not given.
pub const DEFAULT_TARGET: f64 = 0.97;

/// Multipliers of the learning rate tried by `--sweep`.
pub const SWEEP_FACTORS: [f32; 3] = [0.3, 1.0, 3.0];

/// The options of `compare`.
#[derive(Parser, Debug, Clone, PartialEq)]
#[command(
    name = "compare",
    about = "Train the same network with each of the seven optimizers and compare them",
    long_about = "Train the same network, from the same initial weights and on the same batch order, with \
        each optimizer at the learning rate `train` starts it from (lab/src/training/rates.rs), and compare \
        final training loss, test accuracy (mean ± std over seeds), time per epoch, and the number of \
        steps to reach --target accuracy on a validation split.\n\n\
        Default: 784-512-512-10 ReLU, batch 64, 5 epochs, 3 seeds, constant learning rates: about \
        80 seconds on 2 cores (105 runs of an epoch at about 0.55 s). --sweep adds a ×0.3/×1/×3 \
        learning-rate search per optimizer on the first seed (about 75 more seconds), chosen by \
        validation accuracy.\n\n\
        Writes summary.csv, steps.csv, epochs.csv, loss.png and accuracy.png into --out-dir."
)]
pub struct CompareArgs {
    /// Optimizers to compare, comma-separated [default: the seven of the course]
    #[arg(
        long,
        value_delimiter = ',',
        value_parser = parse_optimizer,
        default_values_t = the_course(),
        hide_default_value = true
    )]
    pub optimizers: Vec<String>,
    /// Learning-rate overrides, e.g. `--lr sgd=0.05,adam=3e-4` (others keep their documented rate)
    #[arg(long, value_delimiter = ',', value_name = "NAME=LR", value_parser = parse_override)]
    pub lr: Vec<(String, f32)>,
    /// The course's formulas or PyTorch's, for every optimizer that has both
    #[arg(long, value_enum, default_value_t = Form::Course)]
    pub form: Form,
    #[command(flatten)]
    pub model: ModelConfig,
    /// Dataset: mnist or fashion-mnist
    #[arg(long, default_value = "mnist", help_heading = "Data")]
    pub dataset: Dataset,
    #[command(flatten)]
    pub data: DataDir,
    /// Epochs per run
    #[arg(long, help_heading = "Comparison", default_value_t = 5, value_parser = crate::training::positive)]
    pub epochs: usize,
    /// Mini-batch size
    #[arg(long, help_heading = "Comparison", default_value_t = 64, value_parser = crate::training::positive)]
    pub batch_size: usize,
    /// Number of seeds (0, 1, …): each changes the initial weights and the batch order, the same for every optimizer
    #[arg(long, help_heading = "Comparison", default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
    pub seeds: u64,
    /// Try each learning rate ×0.3, ×1, ×3 on the first seed and keep the best by validation accuracy
    #[arg(long, help_heading = "Comparison")]
    pub sweep: bool,
    /// Accuracy whose first crossing on the validation split is reported, in steps (a fraction:
    /// 0.97 for 97%); needs --val-split > 0 [default: 0.97]
    #[arg(
        long,
        help_heading = "Comparison",
        value_parser = fraction,
        allow_negative_numbers = true
    )]
    pub target: Option<f64>,
    /// Evaluate the validation accuracy every this many steps (0: only at the end of each epoch)
    #[arg(long, help_heading = "Comparison", default_value_t = 100)]
    pub eval_every: u64,
    /// Training images held out for validation (the same ones for every run)
    #[arg(long, help_heading = "Comparison", default_value_t = 5000)]
    pub val_split: usize,
    /// Directory for the CSV files and plots
    #[arg(long, help_heading = "Comparison", default_value = "runs/compare")]
    pub out_dir: PathBuf,
}

/// The seven optimizers of the course, in its order: `compare`'s default.
fn the_course() -> Vec<String> {
    Algorithm::COURSE.map(String::from).to_vec()
}

/// Parses an optimizer's name or alias (any case) to its canonical name.
fn parse_optimizer(name: &str) -> Result<String, String> {
    Algorithm::named(name, Form::Course)
        .map(|a| a.name().to_string())
        .map_err(|e| e.to_string())
}

/// Parses `name=lr`.
fn parse_override(text: &str) -> Result<(String, f32), String> {
    let (name, lr) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not NAME=LR"))?;
    let name = parse_optimizer(name)?;
    let lr = lr
        .trim()
        .parse::<f32>()
        .map_err(|_| format!("`{lr}` is not a number"))?;
    Ok((name, lr))
}

impl CompareArgs {
    /// Checks what can be checked before the data is read: each optimizer listed once, a rate
    /// given only for a listed optimizer and only once, every optimizer accepting its rate,
    /// and a network that fits in memory.
    ///
    /// # Errors
    /// A one-line message naming the option and the value.
    pub fn check(&self) -> Result<(), String> {
        if self.val_split == 0 {
            if let Some(target) = self.target {
                return Err(format!(
                    "--target {target}: the steps to the target are measured on the validation \
                     split, and --val-split is 0; give --val-split N"
                ));
            }
            if self.sweep {
                return Err(
                    "--sweep chooses by validation accuracy: it needs --val-split > 0".into(),
                );
            }
        }
        for (i, name) in self.optimizers.iter().enumerate() {
            if self.optimizers[..i].contains(name) {
                return Err(format!("--optimizers: {name} is listed twice"));
            }
        }
        for (i, (name, lr)) in self.lr.iter().enumerate() {
            if !self.optimizers.contains(name) {
                return Err(format!(
                    "--lr {name}={lr}: {name} is not among --optimizers ({})",
                    self.optimizers.join(",")
                ));
            }
            if self.lr[..i].iter().any(|(other, _)| other == name) {
                return Err(format!("--lr: {name} is given two rates"));
            }
        }
        let config = self.config();
        for name in &self.optimizers {
            let optimizer = config.optimizer(name, None);
            optimizer
                .validate()
                .map_err(|e| format!("--lr {name}: {e}"))?;
        }
        self.model.check_fits(
            crate::cli::IMAGE_PIXELS,
            crate::cli::CLASSES,
            self.batch_size,
        )
    }

    /// The comparison these options describe.
    pub fn config(&self) -> CompareConfig {
        CompareConfig {
            optimizers: self.optimizers.clone(),
            lrs: self.lr.iter().cloned().collect(),
            form: self.form,
            model: self.model.clone(),
            epochs: self.epochs,
            batch_size: self.batch_size,
            seeds: self.seeds,
            sweep: self.sweep,
            target: self.target.unwrap_or(DEFAULT_TARGET),
            eval_every: self.eval_every,
        }
    }
}

/// What to compare and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareConfig {
    /// Canonical optimizer names.
    pub optimizers: Vec<String>,
    /// Learning rates replacing the recommended ones.
    pub lrs: BTreeMap<String, f32>,
    /// Course or PyTorch formulas.
    #[serde(with = "crate::serde_text::text")]
    pub form: Form,
    /// The network.
    pub model: ModelConfig,
    /// Epochs per run.
    pub epochs: usize,
    /// Mini-batch size.
    pub batch_size: usize,
    /// Seeds `0..seeds`.
    pub seeds: u64,
    /// Search ×0.3, ×1, ×3 around each rate first.
    pub sweep: bool,
    /// Validation accuracy to reach.
    pub target: f64,
    /// Validation is measured every this many steps.
    pub eval_every: u64,
}

impl CompareConfig {
    /// The optimizer `name` in this comparison's form with its documented defaults, at `lr`,
    /// else its override, else the rate `train` starts it from ([`recommended_lr`]); course
    /// AdaDelta keeps having no learning rate.
    pub fn optimizer(&self, name: &str, lr: Option<f32>) -> Algorithm {
        let mut optimizer =
            Algorithm::defaults(name, self.form).expect("names are checked when parsed");
        let lr = lr
            .or_else(|| self.lrs.get(name).copied())
            .or_else(|| recommended_lr(&optimizer).map(|(lr, _)| lr));
        if let (Some(lr), Some(_)) = (lr, optimizer.lr()) {
            optimizer.set_lr(lr);
        }
        optimizer
    }

    /// The learning rate `name` starts from (1 for course AdaDelta, which has none).
    pub fn base_lr(&self, name: &str) -> f32 {
        self.optimizer(name, None).lr().unwrap_or(1.0)
    }

    fn run_config(&self, name: &str, lr: f32, seed: u64) -> RunConfig {
        RunConfig {
            model: self.model.clone(),
            optimizer: self.optimizer(name, Some(lr)),
            schedule: "constant".parse::<ScheduleSpec>().expect("a schedule"),
            epochs: self.epochs,
            batch_size: self.batch_size,
            seed,
            // Every step sees a full batch: a short last batch jolts the adaptive methods (a
            // 24-image batch of MNIST's 55,000 cost RMSProp 3 points of accuracy at once).
            drop_last: true,
            ..RunConfig::default()
        }
    }
}

/// The outcome of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The settings.
    pub config: CompareConfig,
    /// One per optimizer, in the order asked for.
    pub rows: Vec<Row>,
    /// Every run, optimizer-major then seed.
    pub runs: Vec<Run>,
    /// The sweep's trials (empty without `sweep`).
    pub trials: Vec<Trial>,
}
