//! Small synthetic data for the tests of the training loop and the comparison: no MNIST needed.
#![allow(dead_code)] // each test binary uses a different part of these helpers

use autograd::Tensor;
use data::Split;
use lab::training::Datasets;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// `classes` Gaussian blobs in `dim` dimensions: centers drawn from `N(0, 3²)` per coordinate
/// (so centers are about `3·√(2·dim)` apart), samples = center + `N(0, 1)` noise. Well
/// separated, so a small network classifies them almost perfectly.
pub fn blobs(
    classes: usize,
    per_class: usize,
    dim: usize,
    centers_seed: u64,
    noise_seed: u64,
) -> Split {
    let mut rng = ChaCha8Rng::seed_from_u64(centers_seed);
    let centers = Tensor::randn(&[classes, dim], 0.0, 3.0, &mut rng)
        .value()
        .clone();
    let mut rng = ChaCha8Rng::seed_from_u64(noise_seed);
    let noise = Tensor::randn(&[classes * per_class, dim], 0.0, 1.0, &mut rng)
        .value()
        .clone();
    let mut images = noise
        .into_dimensionality::<autograd::ndarray::Ix2>()
        .expect("2-D");
    let mut labels = Vec::new();
    for (i, mut row) in images.rows_mut().into_iter().enumerate() {
        let class = i % classes; // interleaved, so any prefix has every class
        row += &centers.index_axis(autograd::ndarray::Axis(0), class);
        labels.push(class as u8);
    }
    Split::new(images, labels)
}

/// Three blobs in 10 dimensions: 240 training samples (of which `val` held out), 90 test.
pub fn tiny(val: usize) -> Datasets {
    let train = blobs(3, 80, 10, 7, 1);
    let test = blobs(3, 30, 10, 7, 2);
    Datasets::new(train, test, val, 3)
}
