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
//!
//! This file holds the experiments and their table; `claims/tuning.rs` picks the learning
//! rates, `claims/measures.rs` reads step counts and overshoots off a path, and
//! `claims/verdicts.rs` checks the claims. The claims that need surfaces or settings of their
//! own are experiments of their own, each file with its choices written at the top:
//! `claims/noise.rs` (noisy gradients), `claims/heavy_ball.rs` (local minimum, decreasing μ,
//! too large λ), `claims/adaptive.rs` (AdaGrad's two problems, RMSProp, AdaDelta) and
//! `claims/adam_parts.rs` (Adam as Momentum plus RMSProp), and, with `--mnist`,
//! `claims/mnist.rs` (AdaGrad's vanishing rate in real training) and `claims/mnist_noise.rs`
//! (Momentum averaging the mini-batch noise in real training). Their verdicts are functions of
//! the measured numbers alone, so that they can be tested on numbers made by hand.

use std::fmt::Write;
use std::path::Path;

use optim::{Algorithm, Form, UpdateRule};

use crate::plot::{self, LinePlot, Series, Track};
use crate::surfaces::Surface;
use crate::trajectory::{run, Trajectory, TrajectoryError};

pub mod adam_parts;
pub mod adaptive;
mod all;
pub mod heavy_ball;
mod measures;
pub mod mnist;
pub mod mnist_noise;
pub mod noise;
mod tuning;
mod verdicts;

pub use all::run_all;
pub use measures::{escape_step, overshoot, steps_to_minimum};
pub use tuning::{tune, tuning_text, Tuning, LR_GRID};
pub use verdicts::{verdict_text, verdicts, Verdict};

/// A picture of an experiment: paths over a surface's contour lines, or lines over the steps.
///
/// Every picture names the settings of what it shows (λ, μ, β, γ, ε) in its title or its
/// legend, which [`label`] writes.
#[derive(Debug, Clone)]
pub enum Picture {
    /// Paths drawn over the contours of `surface`.
    Paths {
        /// File stem (`"noise"`).
        name: &'static str,
        /// The surface under the paths.
        surface: Surface,
        /// Title above the picture.
        title: String,
        /// `(legend label, optimizer whose colour it takes, points)` per path.
        tracks: Vec<(String, &'static str, Vec<[f32; 2]>)>,
    },
    /// A line chart against the step.
    Lines {
        /// File stem (`"oscillation"`).
        name: &'static str,
        /// The chart.
        plot: LinePlot,
    },
}

impl Picture {
    /// The file stem.
    pub fn name(&self) -> &'static str {
        match self {
            Picture::Paths { name, .. } | Picture::Lines { name, .. } => name,
        }
    }

    /// Draws the picture to `path`: PNG, or SVG when `path` ends in `.svg`.
    ///
    /// # Errors
    /// A one-line message naming the file that could not be written.
    pub fn draw(&self, path: &Path) -> Result<(), String> {
        match self {
            Picture::Paths {
                surface,
                title,
                tracks,
                ..
            } => plot::draw(*surface, &as_tracks(tracks), title, path).map_err(|e| e.to_string()),
            Picture::Lines { plot, .. } => plot.draw(path).map_err(|e| e.to_string()),
        }
    }
}

/// The verdicts and pictures of one experiment file.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Lines to print before the verdicts (may be empty).
    pub text: String,
    /// The verdicts, in the order of the claims.
    pub verdicts: Vec<Verdict>,
    /// The pictures to draw.
    pub pictures: Vec<Picture>,
}

/// Size of the claims' line charts: the legend column takes up to two fifths of the width.
pub const CHART_SIZE: (u32, u32) = (860, 480);

/// A line chart against the step, of [`CHART_SIZE`], with `series` and nothing else set.
pub(crate) fn chart(title: &str, y_label: &str, log_y: bool, series: Vec<Series>) -> LinePlot {
    LinePlot {
        title: title.to_string(),
        x_label: "step".to_string(),
        y_label: y_label.to_string(),
        log_y,
        series,
        size: CHART_SIZE,
        ..LinePlot::default()
    }
}

