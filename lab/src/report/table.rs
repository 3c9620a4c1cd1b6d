//! CSV tables: a header and rows of already formatted cells.

use std::path::Path;

use super::{write_atomic, ReportError};

/// A CSV table: a header and rows of already formatted cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Csv {
    /// Column names.
    pub columns: Vec<String>,
    /// One entry per row, each with `columns.len()` cells.
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    /// An empty table with these columns.
    pub fn new(columns: &[&str]) -> Csv {
        Csv {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row.
    ///
    /// # Panics
    /// If the row does not have one cell per column (a programming error).
    #[track_caller]
    pub fn push(&mut self, row: Vec<String>) {
        assert_eq!(
            row.len(),
            self.columns.len(),
            "Csv::push: {} cells for the {} columns {:?}",
            row.len(),
            self.columns.len(),
            self.columns
        );
        self.rows.push(row);
    }

    /// The table as CSV text (cells are numbers and plain names here, so no quoting is needed;
    /// a cell containing a comma or a quote is quoted anyway).
    pub fn to_text(&self) -> String {
        let line = |cells: &[String]| {
            let quoted: Vec<String> = cells.iter().map(|c| quote(c)).collect();
            quoted.join(",") + "\n"
        };
        let mut out = line(&self.columns);
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }

    /// Writes the table to `path` atomically.
    ///
    /// # Errors
    /// As [`write_atomic`].
    pub fn write(&self, path: &Path) -> Result<(), ReportError> {
        write_atomic(path, self.to_text().as_bytes())
    }
}

fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// Formats an optional number for a CSV cell: empty when absent.
pub fn cell(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_text_has_header_and_rows_and_quotes_commas() {
        let mut csv = Csv::new(&["a", "b"]);
        csv.push(vec!["1".into(), "x,y".into()]);
        assert_eq!(csv.to_text(), "a,b\n1,\"x,y\"\n");
    }

    #[test]
    #[should_panic(expected = "1 cells for the 2 columns")]
    fn csv_rejects_a_short_row() {
        Csv::new(&["a", "b"]).push(vec!["1".into()]);
    }
}
