//! The data batcher: one shuffled epoch of 60,000 MNIST-sized images in batches of 64 (the
//! gather into each batch array is the work measured). The first benchmark holds the pixels as
//! raw `u8` and standardizes each batch as it is drawn, as `data::load` does; the second holds
//! them as `f32`, normalized up front.
//!
//! `cargo bench -p benches --bench batcher`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use data::{Dataset, Order, Split};
use ndarray::Array2;

fn epoch(c: &mut Criterion) {
    let n = 60_000;
    let pixels = Array2::from_shape_fn((n, 784), |(i, j)| ((i * 31 + j) % 255) as u8);
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    let norm = Dataset::Mnist.normalization();
    let floats = Split::new(norm.to_f32(pixels.view()), labels.clone());
    let raw = Split::from_raw(pixels, norm, labels);
    let mut group = c.benchmark_group("batcher");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(20);
    for (name, split) in [
        ("shuffled epoch, batch 64", &raw),
        ("shuffled epoch, batch 64, f32 storage", &floats),
    ] {
        let mut epoch = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                epoch += 1;
                split
                    .batches(64, Order::Shuffled { seed: 0, epoch }, false)
                    .map(|batch| batch.labels.len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, epoch);
criterion_main!(benches);
