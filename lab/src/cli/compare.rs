//! `compare`'s command line: the course's quick look at the seven optimizers on one network and
//! dataset, run as a one-problem plan of the benchmark (the same trials, statistics, pictures
//! and report), with the network, the epochs and the rates the learner chooses.

use std::path::PathBuf;

use clap::Parser;
use data::Dataset;
use optim::{Algorithm, Form, UpdateRule};

use super::benchmark::DataDirs;
use super::{fraction, DataDir};
use crate::benchmark::{Budget, Plan, Problem};
use crate::training::{positive, ModelConfig};

/// The options of `compare`.
#[derive(Parser, Debug, Clone, PartialEq)]
#[command(
    name = "compare",
    about = "Train one network with each of the seven optimizers, on several seeds, and compare them",
    long_about = "Train the same network, from the same initial weights and on the same batch order for a seed, \
        with each optimizer at the learning rate `train` starts it from (lab/src/training/rates.rs) or at \
        the one --sweep chooses on a validation split; compare test accuracy, test loss and steps to \
        --target over the seeds, with a Mann–Whitney test behind every \"better\".\n\n\
        This is the benchmark's one-problem view: the same trials, statistics, pictures and report \
        (report.md, trials.csv, curves with seed bands) as `benchmark`, whose four problems and tuning \
        are the full comparison. Default: 784-512-512-10 ReLU on MNIST, batch 128, 2 epochs, 8 seeds, \
        constant learning rates: about 2 minutes on 2 cores. Stopped, it continues where it stopped."
)]
pub struct CompareArgs {
    /// Optimizers to compare, comma-separated [default: the seven of the course]
    #[arg(long, value_delimiter = ',', value_parser = parse_optimizer, default_values_t = the_course(), hide_default_value = true)]
    pub optimizers: Vec<String>,
    /// Learning-rate overrides, e.g. `--lr sgd=0.05,adam=3e-4` (others keep the rate train starts them from)
    #[arg(long, value_delimiter = ',', value_name = "NAME=LR", value_parser = parse_override)]
    pub lr: Vec<(String, f32)>,
    /// The course's formulas or PyTorch's, for every optimizer that has both
    #[arg(long, value_enum, default_value_t = Form::Course)]
    pub form: Form,
    /// The network.
    #[command(flatten)]
    pub model: ModelConfig,
    /// Dataset: mnist or fashion-mnist
    #[arg(long, default_value = "mnist", help_heading = "Data")]
    pub dataset: Dataset,
    /// Where the data is.
    #[command(flatten)]
    pub data: DataDir,
    /// Epochs per run (every batch full)
    #[arg(long, help_heading = "Comparison", default_value_t = 2, value_parser = positive)]
    pub epochs: usize,
    /// Mini-batch size
    #[arg(long, help_heading = "Comparison", default_value_t = 128, value_parser = positive)]
    pub batch_size: usize,
    /// Seeds (1, 2, …) of every optimizer; each changes the initial weights and the batch order, the same for every optimizer
    #[arg(long, help_heading = "Comparison", default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..))]
    pub seeds: u64,
    /// First try 5 learning rates from 1/10 to 10 times each one (seed 100), and keep the best by validation accuracy
    #[arg(long, help_heading = "Comparison")]
    pub sweep: bool,
    /// Validation accuracy whose first crossing is reported, in steps (0.97 for 97%) [default: 0.97, fashion-mnist 0.85]
    #[arg(long, help_heading = "Comparison", value_parser = fraction, allow_negative_numbers = true)]
    pub target: Option<f64>,
    /// Measure the validation accuracy every this many steps [default: 5 times an epoch]
    #[arg(long, help_heading = "Comparison", value_parser = positive)]
    pub eval_every: Option<usize>,
    /// Training images held out for validation (the same ones for every run)
    #[arg(long, help_heading = "Comparison", default_value_t = 5000, value_parser = positive)]
    pub val_split: usize,
    /// Runs at once [default: the number of cores]
    #[arg(long, help_heading = "Comparison", value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub jobs: Option<u64>,
    /// Threads of each run
    #[arg(long, help_heading = "Comparison", value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub threads: u64,
    /// Directory for the report, its pictures and the results
    #[arg(long, help_heading = "Comparison", default_value = "runs/compare")]
    pub out_dir: PathBuf,
}

/// Training images of MNIST and of Fashion-MNIST, before the validation split.
const TRAINING_IMAGES: usize = 60_000;

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
    /// The one-problem plan these options describe, checked before any data is read: each
    /// optimizer listed once, a rate given only for a listed optimizer and only once and one it
    /// accepts, a validation split smaller than the training set, a network that fits in memory.
    ///
    /// # Errors
    /// A one-line message naming the option and the value.
    pub fn plan(&self) -> Result<Plan, String> {
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
            let mut optimizer = Algorithm::named(name, self.form).map_err(|e| e.to_string())?;
            if optimizer.lr().is_none() {
                return Err(format!(
                    "--lr {name}={lr}: {name} in the {} form has no learning rate",
                    self.form.label()
                ));
            }
            optimizer.set_lr(*lr);
            optimizer
                .validate()
                .map_err(|e| format!("--lr {name}: {e}"))?;
        }
        if self.val_split >= TRAINING_IMAGES {
            return Err(format!(
                "--val-split {}: the training set has {TRAINING_IMAGES} images",
                self.val_split
            ));
        }
        self.model
            .check_fits(super::IMAGE_PIXELS, super::CLASSES, self.batch_size)?;

        let problem = if self.dataset == Dataset::Mnist {
            Problem::MnistMlp
        } else {
            Problem::FmnistMlp
        };
        let per_epoch = (TRAINING_IMAGES - self.val_split) / self.batch_size;
        if per_epoch == 0 {
            return Err(format!(
                "--batch-size {}: larger than the {} training images left after --val-split",
                self.batch_size,
                TRAINING_IMAGES - self.val_split
            ));
        }
        let budget = Budget {
            steps: self.epochs * per_epoch,
            batch: self.batch_size,
            eval_every: self.eval_every.unwrap_or((per_epoch / 5).max(1)),
            val_split: self.val_split,
            target: self.target.unwrap_or(problem.budget(false).target),
        };
        let mut plan = Plan::new(false, self.threads as usize);
        plan.problems = vec![(problem, budget)];
        plan.optimizers = self.optimizers.clone();
        plan.form = self.form;
        plan.model = Some(self.model.clone());
        plan.centers = self
            .lr
            .iter()
            .map(|(name, lr)| (name.clone(), f64::from(*lr)))
            .collect();
        (plan.grid_points, plan.span, plan.tuning_seeds) = if self.sweep {
            (5, (-1.0, 1.0), vec![100])
        } else {
            (1, (0.0, 0.0), vec![])
        };
        plan.seeds = (1..=self.seeds).collect();
        plan.one_shot = false;
        Ok(plan)
    }

    /// `--jobs`, or the number of cores.
    pub fn jobs(&self) -> usize {
        super::jobs_or_cores(self.jobs)
    }

    /// Where the chosen dataset is, for the benchmark's loader.
    pub fn data_dirs(&self) -> DataDirs {
        let dir = self.data.data_dir.clone();
        match self.dataset {
            Dataset::Mnist => DataDirs {
                mnist_dir: dir,
                fashion_mnist_dir: None,
            },
            Dataset::FashionMnist => DataDirs {
                mnist_dir: None,
                fashion_mnist_dir: dir,
            },
        }
    }
}
