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
//! | `adadelta.rs` | [`AdaDelta`]: no learning rate         | no `λ` / PyTorch's `lr` multiplier   |
//! | `rmsprop.rs`  | [`RmsProp`]: `λ g / sqrt(MA[g²] + ε)`  | `ε` inside / outside the root        |
//! | `adam.rs`     | [`Adam`]: `λ m̂ / (sqrt(v̂) + ε)`        | (PyTorch's is the default), AdamW    |
//!
//! Each struct is the optimizer's whole configuration: its update reads it
//! ([`UpdateRule`], `rule.rs`), the command line parses into it (clap's `Args`), a checkpoint
//! saves it (serde), and it prints itself. Where the rest lives:
//!
//! | file | what |
//! |---|---|
//! | `optimizer.rs` | [`Optimizer`]: the loop — for each group, for each parameter with a gradient, its state and its group's rule |
//! | `groups.rs` | building an optimizer over one or several [`Group`]s, reading and changing it between steps |
//! | `algorithm.rs` | [`Algorithm`]: an optimizer chosen by name at run time, `Optimizer<Algorithm>` |
//! | `form.rs`, `rule.rs`, `error.rs` | [`Form`], the [`UpdateRule`] trait, [`OptimError`] |
//! | `state.rs`, `checkpoint.rs` | saving and restoring the state ([`OptimizerState`]), as tensors and text for a file |
//! | `clip.rs` | [`clip_grad_norm`], [`clip_grad_value`] |
//! | `scheduler/` | schedules of `λ` or `μ` for every group ([`scheduler::Scheduler`]) |
//! | `checks.rs`, `layout.rs`, `split.rs` | what a step checks, memory layout, spreading a step over threads |
//!
//! The learning rate `λ` passed from `--lr` to `w ← w − λ g` has three holders: the struct the
//! command line fills (`Adam.lr`), the parameter group's rule inside the optimizer (the struct,
//! moved in), and the local `λ` in `update`. A [`scheduler::Scheduler`] changes the group's.
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
//! The same, choosing the optimizer at run time and parsing its hyperparameters from a command
//! line (each variant of [`Algorithm`] is a subcommand):
//!
//! ```
//! use clap::Parser;
//! use optim::{Algorithm, Optimizer, UpdateRule};
//! #[derive(Parser)]
//! struct Cli {
//!     #[command(subcommand)]
//!     optimizer: Algorithm,
//! }
//! let cli = Cli::parse_from(["train", "adam", "--lr", "0.01"]);
//! # let mut params = autograd::Parameters::new();
//! # params.push("w", autograd::Tensor::scalar(0.0).requires_grad());
//! let opt = Optimizer::new(params, cli.optimizer)?;
//! assert_eq!(opt.rule().to_string(), "adam (lr 0.01, β1 0.9, β2 0.999, ε 1e-8, weight decay 0)");
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
mod algorithm;
mod checkpoint;
mod checks;
mod clip;
mod error;
mod form;
mod layout;
mod momentum;
mod nesterov;
mod optimizer;
mod rmsprop;
mod rule;
mod sgd;
mod split;
mod state;

pub mod groups;
pub mod scheduler;

pub use adadelta::AdaDelta;
pub use adagrad::AdaGrad;
pub use adam::Adam;
pub use algorithm::Algorithm;
pub use clip::{clip_grad_norm, clip_grad_value};
pub use error::OptimError;
pub use form::Form;
pub use momentum::Momentum;
pub use nesterov::Nesterov;
pub use optimizer::{Group, Optimizer};
pub use rmsprop::RmsProp;
pub use rule::UpdateRule;
pub use sgd::Sgd;
pub use state::{OptimizerState, SavedGroup};
