//! A run's learning-rate schedule as `train --schedule` and `--warmup` write it, and the
//! `optim` scheduler it becomes.
//!
//! Lengths are written in epochs (fractions allowed) and turned into steps with the run's
//! batches per epoch; every schedule but `plateau` is ticked after each step, so a warm-up or a
//! decay is smooth even within one epoch, and at each epoch's first step it takes the value
//! PyTorch's per-epoch scheduler would (tested against `torch.optim.lr_scheduler`).
//!
//! | `--schedule` | λ over the run (λ0: the optimizer's `--lr`; S steps in all) | optim schedule |
//! |---|---|---|
//! | `cosine[:ETA_MIN]` (default) | half a cosine from λ0 to η_min (default 0) | `CosineAnnealingLr(S, η_min)` |
//! | `linear` | a straight line from λ0 to 0 | `LinearLr(1, 0, S)` |
//! | `constant` | λ0 throughout | `Constant` |
//! | `step:EPOCHS:GAMMA` | × γ every EPOCHS epochs | `StepLr` |
//! | `multistep:E1,E2,…:GAMMA` | × γ at each of the epochs E1, E2, … | `MultiStepLr` |
//! | `exp:GAMMA` | × γ per epoch, spread evenly over its steps | `ExponentialLr(γ^(1/B))` |
//! | `plateau:FACTOR:PATIENCE` | × FACTOR after PATIENCE epochs without a better validation loss | `ReduceLROnPlateau` |
//!
//! `--warmup EPOCHS[,START_FACTOR]` puts a linear warm-up from START_FACTOR·λ0 (default 1/3, as
//! PyTorch's `LinearLR`) to λ0 in front of any of them but `plateau` (`SequentialLr`); the
//! schedule then runs over what is left of the run.

use std::fmt;
use std::str::FromStr;

use optim::scheduler::{
    Constant, CosineAnnealingLr, ExponentialLr, LinearLr, MultiStepLr, PlateauConfig, Schedule,
    Scheduler, SequentialLr, StepLr,
};
use optim::{Algorithm, OptimError, Optimizer};

/// A schedule as written after `--schedule`; it prints as written.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleSpec {
    /// What it is.
    pub kind: ScheduleKind,
    /// The text it was read from, echoed in headers and saved in checkpoints.
    text: String,
}

/// The schedules of the module table.
#[derive(Debug, Clone, PartialEq)]
pub enum ScheduleKind {
    /// `cosine[:ETA_MIN]`.
    Cosine {
        /// The rate at the end of the run.
        eta_min: f64,
    },
    /// `linear`.
    Linear,
    /// `constant`.
    Constant,
    /// `step:EPOCHS:GAMMA`.
    Step {
        /// Epochs between two reductions.
        epochs: f64,
        /// The factor of each.
        gamma: f64,
    },
    /// `multistep:E1,E2,…:GAMMA`.
    MultiStep {
        /// The epochs at which λ is multiplied by γ, increasing.
        milestones: Vec<f64>,
        /// The factor.
        gamma: f64,
    },
    /// `exp:GAMMA`.
    Exp {
        /// The factor per epoch.
        gamma: f64,
    },
    /// `plateau:FACTOR:PATIENCE`.
    Plateau {
        /// The factor of each reduction, in (0, 1).
        factor: f64,
        /// Epochs without improvement before a reduction.
        patience: usize,
    },
}

/// A linear warm-up as written after `--warmup`: `EPOCHS[,START_FACTOR]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Warmup {
    /// How long, in epochs (fractions allowed).
    pub epochs: f64,
    /// λ starts at this fraction of λ0.
    pub start_factor: f64,
    text: String,
}

impl ScheduleSpec {
    /// The default: half a cosine down to 0 over the run.
    pub fn cosine() -> ScheduleSpec {
        "cosine".parse().expect("the default parses")
    }

    /// True for `plateau`, which ticks once per epoch on a metric; the others tick every step.
    pub fn per_epoch(&self) -> bool {
        matches!(self.kind, ScheduleKind::Plateau { .. })
    }

    /// True when the schedule's shape depends on the run's length (`cosine`, `linear`, or any
    /// schedule after a warm-up counted against it), so the run cannot be extended later.
    pub fn spans_the_run(&self) -> bool {
        matches!(
            self.kind,
            ScheduleKind::Cosine { .. } | ScheduleKind::Linear
        )
    }

