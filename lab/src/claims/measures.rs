//! What a path shows: when it left the saddle, when it reached a minimum, how it overshot.

use crate::trajectory::Trajectory;

/// The first step at which `|y| > 1`: the path has left the saddle of `x² − y²`.
pub fn escape_step(t: &Trajectory) -> Option<usize> {
    t.points.iter().position(|p| p[1].abs() > 1.0)
}

/// The first step at which the loss is within `tol` of `min_value`.
pub fn steps_to_minimum(t: &Trajectory, min_value: f64, tol: f64) -> Option<usize> {
    t.losses.iter().position(|&l| (l as f64 - min_value) < tol)
}

/// How a path approaches `minimum` along a unit direction `u`: the error `e_i = ⟨p_i − p*, u⟩`.
/// Returns the largest overshoot (how far past the minimum the path went, against the side it
/// started on; 0 if never) and the number of times `e_i` changed sign (zig-zags), counting
/// only points with `|e_i| > 1e-3` so that f32 round-off around the minimum is not counted.
pub fn overshoot(t: &Trajectory, minimum: [f64; 2], u: [f64; 2]) -> (f64, usize) {
    let e: Vec<f64> = t
        .points
        .iter()
        .map(|p| (p[0] as f64 - minimum[0]) * u[0] + (p[1] as f64 - minimum[1]) * u[1])
        .collect();
    let side = e.first().copied().unwrap_or(0.0).signum();
    let past = e.iter().map(|&v| (-side * v).max(0.0)).fold(0.0, f64::max);
    let signs: Vec<f64> = e
        .iter()
        .filter(|v| v.abs() > 1e-3)
        .map(|v| v.signum())
        .collect();
    let changes = signs.windows(2).filter(|w| w[0] != w[1]).count();
    (past, changes)
}
