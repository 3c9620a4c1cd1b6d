//! Nesterov accelerated gradient (NAG): momentum whose gradient is taken where momentum alone
//! would carry the weights, so that it can brake before overshooting.
//!
//! Course form (the default), with `ĝ_0 = 0`:
//!
//! ```text
//! g ← g(w − μ_t ĝ)        (the gradient at the look-ahead point; + wd · (w − μ_t ĝ) with L2 decay)
//! ĝ ← μ_t ĝ + λ g
//! w ← w − ĝ
//! ```
//!
//! The gradient at a point other than `w` needs a second evaluation of the loss, so this form
//! only runs through [`Optimizer::step_with_closure`](crate::Optimizer::step_with_closure): the
//! driver moves each parameter to `w − μ_t ĝ` ([`UpdateRule::look_ahead`]), the closure computes
//! the gradient there, and the update moves from there to `w − ĝ_new = (w − μ_t ĝ_old) + μ_t ĝ_old
//! − ĝ_new`. `step()` refuses it.
//!
//! PyTorch form (`SGD(lr, momentum=μ, nesterov=True)`) needs no closure:
//!
//! ```text
//! g ← g + wd · w
//! v ← μ_t v + g
//! w ← w − λ (g + μ_t v)
//! ```
//!
//! It keeps the look-ahead point itself as its weights: with `ĝ = λ v` and `p = w − μ ĝ` the
//! course form gives `p_new = p − λ (g(p) + μ v_new)`, PyTorch's rule. From the same start, and
//! for constant `μ` and `λ`, PyTorch's weights after `i` steps are the course form's look-ahead
//! point `w_i − μ ĝ_i` (tested in `tests/optimizers.rs`).

use std::fmt;

use ndarray::{ArrayD, ArrayView1, ArrayViewMut1, Zip};

use crate::error::{check_lr, check_non_negative, OptimError};
use crate::factory::Hyper;
use crate::rule::{Form, MomentumSchedule, StepContext, UpdateRule};

/// Nesterov accelerated gradient.
///
/// ```
/// use optim::{Form, Nesterov};
/// let nag = Nesterov { lr: 0.05, form: Form::PyTorch, ..Default::default() };
/// assert_eq!(nag.momentum, optim::MomentumSchedule::Constant(0.9));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Nesterov {
    /// Learning rate `λ` (default 0.01).
    pub lr: f32,
    /// Momentum coefficient `μ_t` (default constant 0.9), each value in `[0, 1)`.
    pub momentum: MomentumSchedule,
    /// L2 weight decay `wd` (default 0).
    pub weight_decay: f32,
    /// Look-ahead with a closure (course, default) or PyTorch's `nesterov=True` rewrite.
    pub form: Form,
}

impl Default for Nesterov {
    fn default() -> Self {
        Nesterov {
            lr: 0.01,
            momentum: MomentumSchedule::Constant(0.9),
            weight_decay: 0.0,
            form: Form::Course,
        }
    }
}

impl Nesterov {
    /// The rule with the values `hp` sets (a constant `μ`) and the defaults above for the rest
    /// ([`by_name`](crate::by_name)).
    pub fn from_hyper(hp: &Hyper) -> Nesterov {
        let d = Nesterov::default();
        Nesterov {
            lr: hp.lr.unwrap_or(d.lr),
            momentum: hp.momentum.map_or(d.momentum, MomentumSchedule::Constant),
            weight_decay: hp.weight_decay.unwrap_or(d.weight_decay),
            form: hp.form,
        }
    }
}

/// `μ 0.9, weight decay 0, course form`: the hyperparameters other than `λ` (see [`UpdateRule`]).
impl fmt::Display for Nesterov {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "μ {}, weight decay {}, {} form",
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
        check_lr("nesterov", self.lr)?;
        self.momentum.validate("nesterov")?;
        check_non_negative("nesterov", "weight_decay", self.weight_decay)
    }

    fn lr(&self) -> f32 {
        self.lr
    }

    fn weight_decay(&self) -> f32 {
        self.weight_decay
    }

    fn momentum(&self, step: u64) -> f32 {
        self.momentum.at(step)
    }

    fn needs_closure(&self) -> bool {
        self.form == Form::Course
    }

    fn look_ahead(&self, ctx: &StepContext, w: &mut ArrayD<f32>, state: &[ArrayD<f32>]) {
        let μ = ctx.momentum;
        Zip::from(w).and(&state[0]).for_each(|w, &ĝ| *w -= μ * ĝ);
    }

    fn look_back(&self, ctx: &StepContext, w: &mut ArrayD<f32>, state: &[ArrayD<f32>]) {
        let μ = ctx.momentum;
        Zip::from(w).and(&state[0]).for_each(|w, &ĝ| *w += μ * ĝ);
    }

    fn update(
        &self,
        ctx: &StepContext,
        w: ArrayViewMut1<f32>,
        g: ArrayView1<f32>,
        state: &mut [ArrayViewMut1<f32>],
    ) {
        let (λ, μ, wd) = (ctx.lr, ctx.momentum, ctx.weight_decay);
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
