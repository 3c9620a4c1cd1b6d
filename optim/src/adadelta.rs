//! AdaDelta: RMSProp whose learning rate is replaced by a moving average of past steps, so the
//! step has the unit of `w` and its effective rate does not decay to 0.
//!
//! With both averages starting at 0:
//!
//! ```text
//! g ← g + wd · w                                          (L2 weight decay, when wd > 0)
//! MA[g²] ← γ MA[g²] + (1 − γ) g²
//! Δw ← sqrt(MA[Δw²] + ε) / sqrt(MA[g²] + ε) · g           (MA[Δw²] of the previous step)
//! w ← w − λ Δw
//! MA[Δw²] ← γ MA[Δw²] + (1 − γ) Δw²
//! ```
//!
//! The course's rule has no learning rate: it is this one with `λ = 1`, the default.
//! PyTorch's `Adadelta(lr, rho=γ, eps)` multiplies the step by `lr` exactly as here (its
//! `MA[Δw²]` also averages the unscaled `Δw`), so there is no separate [`Form`](crate::Form): the
//! course form is `λ = 1`, and any `λ` reproduces PyTorch. Defaults are PyTorch's: `γ = 0.9`,
//! `ε = 1e-6` (the course gives no values).

use std::fmt;

use ndarray::{ArrayView1, ArrayViewMut1, Zip};

use crate::error::{check_lr, check_non_negative, check_positive, check_unit, OptimError};
use crate::factory::Hyper;
use crate::rule::{StepContext, UpdateRule};

/// AdaDelta.
///
/// ```
/// let a = optim::AdaDelta::default();
/// assert_eq!((a.lr, a.gamma, a.eps), (1.0, 0.9, 1e-6));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AdaDelta {
    /// Multiplier `λ` of the step (default 1: the course's rule, which has no learning rate).
    pub lr: f32,
    /// Moving-average coefficient `γ` in `[0, 1)` (PyTorch's `rho`, default 0.9).
    pub gamma: f32,
    /// `ε` > 0, inside both roots (default 1e-6). It also sets the size of the first steps,
    /// `sqrt(ε) / sqrt(MA[g²] + ε) · g`, since `MA[Δw²]` starts at 0.
    pub eps: f32,
    /// L2 weight decay `wd` (default 0).
    pub weight_decay: f32,
}

impl Default for AdaDelta {
    fn default() -> Self {
        AdaDelta {
            lr: 1.0,
            gamma: 0.9,
            eps: 1e-6,
            weight_decay: 0.0,
        }
    }
}

impl AdaDelta {
    /// The rule with the values `hp` sets (`hp.gamma` for `γ`) and the defaults above for the
    /// rest ([`by_name`](crate::by_name)).
    pub fn from_hyper(hp: &Hyper) -> AdaDelta {
        let d = AdaDelta::default();
        AdaDelta {
            lr: hp.lr.unwrap_or(d.lr),
            gamma: hp.gamma.unwrap_or(d.gamma),
            eps: hp.eps.unwrap_or(d.eps),
            weight_decay: hp.weight_decay.unwrap_or(d.weight_decay),
        }
    }
}

/// `γ 0.9, ε 1e-6, weight decay 0`: the hyperparameters other than `λ` (see [`UpdateRule`]).
impl fmt::Display for AdaDelta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "γ {}, ε {:e}, weight decay {}",
            self.gamma, self.eps, self.weight_decay
        )
    }
}

impl UpdateRule for AdaDelta {
    fn name(&self) -> &'static str {
        "adadelta"
    }

    fn state_slots(&self) -> &'static [&'static str] {
        &["ma_g2", "ma_dw2"]
    }

    fn validate(&self) -> Result<(), OptimError> {
        check_lr("adadelta", self.lr)?;
        check_unit("adadelta", "gamma", self.gamma)?;
        check_positive("adadelta", "eps", self.eps)?;
        check_non_negative("adadelta", "weight_decay", self.weight_decay)
    }

    fn lr(&self) -> f32 {
        self.lr
    }

    fn weight_decay(&self) -> f32 {
        self.weight_decay
    }

    #[allow(non_snake_case)] // `Δw` as in the formula
    fn update(
        &self,
        ctx: &StepContext,
        w: ArrayViewMut1<f32>,
        g: ArrayView1<f32>,
        state: &mut [ArrayViewMut1<f32>],
    ) {
        let (λ, γ, ε, wd) = (ctx.lr, self.gamma, self.eps, ctx.weight_decay);
        let [ma_g2, ma_dw2] = state else {
            unreachable!("two state slots")
        };
        Zip::from(w)
            .and(g)
            .and(ma_g2)
            .and(ma_dw2)
            .for_each(|w, &g, ma_g2, ma_dw2| {
                let g = g + wd * *w;
                *ma_g2 = γ * *ma_g2 + (1.0 - γ) * g * g;
                let Δw = (*ma_dw2 + ε).sqrt() / (*ma_g2 + ε).sqrt() * g;
                *w -= λ * Δw;
                *ma_dw2 = γ * *ma_dw2 + (1.0 - γ) * Δw * Δw;
            });
    }
}
