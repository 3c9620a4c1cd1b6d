//! The cells of the report's tables: a median with its quartiles, steps to the target, an
//! accuracy as a percentage.

use crate::benchmark::analysis::Runs;
use crate::benchmark::problem::Problem;
use crate::benchmark::stats::Summary;

pub(super) fn summary_cell(s: Option<&Summary>, format: impl Fn(f64) -> String) -> String {
    let shown = |v: f64| {
        if v.is_finite() {
            format(v)
        } else {
            "—".to_string()
        }
    };
    s.map_or("—".to_string(), |s| {
        format!("{} [{}, {}]", shown(s.median), shown(s.q1), shown(s.q3))
    })
}

/// ` | ` and the test loss, for a problem whose metric is not the loss already.
pub(super) fn loss_cell(problem: Problem, runs: &Runs) -> String {
    if problem.higher_is_better() {
        format!(" | {}", summary_cell(runs.test_loss.as_ref(), loss))
    } else {
        String::new()
    }
}

pub(super) fn steps_cell(runs: &Runs) -> String {
    let shown = |v: f64| {
        if v.is_finite() {
            format!("{v:.0}")
        } else {
            "—".to_string()
        }
    };
    runs.steps.as_ref().map_or("—".to_string(), |s| {
        format!(
            "{} [{}, {}] ({}/{})",
            shown(s.median),
            shown(s.q1),
            shown(s.q3),
            runs.reached,
            s.n
        )
    })
}

pub(super) fn diverged_cell(runs: &Runs) -> String {
    if runs.results.is_empty() {
        "—".to_string()
    } else {
        format!("{}/{}", runs.diverged, runs.results.len())
    }
}

/// An accuracy as a percentage, a loss as it is.
pub(super) fn metric(problem: Problem, v: f64) -> String {
    if problem.higher_is_better() {
        format!("{:.2}%", 100.0 * v)
    } else {
        loss(v)
    }
}

pub(super) fn loss(v: f64) -> String {
    if v.is_finite() && v.abs() >= 10.0 {
        format!("{v:.2}")
    } else if v.is_finite() {
        format!("{v:.4}")
    } else {
        "∞".to_string()
    }
}

pub(super) fn p_value(p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.1e}")
    }
}

/// Seconds, to two significant digits below 10.
pub(super) fn seconds(v: f64) -> String {
    if v < 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.1}")
    }
}
