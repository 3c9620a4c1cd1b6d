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

use crate::error::{check_lr, check_non_negative, check_positive, OptimError};
use crate::factory::Hyper;
use crate::rule::{Form, StepContext, UpdateRule};

/// AdaGrad. [`Default`] is the course form; [`AdaGrad::pytorch`] PyTorch's defaults.
///
/// ```
/// use optim::{AdaGrad, Form};
/// assert_eq!((AdaGrad::default().eps, AdaGrad::default().form), (1e-8, Form::Course));
/// assert_eq!((AdaGrad::pytorch().eps, AdaGrad::pytorch().form), (1e-10, Form::PyTorch));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AdaGrad {
    /// Learning rate `λ` (default 0.01).
    pub lr: f32,
    /// `ε` > 0 against division by zero (course 1e-8 inside the root, PyTorch 1e-10 outside).
    pub eps: f32,
    /// L2 weight decay `wd` (default 0).
    pub weight_decay: f32,
    /// `ε` inside the root (course, default) or outside (PyTorch).
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

    /// The rule with the values `hp` sets and, for the rest, the defaults of `hp.form`
    /// ([`by_name`](crate::by_name)).
    pub fn from_hyper(hp: &Hyper) -> AdaGrad {
        let d = match hp.form {
            Form::Course => AdaGrad::default(),
            Form::PyTorch => AdaGrad::pytorch(),
        };
        AdaGrad {
            lr: hp.lr.unwrap_or(d.lr),
            eps: hp.eps.unwrap_or(d.eps),
            weight_decay: hp.weight_decay.unwrap_or(d.weight_decay),
            form: d.form,
        }
    }
}

/// `ε 1e-8, weight decay 0, course form`: the hyperparameters other than `λ` (see
/// [`UpdateRule`]).
impl fmt::Display for AdaGrad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ε {:e}, weight decay {}, {} form",
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
        check_lr("adagrad", self.lr)?;
        check_positive("adagrad", "eps", self.eps)?;
        check_non_negative("adagrad", "weight_decay", self.weight_decay)
    }

    fn lr(&self) -> f32 {
        self.lr
    }

    fn weight_decay(&self) -> f32 {
        self.weight_decay
    }

    #[allow(non_snake_case)] // `G` as in the formula
    fn update(
        &self,
        ctx: &StepContext,
        w: ArrayViewMut1<f32>,
        g: ArrayView1<f32>,
        state: &mut [ArrayViewMut1<f32>],
    ) {
        let (λ, ε, wd) = (ctx.lr, self.eps, ctx.weight_decay);
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
