//! # autograd — reverse-mode automatic differentiation you can read
//!
//! A [`Tensor`] holds an `f32` array (an `ndarray::ArrayD`). Ops on tensors compute values and
//! record a dynamic graph, as in PyTorch; [`Tensor::backward`] walks it in reverse and leaves
//! `∂loss/∂x` in every tensor `x` that requires a gradient.
//!
//! ```
//! use autograd::Tensor;
//! let x = Tensor::from_vec(vec![1.0, 2.0], &[1, 2]).unwrap();
//! let w = Tensor::from_vec(vec![0.5, -1.0], &[2, 1]).unwrap().requires_grad();
//! let b = Tensor::scalar(0.1).requires_grad();
//! let loss = (&x.matmul(&w) + &b).relu().sum();
//! loss.backward();
//! println!("∂loss/∂w = {}", *w.grad().unwrap());
//! ```
//!
//! Where to read:
//! - `tensor.rs` — what a node holds; `op.rs` — the [`Op`] trait every op implements;
//! - `backward.rs` — the whole backward engine (topological order, reverse loop, accumulation);
//! - `broadcast.rs` — broadcasting and the one helper that sums a gradient back to a shape;
//! - `ops/` — one file per op, forward and backward side by side;
//! - `no_grad.rs`, `anomaly.rs`, `graph.rs` (text and DOT), `draw.rs` (the graph as an SVG
//!   picture with every value and gradient), `hooks.rs` (functions that watch gradients flow),
//!   `gradcheck.rs` — tools for looking inside;
//! - `params.rs` — the parameter registry that `nn` fills and `optim` updates.
//!
//! How it is computed fast (matrix products, threads, memory layouts) is kept apart, in
//! `backend/`, so that the files above read as math.

pub mod backend;
mod backward;
mod broadcast;
mod draw;
mod gradcheck;
mod graph;
mod hooks;
mod no_grad;
mod op;
mod ops;
mod params;
mod tensor;

pub mod anomaly;

pub use backward::{BackwardOptions, Visit};
pub use broadcast::{broadcast_shape, sum_to_shape};
pub use gradcheck::{gradcheck, GradCheck, GradCheckError};
pub use hooks::HookHandle;
pub use ndarray::{self, ArrayD, IxDyn};
pub use no_grad::{is_grad_enabled, no_grad, NoGradGuard};
pub use op::Op;
pub use params::{ParamId, Parameter, Parameters};
pub use tensor::{ShapeError, Tensor};
