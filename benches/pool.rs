//! Which thread pool: the same split work handed out by autograd's own pool, by rayon and by
//! chili, on as many threads as `AUTOGRAD_THREADS` (default: the cores available).
//!
//! One iteration is what the pool sees of a W1 training step: the three forward products of a
//! batch of 64 (784→512→512→10), each cut into one column block per thread, with a little
//! single-threaded element-wise work between them (as the activations are). Each block is the
//! same single-threaded product in every variant; only the hand-out differs.
//!
//! `cargo bench -p benches --bench pool`

use autograd::backend::gemm::gemm;
use autograd::backend::{threads, with_threads};
use criterion::{criterion_group, criterion_main, Criterion};
use ndarray::{s, Array2, ArrayView2, ArrayViewMut2, Axis, ShapeBuilder};

/// One layer: input `[64, in]` (column-major, as autograd lays out activations), weight
/// `[out, in]`, output `[64, out]` column-major.
struct Layer {
    x: Array2<f32>,
    w: Array2<f32>,
    y: Array2<f32>,
}

impl Layer {
    fn new(inputs: usize, outputs: usize) -> Layer {
        Layer {
            x: Array2::from_elem((64, inputs).f(), 0.5),
            w: Array2::from_elem((outputs, inputs), 0.01),
            y: Array2::zeros((64, outputs).f()),
        }
    }
}

/// The blocks of one product `y = x·wᵀ`: column ranges of `y`, one per thread.
fn blocks<'a>(
    x: &'a Array2<f32>,
    w: &'a Array2<f32>,
    y: &'a mut Array2<f32>,
    pieces: usize,
) -> Vec<(
    ArrayView2<'a, f32>,
    ArrayView2<'a, f32>,
    ArrayViewMut2<'a, f32>,
)> {
    let n = y.ncols();
    let width = n.div_ceil(pieces).next_multiple_of(16);
    let mut rest = y.view_mut();
    let mut out = Vec::new();
    let mut start = 0;
    while start < n {
        let end = (start + width).min(n);
        let (part, tail) = rest.split_at(Axis(1), end - start);
        rest = tail;
        out.push((x.view(), w.slice(s![start..end, ..]).reversed_axes(), part));
        start = end;
    }
    out
}

fn block((x, wt, mut y): (ArrayView2<f32>, ArrayView2<f32>, ArrayViewMut2<f32>)) {
    with_threads(1, || gemm(1.0, &x, &wt, 0.0, &mut y));
}

/// The element-wise work between two products (a ReLU over the output, on one thread).
fn between(y: &mut Array2<f32>) {
    y.mapv_inplace(|v| v.max(0.0));
}

fn step(layers: &mut [Layer], split: &dyn Fn(Vec<Block<'_>>)) {
    for i in 0..layers.len() {
        let (before, after) = layers.split_at_mut(i);
        let layer = &mut after[0];
        if let Some(previous) = before.last() {
            layer.x.assign(&previous.y);
        }
        split(blocks(&layer.x, &layer.w, &mut layer.y, threads()));
        between(&mut layer.y);
    }
}

type Block<'a> = (
    ArrayView2<'a, f32>,
    ArrayView2<'a, f32>,
    ArrayViewMut2<'a, f32>,
);

fn chili_split(scope: &mut chili::Scope<'_>, mut pieces: Vec<Block<'_>>) {
    match pieces.len() {
        0 => {}
        1 => block(pieces.pop().expect("one")),
        n => {
            let second = pieces.split_off(n / 2);
            scope.join(|s| chili_split(s, pieces), |s| chili_split(s, second));
        }
    }
}

fn pools(c: &mut Criterion) {
    let n = threads();
    let mut layers = vec![
        Layer::new(784, 512),
        Layer::new(512, 512),
        Layer::new(512, 10),
    ];
    let mut group = c.benchmark_group(format!("pool, W1 forward, {n} threads"));
    group.bench_function("one thread", |b| {
        b.iter(|| step(&mut layers, &|blocks| blocks.into_iter().for_each(block)))
    });
    group.bench_function("autograd pool", |b| {
        // The backend's own split of the same products.
        b.iter(|| {
            for i in 0..layers.len() {
                let (before, after) = layers.split_at_mut(i);
                let layer = &mut after[0];
                if let Some(previous) = before.last() {
                    layer.x.assign(&previous.y);
                }
                gemm(
                    1.0,
                    &layer.x.view(),
                    &layer.w.t(),
                    0.0,
                    &mut layer.y.view_mut(),
                );
                between(&mut layer.y);
            }
        })
    });
    let rayon_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .expect("a rayon pool");
    group.bench_function("rayon", |b| {
        rayon_pool.install(|| {
            b.iter(|| {
                step(&mut layers, &|blocks| {
                    rayon::scope(|s| {
                        let mut blocks = blocks.into_iter();
                        let first = blocks.next();
                        for piece in blocks {
                            s.spawn(move |_| block(piece));
                        }
                        first.into_iter().for_each(block);
                    })
                })
            })
        })
    });
    let chili_pool = chili::ThreadPool::with_config(chili::Config {
        thread_count: std::num::NonZero::new(n),
        ..Default::default()
    });
    group.bench_function("chili", |b| {
        let mut scope = chili_pool.scope();
        let scope = std::cell::RefCell::new(&mut scope);
        b.iter(|| {
            step(&mut layers, &|blocks| {
                chili_split(&mut scope.borrow_mut(), blocks)
            })
        })
    });
    group.finish();
}

criterion_group!(benches, pools);
criterion_main!(benches);
