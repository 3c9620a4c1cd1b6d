//! The optimizers by name, for a program that picks one at run time: [`Algorithm`].
//!
//! `Optimizer<Algorithm>` is the run-time-chosen optimizer: the enum holds one of the seven
//! structs and forwards every [`UpdateRule`] method to it, so there is no trait object and no
//! second copy of any hyperparameter. A new optimizer is its own file, one variant, and one
//! line in each `match` below.
//!
//! ```
//! use optim::{Algorithm, Form, UpdateRule};
//! assert_eq!(Algorithm::COURSE, ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"]);
//! let nag = Algorithm::defaults("NAG", Form::PyTorch).expect("an alias");
//! assert_eq!(nag.to_string(), "nesterov (lr 0.01, μ 0.9, weight decay 0, PyTorch form)");
//! let json = serde_json::to_string(&nag).unwrap();
//! assert_eq!(json, r#"{"optimizer":"nesterov","lr":0.01,"momentum":0.9,"weight_decay":0.0,"form":"pytorch"}"#);
//! assert_eq!(serde_json::from_str::<Algorithm>(&json).unwrap(), nag);
//! ```

use std::fmt;

use ndarray::{ArrayD, ArrayView1, ArrayViewMut1};
use serde::{Deserialize, Serialize};

use crate::adadelta::AdaDelta;
use crate::adagrad::AdaGrad;
use crate::adam::Adam;
use crate::error::OptimError;
use crate::form::Form;
use crate::momentum::Momentum;
use crate::nesterov::Nesterov;
use crate::rmsprop::RmsProp;
use crate::rule::UpdateRule;
use crate::sgd::Sgd;

/// One of the optimizers, chosen at run time. Saved (serde) with its name as the tag,
/// `{"optimizer":"adam","lr":0.001,…}`; on a command line each variant is a subcommand whose
/// options are its struct's fields (`adam --lr 0.01`, `nag --form pytorch`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, clap::Subcommand)]
#[serde(tag = "optimizer", rename_all = "lowercase")]
pub enum Algorithm {
    /// Gradient descent, w ← w − λ g
    Sgd(Sgd),
    /// Momentum (heavy ball): a velocity that sums past steps
    Momentum(Momentum),
    /// Nesterov accelerated gradient: momentum with the gradient at the look-ahead point
    #[command(alias = "nag")]
    Nesterov(Nesterov),
    /// AdaGrad: a per-weight rate that shrinks with the sum of squared gradients
    Adagrad(AdaGrad),
    /// AdaDelta: RMSProp with a moving average of past steps in place of λ
    Adadelta(AdaDelta),
    /// RMSProp: a per-weight rate from a moving average of squared gradients
    Rmsprop(RmsProp),
    /// Adam: momentum over RMSProp's scale, both corrected for starting at 0 (AdamW with
    /// --decoupled-weight-decay)
    Adam(Adam),
}

/// `$body` with `$rule` bound to the struct inside `$algorithm`, whichever variant it is.
macro_rules! each {
    ($algorithm:expr, $rule:ident => $body:expr) => {
        match $algorithm {
            Algorithm::Sgd($rule) => $body,
            Algorithm::Momentum($rule) => $body,
            Algorithm::Nesterov($rule) => $body,
            Algorithm::Adagrad($rule) => $body,
            Algorithm::Adadelta($rule) => $body,
            Algorithm::Rmsprop($rule) => $body,
            Algorithm::Adam($rule) => $body,
        }
    };
}

impl Algorithm {
    /// The seven rules of the course, in its order.
    pub const COURSE: [&'static str; 7] = [
        "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam",
    ];

    /// Every name [`Algorithm::defaults`] knows: the course's seven, then AdamW.
    pub const NAMES: [&'static str; 8] = [
        "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw",
    ];

    /// Other names [`Algorithm::defaults`] accepts, each with the name it stands for.
    pub const ALIASES: [(&'static str, &'static str); 1] = [("nag", "nesterov")];

    /// The names and aliases, as [`OptimError::UnknownOptimizer`] lists them.
    const KNOWN: [&'static str; 9] = [
        "sgd", "momentum", "nesterov", "nag", "adagrad", "adadelta", "rmsprop", "adam", "adamw",
    ];

