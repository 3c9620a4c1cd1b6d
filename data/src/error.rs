//! The one error type of the crate: every variant names the file and what is wrong with it.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Everything that can go wrong while obtaining, verifying or reading a dataset file.
///
/// `Display` always names the file (or, for [`DataError::NotFound`], every source that was
/// tried) and says what is wrong, so `eprintln!("{err}")` is a complete report.
#[derive(Debug)]
#[non_exhaustive]
pub enum DataError {
    /// Reading, writing or renaming `path` failed.
    Io { path: PathBuf, source: io::Error },
    /// `path` is there but is not a regular file (a directory, a FIFO, a device…), so it is
    /// refused before it is opened: opening a FIFO would wait for a writer forever.
    NotAFile {
        path: PathBuf,
        /// What it is instead, e.g. `"a directory"`, `"a FIFO (named pipe)"`.
        kind: &'static str,
    },
    /// The disk holding `dir` is full (ENOSPC): a file could not be written there.
    DiskFull {
        /// The folder that could not be written.
        dir: PathBuf,
        /// What could not be written, and by whom: `cannot write .train-images-idx3-ubyte.tmp-42`.
        what: String,
    },
    /// `path` starts with the gzip magic `1f 8b` but does not decompress.
    Gzip { path: PathBuf, source: io::Error },
    /// The IDX magic number (first four bytes) is not the one expected for this kind of file.
    BadMagic {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    /// The file is shorter than its header says (or too short to hold a header at all).
    Truncated {
        path: PathBuf,
        expected: u64,
        found: u64,
    },
    /// The file is longer than its header says.
    TrailingBytes {
        path: PathBuf,
        expected: u64,
        found: u64,
    },
    /// The image size in the header is not the expected one (28 × 28 for MNIST).
    BadDimensions {
        path: PathBuf,
        found: Vec<u32>,
        expected: Vec<u32>,
    },
    /// An image file and its label file disagree on the number of samples.
    CountMismatch {
        images: PathBuf,
        labels: PathBuf,
        image_count: usize,
        label_count: usize,
    },
    /// A label is not a class index `< classes`.
    BadLabel {
        path: PathBuf,
        index: usize,
        value: u8,
        classes: u8,
    },
    /// The decompressed file is larger than any file of these datasets can be.
    TooLarge { path: PathBuf, limit: u64 },
    /// The SHA-256 of the uncompressed contents of `path` is not the published one.
    Checksum {
        path: PathBuf,
        expected: String,
        found: String,
        /// Where the file is, which decides what the user can do about it.
        place: Place,
    },
    /// The directory the user named (flag or `MNIST_DIR` / `FASHION_MNIST_DIR`) cannot be used:
    /// it does not exist, is not a directory, cannot be read, or lacks some of the four files.
    /// A named directory is never silently replaced by the cache or a download.
    NamedDir {
        path: PathBuf,
        /// The environment variable that can name it, besides the flag.
        env_var: &'static str,
        reason: String,
    },
    /// No source could provide the dataset: each `(source, reason)` pair says what was tried
    /// and why it failed; `hint` says what the user can do about it.
    NotFound {
        dataset: String,
        tried: Vec<(String, String)>,
        hint: String,
    },
}

/// Where a file that failed its checksum is: the remedy differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// In the cache this crate owns: deleting it lets the next run fetch it again.
    Cache,
    /// In a directory the user named: this crate never writes there.
    NamedDir,
    /// Data being fetched (a download, an archive entry): it was refused and not kept.
    Fetched,
}

impl DataError {
    /// Shorthand for the most common variant: an I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        DataError::Io {
            path: path.into(),
            source,
        }
    }

    /// An error writing (or creating) `path`: [`DataError::DiskFull`] naming its folder if the
    /// disk is full, else [`DataError::Io`].
    pub(crate) fn write(path: impl Into<PathBuf>, source: io::Error) -> Self {
        let path = path.into();
        if !is_disk_full(&source) {
            return DataError::io(path, source);
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        match (path.parent(), name) {
            (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => DataError::DiskFull {
                dir: dir.to_path_buf(),
                what: format!("cannot write {name}"),
            },
            _ => DataError::DiskFull {
                what: format!("cannot write {}", path.display()),
                dir: path,
            },
        }
    }
}

/// Whether `e` says that the disk is full: `StorageFull`, or ENOSPC (28 on Linux and macOS)
/// where the standard library does not map it.
pub(crate) fn is_disk_full(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::StorageFull || (cfg!(unix) && e.raw_os_error() == Some(28))
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::Io { path, source } => write!(f, "{}: I/O error: {source}", path.display()),
            DataError::NotAFile { path, kind } => write!(
                f,
                "{}: is {kind}, not a regular file; a dataset file is expected here",
                path.display()
            ),
            DataError::DiskFull { dir, what } => write!(
                f,
                "{}: the disk is full (no space left on device): {what}; free some space on \
                 that disk and run again",
                dir.display()
            ),
            DataError::Gzip { path, source } => {
                write!(f, "{}: corrupt gzip data: {source}", path.display())
            }
            DataError::BadMagic {
                path,
                found,
                expected,
            } => write!(
                f,
                "{}: bad IDX magic number {found:#010x}, expected {expected:#010x}",
                path.display()
            ),
            DataError::Truncated {
                path,
                expected,
                found,
            } => write!(
                f,
                "{}: truncated: header requires {expected} bytes, file has {found}",
                path.display()
            ),
            DataError::TrailingBytes {
                path,
                expected,
                found,
            } => write!(
                f,
                "{}: trailing bytes: header accounts for {expected} bytes, file has {found}",
                path.display()
            ),
            DataError::BadDimensions {
                path,
                found,
                expected,
            } => write!(
                f,
                "{}: bad image dimensions {found:?}, expected {expected:?}",
                path.display()
            ),
            DataError::CountMismatch {
                images,
                labels,
                image_count,
                label_count,
            } => write!(
                f,
                "{} holds {image_count} images but {} holds {label_count} labels",
                images.display(),
                labels.display()
            ),
            DataError::BadLabel {
                path,
                index,
                value,
                classes,
            } => write!(
                f,
                "{}: label {index} is {value}, expected a class index below {classes}",
                path.display()
            ),
            DataError::TooLarge { path, limit } => write!(
                f,
                "{}: decompresses to more than {limit} bytes, larger than any dataset file",
                path.display()
            ),
            DataError::Checksum {
                path,
                expected,
                found,
                place,
            } => {
                let remedy = match place {
                    Place::Cache => "delete it to fetch it again",
                    Place::NamedDir => {
                        "replace it with the published file, or name no directory to use the cache"
                    }
                    Place::Fetched => "it was not kept",
                };
                write!(
                    f,
                    "{}: SHA-256 mismatch: expected {expected}, found {found} \
                     (the file is corrupt or not the published one; {remedy})",
                    path.display()
                )
            }
            DataError::NamedDir {
                path,
                env_var,
                reason,
            } => write!(
                f,
                "data directory {} (--data-dir or {env_var}): {reason}; a directory you name is \
                 used as it is, never replaced by the cache or a download",
                path.display()
            ),
            DataError::NotFound {
                dataset,
                tried,
                hint,
            } => {
                write!(f, "could not obtain {dataset}; tried:")?;
                for (source, reason) in tried {
                    write!(f, "\n  - {source}: {reason}")?;
                }
                write!(f, "\n{hint}")
            }
        }
    }
}

impl std::error::Error for DataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DataError::Io { source, .. } | DataError::Gzip { source, .. } => Some(source),
            _ => None,
        }
    }
}
