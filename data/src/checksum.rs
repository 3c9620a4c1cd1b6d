//! SHA-256 verification of the uncompressed contents of a dataset file, remembered cheaply.
//!
//! Hashing all four MNIST files (55 MB) takes about 0.03–0.1 s in a release build on a CPU with
//! SHA instructions, but about 0.9 s in a debug build, which is how examples are often run.
//! So after a file in the cache has been verified, a small marker file next to it,
//! `.<name>.verified`, records its size, modification time and hash; the next start compares
//! size and mtime (one `stat`) and skips the hash if they still match. Any change to the file
//! changes its mtime or size, and then it is hashed again. Markers are written only into the
//! cache directory this crate owns, never into a directory the user names (`MNIST_DIR`); files
//! there are hashed on every `obtain`.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

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

/// Verifies `path` against `spec`. With `remember` (the cache), a marker next to the file lets
/// the next call skip hashing if size and mtime are unchanged (see the module doc); without it
/// the file is in a directory the user named.
///
/// # Errors
/// [`DataError::Checksum`] on a mismatch; errors of [`sha256_file`].
pub(crate) fn verify(path: &Path, spec: &FileSpec, remember: bool) -> Result<(), DataError> {
    if remember && marker_matches(path, spec) {
        return Ok(());
    }
    let place = if remember {
        Place::Cache
    } else {
        Place::NamedDir
    };
    check(path, spec, sha256_file(path)?, place)?;
    if remember {
        remember_verified(path, spec);
    }
    Ok(())
}

fn marker_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{}.verified", name.unwrap_or_default()))
}

/// `"<size> <mtime in ns since the epoch> <sha256>"`, or `None` if the file cannot be `stat`ed.
fn fingerprint(path: &Path, sha256: &str) -> Option<String> {
    let meta = fs::metadata(path).ok()?;
    let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(format!("{} {} {sha256}", meta.len(), mtime.as_nanos()))
}

fn marker_matches(path: &Path, spec: &FileSpec) -> bool {
    match (
        fs::read_to_string(marker_path(path)),
        fingerprint(path, spec.sha256),
    ) {
        (Ok(marker), Some(now)) => marker.trim() == now,
        _ => false,
    }
}

/// Records that `path` was verified. Best effort: if the marker cannot be written the only cost
/// is hashing again next time, so a failure is deliberately ignored.
pub(crate) fn remember_verified(path: &Path, spec: &FileSpec) {
    if let Some(now) = fingerprint(path, spec.sha256) {
        let _ignored = fs::write(marker_path(path), now + "\n");
    }
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
        let err = verify(&path, &spec, true).unwrap_err();
        assert!(matches!(err, DataError::Checksum { .. }), "{err:?}");
        assert!(err.to_string().contains("train-labels-idx1-ubyte"), "{err}");
        assert!(!marker_path(&path).exists(), "no marker for a failed file");
    }

    #[test]
    fn marker_skips_hash_until_the_file_changes() {
        let dir = TempDir::new("checksum-marker");
        let path = dir.write("f", b"abc");
        let spec = FileSpec {
            name: "f",
            sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        };
        verify(&path, &spec, true).unwrap();
        assert!(marker_matches(&path, &spec));
        // Same length, different bytes: the size matches but the mtime moves on. Set the
        // mtime explicitly so that the test does not depend on the file system's resolution.
        fs::write(&path, b"abd").unwrap();
        let file = fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(UNIX_EPOCH + std::time::Duration::from_secs(1_000_000))
            .unwrap();
        assert!(!marker_matches(&path, &spec));
        assert!(matches!(
            verify(&path, &spec, true),
            Err(DataError::Checksum { .. })
        ));
    }
}
