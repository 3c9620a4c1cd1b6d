//! The backward pass: the whole engine, naming no particular op.
//!
//! 1. Sort the graph below the loss so that every node comes after all nodes that consume it
//!    (a reverse topological order, found by one depth-first search).
//! 2. Walk that order once, starting from `∂loss/∂loss = 1`. At each node, hand the gradient
//!    collected so far to the op that made the node; its [`Op::backward`](crate::Op::backward)
//!    returns one gradient per input, which is **added** to what that input already collected.
//!    A node used by several consumers therefore receives the sum of their gradients, and it is
//!    visited only after all of them, so its sum is complete when its own op runs.
//! 3. Leaves that require a gradient add the arriving gradient into their `grad` slot, so calls
//!    to `backward()` accumulate until [`Tensor::zero_grad`].
//! 4. Unless asked to keep it, each node drops its op and inputs once visited: the graph's
//!    memory is freed as soon as the pass is over, as in PyTorch.

use std::collections::{HashMap, HashSet};

use ndarray::ArrayD;

use crate::anomaly;
use crate::tensor::Tensor;

/// One step of a backward pass, as recorded by [`Tensor::backward_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// The node's id ([`Tensor::id`]).
    pub id: usize,
    /// The op that made the node, or `"leaf"`.
    pub op: &'static str,
    /// The node's shape.
    pub shape: Vec<usize>,
    /// The name given with [`Tensor::named`], if any.
    pub name: Option<String>,
}

/// Options of a backward pass.
#[derive(Debug, Clone, Copy, Default)]
pub struct BackwardOptions {
    /// Keep the graph so that `backward()` can run through it again (PyTorch's `retain_graph`).
    pub retain_graph: bool,
    /// Record the order in which nodes are visited.
    pub trace: bool,
    /// Keep the gradient of every node, not only of the leaves (as micrograd does), so that a
    /// picture of the graph can show them all ([`Tensor::retain_grad`] does it for one node).
    pub retain_grads: bool,
}

impl Tensor {
    /// Computes `∂self/∂t` for every tensor `t` that requires a gradient and adds it to `t.grad()`.
    ///
    /// # Panics
    /// If `self` is not a one-element tensor, does not require a gradient, or its graph was
    /// already released by an earlier `backward()`.
    #[track_caller]
    pub fn backward(&self) {
        self.backward_with(BackwardOptions::default());
    }

    /// [`Tensor::backward`] with options; returns the visiting order when `trace` is set.
    ///
    /// # Panics
    /// As [`Tensor::backward`].
    #[track_caller]
    pub fn backward_with(&self, options: BackwardOptions) -> Vec<Visit> {
        assert_eq!(
            self.len(),
            1,
            "backward(): the output has shape {:?}; only a scalar can start a backward pass \
             (use backward_from_grad to supply ∂L/∂output)",
            self.shape()
        );
        let seed = ArrayD::ones(self.value().raw_dim());
        self.backward_from_grad(seed, options)
    }

    /// Runs the backward pass from a given `∂L/∂self` (same shape as `self`).
    ///
    /// # Panics
    /// If the shapes differ, `self` does not require a gradient, or the graph was released.
    #[track_caller]
    pub fn backward_from_grad(&self, grad: ArrayD<f32>, options: BackwardOptions) -> Vec<Visit> {
        assert_eq!(
            grad.shape(),
            self.value().shape(),
            "backward_from_grad: gradient shape {:?} does not match the output shape {:?}",
            grad.shape(),
            self.value().shape()
        );
        assert!(
            self.needs_grad(),
            "backward(): this tensor does not require a gradient (no input was marked \
             requires_grad, or it was computed under no_grad)"
        );
        let order = reverse_topological_order(self);
        let mut trace = Vec::new();
        let mut pending: HashMap<usize, ArrayD<f32>> = HashMap::from([(self.id(), grad)]);
        for node in &order {
            let Some(grad) = pending.remove(&node.id()) else {
                continue; // no path from the loss reaches this node
            };
            let grad = node.run_hooks(grad); // complete now: every consumer has added its part
            if options.trace {
                trace.push(Visit {
                    id: node.id(),
                    op: node.op_name().unwrap_or("leaf"),
                    shape: node.shape(),
                    name: node.name(),
                });
            }
            let grad_fn = if options.retain_graph {
                None
            } else {
                node.0.grad_fn.borrow_mut().take()
            };
            let borrowed = node.0.grad_fn.borrow();
            let Some(grad_fn) = grad_fn.as_ref().or(borrowed.as_ref()) else {
                assert!(
                    !node.0.released.get(),
                    "backward(): trying to go through the graph a second time, but its saved \
                     values were freed by the first backward(); use retain_graph: true"
                );
                accumulate(&mut node.0.grad.borrow_mut(), grad); // a leaf
                continue;
            };
            if node.0.retains_grad.get() || options.retain_grads {
                accumulate(&mut node.0.grad.borrow_mut(), grad.clone());
            }
            let input_grads = grad_fn.op.backward(&grad_fn.inputs, &node.value(), grad);
            if anomaly::is_enabled() {
                anomaly::check_backward(grad_fn.op.name(), &grad_fn.inputs, &input_grads);
            }
            for (input, input_grad) in grad_fn.inputs.iter().zip(input_grads) {
                let Some(input_grad) = input_grad.filter(|_| input.needs_grad()) else {
                    continue;
                };
                debug_assert_eq!(
                    input_grad.shape(),
                    input.value().shape(),
                    "op `{}` returned a gradient of the wrong shape",
                    grad_fn.op.name()
                );
                match pending.get_mut(&input.id()) {
                    Some(sum) => *sum += &input_grad,
                    None => {
                        pending.insert(input.id(), input_grad);
                    }
                }
            }
            drop(borrowed);
            if !options.retain_graph {
                node.0.released.set(true);
            }
        }
        trace
    }
}

/// Adds `grad` into a gradient slot (moving it in when the slot is empty).
fn accumulate(slot: &mut Option<ArrayD<f32>>, grad: ArrayD<f32>) {
    match slot {
        Some(sum) => *sum += &grad,
        None => *slot = Some(grad),
    }
}

/// All nodes below `root` that need a gradient, each after every node that consumes it.
fn reverse_topological_order(root: &Tensor) -> Vec<Tensor> {
    let mut post_order = Vec::new();
    let mut seen = HashSet::new();
    // Iterative depth-first search: (node, its inputs already pushed?)
    let mut stack = vec![(root.clone(), false)];
    while let Some((node, expanded)) = stack.pop() {
        if expanded {
            post_order.push(node);
            continue;
        }
        if !seen.insert(node.id()) {
            continue;
        }
        stack.push((node.clone(), true));
        for input in node.inputs() {
            if input.needs_grad() && !seen.contains(&input.id()) {
                stack.push((input, false));
            }
        }
    }
    post_order.reverse(); // inputs came before consumers; reversed, consumers come first
    post_order
}
