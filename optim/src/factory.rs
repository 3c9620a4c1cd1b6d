//! Choosing an optimizer by name at run time, for command-line examples.

use autograd::Parameters;

use crate::catalog;
use crate::error::OptimError;
use crate::optimizer::Optim;
use crate::rule::Form;

/// Hyperparameters for [`by_name`] (and each rule's `from_hyper`); `None` means the optimizer's
/// documented default. [`by_name`] refuses a field set for an optimizer that has no such
/// hyperparameter (`beta1` for SGD), so a value is never silently ignored; `from_hyper` itself
/// ignores the fields it does not read.
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

impl Hyper {
    /// The names of the fields that are set: the `Some` values and the flags that are `true`
    /// (`form` always has a value, so it is never listed).
    ///
    /// ```
    /// let hp = optim::Hyper { lr: Some(0.1), beta1: Some(0.8), ..Default::default() };
    /// assert_eq!(hp.set_fields().collect::<Vec<_>>(), ["lr", "beta1"]);
    /// ```
    pub fn set_fields(&self) -> impl Iterator<Item = &'static str> {
        let fields = [
            ("lr", self.lr.is_some()),
            ("momentum", self.momentum.is_some()),
            ("gamma", self.gamma.is_some()),
            ("beta1", self.beta1.is_some()),
            ("beta2", self.beta2.is_some()),
            ("eps", self.eps.is_some()),
            ("weight_decay", self.weight_decay.is_some()),
            ("decoupled", self.decoupled),
            ("eps_inside_sqrt", self.eps_inside_sqrt),
        ];
        fields
            .into_iter()
            .filter(|&(_, set)| set)
            .map(|(name, _)| name)
    }
}

/// Builds the optimizer called `name` over `params`: the [`catalog`] entry with that name or
/// alias, in any case (`sgd`, `momentum`, `nesterov` or `nag`, `adagrad`, `adadelta`, `rmsprop`,
/// `adam`, `adamw`).
///
/// # Errors
/// [`OptimError::UnknownOptimizer`] for another name; [`OptimError::NotUsed`] for a field the
/// optimizer has no use for; [`OptimError::InvalidHyperparameter`] for a bad value.
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
