//! What decides a run: the network, the optimizer and its schedule, the length of the run, the
//! batches, the seed. Plain data, saved in every checkpoint; the command line's clap groups
//! convert into it (the conversions are beside the groups, in the `cli` module, which uses this
//! one and never the reverse), and a program or test may build it directly.

use autograd::Parameters;
use nn::{Activation, Init};
use optim::scheduler::ScheduleSpec;
use optim::{catalog, Form, Hyper, Optim, OptimError};
use serde::{Deserialize, Serialize};

use super::LrDecay;

use crate::serde_text::{opt_text, text};

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

impl RunConfig {
    /// The settings in which `given` differs from `self`, as `(option, self's value, given
    /// value)` with the option as clap names it (`"batch_size"` for `--batch-size`). `train
    /// --resume` refuses those the user passed, since the checkpoint's are the ones used.
    pub fn differences(&self, given: &RunConfig) -> Vec<(&'static str, String, String)> {
        fn opt(value: Option<f32>) -> String {
            value.map_or("unset (the optimizer's default)".into(), |v| v.to_string())
        }
        fn hidden(h: &[usize]) -> String {
            let sizes: Vec<String> = h.iter().map(usize::to_string).collect();
            sizes.join(",")
        }
        let schedule = |c: &RunConfig| {
            (c.optim.schedule)
                .as_ref()
                .map_or("none".to_string(), |s| s.to_string())
        };
        let (a, b) = (self, given);
        let all = [
            (
                "optimizer",
                a.optim.optimizer.clone(),
                b.optim.optimizer.clone(),
            ),
            ("lr", opt(a.optim.hyper().lr), opt(b.optim.hyper().lr)),
            ("momentum", opt(a.optim.momentum), opt(b.optim.momentum)),
            ("rho", opt(a.optim.rho), opt(b.optim.rho)),
            ("beta1", opt(a.optim.beta1), opt(b.optim.beta1)),
            ("beta2", opt(a.optim.beta2), opt(b.optim.beta2)),
            ("eps", opt(a.optim.eps), opt(b.optim.eps)),
            (
                "weight_decay",
                opt(a.optim.weight_decay),
                opt(b.optim.weight_decay),
            ),
            ("form", a.optim.form.to_string(), b.optim.form.to_string()),
            ("schedule", schedule(a), schedule(b)),
            ("hidden", hidden(&a.model.hidden), hidden(&b.model.hidden)),
            (
                "activation",
                a.model.activation.to_string(),
                b.model.activation.to_string(),
            ),
            ("init", a.model.init.to_string(), b.model.init.to_string()),
            (
                "dropout",
                a.model.dropout.to_string(),
                b.model.dropout.to_string(),
            ),
            (
                "batch_size",
                a.batch_size.to_string(),
                b.batch_size.to_string(),
            ),
            ("seed", a.seed.to_string(), b.seed.to_string()),
            ("lr_decay", a.lr_decay.to_string(), b.lr_decay.to_string()),
            (
                "val_split",
                a.val_split.to_string(),
                b.val_split.to_string(),
            ),
            (
                "dataset",
                a.dataset.clone().unwrap_or_else(|| "unnamed".into()),
                b.dataset.clone().unwrap_or_else(|| "unnamed".into()),
            ),
        ];
        all.into_iter().filter(|(_, x, y)| x != y).collect()
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
