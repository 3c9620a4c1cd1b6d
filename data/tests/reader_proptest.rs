//! The reader never panics, whatever the bytes: random files and mutations of valid ones.

#[path = "../src/testutil.rs"]
mod testutil;

use data::{read_images, read_labels};
use proptest::prelude::*;
use testutil::{gzip, idx_images, idx_labels, sample_pixels, TempDir};

/// Writes `bytes` and runs both readers on it; the test fails only if one panics.
fn read_both(dir: &TempDir, bytes: &[u8]) {
    let path = dir.write("case", bytes);
    let _ = read_images(&path);
    let _ = read_labels(&path);
}

/// A valid two-image file and a valid label file to mutate.
fn valid_files() -> [Vec<u8>; 2] {
    [
        idx_images(2, 28, 28, &sample_pixels(2)),
        idx_labels(&[1, 7, 3]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let dir = TempDir::new("prop-random");
        read_both(&dir, &bytes);
        // Random bytes behind a valid-looking header too, where counts are attacker-chosen.
        let mut header = vec![0, 0, 8, 3];
        header.extend_from_slice(&bytes);
        read_both(&dir, &header);
        let mut header = vec![0, 0, 8, 1];
        header.extend_from_slice(&bytes);
        read_both(&dir, &header);
    }

    #[test]
    fn mutated_files_never_panic(
        which in 0usize..2,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
        compress in any::<bool>(),
    ) {
        let dir = TempDir::new("prop-mutate");
        let mut bytes = valid_files()[which].clone();
        if compress {
            bytes = gzip(&bytes);
        }
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        read_both(&dir, &bytes);
    }

    #[test]
    fn valid_files_read_back(labels in proptest::collection::vec(0u8..10, 0..50)) {
        let dir = TempDir::new("prop-valid");
        let path = dir.write("labels", &idx_labels(&labels));
        prop_assert_eq!(read_labels(&path).unwrap(), labels);
    }
}
