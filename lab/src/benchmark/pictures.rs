//! The report's pictures, one concern each: validation curves with seed bands, sensitivity to
//! the tuned value, expected best after k tuning trials, and the performance profile.
//!
//! Accuracy is drawn as the error rate `1 − accuracy` on a log axis: from the untrained 90%
//! down to the last 2%, where the optimizers differ, in one picture, from step 0.

use std::path::Path;

use optim::UpdateRule;

use super::analysis::{Analysis, OptimizerAnalysis, ProblemAnalysis};
use super::plan::value_text;
use super::problem::Problem;
use super::stats::Summary;
use crate::plot::{color_of, LinePlot, Series};
use crate::report::ReportError;

/// Draws every picture of `analysis` into `dir`; returns (key, file name) of each drawn.
///
/// A picture with nothing to show yet (no results of its kind) is left out.
///
/// # Errors
/// [`ReportError`] naming the picture that could not be written.
pub fn draw(analysis: &Analysis, dir: &Path) -> Result<Vec<(String, String)>, ReportError> {
    let mut drawn = Vec::new();
    let mut draw = |key: String, plot: Option<LinePlot>| -> Result<(), ReportError> {
        if let Some(plot) = plot.filter(|p| p.series.iter().any(|s| !s.points.is_empty())) {
            let name = format!("{key}.png");
            plot.draw(&dir.join(&name))?;
            drawn.push((key, name));
        }
        Ok(())
    };
    for p in &analysis.problems {
        draw(format!("curves_{}", p.problem), Some(curves(p)))?;
        draw(
            format!("sensitivity_{}", p.problem),
            Some(sensitivity(analysis, p)),
        )?;
        draw(
            format!("expected_best_{}", p.problem),
            Some(expected_best(p)),
        )?;
    }
    draw("profile".to_string(), profile(analysis))?;
    Ok(drawn)
}

/// What is drawn on the y axis: the error rate for an accuracy, the loss itself otherwise.
fn shown(problem: Problem, metric: f64) -> f64 {
    if problem.higher_is_better() {
        1.0 - metric
    } else {
        metric
    }
}

fn y_label(problem: Problem) -> &'static str {
    if problem.higher_is_better() {
        "validation error, 1 − accuracy (log)"
    } else {
        "validation loss (log)"
    }
}

/// The tuned runs' validation curves: median over seeds, band between the quartiles.
fn curves(p: &ProblemAnalysis) -> LinePlot {
    let problem = p.problem;
    let series = (p.optimizers.iter())
        .filter(|o| !o.tuned.results.is_empty())
        .map(|o| {
            let mut steps: Vec<usize> = (o.tuned.results.iter())
                .flat_map(|r| r.curve.iter().map(|c| c.step))
                .collect();
            steps.sort_unstable();
            steps.dedup();
            let mut points = Vec::new();
            let mut band = Vec::new();
            for step in steps {
                // A run that diverged before this step counts as the worst value.
                let values: Vec<f64> = (o.tuned.results.iter())
                    .map(|r| {
                        let at = r.curve.iter().find(|c| c.step == step).and_then(|c| c.val);
                        at.map_or(f64::INFINITY, |v| shown(problem, v))
                    })
                    .collect();
                let s = Summary::of(&values);
                if s.median.is_finite() {
                    points.push((step as f64, s.median));
                }
                if s.q1.is_finite() && s.q3.is_finite() {
                    band.push((step as f64, s.q1, s.q3));
                }
            }
            Series {
                color: Some(color_of(&o.name)),
                band,
                ..Series::new(format!("{} {}={}", o.name, symbol(o), value_of(o)), points)
            }
        })
        .collect();
    let target = shown(problem, p.budget.target);
    LinePlot {
        title: format!(
            "{}: tuned, median and quartiles of {} seeds",
            problem,
            seeds(p)
        ),
        x_label: "step".into(),
        y_label: y_label(problem).into(),
        log_y: true,
        series,
        hlines: vec![(target, format!("target {}", p.budget.target))],
        ..Default::default()
    }
}

