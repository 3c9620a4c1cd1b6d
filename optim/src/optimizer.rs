//! The driver, written once for every algorithm: for each group, for each parameter with a
//! gradient, its state (zeroed buffers the first time), its group's rule, the rule's update.
//! Elsewhere: building and reading an optimizer (`groups.rs`), saving its state (`state.rs`),
//! the checks before a step (`checks.rs`), memory layout (`layout.rs`), threads (`split.rs`).

use std::collections::BTreeMap;

use autograd::backend::elementwise::flat;
use autograd::{ParamId, Parameters};
use ndarray::ArrayD;

use crate::checks;
use crate::error::OptimError;
use crate::layout::{standard_layout, Gradient};
use crate::rule::UpdateRule;
use crate::split::{apply_all, Update};

/// Parameters and the rule that updates them: each group has its own copy of the rule, so its
/// own `λ`, weight decay and other hyperparameters (PyTorch's `param_groups`).
#[derive(Debug, Clone)]
pub struct Group<R> {
    /// The parameters.
    pub params: Parameters,
    /// Their update rule and its hyperparameters.
    pub rule: R,
}

/// Where a parameter's state is kept: its group, and its id in that group's registry.
pub(crate) type Key = (usize, ParamId);

/// One parameter's state: its own step count and the rule's buffers, shaped like it.
#[derive(Debug, Clone)]
pub(crate) struct ParamState {
    pub(crate) t: u64,
    pub(crate) slots: Vec<ArrayD<f32>>,
}

/// An optimizer: each group's [`UpdateRule`] applied to the group's parameters. Built by
/// [`Optimizer::new`] (one group) or [`Optimizer::with_groups`] (`groups.rs`).
#[derive(Debug)]
pub struct Optimizer<R> {
    pub(crate) groups: Vec<Group<R>>,
    pub(crate) step: u64,
    pub(crate) state: BTreeMap<Key, ParamState>,
}

impl<R: UpdateRule> Optimizer<R> {
    /// Updates every parameter that has a gradient; parameters without one are left alone (and
    /// get no state).
    ///
    /// # Errors
    /// [`OptimError::NeedsClosure`] for NAG in the course form, which must re-evaluate the loss;
    /// [`OptimError::InvalidHyperparameter`] for a rule changed through `groups_mut` to a bad
    /// value; in anomaly mode ([`autograd::anomaly`]), [`OptimError::NonFiniteGradient`]
    /// naming the first parameter whose gradient holds a NaN or an infinity. No parameter
    /// moves on error.
    ///
    /// # Panics
    /// If a gradient's shape differs from its parameter's (a broken graph, not user input).
    pub fn step(&mut self) -> Result<(), OptimError> {
        if let Some(group) = self.groups.iter().find(|g| g.rule.needs_closure()) {
            let optimizer = group.rule.name();
            return Err(OptimError::NeedsClosure { optimizer });
        }
        checks::valid_rules(self.groups.iter().map(|g| &g.rule))?;
        checks::finite_gradients(self.groups.iter().map(|g| (&g.rule, &g.params)))?;
        self.update_all(false);
        Ok(())
    }

    /// Re-evaluates the loss with `closure`, then steps; returns the loss.
    ///
    /// The closure must zero the gradients, compute the loss, call `backward()` and return the
    /// loss. For NAG in the course form every parameter with state is first moved to its
    /// look-ahead point `w − μ ĝ`, so that the closure computes `g(w − μ ĝ)` there; the update
    /// moves on from there, and a parameter that got no gradient is moved back. Other rules
    /// simply call the closure, then step.
    ///
    /// # Errors
    /// As [`step`](Optimizer::step) (for NAG's course form, a non-finite gradient leaves the
    /// parameters at their look-ahead points).
    pub fn step_with_closure(
        &mut self,
        closure: &mut dyn FnMut() -> f32,
    ) -> Result<f32, OptimError> {
        checks::valid_rules(self.groups.iter().map(|g| &g.rule))?;
        for (i, group) in self.groups.iter().enumerate() {
            if !group.rule.needs_closure() {
                continue;
            }
            for p in group.params.iter() {
                if let Some(s) = self.state.get(&(i, p.id)) {
                    group.rule.look_ahead(&mut p.tensor.value_mut(), &s.slots);
                }
            }
        }
        let loss = closure();
        checks::finite_gradients(self.groups.iter().map(|g| (&g.rule, &g.params)))?;
        self.update_all(true);
        Ok(loss)
    }

    /// The loop. `looked_ahead`: the groups whose rule needs a closure were moved by
    /// `look_ahead`, so their parameters that got no gradient are moved back.
    fn update_all(&mut self, looked_ahead: bool) {
        // For each parameter with a gradient: its weights (row-major), gradient and step count.
        let mut found = Vec::new();
        for (i, group) in self.groups.iter().enumerate() {
            let (rule, look_back) = (&group.rule, looked_ahead && group.rule.needs_closure());
            for p in group.params.iter() {
                let Some(g) = p.tensor.grad() else {
                    if let (true, Some(s)) = (look_back, self.state.get(&(i, p.id))) {
                        rule.look_back(&mut p.tensor.value_mut(), &s.slots);
                    }
                    continue;
                };
                let mut w = p.tensor.value_mut();
                checks::same_shape(rule.name(), &p.name, &g, &w);
                standard_layout(&mut w);
                let s = self.state.entry((i, p.id)).or_insert_with(|| ParamState {
                    t: 0,
                    slots: vec![ArrayD::zeros(w.raw_dim()); rule.state_slots().len()],
                });
                s.slots.iter_mut().for_each(standard_layout);
                s.t += 1;
                found.push(((i, p.id), s.t, w, Gradient::row_major(g)));
            }
        }
        // With its group's rule and state buffers (`found` and the map are both in key order).
        let mut states = self.state.iter_mut();
        let updates = found
            .iter_mut()
            .map(|(key, t, w, g)| {
                let (_, s) = states
                    .find(|(k, _)| *k == key)
                    .expect("state created above");
                Update {
                    rule: &self.groups[key.0].rule,
                    t: *t,
                    w: flat(w),
                    g: g.flat(),
                    slots: s.slots.iter_mut().map(flat).collect(),
                }
            })
            .collect();
        // The rule's update, on every thread.
        apply_all(updates);
        self.step += 1;
    }
}
