//! The driver: one loop over the parameter registry, written once for every algorithm.
//!
//! [`Optimizer`] owns the [`Parameters`], the step count, the current learning rate and each
//! parameter's state (created, zeroed, the first time the parameter has a gradient), and hands
//! each parameter in turn to its [`UpdateRule`]. [`Optim`] is the same interface as a trait
//! object, so a program can choose the optimizer by name at run time ([`by_name`](crate::by_name)).

use std::collections::BTreeMap;
use std::fmt;

use std::cell::Ref;

use autograd::backend::elementwise::{flat, for_each_divided, Divisible};
use autograd::{ParamId, Parameters};
use ndarray::{ArrayD, ArrayView1, ArrayViewMut1, Axis};

use crate::error::{check_lr, OptimError};
use crate::rule::{StepContext, UpdateRule};

/// One parameter's state: its own step count and the rule's buffers, shaped like the parameter.
#[derive(Debug, Clone)]
struct ParamState {
    t: u64,
    slots: Vec<ArrayD<f32>>,
}

/// What `load_state_dict` has found of one parameter's state: its step count and buffers.
type Found = (Option<u64>, Vec<Option<ArrayD<f32>>>);

/// An optimizer: an [`UpdateRule`] applied to every parameter of a registry.
///
/// ```
/// use autograd::{Parameters, Tensor};
/// use optim::{Momentum, Optimizer};
/// let mut params = Parameters::new();
/// let w = params.push("w", Tensor::scalar(1.0).requires_grad());
/// let mut opt = Optimizer::new(params, Momentum { lr: 0.1, ..Default::default() }).unwrap();
/// let x = opt.params().get("w").unwrap().clone();
/// (&x * &x).backward(); // L = w², g = 2
/// opt.step().unwrap(); // ĝ = 0.9·0 + 0.1·2 = 0.2, w = 1 − 0.2
/// assert!((x.item() - 0.8).abs() < 1e-7);
/// assert_eq!(opt.state(w).unwrap()[0].sum(), 0.2);
/// ```
#[derive(Debug)]
pub struct Optimizer<R: UpdateRule> {
    params: Parameters,
    rule: R,
    lr: f32,
    step: u64,
    state: BTreeMap<ParamId, ParamState>,
}

/// One parameter's update, or a part of it: the same run of elements of its weights, its
/// gradient and its state buffers, with the values of this step.
struct Update<'a> {
    ctx: StepContext,
    w: ArrayViewMut1<'a, f32>,
    g: ArrayView1<'a, f32>,
    slots: Vec<ArrayViewMut1<'a, f32>>,
}

impl Divisible for Update<'_> {
    fn len(&self) -> usize {
        self.w.len()
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        let (w, w_rest) = self.w.split_at(Axis(0), mid);
        let (g, g_rest) = self.g.split_at(Axis(0), mid);
        let (slots, slots_rest) = self
            .slots
            .into_iter()
            .map(|s| s.split_at(Axis(0), mid))
            .unzip();
        let ctx = self.ctx;
        (
            Update { ctx, w, g, slots },
            Update {
                ctx,
                w: w_rest,
                g: g_rest,
                slots: slots_rest,
            },
        )
    }
}

/// A parameter's gradient as the tensor holds it, or a copy in row-major order.
enum Gradient<'a> {
    Borrowed(Ref<'a, ArrayD<f32>>),
    Copied(ArrayD<f32>),
}

impl Gradient<'_> {
    fn flat(&self) -> ArrayView1<'_, f32> {
        let g = match self {
            Gradient::Borrowed(g) => &**g,
            Gradient::Copied(g) => g,
        };
        ArrayView1::from(g.as_slice().expect("row-major, checked when borrowed"))
    }
}

/// Makes `a` row-major if it is not (a parameter or buffer built or loaded in another order).
fn standard_layout(a: &mut ArrayD<f32>) {
    if !a.is_standard_layout() {
        *a = a.as_standard_layout().into_owned();
    }
}

