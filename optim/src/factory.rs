//! Choosing an optimizer by name at run time, for command-line examples.

use autograd::Parameters;

use crate::catalog;
use crate::error::OptimError;
use crate::optimizer::Optim;
use crate::rule::Form;

/// Hyperparameters for [`by_name`] (and each rule's `from_hyper`); `None` means the optimizer's
/// documented default, and fields an optimizer does not use are ignored.
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

/// Builds the optimizer called `name` over `params`: the [`catalog`] entry with that name or
/// alias, in any case (`sgd`, `momentum`, `nesterov` or `nag`, `adagrad`, `adadelta`, `rmsprop`,
/// `adam`, `adamw`).
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
    catalog::find(name)
        .ok_or_else(|| OptimError::UnknownOptimizer(name.to_string()))?
        .build(params, hp)
}
