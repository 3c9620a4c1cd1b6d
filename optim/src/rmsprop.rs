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
use serde::{Deserialize, Serialize};

use crate::error::{check_non_negative, check_positive, check_unit, OptimError};
use crate::form::Form;
use crate::rule::UpdateRule;

/// RMSProp. [`Default`] is the course form; [`RmsProp::pytorch`] PyTorch's defaults. On a
/// command line, `--form pytorch` also picks PyTorch's `λ` and `γ` unless they are given.
///
/// ```
/// use optim::{Form, RmsProp};
/// assert_eq!((RmsProp::default().lr, RmsProp::default().gamma), (0.001, 0.9));
/// assert_eq!(RmsProp::defaults(Form::PyTorch), RmsProp::pytorch());
/// assert_eq!(RmsProp::pytorch().to_string(), "rmsprop (lr 0.01, γ 0.99, ε 1e-8, weight decay 0, PyTorch form)");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct RmsProp {
    /// Learning rate λ (PyTorch form: 0.01)
    #[arg(long, default_value_t = RmsProp::default().lr, default_value_if("form", "pytorch", "0.01"))]
    pub lr: f32,
    /// Moving-average coefficient γ, in [0, 1) (PyTorch's alpha; PyTorch form: 0.99)
    #[arg(long, default_value_t = RmsProp::default().gamma, default_value_if("form", "pytorch", "0.99"))]
    pub gamma: f32,
    /// ε > 0 against division by zero
    #[arg(long, default_value_t = RmsProp::default().eps)]
    pub eps: f32,
    /// L2 weight decay wd: the gradient becomes g + wd·w
    #[arg(long, default_value_t = RmsProp::default().weight_decay)]
    pub weight_decay: f32,
    /// ε inside the root (course) or outside (PyTorch)
    #[arg(long, value_enum, default_value_t = RmsProp::default().form)]
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

    /// The defaults of `form`: [`Default`] or [`RmsProp::pytorch`].
    pub fn defaults(form: Form) -> Self {
        match form {
            Form::Course => RmsProp::default(),
            Form::PyTorch => RmsProp::pytorch(),
        }
    }
}

/// `rmsprop (lr 0.001, γ 0.9, ε 1e-8, weight decay 0, course form)`.
impl fmt::Display for RmsProp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "rmsprop (lr {}, γ {}, ε {:e}, weight decay {}, {} form)",
            self.lr,
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
        check_non_negative(self.name(), "lr", self.lr)?;
        check_unit(self.name(), "gamma", self.gamma)?;
        check_positive(self.name(), "eps", self.eps)?;
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
        state: &mut [ArrayViewMut1<f32>],
    ) {
        let (λ, γ, ε, wd) = (self.lr, self.gamma, self.eps, self.weight_decay);
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
