//! Momentum: a velocity that sums past steps, so that consistent directions build up speed and
//! oscillating ones cancel.
//!
//! Course form (the default), with `ĝ_0 = 0`:
//!
//! ```text
//! g ← g + wd · w          (L2 weight decay, when wd > 0)
//! ĝ ← μ_t ĝ + λ g
//! w ← w − ĝ
//! ```
//!
//! `ĝ` is an exponentially weighted sum of past steps, `λ g_t + λ μ g_{t−1} + λ μ² g_{t−2} + …`
//! (for constant `μ`). The momentum coefficient `μ_t ∈ [0, 1)` may follow a
//! [`MomentumSchedule`], e.g. lowered late in training to stop oscillation around a minimum.
//!
//! PyTorch form (`SGD(lr, momentum=μ)`, dampening 0) keeps a velocity `v` of gradients and
//! multiplies by `λ` afterwards:
//!
//! ```text
//! v ← μ_t v + g
//! w ← w − λ v
//! ```
//!
//! For a constant `λ` the two trajectories are identical (`ĝ = λ v`). When `λ` changes (a
//! scheduler), they differ: the course form's `ĝ` remembers the old rates, PyTorch's `v` is
//! rescaled at once by the new one. The state slot is named `g_hat` (course) or `v` (PyTorch).

use std::fmt;

use ndarray::{ArrayView1, ArrayViewMut1, Zip};

use crate::error::{check_lr, check_non_negative, OptimError};
use crate::factory::Hyper;
use crate::rule::{Form, MomentumSchedule, StepContext, UpdateRule};

/// Gradient descent with momentum (heavy ball).
///
/// ```
/// use optim::{Form, Momentum, MomentumSchedule};
/// let m = Momentum { momentum: MomentumSchedule::Constant(0.5), form: Form::PyTorch, ..Default::default() };
/// assert_eq!((m.lr, m.weight_decay), (0.01, 0.0));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Momentum {
    /// Learning rate `λ` (default 0.01).
    pub lr: f32,
    /// Momentum coefficient `μ_t` (default constant 0.9), each value in `[0, 1)`.
    pub momentum: MomentumSchedule,
    /// L2 weight decay `wd` (default 0).
    pub weight_decay: f32,
    /// `λ` inside the velocity (course, default) or outside it (PyTorch).
    pub form: Form,
}

impl Default for Momentum {
    fn default() -> Self {
        Momentum {
            lr: 0.01,
            momentum: MomentumSchedule::Constant(0.9),
            weight_decay: 0.0,
            form: Form::Course,
        }
    }
}

impl Momentum {
    /// The rule with the values `hp` sets (a constant `μ`) and the defaults above for the rest
    /// ([`by_name`](crate::by_name)).
    pub fn from_hyper(hp: &Hyper) -> Momentum {
        let d = Momentum::default();
        Momentum {
            lr: hp.lr.unwrap_or(d.lr),
            momentum: hp.momentum.map_or(d.momentum, MomentumSchedule::Constant),
            weight_decay: hp.weight_decay.unwrap_or(d.weight_decay),
            form: hp.form,
        }
    }
}

/// `μ 0.9, weight decay 0, course form`: the hyperparameters other than `λ` (see [`UpdateRule`]).
impl fmt::Display for Momentum {
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

impl UpdateRule for Momentum {
    fn name(&self) -> &'static str {
        "momentum"
    }

    fn state_slots(&self) -> &'static [&'static str] {
        match self.form {
            Form::Course => &["g_hat"],
            Form::PyTorch => &["v"],
        }
    }

    fn validate(&self) -> Result<(), OptimError> {
        check_lr("momentum", self.lr)?;
        self.momentum.validate("momentum")?;
        check_non_negative("momentum", "weight_decay", self.weight_decay)
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
                let [ĝ] = state else {
                    unreachable!("one state slot")
                };
                Zip::from(w).and(g).and(ĝ).for_each(|w, &g, ĝ| {
                    let g = g + wd * *w;
                    *ĝ = μ * *ĝ + λ * g;
                    *w -= *ĝ;
                });
            }
            Form::PyTorch => {
                let [v] = state else {
                    unreachable!("one state slot")
                };
                Zip::from(w).and(g).and(v).for_each(|w, &g, v| {
                    let g = g + wd * *w;
                    *v = μ * *v + g;
                    *w -= λ * *v;
                });
            }
        }
    }
}
