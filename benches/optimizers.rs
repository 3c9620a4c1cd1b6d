//! Each optimizer's step over W1's 669,706 parameters (784-512-512-10), gradients already in
//! place: the cost of the update rule itself.
//!
//! `cargo bench -p benches --bench optimizers`

use autograd::{no_grad, Tensor};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nn::{mlp, Activation, Init, Module};
use optim::{Algorithm, Form, Optimizer};
use rand::SeedableRng;

fn updates(c: &mut Criterion) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    let model = mlp(
        &[784, 512, 512, 10],
        Activation::Relu,
        0.0,
        Init::Pytorch,
        &mut rng,
    );
    let params = model.parameters();
    assert_eq!(params.count_elements(), 669_706);
    let mut group = c.benchmark_group("optimizer_step");
    group.throughput(Throughput::Elements(params.count_elements() as u64));
    for name in [
        "sgd", "momentum", "adagrad", "adadelta", "rmsprop", "adam", "adamw",
    ] {
        let rule = Algorithm::defaults(name, Form::Course).expect("a name");
        let mut optimizer = Optimizer::new(params.clone(), rule).expect("defaults are valid");
        // A fixed small gradient in every slot, so each step does the full update.
        for p in &params {
            *p.tensor.grad_slot() = Some(
                no_grad(|| Tensor::full(&p.tensor.shape(), 1e-3))
                    .value()
                    .clone(),
            );
        }
        group.bench_function(name, |b| {
            b.iter(|| optimizer.step().expect("no closure needed"))
        });
    }
    group.finish();
}

criterion_group!(benches, updates);
criterion_main!(benches);
