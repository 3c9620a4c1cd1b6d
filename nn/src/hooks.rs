//! Forward hooks: functions that see every layer's input and output as a
//! [`Sequential`](crate::Sequential) runs (PyTorch's `Module.register_forward_hook`), to watch
//! activations during training without
//! changing the model: how many ReLUs are dead, how large the outputs grow.
//!
//! ```
//! use std::cell::RefCell;
//! use std::rc::Rc;
//! use autograd::Tensor;
//! use nn::{Linear, Module, ReLU, Sequential};
//! use rand::SeedableRng;
//!
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
//! let model = Sequential::new().add(Linear::new(3, 4, &mut rng)).add(ReLU);
//! let dead = Rc::new(RefCell::new(Vec::new()));
//! let log = dead.clone();
//! let handle = model.register_forward_hook(move |call| {
//!     if call.layer.name() == "ReLU()" {
//!         let zeros = call.output.value().iter().filter(|&&v| v == 0.0).count();
//!         log.borrow_mut().push(zeros as f32 / call.output.len() as f32);
//!     }
//! });
//! model.forward(&Tensor::ones(&[2, 3]));
//! assert_eq!(dead.borrow().len(), 1); // one ReLU layer, one call
//! handle.remove();
//! ```

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use autograd::Tensor;

use crate::module::Module;

/// What a forward hook is shown: which layer ran, on what, giving what.
pub struct ForwardCall<'a> {
    /// The layer's index in its [`Sequential`](crate::Sequential) (its parameters are named
    /// `"{index}.weight"`, …).
    pub index: usize,
    /// The layer itself.
    pub layer: &'a dyn Module,
    /// Its input.
    pub input: &'a Tensor,
    /// Its output.
    pub output: &'a Tensor,
}

/// A registered hook: its number (for removal) and the function.
type Registered = (usize, Box<dyn Fn(&ForwardCall)>);

/// The hooks of one model, in the order registered.
pub(crate) type ForwardHooks = Rc<RefCell<Vec<Registered>>>;

/// Removes its forward hook when [`ForwardHookHandle::remove`] is called (dropping the handle
/// keeps the hook, as in PyTorch).
#[must_use = "the handle is the only way to remove the hook"]
pub struct ForwardHookHandle {
    hooks: Weak<RefCell<Vec<Registered>>>,
    id: usize,
}

impl ForwardHookHandle {
    /// Removes the hook; later forward passes no longer call it.
    pub fn remove(self) {
        if let Some(hooks) = self.hooks.upgrade() {
            hooks.borrow_mut().retain(|(id, _)| *id != self.id);
        }
    }
}

thread_local! {
    static NEXT_HOOK: Cell<usize> = const { Cell::new(0) };
}

/// Adds `hook` to `hooks`, returning its handle.
pub(crate) fn register(
    hooks: &ForwardHooks,
    hook: impl Fn(&ForwardCall) + 'static,
) -> ForwardHookHandle {
    let id = NEXT_HOOK.with(|next| next.replace(next.get() + 1));
    hooks.borrow_mut().push((id, Box::new(hook)));
    ForwardHookHandle {
        hooks: Rc::downgrade(hooks),
        id,
    }
}

/// Shows `call` to every hook.
pub(crate) fn run(hooks: &ForwardHooks, call: &ForwardCall) {
    for (_, hook) in hooks.borrow().iter() {
        hook(call);
    }
}