    /// Why a run whose schedule was laid out over `planned` epochs, `done` of them trained,
    /// cannot be continued to `epochs` in all; `None` if it can. A schedule that spans the run
    /// (`cosine`, `linear`) is fixed by its first step, so such a run only finishes its planned
    /// epochs: stretching it would send λ back up mid-curve, and past its end λ is 0.
    ///
    /// ```
    /// use lab::training::ScheduleSpec;
    /// let cosine = ScheduleSpec::cosine();
    /// assert_eq!(cosine.extension_error(4, 1, 4), None);
    /// let constant: ScheduleSpec = "constant".parse().unwrap();
    /// assert_eq!(constant.extension_error(2, 2, 3), None);
    /// assert!(cosine.extension_error(2, 2, 3).unwrap().contains("brought λ to its end"));
    /// ```
    pub fn extension_error(&self, planned: usize, done: usize, epochs: usize) -> Option<String> {
        if !self.spans_the_run() || (epochs == planned && done < planned) {
            return None;
        }
        let over = if planned == 1 {
            "its 1 planned epoch".to_string()
        } else {
            format!("its {planned} planned epochs")
        };
        Some(if done >= planned {
            let longer = if epochs > planned {
                format!("--epochs {epochs}")
            } else {
                "more --epochs".to_string()
            };
            format!(
                "--epochs {epochs}: the run's --schedule {self} brought λ to its end over {over}, \
                 all done, and a resumed run keeps its schedule; to train longer, start a new run \
                 with {longer} (or a --schedule that does not span the run, such as constant)"
            )
        } else {
            format!(
                "--epochs {epochs}: the run's --schedule {self} takes λ to its end over {over} \
                 ({done} done), and a resumed run keeps its schedule; pass --epochs {planned} to \
                 finish it, or start a new run"
            )
        })
    }

    /// Checks the schedule against a run of `epochs` epochs, before anything is read or built.
    ///
    /// # Errors
    /// A message naming the value: a warm-up not shorter than the run, a warm-up with
    /// `plateau`, a milestone beyond the run, or values the scheduler refuses.
    pub fn check(&self, warmup: Option<&Warmup>, epochs: usize) -> Result<(), String> {
        if let Some(w) = warmup {
            if self.per_epoch() {
                return Err(format!(
                    "--warmup {w}: plateau follows the validation loss epoch by epoch and does \
                     not combine with a warm-up"
                ));
            }
            if w.epochs >= epochs as f64 {
                return Err(format!(
                    "--warmup {w}: the warm-up is not shorter than the run's {epochs} epochs"
                ));
            }
        }
        if let ScheduleKind::MultiStep { milestones, .. } = &self.kind {
            if let Some(m) = milestones.iter().find(|&&m| m >= epochs as f64) {
                return Err(format!(
                    "--schedule {self}: milestone {m} is not within the run's {epochs} epochs"
                ));
            }
        }
        // What the schedulers themselves refuse, with a run of 10 steps per epoch.
        let mut params = autograd::Parameters::new();
        params.push("w", autograd::Tensor::scalar(0.0).requires_grad());
        let mut probe = Optimizer::new(params, Algorithm::from(optim::Sgd::default()))
            .expect("plain SGD over one parameter");
        self.scheduler(warmup, &mut probe, 10, epochs)
            .map(|_| ())
            .map_err(|e| format!("--schedule {self}: {e}"))
    }

    /// The scheduler of a run of `epochs` epochs of `batches` steps over `opt`, set at once to
    /// the value of its first tick.
    ///
    /// # Errors
    /// What `optim` refuses: a value out of range, a rule without a learning rate (course
    /// AdaDelta), named by the scheduler.
    pub fn scheduler(
        &self,
        warmup: Option<&Warmup>,
        opt: &mut Optimizer<Algorithm>,
        batches: usize,
        epochs: usize,
    ) -> Result<Scheduler, OptimError> {
        let steps = |epochs: f64| ((epochs * batches as f64).round() as usize).max(1);
        let total = epochs * batches;
        let warm = warmup.map_or(0, |w| steps(w.epochs).min(total.saturating_sub(1)));
        let span = total - warm;
        let main: Box<dyn Schedule> = match &self.kind {
            ScheduleKind::Cosine { eta_min } => Box::new(CosineAnnealingLr::new(span, *eta_min)?),
            ScheduleKind::Linear => Box::new(LinearLr::new(1.0, 0.0, span)?),
            ScheduleKind::Constant => Box::new(Constant),
            ScheduleKind::Step { epochs, gamma } => Box::new(StepLr::new(steps(*epochs), *gamma)?),
            ScheduleKind::MultiStep { milestones, gamma } => {
                let at: Vec<usize> = milestones.iter().map(|&m| steps(m)).collect();
                Box::new(MultiStepLr::new(&at, *gamma)?)
            }
            ScheduleKind::Exp { gamma } => {
                Box::new(ExponentialLr::new(gamma.powf(1.0 / batches as f64))?)
            }
            ScheduleKind::Plateau { factor, patience } => {
                let config = PlateauConfig {
                    factor: *factor,
                    patience: *patience,
                    ..PlateauConfig::default()
                };
                return Scheduler::plateau(opt, config);
            }
        };
        match warmup {
            None => Scheduler::new(opt, main),
            Some(w) => {
                let ramp = LinearLr::warmup(warm, w.start_factor)?;
                Scheduler::new(
                    opt,
                    SequentialLr::new(vec![Box::new(ramp), main], vec![warm])?,
                )
            }
        }
    }
}

