//! One full training step (forward, backward, optimizer update) of the W1 and W2 networks,
//! through `nn` + `optim`, next to the hand-written baseline ([`benches::handwritten`]) of the
//! same network with the same matrix products: the difference is what autograd costs.
//!
//! Both cycle through 64 batches of random labels. With one batch repeated, a network learns it
//! and the time per step drifts with the state it reaches (measured: a loss near 1e-3 made the
//! products about 1.5× slower, presumably subnormal gradients); with 64 it stays near ln 10.
//!
//! `cargo bench -p benches --bench train_step`

use autograd::Tensor;
use benches::{handwritten::Mlp, synthetic_batch, workload};
use criterion::{criterion_group, criterion_main, Criterion};
use nn::Module;

fn steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("train_step");
    for name in ["W1-sgd", "W1-adam", "W2"] {
        let w = workload(name).expect("known workload");
        let batches: Vec<_> = (0..64)
            .map(|seed| synthetic_batch(w.batch, w.sizes[0], 10, seed))
            .collect();
        let mut next = batches.iter().cycle();
        let (model, mut optimizer) = benches::network(&w, 0);
        group.bench_function(format!("{name} autograd+nn+optim"), |b| {
            b.iter(|| {
                let (x, labels) = next.next().expect("endless");
                // The batch tensor is made each step, as in training (the batcher hands over
                // a fresh array); cloning the array here stands in for that.
                let input = Tensor::from_array(x.clone().into_dyn());
                optimizer.zero_grad();
                let loss = model.forward(&input).cross_entropy(labels);
                loss.backward();
                optimizer.step().expect("no closure needed");
                loss.item()
            })
        });
        if w.optimizer == "momentum" {
            let mut baseline = Mlp::new(w.sizes, w.batch, 0);
            group.bench_function(format!("{name} hand-written"), |b| {
                b.iter(|| {
                    let (x, labels) = next.next().expect("endless");
                    let input = x.clone(); // same per-step copy as above
                    baseline.train_step(&input.view(), labels, w.lr, 0.9)
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, steps);
criterion_main!(benches);
