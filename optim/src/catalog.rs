//! The optimizers by name: one entry per optimizer, in the order of the course.
//!
//! [`by_name`](crate::by_name) looks names up here, and the programs take their lists from here
//! (the command-line choices, the seven of a comparison, the colours of the pictures), so a new
//! optimizer is its own file and one entry in [`ALL`].
//!
//! ```
//! use optim::catalog;
//! let course: Vec<&str> = catalog::course().map(|e| e.name).collect();
//! assert_eq!(course, ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"]);
//! assert_eq!(catalog::find("NAG").map(|e| e.name), Some("nesterov"));
//! assert_eq!(catalog::find("adamw").map(|e| e.recommended_lr), Some(0.001));
//! ```

use std::fmt;

use autograd::Parameters;

use crate::error::OptimError;
use crate::factory::Hyper;
use crate::optimizer::{Optim, Optimizer};
use crate::rule::UpdateRule;
use crate::{AdaDelta, AdaGrad, Adam, Momentum, Nesterov, RmsProp, Sgd};

/// One optimizer: its names, what it is, the learning rate to start from, how to build it.
pub struct Entry {
    /// The canonical name, the one [`UpdateRule::name`] gives (`"nesterov"`).
    pub name: &'static str,
    /// Other names that [`find`] accepts for it (`["nag"]`).
    pub aliases: &'static [&'static str],
    /// What it is, in one line.
    pub summary: &'static str,
    /// One of the seven rules of the course; AdamW, Adam with another weight decay, is not.
    pub in_course: bool,
    /// The learning rate to start from on a small fully connected network, the one the MNIST
    /// examples use when none is given (784-512-512-10 ReLU, batch 64); it may differ from the
    /// optimizer's own `Default`.
    pub recommended_lr: f32,
    /// Why that rate.
    pub lr_reason: &'static str,
    /// The [`Hyper`] fields it reads (`"lr"`, `"beta1"`, …); [`Entry::build`] refuses any other
    /// field that is set. `form` is not listed: every optimizer has both forms, identical for
    /// the ones whose formulas agree.
    pub uses: &'static [&'static str],
    /// The optimizer with the hyperparameters `hp` sets and its defaults for the rest.
    build: Build,
}

/// How an [`Entry`] builds its optimizer.
type Build = fn(Parameters, &Hyper) -> Result<Box<dyn Optim>, OptimError>;

