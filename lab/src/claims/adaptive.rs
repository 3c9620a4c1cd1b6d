//! Claims about the adaptive methods' effective rate and units: AdaGrad's two problems, and
//! which of RMSProp and AdaDelta fixes which.
//!
//! - Vanishing rate: Beale from (1, 1.5), 20000 steps, AdaGrad and RMSProp (γ = 0.9) at the
//!   same λ = 0.01, AdaDelta at its defaults (γ = 0.9, ε = 1e-6). The effective rate per
//!   coordinate, `λ/√(G + ε)` for AdaGrad, `λ/√(MA[g²] + ε)` for RMSProp and
//!   `√(MA[Δw²] + ε)/√(MA[g²] + ε)` for AdaDelta, is rebuilt from the gradients along each path.
//!   λ = 0.01 is below the rates tuned on Beale, so that AdaGrad has far to go when its rate
//!   runs out.
//! - Units: Booth and `scaled-booth`, the same function in coordinates w′ = 8·w, 300 steps
//!   from (−4, −4) and (−32, −32). A method whose step has the units of w has a scaled path
//!   w′_t = 8·w_t. Each method runs twice on `scaled-booth`: with the same constants, and with
//!   each constant given the units its formula needs (λ·8 for the methods with a λ, whose
//!   step g/√G is unitless; ε/64 where ε is added to g², ε/8 where to √g; AdaDelta's ε·64,
//!   since in its numerator ε is added to Δw², though in its denominator the same ε is added
//!   to g² and should shrink instead).

use std::fmt::Write;

use optim::Algorithm;

use super::{at_steps, chart, label, lines, Checked, Picture, Verdict};
use crate::plot::{LinePlot, Series};
use crate::surfaces::{Surface, SCALE};
use crate::trajectory::{gradient, run, Trajectory, TrajectoryError};

/// The effective rate of each coordinate after each step, rebuilt from the gradients `grads`
/// (one per step) and the displacements `steps` (one per step, used by AdaDelta only).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rate {
    /// `λ/√(G + ε)`, `G` the sum of squared gradients.
    AdaGrad { lr: f64, eps: f64 },
    /// `λ/√(MA[g²] + ε)`.
    RmsProp { lr: f64, gamma: f64, eps: f64 },
    /// `√(MA[Δw²]_{t−1} + ε)/√(MA[g²]_t + ε)`.
    AdaDelta { gamma: f64, eps: f64 },
}

/// The effective rate of each coordinate at each step `t = 1, 2, …`.
pub fn effective_rates(rate: Rate, grads: &[[f64; 2]], steps: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let (mut g2, mut d2) = ([0.0f64; 2], [0.0f64; 2]);
    let mut out = Vec::with_capacity(grads.len());
    for (t, g) in grads.iter().enumerate() {
        let mut r = [0.0; 2];
        for d in 0..2 {
            r[d] = match rate {
                Rate::AdaGrad { lr, eps } => {
                    g2[d] += g[d] * g[d];
                    lr / (g2[d] + eps).sqrt()
                }
                Rate::RmsProp { lr, gamma, eps } => {
                    g2[d] = gamma * g2[d] + (1.0 - gamma) * g[d] * g[d];
                    lr / (g2[d] + eps).sqrt()
                }
                Rate::AdaDelta { gamma, eps } => {
                    g2[d] = gamma * g2[d] + (1.0 - gamma) * g[d] * g[d];
                    let r = (d2[d] + eps).sqrt() / (g2[d] + eps).sqrt();
                    let dw = steps.get(t).map_or(0.0, |s| s[d]);
                    d2[d] = gamma * d2[d] + (1.0 - gamma) * dw * dw;
                    r
                }
            };
        }
        out.push(r);
    }
    out
}

