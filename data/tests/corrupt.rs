//! Corrupted files: each gives its own error variant, and the message names the file.

#[path = "../src/testutil.rs"]
mod testutil;

use std::path::Path;

use data::{load, obtain, read_images, read_labels, sha256_file, DataError, Dataset, Source};
use testutil::{gzip, idx_images, idx_labels, sample_pixels, write_dataset, TempDir};

/// Asserts that the message names `path`'s file name, and returns it for further checks.
fn names_file(err: &DataError, path: &Path) -> String {
    let message = err.to_string();
    let name = path.file_name().unwrap().to_string_lossy();
    assert!(message.contains(&*name), "{message:?} does not name {name}");
    message
}

#[test]
fn wrong_magic() {
    let dir = TempDir::new("bad-magic");
    // A label file where images are expected, and vice versa.
    let path = dir.write("images", &idx_labels(&[1, 2]));
    let err = read_images(&path).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::BadMagic {
                found: 0x801,
                expected: 0x803,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(names_file(&err, &path).contains("0x00000803"));
    let path = dir.write("labels", &idx_images(0, 28, 28, &[]));
    let err = read_labels(&path).unwrap_err();
    assert!(matches!(err, DataError::BadMagic { .. }), "{err:?}");
    names_file(&err, &path);
}

#[test]
fn truncated_header() {
    let dir = TempDir::new("short-header");
    for len in [0, 3, 4, 15] {
        let full = idx_images(1, 28, 28, &sample_pixels(1));
        let path = dir.write(&format!("images-{len}"), &full[..len]);
        let err = read_images(&path).unwrap_err();
        assert!(
            matches!(err, DataError::Truncated { expected: 16, .. }),
            "{len}: {err:?}"
        );
        names_file(&err, &path);
    }
    let path = dir.write("labels", &[0, 0, 8, 1, 0, 0]);
    let err = read_labels(&path).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::Truncated {
                expected: 8,
                found: 6,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn truncated_body() {
    let dir = TempDir::new("short-body");
    let full = idx_images(2, 28, 28, &sample_pixels(2));
    let path = dir.write("images", &full[..full.len() - 1]);
    let err = read_images(&path).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::Truncated {
                expected: 1584,
                found: 1583,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(names_file(&err, &path).contains("truncated"));
    // A header claiming 4 billion images in a small file: an error, not a huge allocation.
    let path = dir.write("huge", &idx_images(u32::MAX, 28, 28, &sample_pixels(1)));
    let err = read_images(&path).unwrap_err();
    assert!(matches!(err, DataError::Truncated { .. }), "{err:?}");
}

#[test]
fn trailing_bytes() {
    let dir = TempDir::new("trailing");
    let mut bytes = idx_labels(&[1, 2, 3]);
    bytes.push(0);
    let path = dir.write("labels", &bytes);
    let err = read_labels(&path).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::TrailingBytes {
                expected: 11,
                found: 12,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(names_file(&err, &path).contains("trailing"));
}

#[test]
fn wrong_dimensions() {
    let dir = TempDir::new("dims");
    let path = dir.write("images", &idx_images(1, 32, 32, &[0; 1024]));
    let err = read_images(&path).unwrap_err();
    assert!(matches!(err, DataError::BadDimensions { .. }), "{err:?}");
    assert!(names_file(&err, &path).contains("[32, 32]"));
}

#[test]
fn label_out_of_range() {
    let dir = TempDir::new("label");
    let path = dir.write("labels", &idx_labels(&[1, 10, 2]));
    let err = read_labels(&path).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::BadLabel {
                index: 1,
                value: 10,
                ..
            }
        ),
        "{err:?}"
    );
    names_file(&err, &path);
}

#[test]
fn count_mismatch_between_images_and_labels() {
    let dir = TempDir::new("count");
    write_dataset(&dir, 3, 2, false);
    let labels = dir.write("train-labels-idx1-ubyte", &idx_labels(&[1, 2]));
    let err = load(Dataset::Mnist, dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            DataError::CountMismatch {
                image_count: 3,
                label_count: 2,
                ..
            }
        ),
        "{err:?}"
    );
    let message = names_file(&err, &labels);
    assert!(message.contains("train-images-idx3-ubyte"), "{message}");
}

#[test]
fn bad_gzip() {
    let dir = TempDir::new("gzip");
    let good = gzip(&idx_labels(&[1, 2, 3]));
    // Gzip magic followed by garbage, and a valid stream cut in half.
    for (name, bytes) in [
        ("garbage.gz", vec![0x1f, 0x8b, 0, 1, 2, 3, 4, 5, 6, 7]),
        ("cut.gz", good[..good.len() / 2].to_vec()),
    ] {
        let path = dir.write(name, &bytes);
        let err = read_labels(&path).unwrap_err();
        assert!(matches!(err, DataError::Gzip { .. }), "{name}: {err:?}");
        assert!(names_file(&err, &path).contains("gzip"));
    }
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let dir = TempDir::new("io");
    let path = dir.path().join("nowhere");
    let err = read_images(&path).unwrap_err();
    assert!(matches!(err, DataError::Io { .. }), "{err:?}");
    names_file(&err, &path);
}

#[test]
fn checksum_mismatch_is_an_error_naming_the_file() {
    // Well-formed IDX files that are not the published MNIST, in the user's directory: obtain
    // refuses them instead of warning, and does not fall back to another source.
    for gz in [false, true] {
        let user = TempDir::new("checksum-user");
        let cache = TempDir::new("checksum-cache");
        write_dataset(&user, 4, 4, gz);
        let source = Source::local(Some(user.path().to_path_buf()), cache.path().to_path_buf());
        let err = obtain(Dataset::Mnist, &source).unwrap_err();
        assert!(matches!(err, DataError::Checksum { .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.contains("train-images-idx3-ubyte"), "{message}");
        assert!(
            message.contains(Dataset::Mnist.files()[0].sha256),
            "{message}"
        );
    }
}

#[test]
fn corrupt_cache_is_an_error_too() {
    let cache = TempDir::new("checksum-cache2");
    let dir = cache.path().join("fashion-mnist");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("t10k-labels-idx1-ubyte"), idx_labels(&[1])).unwrap();
    let source = Source::local(None, cache.path().to_path_buf());
    let err = obtain(Dataset::FashionMnist, &source).unwrap_err();
    assert!(matches!(err, DataError::Checksum { .. }), "{err:?}");
    assert!(err.to_string().contains("t10k-labels-idx1-ubyte"), "{err}");
}

/// Runs `f` on a thread and fails if it has not returned within 10 s, so that a read stuck on
/// a FIFO fails the test instead of hanging it; the FIFO is then opened for writing, which
/// lets the stuck reader go.
#[cfg(unix)]
fn within_10_s<T: Send + 'static>(fifo: &Path, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || sender.send(f()));
    match receiver.recv_timeout(std::time::Duration::from_secs(10)) {
        Ok(value) => value,
        Err(_) => {
            let _ = std::fs::OpenOptions::new().write(true).open(fifo);
            panic!("still waiting on the FIFO {} after 10 s", fifo.display());
        }
    }
}

/// Asserts that `err` refuses `path` as `kind` (e.g. "FIFO"), naming it.
#[cfg(unix)]
fn refuses(err: DataError, path: &Path, kind: &str) {
    match &err {
        DataError::NotAFile { path: p, kind: k } => {
            assert_eq!(p, path);
            assert!(k.contains(kind), "{k}");
        }
        other => panic!("expected NotAFile for {}, got {other:?}", path.display()),
    }
    let message = names_file(&err, path);
    assert!(message.contains("not a regular file"), "{message}");
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_directory_in_place_of_a_file_is_refused_at_once_naming_it() {
    let user = TempDir::new("not-a-file");
    let cache = TempDir::new("not-a-file-cache");
    write_dataset(&user, 2, 2, false);
    let fifo = user.path().join("t10k-labels-idx1-ubyte");
    std::fs::remove_file(&fifo).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", fifo.display());

    let dir = user.path().to_path_buf();
    let named = Source::local(Some(dir.clone()), cache.path().to_path_buf());
    let (f, d) = (fifo.clone(), dir.clone());
    let errors = within_10_s(&fifo, move || {
        [
            load(Dataset::Mnist, &d).unwrap_err(),
            obtain(Dataset::Mnist, &named).unwrap_err(),
            read_labels(&f).unwrap_err(),
            read_images(&f).unwrap_err(),
            sha256_file(&f).unwrap_err(),
        ]
    });
    for err in errors {
        refuses(err, &fifo, "FIFO");
    }

    // The same in the cache.
    let cached = cache.path().join("mnist");
    std::fs::create_dir(&cached).unwrap();
    std::fs::rename(&fifo, cached.join("t10k-labels-idx1-ubyte")).unwrap();
    let fifo = cached.join("t10k-labels-idx1-ubyte");
    let local = Source::local(None, cache.path().to_path_buf());
    let err = within_10_s(&fifo, move || obtain(Dataset::Mnist, &local).unwrap_err());
    refuses(err, &fifo, "FIFO");

    // A directory where a file is expected: refused too, not passed over as missing.
    std::fs::write(dir.join("t10k-labels-idx1-ubyte"), idx_labels(&[0, 1])).unwrap();
    let images = dir.join("train-images-idx3-ubyte");
    std::fs::remove_file(&images).unwrap();
    std::fs::create_dir(&images).unwrap();
    refuses(
        load(Dataset::Mnist, &dir).unwrap_err(),
        &images,
        "directory",
    );
    let named = Source::local(Some(dir), cache.path().to_path_buf());
    refuses(
        obtain(Dataset::Mnist, &named).unwrap_err(),
        &images,
        "directory",
    );
}
