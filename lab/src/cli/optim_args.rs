//! The optimizer options: which optimizer, its hyperparameters, whose formulas, a schedule.

use autograd::Parameters;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::Args;
use optim::catalog::{self, Entry};
use optim::scheduler::ScheduleSpec;
use optim::{Form, Hyper, Optim, OptimError};
use serde::{Deserialize, Serialize};

use crate::option_names::option_error;
use crate::serde_text::{opt_text, text};
use crate::training::OptimConfig;

/// The learning rate used when `--lr` is not given: the catalog's rate to start from
/// ([`Entry::recommended_lr`], with its reason), which `compare` also starts from.
///
/// # Panics
/// If `optimizer` is in no catalog entry (names are checked when parsed).
#[track_caller]
pub fn recommended_lr(optimizer: &str) -> f32 {
    entry(optimizer).recommended_lr
}

#[track_caller]
fn entry(optimizer: &str) -> &'static Entry {
    catalog::find(optimizer).unwrap_or_else(|| {
        panic!("unknown optimizer `{optimizer}` (names are checked when parsed)")
    })
}

/// Parses an optimizer name or alias (any case, `nag` for `nesterov`) to its canonical name.
///
/// # Errors
/// The message of [`OptimError::UnknownOptimizer`], which names the value and lists the choices.
pub fn parse_optimizer(name: &str) -> Result<String, String> {
    catalog::find(name)
        .map(|e| e.name.to_string())
        .ok_or_else(|| OptimError::UnknownOptimizer(name.to_string()).to_string())
}

/// The parser of an `--optimizer` option: the catalog's names and aliases, which `--help`
/// lists with each one's summary, read as the canonical name (set `ignore_case` on the
/// argument to accept any case).
pub fn optimizer_parser() -> impl TypedValueParser<Value = String> {
    let values = catalog::ALL.iter().map(|e| {
        let help = match e.aliases {
            [] => e.summary.to_string(),
            aliases => format!("{} (also {})", e.summary, aliases.join(", ")),
        };
        PossibleValue::new(e.name)
            .aliases(e.aliases.iter().copied())
            .help(help)
    });
    PossibleValuesParser::new(values)
        .map(|name| parse_optimizer(&name).expect("clap accepts only the catalog's names"))
}

/// The parser of a `--form` option: `course` or `pytorch`, listed in `--help`.
pub fn form_parser() -> impl TypedValueParser<Value = Form> {
    PossibleValuesParser::new(Form::ALL.map(Form::as_str))
        .map(|text| text.parse().expect("clap accepts only the two spellings"))
}

/// `--lr`'s help: the rate each optimizer starts from when it is not given.
fn lr_help() -> String {
    let rates: Vec<String> = catalog::ALL
        .iter()
        .map(|e| format!("{} {}", e.name, e.recommended_lr))
        .collect();
    format!(
        "Learning rate λ [default: the optimizer's: {}]",
        rates.join(", ")
    )
}

/// The optimizer and its hyperparameters. Unset values take the optimizer's own default.
#[derive(Args, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[command(next_help_heading = "Optimizer")]
pub struct OptimArgs {
    /// Optimizer, by name or alias (any case)
    #[arg(long, default_value = "adam", value_parser = optimizer_parser(), ignore_case = true)]
    pub optimizer: String,
    /// Learning rate λ [default: the catalog's rate to start from, per optimizer]
    #[arg(long, allow_negative_numbers = true, help = lr_help())]
    pub lr: Option<f32>,
    /// Momentum μ of momentum and nesterov [default: 0.9]
    #[arg(long, allow_negative_numbers = true)]
    pub momentum: Option<f32>,
    /// Moving-average coefficient γ of adadelta and rmsprop (PyTorch's rho / alpha)
    /// [default: 0.9; rmsprop --form pytorch 0.99]
    #[arg(long, allow_negative_numbers = true)]
    pub rho: Option<f32>,
    /// Adam's β1 [default: 0.9]
    #[arg(long, allow_negative_numbers = true)]
    pub beta1: Option<f32>,
    /// Adam's β2 [default: 0.999]
    #[arg(long, allow_negative_numbers = true)]
    pub beta2: Option<f32>,
    /// ε against division by zero [default: adadelta 1e-6, others 1e-8; adagrad --form pytorch 1e-10]
    #[arg(long, allow_negative_numbers = true)]
    pub eps: Option<f32>,
    /// The course's formulas or PyTorch's (momentum, nesterov, adagrad, rmsprop differ)
    #[arg(long, value_parser = form_parser(), default_value_t = Form::Course)]
    #[serde(with = "text")]
    pub form: Form,
    /// L2 weight decay (decoupled for adamw) [default: 0; adamw 0.01]
    #[arg(long, allow_negative_numbers = true)]
    pub weight_decay: Option<f32>,
    /// Learning-rate schedule, stepped once per epoch: constant, step:SIZE:GAMMA,
    /// multistep:M1,M2:GAMMA, exp:GAMMA, cosine:T_MAX or cosine:T_MAX:ETA_MIN, warmup:ITERS or warmup:ITERS,FACTOR,
    /// warmup-cosine:WARMUP:T_MAX, plateau:FACTOR:PATIENCE [default: constant]
    #[arg(long, value_name = "SPEC")]
    #[serde(with = "opt_text")]
    pub schedule: Option<ScheduleSpec>,
}

impl Default for OptimArgs {
    /// The command-line defaults: Adam with its own hyperparameters, no schedule.
    fn default() -> Self {
        OptimArgs::for_optimizer("adam")
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

impl OptimArgs {
    /// The defaults for another optimizer (canonical name, see `optim::catalog`).
    pub fn for_optimizer(name: &str) -> OptimArgs {
        OptimArgs {
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

    /// The learning rate: `--lr` or the optimizer's rate to start from (as
    /// [`OptimConfig::lr`], which this group converts to).
    pub fn lr(&self) -> f32 {
        OptimConfig::from(self).lr()
    }

    /// The hyperparameters for [`optim::by_name`], with the learning rate resolved.
    pub fn hyper(&self) -> Hyper {
        OptimConfig::from(self).hyper()
    }

    /// Builds the optimizer over `params`.
    ///
    /// # Errors
    /// A one-line message naming the option that set a bad value, e.g.
    /// `--lr: adam: lr = -1 must be finite and >= 0`.
    pub fn build(&self, params: Parameters) -> Result<Box<dyn Optim>, String> {
        OptimConfig::from(self)
            .build(params)
            .map_err(|e| option_error(&e))
    }

    /// One line with every hyperparameter the optimizer uses, defaults resolved, as the built
    /// optimizer shows them, and the schedule: `adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8,
    /// weight decay 0)`. Values the optimizer refuses are shown as its error.
    pub fn describe(&self) -> String {
        let shown = match self.build(Parameters::new()) {
            Ok(optimizer) => optimizer.to_string(),
            Err(e) => return format!("{} ({e})", self.optimizer),
        };
        match &self.schedule {
            // The schedule joins the hyperparameters inside the parentheses.
            Some(s) => format!(
                "{}, schedule {s})",
                shown.strip_suffix(')').unwrap_or(&shown)
            ),
            None => shown,
        }
    }
}