/// Writes the text it was read from.
impl fmt::Display for ScheduleSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Display for Warmup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A number of epochs: finite and > 0, fractions allowed.
fn epochs_of(text: &str, what: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(e) if e.is_finite() && e > 0.0 => Ok(e),
        _ => Err(format!("{what} `{text}` is not a number of epochs > 0")),
    }
}

/// A finite number.
fn number(text: &str, what: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("{what} `{text}` is not a finite number")),
    }
}

/// Reads the forms of the module table; a message names what is wrong.
impl FromStr for ScheduleSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<ScheduleSpec, String> {
        let fields: Vec<&str> = text.trim().split(':').collect();
        let form = |wanted: &str, n: usize| {
            if fields.len() - 1 == n {
                Ok(())
            } else {
                Err(format!("expected `{wanted}`"))
            }
        };
        let kind = match fields[0] {
            "cosine" if fields.len() <= 2 => ScheduleKind::Cosine {
                eta_min: fields.get(1).map_or(Ok(0.0), |e| number(e, "eta_min"))?,
            },
            "cosine" => return Err("expected `cosine` or `cosine:ETA_MIN`".into()),
            "linear" => form("linear", 0).map(|()| ScheduleKind::Linear)?,
            "constant" => form("constant", 0).map(|()| ScheduleKind::Constant)?,
            "step" => {
                form("step:EPOCHS:GAMMA", 2)?;
                ScheduleKind::Step {
                    epochs: epochs_of(fields[1], "step")?,
                    gamma: number(fields[2], "gamma")?,
                }
            }
            "multistep" => {
                form("multistep:E1,E2,…:GAMMA", 2)?;
                let milestones = (fields[1].split(','))
                    .map(|m| epochs_of(m, "milestone"))
                    .collect::<Result<Vec<f64>, _>>()?;
                if milestones.windows(2).any(|w| w[1] <= w[0]) {
                    return Err(format!("milestones `{}` must increase", fields[1]));
                }
                ScheduleKind::MultiStep {
                    milestones,
                    gamma: number(fields[2], "gamma")?,
                }
            }
            "exp" => {
                form("exp:GAMMA", 1)?;
                ScheduleKind::Exp {
                    gamma: number(fields[1], "gamma")?,
                }
            }
            "plateau" => {
                form("plateau:FACTOR:PATIENCE", 2)?;
                let patience = fields[2].trim().parse::<usize>().map_err(|_| {
                    format!("patience `{}` is not a whole number of epochs", fields[2])
                })?;
                ScheduleKind::Plateau {
                    factor: number(fields[1], "factor")?,
                    patience,
                }
            }
            "warmup" | "warmup-cosine" => {
                return Err(
                    "the warm-up is an option of its own now: --warmup EPOCHS[,START_FACTOR], \
                     in front of any --schedule (cosine by default, constant for a flat rate)"
                        .into(),
                )
            }
            other => {
                return Err(format!(
                    "unknown schedule `{other}` (cosine, linear, constant, step, multistep, exp, \
                     plateau)"
                ))
            }
        };
        Ok(ScheduleSpec {
            kind,
            text: text.trim().to_string(),
        })
    }
}

/// Reads `EPOCHS[,START_FACTOR]`.
impl FromStr for Warmup {
    type Err = String;

    fn from_str(text: &str) -> Result<Warmup, String> {
        let (epochs, factor) = match text.split_once(',') {
            Some((e, f)) => (e, Some(f)),
            None => (text, None),
        };
        let start_factor = match factor {
            Some(f) => match f.trim().parse::<f64>() {
                Ok(v) if v > 0.0 && v <= 1.0 => v,
                _ => return Err(format!("start factor `{f}` is not in (0, 1]")),
            },
            None => LinearLr::DEFAULT_START_FACTOR,
        };
        Ok(Warmup {
            epochs: epochs_of(epochs, "warm-up")?,
            start_factor,
            text: text.trim().to_string(),
        })
    }
}
