//! `trajectories --all`: the seven optimizers on the course's surfaces, and the course's claims
//! checked against the numbers.
//!
//! Three experiments, each a start point, a step budget and one setting per optimizer:
//!
//! | experiment | start       | steps | shows                                                     |
//! |------------|-------------|-------|-----------------------------------------------------------|
//! | saddle     | (1, 0.001)  | 300   | who leaves the saddle of x² − y² (first step with \|y\| > 1) |
//! | beale      | (1, 1.5)    | 2000  | who reaches Beale's minimum (first step with f < 0.001)   |
//! | booth      | (−4, −4)    | 300   | zig-zag and overshoot near a minimum (SGD, Momentum, NAG) |
//!
//! Learning rates are not picked by hand: [`tune`] runs each optimizer on Beale for every λ of
//! [`LR_GRID`] and keeps the one that reaches `f < 1e-3` in the fewest steps (lowest final loss
//! if none does), so every method is shown at its best on Beale, and the saddle is run with the
//! same rates (out of sample). Momentum and NAG use μ = 0.9; RMSProp γ = 0.9. AdaDelta has no
//! learning rate in the course form and runs untuned (γ = 0.9, ε = 1e-6, its defaults).
//! Where a claim compares Momentum with SGD "at the same λ", SGD is rerun at Momentum's λ.
//!
//! On Booth, SGD takes λ = 0.1 and Momentum and NAG λ = 0.01 with μ = 0.9: the same long-run
//! step λ/(1 − μ) = 0.1, and a rate at which SGD zig-zags across the bowl's steep direction
//! (its factor there is 1 − 0.1·18 = −0.8).
//!
//! Every verdict is computed from the runs; a claim that did not hold is reported as such.

use std::fmt::Write;

use optim::Hyper;

use crate::surfaces::Surface;
use crate::trajectory::{run, OptimizerKind, Trajectory, TrajectoryError};

/// One optimizer with its hyperparameters, as run in an experiment.
#[derive(Debug, Clone)]
pub struct Setting {
    /// Which optimizer.
    pub optimizer: OptimizerKind,
    /// Its hyperparameters (`None` fields take the documented defaults).
    pub hyper: Hyper,
}

impl Setting {
    /// The legend text: the name and the hyperparameters set, e.g. `momentum λ=0.01 μ=0.9`.
    pub fn label(&self) -> String {
        let h = &self.hyper;
        let mut s = self.optimizer.name().to_string();
        for (sym, v) in [("λ", h.lr), ("μ", h.momentum), ("γ", h.gamma), ("ε", h.eps)] {
            if let Some(v) = v {
                let _ = write!(s, " {sym}={v}");
            }
        }
        s
    }
}

/// A surface, a start point, a step budget and the optimizers to run.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// File stem of the picture and heading of the table (`"saddle"`).
    pub name: &'static str,
    /// The surface.
    pub surface: Surface,
    /// Where every optimizer starts.
    pub start: [f32; 2],
    /// Steps per optimizer.
    pub steps: usize,
    /// The optimizers and their settings.
    pub settings: Vec<Setting>,
}

/// One setting's outcome: its full path, or the path up to the step where it diverged.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What was run.
    pub setting: Setting,
    /// The path (complete unless `diverged_at` is set).
    pub path: Trajectory,
    /// The step at which the point or loss stopped being finite.
    pub diverged_at: Option<usize>,
}

fn hyper(lr: Option<f32>, momentum: Option<f32>, rho: Option<f32>, eps: Option<f32>) -> Hyper {
    Hyper {
        lr,
        momentum,
        gamma: rho,
        eps,
        ..Hyper::default()
    }
}

/// The learning rates [`tune`] tries.
pub const LR_GRID: [f32; 8] = [3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0];

/// Steps allowed on Beale when tuning (and in the Beale experiment).
pub const BEALE_STEPS: usize = 2000;

/// The saddle's start point in `--all`: near the stable manifold `y = 0`, where the gradient's
/// `y` part, `−2y`, is tiny.
pub const SADDLE_START: [f32; 2] = [1.0, 1e-3];

/// Steps on the saddle.
pub const SADDLE_STEPS: usize = 300;

/// Beale's start point in `--all`.
pub const BEALE_START: [f32; 2] = [1.0, 1.5];

/// The extra hyperparameters of each optimizer in `--all`; `lr` is filled in by [`tune`].
fn base_hyper(kind: OptimizerKind) -> Hyper {
    use OptimizerKind::*;
    match kind {
        Sgd | Adagrad | Adam => hyper(None, None, None, None),
        Momentum | Nesterov => hyper(None, Some(0.9), None, None),
        Rmsprop => hyper(None, None, Some(0.9), None),
        Adadelta => hyper(None, None, Some(0.9), Some(1e-6)),
    }
}

/// One row of the tuning table: for each λ of [`LR_GRID`], the steps to `f < 1e-3` on Beale
/// (`Ok(None)`: not within [`BEALE_STEPS`]; `Err(step)`: diverged at that step), and the λ chosen.
#[derive(Debug, Clone)]
pub struct Tuning {
    /// The optimizer.
    pub optimizer: OptimizerKind,
    /// `(λ, outcome, final loss)` for each λ tried.
    pub tried: Vec<(f32, Result<Option<usize>, usize>, f32)>,
    /// The best λ (`None` for AdaDelta, which is not tuned).
    pub chosen: Option<f32>,
}

