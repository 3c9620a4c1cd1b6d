//! The steady-state step allocates no array: state buffers are reused and updated in place.
//! (The driver's short list of this step's updates is the only allocation: a few hundred
//! bytes, whatever the size of the parameters.)
//!
//! A counting global allocator (this test binary only) counts the bytes allocated by the
//! current thread while `step()` runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use autograd::{Parameters, Tensor};
use optim::{Algorithm, Form, Optimizer};

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // `try_with`: the thread-locals may already be gone while a thread shuts down.
        let _ = COUNTING.try_with(|on| {
            if on.get() {
                COUNT.with(|c| c.set(c.get() + layout.size()));
            }
        });
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes allocated by `f` on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    COUNT.with(|c| c.set(0));
    COUNTING.with(|on| on.set(true));
    f();
    COUNTING.with(|on| on.set(false));
    COUNT.with(|c| c.get())
}

#[test]
fn steady_state_steps_do_not_allocate() {
    // The counter does count: a `Vec` of 1000 bytes is 1000 bytes.
    assert_eq!(
        allocations(|| drop(std::hint::black_box(vec![1u8; 1000]))),
        1000
    );
    // NAG's course form re-evaluates the loss (a graph) inside its step, so it is left out.
    let runs = Algorithm::NAMES
        .iter()
        .flat_map(|&n| [(n, Form::Course), (n, Form::PyTorch)]);
    for (name, form) in runs.filter(|&(n, f)| !(n == "nesterov" && f == Form::Course)) {
        let mut params = Parameters::new();
        params.push(
            "w",
            Tensor::from_vec(vec![0.5; 3000], &[30, 100])
                .unwrap()
                .requires_grad(),
        );
        params.push(
            "b",
            Tensor::from_vec(vec![-0.5; 4], &[4])
                .unwrap()
                .requires_grad(),
        );
        // With weight decay, so that every rule's whole update runs.
        let mut rule = serde_json::to_value(Algorithm::defaults(name, form).unwrap()).unwrap();
        rule["weight_decay"] = serde_json::json!(0.01);
        let rule: Algorithm = serde_json::from_value(rule).unwrap();
        let (w, b) = (
            params.get("w").unwrap().clone(),
            params.get("b").unwrap().clone(),
        );
        let mut opt = Optimizer::new(params, rule).unwrap();
        (&(&w * &w).sum() + &(&b * &b).sum()).backward(); // gradients stay in place across steps
        opt.step().unwrap(); // first step: creates the state
        let count = allocations(|| {
            for _ in 0..3 {
                opt.step().unwrap();
            }
        });
        // One array the size of `w` would be 12,000 bytes.
        assert!(
            count < 3 * 1024,
            "{name} {form:?}: {count} bytes allocated in 3 steady-state steps"
        );
    }
}
