//! Stochastic gradient descent: a step against the gradient.
//!
//! ```text
//! g ← g + wd · w          (L2 weight decay, when wd > 0)
//! w ← w − λ g
//! ```
//!
//! The course and PyTorch (`SGD(lr)`, no momentum) agree, so there is no
//! [`Form`](crate::Form). Whether `g` is the gradient of one example, a mini-batch or the full
//! batch is the caller's choice of loss, not the optimizer's. PyTorch's `dampening` and
//! `maximize` options are not offered, and its default `lr` is 0.001 where ours is 0.01.

use std::fmt;

use ndarray::{ArrayView1, ArrayViewMut1, Zip};
use serde::{Deserialize, Serialize};

use crate::error::{check_non_negative, OptimError};
use crate::rule::UpdateRule;

/// Plain gradient descent, `w ← w − λ g`. Defaults: `λ = 0.01`, `wd = 0`.
///
/// ```
/// let sgd = optim::Sgd::default();
/// assert_eq!((sgd.lr, sgd.weight_decay), (0.01, 0.0));
/// assert_eq!(sgd.to_string(), "sgd (lr 0.01, weight decay 0)");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct Sgd {
    /// Learning rate λ
    #[arg(long, default_value_t = Sgd::default().lr)]
    pub lr: f32,
    /// L2 weight decay wd: the gradient becomes g + wd·w
    #[arg(long, default_value_t = Sgd::default().weight_decay)]
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

/// `sgd (lr 0.01, weight decay 0)`.
impl fmt::Display for Sgd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "sgd (lr {}, weight decay {})",
            self.lr, self.weight_decay
        )
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
        check_non_negative(self.name(), "lr", self.lr)?;
        check_non_negative(self.name(), "weight_decay", self.weight_decay)
    }

    fn lr(&self) -> Option<f32> {
        Some(self.lr)
    }

    fn set_lr(&mut self, lr: f32) {
        self.lr = lr;
    }

    fn update(
        &self,
        _t: u64,
        w: ArrayViewMut1<f32>,
        g: ArrayView1<f32>,
        _state: &mut [ArrayViewMut1<f32>],
    ) {
        let (λ, wd) = (self.lr, self.weight_decay);
        Zip::from(w).and(g).for_each(|w, &g| {
            let g = g + wd * *w;
            *w -= λ * g;
        });
    }
}
