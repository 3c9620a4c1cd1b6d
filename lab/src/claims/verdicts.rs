//! The course's claims, checked against the outcomes of the experiments.

use std::fmt::Write;

use optim::UpdateRule;

use super::{
    escape_step, overshoot, steps_to_minimum, Outcome, BEALE_START, BEALE_STEPS, SADDLE_START,
    SADDLE_STEPS,
};
use crate::surfaces::Surface;
use crate::trajectory::{run, TrajectoryError};

/// A course claim and what the runs say about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The claim, in the course's words.
    pub claim: String,
    /// `Some(true)` held, `Some(false)` did not hold, `None` not visible on these surfaces.
    pub held: Option<bool>,
    /// The numbers behind the verdict.
    pub evidence: String,
}

impl Verdict {
    /// `held` / `did not hold` / `not checked`.
    pub fn word(&self) -> &'static str {
        match self.held {
            Some(true) => "held",
            Some(false) => "did not hold",
            None => "not checked",
        }
    }
}

/// A step count for comparisons: never reaching counts as infinitely many steps.
fn count(n: Option<usize>) -> usize {
    n.unwrap_or(usize::MAX)
}

fn show(n: Option<usize>) -> String {
    n.map_or("never".to_string(), |n| n.to_string())
}

fn find<'a>(outcomes: &'a [Outcome], optimizer: &str) -> &'a Outcome {
    outcomes
        .iter()
        .find(|o| o.setting.name() == optimizer)
        .unwrap_or_else(|| panic!("the experiment runs {optimizer}"))
}

