//! The files of a comparison: `summary.csv`, `steps.csv`, `epochs.csv`, `sweep.csv`, and the
//! two plots.

use std::path::{Path, PathBuf};

use super::table::mean_std;
use super::Comparison;
use crate::report::{cell, Csv, ReportError};
use crate::training::METRICS_COLUMNS;

impl Comparison {
    /// Writes `summary.csv`, `steps.csv`, `epochs.csv`, `sweep.csv` (if sweeping), `loss.png`
    /// and `accuracy.png` into `dir`, all or none ([`atomic_file::write_set`]): a comparison
    /// that cannot write one of them leaves the previous set as it was. Returns their paths.
    ///
    /// # Errors
    /// [`ReportError`] naming the file that could not be written.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
        std::fs::create_dir_all(dir).map_err(|e| ReportError {
            path: dir.to_path_buf(),
            reason: format!("cannot create the directory: {e}"),
        })?;
        let mut tables = Vec::new();
        let mut save = |name: &str, csv: Csv| -> Result<(), ReportError> {
            tables.push((dir.join(name), csv.to_text()));
            Ok(())
        };
        let mut summary = Csv::new(&[
            "optimizer",
            "lr",
            "train_loss",
            "test_accuracy",
            "test_accuracy_std",
            "seconds_per_epoch",
            "steps_to_target",
            "diverged",
        ]);
        for r in &self.rows {
            let reached: Vec<f64> = r
                .steps_to_target
                .iter()
                .flatten()
                .map(|&s| s as f64)
                .collect();
            let steps = if reached.len() == r.steps_to_target.len() {
                cell(Some(mean_std(&reached).0))
            } else {
                String::new()
            };
            summary.push(vec![
                r.optimizer.clone(),
                r.lr.to_string(),
                r.train_loss.to_string(),
                r.test_accuracy.to_string(),
                r.test_accuracy_std.to_string(),
                r.seconds_per_epoch.to_string(),
                steps,
                r.diverged.to_string(),
            ]);
        }
        save("summary.csv", summary)?;

        let mut steps = Csv::new(&STEPS_COLUMNS);
        for run in &self.runs {
            for (i, loss) in run.losses.iter().enumerate() {
                steps.push(vec![
                    run.optimizer.clone(),
                    run.seed.to_string(),
                    (i + 1).to_string(),
                    loss.to_string(),
                ]);
            }
        }
        save("steps.csv", steps)?;

        let mut columns = vec!["optimizer", "seed"];
        columns.extend(METRICS_COLUMNS);
        let mut epochs = Csv::new(&columns);
        for run in &self.runs {
            let one = crate::training::metrics_csv(&run.epochs);
            for row in one.rows {
                let mut cells = vec![run.optimizer.clone(), run.seed.to_string()];
                cells.extend(row);
                epochs.push(cells);
            }
        }
        save("epochs.csv", epochs)?;

        if !self.trials.is_empty() {
            let mut sweep = Csv::new(&["optimizer", "lr", "val_accuracy"]);
            for t in &self.trials {
                sweep.push(vec![
                    t.optimizer.clone(),
                    t.lr.to_string(),
                    t.val_accuracy.to_string(),
                ]);
            }
            save("sweep.csv", sweep)?;
        }

        let plots = [
            (dir.join("loss.png"), self.loss_plot()),
            (dir.join("accuracy.png"), self.accuracy_plot()),
        ];
        let written: Vec<PathBuf> = (tables.iter().map(|(path, _)| path.clone()))
            .chain(plots.iter().map(|(path, _)| path.clone()))
            .collect();
        let mut set: Vec<atomic_file::Pending<'_, ReportError>> = Vec::new();
        for (path, text) in &tables {
            let fill = move |tmp: &Path| {
                std::fs::write(tmp, text).map_err(|e| ReportError {
                    path: path.clone(),
                    reason: e.to_string(),
                })
            };
            set.push((path.clone(), Box::new(fill)));
        }
        for (path, plot) in &plots {
            set.push((
                path.clone(),
                Box::new(move |tmp: &Path| plot.draw_at(tmp, path)),
            ));
        }
        atomic_file::write_set(set)?;
        Ok(written)
    }
}

/// The columns of `steps.csv`.
pub const STEPS_COLUMNS: [&str; 4] = ["optimizer", "seed", "step", "loss"];
