//! Loading tiny IDX files written by the tests: shapes, values, raw and gzip.

#[path = "../src/testutil.rs"]
mod testutil;

use data::{load, load_with, read_images, read_labels, DataError, Dataset, Normalization};
use testutil::{idx_images, idx_labels, sample_pixels, write_dataset, TempDir};

#[test]
fn loads_raw_and_gzip_alike() {
    let raw = TempDir::new("load-raw");
    let gz = TempDir::new("load-gz");
    write_dataset(&raw, 12, 5, false);
    write_dataset(&gz, 12, 5, true);
    let a = load(Dataset::Mnist, raw.path()).unwrap();
    let b = load(Dataset::Mnist, gz.path()).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.train.dim(), (12, 784));
    assert_eq!(a.test.dim(), (5, 784));
    // Held as the bytes of the file, 1 per pixel, with the dataset's statistics.
    let file = read_images(&raw.path().join("train-images-idx3-ubyte")).unwrap();
    assert_eq!(a.train.raw(), Some(file.view()));
    assert_eq!(a.train.pixel_bytes(), 12 * 784);
    assert_eq!(
        a.train.normalization(),
        Some(Dataset::Mnist.normalization())
    );
    assert_eq!(a.train.labels, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    assert_eq!(a.test.labels, [0, 1, 2, 3, 4]);
}

#[test]
fn gzip_is_detected_by_magic_not_by_name() {
    let dir = TempDir::new("load-gz-noname");
    let bytes = testutil::gzip(&idx_labels(&[3, 1, 4]));
    let path = dir.write("labels-without-extension", &bytes);
    assert_eq!(read_labels(&path).unwrap(), [3, 1, 4]);
}

#[test]
fn pixels_are_scaled_then_standardized() {
    let dir = TempDir::new("load-values");
    let mut pixels = vec![0u8; 784];
    pixels[1] = 255;
    pixels[2] = 51;
    dir.write("train-images-idx3-ubyte", &idx_images(1, 28, 28, &pixels));
    dir.write("train-labels-idx1-ubyte", &idx_labels(&[9]));
    dir.write("t10k-images-idx3-ubyte", &idx_images(1, 28, 28, &pixels));
    dir.write("t10k-labels-idx1-ubyte", &idx_labels(&[0]));

    let unit = load_with(Dataset::Mnist, dir.path(), Normalization::IDENTITY).unwrap();
    let images = unit.train.images_f32();
    let row = images.row(0);
    assert_eq!((row[0], row[1]), (0.0, 1.0));
    assert!((row[2] - 0.2).abs() < 1e-6);

    // MNIST: (x - 0.1307) / 0.3081; Fashion-MNIST: (x - 0.2860) / 0.3530.
    let mnist = load(Dataset::Mnist, dir.path()).unwrap();
    let images = mnist.train.images_f32();
    let row = images.row(0);
    assert!((row[0] - (-0.1307 / 0.3081)).abs() < 1e-5, "{}", row[0]);
    assert!((row[1] - (0.8693 / 0.3081)).abs() < 1e-5, "{}", row[1]);
    let fashion = load(Dataset::FashionMnist, dir.path()).unwrap();
    assert!((fashion.test.images_f32()[[0, 0]] - (-0.2860 / 0.3530)).abs() < 1e-5);
}

#[test]
fn image_rows_are_images_in_file_order() {
    let dir = TempDir::new("load-rows");
    let path = dir.write("imgs", &idx_images(3, 28, 28, &sample_pixels(3)));
    let images = read_images(&path).unwrap();
    assert_eq!(images.dim(), (3, 784));
    assert_eq!(images[[1, 0]], 7); // image 1 starts at 1 * 7
    assert_eq!(images[[2, 783]], ((2 * 7 + 783) % 256) as u8);
}

#[test]
fn empty_sets_load() {
    let dir = TempDir::new("load-empty");
    write_dataset(&dir, 0, 0, false);
    let m = load(Dataset::Mnist, dir.path()).unwrap();
    assert!(m.train.is_empty() && m.test.is_empty());
    assert_eq!(m.train.dim(), (0, 784));
}

#[test]
fn missing_file_is_not_found_naming_it() {
    let dir = TempDir::new("load-missing");
    write_dataset(&dir, 2, 2, false);
    std::fs::remove_file(dir.path().join("t10k-labels-idx1-ubyte")).unwrap();
    let err = load(Dataset::Mnist, dir.path()).unwrap_err();
    assert!(matches!(err, DataError::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("t10k-labels-idx1-ubyte"), "{err}");
    assert!(err.to_string().contains("MNIST_DIR"), "{err}");
}
