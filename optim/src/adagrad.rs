//! AdaGrad: a per-weight learning rate that shrinks with the sum of that weight's squared
//! gradients, so rarely updated weights take larger steps.
//!
//! Course form (the default), with `G_0 = 0`:
//!
//! ```text
//! g ← g + wd · w          (L2 weight decay, when wd > 0)
//! G ← G + g²
//! w ← w − λ / sqrt(G + ε) · g
//! ```
//!
//! PyTorch form (`Adagrad(lr, eps)`) puts `ε` outside the root: `w ← w − λ g / (sqrt(G) + ε)`.
//! The defaults differ accordingly: `ε = 1e-8` inside the root (course), `1e-10` outside
//! (PyTorch); `λ = 0.01` in both. PyTorch's `lr_decay` and `initial_accumulator_value` are not
//! offered (both 0, PyTorch's defaults).
//!
//! The weakness the examples show: `G` only grows, so the effective rate `λ / sqrt(G + ε)` decays
//! towards 0 and learning stalls; and `λ` has the unit of `w` times `g` over `g`, i.e. it mixes
//! units.

use std::fmt;

use ndarray::{ArrayView1, ArrayViewMut1, Zip};
use serde::{Deserialize, Serialize};

use crate::error::{check_non_negative, check_positive, OptimError};
use crate::form::Form;
use crate::rule::UpdateRule;

/// AdaGrad. [`Default`] is the course form (`λ = 0.01`, `ε = 1e-8`, `wd = 0`);
/// [`AdaGrad::pytorch`] PyTorch's defaults (`ε = 1e-10`). On a command line, `--form pytorch`
/// also picks PyTorch's `ε` unless `--eps` is given.
///
/// ```
/// use optim::{AdaGrad, Form};
/// assert_eq!((AdaGrad::default().eps, AdaGrad::default().form), (1e-8, Form::Course));
/// assert_eq!(AdaGrad::defaults(Form::PyTorch), AdaGrad::pytorch());
/// assert_eq!(AdaGrad::pytorch().to_string(), "adagrad (lr 0.01, ε 1e-10, weight decay 0, PyTorch form)");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct AdaGrad {
    /// Learning rate λ
    #[arg(long, default_value_t = AdaGrad::default().lr)]
    pub lr: f32,
    /// ε > 0 against division by zero (PyTorch form: 1e-10, outside the root)
    #[arg(long, default_value_t = AdaGrad::default().eps, default_value_if("form", "pytorch", "1e-10"))]
    pub eps: f32,
    /// L2 weight decay wd: the gradient becomes g + wd·w
    #[arg(long, default_value_t = AdaGrad::default().weight_decay)]
    pub weight_decay: f32,
    /// ε inside the root (course) or outside (PyTorch)
    #[arg(long, value_enum, default_value_t = AdaGrad::default().form)]
    pub form: Form,
}

impl Default for AdaGrad {
    fn default() -> Self {
        AdaGrad {
            lr: 0.01,
            eps: 1e-8,
            weight_decay: 0.0,
            form: Form::Course,
        }
    }
}

impl AdaGrad {
    /// PyTorch's `Adagrad()` defaults: `λ = 0.01`, `ε = 1e-10` outside the root.
    pub fn pytorch() -> Self {
        AdaGrad {
            lr: 0.01,
            eps: 1e-10,
            weight_decay: 0.0,
            form: Form::PyTorch,
        }
    }

    /// The defaults of `form`: [`Default`] or [`AdaGrad::pytorch`].
    pub fn defaults(form: Form) -> Self {
        match form {
            Form::Course => AdaGrad::default(),
            Form::PyTorch => AdaGrad::pytorch(),
        }
    }
}

/// `adagrad (lr 0.01, ε 1e-8, weight decay 0, course form)`.
impl fmt::Display for AdaGrad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "adagrad (lr {}, ε {:e}, weight decay {}, {} form)",
            self.lr,
            self.eps,
            self.weight_decay,
            self.form.label()
        )
    }
}

impl UpdateRule for AdaGrad {
    fn name(&self) -> &'static str {
        "adagrad"
    }

    fn state_slots(&self) -> &'static [&'static str] {
        &["G"]
    }

    fn validate(&self) -> Result<(), OptimError> {
        check_non_negative(self.name(), "lr", self.lr)?;
        check_positive(self.name(), "eps", self.eps)?;
        check_non_negative(self.name(), "weight_decay", self.weight_decay)
    }

    fn lr(&self) -> Option<f32> {
        Some(self.lr)
    }

    fn set_lr(&mut self, lr: f32) {
        self.lr = lr;
    }

    #[allow(non_snake_case)] // `G` as in the formula
    fn update(
        &self,
        _t: u64,
        w: ArrayViewMut1<f32>,
        g: ArrayView1<f32>,
        state: &mut [ArrayViewMut1<f32>],
    ) {
        let (λ, ε, wd) = (self.lr, self.eps, self.weight_decay);
        let [G] = state else {
            unreachable!("one state slot")
        };
        match self.form {
            Form::Course => Zip::from(w).and(g).and(G).for_each(|w, &g, G| {
                let g = g + wd * *w;
                *G += g * g;
                *w -= λ / (*G + ε).sqrt() * g;
            }),
            Form::PyTorch => Zip::from(w).and(g).and(G).for_each(|w, &g, G| {
                let g = g + wd * *w;
                *G += g * g;
                *w -= λ * g / (G.sqrt() + ε);
            }),
        }
    }
}
