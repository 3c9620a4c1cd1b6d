//! Parameter groups: building an optimizer over one or several [`Group`]s, and what can be read
//! and changed between steps.
//!
//! As in PyTorch, each group has its own copy of the rule, so its own `λ`, weight decay and
//! other hyperparameters. The common use is "no weight decay on biases":
//!
//! ```
//! use autograd::{Parameters, Tensor};
//! use optim::{groups, Adam, Group, Optimizer};
//! let mut params = Parameters::new();
//! params.push("0.weight", Tensor::zeros(&[3, 2]).requires_grad());
//! params.push("0.bias", Tensor::zeros(&[3]).requires_grad());
//! let (biases, weights) = groups::split_by_name(&params, |name| name.ends_with("bias"));
//! let decayed = Adam { weight_decay: 0.01, ..Adam::adamw() };
//! let opt = Optimizer::with_groups(vec![
//!     Group { params: weights, rule: decayed.clone() },
//!     Group { params: biases, rule: Adam { weight_decay: 0.0, ..decayed } },
//! ])?;
//! assert_eq!(opt.groups()[1].rule.weight_decay, 0.0);
//! assert_eq!(opt.lr(), Some(0.001)); // the first group's
//! # Ok::<(), optim::OptimError>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use autograd::Parameters;
use ndarray::ArrayD;

use crate::error::OptimError;
use crate::optimizer::{Group, Optimizer};
use crate::rule::UpdateRule;

/// The parameters whose name `pred` accepts, then the others; names and order are kept.
///
/// ```
/// use autograd::{Parameters, Tensor};
/// let mut params = Parameters::new();
/// for name in ["0.weight", "0.bias", "2.weight", "2.bias"] {
///     params.push(name, Tensor::zeros(&[1]).requires_grad());
/// }
/// let (biases, weights) = optim::groups::split_by_name(&params, |n| n.ends_with("bias"));
/// let names = |p: &Parameters| p.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
/// assert_eq!(names(&biases), ["0.bias", "2.bias"]);
/// assert_eq!(names(&weights), ["0.weight", "2.weight"]);
/// ```
pub fn split_by_name(params: &Parameters, pred: impl Fn(&str) -> bool) -> (Parameters, Parameters) {
    let (mut chosen, mut rest) = (Parameters::new(), Parameters::new());
    for p in params {
        let side = if pred(&p.name) {
            &mut chosen
        } else {
            &mut rest
        };
        side.push(p.name.clone(), p.tensor.clone());
    }
    (chosen, rest)
}

