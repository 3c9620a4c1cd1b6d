//! Stochastic gradient descent: a step against the gradient.
//!
//! ```text
//! g ← g + wd · w          (L2 weight decay, when wd > 0)
//! w ← w − λ g
//! ```
//!
//! The course and PyTorch (`SGD(lr)`, no momentum) agree. Whether `g` is the gradient of one
//! example, a mini-batch or the full batch is the caller's choice of loss, not the optimizer's.
//! PyTorch's `dampening` and `maximize` options are not offered.

use std::fmt;

use ndarray::{ArrayView1, ArrayViewMut1, Zip};

use crate::error::{check_lr, check_non_negative, OptimError};
use crate::factory::Hyper;
use crate::rule::{StepContext, UpdateRule};

/// Plain gradient descent, `w ← w − λ g`.
///
/// ```
/// let sgd = optim::Sgd::default();
/// assert_eq!((sgd.lr, sgd.weight_decay), (0.01, 0.0));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Sgd {
    /// Learning rate `λ` (default 0.01; PyTorch's is 0.001).
    pub lr: f32,
    /// L2 weight decay `wd` (default 0).
    pub weight_decay: f32,
}

impl Default for Sgd {
    fn default() -> Self {
        Sgd {
            lr: 0.01,
            weight_decay: 0.0,
        }
    }
}

impl Sgd {
    /// The rule with the values `hp` sets and the defaults above for the rest
    /// ([`by_name`](crate::by_name)).
    pub fn from_hyper(hp: &Hyper) -> Sgd {
        let d = Sgd::default();
        Sgd {
            lr: hp.lr.unwrap_or(d.lr),
            weight_decay: hp.weight_decay.unwrap_or(d.weight_decay),
        }
    }
}

/// `weight decay 0`: the hyperparameters other than `λ` (see [`UpdateRule`]).
impl fmt::Display for Sgd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "weight decay {}", self.weight_decay)
    }
}

impl UpdateRule for Sgd {
    fn name(&self) -> &'static str {
        "sgd"
    }

    fn state_slots(&self) -> &'static [&'static str] {
        &[]
    }

    fn validate(&self) -> Result<(), OptimError> {
        check_lr("sgd", self.lr)?;
        check_non_negative("sgd", "weight_decay", self.weight_decay)
    }

    fn lr(&self) -> f32 {
        self.lr
    }

    fn weight_decay(&self) -> f32 {
        self.weight_decay
    }

    fn update(
        &self,
        ctx: &StepContext,
        w: ArrayViewMut1<f32>,
        g: ArrayView1<f32>,
        _state: &mut [ArrayViewMut1<f32>],
    ) {
        let (λ, wd) = (ctx.lr, ctx.weight_decay);
        Zip::from(w).and(g).for_each(|w, &g| {
            let g = g + wd * *w;
            *w -= λ * g;
        });
    }
}
