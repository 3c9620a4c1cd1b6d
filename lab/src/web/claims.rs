//! The chapter's claims on the page: every verdict of `trajectories --all` (without
//! `--mnist`), computed once in the background by the same functions, each with the
//! experiment it was checked on, in settings the page's controls can load: the surface, the
//! start, the steps, the noise and one setting per optimizer. Where a claim ran more than the
//! controls set (a schedule of μ, a grid of λ, a second surface), the note says what, and the
//! page shows the setting that makes the point.

use std::sync::{Arc, Mutex};

use optim::{Algorithm, UpdateRule};
use serde_json::{json, Value};

use super::catalog::{options_json, short};
use crate::claims::{self, check_more, course, experiments, run_experiment, tune, Experiment};
use crate::claims::{heavy_ball, noise};
use crate::surfaces::Surface;
use crate::trajectory::{run, TrajectoryError};

/// What a claim ran, as the page's controls set it.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The surface.
    pub surface: Surface,
    /// Where every optimizer starts.
    pub start: [f32; 2],
    /// Steps.
    pub steps: usize,
    /// Gradient noise `(σ, seed)`, if any.
    pub noise: Option<(f32, u64)>,
    /// One setting per optimizer.
    pub runs: Vec<Algorithm>,
    /// What the claim did beyond these settings (may be empty).
    pub note: String,
}

/// The claims' state: not asked for yet, being computed, or done (the JSON of the page).
#[derive(Default)]
pub struct Claims {
    state: Mutex<State>,
}

#[derive(Default, Clone)]
enum State {
    #[default]
    NotStarted,
    Computing,
    Done(Result<Arc<String>, String>),
}

impl Claims {
    /// The claims' JSON once computed (`Some(Ok)`), the error of a failed computation
    /// (`Some(Err)`), or `None` while computing; the first call starts the computation on a
    /// thread of its own.
    pub fn get(self: &Arc<Self>) -> Option<Result<Arc<String>, String>> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match &*state {
            State::Done(result) => Some(result.clone()),
            State::Computing => None,
            State::NotStarted => {
                *state = State::Computing;
                let me = Arc::clone(self);
                std::thread::spawn(move || {
                    let result = claims_json().map(Arc::new);
                    *me.state.lock().unwrap_or_else(|p| p.into_inner()) = State::Done(result);
                });
                None
            }
        }
    }
}

/// Every claim of `trajectories --all` with its verdict, evidence and scenario, as the page's
/// JSON.
///
/// # Errors
/// A run that fails (a bug in the claims' settings), as its message.
pub fn claims_json() -> Result<String, String> {
    let fail = |e: TrajectoryError| e.to_string();
    let tunings = (Algorithm::COURSE.iter())
        .map(|&name| tune(name))
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail)?;
    let exps = experiments(&tunings);
    let outcomes = (exps.iter())
        .map(run_experiment)
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail)?;
    let mut all = claims::verdicts(&outcomes[0], &outcomes[1], &outcomes[2]);
    for checked in check_more().map_err(fail)? {
        all.extend(checked.verdicts);
    }
    let list: Vec<Value> = (all.iter().enumerate())
        .map(|(i, v)| {
            let s = scenario(&v.claim, &exps);
            let runs: Vec<Value> = (s.iter().flat_map(|s| &s.runs))
                .map(|a| {
                    json!({
                        "optimizer": a.name(),
                        "label": claims::label(a),
                        "settings": a.to_string(),
                        "options": options_json(a),
                    })
                })
                .collect();
            json!({
                "number": i + 1,
                "claim": v.claim,
                "word": v.word(),
                "held": v.held,
                "evidence": v.evidence,
                "function": s.as_ref().map(|s| s.surface.name()),
                "start": s.as_ref().map(|s| s.start.map(short)),
                "steps": s.as_ref().map(|s| s.steps),
                "noise": s.as_ref().and_then(|s| s.noise.map(|n| short(n.0))),
                "seed": s.as_ref().and_then(|s| s.noise.map(|n| n.1)),
                "runs": runs,
                "note": s.as_ref().map_or("", |s| s.note.as_str()),
            })
        })
        .collect();
    Ok(Value::Array(list).to_string())
}

/// The settings of `exp` for the optimizers `names`, in that order.
fn pick(exp: &Experiment, names: &[&str]) -> Vec<Algorithm> {
    (names.iter())
        .filter_map(|n| exp.settings.iter().find(|s| s.name() == *n))
        .map(|s| s.optimizer.clone())
        .collect()
}

fn on(exp: &Experiment, runs: Vec<Algorithm>, note: &str) -> Scenario {
    at(exp.surface, exp.start, exp.steps, runs, note)
}

fn at(
    surface: Surface,
    start: [f32; 2],
    steps: usize,
    runs: Vec<Algorithm>,
    note: &str,
) -> Scenario {
    let note = note.to_string();
    Scenario {
        surface,
        start,
        steps,
        noise: None,
        runs,
        note,
    }
}

