//! The curves of a comparison: training loss against step, accuracy against epoch.

use super::{Comparison, Run};
use crate::plot::{color_of, smooth, LinePlot, Series};

impl Comparison {
    /// The runs of one optimizer.
    fn runs_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Run> + 'a {
        self.runs.iter().filter(move |r| r.optimizer == name)
    }

    fn seeds_label(&self) -> String {
        match self.config.seeds {
            1 => "seed 0".to_string(),
            n => format!("mean of {n} seeds"),
        }
    }

    /// Training loss against step: the mean over seeds, smoothed (EMA, α = 0.98, about 50
    /// steps), log scale.
    pub fn loss_plot(&self) -> LinePlot {
        let series = self
            .rows
            .iter()
            .map(|row| {
                let runs: Vec<&Run> = self.runs_of(&row.optimizer).collect();
                let len = runs.iter().map(|r| r.losses.len()).min().unwrap_or(0);
                let mean: Vec<f64> = (0..len)
                    .map(|i| {
                        runs.iter().map(|r| f64::from(r.losses[i])).sum::<f64>() / runs.len() as f64
                    })
                    .collect();
                let smoothed = smooth(&mean, 0.98);
                // At most ~800 points per line: plenty for 640 pixels.
                let stride = (len / 800).max(1);
                let points = smoothed
                    .iter()
                    .enumerate()
                    .step_by(stride)
                    .map(|(i, &y)| ((i + 1) as f64, y))
                    .collect();
                Series {
                    name: format!("{} (λ={})", row.optimizer, row.lr),
                    points,
                    color: Some(color_of(&row.optimizer)),
                    ..Default::default()
                }
            })
            .collect();
        LinePlot {
            title: format!("Training loss, smoothed ({})", self.seeds_label()),
            x_label: "step".into(),
            y_label: "cross-entropy (log scale)".into(),
            log_y: true,
            series,
            size: (800, 500),
            y_min: None,
            markers: false,
            legend_bottom: false,
            ..Default::default()
        }
    }

    /// Validation accuracy against epoch (measured every `eval_every` steps; the test
    /// accuracy at each epoch's end when there is no validation split), mean over seeds.
    pub fn accuracy_plot(&self) -> LinePlot {
        let has_val = self.runs.iter().any(|r| !r.val_curve.is_empty());
        let series: Vec<Series> = self
            .rows
            .iter()
            .map(|row| {
                let runs: Vec<&Run> = self.runs_of(&row.optimizer).collect();
                let per_epoch = runs.first().map_or(1, |r| r.steps_per_epoch.max(1)) as f64;
                let curves: Vec<Vec<(f64, f64)>> = runs
                    .iter()
                    .map(|r| {
                        if has_val {
                            r.val_curve
                                .iter()
                                .map(|&(s, a)| (s as f64 / per_epoch, a * 100.0))
                                .collect()
                        } else {
                            r.epochs
                                .iter()
                                .map(|m| (m.epoch as f64, m.test_accuracy * 100.0))
                                .collect()
                        }
                    })
                    .collect();
                let len = curves.iter().map(Vec::len).min().unwrap_or(0);
                let points = (0..len)
                    .map(|i| {
                        (
                            curves[0][i].0,
                            curves.iter().map(|c| c[i].1).sum::<f64>() / curves.len() as f64,
                        )
                    })
                    .collect();
                Series {
                    name: format!("{} (λ={})", row.optimizer, row.lr),
                    points,
                    color: Some(color_of(&row.optimizer)),
                    ..Default::default()
                }
            })
            .collect();
        // Zoom on what matters: from a little below the lowest accuracy after the first half epoch.
        let low = series
            .iter()
            .flat_map(|s| s.points.iter().filter(|p| p.0 >= 0.5).map(|p| p.1))
            .filter(|y| y.is_finite())
            .fold(f64::INFINITY, f64::min);
        let y_min = low.is_finite().then(|| (low - 0.5).floor().max(0.0));
        let what = if has_val { "Validation" } else { "Test" };
        LinePlot {
            title: format!("{what} accuracy ({})", self.seeds_label()),
            x_label: "epoch".into(),
            y_label: format!("{} accuracy (%)", what.to_lowercase()),
            log_y: false,
            series,
            size: (800, 500),
            y_min,
            markers: !has_val,
            legend_bottom: true,
            ..Default::default()
        }
    }
}