/// A saved optimizer state, keyed by parameter *name* so that it maps back onto a model rebuilt
/// in another run.
#[derive(Debug, Clone, PartialEq)]
pub struct OptimizerState {
    /// The optimizer's name (`"adam"`); loading into another optimizer is refused.
    pub optimizer: String,
    /// Steps taken.
    pub step: u64,
    /// The learning rate at the time of saving.
    pub lr: f32,
    /// State buffers named `"<param name>.<slot>"` (`"0.weight.m"`), in registry order.
    pub buffers: Vec<(String, ArrayD<f32>)>,
    /// Counters: `"<param name>.step"`, the number of updates each parameter has received.
    pub scalars: BTreeMap<String, f64>,
}

impl<R: UpdateRule> Optimizer<R> {
    /// Builds an optimizer over `params`, with the learning rate of `rule`.
    ///
    /// # Errors
    /// [`OptimError::InvalidHyperparameter`] (or `InvalidSchedule`) naming the first bad value.
    pub fn new(params: Parameters, rule: R) -> Result<Self, OptimError> {
        rule.validate()?;
        let lr = rule.lr();
        Ok(Optimizer {
            params,
            rule,
            lr,
            step: 0,
            state: BTreeMap::new(),
        })
    }

    /// Updates every parameter that has a gradient; parameters without one are left alone (and
    /// get no state).
    ///
    /// # Errors
    /// [`OptimError::NeedsClosure`] for NAG in the course form, which must re-evaluate the loss;
    /// in anomaly mode ([`autograd::anomaly`]), [`OptimError::NonFiniteGradient`] naming the
    /// first parameter whose gradient holds a NaN or an infinity, with no parameter updated.
    ///
    /// # Panics
    /// If a gradient's shape differs from its parameter's (a broken graph, not user input).
    pub fn step(&mut self) -> Result<(), OptimError> {
        if self.rule.needs_closure() {
            return Err(OptimError::NeedsClosure {
                optimizer: self.rule.name(),
            });
        }
        self.check_gradients()?;
        self.update_all(false);
        Ok(())
    }

    /// In anomaly mode, the first parameter whose gradient is not finite, as an error; outside
    /// it nothing is read, since the check visits every element.
    fn check_gradients(&self) -> Result<(), OptimError> {
        if !autograd::anomaly::is_enabled() {
            return Ok(());
        }
        for p in self.params.iter() {
            let Some(g) = p.tensor.grad() else { continue };
            if let Some(&value) = g.iter().find(|v| !v.is_finite()) {
                return Err(OptimError::NonFiniteGradient {
                    optimizer: self.rule.name(),
                    param: p.name.clone(),
                    value,
                });
            }
        }
        Ok(())
    }

    /// Re-evaluates the loss with `closure`, then steps; returns the loss.
    ///
    /// The closure must zero the gradients, compute the loss, call `backward()` and return the
    /// loss. For NAG in the course form every parameter is first moved to its look-ahead point
    /// `w − μ ĝ` so that the closure computes `g(w − μ ĝ)` there; the update then moves on from
    /// there. Other optimizers simply call the closure, then [`step`](Optimizer::step).
    ///
    /// # Errors
    /// In anomaly mode, [`OptimError::NonFiniteGradient`] as [`step`](Optimizer::step) (for
    /// NAG's course form, with the parameters left at their look-ahead points).
    pub fn step_with_closure(
        &mut self,
        closure: &mut dyn FnMut() -> f32,
    ) -> Result<f32, OptimError> {
        if !self.rule.needs_closure() {
            let loss = closure();
            self.check_gradients()?;
            self.update_all(false);
            return Ok(loss);
        }
        self.for_each_with_state(|rule, ctx, w, slots| rule.look_ahead(ctx, w, slots));
        let loss = closure();
        self.check_gradients()?;
        self.update_all(true);
        Ok(loss)
    }

