//! [`ScheduleSpec`]: a schedule named by a short string, for the command line.
//!
//! | text | schedule |
//! |---|---|
//! | `constant` | λ0 throughout |
//! | `step:STEP_SIZE:GAMMA` | [`StepLr`] |
//! | `multistep:M1,M2,…:GAMMA` | [`MultiStepLr`] |
//! | `exp:GAMMA` | [`ExponentialLr`] |
//! | `cosine:T_MAX[:ETA_MIN]` | [`CosineAnnealingLr`] (η_min default 0) |
//! | `warmup:ITERS[,START_FACTOR]` | [`LinearLr`] from START_FACTOR·λ0 to λ0 (default 1/3, PyTorch's), then constant |
//! | `warmup-cosine:WARMUP[,START_FACTOR]:T_MAX[:ETA_MIN]` | [`SequentialLr`]: that warm-up for WARMUP epochs, then cosine over T_MAX more |
//! | `plateau:FACTOR:PATIENCE` | [`ReduceLrOnPlateau`] (other settings PyTorch's defaults) |

use std::fmt;
use std::str::FromStr;

use super::{
    Constant, CosineAnnealingLr, ExponentialLr, LinearLr, MultiStepLr, PlateauConfig,
    ReduceLrOnPlateau, Scheduler, SequentialLr, StepLr,
};
use crate::OptimError;

/// A parsed schedule description; [`ScheduleSpec::build`] turns it into a scheduler.
///
/// ```
/// use optim::scheduler::ScheduleSpec;
/// let spec: ScheduleSpec = "step:30:0.1".parse().unwrap();
/// assert_eq!(spec, ScheduleSpec::Step { step_size: 30, gamma: 0.1 });
/// let mut sched = spec.build(0.1).unwrap();
/// assert_eq!(sched.last_lr(), 0.1);
/// let err = "step:30".parse::<ScheduleSpec>().unwrap_err();
/// assert_eq!(err.to_string(), "bad schedule `step:30`: expected `step:STEP_SIZE:GAMMA`");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum ScheduleSpec {
    /// `constant`.
    Constant,
    /// `step:STEP_SIZE:GAMMA`.
    Step { step_size: usize, gamma: f64 },
    /// `multistep:M1,M2,…:GAMMA`.
    MultiStep { milestones: Vec<usize>, gamma: f64 },
    /// `exp:GAMMA`.
    Exponential { gamma: f64 },
    /// `cosine:T_MAX[:ETA_MIN]`.
    Cosine { t_max: usize, eta_min: f64 },
    /// `warmup:ITERS[,START_FACTOR]`.
    Warmup { iters: usize, start_factor: f64 },
    /// `warmup-cosine:WARMUP[,START_FACTOR]:T_MAX[:ETA_MIN]`.
    WarmupCosine {
        warmup: usize,
        start_factor: f64,
        t_max: usize,
        eta_min: f64,
    },
    /// `plateau:FACTOR:PATIENCE`.
    Plateau { factor: f64, patience: usize },
}

impl ScheduleSpec {
    /// The scheduler this spec describes, starting at `base_lr` (λ0).
    ///
    /// # Errors
    /// [`OptimError::InvalidScheduler`] for hyperparameters the scheduler's constructor rejects
    /// (e.g. `plateau:1.5:3`), naming the value.
    pub fn build(&self, base_lr: f64) -> Result<Box<dyn Scheduler>, OptimError> {
        Ok(match self {
            ScheduleSpec::Constant => Box::new(Constant::new(base_lr)?),
            ScheduleSpec::Step { step_size, gamma } => {
                Box::new(StepLr::new(base_lr, *step_size, *gamma)?)
            }
            ScheduleSpec::MultiStep { milestones, gamma } => {
                Box::new(MultiStepLr::new(base_lr, milestones, *gamma)?)
            }
            ScheduleSpec::Exponential { gamma } => Box::new(ExponentialLr::new(base_lr, *gamma)?),
            ScheduleSpec::Cosine { t_max, eta_min } => {
                Box::new(CosineAnnealingLr::new(base_lr, *t_max, *eta_min)?)
            }
            ScheduleSpec::Warmup {
                iters,
                start_factor,
            } => Box::new(LinearLr::warmup(base_lr, *iters, *start_factor)?),
            ScheduleSpec::WarmupCosine {
                warmup,
                start_factor,
                t_max,
                eta_min,
            } => {
                let warm = LinearLr::warmup(base_lr, *warmup, *start_factor)?;
                let cosine = CosineAnnealingLr::new(base_lr, *t_max, *eta_min)?;
                Box::new(SequentialLr::new(
                    vec![Box::new(warm), Box::new(cosine)],
                    vec![*warmup],
                )?)
            }
            ScheduleSpec::Plateau { factor, patience } => {
                let config = PlateauConfig {
                    factor: *factor,
                    patience: *patience,
                    ..PlateauConfig::default()
                };
                Box::new(ReduceLrOnPlateau::new(base_lr, config)?)
            }
        })
    }
}

