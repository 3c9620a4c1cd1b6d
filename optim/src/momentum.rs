//! Momentum: a velocity that sums past steps, so that consistent directions build up speed and
//! oscillating ones cancel.
//!
//! Course form (the default), with `ĝ_0 = 0`:
//!
//! ```text
//! g ← g + wd · w          (L2 weight decay, when wd > 0)
//! ĝ ← μ ĝ + λ g
//! w ← w − ĝ
//! ```
//!
//! `ĝ` is an exponentially weighted sum of past steps, `λ g_t + λ μ g_{t−1} + λ μ² g_{t−2} + …`
//! (for constant `μ`). The course notes that `μ ∈ [0, 1)` may be lowered as training goes on,
//! since near a minimum a large `μ` keeps the weights oscillating: a
//! [`Scheduler::momentum`](crate::scheduler::Scheduler::momentum) does that between steps
//! (example below).
//!
//! PyTorch form (`SGD(lr, momentum=μ)`, dampening 0) keeps a velocity `v` of gradients and
//! multiplies by `λ` afterwards:
//!
//! ```text
//! g ← g + wd · w
//! v ← μ v + g
//! w ← w − λ v
//! ```
//!
//! For a constant `λ` the two trajectories are identical (`ĝ = λ v`). When `λ` changes (a
//! scheduler), they differ: the course form's `ĝ` remembers the old rates, PyTorch's `v` is
//! rescaled at once by the new one. The state slot is named `g_hat` (course) or `v` (PyTorch).
//! PyTorch's `dampening` is not offered.

use std::fmt;

use ndarray::{ArrayView1, ArrayViewMut1, Zip};
use serde::{Deserialize, Serialize};

use crate::error::{check_non_negative, check_unit, OptimError};
use crate::form::Form;
use crate::rule::UpdateRule;

/// Gradient descent with momentum (heavy ball). Defaults: `λ = 0.01`, `μ = 0.9`, `wd = 0`,
/// course form.
///
/// `μ` at 0.9 for 99 steps, then 0.5 (the old `MomentumSchedule::Steps(vec![(1, 0.9), (100,
/// 0.5)])`): a [`MultiStepLr`](crate::scheduler::MultiStepLr) on `μ`, ticked once per step.
///
/// ```
/// use autograd::{Parameters, Tensor};
/// use optim::scheduler::{MultiStepLr, Scheduler};
/// use optim::{Momentum, Optimizer};
/// let mut params = Parameters::new();
/// params.push("w", Tensor::scalar(1.0).requires_grad());
/// let mut opt = Optimizer::new(params, Momentum { lr: 0.01, momentum: 0.9, ..Default::default() })?;
/// // μ · 0.5/0.9 from tick 99 on, i.e. from the 100th step.
/// let mut mu = Scheduler::momentum(&mut opt, MultiStepLr::new(&[99], 0.5 / 0.9)?)?;
/// let w = opt.params().get("w").expect("registered above").clone();
/// for step in 1..=100 {
///     assert_eq!(opt.rule().momentum, if step < 100 { 0.9 } else { 0.5 });
///     opt.zero_grad();
///     (&w * &w).backward();
///     opt.step()?;
///     mu.step(&mut opt, None)?;
/// }
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct Momentum {
    /// Learning rate λ
    #[arg(long, default_value_t = Momentum::default().lr)]
    pub lr: f32,
    /// Momentum coefficient μ, in [0, 1)
    #[arg(long, default_value_t = Momentum::default().momentum)]
    pub momentum: f32,
    /// L2 weight decay wd: the gradient becomes g + wd·w
    #[arg(long, default_value_t = Momentum::default().weight_decay)]
    pub weight_decay: f32,
    /// λ inside the velocity (course) or outside it (PyTorch)
    #[arg(long, value_enum, default_value_t = Momentum::default().form)]
    pub form: Form,
}

impl Default for Momentum {
    fn default() -> Self {
        Momentum {
            lr: 0.01,
            momentum: 0.9,
            weight_decay: 0.0,
            form: Form::Course,
        }
    }
}

impl Momentum {
    /// The defaults in `form` (the same values in both).
    pub fn defaults(form: Form) -> Self {
        Momentum {
            form,
            ..Momentum::default()
        }
    }
}

/// `momentum (lr 0.01, μ 0.9, weight decay 0, course form)`.
impl fmt::Display for Momentum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "momentum (lr {}, μ {}, weight decay {}, {} form)",
            self.lr,
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