/// Every optimizer, in the order of the course; AdamW follows Adam.
pub static ALL: &[Entry] = &[
    Entry {
        name: "sgd",
        aliases: &[],
        summary: "gradient descent, w ← w − λ g",
        in_course: true,
        recommended_lr: 0.1,
        lr_reason: "plain steps need a large rate to make progress in a few epochs",
        uses: &["lr", "weight_decay"],
        build: |params, hp| boxed(params, Sgd::from_hyper(hp)),
    },
    Entry {
        name: "momentum",
        aliases: &[],
        summary: "momentum (heavy ball): a velocity that sums past steps",
        in_course: true,
        recommended_lr: 0.01,
        lr_reason: "course form: ĝ already includes λ and sums about 1/(1 − μ) = 10 steps, so \
                    0.01 is about SGD at 0.1",
        uses: &["lr", "momentum", "weight_decay"],
        build: |params, hp| boxed(params, Momentum::from_hyper(hp)),
    },
    Entry {
        name: "nesterov",
        aliases: &["nag"],
        summary:
            "Nesterov accelerated gradient: momentum with the gradient at the look-ahead point",
        in_course: true,
        recommended_lr: 0.01,
        lr_reason: "the same effective step as momentum",
        uses: &["lr", "momentum", "weight_decay"],
        build: |params, hp| boxed(params, Nesterov::from_hyper(hp)),
    },
    Entry {
        name: "adagrad",
        aliases: &[],
        summary: "AdaGrad: a per-weight rate that shrinks with the sum of squared gradients",
        in_course: true,
        recommended_lr: 0.01,
        lr_reason: "the classic default; G only grows, so the rate only shrinks from here",
        uses: &["lr", "eps", "weight_decay"],
        build: |params, hp| boxed(params, AdaGrad::from_hyper(hp)),
    },
    Entry {
        name: "adadelta",
        aliases: &[],
        summary: "AdaDelta: RMSProp with a moving average of past steps in place of λ",
        in_course: true,
        recommended_lr: 1.0,
        lr_reason: "the course form has no rate (the ratio carries the unit of w); 1 is \
                    PyTorch's neutral multiplier",
        uses: &["lr", "gamma", "eps", "weight_decay"],
        build: |params, hp| boxed(params, AdaDelta::from_hyper(hp)),
    },
    Entry {
        name: "rmsprop",
        aliases: &[],
        summary: "RMSProp: a per-weight rate from a moving average of squared gradients",
        in_course: true,
        recommended_lr: 0.001,
        lr_reason: "a per-weight normalized step: λ is roughly the step size per weight",
        uses: &["lr", "gamma", "eps", "weight_decay"],
        build: |params, hp| boxed(params, RmsProp::from_hyper(hp)),
    },
    Entry {
        name: "adam",
        aliases: &[],
        summary: "Adam: momentum over RMSProp's scale, both corrected for starting at 0",
        in_course: true,
        recommended_lr: 0.001,
        lr_reason: "Kingma & Ba's default, and PyTorch's",
        uses: &[
            "lr",
            "beta1",
            "beta2",
            "eps",
            "weight_decay",
            "eps_inside_sqrt",
        ],
        build: |params, hp| boxed(params, Adam::from_hyper(hp)),
    },
    Entry {
        name: "adamw",
        aliases: &[],
        summary: "AdamW: Adam with decoupled weight decay (0.01 unless set)",
        in_course: false,
        recommended_lr: 0.001,
        lr_reason: "as Adam; decoupled weight decay 0.01",
        uses: &[
            "lr",
            "beta1",
            "beta2",
            "eps",
            "weight_decay",
            "eps_inside_sqrt",
            "decoupled",
        ],
        build: |params, hp| {
            let hp = Hyper {
                decoupled: true,
                ..hp.clone()
            };
            boxed(params, Adam::from_hyper(&hp))
        },
    },
];

/// An optimizer over `params` as a trait object.
fn boxed<R: UpdateRule + 'static>(
    params: Parameters,
    rule: R,
) -> Result<Box<dyn Optim>, OptimError> {
    Ok(Box::new(Optimizer::new(params, rule)?))
}

/// The seven rules of the course, in its order.
pub fn course() -> impl Iterator<Item = &'static Entry> {
    ALL.iter().filter(|e| e.in_course)
}

/// The entry one of whose names ([`Entry::names`]) is `name`, in any case.
pub fn find(name: &str) -> Option<&'static Entry> {
    ALL.iter()
        .find(|e| e.names().any(|n| n.eq_ignore_ascii_case(name)))
}

impl Entry {
    /// The canonical name, then the aliases.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.name).chain(self.aliases.iter().copied())
    }

    /// Builds the optimizer over `params` with the values `hp` sets and the optimizer's
    /// documented defaults for the rest.
    ///
    /// # Errors
    /// [`OptimError::NotUsed`] naming the first field `hp` sets that this optimizer has no use
    /// for (`beta1` for SGD); [`OptimError::InvalidHyperparameter`] naming the first bad value.
    pub fn build(&self, params: Parameters, hp: &Hyper) -> Result<Box<dyn Optim>, OptimError> {
        if let Some(field) = hp.set_fields().find(|f| !self.uses.contains(f)) {
            return Err(OptimError::NotUsed {
                optimizer: self.name,
                what: field,
                uses: self.uses,
            });
        }
        (self.build)(params, hp)
    }
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("name", &self.name)
            .field("aliases", &self.aliases)
            .field("in_course", &self.in_course)
            .field("recommended_lr", &self.recommended_lr)
            .field("uses", &self.uses)
            .finish_non_exhaustive()
    }
}