    /// The loop over the registry. `looked_ahead`: parameters were moved by `look_ahead`, so
    /// those that got no gradient must be moved back.
    ///
    /// Each parameter with a gradient becomes an [`Update`] of its elements, and the backend
    /// applies the rule to all of them ([`for_each_divided`]); every element's update depends
    /// on that element alone, so how the backend divides them changes no result.
    fn update_all(&mut self, looked_ahead: bool) {
        let step = self.step + 1;
        let momentum = self.rule.momentum(step);
        let weight_decay = self.rule.weight_decay();
        let n_slots = self.rule.state_slots().len();
        let context = |t| StepContext {
            t,
            lr: self.lr,
            momentum,
            weight_decay,
        };
        let mut borrowed = Vec::new();
        for p in self.params.iter() {
            let Some(g) = p.tensor.grad() else {
                if let (true, Some(s)) = (looked_ahead, self.state.get(&p.id)) {
                    self.rule
                        .look_back(&context(s.t + 1), &mut p.tensor.value_mut(), &s.slots);
                }
                continue;
            };
            let mut w = p.tensor.value_mut();
            assert_eq!(
                g.shape(),
                w.shape(),
                "{}: the gradient of `{}` has shape {:?} but the parameter has shape {:?}",
                self.rule.name(),
                p.name,
                g.shape(),
                w.shape()
            );
            // Weights, gradient and state are walked as one run in the same memory order.
            standard_layout(&mut w);
            let g = if g.is_standard_layout() {
                Gradient::Borrowed(g)
            } else {
                Gradient::Copied(g.as_standard_layout().into_owned())
            };
            let s = self.state.entry(p.id).or_insert_with(|| ParamState {
                t: 0,
                slots: vec![ArrayD::zeros(w.raw_dim()); n_slots],
            });
            s.slots.iter_mut().for_each(standard_layout);
            s.t += 1;
            borrowed.push((context(s.t), p.id, w, g));
        }
        // `borrowed` and the state map are both in id order: walk them side by side.
        let mut states = self.state.iter_mut();
        let updates = borrowed
            .iter_mut()
            .map(|(ctx, id, w, g)| {
                let (_, s) = states.find(|(k, _)| *k == id).expect("state created above");
                Update {
                    ctx: *ctx,
                    w: flat(w),
                    g: g.flat(),
                    slots: s.slots.iter_mut().map(flat).collect(),
                }
            })
            .collect();
        let rule = &self.rule;
        for_each_divided(updates, |u| {
            let Update {
                ctx,
                w,
                g,
                mut slots,
            } = u;
            rule.update(&ctx, w, g, &mut slots);
        });
        self.step = step;
    }

    /// Calls `f` on every parameter that already has state, with the context of the next step.
    fn for_each_with_state(
        &mut self,
        f: impl Fn(&R, &StepContext, &mut ArrayD<f32>, &[ArrayD<f32>]),
    ) {
        let momentum = self.rule.momentum(self.step + 1);
        let weight_decay = self.rule.weight_decay();
        for p in self.params.iter() {
            if let Some(s) = self.state.get(&p.id) {
                let ctx = StepContext {
                    t: s.t + 1,
                    lr: self.lr,
                    momentum,
                    weight_decay,
                };
                f(&self.rule, &ctx, &mut p.tensor.value_mut(), &s.slots);
            }
        }
    }

    /// Clears every parameter's gradient.
    pub fn zero_grad(&self) {
        self.params.zero_grad();
    }

    /// The current learning rate `λ`.
    pub fn lr(&self) -> f32 {
        self.lr
    }

    /// Sets the learning rate for the following steps (a scheduler calls this).
    ///
    /// # Panics
    /// If `lr` is negative or not finite.
    #[track_caller]
    pub fn set_lr(&mut self, lr: f32) {
        if let Err(e) = check_lr(self.rule.name(), lr) {
            panic!("set_lr: {e}");
        }
        self.lr = lr;
    }

