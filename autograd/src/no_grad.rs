//! Switching graph recording off: inference, optimizer updates, evaluation.
//!
//! Inside [`no_grad`] (or while a [`NoGradGuard`] lives) ops compute values only: no node
//! records its inputs, so no memory is held for a backward pass (PyTorch's `torch.no_grad()`).
//! The switch is per thread.

use std::cell::Cell;

thread_local! {
    static GRAD_ENABLED: Cell<bool> = const { Cell::new(true) };
}

/// Whether ops on this thread currently record the graph.
pub fn is_grad_enabled() -> bool {
    GRAD_ENABLED.with(Cell::get)
}

/// Runs `f` with graph recording off, then restores the previous setting (also on panic).
///
/// ```
/// use autograd::{no_grad, Tensor};
/// let w = Tensor::ones(&[2]).requires_grad();
/// let y = no_grad(|| &w * 2.0);
/// assert!(y.is_leaf() && !y.needs_grad());
/// ```
pub fn no_grad<T>(f: impl FnOnce() -> T) -> T {
    let _guard = NoGradGuard::new();
    f()
}

/// Turns graph recording off until dropped.
pub struct NoGradGuard {
    previous: bool,
}

impl NoGradGuard {
    /// Switches recording off on this thread.
    pub fn new() -> NoGradGuard {
        let previous = GRAD_ENABLED.with(|g| g.replace(false));
        NoGradGuard { previous }
    }
}

impl Default for NoGradGuard {
    fn default() -> Self {
        NoGradGuard::new()
    }
}

impl Drop for NoGradGuard {
    fn drop(&mut self) {
        GRAD_ENABLED.with(|g| g.set(self.previous));
    }
}
