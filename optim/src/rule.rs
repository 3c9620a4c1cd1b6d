//! What one optimizer is: the update of one parameter from its gradient and its own state.
//!
//! Every algorithm file (`sgd.rs`, …, `adam.rs`) implements [`UpdateRule`] for its config struct;
//! the loop over the parameter registry is written once, in [`Optimizer`](crate::Optimizer).

use std::fmt;
use std::str::FromStr;

use ndarray::{ArrayD, ArrayView1, ArrayViewMut1};

use crate::error::OptimError;

/// Which formulation of an algorithm to follow where the course and PyTorch write it differently.
///
/// The two give identical results in some settings and different ones in others; each algorithm's
/// file says exactly how they differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Form {
    /// The formula of the course (`OPTIMIZERS.md`), the default.
    #[default]
    Course,
    /// The formula of `torch.optim`, to reproduce a PyTorch run.
    PyTorch,
}

impl Form {
    /// Both forms, the course's first.
    pub const ALL: [Form; 2] = [Form::Course, Form::PyTorch];

    /// The spelling on command lines and in saved configurations: `course` or `pytorch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Form::Course => "course",
            Form::PyTorch => "pytorch",
        }
    }

    /// The name in running text: `course` or `PyTorch` (as in "PyTorch form").
    pub fn label(self) -> &'static str {
        match self {
            Form::Course => "course",
            Form::PyTorch => "PyTorch",
        }
    }
}

/// Writes [`Form::as_str`], which [`FromStr`] reads back.
impl fmt::Display for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads `course` or `pytorch`, in any case.
///
/// ```
/// use optim::Form;
/// assert_eq!("pytorch".parse::<Form>(), Ok(Form::PyTorch));
/// assert_eq!(Form::PyTorch.to_string(), "pytorch");
/// assert!("keras".parse::<Form>().unwrap_err().contains("keras"));
/// ```
impl FromStr for Form {
    type Err = String;

    fn from_str(s: &str) -> Result<Form, String> {
        Form::ALL
            .into_iter()
            .find(|form| form.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("`{s}` is not a form (expected course or pytorch)"))
    }
}

/// The per-step values the driver hands to a rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepContext {
    /// The step number `t = 1, 2, …` of this parameter: how many updates it has received,
    /// this one included (PyTorch counts per parameter too; it drives Adam's bias correction).
    pub t: u64,
    /// The learning rate `λ` of this step (it may change between steps).
    pub lr: f32,
    /// The momentum coefficient `μ_t` of this step, from the rule's schedule (0 for rules
    /// without momentum).
    pub momentum: f32,
    /// The L2 weight-decay coefficient: the rule uses `g + weight_decay · w` as the gradient.
    pub weight_decay: f32,
}

/// The update of one parameter tensor, in place.
///
/// Implementors are the config structs ([`Sgd`](crate::Sgd), [`Adam`](crate::Adam), …). The
/// driver creates the state buffers named by [`state_slots`](UpdateRule::state_slots), zeroed
/// and shaped like the parameter, the first time the parameter has a gradient, and hands them
/// back on every later step.
///
/// `Display` lists the hyperparameters other than `λ`, which the driver owns (it may change
/// between steps), as `symbol value` pairs: `β1 0.9, β2 0.999, ε 1e-8, weight decay 0`. The
/// driver's own `Display` puts the name and the current `λ` in front.
pub trait UpdateRule: Sync + fmt::Display {
    /// The optimizer's name, as accepted by [`by_name`](crate::by_name) (`"adam"`).
    fn name(&self) -> &'static str;