/// `(step, value)` points of `values` read after steps `first`, `first + every`, …
pub(crate) fn at_steps(values: &[f64], first: usize, every: usize) -> Vec<(f64, f64)> {
    (values.iter().enumerate())
        .map(|(i, &v)| ((first + i * every) as f64, v))
        .collect()
}

/// A line chart of `series` against the step (point `i` of each at step `i`, step 0 the
/// start).
pub(crate) fn lines(
    name: &'static str,
    title: &str,
    y_label: &str,
    log_y: bool,
    series: Vec<(String, Vec<f64>)>,
) -> Picture {
    let series = (series.into_iter())
        .map(|(label, ys)| Series::new(label, at_steps(&ys, 0, 1)))
        .collect();
    Picture::Lines {
        name,
        plot: chart(title, y_label, log_y, series),
    }
}

/// One experiment file's check: runs it, and returns its verdicts and pictures.
pub type Check = fn() -> Result<Checked, TrajectoryError>;

/// The claims with experiments of their own, in the order of the chapter: what each checks
/// (a line to print before it, as some take seconds) and the check.
pub fn more_checks() -> [(&'static str, Check); 4] {
    [
        (
            "Momentum and noisy gradients (booth, 3 settings × 10 seeds × 300 steps)",
            noise::check,
        ),
        (
            "momentum's heavy ball (local minimum, decreasing μ, too large λ)",
            heavy_ball::check,
        ),
        (
            "AdaGrad, RMSProp and AdaDelta (20000 steps each on beale; units on booth)",
            adaptive::check,
        ),
        (
            "Adam as Momentum plus RMSProp (500 steps on beale)",
            adam_parts::check,
        ),
    ]
}

/// The claims with experiments of their own, in the order of the chapter.
///
/// # Errors
/// [`TrajectoryError`] if a run fails (a bug in the settings).
pub fn check_more() -> Result<Vec<Checked>, TrajectoryError> {
    more_checks().iter().map(|(_, check)| check()).collect()
}

/// One optimizer with its hyperparameters, as run in an experiment.
#[derive(Debug, Clone)]
pub struct Setting {
    /// The optimizer, with every hyperparameter.
    pub optimizer: Algorithm,
}

impl Setting {
    /// The optimizer's name (`"momentum"`).
    pub fn name(&self) -> &'static str {
        self.optimizer.name()
    }

    /// The legend text: the name and the hyperparameters the chapter varies, e.g.
    /// `momentum λ=0.01 μ=0.9`.
    pub fn label(&self) -> String {
        label(&self.optimizer)
    }
}

