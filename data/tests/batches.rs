//! Shuffling and batching: determinism, coverage, boundaries, validation split.

use data::{Normalization, Order, Split};
use ndarray::Array2;

/// `n <= 256` samples held as raw bytes, as `load` holds them; row `i` is filled with `i` so a
/// batch row tells which sample it is (see [`id`]).
fn numbered(n: usize) -> Split {
    let pixels = Array2::from_shape_fn((n, 784), |(i, _)| i as u8);
    Split::from_raw(pixels, Normalization::IDENTITY, labels(n))
}

/// The same samples held as `f32` (`Split::new`): every test runs on both storages.
fn numbered_f32(n: usize) -> Split {
    let images = Array2::from_shape_fn((n, 784), |(i, _)| i as f32 / 255.0);
    Split::new(images, labels(n))
}

fn labels(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 10) as u8).collect()
}

/// The sample a value of [`numbered`] or [`numbered_f32`] came from.
fn id(x: f32) -> usize {
    (x * 255.0).round() as usize
}

/// Both storages of the same `n` samples.
fn both(n: usize) -> [Split; 2] {
    [numbered(n), numbered_f32(n)]
}

/// The sample ids of every batch of one epoch, checking each row against its label.
fn epoch(split: &Split, batch: usize, order: Order, drop_last: bool) -> Vec<Vec<usize>> {
    split
        .batches(batch, order, drop_last)
        .map(|b| {
            assert_eq!(b.images.nrows(), b.labels.len());
            assert_eq!(b.images.ncols(), 784);
            b.images
                .rows()
                .into_iter()
                .zip(&b.labels)
                .map(|(row, &label)| {
                    let id = id(row[0]);
                    assert!(row.iter().all(|&x| x == row[0]), "row copied whole");
                    assert_eq!(label, id % 10, "label travels with its image");
                    id
                })
                .collect()
        })
        .collect()
}

fn shuffled(seed: u64, epoch: u64) -> Order {
    Order::Shuffled { seed, epoch }
}

#[test]
fn same_seed_same_batches() {
    for set in both(103) {
        assert_eq!(
            epoch(&set, 10, shuffled(5, 0), false),
            epoch(&set, 10, shuffled(5, 0), false)
        );
    }
}

#[test]
fn storage_does_not_change_which_samples_a_batch_holds() {
    let [raw, f32s] = both(103);
    for order in [
        Order::Sequential,
        shuffled(5, 0),
        shuffled(5, 1),
        shuffled(6, 3),
    ] {
        for drop_last in [false, true] {
            assert_eq!(
                epoch(&raw, 10, order, drop_last),
                epoch(&f32s, 10, order, drop_last)
            );
        }
    }
    let ids = |s: &Split| epoch(s, 7, Order::Sequential, false).concat();
    let (raw_train, raw_val) = numbered(50).split_validation(12, 3);
    let (f32_train, f32_val) = numbered_f32(50).split_validation(12, 3);
    assert_eq!(ids(&raw_train), ids(&f32_train));
    assert_eq!(ids(&raw_val), ids(&f32_val));
    assert!(
        raw_train.raw().is_some() && raw_val.raw().is_some(),
        "bytes stay bytes"
    );
}

#[test]
fn different_seed_or_epoch_different_order() {
    for set in both(103) {
        let base = epoch(&set, 10, shuffled(5, 0), false);
        assert_ne!(base, epoch(&set, 10, shuffled(6, 0), false));
        assert_ne!(base, epoch(&set, 10, shuffled(5, 1), false));
        let sequential: Vec<usize> = epoch(&set, 10, Order::Sequential, false).concat();
        assert_eq!(sequential, (0..103).collect::<Vec<_>>());
        assert_ne!(base.concat(), sequential);
    }
}

#[test]
fn every_sample_exactly_once_per_epoch() {
    for set in both(103) {
        for e in 0..3 {
            let mut ids = epoch(&set, 7, shuffled(9, e), false).concat();
            ids.sort_unstable();
            assert_eq!(ids, (0..103).collect::<Vec<_>>());
        }
    }
}

#[test]
fn batch_sizes_keep_or_drop_last() {
    for set in both(10) {
        batch_sizes_of(&set);
    }
    assert_eq!(numbered(0).batches(4, Order::Sequential, false).count(), 0);
    assert_eq!(
        numbered_f32(0).batches(4, Order::Sequential, false).count(),
        0
    );
}

fn batch_sizes_of(set: &Split) {
    let sizes = |b, drop| -> Vec<usize> {
        epoch(set, b, shuffled(1, 0), drop)
            .iter()
            .map(Vec::len)
            .collect()
    };
    assert_eq!(sizes(4, false), [4, 4, 2]);
    assert_eq!(sizes(4, true), [4, 4]);
    assert_eq!(sizes(5, false), [5, 5]);
    assert_eq!(sizes(5, true), [5, 5]);
    assert_eq!(sizes(11, false), [10]);
    assert_eq!(sizes(11, true), Vec::<usize>::new());
    assert_eq!(sizes(1, true).len(), 10);
    // Dropping keeps the samples distinct: 8 distinct ids.
    let mut kept = epoch(set, 4, shuffled(1, 0), true).concat();
    kept.sort_unstable();
    kept.dedup();
    assert_eq!(kept.len(), 8);
    // ExactSizeIterator agrees with what comes out.
    assert_eq!(set.batches(4, Order::Sequential, false).len(), 3);
    assert_eq!(set.batches(4, Order::Sequential, true).len(), 2);
}

#[test]
#[should_panic(expected = "batch_size must be positive")]
fn zero_batch_size_panics() {
    let _ = numbered(3).batches(0, Order::Sequential, false);
}

#[test]
fn validation_split_is_deterministic_and_disjoint() {
    let ids =
        |s: &Split| -> Vec<usize> { s.images_f32().column(0).iter().map(|&x| id(x)).collect() };
    let (train, val) = numbered(50).split_validation(12, 3);
    assert_eq!((train.len(), val.len()), (38, 12));
    let (train2, val2) = numbered(50).split_validation(12, 3);
    assert_eq!((&train, &val), (&train2, &val2));
    let (_, val3) = numbered(50).split_validation(12, 4);
    assert_ne!(ids(&val), ids(&val3));

    let mut all = [ids(&train), ids(&val)].concat();
    all.sort_unstable();
    assert_eq!(all, (0..50).collect::<Vec<_>>());
    assert!(
        ids(&val).windows(2).all(|w| w[0] < w[1]),
        "original order kept"
    );
    for (row, &label) in val.images_f32().rows().into_iter().zip(&val.labels) {
        assert_eq!(usize::from(label), id(row[0]) % 10);
    }
    let (all_train, none) = numbered(5).split_validation(0, 1);
    assert_eq!((all_train.len(), none.len()), (5, 0));
}

#[test]
#[should_panic(expected = "exceeds the 5 samples")]
fn validation_larger_than_set_panics() {
    let _ = numbered(5).split_validation(6, 1);
}