/// Final validation metric against the tuned value relative to the optimizer's starting value.
fn sensitivity(a: &Analysis, p: &ProblemAnalysis) -> LinePlot {
    let problem = p.problem;
    let mut series = Vec::new();
    for o in p.optimizers.iter().filter(|o| !o.tuning.is_empty()) {
        let center = a.plan.center(&o.name);
        let color = Some(color_of(&o.name));
        let relative = |v: f64| v / center;
        let at = |val: Option<f64>| val.map_or(diverged_at(p), |v| shown(problem, v));
        let runs: Vec<(f64, f64)> = o
            .tuning
            .iter()
            .map(|&(v, _, val)| (relative(v), at(val)))
            .collect();
        let mut values: Vec<f64> = o.tuning.iter().map(|t| t.0).collect();
        values.dedup();
        let means: Vec<(f64, f64)> = (values.iter())
            .map(|&v| {
                let ys: Vec<f64> = runs
                    .iter()
                    .filter(|r| r.0 == relative(v))
                    .map(|r| r.1)
                    .collect();
                (relative(v), ys.iter().sum::<f64>() / ys.len() as f64)
            })
            .collect();
        let chosen = o.choice.as_ref().map(|c| c.value);
        let symbol = a.plan.symbol(&o.name);
        let center_text = value_text(center);
        let label = match chosen {
            Some(c) => format!(
                "{} (×1: {symbol}={center_text}); chosen {}",
                o.name,
                value_text(c)
            ),
            None => format!("{} (×1: {symbol}={center_text})", o.name),
        };
        series.push(Series {
            color,
            markers: true,
            ..Series::new(label, means.clone())
        });
        series.push(Series {
            color,
            scatter: true,
            ..Series::new("", runs)
        });
        if let Some(c) = chosen {
            let point: Vec<(f64, f64)> = means
                .iter()
                .copied()
                .filter(|m| m.0 == relative(c))
                .collect();
            series.push(Series {
                color,
                scatter: true,
                rings: true,
                ..Series::new("", point)
            });
        }
    }
    let mut hlines = vec![(shown(problem, p.budget.target), "target".to_string())];
    if p.optimizers
        .iter()
        .any(|o| o.tuning.iter().any(|t| t.2.is_none()))
    {
        hlines.push((diverged_at(p), "diverged".to_string()));
    }
    LinePlot {
        title: format!("{problem}: sensitivity to the tuned value (dots: runs; line: their mean; ring: chosen)"),
        x_label: "tuned value ÷ the rate train starts from (log); AdaDelta (course): ε ÷ 1e-6".into(),
        y_label: y_label(problem).into(),
        log_x: true,
        log_y: true,
        series,
        hlines,
        ..Default::default()
    }
}

/// Where a diverged tuning run is drawn: at error 1 (accuracy 0, as the tables count it), or
/// for a loss a fifth above the largest finite one of the problem's tuning runs.
fn diverged_at(p: &ProblemAnalysis) -> f64 {
    if p.problem.higher_is_better() {
        return 1.0;
    }
    let finite = (p.optimizers.iter())
        .flat_map(|o| o.tuning.iter().filter_map(|t| t.2))
        .fold(0.0, f64::max);
    1.2 * finite
}

/// Expected best validation metric after k tuning trials.
fn expected_best(p: &ProblemAnalysis) -> LinePlot {
    let problem = p.problem;
    let series = (p.optimizers.iter())
        .filter(|o| !o.expected_best.is_empty())
        .map(|o| {
            let points = (o.expected_best.iter().enumerate())
                .map(|(i, &v)| ((i + 1) as f64, shown(problem, v)))
                .collect();
            Series {
                color: Some(color_of(&o.name)),
                ..Series::new(o.name.clone(), points)
            }
        })
        .collect();
    LinePlot {
        title: format!("{problem}: expected best after k tuning trials (Dodge et al. 2019)"),
        x_label: "tuning trials k (log)".into(),
        y_label: y_label(problem).replace("validation", "expected best validation"),
        log_x: true,
        log_y: true,
        series,
        ..Default::default()
    }
}

/// The performance profile over the problems.
fn profile(a: &Analysis) -> Option<LinePlot> {
    let profile = a.profile.as_ref()?;
    let series = (a.plan.optimizers.iter().zip(&profile.fractions))
        .map(|(name, fractions)| {
            // A staircase: the fraction holds from one τ to the next.
            let mut points = Vec::new();
            for (t, &f) in fractions.iter().enumerate() {
                points.push((profile.taus[t], f));
                if let Some(&next) = profile.taus.get(t + 1) {
                    points.push((next, f));
                }
            }
            Series {
                color: Some(color_of(name)),
                ..Series::new(name.clone(), points)
            }
        })
        .collect();
    Some(LinePlot {
        title: format!(
            "performance profile over {} problems: median steps to target",
            a.problems.len()
        ),
        x_label: "τ: within this factor of the fastest (log)".into(),
        y_label: "fraction of problems".into(),
        log_x: true,
        series,
        ..Default::default()
    })
}

/// The value an optimizer's tuned runs used.
fn value_of(o: &OptimizerAnalysis) -> String {
    o.tuned.value.map_or("?".to_string(), value_text)
}

/// `λ`, or `ε` for an optimizer without λ (from its tuned runs' settings).
fn symbol(o: &OptimizerAnalysis) -> &'static str {
    match o.tuned.results.first() {
        Some(r) if r.optimizer.lr().is_none() => "ε",
        _ => "λ",
    }
}

fn seeds(p: &ProblemAnalysis) -> usize {
    p.optimizers
        .iter()
        .map(|o| o.tuned.results.len())
        .max()
        .unwrap_or(0)
}
