//! Schedules of the learning rate `λ` or the momentum `μ`, as in PyTorch's
//! `torch.optim.lr_scheduler`, acting on every parameter group.
//!
//! A [`Schedule`] is a closed form: the value at tick `t` from a group's base value
//! ([`StepLr`], [`MultiStepLr`], [`ExponentialLr`], [`CosineAnnealingLr`], [`LinearLr`],
//! [`SequentialLr`], [`Constant`]). A [`Scheduler`] applies one to an optimizer: it takes each
//! group's current value as that group's base (PyTorch's `initial_lr`), sets the value of
//! tick 0 at once, as PyTorch's constructors do (so a warm-up starts low), and sets the value
//! of the next tick at each [`Scheduler::step`]. [`Scheduler::plateau`] is PyTorch's
//! `ReduceLROnPlateau`, which follows a metric instead of a formula.
//!
//! What a tick is, is the caller's choice: call `step` after every optimizer step, or after
//! every epoch; a schedule's lengths (`step_size`, `T_max`, …) count those ticks. PyTorch's
//! order, one tick per epoch:
//!
//! ```
//! use autograd::{Parameters, Tensor};
//! use optim::scheduler::{Scheduler, StepLr};
//! use optim::{Optimizer, Sgd};
//! let mut params = Parameters::new();
//! params.push("w", Tensor::scalar(1.0).requires_grad());
//! let mut opt = Optimizer::new(params, Sgd { lr: 1.0, ..Default::default() })?;
//! let mut sched = Scheduler::new(&mut opt, StepLr::new(3, 0.1)?)?;
//! let mut lrs = vec![opt.groups()[0].rule.lr];
//! for _epoch in 0..4 {
//!     // for batch in data { opt.zero_grad(); loss.backward(); opt.step()?; }
//!     sched.step(&mut opt, None)?; // sets λ in every group
//!     lrs.push(opt.groups()[0].rule.lr);
//! }
//! assert_eq!(lrs, vec![1.0, 1.0, 1.0, 0.1, 0.1]);
//! # Ok::<(), optim::OptimError>(())
//! ```
//!
//! Values are computed in `f64`, as PyTorch does with Python floats, and rounded to `f32` when
//! set. Files: `step.rs` (StepLR), `multi_step.rs` (MultiStepLR), `exponential.rs`
//! (ExponentialLR), `cosine.rs` (CosineAnnealingLR), `linear.rs` (LinearLR, warm-up),
//! `sequential.rs` (SequentialLR, e.g. warm-up then cosine), `constant.rs`, `plateau.rs`
//! (ReduceLROnPlateau), `schedule.rs` (the [`Schedule`] trait), `driver.rs` ([`Scheduler`]),
//! `position.rs` (saving its position).

mod constant;
mod cosine;
mod driver;
mod exponential;
mod linear;
mod multi_step;
mod plateau;
mod position;
mod schedule;
mod sequential;
mod step;

pub use constant::Constant;
pub use cosine::CosineAnnealingLr;
pub use driver::Scheduler;
pub use exponential::ExponentialLr;
pub use linear::LinearLr;
pub use multi_step::MultiStepLr;
pub use plateau::{PlateauConfig, PlateauMode, ThresholdMode};
pub use schedule::{Schedule, Target};
pub use sequential::SequentialLr;
pub use step::StepLr;