/// `momentum λ=0.01 μ=0.9`, `rmsprop λ=0.001 γ=0.9`, `adam λ=0.05 β1=0.9 β2=0.999`: the name
/// and the hyperparameters that change an optimizer's path on a surface (weight decay, ε and
/// the form only when not the default).
pub fn label(optimizer: &Algorithm) -> String {
    let mut s = optimizer.name().to_string();
    if let Some(lr) = optimizer.lr() {
        let _ = write!(s, " λ={lr}");
    }
    if let Some(mu) = optimizer.momentum() {
        let _ = write!(s, " μ={mu}");
    }
    match optimizer {
        Algorithm::Rmsprop(r) => {
            let _ = write!(s, " γ={}", r.gamma);
        }
        Algorithm::Adadelta(r) => {
            let _ = write!(s, " γ={} ε={:e}", r.gamma, r.eps);
        }
        Algorithm::Adam(r) => {
            let _ = write!(s, " β1={} β2={}", r.beta1, r.beta2);
        }
        _ => {}
    }
    if optimizer.has_form() && optimizer.to_string().contains("PyTorch form") {
        s.push_str(" (PyTorch form)");
    }
    s
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

/// The course's optimizer `name` with the values given and its documented defaults for the
/// rest: `course("momentum", Some(0.01), Some(0.9), None, None)`; `gamma` is RMSProp's and
/// AdaDelta's moving-average coefficient, `eps` the ε of the adaptive methods.
///
/// # Panics
/// If `name` is not an optimizer's name.
#[track_caller]
pub(crate) fn course(
    name: &str,
    lr: Option<f32>,
    momentum: Option<f32>,
    gamma: Option<f32>,
    eps: Option<f32>,
) -> Algorithm {
    let mut a = Algorithm::defaults(name, Form::Course).expect("one of the course's names");
    if let Some(lr) = lr {
        a.set_lr(lr);
    }
    if let Some(mu) = momentum {
        a.set_momentum(mu);
    }
    match &mut a {
        Algorithm::Rmsprop(r) => {
            r.gamma = gamma.unwrap_or(r.gamma);
            r.eps = eps.unwrap_or(r.eps);
        }
        Algorithm::Adadelta(r) => {
            r.gamma = gamma.unwrap_or(r.gamma);
            r.eps = eps.unwrap_or(r.eps);
        }
        Algorithm::Adagrad(r) => r.eps = eps.unwrap_or(r.eps),
        Algorithm::Adam(r) => r.eps = eps.unwrap_or(r.eps),
        _ => {}
    }
    a
}

/// Steps allowed on Beale when tuning (and in the Beale experiment).
pub const BEALE_STEPS: usize = 2000;

/// The saddle's start point in `--all`: near the stable manifold `y = 0`, where the gradient's
/// `y` part, `−2y`, is tiny.
pub const SADDLE_START: [f32; 2] = [1.0, 1e-3];

/// Steps on the saddle.
pub const SADDLE_STEPS: usize = 300;

/// Beale's start point in `--all`.
pub const BEALE_START: [f32; 2] = [1.0, 1.5];

/// The settings of the saddle and Beale experiments, from the tuning.
pub fn settings(tunings: &[Tuning]) -> Vec<Setting> {
    tunings
        .iter()
        .map(|t| Setting {
            optimizer: course(t.optimizer, t.chosen, None, None, None),
        })
        .collect()
}

/// The three experiments of `--all`, with the learning rates of `tunings`.
pub fn experiments(tunings: &[Tuning]) -> Vec<Experiment> {
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
                    optimizer: course("sgd", Some(0.1), None, None, None),
                },
                Setting {
                    optimizer: course("momentum", Some(0.01), Some(0.9), None, None),
                },
                Setting {
                    optimizer: course("nesterov", Some(0.01), Some(0.9), None, None),
                },
            ],
        },
    ]
}

/// The picture of an experiment: every setting's path over the surface, named by its
/// [`label`] in the legend.
pub fn experiment_picture(exp: &Experiment, outcomes: &[Outcome]) -> Picture {
    let how = match exp.name {
        "booth" => ", equal long-run steps λ/(1 − μ)",
        _ => ", λ tuned on beale",
    };
    Picture::Paths {
        name: exp.name,
        surface: exp.surface,
        title: format!(
            "{}: {} steps from ({}, {}){how}",
            exp.name, exp.steps, exp.start[0], exp.start[1]
        ),
        tracks: (outcomes.iter())
            .map(|o| {
                let s = &o.setting;
                (s.label(), s.optimizer.name(), o.path.points.clone())
            })
            .collect(),
    }
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
            |s| match run(exp.surface, &s.optimizer, exp.start, exp.steps) {
                Ok(path) => Ok(Outcome {
                    setting: s.clone(),
                    path,
                    diverged_at: None,
                }),
                Err(TrajectoryError::Diverged { step, partial }) => Ok(Outcome {
                    setting: s.clone(),
                    path: *partial,
                    diverged_at: Some(step),
                }),
                Err(e) => Err(e),
            },
        )
        .collect()
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

/// The paths of a [`Picture::Paths`] as the drawing functions take them.
pub(crate) fn as_tracks<'a>(tracks: &'a [(String, &'static str, Vec<[f32; 2]>)]) -> Vec<Track<'a>> {
    (tracks.iter())
        .map(|(label, optimizer, points)| Track {
            label,
            optimizer,
            points,
        })
        .collect()
}