impl<R: UpdateRule> Optimizer<R> {
    /// An optimizer with one group: `rule` over all of `params`.
    ///
    /// ```
    /// use autograd::{Parameters, Tensor};
    /// use optim::{Adam, Optimizer};
    /// let mut params = Parameters::new();
    /// params.push("w", Tensor::scalar(1.0).requires_grad());
    /// let opt = Optimizer::new(params, Adam { lr: 0.01, ..Default::default() })?;
    /// assert_eq!(opt.groups()[0].rule.lr, 0.01); // the rule was moved in, not copied field by field
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Optimizer::with_groups`].
    pub fn new(params: Parameters, rule: R) -> Result<Self, OptimError> {
        Optimizer::with_groups(vec![Group { params, rule }])
    }

    /// An optimizer over several groups, each with its own rule.
    ///
    /// # Errors
    /// - [`OptimError::NoParameters`] if the groups hold no parameter at all (an empty group
    ///   next to others is allowed, as in PyTorch);
    /// - [`OptimError::ParameterInTwoGroups`] if a tensor is listed twice;
    /// - [`OptimError::DuplicateName`] if two parameters share a name (saved state is keyed by
    ///   name);
    /// - [`OptimError::InvalidHyperparameter`] (or [`OptimError::NotInForm`]) naming the first
    ///   bad value of a rule.
    pub fn with_groups(groups: Vec<Group<R>>) -> Result<Self, OptimError> {
        if groups.iter().all(|g| g.params.is_empty()) {
            return Err(OptimError::NoParameters);
        }
        let (mut tensors, mut names) = (HashMap::new(), HashMap::new());
        for (i, group) in groups.iter().enumerate() {
            for p in group.params.iter() {
                let param = p.name.clone();
                if let Some(&first) = tensors.get(&p.tensor.id()) {
                    return Err(OptimError::ParameterInTwoGroups {
                        param,
                        groups: (first, i),
                    });
                }
                if let Some(&first) = names.get(&p.name) {
                    return Err(OptimError::DuplicateName {
                        param,
                        groups: (first, i),
                    });
                }
                tensors.insert(p.tensor.id(), i);
                names.insert(p.name.clone(), i);
            }
            group.rule.validate()?;
        }
        Ok(Optimizer {
            groups,
            step: 0,
            state: BTreeMap::new(),
        })
    }

    /// The groups, in order: each one's parameters and rule.
    pub fn groups(&self) -> &[Group<R>] {
        &self.groups
    }

    /// The groups, to change a rule's hyperparameters by hand between steps (the next step
    /// checks them). Replacing a group's parameters leaves their state behind.
    pub fn groups_mut(&mut self) -> &mut [Group<R>] {
        &mut self.groups
    }

    /// The first group's rule (the only one's, for an optimizer built by [`Optimizer::new`]).
    pub fn rule(&self) -> &R {
        &self.groups[0].rule
    }

    /// The first group's learning rate `λ`; `None` if its rule has none (AdaDelta's course
    /// form). Other groups may hold other rates: see [`groups`](Optimizer::groups).
    pub fn lr(&self) -> Option<f32> {
        self.rule().lr()
    }

    /// Sets the learning rate of every group.
    ///
    /// # Errors
    /// [`OptimError::NoSuchHyperparameter`] if a group's rule has no `λ`;
    /// [`OptimError::InvalidHyperparameter`] for a negative or non-finite `lr`. Nothing
    /// changes on error.
    pub fn set_lr(&mut self, lr: f32) -> Result<(), OptimError> {
        let mut rules: Vec<R> = self.groups.iter().map(|g| g.rule.clone()).collect();
        for rule in &mut rules {
            if rule.lr().is_none() {
                return Err(OptimError::NoSuchHyperparameter {
                    wanted_by: "set_lr".to_string(),
                    rule: rule.to_string(),
                    what: "learning rate",
                });
            }
            rule.set_lr(lr);
            rule.validate()?;
        }
        for (group, rule) in self.groups.iter_mut().zip(rules) {
            group.rule = rule;
        }
        Ok(())
    }

    /// Steps taken so far.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// Every parameter of every group, in order, as one registry (the tensors are shared).
    pub fn params(&self) -> Parameters {
        let mut all = Parameters::new();
        for p in self.groups.iter().flat_map(|g| g.params.iter()) {
            all.push(p.name.clone(), p.tensor.clone());
        }
        all
    }

    /// Clears every parameter's gradient.
    pub fn zero_grad(&self) {
        self.groups.iter().for_each(|g| g.params.zero_grad());
    }

    /// The state buffers of the parameter called `name` (in the order of
    /// [`state_slots`](UpdateRule::state_slots)), or `None` if it has not been updated yet.
    pub fn state(&self, name: &str) -> Option<&[ArrayD<f32>]> {
        self.groups.iter().enumerate().find_map(|(i, group)| {
            let p = group.params.iter().find(|p| p.name == name)?;
            self.state.get(&(i, p.id)).map(|s| s.slots.as_slice())
        })
    }
}

/// The rule of a single group (`adam (lr 0.001, β1 0.9, …)`); with several, each on its own
/// line after its number: `group 0: adam (…)`.
impl<R: UpdateRule> fmt::Display for Optimizer<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [only] = self.groups.as_slice() {
            return only.rule.fmt(f);
        }
        for (i, group) in self.groups.iter().enumerate() {
            let end = if i + 1 < self.groups.len() { "\n" } else { "" };
            write!(f, "group {i}: {}{end}", group.rule)?;
        }
        Ok(())
    }
}