/// Tunes `kind`'s learning rate on Beale (see the module docs).
///
/// # Errors
/// [`TrajectoryError::Optim`] if a grid value is rejected (a bug in the grid).
pub fn tune(kind: OptimizerKind) -> Result<Tuning, TrajectoryError> {
    if kind == OptimizerKind::Adadelta {
        return Ok(Tuning {
            optimizer: kind,
            tried: Vec::new(),
            chosen: None,
        });
    }
    let mut tried = Vec::new();
    for lr in LR_GRID {
        let h = Hyper {
            lr: Some(lr),
            ..base_hyper(kind)
        };
        let entry = match run(Surface::Beale, kind, BEALE_START, BEALE_STEPS, &h) {
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
        let _ = write!(out, "  {:<10}", t.optimizer.name());
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

/// The settings of the saddle and Beale experiments, from the tuning.
pub fn settings(tunings: &[Tuning]) -> Vec<Setting> {
    tunings
        .iter()
        .map(|t| Setting {
            optimizer: t.optimizer,
            hyper: Hyper {
                lr: t.chosen,
                ..base_hyper(t.optimizer)
            },
        })
        .collect()
}

/// The three experiments of `--all`, with the learning rates of `tunings`.
pub fn experiments(tunings: &[Tuning]) -> Vec<Experiment> {
    use OptimizerKind::*;
    vec![
        Experiment {
            name: "saddle",
            surface: Surface::Saddle,
            start: SADDLE_START,
            steps: SADDLE_STEPS,
            settings: settings(tunings),
        },
        Experiment {
            name: "beale",
            surface: Surface::Beale,
            start: BEALE_START,
            steps: BEALE_STEPS,
            settings: settings(tunings),
        },
        Experiment {
            name: "booth",
            surface: Surface::Booth,
            start: [-4.0, -4.0],
            steps: 300,
            settings: vec![
                Setting {
                    optimizer: Sgd,
                    hyper: hyper(Some(0.1), None, None, None),
                },
                Setting {
                    optimizer: Momentum,
                    hyper: hyper(Some(0.01), Some(0.9), None, None),
                },
                Setting {
                    optimizer: Nesterov,
                    hyper: hyper(Some(0.01), Some(0.9), None, None),
                },
            ],
        },
    ]
}

/// Runs every setting of `exp`.
///
/// # Errors
/// [`TrajectoryError::Optim`] if a setting is invalid (a bug in the table); divergence is an
/// outcome, not an error.
pub fn run_experiment(exp: &Experiment) -> Result<Vec<Outcome>, TrajectoryError> {
    exp.settings
        .iter()
        .map(
            |s| match run(exp.surface, s.optimizer, exp.start, exp.steps, &s.hyper) {
                Ok(path) => Ok(Outcome {
                    setting: s.clone(),
                    path,
                    diverged_at: None,
                }),
                Err(TrajectoryError::Diverged { step, partial }) => Ok(Outcome {
                    setting: s.clone(),
                    path: partial,
                    diverged_at: Some(step),
                }),
                Err(e) => Err(e),
            },
        )
        .collect()
}

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

/// The table printed for one experiment: final point, final loss, and the step count that
/// matters on this surface.
pub fn table(exp: &Experiment, outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    let [x0, y0] = exp.start;
    let _ = writeln!(
        out,
        "{} from ({x0}, {y0}), {} steps",
        exp.surface.name(),
        exp.steps
    );
    let what = match exp.surface {
        Surface::Saddle => "steps to |y| > 1",
        _ => "steps to f < 1e-3",
    };
    let _ = writeln!(
        out,
        "  {:<32} {:>22} {:>12} {:>18}",
        "optimizer", "final point", "final loss", what
    );
    for o in outcomes {
        let p = o.path.points.last().copied().unwrap_or([f32::NAN; 2]);
        let loss = o.path.losses.last().copied().unwrap_or(f32::NAN);
        let count = match exp.surface {
            Surface::Saddle => escape_step(&o.path),
            s => steps_to_minimum(&o.path, s.min_value().unwrap_or(0.0), 1e-3),
        };
        let count = match (count, o.diverged_at) {
            (Some(n), _) => n.to_string(),
            (None, Some(step)) => format!("diverged at {step}"),
            (None, None) => "never".to_string(),
        };
        let num = |v: f32| {
            if v.abs() < 1e4 {
                format!("{v:.4}")
            } else {
                format!("{v:.2e}")
            }
        };
        let point = format!("({}, {})", num(p[0]), num(p[1]));
        let _ = writeln!(
            out,
            "  {:<32} {point:>22} {loss:>12.4e} {count:>18}",
            o.setting.label()
        );
    }
    out
}

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

fn find(outcomes: &[Outcome], kind: OptimizerKind) -> &Outcome {
    outcomes
        .iter()
        .find(|o| o.setting.optimizer == kind)
        .unwrap_or_else(|| panic!("the experiment runs {}", kind.name()))
}

/// Checks the course's claims against the outcomes of [`experiments`] (in that order:
/// saddle, beale, booth).
///
/// # Panics
/// If an experiment lacks one of the optimizers the claims compare.
pub fn verdicts(saddle: &[Outcome], beale: &[Outcome], booth: &[Outcome]) -> Vec<Verdict> {
    use OptimizerKind::*;
    let esc = |k| escape_step(&find(saddle, k).path);
    let reach = |k| steps_to_minimum(&find(beale, k).path, 0.0, 1e-3);
    let mut out = Vec::new();

    // SGD rerun at Momentum's λ, for the comparisons "at the same λ".
    let momentum_lr = find(beale, Momentum).setting.hyper.lr;
    let sgd_same_lr = |surface: Surface, start: [f32; 2], steps: usize| {
        let h = Hyper {
            lr: momentum_lr,
            ..Hyper::default()
        };
        match run(surface, Sgd, start, steps, &h) {
            Ok(t) => t,
            Err(TrajectoryError::Diverged { partial, .. }) => partial,
            Err(e) => panic!("SGD at Momentum's λ is a valid setting: {e}"),
        }
    };
    let lr_text = momentum_lr.map_or("default".to_string(), |l| l.to_string());

    let s = steps_to_minimum(
        &sgd_same_lr(Surface::Beale, BEALE_START, BEALE_STEPS),
        0.0,
        1e-3,
    );
    let m = reach(Momentum);
    out.push(Verdict {
        claim: "Momentum speeds convergence (beale: Momentum reaches f < 1e-3 before SGD at the same λ)".into(),
        held: Some(count(m) < count(s)),
        evidence: format!(
            "steps to f < 1e-3 at λ = {lr_text}: momentum {}, sgd {} (sgd at its own best λ: {})",
            show(m),
            show(s),
            show(reach(Sgd))
        ),
    });

    // Momentum damps oscillation (Booth, same long-run step): fewer zig-zags across the steep
    // direction (1, 1)/√2 of the bowl.
    let steep = [std::f64::consts::FRAC_1_SQRT_2; 2];
    let booth_min = Surface::Booth.minima()[0];
    let (_, zs) = overshoot(&find(booth, Sgd).path, booth_min, steep);
    let (_, zm) = overshoot(&find(booth, Momentum).path, booth_min, steep);
    out.push(Verdict {
        claim:
            "Momentum damps oscillation (booth: fewer zig-zags across the steep direction than SGD)"
                .into(),
        held: Some(zm < zs),
        evidence: format!("sign changes of the steep-direction error: momentum {zm}, sgd {zs}"),
    });

    out.push(Verdict {
        claim: "Momentum averages out noisy gradients".into(),
        held: None,
        evidence: "these surfaces give exact gradients; see the compare example on MNIST".into(),
    });

    let s = escape_step(&sgd_same_lr(Surface::Saddle, SADDLE_START, SADDLE_STEPS));
    let m = esc(Momentum);
    out.push(Verdict {
        claim: "Momentum carries the weights through saddle points (saddle: leaves before SGD at the same λ)".into(),
        held: Some(count(m) < count(s)),
        evidence: format!("steps to |y| > 1 at λ = {lr_text}: momentum {}, sgd {}", show(m), show(s)),
    });

    // The saddle claim: every adaptive method leaves before every one of SGD, Momentum, NAG.
    let slow = [Sgd, Momentum, Nesterov];
    let adaptive = [Adagrad, Rmsprop, Adadelta];
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
    let list = |ks: &[OptimizerKind], f: &dyn Fn(OptimizerKind) -> Option<usize>| {
        ks.iter()
            .map(|&k| format!("{} {}", k.name(), show(f(k))))
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

    let race = [Momentum, Nesterov];
    let worst_race = race
        .iter()
        .map(|&k| count(reach(k)))
        .max()
        .unwrap_or(usize::MAX);
    out.push(Verdict {
        claim: "Momentum and NAG race to the minimum (beale: both reach f < 1e-3 before SGD)"
            .into(),
        held: Some(worst_race < count(reach(Sgd))),
        evidence: format!(
            "steps to f < 1e-3: {}",
            list(&[Momentum, Nesterov, Sgd], &reach)
        ),
    });

    let fast = [Momentum, Nesterov, Adadelta];
    let slow_adaptive = [Adagrad, Rmsprop];
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
    let start = find(booth, Momentum).path.points[0];
    let d = [
        start[0] as f64 - booth_min[0],
        start[1] as f64 - booth_min[1],
    ];
    let norm = (d[0] * d[0] + d[1] * d[1]).sqrt();
    let u = [d[0] / norm, d[1] / norm];
    let (om, zm) = overshoot(&find(booth, Momentum).path, booth_min, u);
    let (on, zn) = overshoot(&find(booth, Nesterov).path, booth_min, u);
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
    for v in verdicts {
        let _ = writeln!(out, "  [{}] {}\n      {}", v.word(), v.claim, v.evidence);
    }
    out
}