/// Checks the course's claims against the outcomes of [`experiments`](super::experiments), in
/// that order: saddle, beale, booth.
///
/// # Panics
/// If an experiment lacks one of the optimizers the claims compare.
pub fn verdicts(saddle: &[Outcome], beale: &[Outcome], booth: &[Outcome]) -> Vec<Verdict> {
    let esc = |k: &str| escape_step(&find(saddle, k).path);
    let reach = |k: &str| steps_to_minimum(&find(beale, k).path, 0.0, 1e-3);
    let mut out = Vec::new();

    // SGD rerun at Momentum's λ, for the comparisons "at the same λ".
    let momentum_lr = find(beale, "momentum").setting.optimizer.lr();
    let sgd_same_lr = |surface: Surface, start: [f32; 2], steps: usize| {
        let sgd = super::course("sgd", momentum_lr, None, None, None);
        match run(surface, &sgd, start, steps) {
            Ok(t) => t,
            Err(TrajectoryError::Diverged { partial, .. }) => *partial,
            Err(e) => panic!("SGD at Momentum's λ is a valid setting: {e}"),
        }
    };
    let lr_text = momentum_lr.map_or("default".to_string(), |l| l.to_string());

    let s = steps_to_minimum(
        &sgd_same_lr(Surface::Beale, BEALE_START, BEALE_STEPS),
        0.0,
        1e-3,
    );
    let m = reach("momentum");
    out.push(Verdict {
        claim: "Momentum speeds convergence (beale: Momentum reaches f < 1e-3 before SGD at the same λ)".into(),
        held: Some(count(m) < count(s)),
        evidence: format!(
            "steps to f < 1e-3 at λ = {lr_text}: momentum {}, sgd {} (sgd at its own best λ: {})",
            show(m),
            show(s),
            show(reach("sgd"))
        ),
    });

    // Momentum damps oscillation (Booth, same long-run step): fewer zig-zags across the steep
    // direction (1, 1)/√2 of the bowl.
    let steep = [std::f64::consts::FRAC_1_SQRT_2; 2];
    let booth_min = Surface::Booth.minima()[0];
    let (_, zs) = overshoot(&find(booth, "sgd").path, booth_min, steep);
    let (_, zm) = overshoot(&find(booth, "momentum").path, booth_min, steep);
    out.push(Verdict {
        claim:
            "Momentum damps oscillation (booth: fewer zig-zags across the steep direction than SGD)"
                .into(),
        held: Some(zm < zs),
        evidence: format!("sign changes of the steep-direction error: momentum {zm}, sgd {zs}"),
    });

    let s = escape_step(&sgd_same_lr(Surface::Saddle, SADDLE_START, SADDLE_STEPS));
    let m = esc("momentum");
    out.push(Verdict {
        claim: "Momentum carries the weights through saddle points (saddle: leaves before SGD at the same λ)".into(),
        held: Some(count(m) < count(s)),
        evidence: format!("steps to |y| > 1 at λ = {lr_text}: momentum {}, sgd {}", show(m), show(s)),
    });

    // The saddle claim: every adaptive method leaves before every one of SGD, Momentum, NAG.
    let slow = ["sgd", "momentum", "nesterov"];
    let adaptive = ["adagrad", "rmsprop", "adadelta"];
    let slowest_adaptive = adaptive
        .iter()
        .map(|&k| count(esc(k)))
        .max()
        .unwrap_or(usize::MAX);
    let fastest_plain = slow
        .iter()
        .map(|&k| count(esc(k)))
        .min()
        .unwrap_or(usize::MAX);
    let list = |ks: &[&str], f: &dyn Fn(&str) -> Option<usize>| {
        ks.iter()
            .map(|&k| format!("{k} {}", show(f(k))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push(Verdict {
        claim: "SGD, Momentum and NAG do not easily leave a saddle point; AdaGrad, RMSProp and \
                AdaDelta leave it easily (each adaptive method leaves before each of the others)"
            .into(),
        held: Some(slowest_adaptive < fastest_plain),
        evidence: format!(
            "steps to |y| > 1: {}; {}",
            list(&adaptive, &esc),
            list(&slow, &esc)
        ),
    });

    let race = ["momentum", "nesterov"];
    let worst_race = race
        .iter()
        .map(|&k| count(reach(k)))
        .max()
        .unwrap_or(usize::MAX);
    out.push(Verdict {
        claim: "Momentum and NAG race to the minimum (beale: both reach f < 1e-3 before SGD)"
            .into(),
        held: Some(worst_race < count(reach("sgd"))),
        evidence: format!(
            "steps to f < 1e-3: {}",
            list(&["momentum", "nesterov", "sgd"], &reach)
        ),
    });

    let fast = ["momentum", "nesterov", "adadelta"];
    let slow_adaptive = ["adagrad", "rmsprop"];
    let worst_fast = fast
        .iter()
        .map(|&k| count(reach(k)))
        .max()
        .unwrap_or(usize::MAX);
    let best_slow = slow_adaptive
        .iter()
        .map(|&k| count(reach(k)))
        .min()
        .unwrap_or(usize::MAX);
    out.push(Verdict {
        claim: "AdaGrad and RMSProp are slower than Momentum, NAG and AdaDelta (beale: steps to f < 1e-3)".into(),
        held: Some(worst_fast < best_slow),
        evidence: format!("{}; {}", list(&fast, &reach), list(&slow_adaptive, &reach)),
    });

    // NAG overshoots less: measured along the direction the path came from.
    let start = find(booth, "momentum").path.points[0];
    let d = [
        start[0] as f64 - booth_min[0],
        start[1] as f64 - booth_min[1],
    ];
    let norm = (d[0] * d[0] + d[1] * d[1]).sqrt();
    let u = [d[0] / norm, d[1] / norm];
    let (om, zm) = overshoot(&find(booth, "momentum").path, booth_min, u);
    let (on, zn) = overshoot(&find(booth, "nesterov").path, booth_min, u);
    out.push(Verdict {
        claim:
            "Near a minimum, NAG overshoots and oscillates less than Momentum (booth, same λ and μ)"
                .into(),
        held: Some(on < om && zn <= zm),
        evidence: format!(
            "largest overshoot past the minimum: nag {on:.3}, momentum {om:.3}; \
             sign changes: nag {zn}, momentum {zm}"
        ),
    });
    out
}

/// The verdicts as printed lines.
pub fn verdict_text(verdicts: &[Verdict]) -> String {
    let mut out = String::from("The course's claims, checked on these runs:\n");
    for (i, v) in verdicts.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {:>2}. [{}] {}\n      {}",
            i + 1,
            v.word(),
            v.claim,
            v.evidence
        );
    }
    out
}
