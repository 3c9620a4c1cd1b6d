//! SHA-256 verification of the uncompressed contents of a dataset file.
//!
//! Every file is hashed each time it is verified, which [`obtain`](crate::obtain) does on every
//! call, just before a program loads the files. Nothing short of the hash is trusted: an earlier
//! version skipped it when a marker file's size and modification time still matched, and a
//! cached file zeroed with its time restored (`touch -r`) then trained to 10% accuracy without a
//! word. `sha2` uses the CPU's SHA instructions when it finds them at run time, so hashing
//! MNIST's 55 MB takes a few hundredths of a second in a release build, a little more than
//! loading the files (the README gives the figures; the `verify_cost` example measures them).
//! An unoptimized (debug) build of `sha2` is over 20 times slower.

use std::io::{self, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::dataset::FileSpec;
use crate::error::{DataError, Place};
use crate::idx::open_stream;

/// Lower-case hex encoding of a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of the uncompressed contents of `path` (decompressed first if it is gzip).
///
/// # Errors
/// [`DataError::NotAFile`] for a directory, FIFO or device (refused before it is opened);
/// [`DataError::Io`] if it cannot be read, [`DataError::Gzip`] if it is corrupt gzip.
pub fn sha256_file(path: &Path) -> Result<String, DataError> {
    let (mut reader, gzip) = open_stream(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(source) if gzip => {
                return Err(DataError::Gzip {
                    path: path.to_path_buf(),
                    source,
                })
            }
            Err(e) => return Err(DataError::io(path, e)),
        }
    }
    Ok(hex(&hasher.finalize()))
}

/// Checks that `found` is the published hash of `spec`, naming `path` (which is in `place`) if
/// not.
pub(crate) fn check(
    path: &Path,
    spec: &FileSpec,
    found: String,
    place: Place,
) -> Result<(), DataError> {
    if found == spec.sha256 {
        Ok(())
    } else {
        Err(DataError::Checksum {
            path: path.to_path_buf(),
            expected: spec.sha256.to_string(),
            found,
            place,
        })
    }
}

/// Verifies `path` (which is in `place`) against `spec` by hashing its uncompressed contents.
///
/// # Errors
/// [`DataError::Checksum`] on a mismatch; errors of [`sha256_file`].
pub(crate) fn verify(path: &Path, spec: &FileSpec, place: Place) -> Result<(), DataError> {
    check(path, spec, sha256_file(path)?, place)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::TempDir;

    #[test]
    fn hashes_raw_and_gzip_contents_alike() {
        let dir = TempDir::new("checksum");
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let raw = dir.write("abc", b"abc");
        let gz = dir.write("abc.gz", &crate::testutil::gzip(b"abc"));
        assert_eq!(sha256_file(&raw).unwrap(), abc);
        assert_eq!(sha256_file(&gz).unwrap(), abc);
    }

    #[test]
    fn mismatch_names_the_file() {
        let dir = TempDir::new("checksum-bad");
        let path = dir.write("train-labels-idx1-ubyte", b"not mnist");
        let spec = crate::Dataset::Mnist.files()[1];
        let err = verify(&path, &spec, Place::Cache).unwrap_err();
        assert!(matches!(err, DataError::Checksum { .. }), "{err:?}");
        assert!(err.to_string().contains("train-labels-idx1-ubyte"), "{err}");
    }

    #[test]
    fn a_change_that_keeps_size_and_time_is_caught() {
        let dir = TempDir::new("checksum-same-stat");
        let path = dir.write("f", b"abc");
        let spec = FileSpec {
            name: "f",
            sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        };
        verify(&path, &spec, Place::Cache).unwrap();
        let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::fs::write(&path, b"abd").unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(mtime).unwrap(); // as `touch -r` does
        drop(file);
        let err = verify(&path, &spec, Place::Cache).unwrap_err();
        assert!(matches!(err, DataError::Checksum { .. }), "{err:?}");
    }
}
