//! The scheduler: a schedule applied to every parameter group of an optimizer, tick by tick.

use super::plateau::{Plateau, PlateauConfig};
use super::schedule::{Schedule, Target};
use crate::error::OptimError;
use crate::optimizer::Optimizer;
use crate::rule::UpdateRule;

/// What decides the values: a closed form, or the plateau watch.
#[derive(Debug)]
pub(crate) enum Kind {
    Closed(Box<dyn Schedule>),
    Plateau(Plateau),
}

/// A schedule of `λ` (or `μ`) for every group of an optimizer.
///
/// It does not hold the optimizer: [`Scheduler::step`] borrows it for each tick. Each group
/// follows the schedule from its own base value, the value its rule held when the scheduler
/// was built, so groups with different rates keep their ratio (PyTorch's `base_lrs`).
///
/// A linear warm-up from `0.1·λ0` over two ticks, with `λ0 = 0.1`:
///
/// ```
/// use autograd::{Parameters, Tensor};
/// use optim::scheduler::{LinearLr, Scheduler};
/// use optim::{Adam, Optimizer};
/// let mut params = Parameters::new();
/// params.push("w", Tensor::scalar(1.0).requires_grad());
/// let mut opt = Optimizer::new(params, Adam { lr: 0.1, ..Default::default() })?;
/// let mut warmup = Scheduler::new(&mut opt, LinearLr::new(0.1, 1.0, 2)?)?;
/// assert_eq!(opt.groups()[0].rule.lr, 0.01); // already, before the first step
/// warmup.step(&mut opt, None)?;
/// assert_eq!(opt.groups()[0].rule.lr, 0.055);
/// warmup.step(&mut opt, None)?;
/// assert_eq!(opt.groups()[0].rule.lr, 0.1);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Debug)]
pub struct Scheduler {
    pub(crate) kind: Kind,
    pub(crate) target: Target,
    /// Each group's value when the scheduler was built (PyTorch's `initial_lr`).
    pub(crate) bases: Vec<f64>,
    pub(crate) ticks: usize,
}

impl Scheduler {
    /// A schedule of every group's learning rate `λ`; sets the value of tick 0 at once.
    ///
    /// # Errors
    /// [`OptimError::NoSuchHyperparameter`] if a group's rule has no `λ` (AdaDelta's course
    /// form); [`OptimError::InvalidHyperparameter`] if a rule refuses the value.
    pub fn new<R: UpdateRule>(
        opt: &mut Optimizer<R>,
        schedule: impl Schedule + 'static,
    ) -> Result<Scheduler, OptimError> {
        Scheduler::start(opt, Kind::Closed(Box::new(schedule)), Target::Lr)
    }

    /// A schedule of every group's momentum `μ` (Momentum, NAG); sets the value of tick 0 at
    /// once. The base is each group's `μ`, so a schedule that lowers `μ` from 0.9 to 0.5 is
    /// a [`MultiStepLr`](super::MultiStepLr) with `γ = 0.5 / 0.9`, or a
    /// [`LinearLr`](super::LinearLr) from factor 1 to `0.5 / 0.9`.
    ///
    /// # Errors
    /// [`OptimError::NoSuchHyperparameter`] if a group's rule has no `μ`;
    /// [`OptimError::InvalidHyperparameter`] if a value leaves `[0, 1)`.
    pub fn momentum<R: UpdateRule>(
        opt: &mut Optimizer<R>,
        schedule: impl Schedule + 'static,
    ) -> Result<Scheduler, OptimError> {
        Scheduler::start(opt, Kind::Closed(Box::new(schedule)), Target::Momentum)
    }

    /// PyTorch's `ReduceLROnPlateau` on every group's learning rate: [`step`](Scheduler::step)
    /// needs the watched metric.
    ///
    /// # Errors
    /// As [`Scheduler::new`], and [`OptimError::InvalidScheduler`] for a bad `config`.
    pub fn plateau<R: UpdateRule>(
        opt: &mut Optimizer<R>,
        config: PlateauConfig,
    ) -> Result<Scheduler, OptimError> {
        let lrs = current(opt, Target::Lr, Plateau::NAME)?;
        Scheduler::start(opt, Kind::Plateau(Plateau::new(config, lrs)?), Target::Lr)
    }

    fn start<R: UpdateRule>(
        opt: &mut Optimizer<R>,
        kind: Kind,
        target: Target,
    ) -> Result<Scheduler, OptimError> {
        let name = kind.name();
        let bases = current(opt, target, name)?;
        let scheduler = Scheduler {
            kind,
            target,
            bases,
            ticks: 0,
        };
        set_all(opt, target, &scheduler.values(), name)?;
        Ok(scheduler)
    }

