//! The table of a comparison: each optimizer summarized over its seeds.

use serde::Serialize;

use super::{Comparison, Run};
use crate::training::EpochMetrics;

/// The columns of the printed table and of `summary.csv`.
pub const TABLE_COLUMNS: [&str; 6] = [
    "optimizer",
    "lr",
    "train loss",
    "test accuracy",
    "s/epoch",
    "steps to target",
];

/// One row of the table: an optimizer summarized over its seeds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Optimizer name.
    pub optimizer: String,
    /// Learning rate used.
    pub lr: f32,
    /// Mean final-epoch training loss over the seeds that finished.
    pub train_loss: f64,
    /// Mean final test accuracy.
    pub test_accuracy: f64,
    /// Standard deviation of the final test accuracy over seeds (0 for one seed).
    pub test_accuracy_std: f64,
    /// Mean training time per epoch, in seconds.
    pub seconds_per_epoch: f64,
    /// Per seed: the first step reaching the target on validation, if any.
    pub steps_to_target: Vec<Option<u64>>,
    /// Seeds that diverged.
    pub diverged: usize,
}

/// Mean and (sample) standard deviation.
pub(super) fn mean_std(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = if values.len() > 1 {
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}

pub(super) fn summarize(name: &str, lr: f32, runs: &[Run]) -> Row {
    let finished: Vec<&Run> = runs.iter().filter(|r| r.diverged.is_none()).collect();
    let last = |f: fn(&EpochMetrics) -> f64| -> Vec<f64> {
        finished
            .iter()
            .filter_map(|r| r.epochs.last().map(f))
            .collect()
    };
    let (train_loss, _) = mean_std(&last(|m| m.train_loss));
    let (test_accuracy, test_accuracy_std) = mean_std(&last(|m| m.test_accuracy));
    let seconds: Vec<f64> = runs
        .iter()
        .flat_map(|r| r.epochs.iter().map(|m| m.seconds))
        .collect();
    Row {
        optimizer: name.to_string(),
        lr,
        train_loss,
        test_accuracy,
        test_accuracy_std,
        seconds_per_epoch: mean_std(&seconds).0,
        steps_to_target: runs.iter().map(|r| r.target_step).collect(),
        diverged: runs.len() - finished.len(),
    }
}

impl Row {
    /// The cells of this row, in [`TABLE_COLUMNS`] order, as printed.
    pub fn cells(&self) -> [String; 6] {
        let reached: Vec<f64> = self
            .steps_to_target
            .iter()
            .flatten()
            .map(|&s| s as f64)
            .collect();
        let steps = match reached.len() {
            0 => "—".to_string(),
            n if n == self.steps_to_target.len() => format!("{:.0}", mean_std(&reached).0),
            n => format!(
                "{:.0} ({n}/{})",
                mean_std(&reached).0,
                self.steps_to_target.len()
            ),
        };
        let accuracy = if self.test_accuracy.is_nan() {
            format!("diverged ({})", self.diverged)
        } else {
            format!(
                "{:.2} ± {:.2} %",
                self.test_accuracy * 100.0,
                self.test_accuracy_std * 100.0
            )
        };
        [
            self.optimizer.clone(),
            self.lr.to_string(),
            if self.train_loss.is_nan() {
                "—".to_string()
            } else {
                format!("{:.4}", self.train_loss)
            },
            accuracy,
            format!("{:.2}", self.seconds_per_epoch),
            steps,
        ]
    }
}

impl Comparison {
    /// The table, aligned for a terminal, with a header naming the target.
    pub fn table(&self) -> String {
        let mut header: Vec<String> = TABLE_COLUMNS.iter().map(|c| c.to_string()).collect();
        header[5] = format!("steps to {:.0}% (val)", self.config.target * 100.0);
        let rows: Vec<[String; 6]> = self.rows.iter().map(Row::cells).collect();
        let widths: Vec<usize> = (0..6)
            .map(|c| {
                rows.iter()
                    .map(|r| r[c].chars().count())
                    .chain([header[c].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, &w)| format!("{c:<w$}"))
                .collect();
            padded.join("  ").trim_end().to_string() + "\n"
        };
        let mut out = line(&header);
        out.push_str(&line(
            &widths.iter().map(|&w| "-".repeat(w)).collect::<Vec<_>>(),
        ));
        for r in &rows {
            out.push_str(&line(r));
        }
        out
    }
}
