//! The report's pictures (stub until the plot API lands).

use std::path::Path;

use super::analysis::Analysis;
use crate::report::ReportError;

/// Draws every picture of `analysis` into `dir`; returns (key, file name) of each.
///
/// # Errors
/// [`ReportError`] naming the picture that could not be written.
pub fn draw(_analysis: &Analysis, _dir: &Path) -> Result<Vec<(String, String)>, ReportError> {
    Ok(Vec::new())
}
