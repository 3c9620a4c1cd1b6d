//! Matrix products at the shapes of the speed workloads: the forward product of each layer
//! and both backward products (`∂X = G·W`, `∂W = Gᵀ·X`), through the backend autograd uses, in
//! the layouts autograd uses and, for comparison, all row-major.
//!
//! `cargo bench -p benches --bench matmul`

use autograd::backend::gemm::gemm;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ndarray::{Array2, ShapeBuilder};

fn products(c: &mut Criterion) {
    // (name, batch, inputs, outputs)
    let layers = [
        ("W1 784→512 b64", 64, 784, 512),
        ("W1 512→512 b64", 64, 512, 512),
        ("W2 784→128 b32", 32, 784, 128),
        ("W3 784→1024 b512", 512, 784, 1024),
        ("W3 1024→1024 b512", 512, 1024, 1024),
    ];
    let mut group = c.benchmark_group("matmul");
    for (name, batch, inputs, outputs) in layers {
        // The layouts autograd uses (`autograd::backend::gemm::Layout`): the input batch row-major,
        // layer outputs and their gradients column-major, weights row-major. `x` stands for the
        // input of a hidden layer, so column-major too; the row-major variants show what the
        // layout choice saves.
        let x = Array2::<f32>::from_elem((batch, inputs).f(), 0.5);
        let w = Array2::<f32>::from_elem((outputs, inputs), 0.25);
        let g = Array2::<f32>::from_elem((batch, outputs).f(), 0.125);
        let x_rows = x.as_standard_layout().into_owned();
        let g_rows = g.as_standard_layout().into_owned();
        group.throughput(Throughput::Elements((2 * batch * inputs * outputs) as u64)); // FLOP
        let mut y = Array2::<f32>::zeros((batch, outputs).f());
        let mut y_rows = Array2::<f32>::zeros((batch, outputs));
        group.bench_function(format!("{name} forward X·Wᵀ"), |b| {
            b.iter(|| gemm(1.0, &x.view(), &w.t(), 0.0, &mut y.view_mut()))
        });
        group.bench_function(format!("{name} forward X·Wᵀ row-major"), |b| {
            b.iter(|| gemm(1.0, &x_rows.view(), &w.t(), 0.0, &mut y_rows.view_mut()))
        });
        let mut dx = Array2::<f32>::zeros((batch, inputs).f());
        let mut dx_rows = Array2::<f32>::zeros((batch, inputs));
        group.bench_function(format!("{name} backward G·W"), |b| {
            b.iter(|| gemm(1.0, &g.view(), &w.view(), 0.0, &mut dx.view_mut()))
        });
        group.bench_function(format!("{name} backward G·W row-major"), |b| {
            b.iter(|| gemm(1.0, &g_rows.view(), &w.view(), 0.0, &mut dx_rows.view_mut()))
        });
        let mut dw = Array2::<f32>::zeros((outputs, inputs));
        group.bench_function(format!("{name} backward Gᵀ·X"), |b| {
            b.iter(|| gemm(1.0, &g.t(), &x.view(), 0.0, &mut dw.view_mut()))
        });
        group.bench_function(format!("{name} backward Gᵀ·X row-major"), |b| {
            b.iter(|| gemm(1.0, &g_rows.t(), &x_rows.view(), 0.0, &mut dw.view_mut()))
        });
    }
    group.finish();
}

criterion_group!(benches, products);
criterion_main!(benches);