    /// Names of the per-parameter state buffers (`["m", "v"]`), in the order `update` receives
    /// them; used as keys in [`OptimizerState`](crate::OptimizerState).
    fn state_slots(&self) -> &'static [&'static str];

    /// Checks the hyperparameters.
    ///
    /// # Errors
    /// [`OptimError::InvalidHyperparameter`] naming the first bad value.
    fn validate(&self) -> Result<(), OptimError>;

    /// The initial learning rate `λ`.
    fn lr(&self) -> f32;

    /// The L2 weight-decay coefficient (0 for none).
    fn weight_decay(&self) -> f32 {
        0.0
    }

    /// The momentum coefficient `μ_t` at global step `step` (1-based); 0 for rules without one.
    fn momentum(&self, step: u64) -> f32 {
        let _ = step;
        0.0
    }

    /// Updates `w` in place from its gradient `g` and its state.
    ///
    /// `w`, `g` and every buffer of `state` are the same run of one parameter's elements, in
    /// memory order: the whole parameter, or a part of it when the driver spreads a large
    /// step over several threads. So a rule treats each element on its own, as every rule of
    /// the course does. Must not allocate.
    fn update(
        &self,
        ctx: &StepContext,
        w: ArrayViewMut1<f32>,
        g: ArrayView1<f32>,
        state: &mut [ArrayViewMut1<f32>],
    );

    /// True when the rule needs the gradient at a point other than `w` (NAG, course form):
    /// `step()` then refuses and `step_with_closure` calls [`look_ahead`](UpdateRule::look_ahead)
    /// before re-evaluating the loss.
    fn needs_closure(&self) -> bool {
        false
    }

    /// Moves `w` to the point where the gradient is to be taken (NAG: `w − μ ĝ`).
    fn look_ahead(&self, ctx: &StepContext, w: &mut ArrayD<f32>, state: &[ArrayD<f32>]) {
        let _ = (ctx, w, state);
    }

    /// Undoes [`look_ahead`](UpdateRule::look_ahead), for a parameter that got no gradient.
    fn look_back(&self, ctx: &StepContext, w: &mut ArrayD<f32>, state: &[ArrayD<f32>]) {
        let _ = (ctx, w, state);
    }
}

/// The momentum coefficient `μ_t` over the steps `t = 1, 2, …` (Momentum and NAG).
///
/// The course notes that `μ` may be lowered as training goes on, since near a minimum a large
/// `μ` keeps the weights oscillating. Every value must lie in `[0, 1)`.
///
/// ```
/// use optim::MomentumSchedule;
/// let s = MomentumSchedule::Steps(vec![(1, 0.9), (100, 0.5)]);
/// assert_eq!((s.at(99), s.at(100)), (0.9, 0.5));
/// let l = MomentumSchedule::Linear { from: 0.5, to: 0.9, over_steps: 4 };
/// assert_eq!((l.at(1), l.at(3), l.at(5), l.at(50)), (0.5, 0.7, 0.9, 0.9));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum MomentumSchedule {
    /// The same `μ` at every step.
    Constant(f32),
    /// Piecewise constant: `(first_step, μ)` pairs with increasing steps, the first at step ≤ 1;
    /// `μ_t` is the value of the last pair whose step is ≤ t.
    Steps(Vec<(u64, f32)>),
    /// `μ_t = from + (to − from) · min(t − 1, over_steps) / over_steps`: `from` at step 1, `to`
    /// from step `over_steps + 1` on (`to` throughout when `over_steps = 0`).
    Linear {
        /// `μ_1`.
        from: f32,
        /// The final value.
        to: f32,
        /// Steps taken to get there.
        over_steps: u64,
    },
}

impl MomentumSchedule {
    /// `μ_t` at step `t` (1-based).
    pub fn at(&self, t: u64) -> f32 {
        match self {
            MomentumSchedule::Constant(mu) => *mu,
            MomentumSchedule::Steps(pairs) => pairs
                .iter()
                .take_while(|(start, _)| *start <= t)
                .last()
                .map_or(0.0, |&(_, mu)| mu),
            MomentumSchedule::Linear {
                from,
                to,
                over_steps,
            } => {
                if *over_steps == 0 {
                    return *to;
                }
                let done = t.saturating_sub(1).min(*over_steps) as f64 / *over_steps as f64;
                (*from as f64 + (*to as f64 - *from as f64) * done) as f32
            }
        }
    }

    /// Checks that every value lies in `[0, 1)` and that `Steps` is well formed.
    ///
    /// # Errors
    /// [`OptimError::InvalidHyperparameter`] naming the bad value, or
    /// [`OptimError::InvalidSchedule`] for an empty or unordered `Steps`.
    pub fn validate(&self, optimizer: &'static str) -> Result<(), OptimError> {
        use crate::error::check_unit;
        match self {
            MomentumSchedule::Constant(mu) => check_unit(optimizer, "momentum", *mu),
            MomentumSchedule::Steps(pairs) => {
                let bad = |reason: String| Err(OptimError::InvalidSchedule { optimizer, reason });
                match pairs.first() {
                    None => return bad("Steps is empty".to_string()),
                    Some(&(start, _)) if start > 1 => {
                        return bad(format!(
                            "Steps starts at step {start}; the first entry must be at step 0 or 1"
                        ))
                    }
                    Some(_) => {}
                }
                for w in pairs.windows(2) {
                    if w[1].0 <= w[0].0 {
                        return bad(format!(
                            "step {} does not come after step {}",
                            w[1].0, w[0].0
                        ));
                    }
                }
                for &(start, mu) in pairs {
                    check_unit(optimizer, &format!("momentum from step {start}"), mu)?;
                }
                Ok(())
            }
            MomentumSchedule::Linear { from, to, .. } => {
                check_unit(optimizer, "momentum (from)", *from)?;
                check_unit(optimizer, "momentum (to)", *to)
            }
        }
    }
}

