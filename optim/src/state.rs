//! Saving and restoring an optimizer's state: each group's rule and parameter names, each
//! parameter's step count and buffers (keyed by parameter *name*, so that the state maps back
//! onto a model rebuilt in another run), and the global step count.
//!
//! `checkpoint.rs` turns an [`OptimizerState`] into tensors and text for a checkpoint file.

use std::collections::BTreeMap;

use ndarray::ArrayD;
use serde::{Deserialize, Serialize};

use crate::error::OptimError;
use crate::optimizer::{Key, Optimizer, ParamState};
use crate::rule::UpdateRule;

/// A saved optimizer state.
#[derive(Debug, Clone, PartialEq)]
pub struct OptimizerState<R> {
    /// Steps taken.
    pub step: u64,
    /// Each group's rule (its `λ` included, as a scheduler left it) and parameter names.
    pub groups: Vec<SavedGroup<R>>,
    /// State buffers named `"<param name>.<slot>"` (`"0.weight.m"`), group by group.
    pub buffers: Vec<(String, ArrayD<f32>)>,
    /// Counters: `"<param name>.step"`, the number of updates each parameter has received.
    pub scalars: BTreeMap<String, f64>,
}

/// One group of a saved state: its rule and the names of its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedGroup<R> {
    /// The rule with its hyperparameters.
    pub rule: R,
    /// The parameters' names, in order.
    pub params: Vec<String>,
}

/// What `load_state_dict` has found of one parameter's state: its step count and buffers.
type Found = (Option<u64>, Vec<Option<ArrayD<f32>>>);

impl<R: UpdateRule> Optimizer<R> {
    /// A copy of the state, to save in a checkpoint.
    pub fn state_dict(&self) -> OptimizerState<R> {
        let mut buffers = Vec::new();
        let mut scalars = BTreeMap::new();
        for (i, group) in self.groups.iter().enumerate() {
            for p in group.params.iter() {
                if let Some(s) = self.state.get(&(i, p.id)) {
                    scalars.insert(format!("{}.step", p.name), s.t as f64);
                    for (slot, buf) in group.rule.state_slots().iter().zip(&s.slots) {
                        buffers.push((format!("{}.{slot}", p.name), buf.clone()));
                    }
                }
            }
        }
        let groups = self
            .groups
            .iter()
            .map(|g| SavedGroup {
                rule: g.rule.clone(),
                params: g.params.iter().map(|p| p.name.clone()).collect(),
            })
            .collect();
        OptimizerState {
            step: self.step,
            groups,
            buffers,
            scalars,
        }
    }

    /// Restores a state saved by [`state_dict`](Optimizer::state_dict): each group's rule (its
    /// hyperparameters, `λ` included, replace the group's, as in PyTorch), the buffers and
    /// the step counts. Nothing changes unless the whole state is valid.
    ///
    /// # Errors
    /// - [`OptimError::WrongOptimizer`] if another optimizer saved it (a state saved in
    ///   another [`Form`](crate::Form) with different slots gives `UnknownState`);
    /// - [`OptimError::WrongGrouping`] if its groups hold other parameters;
    /// - [`OptimError::UnknownState`] for a buffer or counter naming no parameter or slot;
    /// - [`OptimError::MissingState`] if a parameter has some of its state but not all;
    /// - [`OptimError::ShapeMismatch`] naming the parameter and both shapes;
    /// - [`OptimError::BadCounter`] for a step count that is not a non-negative integer;
    /// - [`OptimError::InvalidHyperparameter`] for a bad saved hyperparameter.
    pub fn load_state_dict(&mut self, saved: &OptimizerState<R>) -> Result<(), OptimError> {
        for (ours, theirs) in self.groups.iter().zip(&saved.groups) {
            if ours.rule.name() != theirs.rule.name() {
                return Err(OptimError::WrongOptimizer {
                    expected: ours.rule.name().to_string(),
                    found: theirs.rule.name().to_string(),
                });
            }
        }
        let expected: Vec<Vec<String>> = self
            .groups
            .iter()
            .map(|g| g.params.iter().map(|p| p.name.clone()).collect())
            .collect();
        let found: Vec<Vec<String>> = saved.groups.iter().map(|g| g.params.clone()).collect();
        if expected != found {
            return Err(OptimError::WrongGrouping { expected, found });
        }
        saved.groups.iter().try_for_each(|g| g.rule.validate())?;
        // Each parameter by name: where its state is kept, its shape, its group's slots.
        let mut params = BTreeMap::new();
        for (i, group) in self.groups.iter().enumerate() {
            for p in group.params.iter() {
                let slots = group.rule.state_slots();
                params.insert(p.name.as_str(), ((i, p.id), p.tensor.shape(), slots));
            }
        }
        // Slot names have no dot, parameter names may: split a key at the last one.
        let unknown = |key: &str| OptimError::UnknownState(key.to_string());
        fn locate(key: &str) -> Result<(&str, &str), OptimError> {
            let unknown = || OptimError::UnknownState(key.to_string());
            key.rsplit_once('.').ok_or_else(unknown)
        }
        let mut found: BTreeMap<Key, Found> = BTreeMap::new();
        for (key, &value) in &saved.scalars {
            let (param, "step") = locate(key)? else {
                return Err(unknown(key));
            };
            let (k, _, slots) = params.get(param).ok_or_else(|| unknown(key))?;
            if !(value >= 0.0 && value.fract() == 0.0 && value < u64::MAX as f64) {
                let key = key.clone();
                return Err(OptimError::BadCounter { key, value });
            }
            let entry = found
                .entry(*k)
                .or_insert_with(|| (None, vec![None; slots.len()]));
            entry.0 = Some(value as u64);
        }
        for (key, buf) in &saved.buffers {
            let (param, slot) = locate(key)?;
            let (k, shape, slots) = params.get(param).ok_or_else(|| unknown(key))?;
            let s = slots
                .iter()
                .position(|s| *s == slot)
                .ok_or_else(|| unknown(key))?;
            if buf.shape() != shape.as_slice() {
                return Err(OptimError::ShapeMismatch {
                    param: param.to_string(),
                    slot: slot.to_string(),
                    saved: buf.shape().to_vec(),
                    expected: shape.clone(),
                });
            }
            found
                .entry(*k)
                .or_insert_with(|| (None, vec![None; slots.len()]))
                .1[s] = Some(buf.clone());
        }
        let mut state = BTreeMap::new();
        for (name, (k, _, slots)) in &params {
            let Some((t, bufs)) = found.remove(k) else {
                continue;
            };
            let missing = |what: &str| OptimError::MissingState(format!("{name}.{what}"));
            let t = t.ok_or_else(|| missing("step"))?;
            let slots = bufs
                .into_iter()
                .zip(slots.iter())
                .map(|(b, slot)| b.ok_or_else(|| missing(slot)))
                .collect::<Result<Vec<_>, _>>()?;
            state.insert(*k, ParamState { t, slots });
        }
        for (group, saved) in self.groups.iter_mut().zip(&saved.groups) {
            group.rule = saved.rule.clone();
        }
        self.state = state;
        self.step = saved.step;
        Ok(())
    }
}
