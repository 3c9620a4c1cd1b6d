//! # optim — the optimizers of the course, one file each
//!
//! Seven update rules over the parameter registry of `autograd`, each in the formulation of the
//! course (`OPTIMIZERS.md`) by default and in PyTorch's where the two differ
//! ([`Form::PyTorch`]), so that a run can reproduce either the lecture or `torch.optim`:
//!
//! | file          | rule                                   | forms differ in                      |
//! |---------------|----------------------------------------|--------------------------------------|
//! | `sgd.rs`      | [`Sgd`]: `w ← w − λ g`                 | —                                    |
//! | `momentum.rs` | [`Momentum`]: `ĝ ← μ ĝ + λ g`          | `λ` inside / outside the velocity    |
//! | `nesterov.rs` | [`Nesterov`]: gradient at `w − μ ĝ`    | look-ahead closure / `nesterov=True` |
//! | `adagrad.rs`  | [`AdaGrad`]: `λ g / sqrt(Σ g² + ε)`    | `ε` inside / outside the root        |
//! | `adadelta.rs` | [`AdaDelta`]: no learning rate         | PyTorch's `lr` multiplier (1 = same) |
//! | `rmsprop.rs`  | [`RmsProp`]: `λ g / sqrt(MA[g²] + ε)`  | `ε` inside / outside the root        |
//! | `adam.rs`     | [`Adam`]: `λ m̂ / (sqrt(v̂) + ε)`        | (PyTorch's is the default), AdamW    |
//!
//! Each file implements [`UpdateRule`] — the update of one parameter from its gradient and its
//! own state. The loop over the registry (skip parameters without a gradient, create state on
//! first use, count steps) is written once, in [`Optimizer`], which also saves and restores the
//! state ([`OptimizerState`]). [`Optim`] and [`by_name`] pick an optimizer at run time from the
//! [`catalog`], which names every optimizer once, with its aliases and the learning rate to
//! start from; the programs take their lists from it. A new optimizer is its file and one
//! catalog entry.
//! [`scheduler`] changes the learning rate between epochs (`Optimizer::set_lr`). `state.rs` turns a
//! saved state and a schedule's position into tensors and metadata, for a checkpoint file.
//!
//! Fitting `y = 2x` with plain gradient descent:
//!
//! ```
//! use autograd::{Parameters, Tensor};
//! use optim::{Optimizer, Sgd};
//!
//! let x = Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3]).unwrap();
//! let y = Tensor::from_vec(vec![2.0, 4.0, 6.0], &[3]).unwrap();
//! let mut params = Parameters::new();
//! params.push("w", Tensor::scalar(0.0).requires_grad());
//! let mut opt = Optimizer::new(params, Sgd { lr: 0.05, ..Default::default() })?;
//! let w = opt.params().get("w").expect("registered above").clone();
//! for _ in 0..30 {
//!     opt.zero_grad();
//!     let loss = (&x * &w).mse_loss(&y); // L = (w − 2)² · mean(x²), g = 28/3 · (w − 2)
//!     loss.backward();
//!     opt.step()?; // w − 2 shrinks by 1 − 0.05 · 28/3 ≈ 0.53 per step
//! }
//! assert!((w.item() - 2.0).abs() < 1e-4);
//! # Ok::<(), optim::OptimError>(())
//! ```
//!
//! Symbols, as in `OPTIMIZERS.md`: `w` a parameter, `g` its gradient, `λ` the learning rate,
//! `μ` the momentum, `ĝ` the velocity, `G` the sum of squared gradients, `γ` a moving-average
//! coefficient, `ε` the guard against division by zero, `β1, β2, m, v` Adam's moments, `t` the
//! step count. L2 weight decay (`g ← g + wd · w`) is available on every optimizer.

mod adadelta;
mod adagrad;
mod adam;
pub mod catalog;
mod error;
mod factory;
mod momentum;
mod nesterov;
mod optimizer;
mod rmsprop;
mod rule;
mod sgd;
mod state;

pub mod scheduler;

pub use adadelta::AdaDelta;
pub use adagrad::AdaGrad;
pub use adam::Adam;
pub use error::OptimError;
pub use factory::{by_name, Hyper};
pub use momentum::Momentum;
pub use nesterov::Nesterov;
pub use optimizer::{Optim, Optimizer, OptimizerState};
pub use rmsprop::RmsProp;
pub use rule::{Form, MomentumSchedule, StepContext, UpdateRule};
pub use sgd::Sgd;