/// The gradients the optimizer was given along `t` (at each point but the last) and its steps.
fn grads_and_steps(surface: Surface, t: &Trajectory) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
    let n = t.points.len().saturating_sub(1);
    let grads = t.points[..n]
        .iter()
        .map(|&p| gradient(surface, p).map(f64::from))
        .collect();
    let steps = t
        .points
        .windows(2)
        .map(|w| [(w[1][0] - w[0][0]) as f64, (w[1][1] - w[0][1]) as f64])
        .collect();
    (grads, steps)
}

/// One method's effective rate at the first and last step (the larger of its two coordinates),
/// and its final loss.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateEnds {
    /// Effective rate after step 1.
    pub first: f64,
    /// Effective rate after the last step.
    pub last: f64,
    /// Loss at the end.
    pub final_loss: f64,
    /// Distance travelled over the last tenth of the steps.
    pub moved_last: f64,
}

impl RateEnds {
    fn from_run(rates: &[[f64; 2]], t: &Trajectory) -> RateEnds {
        let big = |r: &[f64; 2]| r[0].max(r[1]);
        let tail = t.points.len() - t.points.len() / 10;
        RateEnds {
            first: rates.first().map_or(f64::NAN, big),
            last: rates.last().map_or(f64::NAN, big),
            final_loss: t.losses.last().copied().unwrap_or(f32::NAN) as f64,
            moved_last: t.points[tail.saturating_sub(1)..]
                .windows(2)
                .map(|w| ((w[1][0] - w[0][0]) as f64).hypot((w[1][1] - w[0][1]) as f64))
                .sum(),
        }
    }

    /// The rate has fallen to under a tenth of its first value.
    pub fn vanished(&self) -> bool {
        self.last < self.first / 10.0
    }
}

/// Held when AdaGrad's rate vanishes while RMSProp's does not, and AdaGrad ends higher.
pub fn vanishing_verdict(adagrad: &RateEnds, rmsprop: &RateEnds) -> Verdict {
    Verdict {
        claim: "AdaGrad's first problem: λ/√(G + ε) shrinks toward 0 and the model stops \
                updating, where RMSProp keeps moving (beale, λ = 0.01, 20000 steps)"
            .into(),
        held: Some(
            adagrad.vanished() && !rmsprop.vanished() && adagrad.final_loss > rmsprop.final_loss,
        ),
        evidence: format!(
            "effective rate (larger coordinate) at step 1 → 20000: adagrad {:.2e} → {:.2e}, \
             rmsprop {:.2e} → {:.2e}; final loss adagrad {:.3e}, rmsprop {:.3e}; distance \
             travelled over the last 2000 steps adagrad {:.2e}, rmsprop {:.2e}",
            adagrad.first,
            adagrad.last,
            rmsprop.first,
            rmsprop.last,
            adagrad.final_loss,
            rmsprop.final_loss,
            adagrad.moved_last,
            rmsprop.moved_last
        ),
    }
}

/// How far a scaled run's path, divided by the scale, strays from the unscaled path: the
/// largest distance between matching points over the largest distance travelled.
pub fn scaling_error(path: &[[f32; 2]], scaled: &[[f32; 2]], scale: f64) -> f64 {
    let start = path.first().copied().unwrap_or([0.0; 2]);
    let dist = |a: [f64; 2], b: [f64; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
    let f = |p: [f32; 2]| [p[0] as f64, p[1] as f64];
    let extent = path
        .iter()
        .map(|&p| dist(f(p), f(start)))
        .fold(0.0, f64::max);
    let stray = path
        .iter()
        .zip(scaled)
        .map(|(&p, &q)| dist(f(p), [q[0] as f64 / scale, q[1] as f64 / scale]))
        .fold(0.0, f64::max);
    if path.len() == scaled.len() {
        stray / extent.max(f64::MIN_POSITIVE)
    } else {
        f64::INFINITY
    }
}

/// One method's scaling errors: with the same constants, and with the constants given units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Units {
    /// The method.
    pub optimizer: &'static str,
    /// [`scaling_error`] with the same constants on both surfaces.
    pub same: f64,
    /// [`scaling_error`] with the constants scaled to their units.
    pub with_units: f64,
}

