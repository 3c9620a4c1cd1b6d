//! Choosing an optimizer by name at run time, for command-line examples.

use autograd::Parameters;

use crate::error::OptimError;
use crate::optimizer::{Optim, Optimizer};
use crate::rule::{Form, MomentumSchedule, UpdateRule};
use crate::{AdaDelta, AdaGrad, Adam, Momentum, Nesterov, RmsProp, Sgd};

/// Hyperparameters for [`by_name`]; `None` means the optimizer's documented default, and fields
/// an optimizer does not use are ignored.
///
/// ```
/// let hp = optim::Hyper { lr: Some(0.1), momentum: Some(0.5), ..Default::default() };
/// assert_eq!(hp.form, optim::Form::Course);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hyper {
    /// Learning rate `λ`.
    pub lr: Option<f32>,
    /// Constant momentum `μ` (momentum, nesterov).
    pub momentum: Option<f32>,
    /// Moving-average coefficient `γ` (adadelta: PyTorch's `rho`; rmsprop: PyTorch's `alpha`).
    pub gamma: Option<f32>,
    /// `β1` (adam, adamw).
    pub beta1: Option<f32>,
    /// `β2` (adam, adamw).
    pub beta2: Option<f32>,
    /// `ε` (adagrad, adadelta, rmsprop, adam, adamw).
    pub eps: Option<f32>,
    /// Weight decay: L2 for all, decoupled for adamw (default 0, adamw 0.01).
    pub weight_decay: Option<f32>,
    /// Course or PyTorch form (momentum, nesterov, adagrad, rmsprop; for adagrad and rmsprop it
    /// also picks that form's defaults).
    pub form: Form,
    /// Adam with decoupled weight decay, i.e. AdamW (`"adamw"` sets it anyway).
    pub decoupled: bool,
    /// Adam's denominator `sqrt(v̂ + ε)` instead of `sqrt(v̂) + ε`.
    pub eps_inside_sqrt: bool,
}

/// Builds the optimizer called `name` over `params`.
///
/// Names: `sgd`, `momentum`, `nesterov` (alias `nag`), `adagrad`, `adadelta`, `rmsprop`, `adam`,
/// `adamw` (case-insensitive).
///
/// # Errors
/// [`OptimError::UnknownOptimizer`] for another name; [`OptimError::InvalidHyperparameter`] for a
/// bad value.
///
/// ```
/// use autograd::{Parameters, Tensor};
/// let mut params = Parameters::new();
/// params.push("w", Tensor::scalar(1.0).requires_grad());
/// let hp = optim::Hyper { lr: Some(0.1), ..Default::default() };
/// let opt = optim::by_name("nag", params, &hp).unwrap();
/// assert_eq!((opt.name(), opt.lr()), ("nesterov", 0.1));
/// ```
pub fn by_name(name: &str, params: Parameters, hp: &Hyper) -> Result<Box<dyn Optim>, OptimError> {
    fn boxed<R: UpdateRule + 'static>(
        params: Parameters,
        rule: R,
    ) -> Result<Box<dyn Optim>, OptimError> {
        Ok(Box::new(Optimizer::new(params, rule)?))
    }
    let momentum =
        |default: MomentumSchedule| hp.momentum.map_or(default, MomentumSchedule::Constant);
    match name.to_ascii_lowercase().as_str() {
        "sgd" => {
            let d = Sgd::default();
            boxed(
                params,
                Sgd {
                    lr: hp.lr.unwrap_or(d.lr),
                    weight_decay: hp.weight_decay.unwrap_or(d.weight_decay),
                },
            )
        }
        "momentum" => {
            let d = Momentum::default();
            boxed(
                params,
                Momentum {
                    lr: hp.lr.unwrap_or(d.lr),
                    momentum: momentum(d.momentum),
                    weight_decay: hp.weight_decay.unwrap_or(d.weight_decay),
                    form: hp.form,
                },
            )
        }
        "nesterov" | "nag" => {
            let d = Nesterov::default();
            boxed(
                params,
                Nesterov {
                    lr: hp.lr.unwrap_or(d.lr),
                    momentum: momentum(d.momentum),
                    weight_decay: hp.weight_decay.unwrap_or(d.weight_decay),
                    form: hp.form,
                },
            )
        }
        "adagrad" => {
            let d = match hp.form {
                Form::Course => AdaGrad::default(),
                Form::PyTorch => AdaGrad::pytorch(),
            };
            boxed(
                params,
                AdaGrad {
                    lr: hp.lr.unwrap_or(d.lr),
                    eps: hp.eps.unwrap_or(d.eps),
                    weight_decay: hp.weight_decay.unwrap_or(d.weight_decay),
                    form: d.form,
                },
            )
        }
        "adadelta" => {
            let d = AdaDelta::default();
            boxed(
                params,
                AdaDelta {
                    lr: hp.lr.unwrap_or(d.lr),
                    gamma: hp.gamma.unwrap_or(d.gamma),
                    eps: hp.eps.unwrap_or(d.eps),
                    weight_decay: hp.weight_decay.unwrap_or(d.weight_decay),
                },
            )
        }
        "rmsprop" => {
            let d = match hp.form {
                Form::Course => RmsProp::default(),
                Form::PyTorch => RmsProp::pytorch(),
            };
            boxed(
                params,
                RmsProp {
                    lr: hp.lr.unwrap_or(d.lr),
                    gamma: hp.gamma.unwrap_or(d.gamma),
                    eps: hp.eps.unwrap_or(d.eps),
                    weight_decay: hp.weight_decay.unwrap_or(d.weight_decay),
                    form: d.form,
                },
            )
        }
        "adam" | "adamw" => {
            let decoupled = hp.decoupled || name.eq_ignore_ascii_case("adamw");
            let d = Adam::default();
            boxed(
                params,
                Adam {
                    lr: hp.lr.unwrap_or(d.lr),
                    beta1: hp.beta1.unwrap_or(d.beta1),
                    beta2: hp.beta2.unwrap_or(d.beta2),
                    eps: hp.eps.unwrap_or(d.eps),
                    weight_decay: hp.weight_decay.unwrap_or(if decoupled {
                        0.01
                    } else {
                        d.weight_decay
                    }),
                    decoupled_weight_decay: decoupled,
                    eps_inside_sqrt: hp.eps_inside_sqrt,
                },
            )
        }
        _ => Err(OptimError::UnknownOptimizer(name.to_string())),
    }
}
