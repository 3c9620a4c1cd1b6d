//! Splits hold raw `u8` pixels and standardize each batch as it is drawn: every batch is
//! bit-identical to normalizing the whole set up front, and a split holds 1 byte per pixel.

use data::{Dataset, Normalization, Order, Split};
use ndarray::{array, Array2, ArrayView2, ShapeBuilder};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The standardization `(p / 255 - mean) / std` written out here, apart from the crate's code,
/// in the form it has always been computed: one multiply and one add in `f32`.
fn by_formula(p: u8, norm: Normalization) -> f32 {
    let scale = 1.0 / (255.0 * norm.std);
    let shift = -norm.mean / norm.std;
    f32::from(p) * scale + shift
}

fn bits(a: &Array2<f32>) -> Vec<u32> {
    a.iter().map(|x| x.to_bits()).collect()
}

/// The statistics in use, and two that are not round numbers.
fn normalizations() -> [Normalization; 5] {
    [
        Dataset::Mnist.normalization(),
        Dataset::FashionMnist.normalization(),
        Normalization::IDENTITY,
        Normalization {
            mean: 0.5,
            std: 0.5,
        },
        Normalization {
            mean: 0.123_456_7,
            std: 0.987_654_3,
        },
    ]
}

/// `n` random images of `d` pixels; label `i` is the sample's index, so a batch row can be
/// traced back to its raw row.
fn random_set(n: usize, d: usize, seed: u64) -> (Array2<u8>, Vec<u8>) {
    assert!(n <= 256);
    let mut bytes = vec![0u8; n * d];
    ChaCha8Rng::seed_from_u64(seed).fill_bytes(&mut bytes);
    let pixels = Array2::from_shape_vec((n, d), bytes).unwrap();
    (pixels, (0..n).map(|i| i as u8).collect())
}

#[test]
fn tiny_example_by_hand() {
    // Mean 0.5, std 0.5: black (0) is -1 and white (255) is 1, exactly.
    let norm = Normalization {
        mean: 0.5,
        std: 0.5,
    };
    let set = Split::from_raw(array![[0u8, 255, 0], [255, 255, 0]], norm, vec![4, 2]);
    let first = array![[-1.0f32, 1.0, -1.0]];
    let second = array![[1.0f32, 1.0, -1.0]];
    let batch = set.batches(2, Order::Sequential, false).next().unwrap();
    let both = array![[-1.0f32, 1.0, -1.0], [1.0, 1.0, -1.0]];
    assert_eq!(bits(&batch.images), bits(&both));
    assert_eq!(batch.labels, [4, 2]);
    let shuffled = Order::Shuffled { seed: 3, epoch: 0 };
    for batch in set.batches(1, shuffled, false) {
        let expected = if batch.labels == [4] { &first } else { &second };
        assert_eq!(
            bits(&batch.images),
            bits(expected),
            "rows travel with labels"
        );
    }

    // MNIST's statistics: (0 - 0.1307) / 0.3081, (1 - 0.1307) / 0.3081, (0.2 - 0.1307) / 0.3081.
    let norm = Dataset::Mnist.normalization();
    let set = Split::from_raw(array![[0u8, 255, 51], [51, 0, 255]], norm, vec![0, 1]);
    let batch = set.batches(2, Order::Sequential, false).next().unwrap();
    let (black, white, grey) = (-0.424_212_9f32, 2.821_486_5f32, 0.224_926_97f32);
    let by_hand = array![[black, white, grey], [grey, black, white]];
    for (got, want) in batch.images.iter().zip(&by_hand) {
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    }
    for (got, &p) in batch.images.iter().zip(set.raw().unwrap()) {
        assert_eq!(got.to_bits(), by_formula(p, norm).to_bits());
    }
}

/// Every byte value under every statistics: since a pixel's value depends on nothing else,
/// this covers every batch of every set.
#[test]
fn every_byte_value_standardizes_as_up_front() {
    let all: Vec<u8> = (0..=255).collect();
    let reversed: Vec<u8> = all.iter().rev().copied().collect();
    let raw = Array2::from_shape_vec((2, 256), [all, reversed].concat()).unwrap();
    for norm in normalizations() {
        let set = Split::from_raw(raw.clone(), norm, vec![0, 1]);
        let batch = set.batches(2, Order::Sequential, false).next().unwrap();
        let expected = raw.mapv(|p| by_formula(p, norm));
        assert_eq!(bits(&batch.images), bits(&expected), "{norm:?}");
        assert_eq!(bits(&norm.to_f32(raw.view())), bits(&expected), "{norm:?}");
        assert_eq!(bits(&set.images_f32()), bits(&expected), "{norm:?}");
    }
}

