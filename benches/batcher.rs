//! The data batcher: one shuffled epoch of 60,000 MNIST-sized images in batches of 64 (the
//! gather copy into each batch array is the work measured).
//!
//! `cargo bench -p benches --bench batcher`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use data::{Order, Split};
use ndarray::Array2;

fn epoch(c: &mut Criterion) {
    let n = 60_000;
    let images = Array2::from_shape_fn((n, 784), |(i, j)| ((i * 31 + j) % 255) as f32 / 255.0);
    let labels = (0..n).map(|i| (i % 10) as u8).collect();
    let split = Split::new(images, labels);
    let mut group = c.benchmark_group("batcher");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(20);
    let mut epoch = 0;
    group.bench_function("shuffled epoch, batch 64", |b| {
        b.iter(|| {
            epoch += 1;
            split
                .batches(64, Order::Shuffled { seed: 0, epoch }, false)
                .map(|batch| batch.labels.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, epoch);
criterion_main!(benches);
