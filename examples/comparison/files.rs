//! The files of a comparison: `summary.csv`, `steps.csv`, `epochs.csv`, `sweep.csv`, and the
//! two plots.

use std::path::{Path, PathBuf};

use super::table::mean_std;
use super::Comparison;
use crate::report::{cell, Csv, ReportError};
use crate::training::METRICS_COLUMNS;

impl Comparison {
    /// Writes `summary.csv`, `steps.csv`, `epochs.csv`, `sweep.csv` (if sweeping), `loss.png`
    /// and `accuracy.png` into `dir`, returning their paths.
    ///
    /// # Errors
    /// [`ReportError`] naming the file that could not be written.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
        let mut written = Vec::new();
        let mut save = |name: &str, csv: Csv| -> Result<(), ReportError> {
            let path = dir.join(name);
            csv.write(&path)?;
            written.push(path);
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

        let loss = dir.join("loss.png");
        self.loss_plot().draw(&loss)?;
        written.push(loss);
        let accuracy = dir.join("accuracy.png");
        self.accuracy_plot().draw(&accuracy)?;
        written.push(accuracy);
        Ok(written)
    }
}

/// The columns of `steps.csv`.
pub const STEPS_COLUMNS: [&str; 4] = ["optimizer", "seed", "step", "loss"];