/// The scenario of the claim whose text is `claim`, from the experiments `exps` (saddle,
/// beale, booth) and the claims' own settings; `None` for a claim this table does not know.
pub fn scenario(claim: &str, exps: &[Experiment]) -> Option<Scenario> {
    let [saddle, beale, booth] = exps else {
        return None;
    };
    let c = |name: &str, lr: Option<f32>, mu: Option<f32>, gamma: Option<f32>, eps: Option<f32>| {
        course(name, lr, mu, gamma, eps)
    };
    let momentum_lr = pick(beale, &["momentum"]).first().and_then(|m| m.lr());
    let sgd_same = || c("sgd", momentum_lr, None, None, None);
    let same_lr = "SGD runs at Momentum's λ, as the claim compares them; SGD at its own best λ \
                   is in the evidence";
    let units = "the claim compares each path ÷ 8 with its run on booth from (−4, −4), and \
                 with its constants given units (λ·8, ε/64): set them to compare";
    let rates = "the claim reads each method's effective rate off these paths";
    let s = if claim.starts_with("Momentum speeds convergence") {
        let mut runs = pick(beale, &["momentum"]);
        runs.push(sgd_same());
        on(beale, runs, same_lr)
    } else if claim.starts_with("Momentum damps oscillation") {
        on(booth, pick(booth, &["sgd", "momentum"]), "")
    } else if claim.starts_with("Momentum carries the weights through saddle") {
        let mut runs = pick(saddle, &["momentum"]);
        runs.push(sgd_same());
        on(saddle, runs, same_lr)
    } else if claim.starts_with("SGD, Momentum and NAG do not easily leave") {
        let names = [
            "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta",
        ];
        on(saddle, pick(saddle, &names), "")
    } else if claim.starts_with("Momentum and NAG race") {
        on(beale, pick(beale, &["momentum", "nesterov", "sgd"]), "")
    } else if claim.starts_with("AdaGrad and RMSProp are slower") {
        let names = ["momentum", "nesterov", "adadelta", "adagrad", "rmsprop"];
        on(beale, pick(beale, &names), "")
    } else if claim.starts_with("Near a minimum, NAG overshoots") {
        on(booth, pick(booth, &["momentum", "nesterov"]), "")
    } else if claim.starts_with("Momentum averages out noisy gradients") {
        let runs = vec![
            c("sgd", Some(0.1), None, None, None),
            c("momentum", Some(0.01), Some(0.9), None, None),
        ];
        let note = format!(
            "seed 0 shown; the verdict averages seeds 0 to {}",
            noise::SEEDS - 1
        );
        let mut s = at(Surface::Booth, [-4.0, -4.0], 300, runs, &note);
        s.noise = Some((noise::SIGMA, 0));
        s
    } else if claim.starts_with("Momentum carries the weights out of a shallow local minimum") {
        let lr = wells_lr();
        let runs = vec![
            c("sgd", Some(lr), None, None, None),
            c("momentum", Some(lr), Some(0.9), None, None),
        ];
        let grid: Vec<String> = heavy_ball::WELLS_LRS.iter().map(f32::to_string).collect();
        let note = format!(
            "the claim runs λ = {}; shown at λ = {lr}, the first at which Momentum reaches the \
             global minimum",
            grid.join(", ")
        );
        at(Surface::Wells, [3.0, 0.0], 1000, runs, &note)
    } else if claim.starts_with("With momentum the weights oscillate") {
        let runs = vec![c("momentum", Some(0.01), Some(0.9), None, None)];
        let note = "the claim's decreasing μ (0.9 to 0.6 over 100 steps) is a schedule, which \
                    the sliders do not set: move μ to 0.6 to see a lower μ settle";
        at(Surface::Booth, [-4.0, -4.0], 300, runs, note)
    } else if claim.starts_with("Too large a learning rate") {
        let runs = vec![
            c("sgd", Some(0.21), None, None, None),
            c("momentum", Some(0.21), Some(0.5), None, None),
        ];
        let note = "λ = 0.21 is above gradient descent's limit 2/10; the claim also runs \
                    λ = 0.19 and μ = 0.9: move the sliders";
        at(Surface::Bowl, [-4.0, 1.0], 40, runs, note)
    } else if claim.starts_with("AdaGrad's first problem") || claim.starts_with("RMSProp fixes") {
        let runs = vec![
            c("adagrad", Some(0.01), None, None, None),
            c("rmsprop", Some(0.01), None, Some(0.9), None),
            c("adadelta", None, None, Some(0.9), Some(1e-6)),
        ];
        let note = if claim.starts_with("RMSProp") {
            format!("{rates}; {units}")
        } else {
            rates.to_string()
        };
        at(Surface::Beale, [1.0, 1.5], 20000, runs, &note)
    } else if claim.starts_with("AdaGrad's second problem") || claim.starts_with("AdaDelta fixes") {
        let runs = vec![
            c("adagrad", Some(0.5), None, None, None),
            c("rmsprop", Some(0.05), None, Some(0.9), None),
            c("adam", Some(0.1), None, None, None),
            c("adadelta", None, None, Some(0.9), Some(1e-6)),
        ];
        at(Surface::ScaledBooth, [-32.0, -32.0], 300, runs, units)
    } else if claim.starts_with("Adam is Momentum plus RMSProp") {
        let runs = vec![
            c("adam", Some(0.05), None, None, Some(1e-8)),
            c("momentum", Some(0.01), Some(0.9), None, None),
            c("rmsprop", Some(0.01), None, Some(0.999), Some(1e-8)),
        ];
        let note = "the claim feeds Adam's gradients to Momentum (μ = β1) and RMSProp (γ = β2) \
                    and rebuilds Adam's step from theirs; here each follows its own path";
        at(Surface::Beale, [1.0, 1.5], 500, runs, note)
    } else {
        return None;
    };
    Some(s)
}

/// The first λ of the local-minimum grid at which Momentum ends in the global minimum of
/// `wells` (the one the claim draws), else the grid's largest.
fn wells_lr() -> f32 {
    let last = heavy_ball::WELLS_LRS[heavy_ball::WELLS_LRS.len() - 1];
    (heavy_ball::WELLS_LRS.into_iter())
        .find(|&lr| {
            let m = course("momentum", Some(lr), Some(0.9), None, None);
            run(Surface::Wells, &m, [3.0, 0.0], 1000)
                .is_ok_and(|t| heavy_ball::basin(t.points[1000][0]) == "global")
        })
        .unwrap_or(last)
}
