//! Claims about Momentum's heavy ball: it leaves a shallow local minimum, it oscillates around
//! a minimum unless μ decreases, and it swings less than gradient descent at a too large λ.
//!
//! - Local minimum: `wells` (a tilted double well) from x = 3, y = 0, so the run is the
//!   one-dimensional problem of the chapter's opening picture: the shallow well at x ≈ 1.76 lies
//!   between the start and the global minimum at x ≈ −2.18. SGD and Momentum (μ = 0.9) run 1000
//!   steps at each λ of a grid, since whether the ball clears the barrier depends on the speed
//!   it has gathered.
//! - Decreasing μ: Booth from (−4, −4) at λ = 0.01 (the zig-zag experiment's Momentum), μ = 0.9
//!   throughout against μ falling linearly from 0.9 to 0.6 over the first 100 steps: 0.6 is
//!   near the best constant μ for the flat direction, (1 − √(λ·2))², but a start at 0.6 would
//!   lose the early speed.
//! - Too large a λ: `bowl`, curvature 10 along y, so gradient descent multiplies y by
//!   1 − 10λ each step: λ = 0.19 (factor −0.9, below the limit 2/10) and λ = 0.21 (factor −1.1,
//!   above it), 40 steps from (−4, 1). Momentum at the same λ is stable up to λ < 2(1 + μ)/10;
//!   μ = 0.5 is the verdict's, μ = 0.9 is printed too: its swing decays as √μ per step, slower
//!   than gradient descent's 0.9 below the limit.

use std::fmt::Write;

use optim::scheduler::{LinearLr, Scheduler};
use optim::{Algorithm, Momentum};

use super::{course, label, lines, Checked, Verdict};
use crate::surfaces::Surface;
use crate::trajectory::{run, run_with, Trajectory, TrajectoryError};

/// The λ grid of the local-minimum experiment.
pub const WELLS_LRS: [f32; 5] = [0.001, 0.003, 0.01, 0.03, 0.1];
const WELLS_STEPS: usize = 1000;

/// Which minimum of `wells` an end point `x` lies in: `"global"`, `"local"` or `"neither"`.
pub fn basin(x: f32) -> &'static str {
    let near = |m: &[[f64; 2]]| m.iter().any(|m| (x as f64 - m[0]).abs() < 0.1);
    if near(Surface::Wells.minima()) {
        "global"
    } else if near(Surface::Wells.local_minima()) {
        "local"
    } else {
        "neither"
    }
}

/// Held when SGD ends in the local minimum at every λ and Momentum reaches the global one at
/// some λ; `ends` holds `(λ, SGD's final x, Momentum's final x)`.
pub fn local_minimum_verdict(ends: &[(f32, f32, f32)]) -> Verdict {
    let sgd_stuck = ends.iter().all(|&(_, s, _)| basin(s) == "local");
    let escaped: Vec<String> = ends
        .iter()
        .filter(|&&(_, _, m)| basin(m) == "global")
        .map(|(lr, _, _)| lr.to_string())
        .collect();
    let mut evidence = String::from("final x (sgd, momentum) at λ = ");
    for (i, (lr, s, m)) in ends.iter().enumerate() {
        let sep = if i == 0 { "" } else { "; " };
        let _ = write!(
            evidence,
            "{sep}{lr}: {s:.3} {}, {m:.3} {}",
            basin(*s),
            basin(*m)
        );
    }
    let _ = write!(
        evidence,
        " — momentum reaches the global minimum at λ = {}",
        if escaped.is_empty() {
            "none".to_string()
        } else {
            escaped.join(", ")
        }
    );
    Verdict {
        claim: "Momentum carries the weights out of a shallow local minimum (wells from x = 3: \
                SGD stops at x ≈ 1.76, Momentum μ = 0.9 reaches x ≈ −2.18; only at λ large \
                enough to gather speed)"
            .into(),
        held: Some(sgd_stuck && !escaped.is_empty()),
        evidence,
    }
}

/// The first point from which the path stays within `tol` of `minimum`.
pub fn settle_step(t: &Trajectory, minimum: [f64; 2], tol: f64) -> Option<usize> {
    let far = |p: &[f32; 2]| {
        let (dx, dy) = (p[0] as f64 - minimum[0], p[1] as f64 - minimum[1]);
        (dx * dx + dy * dy).sqrt() >= tol
    };
    match t.points.iter().rposition(far) {
        None => Some(0),
        Some(i) if i + 1 < t.points.len() => Some(i + 1),
        Some(_) => None,
    }
}

