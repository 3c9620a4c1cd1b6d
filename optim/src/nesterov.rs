//! Nesterov accelerated gradient (NAG): momentum whose gradient is taken where momentum alone
//! would carry the weights, so that it can brake before overshooting.
//!
//! Course form (the default), with `ĝ_0 = 0`:
//!
//! ```text
//! g ← g(w − μ ĝ)          (the gradient at the look-ahead point; + wd · (w − μ ĝ) with L2 decay)
//! ĝ ← μ ĝ + λ g
//! w ← w − ĝ
//! ```
//!
//! The gradient at a point other than `w` needs a second evaluation of the loss, so this form
//! only runs through [`Optimizer::step_with_closure`](crate::Optimizer::step_with_closure): the
//! driver moves each parameter to `w − μ ĝ` ([`UpdateRule::look_ahead`]), the closure computes
//! the gradient there, and the update moves from there to `w − ĝ_new = (w − μ ĝ_old) + μ ĝ_old
//! − ĝ_new`. `step()` refuses it.
//!
//! PyTorch form (`SGD(lr, momentum=μ, nesterov=True)`) needs no closure:
//!
//! ```text
//! g ← g + wd · w
//! v ← μ v + g
//! w ← w − λ (g + μ v)
//! ```
//!
//! It keeps the look-ahead point itself as its weights: with `ĝ = λ v` and `p = w − μ ĝ` the
//! course form gives `p_new = p − λ (g(p) + μ v_new)`, PyTorch's rule. From the same start, and
//! for constant `μ` and `λ`, PyTorch's weights after `i` steps are the course form's look-ahead
//! point `w_i − μ ĝ_i` (tested in `tests/optimizers.rs`). As for [`Momentum`](crate::Momentum),
//! a scheduler may lower `μ` between steps.

use std::fmt;

use ndarray::{ArrayD, ArrayView1, ArrayViewMut1, Zip};
use serde::{Deserialize, Serialize};

use crate::error::{check_non_negative, check_unit, OptimError};
use crate::form::Form;
use crate::rule::UpdateRule;

/// Nesterov accelerated gradient. Defaults: `λ = 0.01`, `μ = 0.9`, `wd = 0`, course form.
///
/// ```
/// use optim::{Form, Nesterov};
/// let nag = Nesterov { lr: 0.05, form: Form::PyTorch, ..Default::default() };
/// assert_eq!(nag.to_string(), "nesterov (lr 0.05, μ 0.9, weight decay 0, PyTorch form)");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct Nesterov {
    /// Learning rate λ
    #[arg(long, default_value_t = Nesterov::default().lr)]
    pub lr: f32,
    /// Momentum coefficient μ, in [0, 1)
    #[arg(long, default_value_t = Nesterov::default().momentum)]
    pub momentum: f32,
    /// L2 weight decay wd: the gradient becomes g + wd·w
    #[arg(long, default_value_t = Nesterov::default().weight_decay)]
    pub weight_decay: f32,
    /// Look-ahead with a closure (course) or PyTorch's nesterov=True rewrite
    #[arg(long, value_enum, default_value_t = Nesterov::default().form)]
    pub form: Form,
}

impl Default for Nesterov {
    fn default() -> Self {
        Nesterov {
            lr: 0.01,
            momentum: 0.9,
            weight_decay: 0.0,
            form: Form::Course,
        }
    }
}

impl Nesterov {
    /// The defaults in `form` (the same values in both).
    pub fn defaults(form: Form) -> Self {
        Nesterov {
            form,
            ..Nesterov::default()
        }
    }
}

/// `nesterov (lr 0.01, μ 0.9, weight decay 0, course form)`.
impl fmt::Display for Nesterov {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "nesterov (lr {}, μ {}, weight decay {}, {} form)",
            self.lr,
            self.momentum,
            self.weight_decay,
            self.form.label()
        )
    }
}

impl UpdateRule for Nesterov {
    fn name(&self) -> &'static str {
        "nesterov"
    }

    fn state_slots(&self) -> &'static [&'static str] {
        match self.form {
            Form::Course => &["g_hat"],
            Form::PyTorch => &["v"],
        }
    }

    fn validate(&self) -> Result<(), OptimError> {
        check_non_negative(self.name(), "lr", self.lr)?;
        check_unit(self.name(), "momentum", self.momentum)?;
        check_non_negative(self.name(), "weight_decay", self.weight_decay)
    }

    fn lr(&self) -> Option<f32> {
        Some(self.lr)
    }

    fn set_lr(&mut self, lr: f32) {
        self.lr = lr;
    }

    fn momentum(&self) -> Option<f32> {
        Some(self.momentum)
    }

    fn set_momentum(&mut self, mu: f32) {
        self.momentum = mu;
    }

    fn needs_closure(&self) -> bool {
        self.form == Form::Course
    }

    fn look_ahead(&self, w: &mut ArrayD<f32>, state: &[ArrayD<f32>]) {
        let μ = self.momentum;
        Zip::from(w).and(&state[0]).for_each(|w, &ĝ| *w -= μ * ĝ);
    }

    fn look_back(&self, w: &mut ArrayD<f32>, state: &[ArrayD<f32>]) {
        let μ = self.momentum;
        Zip::from(w).and(&state[0]).for_each(|w, &ĝ| *w += μ * ĝ);
    }

    fn update(
        &self,
        _t: u64,
        w: ArrayViewMut1<f32>,
        g: ArrayView1<f32>,
        state: &mut [ArrayViewMut1<f32>],
    ) {
        let (λ, μ, wd) = (self.lr, self.momentum, self.weight_decay);
        match self.form {
            Form::Course => {
                // `w` is the look-ahead point `w_i − μ ĝ_i` and `g` the gradient there.
                let [ĝ] = state else {
                    unreachable!("one state slot")
                };
                Zip::from(w).and(g).and(ĝ).for_each(|w, &g, ĝ| {
                    let g = g + wd * *w;
                    let ĝ_old = *ĝ;
                    *ĝ = μ * ĝ_old + λ * g;
                    *w = (*w + μ * ĝ_old) - *ĝ;
                });
            }
            Form::PyTorch => {
                let [v] = state else {
                    unreachable!("one state slot")
                };
                Zip::from(w).and(g).and(v).for_each(|w, &g, v| {
                    let g = g + wd * *w;
                    *v = μ * *v + g;
                    *w -= λ * (g + μ * *v);
                });
            }
        }
    }
}
