//! Thousands of training steps hold no more memory than a few: each step's graph is released.
//!
//! The heap is measured by a counting allocator (this test binary only, with this one test, so
//! no other test's allocations are counted): bytes allocated minus bytes freed, whatever the
//! allocator keeps from the operating system.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use autograd::{no_grad, Tensor};
use rand::rngs::StdRng;
use rand::SeedableRng;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn live_memory_stays_flat_over_thousands_of_steps() {
    // A 16 → 64 → 4 MLP on a fixed batch of 64. A leaked graph would keep every step's
    // activations (≥ 64·64·4 bytes each for the hidden layer alone, ×2500 steps ≈ 40 MB).
    let mut rng = StdRng::seed_from_u64(7);
    let x = Tensor::randn(&[64, 16], 0.0, 1.0, &mut rng);
    let labels: Vec<usize> = (0..64).map(|i| i % 4).collect();
    let params = [
        Tensor::randn(&[16, 64], 0.0, 0.25, &mut rng).requires_grad(),
        Tensor::zeros(&[64]).requires_grad(),
        Tensor::randn(&[64, 4], 0.0, 0.125, &mut rng).requires_grad(),
        Tensor::zeros(&[4]).requires_grad(),
    ];
    let [w1, b1, w2, b2] = &params;
    let mut live_at_500 = 0;
    let mut first_loss = 0.0;
    let mut last_loss = 0.0;
    for step in 0..3000 {
        if step == 500 {
            live_at_500 = LIVE.load(Ordering::Relaxed);
        }
        let hidden = (&x.matmul(w1) + b1).relu();
        let loss = (&hidden.matmul(w2) + b2).cross_entropy(&labels);
        loss.backward();
        assert!(
            loss.inputs().is_empty() && hidden.inputs().is_empty(),
            "graph kept at step {step}"
        );
        no_grad(|| {
            for p in &params {
                let g = p.grad().expect("every parameter gets a gradient").clone();
                p.value_mut().scaled_add(-0.05, &g);
                p.zero_grad();
            }
        });
        if step == 0 {
            first_loss = loss.item();
        }
        last_loss = loss.item();
    }
    let growth = LIVE.load(Ordering::Relaxed) - live_at_500;
    // One step's activations alone are 16 kB: a leak of one per step would show as 40 MB.
    assert!(
        growth < 16 * 1024,
        "live heap grew by {growth} bytes between step 500 and step 3000"
    );
    assert!(
        last_loss < first_loss,
        "training did not reduce the loss: {first_loss} → {last_loss}"
    );
}