impl FromStr for ScheduleSpec {
    type Err = OptimError;

    /// Parses the forms in the module table.
    ///
    /// # Errors
    /// [`OptimError::BadScheduleSpec`] for an unknown name, a wrong number of fields, or a field
    /// that is not a number; the message quotes the whole text and the bad field.
    fn from_str(text: &str) -> Result<ScheduleSpec, OptimError> {
        let fields: Vec<&str> = text.trim().split(':').collect();
        let bad = |reason: String| OptimError::BadScheduleSpec {
            text: text.to_string(),
            reason,
        };
        let arity = |min: usize, max: usize, form: &str| {
            let n = fields.len() - 1;
            if n < min || n > max {
                Err(bad(format!("expected `{form}`")))
            } else {
                Ok(())
            }
        };
        let int = |s: &str, what: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| bad(format!("{what} `{s}` is not a non-negative integer")))
        };
        let num = |s: &str, what: &str| match s.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(bad(format!("{what} `{s}` is not a finite number"))),
        };
        // `ITERS[,START_FACTOR]` of the warm-up forms.
        let warmup = |s: &str| -> Result<(usize, f64), OptimError> {
            match s.split_once(',') {
                Some((iters, factor)) => {
                    Ok((int(iters, "warm-up epochs")?, num(factor, "start factor")?))
                }
                None => Ok((int(s, "warm-up epochs")?, LinearLr::DEFAULT_START_FACTOR)),
            }
        };
        match fields[0] {
            "constant" => {
                arity(0, 0, "constant")?;
                Ok(ScheduleSpec::Constant)
            }
            "step" => {
                arity(2, 2, "step:STEP_SIZE:GAMMA")?;
                Ok(ScheduleSpec::Step { step_size: int(fields[1], "step size")?, gamma: num(fields[2], "gamma")? })
            }
            "multistep" => {
                arity(2, 2, "multistep:M1,M2,...:GAMMA")?;
                let milestones = fields[1].split(',').map(|m| int(m, "milestone")).collect::<Result<Vec<_>, _>>()?;
                Ok(ScheduleSpec::MultiStep { milestones, gamma: num(fields[2], "gamma")? })
            }
            "exp" => {
                arity(1, 1, "exp:GAMMA")?;
                Ok(ScheduleSpec::Exponential { gamma: num(fields[1], "gamma")? })
            }
            "cosine" => {
                arity(1, 2, "cosine:T_MAX[:ETA_MIN]")?;
                let eta_min = if fields.len() == 3 { num(fields[2], "eta_min")? } else { 0.0 };
                Ok(ScheduleSpec::Cosine { t_max: int(fields[1], "T_max")?, eta_min })
            }
            "warmup" => {
                arity(1, 1, "warmup:ITERS[,START_FACTOR]")?;
                let (iters, start_factor) = warmup(fields[1])?;
                Ok(ScheduleSpec::Warmup { iters, start_factor })
            }
            "warmup-cosine" => {
                arity(2, 3, "warmup-cosine:WARMUP[,START_FACTOR]:T_MAX[:ETA_MIN]")?;
                let (warmup, start_factor) = warmup(fields[1])?;
                let eta_min = if fields.len() == 4 { num(fields[3], "eta_min")? } else { 0.0 };
                Ok(ScheduleSpec::WarmupCosine { warmup, start_factor, t_max: int(fields[2], "T_max")?, eta_min })
            }
            "plateau" => {
                arity(2, 2, "plateau:FACTOR:PATIENCE")?;
                Ok(ScheduleSpec::Plateau { factor: num(fields[1], "factor")?, patience: int(fields[2], "patience")? })
            }
            other => Err(bad(format!(
                "unknown schedule `{other}` (constant, step, multistep, exp, cosine, warmup, warmup-cosine, plateau)"
            ))),
        }
    }
}

