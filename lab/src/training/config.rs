//! What decides a run: the network, the optimizer and its schedule, the length of the run, the
//! batches, the seed, the data. One type, [`RunConfig`]: the command line parses into it
//! (clap's `Args`; the optimizer's own options come from its `optim` struct, see
//! [`crate::cli::optimizer`]), a checkpoint saves it (serde), and a program or test may build it
//! directly. Nothing mirrors its fields.

use clap::Args;
use data::Dataset;
use nn::{Activation, Init};
use optim::{Adam, Algorithm};
use serde::{Deserialize, Serialize};

use super::schedule::{ScheduleSpec, Warmup};
use crate::serde_text::{opt_text, text};

/// Everything that decides a run's result, saved in its checkpoint.
#[derive(Args, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    /// The network.
    #[command(flatten)]
    pub model: ModelConfig,
    /// The optimizer with all its hyperparameters (on the command line: `--optimizer NAME` and
    /// that optimizer's own options).
    #[arg(skip = Algorithm::from(Adam::default()))]
    pub optimizer: Algorithm,
    /// Learning-rate schedule over the run, ticked every step: cosine (or cosine:ETA_MIN),
    /// linear, constant, step:EPOCHS:GAMMA, multistep:E1,E2:GAMMA, exp:GAMMA,
    /// plateau:FACTOR:PATIENCE
    #[arg(
        long,
        default_value = "cosine",
        value_name = "SPEC",
        help_heading = "Schedule"
    )]
    #[serde(with = "text")]
    pub schedule: ScheduleSpec,
    /// A linear warm-up in front of the schedule: EPOCHS or EPOCHS,START_FACTOR (fractions of
    /// an epoch allowed; START_FACTOR·λ at the first step, default 1/3)
    #[arg(long, value_name = "EPOCHS[,F]", help_heading = "Schedule")]
    #[serde(with = "opt_text")]
    pub warmup: Option<Warmup>,
    /// No weight decay on biases: they form a parameter group of their own with weight decay 0
    #[arg(long, help_heading = "Schedule")]
    pub no_bias_decay: bool,
    /// Rescale the gradients before each step so that their global 2-norm is at most MAX
    /// (PyTorch's clip_grad_norm_)
    #[arg(long, value_name = "MAX", value_parser = positive_number, help_heading = "Schedule")]
    pub clip_grad_norm: Option<f32>,
    /// Number of epochs (with --resume: the total, counting those already done)
    #[arg(long, default_value_t = 4, value_parser = positive, help_heading = "Training")]
    pub epochs: usize,
    /// Mini-batch size
    #[arg(long, default_value_t = 64, value_parser = positive, help_heading = "Training")]
    pub batch_size: usize,
    /// Seed of the initial weights, the batch order and the dropout masks
    #[arg(long, default_value_t = 0, help_heading = "Training")]
    pub seed: u64,
    /// Skip each epoch's last, smaller batch (PyTorch's `DataLoader(drop_last=True)`), so that
    /// every step averages the same number of samples. Off by default, as in PyTorch.
    #[arg(skip)]
    pub drop_last: bool,
    /// Dataset: mnist or fashion-mnist
    #[arg(long, default_value = "mnist", help_heading = "Data")]
    #[serde(with = "text")]
    pub dataset: Dataset,
    /// Hold out this many training images for validation (val_accuracy; what plateau watches),
    /// the same images for every seed
    #[arg(long, default_value_t = 0, value_name = "N", help_heading = "Data")]
    pub val_split: usize,
}

impl Default for RunConfig {
    /// 784-512-512-10 ReLU, Adam λ = 1e-3 along a cosine, batch 64, 4 epochs, seed 0, MNIST.
    fn default() -> Self {
        RunConfig {
            model: ModelConfig::default(),
            optimizer: Algorithm::from(Adam::default()),
            schedule: ScheduleSpec::cosine(),
            warmup: None,
            no_bias_decay: false,
            clip_grad_norm: None,
            epochs: 4,
            batch_size: 64,
            seed: 0,
            drop_last: false,
            dataset: Dataset::Mnist,
            val_split: 0,
        }
    }
}

/// The fully connected network: input → hidden layers → classes.
#[derive(Args, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[command(next_help_heading = "Model")]
pub struct ModelConfig {
    /// Hidden layer sizes, comma-separated (`--hidden 512,512`; `--hidden 128` for one layer)
    #[arg(long, value_delimiter = ',', default_value = "512,512", value_parser = positive)]
    pub hidden: Vec<usize>,
    /// Activation after each hidden layer: relu, leaky_relu (or leaky_relu:SLOPE), elu (or
    /// elu:ALPHA), sigmoid, tanh, gelu, softplus
    #[arg(long, default_value = "relu")]
    #[serde(with = "text")]
    pub activation: Activation,
    /// Weight initialization: pytorch, xavier-uniform, xavier-normal, kaiming-uniform,
    /// kaiming-normal, normal (or normal:STD), zeros
    #[arg(long, default_value = "pytorch")]
    #[serde(with = "text")]
    pub init: Init,
    /// Dropout probability after each hidden activation (0 = no dropout layers)
    #[arg(long, default_value = "0", value_parser = probability)]
    pub dropout: f32,
}

impl Default for ModelConfig {
    /// 512-512 hidden with ReLU, PyTorch's initialization, no dropout.
    fn default() -> Self {
        ModelConfig {
            hidden: vec![512, 512],
            activation: Activation::Relu,
            init: Init::Pytorch,
            dropout: 0.0,
        }
    }
}

impl ModelConfig {
    /// Layer sizes from `input` through the hidden layers to `classes`.
    pub fn sizes(&self, input: usize, classes: usize) -> Vec<usize> {
        let mut sizes = vec![input];
        sizes.extend(&self.hidden);
        sizes.push(classes);
        sizes
    }
}

/// Parses a positive whole number (a layer size, epochs, a batch size).
pub fn positive(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("`{text}` is not a positive integer")),
    }
}

/// Parses a finite number > 0.
fn positive_number(text: &str) -> Result<f32, String> {
    match text.trim().parse::<f32>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("`{text}` is not a finite number > 0")),
    }
}

/// Parses a dropout probability in `[0, 1)`.
fn probability(text: &str) -> Result<f32, String> {
    match text.trim().parse::<f32>() {
        Ok(p) if (0.0..1.0).contains(&p) => Ok(p),
        _ => Err(format!("`{text}` is not a probability in [0, 1)")),
    }
}
