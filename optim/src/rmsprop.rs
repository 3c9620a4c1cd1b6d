//! RMSProp: AdaGrad with a moving average of squared gradients instead of their sum, so the
//! effective rate follows the recent gradient scale and does not decay to 0.
//!
//! Course form (the default), with `MA[g²]_0 = 0`:
//!
//! ```text
//! g ← g + wd · w                          (L2 weight decay, when wd > 0)
//! MA[g²] ← γ MA[g²] + (1 − γ) g²
//! w ← w − λ / sqrt(MA[g²] + ε) · g
//! ```
//!
//! PyTorch form (`RMSprop(lr, alpha=γ, eps)`) puts `ε` outside the root:
//! `w ← w − λ g / (sqrt(MA[g²]) + ε)`. Defaults: course `λ = 0.001, γ = 0.9, ε = 1e-8` (inside the
//! root; Hinton's lecture values), PyTorch `λ = 0.01, γ = 0.99, ε = 1e-8` (outside). PyTorch's
//! `momentum` and `centered` options are not offered (both off, PyTorch's defaults).

use std::fmt;

use ndarray::{ArrayView1, ArrayViewMut1, Zip};

use crate::error::{check_lr, check_non_negative, check_positive, check_unit, OptimError};
use crate::factory::Hyper;
use crate::rule::{Form, StepContext, UpdateRule};

/// RMSProp. [`Default`] is the course form; [`RmsProp::pytorch`] PyTorch's defaults.
///
/// ```
/// use optim::RmsProp;
/// assert_eq!((RmsProp::default().lr, RmsProp::default().gamma), (0.001, 0.9));
/// assert_eq!((RmsProp::pytorch().lr, RmsProp::pytorch().gamma), (0.01, 0.99));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RmsProp {
    /// Learning rate `λ` (course 0.001, PyTorch 0.01).
    pub lr: f32,
    /// Moving-average coefficient `γ` in `[0, 1)` (course 0.9, PyTorch's `alpha` 0.99).
    pub gamma: f32,
    /// `ε` > 0 against division by zero (1e-8; inside the root in the course form).
    pub eps: f32,
    /// L2 weight decay `wd` (default 0).
    pub weight_decay: f32,
    /// `ε` inside the root (course, default) or outside (PyTorch).
    pub form: Form,
}

impl Default for RmsProp {
    fn default() -> Self {
        RmsProp {
            lr: 0.001,
            gamma: 0.9,
            eps: 1e-8,
            weight_decay: 0.0,
            form: Form::Course,
        }
    }
}

impl RmsProp {
    /// PyTorch's `RMSprop()` defaults: `λ = 0.01`, `γ = 0.99`, `ε = 1e-8` outside the root.
    pub fn pytorch() -> Self {
        RmsProp {
            lr: 0.01,
            gamma: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            form: Form::PyTorch,
        }
    }

    /// The rule with the values `hp` sets (`hp.gamma` for `γ`) and, for the rest, the defaults
    /// of `hp.form` ([`by_name`](crate::by_name)).
    pub fn from_hyper(hp: &Hyper) -> RmsProp {
        let d = match hp.form {
            Form::Course => RmsProp::default(),
            Form::PyTorch => RmsProp::pytorch(),
        };
        RmsProp {
            lr: hp.lr.unwrap_or(d.lr),
            gamma: hp.gamma.unwrap_or(d.gamma),
            eps: hp.eps.unwrap_or(d.eps),
            weight_decay: hp.weight_decay.unwrap_or(d.weight_decay),
            form: d.form,
        }
    }
}

/// `γ 0.9, ε 1e-8, weight decay 0, course form`: the hyperparameters other than `λ` (see
/// [`UpdateRule`]).
impl fmt::Display for RmsProp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "γ {}, ε {:e}, weight decay {}, {} form",
            self.gamma,
            self.eps,
            self.weight_decay,
            self.form.label()
        )
    }
}

impl UpdateRule for RmsProp {
    fn name(&self) -> &'static str {
        "rmsprop"
    }

    fn state_slots(&self) -> &'static [&'static str] {
        &["ma_g2"]
    }

    fn validate(&self) -> Result<(), OptimError> {
        check_lr("rmsprop", self.lr)?;
        check_unit("rmsprop", "gamma", self.gamma)?;
        check_positive("rmsprop", "eps", self.eps)?;
        check_non_negative("rmsprop", "weight_decay", self.weight_decay)
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
        state: &mut [ArrayViewMut1<f32>],
    ) {
        let (λ, γ, ε, wd) = (ctx.lr, self.gamma, self.eps, ctx.weight_decay);
        let [ma_g2] = state else {
            unreachable!("one state slot")
        };
        match self.form {
            Form::Course => Zip::from(w).and(g).and(ma_g2).for_each(|w, &g, ma_g2| {
                let g = g + wd * *w;
                *ma_g2 = γ * *ma_g2 + (1.0 - γ) * g * g;
                *w -= λ / (*ma_g2 + ε).sqrt() * g;
            }),
            Form::PyTorch => Zip::from(w).and(g).and(ma_g2).for_each(|w, &g, ma_g2| {
                let g = g + wd * *w;
                *ma_g2 = γ * *ma_g2 + (1.0 - γ) * g * g;
                *w -= λ * g / (ma_g2.sqrt() + ε);
            }),
        }
    }
}