/// Checks that every batch of `set` and `upfront` (the same samples, normalized before)
/// agrees bit for bit, and each row is the formula applied to the raw row of its sample.
fn assert_same_batches(set: &Split, upfront: &Split, raw: ArrayView2<u8>, norm: Normalization) {
    let orders = [
        Order::Sequential,
        Order::Shuffled { seed: 0, epoch: 0 },
        Order::Shuffled { seed: 0, epoch: 5 },
        Order::Shuffled { seed: 42, epoch: 1 },
    ];
    for order in orders {
        for batch_size in [1, 8, 64, 1_000] {
            for drop_last in [false, true] {
                let ours = set.batches(batch_size, order, drop_last);
                let before = upfront.batches(batch_size, order, drop_last);
                assert_eq!(ours.len(), before.len());
                for (a, b) in ours.zip(before) {
                    assert_eq!(a.labels, b.labels);
                    assert_eq!(a.images.dim(), b.images.dim());
                    assert_eq!(bits(&a.images), bits(&b.images), "{norm:?} {order:?}");
                    for (row, &sample) in a.images.rows().into_iter().zip(&a.labels) {
                        let want = raw.row(sample).mapv(|p| by_formula(p, norm));
                        assert!(row
                            .iter()
                            .zip(&want)
                            .all(|(x, y)| x.to_bits() == y.to_bits()));
                    }
                }
            }
        }
    }
}

#[test]
fn batches_are_bit_identical_to_normalizing_up_front() {
    let (raw, labels) = random_set(203, 784, 7);
    for norm in normalizations() {
        let set = Split::from_raw(raw.clone(), norm, labels.clone());
        // How a split was held before: standardized once, as f32.
        let upfront = Split::new(norm.to_f32(raw.view()), labels.clone());
        assert_same_batches(&set, &upfront, raw.view(), norm);

        // The validation split picks the same samples in both storages.
        let (train, val) = set.clone().split_validation(50, 11);
        let (train_before, val_before) = upfront.clone().split_validation(50, 11);
        assert_eq!(train.labels, train_before.labels);
        assert_eq!(val.labels, val_before.labels);
        assert_same_batches(&train, &train_before, raw.view(), norm);
        assert_same_batches(&val, &val_before, raw.view(), norm);
        assert_eq!(bits(&train.images_f32()), bits(&train_before.images_f32()));
    }
}

#[test]
fn a_split_holds_one_byte_per_pixel() {
    let (n, d) = (203, 784);
    let (raw, labels) = random_set(n, d, 1);
    let norm = Dataset::Mnist.normalization();
    let set = Split::from_raw(raw.clone(), norm, labels.clone());
    let held: ArrayView2<u8> = set.raw().expect("raw storage");
    assert_eq!(held, raw.view());
    assert_eq!(held.len() * std::mem::size_of::<u8>(), n * d);
    assert_eq!(set.pixel_bytes(), n * d);
    assert_eq!(set.dim(), (n, d));
    assert_eq!(set.normalization(), Some(norm));

    // The validation split keeps bytes as bytes.
    let (train, val) = set.split_validation(50, 2);
    assert_eq!(train.pixel_bytes(), (n - 50) * d);
    assert_eq!(val.pixel_bytes(), 50 * d);
    assert_eq!(train.raw().map(|r| r.dim()), Some((n - 50, d)));

    // f32 storage, for comparison, holds 4 bytes per value and no raw pixels.
    let floats = Split::new(norm.to_f32(raw.view()), labels);
    assert_eq!(floats.pixel_bytes(), 4 * n * d);
    assert_eq!((floats.raw(), floats.normalization()), (None, None));
}

#[test]
fn pixels_in_any_layout_are_accepted() {
    let (raw, labels) = random_set(20, 30, 3);
    let norm = Dataset::FashionMnist.normalization();
    // Column-major storage of the same values.
    let mut fortran = Array2::<u8>::zeros((20, 30).f());
    fortran.assign(&raw);
    let set = Split::from_raw(fortran, norm, labels.clone());
    let standard = Split::from_raw(raw.clone(), norm, labels);
    assert_eq!(set, standard);
    let order = Order::Shuffled { seed: 9, epoch: 0 };
    for (a, b) in set
        .batches(7, order, false)
        .zip(standard.batches(7, order, false))
    {
        assert_eq!(bits(&a.images), bits(&b.images));
    }
}

#[test]
#[should_panic(expected = "images have 2 rows but there are 3 labels")]
fn rows_and_labels_must_agree() {
    let _ = Split::from_raw(
        Array2::zeros((2, 4)),
        Normalization::IDENTITY,
        vec![0, 1, 2],
    );
}
