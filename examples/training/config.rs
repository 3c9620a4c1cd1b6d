//! What decides a run: the network, the optimizer and its schedule, the length of the run, the
//! batches, the seed. Plain data, saved in every checkpoint; the command line's clap groups
//! (`cli.rs`) convert into it, and a program or test may build it directly.

use std::fmt;
use std::str::FromStr;

use autograd::Parameters;
use nn::{Activation, Init};
use optim::scheduler::ScheduleSpec;
use optim::{catalog, Form, Hyper, Optim, OptimError};
use serde::{Deserialize, Serialize};

use crate::cli::{opt_text, text, ModelArgs, OptimArgs, TrainArgs};

/// Everything that decides a run's result, saved in its checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    /// The network (hidden sizes, activation, initialization, dropout).
    pub model: ModelConfig,
    /// The optimizer, its hyperparameters and the learning-rate schedule.
    pub optim: OptimConfig,
    /// Total number of epochs.
    pub epochs: usize,
    /// Mini-batch size.
    pub batch_size: usize,
    /// Seed of the initial weights, the batch order and the dropout masks.
    pub seed: u64,
    /// Learning-rate decay applied at every step over the whole run (none: λ stays the
    /// optimizer's, or the per-epoch schedule's).
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
            model: ModelConfig::default(),
            optim: OptimConfig::default(),
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

/// The fully connected network: input → hidden layers → classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// Hidden layer sizes, e.g. `[512, 512]`.
    pub hidden: Vec<usize>,
    /// Activation after each hidden layer.
    #[serde(with = "text")]
    pub activation: Activation,
    /// Weight initialization.
    #[serde(with = "text")]
    pub init: Init,
    /// Dropout probability after each hidden activation, in `[0, 1)` (0: no dropout layers).
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

/// The optimizer by name, its hyperparameters (`None`: the optimizer's default) and the
/// per-epoch schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimConfig {
    /// Canonical name of an `optim::catalog` entry (`"adam"`).
    pub optimizer: String,
    /// Learning rate λ; `None`: the catalog's rate to start from.
    pub lr: Option<f32>,
    /// Momentum μ of momentum and nesterov.
    pub momentum: Option<f32>,
    /// Moving-average coefficient γ of adadelta and rmsprop (PyTorch's rho / alpha).
    pub rho: Option<f32>,
    /// Adam's β1.
    pub beta1: Option<f32>,
    /// Adam's β2.
    pub beta2: Option<f32>,
    /// ε against division by zero.
    pub eps: Option<f32>,
    /// The course's formulas or PyTorch's.
    #[serde(with = "text")]
    pub form: Form,
    /// Weight decay (decoupled for adamw).
    pub weight_decay: Option<f32>,
    /// Learning-rate schedule, stepped once per epoch; `None`: constant.
    #[serde(with = "opt_text")]
    pub schedule: Option<ScheduleSpec>,
}

impl Default for OptimConfig {
    /// Adam with its own hyperparameters, no schedule.
    fn default() -> Self {
        OptimConfig::for_optimizer("adam")
    }
}

impl OptimConfig {
    /// The defaults of the optimizer `name` (canonical, see `optim::catalog`).
    pub fn for_optimizer(name: &str) -> OptimConfig {
        OptimConfig {
            optimizer: name.to_string(),
            lr: None,
            momentum: None,
            rho: None,
            beta1: None,
            beta2: None,
            eps: None,
            form: Form::Course,
            weight_decay: None,
            schedule: None,
        }
    }

    /// The learning rate: `lr`, else the catalog's rate to start from.
    ///
    /// # Panics
    /// If `lr` is not set and the optimizer is in no catalog entry.
    #[track_caller]
    pub fn lr(&self) -> f32 {
        self.hyper().lr.unwrap_or_else(|| {
            panic!(
                "OptimConfig::lr: unknown optimizer `{}` and no lr",
                self.optimizer
            )
        })
    }

    /// The hyperparameters for [`optim::by_name`], with the learning rate resolved when the
    /// optimizer is known.
    pub fn hyper(&self) -> Hyper {
        Hyper {
            lr: self
                .lr
                .or_else(|| catalog::find(&self.optimizer).map(|e| e.recommended_lr)),
            momentum: self.momentum,
            gamma: self.rho,
            beta1: self.beta1,
            beta2: self.beta2,
            eps: self.eps,
            weight_decay: self.weight_decay,
            form: self.form,
            ..Hyper::default()
        }
    }

    /// Builds the optimizer over `params`.
    ///
    /// # Errors
    /// As [`optim::by_name`]: an unknown name, or a hyperparameter out of range.
    pub fn build(&self, params: Parameters) -> Result<Box<dyn Optim>, OptimError> {
        optim::by_name(&self.optimizer, params, &self.hyper())
    }
}

/// A learning rate that decays at every step from λ0 to 0 over the whole run — per step, not
/// per epoch like a schedule, so it also helps a one-epoch run. A function of the step alone,
/// so a resumed run needs no state for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
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
    /// The three, by their names `none`, `cosine`, `linear`.
    pub const ALL: [LrDecay; 3] = [LrDecay::None, LrDecay::Cosine, LrDecay::Linear];

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

    /// `none`, `cosine` or `linear`.
    pub fn as_str(self) -> &'static str {
        match self {
            LrDecay::None => "none",
            LrDecay::Cosine => "cosine",
            LrDecay::Linear => "linear",
        }
    }
}

/// Writes [`LrDecay::as_str`], which [`FromStr`] reads back.
impl fmt::Display for LrDecay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads `none`, `cosine` or `linear`, in any case.
///
/// ```
/// use examples::training::LrDecay;
/// assert_eq!("Cosine".parse::<LrDecay>(), Ok(LrDecay::Cosine));
/// assert!("step".parse::<LrDecay>().unwrap_err().contains("step"));
/// ```
impl FromStr for LrDecay {
    type Err = String;

    fn from_str(s: &str) -> Result<LrDecay, String> {
        LrDecay::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("`{s}` is not a decay (expected none, cosine or linear)"))
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

/// The command line's optimizer group, as plain data.
impl From<&OptimArgs> for OptimConfig {
    fn from(args: &OptimArgs) -> OptimConfig {
        OptimConfig {
            optimizer: args.optimizer.clone(),
            lr: args.lr,
            momentum: args.momentum,
            rho: args.rho,
            beta1: args.beta1,
            beta2: args.beta2,
            eps: args.eps,
            form: args.form,
            weight_decay: args.weight_decay,
            schedule: args.schedule.clone(),
        }
    }
}

/// The run `train`'s options describe.
impl From<&TrainArgs> for RunConfig {
    fn from(args: &TrainArgs) -> RunConfig {
        RunConfig {
            model: ModelConfig::from(&args.model),
            optim: OptimConfig::from(&args.optim),
            epochs: args.epochs,
            batch_size: args.batch_size,
            seed: args.seed,
            lr_decay: args.lr_decay(),
            drop_last: false,
            dataset: Some(args.data.dataset.to_string()),
            val_split: args.val_split,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