    /// The optimizer called `name` (a name or alias, in any case) with its documented defaults
    /// in `form`; AdamW is [`Adam::adamw`]. `None` for an unknown name.
    pub fn defaults(name: &str, form: Form) -> Option<Algorithm> {
        let name = name.trim().to_ascii_lowercase();
        let name = Algorithm::ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .map_or(name.as_str(), |(_, canonical)| canonical);
        Some(match name {
            "sgd" => Algorithm::Sgd(Sgd::default()),
            "momentum" => Algorithm::Momentum(Momentum::defaults(form)),
            "nesterov" => Algorithm::Nesterov(Nesterov::defaults(form)),
            "adagrad" => Algorithm::Adagrad(AdaGrad::defaults(form)),
            "adadelta" => Algorithm::Adadelta(AdaDelta::defaults(form)),
            "rmsprop" => Algorithm::Rmsprop(RmsProp::defaults(form)),
            "adam" => Algorithm::Adam(Adam::default()),
            "adamw" => Algorithm::Adam(Adam::adamw()),
            _ => return None,
        })
    }

    /// As [`Algorithm::defaults`], with an error for an unknown name.
    ///
    /// # Errors
    /// [`OptimError::UnknownOptimizer`], listing the names and aliases.
    pub fn named(name: &str, form: Form) -> Result<Algorithm, OptimError> {
        Algorithm::defaults(name, form).ok_or_else(|| OptimError::UnknownOptimizer {
            name: name.to_string(),
            known: &Algorithm::KNOWN,
        })
    }

    /// What it is, in one line.
    pub fn summary(&self) -> &'static str {
        match self {
            Algorithm::Sgd(_) => "gradient descent, w ← w − λ g",
            Algorithm::Momentum(_) => "momentum (heavy ball): a velocity that sums past steps",
            Algorithm::Nesterov(_) => {
                "Nesterov accelerated gradient: momentum with the gradient at the look-ahead point"
            }
            Algorithm::Adagrad(_) => {
                "AdaGrad: a per-weight rate that shrinks with the sum of squared gradients"
            }
            Algorithm::Adadelta(_) => {
                "AdaDelta: RMSProp with a moving average of past steps in place of λ"
            }
            Algorithm::Rmsprop(_) => {
                "RMSProp: a per-weight rate from a moving average of squared gradients"
            }
            Algorithm::Adam(adam) if adam.decoupled_weight_decay => {
                "AdamW: Adam with decoupled weight decay"
            }
            Algorithm::Adam(_) => {
                "Adam: momentum over RMSProp's scale, both corrected for starting at 0"
            }
        }
    }

    /// True when the course and PyTorch forms differ for this optimizer, i.e. its struct has a
    /// `form` field (Momentum, NAG, AdaGrad, AdaDelta, RMSProp).
    pub fn has_form(&self) -> bool {
        !matches!(self, Algorithm::Sgd(_) | Algorithm::Adam(_))
    }
}

/// As the struct inside: `adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, weight decay 0)`.
impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        each!(self, rule => rule.fmt(f))
    }
}

/// Every method is the struct's own.
impl UpdateRule for Algorithm {
    fn name(&self) -> &'static str {
        each!(self, rule => rule.name())
    }

    fn state_slots(&self) -> &'static [&'static str] {
        each!(self, rule => rule.state_slots())
    }

    fn validate(&self) -> Result<(), OptimError> {
        each!(self, rule => rule.validate())
    }

    fn lr(&self) -> Option<f32> {
        each!(self, rule => rule.lr())
    }

    fn set_lr(&mut self, lr: f32) {
        each!(self, rule => rule.set_lr(lr))
    }

    fn momentum(&self) -> Option<f32> {
        each!(self, rule => rule.momentum())
    }

    fn set_momentum(&mut self, mu: f32) {
        each!(self, rule => rule.set_momentum(mu))
    }

    fn update(
        &self,
        t: u64,
        w: ArrayViewMut1<f32>,
        g: ArrayView1<f32>,
        state: &mut [ArrayViewMut1<f32>],
    ) {
        each!(self, rule => rule.update(t, w, g, state))
    }

    fn needs_closure(&self) -> bool {
        each!(self, rule => rule.needs_closure())
    }

    fn look_ahead(&self, w: &mut ArrayD<f32>, state: &[ArrayD<f32>]) {
        each!(self, rule => rule.look_ahead(w, state))
    }

    fn look_back(&self, w: &mut ArrayD<f32>, state: &[ArrayD<f32>]) {
        each!(self, rule => rule.look_back(w, state))
    }
}

/// `Algorithm::from(Adam::default())`, and so on for each struct.
macro_rules! from_each {
    ($($variant:ident($rule:ty)),*) => {$(
        impl From<$rule> for Algorithm {
            fn from(rule: $rule) -> Algorithm {
                Algorithm::$variant(rule)
            }
        }
    )*};
}

from_each!(
    Sgd(Sgd),
    Momentum(Momentum),
    Nesterov(Nesterov),
    Adagrad(AdaGrad),
    Adadelta(AdaDelta),
    Rmsprop(RmsProp),
    Adam(Adam)
);
