//! The learning rate of each optimizer in `--all`: the fastest of a grid on Beale.

use std::fmt::Write;

use super::{course, steps_to_minimum, BEALE_START, BEALE_STEPS};
use crate::surfaces::Surface;
use crate::trajectory::{run, TrajectoryError};

/// The learning rates [`tune`] tries.
pub const LR_GRID: [f32; 8] = [3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0];

/// One row of the tuning table: for each λ of [`LR_GRID`], the steps to `f < 1e-3` on Beale
/// (`Ok(None)`: not within [`BEALE_STEPS`]; `Err(step)`: diverged at that step), and the λ chosen.
#[derive(Debug, Clone)]
pub struct Tuning {
    /// The optimizer's name.
    pub optimizer: &'static str,
    /// `(λ, outcome, final loss)` for each λ tried.
    pub tried: Vec<(f32, Result<Option<usize>, usize>, f32)>,
    /// The best λ (`None` for AdaDelta, which is not tuned).
    pub chosen: Option<f32>,
}

/// Tunes the learning rate of `kind` (a name in `optim::catalog`) on Beale: the fastest λ of
/// [`LR_GRID`] to `f < 1e-3`, or the lowest final loss if none gets there.
///
/// # Errors
/// [`TrajectoryError::Optim`] if a grid value is rejected (a bug in the grid), or for a name
/// the catalog does not know.
pub fn tune(kind: &'static str) -> Result<Tuning, TrajectoryError> {
    if kind == "adadelta" {
        return Ok(Tuning {
            optimizer: kind,
            tried: Vec::new(),
            chosen: None,
        });
    }
    let mut tried = Vec::new();
    for lr in LR_GRID {
        // The course's defaults for the rest: μ = 0.9, γ = 0.9, ε as documented.
        let optimizer = course(kind, Some(lr), None, None, None);
        let entry = match run(Surface::Beale, &optimizer, BEALE_START, BEALE_STEPS) {
            Ok(t) => (
                lr,
                Ok(steps_to_minimum(&t, 0.0, 1e-3)),
                t.losses.last().copied().unwrap_or(f32::NAN),
            ),
            Err(TrajectoryError::Diverged { step, .. }) => (lr, Err(step), f32::INFINITY),
            Err(e) => return Err(e),
        };
        tried.push(entry);
    }
    // Fewest steps first; among runs that never got there, the lowest final loss.
    let key = |(_, r, loss): &(f32, Result<Option<usize>, usize>, f32)| match r {
        Ok(Some(n)) => (0, *n, 0.0),
        Ok(None) => (1, 0, *loss as f64),
        Err(_) => (2, 0, 0.0),
    };
    let chosen = tried
        .iter()
        .min_by(|a, b| {
            key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .filter(|(_, r, _)| r.is_ok())
        .map(|(lr, _, _)| *lr);
    Ok(Tuning {
        optimizer: kind,
        tried,
        chosen,
    })
}

/// The tuning table as printed lines.
pub fn tuning_text(tunings: &[Tuning]) -> String {
    let mut out = format!(
        "Learning rates: each optimizer's fastest on beale from ({}, {}) (steps to f < 1e-3 within {}; \
         · = not reached, d = diverged)\n  {:<10}",
        BEALE_START[0], BEALE_START[1], BEALE_STEPS, "λ ="
    );
    for lr in LR_GRID {
        let _ = write!(out, "{lr:>7}");
    }
    let _ = writeln!(out, "   chosen");
    for t in tunings {
        let _ = write!(out, "  {:<10}", t.optimizer);
        for (_, r, _) in &t.tried {
            let cell = match r {
                Ok(Some(n)) => n.to_string(),
                Ok(None) => "·".to_string(),
                Err(_) => "d".to_string(),
            };
            let _ = write!(out, "{cell:>7}");
        }
        if t.tried.is_empty() {
            let _ = write!(out, "{:>56}", "(no λ in the course form)");
        }
        let _ = writeln!(
            out,
            "   {}",
            t.chosen.map_or("—".to_string(), |l| l.to_string())
        );
    }
    out
}
