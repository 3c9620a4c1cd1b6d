//! A forward and backward pass of a two-layer network, large enough that the backend cuts its
//! products and element-wise loops into pieces, at 1 to 8 threads.
//!
//! What the backend promises (`autograd::backend`): the same thread count gives the same bits
//! every time; different counts agree to rounding (a product cut differently sums in another
//! order), and element-wise work alone is bit-identical at every count.

use autograd::backend::with_threads;
use autograd::{ArrayD, IxDyn, Tensor};

/// Loss and the gradients of both weight matrices, for one batch of 256 rows of 784 inputs.
fn pass() -> (f32, Vec<f32>, Vec<f32>) {
    let wave = |n: usize, f: f32| ((n as f32) * f).sin();
    let x = Tensor::from_array(ArrayD::from_shape_fn(IxDyn(&[256, 784]), |i| {
        wave(i[0] * 784 + i[1], 0.37)
    }));
    let w1 = Tensor::from_array(ArrayD::from_shape_fn(IxDyn(&[512, 784]), |i| {
        0.05 * wave(i[0] * 784 + i[1], 0.11)
    }))
    .requires_grad();
    let w2 = Tensor::from_array(ArrayD::from_shape_fn(IxDyn(&[10, 512]), |i| {
        0.05 * wave(i[0] * 512 + i[1], 0.23)
    }))
    .requires_grad();
    let labels: Vec<usize> = (0..256).map(|i| i % 10).collect();
    let loss = x
        .linear(&w1, None)
        .relu()
        .linear(&w2, None)
        .cross_entropy(&labels);
    loss.backward();
    let grad = |w: &Tensor| w.grad().expect("a gradient").iter().copied().collect();
    (loss.item(), grad(&w1), grad(&w2))
}

#[test]
fn every_thread_count_agrees_with_one_and_with_itself() {
    let (loss_1, g1_1, g2_1) = with_threads(1, pass);
    let scale = |g: &[f32]| g.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    for threads in 2..=8 {
        let (loss, g1, g2) = with_threads(threads, pass);
        let again = with_threads(threads, pass);
        assert_eq!(
            (loss, &g1, &g2),
            (again.0, &again.1, &again.2),
            "{threads} threads, twice"
        );
        assert!(
            (loss - loss_1).abs() <= 1e-6 * loss_1.abs(),
            "{threads}: loss {loss} vs {loss_1}"
        );
        for (name, many, one) in [("w1", &g1, &g1_1), ("w2", &g2, &g2_1)] {
            let worst = many
                .iter()
                .zip(one.iter())
                .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
            // Agreement to rounding: a few ulps of the largest gradient entry.
            assert!(
                worst <= 1e-5 * scale(one),
                "{name}, {threads} threads: differs by {worst}"
            );
        }
    }
}