/// Held when the decreasing schedule settles (stays within 1e-3 of the minimum) sooner than the
/// constant μ; the arguments are the two settle steps.
pub fn schedule_verdict(constant: Option<usize>, decreasing: Option<usize>) -> Verdict {
    let show = |n: Option<usize>| n.map_or("never".to_string(), |n| n.to_string());
    Verdict {
        claim: "With momentum the weights oscillate around the minimum; decreasing μ helps them \
                settle (booth, λ = 0.01: μ = 0.9 against μ from 0.9 to 0.6 over 100 steps)"
            .into(),
        held: Some(decreasing.unwrap_or(usize::MAX) < constant.unwrap_or(usize::MAX)),
        evidence: format!(
            "step from which the distance to the minimum stays below 1e-3: constant μ {}, \
             decreasing μ {}",
            show(constant),
            show(decreasing)
        ),
    }
}

/// The swing of a path along y: the largest |y| over its second half (infinite if it diverged).
pub fn swing(t: &Trajectory, steps: usize) -> f64 {
    if t.points.len() < steps + 1 {
        return f64::INFINITY;
    }
    t.points[steps / 2..]
        .iter()
        .map(|p| (p[1] as f64).abs())
        .fold(0.0, f64::max)
}

/// The swings of the oscillation experiment, each the largest |y| over steps 20 to 40 from
/// |y| = 1 at the start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Swings {
    /// Gradient descent at λ = 0.19, below the stability limit.
    pub sgd_below: f64,
    /// Gradient descent at λ = 0.21, above it.
    pub sgd_above: f64,
    /// Momentum μ = 0.5 at λ = 0.19.
    pub momentum_below: f64,
    /// Momentum μ = 0.5 at λ = 0.21.
    pub momentum_above: f64,
    /// Momentum μ = 0.9 at λ = 0.19 and 0.21 (printed, not judged).
    pub momentum09: [f64; 2],
}

/// Held when gradient descent's swing grows above the limit, and Momentum's is smaller than
/// gradient descent's at both rates and below the start's above the limit.
pub fn oscillation_verdict(s: &Swings) -> Verdict {
    Verdict {
        claim: "Too large a learning rate makes gradient descent oscillate; Momentum's averaging \
                reduces the swing (bowl, curvature 10 along y: λ = 0.19 and 0.21 around the \
                limit 0.2; Momentum μ = 0.5 at the same λ)"
            .into(),
        held: Some(
            s.sgd_above > 1.0
                && s.momentum_above < 1.0
                && s.momentum_above < s.sgd_above
                && s.momentum_below < s.sgd_below,
        ),
        evidence: format!(
            "largest |y| over steps 20 to 40 (start |y| = 1): λ = 0.19 sgd {:.2e}, momentum {:.2e}; \
             λ = 0.21 sgd {:.2e}, momentum {:.2e}; with μ = 0.9: {:.2e} and {:.2e}",
            s.sgd_below, s.momentum_below, s.sgd_above, s.momentum_above, s.momentum09[0], s.momentum09[1]
        ),
    }
}

