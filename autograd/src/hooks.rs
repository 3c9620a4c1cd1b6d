//! Tensor hooks: functions that see the gradient of a tensor as the backward pass computes it,
//! and may replace it (PyTorch's `Tensor.register_hook`).
//!
//! A hook runs once per backward pass, when the gradient `∂L/∂t` arriving at `t` is complete
//! (every consumer of `t` has added its part), before it is stored in a leaf's `grad` or handed
//! to the op that made `t`. Returning `Some(g)` replaces the gradient from there on: the leaf
//! stores `g`, the inputs of `t` receive gradients computed from `g`. The hooks of one tensor run
//! in the order they were registered, each seeing the previous one's result.
//!
//! ```
//! use std::cell::RefCell;
//! use std::rc::Rc;
//! use autograd::Tensor;
//! let w = Tensor::from_vec(vec![1.0, -2.0], &[2]).unwrap().requires_grad();
//! let seen = Rc::new(RefCell::new(Vec::new()));
//! let log = seen.clone();
//! let handle = w.register_hook(move |g| {
//!     log.borrow_mut().push(g.iter().copied().collect::<Vec<f32>>());
//!     Some(g * 0.5) // halve the gradient on its way into `w.grad()`
//! });
//! (&w * &w).sum().backward(); // ∂/∂w Σ w² = 2w = [2, −4]
//! assert_eq!(seen.borrow()[0], vec![2.0, -4.0]);
//! assert_eq!(w.grad().unwrap().as_slice().unwrap(), &[1.0, -2.0]);
//! handle.remove();
//! ```

use std::cell::Cell;
use std::rc::Weak;

use ndarray::ArrayD;

use crate::tensor::{Node, Tensor};

/// What a hook is: the gradient in, a replacement (or `None` to keep it) out.
type HookFn = dyn Fn(&ArrayD<f32>) -> Option<ArrayD<f32>>;

/// A hook as stored in its tensor's node: its number (for removal) and the function.
pub(crate) struct GradHook {
    id: usize,
    hook: Box<HookFn>,
}

/// Removes its hook when [`HookHandle::remove`] is called (dropping the handle keeps the hook,
/// as in PyTorch).
#[must_use = "the handle is the only way to remove the hook"]
pub struct HookHandle {
    node: Weak<Node>,
    id: usize,
}

impl HookHandle {
    /// Removes the hook; the next backward pass no longer calls it.
    pub fn remove(self) {
        if let Some(node) = self.node.upgrade() {
            node.hooks.borrow_mut().retain(|h| h.id != self.id);
        }
    }
}

thread_local! {
    static NEXT_HOOK: Cell<usize> = const { Cell::new(0) };
}

impl Tensor {
    /// Calls `hook` with `∂L/∂self` during every backward pass that reaches this tensor; a
    /// returned array replaces the gradient (see the module docs).
    ///
    /// # Panics
    /// During backward, if a replacement's shape differs from the tensor's.
    pub fn register_hook(
        &self,
        hook: impl Fn(&ArrayD<f32>) -> Option<ArrayD<f32>> + 'static,
    ) -> HookHandle {
        let id = NEXT_HOOK.with(|next| next.replace(next.get() + 1));
        self.0.hooks.borrow_mut().push(GradHook {
            id,
            hook: Box::new(hook),
        });
        HookHandle {
            node: std::rc::Rc::downgrade(&self.0),
            id,
        }
    }

    /// The gradient after this tensor's hooks have seen it (`grad` itself when it has none).
    pub(crate) fn run_hooks(&self, mut grad: ArrayD<f32>) -> ArrayD<f32> {
        for h in self.0.hooks.borrow().iter() {
            if let Some(replaced) = (h.hook)(&grad) {
                assert_eq!(
                    replaced.shape(),
                    grad.shape(),
                    "a gradient hook of a tensor of shape {:?} returned shape {:?}",
                    grad.shape(),
                    replaced.shape()
                );
                grad = replaced;
            }
        }
        grad
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::*;

    #[test]
    fn a_hook_on_an_intermediate_tensor_sees_and_replaces_its_gradient() {
        // y = 3x, L = Σ y²: ∂L/∂y = 2y = 6x, ∂L/∂x = 3 · ∂L/∂y.
        let x = Tensor::from_vec(vec![1.0, 2.0], &[2])
            .unwrap()
            .requires_grad();
        let y = &x * 3.0;
        let seen = Rc::new(RefCell::new(None));
        let log = seen.clone();
        let _kept = y.register_hook(move |g| {
            *log.borrow_mut() = Some(g.clone());
            Some(ArrayD::ones(g.raw_dim())) // ∂L/∂y replaced by 1
        });
        (&y * &y).sum().backward();
        let seen = seen.borrow().clone().unwrap();
        assert_eq!(seen.as_slice().unwrap(), &[6.0, 12.0]);
        // x then receives 3 · 1 instead of 3 · [6, 12].
        assert_eq!(x.grad().unwrap().as_slice().unwrap(), &[3.0, 3.0]);
    }

    #[test]
    fn hooks_run_in_order_and_a_removed_hook_no_longer_runs() {
        let w = Tensor::scalar(1.0).requires_grad();
        let calls = Rc::new(RefCell::new(Vec::new()));
        let (a, b) = (calls.clone(), calls.clone());
        let first = w.register_hook(move |g| {
            a.borrow_mut().push(("first", g.sum()));
            Some(g * 10.0)
        });
        let _second = w.register_hook(move |g| {
            b.borrow_mut().push(("second", g.sum()));
            None
        });
        (&w * 2.0).sum().backward(); // ∂/∂w 2w = 2
        assert_eq!(*calls.borrow(), [("first", 2.0), ("second", 20.0)]);
        assert_eq!(w.grad().unwrap().sum(), 20.0);
        first.remove();
        w.zero_grad();
        calls.borrow_mut().clear();
        (&w * 2.0).sum().backward();
        assert_eq!(*calls.borrow(), [("second", 2.0)]);
        assert_eq!(w.grad().unwrap().sum(), 2.0);
    }
}
