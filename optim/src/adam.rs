//! Adam (adaptive moment estimation): Momentum's moving average of gradients over RMSProp's
//! moving average of squared gradients, both corrected for starting at 0.
//!
//! With `m_0 = v_0 = 0` and `t = 1, 2, …` the parameter's step count:
//!
//! ```text
//! g ← g + wd · w                  (L2 weight decay, when wd > 0 and not decoupled)
//! m ← β1 m + (1 − β1) g           (first moment, as in Momentum)
//! v ← β2 v + (1 − β2) g²          (second moment, as in RMSProp)
//! m̂ = m / (1 − β1^t)
//! v̂ = v / (1 − β2^t)
//! w ← w − λ / (sqrt(v̂) + ε) · m̂
//! ```
//!
//! This denominator, `sqrt(v̂) + ε`, is the course's first-written form and PyTorch's, so the
//! default reproduces `torch.optim.Adam` (there is no separate [`Form`](crate::Form)). The
//! course also writes it as `sqrt(v̂ + ε)`; set [`Adam::eps_inside_sqrt`] for that one.
//!
//! AdamW ([`Adam::decoupled_weight_decay`], PyTorch's `AdamW`, named `"adamw"`): the decay is
//! not added to the gradient but applied to the weights, before the Adam step:
//! `w ← w − λ · wd · w`. With L2 the decay term is divided by `sqrt(v̂)` like the rest of the
//! gradient (and on the very first step cancels out entirely); decoupled, every weight shrinks
//! by the same factor `1 − λ · wd`. Defaults: `λ = 0.001`, `β1 = 0.9`, `β2 = 0.999`,
//! `ε = 1e-8`, `wd = 0` (PyTorch's `AdamW` uses `wd = 0.01`, as do [`Adam::adamw`] and
//! `--decoupled-weight-decay` without `--weight-decay`). PyTorch's `amsgrad` is not offered.

use std::fmt;

use clap::builder::ArgPredicate;
use ndarray::{ArrayView1, ArrayViewMut1, Zip};
use serde::{Deserialize, Serialize};

use crate::error::{check_non_negative, check_positive, check_unit, OptimError};
use crate::rule::UpdateRule;

/// Adam, and AdamW with `decoupled_weight_decay`.
///
/// ```
/// use optim::{Adam, UpdateRule};
/// assert_eq!(Adam::default().to_string(), "adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, weight decay 0)");
/// let adamw = Adam::adamw();
/// assert_eq!((adamw.name(), adamw.weight_decay), ("adamw", 0.01));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct Adam {
    /// Learning rate λ
    #[arg(long, default_value_t = Adam::default().lr)]
    pub lr: f32,
    /// First-moment coefficient β1, in [0, 1)
    #[arg(long, default_value_t = Adam::default().beta1)]
    pub beta1: f32,
    /// Second-moment coefficient β2, in [0, 1)
    #[arg(long, default_value_t = Adam::default().beta2)]
    pub beta2: f32,
    /// ε > 0 against division by zero
    #[arg(long, default_value_t = Adam::default().eps)]
    pub eps: f32,
    /// Weight decay wd: L2 on the gradient, or decoupled (AdamW: 0.01)
    #[arg(
        long,
        default_value_t = Adam::default().weight_decay,
        default_value_if("decoupled_weight_decay", ArgPredicate::IsPresent, "0.01")
    )]
    pub weight_decay: f32,
    /// AdamW: w ← w − λ·wd·w before the step instead of g ← g + wd·w
    #[arg(long)]
    pub decoupled_weight_decay: bool,
    /// Denominator sqrt(v̂ + ε) (the course's second form) instead of sqrt(v̂) + ε
    #[arg(long)]
    pub eps_inside_sqrt: bool,
}

impl Default for Adam {
    fn default() -> Self {
        Adam {
            lr: 0.001,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            decoupled_weight_decay: false,
            eps_inside_sqrt: false,
        }
    }
}

impl Adam {
    /// PyTorch's `AdamW()` defaults: Adam's, with decoupled weight decay `wd = 0.01`.
    pub fn adamw() -> Self {
        Adam {
            weight_decay: 0.01,
            decoupled_weight_decay: true,
            ..Adam::default()
        }
    }
}

/// `adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, weight decay 0)`; AdamW shows `decoupled weight
/// decay`, and `eps_inside_sqrt` `ε … inside the root`.
impl fmt::Display for Adam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (lr {}, β1 {}, β2 {}, ε {:e}",
            self.name(),
            self.lr,
            self.beta1,
            self.beta2,
            self.eps
        )?;
        if self.eps_inside_sqrt {
            f.write_str(" inside the root")?;
        }
        let decay = if self.decoupled_weight_decay {
            "decoupled weight decay"
        } else {
            "weight decay"
        };
        write!(f, ", {decay} {})", self.weight_decay)
    }
}

impl UpdateRule for Adam {
    fn name(&self) -> &'static str {
        if self.decoupled_weight_decay {
            "adamw"
        } else {
            "adam"
        }
    }

    fn state_slots(&self) -> &'static [&'static str] {
        &["m", "v"]
    }

    fn validate(&self) -> Result<(), OptimError> {
        check_non_negative(self.name(), "lr", self.lr)?;
        check_unit(self.name(), "beta1", self.beta1)?;
        check_unit(self.name(), "beta2", self.beta2)?;
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
        t: u64,
        w: ArrayViewMut1<f32>,
        g: ArrayView1<f32>,
        state: &mut [ArrayViewMut1<f32>],
    ) {
        let (λ, β1, β2, ε) = (self.lr, self.beta1, self.beta2, self.eps);
        // The decay goes either into the gradient (L2) or straight onto the weights (AdamW).
        let (wd_l2, wd_decoupled) = if self.decoupled_weight_decay {
            (0.0, self.weight_decay)
        } else {
            (self.weight_decay, 0.0)
        };
        // Bias corrections 1 − β^t, in f64 as PyTorch computes them (Python floats).
        let t = i32::try_from(t).unwrap_or(i32::MAX);
        let bias1 = (1.0 - f64::from(β1).powi(t)) as f32;
        let bias2 = (1.0 - f64::from(β2).powi(t)) as f32;
        let eps_inside = self.eps_inside_sqrt;
        let [m, v] = state else {
            unreachable!("two state slots")
        };
        Zip::from(w).and(g).and(m).and(v).for_each(|w, &g, m, v| {
            let g = g + wd_l2 * *w;
            *w -= λ * wd_decoupled * *w;
            *m = β1 * *m + (1.0 - β1) * g;
            *v = β2 * *v + (1.0 - β2) * g * g;
            let m̂ = *m / bias1;
            let v̂ = *v / bias2;
            let denominator = if eps_inside {
                (v̂ + ε).sqrt()
            } else {
                v̂.sqrt() + ε
            };
            *w -= λ / denominator * m̂;
        });
    }
}