impl Units {
    /// The path follows the coordinates (within 1%).
    pub fn follows(error: f64) -> bool {
        error < 1e-2
    }
}

fn units_text(u: &[Units]) -> String {
    let mut s = String::from("path ÷ 8 against the path (largest gap / distance travelled), same constants | constants with units: ");
    for (i, x) in u.iter().enumerate() {
        let _ = write!(
            s,
            "{}{} {:.1e} | {:.1e}",
            if i == 0 { "" } else { "; " },
            x.optimizer,
            x.same,
            x.with_units
        );
    }
    s
}

fn find(u: &[Units], k: &str) -> Units {
    *u.iter()
        .find(|x| x.optimizer == k)
        .unwrap_or_else(|| panic!("the units test runs {k}"))
}

/// Held when AdaGrad's path does not follow a rescaling of w at the same λ and does with λ·8:
/// its step carries λ's units, not w's.
///
/// # Panics
/// If `units` lacks AdaGrad.
pub fn units_verdict(units: &[Units]) -> Verdict {
    let a = find(units, "adagrad");
    Verdict {
        claim: "AdaGrad's second problem: the step has the units of λ (g/√G is unitless), not of \
                w (booth against booth in w′ = 8·w: the path rescales only if λ is rescaled)"
            .into(),
        held: Some(!Units::follows(a.same) && Units::follows(a.with_units)),
        evidence: units_text(units),
    }
}

/// Held when RMSProp's rate does not vanish but its path needs λ·8 to rescale, like AdaGrad's.
///
/// # Panics
/// If `units` lacks RMSProp.
pub fn rmsprop_verdict(rmsprop: &RateEnds, units: &[Units]) -> Verdict {
    let r = find(units, "rmsprop");
    Verdict {
        claim: "RMSProp fixes AdaGrad's first problem but not the second (its rate does not \
                vanish; its path rescales with w only if λ is rescaled)"
            .into(),
        held: Some(!rmsprop.vanished() && !Units::follows(r.same) && Units::follows(r.with_units)),
        evidence: format!(
            "rate at step 1 → 20000 {:.2e} → {:.2e}; scaling gap same λ {:.1e}, λ·8 {:.1e}",
            rmsprop.first, rmsprop.last, r.same, r.with_units
        ),
    }
}

/// Held when AdaDelta's rate does not vanish and its path rescales with no λ to change, once its
/// ε carries the units of Δw²; the gap with the same ε is printed, since a plain ε sets the size
/// of AdaDelta's first steps, √ε/√(1 − γ), whatever the units of w.
///
/// # Panics
/// If `units` lacks AdaDelta.
pub fn adadelta_verdict(adadelta: &RateEnds, units: &[Units]) -> Verdict {
    let d = find(units, "adadelta");
    Verdict {
        claim: "AdaDelta fixes both problems (its rate does not vanish; with no λ, its path \
                rescales with w once ε, which sets the first steps, is given the units of w²)"
            .into(),
        held: Some(!adadelta.vanished() && Units::follows(d.with_units)),
        evidence: format!(
            "rate at step 1 → 20000 {:.2e} → {:.2e}; scaling gap with ε·64 {:.1e}, with the same ε {:.1e} (the symmetry ε breaks)",
            adadelta.first, adadelta.last, d.with_units, d.same
        ),
    }
}

fn h(kind: &str, lr: Option<f32>, gamma: Option<f32>, eps: Option<f32>) -> Algorithm {
    super::course(kind, lr, None, gamma, eps)
}

