//! What one optimizer is: the update of one parameter from its gradient and its own state.
//!
//! Every algorithm file (`sgd.rs`, …, `adam.rs`) implements [`UpdateRule`] for its struct, the
//! same struct that holds its hyperparameters; the loop over the parameters is written once,
//! in [`Optimizer`](crate::Optimizer).

use std::fmt;

use ndarray::{ArrayD, ArrayView1, ArrayViewMut1};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::OptimError;

/// The update of one parameter tensor, in place, with the hyperparameters it reads.
///
/// Implementors are the optimizers' structs ([`Sgd`](crate::Sgd), [`Adam`](crate::Adam), …):
/// `update` reads `self.lr`, `self.weight_decay`, … directly. The driver creates the state
/// buffers named by [`state_slots`](UpdateRule::state_slots), zeroed and shaped like the
/// parameter, the first time the parameter has a gradient, and hands them back on every later
/// step. A scheduler changes `λ` or `μ` between steps through [`set_lr`](UpdateRule::set_lr)
/// and [`set_momentum`](UpdateRule::set_momentum).
///
/// `Display` shows the name and every hyperparameter:
/// `adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, weight decay 0)`.
pub trait UpdateRule: Clone + fmt::Display + Sync + Serialize + DeserializeOwned {
    /// The optimizer's name (`"adam"`, `"adamw"`, `"nesterov"`).
    fn name(&self) -> &'static str;

    /// Names of the per-parameter state buffers (`["m", "v"]`), in the order `update` receives
    /// them; they key the buffers of a saved state.
    fn state_slots(&self) -> &'static [&'static str];

    /// Checks the hyperparameters.
    ///
    /// # Errors
    /// [`OptimError::InvalidHyperparameter`] (or [`OptimError::NotInForm`]) naming the first
    /// bad value.
    fn validate(&self) -> Result<(), OptimError>;

    /// The learning rate `λ`; `None` for a rule without one (AdaDelta's course form).
    fn lr(&self) -> Option<f32>;

    /// Sets `λ` (the driver checks the result with [`validate`](UpdateRule::validate)).
    fn set_lr(&mut self, lr: f32);

    /// The momentum coefficient `μ`; `None` (the default) for a rule without one.
    fn momentum(&self) -> Option<f32> {
        None
    }

    /// Sets `μ`; does nothing for a rule without one.
    fn set_momentum(&mut self, mu: f32) {
        let _ = mu;
    }

    /// Updates `w` in place from its gradient `g` and its state; `t = 1, 2, …` counts the
    /// updates this parameter has received, this one included (Adam's bias correction).
    ///
    /// `w`, `g` and every buffer of `state` are the same run of one parameter's elements, in
    /// memory order: the whole parameter, or a part of it when the driver spreads a large
    /// step over several threads. So a rule treats each element on its own, as every rule of
    /// the course does. Must not allocate.
    fn update(
        &self,
        t: u64,
        w: ArrayViewMut1<f32>,
        g: ArrayView1<f32>,
        state: &mut [ArrayViewMut1<f32>],
    );

    /// True when the rule needs the gradient at a point other than `w` (NAG, course form):
    /// `step()` then refuses and `step_with_closure` calls [`look_ahead`](UpdateRule::look_ahead)
    /// before re-evaluating the loss.
    fn needs_closure(&self) -> bool {
        false
    }

    /// Moves `w` to the point where the gradient is to be taken (NAG: `w − μ ĝ`).
    fn look_ahead(&self, w: &mut ArrayD<f32>, state: &[ArrayD<f32>]) {
        let _ = (w, state);
    }

    /// Undoes [`look_ahead`](UpdateRule::look_ahead), for a parameter that got no gradient.
    fn look_back(&self, w: &mut ArrayD<f32>, state: &[ArrayD<f32>]) {
        let _ = (w, state);
    }
}