    /// Steps taken so far.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// The optimizer's name (`"adam"`).
    pub fn name(&self) -> &'static str {
        self.rule.name()
    }

    /// The parameters being optimized.
    pub fn params(&self) -> &Parameters {
        &self.params
    }

    /// The update rule and its hyperparameters.
    pub fn rule(&self) -> &R {
        &self.rule
    }

    /// The state buffers of one parameter (in the order of
    /// [`state_slots`](UpdateRule::state_slots)), or `None` if it has not been updated yet.
    pub fn state(&self, id: ParamId) -> Option<&[ArrayD<f32>]> {
        self.state.get(&id).map(|s| s.slots.as_slice())
    }

    /// A copy of the state, to save in a checkpoint.
    pub fn state_dict(&self) -> OptimizerState {
        let slots = self.rule.state_slots();
        let mut buffers = Vec::new();
        let mut scalars = BTreeMap::new();
        for p in self.params.iter() {
            if let Some(s) = self.state.get(&p.id) {
                scalars.insert(format!("{}.step", p.name), s.t as f64);
                for (slot, buf) in slots.iter().zip(&s.slots) {
                    buffers.push((format!("{}.{slot}", p.name), buf.clone()));
                }
            }
        }
        OptimizerState {
            optimizer: self.rule.name().to_string(),
            step: self.step,
            lr: self.lr,
            buffers,
            scalars,
        }
    }

    /// Restores a state saved by [`state_dict`](Optimizer::state_dict), learning rate and step
    /// count included. Nothing changes unless the whole state is valid.
    ///
    /// # Errors
    /// - [`OptimError::WrongOptimizer`] if another optimizer saved it (a state saved in
    ///   another [`Form`](crate::Form) with different slots gives `UnknownState`);
    /// - [`OptimError::UnknownState`] for a buffer or counter naming no parameter or slot;
    /// - [`OptimError::MissingState`] if a parameter has some of its state but not all;
    /// - [`OptimError::ShapeMismatch`] naming the parameter and both shapes;
    /// - [`OptimError::BadCounter`] for a step count that is not a non-negative integer;
    /// - [`OptimError::InvalidHyperparameter`] for a bad saved learning rate.
    pub fn load_state_dict(&mut self, saved: &OptimizerState) -> Result<(), OptimError> {
        let name = self.rule.name();
        if saved.optimizer != name {
            return Err(OptimError::WrongOptimizer {
                expected: name.to_string(),
                found: saved.optimizer.clone(),
            });
        }
        check_lr(name, saved.lr)?;
        let slots = self.rule.state_slots();
        // Find the parameter and slot each buffer belongs to. Slot names have no dot, parameter
        // names may: split at the last one.
        let locate = |key: &str, known: &[&str]| -> Result<(usize, usize), OptimError> {
            let unknown = || OptimError::UnknownState(key.to_string());
            let (param, slot) = key.rsplit_once('.').ok_or_else(unknown)?;
            let p = self
                .params
                .iter()
                .position(|p| p.name == param)
                .ok_or_else(unknown)?;
            let k = known.iter().position(|s| *s == slot).ok_or_else(unknown)?;
            Ok((p, k))
        };
        // Per parameter (registry position): its saved step count and buffers, as found.
        let mut found: BTreeMap<usize, Found> = BTreeMap::new();
        for (key, &value) in &saved.scalars {
            let (p, _) = locate(key, &["step"])?;
            if !(value >= 0.0 && value.fract() == 0.0 && value < u64::MAX as f64) {
                return Err(OptimError::BadCounter {
                    key: key.clone(),
                    value,
                });
            }
            found
                .entry(p)
                .or_insert_with(|| (None, vec![None; slots.len()]))
                .0 = Some(value as u64);
        }
        let registry: Vec<_> = self.params.iter().collect();
        for (key, buf) in &saved.buffers {
            let (p, k) = locate(key, slots)?;
            let shape = registry[p].tensor.shape();
            if buf.shape() != shape.as_slice() {
                return Err(OptimError::ShapeMismatch {
                    param: registry[p].name.clone(),
                    slot: slots[k].to_string(),
                    saved: buf.shape().to_vec(),
                    expected: shape,
                });
            }
            found
                .entry(p)
                .or_insert_with(|| (None, vec![None; slots.len()]))
                .1[k] = Some(buf.clone());
        }
        let mut state = BTreeMap::new();
        for (p, (t, bufs)) in found {
            let param = &registry[p].name;
            let t = t.ok_or_else(|| OptimError::MissingState(format!("{param}.step")))?;
            let slots = bufs
                .into_iter()
                .zip(slots)
                .map(|(b, slot)| {
                    b.ok_or_else(|| OptimError::MissingState(format!("{param}.{slot}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            state.insert(registry[p].id, ParamState { t, slots });
        }
        self.state = state;
        self.step = saved.step;
        self.lr = saved.lr;
        Ok(())
    }
}

/// An optimizer as a trait object: [`Optimizer`] with its rule type erased.
///
/// ```
/// use autograd::{Parameters, Tensor};
/// use optim::{by_name, Hyper, Optim};
/// let mut params = Parameters::new();
/// params.push("w", Tensor::scalar(1.0).requires_grad());
/// let mut opt: Box<dyn Optim> = by_name("adam", params, &Hyper::default()).unwrap();
/// assert_eq!((opt.name(), opt.lr()), ("adam", 0.001));
/// assert_eq!(opt.to_string(), "adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, weight decay 0)");
/// ```
///
/// `Display` shows the hyperparameters in use, as [`Optimizer`]'s does.
///
/// Every method is [`Optimizer`]'s method of the same name (documented there, with its errors
/// and panics), and the impl below only forwards: the methods stay inherent so that code
/// holding an `Optimizer<Sgd>` needs no trait in scope, and this trait exists so that
/// [`by_name`](crate::by_name) can return any rule.
pub trait Optim: fmt::Display {
    /// [`Optimizer::step`].
    fn step(&mut self) -> Result<(), OptimError>;
    /// [`Optimizer::step_with_closure`].
    fn step_with_closure(&mut self, closure: &mut dyn FnMut() -> f32) -> Result<f32, OptimError>;
    /// [`Optimizer::zero_grad`].
    fn zero_grad(&self);
    /// [`Optimizer::lr`].
    fn lr(&self) -> f32;
    /// [`Optimizer::set_lr`].
    fn set_lr(&mut self, lr: f32);
    /// [`Optimizer::step_count`].
    fn step_count(&self) -> u64;
    /// [`Optimizer::name`].
    fn name(&self) -> &str;
    /// [`Optimizer::state_dict`].
    fn state_dict(&self) -> OptimizerState;
    /// [`Optimizer::load_state_dict`].
    fn load_state_dict(&mut self, state: &OptimizerState) -> Result<(), OptimError>;
    /// [`Optimizer::params`].
    fn params(&self) -> &Parameters;
}

/// The name, the current learning rate and the rule's other hyperparameters:
/// `adam (lr 0.001, β1 0.9, β2 0.999, ε 1e-8, weight decay 0)`.
impl<R: UpdateRule> fmt::Display for Optimizer<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (lr {}", self.rule.name(), self.lr)?;
        let rest = self.rule.to_string();
        if !rest.is_empty() {
            write!(f, ", {rest}")?;
        }
        f.write_str(")")
    }
}

impl<R: UpdateRule> Optim for Optimizer<R> {
    fn step(&mut self) -> Result<(), OptimError> {
        Optimizer::step(self)
    }
    fn step_with_closure(&mut self, closure: &mut dyn FnMut() -> f32) -> Result<f32, OptimError> {
        Optimizer::step_with_closure(self, closure)
    }
    fn zero_grad(&self) {
        Optimizer::zero_grad(self)
    }
    fn lr(&self) -> f32 {
        Optimizer::lr(self)
    }
    #[track_caller]
    fn set_lr(&mut self, lr: f32) {
        Optimizer::set_lr(self, lr)
    }
    fn step_count(&self) -> u64 {
        Optimizer::step_count(self)
    }
    fn name(&self) -> &str {
        Optimizer::name(self)
    }
    fn state_dict(&self) -> OptimizerState {
        Optimizer::state_dict(self)
    }
    fn load_state_dict(&mut self, state: &OptimizerState) -> Result<(), OptimError> {
        Optimizer::load_state_dict(self, state)
    }
    fn params(&self) -> &Parameters {
        Optimizer::params(self)
    }
}