    /// Moves to the next tick and sets its value in every group. Call it after each epoch, or
    /// after each optimizer step; the schedule counts whichever you choose.
    ///
    /// `metric` is what [`Scheduler::plateau`] watches (say the validation loss); the closed
    /// forms ignore it.
    ///
    /// # Errors
    /// [`OptimError::InvalidScheduler`] if the optimizer now has another number of groups;
    /// [`OptimError::InvalidHyperparameter`] if a rule refuses the value (a momentum of 1).
    /// Nothing changes on error.
    ///
    /// # Panics
    /// For a plateau scheduler, if `metric` is `None`.
    #[track_caller]
    pub fn step<R: UpdateRule>(
        &mut self,
        opt: &mut Optimizer<R>,
        metric: Option<f32>,
    ) -> Result<(), OptimError> {
        let next = match &self.kind {
            Kind::Closed(s) => {
                let t = self.ticks + 1;
                let values = self.bases.iter().map(|&base| s.value(base, t)).collect();
                (values, None)
            }
            Kind::Plateau(p) => {
                let metric = metric.expect("ReduceLROnPlateau: step needs the metric, Some(loss)");
                let mut p = p.clone();
                p.step(f64::from(metric));
                (p.lrs.clone(), Some(p))
            }
        };
        set_all(opt, self.target, &next.0, self.name())?;
        self.ticks += 1;
        if let (Kind::Plateau(p), Some(next)) = (&mut self.kind, next.1) {
            *p = next;
        }
        Ok(())
    }

    /// The value of the current tick for group `group`, as set in its rule.
    ///
    /// # Panics
    /// If there is no such group.
    pub fn value(&self, group: usize) -> f32 {
        self.values()[group] as f32
    }

    /// Ticks so far: 0 after construction, +1 per [`step`](Scheduler::step).
    pub fn ticks(&self) -> usize {
        self.ticks
    }

    /// What it sets.
    pub fn target(&self) -> Target {
        self.target
    }

    /// PyTorch's name of the schedule (`"StepLR"`, `"ReduceLROnPlateau"`).
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// Every group's value at the current tick, in `f64`.
    pub(crate) fn values(&self) -> Vec<f64> {
        match &self.kind {
            Kind::Closed(s) => self.bases.iter().map(|&b| s.value(b, self.ticks)).collect(),
            Kind::Plateau(p) => p.lrs.clone(),
        }
    }
}

impl Kind {
    fn name(&self) -> &'static str {
        match self {
            Kind::Closed(s) => s.name(),
            Kind::Plateau(_) => Plateau::NAME,
        }
    }
}

/// Every group's current `λ` or `μ`.
fn current<R: UpdateRule>(
    opt: &Optimizer<R>,
    target: Target,
    who: &'static str,
) -> Result<Vec<f64>, OptimError> {
    let value = |rule: &R| match target {
        Target::Lr => rule.lr(),
        Target::Momentum => rule.momentum(),
    };
    let what = match target {
        Target::Lr => "learning rate",
        Target::Momentum => "momentum",
    };
    opt.groups()
        .iter()
        .map(|g| {
            value(&g.rule)
                .map(f64::from)
                .ok_or_else(|| OptimError::NoSuchHyperparameter {
                    wanted_by: who.to_string(),
                    rule: g.rule.to_string(),
                    what,
                })
        })
        .collect()
}

/// Sets `values[i]` (rounded to `f32`) as group `i`'s `λ` or `μ`, if every rule accepts it.
pub(crate) fn set_all<R: UpdateRule>(
    opt: &mut Optimizer<R>,
    target: Target,
    values: &[f64],
    who: &'static str,
) -> Result<(), OptimError> {
    let groups = opt.groups_mut();
    if groups.len() != values.len() {
        let reason = format!(
            "it was built for {} parameter groups, the optimizer has {}",
            values.len(),
            groups.len()
        );
        return Err(OptimError::InvalidScheduler {
            scheduler: who,
            reason,
        });
    }
    let mut rules = Vec::with_capacity(groups.len());
    for (group, &value) in groups.iter().zip(values) {
        let mut rule = group.rule.clone();
        match target {
            Target::Lr => rule.set_lr(value as f32),
            Target::Momentum => rule.set_momentum(value as f32),
        }
        rule.validate()?;
        rules.push(rule);
    }
    for (group, rule) in groups.iter_mut().zip(rules) {
        group.rule = rule;
    }
    Ok(())
}