/// Runs the two experiments.
///
/// # Errors
/// [`TrajectoryError`] if a run fails (a bug in the settings).
pub fn check() -> Result<Checked, TrajectoryError> {
    let steps = 20000;
    let start = [1.0, 1.5];
    let mut ends = Vec::new();
    let mut series = Vec::new();
    for (hp, rate) in [
        (
            h("adagrad", Some(0.01), None, None),
            Rate::AdaGrad {
                lr: 0.01,
                eps: 1e-8,
            },
        ),
        (
            h("rmsprop", Some(0.01), Some(0.9), None),
            Rate::RmsProp {
                lr: 0.01,
                gamma: 0.9,
                eps: 1e-8,
            },
        ),
        (
            h("adadelta", None, Some(0.9), Some(1e-6)),
            Rate::AdaDelta {
                gamma: 0.9,
                eps: 1e-6,
            },
        ),
    ] {
        let t = run(Surface::Beale, &hp, start, steps)?;
        let (grads, moves) = grads_and_steps(Surface::Beale, &t);
        let rates = effective_rates(rate, &grads, &moves);
        ends.push(RateEnds::from_run(&rates, &t));
        let larger: Vec<f64> = rates.iter().map(|r| r[0].max(r[1])).collect();
        // The rate after step t = 1, 2, …: on a log step axis AdaGrad's first steps show.
        series.push(Series::new(label(&hp), at_steps(&larger, 1, 1)));
    }

    let c = SCALE as f32;
    let mut units = Vec::new();
    let mut travelled = Vec::new();
    for (kind, same, scaled) in [
        (
            "adagrad",
            h("adagrad", Some(0.5), None, None),
            h("adagrad", Some(0.5 * c), None, Some(1e-8 / (c * c))),
        ),
        (
            "rmsprop",
            h("rmsprop", Some(0.05), Some(0.9), None),
            h("rmsprop", Some(0.05 * c), Some(0.9), Some(1e-8 / (c * c))),
        ),
        (
            "adam",
            h("adam", Some(0.1), None, None),
            h("adam", Some(0.1 * c), None, Some(1e-8 / c)),
        ),
        (
            "adadelta",
            h("adadelta", None, Some(0.9), Some(1e-6)),
            h("adadelta", None, Some(0.9), Some(1e-6 * c * c)),
        ),
    ] {
        let base = run(Surface::Booth, &same, [-4.0, -4.0], 300)?;
        let scaled_start = [-4.0 * c, -4.0 * c];
        let a = run(Surface::ScaledBooth, &same, scaled_start, 300)?;
        let b = run(Surface::ScaledBooth, &scaled, scaled_start, 300)?;
        units.push(Units {
            optimizer: kind,
            same: scaling_error(&base.points, &a.points, SCALE),
            with_units: scaling_error(&base.points, &b.points, SCALE),
        });
        if kind == "adagrad" || kind == "adadelta" {
            let constant = if kind == "adagrad" {
                "λ·8, ε÷64"
            } else {
                "ε·64"
            };
            for (name, t, k) in [
                (format!("{} on booth", label(&same)), &base, 1.0),
                (format!("{} on scaled-booth, ÷ 8", label(&same)), &a, SCALE),
                (
                    format!("{} ({constant}) on scaled-booth, ÷ 8", label(&scaled)),
                    &b,
                    SCALE,
                ),
            ] {
                let p0 = t.points[0];
                let d = t
                    .points
                    .iter()
                    .map(|p| ((p[0] - p0[0]) as f64).hypot((p[1] - p0[1]) as f64) / k);
                travelled.push((name, d.collect()));
            }
        }
    }
    Ok(Checked {
        text: String::new(),
        verdicts: vec![
            vanishing_verdict(&ends[0], &ends[1]),
            units_verdict(&units),
            rmsprop_verdict(&ends[1], &units),
            adadelta_verdict(&ends[2], &units),
        ],
        pictures: vec![
            Picture::Lines {
                name: "effective_rate",
                plot: LinePlot {
                    x_label: "step (log scale)".into(),
                    log_x: true,
                    ..chart(
                        "beale from (1, 1.5): effective rate after each step (larger coordinate)",
                        "effective rate",
                        true,
                        series,
                    )
                },
            },
            lines(
                "units",
                "units: distance from the start (runs on scaled-booth ÷ 8)",
                "distance from the start",
                true,
                travelled,
            ),
        ],
    })
}