/// Runs the three experiments.
///
/// # Errors
/// [`TrajectoryError`] if a run fails (a bug in the settings).
pub fn check() -> Result<Checked, TrajectoryError> {
    let mut verdicts = Vec::new();
    let mut pictures = Vec::new();

    // Local minimum: the run of the λ that shows it (the first where Momentum escapes) is drawn.
    let start = [3.0, 0.0];
    let mut ends = Vec::new();
    let mut shown: Option<(f32, Trajectory, Trajectory)> = None;
    for lr in WELLS_LRS {
        let sgd = course("sgd", Some(lr), None, None, None);
        let s = run(Surface::Wells, &sgd, start, WELLS_STEPS)?;
        let momentum = course("momentum", Some(lr), Some(0.9), None, None);
        let m = run(Surface::Wells, &momentum, start, WELLS_STEPS)?;
        let (sx, mx) = (s.points[WELLS_STEPS][0], m.points[WELLS_STEPS][0]);
        if shown.is_none() && basin(mx) == "global" {
            shown = Some((lr, s, m));
        }
        ends.push((lr, sx, mx));
    }
    verdicts.push(local_minimum_verdict(&ends));
    if let Some((lr, s, m)) = shown {
        let xs = |t: &Trajectory| {
            t.points
                .iter()
                .take(200)
                .map(|p| p[0] as f64)
                .collect::<Vec<_>>()
        };
        pictures.push(lines(
            "local_minimum",
            &format!("wells from x = 3, λ = {lr}: x over the first 200 steps"),
            "x",
            false,
            vec![
                (label(&course("sgd", Some(lr), None, None, None)), xs(&s)),
                (
                    label(&course("momentum", Some(lr), Some(0.9), None, None)),
                    xs(&m),
                ),
            ],
        ));
    }

    // Decreasing μ.
    let booth_start = [-4.0, -4.0];
    let steps = 300;
    let momentum = Algorithm::from(Momentum {
        lr: 0.01,
        momentum: 0.9,
        ..Momentum::default()
    });
    let constant = run(Surface::Booth, &momentum, booth_start, steps)?;
    // μ from 0.9 down to 0.6 over the first 100 steps: a linear schedule of μ, from factor 1
    // to 0.6/0.9 of the optimizer's 0.9, ticked after every step.
    let lower = |opt: &mut optim::Optimizer<Algorithm>| {
        let ramp = LinearLr::new(1.0, 0.6 / 0.9, 100)?;
        Scheduler::momentum(opt, ramp).map(Some)
    };
    let decreasing = run_with(Surface::Booth, &momentum, lower, booth_start, steps, None)?;
    let min = Surface::Booth.minima()[0];
    verdicts.push(schedule_verdict(
        settle_step(&constant, min, 1e-3),
        settle_step(&decreasing, min, 1e-3),
    ));
    let dist = |t: &Trajectory| {
        t.points
            .iter()
            .map(|p| ((p[0] as f64 - min[0]).powi(2) + (p[1] as f64 - min[1]).powi(2)).sqrt())
            .collect::<Vec<_>>()
    };
    pictures.push(lines(
        "momentum_schedule",
        "booth, λ = 0.01: distance to the minimum",
        "distance",
        true,
        vec![
            (label(&momentum), dist(&constant)),
            (
                format!("{}, μ falling to 0.6 over steps 0–100", label(&momentum)),
                dist(&decreasing),
            ),
        ],
    ));

    // Too large a λ.
    let bowl_start = [-4.0, 1.0];
    let n = 40;
    let go = |kind: &str, lr: f32, mu: Option<f32>| -> Result<Trajectory, TrajectoryError> {
        match run(
            Surface::Bowl,
            &course(kind, Some(lr), mu, None, None),
            bowl_start,
            n,
        ) {
            Err(TrajectoryError::Diverged { partial, .. }) => Ok(*partial),
            other => other,
        }
    };
    let (sb, sa) = (go("sgd", 0.19, None)?, go("sgd", 0.21, None)?);
    let (mb, ma) = (
        go("momentum", 0.19, Some(0.5))?,
        go("momentum", 0.21, Some(0.5))?,
    );
    let (nb, na) = (
        go("momentum", 0.19, Some(0.9))?,
        go("momentum", 0.21, Some(0.9))?,
    );
    let swings = Swings {
        sgd_below: swing(&sb, n),
        sgd_above: swing(&sa, n),
        momentum_below: swing(&mb, n),
        momentum_above: swing(&ma, n),
        momentum09: [swing(&nb, n), swing(&na, n)],
    };
    verdicts.push(oscillation_verdict(&swings));
    let ys = |t: &Trajectory| {
        t.points
            .iter()
            .map(|p| (p[1] as f64).abs())
            .collect::<Vec<_>>()
    };
    pictures.push(lines(
        "oscillation",
        "bowl (curvature 10 along y): |y| over the steps",
        "|y|",
        true,
        vec![
            (label(&course("sgd", Some(0.19), None, None, None)), ys(&sb)),
            (label(&course("sgd", Some(0.21), None, None, None)), ys(&sa)),
            (
                label(&course("momentum", Some(0.21), Some(0.5), None, None)),
                ys(&ma),
            ),
            (
                label(&course("momentum", Some(0.21), Some(0.9), None, None)),
                ys(&na),
            ),
        ],
    ));
    Ok(Checked {
        text: String::new(),
        verdicts,
        pictures,
    })
}