/// `0.9`; `0.9 then 0.5 from step 100`; `0.5 to 0.9 over 4 steps`.
impl fmt::Display for MomentumSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MomentumSchedule::Constant(mu) => write!(f, "{mu}"),
            MomentumSchedule::Steps(pairs) => {
                for (i, (start, mu)) in pairs.iter().enumerate() {
                    if i == 0 {
                        write!(f, "{mu}")?;
                    } else {
                        write!(f, " then {mu} from step {start}")?;
                    }
                }
                Ok(())
            }
            MomentumSchedule::Linear {
                from,
                to,
                over_steps,
            } => write!(f, "{from} to {to} over {over_steps} steps"),
        }
    }
}

impl From<f32> for MomentumSchedule {
    fn from(mu: f32) -> Self {
        MomentumSchedule::Constant(mu)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_evaluate_as_documented() {
        let s = MomentumSchedule::Steps(vec![(0, 0.5), (3, 0.9), (10, 0.0)]);
        let got: Vec<f32> = [1, 2, 3, 9, 10, 11].iter().map(|&t| s.at(t)).collect();
        assert_eq!(got, vec![0.5, 0.5, 0.9, 0.9, 0.0, 0.0]);
        // from 0.1 to 0.9 over 4 steps: 0.1 + 0.8 · (t − 1)/4 → 0.1, 0.3, 0.5, 0.7, 0.9, 0.9
        let l = MomentumSchedule::Linear {
            from: 0.1,
            to: 0.9,
            over_steps: 4,
        };
        let got: Vec<f32> = (1..=6).map(|t| l.at(t)).collect();
        for (g, w) in got.iter().zip([0.1, 0.3, 0.5, 0.7, 0.9, 0.9]) {
            assert!((g - w).abs() < 1e-7, "{got:?}");
        }
        assert_eq!(
            MomentumSchedule::Linear {
                from: 0.1,
                to: 0.9,
                over_steps: 0
            }
            .at(1),
            0.9
        );
    }

    #[test]
    fn bad_schedules_are_rejected() {
        let msg = |s: MomentumSchedule| s.validate("momentum").unwrap_err().to_string();
        assert_eq!(
            msg(MomentumSchedule::Constant(1.0)),
            "momentum: momentum = 1 is outside [0, 1)"
        );
        assert!(msg(MomentumSchedule::Steps(vec![])).contains("empty"));
        assert!(msg(MomentumSchedule::Steps(vec![(5, 0.5)])).contains("starts at step 5"));
        assert!(
            msg(MomentumSchedule::Steps(vec![(1, 0.5), (8, 0.6), (8, 0.7)]))
                .contains("step 8 does not come after step 8")
        );
        assert_eq!(
            msg(MomentumSchedule::Steps(vec![(1, 0.5), (8, -0.25)])),
            "momentum: momentum from step 8 = -0.25 is outside [0, 1)"
        );
        assert!(msg(MomentumSchedule::Linear {
            from: 0.5,
            to: f32::NAN,
            over_steps: 3
        })
        .contains("momentum (to) = NaN"));
    }

    #[test]
    fn schedules_show_every_value_and_where_it_starts() {
        let steps = MomentumSchedule::Steps(vec![(1, 0.9), (100, 0.5)]);
        assert_eq!(steps.to_string(), "0.9 then 0.5 from step 100");
        let linear = MomentumSchedule::Linear {
            from: 0.5,
            to: 0.9,
            over_steps: 4,
        };
        assert_eq!(linear.to_string(), "0.5 to 0.9 over 4 steps");
        assert_eq!(MomentumSchedule::Constant(0.9).to_string(), "0.9");
    }
}
