//! Writing results: CSV and JSON files, and the error that names a file that could not be
//! written ([`ReportError`], also that of a line chart, see [`crate::plot::LinePlot`]).
//!
//! Every file is written whole to a temporary name next to its destination and then renamed
//! ([`atomic_file`]), so an interrupted run never leaves half a CSV where a complete one used
//! to be.
//!
//! Files: `table.rs` (CSV); the error and the atomic writes are here.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

mod table;

pub use table::{cell, Csv};

/// A file could not be written (or a plot could not be drawn): names the path and the reason.
#[derive(Debug)]
pub struct ReportError {
    /// The file being written.
    pub path: PathBuf,
    /// What went wrong.
    pub reason: String,
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write {}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for ReportError {}

impl ReportError {
    pub(crate) fn new(path: &Path, reason: impl fmt::Display) -> ReportError {
        ReportError {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        }
    }
}

/// A failed step of the atomic write, naming its file.
impl From<atomic_file::WriteError> for ReportError {
    fn from(e: atomic_file::WriteError) -> Self {
        let reason = format!("failed to {}: {}", e.action, e.source);
        ReportError::new(&e.path, reason)
    }
}

/// Writes `bytes` to `path` atomically ([`atomic_file::write`]), creating the parent
/// directory if needed.
///
/// # Errors
/// [`ReportError`] naming the file or directory that could not be created, written, synced or
/// renamed; `path` is then untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    create_parent(path)?;
    Ok(atomic_file::write(path, bytes)?)
}

/// Creates the directory `path` goes in, if it has one.
pub(crate) fn create_parent(path: &Path) -> Result<(), ReportError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| ReportError::new(dir, e))?;
    }
    Ok(())
}

/// Writes `value` as pretty-printed JSON to `path` atomically.
///
/// # Errors
/// As [`write_atomic`], or if serialization fails.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), ReportError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| ReportError::new(path, e))?;
    write_atomic(path, (text + "\n").as_bytes())
}