impl fmt::Display for ScheduleSpec {
    /// The text form, which parses back to the same spec.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleSpec::Constant => write!(f, "constant"),
            ScheduleSpec::Step { step_size, gamma } => write!(f, "step:{step_size}:{gamma}"),
            ScheduleSpec::MultiStep { milestones, gamma } => {
                let ms: Vec<String> = milestones.iter().map(|m| m.to_string()).collect();
                write!(f, "multistep:{}:{gamma}", ms.join(","))
            }
            ScheduleSpec::Exponential { gamma } => write!(f, "exp:{gamma}"),
            ScheduleSpec::Cosine { t_max, eta_min } => write!(f, "cosine:{t_max}:{eta_min}"),
            ScheduleSpec::Warmup {
                iters,
                start_factor,
            } => write!(f, "warmup:{iters},{start_factor}"),
            ScheduleSpec::WarmupCosine {
                warmup,
                start_factor,
                t_max,
                eta_min,
            } => {
                write!(f, "warmup-cosine:{warmup},{start_factor}:{t_max}:{eta_min}")
            }
            ScheduleSpec::Plateau { factor, patience } => write!(f, "plateau:{factor}:{patience}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::test_util::{assert_close, sequence};

    #[test]
    fn parses_every_form() {
        let cases = [
            ("constant", ScheduleSpec::Constant),
            (
                "step:3:0.1",
                ScheduleSpec::Step {
                    step_size: 3,
                    gamma: 0.1,
                },
            ),
            (
                "multistep:2,5:0.5",
                ScheduleSpec::MultiStep {
                    milestones: vec![2, 5],
                    gamma: 0.5,
                },
            ),
            ("exp:0.9", ScheduleSpec::Exponential { gamma: 0.9 }),
            (
                "cosine:10",
                ScheduleSpec::Cosine {
                    t_max: 10,
                    eta_min: 0.0,
                },
            ),
            (
                "cosine:10:0.001",
                ScheduleSpec::Cosine {
                    t_max: 10,
                    eta_min: 0.001,
                },
            ),
            (
                "warmup:5",
                ScheduleSpec::Warmup {
                    iters: 5,
                    start_factor: 1.0 / 3.0,
                },
            ),
            (
                "warmup:5,0.1",
                ScheduleSpec::Warmup {
                    iters: 5,
                    start_factor: 0.1,
                },
            ),
            (
                "warmup-cosine:5:20",
                ScheduleSpec::WarmupCosine {
                    warmup: 5,
                    start_factor: 1.0 / 3.0,
                    t_max: 20,
                    eta_min: 0.0,
                },
            ),
            (
                "warmup-cosine:5,0.1:20:0.01",
                ScheduleSpec::WarmupCosine {
                    warmup: 5,
                    start_factor: 0.1,
                    t_max: 20,
                    eta_min: 0.01,
                },
            ),
            (
                "plateau:0.5:3",
                ScheduleSpec::Plateau {
                    factor: 0.5,
                    patience: 3,
                },
            ),
        ];
        for (text, want) in cases {
            let got: ScheduleSpec = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(got, want, "{text}");
            // Display parses back to the same spec.
            assert_eq!(
                got.to_string().parse::<ScheduleSpec>().unwrap(),
                want,
                "{text} → {got}"
            );
        }
    }

    #[test]
    fn rejects_bad_text_naming_it() {
        let cases = [
            ("linear:5", "unknown schedule `linear`"),
            ("step:3", "expected `step:STEP_SIZE:GAMMA`"),
            ("step:3:0.1:7", "step:3:0.1:7"),
            ("step:three:0.1", "step size `three`"),
            ("step:3:abc", "gamma `abc`"),
            ("multistep:2,x:0.1", "milestone `x`"),
            ("cosine:-4", "T_max `-4`"),
            ("exp:inf", "gamma `inf`"),
            ("warmup:5,zero", "start factor `zero`"),
            ("constant:1", "expected `constant`"),
            ("plateau:0.5", "plateau:FACTOR:PATIENCE"),
        ];
        for (text, needle) in cases {
            let err = text.parse::<ScheduleSpec>().unwrap_err().to_string();
            assert!(err.contains(needle) && err.contains(text), "{text}: {err}");
        }
    }

    #[test]
    fn build_rejects_bad_values_naming_them() {
        let build = |t: &str| {
            let spec = t.parse::<ScheduleSpec>().unwrap();
            spec.build(0.1).unwrap_err().to_string()
        };
        assert!(build("plateau:1.5:3").contains("1.5"));
        assert!(build("plateau:-0.5:3").contains("-0.5"));
        assert!(build("exp:-0.9").contains("-0.9"));
        assert!(build("step:0:0.1").contains("step_size"));
        assert!(build("cosine:0").contains("T_max"));
        assert!(build("warmup:5,0").contains("start_factor"));
    }

    #[test]
    fn warmup_cosine_builds_the_sequence() {
        // λ0 = 2, warm-up factor 0.5 over 2 epochs: 1, 1.5; then cosine T_max 2 to 0: 2, 1, 0.
        let mut s = "warmup-cosine:2,0.5:2"
            .parse::<ScheduleSpec>()
            .unwrap()
            .build(2.0)
            .unwrap();
        let got = sequence(s.as_mut(), 4, |_| None);
        assert_close(&got[..4], &[1.0, 1.5, 2.0, 1.0]);
        assert!(got[4].abs() < 1e-6);
    }
}
