//! AdaDelta: RMSProp whose learning rate is replaced by a moving average of past steps, so the
//! step has the unit of `w` and its effective rate does not decay to 0.
//!
//! Course form (the default), with both averages starting at 0:
//!
//! ```text
//! g ← g + wd · w                                          (L2 weight decay, when wd > 0)
//! MA[g²] ← γ MA[g²] + (1 − γ) g²
//! Δw ← sqrt(MA[Δw²] + ε) / sqrt(MA[g²] + ε) · g           (MA[Δw²] of the previous step)
//! w ← w − Δw
//! MA[Δw²] ← γ MA[Δw²] + (1 − γ) Δw²
//! ```
//!
//! The course's rule has no learning rate: `lr` stays at 1 in this form (anything else is
//! refused, [`OptimError::NotInForm`]) and a scheduler has nothing to schedule.
//!
//! PyTorch form (`Adadelta(lr, rho=γ, eps)`): the same with the move multiplied by `λ`,
//! `w ← w − λ Δw` (its `MA[Δw²]` also averages the unscaled `Δw`); with `λ = 1`, its default,
//! the two forms are identical. Defaults are PyTorch's in both forms: `γ = 0.9`, `ε = 1e-6`
//! (the course gives no values).

use std::fmt;

use ndarray::{ArrayView1, ArrayViewMut1, Zip};
use serde::{Deserialize, Serialize};

use crate::error::{check_non_negative, check_positive, check_unit, OptimError};
use crate::form::Form;
use crate::rule::UpdateRule;

/// AdaDelta. Defaults: `λ = 1`, `γ = 0.9`, `ε = 1e-6`, `wd = 0`, course form.
///
/// ```
/// use optim::{AdaDelta, Form, UpdateRule};
/// let a = AdaDelta::default();
/// assert_eq!((a.lr(), a.gamma, a.eps), (None, 0.9, 1e-6));
/// assert_eq!(a.to_string(), "adadelta (γ 0.9, ε 1e-6, weight decay 0, course form)");
/// let half = AdaDelta { lr: 0.5, ..AdaDelta::default() };
/// assert_eq!(
///     half.validate().unwrap_err().to_string(),
///     "adadelta: the course form has no learning rate (lr = 0.5); the PyTorch form multiplies the step by lr"
/// );
/// assert!(AdaDelta { form: Form::PyTorch, ..half }.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct AdaDelta {
    /// Multiplier λ of the step (PyTorch form only; the course form has none)
    #[arg(long, default_value_t = AdaDelta::default().lr)]
    pub lr: f32,
    /// Moving-average coefficient γ, in [0, 1) (PyTorch's rho)
    #[arg(long, default_value_t = AdaDelta::default().gamma)]
    pub gamma: f32,
    /// ε > 0 inside both roots; it also sets the size of the first steps
    #[arg(long, default_value_t = AdaDelta::default().eps)]
    pub eps: f32,
    /// L2 weight decay wd: the gradient becomes g + wd·w
    #[arg(long, default_value_t = AdaDelta::default().weight_decay)]
    pub weight_decay: f32,
    /// No learning rate (course) or PyTorch's lr multiplier
    #[arg(long, value_enum, default_value_t = AdaDelta::default().form)]
    pub form: Form,
}

impl Default for AdaDelta {
    fn default() -> Self {
        AdaDelta {
            lr: 1.0,
            gamma: 0.9,
            eps: 1e-6,
            weight_decay: 0.0,
            form: Form::Course,
        }
    }
}

impl AdaDelta {
    /// PyTorch's `Adadelta()` defaults: `λ = 1`, `γ = 0.9`, `ε = 1e-6`.
    pub fn pytorch() -> Self {
        AdaDelta::defaults(Form::PyTorch)
    }

    /// The defaults in `form` (the same values in both).
    pub fn defaults(form: Form) -> Self {
        AdaDelta {
            form,
            ..AdaDelta::default()
        }
    }
}

/// `adadelta (γ 0.9, ε 1e-6, weight decay 0, course form)`; the PyTorch form shows `lr` first.
impl fmt::Display for AdaDelta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("adadelta (")?;
        if self.form == Form::PyTorch {
            write!(f, "lr {}, ", self.lr)?;
        }
        write!(
            f,
            "γ {}, ε {:e}, weight decay {}, {} form)",
            self.gamma,
            self.eps,
            self.weight_decay,
            self.form.label()
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
        if self.form == Form::Course && self.lr != 1.0 {
            return Err(OptimError::NotInForm {
                optimizer: self.name(),
                form: self.form.label(),
                value: self.lr,
                note: "the PyTorch form multiplies the step by lr",
            });
        }
        check_non_negative(self.name(), "lr", self.lr)?;
        check_unit(self.name(), "gamma", self.gamma)?;
        check_positive(self.name(), "eps", self.eps)?;
        check_non_negative(self.name(), "weight_decay", self.weight_decay)
    }

    fn lr(&self) -> Option<f32> {
        (self.form == Form::PyTorch).then_some(self.lr)
    }

    fn set_lr(&mut self, lr: f32) {
        self.lr = lr;
    }

    #[allow(non_snake_case)] // `Δw` as in the formula
    fn update(
        &self,
        _t: u64,
        w: ArrayViewMut1<f32>,
        g: ArrayView1<f32>,
        state: &mut [ArrayViewMut1<f32>],
    ) {
        let (λ, γ, ε, wd) = (self.lr, self.gamma, self.eps, self.weight_decay);
        let [ma_g2, ma_dw2] = state else {
            unreachable!("two state slots")
        };
        let zip = Zip::from(w).and(g).and(ma_g2).and(ma_dw2);
        match self.form {
            Form::Course => zip.for_each(|w, &g, ma_g2, ma_dw2| {
                let g = g + wd * *w;
                *ma_g2 = γ * *ma_g2 + (1.0 - γ) * g * g;
                let Δw = (*ma_dw2 + ε).sqrt() / (*ma_g2 + ε).sqrt() * g;
                *w -= Δw;
                *ma_dw2 = γ * *ma_dw2 + (1.0 - γ) * Δw * Δw;
            }),
            Form::PyTorch => zip.for_each(|w, &g, ma_g2, ma_dw2| {
                let g = g + wd * *w;
                *ma_g2 = γ * *ma_g2 + (1.0 - γ) * g * g;
                let Δw = (*ma_dw2 + ε).sqrt() / (*ma_g2 + ε).sqrt() * g;
                *w -= λ * Δw;
                *ma_dw2 = γ * *ma_dw2 + (1.0 - γ) * Δw * Δw;
            }),
        }
    }
}
